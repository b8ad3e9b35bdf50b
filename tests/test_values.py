"""Values, errors and event logs: bad input fails with the library's own, named errors."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from attrs import evolve

from complaintflow import (
    CommandRejected,
    Complaint,
    Escalate,
    HearConcern,
    InvalidValueError,
    OfferCompensation,
    Owner,
    PlanAction,
    Policy,
    Prioritize,
    RecordRootCause,
    Reopen,
    RestateConcern,
    Stage,
    VerifyCustomer,
    Withdraw,
    open_complaint,
)
from complaintflow.events import ComplaintOpened, ConcernHeard, Event

from .support import T0, Clock, listening, play

PLUS_ONE = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("build", "argument"), [
    (lambda: VerifyCustomer(name="a", callback="b", entitled="false"), "entitled"),  # type: ignore[arg-type]  # the point: a str is refused
    (lambda: RecordRootCause(category="a", description="b", company_at_fault="no"),  # type: ignore[arg-type]  # the point: a str is refused
     "company_at_fault"),
    (lambda: Policy(apology_before_response="no"), "apology_before_response"),  # type: ignore[arg-type]  # the point: a str is refused
    (lambda: Prioritize(order="K1"), "order"),
    (lambda: Prioritize(order=5), "order"),  # type: ignore[arg-type]  # the point: an int is refused
    (lambda: PlanAction(description="x", owner=Owner.AGENT, due=T0, concern_ids="K1"),
     "concern_ids"),
    (lambda: OfferCompensation(kind="k", description="d", amount=1.5), "amount"),  # type: ignore[arg-type]  # the point: a float is refused
    (lambda: OfferCompensation(kind="k", description="d", amount="ten"), "amount"),
    (lambda: OfferCompensation(kind="k", description="d", amount="-1"), "amount"),
    (lambda: Escalate(to="lead", reason="r", authority_limit="NaN"), "authority_limit"),
    (lambda: Policy(authority_limits={"GBP": 25.5}), "authority_limits"),  # type: ignore[dict-item]  # the point: a float is refused
    (lambda: Policy(reopen_window=timedelta(days=-1)), "reopen_window"),
    (lambda: PlanAction(description="x", owner="boss", due=T0, concern_ids=("K1",)), "owner"),
    (lambda: HearConcern(text="   "), "text"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_bad_values_name_their_argument(build: Callable[[], object], argument: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        build()
    assert raised.value.argument == argument
    assert argument in str(raised.value)


def test_open_complaint_refuses_what_is_not_a_policy_or_an_id() -> None:
    with pytest.raises(InvalidValueError) as raised:
        open_complaint("C-1", at=T0, policy={"authority_limits": {"GBP": 10}})  # type: ignore[arg-type]  # the point: a dict is refused
    assert raised.value.argument == "policy"
    with pytest.raises(InvalidValueError):
        open_complaint(" ", at=T0)


def test_a_time_with_no_utc_equivalent_is_invalid() -> None:
    complaint = open_complaint("C-1", at=datetime(2026, 1, 1, tzinfo=timezone.utc)).complaint
    with pytest.raises(InvalidValueError) as raised:
        complaint.apply(HearConcern(text="x"), at=datetime(1, 1, 1, tzinfo=PLUS_ONE))
    assert raised.value.code == "invalid_time"


def test_times_are_recorded_in_utc() -> None:
    london = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    applied = open_complaint("C-1", at=london)
    assert applied.complaint.received_at == london
    assert applied.complaint.received_at.tzinfo is timezone.utc
    assert applied.events[0].at.hour == 8


def test_command_rejected_pickles_with_its_rejection() -> None:
    clock = Clock()
    complaint = listening(clock)
    with pytest.raises(CommandRejected) as raised:
        complaint.apply(RestateConcern(concern_id="K9", restatement="x"), at=clock.tick())
    copy = pickle.loads(pickle.dumps(raised.value))
    assert copy.rejection == raised.value.rejection
    assert str(copy) == str(raised.value)
    assert copy.rejection.stage is Stage.LISTENING


def test_the_reopen_message_spells_out_a_window_shorter_than_a_day() -> None:
    clock = Clock()
    policy = Policy(reopen_window=timedelta(hours=12))
    complaint = play(open_complaint("C-1", at=clock.now, policy=policy).complaint, [
        VerifyCustomer(name="a", callback="b"),
        Withdraw(reason="changed my mind"),
    ], clock)
    rejection = complaint.check(Reopen(reason="again"), at=clock.advance(timedelta(hours=13)))
    assert rejection is not None
    assert rejection.codes == ("reopen_window_expired",)
    assert "12:00:00" in rejection.reasons[0].message


# --- event logs ------------------------------------------------------------------------


def _played(clock: Clock) -> tuple[Complaint, list[Event]]:
    opened = open_complaint("C-1", at=clock.now)
    log: list[Event] = list(opened.events)
    complaint = play(opened.complaint, [VerifyCustomer(name="a", callback="b"),
                                        HearConcern(text="x")], clock, log)
    return complaint, log


def _log(clock: Clock) -> list[Event]:
    return _played(clock)[1]


def test_a_log_folds_back_to_the_complaint() -> None:
    complaint, log = _played(Clock())
    rebuilt = Complaint.from_events(log)
    assert rebuilt == complaint
    assert rebuilt.revision == 3
    assert rebuilt.seq == len(log)
    assert rebuilt.stage is Stage.LISTENING


def test_a_log_in_another_zone_folds_to_the_same_complaint() -> None:
    clock = Clock()
    log = _log(clock)
    moved = [evolve(event, at=event.at.astimezone(PLUS_ONE)) for event in log]
    assert Complaint.from_events(moved) == Complaint.from_events(log)


@pytest.mark.parametrize("broken", ["empty", "no_opening", "gap", "not_an_event", "naive",
                                    "opened_twice"])
def test_a_broken_log_is_an_invalid_value(broken: str) -> None:
    log: list[object] = list(_log(Clock()))
    if broken == "empty":
        log = []
    elif broken == "no_opening":
        log = log[1:]
    elif broken == "gap":
        del log[2]
    elif broken == "not_an_event":
        log.append({"type": "concern_heard", "seq": len(log) + 1})
    elif broken == "naive":
        log.append(ConcernHeard(seq=len(log) + 1, at=datetime(2026, 3, 2, 10, 0),
                                concern_id="K2", text="y"))
    else:
        log.append(ComplaintOpened(seq=len(log) + 1, at=T0 + timedelta(hours=1),
                                   complaint_id="C-2", policy=Policy()))
    with pytest.raises(InvalidValueError) as raised:
        Complaint.from_events(log)  # type: ignore[arg-type]  # the point: bad logs are refused
    assert raised.value.argument is not None
    assert raised.value.argument.startswith("events")


def test_amounts_are_decimals_whatever_the_input() -> None:
    assert OfferCompensation(kind="k", description="d", amount=60).amount == Decimal(60)
    assert OfferCompensation(kind="k", description="d", amount="60.50").amount == Decimal(
        "60.50")
    assert Policy(authority_limits={"GBP": "75"}).authority_limit("GBP") == Decimal(75)
