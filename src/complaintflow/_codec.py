"""The persistence converter: complete, strict JSON for snapshots and events.

It is stricter than the command converter in one way that matters for stored data: every
field must be present, even one with a default. A snapshot with a field cut off is
damaged, and loading it must fail rather than quietly reset the field. Failures come back
as :class:`Problem` values with JSON paths, read off cattrs' validation notes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import attrs
from cattrs import Converter
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from ._converter import make_converter, parse_time
from ._errors import InvalidValueError, Problem
from ._values import StrEnum, utc

_DURATION = re.compile(r"(-?)P(?:(\d+)D)?(?:T(\d+)(?:\.(\d{1,6}))?S)?")


def format_duration(value: timedelta) -> str:
    """``timedelta(days=30)`` as ``"P30D"``, ``timedelta(seconds=90.5)`` as ``"PT90.5S"``.

    The ISO-8601 duration subset that a ``timedelta`` holds exactly: days and seconds.
    """
    sign, value = ("-", -value) if value < timedelta(0) else ("", value)
    text = f"{value.days}D" if value.days else ""
    if value.seconds or value.microseconds or not value.days:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        text += f"T{value.seconds}{fraction}S"
    return f"{sign}P{text}"


def parse_duration(value: object) -> timedelta:
    """The inverse of :func:`format_duration`."""
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None or (match.group(2) is None and match.group(3) is None):
        raise InvalidValueError(f"expected an ISO-8601 duration such as 'P30D', got {value!r}")
    sign, days, seconds, fraction = match.groups()
    duration = timedelta(days=int(days or 0), seconds=int(seconds or 0),
                         microseconds=int((fraction or "").ljust(6, "0")))
    return -duration if sign else duration


def _iso(kind: type[date] | type[time], label: str) -> Callable[[object, object], Any]:
    def structure(value: object, _: object) -> date | time:
        if isinstance(value, str):
            try:
                return kind.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidValueError(f"expected {label}, got {value!r}")

    return structure


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, str):
        for member in cls:
            if member.value == value:
                return member
    names = ", ".join(repr(member.value) for member in cls)
    raise InvalidValueError(f"expected one of {names}, got {value!r}")


def _annotated(error: Exception, note: str) -> Exception:
    # as cattrs does (a note that is not a str subclass would not fit add_note's contract)
    setattr(error, "__notes__", [*getattr(error, "__notes__", []), note])  # noqa: B010
    return error


def _tuples(conv: Converter) -> Callable[[object, Any], tuple[Any, ...]]:
    """Tuples from JSON arrays, with the index of every bad item in the error."""

    def structure(value: object, cls: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValueError(f"expected an array, got {json_type(value)}")
        item_type = cls.__args__[0]
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(conv.structure(item, item_type))
            except Exception as error:  # every problem is reported, with its path
                note = IterableValidationNote(f"Structuring item @ index {index}", index,
                                              item_type)
                errors.append(_annotated(error, note))
        if errors:
            raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
        return tuple(items)

    return structure


def _complete(cls: type[Any], conv: Converter) -> Callable[[object, Any], Any]:
    """An attrs class from a JSON object that must hold every field, defaulted or not."""
    generated = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
    defaulted = [a for a in attrs.fields(cls) if a.init and a.default is not attrs.NOTHING]

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidValueError(f"expected an object, got {json_type(value)}")
        missing = [a for a in defaulted if a.name not in value]
        if not missing:
            return generated(value, cls)
        errors: list[Exception] = [
            _annotated(KeyError(a.name), AttributeValidationNote(
                f"Structuring class {cls.__qualname__} @ attribute {a.name}", a.name, a.type))
            for a in missing]
        try:
            generated(value, cls)
        except ClassValidationError as error:
            errors.extend(error.exceptions)
        except Exception as error:  # reported with the missing fields
            errors.append(error)
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)

    return structure


def make_persistence_converter() -> Converter:
    """The converter behind snapshots and events."""
    conv = make_converter()
    conv.register_structure_hook(datetime, lambda value, _: utc(parse_time(value)))
    conv.register_structure_hook(timedelta, lambda value, _: parse_duration(value))
    conv.register_unstructure_hook(timedelta, format_duration)
    conv.register_structure_hook(date, _iso(date, "an ISO-8601 date such as '2026-12-18'"))
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(time, _iso(time, "an ISO-8601 time of day such as '17:30'"))
    conv.register_unstructure_hook(time, time.isoformat)
    # a str-valued enum is also a str: the strict str hook would pass its raw value through
    conv.register_structure_hook(StrEnum, _structure_enum)
    conv.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _structure_enum)
    conv.register_structure_hook_func(
        lambda cls: getattr(cls, "__origin__", None) is tuple, _tuples(conv))
    conv.register_structure_hook_factory(attrs.has, lambda cls: _complete(cls, conv))
    return conv


converter = make_persistence_converter()


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def problems(error: BaseException, path: str = "$") -> list[Problem]:
    """Every problem inside a (cattrs) structuring error, each with its JSON path."""
    if isinstance(error, (ClassValidationError, IterableValidationError)):
        found: list[Problem] = []
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            where = (f"{path}[{note.index}]" if isinstance(note, IterableValidationNote)
                     else f"{path}.{note.name}")
            found += problems(inner, where)
        for inner in without:
            found += problems(inner, path)
        return found
    if isinstance(error, KeyError):
        return [Problem(path, "missing field")]
    if isinstance(error, ForbiddenExtraKeysError):
        return [Problem(f"{path}.{key}", "unknown field")
                for key in sorted(error.extra_fields, key=str)]
    if isinstance(error, InvalidValueError):
        if error.argument and not path.endswith(f".{error.argument}"):
            path = f"{path}.{error.argument}"
        return [Problem(path, error.message)]
    return [Problem(path, f"cannot read this value ({type(error).__name__}: {error})")]
