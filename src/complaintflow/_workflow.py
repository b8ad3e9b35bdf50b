"""The workflow definition: stages, commands and where each command leads.

It is built once per process on one shared ``transitions.Machine(model=None,
auto_transitions=False)``: ``transitions`` validates the definition and holds it. A typed
adapter then reads it back into :class:`Route` values and a lookup table, so that no
``transitions`` type (and no ``Any``) reaches the rest of the library, and so that the hot
path is a dictionary lookup rather than a callback chain. ``allowed_commands()`` and the
Mermaid diagram both come from this one definition.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from attrs import frozen
from transitions import Machine

from ._values import Stage


class Branch(str, enum.Enum):
    """A named condition that picks between two routes of the same command.

    A closed set instead of string callbacks: the machine stores the name, the adapter
    turns it back into this enum, and the rules module owns the predicate.
    """

    SEVERAL_OPEN_CONCERNS = "several_open_concerns"
    ANYTHING_OPEN = "anything_open"


@frozen
class Route:
    """``command`` from ``source`` leads to ``dest`` (``None``: stays), if ``branch`` holds."""

    command: str
    source: Stage
    dest: Stage | None
    branch: Branch | None = None


_V, _L, _P, _A, _R, _F, _RC, _C = Stage
_OPEN = (_V, _L, _P, _A, _R, _F, _RC)
_ANY = (*_OPEN, _C)
_WORK = (_R, _F)

# (command, sources, destination or None to stay, branch or None). Where one command has
# several routes from a stage, they are tried in order and the first whose branch holds
# wins; the last one has no branch.
_DEFINITION: tuple[tuple[str, tuple[Stage, ...], Stage | None, Branch | None], ...] = (
    ("verify_customer", (_V,), _L, None),
    ("refer", (_V,), _C, None),
    ("assign", _OPEN, None, None),
    ("hear_concern", (_L,), None, None),
    ("hear_concern", (_F,), _L, None),
    ("restate_concern", (_L,), None, None),
    ("confirm_concern", (_L,), None, None),
    ("reject_restatement", (_L,), None, None),
    ("no_more_concerns", (_L,), _P, Branch.SEVERAL_OPEN_CONCERNS),
    ("no_more_concerns", (_L,), _A, None),
    ("prioritize", (_P,), _A, None),
    ("assess_impact", (_A,), None, None),
    ("confirm_impact", (_A,), None, None),
    ("begin_response", (_A,), _R, None),
    ("give_relief", _WORK, None, None),
    ("plan_action", _WORK, None, None),
    ("complete_action", _WORK, None, None),
    ("resolve_concern", _WORK, None, None),
    ("mark_unresolvable", _WORK, None, None),
    ("offer_compensation", _WORK, None, None),
    ("schedule_follow_up", _WORK, None, None),
    ("confirm_next_steps", (_R,), _F, Branch.ANYTHING_OPEN),
    ("confirm_next_steps", (_R,), _RC, None),
    ("start_contact", (_F,), None, None),
    ("review_open_items", (_F,), None, None),
    ("end_contact", (_F,), None, None),
    ("begin_recap", (_F,), _RC, None),
    ("recap", (_RC,), None, None),
    ("seek_closure", (_RC,), None, None),
    ("thank_customer", (_RC,), None, None),
    ("close", (_RC,), _C, None),
    ("reopen", (_C,), _L, None),
    ("apologize", _OPEN, None, None),
    ("express_empathy", _OPEN, None, None),
    ("let_vent", _OPEN, None, None),
    ("escalate", _OPEN, None, None),
    ("withdraw", _OPEN, _C, None),
    ("record_root_cause", _ANY, None, None),
    ("record_preventive_action", _ANY, None, None),
    ("record_feedback", (_C,), None, None),
    ("record_communication", _ANY, None, None),
)


def _build_machine() -> Machine:
    """The one shared Machine: no model, no auto transitions, never one per complaint."""
    transitions: list[dict[str, object]] = []
    for command, sources, dest, branch in _DEFINITION:
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
