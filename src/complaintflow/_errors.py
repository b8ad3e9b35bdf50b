"""The library's exceptions.

Every exception complaintflow raises derives from :class:`ComplaintflowError`, so a host
can catch the library's failures without catching its own bugs.
"""

from __future__ import annotations


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
