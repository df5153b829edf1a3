"""One video, many workers: a long job's scenes as separate queue tasks, joined by one last task.

The run that plans and voices the job hands off (:class:`QueueFanOut`): it places the narration
on the timeline, stores the voiced storyboard, the placed narration and its loudness in the blob
store, writes one ``render_segments`` row per scene and one for the soundtrack (music, loudness,
AAC: the last row), and queues a task for each. Any worker takes a scene or the soundtrack
(:func:`run_segment`): it claims the row (a conditional update), keeps a heartbeat on it
while it renders, uploads the two segments and marks the row done. The task that finds every
row done queues the join (:func:`finalize`), which claims the job's ``render_fanouts`` row
(rendering → finalizing, conditional) and completes the video in the same transaction as its
move to done (finalizing → done, conditional): a job completes once. A scene whose worker died
stops beating; :func:`reconcile` (a watch task every few seconds per job, and the minutely
sweep) hands it back and queues it again, so another worker renders it: no scene is lost.

Huey has no group-with-callback (chord), so the fan-in is this table, not the queue
(docs/decisions/0014-fan-out-scenes.md).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from reelwright import pipeline
from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.photo_looks import find_photo_look
from reelwright.config import Settings
from reelwright.errors import ReelwrightError
from reelwright.jobs import outcome
from reelwright.jobs.job import JobRun
from reelwright.jobs.lease import MAX_ATTEMPTS
from reelwright.jobs.reasons import failure_reason
from reelwright.jobs.row_leases import DONE, PENDING, RUNNING, beating, claim, release, stale, worker_name
from reelwright.pipeline.publish import publish
from reelwright.pipeline.script import length_notes
from reelwright.pipeline.segments import build_soundtrack, finish, place_narration, render_scene
from reelwright.request import VideoRequest
from reelwright.store.db import Database, shared_database
from reelwright.store.files import work_key
from reelwright.store.models import AgentSession, RenderFanout, RenderSegment, now
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand
from reelwright.styles.brand_kits import load_brand

log = logging.getLogger("reelwright.jobs")

# A fan-out's own states; it ends in DONE, as its segments do (row_leases).
RENDERING, FINALIZING, FAILED = "rendering", "finalizing", "failed"
ACTIVE_FANOUT = (RENDERING, FINALIZING)


class SegmentQueue(Protocol):
    """The queue's tasks for a fanned-out video (:class:`reelwright.jobs.queue.JobQueue`)."""

    def segment(self, video_id: str, index: int) -> None: ...

    def finalize(self, video_id: str) -> None: ...

    def watch(self, video_id: str) -> None: ...

    def voice(self, batch_id: str) -> None: ...


def shared_key(session_id: str, video_id: str) -> str:
    return f"{work_key(session_id)}/fanout/{video_id}"


@dataclass
class QueueFanOut:
    """The pipeline's :class:`~reelwright.pipeline.FanOut` for a job run by the queue."""

    job: JobRun
    tasks: SegmentQueue
    brand: Brand | None

    def wants(self, board: Storyboard, duration: float) -> bool:
        s = self.job.settings
        return s.fanout and len(board.scenes) >= s.fanout_min_scenes and duration >= s.fanout_min_seconds

    def voice_together(self, board: Storyboard, tts_cache: Path, progress: Callable[[float], None]) -> None:
        from reelwright.jobs.voicing import SharedVoicing

        SharedVoicing(self.job, self.tasks.voice).voice(board, tts_cache, progress)

    def hand_off(self, board: Storyboard, workdir: Path) -> None:
        job = self.job
        assert job.video_id is not None, "the video exists once voicing started"
        placed = place_narration(board, workdir, self.brand)
        key = shared_key(job.session_id, job.video_id)
        job.blobs.put_file(f"{key}/speech.npz", placed.speech)
        job.blobs.put_file(f"{key}/envelope.npy", placed.envelope)
        job.blobs.put_bytes(f"{key}/storyboard.json", board.to_json().encode("utf-8"))
        n = len(board.scenes)
        with job.db.session() as s:
            old = s.get(RenderFanout, job.video_id)
            if old is not None:  # an earlier hand-off of this video whose planner died before queueing
                s.delete(old)
                s.flush()
            s.add(
                RenderFanout(
                    video_id=job.video_id,
                    session_id=job.session_id,
                    status=RENDERING,
                    n_segments=n + 1,  # the scenes, then the soundtrack (soundtrack_index)
                    started_at=time.time(),
                )
            )
            s.flush()
            for i in range(n + 1):
                s.add(RenderSegment(video_id=job.video_id, index=i, status=PENDING, attempts=0))
        # The soundtrack first: it is as long as a long scene, and the join needs it.
        for i in [n, *longest_first(board)]:
            self.tasks.segment(job.video_id, i)
        self.tasks.watch(job.video_id)
        log.info("video %s: %d scenes and the soundtrack queued on the cluster", job.video_id, n)


