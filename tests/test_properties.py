"""Property-based tests: random command sequences that walk deep into the workflow.

Each test draws a complaint's life step by step with ``st.data()``: mostly a command the
complaint allows now, with plausible arguments (existing concern and action ids and some
unknown ones, due times in the future and in the past, amounts around what the authority
limit in force in their currency still allows, in currencies with and without a limit),
and sometimes any command at all. Time moves forward by minutes to weeks (so the reopen
window is sometimes exceeded) and occasionally backwards. The properties are the contracts
of DESIGN §2-3: rejections change nothing and are predicted by ``check``; revisions, event
sequence numbers and times; only the library's own exceptions; replay; allowed commands and
stage changes; and agreement between the JSON entry point and the typed API.
"""

from __future__ import annotations

import copy
import enum
import json
import re
import typing
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from complaintflow import (
    COMMAND_TYPES,
    AnyCommand,
    Apologize,
    Applied,
    AssessImpact,
    Assign,
    BeginRecap,
    BeginResponse,
    Close,
    CommandRejected,
    CommunicationKind,
    Complaint,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    CustomerResponse,
    EndContact,
    Escalate,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    InvalidValueError,
    LetVent,
    MarkUnresolvable,
    NoMoreConcerns,
    OfferCompensation,
    Owner,
    PlanAction,
    Policy,
    Prioritize,
    Recap,
    Receipt,
    RecordCommunication,
    RecordFeedback,
    RecordPreventiveAction,
    RecordRootCause,
    Refer,
    Rejection,
    RejectRestatement,
    Reopen,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    Stage,
    StartContact,
    ThankCustomer,
    VerifyCustomer,
    Withdraw,
    apply_json,
    open_complaint,
    stage_commands,
)
from complaintflow._core.fingerprint import fingerprint
from complaintflow._values.reasons import REASON_CODES
from complaintflow.events import AnyEvent, StageChanged

T = TypeVar("T")

# --- settings ---------------------------------------------------------------------------
# A walk is up to MAX_STEPS commands, each drawn with a handful of choices, so an example
# takes milliseconds and generating it is "slow" by Hypothesis' default standard; the
# too_slow health check is therefore suppressed for the walks (and only for them), and
# deadlines are off because a long walk (replaying its whole log at every step) is
# legitimately slower than a short one.

MAX_STEPS = 100
WALK = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAVY_WALK = settings(WALK, max_examples=40)  # several applies per step

# --- times ------------------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
FIXED_ZONES: tuple[tzinfo, ...] = (
    timezone.utc,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-8)),
)
# A real zone too, for the Python API. The JSON agreement test keeps to fixed offsets:
# under PEP 495 a Europe/London time in the repeated hour never compares == to any
# time in another tzinfo, including its own ISO form parsed back, although it is the same
# instant; that is Python's datetime semantics, not the library's.
ALL_ZONES: tuple[tzinfo, ...] = (*FIXED_ZONES, ZoneInfo("Europe/London"))


def minutes(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda m: timedelta(minutes=m))


# --- text and values --------------------------------------------------------------------

WORDS = ("the fee", "late delivery", "Dana Reyes", "+44 20 7946 0000", "phone", "Ünïcødé ✓")
TEXT: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(WORDS), st.text(max_size=6).map(lambda s: "x" + s))
OPTIONAL_TEXT: st.SearchStrategy[str | None] = st.one_of(st.none(), TEXT)
CENTS = st.integers(1, 20_000).map(lambda n: Decimal(n).scaleb(-2))
CURRENCIES = st.sampled_from(["GBP", "EUR", "JPY"])
MAYBE_CURRENCY = st.one_of(st.none(), CURRENCIES)
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
ALL_NAMES = tuple(sorted(COMMAND_TYPES))
# Any command at all; those that end a complaint are kept off the bounds Hypothesis favours.
ANY_NAME = st.sampled_from(
    ["apologize", *(n for n in ALL_NAMES if n not in ("apologize", "let_vent")), "let_vent"])

POLICIES = st.builds(
    Policy,
    apology_before_response=st.booleans(),
    thanks_before_close=st.booleans(),
    authority_limits=st.sampled_from([{"GBP": Decimal(50)}, {"GBP": 0},
                                      {"GBP": "120.50", "EUR": 100}, {"JPY": 5000}, {}]),
    reopen_window=st.sampled_from([timedelta(days=30), timedelta(days=7), timedelta(0),
                                   timedelta(days=30), timedelta(days=30)]),
    remembered_command_ids=st.sampled_from([100, 100, 1, 3]),
)

