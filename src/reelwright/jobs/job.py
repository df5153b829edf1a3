"""One run of a session: whose it is, what was asked, where its files are, and how far it got.

A worker shares nothing on disk with the API or the other workers: it stages the request's files
from the blob store into its own scratch folder, keeps the planned storyboard (the checkpoint) in
the store too, so any worker can resume the run, and uploads the finished video from there.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelwright.config import Settings
from reelwright.errors import InputError
from reelwright.request import VideoRequest
from reelwright.store.blobs import BlobStore, blob_store, stage
from reelwright.store.db import Database
from reelwright.store.files import STORYBOARD_FILE, VIDEO_STEM, inputs_key, work_key


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
    tasks: Any = None  # the queue's scene tasks (jobs.fanout.SegmentQueue); None: render in one task

    @property
    def blobs(self) -> BlobStore:
        return blob_store(self.settings)

    @property
    def work(self) -> Path:
        """This worker's scratch folder for the run: staged inputs, the render in progress."""
        return self.settings.scratch_dir / "jobs" / self.session_id

    @property
    def checkpoint(self) -> Path:
        """The planned storyboard's local copy (see :meth:`save_checkpoint`, :meth:`load_checkpoint`)."""
        return self.work / STORYBOARD_FILE

    @property
    def checkpoint_key(self) -> str:
        return f"{work_key(self.session_id)}/{STORYBOARD_FILE}"

    @property
    def output(self) -> Path:
        return self.work / "out" / f"{VIDEO_STEM}.mp4"

    @property
    def cache(self) -> Path:
        return self.settings.data_dir / "cache"

    def input_paths(self) -> list[Path]:
        """The request's files (blob keys), staged into the scratch folder as readable paths."""
        paths = []
        for key in self.request.files:
            path = stage(self.blobs, key, self.work)
            if path is None:
                raise InputError(f"the input file {key.rsplit('/', 1)[-1]} of this session is gone")
            paths.append(path)
        return paths

    def save_checkpoint(self, text: str) -> None:
        """Keep the planned storyboard here and in the blob store (where any worker finds it)."""
        self.work.mkdir(parents=True, exist_ok=True)
        part = self.checkpoint.with_name(f".{self.checkpoint.name}.part")
        part.write_text(text, encoding="utf-8")
        os.replace(part, self.checkpoint)
        self.blobs.put_bytes(self.checkpoint_key, text.encode("utf-8"))

    def load_checkpoint(self) -> Path | None:
        """The saved storyboard, fetched from the blob store with its files staged here; None if none."""
        data = self.blobs.read_bytes(self.checkpoint_key)
        if data is None:
            return None
        board = self.local_files(json.loads(data))
        self.work.mkdir(parents=True, exist_ok=True)
        part = self.checkpoint.with_name(f".{self.checkpoint.name}.part")
        part.write_text(json.dumps(board, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(part, self.checkpoint)
        return self.checkpoint

    def local_files(self, board: Any) -> Any:
        """A storyboard (as JSON data) whose file paths point at this worker's copies of the inputs.

        A storyboard names its pictures and clips by path, and the worker that planned it had them
        somewhere else (its own scratch folder): each path inside the session's inputs is staged
        here and replaced by the local copy."""
        marker = re.compile(rf"(?:^|/)({re.escape(inputs_key(self.session_id))}/[A-Za-z0-9_.\-/]+)$")

        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            if isinstance(value, str) and (found := marker.search(value)):
                path = stage(self.blobs, found.group(1), self.work)
                if path is None:
                    raise InputError(
                        f"the input file {found.group(1).rsplit('/', 1)[-1]} of this session is gone"
                    )
                return str(path)
            return value

        return walk(board)
