"""The JSON entry point for bots and hosts: never raises for bad input.

``apply_json(complaint, {"command": "hear_concern", "text": "..."}, at="...")`` returns
either the :class:`Applied` result or the :class:`Rejection` as data, with one stable
reason code for each kind of bad input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TypeAlias

from cattrs.errors import BaseValidationError, ClassValidationError, ForbiddenExtraKeysError

from ._complaint import Applied, Complaint
from ._converter import converter, parse_time
from ._errors import InvalidValueError
from ._rejection import CommandRejected, Reason, Rejection
from ._rules import reject
from .commands import COMMAND_TYPES, AnyCommand

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
"""Any JSON value, as ``json.loads`` returns it."""

Result = Applied | Rejection
"""What :func:`apply_json` returns: the applied command, or the rejection as data."""


def parse_command(payload: object) -> AnyCommand | list[Reason]:
    """Build the typed command from ``{"command": name, ...arguments}``, or say why not."""
    decoded = _decoded(payload)
    return [decoded] if isinstance(decoded, Reason) else _structured(decoded)


def _structured(payload: object) -> AnyCommand | list[Reason]:
    """The typed command from an already decoded payload, or the reasons why not."""
    if not isinstance(payload, Mapping):
        return [Reason("invalid_payload",
                       'A command is a JSON object: {"command": "<name>", ...arguments}.')]
    name = payload.get("command")
    if name is None:
        return [Reason("missing_command", 'The payload has no "command" key.', "command")]
    command_type = COMMAND_TYPES.get(name) if isinstance(name, str) else None
    if command_type is None:
        return [Reason("unknown_command", f"{name!r} is not a command.", "command")]
    arguments = {key: value for key, value in payload.items() if key != "command"}
    if not all(isinstance(key, str) for key in arguments):
        return [Reason("invalid_payload", "Argument names must be strings.")]
    try:
        return converter.structure(arguments, command_type)
    except ClassValidationError as error:
        return _reasons(error)
    except InvalidValueError as error:
        return [Reason(error.code, f"{error.message}.", error.argument)]


def _decoded(payload: object) -> object:
    """A JSON text decoded; anything else as it is; a :class:`Reason` when it is not JSON."""
    if not isinstance(payload, (str, bytes)):
        return payload
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as error:
        detail = error if isinstance(error, ValueError) else "nested too deeply"
        return Reason("invalid_json", f"The payload is not valid JSON: {detail}.")


def _reasons(error: ClassValidationError) -> list[Reason]:
    """One reason per problem that cattrs found, with the argument it is about."""
    with_notes, others = error.group_exceptions()
    reasons: list[Reason] = []
    for problem, note in with_notes:
        if isinstance(problem, KeyError):
            reasons.append(Reason("missing_argument", f"{note.name} is required.", note.name))
        elif isinstance(problem, InvalidValueError):
            reasons.append(Reason(problem.code, f"{note.name}: {problem.message}.", note.name))
        else:
            detail = problem.message if isinstance(problem, BaseValidationError) else problem
            reasons.append(Reason("invalid_argument", f"{note.name}: {detail}.", note.name))
    for problem in others:
        if isinstance(problem, ForbiddenExtraKeysError):
            reasons += [Reason("unexpected_argument", f"{key} is not an argument of this command.",
                               key) for key in sorted(problem.extra_fields, key=str)]
        elif isinstance(problem, InvalidValueError):  # a validator of the command itself
            reasons.append(Reason(problem.code, f"{problem.message}.", problem.argument))
        else:
            reasons.append(Reason("invalid_argument", str(problem)))
    return reasons


def apply_json(complaint: Complaint, payload: object, *, at: datetime | str) -> Result:
    """Apply a JSON command at ``at`` (a datetime or an ISO-8601 string with an offset).

    Never raises for bad input: a malformed payload, an unknown command, missing, extra or
    mistyped arguments, a malformed or naive time, unknown ids and broken rules all come
    back as a :class:`Rejection` whose reasons say what is wrong. (A ``complaint`` that is
    not a :class:`Complaint` is the host's bug, not bad input: that raises
    :class:`InvalidValueError`.)
    """
    if not isinstance(complaint, Complaint):
        raise InvalidValueError(f"expected a Complaint, got {complaint!r}", argument="complaint")
    decoded = _decoded(payload)
    name = decoded.get("command") if isinstance(decoded, Mapping) else None
    label = name if isinstance(name, str) else "?"
    command = [decoded] if isinstance(decoded, Reason) else _structured(decoded)
    reasons = command if isinstance(command, list) else []
    try:
        when = parse_time(at, "at")
    except InvalidValueError as error:
        reasons.append(Reason(error.code, f"at: {error.message}.", "at"))
    if reasons or isinstance(command, list):
        return reject(complaint, label, reasons)
    try:
        return complaint.apply(command, at=when)
    except CommandRejected as rejected:
        return rejected.rejection
    except InvalidValueError as error:  # a time the rules cannot place, such as year 1
        return reject(complaint, label, [Reason(error.code, f"{error.message}.",
                                                error.argument or "at")])


def to_json(value: Rejection | Reason) -> dict[str, JsonValue]:
    """A rejection (or reason) as JSON-safe data, for answering a bot."""
    if not isinstance(value, (Rejection, Reason)):
        raise InvalidValueError(f"expected a Rejection or a Reason, got {value!r}",
                                argument="value")
    result: dict[str, JsonValue] = converter.unstructure(value)
    return result
