"""What a host lets an agent do, beyond the workflow's own rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from decimal import Decimal

from attrs import field, frozen

from .._core.policy import _authority_limits
from .._values.checks import as_tuple, currency_code, shown
from .._values.errors import InvalidValueError
from .._values.parts import Money
from ..commands import COMMAND_TYPES


def _denied(value: Iterable[str]) -> frozenset[str]:
    names = as_tuple(value, "deny", "a list of command names")
    unknown = [name for name in names if not isinstance(name, str) or name not in COMMAND_TYPES]
    if unknown:
        raise InvalidValueError(f"deny names no command: {shown(unknown)}", argument="deny")
    return frozenset(names)


_CeilingLike = Mapping[str, Decimal | int | str] | Sequence[Money] | Set[Money]


def _ceiling(value: _CeilingLike | None) -> tuple[Money, ...] | None:
    if value is None:
        return None
    try:
        return _authority_limits(value)
    except InvalidValueError as error:
        raise InvalidValueError(error.message.replace("authority_limits", "authority_ceiling"),
                                argument="authority_ceiling") from None


@frozen(kw_only=True)
class AgentLimits:
    """What a host lets an agent do, beyond the workflow's own rules.

    ``deny`` names commands the agent may not use (``{"escalate", "withdraw"}``): they are
    left out of its tools and its guidance, and refused with ``command_denied``.

    ``authority_ceiling`` bounds, per currency (``{"GBP": 250}``, or :class:`~complaintflow.Money`
    values), the authority limit an agent's own ``escalate`` may set: an escalation above
    it, or in a currency it names no ceiling for, is refused with ``authority_above_ceiling``
    unless it grants no more than the limit already in force. ``None`` (the default) sets
    no ceiling: the workflow's own rules only. ``{}`` lets an agent's escalation grant
    nothing.
    """

    deny: frozenset[str] = field(default=frozenset(), converter=_denied)
    authority_ceiling: tuple[Money, ...] | None = field(default=None, converter=_ceiling)

    def ceiling(self, currency: str) -> Decimal | None:
        """The highest authority limit an agent may set in ``currency``, or ``None`` if
        the host sets none there (with no ceiling at all, see ``authority_ceiling``)."""
        currency_code(currency)
        for money in self.authority_ceiling or ():
            if money.currency == currency:
                return money.amount
        return None


NO_LIMITS = AgentLimits()
