"""Voicing a long script together: the run that planned a video and any idle workers share it.

Synthesis was the largest serial part of a fanned-out video (docs/decisions/0014): one worker
voiced every sentence while the others waited for the scenes. Sentences are independent and the
speech cache is keyed by (voice, speed, sentence), so the planning run splits the sentences it is
about to synthesise into chunks of roughly equal length, stores the list in the blob store,
writes one ``voice_chunks`` row per chunk and queues a helper task per chunk but its own first.

Whoever claims a chunk (a conditional update, as for a scene) voices it into its own speech cache;
a helper also uploads each sentence's cache file. The planning run claims chunks too, in order,
so with no idle worker it simply voices everything itself; when no chunk is left to claim it
fetches the helpers' files into its cache as their chunks finish, and takes over a chunk whose
helper stopped beating. Then the ordinary voice stage runs and finds every sentence cached.
Piper is deterministic (no noise, see voice/piper_engine.py), so a sentence voiced elsewhere is
the same audio it would have made itself.
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, update

from reelwright.config import Settings
from reelwright.jobs.job import JobRun
from reelwright.jobs.row_leases import DONE, PENDING, beating, claim, claimable, release, worker_name
from reelwright.store.blobs import BlobStore, blob_store
from reelwright.store.db import Database, shared_database
from reelwright.store.files import work_key
from reelwright.store.models import VoiceChunk, now
from reelwright.storyboard import Storyboard
from reelwright.voice.narrate import cache_file
from reelwright.voice.stage import Sentence, is_cached, sentences_to_voice, speak_all

log = logging.getLogger("reelwright.jobs")

WORDS_PER_SECOND = 2.6  # a natural voice's pace, to size the chunks before anything is voiced
CHUNK_SECONDS = 12.0  # of speech per chunk: small enough to share well, large enough to be worth a task
MAX_HELPERS = 8  # helper tasks queued for one script (each voices chunks until none is left)
POLL_SECONDS = 0.25
FETCHES_AT_ONCE = 8  # sentences fetched from the blob store side by side (~100 kB each)


def estimated_seconds(sentences: Sequence[Sentence]) -> float:
    return sum(len(s.text.split()) / WORDS_PER_SECOND / s.speed for s in sentences)


def chunked(sentences: Sequence[Sentence], n: int) -> list[list[Sentence]]:
    """``n`` runs of consecutive sentences of about the same spoken length, in order."""
    weights = [len(s.text.split()) / s.speed for s in sentences]
    total = sum(weights) or 1.0
    chunks: list[list[Sentence]] = [[] for _ in range(n)]
    done = 0.0
    for sentence, weight in zip(sentences, weights, strict=True):
        # A sentence goes to the chunk its midpoint falls in.
        k = min(n - 1, int((done + weight / 2) / total * n))
        chunks[k].append(sentence)
        done += weight
    return [c for c in chunks if c]


def _prefix(session_id: str, batch_id: str) -> str:
    return f"{work_key(session_id)}/voicing/{batch_id}"


def _encode(chunks: list[list[Sentence]]) -> bytes:
    rows = [[[s.voice_id, s.speed, s.text] for s in chunk] for chunk in chunks]
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def _decode(data: bytes) -> list[list[Sentence]]:
    return [[Sentence(str(v), float(sp), str(t)) for v, sp, t in chunk] for chunk in json.loads(data)]


def _claim(db: Database, batch_id: str, me: str, stale_after: int, index: int | None = None) -> int | None:
    """Take a chunk (the given one, or the first free one) unless a live worker holds it or it is
    done; its index, or None when there is none to take."""
    t = now()
    with db.session() as s:
        candidates = (
            [index]
            if index is not None
            else list(
                s.scalars(
                    select(VoiceChunk.index)
                    .where(VoiceChunk.batch_id == batch_id, claimable(VoiceChunk, t, stale_after))
                    .order_by(VoiceChunk.index)
                )
            )
        )
    for i in candidates:
        # Another worker may take it between the look and the claim: then try the next one.
        chunk = (VoiceChunk.batch_id == batch_id, VoiceChunk.index == i)
        if claim(db, VoiceChunk, me, stale_after, *chunk, at=t) is not None:
            return i
    return None


def _finish(db: Database, batch_id: str, index: int, me: str, *, done: bool) -> None:
    """Mark a held chunk done, or hand it back (pending) after a failure."""
    held = (VoiceChunk.batch_id == batch_id, VoiceChunk.index == index, VoiceChunk.worker == me)
    if not done:
        release(db, VoiceChunk, *held)
        return
    with db.session() as s:
        s.execute(update(VoiceChunk).where(*held).values(status=DONE))


def _blob_name(sentence: Sentence) -> str:
    return cache_file(Path(), sentence.voice_id, sentence.speed, sentence.text).name


@dataclass
class SharedVoicing:
    """The planning run's side: split, queue helpers, voice its own share, gather the rest."""

    job: JobRun
    queue_helper: Callable[[str], None]  # queues one helper task for a batch

    def voice(self, board: Storyboard, cache: Path, progress: Callable[[float], None]) -> None:
        settings = self.job.settings
        cache.mkdir(parents=True, exist_ok=True)
        todo = [s for s in sentences_to_voice(board) if not is_cached(cache, s)]
        seconds = estimated_seconds(todo)
        # Only worth a round trip through the queue for a script the cluster renders scene by scene.
        if not settings.fanout or seconds < max(settings.fanout_min_seconds, 2 * CHUNK_SECONDS):
            return
        chunks = chunked(todo, max(2, math.ceil(seconds / CHUNK_SECONDS)))
        batch_id = uuid.uuid4().hex
        prefix = _prefix(self.job.session_id, batch_id)
        self.job.blobs.put_bytes(f"{prefix}/chunks.json", _encode(chunks))
        with self.job.db.session() as s:
            for i in range(len(chunks)):
                s.add(
                    VoiceChunk(
                        batch_id=batch_id, index=i, session_id=self.job.session_id, status=PENDING, attempts=0
                    )
                )
        for _ in range(min(len(chunks) - 1, MAX_HELPERS)):
            self.queue_helper(batch_id)
        started = time.perf_counter()
        try:
            mine, gathered = self._gather(batch_id, prefix, chunks, cache, progress)
        finally:
            with self.job.db.session() as s:
                s.execute(delete(VoiceChunk).where(VoiceChunk.batch_id == batch_id))
            self.job.blobs.delete_prefix(prefix)
        log.info(
            "session %s: %d sentences in %d chunks, %d voiced here and %d on other workers, in %.1f s",
            self.job.session_id,
            len(todo),
            len(chunks),
            mine,
            gathered,
            time.perf_counter() - started,
        )

    def _gather(
        self,
        batch_id: str,
        prefix: str,
        chunks: list[list[Sentence]],
        cache: Path,
        progress: Callable[[float], None],
    ) -> tuple[int, int]:
        """Voice free chunks here, in order; when none is free, fetch the finished ones. How many
        chunks were voiced here and how many elsewhere."""
        db, blobs, me = self.job.db, self.job.blobs, worker_name()
        stale_after = self.job.settings.stale_job_seconds
        mine: set[int] = set()
        gathered: set[int] = set()
        while len(mine) + len(gathered) < len(chunks):
            index = _claim(db, batch_id, me, stale_after)
            if index is not None:
                held = (VoiceChunk.batch_id == batch_id, VoiceChunk.index == index, VoiceChunk.worker == me)
                with beating(db, self.job.settings, VoiceChunk, *held):
                    speak_all(chunks[index], cache)
                _finish(db, batch_id, index, me, done=True)
                mine.add(index)
            else:
                with db.session() as s:
                    finished = set(
                        s.scalars(
                            select(VoiceChunk.index).where(
                                VoiceChunk.batch_id == batch_id, VoiceChunk.status == DONE
                            )
                        )
                    )
                ready = sorted(finished - mine - gathered)
                gone = _fetch_voiced(blobs, prefix, [s for i in ready for s in chunks[i]], cache)
                if gone:
                    log.warning("batch %s: %d sentences voiced elsewhere are gone", batch_id, len(gone))
                    speak_all(gone, cache)
                gathered.update(ready)
                if len(mine) + len(gathered) < len(chunks):
                    time.sleep(POLL_SECONDS)
            progress((len(mine) + len(gathered)) / len(chunks) * 0.95)
        return len(mine), len(gathered)


