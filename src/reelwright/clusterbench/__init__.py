"""``reelwright bench --cluster``: one long video on 1, 2, … worker processes, then many short jobs.

Each run is a real cluster on this machine sharing nothing on disk: one API node
(``REELWRIGHT_WORKERS=0``) and N ``reelwright worker`` processes, each with its own empty data dir
and pinned to cores of its own (``--cpus``: each stands in for a machine), and a fresh PostgreSQL
database, Redis namespace and blob store between them. The long video's scenes fan out over the
workers (docs/decisions/0014); its wall time is split into the serial part (read, plan, voice —
shared with idle workers — up to the hand-off), the scenes and the soundtrack, and the join.
"""

from reelwright.clusterbench.run import ClusterOptions, parse_workers, run_cluster_bench

__all__ = ["ClusterOptions", "parse_workers", "run_cluster_bench"]
