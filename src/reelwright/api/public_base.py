"""The public address a job's links are built on, recorded on its session when it is created.

A worker on another machine does not know the API's address, yet puts download links in the
webhook events it sends. So the API node that accepts a job records its base URL on the session
row: ``REELWRIGHT_PUBLIC_URL`` when configured, else the address the request reached the node at
(scheme and ``Host``, as uvicorn sees them behind a trusted proxy). A worker builds the job's links
on it, unless its own ``REELWRIGHT_PUBLIC_URL`` is set
(:func:`reelwright.store.links.links_base`).
"""

from __future__ import annotations

from contextvars import ContextVar

from reelwright.config import Settings
from reelwright.store.links import public_url_configured

# Set for each request by the app's outermost middleware.
REQUEST_BASE: ContextVar[str | None] = ContextVar("request_base", default=None)


def base_for_new_job(settings: Settings) -> str:
    """What a session created now records as its ``public_url``."""
    reached = REQUEST_BASE.get()
    if public_url_configured(settings) or not reached:
        return settings.public_base
    return reached.rstrip("/")
