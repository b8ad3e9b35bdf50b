"""What the complaint returns count, in any stage: the product and cause a complaint is
filed under, the firm's decision, the redress paid, and the customer's vulnerability (by
the FCA's drivers, never the details). Personal data stays out of all of them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import VulnerabilityDriver
from ..._values.parts import Redress, replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import EVERY_STAGE, Changes, Row, stays_in
from ._shared import CURRENCY_REQUIRED, currency_of

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
UNKNOWN_PRODUCT = reason_code(
    "unknown_product", _RULE,
    "The policy's taxonomy has no product or service category with this code.")
UNKNOWN_CAUSE = reason_code(
    "unknown_cause", _RULE, "The policy's taxonomy has no cause category with this code.")

_ANY_STAGE = (stays_in(*EVERY_STAGE),)


def _classify(c: Complaint, command: cmd.Classify, seq: int,
              at: datetime) -> ev.ComplaintClassified | list[Reason]:
    taxonomy = c.policy.taxonomy
    reasons = []
    if taxonomy is not None:
        if taxonomy.product(command.product) is None:
            reasons.append(UNKNOWN_PRODUCT.reason(
                f"{taxonomy.name} has no product or service category {command.product!r}.",
                "product"))
        if taxonomy.cause(command.cause) is None:
            reasons.append(UNKNOWN_CAUSE.reason(
                f"{taxonomy.name} has no cause category {command.cause!r}.", "cause"))
    return reasons or ev.ComplaintClassified(seq=seq, at=at, product=command.product,
                                             cause=command.cause, channel=command.channel)


def _classified(c: Complaint, e: ev.ComplaintClassified) -> Changes:
    return dict(classification=replace(c.classification, {
        "product": e.product, "cause": e.cause, "channel": e.channel}))


CLASSIFY = Row(
    command=cmd.Classify, event=ev.ComplaintClassified, decide=_classify, evolve=_classified,
    routes=_ANY_STAGE, before_review=True, refusals=(UNKNOWN_PRODUCT, UNKNOWN_CAUSE),
    policy_only=True)


def _decide(c: Complaint, command: cmd.RecordDecision, seq: int,
            at: datetime) -> ev.DecisionRecorded | list[Reason]:
    return ev.DecisionRecorded(seq=seq, at=at, decision=command.decision)


def _decided(c: Complaint, e: ev.DecisionRecorded) -> Changes:
    return dict(classification=replace(c.classification, {"decision": e.decision}))


RECORD_DECISION = Row(
    command=cmd.RecordDecision, event=ev.DecisionRecorded, decide=_decide, evolve=_decided,
    routes=_ANY_STAGE, before_review=True)


def _redress(c: Complaint, command: cmd.RecordRedress, seq: int,
             at: datetime) -> ev.RedressPaid | list[Reason]:
    currency = currency_of(c, command.currency, "Redress")
    if isinstance(currency, Reason):
        return [currency]
    return ev.RedressPaid(seq=seq, at=at, kind=command.kind, amount=command.amount,
                          currency=currency)


def _redressed(c: Complaint, e: ev.RedressPaid) -> Changes:
    paid = Redress(seq=e.seq, at=e.at, kind=e.kind, amount=e.amount, currency=e.currency)
    record = c.classification
    return dict(classification=replace(record, {"redress": (*record.redress, paid)}))


RECORD_REDRESS = Row(
    command=cmd.RecordRedress, event=ev.RedressPaid, decide=_redress, evolve=_redressed,
    routes=_ANY_STAGE, before_review=True, refusals=(CURRENCY_REQUIRED,),
    policy_only=True)


def _vulnerability(c: Complaint, command: cmd.RecordVulnerability, seq: int,
                   at: datetime) -> ev.VulnerabilityRecorded | list[Reason]:
    return ev.VulnerabilityRecorded(seq=seq, at=at, drivers=command.drivers)


def _vulnerable(c: Complaint, e: ev.VulnerabilityRecorded) -> Changes:
    known = {*c.classification.vulnerability, *e.drivers}
    drivers = tuple(driver for driver in VulnerabilityDriver if driver in known)
    return dict(classification=replace(c.classification, {"vulnerability": drivers}))


RECORD_VULNERABILITY = Row(
    command=cmd.RecordVulnerability, event=ev.VulnerabilityRecorded, decide=_vulnerability,
    evolve=_vulnerable, routes=_ANY_STAGE, before_review=True)
