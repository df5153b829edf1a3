"""Brand kits and the style catalogue over real HTTP, and a render that wears a kit."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from reelwright.render.ffmpeg import ffmpeg_exe
from reelwright.styles.fonts import font_path
from tests.media import make_mp3, make_png
from tests.server import Server, wait_done

LOGO_RGB = (12, 200, 90)
PRIMARY = "#FF00AA"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, list[str]]]:
    srv = Server(tmp_path_factory.mktemp("data"))
    keys = [srv.key(name) for name in ("alice", "bob")]
    srv.start()
    try:
        yield srv, keys
    finally:
        srv.stop()


def _upload(c: httpx.Client, path: Path) -> str:
    with path.open("rb") as f:
        r = c.post("/v3/assets", files={"file": (path.name, f)})
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["asset_id"])


@pytest.fixture(scope="module")
def assets(server: tuple[Server, list[str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    srv, keys = server
    folder = tmp_path_factory.mktemp("assets")
    logo = folder / "logo.png"
    Image.new("RGB", (400, 160), LOGO_RGB).save(logo)
    font = folder / "brand.ttf"
    font.write_bytes(font_path("lato", "bold").read_bytes())
    with srv.client(keys[0]) as c:
        ids = {
            "logo": _upload(c, logo),
            "font": _upload(c, font),
            "audio": _upload(c, make_mp3(folder / "a.mp3", 1.0)),
        }
    with srv.client(keys[1]) as c:
        ids["bobs_logo"] = _upload(c, make_png(folder / "b.png", 64, 64))
    return ids


def test_font_upload_is_a_font_asset(server: tuple[Server, list[str]], assets: dict[str, str]) -> None:
    srv, keys = server
    with srv.client(keys[0]) as c:
        data = c.get(f"/v3/assets/{assets['font']}").json()["data"]
    assert data["mime_type"] == "font/ttf"


def test_create_list_get_delete(server: tuple[Server, list[str]], assets: dict[str, str]) -> None:
    srv, keys = server
    with srv.client(keys[0]) as c:
        body = {
            "name": "Acme",
            "logo_asset_id": assets["logo"],
            "primary_color": PRIMARY,
            "secondary_color": "#00ccff",
            "font_asset_id": assets["font"],
        }
        r = c.post("/v3/brand-kits", json=body)
        assert r.status_code == 200, r.text
        kit = r.json()["data"]
        assert kit["name"] == "Acme" and kit["primary_color"] == "#ff00aa"
        assert kit["logo_url"].startswith(srv.base)
        colours_only = {"name": "Colours only", "primary_color": "#123456"}
        second = c.post("/v3/brand-kits", json=colours_only).json()["data"]
        listed = c.get("/v3/brand-kits", params={"limit": 1}).json()
        assert [k["brand_kit_id"] for k in listed["data"]] == [second["brand_kit_id"]] and listed["has_more"]
        rest = c.get("/v3/brand-kits", params={"token": listed["next_token"]}).json()["data"]
        assert kit["brand_kit_id"] in [k["brand_kit_id"] for k in rest]
        assert c.get(f"/v3/brand-kits/{kit['brand_kit_id']}").json()["data"] == kit
        deleted = c.delete(f"/v3/brand-kits/{second['brand_kit_id']}").json()["data"]
        assert deleted == {"brand_kit_id": second["brand_kit_id"], "deleted": True}
        assert c.get(f"/v3/brand-kits/{second['brand_kit_id']}").status_code == 404
    with srv.client(keys[1]) as other:
        assert other.get(f"/v3/brand-kits/{kit['brand_kit_id']}").json()["error"]["code"] == "not_found"
        assert other.get("/v3/brand-kits").json()["data"] == []
        r = other.post(
            "/v3/video-agents", json={"prompt": "Hello there", "brand_kit_id": kit["brand_kit_id"]}
        )
        assert r.status_code == 400 and r.json()["error"]["param"] == "brand_kit_id"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "x", "primary_color": "red"}, "primary_color"),
        ({"name": "x", "secondary_color": "#12345"}, "secondary_color"),
        ({"name": "x", "logo_asset_id": "font"}, "logo_asset_id"),  # a font is not an image
        ({"name": "x", "logo_asset_id": "bobs_logo"}, "logo_asset_id"),  # someone else's
        ({"name": "x", "logo_asset_id": "nope"}, "logo_asset_id"),
        ({"name": "x", "font_asset_id": "logo"}, "font_asset_id"),  # an image is not a font
        ({"name": "x", "font_asset_id": "audio"}, "font_asset_id"),
        ({"name": ""}, "name"),
    ],
)
def test_errors_name_the_param(
    server: tuple[Server, list[str]], assets: dict[str, str], body: dict[str, str], param: str
) -> None:
    srv, keys = server
    body = {k: assets.get(v, v) if k.endswith("asset_id") else v for k, v in body.items()}
    with srv.client(keys[0]) as c:
        r = c.post("/v3/brand-kits", json=body)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "validation_error" and err["param"] == param


def test_style_catalogue_has_rendered_previews(server: tuple[Server, list[str]]) -> None:
    srv, keys = server
    with srv.client(keys[0]) as c:
        styles = c.get("/v3/video-agents/styles", params={"limit": 100}).json()["data"]
        assert len(styles) >= 8
        assert {s["aspect_ratio"] for s in styles} == {"16:9"}
        playful = c.get("/v3/video-agents/styles", params={"tag": "playful"}).json()["data"]
        assert [s["style_id"] for s in playful] == ["playful"]
    thumb = httpx.get(playful[0]["thumbnail_url"], timeout=120)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).size == (640, 360)
    assert playful[0]["preview_video_url"].endswith("/video.mp4")


@pytest.mark.slow
def test_render_wears_the_kit(
    server: tuple[Server, list[str]], assets: dict[str, str], tmp_path: Path
) -> None:
    srv, keys = server
    with srv.client(keys[0]) as c:
        kit = c.post(
            "/v3/brand-kits",
            json={"name": "Render", "logo_asset_id": assets["logo"], "primary_color": PRIMARY},
        ).json()["data"]
        r = c.post(
            "/v3/video-agents",
            json={
                "prompt": "A 6-second teaser about our bakery",
                "style_id": "clean",
                "brand_kit_id": kit["brand_kit_id"],
            },
        )
        assert r.status_code == 200, r.text
        session = wait_done(c, r.json()["data"]["session_id"])
        assert session["status"] == "completed", session
        video = c.get(f"/v3/videos/{session['video_id']}").json()["data"]
    mp4 = tmp_path / "v.mp4"
    mp4.write_bytes(httpx.get(video["video_url"], timeout=30).content)
    png = tmp_path / "f.png"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", "1.5", "-i", str(mp4), "-frames:v", "1", str(png)], check=True
    )
    frame = np.asarray(Image.open(png).convert("RGB")).astype(np.int16)
    assert frame.shape[:2] in ((1080, 1920), (1920, 1080))
    h, w = frame.shape[:2]
    margin = round(min(w, h) * 0.075)

    def near(region: np.ndarray, rgb: tuple[int, int, int]) -> int:
        return int(np.count_nonzero(np.abs(region - np.array(rgb)).max(axis=-1) <= 30))

    # The logo in the top margin at the right; the kit's colour replaces the style's blue.
    assert near(frame[:margin, w - margin - 240 : w - margin], LOGO_RGB) > 2000
    assert near(frame, (255, 0, 170)) > 300
    assert near(frame, (37, 99, 235)) < 50


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "reelwright", "render", *args], cwd=cwd, capture_output=True, text=True
    )


def test_cli_brand_options_are_checked_before_anything_renders(tmp_path: Path) -> None:
    mp3 = make_mp3(tmp_path / "not-a-logo.mp3", 0.5)
    cases = [
        (["--brand-color", "pink"], "'pink' is not a colour like #1a2b3c"),
        (["--logo", str(tmp_path / "missing.png")], "does not exist"),
        (["--logo", str(mp3)], "is not a PNG or JPEG picture"),
        (["--brand-font", str(mp3)], "is not a TrueType or OpenType font file"),
    ]
    for extra, says in cases:
        out = _cli("A 6-second teaser about our bakery", "-o", "v.mp4", "-q", *extra, cwd=tmp_path)
        assert out.returncode == 2 and says in out.stderr, out.stderr
    assert not list(tmp_path.glob("v.*"))


@pytest.mark.slow
def test_cli_render_wears_the_brand(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 160), LOGO_RGB).save(logo)
    out = _cli(
        "A 6-second teaser about our bakery",
        *(
            "--style",
            "clean",
            "--logo",
            str(logo),
            "--brand-color",
            PRIMARY,
            "--brand-font",
            str(font_path("lato", "bold")),
        ),
        *("-o", "v.mp4", "-q"),
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    png = tmp_path / "f.png"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-ss",
            "1.5",
            "-i",
            str(tmp_path / "v.mp4"),
            "-frames:v",
            "1",
            str(png),
        ],
        check=True,
    )
    frame = np.asarray(Image.open(png).convert("RGB")).astype(np.int16)
    h, w = frame.shape[:2]
    margin = round(min(w, h) * 0.075)
    top_right = frame[:margin, w - margin - 240 : w - margin]
    assert int(np.count_nonzero(np.abs(top_right - np.array(LOGO_RGB)).max(axis=-1) <= 30)) > 2000
    assert int(np.count_nonzero(np.abs(frame - np.array((255, 0, 170))).max(axis=-1) <= 30)) > 300
