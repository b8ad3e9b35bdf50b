"""The host's rules for a complaint: required conduct, authority limits, time windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from attrs import Attribute, field, frozen

from .._clocks.regime import Regime
from .._values.checks import as_tuple, flag, to_decimal, valid_amount
from .._values.errors import InvalidValueError


def _non_negative_window(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise InvalidValueError(f"{attribute.name} must be a non-negative timedelta",
                                argument=attribute.name)


def _at_least_one(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidValueError(f"{attribute.name} must be a whole number of at least 1",
                                argument=attribute.name)


def _limit(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, "agent_authority_limit")


def _regimes(value: Iterable[Regime]) -> tuple[Regime, ...]:
    if isinstance(value, Regime):
        return (value,)
    regimes = as_tuple(value, "regimes", "a list of Regime values")
    if not all(isinstance(regime, Regime) for regime in regimes):
        raise InvalidValueError("regimes must hold Regime values", argument="regimes")
    names = [regime.name for regime in regimes]
    if len(set(names)) != len(names):
        raise InvalidValueError("regime names must be unique", argument="regimes")
    return regimes


@frozen(kw_only=True)
class Policy:
    """Data the host passes in when it opens a complaint; it travels with the complaint.

    ``agent_authority_limit`` is the largest compensation a front-line agent may offer
    (in the host's currency unit); ``escalate(authority_limit=...)`` raises it.
    ``remembered_command_ids`` bounds how many ``command_id`` receipts a complaint keeps
    for recognising retries (the most recent ones).
    ``regimes`` are the clock regimes the complaint is handled under (regulators' presets
    such as :func:`fca_disp`, or the host's :func:`service_clocks`); :func:`deadlines`
    evaluates them. None by default.
    ``max_text_length`` bounds every text argument of a command, in characters: a longer
    one is refused (``text_too_long``), so that no request can grow a complaint, its
    snapshot and every later save by megabytes.
    """

    apology_before_response: bool = field(default=True, validator=flag)
    thanks_before_close: bool = field(default=True, validator=flag)
    agent_authority_limit: Decimal = field(default=Decimal(50), converter=_limit,
                                           validator=valid_amount)
    reopen_window: timedelta = field(default=timedelta(days=30), validator=_non_negative_window)
    remembered_command_ids: int = field(default=100, validator=_at_least_one)
    regimes: tuple[Regime, ...] = field(default=(), converter=_regimes)
    max_text_length: int = field(default=10_000, validator=_at_least_one)