def soundtrack_index(n_segments: int) -> int:
    """The last row of a fanned-out video is its soundtrack (music, loudness, AAC), built by any
    worker beside the scenes; the rows before it are the scenes."""
    return n_segments - 1


def part_name(index: int, n_segments: int) -> str:
    return "the soundtrack" if index == soundtrack_index(n_segments) else f"scene {index + 1}"


def longest_first(board: Storyboard) -> list[int]:
    """The scenes' indices, longest narration first. The queue hands tasks out in the order they
    were queued, so queueing the long scenes first lets the short ones fill in at the end (the
    longest-processing-time rule): in scene order, two workers' shares of a 22-scene video were
    91 and 81 s of CPU, because a long scene queued last left one worker busy alone."""
    spoken = [s.audio.duration if s.audio is not None else 0.0 for s in board.scenes]
    return sorted(range(len(board.scenes)), key=lambda i: (-spoken[i], i))


def active_fanout(db: Database, session_id: str) -> bool:
    with db.session() as s:
        found = s.scalar(
            select(RenderFanout.video_id).where(
                RenderFanout.session_id == session_id, RenderFanout.status.in_(ACTIVE_FANOUT)
            )
        )
        return found is not None


def job_for(settings: Settings, db: Database, session_id: str, video_id: str) -> JobRun | None:
    with db.session() as s:
        row = s.get(AgentSession, session_id)
        if row is None:
            return None
        request = VideoRequest.from_stored(row.prompt, row.request)
        job = JobRun(settings, db, session_id, row.owner_id, request, video_id, video_processing=True)
        job.planned = True
        return job


def _claim_segment(db: Database, video_id: str, index: int, me: str, stale_after: int) -> int | None:
    """Take the scene unless it is done or a live worker holds it; its attempt number, or None.
    Only while its video renders: a failed (or joining) video's scenes are not taken again."""
    return claim(
        db,
        RenderSegment,
        me,
        stale_after,
        RenderSegment.video_id == video_id,
        RenderSegment.index == index,
        exists().where(RenderFanout.video_id == video_id, RenderFanout.status == RENDERING),
    )


def _stage_board(job: JobRun, video_id: str, work: Path) -> Storyboard:
    """The voiced storyboard, with this worker's copies of its files."""
    key = shared_key(job.session_id, video_id)
    work.mkdir(parents=True, exist_ok=True)
    data = job.blobs.read_bytes(f"{key}/storyboard.json")
    if data is None:
        raise ReelwrightError("the video's planned storyboard is gone")
    import json

    return Storyboard.model_validate(job.local_files(json.loads(data)))


def _stage(job: JobRun, video_id: str, work: Path, name: str) -> Path:
    path = work / name
    if not job.blobs.fetch(f"{shared_key(job.session_id, video_id)}/{name}", path):
        raise ReelwrightError(f"the video's shared {name} is gone")
    return path


def _looks(job: JobRun) -> tuple[Brand | None, PhotoLook | None]:
    brand = load_brand(job.db, job.blobs, job.work, job.owner_id, job.request.brand_kit)
    photo = find_photo_look(job.db, job.blobs, job.owner_id, job.request.avatar, scratch=job.work)
    return brand, photo


