"""One run of a session: whose it is, what was asked, where its files are, and how far it got."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelwright.config import Settings
from reelwright.request import VideoRequest
from reelwright.store.db import Database
from reelwright.store.files import STORYBOARD_FILE, VIDEO_STEM, work_key


@dataclass
class JobRun:
    settings: Settings
    db: Database
    session_id: str
    owner_id: str
    request: VideoRequest
    video_id: str | None  # the video this run makes; created when generating starts
    video_processing: bool = False
    planned: bool = False  # the planned storyboard is saved (resume at rendering)
    progress: int = -1  # the last progress written, so the row is written only when it grows

    @property
    def work(self) -> Path:
        return self.settings.files_dir / work_key(self.session_id)

    @property
    def checkpoint(self) -> Path:
        """The planned storyboard: saved before rendering, so a run again resumes from it."""
        return self.work / STORYBOARD_FILE

    @property
    def output(self) -> Path:
        return self.work / "out" / f"{VIDEO_STEM}.mp4"

    @property
    def cache(self) -> Path:
        return self.settings.data_dir / "cache"

    def input_paths(self) -> list[Path]:
        """The request's files (blob keys in the data dir's files folder) as readable paths."""
        return [self.settings.files_dir / key for key in self.request.files]
