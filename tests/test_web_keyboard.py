"""The main flows by keyboard alone, in Debian's Chromium: the script editor, sharing and the library.

Only Tab, Shift+Tab, Enter, Space, arrow keys and Ctrl+A are pressed (the create flow's keyboard run
is in ``test_web_browser.py``), and every element the focus lands on must show where it is. One
finished video and one draft waiting for review are made through the API once for the module.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.server import Server, wait_done
from tests.test_web_browser import ARTIFACTS, FOCUSED, _sign_in, browser, server
from tests.test_web_script_editor import _wait_video

__all__ = ["browser", "server"]  # the fixtures, shared with the browser journey's module

PROMPT = (
    "A welcome video about our office. First, the kitchen is on the second floor. Second, the wifi "
    "password is on the fridge. Third, parking is behind the building. About 12 seconds."
)
DRAFT_PROMPT = "A short video about the new bike racks at our office."
NEW_LINE = "Our rooftop garden opens every Friday at noon."


@pytest.fixture(scope="module")
def made(server: Server) -> dict[str, Any]:
    """A key, its finished video with the storyboard it came from, and a draft waiting for review."""
    key = server.key("keyboard flows")
    with server.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": PROMPT, "avatar_id": None, "title": "Office welcome"})
        assert r.status_code == 200, r.text
        done = wait_done(c, r.json()["data"]["session_id"], timeout=300)
        assert done["status"] == "completed", done
        video_id = str(done["video_id"])
        board = c.get(f"/v3/videos/{video_id}/storyboard").json()["data"]["storyboard"]
        assert len(board["scenes"]) >= 3, board
        r = c.post("/v3/video-agents", json={"prompt": DRAFT_PROMPT, "mode": "chat", "avatar_id": None})
        assert r.status_code == 200, r.text
        draft = r.json()["data"]["session_id"]
        deadline = time.monotonic() + 180
        while (status := c.get(f"/v3/video-agents/{draft}").json()["data"]["status"]) != "reviewing":
            assert status not in ("failed", "stopped") and time.monotonic() < deadline, status
            time.sleep(0.5)
    return {"key": key, "video_id": video_id, "board": board, "draft": draft}


def _press_to(page: Any, done: Any, key: str = "Tab", limit: int = 80) -> list[dict[str, Any]]:
    """Press ``key`` until ``done(focused)``; every stop on the way must show where the focus is."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        focused["data"] = page.evaluate("Object.keys(document.activeElement.dataset || {})")
        focused["text"] = page.evaluate("(document.activeElement.innerText || '').trim()")
        # Inside the player's own controls (play, seek, volume…) the focus is in the browser's shadow
        # tree, which draws its own ring there: the page only sees the <video> no longer :focus.
        in_controls = page.evaluate(
            "(el => el.tagName === 'VIDEO' && !el.matches(':focus'))(document.activeElement)"
        )
        stops.append(focused)
        assert focused["visible"] or in_controls, f"no visible focus on {focused}"
        if done(focused):
            return stops
    raise AssertionError(f"never reached with {key}; stops: {stops}")


def _enter_to_page(page: Any, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.mark.slow
def test_the_script_editor_by_keyboard_alone(browser: Any, server: Server, made: dict[str, Any]) -> None:
    key, video_id, before = made["key"], made["video_id"], made["board"]
    context, page, errors = _sign_in(browser, server, "keyboard flows", key)
    page.goto(f"/videos/{video_id}")
    _press_to(page, lambda f: "editScript" in f["data"])
    _enter_to_page(page)
    assert page.url.endswith(f"/videos/{video_id}/script")

    # The first scene's narration: reached by Tab, its text replaced by typing.
    first_id = before["scenes"][0]["id"]
    _press_to(page, lambda f: f["id"] == f"{first_id}-narration")
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_LINE)
    assert page.input_value(f"#{first_id}-narration") == NEW_LINE

    # Heard with Enter; the button keeps the focus while the speech is made.
    _press_to(page, lambda f: "scenePlay" in f["data"])
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-script-scene='{first_id}'][data-preview-url]", timeout=120_000)
    assert "scenePlay" in page.evaluate("Object.keys(document.activeElement.dataset)")

    # Moved by keyboard: back to the first scene's "Down" button with Shift+Tab, Enter; the focus
    # follows the button to the scene's new place.
    second_id = before["scenes"][1]["id"]
    _press_to(page, lambda f: f["text"] == "↓ Down", key="Shift+Tab")
    page.keyboard.press("Enter")
    order = page.eval_on_selector_all("[data-script-scene]", "ls => ls.map(l => l.dataset.scriptScene)")
    assert order[:2] == [second_id, first_id], order
    assert (
        page.evaluate("document.activeElement.closest('[data-script-scene]').dataset.scriptScene") == first_id
    )
    page.keyboard.press("Shift+Tab")  # its "Up" button, and back to first place
    assert page.evaluate(FOCUSED)["visible"]
    page.keyboard.press("Enter")
    order = page.eval_on_selector_all("[data-script-scene]", "ls => ls.map(l => l.dataset.scriptScene)")
    assert order[:2] == [first_id, second_id], order

    # The last scene dropped with Space on its checkbox.
    last_id = before["scenes"][-1]["id"]
    _press_to(page, lambda f: f["name"] == f"{last_id}-drop")
    page.keyboard.press("Space")
    assert page.is_checked(f"[data-script-scene='{last_id}'] [data-scene-drop]")
    page.screenshot(path=ARTIFACTS / "keyboard-script-editor-desktop.png", full_page=True)

    # Rendered: Tab on to the render button, Enter; a new video is made from the edit.
    _press_to(page, lambda f: "render" in f["data"])
    _enter_to_page(page)
    new_id = page.url.rsplit("/", 1)[1]
    assert page.url.endswith(f"/videos/{new_id}") and new_id != video_id, page.url
    # The storyboard is kept with the finished video: the render of a short edit is waited for.
    assert _wait_video(server, key, new_id)["status"] == "completed"
    with server.client(key) as c:
        after = c.get(f"/v3/videos/{new_id}/storyboard").json()["data"]["storyboard"]
    assert [s["id"] for s in after["scenes"]] == [s["id"] for s in before["scenes"][:-1]]
    assert after["scenes"][0]["narration"] == NEW_LINE
    assert errors == [], errors
    context.close()


