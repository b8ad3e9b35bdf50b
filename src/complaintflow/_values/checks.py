"""Checks on input: attrs validators and converters that raise the library's own error.

Every check names the argument at fault, so that the JSON entry point can point at it; the
JSON entry point reuses them, so a typed command and a JSON one fail alike.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from decimal import Context, Decimal, InvalidOperation
from typing import Any, TypeVar

from attrs import Attribute

from .currencies import ACTIVE_CURRENCIES
from .enums import (
    CommunicationKind,
    CustomerResponse,
    Decision,
    Owner,
    RedressKind,
    Severity,
    Stage,
    VulnerabilityDriver,
)
from .errors import InvalidValueError
from .reasons import INVALID_TIME, NAIVE_TIME

_E = TypeVar("_E", bound=enum.Enum)


def non_blank(_: object, attribute: Attribute[Any], value: object) -> None:
    """A non-blank string."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{attribute.name} must be a string", argument=attribute.name)
    if not value.strip():
        raise InvalidValueError(f"{attribute.name} must not be blank", argument=attribute.name)


def optional_non_blank(instance: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a non-blank string."""
    if value is not None:
        non_blank(instance, attribute, value)


def flag(_: object, attribute: Attribute[Any], value: object) -> None:
    """A real bool: the string "false" is truthy, so strings are refused."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"{attribute.name} must be true or false, got {value!r}",
                                argument=attribute.name)


def aware(_: object, attribute: Attribute[Any], value: object) -> None:
    """A timezone-aware datetime; naive datetimes are refused everywhere."""
    check_aware(value, attribute.name)


def check_aware(value: object, argument: str) -> datetime:
    """``value`` if it is a timezone-aware datetime, else :class:`InvalidValueError`."""
    if not isinstance(value, datetime):
        raise InvalidValueError(f"{argument} must be a datetime, got {value!r}",
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


def as_member(enum_type: type[_E], value: object, argument: str) -> _E:
    """The member of ``enum_type`` named by ``value`` (a member or its string value)."""
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in enum_type)
        raise InvalidValueError(f"{argument} must be one of {choices}; got {value!r}",
                                argument=argument) from None


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


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters: a message echoes input, never all of it."""
    try:
        text = repr(value)
    except Exception:  # an int too long for repr, or an object whose repr fails
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


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
