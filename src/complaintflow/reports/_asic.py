"""ASIC IDR data reporting (RG 271; ASIC Corporations (Internal Dispute Resolution Data
Reporting) Instrument 2022/205): one record per complaint, from event logs.

The current data dictionary and its code tables could not be retrieved; the records hold
the elements the texts found describe (see the reports page of the docs), and the codes
of products, issues and outcomes are the host's (``outcome_codes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from attrs import frozen

from .._values.enums import Decision, Outcome
from .._values.parts import Money
from ..events import Event
from ._facts import Facts, facts_of
from ._period import ReportingPeriod


@frozen(kw_only=True)
class AsicIdrRecord:
    """One complaint's row of the IDR data file, as it stood at the period's end.

    ``status`` is ``"open"`` or ``"closed"``; ``date_closed`` and ``days_to_resolve``
    (calendar days from receipt to the last closing) are set once closed. ``products``,
    ``issues`` and ``outcomes`` are codes; ``financial_compensation`` the redress paid by
    the period's end, per currency. No personal data: the optional demographic elements
    (gender, age, postcode) are not reported.
    """

    complaint_id: str
    status: str
    channel: str
    date_received: date
    date_closed: date | None
    days_to_resolve: int | None
    products: tuple[str, ...]
    issues: tuple[str, ...]
    outcomes: tuple[str, ...]
    financial_compensation: tuple[Money, ...]


def asic_idr_records(logs: Iterable[Iterable[Event]], *, period: ReportingPeriod,
                     outcome_codes: Mapping[Decision | Outcome, str] | None = None,
                     count_receipt_day: bool = False) -> Iterator[AsicIdrRecord]:
    """The IDR data records of ``logs`` for ``period``: one per complaint received in the
    period or still open at its start (ASIC's scope), streamed as the logs are read.

    ``outcome_codes`` maps the firm's decision (or, for a complaint withdrawn or referred,
    its outcome) to the code the data file uses; by default the decision's own name.
    ``count_receipt_day`` counts the day of receipt in ``days_to_resolve``. Days are those
    of the period's time zone.
    """
    start, end = period.start, period.end
    zone = period.zone
    for log in logs:
        facts = facts_of(log, before=end)
        if facts is None or not (facts.received_at >= start or facts.open_at(start)):
            continue
        yield _record(facts, zone, outcome_codes or {}, count_receipt_day)


def _record(facts: Facts, zone: ZoneInfo, codes: Mapping[Decision | Outcome, str],
            count_receipt_day: bool) -> AsicIdrRecord:
    received = facts.received_at.astimezone(zone).date()
    closed_on: date | None = None
    days: int | None = None
    outcomes: tuple[str, ...] = ()
    if not facts.is_open:
        last = facts.closures[-1]
        closed_on = last.at.astimezone(zone).date()
        days = (closed_on - received).days + (1 if count_receipt_day else 0)
        if last.outcome in (Outcome.WITHDRAWN, Outcome.REFERRED):
            outcomes = (codes.get(last.outcome, last.outcome.value),)
        elif last.decision is not None:
            outcomes = (codes.get(last.decision, last.decision.value),)
    totals: dict[str, Money] = {}
    for _, currency, amount in facts.redress:
        before = totals.get(currency)
        totals[currency] = Money(currency, amount + (before.amount if before else 0))
    return AsicIdrRecord(
        complaint_id=facts.complaint_id, status="open" if facts.is_open else "closed",
        channel=facts.channel or "", date_received=received, date_closed=closed_on,
        days_to_resolve=days, products=(facts.product,) if facts.product else (),
        issues=(facts.cause,) if facts.cause else (), outcomes=outcomes,
        financial_compensation=tuple(totals[c] for c in sorted(totals)))
