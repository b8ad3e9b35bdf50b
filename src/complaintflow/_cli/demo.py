"""``python -m complaintflow demo``: the payroll outage, played and narrated.

A small-business owner cannot run payroll and has a wrong VAT number on their invoices.
The script follows IBM's seven steps over two contacts and prints a readable transcript:
each command, the stage change, every rejection with its reasons, the action plan and a
final summary. It shows the library; it is not part of the library's API.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from os import PathLike
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from attrs import asdict

from .. import (
    BusinessCalendar,
    CommandRejected,
    Complaint,
    Limit,
    Owner,
    Policy,
    Severity,
    deadlines,
    fca_disp,
    open_complaint,
    service_clocks,
)
from .. import commands as cmd
from .. import events as ev
from ..stores import StoreError
from ..stores.sqlite import SQLiteStore


def register(commands: Any) -> None:
    """Add ``demo`` to the command line's subcommands."""
    demo = commands.add_parser("demo", help="play the payroll-outage scenario and print its "
                                            "transcript, keeping the complaint in a SQLite file")
    demo.add_argument("--db", default="complaintflow-demo.db",
                      help="the SQLite file to keep complaints in (default: %(default)s)")
    demo.set_defaults(run=_main)


def _main(args: argparse.Namespace) -> int:
    try:
        run_demo(sys.stdout, args.db)
    except StoreError as error:  # e.g. --db in a folder that does not exist
        print(f"complaintflow demo: {error}", file=sys.stderr)
        return 2
    return 0

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)  # a Monday morning
_CALENDAR = BusinessCalendar(time_zone="Europe/London", holidays=(date(2026, 4, 3),
                                                                   date(2026, 4, 6)))
POLICY = Policy(regimes=(fca_disp(_CALENDAR), service_clocks(
    _CALENDAR, first_response=Limit(amount=4, unit="business_hours"), include_check_in=True)))
"""A UK firm: FCA DISP time limits, and its own service levels."""


# How the transcript describes each event: a format string over the event's fields, in
# which times read as London clock times and id lists as "K1, K2". Others use their tag.
_TEMPLATES: dict[str, str] = {
    "stage_changed": "stage {source} -> {dest}",
    "customer_verified": "verified {name} ({customer_id}), {service}",
    "concern_heard": '{concern_id}: "{text}"',
    "concern_restated": '{concern_id} restated: "{restatement}"',
    "concern_confirmed": "{concern_id} confirmed by the customer",
    "restatement_rejected": '{concern_id} restatement rejected: "{correction}"',
    "concerns_prioritized": "priority, most urgent first: {order}",
    "impact_assessed": '{concern_id} impact ({severity}): "{description}"',
    "impact_confirmed": "{concern_id} impact agreed",
    "relief_given": "relief for {concern_id}: {description}",
    "action_planned": "{action_id} for {concern_ids}: {description} [{owner}, due {due}]",
    "action_completed": "{action_id} completed: {note}",
    "concern_resolved": "{concern_id} resolved: {resolution}",
    "follow_up_scheduled": "follow-up at {follow_up_at}",
    "open_items_reviewed": "open items reviewed: {open_action_ids}",
    "closure_sought": "customer is {customer_response}",
    "complaint_closed": "closed, outcome {outcome}",
    "communication_recorded": "{kind} sent by {channel}",
    "check_in_scheduled": "check-in by {channel} at {due}",
    "check_in_recorded": "check-in: {outcome}, score {score}: {note}",
}


def describe(event: ev.Event) -> str:
    """A short, human line for an event (the transcript's right-hand column)."""
    template = _TEMPLATES.get(event.type)
    if template is None:
        return event.type.replace("_", " ")
    fields = {name: _readable(value) for name, value in asdict(event, recurse=False).items()}
    return template.format_map(fields)


def _readable(value: object) -> str:
    if isinstance(value, datetime):
        return _clock(value)
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value) or "none"
    return "-" if value is None else str(value)


def _clock(when: datetime) -> str:
    return when.astimezone(LONDON).strftime("%a %d %b %H:%M")


class Transcript:
    """Sends commands one after another to a store and narrates each, rejected ones too.

    Each command is a stateless worker's job: load the complaint from the SQLite file,
    apply, save (``store.handle``). Nothing is kept in memory between commands but the
    narrator's clock.
    """

    def __init__(self, store: SQLiteStore, complaint_id: str, start: datetime, out: TextIO):
        self.store = store
        self.complaint_id = complaint_id
        self.now = start
        self.out = out

    @property
    def complaint(self) -> Complaint:
        return self.store.get(self.complaint_id)

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def do(self, command: cmd.AnyCommand, minutes: int = 1) -> bool:
        """Apply ``command`` a few minutes after the previous one; ``False`` if rejected."""
        self.now += timedelta(minutes=minutes)
        stamp = self.now.astimezone(LONDON).strftime("%a %H:%M")
        try:
            applied = self.store.handle(self.complaint_id, command, at=self.now)
        except CommandRejected as rejected:
            self.say(f"  {stamp}  {command.command:<20} REJECTED")
            for reason in rejected.rejection.reasons:
                self.say(f"{'':33}[{reason.code}] {reason.message}")
            return False
        if applied.duplicate is not None:
            self.say(f"  {stamp}  {command.command:<20} a retry of {command.command_id}: "
                     f"answered from its receipt (event #{applied.duplicate.seq}), "
                     "nothing changed")
            return True
        details = [describe(event) for event in applied.events]
        self.say(f"  {stamp}  {command.command:<20} {details[0]}")
        for detail in details[1:]:
            self.say(f"{'':33}{detail}")
        return True


