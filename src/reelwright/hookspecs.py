"""The extension points: what a plugin can add to Reelwright (pluggy hook specifications).

In the manner of simonw/llm and datasette: each hook receives a ``register`` function and calls it
once per thing it adds. Reelwright's own engines register through these same hooks (see
:mod:`reelwright.plugins`); a third-party package registers through the ``reelwright`` entry-point
group::

    [project.entry-points.reelwright]
    my_voices = "my_package.reelwright_plugin"

and its module implements any of the hooks below with ``@reelwright.hookimpl``.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookspec = pluggy.HookspecMarker("reelwright")
hookimpl = pluggy.HookimplMarker("reelwright")

Register = Callable[..., None]


@hookspec
def register_planners(register: Register) -> None:
    """Add planners: ``register(name, make, *, configured, priority=0)``.

    ``make(settings)`` returns a fresh :class:`reelwright.plan.base.Planner` for one job;
    ``configured(settings)`` says whether its settings are present. A job uses the configured
    planner with the highest priority (a language model over the offline rules)."""


@hookspec
def register_voices(register: Register) -> None:
    """Add a speech engine with its voices: ``register(engine)``, where ``engine`` has ``name``,
    ``voices()`` (a list of :class:`reelwright.voice.info.VoiceInfo`, whose ``engine`` is that name)
    and ``load(voice)`` returning a :class:`reelwright.voice.engine.SpeechEngine`."""


@hookspec
def register_presenters(register: Register) -> None:
    """Add a presenter renderer: ``register(kind, make)``. ``make(avatar_id, size, photo)`` returns a
    :class:`reelwright.avatar.presenter.Presenter`, or None when the id is not of its kind."""


@hookspec
def register_blob_stores(register: Register) -> None:
    """Add a blob store: ``register(scheme, make)``; ``make(url, settings)`` returns a
    :class:`reelwright.store.blobs.BlobStore` for a ``REELWRIGHT_BLOB_URL`` of that scheme
    (``file`` is the data dir's ``files/`` folder, the default)."""


@hookspec
def register_queues(register: Register) -> None:
    """Add a queue backend: ``register(scheme, make)``; ``make(url, settings)`` returns a Huey
    instance for a ``REELWRIGHT_QUEUE_URL`` of that scheme (``sqlite`` is the embedded default)."""


@hookspec
def register_input_readers(register: Register) -> None:
    """Add a file type: ``register(kind, inspect)``. ``inspect(info, limits)`` fills in an
    :class:`reelwright.ingest.files.InputFile` of that kind (its bytes were recognised by the
    sniffer as ``kind``) or rejects the file with a one-line problem."""
