"""The web app in a real browser (Debian's Chromium driven by Playwright) against a running server.

One journey renders one short video and checks everything along the way: sign in, register a
webhook endpoint, create a video from a prompt with a file, watch it complete, play it, find it in
the library, see its webhook delivery, rotate and delete the endpoint, delete the video. Every page
is photographed at desktop and phone widths into ``test-artifacts/web/`` for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from tests.server import Server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _unavailable(reason: str) -> None:
    if os.environ.get("REELWRIGHT_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " and REELWRIGHT_REQUIRE_SERVICES=1")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("web-browser"), {"REELWRIGHT_WORKERS": "1"}).start()
    yield srv
    srv.stop()


def _slide_png() -> bytes:
    img = Image.new("RGB", (640, 360), "#1f3a8a")
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 600, 320), outline="#ffd400", width=8)
    draw.ellipse((250, 110, 390, 250), fill="#ffd400")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _placeholder_previews(context: Any) -> None:
    """Catalogue previews are drawn on their first request (seconds each, 16 presenters): the tests
    answer them with a grey square instead, so the journey does not pay for rendering them."""
    grey = io.BytesIO()
    Image.new("RGB", (64, 64), "#c8ccd2").save(grey, "PNG")

    def answer(route: Any) -> None:
        if route.request.url.endswith(".png"):
            route.fulfill(status=200, content_type="image/png", body=grey.getvalue())
        else:
            route.abort()

    context.route("**/previews/**", answer)


class Camera:
    """Photographs a path at desktop and phone widths, and checks the phone view does not scroll sideways."""

    def __init__(self, browser: Any, base: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.phone_context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, base_url=base
        )
        _placeholder_previews(self.phone_context)
        self.phone = self.phone_context.new_page()

    def shoot(self, page: Any, name: str) -> None:
        page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
        self.phone_context.clear_cookies()
        self.phone_context.add_cookies(page.context.cookies())
        self.phone.goto(page.url)
        self.phone.wait_for_load_state("networkidle")
        self.phone.screenshot(path=ARTIFACTS / f"{name}-phone.png", full_page=True)
        overflow = self.phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the phone view is {overflow}px too wide"
        # A mobile viewport widens itself to fit wide content (innerWidth grows with it), so the
        # page's own width is checked against the phone's too.
        width = self.phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the phone view is laid out {width}px wide"

    def close(self) -> None:
        self.phone_context.close()


def _check_accessible_basics(page: Any) -> None:
    """Every visible field has a label, and the first Tab lands on the skip link."""
    unlabeled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.outerHTML)"""
    )
    assert unlabeled == [], unlabeled
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"


DROP_TEXT_FILE = """() => {
  const files = new DataTransfer();
  // Text, Markdown, HTML and Office documents are inputs now: a file of no known type is refused.
  const bytes = new Uint8Array([0, 159, 146, 150, 7, 0, 1, 2]);
  files.items.add(new File([bytes], "notes.bin", {type: "application/octet-stream"}));
  document.querySelector("[data-dropzone]").dispatchEvent(
    new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
}"""

PLAY = """async () => {
  const v = document.querySelector("video[data-player]");
  if (v.readyState < 1) {
    await new Promise((ok, bad) => {
      v.addEventListener("loadedmetadata", ok, {once: true});
      v.addEventListener("error", () => bad(new Error("media error " + (v.error && v.error.code))));
    });
  }
  v.muted = true;
  await v.play();
  const start = v.currentTime;
  await new Promise(r => setTimeout(r, 1500));
  v.pause();
  const track = v.textTracks[0];
  return {duration: v.duration, start, now: v.currentTime,
          cues: track && track.cues ? track.cues.length : -1, kind: track ? track.kind : null};
}"""


def _submit(page: Any, selector: str, *, confirm: bool | None = None) -> None:
    """Click a form's button and wait for the page it leads to (answering the confirm dialog, if any)."""
    if confirm is not None:
        page.once("dialog", lambda dialog: dialog.accept() if confirm else dialog.dismiss())
    if confirm is False:
        page.click(selector)
        return
    with page.expect_navigation():
        page.click(selector)


