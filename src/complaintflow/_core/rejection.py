"""Rejections: a refused command as data, and as the exception Python callers get."""

from __future__ import annotations

from attrs import frozen

from .._values.enums import Stage
from .._values.errors import ComplaintflowError
from .._values.reasons import Reason


@frozen
class Rejection:
    """A refused command, as data: nothing about the complaint changed."""

    command: str
    stage: Stage
    reasons: tuple[Reason, ...]
    allowed: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order: handy in tests and logs."""
        return tuple(reason.code for reason in self.reasons)

    def explain(self) -> str:
        """One readable paragraph: what was refused and why."""
        lines = [f"{self.command!r} was rejected in stage {self.stage.value!r}:"]
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
