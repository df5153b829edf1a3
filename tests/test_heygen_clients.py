"""HeyGen's client-side contract: every v1/v2 read and housekeeping route that published HeyGen
tools call first, parsed by strict Pydantic models of what those clients expect (field names, exact
JSON types, nothing extra where HeyGen's shape is closed), against a real server process.

The models follow HeyGen's API reference and its official clients (the heygen-mcp server's
Pydantic models, the n8n node): ``error.code`` in a video's status is an integer, quota numbers are
integers, timestamps are integer seconds. The server renders nothing here (no workers): videos stay
queued, which is all the lists, the quota and the deletes need.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
import pytest
from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from reelwright.ingest.media import probe
from reelwright.store.models import Video
from tests.media import make_png
from tests.server import Server

PORTRAIT = Path(__file__).parent / "data" / "astronaut.jpg"


class Closed(BaseModel):
    """A shape HeyGen documents completely: exact types, no coercion, nothing unexpected."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Open(BaseModel):
    """A shape where our extra fields are allowed (HeyGen's clients ignore unknown fields), but the
    documented ones keep their exact types."""

    model_config = ConfigDict(extra="allow", strict=True)


# -- v2 -------------------------------------------------------------------------------------------


class AvatarGroup(Closed):
    id: str
    name: str
    created_at: int
    num_looks: int
    preview_image: str
    group_type: str
    train_status: str | None
    default_voice_id: str | None


class AvatarGroupList(Closed):
    total_count: int
    avatar_group_list: list[AvatarGroup]


class AvatarGroupListResponse(Closed):
    error: None
    data: AvatarGroupList


class GroupAvatar(Closed):
    avatar_id: str
    avatar_name: str
    gender: str
    preview_image_url: str
    preview_video_url: str
    premium: bool
    type: str | None
    tags: list[str] | None
    default_voice_id: str | None


class GroupAvatars(Closed):
    avatar_list: list[GroupAvatar]


class GroupAvatarsResponse(Closed):
    error: None
    data: GroupAvatars


class AvatarDetails(Closed):
    type: Literal["avatar", "talking_photo"]
    id: str
    name: str
    gender: str
    preview_image_url: str
    preview_video_url: str
    premium: bool
    is_public: bool
    default_voice_id: str | None
    tags: list[str]


class AvatarDetailsResponse(Closed):
    error: None
    data: AvatarDetails


class QuotaDetails(Closed):
    api: int
    streaming_avatar: int
    streaming_avatar_instance_quota: int
    seat: int


class ConcurrentJobs(Closed):
    limit: int
    running: int
    available: int


class RemainingQuota(Closed):
    remaining_quota: int
    details: QuotaDetails
    # Ours, said plainly: a self-hosted install counts jobs, not credits.
    self_hosted: Literal[True]
    unit: Literal["concurrent_jobs"]
    concurrent_jobs: ConcurrentJobs
    note: str


class RemainingQuotaResponse(Closed):
    error: None
    data: RemainingQuota


class V2Empty(Closed):
    error: None
    data: None


# -- v1 -------------------------------------------------------------------------------------------


class V1User(Closed):
    username: str
    email: str
    first_name: str
    last_name: str


class V1UserResponse(Closed):
    code: Literal[100]
    data: V1User
    message: str


class V1Video(Closed):
    video_id: str
    status: Literal["pending", "processing", "completed", "failed", "draft", "waiting"]
    created_at: int
    type: Literal["GENERATED", "TRANSLATED"]
    video_title: str


class V1VideoList(Closed):
    videos: list[V1Video]
    token: str | None


class V1VideoListResponse(Closed):
    code: Literal[100]
    data: V1VideoList
    message: str


class V1Empty(Closed):
    code: Literal[100]
    data: None
    message: str


class V1Voice(Closed):
    voice_id: str
    language: str
    gender: str
    display_name: str
    preview_audio: str
    support_pause: bool


class V1Voices(Closed):
    voices: list[V1Voice]


