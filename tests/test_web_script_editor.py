"""The script editor and templates in a real browser (Debian's Chromium driven by Playwright).

A finished video's script edited in place (one scene's narration changed, one dropped, one moved),
its length estimate following the typing, a scene heard with its voice, then rendered through the
storyboard API as a new video whose captions say the new line; without the script, the same form
adds a scene and shows the API's refusal of a blank heading, naming the scene. Then the same video
saved as a template with two variables typed into its script, and a 3-row CSV made into 3 videos
whose captions say each row's values, the batch's progress shown as they render."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from tests.server import Server, wait_done
from tests.test_web_browser import ARTIFACTS, DESKTOP, Camera, _sign_in, browser, server

__all__ = ["browser", "server"]  # the fixtures, shared with the browser journey's module

PROMPT = (
    "A welcome video about our office. First, the kitchen is on the second floor. Second, the wifi "
    "password is on the fridge. Third, parking is behind the building. About 15 seconds."
)
NEW_LINE = "Our rooftop garden opens every Friday at noon for everyone."


def _finished_video(server: Server, key: str) -> dict[str, Any]:
    with server.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": PROMPT, "avatar_id": None})
        assert r.status_code == 200, r.text
        done = wait_done(c, r.json()["data"]["session_id"], timeout=300)
        assert done["status"] == "completed", done
        return dict(c.get(f"/v3/videos/{done['video_id']}").json()["data"])


def _wait_video(server: Server, key: str, video_id: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with server.client(key) as c:
        while time.monotonic() < deadline:
            data: dict[str, Any] = c.get(f"/v3/videos/{video_id}").json()["data"]
            if data["status"] in ("completed", "failed"):
                return data
            time.sleep(1)
    raise AssertionError(f"video {video_id} did not finish")


@pytest.fixture(scope="module")
def finished(server: Server) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A key, its finished video and the storyboard it was rendered from."""
    key = server.key("script editor")
    video = _finished_video(server, key)
    with server.client(key) as c:
        board = c.get(f"/v3/videos/{video['id']}/storyboard").json()["data"]["storyboard"]
    assert len(board["scenes"]) >= 3, board
    return key, video, board


