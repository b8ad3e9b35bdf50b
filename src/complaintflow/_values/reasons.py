"""Why a command was refused: :class:`Reason` values and the published reason codes.

A code is declared once, beside the check that uses it, with :func:`reason_code`; every
declared code is in :data:`REASON_CODES` with its kind and a sentence saying what it
means, which is what the docs' reason-code table is generated from. The codes of bad
input, which every layer may report, are declared here.
"""

from __future__ import annotations

from attrs import frozen

from .enums import StrEnum
from .errors import ComplaintflowError


class ReasonKind(StrEnum):
    """What kind of problem a reason code names."""

    BAD_INPUT = "bad_input"
    """The payload itself is wrong (an HTTP host answers 422)."""
    RULE = "rule"
    """The workflow refuses the command now (409)."""
    NOT_FOUND = "not_found"
    """An unknown complaint (404)."""


@frozen
class ReasonCode:
    """A stable snake_case reason code, its kind and what it means."""

    code: str
    kind: ReasonKind
    meaning: str

    def reason(self, message: str, argument: str | None = None) -> Reason:
        """A :class:`Reason` with this code."""
        return Reason(self.code, message, argument)


REASON_CODES: dict[str, ReasonCode] = {}
"""Every declared reason code, in the order of declaration."""


def reason_code(code: str, kind: ReasonKind, meaning: str) -> ReasonCode:
    """Declare a reason code; a code declared twice is a bug, found at import."""
    if code in REASON_CODES:
        raise ComplaintflowError(f"reason code {code!r} is declared twice")
    declared = REASON_CODES[code] = ReasonCode(code, kind, meaning)
    return declared


@frozen
class Reason:
    """Why a command was rejected: a stable snake_case ``code`` and a human ``message``.

    ``argument`` names the command argument at fault, when there is one.
    """

    code: str
    message: str
    argument: str | None = None

    @property
    def kind(self) -> ReasonKind:
        """The kind of the code, which is what an HTTP host answers with: ``bad_input``
        422, ``rule`` 409, ``not_found`` 404. An undeclared code is a bug, and raises."""
        declared = REASON_CODES.get(self.code)
        if declared is None:
            code = self.code[:60] if isinstance(self.code, str) else type(self.code).__name__
            raise ComplaintflowError(f"reason code {code!r} is not declared with reason_code()")
        return declared.kind


_BAD = ReasonKind.BAD_INPUT

INVALID_JSON = reason_code("invalid_json", _BAD,
                           "The payload is a string that is not valid JSON.")
INVALID_PAYLOAD = reason_code("invalid_payload", _BAD, "The payload is not a JSON object.")
MISSING_COMMAND = reason_code("missing_command", _BAD,
                              'The payload has no `"command"` key.')
UNKNOWN_COMMAND = reason_code(
    "unknown_command", _BAD,
    '`"command"` names no command (from Python: the object given to `apply` is not a '
    "command).")
MISSING_ARGUMENT = reason_code("missing_argument", _BAD, "A required argument is missing.")
UNEXPECTED_ARGUMENT = reason_code(
    "unexpected_argument", _BAD,
    "An argument the command does not have (one reason per extra key).")
INVALID_ARGUMENT = reason_code(
    "invalid_argument", _BAD,
    "An argument has the wrong JSON type or an invalid value: blank text, not one of the "
    'allowed values, a string or number for a flag (`"false"` is not `false`), a lone '
    "string where a list of ids belongs, an empty or repeating id list, a negative amount, "
    "a score outside 1 to 5, a float for an amount.")
INVALID_TIME = reason_code("invalid_time", _BAD,
                           "A time is not an ISO-8601 string with an offset.")
NAIVE_TIME = reason_code("naive_time", _BAD,
                         "A time has no UTC offset (a naive datetime).")

UNKNOWN_COMPLAINT = reason_code("unknown_complaint", ReasonKind.NOT_FOUND,
                                "No complaint with this id is stored.")
COMPLAINT_EXISTS = reason_code("complaint_exists", ReasonKind.RULE,
                               "A complaint with this id is already stored: open another id, "
                               "or work on this one.")

# the host's own limits on an agent (complaintflow.agents.AgentLimits)
COMMAND_DENIED = reason_code("command_denied", ReasonKind.RULE,
                             "The host does not let the agent use this command.")
AUTHORITY_ABOVE_CEILING = reason_code(
    "authority_above_ceiling", ReasonKind.RULE,
    "An agent's escalation would set an authority limit above the ceiling the host lets an "
    "agent set in that currency (or in a currency the host sets no ceiling for).")
