"""A worker process's heartbeat row (``worker_nodes``): who it is, whether it runs or drains, how
many tasks it has. The API's ``/readyz`` and ``reelwright doctor`` list the live ones
(:func:`reelwright.store.nodes.live_workers`), so a cluster shows its workers without reaching each
machine."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from sqlalchemy import delete

from reelwright.jobs.drain import DRAIN
from reelwright.jobs.lease import HEARTBEAT_SECONDS
from reelwright.store.db import Database
from reelwright.store.leases import HOLDER
from reelwright.store.models import WorkerNode, now

log = logging.getLogger("reelwright.jobs")

FORGET_AFTER_SECONDS = 24 * 3600  # rows of workers gone this long are removed


class NodeHeartbeat:
    """Registers this process and beats every ``HEARTBEAT_SECONDS`` until stopped."""

    def __init__(self, db: Database, threads: int) -> None:
        self.db = db
        self.threads = threads
        self.id = HOLDER
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_beat = 0.0  # monotonic, for the health endpoint: a stuck database shows there

    def state(self) -> str:
        return "draining" if DRAIN.draining.is_set() else "running"

    def beat(self, state: str | None = None) -> None:
        t = now()
        with self.db.session() as s:
            row = s.get(WorkerNode, self.id)
            if row is None:
                s.add(
                    WorkerNode(
                        id=self.id,
                        hostname=socket.gethostname()[:255],
                        pid=os.getpid(),
                        threads=self.threads,
                        state=state or self.state(),
                        running=DRAIN.running,
                        started_at=t,
                        heartbeat_at=t,
                    )
                )
            else:
                row.state, row.running, row.heartbeat_at = state or self.state(), DRAIN.running, t
        self.last_beat = time.monotonic()

    def start(self) -> NodeHeartbeat:
        self.beat()
        with self.db.session() as s:
            s.execute(delete(WorkerNode).where(WorkerNode.heartbeat_at < now() - FORGET_AFTER_SECONDS))

        def loop() -> None:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # the database may be briefly away: the next beat tries again
                    log.warning("worker heartbeat failed", exc_info=True)

        self._thread = threading.Thread(target=loop, daemon=True, name="worker-heartbeat")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        try:
            self.beat("stopped")
        except Exception:
            log.warning("could not record that this worker stopped", exc_info=True)
