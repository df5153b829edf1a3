"""A long script voiced together: the planning run and a helper worker (another process with its
own data dir) share its sentences through the database and the blob store, and the voiced result
is what the planning run would have made alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import select, update

from reelwright.config import Settings
from reelwright.jobs.job import JobRun
from reelwright.jobs.voicing import SharedVoicing, _blob_name, _fetch_voiced, chunked, estimated_seconds
from reelwright.request import VideoRequest
from reelwright.store.blobs import blob_store
from reelwright.store.db import migrate, shared_database
from reelwright.store.models import VoiceChunk, now
from reelwright.storyboard import BulletSlide, Scene, Storyboard
from reelwright.voice.narrate import cache_file
from reelwright.voice.stage import Sentence, sentences_to_voice, voice_storyboard

ROOT = Path(__file__).resolve().parents[1]

# Four scenes, about 40 s of speech: enough for four chunks.
NARRATION = [
    "Welcome to the safety briefing for the new packing line. It runs two shifts a day, five days a week. "
    "Everyone who works on it needs the same basic training.",
    "First, wear gloves whenever you touch the rollers. They are warm and they move without warning. "
    "Second, keep your sleeves tied back. Loose cloth is the most common cause of injuries here.",
    "The red button on each station stops the whole line at once. Press it first and ask later. "
    "Nobody is ever blamed for stopping the line.",
    "At the end of the shift, clean the benches and label every open box. "
    "The next team starts from what you leave behind. Thank you for keeping it safe.",
]


def _board() -> Storyboard:
    scenes = [
        Scene(
            id=f"s{i}",
            narration=text,
            presenter="none",
            visual=BulletSlide(heading=f"Part {i}", bullets=["a"]),
        )
        for i, text in enumerate(NARRATION)
    ]
    return Storyboard(title="Safety", orientation="landscape", style="clean", scenes=scenes)


def _settings(tmp_path: Path, name: str) -> Settings:
    return Settings(
        data_dir=tmp_path / name,  # each worker has its own disk
        database_url=f"sqlite:///{tmp_path / 'shared.db'}",
        blob_url=(tmp_path / "bucket").as_uri(),
        fanout_min_seconds=0,
        stale_job_seconds=10,
    )


def _job(settings: Settings) -> JobRun:
    migrate(settings.resolved_database_url)
    db = shared_database(settings.resolved_database_url)
    return JobRun(settings, db, "session1", "owner1", VideoRequest(prompt="safety"), None)


def _samples(path: str) -> np.ndarray:
    with wave.open(path) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def test_chunks_are_consecutive_and_about_equally_long() -> None:
    sentences = [Sentence("v", 1.0, " ".join(["word"] * n)) for n in (5, 20, 8, 8, 3, 12, 9, 15)]
    chunks = chunked(sentences, 3)
    assert [s for c in chunks for s in c] == sentences  # in order, each once
    lengths = [estimated_seconds(c) for c in chunks]
    assert max(lengths) - min(lengths) <= estimated_seconds(sentences[1:2])  # within one sentence


def test_sentences_voiced_elsewhere_are_fetched_together_and_the_gone_ones_named(tmp_path: Path) -> None:
    blobs = blob_store(_settings(tmp_path, "planner"))
    sentences = [Sentence("en_US-joe", 1.0, f"Sentence number {i}.") for i in range(12)]
    cache = tmp_path / "cache"
    for i, sentence in enumerate(sentences):
        if i % 4 != 3:  # every fourth one never reached the store
            blobs.put_bytes(f"voicing/b1/{_blob_name(sentence)}", f"speech {i}".encode())
    already = cache_file(cache, "en_US-joe", 1.0, sentences[0].text)
    already.parent.mkdir(parents=True)
    already.write_bytes(b"spoken here")
    gone = _fetch_voiced(blobs, "voicing/b1", sentences, cache)
    assert gone == [s for i, s in enumerate(sentences) if i % 4 == 3]
    assert already.read_bytes() == b"spoken here"  # a cached sentence is not fetched again
    for i, sentence in enumerate(sentences[1:], start=1):
        path = cache_file(cache, "en_US-joe", 1.0, sentence.text)
        assert path.exists() == (i % 4 != 3)
        if path.exists():
            assert path.read_bytes() == f"speech {i}".encode()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")], "a partial file was left"


def test_a_helper_process_voices_chunks_and_the_narration_is_the_same(tmp_path: Path) -> None:
    planner, helper = _settings(tmp_path, "planner"), _settings(tmp_path, "helper")
    job = _job(planner)
    board = _board()
    assert estimated_seconds(sentences_to_voice(board)) > 36
    procs: list[subprocess.Popen[bytes]] = []

    def queue_helper(batch_id: str) -> None:
        if procs:
            return  # one helper process takes chunks until none is left
        env = {**os.environ, "REELWRIGHT_DATA_DIR": str(helper.data_dir)}
        env.update(
            REELWRIGHT_DATABASE_URL=planner.resolved_database_url,
            REELWRIGHT_BLOB_URL=str(planner.blob_url),
            REELWRIGHT_STALE_JOB_SECONDS="10",
        )
        code = "\n".join(
            [
                "from reelwright.config import Settings",
                "from reelwright.jobs.voicing import help_voice",
                f"help_voice(Settings(), {batch_id!r})",
            ]
        )
        procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env))
        # Wait until it holds a chunk, so the test does not depend on who is faster.
        db = shared_database(planner.resolved_database_url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.session() as s:
                if s.scalar(select(VoiceChunk.index).where(VoiceChunk.status == "running")) is not None:
                    return
            time.sleep(0.05)
        raise AssertionError("the helper never claimed a chunk")

    progress: list[float] = []
    SharedVoicing(job, queue_helper).voice(board, job.cache / "tts", progress.append)
    assert procs and procs[0].wait(timeout=60) == 0
    helper_files = list((helper.data_dir / "cache" / "tts").glob("*.npz"))
    assert helper_files, "the helper voiced nothing"
    planner_cache = job.cache / "tts"
    assert {p.name for p in helper_files} <= {p.name for p in planner_cache.glob("*.npz")}
    assert progress and progress[-1] > 0.9
    # The batch is gone from the database and the bucket.
    with job.db.session() as s:
        assert s.scalar(select(VoiceChunk.batch_id)) is None
    assert not list(blob_store(planner).scan("work/session1/voicing"))

    # The voice stage now synthesises nothing (every sentence is cached) and sounds the same as
    # voicing the script alone.
    t = time.perf_counter()
    together = voice_storyboard(board, tmp_path / "together", job.cache)
    cached_seconds = time.perf_counter() - t
    alone = voice_storyboard(board, tmp_path / "alone", tmp_path / "alone-cache")
    for a, b in zip(together.scenes, alone.scenes, strict=True):
        assert a.audio is not None and b.audio is not None
        x, y = _samples(a.audio.path), _samples(b.audio.path)
        assert len(x) == len(y)
        assert np.abs(x.astype(np.int32) - y).max() <= 2  # the same synthesis, bit for bit or nearly
        assert [w.word for w in a.audio.words] == [w.word for w in b.audio.words]
    assert cached_seconds < 2.0


def test_a_chunk_held_by_a_dead_worker_is_voiced_by_the_planning_run(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "planner")
    job = _job(settings)
    board = _board()
    queued: list[str] = []

    def dead_helper(batch_id: str) -> None:
        queued.append(batch_id)
        if len(queued) == 1:  # a worker took chunk 1 and was killed long ago (no heartbeat since)
            with job.db.session() as s:
                s.execute(
                    update(VoiceChunk)
                    .where(VoiceChunk.batch_id == batch_id, VoiceChunk.index == 1)
                    .values(status="running", worker="gone:1:t", heartbeat_at=now() - 600)
                )

    voice: Callable[[float], None] = lambda _f: None  # noqa: E731
    SharedVoicing(job, dead_helper).voice(board, job.cache / "tts", voice)
    assert len(queued) == 3  # a helper task per chunk but the planning run's first
    cached = {p.name for p in (job.cache / "tts").glob("*.npz")}
    from reelwright.voice.narrate import cache_file

    for s in sentences_to_voice(board):
        assert cache_file(job.cache / "tts", s.voice_id, s.speed, s.text).name in cached


def test_a_short_script_is_voiced_alone(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "planner").model_copy(update={"fanout_min_seconds": 60.0})
    job = _job(settings)
    queued: list[str] = []
    SharedVoicing(job, queued.append).voice(_board(), job.cache / "tts", lambda _f: None)
    assert queued == []  # about 40 s of speech: under the fan-out's 60 s, not worth the queue
    assert not (job.cache / "tts").exists() or not list((job.cache / "tts").glob("*.npz"))
