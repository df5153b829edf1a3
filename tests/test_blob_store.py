"""The blob stores' shared contract, run against the local disk and a real S3 HTTP server (moto),
and the retention policy deleting expired videos' objects from the bucket."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from reelwright.api.leftovers import sweep_round
from reelwright.config import Settings
from reelwright.store.blobs import BlobStore, LocalBlobStore, blob_store, stage
from reelwright.store.db import Database, migrate
from reelwright.store.files import inputs_key, template_key, video_key, work_key
from reelwright.store.models import AgentSession, Asset, BrandKit, Owner, Video, VideoTemplate, new_id
from reelwright.store.presign_clock import signing_at
from reelwright.store.retention import DAY, apply_retention
from tests.s3_server import S3, s3_server


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with s3_server() as server:
        yield server


def _s3_settings(s3: S3, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        blob_url=f"s3://{s3.bucket}/{tmp_path.name}",
        s3_endpoint_url=s3.endpoint,
        s3_region="us-east-1",
        s3_access_key_id="test",
        s3_secret_access_key="test",  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "files")
    s3: S3 = request.getfixturevalue("s3")
    return blob_store(_s3_settings(s3, tmp_path))


def _file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_contract(store: BlobStore, tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, several chunks
    source = _file(tmp_path / "spool" / "up", data)
    store.put_file("assets/a1", source)
    assert not source.exists()  # moved in
    info = store.info("assets/a1")
    assert info is not None and info.size == len(data) and abs(info.modified - time.time()) < 120
    assert store.read_bytes("assets/a1") == data
    assert b"".join(store.iter_range("assets/a1", 1000, 1999)) == data[1000:2000]
    assert b"".join(store.iter_range("assets/a1", len(data) - 5, len(data) - 1)) == data[-5:]
    copy = tmp_path / "scratch" / "copy"
    assert store.fetch("assets/a1", copy) and copy.read_bytes() == data
    assert not store.fetch("assets/missing", tmp_path / "scratch" / "none")
    assert not (tmp_path / "scratch" / "none").exists()
    assert store.read_bytes("assets/missing") is None and store.info("assets/missing") is None

    # A copy inside the store is a file of its own: deleting the original leaves it whole.
    assert store.copy("assets/a1", "templates/t1/00")
    assert not store.copy("assets/missing", "templates/t1/01") and store.info("templates/t1/01") is None
    store.put_bytes("assets/a2", b"second")
    assert store.copy("assets/a2", "templates/t1/02")
    store.delete_prefix("assets/a2")
    assert store.read_bytes("templates/t1/02") == b"second" and store.read_bytes("templates/t1/00") == data

    staged = stage(store, "assets/a1", tmp_path / "stage")
    assert staged is not None and staged.read_bytes() == data
    assert stage(store, "assets/missing", tmp_path / "stage") is None

    # A tree replaces what was there: a file of an earlier attempt does not survive.
    store.put_bytes("videos/v1/stale.gif", b"old")
    tree = tmp_path / "out"
    _file(tree / "video.mp4", b"mp4")
    _file(tree / "video.srt", b"srt")
    store.put_tree("videos/v1", tree)
    assert sorted(b.key for b in store.scan("videos/v1/")) == ["videos/v1/video.mp4", "videos/v1/video.srt"]
    assert store.read_bytes("videos/v1/video.srt") == b"srt"
    store.put_bytes("videos/v10/video.mp4", b"another video")  # shares the prefix's first characters
    store.delete_prefix("videos/v1")
    assert (
        list(store.scan("videos/v1/")) == [] and store.read_bytes("videos/v10/video.mp4") == b"another video"
    )
    store.delete_prefix("videos/nothing")  # deleting nothing is not an error
    with pytest.raises(ValueError):
        store.put_bytes("../escape", b"x")


def test_presigned_urls_download_straight_from_the_bucket(s3: S3, tmp_path: Path) -> None:
    store = blob_store(_s3_settings(s3, tmp_path))
    store.put_bytes("videos/v2/video.mp4", b"0123456789")
    url = store.presigned_url("videos/v2/video.mp4", 60, media_type="video/mp4", filename="My video.mp4")
    assert url is not None and url.startswith(
        f"{s3.endpoint}/{s3.bucket}/{tmp_path.name}/videos/v2/video.mp4?"
    )
    got = httpx.get(url)
    assert got.status_code == 200 and got.content == b"0123456789"
    assert got.headers["content-type"] == "video/mp4"
    assert "My%20video.mp4" in got.headers["content-disposition"]
    ranged = httpx.get(url, headers={"Range": "bytes=2-4"})
    assert ranged.status_code == 206 and ranged.content == b"234"
    # A tampered signature, and the wrong object, are refused by the store itself.
    assert httpx.get(url.replace("video.mp4", "video.srt")).status_code == 403
    assert LocalBlobStore(tmp_path).presigned_url("x", 60, media_type="video/mp4") is None


def test_presigned_urls_stay_the_same_across_reads_and_nodes_within_a_step(s3: S3, tmp_path: Path) -> None:
    """Two reads, and two nodes, hand out the same URL (caches hit, clients see no change); it still
    downloads; the next step brings a new one. A 20 s lifetime steps every 2 s."""
    import botocore.auth

    node_a, node_b = (blob_store(_s3_settings(s3, tmp_path)) for _ in range(2))
    node_a.put_bytes("videos/v3/video.mp4", b"stable")

    def url(node: BlobStore) -> str:
        got = node.presigned_url("videos/v3/video.mp4", 20, media_type="video/mp4")
        assert got is not None
        return got

    while time.time() % 2 > 1.0:  # start early in a step, so the three fall in the same one
        time.sleep(0.05)
    first, second, other_node = url(node_a), url(node_a), url(node_b)
    assert first == second == other_node
    query = parse_qs(urlsplit(first).query)
    assert query["X-Amz-Expires"] == ["22"]  # the lifetime and one step: never less than asked
    signed = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert signed.timestamp() % 2 == 0 and time.time() - signed.timestamp() < 2
    assert httpx.get(first).content == b"stable"
    time.sleep(2.1)
    later = url(node_a)
    assert later != first and httpx.get(later).content == b"stable"
    assert httpx.get(first).status_code == 200  # the earlier one is still valid
    # The pinned time is this thread's alone, and only while signing: other requests keep the clock.
    seen: list[float] = []
    with signing_at(1_000_000_000):
        assert botocore.auth.get_current_datetime().year == 2001
        thread = threading.Thread(target=lambda: seen.append(botocore.auth.get_current_datetime().year))
        thread.start()
        thread.join()
    assert seen == [datetime.datetime.now(datetime.UTC).year]
    assert botocore.auth.get_current_datetime().year == seen[0]


def test_bad_blob_urls_say_what_is_wrong(tmp_path: Path) -> None:
    for url, words in [
        ("s3://", "expected s3://bucket"),
        ("s3://b/../x", "bad blob key"),
        ("gs://b", "no blob store"),
    ]:
        with pytest.raises(ValueError, match=words.replace(".", r"\.")):
            blob_store(Settings(data_dir=tmp_path, blob_url=url))


def test_retention_deletes_expired_videos_inputs_and_uploads_from_the_bucket(s3: S3, tmp_path: Path) -> None:
    settings = _s3_settings(
        s3, tmp_path, video_retention_days=7, input_retention_days=2, upload_retention_days=30
    )
    migrate(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    store = blob_store(settings)
    t = int(time.time())
    with db.session() as s:
        owner = Owner(name="o")
        s.add(owner)
        s.flush()
        old = Video(owner_id=owner.id, status="completed", completed_at=t - 8 * DAY)
        failed = Video(owner_id=owner.id, status="failed", completed_at=t - 9 * DAY)
        recent = Video(owner_id=owner.id, status="completed", completed_at=t - 6 * DAY)
        rendering = Video(owner_id=owner.id, status="processing")
        idle = AgentSession(owner_id=owner.id, prompt="p", status="reviewing", updated_at=t - 3 * DAY)
        busy = AgentSession(owner_id=owner.id, prompt="p", status="thinking", updated_at=t - 3 * DAY)
        fresh = AgentSession(owner_id=owner.id, prompt="p", status="reviewing", updated_at=t)
        assets = {
            name: Asset(
                owner_id=owner.id,
                name=name,
                kind="image",
                mime_type="image/png",
                size_bytes=1,
                blob_key=f"assets/{name}",
                created_at=t - age * DAY,
            )
            for name, age in (("stale", 31), ("logo", 40), ("new", 1))
        }
        s.add_all([old, failed, recent, rendering, idle, busy, fresh, *assets.values()])
        s.flush()
        s.add(BrandKit(owner_id=owner.id, name="kit", logo_asset_id=assets["logo"].id))
        ids = {
            v: row.id
            for v, row in (("old", old), ("failed", failed), ("recent", recent), ("rendering", rendering))
        }
        sessions = {"idle": idle.id, "busy": busy.id, "fresh": fresh.id}
        asset_ids = {name: row.id for name, row in assets.items()}
    for video_id in ids.values():
        for name in ("video.mp4", "video.jpg", "storyboard.json"):
            store.put_bytes(f"{video_key(video_id)}/{name}", b"x")
    for session_id in sessions.values():
        store.put_bytes(f"{inputs_key(session_id)}/00", b"x")
        store.put_bytes(f"{work_key(session_id)}/storyboard.json", b"{}")
        store.put_bytes(f"{inputs_key(session_id)}/m{'c' * 32}/00", b"x")
    for name in assets:
        store.put_bytes(f"assets/{name}", b"x")
    prefix = f"{tmp_path.name}/"

    done = apply_retention(settings, db, store)

    assert sorted(done.videos) == sorted([ids["old"], ids["failed"]])
    assert done.inputs == [sessions["idle"]]
    assert done.assets == [asset_ids["stale"]]  # the kit's logo is in use, the new one is young
    left = s3.keys(prefix)
    for video, stays in (("old", False), ("failed", False), ("recent", True), ("rendering", True)):
        assert any(k.startswith(f"{prefix}videos/{ids[video]}/") for k in left) == stays, video
    for sess, stays in (("idle", False), ("busy", True), ("fresh", True)):
        assert any(k.startswith(f"{prefix}inputs/{sessions[sess]}/") for k in left) == stays, sess
        assert any(k.startswith(f"{prefix}work/{sessions[sess]}/") for k in left) == stays, sess
    assert f"{prefix}assets/stale" not in left and {f"{prefix}assets/logo", f"{prefix}assets/new"} <= set(
        left
    )
    with db.session() as s:
        assert s.get(Video, ids["old"]) is None and s.get(Video, ids["recent"]) is not None
        assert s.get(Asset, asset_ids["stale"]) is None and s.get(Asset, asset_ids["logo"]) is not None
    again = apply_retention(settings, db, store)
    assert (again.videos, again.inputs, again.assets) == ([], [], [])  # nothing more to do

    # The default keeps everything.
    kept = apply_retention(Settings(data_dir=tmp_path, blob_url=settings.blob_url), db, store)
    assert (kept.videos, kept.inputs, kept.assets) == ([], [], [])


def test_one_node_a_round_sweeps_the_bucket_listing_only_where_orphans_can_be(s3: S3, tmp_path: Path) -> None:
    """Files no row owns (a request, a template or a job that died or was deleted) go; live ones
    stay; the round lists each of inputs/, assets/, work/ and templates/ once, plus two listings
    per group it deletes, however many live jobs the bucket holds; another node's round, under
    the same lease, lists nothing."""
    settings = _s3_settings(s3, tmp_path)
    migrate(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    store = blob_store(settings)
    with db.session() as s:
        owner = Owner(name="o")
        s.add(owner)
        s.flush()
        live = [AgentSession(owner_id=owner.id, prompt=f"p{i}", status="reviewing") for i in range(25)]
        template = VideoTemplate(owner_id=owner.id, name="t", storyboard={}, variables=[])
        asset = Asset(
            owner_id=owner.id, name="a", kind="image", mime_type="image/png", size_bytes=1, blob_key=""
        )
        s.add_all([*live, template, asset])
        s.flush()
        asset.blob_key = f"assets/{asset.id}"
        live_ids, template_id, asset_id = [r.id for r in live], template.id, asset.id
    kept = [f"assets/{asset_id}", f"{template_key(template_id)}/00", f"videos/{new_id()}/video.mp4"]
    for sid in live_ids:
        kept += [f"{inputs_key(sid)}/00", f"{work_key(sid)}/storyboard.json"]
    orphans = [
        f"{inputs_key(new_id())}/00",  # a create that died before its row
        f"{work_key(new_id())}/storyboard.json",  # a deleted session's checkpoint
        f"{template_key(new_id())}/00",  # a template that died before its row, or was deleted
        f"assets/{new_id()}",  # an upload that died before its row
    ]
    for key in kept + orphans:
        store.put_bytes(key, b"x")
    listings: list[str] = []
    store.client.meta.events.register(  # type: ignore[attr-defined]
        "before-parameter-build.s3.ListObjectsV2", lambda params, **_: listings.append(params["Prefix"])
    )

    assert sweep_round(settings, db, store, holder="node-a", grace=0)
    left = {k.removeprefix(f"{tmp_path.name}/") for k in s3.keys(f"{tmp_path.name}/")}
    assert left == set(kept), left ^ set(kept)
    tops = sorted({p.removeprefix(f"{tmp_path.name}/").split("/")[0] for p in listings})
    assert tops == ["assets", "inputs", "templates", "work"]  # videos/ is never listed
    print(f"list calls: {len(listings)} for {len(kept)} live objects and {len(orphans)} orphans")
    assert len(listings) == 4 + 2 * len(orphans), listings
    # Another node's round: the lease is node A's, so B lists nothing. A's next round: 4 listings.
    listings.clear()
    assert not sweep_round(settings, db, store, holder="node-b", grace=0)
    assert listings == []
    assert sweep_round(settings, db, store, holder="node-a", grace=0) and len(listings) == 4


def test_a_file_url_names_a_folder_every_node_shares(tmp_path: Path) -> None:
    """``file:///path``: nodes with different data dirs see each other's files (a shared mount)."""
    shared = tmp_path / "shared"
    one = blob_store(Settings(data_dir=tmp_path / "one", blob_url=f"file://{shared}"))
    two = blob_store(Settings(data_dir=tmp_path / "two", blob_url=f"file://{shared}"))
    one.put_bytes("videos/v1/video.mp4", b"frames")
    assert (shared / "videos/v1/video.mp4").read_bytes() == b"frames"
    assert two.read_bytes("videos/v1/video.mp4") == b"frames"
    # Plain ``file:`` stays the data dir's own folder.
    own = blob_store(Settings(data_dir=tmp_path / "three", blob_url="file:"))
    own.put_bytes("k", b"x")
    assert (tmp_path / "three" / "files" / "k").read_bytes() == b"x"
