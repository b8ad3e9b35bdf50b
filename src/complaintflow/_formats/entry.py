"""The JSON entry point for bots and hosts: never raises for bad input.

``apply_json(complaint, {"command": "hear_concern", "text": "..."}, at="...")`` returns
either the :class:`Applied` result or the :class:`Rejection` as data, with one stable
reason code for each kind of bad input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

import attrs
from cattrs.errors import BaseValidationError, ClassValidationError, ForbiddenExtraKeysError

from .._core.complaint import Applied, Complaint
from .._core.engine import TEXT_FIELDS, too_long
from .._core.rejection import CommandRejected, Rejection
from .._values.checks import shown
from .._values.errors import InvalidValueError
from .._values.reasons import (
    INVALID_ARGUMENT,
    INVALID_JSON,
    INVALID_PAYLOAD,
    MISSING_ARGUMENT,
    MISSING_COMMAND,
    UNEXPECTED_ARGUMENT,
    UNKNOWN_COMMAND,
    Reason,
)
from ..commands import COMMAND_TYPES, AnyCommand
from .command_json import converter, parse_time
from .json_value import JsonValue

Result = Applied | Rejection
"""What :func:`apply_json` returns: the applied command, or the rejection as data."""


def parse_command(payload: object) -> AnyCommand | list[Reason]:
    """Build the typed command from ``{"command": name, ...arguments}``, or say why not.

    ``null`` for an optional argument means "not given": the command is the same as
    without the key (and so is its fingerprint). A required argument never takes null.
    """
    return _parse(payload)[1]


_NO_ARGUMENTS: tuple[dict[str, object], tuple[str, ...]] = ({}, ())

_OPTIONAL: dict[type[AnyCommand], frozenset[str]] = {
    cls: frozenset(a.name for a in attrs.fields(cls) if a.default is not attrs.NOTHING)
    for cls in COMMAND_TYPES.values()}
"""The arguments each command may leave out: for them, JSON's ``null`` means "not given"
(strict tool schemas always send every key, null for those not given)."""


def _parse(payload: object) -> tuple[str, AnyCommand | list[Reason],
                                     tuple[dict[str, object], tuple[str, ...]]]:
    """The command's name as the payload gives it (``"?"`` if none), the typed command or
    the reasons why there is none, and the arguments with the names of the command's text
    arguments (for the length check, which needs the complaint's policy)."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError) as error:
            detail = error if isinstance(error, ValueError) else "nested too deeply"
            invalid = INVALID_JSON.reason(f"The payload is not valid JSON: {detail}.")
            return "?", [invalid], _NO_ARGUMENTS
    if not isinstance(payload, Mapping):
        return "?", [INVALID_PAYLOAD.reason(
            'A command is a JSON object: {"command": "<name>", ...arguments}.')], _NO_ARGUMENTS
    name = payload.get("command")
    label = name if isinstance(name, str) else "?"
    if name is None:
        return label, [MISSING_COMMAND.reason('The payload has no "command" key.',
                                              "command")], _NO_ARGUMENTS
    command_type = COMMAND_TYPES.get(name) if isinstance(name, str) else None
    if command_type is None:
        return label, [UNKNOWN_COMMAND.reason(f"{shown(name)} is not a command.",
                                              "command")], _NO_ARGUMENTS
    optional = _OPTIONAL[command_type]
    arguments = {key: value for key, value in payload.items()
                 if key != "command" and not (value is None and key in optional)}
    if not all(isinstance(key, str) for key in arguments):
        return label, [INVALID_PAYLOAD.reason("Argument names must be strings.")], _NO_ARGUMENTS
    texts = (arguments, TEXT_FIELDS[command_type])
    try:
        return label, converter.structure(arguments, command_type), texts
    except ClassValidationError as error:
        return label, _reasons(error), texts
    except InvalidValueError as error:
        return label, [Reason(error.code, f"{error.message}.", error.argument)], texts


def _reasons(error: ClassValidationError) -> list[Reason]:
    """One reason per problem that cattrs found, with the argument it is about."""
    with_notes, others = error.group_exceptions()
    reasons: list[Reason] = []
    for problem, note in with_notes:
        if isinstance(problem, KeyError):
            reasons.append(MISSING_ARGUMENT.reason(f"{note.name} is required.", note.name))
        elif isinstance(problem, InvalidValueError):
            # a validator's message names its argument already; a converter hook's does not
            message = problem.message if problem.argument else f"{note.name}: {problem.message}"
            reasons.append(Reason(problem.code, f"{message}.", note.name))
        else:
            detail = (problem.message if isinstance(problem, BaseValidationError)
                      else shown(str(problem), 200))
            reasons.append(INVALID_ARGUMENT.reason(f"{note.name}: {detail}.", note.name))
    for problem in others:
        if isinstance(problem, ForbiddenExtraKeysError):
            reasons += [UNEXPECTED_ARGUMENT.reason(
                f"{key} is not an argument of this command.", key)
                for key in sorted(problem.extra_fields, key=str)]
        elif isinstance(problem, InvalidValueError):  # a validator of the command itself
            reasons.append(Reason(problem.code, f"{problem.message}.", problem.argument))
        else:
            reasons.append(INVALID_ARGUMENT.reason(shown(str(problem), 200)))
    return reasons


def apply_json(complaint: Complaint, payload: object, *, at: datetime | str) -> Result:
    """Apply a JSON command at ``at`` (a datetime or an ISO-8601 string with an offset).

    Never raises for bad input: a malformed payload, an unknown command, missing, extra or
    mistyped arguments, a malformed or naive time, unknown ids and broken rules all come
    back as a :class:`Rejection` whose reasons say what is wrong. ``null`` for an optional
    argument means "not given", as if the key were absent. (A ``complaint`` that is
    not a :class:`Complaint` is the host's bug, not bad input: that raises
    :class:`InvalidValueError`.)
    """
    if not isinstance(complaint, Complaint):
        raise InvalidValueError(f"expected a Complaint, got {type(complaint).__name__}",
                                argument="complaint")
    label, command, (arguments, texts) = _parse(payload)
    reasons = command if isinstance(command, list) else []
    try:
        when = parse_time(at, "at")
    except InvalidValueError as error:
        reasons.append(Reason(error.code, f"at: {error.message}.", "at"))
    if reasons or isinstance(command, list):
        # every problem at once: the engine checks lengths only of a command it is given
        reported = {reason.argument for reason in reasons}
        reasons += too_long(arguments, [name for name in texts if name not in reported],
                            complaint.policy.max_text_length)
        return _rejected(complaint, label, reasons)
    try:
        return complaint.apply(command, at=when)
    except CommandRejected as rejected:
        return rejected.rejection
    except InvalidValueError as error:  # a time the rules cannot place, such as year 1
        return _rejected(complaint, label, [Reason(error.code, f"{error.message}.",
                                                   error.argument or "at")])


def _rejected(complaint: Complaint, command: str, reasons: list[Reason]) -> Rejection:
    return Rejection(command=command, stage=complaint.stage, reasons=tuple(reasons),
                     allowed=complaint.allowed_commands(), complaint=complaint)


def to_json(value: Rejection | Reason) -> dict[str, JsonValue]:
    """A rejection (or reason) as JSON-safe data, for answering a bot: each reason with
    its ``code``, ``kind``, ``message`` and ``argument``."""
    if not isinstance(value, (Rejection, Reason)):
        raise InvalidValueError(f"expected a Rejection or a Reason, got {shown(value)}",
                                argument="value")
    result: dict[str, JsonValue] = converter.unstructure(value)  # reasons with their kind
    return result
