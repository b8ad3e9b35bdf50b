"""The workflow definition: the rows, checked whole when the package is imported, and
every registry derived from them.

Nothing here is written by hand twice: which guard decides a command, which fold applies an
event, which command records an event, and which commands a follow-up contact accepts
before its review all come from the rows of ``steps``. A command, an event or a route
without a complete row stops the import with a message that names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, get_args

from .. import commands as cmd
from .. import events as ev
from .._values.errors import ComplaintflowError
from .._values.reasons import Reason, ReasonCode, ReasonKind
from .row import Changes, Row
from .steps import ROWS

if TYPE_CHECKING:
    from .complaint import Complaint

ENGINE_EVENTS: tuple[type[ev.Event], ...] = (ev.ComplaintOpened, ev.StageChanged)
"""The events no command records: a log's start, and the engine's stage changes."""

_WHERE = "a module of complaintflow._core.steps"


def problems(rows: Sequence[Row[Any, Any]], commands: Iterable[type[cmd.Command]],
             events: Iterable[type[ev.Event]], exported_commands: Iterable[str],
             exported_events: Iterable[str]) -> list[str]:
    """Everything incomplete about ``rows`` against the command and event classes: one
    sentence each, naming the class, the command or the route."""
    found: list[str] = []
    commands, events = tuple(commands), tuple(events)
    command_names, event_names = set(exported_commands), set(exported_events)
    by_command: dict[type[cmd.Command], Row[Any, Any]] = {}
    by_event: dict[type[ev.Event], Row[Any, Any]] = {}
    for row in rows:
        label = f"the row of {row.command.__name__}"
        if row.command in by_command:
            found.append(f"{row.command.__name__} has two rows")
        by_command[row.command] = row
        if row.event in by_event:
            found.append(f"{row.event.__name__} is recorded by two rows: "
                         f"{by_event[row.event].command.__name__} and {row.command.__name__}")
        by_event[row.event] = row
        if row.command not in commands:
            found.append(f"{row.command.__name__} has a row but is not in "
                         "complaintflow.commands.AnyCommand")
        if row.event not in events or row.event in ENGINE_EVENTS:
            found.append(f"{label} records {row.event.__name__}, which is not an event of "
                         "complaintflow.events.AnyEvent that a command may record")
        found += _route_problems(row, label)
        found += [f"{label} refuses with {code.code!r}, which is not a rule code"
                  for code in row.refusals if code.kind is not ReasonKind.RULE]
    for command in commands:
        if command not in by_command:
            found.append(f"command {command.__name__} ({command.command!r}) has no row: "
                         f"declare one, Row(command={command.__name__}, ...), in {_WHERE}")
        if command.__name__ not in command_names:
            found.append(f"{command.__name__} is not in complaintflow.commands.__all__")
    for event in events:
        if event not in by_event and event not in ENGINE_EVENTS:
            found.append(f"event {event.__name__} ({event.type!r}) is recorded by no row: "
                         f"name it as the event of its command's row in {_WHERE}")
        if event.__name__ not in event_names:
            found.append(f"{event.__name__} is not in complaintflow.events.__all__")
    return found


def _route_problems(row: Row[Any, Any], label: str) -> list[str]:
    if not row.routes:
        return [f"{label} has no route: no stage would accept {row.name}"]
    found: list[str] = []
    seen: dict[object, bool] = {}  # stage -> whether an unconditional route leaves it
    for goes in row.routes:
        if not goes.sources:
            found.append(f"{label} has a route from no stage")
        for stage in goes.sources:
            if seen.get(stage):
                found.append(f"{label}: a route from {stage} can never be taken, because an "
                             "earlier route from there has no branch")
            seen[stage] = seen.get(stage, False) or goes.branch is None
    found += [f"{label}: the last route from {stage} needs no branch, or {row.name} may "
              "match no route there" for stage, always in seen.items() if not always]
    return found


_found = problems(ROWS, get_args(cmd.AnyCommand), get_args(ev.AnyEvent), cmd.__all__,
                  ev.__all__)
if _found:
    raise ComplaintflowError("complaintflow's workflow definition is incomplete:\n  - "
                             + "\n  - ".join(_found))

Decide = Callable[["Complaint", Any, int, datetime], "ev.AnyEvent | list[Reason]"]
Evolve = Callable[["Complaint", Any], Changes]

ROW_OF: dict[str, Row[Any, Any]] = {row.name: row for row in ROWS}
"""Every row by its command's name, in workflow order."""

DECIDERS: dict[type[cmd.Command], Decide] = {row.command: row.decide for row in ROWS}
EVOLVERS: dict[type[ev.Event], Evolve] = {row.event: row.evolve for row in ROWS}

RECORDED_BY: dict[str, str] = {row.event.type: row.name for row in ROWS}
"""The command that records each event type (``complaint_opened`` and ``stage_changed``
have none): for readers of event logs, which see events, not commands."""

BEFORE_REVIEW: frozenset[str] = frozenset(row.name for row in ROWS if row.before_review)
"""The commands a follow-up contact accepts before its open items are reviewed."""

REFUSALS: dict[str, tuple[ReasonCode, ...]] = {row.name: row.refusals for row in ROWS}
"""The rule codes each command's guard may refuse it with."""