def _first_contact(t: Transcript) -> None:
    t.say(f"First call - the customer rings in, {_clock(t.now)} (Europe/London)")
    t.do(cmd.VerifyCustomer(name="Priya Shah", callback="+44 20 7946 0321",
                            customer_id="ACME-4471", service="Payroll Plus"))
    t.do(cmd.RecordCommunication(kind="acknowledgement", channel="email"))
    t.do(cmd.LetVent(note="Furious: staff are due to be paid on Friday."), minutes=3)
    t.do(cmd.HearConcern(text="Payroll won't run, it fails at the tax step."))
    t.do(cmd.RestateConcern(concern_id="K1",
                            restatement="Your payroll run stops at tax calculation."))
    t.do(cmd.ConfirmConcern(concern_id="K1"))
    t.do(cmd.HearConcern(text="And the invoices show our old VAT number."))
    t.do(cmd.RestateConcern(concern_id="K2", restatement="Your invoices show an old address."))
    t.do(cmd.RejectRestatement(concern_id="K2", correction="Not the address: the VAT number."))
    t.do(cmd.RestateConcern(concern_id="K2",
                            restatement="Invoices print your previous VAT number."))
    t.do(cmd.ConfirmConcern(concern_id="K2"))
    t.do(cmd.NoMoreConcerns())
    t.do(cmd.Prioritize(order=("K1", "K2")))
    t.do(cmd.AssessImpact(concern_id="K1", description="Cannot pay 14 staff on Friday.",
                          severity=Severity.CRITICAL,
                          restatement="If payroll doesn't run, your staff go unpaid."))
    t.do(cmd.ConfirmImpact(concern_id="K1"))
    t.do(cmd.AssessImpact(concern_id="K2", description="Customers may query invoices.",
                          severity=Severity.MEDIUM))
    t.do(cmd.ConfirmImpact(concern_id="K2"))
    t.do(cmd.BeginResponse())  # rejected: the policy wants an apology first
    t.do(cmd.Apologize(note="I'm sorry, this is the last thing you need before payday."))
    t.do(cmd.ExpressEmpathy(note="I understand how worrying this is for your team."))
    t.do(cmd.BeginResponse())
    t.do(cmd.GiveRelief(concern_id="K1",
                        description="Ran payroll manually with last month's tax codes."),
         minutes=12)
    friday = t.now.replace(hour=17, minute=0) + timedelta(days=1)
    t.do(cmd.PlanAction(description="Fix the VAT number in the billing profile.",
                        owner=Owner.AGENT, due=friday, concern_ids=("K2",)))
    t.do(cmd.PlanAction(description="Send the VAT registration certificate.",
                        owner=Owner.CUSTOMER, due=friday - timedelta(hours=6),
                        concern_ids=("K2",)))
    t.do(cmd.PlanAction(description="Patch the tax-step failure in the payroll service.",
                        owner=Owner.COMPANY, due=friday + timedelta(days=2),
                        concern_ids=("K1",)))
    t.do(cmd.ConfirmNextSteps())  # rejected: no follow-up scheduled yet
    t.do(cmd.ScheduleFollowUp(at=friday + timedelta(days=3, hours=-7)))
    t.do(cmd.ConfirmNextSteps())


def _between_contacts(t: Transcript) -> None:
    t.say()
    t.say("Between contacts - each side keeps its promises")
    done = (("A2", "Certificate received by email.", 25 * 60),
            ("A1", "Billing profile updated; invoices reissued.", 5 * 60 + 30),
            ("A3", "Fix released to production.", 47 * 60))
    for action_id, note, minutes in done:
        # the billing system's webhook reports each completion, with its delivery id
        complete = cmd.CompleteAction(action_id=action_id, note=note,
                                      command_id=f"billing-webhook-{action_id}")
        t.do(complete, minutes=minutes)
        if action_id == "A1":  # ... and delivers this one twice
            t.do(complete, minutes=0)


