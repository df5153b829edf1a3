"""Photo presenters ("talking photos"): find the one face in a portrait and where its parts are.

Faces and eyes are found with the Haar cascades that ship inside OpenCV's wheel (no model is
downloaded; see docs/decisions/0003-photo-face-landmarks.md). The cascades give a face box and
eye boxes; the lips are then found in the image itself (``reelwright.avatar.lips``: where they
meet, their corners and outer edges, whether teeth show), and the chin and jaw follow from the
face box by ordinary face proportions. That is all the animation needs: where the lips part and
how wide they are, where the eyelids are, and what belongs to the head.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from reelwright.avatar.catalogue import pick_avatar
from reelwright.avatar.face_mesh import mesh_lips
from reelwright.avatar.lips import find_lips, find_mouth_line
from reelwright.errors import InputError

# A face narrower than this (pixels, or share of the photo's shorter side) cannot be animated
# sharply at 1080p: refused rather than rendered as a blur.
MIN_FACE_PX = 64
MIN_FACE_SHARE = 0.08
# A second face at least this wide (relative to the largest) means a group photo.
SECOND_FACE_SHARE = 0.4
_DETECT_MAX_SIDE = 1280  # detection runs on a copy no larger than this (faster, same faces)
_MAX_PORTRAIT_SIDE = 2048  # stored portraits are at most this large
_PARAM = "asset_id"

Gray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class PhotoFace:
    """Where the face is, in the stored portrait's pixels (x right, y down)."""

    width: int  # the portrait's size
    height: int
    box: tuple[float, float, float, float]  # the face: x, y, w, h (brows to chin, cheek to cheek)
    left_eye: tuple[float, float]  # centre of the eye on the viewer's left
    right_eye: tuple[float, float]
    eye_radius: float  # half the width of one eye
    mouth: tuple[float, float]  # centre of the line where the lips meet
    mouth_half_width: float
    chin: tuple[float, float]
    detector: str  # what found it, for the record
    seconds: float  # how long locating took
    # The lips (looks stored before lips were located get proportional values, see from_json).
    mouth_left: tuple[float, float] = (0.0, 0.0)  # the corners, where the lips meet
    mouth_right: tuple[float, float] = (0.0, 0.0)
    lip_top: float = 0.0  # the upper lip's upper edge and the lower lip's lower edge (centre line)
    lip_bottom: float = 0.0
    teeth: bool = False  # teeth show between the lips in the photo

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhotoFace:
        def pair(v: Any) -> tuple[float, float]:
            return (float(v[0]), float(v[1]))

        bx, by, bw, bh = (float(v) for v in data["box"])
        mx, my = pair(data["mouth"])
        hw = float(data["mouth_half_width"])
        eye_dist = float(data["right_eye"][0]) - float(data["left_eye"][0])
        return cls(
            width=int(data["width"]),
            height=int(data["height"]),
            box=(bx, by, bw, bh),
            left_eye=pair(data["left_eye"]),
            right_eye=pair(data["right_eye"]),
            eye_radius=float(data["eye_radius"]),
            mouth=pair(data["mouth"]),
            mouth_half_width=float(data["mouth_half_width"]),
            chin=pair(data["chin"]),
            detector=str(data["detector"]),
            seconds=float(data["seconds"]),
            mouth_left=pair(data.get("mouth_left", (mx - hw, my))),
            mouth_right=pair(data.get("mouth_right", (mx + hw, my))),
            lip_top=float(data.get("lip_top", my - 0.18 * eye_dist)),
            lip_bottom=float(data.get("lip_bottom", my + 0.25 * eye_dist)),
            teeth=bool(data.get("teeth", False)),
        )

    @property
    def face_width(self) -> float:
        return self.box[2]


