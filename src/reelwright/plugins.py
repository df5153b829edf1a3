"""The plugin manager: Reelwright's own engines and third-party plugins, found the same way.

Built-in engines live in ordinary modules (``reelwright.voice.engines`` ...) that implement the
hooks of :mod:`reelwright.hookspecs`; they are loaded here by name, like any plugin installed
through the ``reelwright`` entry-point group, so nothing here imports an engine and every engine
is replaceable. ``reelwright plugins`` lists what is loaded.

Each registry below is read once per process, the first time something asks for it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from reelwright import hookspecs

# Reelwright's own engines, registered through the same hooks a third-party package uses.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "reelwright.plan.engines",
    "reelwright.voice.engines",
    "reelwright.avatar.engines",
    "reelwright.ingest.readers",
    "reelwright.store.engines",
    "reelwright.jobs.backends",
)
ENTRY_POINT_GROUP = "reelwright"

_lock = threading.RLock()
_manager: pluggy.PluginManager | None = None
_loading = False


def plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, with the built-ins and every installed plugin loaded."""
    global _manager, _loading
    with _lock:
        if _manager is None:
            if _loading:
                # A plugin module asked for a registry while being imported: it would see half of
                # them. Plugin modules import what they need inside their functions.
                raise RuntimeError("a plugin module used the plugin registry while the plugins were loading")
            _loading = True
            try:
                pm = pluggy.PluginManager("reelwright")
                pm.add_hookspecs(hookspecs)
                for name in DEFAULT_PLUGINS:
                    pm.register(importlib.import_module(name), name)
                pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
                _manager = pm
            finally:
                _loading = False
        return _manager


@dataclass(frozen=True)
class Registration:
    """One thing a plugin registered: the plugin's name, and what it passed to ``register``."""

    plugin: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


_collected: dict[str, list[Registration]] = {}


def registrations(hook: str) -> list[Registration]:
    """Everything registered through ``hook`` (e.g. ``"register_voices"``), built-ins first."""
    with _lock:
        if hook not in _collected:
            pm = plugin_manager()
            found: list[Registration] = []
            # Built-ins first (in DEFAULT_PLUGINS order), then plugins: a plugin that registers an
            # existing name replaces the built-in.
            impls = getattr(pm.hook, hook).get_hookimpls()
            order = {name: i for i, name in enumerate(DEFAULT_PLUGINS)}
            for impl in sorted(impls, key=lambda i: order.get(i.plugin_name, len(order))):

                def register(*args: Any, _plugin: str = impl.plugin_name, **kwargs: Any) -> None:
                    found.append(Registration(_plugin, args, kwargs))

                impl.function(register)
            _collected[hook] = found
        return _collected[hook]


def by_name(hook: str) -> dict[str, Registration]:
    """Registrations keyed by their first argument (a name, kind or scheme); later ones win."""
    return {str(r.args[0]): r for r in registrations(hook)}


@dataclass(frozen=True)
class PluginInfo:
    name: str
    hooks: list[str]
    package: str | None  # the distribution that installed it; None for a built-in
    version: str | None


def loaded_plugins() -> list[PluginInfo]:
    pm = plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(id(plugin))
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append(
            PluginInfo(
                name=name,
                hooks=hooks,
                package=dist.project_name if dist is not None else None,
                version=dist.version if dist is not None else None,
            )
        )
    return out


def registered_names(hook: str, plugin: str) -> list[str]:
    """What ``plugin`` registered through ``hook``, by name (an engine object by its ``name``)."""
    names = []
    for r in registrations(hook):
        if r.plugin == plugin and r.args:
            first = r.args[0]
            names.append(first if isinstance(first, str) else str(getattr(first, "name", first)))
    return names


def register_for_tests(module: object, name: str) -> Callable[[], None]:
    """Load ``module`` as a plugin now (tests); returns the function that unloads it again."""
    with _lock:
        pm = plugin_manager()
        pm.register(module, name)
        _collected.clear()

    def unload() -> None:
        with _lock:
            pm.unregister(name=name)
            _collected.clear()

    return unload