@pytest.mark.slow
def test_a_script_edited_in_the_browser_and_rendered(
    browser: Any, server: Server, finished: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    key, video, before = finished
    dropped = before["scenes"][-1]["narration"]
    camera = Camera(browser, server.base)

    # Without the script: "Add a scene" is a plain form post that comes back with a blank scene, and
    # rendering it with no title is refused by the API's validation, named in the editor's words.
    plain = browser.new_context(viewport=DESKTOP, base_url=server.base, java_script_enabled=False)
    page = plain.new_page()
    page.goto("/signin")
    page.fill("#api_key", key)
    with page.expect_navigation():
        page.click("form[action='/signin'] button")
    page.goto(f"/videos/{video['id']}/script")
    assert page.locator("[data-script-scene]").count() == len(before["scenes"])
    assert page.locator("[data-move]").first.is_hidden()  # moving needs the script; positions do not
    with page.expect_navigation():
        page.click("[data-add-scene]")
    assert page.locator("[data-script-scene]").count() == len(before["scenes"]) + 1
    added = page.locator("[data-script-scene='added-1']")
    added.locator("textarea[data-narration]").fill("A scene with no title.")
    with page.expect_navigation() as nav:
        page.click("[data-render]")
    assert nav.value.status == 400
    error = page.locator("[data-script-error]").inner_text()
    assert error.startswith(f"Scene {len(before['scenes']) + 1}, heading"), error
    assert page.locator("[data-script-scene='added-1'] textarea[data-narration]").input_value() == (
        "A scene with no title."
    )
    plain.close()

    # With the script: the editor on the video page, edited in place.
    context, page, errors = _sign_in(browser, server, "script editor", key)
    page.goto(f"/videos/{video['id']}")
    with page.expect_navigation():
        page.click("[data-edit-script]")
    assert page.url.endswith(f"/videos/{video['id']}/script")
    scenes = page.locator("[data-script-scene]")
    first_id = before["scenes"][0]["id"]
    assert page.input_value(f"#{first_id}-narration") == before["scenes"][0]["narration"]
    if "heading" in before["scenes"][0]["visual"]:
        assert page.input_value(f"#{first_id}-heading") == before["scenes"][0]["visual"]["heading"]
    camera.shoot(page, "script-editor")

    total = page.locator("[data-script-total]")
    was = total.inner_text()
    page.fill(f"#{first_id}-narration", NEW_LINE + " " + " ".join(["More words to say."] * 20))
    assert total.inner_text() != was  # the estimate follows the typing
    page.fill(f"#{first_id}-narration", NEW_LINE)

    # Moved: the second scene up to first place; its position field follows.
    second_id = before["scenes"][1]["id"]
    scenes.nth(1).locator("[data-move='-1']").click()
    assert scenes.first.get_attribute("data-script-scene") == second_id
    assert page.input_value(f"#{second_id}-order") == "1" and page.input_value(f"#{first_id}-order") == "2"

    # Dropped: the last scene.
    last_id = before["scenes"][-1]["id"]
    page.check(f"[data-script-scene='{last_id}'] [data-scene-drop]")

    # Heard: this scene's narration, spoken by the video's voice through the speech API.
    first = page.locator(f"[data-script-scene='{first_id}']")
    first.locator("[data-scene-play]").click()
    page.wait_for_selector(f"[data-script-scene='{first_id}'][data-preview-url]", timeout=120_000)
    assert first.locator("[data-scene-note]").inner_text().startswith("Playing")
    audio = page.request.get(first.get_attribute("data-preview-url") or "")
    assert audio.ok and audio.body()[:4] == b"RIFF"
    page.screenshot(path=ARTIFACTS / "script-editor-edited-desktop.png", full_page=True)

    with page.expect_navigation():
        page.click("[data-render]")
    match = re.search(r"/videos/([0-9a-f]{32})$", page.url)
    assert match and match.group(1) != video["id"], page.url
    new_id = match.group(1)
    done = _wait_video(server, key, new_id)
    assert done["status"] == "completed", done
    srt = " ".join(httpx.get(done["subtitle_url"], timeout=30).text.split())
    assert NEW_LINE in srt, srt
    assert " ".join(dropped.split()[:6]) not in srt, (dropped, srt)
    with server.client(key) as c:
        after = c.get(f"/v3/videos/{new_id}/storyboard").json()["data"]["storyboard"]
    assert [s["id"] for s in after["scenes"]] == [second_id, first_id] + [
        s["id"] for s in before["scenes"][2:-1]
    ]
    page.reload()
    assert page.locator("[data-badge]").first.inner_text() == "Ready"
    camera.shoot(page, "script-edited-video")
    assert errors == [], errors
    context.close()
    camera.close()


CSV_ROWS = [("Ana", "Lisbon"), ("Bruno", "Porto"), ("Carla", "Faro")]


@pytest.mark.slow
def test_a_template_with_two_variables_made_into_three_videos_from_a_csv(
    browser: Any, server: Server, finished: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    key, video, before = finished
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "script editor", key)

    # Saved from the video page: the variables are typed into the script editor's text.
    page.goto(f"/videos/{video['id']}")
    with page.expect_navigation():
        page.click("a[data-save-template]")
    first_id = before["scenes"][0]["id"]
    page.fill(f"#{first_id}-narration", "Hello {{first_name}}, welcome to our office in {{city}}.")
    page.fill("#template-name", "Office welcome")
    with page.expect_navigation():
        page.click("button[data-save-template]")
    assert re.search(r"/templates/[0-9a-f]{32}\?notice=saved$", page.url), page.url
    template_url = page.url.split("?")[0]
    assert page.locator("#var-first_name").is_visible() and page.locator("#var-city").is_visible()
    camera.shoot(page, "template")
    page.goto("/templates")
    assert page.get_by_text("Office welcome").is_visible()
    assert "first_name, city" in page.locator("[data-template]").first.inner_text()
    camera.shoot(page, "templates")

    # A CSV without a column for a variable is refused whole, saying which; no video starts.
    page.goto(template_url)
    page.set_input_files(
        "#csv-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"first_name\nAna\n"}]
    )
    with page.expect_navigation() as nav:
        page.click("[data-batch-form] button[type=submit]")
    assert nav.value.status == 400
    assert "no column for city" in page.locator("[data-batch-error]").inner_text()

    # Three rows, three videos, one folder; the batch page follows them to the end.
    csv = "first_name,city,email\n" + "".join(f"{n},{c},{n.lower()}@example.org\n" for n, c in CSV_ROWS)
    page.set_input_files(
        "#csv-file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.fill("#csv-folder", "Welcome batch")
    with page.expect_navigation():
        page.click("[data-batch-form] button[type=submit]")
    assert "/batch?folder=Welcome+batch" in page.url, page.url
    summary = page.locator("[data-batch-summary]")
    assert re.match(r"\d of 3 ready", summary.inner_text()), summary.inner_text()
    assert page.locator(".card[data-video]").count() == 3
    camera.shoot(page, "batch-running")
    page.locator("[data-batch-summary]", has_text="3 of 3 ready").wait_for(timeout=600_000)
    camera.shoot(page, "batch-done")
    ids = [c.get_attribute("data-video") for c in page.locator(".card[data-video]").all()]
    spoken = []
    with server.client(key) as c:
        for vid in ids:
            data = c.get(f"/v3/videos/{vid}").json()["data"]
            assert data["status"] == "completed" and data["folder_id"] == "Welcome batch", data
            spoken.append(" ".join(httpx.get(data["subtitle_url"], timeout=30).text.split()))
    for name, city in CSV_ROWS:
        line = f"Hello {name}, welcome to our office in {city}."
        assert sum(line in srt for srt in spoken) == 1, (line, spoken)
    assert errors == [], errors
    context.close()
    camera.close()


@pytest.mark.slow
def test_videos_organised_into_folders(
    browser: Any, server: Server, finished: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    key, video, _ = finished
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "script editor", key)

    # Moved from the video page; the library's folder filter finds it there, and only it.
    page.goto(f"/videos/{video['id']}")
    assert page.locator("[data-folder]").inner_text() == "In no folder."
    page.fill("#move-folder", "Onboarding")
    with page.expect_navigation():
        page.click("[data-move-folder]")
    assert page.locator("[data-folder]").inner_text() == "In Onboarding."
    camera.shoot(page, "video-folder")
    with page.expect_navigation():
        page.click("[data-folder] a")
    assert page.url.endswith("/videos?folder=Onboarding")
    assert [c.get_attribute("data-video") for c in page.locator(".card[data-video]").all()] == [video["id"]]
    assert page.input_value("#folder") == "Onboarding"

    # Set on create: the new video is in the folder from the start.
    page.goto("/create")
    page.fill("#prompt", "A short note about the new coffee machine in the kitchen.")
    page.fill("#folder_id", "Kitchen news")
    with page.expect_navigation():
        page.click("[data-submit]")
    session_id = page.url.rsplit("/", 1)[1]
    with server.client(key) as c:
        # The video row is made once the script is written and rendering starts.
        deadline = time.monotonic() + 180
        while not (made := c.get(f"/v3/video-agents/{session_id}").json()["data"])["video_id"]:
            assert time.monotonic() < deadline and made["status"] not in ("failed", "stopped"), made
            time.sleep(0.5)
        c.post(f"/v3/video-agents/{session_id}/stop")  # its render is not what this test is about
        assert c.get(f"/v3/videos/{made['video_id']}").json()["data"]["folder_id"] == "Kitchen news"
        # And out again, through the same page: an empty name is no folder.
        page.goto(f"/videos/{video['id']}")
        page.fill("#move-folder", "")
        with page.expect_navigation():
            page.click("[data-move-folder]")
        assert c.get(f"/v3/videos/{video['id']}").json()["data"]["folder_id"] is None
        # The page's move is the API's: PATCH /v3/videos/{id}, the owner's videos only.
        r = c.patch(f"/v3/videos/{video['id']}", json={"folder_id": "Via the API"})
        assert r.status_code == 200 and r.json()["data"]["folder_id"] == "Via the API", r.text
        assert c.patch(f"/v3/videos/{video['id']}", json={"folder_id": "x" * 65}).status_code == 400
        with server.client(server.key("someone else")) as other:
            assert other.patch(f"/v3/videos/{video['id']}", json={"folder_id": "Mine"}).status_code == 404
        assert (
            c.patch(f"/v3/videos/{video['id']}", json={"folder_id": None}).json()["data"]["folder_id"] is None
        )
    assert page.locator("[data-folder]").inner_text() == "In no folder."
    assert errors == [], errors
    context.close()
    camera.close()


@pytest.mark.slow
def test_a_chat_draft_edited_in_the_script_editor(browser: Any, server: Server) -> None:
    key = server.key("draft editor")
    with server.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat", "avatar_id": None})
        assert r.status_code == 200, r.text
        session_id = r.json()["data"]["session_id"]
    camera = Camera(browser, server.base)
    context, page, errors = _sign_in(browser, server, "draft editor", key)
    page.goto(f"/sessions/{session_id}")
    page.wait_for_selector("[data-edit-script]", timeout=180_000)  # once the draft is there
    with page.expect_navigation():
        page.click("[data-edit-script]")
    assert page.url.endswith(f"/sessions/{session_id}/script")
    first = page.locator("[data-script-scene]").first
    first.locator("textarea[data-narration]").fill(NEW_LINE)
    camera.shoot(page, "script-editor-draft")
    with page.expect_navigation():
        page.click("[data-render]")
    # Back on the session page: the edit is the draft under review, said in the conversation.
    assert page.url.endswith(f"/sessions/{session_id}")
    assert NEW_LINE in page.locator("[data-board]").inner_text()
    assert page.get_by_text("You edited the storyboard.", exact=False).first.is_visible()
    assert page.locator("[data-chat-form] button[value=approve]").is_visible()
    assert errors == [], errors
    context.close()
    camera.close()