class V1VoicesResponse(Closed):
    code: Literal[100]
    data: V1Voices
    message: str


class V1Avatar(Closed):
    avatar_id: str
    avatar_name: str
    gender: str
    preview_image_url: str
    preview_video_url: str


class V1Avatars(Closed):
    avatars: list[V1Avatar]


class V1AvatarsResponse(Closed):
    code: Literal[100]
    data: V1Avatars
    message: str


class V1TalkingPhoto(Closed):
    id: str
    circle_image: str
    image_url: str


class V1TalkingPhotosResponse(Closed):
    code: Literal[100]
    data: list[V1TalkingPhoto]
    message: str


class V1Asset(Closed):
    id: str
    name: str
    file_type: str
    folder_id: str
    created_ts: int
    url: str


class V1AssetList(Closed):
    assets: list[V1Asset]
    total: str  # HeyGen documents it as a string
    token: str | None


class V1AssetListResponse(Closed):
    error: None
    data: V1AssetList


class V1Upload(Closed):
    id: str
    name: str
    file_type: str
    folder_id: str
    meta: None
    created_ts: int
    url: str
    image_key: None
    size: int


class V1UploadResponse(Closed):
    code: Literal[100]
    data: V1Upload
    message: str


class VideoStatusError(Closed):
    code: int
    message: str
    detail: str
    failure_code: str | None  # ours: the readable code


class VideoStatus(Open):
    id: str
    status: str
    callback_id: str | None
    caption_url: str | None
    created_at: int
    duration: float | None
    error: VideoStatusError | None
    gif_url: str | None
    thumbnail_url: str | None
    video_url: str | None
    video_url_caption: str | None


class VideoStatusResponse(Closed):
    code: Literal[100]
    message: str
    data: VideoStatus


# -- v3 lists -------------------------------------------------------------------------------------


class Page(Open):
    data: list[dict[str, Any]]
    has_more: bool
    next_token: str | None


# -- not implemented ------------------------------------------------------------------------------


class ErrorBody(Closed):
    code: str  # readable: not_found, validation_error, not_implemented...
    message: str
    param: str | None = None


class V1Error(Closed):
    code: int
    message: str
    data: None
    error: ErrorBody


class V2Error(Closed):
    error: ErrorBody
    data: None


class V1NotImplemented(Closed):
    code: Literal[501]
    message: str
    data: None
    error: ErrorBody


class V2NotImplemented(Closed):
    error: ErrorBody
    data: None


class V3NotImplemented(Closed):
    error: ErrorBody


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], r: httpx.Response, status: int = 200) -> M:
    assert r.status_code == status, r.text
    return model.model_validate_json(r.content)


@dataclass
class Env:
    server: Server
    alice: str
    bob: str
    asset_id: str  # alice's portrait, uploaded raw to the upload host
    photo_id: str  # alice's talking photo made from it
    video_id: str  # alice's queued video


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    server = Server(
        tmp_path_factory.mktemp("data"),
        {"REELWRIGHT_WORKERS": "0", "REELWRIGHT_MAX_CONCURRENT_JOBS": "10"},
    ).start()
    try:
        alice, bob = server.key("alice"), server.key("bob")
        with server.client(alice) as c:
            # Raw bytes to /v1/asset as HeyGen's upload host receives them (a reverse proxy that
            # serves upload.heygen.com passes the Host header through).
            r = c.post(
                "/v1/asset",
                content=PORTRAIT.read_bytes(),
                headers={"Content-Type": "image/jpeg", "Host": "upload.heygen.com"},
            )
            upload = parse(V1UploadResponse, r).data
            assert upload.file_type == "image"
            r = c.post("/v3/avatars", json={"type": "photo_avatar", "asset_id": upload.id, "name": "Eileen"})
            assert r.status_code == 200, r.text
            photo_id = r.json()["data"]["id"]
            r = c.post("/v1/video_agent/generate", json={"prompt": "A short welcome for new staff"})
            assert r.status_code == 200, r.text
            video_id = r.json()["data"]["video_id"]
        yield Env(server, alice, bob, upload.id, photo_id, video_id)
    finally:
        server.stop()


