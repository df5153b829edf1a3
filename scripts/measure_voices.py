"""Each voice engine's speed (x real time, CPU seconds) and memory (peak RSS), one engine per
process so that one model's memory does not hide in another's. Prints a Markdown table.

    python scripts/measure_voices.py [--voices-dir DIR]   # Kokoro rows only with the extra
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

SENTENCES = {
    "en": "Our quarterly results show steady growth, and every region we serve did better than last year.",
    "de": "Unsere Quartalszahlen zeigen ein stetiges Wachstum in allen Regionen, die wir betreuen.",
    "fr": "Nos résultats trimestriels montrent une croissance régulière dans toutes nos régions.",
    "ja": "今期の業績は、すべての地域で着実に成長しています。",
}


def _one(voice_id: str, language: str) -> dict[str, float]:
    from reelwright.voice.catalogue import get_voice
    from reelwright.voice.engine import engine_for

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    engine = engine_for(get_voice(voice_id))
    engine.synthesize("Warm up." if language == "en" else SENTENCES[language][:12])
    load = time.perf_counter() - t
    spoken = cpu = 0.0
    for _ in range(3):
        c = time.process_time()
        utt = engine.synthesize(SENTENCES[language])
        cpu += time.process_time() - c
        spoken += utt.duration
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"x_realtime": spoken / cpu, "load_s": load, "rss_mb": peak / 1024, "engine_mb": (peak - base) / 1024}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2], sys.argv[3])))
        return
    from reelwright.voice.catalogue import VOICES

    rows = [("en_US-joe", "en"), ("espeak-en-us-female", "en"), ("espeak-de", "de")]
    rows += [(v.id, v.language.split("-")[0]) for v in VOICES.values() if v.engine == "piper-dir"][:1]
    rows += [(v, lang) for v, lang in (("kokoro-jf_alpha", "ja"), ("kokoro-jm_kumo", "ja")) if v in VOICES]
    rows += [(v.id, "fr") for v in VOICES.values() if v.engine == "kokoro" and v.language == "fr"][:1]
    print("| voice | engine | x real time (CPU) | first sentence incl. load (s) | peak RSS (MB) | of which engine (MB) |")
    print("|---|---|---|---|---|---|")
    for voice_id, language in rows:
        out = subprocess.run(
            [sys.executable, __file__, "--one", voice_id, language], capture_output=True, text=True, env=os.environ
        )
        if out.returncode != 0:
            print(f"| {voice_id} | failed: {out.stderr.strip().splitlines()[-1]} |")
            continue
        m = json.loads(out.stdout.strip().splitlines()[-1])
        engine = VOICES[voice_id].engine
        print(
            f"| {voice_id} | {engine} | {m['x_realtime']:.1f} | {m['load_s']:.2f} | {m['rss_mb']:.0f} | "
            f"{m['engine_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
