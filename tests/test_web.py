"""The web app over plain HTTP against a real server: sign-in, cookies, CSRF, escaping, page weight.

The browser-driven journey (create, watch, play, delete) is in ``test_web_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelwright.store.db import Database
from reelwright.store.models import AgentSession, Video
from reelwright.web.auth import is_loopback
from reelwright.web.captions import srt_script, srt_to_vtt
from tests.server import Server

PAGE_BUDGET = 200 * 1024  # bytes of our own JS and CSS per page


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("web"), {"REELWRIGHT_WORKERS": "0"}).start()
    yield srv
    srv.stop()


def _form_token(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def _signed_in(server: Server, key: str) -> httpx.Client:
    client = httpx.Client(base_url=server.base, timeout=30)
    page = client.get("/signin")
    token = _form_token(page.text, "signin_csrf")
    answer = client.post("/signin", data={"api_key": key, "signin_csrf": token, "next": "/settings"})
    assert answer.status_code == 303 and answer.headers["location"] == "/settings"
    return client


def test_pages_need_a_session_and_signin_sets_a_safe_cookie(server: Server) -> None:
    key = server.key("alice")
    with httpx.Client(base_url=server.base, timeout=30) as anon:
        for path in ("/videos", "/create", "/settings", "/videos/0123/captions.vtt"):
            answer = anon.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/signin?next=")
        assert anon.get("/web/api/v3/videos").status_code == 401

        page = anon.get("/signin")
        assert "Continue as this machine’s owner" in page.text  # the server listens on loopback only
        token = _form_token(page.text, "signin_csrf")
        wrong = anon.post("/signin", data={"api_key": "rw_nope", "signin_csrf": token})
        assert wrong.status_code == 401 and "not valid" in wrong.text
        forged = anon.post("/signin", data={"api_key": key, "signin_csrf": "forged"})
        assert forged.status_code == 403

        answer = anon.post("/signin", data={"api_key": key, "signin_csrf": token, "next": "//evil.example/"})
        assert answer.status_code == 303 and answer.headers["location"] == "/videos"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("rw_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie  # http:// public URL; https would add it

        library = anon.get("/videos")
        assert library.status_code == 200 and "No videos yet" in library.text
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', library.text)
        assert csrf
        # The pages' JSON calls are the API's own routes, and need the CSRF header.
        assert anon.get("/web/api/v3/videos").status_code == 403
        listing = anon.get("/web/api/v3/videos", headers={"X-CSRF-Token": csrf.group(1)})
        assert listing.status_code == 200 and listing.json() == {
            "data": [],
            "has_more": False,
            "next_token": None,
        }
        me = anon.get("/web/api/v3/users/me", headers={"X-CSRF-Token": csrf.group(1)}).json()
        assert me["data"]["username"] == "alice"

        # A form without its CSRF token changes nothing.
        assert anon.post("/signout", data={}).status_code == 403
        assert anon.get("/videos").status_code == 200
        out = anon.post("/signout", data={"csrf_token": csrf.group(1)})
        assert out.status_code == 303 and anon.get("/videos").status_code == 303


def test_owner_sign_in_is_refused_through_a_proxy_or_another_host_name(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as client:
        token = _form_token(client.get("/signin").text, "signin_csrf")
        proxied = client.post(
            "/signin/owner", data={"signin_csrf": token}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert proxied.status_code == 403
        # A page whose DNS name was rebound to 127.0.0.1 sends its own Host.
        rebound = client.post("/signin/owner", data={"signin_csrf": token}, headers={"Host": "evil.example"})
        assert rebound.status_code == 403
        answer = client.post("/signin/owner", data={"signin_csrf": token})
        assert answer.status_code == 303
        assert client.get("/videos").status_code == 200


def test_keys_are_made_and_revoked_in_settings_and_everything_shown_is_escaped(server: Server) -> None:
    key = server.key("bob")
    client = _signed_in(server, key)
    settings = client.get("/settings")
    csrf = _form_token(settings.text, "csrf_token")
    hostile = '<img src=x onerror="alert(1)">'
    answer = client.post("/settings/keys", data={"csrf_token": csrf, "name": hostile})
    # POST-redirect-GET: a reload of the page that shows the key does not make another one.
    assert answer.status_code == 303 and answer.headers["location"] == "/settings#once"
    made = client.get("/settings")
    assert made.status_code == 200
    assert hostile not in made.text and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in made.text
    shown = re.search(r'id="shown-once" type="text" readonly value="(rw_[^"]+)"', made.text)
    assert shown
    assert httpx.get(f"{server.base}/v3/users/me", headers={"X-Api-Key": shown.group(1)}).status_code == 200

    reloaded = client.get("/settings")
    assert shown.group(1) not in reloaded.text and "shown-once" not in reloaded.text  # shown once
    new_id, signed_in_id = re.findall(r'action="/settings/keys/([0-9a-f]{32})/revoke"', reloaded.text)
    revoked = client.post(f"/settings/keys/{new_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert httpx.get(f"{server.base}/v3/users/me", headers={"X-Api-Key": shown.group(1)}).status_code == 401
    assert "Revoked" in client.get("/settings").text
    # Revoking the key this browser signed in with ends its session.
    assert client.post(f"/settings/keys/{signed_in_id}/revoke", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/settings").status_code == 303


def test_a_session_offers_stop_and_start_over_and_waits_in_the_library(server: Server) -> None:
    client = _signed_in(server, server.key("erin"))
    csrf = _form_token(client.get("/create").text, "csrf_token")
    prompt = "A welcome video for new volunteers at the food bank."
    made = client.post(
        "/create", data={"csrf_token": csrf, "prompt": prompt, "duration_sec": "12", "review": "1"}
    )
    assert made.status_code == 303
    session_id = made.headers["location"].rsplit("/", 1)[1]
    # No worker runs in this server: the session stays "thinking", so Stop applies.
    page = client.get(f"/sessions/{session_id}")
    assert f'action="/sessions/{session_id}/stop"' in page.text and "data-start-over" in page.text
    assert "data-chat-form" not in page.text  # the agent is busy: no message box yet
    assert client.post(f"/sessions/{session_id}/stop", data={"csrf_token": "forged"}).status_code == 403
    stopped = client.post(f"/sessions/{session_id}/stop", data={"csrf_token": csrf})
    assert stopped.status_code == 303 and stopped.headers["location"] == f"/sessions/{session_id}"
    with Database(f"sqlite:///{server.data / 'reelwright.db'}").session() as s:
        row = s.get(AgentSession, session_id)
        assert row is not None and row.stop_requested  # the worker stops at its next checkpoint

    # Start over: the form comes back filled in from the session.
    again = client.get(f"/create?from={session_id}")
    assert prompt in again.text and 'value="12"' in again.text
    assert re.search(r'name="review" value="1" checked', again.text)
    assert client.get("/create?from=" + "0" * 32).status_code == 404

    # The library lists it with the drafts, its state said, before any video exists.
    library = client.get("/videos")
    assert f'data-draft="{session_id}"' in library.text and "Writing the script" in library.text
    assert f'data-draft="{session_id}"' not in client.get("/videos?state=ready").text
    assert f'data-draft="{session_id}"' in client.get("/videos", params={"title": "food bank"}).text
    assert client.get("/videos?state=nonsense").status_code == 400


def test_library_pages_searches_and_escapes_what_it_shows(server: Server) -> None:
    client = _signed_in(server, server.key("dave"))
    csrf = _form_token(client.get("/settings").text, "csrf_token")
    owner_id = client.get("/web/api/v3/users/me", headers={"X-CSRF-Token": csrf}).json()["data"]["user_id"]
    hostile = '<script>alert("t")</script> & co'
    # Finished rows written straight into the server's database: rendering 16 videos would say no more.
    db = Database(f"sqlite:///{server.data / 'reelwright.db'}")
    with db.session() as s:
        for i in range(15):
            s.add(
                Video(owner_id=owner_id, status="failed", title=f"Clip {i:02d}", created_at=1_700_000_000 + i)
            )
        s.add(Video(owner_id=owner_id, status="failed", title=hostile, failure_message="<b>no</b> frames"))
    first = client.get("/videos")
    ids = re.findall(r'<li class="card" data-video="([0-9a-f]{32})"', first.text)
    assert len(ids) == 12
    assert (
        hostile not in first.text and "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; co" in first.text
    )
    older = re.search(r'href="(/videos\?token=[^"]+)"', first.text)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&"))
    rest = re.findall(r'<li class="card" data-video="([0-9a-f]{32})"', second.text)
    assert len(rest) == 4 and not set(rest) & set(ids) and "← Newest" in second.text
    found = client.get("/videos", params={"title": "clip 1"})
    assert len(re.findall(r'<li class="card"', found.text)) == 5  # Clip 10 … Clip 14

    page = client.get(f"/videos/{ids[0]}")
    assert (
        page.status_code == 200 and hostile not in page.text and "&lt;b&gt;no&lt;/b&gt; frames" in page.text
    )
    assert client.get("/videos/" + "0" * 32).status_code == 404


def test_every_page_stays_within_its_weight_budget(server: Server) -> None:
    client = _signed_in(server, server.key("carol"))
    weights = {}
    for path in ("/signin", "/videos", "/create", "/settings", "/templates", "/brand"):
        page = client.get(path, follow_redirects=False)
        if path == "/signin":
            page = httpx.get(server.base + path)
        assert page.status_code == 200, path
        assets = set(re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=[0-9a-f]+)"', page.text))
        assert assets, path
        weights[path] = sum(len(client.get(a).content) for a in assets)
        assert weights[path] <= PAGE_BUDGET, (path, weights[path])
    print("own JS+CSS bytes per page:", weights)
    static = client.get(re.findall(r'src="(/static/app\.js\?v=[0-9a-f]+)"', page.text)[0])
    assert static.headers["content-type"].startswith("text/javascript")
    assert "immutable" in static.headers["cache-control"]  # linked by content hash


def test_static_files_ship_inside_the_package() -> None:
    import reelwright.web

    root = Path(reelwright.web.__file__).parent
    for name in ("static/app.css", "static/app.js", "templates/base.html", "templates/video.html"):
        assert (root / name).is_file(), name


def test_captions_become_webvtt() -> None:
    srt = (
        "1\n00:00:00,000 --> 00:00:01,500\nHello --> there\n\n"
        "2\r\n00:00:01,500 --> 00:00:03,020\r\nSecond line\r\n"
    )
    assert srt_to_vtt(srt) == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello → there\n\n"
        "00:00:01.500 --> 00:00:03.020\nSecond line\n"
    )
    assert srt_script(srt) == "Hello --> there Second line"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("127.8.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
