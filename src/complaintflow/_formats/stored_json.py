"""The persistence converter: complete, strict JSON for snapshots and events.

It is stricter than the command converter in one way that matters for stored data: every
field must be present, even one with a default. A snapshot with a field cut off is
damaged, and loading it must fail rather than quietly reset the field. Failures come back
as :class:`Problem` values with JSON paths, read off cattrs' validation notes.
"""

from __future__ import annotations

import enum
import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
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

from .._core.policy import Policy
from .._values.checks import shown, to_decimal, unicode_problem, utc
from .._values.enums import StrEnum
from .._values.errors import InvalidValueError, Problem
from .command_json import make_converter, parse_time, structure_str

DURATION = re.compile(r"(-?)P(?:(\d+)D)?(?:T(\d+)(?:\.(\d{1,6}))?S)?")


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
    match = DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None or (match.group(2) is None and match.group(3) is None):
        raise InvalidValueError(f"expected an ISO-8601 duration such as 'P30D', got "
                                f"{shown(value)}")
    sign, days, seconds, fraction = match.groups()
    duration = timedelta(days=int(days or 0), seconds=int(seconds or 0),
                         microseconds=int((fraction or "").ljust(6, "0")))
    return -duration if sign else duration


def _structure_time(value: object, _: object) -> datetime:
    """A time in UTC. What ``dump`` wrote (``...+00:00``) parses to UTC in one C call."""
    if type(value) is str:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is timezone.utc:
                return parsed
    return utc(parse_time(value))


def _iso(kind: type[date] | type[time], label: str) -> Callable[[object, object], Any]:
    def structure(value: object, _: object) -> date | time:
        if isinstance(value, str):
            try:
                return kind.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidValueError(f"expected {label}, got {shown(value)}")

    return structure


@functools.cache
def _members(cls: type[enum.Enum]) -> dict[object, enum.Enum]:
    return {member.value: member for member in cls}


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    member = _members(cls).get(value) if isinstance(value, str) else None
    if member is None:
        names = ", ".join(repr(value) for value in _members(cls))
        raise InvalidValueError(f"expected one of {names}, got {shown(value)}")
    return member


def _optionals(tp: Any, conv: Converter) -> Callable[[object, object], Any]:
    """``X | None``: the hook of ``X``, looked up once rather than on every call."""
    (inner_type,) = [arg for arg in tp.__args__ if arg is not type(None)]
    inner = conv.get_structure_hook(inner_type)

    def structure(value: object, _: object) -> Any:
        return None if value is None else inner(value, inner_type)

    def primitive(value: object, _: object) -> Any:
        if value is None or type(value) is inner_type:  # what JSON gives: no call needed
            return value
        return inner(value, inner_type)

    def text(value: object, _: object) -> Any:
        if value is None:
            return None
        if type(value) is str and unicode_problem(value) is None:  # no call but the check
            return value
        return structure_str(value)

    if inner_type is str:
        return text
    return primitive if inner_type in (int, bool) else structure


def _unstructure_tuples(tp: Any, conv: Converter) -> Callable[[Any], list[Any]]:
    """Tuples to JSON arrays, with the item hook looked up once."""
    item_type = tp.__args__[0]
    if item_type in (str, int, bool):
        return list
    inner = conv.get_unstructure_hook(item_type)
    return lambda value: [inner(item) for item in value]


def _annotated(error: Exception, note: str) -> Exception:
    # as cattrs does (a note that is not a str subclass would not fit add_note's contract)
    setattr(error, "__notes__", [*getattr(error, "__notes__", []), note])  # noqa: B010
    return error


