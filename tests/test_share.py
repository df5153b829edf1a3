"""Share links against a real `reelwright serve`: the API hands out a public link and an embed
snippet for a finished video; the page plays without sign-in or cookies (Range, captions, link
preview tags) and shows nothing else of the account; revoking it makes page and media 404. Then
the same in Debian's Chromium, in a fresh context with no cookies, photographed into
``test-artifacts/web/``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server, wait_done
from tests.test_web import PAGE_BUDGET, _form_token, _signed_in
from tests.test_web_browser import ARTIFACTS, CHROMIUM_ARGS, DESKTOP, PHONE, _unavailable

PROMPT = (
    "A short video about our bakery's new sourdough: baked daily at six, sold until noon. About 12 seconds."
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    srv = Server(tmp_path_factory.mktemp("share"))
    key, other = srv.key("owner-key-name"), srv.key("other")
    srv.start()
    try:
        with srv.client(key) as c:
            r = c.post("/v3/video-agents", json={"prompt": PROMPT, "title": "Sourdough at six"})
            assert r.status_code == 200, r.text
            done = wait_done(c, r.json()["data"]["session_id"], timeout=300)
            assert done["status"] == "completed", done
        yield {"server": srv, "key": key, "other": other, "video_id": done["video_id"]}
    finally:
        srv.stop()


def _share(c: httpx.Client, video_id: str) -> dict[str, Any]:
    r = c.post(f"/v3/videos/{video_id}/share", json={})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def test_share_link_plays_without_sign_in_and_revokes(shared: dict[str, Any]) -> None:
    srv: Server = shared["server"]
    vid = shared["video_id"]
    with srv.client(shared["key"]) as c, srv.client(shared["other"]) as o, httpx.Client(timeout=30) as anon:
        assert o.post(f"/v3/videos/{vid}/share", json={}).status_code == 404
        assert c.get(f"/v3/videos/{vid}/share").status_code == 404  # not shared yet
        link = _share(c, vid)
        url = link["share_url"]
        token = url.rsplit("/", 1)[1]
        assert url.startswith(f"{srv.base}/share/") and len(token) >= 32
        assert f'src="{url}/embed"' in link["embed_html"] and link["embed_html"].startswith("<iframe")
        assert _share(c, vid)["share_url"] == url  # one link per video until revoked
        assert c.get(f"/v3/videos/{vid}/share").json()["data"]["share_url"] == url

        page = anon.get(url)
        assert page.status_code == 200 and not page.cookies
        html = page.text
        assert "<title>Sourdough at six</title>" in html
        assert '<meta property="og:title" content="Sourdough at six">' in html
        og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html)
        assert og_image and og_image.group(1).startswith(srv.base)
        assert re.search(r'<track kind="captions" src="[^"]+/captions\.vtt"', html)
        # Nothing else of the account: no key name, no navigation, no other video, no API key.
        for leak in ("owner-key-name", 'href="/videos', "Sign out", "csrf", shared["key"]):
            assert leak not in html, leak

        thumb = anon.get(og_image.group(1))
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
        part = anon.get(f"{url}/video.mp4", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and len(part.content) == 100
        assert part.headers["content-range"].startswith("bytes 0-99/")
        vtt = anon.get(f"{url}/captions.vtt")
        assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT") and "sourdough" in vtt.text.lower()

        embed = anon.get(f"{url}/embed")
        assert embed.status_code == 200 and "x-frame-options" not in embed.headers
        assert "frame-ancestors *" in embed.headers["content-security-policy"]
        assert "x-frame-options" in page.headers  # the page itself is not framed

        for guess in ("A" * 32, token[:-1] + ("B" if token[-1] != "B" else "C"), token + "x", "x"):
            assert anon.get(f"{srv.base}/share/{guess}").status_code == 404, guess

        own_js_css = set(re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=[0-9a-f]+)"', html))
        assert own_js_css and sum(len(anon.get(srv.base + a).content) for a in own_js_css) <= PAGE_BUDGET

        assert o.delete(f"/v3/videos/{vid}/share").status_code == 404  # not theirs to revoke
        revoked = c.delete(f"/v3/videos/{vid}/share")
        assert revoked.status_code == 200 and revoked.json()["data"]["revoked"] is True
        for path in ("", "/embed", "/video.mp4", "/thumbnail.jpg", "/captions.vtt"):
            assert anon.get(url + path).status_code == 404, path
        assert c.delete(f"/v3/videos/{vid}/share").status_code == 404
        assert c.get(f"/v3/videos/{vid}/share").status_code == 404
        again = _share(c, vid)["share_url"]
        assert again != url and anon.get(again).status_code == 200 and anon.get(url).status_code == 404
        c.delete(f"/v3/videos/{vid}/share")


def test_share_link_in_a_fresh_browser_then_revoked(shared: dict[str, Any]) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    srv: Server = shared["server"]
    with srv.client(shared["key"]) as c:
        url = _share(c, shared["video_id"])["share_url"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                context = browser.new_context(viewport=viewport)  # fresh: no cookies, no storage
                page = context.new_page()
                answer = page.goto(url)
                assert answer is not None and answer.status == 200
                state = page.evaluate(
                    """() => new Promise((done) => {
                      const v = document.querySelector("video[data-share-player]");
                      const ready = () => {
                        const t = v.textTracks[0];
                        t.mode = "showing";
                        const wait = () => (t.cues && t.cues.length) ? done({
                          duration: v.duration, width: v.videoWidth, cues: t.cues.length,
                          first: t.cues[0].text}) : setTimeout(wait, 100);
                        v.currentTime = Math.min(1.5, v.duration / 2);
                        wait();
                      };
                      if (v.readyState >= 1) ready();
                      else v.addEventListener("loadedmetadata", ready, {once: true});
                    })"""
                )
                assert state["duration"] > 3 and state["width"] > 0 and state["cues"] > 0, state
                page.evaluate(
                    """() => new Promise((done) => {
                      const v = document.querySelector("video");
                      const check = () => v.readyState >= 2 && !v.seeking ? done() : setTimeout(check, 100);
                      check();
                    })"""
                )
                assert context.cookies() == []
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name}: {overflow}px too wide"
                page.screenshot(path=ARTIFACTS / f"share-{name}.png", full_page=True)
                context.close()
            with srv.client(shared["key"]) as c:
                assert c.delete(f"/v3/videos/{shared['video_id']}/share").status_code == 200
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            answer = page.goto(url)
            assert answer is not None and answer.status == 404
            assert "no longer shared" in page.content()
            page.screenshot(path=ARTIFACTS / "share-revoked-desktop.png", full_page=True)
            context.close()
        finally:
            browser.close()


def test_owner_shares_and_revokes_from_the_video_page(shared: dict[str, Any]) -> None:
    srv: Server = shared["server"]
    vid = shared["video_id"]
    web = _signed_in(srv, shared["key"])
    page = web.get(f"/videos/{vid}")
    assert page.status_code == 200 and "Create a share link" in page.text
    token = _form_token(page.text, "csrf_token")
    assert web.post(f"/videos/{vid}/share", data={"csrf_token": "forged"}).status_code == 403
    made = web.post(f"/videos/{vid}/share", data={"csrf_token": token})
    assert made.status_code == 303
    page = web.get(f"/videos/{vid}")
    url = re.search(r'id="share-url" type="text" readonly value="([^"]+)"', page.text)
    assert url and "&lt;iframe" in page.text and "Revoke link" in page.text
    assert httpx.get(url.group(1)).status_code == 200
    assert web.post(f"/videos/{vid}/share/revoke", data={"csrf_token": token}).status_code == 303
    assert httpx.get(url.group(1)).status_code == 404
    assert "Create a share link" in web.get(f"/videos/{vid}").text
