"""IBM step 1, verify: who is speaking, how to call them back, whether they are entitled
to the service, and who should handle the complaint."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Outcome, Stage
from ..._values.parts import Assignment, Customer
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import OPEN_STAGES, Changes, Row, moves, stays_in
from ._shared import closed

if TYPE_CHECKING:
    from ..complaint import Complaint

CUSTOMER_NOT_ENTITLED = reason_code(
    "customer_not_entitled", ReasonKind.RULE,
    "`verify_customer` with `entitled` false: refer the customer instead.")


def _verify(c: Complaint, command: cmd.VerifyCustomer, seq: int,
            at: datetime) -> ev.CustomerVerified | list[Reason]:
    if not command.entitled:
        return [CUSTOMER_NOT_ENTITLED.reason(
            "The customer is not entitled to this service; refer them instead (refer).",
            "entitled")]
    return ev.CustomerVerified(seq=seq, at=at, name=command.name, callback=command.callback,
                               customer_id=command.customer_id, service=command.service)


def _verified(c: Complaint, e: ev.CustomerVerified) -> Changes:
    customer = Customer(name=e.name, callback=e.callback, customer_id=e.customer_id,
                        service=e.service)
    return dict(customer=customer)


VERIFY_CUSTOMER = Row(
    command=cmd.VerifyCustomer, event=ev.CustomerVerified, decide=_verify, evolve=_verified,
    routes=(moves(Stage.VERIFYING, to=Stage.LISTENING),), before_review=False,
    refusals=(CUSTOMER_NOT_ENTITLED,), given_only=((CUSTOMER_NOT_ENTITLED, "entitled"),))


def _refer(c: Complaint, command: cmd.Refer, seq: int,
           at: datetime) -> ev.ComplaintReferred | list[Reason]:
    return ev.ComplaintReferred(seq=seq, at=at, reason=command.reason)


def _referred(c: Complaint, e: ev.ComplaintReferred) -> Changes:
    return closed(e, Outcome.REFERRED)


REFER = Row(
    command=cmd.Refer, event=ev.ComplaintReferred, decide=_refer, evolve=_referred,
    routes=(moves(Stage.VERIFYING, to=Stage.CLOSED),), before_review=False)


def _assign(c: Complaint, command: cmd.Assign, seq: int,
            at: datetime) -> ev.ComplaintAssigned | list[Reason]:
    return ev.ComplaintAssigned(seq=seq, at=at, agent=command.agent, skill=command.skill)


def _assigned(c: Complaint, e: ev.ComplaintAssigned) -> Changes:
    return dict(assignment=Assignment(agent=e.agent, skill=e.skill))


ASSIGN = Row(
    command=cmd.Assign, event=ev.ComplaintAssigned, decide=_assign, evolve=_assigned,
    routes=(stays_in(*OPEN_STAGES),), before_review=True)
