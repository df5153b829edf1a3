"""Brand kits and photo presenters in a real browser (Debian's Chromium driven by Playwright).

A brand kit made on the brand page (a logo, colours) is shown on a frame the renderer draws, then
applied to a video made on the create page: a frame of that video, extracted with ffmpeg, shows the
logo. A portrait uploaded under "use my photo" becomes a presenter whose preview plays before it is
chosen on the create page. Bad input (a colour that is not #rrggbb, a photo with no face) is refused
with the API's message and leaves nothing behind.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.media import ffmpeg_exe
from tests.server import Server
from tests.test_web_browser import ARTIFACTS, PLAY, Camera, _sign_in, _slide_png, browser, server

__all__ = ["browser", "server"]  # the fixtures, shared with the browser journey's module

PORTRAIT = Path(__file__).resolve().parent / "data" / "portraits" / "obama_smile.jpg"
MAGENTA = (255, 0, 255)


def _logo_png() -> bytes:
    """A logo no style draws by itself: a magenta square with a white ring."""
    img = Image.new("RGB", (240, 240), MAGENTA)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _magenta_pixels(rgb: np.ndarray) -> int:
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    return int(((r > 200) & (g < 60) & (b > 200)).sum())


@pytest.mark.slow
def test_a_brand_kit_made_in_the_browser_and_applied_to_a_video(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "brand tester")
    page.goto("/settings")
    with page.expect_navigation():
        page.click("[data-brand-link]")
    assert page.url.endswith("/brand")

    # A colour that is not #rrggbb is the API's 400, and no kit (nor its uploaded logo) is kept.
    page.fill("#kit-name", "Broken")
    page.fill("#kit-primary", "green")
    page.evaluate("document.querySelector('#kit-primary').removeAttribute('pattern')")
    with page.expect_navigation() as nav:
        page.click("[data-kit-form] button[type=submit]")
    assert nav.value.status == 400
    assert "primary_color" in page.locator("[data-kit-error]").inner_text()
    assert page.locator("[data-kit]").count() == 0

    page.fill("#kit-name", "Acme")
    page.fill("#kit-primary", "#0a8f3c")
    page.fill("#kit-secondary", "#f2a33a")
    page.set_input_files(
        "#kit-logo", files=[{"name": "logo.png", "mimeType": "image/png", "buffer": _logo_png()}]
    )
    with page.expect_navigation():
        page.click("[data-kit-form] button[type=submit]")
    kit = page.locator("[data-kit]")
    assert kit.count() == 1 and "Main colour #0a8f3c" in kit.inner_text()
    preview = kit.locator("[data-kit-preview]")
    preview.scroll_into_view_if_needed()
    width = page.evaluate(
        """async () => {
          const img = document.querySelector("[data-kit-preview]");
          if (!img.complete) await new Promise(ok => img.addEventListener("load", ok, {once: true}));
          return img.naturalWidth;
        }"""
    )
    assert width == 960, width
    drawn = np.asarray(
        Image.open(io.BytesIO(page.request.get(preview.get_attribute("src") or "").body())).convert("RGB")
    )
    assert _magenta_pixels(drawn) > 400, "the logo is not on the preview frame"
    camera.shoot(page, "brand")

    # Applied: made from the create page with the kit chosen, a frame of the video shows the logo.
    kit_id = kit.get_attribute("data-kit")
    with page.expect_navigation():
        kit.locator("[data-use-kit]").click()
    assert page.input_value("#brand_kit_id") == kit_id
    page.fill("#prompt", "A short note about our new logo and colours.")
    page.fill("#duration_sec", "6")
    with page.expect_navigation():
        page.click("[data-submit]")
    page.wait_for_url("**/videos/*", timeout=300_000)
    assert page.locator("[data-badge]").first.inner_text() == "Ready"
    mp4 = tmp_path / "branded.mp4"
    mp4.write_bytes(page.request.get(page.locator("video[data-player]").get_attribute("src") or "").body())
    frame = ARTIFACTS / "brand-video-frame.png"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-y",
            "-ss",
            "1.5",
            "-i",
            str(mp4),
            "-frames:v",
            "1",
            str(frame),
        ],
        check=True,
    )
    pixels = np.asarray(Image.open(frame).convert("RGB"))
    assert _magenta_pixels(pixels) > 400, "the kit's logo is not in the video's frame"
    assert errors == [], errors
    context.close()
    camera.close()


@pytest.mark.slow
def test_a_photo_presenter_made_from_an_upload_talks_before_it_is_used(browser: Any, server: Server) -> None:
    if not PORTRAIT.is_file():
        pytest.skip(f"{PORTRAIT} is missing")
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "photo tester")
    page.goto("/create")
    with page.expect_navigation():
        page.click("[data-use-my-photo]")
    assert "/brand" in page.url

    # A picture with no face is refused, saying so, and leaves no presenter.
    page.set_input_files(
        "#photo-file", files=[{"name": "slide.png", "mimeType": "image/png", "buffer": _slide_png()}]
    )
    with page.expect_navigation(timeout=120_000) as nav:
        page.click("[data-photo-form] button[type=submit]")
    assert nav.value.status == 400
    assert "face" in page.locator("[data-photo-error]").inner_text()
    assert page.locator("[data-look]").count() == 0

    page.set_input_files("#photo-file", str(PORTRAIT))
    page.fill("#photo-name", "Me on stage")
    page.select_option("#photo-gender", "male")
    with page.expect_navigation(timeout=180_000):
        page.click("[data-photo-form] button[type=submit]")
    look = page.locator("[data-look].is-new")
    assert look.count() == 1 and "Me on stage" in look.inner_text()
    look_id = look.get_attribute("data-look")
    # It talks: the preview (drawn on its first request) loads and plays.
    played = page.evaluate(PLAY.replace("video[data-player]", "video[data-look-preview]"))
    assert played["duration"] > 1 and played["now"] > played["start"], played
    camera.shoot(page, "brand-photo")

    with page.expect_navigation():
        look.locator("[data-use-look]").click()
    assert page.is_checked(f"input[name=avatar_id][value='{look_id}']")
    assert errors == [], errors
    context.close()
    camera.close()
