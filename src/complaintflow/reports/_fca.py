"""The FCA's consolidated complaints return (PS25/19), from event logs.

The data items of the new return could not be retrieved; the counts are those of the
current return (DISP 1 Annex 1R), which the FCA's summaries say carry over, plus the two
vulnerability counts PS25/19 adds. See the reports page of the docs for what each counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from attrs import frozen

from .._clocks.calendar import BusinessCalendar
from .._values.enums import Decision, VulnerabilityDriver
from .._values.errors import InvalidValueError
from .._values.parts import Money
from .._values.taxonomy import Taxonomy
from ..events import Event
from ._facts import Closure, Facts, facts_of, no_calendar, regime_calendar
from ._period import ReportingPeriod

UNCLASSIFIED = "unclassified"
"""The product or cause code of a complaint that was never classified."""

VulnerabilityPopulation = Literal["opened", "closed"]


@frozen(kw_only=True)
class FcaCell:
    """The counts of one product (or service) and cause, or of the whole return.

    ``outstanding_at_start`` + ``opened`` + ``reopened`` - ``closed`` =
    ``outstanding_at_end``: ``closed`` counts closings (a complaint reopened and closed
    again in the period counts twice, once as ``reopened``). Each closing falls in one
    time band, measured from the start of its round (receipt, or the reopening), and has
    the decision in force when it closed. The vulnerability counts are of the complaints
    ``opened`` in the period (or ``closed``, as the return was asked), as identified by
    its end; ``redress`` is what was paid in the period, per currency.
    """

    product: str
    cause: str
    outstanding_at_start: int = 0
    opened: int = 0
    reopened: int = 0
    closed: int = 0
    closed_within_3_business_days: int = 0
    closed_after_3_business_days_within_8_weeks: int = 0
    closed_after_8_weeks: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    no_decision: int = 0
    outstanding_at_end: int = 0
    vulnerable: int = 0
    vulnerable_health: int = 0
    vulnerable_life_events: int = 0
    vulnerable_resilience: int = 0
    vulnerable_capability: int = 0
    vulnerability_failure: int = 0
    redress: tuple[Money, ...] = ()

    @property
    def reported_upheld(self) -> int:
        """Upheld as the return counts it: upheld in part counts as upheld."""
        return self.upheld + self.partly_upheld


@frozen(kw_only=True)
class FcaReturn:
    """The return for one legal entity and period: a cell per product and cause met, and
    their ``total``. ``unknown_codes`` are product or cause codes the ``taxonomy`` given
    does not have; ``nil_return`` says nothing was outstanding, opened or closed."""

    entity: str
    period: ReportingPeriod
    taxonomy: str | None
    cells: tuple[FcaCell, ...]
    total: FcaCell
    unknown_codes: tuple[str, ...] = ()
    vulnerability_of: VulnerabilityPopulation = "opened"
    complaints: int = 0
    """How many complaints the return counts (those outstanding, opened, reopened or
    closed in the period, or paid redress in it)."""

    @property
    def nil_return(self) -> bool:
        total = self.total
        return not (total.outstanding_at_start or total.opened or total.reopened
                    or total.closed or total.outstanding_at_end)


_DRIVER_FIELD = {VulnerabilityDriver.HEALTH: "vulnerable_health",
                 VulnerabilityDriver.LIFE_EVENTS: "vulnerable_life_events",
                 VulnerabilityDriver.RESILIENCE: "vulnerable_resilience",
                 VulnerabilityDriver.CAPABILITY: "vulnerable_capability"}
_DECISION_FIELD = {Decision.UPHELD: "upheld", Decision.PARTLY_UPHELD: "partly_upheld",
                   Decision.NOT_UPHELD: "not_upheld", None: "no_decision"}


class _Tally:
    """A cell being counted (mutable; frozen into an :class:`FcaCell` at the end)."""

    __slots__ = ("counts", "redress")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.redress: dict[str, Decimal] = {}

    def add(self, name: str, by: int = 1) -> None:
        if by:
            self.counts[name] = self.counts.get(name, 0) + by

    def merge(self, other: _Tally) -> None:
        for name, count in other.counts.items():
            self.add(name, count)
        for currency, amount in other.redress.items():
            self.redress[currency] = self.redress.get(currency, Decimal(0)) + amount

    def cell(self, product: str, cause: str) -> FcaCell:
        return FcaCell(product=product, cause=cause, **self.counts, redress=tuple(
            Money(currency, amount) for currency, amount in sorted(self.redress.items())))


def fca_return(logs: Iterable[Iterable[Event]], *, period: ReportingPeriod,
               entity: str = "", calendar: BusinessCalendar | None = None,
               taxonomy: Taxonomy | None = None,
               vulnerability_of: VulnerabilityPopulation = "opened") -> FcaReturn:
    """The FCA complaints return of ``logs`` (one complaint's events each) for ``period``.

    Streams: each log is read once, reduced to a few facts and let go, so memory holds
    only the cells. ``entity`` names the legal entity reported for (PS25/19 removed group
    reporting: one return per entity). The 3-business-day band is counted on ``calendar``
    (by default each complaint's own ``fca_disp`` calendar): closed by close of business
    on the third business day following the day its round began. The 8-week band ends
    with the day eight weeks after it. ``taxonomy`` lists the codes it does not know.
    """
    if vulnerability_of not in ("opened", "closed"):
        raise InvalidValueError("vulnerability_of must be 'opened' or 'closed'",
                                argument="vulnerability_of")
    start, end = period.start, period.end
    tallies: dict[tuple[str, str], _Tally] = {}
    count = 0
    for log in logs:
        facts = facts_of(log, before=end)
        if facts is None:
            continue
        counted = _Tally()
        _count(counted, facts, start, end, calendar, vulnerability_of)
        if not (counted.counts or counted.redress):  # closed before, and quiet since
            continue
        count += 1
        key = (facts.product or UNCLASSIFIED, facts.cause or UNCLASSIFIED)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally()
        tally.merge(counted)
    total = _Tally()
    for tally in tallies.values():
        total.merge(tally)
    cells = tuple(tallies[key].cell(*key) for key in sorted(tallies))
    unknown: set[str] = set()
    if taxonomy is not None:
        for product, cause in tallies:
            if product != UNCLASSIFIED and taxonomy.product(product) is None:
                unknown.add(product)
            if cause != UNCLASSIFIED and taxonomy.cause(cause) is None:
                unknown.add(cause)
    return FcaReturn(entity=entity, period=period,
                     taxonomy=taxonomy.name if taxonomy is not None else None, cells=cells,
                     total=total.cell("all", "all"), unknown_codes=tuple(sorted(unknown)),
                     vulnerability_of=vulnerability_of, complaints=count)


def _count(tally: _Tally, facts: Facts, start: datetime, end: datetime,
           calendar: BusinessCalendar | None, vulnerability_of: str) -> None:
    received = facts.received_at
    tally.add("outstanding_at_start", facts.received_at < start and facts.open_at(start))
    opened = start <= received < end
    tally.add("opened", opened)
    tally.add("reopened", sum(start <= at < end for at in facts.reopens))
    closings = [closure for closure in facts.closures if start <= closure.at < end]
    if closings:
        own = calendar or regime_calendar(facts, "fca_disp")
        if own is None:
            raise no_calendar(facts, "fca_disp")
        for closure in closings:
            tally.add("closed")
            tally.add(_band(own, closure))
            tally.add(_DECISION_FIELD[closure.decision])
    tally.add("outstanding_at_end", facts.is_open)
    counted = opened if vulnerability_of == "opened" else bool(closings)
    if counted and facts.drivers:
        tally.add("vulnerable")
        for driver in facts.drivers:
            tally.add(_DRIVER_FIELD[driver])
    if counted and facts.vulnerability_failure:
        tally.add("vulnerability_failure")
    for currency, amount in facts.redress_between(start, end).items():
        tally.redress[currency] = tally.redress.get(currency, Decimal(0)) + amount


def _band(calendar: BusinessCalendar, closure: Closure) -> str:
    day = calendar.local(closure.round_start).date()
    three = calendar.close_of_business(calendar.add_working_days(day, 3))
    if closure.at <= three:
        return "closed_within_3_business_days"
    if closure.at <= calendar.end_of_day(day + timedelta(weeks=8)):
        return "closed_after_3_business_days_within_8_weeks"
    return "closed_after_8_weeks"