# How often each allowed command is picked, given the complaint: the steps that make
# progress now are favoured, so that walks reach following_up, recapping and closed (and
# come back from closed); those that end a complaint early (withdraw, refer) are rare.
# Every allowed command keeps a weight of at least 1.
RARE = {"withdraw": 1, "refer": 1, "assign": 2, "express_empathy": 2, "let_vent": 2,
        "escalate": 3, "record_root_cause": 2, "record_preventive_action": 2,
        "record_communication": 2,
        "offer_compensation": 4, "mark_unresolvable": 4, "give_relief": 5}


def _follow_up_missing(c: Complaint) -> bool:
    anything_open = bool(c.open_concerns or c.open_actions)
    return anything_open and (c.follow_up_at is None or c.follow_up_at <= c.updated_at)


def weight(name: str, c: Complaint) -> int:
    open_concerns = c.open_concerns
    if name in RARE:
        return RARE[name]
    if name == "verify_customer":
        return 60
    if name == "hear_concern":
        if c.stage is Stage.FOLLOWING_UP:
            return 1
        return 20 if not open_concerns else 4
    if name == "restate_concern":
        return 20 if any(k.restatement is None and not k.confirmed for k in open_concerns) else 1
    if name in ("confirm_concern", "reject_restatement"):
        pending = any(k.restatement is not None and not k.confirmed for k in open_concerns)
        return (20 if name == "confirm_concern" else 4) if pending else 1
    if name == "no_more_concerns":
        return 20 if open_concerns and all(k.confirmed for k in open_concerns) else 1
    if name == "prioritize":
        return 20
    if name == "assess_impact":
        return 20 if any(k.impact is None for k in open_concerns) else 2
    if name == "confirm_impact":
        return 20 if any(k.impact and not k.impact.agreed for k in open_concerns) else 1
    if name == "apologize":
        return 10 if c.policy.apology_before_response and not c.apologized else 2
    if name == "begin_response":
        return 20 if all(k.impact and k.impact.agreed for k in open_concerns) else 1
    if name == "plan_action":
        return 8 if open_concerns else 1
    if name == "resolve_concern":  # in responding, leave some open for a follow-up
        return (8 if c.stage is Stage.FOLLOWING_UP else 4) if open_concerns else 1
    if name == "complete_action":
        return 10 if c.open_actions else 1
    if name == "schedule_follow_up":
        return 12 if _follow_up_missing(c) else 1
    if name == "start_contact":
        return 15 if c.contact is None else 1
    if name == "review_open_items":
        return 20 if c.contact is not None and not c.contact.reviewed else 1
    if name == "confirm_next_steps":
        planned = {i for action in c.actions for i in action.concern_ids}
        covered = all(k.relief or k.id in planned for k in open_concerns)
        return 15 if covered and not _follow_up_missing(c) else 2
    if name == "end_contact":
        return 6 if c.contact is not None and not _follow_up_missing(c) else 1
    if name == "begin_recap":
        return 15 if not (open_concerns or c.open_actions) else 2
    if name == "recap":
        return 20 if not c.recapped else 1
    if name == "seek_closure":
        return 20 if c.recapped and c.closure is None else 2
    if name == "thank_customer":
        return 15 if not c.thanked else 1
    if name == "close":
        return 20
    if name == "reopen":
        return 20
    if name == "record_feedback":
        return 5 if c.feedback is None else 1
    return 1  # a command without a weight of its own is picked as rarely as the rarest


def json_value(value: object) -> object:
    """A command argument as JSON: times as ISO strings, amounts as decimal strings, ..."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    return value


def json_form(command: AnyCommand, *, omit_defaults: bool = False) -> dict[str, object]:
    """``{"command": name, ...arguments}``, built by hand from the command's attrs fields."""
    payload: dict[str, object] = {"command": command.command}
    for field in attrs.fields(type(command)):
        value = getattr(command, field.name)
        if omit_defaults and field.default is not attrs.NOTHING and value == field.default:
            continue
        payload[field.name] = json_value(value)
    return payload


# --- the walk ---------------------------------------------------------------------------


