"""A customer vents, asks for more than the agent may give, and a supervisor consoles.

"Let them vent, always apologize, escalate to a supervisor who can console": the agent's
authority limit (50 GBP by default) bounds what the complaint's compensations in pounds add
up to, so a 120 GBP credit is refused until the complaint is escalated to a supervisor whose
limit in GBP covers it.

Run it: ``python examples/escalation.py``
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    CommandRejected,
    Complaint,
    ConfirmConcern,
    ConfirmImpact,
    Escalate,
    ExpressEmpathy,
    HearConcern,
    LetVent,
    NoMoreConcerns,
    OfferCompensation,
    RestateConcern,
    Severity,
    VerifyCustomer,
    open_complaint,
)


def main() -> Complaint:
    now = datetime(2026, 5, 11, 14, 0, tzinfo=timezone.utc)
    complaint = open_complaint("CMP-77", at=now).complaint
    steps = [
        VerifyCustomer(name="Tom Baker", callback="tom@example.com"),
        LetVent(note="Third missed delivery; took a day off work for nothing."),
        HearConcern(text="You missed my delivery again."),
        RestateConcern(concern_id="K1", restatement="The courier missed the slot again."),
        ConfirmConcern(concern_id="K1"),
        NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Lost a day's pay.", severity=Severity.HIGH),
        ConfirmImpact(concern_id="K1"),
        Apologize(),
        ExpressEmpathy(note="Losing a day's pay over our mistake is not acceptable."),
        BeginResponse(),
    ]
    for command in steps:
        now += timedelta(minutes=2)
        complaint = complaint.apply(command, at=now).complaint

    credit = OfferCompensation(concern_id="K1", kind="account_credit", amount=Decimal("120"),
                               currency="GBP", description="Credit for the lost day.")
    try:
        complaint.apply(credit, at=now)
    except CommandRejected as rejected:
        print(rejected.rejection.explain().splitlines()[1])

    complaint = complaint.apply(
        Escalate(to="supervisor: Ana", reason="Customer asks for a consolation above 50 GBP.",
                 authority_limit=Decimal("200"), currency="GBP"), at=now).complaint
    complaint = complaint.apply(credit, at=now + timedelta(minutes=5)).complaint
    given = complaint.compensations[-1]
    print(f"offered {given.amount} {given.currency} under a limit of {given.authority_limit}")
    print(f"offered in GBP so far: {complaint.compensation_total('GBP')} of "
          f"{complaint.authority_limit('GBP')}")
    return complaint


if __name__ == "__main__":
    main()
