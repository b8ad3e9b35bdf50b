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


class StoreError(ComplaintflowError):
    """A complaint store could not do what was asked."""


class ComplaintNotFound(StoreError, KeyError):
    """No complaint with this id is stored."""

    def __init__(self, complaint_id: str):
        super().__init__(complaint_id)
        self.complaint_id = complaint_id

    def __str__(self) -> str:
        return f"no complaint {self.complaint_id!r} is stored"


class ComplaintExists(StoreError):
    """A complaint with this id is already stored; ``add`` is for new complaints only."""

    def __init__(self, complaint_id: str):
        super().__init__(f"complaint {complaint_id!r} is already stored")
        self.complaint_id = complaint_id

    def __reduce__(self) -> tuple[type[ComplaintExists], tuple[str]]:
        return (ComplaintExists, (self.complaint_id,))


class ConcurrencyConflict(StoreError):
    """Another writer saved the complaint since it was loaded: load it again and retry.

    ``expected`` is the revision the writer loaded; ``actual`` the one stored now.
    """

    def __init__(self, complaint_id: str, expected: int, actual: int):
        super().__init__(f"complaint {complaint_id!r} is at revision {actual}, not the "
                         f"expected {expected}: another writer saved it first")
        self.complaint_id = complaint_id
        self.expected = expected
        self.actual = actual

    def __reduce__(self) -> tuple[type[ConcurrencyConflict], tuple[str, int, int]]:
        return (ConcurrencyConflict, (self.complaint_id, self.expected, self.actual))
