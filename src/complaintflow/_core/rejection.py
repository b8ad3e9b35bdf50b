"""Rejections: a refused command as data, and as the exception Python callers get."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from attrs import field, frozen

from .._values.enums import Stage
from .._values.errors import ComplaintflowError
from .._values.reasons import Reason

if TYPE_CHECKING:  # the complaint is built on rejections; the type is for annotations only
    from .complaint import Complaint


@frozen
class Rejection:
    """A refused command, as data: nothing about the complaint changed.

    ``stage`` and ``allowed`` are the complaint's as it refused the command;
    :attr:`complaint` is that complaint itself. A host that looks complaints up by id
    answers an unknown id with a rejection that has no complaint: ``stage`` is ``None``,
    ``allowed`` empty, and its reason ``unknown_complaint``.
    """

    command: str
    stage: Stage | None
    reasons: tuple[Reason, ...]
    allowed: tuple[str, ...]
    # not part of the value: two rejections with the same reasons are equal
    _complaint: object = field(default=None, eq=False, repr=False, alias="complaint")

    @property
    def complaint(self) -> Complaint | None:
        """The complaint that refused the command, unchanged (``None`` when there is
        none: an unknown complaint)."""
        return cast("Complaint | None", self._complaint)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order: handy in tests and logs."""
        return tuple(reason.code for reason in self.reasons)

    def explain(self) -> str:
        """One readable paragraph: what was refused and why."""
        where = f"in stage {self.stage.value!r}" if self.stage is not None else "(no complaint)"
        lines = [f"{self.command!r} was rejected {where}:"]
        lines += [f"  - [{reason.code}] {reason.message}" for reason in self.reasons]
        if self.allowed:
            lines.append("  allowed now: " + ", ".join(self.allowed))
        return "\n".join(lines)


class CommandRejected(ComplaintflowError):
    """Raised by :meth:`Complaint.apply` when a command breaks a rule of the workflow."""

    def __init__(self, rejection: Rejection):
        super().__init__(rejection.explain())
        self.rejection = rejection

    def __reduce__(self) -> tuple[type[CommandRejected], tuple[Rejection]]:
        # picklable for task queues and process pools: rebuild from the rejection
        return (CommandRejected, (self.rejection,))
