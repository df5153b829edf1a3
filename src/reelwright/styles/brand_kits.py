"""Brand kits in the store: checking what a caller may put in one, and resolving one for a render."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from reelwright.errors import FileRejected, InputError
from reelwright.ingest import sandbox
from reelwright.ingest.files import inspect_file
from reelwright.ingest.sniff import sniff
from reelwright.store.blobs import BlobStore, stage
from reelwright.store.db import Database
from reelwright.store.models import Asset, BrandKit
from reelwright.styles.brand import HEX_COLOUR, Brand
from reelwright.styles.fonts import load_typeface

FONT_MIME = {b"\x00\x01\x00\x00": "font/ttf", b"true": "font/ttf", b"OTTO": "font/otf"}


def font_mime(path: Path) -> str | None:
    """``font/ttf`` or ``font/otf`` when ``path`` is a TrueType/OpenType font skia can draw with."""
    with path.open("rb") as f:
        mime = FONT_MIME.get(f.read(4))
    if mime is None or load_typeface(path) is None:
        return None
    return mime


def colour_problem(value: str | None) -> str | None:
    if value is None or HEX_COLOUR.fullmatch(value):
        return None
    return f"{value!r} is not a colour like #1a2b3c"


def local_brand(
    logo: Path | None, primary: str | None, secondary: str | None, font: Path | None
) -> Brand | None:
    """A brand from files and colours given on the command line, checked like a stored kit's."""
    if logo is None and primary is None and secondary is None and font is None:
        return None
    for value, param in ((primary, "brand_color"), (secondary, "brand_color_2")):
        problem = colour_problem(value)
        if problem:
            raise InputError(problem, param=param)
    if logo is not None:
        if not logo.is_file():
            raise InputError(f"logo {logo} does not exist", param="logo")
        with logo.open("rb") as f:
            found = sniff(f.read(64))
        if found is None or found.kind != "image":
            raise InputError(f"logo {logo} is not a PNG or JPEG picture", param="logo")
    if font is not None and (not font.is_file() or font_mime(font) is None):
        raise InputError(f"font {font} is not a TrueType or OpenType font file", param="font")
    return Brand(logo=logo, primary=primary, secondary=secondary, font=font)


def owned_kit(s: Session, kit_id: str, owner_id: str) -> BrandKit | None:
    kit = s.get(BrandKit, kit_id)
    return kit if kit is not None and kit.owner_id == owner_id else None


def _asset_file(s: Session, blobs: BlobStore, scratch: Path, asset_id: str | None, what: str) -> Path | None:
    if asset_id is None:
        return None
    asset = s.get(Asset, asset_id)
    path = stage(blobs, asset.blob_key, scratch) if asset is not None else None
    if path is None:
        raise InputError(f"the brand kit's {what} (asset {asset_id}) was deleted", param="brand_kit_id")
    return path


def load_brand(
    db: Database, blobs: BlobStore, scratch: Path, owner_id: str, kit_id: str | None
) -> Brand | None:
    """The caller's kit, resolved to files (staged into ``scratch``) and colours; None when the
    request named none."""
    if kit_id is None:
        return None
    with db.session() as s:
        kit = owned_kit(s, kit_id, owner_id)
        if kit is None:
            raise InputError(f"brand kit {kit_id!r} no longer exists", param="brand_kit_id")
        return Brand(
            logo=_asset_file(s, blobs, scratch, kit.logo_asset_id, "logo"),
            primary=kit.primary_color,
            secondary=kit.secondary_color,
            font=_asset_file(s, blobs, scratch, kit.font_asset_id, "font"),
        )


def classify_upload(path: Path | str, name: str) -> tuple[str, str]:
    """An uploaded asset's (kind, MIME type): a font (brand kits use them) or a file videos can use.

    Raises :class:`FileRejected` (index 0) with the problem when it is neither.
    """
    try:
        return sandbox.run_bounded(_classify, str(path), name)
    except sandbox.SandboxTripped as exc:
        raise FileRejected(0, name, exc.reason) from None


def _classify(path: str, name: str) -> tuple[str, str]:
    mime = font_mime(Path(path))
    if mime is not None:
        return "font", mime
    info = inspect_file(0, path, name=name)
    return info.kind, info.mime
