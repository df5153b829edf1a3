"""One of several processes doing a node's periodic work at the same instant (test_cluster.py):
the stale-job sweep, the webhook dispatcher's passes and the retention lease. Prints what this
process won, as JSON."""

from __future__ import annotations

import json
import sys
import time

from reelwright.config import Settings
from reelwright.jobs.lease import requeue_stale
from reelwright.jobs.queue import JobQueue
from reelwright.store.db import shared_database
from reelwright.store.leases import take_lease
from reelwright.webhooks.dispatcher import deliver_due


def main(start_at: float) -> None:
    settings = Settings()
    db = shared_database(settings.resolved_database_url)
    queue = JobQueue(settings)
    with db.session():
        pass  # connect before the start line, so both processes begin on an equal footing
    time.sleep(max(0.0, start_at - time.time()))
    requeued = requeue_stale(settings, queue.enqueue)
    lease = take_lease(db, "retention", 600)
    attempts = 0
    while (made := deliver_due(settings, db, limit=5)) > 0:
        attempts += made
    print(json.dumps({"requeued": requeued, "lease": lease, "attempts": attempts}))


if __name__ == "__main__":
    main(float(sys.argv[1]))
