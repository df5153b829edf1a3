"""A voice's preview: one short sentence in its own language, as the MP3 the voice lists link to.

The preview cache (reelwright.previews) calls ``render_voice_preview`` once per voice and keeps the
file, so this only has to be correct, not fast (Piper: about 1 s; eSpeak NG: a few ms, plus the
MP3 encoding).
"""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path
from typing import Final

from reelwright.render import ffmpeg
from reelwright.storyboard import SceneAudio
from reelwright.voice.catalogue import get_voice, speaks
from reelwright.voice.mix import FloatArray, decode_audio, normalize_loudness, write_wav
from reelwright.voice.narrate import narrate

# "Hello, this is my voice. I can narrate your next video." by language (base subtag). Voices of
# other languages count to five, which espeak-ng reads in the voice's own language.
SAMPLE_SENTENCES: Final[dict[str, str]] = {
    "en": "Hello, this is my voice. I can narrate your next video.",
    "de": "Hallo, das ist meine Stimme. Ich kann Ihr nächstes Video sprechen.",
    "fr": "Bonjour, voici ma voix. Je peux raconter votre prochaine vidéo.",
    "es": "Hola, esta es mi voz. Puedo narrar tu próximo vídeo.",
    "it": "Ciao, questa è la mia voce. Posso narrare il tuo prossimo video.",
    "pt": "Olá, esta é a minha voz. Posso narrar o seu próximo vídeo.",
    "nl": "Hallo, dit is mijn stem. Ik kan je volgende video inspreken.",
    "sv": "Hej, det här är min röst. Jag kan läsa in din nästa video.",
    "da": "Hej, dette er min stemme. Jeg kan indtale din næste video.",
    "nb": "Hei, dette er stemmen min. Jeg kan lese inn din neste video.",
    "fi": "Hei, tämä on minun ääneni. Voin kertoa seuraavan videosi.",
    "pl": "Cześć, to jest mój głos. Mogę nagrać narrację do twojego następnego filmu.",
    "cs": "Ahoj, tohle je můj hlas. Mohu namluvit vaše další video.",
    "ru": "Здравствуйте, это мой голос. Я могу озвучить ваше следующее видео.",
    "uk": "Привіт, це мій голос. Я можу озвучити ваше наступне відео.",
    "tr": "Merhaba, bu benim sesim. Bir sonraki videonuzu seslendirebilirim.",
    "el": "Γεια σας, αυτή είναι η φωνή μου. Μπορώ να αφηγηθώ το επόμενο βίντεό σας.",
    # Kana only: espeak-ng reads kanji as "Chinese letter".
    "ja": "こんにちは、これは わたしの こえです。つぎの どうがの ナレーションを おまかせください。",
    "zh": "你好，这是我的声音。我可以为你的下一个视频配音。",
    "ko": "안녕하세요, 제 목소리입니다. 다음 영상의 내레이션을 맡겨 주세요.",
    "hi": "नमस्ते, यह मेरी आवाज़ है। मैं आपके अगले वीडियो का वर्णन कर सकता हूँ।",
    "ar": "مرحبا، هذا صوتي. يمكنني أن أروي الفيديو القادم الخاص بك.",
    "vi": "Xin chào, đây là giọng nói của tôi. Tôi có thể thuyết minh video tiếp theo của bạn.",
    "id": "Halo, ini suara saya. Saya bisa menarasikan video Anda berikutnya.",
    "ro": "Bună, aceasta este vocea mea. Pot nara următorul tău videoclip.",
    "hu": "Szia, ez az én hangom. Elmesélem a következő videódat.",
    # Voices that read no digits: a greeting in their own words and script.
    "sjn": "Mae govannen.",
    "chr": "ᎣᏏᏲ.",
    "cv": "Салам.",
}
COUNTING: Final = "1, 2, 3, 4, 5."

_BITRATE = "64k"  # mono speech: transparent enough for a sample, about 8 kB a second


def sample_sentence(voice_id: str) -> str:
    voice = get_voice(voice_id)
    return next((text for lang, text in SAMPLE_SENTENCES.items() if speaks(voice, lang)), COUNTING)


def narrate_levelled(text: str, voice_id: str, workdir: Path) -> tuple[SceneAudio, FloatArray, int, Path]:
    """Speak ``text`` into ``workdir``, levelled to -16 LUFS like a video's narration: the
    narration's timings, the levelled samples, their sample rate and the levelled WAV."""
    raw = workdir / "raw.wav"
    audio = narrate(text, voice_id, raw)
    with wave.open(str(raw), "rb") as wav:
        rate = wav.getframerate()
    samples = normalize_loudness(decode_audio(raw, rate), rate)
    levelled = workdir / "levelled.wav"
    write_wav(levelled, samples, rate)
    return audio, samples, rate, levelled


def render_voice_preview(voice_id: str, out_dir: Path) -> None:
    """Write ``out_dir/"audio.mp3"``: the voice saying one sentence, at -16 LUFS like a video."""
    voice = get_voice(voice_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="voice-preview-") as tmp:
        _audio, _samples, _rate, levelled = narrate_levelled(sample_sentence(voice.id), voice.id, Path(tmp))
        ffmpeg.run(
            [
                *("-i", str(levelled), "-map_metadata", "-1", "-ac", "1"),
                *("-c:a", "libmp3lame", "-b:a", _BITRATE, str(out_dir / "audio.mp3")),
            ],
            what=f"encoding the preview of {voice.id}",
        )