# -- v2 reads -------------------------------------------------------------------------------------


def test_avatar_groups_private_by_default_public_on_request(env: Env) -> None:
    with env.server.client(env.alice) as c:
        own = parse(AvatarGroupListResponse, c.get("/v2/avatar_group.list")).data
        assert [g.id for g in own.avatar_group_list] == [env.photo_id] and own.total_count == 1
        assert own.avatar_group_list[0].group_type == "PHOTO"
        both = parse(
            AvatarGroupListResponse, c.get("/v2/avatar_group.list", params={"include_public": "true"})
        )
        groups = {g.id: g for g in both.data.avatar_group_list}
        assert both.data.total_count == len(groups) > 1 and "ava" in groups and env.photo_id in groups
        assert groups["ava"].group_type == "PUBLIC" and groups["ava"].num_looks == 2
        assert groups["ava"].preview_image.startswith(env.server.base)
    with env.server.client(env.bob) as c:  # another key never sees alice's photo
        groups_b = parse(AvatarGroupListResponse, c.get("/v2/avatar_group.list?include_public=true")).data
        assert env.photo_id not in {g.id for g in groups_b.avatar_group_list}


def test_group_avatars_and_details_use_ids_that_work_everywhere(env: Env) -> None:
    with env.server.client(env.alice) as c:
        looks = parse(GroupAvatarsResponse, c.get("/v2/avatar_group/ava/avatars")).data.avatar_list
        assert [a.avatar_id for a in looks] == ["ava", "ava_casual"]
        for look in looks:
            details = parse(AvatarDetailsResponse, c.get(f"/v2/avatar/{look.avatar_id}/details")).data
            assert details.id == look.avatar_id and details.is_public and details.type == "avatar"
            # The same id is a v3 look and an avatar_id a video request accepts.
            assert c.get(f"/v3/avatars/looks/{look.avatar_id}").status_code == 200
        photo = parse(GroupAvatarsResponse, c.get(f"/v2/avatar_group/{env.photo_id}/avatars")).data
        assert [a.avatar_id for a in photo.avatar_list] == [env.photo_id]
        assert photo.avatar_list[0].type == "talking_photo"
        mine = parse(AvatarDetailsResponse, c.get(f"/v2/avatar/{env.photo_id}/details")).data
        assert mine.type == "talking_photo" and not mine.is_public
        assert c.get(f"/v3/avatars/looks/{env.photo_id}").status_code == 200
        # Ids from these reads are what a video request takes: a look, a talking photo, an asset.
        for avatar_id in ("ava_casual", env.photo_id):
            r = c.post("/v3/video-agents", json={"prompt": "Say hello to the team", "avatar_id": avatar_id})
            assert r.status_code == 200, r.text
        listed = parse(V1AssetListResponse, c.get("/v1/asset/list")).data.assets
        files = [{"type": "asset_id", "asset_id": listed[0].id}]
        r = c.post("/v3/video-agents", json={"prompt": "Present this picture", "files": files})
        assert r.status_code == 200, r.text
        assert c.get("/v2/avatar_group/nobody/avatars").status_code == 404
        assert c.get("/v2/avatar/nobody/details").status_code == 404
    with env.server.client(env.bob) as c:
        assert c.get(f"/v2/avatar/{env.photo_id}/details").status_code == 404
        assert c.get(f"/v2/avatar_group/{env.photo_id}/avatars").status_code == 404


def test_remaining_quota_is_the_jobs_this_key_may_still_start(env: Env) -> None:
    with env.server.client(env.bob) as c:
        fresh = parse(RemainingQuotaResponse, c.get("/v2/user/remaining_quota")).data
        assert fresh.remaining_quota == 10 and fresh.concurrent_jobs.running == 0
        r = c.post("/v1/video_agent/generate", json={"prompt": "One queued job for bob"})
        assert r.status_code == 200, r.text
        after = parse(RemainingQuotaResponse, c.get("/v2/user/remaining_quota")).data
        assert after.remaining_quota == after.details.api == 9 and after.concurrent_jobs.running == 1
        assert "Self-hosted" in after.note


