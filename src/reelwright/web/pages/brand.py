"""Brand kits and photo presenters in the app: upload a logo, a font and colours and see them on a
frame drawn by the renderer; upload a portrait and watch it talk before using it.

The forms call the API's own route functions (assets, brand kits, avatars), so the checks are the
API's: a logo that is not a picture, a colour that is not ``#rrggbb``, a photo without one clear
face are refused with the API's message.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from PIL import Image
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.errors import ApiError
from reelwright.api.routes.assets import delete_asset, upload_asset
from reelwright.api.routes.avatars import CreateAvatarRequest, create_avatar, delete_look, list_looks
from reelwright.api.routes.brand_kits import (
    CreateBrandKitRequest,
    create_brand_kit,
    delete_brand_kit,
    get_brand_kit,
    list_brand_kits,
)
from reelwright.errors import InputError
from reelwright.previews.style import SAMPLE_TITLE, render_frame
from reelwright.render.scenes import load_logo
from reelwright.styles.brand import apply_brand
from reelwright.styles.brand_kits import load_brand
from reelwright.styles.catalogue import get_style
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import PageError, User, api_errors_as_pages, check_csrf
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)
PREVIEW_SIZE = (960, 540)
NOTICES = {
    "kit": "Brand kit saved. Choose it on the create page to use it.",
    "photo": "Your presenter is ready: watch it talk below, then use it for a video.",
    "deleted": "Deleted.",
}


def _page(
    request: Request,
    user: WebUser,
    *,
    notice: str = "",
    look: str = "",
    kit_error: str | None = None,
    photo_error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        kits = list_brand_kits(ctx, user.owner_id, limit=100, token=None)["data"]
        photos = list_looks(ctx, user.owner_id, group_id=None, avatar_type="photo_avatar")["data"]
    return render(
        request,
        "brand.html",
        user=user,
        status_code=status,
        title="Brand and presenters",
        kits=kits,
        photos=photos,
        new_look=look,
        notice=NOTICES.get(notice),
        kit_error=kit_error,
        photo_error=photo_error,
        form=form or {},
    )


@router.get("/brand", response_class=HTMLResponse)
def brand_page(
    request: Request,
    user: User,
    notice: Annotated[str, Query(max_length=20)] = "",
    look: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _page(request, user, notice=notice, look=look)


async def _upload(ctx: ApiContext, owner_id: str, file: UploadFile | None) -> str | None:
    """An uploaded file stored as an asset; None when the field was left empty."""
    if file is None or not file.filename:
        return None
    asset_id: str = (await upload_asset(file, owner_id, ctx))["data"]["asset_id"]
    return asset_id


def _forget(ctx: ApiContext, owner_id: str, asset_ids: list[str | None]) -> None:
    """Assets uploaded for a kit or a presenter the API then refused: nothing half-made stays."""
    for asset_id in asset_ids:
        if asset_id:
            with contextlib.suppress(ApiError):  # already gone
                delete_asset(asset_id, owner_id, ctx)


@router.post("/brand/kits")
async def create_kit(
    request: Request,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    primary_color: Annotated[str, Form(max_length=40)] = "",
    secondary_color: Annotated[str, Form(max_length=40)] = "",
    logo: UploadFile | None = None,
    font: UploadFile | None = None,
) -> Response:
    check_csrf(user, csrf_token)
    ctx = get_context(request)
    form = {"name": name, "primary_color": primary_color, "secondary_color": secondary_color}
    uploaded: list[str | None] = []
    try:
        body = CreateBrandKitRequest(
            name=name.strip() or "My brand",
            primary_color=primary_color.strip() or None,
            secondary_color=secondary_color.strip() or None,
        )
        uploaded.append(await _upload(ctx, user.owner_id, logo))
        uploaded.append(await _upload(ctx, user.owner_id, font))
        body = body.model_copy(update={"logo_asset_id": uploaded[0], "font_asset_id": uploaded[1]})
        await run_in_threadpool(create_brand_kit, body, user.owner_id, ctx)
    except (ApiError, ValidationError) as exc:
        await run_in_threadpool(_forget, ctx, user.owner_id, uploaded)
        message = exc.message if isinstance(exc, ApiError) else str(exc.errors()[0]["msg"])
        if isinstance(exc, ApiError) and exc.param == "file":
            message = "Logo or font: " + message.removeprefix("file: ")
        return _page(request, user, kit_error=message, form=form, status=getattr(exc, "status", 400))
    return RedirectResponse("/brand?notice=kit", status_code=303)


@router.get("/brand/kits/{kit_id}/preview.png")
def kit_preview(request: Request, kit_id: str, user: User) -> Response:
    """A title card drawn by the renderer in the kit's colours, font and logo, as a video shows it."""
    ctx = get_context(request)
    with api_errors_as_pages():
        get_brand_kit(kit_id, user.owner_id, ctx)
    # The kit's logo and font are staged from the blob store for this drawing only.
    ctx.settings.scratch_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ctx.settings.scratch_dir, prefix="brand-") as scratch:
        try:
            brand = load_brand(ctx.db, ctx.blobs, Path(scratch), user.owner_id, kit_id)
        except InputError as exc:
            raise PageError(404, str(exc)) from None
        frame = render_frame(
            apply_brand(get_style("clean"), brand), SAMPLE_TITLE, *PREVIEW_SIZE, logo=load_logo(brand)
        )
    out = io.BytesIO()
    Image.fromarray(frame).save(out, "PNG", optimize=True)
    return Response(out.getvalue(), media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.post("/brand/kits/{kit_id}/delete")
def delete_kit(
    request: Request, kit_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_brand_kit(kit_id, user.owner_id, get_context(request))
    return RedirectResponse("/brand?notice=deleted", status_code=303)


@router.post("/brand/photos")
async def create_photo(
    request: Request,
    user: User,
    portrait: UploadFile,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    gender: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    ctx = get_context(request)
    form = {"photo_name": name, "gender": gender}
    asset_id: str | None = None
    try:
        body = CreateAvatarRequest.model_validate(
            {"type": "photo", "asset_id": "-", "name": name.strip() or "My photo", "gender": gender or None}
        )
        asset_id = await _upload(ctx, user.owner_id, portrait)
        if asset_id is None:
            raise ApiError(400, "Choose a portrait photo (PNG or JPEG) to upload.")
        # Finding the face and drawing the look take CPU seconds: off the event loop.
        look: dict[str, Any] = (
            await run_in_threadpool(
                create_avatar, body.model_copy(update={"asset_id": asset_id}), ctx, user.owner_id
            )
        )["data"]
    except (ApiError, ValidationError) as exc:
        await run_in_threadpool(_forget, ctx, user.owner_id, [asset_id])
        message = exc.message if isinstance(exc, ApiError) else str(exc.errors()[0]["msg"])
        return _page(request, user, photo_error=message, form=form, status=getattr(exc, "status", 400))
    return RedirectResponse(f"/brand?notice=photo&look={look['id']}#look-{look['id']}", status_code=303)


@router.post("/brand/photos/{look_id}/delete")
def delete_photo(
    request: Request, look_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_look(look_id, get_context(request), user.owner_id)
    return RedirectResponse("/brand?notice=deleted", status_code=303)