def _tuples(tp: Any, conv: Converter) -> Callable[[object, Any], tuple[Any, ...]]:
    """Tuples from JSON arrays; with detailed validation, the index of every bad item."""
    item_type = tp.__args__[0]
    hook = conv.get_structure_hook(item_type)

    def fast(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValueError(f"expected an array, got {json_type(value)}")
        return tuple([hook(item, item_type) for item in value])

    def detailed(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValueError(f"expected an array, got {json_type(value)}")
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(hook(item, item_type))
            except Exception as error:  # every problem is reported, with its path
                note = IterableValidationNote(f"Structuring item @ index {index}", index,
                                              item_type)
                errors.append(_annotated(error, note))
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return tuple(items)

    return detailed if conv.detailed_validation else fast


def _reported(error: Exception, missing: set[str]) -> bool:
    """Whether ``error`` is cattrs' own report of a field already listed as missing."""
    return isinstance(error, KeyError) and any(
        isinstance(note, AttributeValidationNote) and note.name in missing
        for note in getattr(error, "__notes__", ()))


INT64 = 2**63
"""Stored whole numbers (seq, revision, ...) fit a signed 64-bit database column."""


def _bounded_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise InvalidValueError(f"expected a whole number, got {type(value).__name__}")
    if not -INT64 <= value < INT64:
        raise InvalidValueError("expected a whole number that fits in 64 bits")
    return value


def _strict_decimal(value: object, _: object) -> Decimal:
    """Stored amounts are decimal strings in fixed point, as ``dump`` writes them (the
    schema agrees)."""
    if type(value) is not str:
        raise InvalidValueError(f"expected a decimal number as a string, got "
                                f"{json_type(value)}")
    return to_decimal(value)


def _complete(cls: type[Any], conv: Converter) -> Callable[[object, Any], Any]:
    """An attrs class from a JSON object that must hold every field, defaulted or not."""
    generated = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
    fields = [a for a in attrs.fields(cls) if a.init]
    complete = len(fields)
    detailed = conv.detailed_validation

    def structure(value: object, _: object) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise InvalidValueError(f"expected an object, got {json_type(value)}")
        if len(value) == complete and not detailed:  # all there, or `generated` fails
            return generated(value, cls)  # on an unknown key standing in for a missing one
        # every missing field, here: cattrs stops at unknown keys before it looks for them
        missing = {a.name for a in fields if a.name not in value}
        errors: list[Exception] = [
            _annotated(KeyError(a.name), AttributeValidationNote(
                f"Structuring class {cls.__qualname__} @ attribute {a.name}", a.name, a.type))
            for a in fields if a.name in missing]
        try:
            structured = generated(value, cls)
        except ClassValidationError as error:
            errors.extend(e for e in error.exceptions if not _reported(e, missing))
        except Exception as error:  # reported with the missing fields
            errors.append(error)
        if not errors:
            return structured
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)

    return structure


def _unstructure_optional(tp: Any, conv: Converter) -> Callable[[Any], Any]:
    (inner_type,) = [arg for arg in tp.__args__ if arg is not type(None)]
    inner = conv.get_unstructure_hook(inner_type)
    return lambda value: None if value is None else inner(value)


def _is_optional(tp: Any) -> bool:
    arguments = getattr(tp, "__args__", ())
    return (typing.get_origin(tp) in (typing.Union, types.UnionType) and len(arguments) == 2
            and type(None) in arguments)


def make_persistence_converter(*, detailed: bool = True) -> Converter:
    """The converter behind snapshots and events.

    ``detailed=False`` gives the fast one, which only says *that* data is bad: loading
    tries it first and asks the detailed one *where* only when something is wrong.
    """
    conv = make_converter(detailed=detailed)
    conv.register_structure_hook(int, _bounded_int)
    conv.register_structure_hook(datetime, _structure_time)
    conv.register_structure_hook(Decimal, _strict_decimal)
    conv.register_structure_hook(timedelta, lambda value, _: parse_duration(value))
    conv.register_unstructure_hook(timedelta, format_duration)
    conv.register_structure_hook(date, _iso(date, "an ISO-8601 date such as '2026-12-18'"))
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(time, _iso(time, "an ISO-8601 time of day such as '17:30'"))
    conv.register_unstructure_hook(time, time.isoformat)
    conv.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _structure_enum)
    # a str-valued enum is also a str: the strict str hook would pass its raw value through
    conv.register_structure_hook(StrEnum, _structure_enum)
    conv.register_structure_hook_factory(_is_optional, lambda tp: _optionals(tp, conv))
    conv.register_unstructure_hook_factory(_is_optional, lambda tp: _unstructure_optional(tp, conv))
    conv.register_unstructure_hook_factory(
        lambda cls: getattr(cls, "__origin__", None) is tuple,
        lambda tp: _unstructure_tuples(tp, conv))
    conv.register_structure_hook_factory(
        lambda cls: getattr(cls, "__origin__", None) is tuple, lambda tp: _tuples(tp, conv))
    conv.register_structure_hook_factory(attrs.has, lambda cls: _complete(cls, conv))
    conv.register_structure_hook(Policy, _interned(_complete(Policy, conv)))
    return conv


_POLICIES: dict[Policy, Policy] = {}
_MAX_POLICIES = 64


def _interned(structure: Callable[[object, Any], Any]) -> Callable[[object, Any], Any]:
    """Loaded policies shared: a policy equal to one loaded before is that one.

    Every complaint carries its policy, and the hosts that load many complaints load the
    same few policies again and again. Sharing them means that the calendars and regimes
    inside are the same objects too, so that the clocks' caches (kept per object) answer
    a loaded complaint as fast as one built in the process. Comparing a new policy with
    the one kept costs O(its size) once, at load; at most ``_MAX_POLICIES`` are kept.
    """

    def load(value: object, cls: Any) -> Policy:
        policy: Policy = structure(value, cls)
        kept = _POLICIES.get(policy)
        if kept is not None:
            return kept
        if len(_POLICIES) >= _MAX_POLICIES:
            _POLICIES.pop(next(iter(_POLICIES)), None)
        _POLICIES[policy] = policy
        return policy

    return load


converter = make_persistence_converter()
fast_converter = make_persistence_converter(detailed=False)


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
    return [Problem(path, f"cannot read this value ({type(error).__name__}: "
                          f"{shown(str(error), 200)})")]