def run_segment(settings: Settings, tasks: SegmentQueue, video_id: str, index: int) -> None:
    db = shared_database(settings.resolved_database_url)
    me = worker_name()
    attempt = _claim_segment(db, video_id, index, me, settings.stale_job_seconds)
    if attempt is None:
        log.info("video %s part %d: done, or held by a live worker", video_id, index + 1)
        return
    with db.session() as s:
        fan = s.get(RenderFanout, video_id)
        assert fan is not None
        session_id, n_segments = fan.session_id, fan.n_segments
        sess = s.get(AgentSession, session_id)
        stop_asked = sess is not None and sess.stop_requested
    job = job_for(settings, db, session_id, video_id)
    if job is None:
        return
    if stop_asked:
        _end(job, video_id, stopped=True)
        return
    part = part_name(index, n_segments)
    if attempt > MAX_ATTEMPTS:
        _end(job, video_id, message=f"{part} stopped unexpectedly {MAX_ATTEMPTS} times")
        return
    work = job.work / "fanout" / f"{video_id}-{index}-{os.getpid()}-{threading.get_ident()}"
    owned = (RenderSegment.video_id == video_id, RenderSegment.index == index, RenderSegment.worker == me)
    started = time.perf_counter()
    try:
        with beating(db, settings, RenderSegment, *owned):
            board = _stage_board(job, video_id, work)
            key = shared_key(session_id, video_id)
            if index == soundtrack_index(n_segments):
                audio = build_soundtrack(board, _stage(job, video_id, work, "speech.npz"), work)
                job.blobs.put_file(f"{key}/audio.m4a", audio)
            else:
                envelope = _stage(job, video_id, work, "envelope.npy")
                brand, photo = _looks(job)
                seg = render_scene(board, envelope, index, work, brand=brand, photo=photo)
                job.blobs.put_file(f"{key}/seg{index:04d}.plain.mp4", seg.plain)
                job.blobs.put_file(f"{key}/seg{index:04d}.cap.mp4", seg.captioned)
    except Exception as exc:
        log.exception("video %s: %s failed on %s", video_id, part, me)
        released = release(db, RenderSegment, *owned)
        if isinstance(exc, ReelwrightError) or attempt >= MAX_ATTEMPTS:
            _end(job, video_id, message=str(exc) if isinstance(exc, ReelwrightError) else None, exc=exc)
        elif released:
            tasks.segment(video_id, index)
        return
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with db.session() as s:
        s.execute(
            update(RenderSegment)
            .where(*owned, RenderSegment.status == RUNNING)
            .values(status=DONE, seconds=time.perf_counter() - started)
        )
        fan = s.get(RenderFanout, video_id)
        done = s.scalar(
            select(func.count()).where(RenderSegment.video_id == video_id, RenderSegment.status == DONE)
        )
        total = fan.n_segments if fan is not None else 0
        sess = s.get(AgentSession, session_id)
        if sess is not None and total:
            # Rendering is most of the job: the scenes done move progress from where voicing left it.
            sess.progress = max(sess.progress, min(97, 25 + int(72 * (done or 0) / total)))
    log.info("video %s: %s made by %s (%d/%d)", video_id, part, me, done, total)
    if total and done == total:
        tasks.finalize(video_id)


