"""What a style looks like: single frames of sample scenes, and the catalogue's preview media.

``render_frame`` draws one scene exactly as a video frame would show it (static layer, picture,
presenter, caption) without encoding anything, so the gallery and the tests see every style in
every layout in a fraction of a second. ``render_style_preview`` writes the catalogue's
thumbnail and a short clip (title, then a bullet slide entering with the style's transition).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from reelwright.avatar.presenter import Pose, PresenterRenderer
from reelwright.render.caption_art import draw_caption
from reelwright.render.compose import EncodeSettings, concat_segments, mux, render_segment
from reelwright.render.layout import frame_for
from reelwright.render.motion import background_motion
from reelwright.render.slides import draw_scene_layer
from reelwright.render.timeline import SceneTiming
from reelwright.storyboard import BulletSlide, ImageScene, PresenterLayout, Scene, TitleCard
from reelwright.styles.catalogue import Style, get_style

SAMPLE_TITLE = Scene(
    id="title",
    visual=TitleCard(
        heading="Q3 Product Launch", subheading="What is new, who it is for, and what comes next"
    ),
    presenter="none",
)
SAMPLE_BULLETS = Scene(
    id="bullets",
    visual=BulletSlide(
        heading="Why teams switch",
        bullets=[
            "Three plans, priced for teams of every size",
            "Set up in minutes with guided onboarding",
            "Works offline and syncs when you reconnect",
            "Available to every customer from October 1",
        ],
    ),
    presenter="pip",
)
SAMPLE_CAPTION = "Setup takes minutes, and your data stays yours."
TALKING = Pose(viseme="ah", openness=0.55, brow=0.3)

PREVIEW_SIZE = (640, 360)
_PREVIEW_FPS = 30


def sample_picture(path: Path, size: tuple[int, int] = (1600, 1000)) -> Path:
    """A drawn landscape photo stand-in (sky, sun, hills), so previews need no bundled images."""
    w, h = size
    y = np.linspace(0.0, 1.0, h)[:, None]
    x = np.linspace(0.0, 1.0, w)[None, :]
    sky = np.stack([70 + 120 * y, 130 + 90 * y, 200 + 40 * y], axis=-1) * np.ones((1, w, 1))
    sun = np.exp(-(((x - 0.7) ** 2) + ((y - 0.32) ** 2) * (w / h) ** 2) / 0.004)[..., None]
    img = sky + sun * np.array([255.0, 220.0, 150.0]) * 0.9
    for i, (base, amp, col) in enumerate(((0.62, 0.06, (64, 120, 80)), (0.74, 0.05, (40, 90, 62)))):
        ridge = base + amp * np.sin(x * (7 + 4 * i) + i) + amp * 0.5 * np.sin(x * 23 + 2 * i)
        img = np.where((y > ridge)[..., None], np.array(col, dtype=float) * (1.1 - 0.3 * y[..., None]), img)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").save(path)
    return path


def sample_image_scene(picture: Path) -> Scene:
    return Scene(
        id="picture",
        visual=ImageScene(source=str(picture), caption="Built for teams that move fast"),
        presenter="pip",
    )


def render_frame(
    style: Style,
    scene: Scene,
    width: int,
    height: int,
    *,
    layout: PresenterLayout | None = None,
    avatar: str | None = None,
    caption: str | None = None,
    seed: int = 7,
    logo: Image.Image | None = None,
) -> np.ndarray:
    """One frame of ``scene`` as the video shows it mid-scene: H×W×3 uint8 RGB."""
    if avatar is None:
        layout = "none"
    elif layout is None:
        layout = scene.presenter
    frame = frame_for(width, height, layout, style.presenter_side)
    layer = draw_scene_layer(scene, frame, style, seed=seed, logo=logo)
    rgb = layer.image[:, :, :3].copy()
    visual = scene.visual
    if isinstance(visual, ImageScene) and layer.media_box is not None:
        box = layer.media_box
        with Image.open(visual.source) as im:
            pic = ImageOps.fit(im.convert("RGB"), (box.w, box.h), Image.Resampling.LANCZOS)
        rgb[box.y : box.bottom, box.x : box.right] = np.asarray(pic)
    motion = background_motion(style, width, height, _PREVIEW_FPS, 40, 100)
    if motion is not None:
        _blend(rgb, motion.pixels, motion.still_x, motion.y)
    if avatar is not None and frame.presenter is not None:
        spot = frame.presenter
        backdrop = np.ascontiguousarray(
            np.dstack(
                [rgb[spot.y : spot.bottom, spot.x : spot.right], np.full((spot.h, spot.w), 255, np.uint8)]
            )
        )
        drawn = PresenterRenderer(avatar, spot.w).draw(TALKING, backdrop)
        pixels = np.frombuffer(drawn, dtype=np.uint8).reshape(spot.h, spot.w, 4)
        rgb[spot.y : spot.bottom, spot.x : spot.right] = pixels[:, :, :3]
    if caption:
        art = draw_caption(caption, style, width, height, frame.caption_box)
        _blend(rgb, art.pixels, art.x, art.y)
    return rgb


def _blend(rgb: np.ndarray, rgba: np.ndarray, x: int, y: int) -> None:
    """Lay straight-alpha ``rgba`` over ``rgb`` at (x, y), clipped to the frame."""
    h, w = rgb.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + rgba.shape[1]), min(h, y + rgba.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    src = rgba[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)
    alpha = src[:, :, 3:4] / 255.0
    dst = rgb[y0:y1, x0:x1].astype(np.float32)
    rgb[y0:y1, x0:x1] = (src[:, :, :3] * alpha + dst * (1 - alpha)).round().astype(np.uint8)


def render_style_preview(style_id: str, out_dir: Path) -> None:
    """``image.png`` (a 640×360 title card) and ``video.mp4`` (title, then bullets, ~5 s)."""
    style = get_style(style_id)
    # Drawn at 720p and scaled down, so the thumbnail's text is as crisp as the video's.
    still = render_frame(style, SAMPLE_TITLE, 1280, 720)
    Image.fromarray(still).resize(PREVIEW_SIZE, Image.Resampling.LANCZOS).save(
        out_dir / "image.png", optimize=True
    )

    w, h = PREVIEW_SIZE
    fps = _PREVIEW_FPS
    lengths = (round(2.2 * fps), round(2.8 * fps))
    total = sum(lengths)
    settings = EncodeSettings(preset="veryfast", crf=23, threads=2)
    with tempfile.TemporaryDirectory(prefix="style-preview-") as tmp:
        work = Path(tmp)
        parts: list[Path] = []
        previous: Path | None = None
        start = 0
        for index, (scene, n) in enumerate(zip((SAMPLE_TITLE, SAMPLE_BULLETS), lengths, strict=True)):
            scene = scene.model_copy(update={"presenter": "none"})
            frame = frame_for(w, h, "none")
            layer = draw_scene_layer(scene, frame, style, seed=index)
            timing = SceneTiming(
                index=index,
                start_frame=start,
                n_frames=n,
                speech_start=start / fps,
                speech_duration=0.0,
                transition_frames=round(style.transition_seconds * fps) if index else 0,
            )
            seg = render_segment(
                scene=scene,
                layer=layer,
                frame=frame,
                timing=timing,
                fps=fps,
                workdir=work,
                captions=[],
                previous_last_frame=previous,
                presenter=None,
                settings=settings,
                motion=background_motion(style, w, h, fps, start, total),
                transition=style.transition,
            )
            parts.append(seg.plain)
            previous = seg.last_frame
            start += n
        listing = concat_segments(parts, work, "preview")
        mux(listing, None, out_dir / "video.mp4", what=f"writing the {style_id} style preview")