# -- v1 reads -------------------------------------------------------------------------------------


def test_user_me(env: Env) -> None:
    with env.server.client(env.alice) as c:
        user = parse(V1UserResponse, c.get("/v1/user/me")).data
    assert user.username == "alice"


def test_voice_and_avatar_lists(env: Env) -> None:
    with env.server.client(env.alice) as c:
        voices = parse(V1VoicesResponse, c.get("/v1/voice.list")).data.voices
        v3_ids = {v["voice_id"] for v in c.get("/v3/voices").json()["data"]}
        assert {v.voice_id for v in voices} == v3_ids and "en_US-joe" in v3_ids
        avatars = parse(V1AvatarsResponse, c.get("/v1/avatar.list")).data.avatars
        v3_looks = {
            lk["id"] for lk in c.get("/v3/avatars/looks", params={"ownership": "public"}).json()["data"]
        }
        assert {a.avatar_id for a in avatars} == v3_looks
        photos = parse(V1TalkingPhotosResponse, c.get("/v1/talking_photo.list")).data
        assert [p.id for p in photos] == [env.photo_id]
    with env.server.client(env.bob) as c:
        assert parse(V1TalkingPhotosResponse, c.get("/v1/talking_photo.list")).data == []


def test_video_list_pages_with_its_token_and_delete(env: Env) -> None:
    with env.server.client(env.alice) as c:
        for prompt in ("Second video", "Third video"):
            assert c.post("/v1/video_agent/generate", json={"prompt": prompt}).status_code == 200
        seen: list[str] = []
        token: str | None = None
        for _ in range(10):
            params: dict[str, Any] = {"limit": 1} | ({"token": token} if token else {})
            page = parse(V1VideoListResponse, c.get("/v1/video.list", params=params)).data
            seen += [v.video_id for v in page.videos]
            token = page.token
            if token is None:
                break
        everything = parse(V1VideoListResponse, c.get("/v1/video.list")).data
        assert seen == [v.video_id for v in everything.videos] and len(seen) >= 3 and everything.token is None
        assert env.video_id in seen
        # A queued video cannot be deleted yet (409), as on v3; once failed it can.
        assert c.delete("/v1/video.delete", params={"video_id": env.video_id}).status_code == 409
        victim = seen[0]
        engine = create_engine(f"sqlite:///{env.server.data / 'reelwright.db'}")
        with Session(engine) as s, s.begin():
            s.execute(update(Video).where(Video.id == victim).values(status="failed"))
        engine.dispose()
        parse(V1Empty, c.delete("/v1/video.delete", params={"video_id": victim}))
        assert c.get(f"/v3/videos/{victim}").status_code == 404
        assert c.delete("/v1/video.delete", params={"video_id": victim}).status_code == 404
    with env.server.client(env.bob) as c:
        assert env.video_id not in {
            v.video_id for v in parse(V1VideoListResponse, c.get("/v1/video.list")).data.videos
        }


