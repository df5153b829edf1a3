"""The status vocabulary of sessions and videos, in one place for the API, the web app and the worker."""

from __future__ import annotations

from typing import Final

# Session statuses. A worker holds a session while it is in one of ACTIVE.
THINKING: Final = "thinking"  # queued, planning, or reading a chat message
GENERATING: Final = "generating"  # voicing and rendering; the session has handed out its video id
REVIEWING: Final = "reviewing"  # chat mode: a draft waits for the user
WAITING_FOR_INPUT: Final = "waiting_for_input"  # chat mode: the agent asked a question
COMPLETED: Final = "completed"
FAILED: Final = "failed"
ACTIVE: Final = (THINKING, GENERATING)

# Video statuses.
VIDEO_PENDING: Final = "pending"
VIDEO_PROCESSING: Final = "processing"
VIDEO_COMPLETED: Final = "completed"
VIDEO_FAILED: Final = "failed"
VIDEO_UNFINISHED: Final = (VIDEO_PENDING, VIDEO_PROCESSING)

# Session checkpoints: how far a job got, so a run again resumes instead of starting over.
CHECKPOINT_PLANNED: Final = "planned"  # the storyboard is planned and saved: resume at rendering
CHECKPOINT_APPROVED: Final = "render"  # chat mode: the user approved the draft; render it