@pytest.mark.slow
def test_a_share_link_made_copied_opened_and_revoked_by_keyboard(
    browser: Any, server: Server, made: dict[str, Any]
) -> None:
    video_id = made["video_id"]
    context, page, errors = _sign_in(browser, server, "keyboard flows", made["key"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page.goto(f"/videos/{video_id}")
    _press_to(page, lambda f: f["text"] == "Create a share link")
    _enter_to_page(page)
    url = page.input_value("#share-url")
    assert url.startswith(f"{server.base}/share/")

    # Copied: Tab to the link's field and its Copy button, Enter.
    _press_to(page, lambda f: f["id"] == "share-url")
    _press_to(page, lambda f: "copy" in f["data"])
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.screenshot(path=ARTIFACTS / "keyboard-share-desktop.png", full_page=True)

    # Opened: the link to the shared page, followed with Enter; it plays for anyone.
    _press_to(page, lambda f: "openShare" in f["data"])
    _enter_to_page(page)
    assert page.url == url and page.locator("video[data-share-player]").is_visible()
    page.go_back()

    # Revoked: Tab to the button, Enter, and the confirmation answered yes.
    page.once("dialog", lambda dialog: dialog.accept())
    _press_to(page, lambda f: f["text"] == "Revoke link")
    _enter_to_page(page)
    assert httpx.get(url, timeout=30).status_code == 404
    assert page.locator("form[action$='/share'] button").is_visible()
    assert errors == [], errors
    context.close()


@pytest.mark.slow
def test_the_library_by_keyboard_alone(browser: Any, server: Server, made: dict[str, Any]) -> None:
    video_id, draft = made["video_id"], made["draft"]
    context, page, errors = _sign_in(browser, server, "keyboard flows", made["key"])

    # The drafts filter, then the draft's Continue button.
    stops = _press_to(page, lambda f: f["cls"] == "filter" and "Drafts" in f["text"])
    assert stops[0]["cls"] == "skip"
    _enter_to_page(page)
    assert page.url.endswith("/videos?state=drafts")
    assert page.locator(".card[data-video]").count() == 0
    _press_to(
        page,
        lambda f: (
            f["text"].startswith("Continue")
            and page.evaluate("document.activeElement.getAttribute('href')") == f"/sessions/{draft}"
        ),
    )
    page.screenshot(path=ARTIFACTS / "keyboard-library-drafts-desktop.png", full_page=True)
    _enter_to_page(page)
    assert page.url.endswith(f"/sessions/{draft}")
    assert page.locator("#chat-message").is_visible()

    # The ready filter, then the video's title link; the thumbnail is skipped (it repeats the link).
    page.goto("/videos")
    _press_to(page, lambda f: "Ready" in f["text"] and f["tag"] == "a" and f["cls"] == "filter")
    _enter_to_page(page)
    assert page.url.endswith("/videos?state=ready") and page.locator(".draft").count() == 0
    stops = _press_to(
        page, lambda f: page.evaluate("document.activeElement.getAttribute('href')") == f"/videos/{video_id}"
    )
    assert not [s for s in stops if "thumb" in s["cls"]], stops
    _enter_to_page(page)
    assert page.url.endswith(f"/videos/{video_id}")
    assert errors == [], errors
    context.close()
