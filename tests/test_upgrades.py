"""Golden fixtures of every persisted format version, and the upcaster chains.

``tests/fixtures/snapshot-vN.json`` and ``events-vN.jsonl`` hold the golden complaint
below as version N wrote it. They are never edited: a release that changes the format
raises the version, registers an upcaster, and adds the new pair next to the old ones.
Set ``COMPLAINTFLOW_WRITE_FIXTURES=1`` to write the current version's pair when it is
missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    SNAPSHOT_VERSION,
    Apologize,
    AssessImpact,
    BeginRecap,
    BeginResponse,
    BriefTeam,
    BusinessCalendar,
    Classify,
    Close,
    Complaint,
    ComplaintflowError,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    EndContact,
    Escalate,
    ExplainFinding,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    LetVent,
    Limit,
    NoMoreConcerns,
    OfferCompensation,
    Owner,
    PlanAction,
    Policy,
    Prioritize,
    Recap,
    RecordCommunication,
    RecordDecision,
    RecordEmotion,
    RecordFeedback,
    RecordInternalNote,
    RecordNeeds,
    RecordPreventiveAction,
    RecordRedress,
    RecordRootCause,
    RecordVulnerability,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    SnapshotError,
    StartContact,
    TakeResponsibility,
    ThankCustomer,
    VerifyCustomer,
    dump,
    dump_event,
    dump_events,
    fca_disp,
    load,
    load_events,
    open_complaint,
    service_clocks,
)
from complaintflow._formats.upcasters import EVENT_UPCASTERS, SNAPSHOT_UPCASTERS, UpcasterChain
from complaintflow.events import EVENT_TYPES, Event
from complaintflow.reports import Category, Taxonomy

from .support import Clock, play

FIXTURES = Path(__file__).parent / "fixtures"
WRITE = os.environ.get("COMPLAINTFLOW_WRITE_FIXTURES") == "1"


def golden() -> tuple[Complaint, list[Event]]:
    """A complaint that uses every part of the snapshot: closed, escalated, compensated."""
    clock = Clock()
    calendar = BusinessCalendar(time_zone="Europe/London", opens_at=time(8, 30),
                                holidays=(date(2026, 4, 3), date(2026, 4, 6)))
    taxonomy = Taxonomy(name="golden", version="1", source="the tests", products=[
        Category("payroll", "Payroll", group="Business services")], causes=[
        Category("release", "A faulty release"), Category("service", "Customer service")])
    policy = Policy(authority_limits={"GBP": "25.00", "EUR": 30},
                    reopen_window=timedelta(days=14, seconds=90), taxonomy=taxonomy,
                    regimes=(fca_disp(calendar), service_clocks(
                        calendar, first_response=Limit(amount=4, unit="business_hours"))))
    opened = open_complaint("CMP-GOLDEN", at=clock.now, policy=policy)
    log: list[Event] = list(opened.events)
    c = play(opened.complaint, [
        VerifyCustomer(name="Priya Shah", callback="+44 20 7946 0321", customer_id="ACME-4471",
                       service="Payroll Plus", command_id="wh-1"),
        RecordCommunication(kind="acknowledgement", channel="email",
                            summary="We have your complaint."),
        Classify(product="payroll", cause="release", channel="phone"),
        RecordVulnerability(drivers=["life_events", "health"]),
        HearConcern(text="Payroll won't run.", command_id="wh-2"),
        RestateConcern(concern_id="K1", restatement="Payroll stops before paying anyone."),
        ConfirmConcern(concern_id="K1"),
        RecordNeeds(concern_id="K1", interactional=["heard", "apology"],
                    transactional="Staff paid by Friday."),
        HearConcern(text="Invoices show our old VAT number."),
        RestateConcern(concern_id="K2", restatement="Invoices print a previous VAT number."),
        ConfirmConcern(concern_id="K2"),
        NoMoreConcerns(),
        Prioritize(order=("K1", "K2")),
        AssessImpact(concern_id="K1", description="Cannot pay my staff on Friday.",
                     severity=Severity.CRITICAL, restatement="Your staff go unpaid."),
        ConfirmImpact(concern_id="K1"),
        AssessImpact(concern_id="K2", description="Customers query invoices.",
                     severity=Severity.MEDIUM),
        ConfirmImpact(concern_id="K2"),
        RecordEmotion(emotion="angry", note="Shouting about the staff."),
        LetVent(),
        Apologize(),
        ExpressEmpathy(),
        RecordEmotion(emotion="calm"),
        BeginResponse(),
        GiveRelief(concern_id="K1", description="Manual payroll run today."),
        Escalate(to="supervisor", reason="Credit above the agent's limit.",
                 authority_limit=Decimal("200"), currency="GBP"),
        OfferCompensation(kind="credit", description="One month free.", concern_id="K1",
                          amount=Decimal("149.99"), currency="GBP"),
        ExplainFinding(explanation="Friday's release broke the payroll run.",
                       concern_id="K1"),
        TakeResponsibility(note="That was our release."),
        RecordInternalNote(text="Release 4.2 skipped the payroll canary.", concern_id="K1"),
        PlanAction(description="Correct the VAT number.", owner=Owner.AGENT,
                   due=clock.now + timedelta(days=1), concern_ids=("K2",),
                   why_best="Fixes every invoice from now on.", involves_others=True),
        ScheduleFollowUp(at=clock.now + timedelta(days=3)),
        ConfirmNextSteps(),
    ], clock, log)
    clock.advance(timedelta(days=3))
    c = play(c, [
        BriefTeam(participants="payroll, billing", summary="Say the release, not the canary."),
        StartContact(channel="phone"),
        ReviewOpenItems(),
        CompleteAction(action_id="A1", note="VAT number corrected"),
        ResolveConcern(concern_id="K1", resolution="Payroll fixed."),
        ResolveConcern(concern_id="K2", resolution="Invoices reissued."),
        EndContact(),
        BeginRecap(),
        Recap(summary="Both fixed."),
        SeekClosure(customer_response="satisfied"),
        ThankCustomer(),
        RecordCommunication(kind="final_response", channel="letter"),
        RecordDecision(decision="upheld"),
        RecordRedress(kind="distress_and_inconvenience", amount="50.00", currency="GBP"),
        Close(command_id="wh-3"),
        RecordRootCause(category="release", description="A bad payroll release.",
                        company_at_fault=True, vulnerability_failure=False),
        RecordPreventiveAction(description="Canary releases for payroll.", owner="platform"),
        RecordFeedback(score=5, comment="Quick and honest."),
    ], clock, log)
    return c, log


def golden_json() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The golden complaint as a store writes it: its log chained, its snapshot on top."""
    complaint, log = golden()
    events = dump_events(log)
    return dump(complaint, head=events[-1]["digest"]), events