class Walk:
    """One complaint's life, drawn step by step: the complaint, its log and the clock."""

    def __init__(self, data: st.DataObject, zones: Sequence[tzinfo] = ALL_ZONES):
        self.data = data
        self.zones = tuple(zones)
        self.clock = T0
        opened = open_complaint("C-1", at=self.local(T0), policy=data.draw(POLICIES))
        self.complaint = opened.complaint
        self.log: list[AnyEvent] = list(opened.events)
        self.stages: set[Stage] = {self.complaint.stage}
        self.requests: list[AnyCommand] = []  # commands sent with a command_id

    # drawing helpers

    def draw(self, strategy: st.SearchStrategy[T]) -> T:
        return self.data.draw(strategy)

    def pick(self, options: Sequence[tuple[int, st.SearchStrategy[T]]]) -> T:
        """One of ``options``, chosen with the given weights (shrinks to the first).

        Hypothesis favours the bounds of an integer range, so both bounds of the roll
        stand for the first option: put the most useful option first.
        """
        total = sum(weight for weight, _ in options)
        roll = self.draw(st.integers(0, total)) % total
        for weight, strategy in options:
            if roll < weight:
                return self.draw(strategy)
            roll -= weight
        raise AssertionError("unreachable")

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.draw(st.sampled_from(self.zones)))

    def steps(self) -> Iterator[int]:
        yield from range(self.data.draw(st.integers(1, MAX_STEPS), label="steps"))

    # time

    def next_time(self) -> datetime:
        """Mostly minutes later, sometimes days or weeks; occasionally the same or earlier."""
        delta = self.pick([
            (14, minutes(1, 120)),
            (4, minutes(60, 48 * 60)),
            (2, minutes(2 * 24 * 60, 20 * 24 * 60)),
            (1, minutes(14 * 24 * 60, 60 * 24 * 60)),
            (1, st.just(timedelta(0))),
            (1, minutes(-3 * 24 * 60, -1)),
        ])
        return self.local(self.clock + delta)

    def when(self, now: datetime) -> datetime:
        """A due or follow-up time: mostly in the future, sometimes now or in the past."""
        offset = self.pick([
            (6, minutes(1, 30 * 24 * 60)),
            (1, st.just(timedelta(0))),
            (2, minutes(-30 * 24 * 60, -1)),
        ])
        return self.local(now + offset)

    # ids and amounts

    def concern_id(self, preferred: Sequence[str] = ()) -> str:
        complaint = self.complaint
        known = [concern.id for concern in complaint.concerns]
        open_ids = [concern.id for concern in complaint.open_concerns]
        unknown = ["K0", f"K{len(known) + 1}", "K99", "k1", "A1"]
        options: list[tuple[int, st.SearchStrategy[str]]] = []
        if preferred:
            options.append((8, st.sampled_from(list(preferred))))
        if open_ids:
            options.append((4, st.sampled_from(open_ids)))
        if known:
            options.append((2, st.sampled_from(known)))
        options.append((1, st.sampled_from(unknown)))
        return self.pick(options)

    def concern_ids(self) -> st.SearchStrategy[tuple[str, ...]]:
        complaint = self.complaint
        known = [concern.id for concern in complaint.concerns]
        open_ids = [concern.id for concern in complaint.open_concerns] or known or ["K1"]
        pool = st.sampled_from([*open_ids, *known, "K0", f"K{len(known) + 1}"])
        return st.one_of(
            st.permutations(open_ids).flatmap(
                lambda ids: st.integers(1, len(ids)).map(lambda n: tuple(ids[:n]))),
            st.lists(pool, min_size=1, max_size=4, unique=True).map(tuple),
        )

    def order(self) -> tuple[str, ...]:
        complaint = self.complaint
        open_ids = [concern.id for concern in complaint.open_concerns]
        known = [concern.id for concern in complaint.concerns]
        pool = st.sampled_from([*known, "K0", f"K{len(known) + 1}"])
        options: list[tuple[int, st.SearchStrategy[tuple[str, ...]]]] = []
        if open_ids:
            options.append((6, st.permutations(open_ids).map(tuple)))
        options.append((1, st.lists(pool, min_size=1, max_size=5, unique=True).map(tuple)))
        return self.pick(options)

    def action_id(self) -> str:
        complaint = self.complaint
        known = [action.id for action in complaint.actions]
        open_ids = [action.id for action in complaint.open_actions]
        options: list[tuple[int, st.SearchStrategy[str]]] = []
        if open_ids:
            options.append((6, st.sampled_from(open_ids)))
        if known:
            options.append((2, st.sampled_from(known)))
        options.append((1, st.sampled_from(["A0", f"A{len(known) + 1}", "A99", "K1"])))
        return self.pick(options)

    def amount(self, currency: str | None = None) -> Decimal | None:
        """An amount below, at or above what the limit in force in ``currency`` (by default
        the policy's first) still allows, or none."""
        complaint = self.complaint
        limits = complaint.policy.authority_limits
        currency = currency or (limits[0].currency if limits else "GBP")
        limit = complaint.authority_limit(currency)
        room = Decimal(50) if limit is None else max(
            limit - complaint.compensation_total(currency), Decimal(0))
        return self.pick([
            (3, CENTS.map(lambda d: max(room - d, Decimal(0)))),
            (1, st.just(room)),
            (3, CENTS.map(lambda d: room + d)),
            (2, st.none()),
        ])

    # commands

    def command(self, now: datetime) -> AnyCommand:
        """Mostly a command the complaint allows now, sometimes any command at all."""
        allowed = self.complaint.allowed_commands()
        options = sorted(((weight(n, self.complaint), st.just(n)) for n in allowed),
                         key=lambda option: -option[0])
        if allowed:
            options.append((max(1, sum(w for w, _ in options) // 9), ANY_NAME))
        name = self.pick(options or [(1, ANY_NAME)])
        roll = self.draw(st.integers(0, 9))
        if roll == 9 and self.requests:  # the host retries an earlier request
            return self.draw(st.sampled_from(self.requests))
        command = self.build(name, now)
        if roll >= 6:  # the host gives this request an id
            command = attrs.evolve(command, command_id=f"req-{len(self.requests)}")
            self.requests.append(command)
        return command

    def build(self, name: str, now: datetime) -> AnyCommand:
        d = self.draw
        c = self.complaint
        if name == "verify_customer":
            return VerifyCustomer(name=d(TEXT), callback=d(TEXT), customer_id=d(OPTIONAL_TEXT),
                                  entitled=d(st.sampled_from([True, False, True, True])),
                                  service=d(OPTIONAL_TEXT))
        if name == "refer":
            return Refer(reason=d(TEXT))
        if name == "assign":
            return Assign(agent=d(TEXT), skill=d(OPTIONAL_TEXT))
        if name == "hear_concern":
            return HearConcern(text=d(TEXT))
        if name == "restate_concern":
            fresh = [k.id for k in c.open_concerns if k.restatement is None and not k.confirmed]
            return RestateConcern(concern_id=self.concern_id(fresh), restatement=d(TEXT))
        if name in ("confirm_concern", "reject_restatement"):
            restated = [k.id for k in c.open_concerns
                        if k.restatement is not None and not k.confirmed]
            concern_id = self.concern_id(restated)
            if name == "confirm_concern":
                return ConfirmConcern(concern_id=concern_id)
            return RejectRestatement(concern_id=concern_id, correction=d(OPTIONAL_TEXT))
        if name == "no_more_concerns":
            return NoMoreConcerns()
        if name == "prioritize":
            return Prioritize(order=self.order())
        if name == "assess_impact":
            unassessed = [k.id for k in c.open_concerns if k.impact is None]
            return AssessImpact(concern_id=self.concern_id(unassessed), description=d(TEXT),
                                severity=d(st.sampled_from(Severity)),
                                restatement=d(OPTIONAL_TEXT))
        if name == "confirm_impact":
            assessed = [k.id for k in c.open_concerns
                        if k.impact is not None and not k.impact.agreed]
            return ConfirmImpact(concern_id=self.concern_id(assessed))
        if name == "begin_response":
            return BeginResponse()
        if name == "give_relief":
            return GiveRelief(concern_id=self.concern_id(), description=d(TEXT))
        if name == "plan_action":
            return PlanAction(description=d(TEXT), owner=d(st.sampled_from(Owner)),
                              due=self.when(now), concern_ids=d(self.concern_ids()))
        if name == "complete_action":
            return CompleteAction(action_id=self.action_id(), note=d(OPTIONAL_TEXT))
        if name == "resolve_concern":
            return ResolveConcern(concern_id=self.concern_id(), resolution=d(TEXT))
        if name == "mark_unresolvable":
            return MarkUnresolvable(concern_id=self.concern_id(), explanation=d(TEXT),
                                    accommodation=d(OPTIONAL_TEXT))
        if name == "offer_compensation":
            currency = d(MAYBE_CURRENCY)
            return OfferCompensation(kind=d(st.sampled_from(["refund", "voucher", "credit"])),
                                     description=d(TEXT),
                                     concern_id=self.concern_id() if d(st.booleans()) else None,
                                     amount=self.amount(currency), currency=currency)
        if name == "schedule_follow_up":
            return ScheduleFollowUp(at=self.when(now))
        if name == "confirm_next_steps":
            return ConfirmNextSteps()
        if name == "start_contact":
            return StartContact(channel=d(st.sampled_from(["phone", "chat", "email"])))
        if name == "review_open_items":
            return ReviewOpenItems()
        if name == "end_contact":
            return EndContact()
        if name == "begin_recap":
            return BeginRecap()
        if name == "recap":
            return Recap(summary=d(OPTIONAL_TEXT))
        if name == "seek_closure":
            response = d(st.sampled_from([*CustomerResponse, "satisfied", "dissatisfied"]))
            return SeekClosure(customer_response=response)
        if name == "thank_customer":
            return ThankCustomer()
        if name == "close":
            return Close()
        if name == "reopen":
            return Reopen(reason=d(TEXT))
        if name == "apologize":
            return Apologize(note=d(OPTIONAL_TEXT))
        if name == "express_empathy":
            return ExpressEmpathy(note=d(OPTIONAL_TEXT))
        if name == "let_vent":
            return LetVent(note=d(OPTIONAL_TEXT))
        if name == "escalate":
            currency = d(MAYBE_CURRENCY)
            return Escalate(to=d(TEXT), reason=d(TEXT), authority_limit=self.amount(currency),
                            currency=currency)
        if name == "withdraw":
            return Withdraw(reason=d(TEXT))
        if name == "record_root_cause":
            return RecordRootCause(category=d(TEXT), description=d(TEXT),
                                   company_at_fault=d(st.booleans()))
        if name == "record_preventive_action":
            return RecordPreventiveAction(description=d(TEXT), owner=d(TEXT))
        if name == "record_communication":
            return RecordCommunication(kind=d(st.sampled_from(CommunicationKind)),
                                       channel=d(TEXT), summary=d(OPTIONAL_TEXT))
        if name == "record_feedback":
            return RecordFeedback(score=d(st.integers(1, 5)), comment=d(OPTIONAL_TEXT))
        return self.generic(COMMAND_TYPES[name], now)

    def generic(self, command_type: type[AnyCommand], now: datetime) -> AnyCommand:
        """Any command, its arguments drawn by their types: how a command without a
        builder of its own joins the walk (those above aim where the rules bite)."""
        hints = typing.get_type_hints(command_type)
        arguments: dict[str, Any] = {}
        for field in attrs.fields(command_type):
            if field.name == "command_id":
                continue
            kind = hints[field.name]
            optional = type(None) in typing.get_args(kind)
            if optional:
                kind = next(t for t in typing.get_args(kind) if t is not type(None))
                if self.draw(st.booleans()):
                    arguments[field.name] = None
                    continue
            arguments[field.name] = self.argument(field.name, kind, now)
        return command_type(**arguments)

    def argument(self, name: str, kind: object, now: datetime) -> object:
        if name == "concern_id":
            return self.concern_id()
        if name == "action_id":
            return self.action_id()
        if name == "currency":
            return self.draw(CURRENCIES)
        if kind is datetime:
            return self.when(now)
        if kind is Decimal:  # only record_redress has an amount that must be given
            return self.amount() or Decimal(1)
        if kind is bool:
            return self.draw(st.booleans())
        if kind is int:
            return self.draw(st.integers(1, 5))  # small counts and scores
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return self.draw(st.sampled_from(list(kind)))
        if typing.get_origin(kind) is tuple:
            item = typing.get_args(kind)[0]
            if isinstance(item, type) and issubclass(item, enum.Enum):
                return tuple(self.draw(st.sets(st.sampled_from(list(item)), min_size=1)))
            return self.draw(self.concern_ids())
        return self.draw(TEXT)

    # applying

    def accept(self, result: Applied | Rejection) -> None:
        """Move on to ``result``'s complaint when it applied; keep the clock ahead."""
        if isinstance(result, Applied):
            self.complaint = result.complaint
            self.log.extend(result.events)
            self.stages.add(self.complaint.stage)
        self.clock = max(self.clock, self.complaint.updated_at)

    def apply(self, command: AnyCommand, at: datetime) -> Applied | Rejection:
        try:
            result: Applied | Rejection = self.complaint.apply(command, at=at)
        except CommandRejected as rejected:
            result = rejected.rejection
            # every reason the library produces has a declared code, and so a kind
            assert all(reason.code in REASON_CODES for reason in result.reasons), result
        self.accept(result)
        return result

    def step(self) -> tuple[AnyCommand, datetime]:
        at = self.next_time()
        return self.command(at), at

    def done(self) -> None:
        """Record how deep the walk went (shown by ``--hypothesis-show-statistics``)."""
        for stage in sorted(self.stages, key=list(Stage).index):
            event(f"reached {stage.value}")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(ALL_NAMES))
def test_any_command_can_be_drawn_by_the_types_of_its_arguments(data: st.DataObject,
                                                                 name: str) -> None:
    """The walk's fallback for a command without a builder of its own builds valid ones."""
    walk = Walk(data)
    command = walk.generic(COMMAND_TYPES[name], walk.clock)
    assert type(command) is COMMAND_TYPES[name]


def assert_well_formed(rejection: Rejection, complaint: Complaint) -> None:
    assert rejection.reasons, rejection
    for reason in rejection.reasons:
        assert SNAKE_CASE.fullmatch(reason.code), reason
        assert reason.code in REASON_CODES, f"{reason.code} is not declared"
        assert reason.kind is REASON_CODES[reason.code].kind
        assert reason.message
        assert reason.argument is None or isinstance(reason.argument, str), reason
    assert rejection.stage is complaint.stage
    assert rejection.allowed == complaint.allowed_commands()


# --- 1. a rejection changes nothing, and check() predicts apply() ----------------------


@WALK
@given(st.data())
def test_rejected_commands_change_nothing_and_check_predicts_apply(data: st.DataObject) -> None:
    walk = Walk(data)
    for _ in walk.steps():
        command, at = walk.step()
        before = walk.complaint
        copied = copy.deepcopy(before)
        predicted = before.check(command, at=at)
        result = walk.apply(command, at)
        if isinstance(result, Rejection):
            assert predicted == result
            assert before == copied
            assert walk.complaint is before
            assert result.command == command.command
            assert_well_formed(result, before)
            if at >= before.updated_at:  # the same instant, or later, is never "backwards"
                assert "time_went_backwards" not in result.codes
        else:
            assert predicted is None
            assert before == copied  # the old value is untouched by applying
    walk.done()


# --- 2. revisions, event seq numbers and times ------------------------------------------


@WALK
@given(st.data())
def test_each_applied_command_adds_one_revision_and_gapless_events(
        data: st.DataObject) -> None:
    walk = Walk(data)
    assert walk.complaint.revision == 1
    assert [e.seq for e in walk.log] == [walk.complaint.seq] == [1]
    for _ in walk.steps():
        command, at = walk.step()
        before = walk.complaint
        result = walk.apply(command, at)
        if isinstance(result, Rejection):
            assert walk.complaint.revision == before.revision
            assert walk.complaint.seq == before.seq
            continue
        after = result.complaint
        if result.duplicate is not None:  # a retry: the earlier outcome, nothing new
            assert after is before
            assert result.events == ()
            earlier = [e for e in walk.log if e.command_id == command.command_id]
            assert earlier[-1].seq == result.duplicate.seq  # its latest application
            continue
        assert after.revision == before.revision + 1
        assert result.events[0].command_id == command.command_id
        if command.command_id is not None:
            assert after.receipt(command.command_id) == Receipt(
                command.command_id, result.events[0].seq, after.revision, fingerprint(command))
        assert len(result.events) >= 1
        assert [e.seq for e in result.events] == list(
            range(before.seq + 1, before.seq + 1 + len(result.events)))
        assert after.seq == result.events[-1].seq
        for e in result.events:
            assert e.at == at  # the same instant (the library may store it in UTC)
        assert after.updated_at == at
    assert [e.seq for e in walk.log] == list(range(1, len(walk.log) + 1))
    walk.done()


# --- 3. only the library's own exceptions -----------------------------------------------

OFFSETS = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23, minutes=-59),
                                             max_value=timedelta(hours=23, minutes=59)))
