"""Ingest stage: type sniffing, media/PDF inspection and file validation, on real generated media."""

from __future__ import annotations

import os
import struct
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from reelwright.errors import FileRejected, InputError
from reelwright.ingest import sniff as sniff_mod
from reelwright.ingest.files import LIMITS, InputFile, Limits, inspect_file, inspect_files
from reelwright.ingest.media import (
    MediaError,
    extract_frame,
    first_audio_decodes,
    first_frame_decodes,
    probe,
    read_audio,
)
from reelwright.ingest.pdf import PdfError, clean_text, page_count, page_texts, render_page
from reelwright.ingest.sniff import HEAD_SIZE, looks_like_html, sniff
from tests.media import (
    make_audio_only_mp4,
    make_encrypted_pdf,
    make_frameless_video,
    make_html,
    make_huge_png,
    make_jpeg,
    make_mp3,
    make_pdf,
    make_png,
    make_random_bytes,
    make_truncated_pdf,
    make_video,
    make_wav,
    make_webm,
)

PAGES = [
    ("Quarterly Widget Report", ["Revenue grew 12 percent", "Churn fell to 3 percent"]),
    (
        "Next Steps — café edition",
        [
            "Hire two engineers",
            "Ship the state-of-the-art widget to every customer who asked for it before the end of the "
            "third quarter, including the ones in Europe",
        ],
    ),
]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once per module: encoding video is the slow part of these tests."""
    d = tmp_path_factory.mktemp("ingest-media")
    make_png(d / "pic.png", 320, 240, "PNG")
    make_jpeg(d / "pic.jpg", 400, 300, "JPG")
    make_jpeg(d / "phone.jpg", 400, 300, "EXIF", orientation=6)
    make_video(d / "clip.mp4", 2, 320, 240)
    make_video(d / "silent.mp4", 1, 160, 120, with_audio=False)
    make_video(d / "portrait.mp4", 1, 320, 240, display_rotation=90)
    make_webm(d / "clip.webm", 2, 320, 240)
    make_wav(d / "tone.wav", 1.5, 440.0)
    make_mp3(d / "tone.mp3", 1.5, 440.0)
    make_pdf(d / "deck.pdf", PAGES)
    make_pdf(d / "empty.pdf", [])
    make_truncated_pdf(d / "truncated.pdf")
    make_encrypted_pdf(d / "locked.pdf")
    make_html(d / "page.html")
    make_random_bytes(d / "noise.bin")
    make_huge_png(d / "bomb.png")
    make_frameless_video(d / "frameless.mp4")
    make_audio_only_mp4(d / "audio-only.mp4")
    return d


def _words(text: str) -> str:
    return " ".join(text.split())


def _rejected(path: Path, *, index: int = 0, limits: Limits = LIMITS) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        inspect_file(index, path, limits=limits)
    return caught.value


# --------------------------------------------------------------------------------------------- sniff


def _mp3_frame() -> bytes:
    # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 144 * 128000 // 44100 = 417 bytes.
    return b"\xff\xfb\x90\x64" + b"\x00" * 413


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x10Exif\x00", "image/jpeg"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video/mp4"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "video/mp4"),
        (b"\x00\x00\x00\x08wide\x00\x00\x10\x00mdat", "video/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "video/webm"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x21", "audio/mpeg"),
        (_mp3_frame() * 3, "audio/mpeg"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio/wav"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (b"\x00" * 500 + b"%PDF-1.4\n", "application/pdf"),
        (
            b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml...word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "application/zip"),  # the reader decides
        (b"<!DOCTYPE html><html><body>hi</body></html>", "text/html"),
        (b"# Title\n\nSome *text*.\n", "text/markdown"),
        (b"Intro\n\n- one\n- two\n", "text/markdown"),
        (b"hello, plain text\n", "text/plain"),
        (b"\xef\xbb\xbfgr\xc3\xbc\xc3\x9fe, UTF-8 with a byte order mark\n", "text/plain"),
        ("caf\u00e9 ".encode() * 1365 + b"caf\xc3", "text/plain"),  # a character cut at the head's end
    ],
)
def test_sniff_recognises_magic_numbers(head: bytes, mime: str) -> None:
    kind = sniff(head)
    assert kind is not None
    assert kind.mime == mime


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"RIFF\x24\x08\x00\x00WEBPVP8 ",  # WebP is RIFF too, but not WAVE
        b"RIFF\x24\x08\x00\x00AVI LIST",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",  # HEIF still image
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1",
        b"\xff\xf1\x50\x80\x02\x1f\xfc" * 10,  # ADTS AAC: frame sync with layer bits 00
        b"\xff\xfb\x90\x64" + b"\x5a" * 413 + b"\x12\x34\x56\x78",  # one frame header, no second frame
        b"\x00" * 1100 + b"%PDF-1.4\n",  # PDF header beyond the first 1024 bytes
        b"PK\x03\x04\x14\x00\x06\x00",  # a zip that names no Office part
        b"PK\x03\x04\x14\x00\x06\x00mimetypeapplication/epub+zip",  # an EPUB is a zip too
        b"\x89\x00\x01binary\x02\x03",  # bytes that are not text
        b"<?xml version='1.0'?><svg></svg>",  # markup that is not a page
        b"caf\xe9 latin-1 text",  # text, but not UTF-8
    ],
)
def test_sniff_rejects_everything_else(head: bytes) -> None:
    assert sniff(head) is None


def test_sniff_ignores_extension_and_reads_real_files(media_dir: Path) -> None:
    expected = {
        "pic.png": sniff_mod.PNG,
        "pic.jpg": sniff_mod.JPEG,
        "clip.mp4": sniff_mod.MP4,
        "clip.webm": sniff_mod.WEBM,
        "tone.wav": sniff_mod.WAV,
        "tone.mp3": sniff_mod.MP3,
        "deck.pdf": sniff_mod.PDF,
        "frameless.mp4": sniff_mod.MP4,
        "page.html": sniff_mod.HTML,
        "noise.bin": None,
    }
    for name, kind in expected.items():
        head = (media_dir / name).read_bytes()[:HEAD_SIZE]
        assert sniff(head) == kind, name
    # A PNG called .mp4 is still a PNG.
    renamed = media_dir / "really-a-png.mp4"
    renamed.write_bytes((media_dir / "pic.png").read_bytes())
    assert inspect_file(0, renamed).mime == "image/png"


def test_looks_like_html() -> None:
    assert looks_like_html(b"\n  <!DOCTYPE html>\n<html lang=en>")
    assert looks_like_html(b"\xef\xbb\xbf<html><head><title>x</title></head>")
    assert looks_like_html("<html><body>ü</body></html>".encode("utf-16"))
    assert not looks_like_html(b"just some text mentioning <html> later")
    assert not looks_like_html(b"\x89PNG\r\n\x1a\n")


# --------------------------------------------------------------------------------------------- media


def test_probe_mp4(media_dir: Path) -> None:
    info = probe(media_dir / "clip.mp4")
    assert info.format_name.startswith("mov,mp4")
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.video is not None and info.audio is not None
    assert (info.video.codec, info.video.width, info.video.height) == ("h264", 320, 240)
    assert info.video.pix_fmt == "yuv420p"
    assert info.video.fps == pytest.approx(30.0)
    assert info.video.frames == 60
    assert info.video.profile  # e.g. "Constrained Baseline" for -preset ultrafast
    assert info.video_duration == pytest.approx(2.0, abs=0.01)
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("aac", 48000, 2)
    assert info.audio_duration == pytest.approx(2.0, abs=0.05)


def test_probe_webm_measures_streams_by_demuxing(media_dir: Path) -> None:
    # Matroska stores no per-stream duration or frame count; probe must count packets itself.
    info = probe(media_dir / "clip.webm")
    assert info.format_name == "matroska,webm"
    assert info.video is not None and info.audio is not None
    assert info.video.codec == "vp8" and info.audio.codec == "opus"
    assert info.video.frames == 60
    assert info.video_duration == pytest.approx(2.0, abs=0.05)
    assert info.audio_duration == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(("name", "codec"), [("tone.wav", "pcm_s16le"), ("tone.mp3", "mp3")])
def test_probe_audio(media_dir: Path, name: str, codec: str) -> None:
    info = probe(media_dir / name)
    assert info.video is None
    assert info.audio is not None and info.audio.codec == codec
    assert info.audio_duration == pytest.approx(1.5, abs=0.06)
    assert info.duration == pytest.approx(1.5, abs=0.06)


def test_probe_reports_display_rotation(media_dir: Path) -> None:
    info = probe(media_dir / "portrait.mp4")
    assert info.video is not None
    assert info.video.rotation == 90
    assert (info.video.width, info.video.height) == (320, 240)
    assert (info.video.display_width, info.video.display_height) == (240, 320)
    assert extract_frame(media_dir / "portrait.mp4", 0.2).size == (240, 320)
    assert extract_frame(media_dir / "portrait.mp4", 0.2, autorotate=False).size == (320, 240)


def test_probe_rejects_non_media(media_dir: Path) -> None:
    with pytest.raises(MediaError):
        probe(media_dir / "deck.pdf")
    with pytest.raises(MediaError):
        probe(media_dir / "does-not-exist.mp4")


def test_first_frame_decodes(media_dir: Path) -> None:
    assert first_frame_decodes(media_dir / "clip.mp4")
    assert first_frame_decodes(media_dir / "clip.webm")
    assert not first_frame_decodes(media_dir / "frameless.mp4")
    assert not first_frame_decodes(media_dir / "tone.wav")
    assert not first_frame_decodes(media_dir / "noise.bin")
    assert first_audio_decodes(media_dir / "clip.mp4")
    assert not first_audio_decodes(media_dir / "silent.mp4")


def test_frameless_video_really_has_a_stream_and_no_frames(media_dir: Path) -> None:
    info = probe(media_dir / "frameless.mp4")
    assert info.video is not None and info.video.codec == "h264"
    with av.open(str(media_dir / "frameless.mp4")) as container:
        assert list(container.decode(video=0)) == []


@pytest.mark.parametrize("name", ["clip.mp4", "clip.webm"])
def test_extract_frame_picks_nearest_frame(media_dir: Path, name: str) -> None:
    with av.open(str(media_dir / name)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 60
    for t, index in [(0.0, 0), (0.5, 15), (1.01, 30), (1.49, 45), (99.0, 59)]:
        got = np.asarray(extract_frame(media_dir / name, t))
        assert got.shape == (240, 320, 3)
        assert np.array_equal(got, frames[index]), (t, index)


def test_read_audio(media_dir: Path) -> None:
    samples, rate = read_audio(media_dir / "tone.wav")
    assert rate == 48000 and samples.shape == (1, 72000)
    assert np.abs(samples).max() == pytest.approx(0.5, abs=0.01)
    samples, rate = read_audio(media_dir / "clip.mp4", sample_rate=16000, mono=True)
    assert rate == 16000 and samples.shape[0] == 1
    assert samples.shape[1] == pytest.approx(32000, abs=1100)
    with pytest.raises(MediaError):
        read_audio(media_dir / "silent.mp4")


# ----------------------------------------------------------------------------------------------- pdf


def test_page_texts_returns_heading_and_bullets(media_dir: Path) -> None:
    texts = page_texts(media_dir / "deck.pdf")
    assert len(texts) == 2
    for text, (heading, bullets) in zip(texts, PAGES, strict=True):
        assert text.splitlines()[0] == heading
        for bullet in bullets:
            assert f"• {bullet}" in _words(text)
    assert page_count(media_dir / "deck.pdf") == 2


def test_clean_text() -> None:
    raw = (
        "  Title \r\n\r\n\r\n• an exam\ufffeple of well\x02known state-of-the\ufffeart"
        "\r\nre-\r\nsearch\tand  X-\r\nRay "
    )
    assert clean_text(raw) == "Title\n\n• an example of wellknown state-of-the-art\nresearch and X-\nRay"
    assert clean_text("soft\u00adhyphen \x00") == "softhyphen"
    assert clean_text(" \n \n") == ""


def test_render_page_fits_box_on_white(media_dir: Path) -> None:
    image = render_page(media_dir / "deck.pdf", 1, 640, 360)
    assert image.mode == "RGB"
    assert image.height == 360 and image.width <= 640  # Letter portrait: height is the limit
    assert image.width == pytest.approx(360 * 612 / 792, abs=1)
    r, _g, b = image.getpixel((image.width // 2, 2))  # type: ignore[misc]
    assert b > 150 and r < 100  # the blue band at the top of each page
    assert image.getpixel((image.width - 3, image.height - 3)) == (255, 255, 255)
    wide = render_page(media_dir / "deck.pdf", 2, 200, 2000)
    assert wide.width == 200 and wide.height <= 2000
    with pytest.raises(ValueError):
        render_page(media_dir / "deck.pdf", 3, 640, 360)


def test_pdf_errors(media_dir: Path) -> None:
    with pytest.raises(PdfError, match="damaged or truncated"):
        page_texts(media_dir / "truncated.pdf")
    with pytest.raises(PdfError, match="password-protected"):
        page_count(media_dir / "locked.pdf")


def test_pdf_calls_are_safe_from_many_threads(media_dir: Path) -> None:
    expected = page_texts(media_dir / "deck.pdf")
    barrier = threading.Barrier(6)

    def work(i: int) -> list[str]:
        barrier.wait()
        if i % 2:
            render_page(media_dir / "deck.pdf", 1 + i % 2, 320, 240)
        return page_texts(media_dir / "deck.pdf")

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(work, range(24)))
    assert all(r == expected for r in results)


# ----------------------------------------------------------------------------------------------- files


def test_inspect_images(media_dir: Path) -> None:
    png = inspect_file(0, media_dir / "pic.png")
    assert (png.kind, png.mime, png.width, png.height) == ("image", "image/png", 320, 240)
    assert png.size_bytes == (media_dir / "pic.png").stat().st_size
    jpg = inspect_file(1, media_dir / "pic.jpg")
    assert (jpg.index, jpg.mime, jpg.width, jpg.height) == (1, "image/jpeg", 400, 300)
    # EXIF orientation 6 (rotate 90°): stored 400×300, shown 300×400.
    phone = inspect_file(2, media_dir / "phone.jpg")
    assert (phone.width, phone.height) == (300, 400)


def test_inspect_videos(media_dir: Path) -> None:
    mp4 = inspect_file(0, media_dir / "clip.mp4")
    assert (mp4.kind, mp4.mime, mp4.width, mp4.height) == ("video", "video/mp4", 320, 240)
    assert mp4.duration == pytest.approx(2.0, abs=0.05)
    assert mp4.has_audio
    silent = inspect_file(1, media_dir / "silent.mp4")
    assert (silent.width, silent.height, silent.has_audio) == (160, 120, False)
    webm = inspect_file(2, media_dir / "clip.webm")
    assert (webm.mime, webm.width, webm.height, webm.has_audio) == ("video/webm", 320, 240, True)
    assert webm.duration == pytest.approx(2.0, abs=0.05)
    portrait = inspect_file(3, media_dir / "portrait.mp4")
    assert (portrait.width, portrait.height) == (240, 320)


def test_inspect_audio(media_dir: Path) -> None:
    wav = inspect_file(0, media_dir / "tone.wav")
    assert (wav.kind, wav.mime, wav.width, wav.height) == ("audio", "audio/wav", None, None)
    assert wav.duration == pytest.approx(1.5, abs=0.01)
    mp3 = inspect_file(1, media_dir / "tone.mp3")
    assert mp3.mime == "audio/mpeg"
    assert mp3.duration == pytest.approx(1.5, abs=0.06)


def test_inspect_pdf(media_dir: Path) -> None:
    doc = inspect_file(0, media_dir / "deck.pdf")
    assert (doc.kind, doc.mime, doc.duration) == ("pdf", "application/pdf", None)
    assert len(doc.page_texts) == 2
    assert doc.page_texts[0].startswith("Quarterly Widget Report")
    assert "• Hire two engineers" in doc.page_texts[1]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("page.html", "HTML page has almost no text (an error or login page saved instead of the file?)"),
        (
            "noise.bin",
            "not a supported file type; expected PNG, JPEG, MP4, WebM, MP3, WAV, PDF, PowerPoint (.pptx), "
            "Word (.docx), Markdown, plain text or HTML",
        ),
        ("bomb.png", "image is 30000×30000 pixels; the limit is 40 megapixels"),
        ("truncated.pdf", "PDF is damaged or truncated"),
        ("locked.pdf", "PDF is password-protected"),
        ("empty.pdf", "PDF has no pages"),
        ("frameless.mp4", "video has no frames"),
        ("audio-only.mp4", "video has no video stream"),
    ],
)
def test_bad_files_are_rejected(media_dir: Path, name: str, problem: str) -> None:
    err = _rejected(media_dir / name, index=3)
    assert err.index == 3
    assert err.problem == problem
    assert err.param == "files[3]"
    assert str(err) == f"file 3 ({name}): {problem}"


def test_missing_unreadable_and_empty_files(tmp_path: Path) -> None:
    assert _rejected(tmp_path / "nope.png").problem == "file not found"
    assert _rejected(tmp_path).problem == "not a regular file"
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert _rejected(tmp_path / "empty.mp4").problem == "file is empty"
    if os.name == "posix" and os.geteuid() != 0:  # root reads anything
        locked = make_png(tmp_path / "locked.png", 32, 32)
        locked.chmod(0)
        assert _rejected(locked).problem == "file cannot be read (permission denied)"


def test_image_dimension_limits(tmp_path: Path) -> None:
    tiny = make_png(tmp_path / "tiny.png", 8, 8)
    assert _rejected(tiny).problem == "image is 8×8 pixels; each side must be at least 16 pixels"
    long = Image.new("1", (16400, 16))
    long.save(tmp_path / "long.png")
    assert _rejected(tmp_path / "long.png").problem == (
        "image is 16400×16 pixels; each side must be at most 16384 pixels"
    )
    ok = make_png(tmp_path / "ok.png", 16, 16)
    assert inspect_file(0, ok).width == 16


def test_huge_png_is_valid_and_never_decoded(media_dir: Path) -> None:
    data = (media_dir / "bomb.png").read_bytes()
    assert len(data) < 1_000_000
    # Walk the chunks: correct CRCs, and the IDAT stream inflates to exactly 30000 rows of 3751 bytes.
    pos, inflater, inflated = 8, zlib.decompressobj(), 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IDAT":
            inflated += len(inflater.decompress(body))
        pos += 12 + length
    assert inflated + len(inflater.flush()) == 30000 * (1 + 30000 // 8)
    assert inflater.eof


def test_truncated_images_are_rejected(tmp_path: Path, media_dir: Path) -> None:
    for name in ("pic.png", "pic.jpg"):
        data = (media_dir / name).read_bytes()
        cut = tmp_path / name
        cut.write_bytes(data[: len(data) // 2])
        assert _rejected(cut).problem == "image is damaged or truncated", name


def test_size_duration_and_page_limits(tmp_path: Path, media_dir: Path) -> None:
    # Noise does not compress: ~2.1 MB of PNG.
    noise = np.random.default_rng(7).integers(0, 256, size=(700, 1000, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "noise.png", compress_level=1)
    one_mb = Limits(image_bytes=1024 * 1024)
    assert _rejected(tmp_path / "noise.png", limits=one_mb).problem == (
        "file is 2.1 MB; the limit for images is 1 MB"
    )
    small = Limits(pdf_pages=1, video_seconds=1.0, audio_seconds=1.0)
    assert _rejected(media_dir / "deck.pdf", limits=small).problem == "PDF has 2 pages; the limit is 1"
    assert _rejected(media_dir / "clip.mp4", limits=small).problem == "video is 0:02 long; the limit is 0:01"
    assert _rejected(media_dir / "tone.wav", limits=small).problem == "audio is 0:02 long; the limit is 0:01"
    # Container padding just over the limit is tolerated.
    assert inspect_file(0, media_dir / "tone.wav", limits=Limits(audio_seconds=1.4)).duration == 1.5


def test_default_limits() -> None:
    mb = 1024 * 1024
    assert (LIMITS.max_files, LIMITS.image_bytes, LIMITS.image_pixels) == (20, 50 * mb, 40_000_000)
    assert (LIMITS.image_min_side, LIMITS.image_max_side) == (16, 16384)
    assert (LIMITS.audio_bytes, LIMITS.audio_seconds) == (50 * mb, 600.0)
    assert (LIMITS.video_bytes, LIMITS.video_seconds) == (100 * mb, 600.0)
    assert (LIMITS.pdf_bytes, LIMITS.pdf_pages) == (50 * mb, 300)


def test_inspect_files(media_dir: Path) -> None:
    files = inspect_files([media_dir / "pic.png", media_dir / "tone.wav", media_dir / "deck.pdf"])
    assert [f.index for f in files] == [0, 1, 2]
    assert [f.kind for f in files] == ["image", "audio", "pdf"]
    assert all(isinstance(f, InputFile) for f in files)
    assert inspect_files([]) == []


def test_inspect_files_raises_first_failure_with_display_name(media_dir: Path) -> None:
    paths = [media_dir / "pic.png", media_dir / "page.html", media_dir / "noise.bin"]
    with pytest.raises(FileRejected) as caught:
        inspect_files(paths, names=["a.png", "slides.pdf", "c.bin"])
    assert caught.value.index == 1
    assert str(caught.value) == (
        "file 1 (slides.pdf): HTML page has almost no text "
        "(an error or login page saved instead of the file?)"
    )


def test_too_many_files(media_dir: Path) -> None:
    with pytest.raises(InputError) as caught:
        inspect_files([media_dir / "pic.png"] * 21)
    assert not isinstance(caught.value, FileRejected)
    assert str(caught.value) == "too many files: 21 (at most 20)"
    assert caught.value.param == "files"
    assert len(inspect_files([media_dir / "pic.png"] * 20)) == 20


def test_pdf_error_codes_are_not_stale(media_dir: Path) -> None:
    # PDFium's last-error code is global; a password failure must not leak into the next file's verdict.
    cases = [("locked.pdf", "password"), ("empty.pdf", "no pages"), ("truncated.pdf", "damaged")]
    for name, problem in cases:
        for _ in range(2):
            with pytest.raises(PdfError, match=problem):
                page_count(media_dir / name)


def test_files_are_read_side_by_side_when_asked_and_the_first_problem_by_position_is_raised(
    media_dir: Path,
) -> None:
    # Two readers meet at a barrier: read one after the other, the first would wait in vain.
    meet = threading.Barrier(2, timeout=10)

    def read(index: int, path: Path, *, name: str | None, limits: Limits) -> InputFile:
        meet.wait()
        if index == 1:
            time.sleep(0.3)  # the later file's problem is found first
        return inspect_file(index, path, name=name, limits=limits)

    paths = [media_dir / "pic.png", media_dir / "page.html", media_dir / "noise.bin", media_dir / "deck.pdf"]
    with pytest.raises(FileRejected) as caught:
        inspect_files(paths, inspect_one=read, at_once=2)
    assert caught.value.index == 1
    meet.reset()
    files = inspect_files([media_dir / "pic.png", media_dir / "deck.pdf"], inspect_one=read, at_once=2)
    assert [(f.index, f.kind) for f in files] == [(0, "image"), (1, "pdf")]