def _versions(pattern: str) -> list[int]:
    return sorted(int(match.group(1)) for path in FIXTURES.iterdir()
                  if (match := re.fullmatch(pattern, path.name)))


def _snapshot(version: int) -> Any:
    return json.loads((FIXTURES / f"snapshot-v{version}.json").read_text("utf-8"))


def _events(version: int) -> list[Any]:
    lines = (FIXTURES / f"events-v{version}.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_every_snapshot_version_has_its_golden_fixtures() -> None:
    if WRITE and not (FIXTURES / f"snapshot-v{SNAPSHOT_VERSION}.json").exists():
        snapshot, events = golden_json()
        (FIXTURES / f"snapshot-v{SNAPSHOT_VERSION}.json").write_text(
            json.dumps(snapshot, indent=2) + "\n", "utf-8")
        (FIXTURES / f"events-v{SNAPSHOT_VERSION}.jsonl").write_text(
            "".join(json.dumps(event) + "\n" for event in events), "utf-8")
    expected = list(range(SNAPSHOT_UPCASTERS.oldest, SNAPSHOT_VERSION + 1))
    assert _versions(r"snapshot-v(\d+)\.json") == expected
    assert _versions(r"events-v(\d+)\.jsonl") == expected


@pytest.mark.parametrize("version", _versions(r"snapshot-v(\d+)\.json"))
def test_every_fixture_loads_and_agrees_with_its_event_log(version: int) -> None:
    complaint = load(_snapshot(version), events=_events(version))
    assert complaint == Complaint.from_events(load_events(_events(version)))
    assert complaint.complaint_id == "CMP-GOLDEN"


def test_the_current_format_is_the_one_the_fixtures_froze() -> None:
    """A failure here means the persisted format changed: raise SNAPSHOT_VERSION (or the
    event's version), register an upcaster, and add the new fixtures."""
    snapshot, events = golden_json()
    assert snapshot == _snapshot(SNAPSHOT_VERSION)
    assert events == _events(SNAPSHOT_VERSION)


def test_the_golden_log_holds_most_event_types() -> None:
    _, log = golden()
    assert len({event.type for event in log}) >= 30
    assert {"command_id"} <= set(dump_event(log[1]))


# --- the chains -------------------------------------------------------------------------


def test_a_chain_with_a_gap_is_refused_when_it_is_built() -> None:
    def step(data: dict[str, Any]) -> dict[str, Any]:
        return data

    with pytest.raises(ComplaintflowError, match=r"expected steps from \[1, 2\], got \[1\]"):
        UpcasterChain("snapshot", 3, steps={1: step})
    with pytest.raises(ComplaintflowError, match=r"got \[1, 3\]"):
        UpcasterChain("snapshot", 3, steps={1: step, 3: step})


def test_a_chain_lifts_old_data_step_by_step_without_changing_it() -> None:
    def rename(data: dict[str, Any]) -> dict[str, Any]:  # version 1 called it "notes"
        data["comment"] = data.pop("notes")
        return data

    def add(data: dict[str, Any]) -> dict[str, Any]:  # version 3 added "tags"
        return {**data, "tags": []}

    chain = UpcasterChain("snapshot", 3, steps={1: rename, 2: add})
    original = {"notes": "hello"}
    assert chain.upgrade(original, 1) == {"comment": "hello", "tags": []}
    assert chain.upgrade({"comment": "hi"}, 2) == {"comment": "hi", "tags": []}
    assert chain.upgrade({"comment": "hi", "tags": ["x"]}, 3) == {"comment": "hi", "tags": ["x"]}
    assert original == {"notes": "hello"}
    assert chain.problem(4, "$.v") is not None
    assert chain.problem(0, "$.v") is not None
    assert chain.problem(2, "$.v") is None


def test_every_event_type_has_a_chain_up_to_its_version() -> None:
    assert set(EVENT_UPCASTERS) == set(EVENT_TYPES)
    assert all(EVENT_UPCASTERS[tag].current == cls.version for tag, cls in EVENT_TYPES.items())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_version_1_data_raises_only_snapshot_error(data: st.DataObject) -> None:
    """The upcasters lift what version 1 wrote, and leave anything else for the loader
    to refuse with its path: a missing policy or receipts list is a problem, not a crash."""
    snapshot = _snapshot(1)
    events = _events(1)
    victim = data.draw(st.sampled_from(["snapshot", *range(len(events))]))
    target: dict[str, Any] = snapshot if victim == "snapshot" else events[int(victim)]
    key = data.draw(st.sampled_from(sorted(target)))
    if data.draw(st.booleans()):
        del target[key]
    else:
        target[key] = data.draw(st.sampled_from([None, 0, "x", [], {}, [{}], True]))
    with contextlib.suppress(SnapshotError):
        load(snapshot, events=events)
