"""The host's rules for a complaint: required conduct, authority limits, time windows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from attrs import Attribute, field, frozen

from ._errors import InvalidValueError
from ._values import flag, to_decimal, valid_amount


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


@frozen(kw_only=True)
class Policy:
    """Data the host passes in when it opens a complaint; it travels with the complaint.

    ``agent_authority_limit`` is the largest compensation a front-line agent may offer
    (in the host's currency unit); ``escalate(authority_limit=...)`` raises it.
    ``remembered_command_ids`` bounds how many ``command_id`` receipts a complaint keeps
    for recognising retries (the most recent ones).
    """

    apology_before_response: bool = field(default=True, validator=flag)
    thanks_before_close: bool = field(default=True, validator=flag)
    agent_authority_limit: Decimal = field(default=Decimal(50), converter=_limit,
                                           validator=valid_amount)
    reopen_window: timedelta = field(default=timedelta(days=30), validator=_non_negative_window)
    remembered_command_ids: int = field(default=100, validator=_at_least_one)