# Aware times anywhere in datetime's range, and at its ends, where moving a time to
# another offset (UTC, say) leaves the range.
EXTREME_TIMES = st.sampled_from([
    datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))),
    datetime.min.replace(tzinfo=timezone(timedelta(hours=-1))),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=1))),
])
AWARE_TIMES: st.SearchStrategy[datetime] = st.one_of(st.datetimes(timezones=OFFSETS),
                                                     EXTREME_TIMES)

BAD_VALUES: st.SearchStrategy[object] = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4),
    st.sampled_from(["", "   ", "\n", "satisfied", "agent", "critical", "K1", "A1"]),
    st.binary(max_size=3), st.lists(st.integers(), max_size=2),
    st.lists(st.sampled_from(["K1", "K2", "", "K1"]), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity"), Decimal("-0.01"),
                     Decimal("1E+999999"), "1e999999999999999999999", "nan", "-1", "12.5",
                     object(), (), ("K1",), frozenset({"K1"})]),
    st.datetimes(),
    AWARE_TIMES,
    st.sampled_from([*Severity, *Owner, *CustomerResponse]),
)


@settings(WALK)
@given(st.data())
def test_python_api_raises_only_the_librarys_exceptions(data: st.DataObject) -> None:
    walk = Walk(data)
    for _ in walk.steps():
        at = walk.next_time()
        plausible = walk.command(at)
        command: AnyCommand | None = plausible
        kind = walk.draw(st.integers(0, 2))
        if kind == 2:  # rebuild it with some of its arguments replaced by bad values
            arguments: dict[str, Any] = attrs.asdict(plausible, recurse=False)
            for key in arguments:
                if walk.draw(st.booleans()):
                    arguments[key] = walk.draw(BAD_VALUES)
            try:
                command = type(plausible)(**arguments)
            except InvalidValueError:
                command = None
        when: object = walk.pick([
            (12, st.just(at)),
            (1, st.just(at.replace(tzinfo=None))),
            (1, AWARE_TIMES),
            (1, st.one_of(st.none(), st.just(at.isoformat()), st.integers(), st.dates())),
        ])
        if command is None:
            continue
        try:
            applied = walk.complaint.apply(command, at=cast(datetime, when))
        except (CommandRejected, InvalidValueError):
            continue
        if when is at:  # walk on from plausible times only
            walk.accept(applied)
    walk.done()