@dataclass(frozen=True)
class PhotoLook:
    """A talking-photo look as the render pipeline needs it: the portrait file and its face."""

    id: str
    name: str
    portrait: Path
    face: PhotoFace
    gender: str | None = None
    default_voice: str | None = None

    def gender_note(self) -> str | None:
        """What to tell the user when the look has no gender (its voice was not chosen for it)."""
        if self.gender in ("female", "male"):
            return None
        return (
            f"the photo look {self.name!r} was created without a gender, so it speaks with the "
            f"neutral choice {self.default_voice or 'en_US-joe'!r} (the best natural voice); pass "
            "voice_id to choose its voice, or create the look again with gender female or male"
        )

    def stand_in(self) -> str:
        """A catalogue look of the same gender to plan with (the planner knows only the
        catalogue); the pipeline puts this look's id back before rendering."""
        gender = self.gender
        if gender is None and self.default_voice is not None:
            # No gender was given: plan with a presenter of the default voice's gender, so the
            # voice the planner picks is that voice (the pipeline tells the user, see run.py).
            from reelwright.voice.catalogue import get_voice

            gender = get_voice(self.default_voice).gender
        return pick_avatar(gender=gender, seed=self.id)


@cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    path = Path(cv2.__file__).parent / "data" / name
    if not path.is_file():
        # opencv-python 5 no longer ships the cascades; pyproject pins a 4.x wheel.
        raise RuntimeError(f"OpenCV's {name} is missing from {path.parent}; install opencv-python-headless<5")
    return cv2.CascadeClassifier(str(path))


def load_portrait(source: Path) -> Image.Image:
    """The photo upright (EXIF orientation applied), RGB, at most 2048 pixels on a side."""
    try:
        with Image.open(source) as im:
            img = ImageOps.exif_transpose(im).convert("RGB")
    except (OSError, ValueError) as exc:
        raise InputError(f"the portrait is not a readable image: {exc}", param=_PARAM) from None
    if max(img.size) > _MAX_PORTRAIT_SIDE:
        img.thumbnail((_MAX_PORTRAIT_SIDE, _MAX_PORTRAIT_SIDE), Image.Resampling.LANCZOS)
    return img


def _faces(gray: Gray) -> list[tuple[float, float, float, float]]:
    """Face boxes, largest first. A second cascade must confirm each candidate (run on the
    candidate's neighbourhood only, so it costs little): one cascade alone reports the odd face
    in a pattern of clothes or background."""
    side = min(gray.shape)
    min_px = max(20, side // 40)
    found = _cascade("haarcascade_frontalface_default.xml").detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(min_px, min_px)
    )
    confirm = _cascade("haarcascade_frontalface_alt2.xml")
    boxes: list[tuple[float, float, float, float]] = []
    for x, y, w, h in found:
        m = w // 3
        x0, y0 = max(0, x - m), max(0, y - m)
        patch = gray[y0 : y + h + m, x0 : x + w + m]
        small = max(20, int(w * 0.7))
        if len(confirm.detectMultiScale(patch, scaleFactor=1.05, minNeighbors=2, minSize=(small, small))):
            boxes.append((float(x), float(y), float(w), float(h)))
    return sorted(boxes, key=lambda b: -b[2])


