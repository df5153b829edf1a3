"""Prometheus metrics: requests and latency counted in-process; jobs, queue depth, stage durations
and webhook deliveries read from the shared database and queue at scrape time, so the numbers are
the same whichever API process answers and include work done by workers on other machines."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from reelwright.store.db import Database
from reelwright.store.models import AgentSession, StageStat, Video, WebhookDelivery

log = logging.getLogger("reelwright.api")


class QueueDepth(Protocol):
    def pending_count(self) -> int: ...


class _StoreCollector(Collector):
    def __init__(self, db: Database, queue: QueueDepth | None) -> None:
        self.db = db
        self.queue = queue

    def collect(self) -> Iterator[Metric]:
        sessions = GaugeMetricFamily("reelwright_jobs", "Agent sessions by status", labels=["status"])
        videos = GaugeMetricFamily("reelwright_videos", "Videos by status", labels=["status"])
        hooks = GaugeMetricFamily(
            "reelwright_webhook_deliveries", "Webhook deliveries by status", labels=["status"]
        )
        stage_sum = CounterMetricFamily(
            "reelwright_stage_seconds", "Time spent in each pipeline stage (sum and count)", labels=["stage"]
        )
        stage_count = CounterMetricFamily("reelwright_stage_runs", "Pipeline stage runs", labels=["stage"])
        with self.db.session() as s:
            for model, family in ((AgentSession, sessions), (Video, videos), (WebhookDelivery, hooks)):
                for status, count in s.execute(select(model.status, func.count()).group_by(model.status)):
                    family.add_metric([status], count)
            for stat in s.scalars(select(StageStat)):
                stage_sum.add_metric([stat.stage], stat.total_seconds)
                stage_count.add_metric([stat.stage], stat.count)
        yield from (sessions, videos, hooks, stage_sum, stage_count)
        if self.queue is None:
            return
        depth = GaugeMetricFamily("reelwright_queue_depth", "Tasks waiting in the queue")
        try:
            depth.add_metric([], self.queue.pending_count())
        except Exception:  # the queue is down: say so in the logs, still serve the other metrics
            log.warning("could not read the queue depth", exc_info=True)
            return
        yield depth


# Every label value comes from a fixed set, so no request can add time series: made-up HTTP methods
# count as "other", routes are the app's own path templates (or "unmatched") and statuses are
# numbers the HTTP status line allows.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in _METHODS else "other"


def status_label(status: int) -> str:
    return str(status) if 100 <= status <= 599 else "other"


def metrics_token_ok(token: str | None, authorization: str | None) -> bool:
    """/metrics is open when no token is configured, else it needs ``Authorization: Bearer <token>``."""
    if not token:
        return True
    bearer = authorization is not None and authorization.lower().startswith("bearer ")
    supplied = authorization[7:].strip() if authorization is not None and bearer else ""
    return hmac.compare_digest(supplied.encode(), token.encode())


class Metrics:
    def __init__(self, db: Database, queue: QueueDepth | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "reelwright_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "reelwright_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.registry.register(_StoreCollector(db, queue))
