"""The workflow as a state machine: the rows' routes held by one shared ``transitions``
Machine, read back into typed routes and a lookup table.

It is built once per process on one shared ``transitions.Machine(model=None,
auto_transitions=False)``: ``transitions`` validates the definition and holds it. A typed
adapter then reads it back into :class:`Route` values and a lookup table, so that no
``transitions`` type (and no ``Any``) reaches the rest of the library, and so that the hot
path is a dictionary lookup rather than a callback chain. ``allowed_commands()`` and the
Mermaid diagram both come from this one definition.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen
from transitions import Machine

from .._values.enums import Stage
from .row import Branch
from .steps import ROWS


@frozen
class Route:
    """``command`` from ``source`` leads to ``dest`` (``None``: stays), if ``branch`` holds."""

    command: str
    source: Stage
    dest: Stage | None
    branch: Branch | None = None


def definition() -> tuple[tuple[str, tuple[Stage, ...], Stage | None, Branch | None], ...]:
    """Every route of every row as ``(command, sources, dest, branch)``, in row order: what
    the machine is built from (and what the benchmark builds its competitors from)."""
    return tuple((row.name, goes.sources, goes.dest, goes.branch)
                 for row in ROWS for goes in row.routes)


def _build_machine() -> Machine:
    """The one shared Machine: no model, no auto transitions, never one per complaint."""
    transitions: list[dict[str, object]] = []
    for command, sources, dest, branch in definition():
        spec: dict[str, object] = {
            "trigger": command,
            "source": [stage.value for stage in sources],
            "dest": dest.value if dest is not None else None,
        }
        if branch is not None:
            spec["conditions"] = [branch.value]
        transitions.append(spec)
    return Machine(
        model=None,
        states=[stage.value for stage in Stage],
        transitions=transitions,
        initial=Stage.VERIFYING.value,
        auto_transitions=False,
    )


def _read_routes(machine: Machine) -> tuple[Route, ...]:
    """Read the machine's definition back as typed routes (the adapter)."""
    routes: list[Route] = []
    for command, event in machine.events.items():
        for source, transitions in event.transitions.items():
            for transition in transitions:
                branches = [condition.func for condition in transition.conditions]
                if len(branches) > 1 or not all(isinstance(b, str) for b in branches):
                    raise TypeError(f"route {command!r} from {source!r} has unsupported conditions")
                routes.append(
                    Route(
                        command=command,
                        source=Stage(source),
                        dest=Stage(transition.dest) if transition.dest is not None else None,
                        branch=Branch(str(branches[0])) if branches else None,
                    )
                )
    return tuple(routes)


class Workflow:
    """The definition, read back from the shared machine into lookup tables."""

    __slots__ = ("_by_stage", "routes", "table")

    def __init__(self, routes: Iterable[Route]):
        self.routes: tuple[Route, ...] = tuple(routes)
        table: dict[tuple[Stage, str], tuple[Route, ...]] = {}
        for route in self.routes:
            table[route.source, route.command] = (*table.get((route.source, route.command), ()),
                                                  route)
        self.table: dict[tuple[Stage, str], tuple[Route, ...]] = table
        """The routes by (source stage, command), in the order they are tried."""
        self._by_stage: dict[Stage, tuple[str, ...]] = {
            stage: tuple(dict.fromkeys(r.command for r in self.routes if r.source is stage))
            for stage in Stage
        }

    def routes_for(self, stage: Stage, command: str) -> tuple[Route, ...]:
        """The routes of ``command`` from ``stage``; empty when the stage does not accept it."""
        return self.table.get((stage, command), ())

    def commands_for(self, stage: Stage) -> tuple[str, ...]:
        """The commands ``stage`` accepts, in definition order."""
        return self._by_stage[stage]

    def mermaid(self) -> str:
        """The stage diagram as Mermaid ``stateDiagram-v2`` text (no graphviz needed).

        Stage changes are drawn as arrows; the commands that keep a stage are listed in a
        note beside it, except those every open stage accepts (named in the first note).
        """
        lines = ["stateDiagram-v2", f"    [*] --> {Stage.VERIFYING.value}"]
        seen: set[tuple[Stage, Stage, str]] = set()
        for route in self.routes:
            if route.dest is None or route.dest is route.source:
                continue
            label = route.command + (f" [{route.branch.value}]" if route.branch else "")
            key = (route.source, route.dest, label)
            if key not in seen:
                seen.add(key)
                lines.append(f"    {route.source.value} --> {route.dest.value}: {label}")
        lines.append(f"    {Stage.CLOSED.value} --> [*]")
        staying = {
            stage: [r.command for r in self.routes if r.source is stage and r.dest is None]
            for stage in Stage
        }
        everywhere = [
            command for command in dict.fromkeys(staying[Stage.VERIFYING])
            if all(command in staying[stage] for stage in Stage if stage is not Stage.CLOSED)
        ]
        lines += ["    note left of verifying",
                  "        every open stage: " + ", ".join(everywhere), "    end note"]
        for stage in Stage:
            stays = [command for command in staying[stage] if command not in everywhere]
            if stays:
                lines.append(f"    note right of {stage.value}")
                lines.append("        " + ", ".join(dict.fromkeys(stays)))
                lines.append("    end note")
        return "\n".join(lines) + "\n"


WORKFLOW = Workflow(_read_routes(_build_machine()))
"""The process-wide workflow definition."""
