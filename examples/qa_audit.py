"""QA on a night's exported calls: score every complaint in a JSON-lines event export.

One call was handled with complaintflow (every event written with ``dump_event``); the
other comes from a legacy system that wrote events straight into the export, without the
workflow's guards: no restatement, no apology, a refund above the agent's authority and no
recap. ``complaintflow audit`` scores both and exits with 1, because a critical rule failed.

Run it: ``python examples/qa_audit.py``
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    Close,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    CustomerResponse,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    NoMoreConcerns,
    Outcome,
    Policy,
    Recap,
    ResolveConcern,
    RestateConcern,
    SeekClosure,
    Severity,
    ThankCustomer,
    VerifyCustomer,
    dump_event,
    open_complaint,
)
from complaintflow import events as ev
from complaintflow.__main__ import main
from complaintflow.events import Event

START = datetime(2026, 3, 9, 20, 0, tzinfo=timezone.utc)


def careful_call() -> list[Event]:
    opened = open_complaint("CMP-201", at=START)
    complaint = opened.complaint
    log: list[Event] = list(opened.events)
    at = START
    for command in [
        VerifyCustomer(name="Lena Vogel", callback="+49 30 000 000"),
        HearConcern(text="The router drops every evening."),
        RestateConcern(concern_id="K1", restatement="Your internet cuts out at night."),
        ConfirmConcern(concern_id="K1"),
        NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Cannot work from home.",
                     severity=Severity.HIGH),
        ConfirmImpact(concern_id="K1"),
        Apologize(),
        ExpressEmpathy(),
        BeginResponse(),
        GiveRelief(concern_id="K1", description="Switched the line to a new port."),
        ResolveConcern(concern_id="K1", resolution="Stable for the rest of the call."),
        ConfirmNextSteps(),
        Recap(),
        SeekClosure(customer_response=CustomerResponse.SATISFIED),
        ThankCustomer(),
        Close(),
    ]:
        at += timedelta(minutes=1)
        applied = complaint.apply(command, at=at)
        complaint = applied.complaint
        log.extend(applied.events)
    return log


def legacy_call() -> list[Event]:
    at = START
    policy = Policy(authority_limits={"AED": 50})  # the agent's limit, in dirhams
    log: list[Event] = list(open_complaint("CMP-202", at=at, policy=policy).events)

    def add(event_type: type[Event], **fields: Any) -> None:  # an event's own fields
        nonlocal at
        at += timedelta(minutes=1)
        log.append(event_type(seq=len(log) + 1, at=at, **fields))

    add(ev.CustomerVerified, name="Omar Haddad", callback="+971 4 000 0000")
    add(ev.ConcernHeard, concern_id="K1", text="Charged for a month I cancelled.")
    add(ev.ConcernsComplete)
    add(ev.ImpactAssessed, concern_id="K1", description="Overdraft fee.",
        severity=Severity.MEDIUM)
    add(ev.ImpactConfirmed, concern_id="K1")
    add(ev.EmpathyExpressed)
    add(ev.ResponseBegun)
    add(ev.CompensationOffered, concern_id="K1", kind="refund", amount=Decimal("95"),
        currency="AED", description="Refund and fee.", authority_limit=Decimal("50"))
    add(ev.ConcernResolved, concern_id="K1", resolution="Refunded.")
    add(ev.NextStepsConfirmed)
    add(ev.ClosureSought, customer_response=CustomerResponse.ACCEPTS)
    add(ev.CustomerThanked)
    add(ev.ComplaintClosed, outcome=Outcome.RESOLVED)
    return log


def main_example() -> int:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "calls.jsonl"
        export.write_text("".join(json.dumps(dump_event(event)) + "\n"
                                  for log in (careful_call(), legacy_call()) for event in log),
                          encoding="utf-8")
        status = main(["audit", str(export)])
    print(f"exit status {status}")
    return status


if __name__ == "__main__":
    main_example()