def _fetch_voiced(
    blobs: BlobStore, prefix: str, sentences: Sequence[Sentence], cache: Path
) -> list[Sentence]:
    """Fetch sentences another worker voiced into the cache, several at once (each is a round
    trip to the blob store); those the store no longer has."""
    wanted = [s for s in sentences if not is_cached(cache, s)]
    if not wanted:
        return []

    def fetch(sentence: Sentence) -> bool:
        path = cache_file(cache, sentence.voice_id, sentence.speed, sentence.text)
        return blobs.fetch(f"{prefix}/{_blob_name(sentence)}", path)

    with ThreadPoolExecutor(max_workers=FETCHES_AT_ONCE, thread_name_prefix="reelwright-fetch") as pool:
        fetched = list(pool.map(fetch, wanted))
    return [s for s, ok in zip(wanted, fetched, strict=True) if not ok]


def help_voice(settings: Settings, batch_id: str) -> None:
    """A helper task: voice chunks of a batch until none is left to claim, uploading each file."""
    db = shared_database(settings.resolved_database_url)
    me = worker_name()
    with db.session() as s:
        session_id = s.scalar(select(VoiceChunk.session_id).where(VoiceChunk.batch_id == batch_id).limit(1))
    if session_id is None:
        return  # the batch is finished (its planning run removed it)
    blobs = blob_store(settings)
    prefix = _prefix(session_id, batch_id)
    chunks: list[list[Sentence]] | None = None
    cache = settings.data_dir / "cache" / "tts"  # the worker's own speech cache (JobRun.cache)

    def upload(sentence: Sentence, path: Path) -> None:
        # put_file would move the file out of this worker's cache; a sentence is ~100 kB.
        blobs.put_bytes(f"{prefix}/{_blob_name(sentence)}", path.read_bytes())

    while (index := _claim(db, batch_id, me, settings.stale_job_seconds)) is not None:
        if chunks is None:
            data = blobs.read_bytes(f"{prefix}/chunks.json")
            if data is None:
                _finish(db, batch_id, index, me, done=False)
                return
            chunks = _decode(data)
        held = (VoiceChunk.batch_id == batch_id, VoiceChunk.index == index, VoiceChunk.worker == me)
        try:
            with beating(db, settings, VoiceChunk, *held):
                speak_all(chunks[index], cache, spoken=upload)
        except Exception:
            # Handed back: the planning run voices it itself.
            log.exception("voicing chunk %d of batch %s failed on %s; handed back", index, batch_id, me)
            _finish(db, batch_id, index, me, done=False)
            return
        _finish(db, batch_id, index, me, done=True)


ABANDONED_SECONDS = 3600


def forget_abandoned_batches(settings: Settings) -> None:
    """A planning run removes its batch when it has gathered it; one killed mid-way leaves rows
    (its session is run again and splits its script anew): dropped after an hour untouched.
    Their blobs are under the session's work folder, which retention sweeps."""
    db = shared_database(settings.resolved_database_url)
    with db.session() as s:
        s.execute(delete(VoiceChunk).where(VoiceChunk.updated_at < now() - ABANDONED_SECONDS))
