"""The strict cattrs converter for commands: JSON in, typed commands out (and back).

cattrs is lenient by default (``str(5)`` is a fine string to it); a JSON contract must not
be, so every primitive gets a strict hook here. Times are ISO-8601 strings with an offset,
amounts are decimal strings in fixed point, tuples are JSON arrays.
"""

from __future__ import annotations

import enum
import operator
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from cattrs import Converter
from cattrs.errors import AttributeValidationNote, ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn

from .._core.rejection import Rejection
from .._values.checks import fixed_point, shown, to_decimal, unicode_problem
from .._values.enums import StrEnum
from .._values.errors import InvalidValueError
from .._values.reasons import INVALID_TIME, NAIVE_TIME, Reason
from ..commands import Command

T = TypeVar("T")


def parse_time(value: object, argument: str | None = None) -> datetime:
    """An aware datetime from an ISO-8601 string with an offset (or an aware datetime).

    Raises :class:`InvalidValueError` with code ``invalid_time`` or ``naive_time``.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):  # Python 3.10's fromisoformat does not read "Z"
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValueError(f"expected an ISO-8601 time with an offset, got "
                                    f"{shown(value)}",
                                    argument=argument, code=INVALID_TIME.code) from None
    else:
        raise InvalidValueError(f"expected an ISO-8601 time string, got {shown(value)}",
                                argument=argument, code=INVALID_TIME.code)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidValueError(f"expected a time with a UTC offset, got naive {shown(value)}",
                                argument=argument, code=NAIVE_TIME.code)
    return parsed


def _strict(kind: type[T], label: str) -> Any:
    def structure(value: object, _: object) -> T:
        if type(value) is kind:  # what JSON gives: the quick answer
            return value
        # bool is an int subclass, and JSON's true must not count as 1
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise InvalidValueError(f"expected {label}, got {type(value).__name__}")
        return value

    return structure


def structure_str(value: object, _: object = None) -> str:
    """A string that can be stored: JSON's ``"\\ud800"`` decodes to a lone surrogate,
    which no UTF-8 store, file or terminal accepts."""
    if not isinstance(value, str):
        raise InvalidValueError(f"expected a string, got {type(value).__name__}")
    problem = unicode_problem(value)
    if problem is not None:
        raise InvalidValueError(problem)
    return value


def _structure_decimal(value: object, _: object) -> Decimal:
    return to_decimal(value)


def _structure_tuple(value: object, cls: Any) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise InvalidValueError(f"expected an array, got {type(value).__name__}")
    (item_type, *_) = getattr(cls, "__args__", (object,))
    return tuple(converter.structure(item, item_type) for item in value)


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        for member in cls:
            if member.value == value:
                return member
    choices = ", ".join(str(member.value) for member in cls)
    raise InvalidValueError(f"expected one of {choices}, got {shown(value)}")


def _noted(error: Exception, note: AttributeValidationNote) -> Exception:
    # as cattrs does (a note that is not a str subclass would not fit add_note's contract)
    setattr(error, "__notes__", [*getattr(error, "__notes__", []), note])  # noqa: B010
    return error


def _command(cls: type[Command], conv: Converter) -> Callable[[object, object], Command]:
    """A command from its JSON arguments, reporting every problem of them at once.

    Building the command runs its fields' converters and validators in turn, and the first
    that raises would hide the others: a bot would need a round trip per mistake. So when
    the quick build fails, every argument is checked on its own: its JSON type, its
    converter and its validator; missing and unexpected arguments are reported with them.
    """
    hints = typing.get_type_hints(cls)
    fields = [(a, hints[a.name], conv.get_structure_hook(hints[a.name]))
              for a in attrs.fields(cls) if a.init]
    names = frozenset(a.name for a, _, _ in fields)

    def detailed(value: Mapping[Any, Any]) -> Command:
        errors: list[Exception] = []
        arguments: dict[str, Any] = {}
        for a, hint, hook in fields:
            note = AttributeValidationNote(
                f"Structuring class {cls.__qualname__} @ attribute {a.name}", a.name, hint)
            if a.name not in value:
                if a.default is attrs.NOTHING:
                    errors.append(_noted(KeyError(a.name), note))
                continue
            try:
                item = hook(value[a.name], hint)
                if a.converter is not None:
                    item = a.converter(item)
                if a.validator is not None:
                    a.validator(None, a, item)
            except Exception as error:  # every argument is checked, each problem reported
                errors.append(_noted(error, note))
            else:
                arguments[a.name] = item
        extra = {key for key in value if key not in names}
        if extra:
            errors.append(ForbiddenExtraKeysError("", cls, extra))
        if errors:
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
        return cls(**arguments)

    quick = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True,
                                   _cattrs_detailed_validation=False)

    def structure(value: object, _: object) -> Command:
        if not isinstance(value, Mapping):
            raise InvalidValueError(f"expected an object, got {type(value).__name__}")
        try:  # the quick build, which validates each argument once
            return quick(value, cls)
        except Exception:  # the detailed pass says what is wrong
            return detailed(value)

    return structure


def _unstructure_reason(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code, "kind": reason.kind.value, "message": reason.message,
            "argument": reason.argument}


def _unstructure_rejection(rejection: Rejection) -> dict[str, Any]:
    # the complaint that refused it is for the host, not part of the JSON answer
    return {"command": rejection.command,
            "stage": rejection.stage.value if rejection.stage is not None else None,
            "reasons": [_unstructure_reason(reason) for reason in rejection.reasons],
            "allowed": list(rejection.allowed)}


def make_converter(*, detailed: bool = True) -> Converter:
    """A fresh strict converter; the module-level ``converter`` is the one the library uses.

    ``detailed`` is cattrs' ``detailed_validation``: errors that carry where they happened.
    """
    conv = Converter(forbid_extra_keys=True, detailed_validation=detailed,
                     unstruct_collection_overrides={tuple: list})  # JSON has arrays only
    conv.register_structure_hook(str, structure_str)
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(datetime, lambda value, _: parse_time(value))
    conv.register_structure_hook_func(
        lambda cls: getattr(cls, "__origin__", None) is tuple, _structure_tuple)
    conv.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _structure_enum)
    conv.register_structure_hook_factory(
        lambda cls: isinstance(cls, type) and issubclass(cls, Command),
        lambda cls: _command(cls, conv))
    conv.register_unstructure_hook(Reason, _unstructure_reason)
    conv.register_unstructure_hook(Rejection, _unstructure_rejection)
    conv.register_unstructure_hook(Decimal, fixed_point)  # never "1E+9"
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), lambda e: e.value)
    # else str's pass-through wins; _value_ is what the .value property reads, minus its cost
    conv.register_unstructure_hook(StrEnum, operator.attrgetter("_value_"))
    return conv


converter = make_converter()