JSON_LEAVES: st.SearchStrategy[object] = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
    st.sampled_from(ALL_NAMES),
    st.sampled_from(["K1", "A1", "1e999999999999999999999", "NaN", "-5",
                     "2026-03-02T09:00:00+00:00", "2026-03-02T09:00:00",
                     "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]),
)
JSON_VALUES: st.SearchStrategy[object] = st.recursive(
    JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=4), st.just("command")), children,
                        max_size=3),
    ),
    max_leaves=8,
)


def _with_arguments(name: str) -> st.SearchStrategy[dict[str, object]]:
    fields = [field.name for field in attrs.fields(COMMAND_TYPES[name])]
    known = st.fixed_dictionaries(
        {"command": st.just(name)}, optional={field: JSON_VALUES for field in fields})
    keys = st.one_of(st.text(max_size=4), st.sampled_from(fields)) if fields else st.text(
        max_size=4)
    extra = st.dictionaries(keys, JSON_VALUES, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, extra)


COMMAND_PAYLOADS = st.sampled_from(ALL_NAMES).flatmap(_with_arguments)
TIME_TEXT: st.SearchStrategy[object] = st.one_of(
    st.text(max_size=12),
    st.datetimes().map(datetime.isoformat),
    AWARE_TIMES.map(datetime.isoformat),
    st.datetimes(timezones=st.just(timezone.utc)).map(lambda t: t.isoformat()[:-6] + "Z"),
    st.datetimes(),
    AWARE_TIMES,
    JSON_LEAVES,
)


