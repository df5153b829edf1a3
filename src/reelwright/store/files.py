"""Every blob key and file name Reelwright stores, in one table.

The worker writes a finished video's files under :func:`video_key`, the API serves them by name,
the CLI writes the same files next to ``-o video.mp4``; all of them read the names from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

Role = Literal["video", "captioned", "subtitles", "thumbnail", "gif"]


@dataclass(frozen=True)
class OutputFile:
    role: Role
    suffix: str  # after the stem: "video" + ".captioned.mp4"
    media_type: str
    url_field: str  # the field of the API's video object that links to it


OUTPUT_FILES: Final[tuple[OutputFile, ...]] = (
    OutputFile("video", ".mp4", "video/mp4", "video_url"),
    OutputFile("captioned", ".captioned.mp4", "video/mp4", "captioned_video_url"),
    OutputFile("subtitles", ".srt", "application/x-subrip", "subtitle_url"),
    OutputFile("thumbnail", ".jpg", "image/jpeg", "thumbnail_url"),
    OutputFile("gif", ".gif", "image/gif", "gif_url"),
)
VIDEO_STEM: Final = "video"  # a stored video's files are video.mp4, video.captioned.mp4, ...
STORYBOARD_FILE: Final = "storyboard.json"  # kept beside a video: its page shows the script

# Stored file name -> media type, for serving.
VIDEO_FILES: Final[dict[str, str]] = {f"{VIDEO_STEM}{f.suffix}": f.media_type for f in OUTPUT_FILES}


def output_paths(output: Path) -> dict[Role, Path]:
    """Where the files of a video written as ``output`` (e.g. ``demo.mp4``) go: demo.srt, demo.gif..."""
    stem = output.name[: -len(output.suffix)] if output.suffix else output.name
    return {f.role: output.parent / f"{stem}{f.suffix}" for f in OUTPUT_FILES}


def video_key(video_id: str) -> str:
    """The blob prefix holding a finished video's files."""
    return f"videos/{video_id}"


def video_file_key(video_id: str, name: str) -> str:
    return f"{video_key(video_id)}/{name}"


def asset_key(asset_id: str) -> str:
    """An uploaded asset's bytes (``POST /v3/assets``, ``/v1/asset``)."""
    return f"assets/{asset_id}"


PHOTO_PORTRAIT: Final = "portrait.png"  # a photo look's own upright copy of the portrait
PHOTO_PREVIEW: Final = "preview.mp4"  # the photo speaking a line, drawn on first request


def photo_look_key(look_id: str, name: str | None = None) -> str:
    """A photo look's folder, or one of its files (PHOTO_PORTRAIT, PHOTO_PREVIEW)."""
    return f"photo_avatars/{look_id}" + (f"/{name}" if name else "")


def message_inputs_key(session_id: str, run_id: str) -> str:
    """The files sent with one chat message, inside the session's inputs."""
    return f"{inputs_key(session_id)}/m{run_id}"


def inputs_key(session_id: str) -> str:
    """The blob prefix of a session's input files (uploads, fetched URLs, chat attachments)."""
    return f"inputs/{session_id}"


def template_key(template_id: str) -> str:
    """The blob prefix of the files a template keeps from the video it was made from."""
    return f"templates/{template_id}"


def work_key(session_id: str) -> str:
    """A session's working folder: its checkpointed storyboard and the render in progress."""
    return f"work/{session_id}"
