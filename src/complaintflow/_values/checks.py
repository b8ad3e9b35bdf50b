"""Checks on input: attrs validators and converters that raise the library's own error.

Every check names the argument at fault, so that the JSON entry point can point at it; the
JSON entry point reuses them, so a typed command and a JSON one fail alike.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timezone
from decimal import Context, Decimal, InvalidOperation
from typing import Any, TypeVar

from attrs import Attribute, frozen

from .currencies import ACTIVE_CURRENCIES
from .enums import (
    CheckInOutcome,
    CommunicationKind,
    CustomerResponse,
    Decision,
    Emotion,
    InteractionalNeed,
    Owner,
    RedressKind,
    Severity,
    Stage,
    VulnerabilityDriver,
)
from .errors import InvalidValueError
from .reasons import INVALID_TIME, NAIVE_TIME

_E = TypeVar("_E", bound=enum.Enum)


SHOWN_LENGTH = 60
"""The most characters :func:`shown` gives for one value."""

_BIG_INT_BITS = 256  # about 77 digits: more is shown by its size, not its digits


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """A short description of an untrusted value, for an error message; never raises.

    ``repr`` is not safe on input: an integer of 4,301 digits raises, a list nested 5,000
    deep recurses too far, a megabyte of text makes a megabyte of message, and an object's
    own ``repr`` may print personal data. So: plain values are shown by their (cut) repr,
    containers by a few of their items, anything else by its type name alone.
    """
    try:
        text = _shown(value, 2, limit)
    except Exception:  # a message must never fail on what it describes
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _shown(value: object, depth: int, limit: int) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, enum.Enum):
        return _shown(value._value_, depth, limit)
    if isinstance(value, int):
        if value.bit_length() > _BIG_INT_BITS:
            return f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, str):
        return str.__repr__(str.__getitem__(value, slice(0, limit)))
    if isinstance(value, bytes):
        return bytes.__repr__(bytes.__getitem__(value, slice(0, limit)))
    if isinstance(value, Decimal):
        return f"Decimal({Decimal.__str__(value)[:limit]!r})"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        start, end = ("[", "]") if isinstance(value, list) else ("(", ")")
        if depth == 0:
            return f"{start}...{end}" if value else f"{start}{end}"
        items = [_shown(item, depth - 1, limit) for item in value[:4]]
        return start + ", ".join(items + (["..."] if len(value) > 4 else [])) + end
    if isinstance(value, Mapping):
        if depth == 0:
            return "{...}" if value else "{}"
        pairs = []
        for index, (key, item) in enumerate(value.items()):
            if index == 4:
                pairs.append("...")
                break
            pairs.append(f"{_shown(key, 0, limit)}: {_shown(item, depth - 1, limit)}")
        return "{" + ", ".join(pairs) + "}"
    return f"<{type(value).__name__}>"


def printable(text: str) -> str:
    """``text`` with every character that does not print (controls such as a newline,
    format characters, lone surrogates, line separators) escaped as Python would
    (``\\n``, ``\\u200b``): for output where one line must stay one line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_ASCII_INVISIBLE = "".join(map(chr, range(0x21))) + "\x7f"  # controls, space and DEL


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing: every character is whitespace or invisible (a
    control or format character such as NUL, a zero-width space, a joiner or a BOM)."""
    if text.isascii():  # O(1) in CPython; then one strip at C speed
        return not text.strip(_ASCII_INVISIBLE)
    text = text.strip()  # whitespace (Zs, Zl, Zp and more) at C speed
    if not text or _visible(text[0]):  # text that shows something usually starts so
        return not text
    return not any(_visible(char) for char in set(text))  # each distinct character once


def _visible(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in _INVISIBLE


def visible_characters() -> str:
    """A regular-expression character class of the characters :func:`blank` counts as
    showing something, within the Basic Multilingual Plane (``[\\x21-\\x7e\\u00a1-...]``),
    for JSON Schemas: text that holds one of them is not blank.

    Derived from :func:`blank`'s own test, character by character, so that a schema can
    never call text visible that the checks call blank. Characters beyond the BMP (emoji,
    say) are left out, which errs on the safe side: a schema then asks for one visible
    character of the BMP, which every text that holds one is. Written with ``\\x`` and
    ``\\u`` escapes only, which Python, ECMA-262 and Rust regular expressions all read.
    """
    global _VISIBLE_CLASS
    if _VISIBLE_CLASS is None:
        ranges: list[tuple[int, int]] = []
        for code in range(0x10000):
            if 0xD800 <= code <= 0xDFFF or not _visible(chr(code)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
        _VISIBLE_CLASS = "[" + "".join(
            _escaped(low) if low == high else f"{_escaped(low)}-{_escaped(high)}"
            for low, high in ranges) + "]"
    return _VISIBLE_CLASS


_VISIBLE_CLASS: str | None = None


def _escaped(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def unicode_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as UTF-8 (a lone surrogate), or ``None``."""
    if text.isascii() or _SURROGATE.search(text) is None:  # isascii() is O(1) in CPython
        return None
    return "must be valid Unicode text (it holds a lone surrogate)"