def mutated(walk: Walk, payload: dict[str, object]) -> dict[str, object]:
    """A plausible payload with one key dropped, retyped or added (or left alone)."""
    keys = sorted(payload)
    how = walk.draw(st.integers(0, 3))
    payload = dict(payload)
    if how == 1:
        del payload[walk.draw(st.sampled_from(keys))]
    elif how == 2:
        payload[walk.draw(st.sampled_from(keys))] = walk.draw(JSON_VALUES)
    elif how == 3:
        payload[walk.draw(st.text(max_size=4))] = walk.draw(JSON_VALUES)
    return payload


@settings(HEAVY_WALK)
@given(st.data())
def test_apply_json_never_raises(data: st.DataObject) -> None:
    walk = Walk(data)
    for _ in walk.steps():
        command, at = walk.step()
        before = walk.complaint
        for _ in range(walk.draw(st.sampled_from([1, 0, 2, 1]))):
            source = walk.pick([(3, st.just("mutated")), (2, st.just("command")),
                                (1, st.just("any")), (1, st.just("text"))])
            payload = (mutated(walk, json_form(command)) if source == "mutated"
                       else walk.draw(COMMAND_PAYLOADS) if source == "command"
                       else walk.draw(JSON_VALUES.map(json.dumps)) if source == "text"
                       else walk.draw(JSON_VALUES))
            when = walk.pick([(2, st.just(at.isoformat())), (1, st.just(at)), (2, TIME_TEXT),
                              (1, AWARE_TIMES.map(datetime.isoformat))])
            result = apply_json(before, payload, at=cast(str, when))
            if isinstance(result, Rejection):
                assert_well_formed(result, before)
            else:
                assert isinstance(result, Applied)
                added = 0 if result.duplicate else 1
                assert result.complaint.revision == before.revision + added
        walk.apply(command, at)
    walk.done()