def _sign_in(browser: Any, server: Server, name: str, key: str | None = None) -> tuple[Any, Any, list[str]]:
    """A fresh browser context signed in with ``key`` (or a new owner's key made for ``name``)."""
    context = browser.new_context(viewport=DESKTOP, base_url=server.base)
    _placeholder_previews(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/signin")
    page.fill("#api_key", key or server.key(name))
    _submit(page, "form[action='/signin'] button")
    assert page.url.endswith("/videos")
    return context, page, errors


@pytest.mark.slow
def test_create_watch_play_find_and_delete_a_video_in_a_browser(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    camera = Camera(browser, server.base)
    anonymous = browser.new_page(viewport=DESKTOP)
    anonymous.goto(server.base + "/videos")
    assert "/signin" in anonymous.url
    _check_accessible_basics(anonymous)
    camera.shoot(anonymous, "signin")
    anonymous.close()

    context, page, errors = _sign_in(browser, server, "web tester")
    assert page.get_by_text("No videos yet").is_visible()

    # A webhook endpoint, so that the render's event shows up among the deliveries.
    page.goto("/settings")
    _check_accessible_basics(page)
    page.fill("#hook-url", "https://example.org/reelwright-hook")
    _submit(page, "form.add-endpoint button[type=submit]")
    first_secret = page.input_value("[data-shown-once]")
    assert first_secret and page.get_by_text("will not be shown again").is_visible()

    # Create: a prompt, a picture uploaded with progress, a short duration.
    page.goto("/create")
    _check_accessible_basics(page)
    slide = tmp_path / "launch-slide.png"
    slide.write_bytes(_slide_png())
    page.fill("#prompt", "Create a short welcome video for new employees of Northwind. Friendly tone.")
    page.set_input_files("[data-file-input]", str(slide))
    page.wait_for_selector(".upload.done >> text=Uploaded")
    # Dropped files upload the same way; a file that is no picture, clip, sound or document is refused,
    # saying why.
    page.evaluate(DROP_TEXT_FILE)
    refused = page.wait_for_selector(".upload.failed")
    assert "notes.bin" in refused.inner_text() and "Uploaded" not in refused.inner_text()
    page.click(".upload.failed [data-remove]")
    assert page.locator(".upload").count() == 1
    page.fill("#duration_sec", "8")
    page.check("input[name=orientation][value=landscape]")
    camera.shoot(page, "create")
    _submit(page, "[data-submit]")
    assert re.search(r"/sessions/[0-9a-f]{32}$", page.url), page.url
    camera.shoot(page, "session")

    # The session page follows the job live and moves on to the video page when it completes.
    page.wait_for_url(re.compile(r"/videos/[0-9a-f]{32}$"), timeout=300_000)
    video_id = page.url.rsplit("/", 1)[1]
    assert page.locator("[data-badge]").first.inner_text() == "Ready"
    played = page.evaluate(PLAY)
    assert 5 <= played["duration"] <= 12, played
    assert played["now"] > played["start"] + 0.3, played  # it really plays
    assert played["kind"] == "captions" and played["cues"] > 0, played
    downloads = page.locator(".downloads a")
    assert downloads.count() == 5
    for i in range(downloads.count()):
        assert page.request.get(downloads.nth(i).get_attribute("href")).ok
    assert page.locator(".scene").count() >= 1 and page.locator(".narration").count() >= 1
    assert page.get_by_text("Create a short welcome video").first.is_visible()  # the session's messages
    title = page.locator("h1").inner_text()
    camera.shoot(page, "video")

    # The library lists it with its thumbnail; hovering plays the GIF; search finds it by title.
    page.goto("/videos")
    card = page.locator(f".card[data-video='{video_id}']")
    assert card.locator(".card-title").inner_text() == title
    thumb = card.locator(".thumb img")
    # Thumbnails load lazily, after the page's load event.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    card.hover()
    assert "video.gif" in (thumb.get_attribute("src") or "")
    page.mouse.move(0, 0)
    camera.shoot(page, "library")
    page.fill("#q", title.split()[-1])
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert page.locator(f".card[data-video='{video_id}']").count() == 1
    page.goto("/videos?title=no-such-video-title")
    assert page.get_by_text("No video’s title contains").is_visible()

    # Settings: the delivery of the render's event, then rotate, change events and delete the endpoint.
    page.goto("/settings")
    assert "video_agent.success" in page.locator("#deliveries tbody").inner_text()
    camera.shoot(page, "settings")
    _submit(page, "form[action$='/rotate'] button", confirm=True)
    rotated = page.input_value("[data-shown-once]")
    assert rotated and rotated != first_secret
    page.check(".events-form input[value='avatar_video.success']")
    _submit(page, ".events-form button[type=submit]")
    assert page.is_checked(".events-form input[value='avatar_video.success']")
    assert not page.is_checked(".events-form input[value='video_agent.success']")
    _submit(page, "form[action$='/delete'] button", confirm=True)
    assert page.get_by_text("No endpoints yet.").is_visible()

    # Delete the video, after saying no once.
    page.goto("/videos")
    delete = f".card[data-video='{video_id}'] .card-actions button"
    _submit(page, delete, confirm=False)
    assert page.locator(f".card[data-video='{video_id}']").count() == 1
    _submit(page, delete, confirm=True)
    assert page.url.endswith("/videos?notice=deleted")
    assert page.get_by_text("The video was deleted.").is_visible()
    assert page.locator(f".card[data-video='{video_id}']").count() == 0
    assert page.request.get(f"/videos/{video_id}").status == 404

    _submit(page, ".signout button")
    assert page.url.endswith("/signin")
    assert errors == [], errors
    context.close()
    camera.close()


def _nothing_dead_ends(page: Any, *, approve: bool) -> None:
    """A session that waits for the user shows its storyboard, conversation, message box and actions."""
    assert page.locator("[data-board] .scene").first.is_visible()
    assert page.locator(".conversation .msg").count() >= 2
    assert page.locator("#chat-message").is_visible() and page.locator("#chat-message").is_editable()
    assert page.locator("[data-chat-form] button[value=revise]").is_visible()
    assert page.locator("[data-chat-form] button[value=approve]").is_visible() == approve
    assert page.locator("[data-start-over]").is_visible()


@pytest.mark.slow
def test_a_chat_that_gets_an_unanswerable_request_continues_to_a_finished_video(
    browser: Any, server: Server
) -> None:
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "chat tester")
    page.goto("/create")
    page.fill("#prompt", "A short video about the spring sale at our bike shop.")
    page.fill("#duration_sec", "6")
    page.check("input[name=review]")
    _submit(page, "[data-submit]")
    assert "/sessions/" in page.url
    session_url = page.url

    # The page reloads itself when the draft is ready for review.
    page.wait_for_selector("[data-chat-form]", timeout=180_000)
    assert page.locator("[data-badge]").first.inner_text() == "Waiting for your review"
    _nothing_dead_ends(page, approve=True)
    camera.shoot(page, "review")

    # A request the offline agent cannot act on: it asks back, and the page still offers everything.
    page.fill("#chat-message", "Can you make it feel more like a jazz club?")
    with page.expect_navigation():
        page.click("[data-chat-form] button[value=revise]")
    page.wait_for_selector("[data-chat-form] #chat-message[data-question]", timeout=180_000)
    assert page.locator("[data-badge]").first.inner_text() == "Waiting for you"
    _nothing_dead_ends(page, approve=True)
    question = page.locator(".msg-question")
    assert question.is_visible() and "I can change" in question.inner_text()
    assert page.get_by_text("Can you make it feel more like a jazz club?").is_visible()
    camera.shoot(page, "session-waiting")
    _nothing_dead_ends(camera.phone, approve=True)  # the same on a phone

    # Answered in place: the draft is revised with the new sentence, then approved and rendered.
    page.fill("#chat-message", "Mention that the sale ends on April 30.")
    with page.expect_navigation():
        page.click("[data-chat-form] button[value=revise]")
    page.wait_for_selector("[data-chat-form] button[value=approve]", timeout=180_000)
    assert page.locator("[data-badge]").first.inner_text() == "Waiting for your review"
    assert "April 30" in page.locator("[data-board]").inner_text()
    with page.expect_navigation():
        page.click("[data-chat-form] button[value=approve]")
    assert page.locator("[data-stop]").is_visible() or "/videos/" in page.url
    page.wait_for_url(re.compile(r"/videos/[0-9a-f]{32}$"), timeout=300_000)
    assert page.locator("[data-badge]").first.inner_text() == "Ready"
    assert page.get_by_text("Looks good, render it.").is_visible()
    video_id = page.url.rsplit("/", 1)[1]
    srt = page.request.get(f"/videos/{video_id}/captions.vtt").text()
    assert "April 30" in srt, srt

    # Finished, the session still offers the next step: changes for a new version, or starting over.
    _submit(page, "[data-session-link]")
    assert page.url == session_url
    assert page.locator("[data-video-link]").is_visible() and page.locator("#chat-message").is_visible()
    page.click("[data-start-over]")
    assert page.input_value("#prompt") == "A short video about the spring sale at our bike shop."
    assert page.is_checked("input[name=review]") and page.input_value("#duration_sec") == "6"
    assert errors == [], errors
    context.close()
    camera.close()


@pytest.mark.slow
def test_a_draft_closed_and_reopened_from_the_library(browser: Any, server: Server) -> None:
    camera = Camera(browser, server.base)
    key = server.key("draft tester")
    context, page, errors = _sign_in(browser, server, "draft tester", key)
    page.goto("/create")
    page.fill("#prompt", "A short video about the new parking rules at our office.")
    page.fill("#duration_sec", "6")
    page.check("input[name=review]")
    _submit(page, "[data-submit]")
    session_id = page.url.rsplit("/", 1)[1]
    page.wait_for_selector("[data-chat-form]", timeout=180_000)
    title = page.locator("h1").inner_text()
    assert errors == [], errors
    context.close()  # the tab is closed before the draft is approved

    context, page, errors = _sign_in(browser, server, "draft tester", key)
    draft = page.locator(f".draft[data-draft='{session_id}']")
    assert draft.is_visible() and draft.locator(".card-title").inner_text() == title
    assert draft.locator("[data-badge]").inner_text() == "Waiting for your review"
    camera.shoot(page, "library-drafts")

    # The state filter: no finished video yet, one draft; a search keeps the filter.
    _submit(page, "a[data-state=ready]")
    assert page.url.endswith("/videos?state=ready") and draft.count() == 0
    assert page.get_by_text("No ready videos.").is_visible()
    _submit(page, "a[data-state=drafts]")
    assert draft.count() == 1 and page.locator(".card[data-video]").count() == 0
    page.fill("#q", "no-such-draft")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert "state=drafts" in page.url and page.get_by_text("No drafts wait for you").is_visible()
    assert page.request.get("/videos?state=bogus").status == 400

    # Reopened from the library: the storyboard and the message box are where they were left.
    page.goto("/videos?state=drafts")
    _submit(page, f".draft[data-draft='{session_id}'] a.btn")
    assert page.url.endswith(f"/sessions/{session_id}")
    _nothing_dead_ends(page, approve=True)
    assert errors == [], errors
    context.close()
    camera.close()


@pytest.mark.slow
def test_cold_previews_long_prompts_and_a_key_made_once(browser: Any, server: Server) -> None:
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "careful tester")
    grey = io.BytesIO()
    Image.new("RGB", (64, 64), "#c8ccd2").save(grey, "PNG")

    # A fresh server draws each preview on its first request: held back here, the tiles say so.
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    context.route("**/previews/**", hold)  # tried before the placeholder route
    page.goto("/create", wait_until="domcontentloaded")
    status = page.locator("[data-preview-status]").first
    page.wait_for_function("() => document.querySelector('[data-preview-status]').textContent !== ''")
    tiles = page.locator("[data-preview-frame]").count()
    assert tiles >= 8 and "Drawing previews: 0 of" in status.inner_text()
    assert page.locator("[data-preview-label]").first.is_visible()
    assert page.locator("[data-preview-label]").first.inner_text() == "Drawing preview…"
    page.screenshot(path=ARTIFACTS / "create-cold-desktop.png", full_page=True)
    for route in list(held):
        if route.request.url.endswith(".png"):
            route.fulfill(status=200, content_type="image/png", body=grey.getvalue())
        else:
            route.abort()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-preview-frame]:not(.ready)').length === 0", timeout=30_000
    )
    assert not status.is_visible()
    assert page.locator("[data-preview-label]").first.is_hidden()
    context.unroute("**/previews/**", hold)

    # A long paste is kept whole; the counter says how far over the limit it is, and it is not sent.
    page.focus("#prompt")
    page.keyboard.insert_text("Our spring catalogue, item by item. " * 350)  # 12,600 characters
    assert len(page.input_value("#prompt")) == 12_600
    counter = page.locator("#prompt-count")
    assert "12,600 / 10,000 characters: 2,600 too many" in counter.inner_text()
    assert page.get_attribute("#prompt", "aria-invalid") == "true"
    page.click("[data-submit]")
    page.wait_for_timeout(300)
    assert page.url.endswith("/create") and page.evaluate("document.activeElement.id") == "prompt"
    camera.shoot(page, "create-long-prompt")
    page.fill("#prompt", "A short one.")
    assert counter.inner_text() == "12 / 10,000 characters"
    # Without the script, the server answers the same way instead of cutting or refusing blindly.
    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    refused = page.request.post("/create", form={"csrf_token": csrf, "prompt": "x" * 10_500})
    assert refused.status == 400 and "500 more than the 10,000 allowed" in refused.text()
    assert "x" * 10_500 in refused.text()  # the text is kept in the form

    # A key is made once: the page that shows it is a GET, so a reload makes no second key.
    page.goto("/settings")
    page.fill("#key-name", "laptop")
    _submit(page, "form[action='/settings/keys'] button")
    assert page.url.endswith("/settings#once")
    key = page.input_value("[data-shown-once]")
    assert key.startswith("rw_") and page.get_by_text("will not be shown again").is_visible()
    page.reload()
    assert page.locator("[data-shown-once]").count() == 0
    assert page.locator("#keys tbody tr", has_text="laptop").count() == 1
    assert errors == [], errors
    context.close()
    camera.close()