def check_text(value: object, argument: str) -> str:
    """``value`` if it is valid, non-blank text, else :class:`InvalidValueError`."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{argument} must be a string, got {type(value).__name__}",
                                argument=argument)
    problem = unicode_problem(value)
    if problem is not None:
        raise InvalidValueError(f"{argument} {problem}", argument=argument)
    if blank(value):
        raise InvalidValueError(f"{argument} must not be blank", argument=argument)
    return value


def non_blank(_: object, attribute: Attribute[Any], value: object) -> None:
    """Valid Unicode text that shows something (see :func:`blank`)."""
    check_text(value, attribute.name)


def optional_non_blank(instance: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or valid, non-blank text."""
    if value is not None:
        check_text(value, attribute.name)


def flag(_: object, attribute: Attribute[Any], value: object) -> None:
    """A real bool: the string "false" is truthy, so strings are refused."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"{attribute.name} must be true or false, got {shown(value)}",
                                argument=attribute.name)


def aware(_: object, attribute: Attribute[Any], value: object) -> None:
    """A timezone-aware datetime; naive datetimes are refused everywhere."""
    check_aware(value, attribute.name)


def check_aware(value: object, argument: str) -> datetime:
    """``value`` if it is a timezone-aware datetime, else :class:`InvalidValueError`."""
    if not isinstance(value, datetime):
        raise InvalidValueError(f"{argument} must be a datetime, got {shown(value)}",
                                argument=argument, code=INVALID_TIME.code)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(f"{argument} must be timezone-aware, got naive "
                                f"{value.isoformat()}", argument=argument, code=NAIVE_TIME.code)
    return value


def valid_amount(_: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a finite, non-negative Decimal."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidValueError(
            f"{attribute.name} must be a finite, non-negative decimal amount",
            argument=attribute.name,
        )


def positive_amount(_: object, attribute: Attribute[Any], value: object) -> None:
    """A finite Decimal above zero."""
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidValueError(f"{attribute.name} must be a decimal amount above zero",
                                argument=attribute.name)


ZERO_PATTERN = r"^0+(\.0+)?$"
"""An amount, written as :data:`AMOUNT_PATTERN` allows, that is zero."""


def utc(value: datetime, argument: str = "at") -> datetime:
    """``value`` in UTC; raises :class:`InvalidValueError` for a naive or non-datetime.

    The library records every time in UTC: Python compares two datetimes that share one
    ``tzinfo`` by their wall clocks, which is wrong across daylight-saving changes.
    """
    if isinstance(value, datetime) and value.tzinfo is timezone.utc:
        return value  # the common case, kept cheap: it is on every command's path
    check_aware(value, argument)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01 at +01:00 has no UTC time
        raise InvalidValueError(f"{argument}: {value.isoformat()} has no UTC equivalent",
                                argument=argument, code=INVALID_TIME.code) from None


@frozen
class WholeNumber:
    """An attrs validator: a whole number (not a bool) from ``low`` to ``high``; the bounds
    are read by the JSON Schemas, so they are written here only."""

    low: int
    high: int
    optional: bool = False
    """Whether ``None`` ("not given") is accepted too."""

    def __call__(self, _: object, attribute: Attribute[Any], value: object) -> None:
        if value is None and self.optional:
            return
        if (isinstance(value, bool) or not isinstance(value, int)
                or not self.low <= value <= self.high):
            raise InvalidValueError(
                f"{attribute.name} must be a whole number from {self.low} to {self.high}",
                argument=attribute.name)


def distinct_ids(_: object, attribute: Attribute[Any], value: object) -> None:
    """A non-empty tuple of non-empty ids, none repeated."""
    name = attribute.name
    if not isinstance(value, tuple) or not value:
        raise InvalidValueError(f"{name} must not be empty", argument=name)
    for item in value:
        if not isinstance(item, str) or not item:
            raise InvalidValueError(f"{name} must hold non-empty ids", argument=name)
    if len(set(value)) != len(value):
        raise InvalidValueError(f"{name} must not repeat an id", argument=name)


def as_member(enum_type: type[_E], value: object, argument: str) -> _E:
    """The member of ``enum_type`` named by ``value`` (a member or its string value)."""
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):  # only then: the enum's own error message reprs the value
        try:
            return enum_type(value)
        except ValueError:
            pass
    choices = ", ".join(str(member.value) for member in enum_type)
    raise InvalidValueError(f"{argument} must be one of {choices}; got {shown(value)}",
                            argument=argument)


# Each enum a command or value accepts as a string has its converter: mypy's attrs plugin
# types an attrs converter only when it is a named function, so each gets one line.


def to_stage(value: Stage | str) -> Stage:
    return as_member(Stage, value, "stage")


def to_severity(value: Severity | str) -> Severity:
    return as_member(Severity, value, "severity")


def to_owner(value: Owner | str) -> Owner:
    return as_member(Owner, value, "owner")


def to_customer_response(value: CustomerResponse | str) -> CustomerResponse:
    return as_member(CustomerResponse, value, "customer_response")


def to_communication_kind(value: CommunicationKind | str) -> CommunicationKind:
    return as_member(CommunicationKind, value, "kind")


def to_decision(value: Decision | str) -> Decision:
    return as_member(Decision, value, "decision")


def to_redress_kind(value: RedressKind | str) -> RedressKind:
    return as_member(RedressKind, value, "kind")


def to_drivers(value: Iterable[VulnerabilityDriver | str]) -> tuple[VulnerabilityDriver, ...]:
    """One or more vulnerability drivers, each once, in the order of the enum."""
    items = as_tuple(value, "drivers", "a list of vulnerability drivers")
    drivers = {as_member(VulnerabilityDriver, item, "drivers") for item in items}
    if not drivers:
        raise InvalidValueError("drivers must name at least one vulnerability driver",
                                argument="drivers")
    return tuple(driver for driver in VulnerabilityDriver if driver in drivers)


def to_emotion(value: Emotion | str) -> Emotion:
    return as_member(Emotion, value, "emotion")


def to_check_in_outcome(value: CheckInOutcome | str) -> CheckInOutcome:
    return as_member(CheckInOutcome, value, "outcome")


def to_interactional(value: Iterable[InteractionalNeed | str]) -> tuple[InteractionalNeed, ...]:
    """One or more interactional needs, each once, in the order of the enum."""
    items = as_tuple(value, "interactional", "a list of interactional needs")
    needs = {as_member(InteractionalNeed, item, "interactional") for item in items}
    if not needs:
        raise InvalidValueError("interactional must name at least one need",
                                argument="interactional")
    return tuple(need for need in InteractionalNeed if need in needs)


def as_tuple(value: object, argument: str, what: str = "a list") -> tuple[Any, ...]:
    """``value`` as a tuple: any iterable, but not a lone string, which would otherwise
    become a tuple of its characters."""
    if isinstance(value, (str, bytes)):
        raise InvalidValueError(f"{argument} must be {what}, not a single string",
                                argument=argument)
    if not isinstance(value, Iterable):
        raise InvalidValueError(f"{argument} must be {what}, got {type(value).__name__}",
                                argument=argument)
    return tuple(value)


AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
"""What an amount looks like as text, in and out: fixed point, no sign, no exponent."""
_AMOUNT = re.compile(AMOUNT_PATTERN[1:-1])
_WHOLE_DIGITS, _PLACES = 15, 6
_BOUNDS = f"at most {_WHOLE_DIGITS} digits before the point and {_PLACES} after"
_AMOUNT_FORM = (f'a decimal string such as "49.99": digits and an optional point, {_BOUNDS} '
                "(no sign, exponent or spaces)")
_FIXED = Context(prec=_WHOLE_DIGITS + _PLACES + 1, traps=[InvalidOperation])


def to_decimal(value: object, argument: str | None = None) -> Decimal:
    """An amount as a Decimal, from a Decimal, an int or a canonical decimal string.

    Floats are refused because they cannot hold cents exactly; strings with an exponent,
    a sign or spaces because the text of an amount is written back as it came. A Decimal
    in exponent form (``Decimal("1E+2")``) comes back in fixed point (``Decimal("100")``),
    so that it is written so.
    """

    def invalid(detail: str) -> InvalidValueError:
        message = f"{argument}: {detail}" if argument else detail
        return InvalidValueError(message, argument=argument)

    if isinstance(value, str):
        if _AMOUNT.fullmatch(value) is None:
            raise invalid(f"expected {_AMOUNT_FORM}; got {shown(value)}")
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise invalid("expected a decimal string, an int or a Decimal, got "
                      f"{type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise invalid(f"expected a finite amount, got {shown(value)}")
    if amount.is_signed():
        if not amount.is_zero():
            raise invalid(f"an amount must not be negative, got {shown(value)}")
        amount = amount.copy_abs()  # -0 is 0
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite Decimal's is
    if exponent > 0:
        try:  # fixed point: 1E+2 is 100
            amount = amount.quantize(Decimal(1), context=_FIXED)
        except ArithmeticError:
            raise invalid(f"expected an amount with {_BOUNDS}, got {shown(value)}") from None
        exponent = 0
    whole = len(amount.as_tuple().digits) + exponent
    if whole > _WHOLE_DIGITS or -exponent > _PLACES:
        raise invalid(f"expected an amount with {_BOUNDS}, got {shown(value)}")
    return amount


def fixed_point(value: Decimal) -> str:
    """An amount as text, in fixed point whatever its exponent: ``Decimal("1E+9")`` is
    ``"1000000000"``. What every writer of an amount writes (the schema says so)."""
    if value.is_zero():
        value = value.copy_abs()
    return format(value, "f")


def currency_code(value: object, argument: str = "currency") -> str:
    """``value`` if it is an active ISO 4217 code, uppercase (``"GBP"``), else
    :class:`InvalidValueError`: limits and totals are kept per code, so ``"gbp"`` or
    ``"pounds"`` would be a currency of its own."""
    if isinstance(value, str) and value in ACTIVE_CURRENCIES:
        return value
    got = shown(value) if isinstance(value, str) else type(value).__name__
    raise InvalidValueError(f"{argument} must be an ISO 4217 code such as GBP or EUR; got "
                            f"{got}", argument=argument)


def currency(_: object, attribute: Attribute[Any], value: object) -> None:
    """An active ISO 4217 currency code."""
    currency_code(value, attribute.name)


def optional_currency(_: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or an active ISO 4217 currency code."""
    if value is not None:
        currency_code(value, attribute.name)