def _second_contact(t: Transcript) -> None:
    t.now = t.complaint.follow_up_at or t.now
    t.say()
    t.say(f"Follow-up call - a contact that starts by reviewing open items, {_clock(t.now)}")
    t.do(cmd.StartContact(channel="phone"), minutes=0)
    t.do(cmd.ResolveConcern(concern_id="K1", resolution="Fixed."))  # rejected: review first
    t.do(cmd.ReviewOpenItems())
    t.do(cmd.ResolveConcern(concern_id="K1", resolution="Tax-step fix deployed; runs clean."))
    t.do(cmd.ResolveConcern(concern_id="K2", resolution="Invoices reissued with the new VAT."))
    t.do(cmd.BeginRecap())
    t.do(cmd.Recap(summary="Payroll paid on time and fixed; invoices corrected."))
    t.do(cmd.SeekClosure(customer_response="satisfied"))
    t.do(cmd.ThankCustomer())
    t.do(cmd.RecordCommunication(kind="final_response", channel="email",
                                 summary="Both concerns resolved; how to refer to the FOS."))
    check_in = t.now + timedelta(days=7)
    t.do(cmd.ScheduleCheckIn(due=check_in, channel="phone"))  # Evenson step 4
    t.do(cmd.Close())
    t.now = check_in - timedelta(minutes=1)
    t.say()
    t.say(f"The check-in a week after the close, {_clock(check_in)}")
    t.do(cmd.RecordCheckIn(outcome="still_resolved", note="Payroll has run clean since.",
                           score=5))


def _summary(t: Transcript) -> None:
    c = t.complaint
    t.say()
    t.say("Action plan")
    for action in c.actions:
        done = _clock(action.completed_at) if action.completed_at else "open"
        t.say(f"  {action.id}  {action.owner.value:<8} due {_clock(action.due)}  "
              f"done {done}  {action.description}")
    kept = sum(1 for a in c.actions if a.completed_at is not None and a.completed_at <= a.due)
    t.say(f"  {kept} of {len(c.actions)} promises kept on time")
    t.say()
    t.say("Summary")
    t.say(f"  complaint {c.complaint_id}: {c.stage}, outcome {c.outcome}")
    t.say(f"  revision {c.revision} (one per applied command, opening included), "
          f"{c.seq} events in its log")
    for concern in c.concerns:
        severity = concern.impact.severity if concern.impact else "-"
        t.say(f"  {concern.id} [{severity}] {concern.text}")
        t.say(f"      -> {concern.status}: {concern.resolution}")
    t.say(f"  conduct: apologized={c.apologized}, empathy={c.empathy_expressed}, "
          f"vented={c.vented}, thanked={c.thanked}")


def _clocks_and_audit(t: Transcript) -> None:
    """What a regulator and a QA team would ask, read off the stored complaint and log."""
    from ..audit import Verdict, audit  # the audit is not needed before here

    c = t.complaint
    t.say()
    t.say(f"Clocks at the check-in ({', '.join(r.title for r in c.policy.regimes)})")
    for status in deadlines(c, at=t.now):
        due = _clock(status.due_at) if status.due_at else "-"
        t.say(f"  {status.clock:<26} {status.state:<15} due {due}")
    card = audit(t.store.events(t.complaint_id))
    failed = ", ".join(card.failed_ids) or "none"
    t.say()
    passed = sum(item.result is Verdict.PASSED for item in card)
    t.say(f"Audit of the event log: {passed} rules passed, failed: {failed}")


def run_demo(out: TextIO, db: str | PathLike[str] = "complaintflow-demo.db") -> Complaint:
    """Play the payroll scenario, keeping the complaint in the SQLite file ``db`` and
    narrating to ``out``; returns the closed complaint."""
    with SQLiteStore(db) as store:
        complaint_id = f"CMP-2026-{42 + len(store.ids()):04d}"  # a new one on each run
        opened = open_complaint(complaint_id, at=START, policy=POLICY)
        store.add(opened.complaint, opened.events)
        t = Transcript(store, complaint_id, START, out)
        t.say("complaintflow demo: the payroll outage, in IBM's seven steps")
        t.say("(verify, listen, prioritize, assess impact, respond, follow up, recap and close)")
        t.say()
        t.say("Each line is a command, its time and what it recorded; K1, K2 are the concerns")
        t.say("and A1, A2, A3 the action items, numbered as they are heard and planned. Each")
        t.say(f"command loads complaint {complaint_id} from {db}, applies and saves it.")
        t.say()
        _first_contact(t)
        _between_contacts(t)
        saved = t.complaint
        t.say()
        t.say(f"Saved in {db}: revision {saved.revision}, {saved.seq} events. "
              "The process could stop here.")
    with SQLiteStore(db) as store:  # the next contact, in a new process for all it knows
        t = Transcript(store, complaint_id, t.now, out)
        resumed = t.complaint
        t.say(f"Resumed {complaint_id} from {db}: {resumed.stage}, revision {resumed.revision}, "
              f"follow-up due {_clock(resumed.follow_up_at or t.now)}.")
        _second_contact(t)
        _summary(t)
        _clocks_and_audit(t)
        return t.complaint
