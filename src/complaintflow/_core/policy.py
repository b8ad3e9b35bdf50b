"""The host's rules for a complaint: required conduct, authority limits, time windows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from datetime import timedelta
from decimal import Decimal
from typing import Any

from attrs import Attribute, field, frozen

from .._clocks.regime import Regime
from .._values.checks import as_tuple, currency_code, flag
from .._values.errors import InvalidValueError
from .._values.parts import Money
from .._values.taxonomy import Taxonomy


def _non_negative_window(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise InvalidValueError(f"{attribute.name} must be a non-negative timedelta",
                                argument=attribute.name)


def _at_least_one(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidValueError(f"{attribute.name} must be a whole number of at least 1",
                                argument=attribute.name)


# a Sequence or Set rather than any Iterable: a dict is iterable too, and mypy then could not
# type-check {"GBP": 50, "EUR": "45.50"} against the mapping (any iterable works at run time)
_LimitsLike = Mapping[str, Decimal | int | str] | Sequence[Money] | Set[Money]


def _authority_limits(value: _LimitsLike) -> tuple[Money, ...]:
    """One limit per currency, sorted by currency, from ``{"GBP": 50}`` or Money values."""
    argument = "authority_limits"
    if isinstance(value, Mapping):
        limits: list[Money] = []
        for currency, amount in value.items():
            try:
                limits.append(Money(currency, amount))
            except InvalidValueError as error:
                raise InvalidValueError(f"{argument}: {error.message}",
                                        argument=argument) from None
    else:
        limits = list(as_tuple(value, argument, "a mapping of currencies to amounts"))
        if not all(isinstance(limit, Money) for limit in limits):
            raise InvalidValueError(f"{argument} must map currencies to amounts, such as "
                                    '{"GBP": 50}, or hold Money values', argument=argument)
    currencies = [limit.currency for limit in limits]
    if len(set(currencies)) != len(currencies):
        raise InvalidValueError(f"{argument} must name each currency once",
                                argument=argument)
    return tuple(sorted(limits, key=lambda limit: limit.currency))


def _taxonomy(_: object, attribute: Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Taxonomy):
        raise InvalidValueError("taxonomy must be a Taxonomy or None", argument="taxonomy")


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

    ``authority_limits`` are the front-line agent's limits, one per currency (given as
    ``{"GBP": 50, "EUR": "45.50"}`` or as :class:`Money` values): what a complaint's
    compensations in that currency may add up to. An offer in a currency without a limit
    is refused; ``escalate(authority_limit=..., currency=...)`` raises a limit, or grants
    one in another currency.
    ``remembered_command_ids`` bounds how many ``command_id`` receipts a complaint keeps
    for recognising retries (the most recent ones).
    ``regimes`` are the clock regimes the complaint is handled under (regulators' presets
    such as :func:`fca_disp`, or the host's :func:`service_clocks`); :func:`deadlines`
    evaluates them. None by default.
    ``max_text_length`` bounds every text argument of a command, in characters: a longer
    one is refused (``text_too_long``), so that no request can grow a complaint, its
    snapshot and every later save by megabytes.
    ``taxonomy``: the product and cause categories ``classify`` accepts (a
    :class:`~complaintflow.Taxonomy`, such as
    :data:`~complaintflow.reports.FCA_DISP1_ANNEX1`); without one, any code is accepted
    and the returns list the codes they do not know.
    """

    apology_before_response: bool = field(default=True, validator=flag)
    thanks_before_close: bool = field(default=True, validator=flag)
    authority_limits: tuple[Money, ...] = field(default=(Money("GBP", Decimal(50)),),
                                                converter=_authority_limits)
    reopen_window: timedelta = field(default=timedelta(days=30), validator=_non_negative_window)
    remembered_command_ids: int = field(default=100, validator=_at_least_one)
    regimes: tuple[Regime, ...] = field(default=(), converter=_regimes)
    max_text_length: int = field(default=10_000, validator=_at_least_one)
    taxonomy: Taxonomy | None = field(default=None, validator=_taxonomy)

    def authority_limit(self, currency: str) -> Decimal | None:
        """The agent's limit in ``currency`` (an ISO 4217 code), or ``None`` if none is set."""
        currency_code(currency)
        for limit in self.authority_limits:
            if limit.currency == currency:
                return limit.amount
        return None