def _eyes(gray: Gray, box: tuple[float, float, float, float]) -> tuple[tuple[float, float], ...]:
    """Eye centres found in the upper half of the face, left to right; empty when unsure."""
    x, y, w, h = (round(v) for v in box)
    top = gray[y + h // 8 : y + h * 11 // 20, x : x + w]
    if top.size == 0:
        return ()
    found = _cascade("haarcascade_eye.xml").detectMultiScale(
        top,
        scaleFactor=1.05,
        minNeighbors=4,
        minSize=(max(6, w // 8), max(6, w // 8)),
        maxSize=(w // 2, w // 2),
    )
    left = [e for e in found if e[0] + e[2] / 2 < w / 2]
    right = [e for e in found if e[0] + e[2] / 2 >= w / 2]
    if not left or not right:
        return ()

    def centre(e: Any) -> tuple[float, float]:
        ex, ey, ew, eh = (float(v) for v in e)
        return (x + ex + ew / 2, y + h / 8 + ey + eh / 2)

    # The largest on each side: small hits are usually eyebrows or nostrils.
    return (centre(max(left, key=lambda e: e[2])), centre(max(right, key=lambda e: e[2])))


def locate_face(img: Image.Image) -> PhotoFace:
    """The one face in a portrait, or an :class:`InputError` saying why the photo cannot be used."""
    started = time.perf_counter()
    w0, h0 = img.size
    scale = min(1.0, _DETECT_MAX_SIDE / max(w0, h0))
    small = (
        img if scale == 1.0 else img.resize((round(w0 * scale), round(h0 * scale)), Image.Resampling.BICUBIC)
    )
    gray: Gray = np.asarray(cv2.equalizeHist(np.asarray(small.convert("L"))), dtype=np.uint8)
    faces = _faces(gray)
    if not faces:
        raise InputError(
            "no face was found in the photo; use a front-facing portrait where the face is clearly visible",
            param=_PARAM,
        )
    largest = faces[0]
    others = [f for f in faces[1:] if f[2] >= SECOND_FACE_SHARE * largest[2]]
    if others:
        raise InputError(
            f"the photo shows {len(others) + 1} faces; use a portrait of one person",
            param=_PARAM,
        )
    bx, by, bw, bh = (v / scale for v in largest)
    if bw < MIN_FACE_PX or bw < MIN_FACE_SHARE * min(w0, h0):
        raise InputError(
            f"the face is too small ({bw:.0f} pixels wide in a {w0}x{h0} photo); use a closer portrait "
            f"where the face is at least {MIN_FACE_PX} pixels and {MIN_FACE_SHARE:.0%} of the photo wide",
            param=_PARAM,
        )

    eyes = _eyes(gray, largest)
    if eyes:
        (lx, ly), (rx, ry) = ((ex / scale, ey / scale) for ex, ey in eyes)
        # Eye boxes that disagree with face proportions (an eyebrow, glasses' rim) are replaced
        # by the proportional guess.
        if not (0.25 * bw < rx - lx < 0.6 * bw and abs(ry - ly) < 0.12 * bw):
            eyes = ()
    if not eyes:
        lx, rx = bx + 0.31 * bw, bx + 0.69 * bw
        ly = ry = by + 0.38 * bh
    cx = (lx + rx) / 2
    eye_dist = rx - lx
    eye_y = (ly + ry) / 2
    # The lips are found in the pixels (the full-size photo: they are small), near where face
    # proportions put them; the chin follows from the face box.
    # MediaPipe's face mesh gives them exactly where it is installed (see face_mesh).
    rgb = np.asarray(img, dtype=np.uint8)
    lips = mesh_lips(rgb, (bx, by, bw, bh))
    how = "face mesh"
    if lips is None:
        how = "lips from light"
        lips = find_lips(rgb, cx, find_mouth_line(rgb, cx, eye_y, eye_dist), eye_dist)
        if not lips.found:
            how = "lips by proportion"
    mouth_y = lips.centre_y
    half_w = (lips.right[0] - lips.left[0]) / 2
    mouth_x = (lips.right[0] + lips.left[0]) / 2
    chin_y = max(mouth_y + 0.45 * eye_dist, lips.bottom + 0.3 * eye_dist, by + bh * 1.08)
    return PhotoFace(
        width=w0,
        height=h0,
        box=(bx, by, bw, bh),
        left_eye=(lx, ly),
        right_eye=(rx, ry),
        eye_radius=0.24 * eye_dist,
        mouth=(mouth_x, mouth_y),
        mouth_half_width=half_w,
        chin=(cx, chin_y),
        detector=f"opencv-haar {cv2.__version__} + {how}",
        seconds=round(time.perf_counter() - started, 4),
        mouth_left=lips.left,
        mouth_right=lips.right,
        lip_top=lips.top,
        lip_bottom=lips.bottom,
        teeth=lips.teeth,
    )


def prepare_portrait(source: Path, dest: Path) -> PhotoFace:
    """Check a portrait and store the upright, size-limited copy that renders use (PNG)."""
    img = load_portrait(source)
    face = locate_face(img)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    img.save(tmp, format="PNG")
    tmp.replace(dest)
    return face