# JSON *text* payloads go through json.loads first: deep nesting must not escape as a
# RecursionError, and a text payload must behave exactly like the object it decodes to.

DEEP = st.builds(lambda opening, depth: opening * depth,
                 st.sampled_from(["[", '{"a":', '{"command": "assign", "agent": [']),
                 st.integers(1, 100_000))


@settings(max_examples=50, deadline=None)
@example(payload="[" * 100_000)
@given(payload=st.one_of(st.text(), JSON_VALUES.map(json.dumps), COMMAND_PAYLOADS.map(json.dumps),
                         DEEP, DEEP.map(str.encode), st.binary(max_size=8)))
def test_apply_json_never_raises_on_json_text(payload: str | bytes) -> None:
    complaint = open_complaint("C-1", at=T0).complaint
    result = apply_json(complaint, payload, at=T0)
    assert isinstance(result, (Applied, Rejection))
    if isinstance(result, Rejection):
        assert_well_formed(result, complaint)


@settings(max_examples=50, deadline=None)
@example(payload={"command": "assign"}, at="2026-03-02T09:00:00+00:00")
@given(payload=st.one_of(COMMAND_PAYLOADS, JSON_VALUES.filter(lambda v: not isinstance(v, str))),
       at=TIME_TEXT)
def test_json_text_payload_behaves_as_the_parsed_payload(payload: object, at: object) -> None:
    complaint = open_complaint("C-1", at=T0).complaint

    def outcome(sent: object) -> object:  # whether it raises is the property above's business
        try:
            return apply_json(complaint, sent, at=cast(str, at))
        except Exception as error:
            return type(error)

    assert outcome(json.dumps(payload)) == outcome(payload)