def _silence_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(b"\0\0" * 16_000)  # one second
    return out.getvalue()


VISIBLE_VOICES = """() => Array.from(document.querySelectorAll('#voice_id option[data-quality]'))
  .filter(o => !o.hidden).map(o => ({id: o.value, ...o.dataset}))"""


@pytest.mark.slow
def test_the_voice_picker_filters_plays_and_warns_about_robotic_voices(browser: Any, server: Server) -> None:
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "voice tester")
    sample = _silence_wav()
    context.route(
        "**/previews/voice/**", lambda route: route.fulfill(status=200, content_type="audio/wav", body=sample)
    )
    page.goto("/create")

    # Grouped by language names, never raw tags; each voice says its gender and quality.
    groups = page.eval_on_selector_all("#voice_id optgroup", "gs => gs.map(g => g.label)")
    assert "English" in groups and "German" in groups
    assert not [g for g in groups if re.fullmatch(r"[a-z]{2,3}(-\w+)*", g)], groups
    joe = page.locator("#voice_id option[value='en_US-joe']").inner_text()
    assert joe == "Joe: English (America), male, natural"

    # Filters for language, gender and quality, each narrowing the list.
    total = len(page.evaluate(VISIBLE_VOICES))
    assert total > 100 and page.locator("[data-voice-count]").inner_text() == f"{total} voices"
    page.select_option("#voice-quality", "natural")
    natural = page.evaluate(VISIBLE_VOICES)
    assert natural and all(v["quality"] == "natural" for v in natural) and len(natural) < total
    page.select_option("#voice-quality", "")
    page.select_option("#voice-language", "German")
    page.select_option("#voice-gender", "female")
    german = page.evaluate(VISIBLE_VOICES)
    assert german and all(v["language"] == "German" and v["gender"] == "female" for v in german)
    assert page.locator("[data-voice-count]").inner_text() == f"{len(german)} of {total} voices match"
    page.select_option("#voice-language", "")
    page.select_option("#voice-gender", "")

    # Matched to the presenter: Ava's voice is robotic, which the page says before rendering, and plays.
    page.locator("input[name=avatar_id][value=ava]").check()
    note = page.locator("[data-voice-note]")
    assert "Ava will speak with the matched voice “English (America), female, robotic”" in note.inner_text()
    assert "robotic voice" in note.inner_text() and "choose Joe" in note.inner_text()
    warning = page.locator("[data-voice-warning]")
    assert warning.is_visible() and warning.inner_text() == "Heads-up: Ava will speak with a robotic voice."
    page.click("[data-voice-play]")
    page.wait_for_function("() => document.querySelector('[data-voice-play]').textContent === '■ Stop'")
    assert page.get_attribute("[data-voice-play]", "data-playing") == "espeak-en-us-female"
    page.screenshot(path=ARTIFACTS / "create-voice-desktop.png", full_page=True)

    # Marcus is matched with the natural voice: no warning, and his voice plays.
    page.locator("input[name=avatar_id][value=marcus]").check()
    assert "Marcus will speak with the matched voice “Joe" in note.inner_text()
    assert warning.is_hidden()
    page.click("[data-voice-play]")
    page.wait_for_function("() => document.querySelector('[data-voice-play]').textContent === '■ Stop'")
    assert page.get_attribute("[data-voice-play]", "data-playing") == "en_US-joe"
    # A robotic voice chosen by hand is flagged too.
    page.select_option("#voice_id", "espeak-de")
    assert (
        "Marcus will speak with the voice “German, male, robotic”" in note.inner_text()
        and warning.is_visible()
    )
    camera.shoot(page, "create-voice")
    assert errors == [], errors
    context.close()
    camera.close()


