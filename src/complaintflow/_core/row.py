"""One row per command: everything the workflow knows about a command, declared together.

A :class:`Row` holds the command class, the event class it records, ``decide`` (the guard:
the event, or the reasons it is refused), ``evolve`` (how the event changes the complaint),
the routes it takes and its flags. Rows live in the modules of ``steps``, one module per
workflow step; every registry of the workflow is derived from them (see ``definition``).
Because ``Row`` is generic in its command and event, mypy refuses a ``decide`` or an
``evolve`` written for another command or event.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import frozen

from .._values.enums import Stage
from .._values.reasons import Reason, ReasonCode
from ..commands import Command
from ..events import Event

if TYPE_CHECKING:  # the aggregate is built on the rows; the type is only for annotations
    from .complaint import Complaint

C = TypeVar("C", bound=Command)
E = TypeVar("E", bound=Event)

Changes = dict[str, Any]
"""The fields of the complaint that an event changes, by name."""


class Branch(str, enum.Enum):
    """A named condition that picks between two routes of the same command.

    A closed set instead of string callbacks: the machine stores the name, the workflow
    reads it back into this enum, and the engine owns the predicate.
    """

    SEVERAL_OPEN_CONCERNS = "several_open_concerns"
    ANYTHING_OPEN = "anything_open"


@frozen
class Goes:
    """A row's route: from any of ``sources`` to ``dest`` (``None``: it stays), when
    ``branch`` holds (``None``: always, or as the fallback of the routes before it)."""

    sources: tuple[Stage, ...]
    dest: Stage | None = None
    branch: Branch | None = None


def stays_in(*sources: Stage) -> Goes:
    """The command is accepted in ``sources`` and keeps the stage."""
    return Goes(sources)


def moves(*sources: Stage, to: Stage, when: Branch | None = None) -> Goes:
    """From ``sources`` the command moves the complaint on ``to`` a stage (if ``when``)."""
    return Goes(sources, to, when)


_V, _L, _P, _A, _R, _F, _RC, _C = Stage
OPEN_STAGES = (_V, _L, _P, _A, _R, _F, _RC)
"""Every stage but ``closed``."""
EVERY_STAGE = (*OPEN_STAGES, _C)
WORK_STAGES = (_R, _F)
"""Where the response is worked on: ``responding`` and ``following_up``."""


@frozen(kw_only=True)
class Row(Generic[C, E]):
    """One command of the workflow, declared once.

    ``decide(complaint, command, seq, at)`` returns the event to record (with ``seq`` and
    ``at``) or the reasons for refusing, every one that applies; ``refusals`` are the rule
    codes it may give. ``evolve(complaint, event)`` returns the fields the event changes.
    ``routes`` are tried in order; a stage no route starts from does not accept the command.
    ``before_review``: whether a follow-up contact accepts it before its open items are
    reviewed (every contact starts with the review, but conduct or a hang-up cannot wait).

    What a reader of the guard may rely on without running it (the agents' guidance does;
    tests check each against the guard): ``given_only`` pairs a refusal with the optional
    argument it needs given (a command leaving it out never meets it); ``policy_only``:
    the guard reads nothing of the complaint but its policy, nor the time; ``id_first``: for
    ids none of which is open (unknown, closed, completed), the guard reads nothing of the
    complaint but whether each exists and its status (besides the command and the time);
    ``refuses_as``: the guard refuses exactly as that command's does for the same id;
    ``reads``: for an open concern, the guard reads nothing of the complaint but whether
    each of these fields of that concern is set (a flag: whether it is true), besides the
    command and the time.
    """

    command: type[C]
    event: type[E]
    decide: Callable[[Complaint, C, int, datetime], E | list[Reason]]
    evolve: Callable[[Complaint, E], Changes]
    routes: tuple[Goes, ...]
    before_review: bool
    refusals: tuple[ReasonCode, ...] = ()
    given_only: tuple[tuple[ReasonCode, str], ...] = ()
    policy_only: bool = False
    id_first: bool = False
    refuses_as: str | None = None
    reads: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The command's stable JSON name."""
        return self.command.command
