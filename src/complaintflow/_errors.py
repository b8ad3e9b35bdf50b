"""The library's exceptions and the rejection data they carry.

Every exception complaintflow raises derives from :class:`ComplaintflowError`, so a host
can catch the library's failures without catching its own bugs.
"""

from __future__ import annotations

from attrs import frozen


class ComplaintflowError(Exception):
    """Base class of every exception raised by complaintflow."""


class InvalidValueError(ComplaintflowError, ValueError):
    """A value was built from bad input: empty text, a naive datetime, a score of 7, ...

    ``argument`` names the offending field, so that the JSON entry point can point at it.
    """

    def __init__(self, message: str, *, argument: str | None = None,
                 code: str = "invalid_argument"):
        super().__init__(message)
        self.message = message
        self.argument = argument
        self.code = code


@frozen
class Reason:
    """Why a command was rejected: a stable snake_case ``code`` and a human ``message``.

    ``argument`` names the command argument at fault, when there is one.
    """

    code: str
    message: str
    argument: str | None = None


@frozen
class Rejection:
    """A refused command, as data: nothing about the complaint changed."""

    command: str
    stage: str | None
    reasons: tuple[Reason, ...]
    allowed: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order: handy in tests and logs."""
        return tuple(reason.code for reason in self.reasons)

    def explain(self) -> str:
        """One readable paragraph: what was refused and why."""
        where = f" in stage {self.stage!r}" if self.stage else ""
        lines = [f"{self.command!r} was rejected{where}:"]
        lines += [f"  - [{reason.code}] {reason.message}" for reason in self.reasons]
        if self.allowed:
            lines.append("  allowed now: " + ", ".join(self.allowed))
        return "\n".join(lines)


class CommandRejected(ComplaintflowError):
    """Raised by :meth:`Complaint.apply` when a command breaks a rule of the workflow."""

    def __init__(self, rejection: Rejection):
        super().__init__(rejection.explain())
        self.rejection = rejection