FOCUSED = """() => {
  const el = document.activeElement;
  // A tile's radio is invisible: its tile shows the focus. The file input's drop zone does.
  const shown = el.matches('.pick input') ? el.nextElementSibling : el.closest('.drop') || el;
  const style = getComputedStyle(shown);
  const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '', type: el.type || '',
          value: el.value || '', cls: el.className, visible};
}"""


def _tab_to(page: Any, done: Any, limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until ``done(focused)``; every stop on the way must show where the focus is."""
    # A page that reloaded itself (the session page does when the agent finishes) can already hold
    # the element a test waited for while its stylesheet is still loading; the focus ring would
    # then be the browser's own 1 px one. Tab only through a loaded page.
    page.wait_for_load_state("load")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        assert focused["visible"], f"no visible focus on {focused}"
        if done(focused):
            return stops
    raise AssertionError(f"never reached; stops: {stops}")


@pytest.mark.slow
def test_the_create_flow_by_keyboard_alone(browser: Any, server: Server) -> None:
    context, page, errors = _sign_in(browser, server, "keyboard tester")
    page.goto("/create")
    _tab_to(page, lambda f: f["id"] == "prompt")
    page.keyboard.type("A short video about the opening hours of our new bakery.")
    _tab_to(page, lambda f: f["name"] == "avatar_id")
    page.keyboard.press("ArrowRight")  # from "Auto" to the first presenter
    chosen = page.evaluate("document.activeElement.value")
    assert chosen and page.is_checked(f"input[name=avatar_id][value='{chosen}']")
    assert "will speak with the matched voice" in page.inner_text("[data-voice-note]")
    _tab_to(page, lambda f: f["id"] == "voice-quality")
    page.keyboard.press("ArrowDown")  # natural voices only
    assert page.input_value("#voice-quality") == "natural"
    _tab_to(page, lambda f: f["id"] == "voice_id")
    _tab_to(page, lambda f: f["name"] == "orientation")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("input[name=orientation][value=landscape]")
    _tab_to(page, lambda f: f["id"] == "duration_sec")
    page.keyboard.type("6")
    _tab_to(page, lambda f: f["name"] == "review")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=review]")
    _tab_to(page, lambda f: "data-submit" in page.evaluate("document.activeElement.outerHTML"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/sessions/" in page.url

    # The review, approved by keyboard: Tab to the button, Enter.
    page.wait_for_selector("[data-chat-form]", timeout=180_000)
    _tab_to(page, lambda f: f["id"] == "chat-message")
    stops = _tab_to(page, lambda f: f["value"] == "approve")
    assert [s["value"] for s in stops] == ["revise", "approve"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/videos/[0-9a-f]{32}$"), timeout=300_000)
    assert page.locator("[data-badge]").first.inner_text() == "Ready"
    _tab_to(page, lambda f: f["tag"] == "video")  # the player is reachable too
    assert errors == [], errors
    context.close()
