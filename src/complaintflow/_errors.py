"""The library's exceptions.

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
class Problem:
    """One thing wrong with persisted data: where (a JSON path such as
    ``$.concerns[0].text``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SnapshotError(ComplaintflowError, ValueError):
    """Persisted data (a snapshot, an event, an event log) cannot be loaded.

    ``problems`` lists every problem found, each with its JSON path, so that one failed load
    tells the whole story rather than the first symptom.
    """

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"cannot load: {len(self.problems)} problem(s)\n{lines}")

    def __reduce__(self) -> tuple[type[SnapshotError], tuple[tuple[Problem, ...]]]:
        return (SnapshotError, (self.problems,))
