"""The package's folders are its layers: imports run one way, downward, with no circle.

Read from the source with ``ast``, every import that runs (a lazy import inside a function
included; only ``if TYPE_CHECKING:`` blocks are left out, since they never run).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import complaintflow
from complaintflow import agents, audit, reports, stores, testing, training
from complaintflow.stores import memory, sqlite

PACKAGE = Path(complaintflow.__file__).resolve().parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("complaintflow._values",),
    ("complaintflow._clocks",),
    ("complaintflow._core.policy",),
    ("complaintflow.commands", "complaintflow.events"),
    ("complaintflow._core",),
    ("complaintflow._formats",),
    ("complaintflow._publish", "complaintflow.audit", "complaintflow.reports",
     "complaintflow.stores"),
    ("complaintflow.agents",),  # tools for LLM agents: schemas, guidance, the MCP server
    ("complaintflow.training",),  # scenarios, simulated customers, scoring: on the agents
    ("complaintflow.testing",),
    ("complaintflow",),  # the facade: the public API, which the command line is built on
    ("complaintflow._cli", "complaintflow.__main__"),
)
"""From the bottom up. A module may import its own layer (without a circle) and those
below; the first matching prefix, longest first, decides a module's layer."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    def visit(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (i for n in child.orelse for i in visit(n))
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            yield from visit(child)

    return visit(tree)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = package
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                origin = (f"{base}.{node.module}" if node.module else base) if node.level else (
                    node.module or "")
                # `from . import commands` imports a module; `from .x import y` imports x
                targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules
                           else origin for alias in node.names]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


GRAPH = _graph()


def _layer(module: str) -> int:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                    best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def test_every_module_is_in_a_layer() -> None:
    assert len(GRAPH) > 50
    for module in GRAPH:
        _layer(module)


def test_imports_run_downward() -> None:
    upward = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                    for target in targets if _layer(target) > _layer(module))
    assert upward == []


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: any with two or more modules is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return found


def test_there_is_no_import_circle() -> None:
    assert circles(GRAPH) == []


def test_the_checks_see_a_circle_and_skip_only_type_checking_imports() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "complaintflow._core.engine" in GRAPH["complaintflow._core.complaint"]
    assert "complaintflow._core.complaint" not in GRAPH["complaintflow._core.engine"]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
                     "def f():\n    import b\n")
    assert [ast.unparse(node) for node in _runtime_imports(tree)] == [
        "from typing import TYPE_CHECKING", "import b"]


def test_only_the_layers_lie_at_the_top() -> None:
    """Private code lives in the layer folders; only the publishing helper sits beside the
    public modules."""
    flat = sorted(path.name for path in PACKAGE.glob("_*.py") if path.name != "__init__.py")
    assert flat == ["__main__.py", "_publish.py"]


PUBLIC_MODULES = (complaintflow, agents, audit, reports, stores, testing, training, memory,
                  sqlite)


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_public_names_carry_their_public_module(module: object) -> None:
    names = getattr(module, "__all__")  # noqa: B009  (every public module has one)
    for name in names:
        owner = getattr(getattr(module, name), "__module__", None)
        if isinstance(owner, str) and owner.startswith("complaintflow"):
            assert not any(part.startswith("_") for part in owner.split(".")), (name, owner)


def test_published_names_still_pickle_and_resolve_their_types() -> None:
    """Renaming ``__module__`` must not break what looks names up by it."""
    import pickle
    import typing
    from datetime import datetime, timezone

    from complaintflow import CommandRejected, Complaint, ConfirmConcern, open_complaint

    complaint = open_complaint("C-1", at=datetime(2026, 3, 2, tzinfo=timezone.utc)).complaint
    assert pickle.loads(pickle.dumps(complaint)) == complaint
    with pytest.raises(CommandRejected) as raised:
        complaint.apply(ConfirmConcern(concern_id="K1"), at=complaint.updated_at)
    error = raised.value
    assert f"{type(error).__module__}.{type(error).__qualname__}" == (
        "complaintflow.CommandRejected")
    assert pickle.loads(pickle.dumps(error)).rejection == error.rejection
    assert typing.get_type_hints(Complaint)["received_at"] is datetime
    assert testing.ComplianceError.__module__ == "complaintflow.testing"