def _claim_finalize(db: Database, video_id: str, me: str, stale_after: int) -> bool:
    t = now()
    unfinished = exists().where(RenderSegment.video_id == video_id, RenderSegment.status != DONE)
    with db.session() as s:
        result = s.execute(
            update(RenderFanout)
            .where(
                RenderFanout.video_id == video_id,
                or_(
                    and_(RenderFanout.status == RENDERING, ~unfinished),
                    and_(RenderFanout.status == FINALIZING, RenderFanout.heartbeat_at < t - stale_after),
                ),
            )
            .values(status=FINALIZING, finalizer=me, heartbeat_at=t)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def finalize(settings: Settings, video_id: str) -> None:
    """Join the segments into the finished video and complete the job (once)."""
    db = shared_database(settings.resolved_database_url)
    me = worker_name()
    if not _claim_finalize(db, video_id, me, settings.stale_job_seconds):
        return
    with db.session() as s:
        fan = s.get(RenderFanout, video_id)
        assert fan is not None
        session_id, n, started_at = fan.session_id, fan.n_segments, fan.started_at
    job = job_for(settings, db, session_id, video_id)
    if job is None:
        return
    work = job.work / "fanout" / f"{video_id}-join-{os.getpid()}"
    owned = (RenderFanout.video_id == video_id, RenderFanout.finalizer == me)
    try:
        with beating(db, settings, RenderFanout, *owned):
            board = _stage_board(job, video_id, work)
            envelope = _stage(job, video_id, work, "envelope.npy")
            audio = _stage(job, video_id, work, "audio.m4a")
            key = shared_key(session_id, video_id)
            plain: list[Path] = []
            captioned: list[Path] = []
            for i in range(soundtrack_index(n)):
                for kind, into in (("plain", plain), ("cap", captioned)):
                    path = work / f"seg{i:04d}.{kind}.mp4"
                    if not job.blobs.fetch(f"{key}/seg{i:04d}.{kind}.mp4", path):
                        raise ReelwrightError(f"scene {i + 1}'s rendered segment is gone")
                    into.append(path)
            brand, photo = _looks(job)
            rendered = finish(board, envelope, plain, captioned, audio, work, brand=brand, photo=photo)
            try:
                job.load_checkpoint()  # kept with the video (its page shows the script)
            except ReelwrightError:
                log.warning("video %s: its storyboard is not kept with it", video_id)
            out_dir = job.output.parent
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir(parents=True)
            published = publish(rendered, job.output, board, None, work)
            result = pipeline.JobResult(
                video=published["video"],
                captioned=published["captioned"],
                subtitles=published["subtitles"],
                thumbnail=published["thumbnail"],
                gif=published["gif"],
                storyboard=board,
                duration=rendered.duration,
                stage_seconds={"render.join": rendered.timings.get("render.mux+previews", 0.0)},
                notes=length_notes(board, rendered.duration),
            )

            def once(s: DbSession) -> bool:
                done = s.execute(
                    update(RenderFanout).where(*owned, RenderFanout.status == FINALIZING).values(status=DONE)
                )
                return bool(done.rowcount)  # type: ignore[attr-defined]

            outcome.completed(job, result, time.time() - started_at, guard=once)
    except Exception as exc:
        # A bug or a broken file fails the video (joining again would fail the same way); a
        # killed worker raises nothing: its lease goes stale and another worker joins it.
        log.exception("video %s: joining its scenes failed", video_id)
        if isinstance(exc, ReelwrightError):
            _end(job, video_id, message=str(exc))
        else:
            _end(job, video_id, exc=exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _end(
    job: JobRun,
    video_id: str,
    *,
    stopped: bool = False,
    message: str | None = None,
    exc: BaseException | None = None,
) -> None:
    """Fail (or stop) the whole video, once."""
    with job.db.session() as s:
        ended = s.execute(
            update(RenderFanout)
            .where(RenderFanout.video_id == video_id, RenderFanout.status.in_(ACTIVE_FANOUT))
            .values(status=FAILED)
        )
        if not ended.rowcount:  # type: ignore[attr-defined]
            return
    if stopped:
        outcome.stopped(job)
    elif message is not None:
        outcome.failed(job, "render_failed", message)
    else:
        assert exc is not None
        outcome.failed(job, *failure_reason(exc))


def _lost(limit: int) -> ColumnElement[bool]:
    """A scene no worker will render unless it is queued again: its holder stopped beating before
    ``limit``, or it was queued before then and never taken (its message may be lost with a worker)."""
    return or_(
        stale(RenderSegment, limit),
        and_(RenderSegment.status == PENDING, RenderSegment.updated_at < limit),
    )


def reconcile(settings: Settings, tasks: SegmentQueue, video_id: str) -> bool:
    """Hand back the scenes whose worker stopped beating (killed), queue them and, when every
    scene is done, the join. False once the video is finished (or failed)."""
    db = shared_database(settings.resolved_database_url)
    t = now()
    limit = t - settings.stale_job_seconds
    with db.session() as s:
        fan = s.get(RenderFanout, video_id)
        if fan is None or fan.status not in ACTIVE_FANOUT:
            return False
        status, fan_beat = fan.status, fan.heartbeat_at
        lost = list(
            s.scalars(select(RenderSegment.index).where(RenderSegment.video_id == video_id, _lost(limit)))
        )
        unfinished = s.scalar(
            select(func.count()).where(RenderSegment.video_id == video_id, RenderSegment.status != DONE)
        )
    for index in lost:
        with db.session() as s:
            handed = s.execute(
                update(RenderSegment)
                .where(RenderSegment.video_id == video_id, RenderSegment.index == index, _lost(limit))
                .values(status=PENDING, worker=None, updated_at=t)
            )
        if handed.rowcount:  # type: ignore[attr-defined]
            log.warning("video %s part %d has no live worker; queued again", video_id, index + 1)
            tasks.segment(video_id, index)
    if (status == RENDERING and not unfinished) or (
        status == FINALIZING and (fan_beat is None or fan_beat < limit)
    ):
        tasks.finalize(video_id)
    return True


def active_videos(settings: Settings) -> list[str]:
    db = shared_database(settings.resolved_database_url)
    with db.session() as s:
        return list(s.scalars(select(RenderFanout.video_id).where(RenderFanout.status.in_(ACTIVE_FANOUT))))