def test_asset_list_filters_pages_and_delete(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        png = make_png(tmp_path / "slide.png", 320, 180, "A")
        extra = parse(
            V1UploadResponse,
            c.post("/v1/asset", content=png.read_bytes(), headers={"Content-Type": "image/png"}),
        )
        listed = parse(V1AssetListResponse, c.get("/v1/asset/list")).data
        assert {a.id for a in listed.assets} >= {env.asset_id, extra.data.id} and listed.total == str(
            len(listed.assets)
        )
        first = parse(V1AssetListResponse, c.get("/v1/asset/list", params={"limit": 1})).data
        assert len(first.assets) == 1 and first.token
        second = parse(
            V1AssetListResponse, c.get("/v1/asset/list", params={"limit": 1, "token": first.token})
        ).data
        assert second.assets[0].id != first.assets[0].id
        assert (
            parse(V1AssetListResponse, c.get("/v1/asset/list", params={"file_type": "video"})).data.assets
            == []
        )
        assert (
            parse(V1AssetListResponse, c.get("/v1/asset/list", params={"folder_id": "f1"})).data.assets == []
        )
        # The id works in a request's files, and the delete removes it everywhere.
        assert c.get(f"/v3/assets/{extra.data.id}").status_code == 200
        parse(V2Empty, c.post(f"/v1/asset/{extra.data.id}/delete"))
        assert c.get(f"/v3/assets/{extra.data.id}").status_code == 404
        assert c.post(f"/v1/asset/{extra.data.id}/delete").status_code == 404
    with env.server.client(env.bob) as c:
        assert c.post(f"/v1/asset/{env.asset_id}/delete").status_code == 404


def test_video_status_error_code_is_an_integer(env: Env) -> None:
    with env.server.client(env.alice) as c:
        r = c.post("/v1/video_agent/generate", json={"prompt": "This one will fail", "callback_id": "cb-9"})
        video_id = r.json()["data"]["video_id"]
        queued = parse(VideoStatusResponse, c.get("/v1/video_status.get", params={"video_id": video_id})).data
        assert queued.error is None and queued.callback_id == "cb-9"
        engine = create_engine(f"sqlite:///{env.server.data / 'reelwright.db'}")
        with Session(engine) as s, s.begin():
            s.execute(
                update(Video)
                .where(Video.id == video_id)
                .values(
                    status="failed", failure_code="invalid_input", failure_message="no voice speaks Klingon"
                )
            )
        engine.dispose()
        failed = parse(VideoStatusResponse, c.get("/v1/video_status.get", params={"video_id": video_id})).data
    assert failed.status == "failed" and failed.error is not None
    assert failed.error.code == 400001 and failed.error.failure_code == "invalid_input"
    assert failed.error.message == failed.error.detail == "no voice speaks Klingon"


def test_talking_photo_delete(env: Env) -> None:
    with env.server.client(env.alice) as c:
        upload = parse(
            V1UploadResponse,
            c.post("/v1/asset", content=PORTRAIT.read_bytes(), headers={"Content-Type": "image/jpeg"}),
        ).data
        r = c.post("/v3/avatars", json={"type": "photo", "asset_id": upload.id, "name": "Second"})
        photo_id = r.json()["data"]["id"]
        with env.server.client(env.bob) as other:
            assert other.delete(f"/v2/talking_photo/{photo_id}").status_code == 404
        parse(V2Empty, c.delete(f"/v2/talking_photo/{photo_id}"))
        assert c.get(f"/v3/avatars/looks/{photo_id}").status_code == 404
        assert photo_id not in {
            p.id for p in parse(V1TalkingPhotosResponse, c.get("/v1/talking_photo.list")).data
        }


# -- v3 list parameters ---------------------------------------------------------------------------


def _walk(c: httpx.Client, path: str, params: dict[str, Any], key: str) -> list[str]:
    """Every id of a list, a page of ``limit`` at a time through ``next_token``."""
    ids: list[str] = []
    token: str | None = None
    for _ in range(500):
        page = parse(Page, c.get(path, params=params | ({"token": token} if token else {})))
        assert len(page.data) <= params["limit"]
        ids += [str(item[key]) for item in page.data]
        assert page.has_more == (page.next_token is not None)
        token = page.next_token
        if token is None:
            return ids
    raise AssertionError("the pages never ended")


def test_v3_voices_filters_and_cursor_pages(env: Env) -> None:
    with env.server.client(env.alice) as c:
        every = [v["voice_id"] for v in parse(Page, c.get("/v3/voices")).data]
        assert _walk(c, "/v3/voices", {"limit": 7}, "voice_id") == every  # no repeats, no gaps
        german = parse(Page, c.get("/v3/voices", params={"language": "de"})).data
        assert german and all(v["language"].lower().startswith("de") for v in german)
        by_name = parse(Page, c.get("/v3/voices", params={"language": "German"})).data
        assert {v["voice_id"] for v in by_name} == {v["voice_id"] for v in german}
        male = parse(Page, c.get("/v3/voices", params={"gender": "male", "language": "en"})).data
        assert male and all(v["gender"] == "male" for v in male)
        piper = parse(Page, c.get("/v3/voices", params={"engine": "piper"})).data
        assert [v["voice_id"] for v in piper] == ["en_US-joe"]
        # The official n8n node asks for HeyGen's default engine and public voices by default.
        n8n = parse(
            Page, c.get("/v3/voices", params={"engine": "starfish", "type": "public", "limit": 20})
        ).data
        assert [v["voice_id"] for v in n8n] == every[:20]
        assert parse(Page, c.get("/v3/voices", params={"type": "private"})).data == []
        r = c.get("/v3/voices", params={"engine": "elevenlabs"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "engine"
        r = c.get("/v3/voices", params={"token": "bm9wZQ"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "token"


def test_v3_avatars_and_looks_filters_and_cursor_pages(env: Env) -> None:
    with env.server.client(env.alice) as c:
        looks = [lk["id"] for lk in parse(Page, c.get("/v3/avatars/looks")).data]
        assert env.photo_id in looks
        assert _walk(c, "/v3/avatars/looks", {"limit": 4}, "id") == looks
        public = parse(Page, c.get("/v3/avatars/looks", params={"ownership": "public"})).data
        assert env.photo_id not in {lk["id"] for lk in public}
        private = parse(Page, c.get("/v3/avatars/looks", params={"ownership": "private"})).data
        assert [lk["id"] for lk in private] == [env.photo_id]
        photo = parse(Page, c.get("/v3/avatars/looks", params={"avatar_type": "photo_avatar"})).data
        assert [lk["id"] for lk in photo] == [env.photo_id]
        assert parse(Page, c.get("/v3/avatars/looks", params={"avatar_type": "digital_twin"})).data == []
        ava = parse(Page, c.get("/v3/avatars/looks", params={"group_id": "ava", "limit": 1}))
        assert [lk["id"] for lk in ava.data] == ["ava"] and ava.has_more
        groups = [g["group_id"] for g in parse(Page, c.get("/v3/avatars")).data]
        assert _walk(c, "/v3/avatars", {"limit": 3}, "group_id") == groups
        mine = parse(Page, c.get("/v3/avatars", params={"ownership": "private"})).data
        assert [g["group_id"] for g in mine] == [env.photo_id]
        one = parse(Page, c.get("/v3/avatars", params={"group_id": "marcus"})).data
        assert [g["group_id"] for g in one] == ["marcus"]
        studio = parse(Page, c.get("/v3/avatars", params={"avatar_type": "studio_avatar"})).data
        assert env.photo_id not in {g["group_id"] for g in studio}


class DrawnLook(Closed):
    id: str
    name: str
    look_name: str
    avatar_type: Literal["drawn"]
    group_id: str
    gender: Literal["female", "male"]
    preview_image_url: str
    preview_video_url: str
    default_voice_id: str
    preferred_orientation: str
    tags: list[str]
    description: str
    honoured: list[str]
    chosen: list[str]
    not_honoured: list[str]
    message: str | None = None


class DrawnLookResponse(Closed):
    data: DrawnLook


class V3LookData(Open):
    id: str
    avatar_type: str
    preview_image_url: str


class V3Look(Closed):
    data: V3LookData


def test_v3_create_avatar_type_names(env: Env) -> None:
    with env.server.client(env.alice) as c:
        r = c.post(
            "/v3/avatars",
            json={"type": "prompt", "prompt": "a woman in her 50s with curly red hair and a tattoo"},
        )
        drawn = parse(DrawnLookResponse, r).data
        assert drawn.id == "drawn-f-senior-fair-red-curly-blazer-navy" and drawn.avatar_type == "drawn"
        assert "hair colour: red" in drawn.honoured and drawn.not_honoured == ["tattoo"]
        assert "skin: fair" in drawn.chosen and drawn.message and "tattoo" in drawn.message
        assert parse(V3Look, c.get(f"/v3/avatars/looks/{drawn.id}")).data.id == drawn.id
        r = c.post("/v3/avatars", json={"type": "prompt"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "prompt"
        r = c.post("/v3/avatars", json={"type": "photo_avatar"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "asset_id"
        r = c.post("/v3/avatars", json={"type": "video", "asset_id": env.asset_id})
        assert r.status_code == 400 and r.json()["error"]["param"] == "type"


# -- what is not implemented says so --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "model", "says"),
    [
        ("POST", "/v2/video/av4/generate", V2NotImplemented, "Avatar IV"),
        ("POST", "/v2/video_translate", V2NotImplemented, "translation"),
        ("POST", "/v1/streaming.new", V1NotImplemented, "streaming"),
        ("GET", "/v1/streaming/avatar.list", V1NotImplemented, "streaming"),
    ],
)
def test_unimplemented_routes_answer_501_in_heygens_envelope(
    env: Env, method: str, path: str, model: type[BaseModel], says: str
) -> None:
    with env.server.client(env.alice) as c:
        body = parse(model, c.request(method, path, json={}), 501)
    assert says in body.model_dump()["error"]["message"]


def test_existing_routes_keep_their_methods(env: Env) -> None:
    with env.server.client(env.alice) as c:
        assert parse(Page, c.get("/v3/videos")).data  # GET /v3/videos still lists
        assert c.get("/v2/nothing-here").status_code == 404  # a path nobody calls stays a 404


# -- speech ---------------------------------------------------------------------------------------


class WordTimestamp(Closed):
    word: str
    start: float
    end: float


class Speech(Open):
    request_id: str
    audio_url: str
    duration: float
    word_timestamps: list[WordTimestamp]


class SpeechResponse(Closed):
    data: Speech


def test_speech_is_a_wav_with_word_timings_and_pauses(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        r = c.post(
            "/v3/voices/speech",
            json={"text": "Hello there. [pause 1s] Welcome to the team.", "voice_id": "en_US-joe"},
        )
        speech = parse(SpeechResponse, r).data
        words = [w.word.strip(".,").lower() for w in speech.word_timestamps]
        assert words == ["hello", "there", "welcome", "to", "the", "team"]
        starts = [w.start for w in speech.word_timestamps]
        assert starts == sorted(starts) and speech.word_timestamps[-1].end <= speech.duration
        gap = speech.word_timestamps[2].start - speech.word_timestamps[1].end
        assert gap >= 1.0, gap  # the pause marker is silence, not words
        audio = c.get(speech.audio_url)
        assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
        (tmp_path / "speech.wav").write_bytes(audio.content)
        measured = probe(tmp_path / "speech.wav").duration
        assert abs(measured - speech.duration) < 0.05, (measured, speech.duration)
        # The id is an asset id like any other.
        assert c.get(f"/v3/assets/{speech.request_id}").json()["data"]["mime_type"].startswith("audio/")
        ssml = '<speak>Ready <break time="500ms"/> go.</speak>'
        r = c.post("/v3/voices/speech", json={"text": ssml, "input_type": "ssml", "voice_id": "en_US-joe"})
        assert [w.word.strip(".") for w in parse(SpeechResponse, r).data.word_timestamps] == ["Ready", "go"]
        r = c.post("/v3/voices/speech", json={"text": "Hallo", "voice_id": "nobody"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "voice_id"
        r = c.post("/v3/voices/speech", json={"text": "Hello", "voice_id": "en_US-joe", "language": "de"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "language"
        r = c.post("/v3/voices/speech", json={"text": "[pause 1s]", "voice_id": "en_US-joe"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "text"


# -- the v1/v2 routes that existed before: audited against the same client models ----------------


class V2AvatarItem(Open):  # heygen-mcp's Avatar, which /v2/avatars items must satisfy
    avatar_id: str
    avatar_name: str
    gender: str
    preview_image_url: str
    preview_video_url: str
    premium: bool
    type: str | None
    tags: list[str] | None
    default_voice_id: str | None


class V2TalkingPhotoItem(Closed):
    talking_photo_id: str
    talking_photo_name: str
    preview_image_url: str


class V2Avatars(Closed):
    avatars: list[V2AvatarItem]
    talking_photos: list[V2TalkingPhotoItem]


class V2AvatarsResponse(Closed):
    error: None
    data: V2Avatars


class V2VoiceItem(Open):  # heygen-mcp's VoiceInfo
    voice_id: str
    language: str
    gender: str
    name: str
    preview_audio: str | None
    support_pause: bool | None
    emotion_support: bool | None
    support_interactive_avatar: bool | None


class V2Voices(Closed):
    voices: list[V2VoiceItem]


class V2VoicesResponse(Closed):
    error: None
    data: V2Voices


class VideoId(Closed):
    video_id: str


class V1GenerateResponse(Closed):
    error: None
    data: VideoId


class V1WebhookEndpoint(Open):
    endpoint_id: str
    url: str
    status: str
    events: list[str] | None
    created_at: str


class V1WebhookAddResponse(Closed):
    code: Literal[100]
    data: V1WebhookEndpoint
    message: str


class V1WebhookListResponse(Closed):
    code: Literal[100]
    data: list[V1WebhookEndpoint]
    message: str


class V1EventTypesResponse(Closed):
    code: Literal[100]
    data: list[str]
    message: str


def test_earlier_v1_v2_routes_fit_the_client_models(env: Env) -> None:
    with env.server.client(env.alice) as c:
        avatars = parse(V2AvatarsResponse, c.get("/v2/avatars")).data
        assert [p.talking_photo_id for p in avatars.talking_photos] == [env.photo_id]
        assert parse(V2VoicesResponse, c.get("/v2/voices")).data.voices
        generated = parse(V1GenerateResponse, c.post("/v1/video_agent/generate", json={"prompt": "Hi all"}))
        status = c.get("/v1/video_status.get", params={"video_id": generated.data.video_id})
        assert parse(VideoStatusResponse, status).data.status == "pending"
        hook = {"url": "https://example.org/hook", "events": ["avatar_video.success"]}
        added = parse(V1WebhookAddResponse, c.post("/v1/webhook/endpoint.add", json=hook)).data
        assert added.model_extra and added.model_extra["secret"]
        listed = parse(V1WebhookListResponse, c.get("/v1/webhook/endpoint.list")).data
        assert [e.endpoint_id for e in listed] == [added.endpoint_id]
        assert "avatar_video.success" in parse(V1EventTypesResponse, c.get("/v1/webhook/webhook.list")).data
        gone = c.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": added.endpoint_id})
        parse(V1Empty, gone)


def test_v1_and_v2_errors_carry_what_their_clients_read(env: Env) -> None:
    with env.server.client(env.alice) as c:
        v1 = parse(V1Error, c.get("/v1/video_status.get", params={"video_id": "nope"}), 404)
        assert v1.code == 404 and v1.error.code == "not_found" and v1.message == v1.error.message
        v1_bad = parse(V1Error, c.get("/v1/video.list", params={"limit": 0}), 400)
        assert v1_bad.error.code == "validation_error" and v1_bad.error.param == "limit"
        v2 = parse(V2Error, c.get("/v2/avatar/nope/details"), 404)
        assert v2.error.code == "not_found"
    with env.server.client() as anonymous:
        assert parse(V2Error, anonymous.get("/v2/user/remaining_quota"), 401).error.code == "unauthorized"
        assert parse(V1Error, anonymous.get("/v1/user/me"), 401).code == 401
