"""The package graph of ``src/reelwright`` is a DAG.

A package is the first name under ``reelwright`` (``reelwright.render.fonts`` belongs to
``render``; a top-level module such as ``reelwright.storyboard`` is a package of its own). Every
``import reelwright.x...``, ``from reelwright.x... import`` and ``from reelwright import x`` counts,
at module level and inside functions alike (a deferred import is still a dependency; it only moves
the cost to first use). The migrations are skipped: Alembic loads them by path and nothing imports
them.

The engine packages are layered ``previews -> render -> {avatar, styles}``, ``avatar -> voice``
(see ``reelwright/previews/__init__.py``); the HTTP layer sits above the worker's inputs and
below the composition roots (see ``docs/decisions/0007-request-stages-worker-plugins.md``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import reelwright

ROOT_PACKAGE = "reelwright"
SRC = Path(reelwright.__file__).resolve().parent
SKIPPED = ("store/migrations",)


@dataclass
class Graph:
    edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # (from package, to package) -> "module:line" of each import that makes the edge
    why: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, src: str, dst: str, where: str) -> None:
        if src != dst:
            self.edges[src].add(dst)
            self.why[(src, dst)].append(where)

    def nodes(self) -> set[str]:
        return set(self.edges) | {d for ds in self.edges.values() for d in ds}


def _module_name(root: Path, file: Path) -> str:
    parts = [root.name, *file.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, root: Path) -> str | None:
    """The package a dotted name belongs to, or None when it is not one of ours."""
    parts = module.split(".")
    if parts[0] != root.name:
        return None
    return parts[1] if len(parts) > 1 else root.name


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, root: Path) -> list[str]:
    """The dotted names an import statement brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        here = module.split(".") if is_package else module.split(".")[:-1]
        here = here[: len(here) - (node.level - 1)]
        base = ".".join([*here, base] if base else here)
    if base == root.name:
        # ``from reelwright import x``: x is a subpackage or module when one exists by that name,
        # otherwise a name defined in reelwright/__init__.py.
        return [
            f"{base}.{a.name}" if (root / a.name).is_dir() or (root / f"{a.name}.py").is_file() else base
            for a in node.names
        ]
    return [base]


def import_graph(root: Path = SRC) -> Graph:
    graph = Graph()
    for file in sorted(root.rglob("*.py")):
        rel = file.relative_to(root).as_posix()
        if any(rel.startswith(skip + "/") for skip in SKIPPED):
            continue
        module = _module_name(root, file)
        src = _package_of(module, root)
        assert src is not None
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):  # walks function bodies too
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(node, module, file.name == "__init__.py", root):
                dst = _package_of(name, root)
                if dst is not None:
                    graph.add(src, dst, f"{module}:{node.lineno}")
    return graph


def strongly_connected(graph: Graph) -> list[frozenset[str]]:
    """The graph's cycles, as its strongly connected sets of two or more packages (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.add(w)
                if w == v:
                    break
            if len(members) > 1:
                found.append(frozenset(members))

    for v in sorted(graph.nodes()):
        if v not in index:
            visit(v)
    return found


def describe(graph: Graph, cycles: list[frozenset[str]]) -> str:
    """Each cycle's edges and the imports that make them, for the failure message."""
    lines: list[str] = []
    for members in cycles:
        lines.append(f"cycle among {{{', '.join(sorted(members))}}}:")
        for a in sorted(members):
            for b in sorted(graph.edges[a] & members):
                lines.append(f"  {a} -> {b}: {', '.join(graph.why[(a, b)])}")
    return "\n".join(lines)


def test_package_graph_is_acyclic() -> None:
    graph = import_graph()
    cycles = strongly_connected(graph)
    assert not cycles, "the package import graph has a cycle:\n" + describe(graph, cycles)


def test_engine_layering() -> None:
    """The direction the engine packages were untangled in: previews above render above the
    engines, typography in styles, visemes in voice."""
    edges = import_graph().edges
    assert {"avatar", "styles", "voice"} <= edges["render"]
    assert "voice" in edges["avatar"]
    assert {"avatar", "voice", "styles", "render"} <= edges["previews"]
    for engine in ("render", "avatar", "voice", "styles"):
        assert "previews" not in edges[engine], engine
    assert not edges["voice"] & {"avatar", "render", "styles"}
    assert not edges["styles"] & {"avatar", "render", "voice"}


def test_http_and_lower_layers() -> None:
    """The API and web app import nothing of the worker or the pipeline (they queue work through
    the queue the composition root hands them); the lower layers import no higher one."""
    edges = import_graph().edges
    for http in ("api", "web"):
        assert not edges[http] & {"jobs", "pipeline", "server", "cli"}, (http, edges[http])
    assert "web" not in edges["api"]
    for low in ("store", "storyboard", "request", "plugins", "hookspecs", "ingest"):
        assert not edges[low] & {"api", "web", "jobs", "pipeline", "plan", "server", "cli"}, (low, edges[low])


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checker_sees_every_kind_of_import(tmp_path: Path) -> None:
    """A cycle made only of deferred, relative and ``from reelwright import x`` imports is found,
    with the module and line of each import; migrations are not read."""
    root = tmp_path / "reelwright"
    _write(root, "__init__.py", '__version__ = "0"\n')
    _write(root, "a/__init__.py", "from ..d import x\n")
    _write(root, "a/one.py", "def f():\n    from reelwright.b.two import g\n")
    _write(root, "b/__init__.py", "from .two import g\n")
    _write(root, "b/two.py", "from reelwright import c, __version__\ndef g(): ...\n")
    _write(root, "c.py", "import reelwright.a.one\n")
    _write(root, "d.py", "import os\nfrom reelwright import __version__\n")
    _write(root, "store/migrations/versions/0001.py", "import reelwright.d\n")
    _write(root, "store/__init__.py", "")

    graph = import_graph(root)
    assert strongly_connected(graph) == [frozenset({"a", "b", "c"})]
    assert graph.edges["a"] == {"b", "d"}
    assert graph.edges["b"] == {"c", "reelwright"}
    assert graph.edges["d"] == {"reelwright"}
    assert "store" not in graph.edges
    text = describe(graph, strongly_connected(graph))
    assert "a -> b: reelwright.a.one:2" in text
    assert "b -> c: reelwright.b.two:1" in text
    assert "c -> a: reelwright.c:1" in text
