"""Brand kits: a logo, two colours and a font, laid over any style by ``brand_kit_id``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.idempotent_results import making, reuse
from reelwright.api.pagination import list_envelope, page
from reelwright.store.models import Asset, BrandKit
from reelwright.styles.brand_kits import colour_problem

router = APIRouter(prefix="/v3/brand-kits", tags=["Brand kits"])

Limit20 = Annotated[int, Query(ge=1, le=100)]


class CreateBrandKitRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    logo_asset_id: str | None = Field(default=None, max_length=64, description="an image asset you uploaded")
    primary_color: str | None = Field(
        default=None, max_length=16, description="#rrggbb; replaces the style's accent"
    )
    secondary_color: str | None = Field(
        default=None, max_length=16, description="#rrggbb; replaces the style's second accent"
    )
    font_asset_id: str | None = Field(
        default=None, max_length=64, description="a TTF or OTF font asset you uploaded; used for all text"
    )


def _kit_json(ctx: ApiContext, kit: BrandKit, logo: Asset | None) -> dict[str, Any]:
    return {
        "brand_kit_id": kit.id,
        "name": kit.name,
        "logo_asset_id": kit.logo_asset_id,
        "logo_url": ctx.asset_url(logo) if logo is not None else None,
        "primary_color": kit.primary_color,
        "secondary_color": kit.secondary_color,
        "font_asset_id": kit.font_asset_id,
        "created_at": kit.created_at,
    }


def _check_asset(s: Session, asset_id: str | None, owner_id: str, kind: str, param: str) -> Asset | None:
    if asset_id is None:
        return None
    asset = s.get(Asset, asset_id)
    if asset is None or asset.owner_id != owner_id:
        raise ApiError(400, f"unknown {param} {asset_id!r}", param=param)
    if asset.kind != kind:
        wanted = "an image (PNG or JPEG)" if kind == "image" else "a TTF or OTF font"
        raise ApiError(400, f"{param} {asset_id!r} is {asset.kind}, not {wanted}", param=param)
    return asset


@router.post("", summary="Create a brand kit")
def create_brand_kit(body: CreateBrandKitRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    made = making("brand_kit")
    if made.earlier is not None:  # an earlier try of this request made it, and died unanswered
        with ctx.db.session() as s:
            if (earlier := reuse(s, made, BrandKit, owner_id)) is not None:
                logo = s.get(Asset, earlier.logo_asset_id) if earlier.logo_asset_id else None
                return {"data": _kit_json(ctx, earlier, logo)}
    for param in ("primary_color", "secondary_color"):
        problem = colour_problem(getattr(body, param))
        if problem:
            raise ApiError(400, f"{param}: {problem}", param=param)
    with ctx.db.session() as s:
        logo = _check_asset(s, body.logo_asset_id, owner_id, "image", "logo_asset_id")
        _check_asset(s, body.font_asset_id, owner_id, "font", "font_asset_id")
        kit = BrandKit(
            owner_id=owner_id,
            name=body.name,
            logo_asset_id=body.logo_asset_id,
            primary_color=body.primary_color.lower() if body.primary_color else None,
            secondary_color=body.secondary_color.lower() if body.secondary_color else None,
            font_asset_id=body.font_asset_id,
        )
        s.add(kit)
        s.flush()
        made.note(s, kit.id)  # commits with the kit, or neither does
        return {"data": _kit_json(ctx, kit, logo)}


@router.get("", summary="List brand kits, newest first")
def list_brand_kits(
    ctx: Ctx, owner_id: OwnerId, limit: Limit20 = 20, token: str | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        rows, has_more, next_token = page(
            s,
            select(BrandKit).where(BrandKit.owner_id == owner_id),
            BrandKit.created_at,
            BrandKit.id,
            limit=limit,
            token=token,
        )
        items = [_kit_json(ctx, k, s.get(Asset, k.logo_asset_id) if k.logo_asset_id else None) for k in rows]
    return list_envelope(items, has_more, next_token)


@router.get("/{brand_kit_id}", summary="Get a brand kit")
def get_brand_kit(brand_kit_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        kit = owned(s, BrandKit, brand_kit_id, owner_id, "brand kit")
        logo = s.get(Asset, kit.logo_asset_id) if kit.logo_asset_id else None
        return {"data": _kit_json(ctx, kit, logo)}


@router.delete("/{brand_kit_id}", summary="Delete a brand kit (its assets stay)")
def delete_brand_kit(brand_kit_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        s.delete(owned(s, BrandKit, brand_kit_id, owner_id, "brand kit"))
    return {"data": {"brand_kit_id": brand_kit_id, "deleted": True}}