# A Python host may hand over a dict that did not come from JSON: keys that are not strings
# are bad input like any other.


@settings(max_examples=50, deadline=None)
@example(payload={"command": "withdraw", 0: None, None: None})
@given(payload=st.builds(
    lambda name, extra: {**extra, "command": name}, st.sampled_from(ALL_NAMES),
    st.dictionaries(st.one_of(st.integers(), st.none(), st.text(max_size=3)), JSON_LEAVES,
                    max_size=4)))
def test_apply_json_never_raises_on_non_string_keys(payload: dict[object, object]) -> None:
    complaint = open_complaint("C-1", at=T0).complaint
    result = apply_json(complaint, payload, at=T0)
    assert isinstance(result, (Applied, Rejection))
    if any(not isinstance(key, str) for key in payload):
        assert isinstance(result, Rejection)
        assert_well_formed(result, complaint)


POLICY_FIELDS = [field.name for field in attrs.fields(Policy)]


def sometimes_bad(good: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Half the time a good value, half the time a bad one."""
    return st.booleans().flatmap(lambda bad: BAD_VALUES if bad else good)


@settings(max_examples=100, deadline=None)
@example(complaint_id="C-1", at=datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
         policy={})
@given(complaint_id=sometimes_bad(TEXT), at=sometimes_bad(AWARE_TIMES),
       policy=st.dictionaries(st.sampled_from(POLICY_FIELDS), sometimes_bad(st.timedeltas()),
                              max_size=2))
def test_opening_raises_only_invalid_value_error(complaint_id: object, at: object,
                                                 policy: dict[str, Any]) -> None:
    try:
        opened = open_complaint(cast(str, complaint_id), at=cast(datetime, at),
                                policy=Policy(**policy))
    except InvalidValueError:
        return
    assert opened.complaint.revision == 1
    assert Complaint.from_events(opened.events) == opened.complaint


# --- 4. replay --------------------------------------------------------------------------


@WALK
@given(st.data())
def test_replaying_the_log_rebuilds_the_complaint(data: st.DataObject) -> None:
    walk = Walk(data)
    assert Complaint.from_events(walk.log) == walk.complaint
    for _ in walk.steps():
        command, at = walk.step()
        walk.apply(command, at)
        assert Complaint.from_events(walk.log) == walk.complaint
        assert Complaint.from_events(iter(walk.log)) == walk.complaint
    walk.done()


# --- 5. allowed commands and stage changes ----------------------------------------------


@WALK
@given(st.data())
def test_allowed_commands_and_stage_changes(data: st.DataObject) -> None:
    walk = Walk(data)
    for _ in walk.steps():
        command, at = walk.step()
        before = walk.complaint
        allowed = before.allowed_commands()
        accepted = stage_commands(before.stage)
        assert set(allowed) <= set(accepted)
        assert all(name in COMMAND_TYPES for name in accepted)
        result = walk.apply(command, at)
        if isinstance(result, Rejection):
            assert result.allowed == before.allowed_commands()
            assert result.stage == before.stage.value
            continue
        if result.duplicate is not None:  # a retry, answered from its receipt
            continue
        assert command.command in allowed, "a command that is not allowed now applied"
        stage = before.stage
        for e in result.events:
            if isinstance(e, StageChanged):
                assert e.source is stage
                assert e.dest is not e.source
                stage = e.dest
        assert result.complaint.stage is stage
    walk.done()


# --- 6. the JSON entry point agrees with the typed API ----------------------------------


@HEAVY_WALK
@given(st.data())
def test_json_entry_point_agrees_with_the_typed_api(data: st.DataObject) -> None:
    walk = Walk(data, zones=FIXED_ZONES)
    for _ in walk.steps():
        command, at = walk.step()
        before = walk.complaint
        payload = json_form(command, omit_defaults=walk.draw(st.booleans()))
        when: datetime | str = at if walk.draw(st.booleans()) else at.isoformat()
        from_json = apply_json(before, payload, at=when)
        from_text = apply_json(before, json.dumps(payload), at=at.isoformat())
        typed = walk.apply(command, at)
        assert from_json == typed
        assert from_text == typed
    walk.done()
