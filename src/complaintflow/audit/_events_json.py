"""A private stand-in for event JSON until ``load_event`` is available: one event from
the dict of a JSON line, by the private converter (times are ISO-8601 strings with an
offset, amounts decimal strings, durations whole seconds)."""

from __future__ import annotations

import enum
from datetime import timedelta

from .._converter import make_converter
from .._errors import InvalidValueError
from .._values import CustomerResponse, Outcome, Owner, Severity, Stage, as_member
from ..events import EVENT_TYPES, AnyEvent

_converter = make_converter()


def _seconds(value: object, _: object) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValueError(f"expected a duration in seconds, got {value!r}")
    return timedelta(seconds=value)


def _member(value: object, cls: type[enum.Enum]) -> enum.Enum:
    return as_member(cls, value, cls.__name__)


_converter.register_structure_hook(timedelta, _seconds)
# one hook per str enum: the str hook would otherwise take them, as plain strings
for _enum in (Stage, Severity, Owner, CustomerResponse, Outcome):
    _converter.register_structure_hook(_enum, _member)
_converter.register_unstructure_hook(timedelta, lambda delta: delta.total_seconds())


def _read_event(data: object) -> AnyEvent:
    """The event a JSON object describes: ``{"type": ..., "seq": ..., "at": ..., ...}``."""
    if not isinstance(data, dict):
        raise InvalidValueError(f"expected a JSON object, got {type(data).__name__}")
    fields = dict(data)
    event_type = fields.pop("type", None)
    cls = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    if cls is None:
        raise InvalidValueError(f"unknown event type {event_type!r}", argument="type")
    try:
        event: AnyEvent = _converter.structure(fields, cls)
    except InvalidValueError:
        raise
    except Exception as error:  # cattrs' exception groups: one message for the user
        raise InvalidValueError(f"invalid {event_type} event: {_first(error)}") from error
    return event


def _write_event(event: AnyEvent) -> dict[str, object]:
    """The JSON object of ``event`` (the inverse of :func:`_read_event`)."""
    data: dict[str, object] = {"type": event.type, **_converter.unstructure(event)}
    return data


def _first(error: BaseException) -> str:
    """The innermost message of an exception (group)."""
    inner = getattr(error, "exceptions", None)
    if inner:
        return _first(inner[0])
    return str(error) or type(error).__name__
