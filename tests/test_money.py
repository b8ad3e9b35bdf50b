"""Money (DESIGN §3, "Authority and money"): currencies are ISO 4217 codes, and amounts are
canonical decimal strings in and out.

An amount is written in fixed point, whatever form it was given in, so that every snapshot
the library dumps is valid under the schema it ships.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    Complaint,
    ConfirmConcern,
    ConfirmImpact,
    Escalate,
    HearConcern,
    InvalidValueError,
    Money,
    NoMoreConcerns,
    OfferCompensation,
    Policy,
    Rejection,
    RestateConcern,
    Stage,
    VerifyCustomer,
    apply_json,
    dump,
    dump_event,
    dump_events,
    load,
    load_event,
    load_events,
    open_complaint,
)
from complaintflow import events as ev
from complaintflow._formats.command_json import converter as command_converter
from complaintflow._formats.schema import shipped_schema
from complaintflow._values.checks import AMOUNT_PATTERN
from complaintflow._values.currencies import ACTIVE_CURRENCIES
from complaintflow.audit import Verdict, audit

from .scenario_logs import BareLog
from .support import T0, Clock, play, responding
from .test_commands import accept, refuse

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = jsonschema.Draft202012Validator(shipped_schema())
CANONICAL = re.compile(AMOUNT_PATTERN)
AMOUNT_FIELDS = ("amount", "authority_limit")


def amounts_in(data: Any) -> list[str]:
    """Every amount written anywhere in a dumped snapshot or event (a clock's ``amount`` is
    a number of days or hours, not money, and is left out)."""
    if isinstance(data, dict):
        here = [value for key, value in data.items()
                if key in AMOUNT_FIELDS and isinstance(value, str)]
        return here + [found for value in data.values() for found in amounts_in(value)]
    if isinstance(data, list):
        return [found for item in data for found in amounts_in(item)]
    return []


# --- currencies ---------------------------------------------------------------------------


def test_the_currencies_are_the_active_iso_4217_codes() -> None:
    assert len(ACTIVE_CURRENCIES) == 178
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in ACTIVE_CURRENCIES)
    assert {"GBP", "EUR", "USD", "JPY", "CHF", "XCG", "ZWG", "XXX"} <= ACTIVE_CURRENCIES
    assert not {"ANG", "BGN", "HRK", "GBX", "EUR "} & ACTIVE_CURRENCIES  # withdrawn or never


@pytest.mark.parametrize("value", ["pounds", "gbp", "Gbp", "GB", "GBPX", " GBP", "£", "BGN",
                                   "", 826])
def test_a_currency_is_an_active_iso_4217_code(value: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount=5, currency=value)  # type: ignore[arg-type]  # the point: a number too
    assert raised.value.argument == "currency"
    assert raised.value.code == "invalid_argument"
    assert raised.value.message.startswith("currency must be an ISO 4217 code such as GBP or "
                                           "EUR; got ")
    with pytest.raises(InvalidValueError) as raised:
        Money(value, 5)  # type: ignore[arg-type]  # the point: a number too
    assert raised.value.argument == "currency"


def test_pounds_is_not_a_currency_in_json_either() -> None:
    clock = Clock()
    result = apply_json(responding(clock), {"command": "offer_compensation", "kind": "refund",
                                            "description": "x", "amount": "5",
                                            "currency": "pounds"}, at=clock.tick())
    assert isinstance(result, Rejection)
    assert [(r.code, r.argument) for r in result.reasons] == [("invalid_argument", "currency")]
    assert "got 'pounds'" in result.reasons[0].message


def test_a_bad_currency_is_echoed_only_in_part() -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", currency="£" * 10_000)
    assert len(raised.value.message) < 150


def test_money_is_an_amount_in_a_currency() -> None:
    assert Money("GBP", "49.99") == Money(currency="GBP", amount=Decimal("49.99"))
    assert Money("JPY", 5000).amount == Decimal(5000)
    assert str(Money("EUR", Decimal("1E+3")).amount) == "1000"
    with pytest.raises(InvalidValueError) as raised:
        Money("GBP", "1e9")
    assert raised.value.argument == "amount"
    with pytest.raises(InvalidValueError) as raised:
        Money("GBP", -1)
    assert raised.value.argument == "amount"


# --- the policy's limits, per currency -------------------------------------------------------


def test_the_policy_sets_a_limit_per_currency() -> None:
    assert Policy().authority_limits == (Money("GBP", Decimal(50)),)
    policy = Policy(authority_limits={"GBP": 50, "EUR": "45.50"})
    assert policy.authority_limits == (Money("EUR", Decimal("45.50")), Money("GBP", 50))
    assert policy == Policy(authority_limits=[Money("GBP", 50), Money("EUR", "45.50")])
    assert policy.authority_limit("EUR") == Decimal("45.50")
    assert policy.authority_limit("JPY") is None
    assert Policy(authority_limits={}).authority_limits == ()


@pytest.mark.parametrize(("limits", "message"), [
    ({"pounds": 50}, "authority_limits: currency must be an ISO 4217 code"),
    ({"GBP": "1e9"}, "authority_limits: amount: expected a decimal string"),
    ({"GBP": -1}, "authority_limits: amount: an amount must not be negative"),
    ([Money("GBP", 1), Money("GBP", 2)], "authority_limits must name each currency once"),
    ([("GBP", 50)], "authority_limits must map currencies to amounts"),
    ("GBP", "authority_limits must be a mapping of currencies to amounts"),
    (50, "authority_limits must be a mapping of currencies to amounts"),
])
def test_bad_limits_are_refused_naming_the_argument(limits: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        Policy(authority_limits=limits)  # type: ignore[arg-type]  # the point: bad input
    assert raised.value.argument == "authority_limits"
    assert raised.value.message.startswith(message), raised.value.message


def test_a_limit_is_asked_for_by_iso_4217_code() -> None:
    complaint = responding(Clock())
    for ask in (Policy().authority_limit, complaint.authority_limit,
                complaint.compensation_total):
        with pytest.raises(InvalidValueError) as raised:
            ask("gbp")
        assert raised.value.argument == "currency"


# --- the limit bounds the total, per currency ----------------------------------------------

GBP_40 = OfferCompensation(kind="credit", description="x", amount="40", currency="GBP")


def test_the_limit_bounds_what_the_offers_add_up_to() -> None:
    """Three offers of 40 GBP under a limit of 50: the second is refused, as is the third,
    because the total is what counts, not each offer."""
    clock = Clock()
    alone = refuse(responding(clock), evolve(GBP_40, amount=Decimal(60)), clock,
                   "compensation_above_authority")
    assert alone.reasons[0].message == (
        "Offering 60 GBP is above the authority limit of 50 GBP in force; escalate to someone "
        "whose limit covers it (escalate).")
    first = accept(responding(clock), GBP_40, clock, Stage.RESPONDING, "compensation_offered")
    assert first.compensation_total("GBP") == Decimal(40)
    rejection = refuse(first, GBP_40, clock, "compensation_above_authority")
    assert rejection.reasons[0].argument == "amount"
    assert rejection.reasons[0].message == (
        "Offering 40 GBP would bring the compensation offered in GBP to 80, above the "
        "authority limit of 50 GBP in force; escalate to someone whose limit covers it "
        "(escalate).")
    refuse(first, GBP_40, clock, "compensation_above_authority")
    topped = accept(first, evolve(GBP_40, amount=Decimal(10)), clock, Stage.RESPONDING,
                    "compensation_offered")  # 50 in all: at the limit, not above it
    assert topped.compensation_total("GBP") == Decimal(50)
    refuse(topped, evolve(GBP_40, amount=Decimal("0.01")), clock,
           "compensation_above_authority")


def test_an_offer_in_a_currency_without_a_limit_is_refused() -> None:
    """49 JPY is not judged against a limit of 50 GBP: there is no limit in yen."""
    clock = Clock()
    complaint = responding(clock)
    yen = OfferCompensation(kind="credit", description="x", amount=49, currency="JPY")
    rejection = refuse(complaint, yen, clock, "no_authority_in_currency")
    assert rejection.reasons[0].argument == "currency"
    assert "JPY" in rejection.reasons[0].message
    granted = accept(complaint, Escalate(to="Tokyo desk", reason="yen", authority_limit=5000,
                                         currency="JPY"), clock, Stage.RESPONDING, "escalated")
    assert granted.authority_limit("JPY") == Decimal(5000)  # granted where the policy had none
    after = accept(granted, yen, clock, Stage.RESPONDING, "compensation_offered")
    assert after.compensations[-1].authority_limit == Decimal(5000)


def test_an_escalation_raises_only_its_own_currency() -> None:
    clock = Clock()
    complaint = responding(clock, policy=Policy(authority_limits={"GBP": 50, "EUR": 50}))
    raised = accept(complaint, Escalate(to="lead", reason="a euro refund",
                                        authority_limit=200, currency="EUR"),
                    clock, Stage.RESPONDING, "escalated")
    assert raised.authority_limit("EUR") == Decimal(200)
    assert raised.authority_limit("GBP") == Decimal(50)
    euros = OfferCompensation(kind="refund", description="x", amount=150, currency="EUR")
    pounds = evolve(euros, currency="GBP")
    accept(raised, euros, clock, Stage.RESPONDING, "compensation_offered")
    refuse(raised, pounds, clock, "compensation_above_authority")
    lowered = accept(raised, Escalate(to="agent", reason="back", authority_limit=10,
                                      currency="EUR"), clock, Stage.RESPONDING, "escalated")
    assert lowered.authority_limit("EUR") == Decimal(200)  # never lowered


def test_the_policys_one_currency_is_the_default() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        Escalate(to="lead", reason="more", authority_limit=100),
        OfferCompensation(kind="credit", description="x", amount=60),
    ], clock)
    assert complaint.escalations[0].currency == "GBP"
    assert complaint.compensations[0].currency == "GBP"
    assert complaint.compensation_total("GBP") == Decimal(60)


@pytest.mark.parametrize("limits", [{"GBP": 50, "EUR": 50}, {}], ids=["two", "none"])
def test_an_amount_needs_a_currency_when_the_policy_names_not_exactly_one(
        limits: dict[str, int]) -> None:
    clock = Clock()
    complaint = responding(clock, policy=Policy(authority_limits=limits))
    no_currency = OfferCompensation(concern_id="K9", kind="credit", description="x", amount=5)
    rejection = refuse(complaint, no_currency, clock, "unknown_concern", "currency_required")
    assert rejection.reasons[1].argument == "currency"
    refuse(complaint, Escalate(to="lead", reason="more", authority_limit=100), clock,
           "currency_required")
    result = apply_json(complaint, {"command": "offer_compensation", "kind": "credit",
                                    "description": "x", "amount": "5"}, at=clock.tick())
    assert isinstance(result, Rejection)
    assert result.codes == ("currency_required",)
    accept(complaint, Escalate(to="lead", reason="no money involved"), clock,
           Stage.RESPONDING, "escalated")


def test_an_offer_without_an_amount_is_never_refused_for_authority() -> None:
    clock = Clock()
    complaint = responding(clock, policy=Policy(authority_limits={}))
    after = accept(complaint, OfferCompensation(kind="voucher", description="a free month",
                                                currency="JPY"),
                   clock, Stage.RESPONDING, "compensation_offered")
    assert after.compensations[0].authority_limit is None
    assert after.compensation_total("JPY") == Decimal(0)


# --- the audit judges the total, per currency ------------------------------------------------


def _exported(log: BareLog) -> list[ev.Event]:
    """The log as a host exports it (JSON lines) and the audit reads it back."""
    lines = [json.dumps(event) for event in dump_events(log.events)]
    return list(load_events(json.loads(line) for line in lines))


def test_the_audit_judges_the_total_of_an_exported_log() -> None:
    log = BareLog("CMP-40")
    offers = [log.add(ev.CompensationOffered, kind="credit", description="x",
                      amount=Decimal(40), currency="GBP", authority_limit=Decimal(50))
              for _ in range(3)]
    item = audit(_exported(log)).item("compensation_within_authority")
    assert item.result is Verdict.FAILED
    assert item.evidence == (offers[1], offers[2])
    assert item.explanation == (
        f"Compensation above authority: 40 GBP (seq {offers[1]}) brings the total offered in "
        f"GBP to 80, above the authority limit of 50 GBP; 40 GBP (seq {offers[2]}) brings the "
        "total offered in GBP to 120, above the authority limit of 50 GBP.")


def test_the_audit_keeps_currencies_apart() -> None:
    log = BareLog("CMP-FX")
    log.add(ev.Escalated, to="lead", reason="euros", authority_limit=Decimal(200),
            currency="EUR")
    euros = log.add(ev.CompensationOffered, kind="refund", description="x",
                    amount=Decimal(150), currency="EUR", authority_limit=Decimal(200))
    pounds = log.add(ev.CompensationOffered, kind="refund", description="x",
                     amount=Decimal(60), currency="GBP", authority_limit=Decimal(200))
    yen = log.add(ev.CompensationOffered, kind="refund", description="x", amount=Decimal(49),
                  currency="JPY", authority_limit=Decimal(50))
    bare = log.add(ev.CompensationOffered, kind="refund", description="x", amount=Decimal(1),
                   authority_limit=Decimal(50))
    gesture = log.add(ev.CompensationOffered, kind="gesture", description="x",
                      authority_limit=None)
    item = audit(_exported(log)).item("compensation_within_authority")
    assert item.result is Verdict.FAILED
    assert item.evidence == (pounds, yen, bare)
    assert f"49 JPY (seq {yen}) is in a currency with no authority limit" in item.explanation
    assert f"1 (seq {bare}) names no currency" in item.explanation
    assert euros not in item.evidence
    assert gesture not in item.evidence


# --- the guards and the audit agree ------------------------------------------------------------

MOVES = st.lists(st.tuples(st.sampled_from(["offer", "escalate"]),
                           st.sampled_from([None, "GBP", "EUR", "JPY"]),
                           st.integers(0, 120)), max_size=12)


@given(limits=st.sampled_from([{"GBP": 50}, {"GBP": 50, "EUR": 30}, {}]), moves=MOVES)
def test_no_applied_offer_ever_breaks_the_limit_and_the_audit_agrees(
        limits: dict[str, int], moves: list[tuple[str, str | None, int]]) -> None:
    clock = Clock()
    complaint, log = responding_with_log(clock, Policy(authority_limits=limits))
    for move, currency, amount in moves:
        command = (OfferCompensation(kind="credit", description="x", amount=amount,
                                     currency=currency) if move == "offer"
                   else Escalate(to="lead", reason="more", authority_limit=amount,
                                 currency=currency))
        if complaint.check(command, at=clock.now) is None:
            applied = complaint.apply(command, at=clock.tick())
            complaint = applied.complaint
            log.extend(applied.events)
    for currency in ("GBP", "EUR", "JPY"):
        limit = complaint.authority_limit(currency)
        total = complaint.compensation_total(currency)
        assert total == 0 or (limit is not None and total <= limit)
    verdict = audit(log).item("compensation_within_authority").result
    assert verdict is (Verdict.PASSED if complaint.compensations else Verdict.NOT_APPLICABLE)
    assert Complaint.from_events(log) == complaint


def responding_with_log(clock: Clock, policy: Policy) -> tuple[Complaint, list[ev.Event]]:
    """A complaint in responding, as ``support.responding`` builds it, and its event log."""
    opened = open_complaint("C-1", at=clock.now, policy=policy)
    log: list[ev.Event] = list(opened.events)
    complaint = play(opened.complaint, [
        VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000"),
        HearConcern(text="problem"), RestateConcern(concern_id="K1", restatement="you mean"),
        ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="impact", severity="high"),
        ConfirmImpact(concern_id="K1"), Apologize(), BeginResponse(),
    ], clock, log)
    assert complaint.stage is Stage.RESPONDING
    return complaint, log


# --- amounts in ---------------------------------------------------------------------------

NOT_CANONICAL = ["1e9", "0E-10", "1E+2", "+5", "-5", " 5", "5 ", "5\n", "1,000", "1_000",
                 ".5", "5.", "٣", "Infinity", "NaN", "", "1234567890123456", "1.1234567"]


@pytest.mark.parametrize("text", NOT_CANONICAL)
def test_amount_strings_must_be_canonical(text: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount=text)
    assert raised.value.argument == "amount"
    assert raised.value.code == "invalid_argument"
    with pytest.raises(InvalidValueError) as raised:
        Escalate(to="lead", reason="x", authority_limit=text)
    assert raised.value.argument == "authority_limit"


@pytest.mark.parametrize("text", NOT_CANONICAL)
def test_json_amounts_must_be_canonical(text: str) -> None:
    clock = Clock()
    result = apply_json(responding(clock), {"command": "offer_compensation", "kind": "refund",
                                            "description": "x", "amount": text},
                        at=clock.tick())
    assert isinstance(result, Rejection)
    assert [(r.code, r.argument) for r in result.reasons] == [("invalid_argument", "amount")]


def test_the_message_says_what_an_amount_looks_like_and_never_echoes_much() -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount="1e9")
    assert "15 digits before the point and 6 after" in raised.value.message
    assert "'1e9'" in raised.value.message
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount="9" * 100_000)
    assert len(raised.value.message) < 300
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount=10 ** 5000)
    assert len(raised.value.message) < 300


@pytest.mark.parametrize(("value", "kept"), [
    ("49.99", "49.99"), ("0", "0"), ("0.000001", "0.000001"), ("007", "7"),
    ("999999999999999.999999", "999999999999999.999999"), (60, "60"), ("60.50", "60.50"),
    (Decimal("1E+2"), "100"), (Decimal("1E+9"), "1000000000"), (Decimal("-0"), "0"),
    (Decimal("0E+5"), "0"), (Decimal("12.5E+1"), "125"),
])
def test_canonical_amounts_are_kept_in_fixed_point(value: Decimal | int | str,
                                                    kept: str) -> None:
    assert str(OfferCompensation(kind="refund", description="x", amount=value).amount) == kept


@pytest.mark.parametrize("value", [
    Decimal("1E+15"), Decimal("1E+999999"), Decimal("0E-10"), Decimal("1.0000001"),
    10 ** 15, -1, Decimal("-0.01"), Decimal("NaN"), Decimal("-Infinity"), 1.5, True,
])
def test_amounts_out_of_bounds_are_refused_whatever_their_type(value: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="refund", description="x", amount=value)  # type: ignore[arg-type]  # the point: floats and bools too
    assert raised.value.argument == "amount"


# --- amounts out --------------------------------------------------------------------------


def test_an_amount_given_in_exponent_form_is_dumped_in_fixed_point() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        Escalate(to="director", reason="a large claim", authority_limit=Decimal("1E+10")),
        OfferCompensation(kind="refund", description="the claim", amount=Decimal("1E+9"),
                          currency="GBP"),
    ], clock)
    snapshot = json.loads(json.dumps(dump(complaint)))
    assert snapshot["compensations"][0]["amount"] == "1000000000"
    assert snapshot["escalations"][0]["authority_limit"] == "10000000000"
    SHIPPED.validate(snapshot)
    assert load(snapshot) == complaint


def test_every_writer_of_an_amount_writes_fixed_point() -> None:
    command = OfferCompensation(kind="refund", description="x", amount=Decimal("1E+3"))
    assert command_converter.unstructure(command)["amount"] == "1000"
    event = ev.CompensationOffered(seq=2, at=T0, kind="refund", description="x",
                                   amount=Decimal("1E+3"), authority_limit=Decimal("5E+3"))
    data = dump_event(event)
    assert (data["amount"], data["authority_limit"]) == ("1000", "5000")
    assert load_event(data) == event


AMOUNTS = st.builds(lambda digits, exponent: Decimal(digits).scaleb(exponent),
                    st.integers(0, 10 ** 9), st.integers(-6, 5))  # in any exponent form


@given(limit=AMOUNTS, raised=AMOUNTS, offered=AMOUNTS)
def test_every_dumped_amount_is_canonical(limit: Decimal, raised: Decimal,
                                          offered: Decimal) -> None:
    clock = Clock()
    log: list[ev.Event] = []
    complaint = play(responding(clock, policy=Policy(authority_limits={"EUR": limit})), [
        Escalate(to="lead", reason="more", authority_limit=raised + offered),
        OfferCompensation(kind="refund", description="x", amount=offered),
    ], clock, log)
    snapshot = dump(complaint)
    written = amounts_in(snapshot)
    assert len(written) == 4
    in_events = amounts_in([dump_event(event) for event in log])
    assert len(in_events) == 3
    assert all(CANONICAL.match(text) for text in written + in_events), written + in_events
    SHIPPED.validate(json.loads(json.dumps(snapshot)))
    assert load(snapshot) == complaint


# --- version 1 ------------------------------------------------------------------------------


def test_version_1_amounts_in_exponent_form_are_lifted_to_fixed_point() -> None:
    """Version 1 wrote Decimal("2E+2") as "2E+2"; version 2 reads no exponent, so the
    upcaster writes it in fixed point."""
    original = json.loads((FIXTURES / "snapshot-v1.json").read_text("utf-8"))
    snapshot = copy.deepcopy(original)
    snapshot["escalations"][0]["authority_limit"] = "2E+2"
    snapshot["compensations"][0]["authority_limit"] = "2E+2"
    kept = copy.deepcopy(snapshot)
    assert load(snapshot) == load(original)
    assert snapshot == kept  # the upcaster works on a copy
    event = {"type": "escalated", "version": 1, "seq": 24, "at": "2026-03-02T09:19:00+00:00",
             "command_id": None, "to": "supervisor", "reason": "more",
             "authority_limit": "2E+2"}
    assert dump_event(load_event(event))["authority_limit"] == "200"


def test_version_1_money_is_read_as_pounds_sterling() -> None:
    """Version-1 amounts had no currency: the policy's one limit, an escalation's limit and
    an amount offered without a currency are in GBP."""
    snapshot = json.loads((FIXTURES / "snapshot-v1.json").read_text("utf-8"))
    snapshot["compensations"][0]["currency"] = None  # version 1 allowed an amount without one
    complaint = load(snapshot)
    assert complaint.policy.authority_limits == (Money("GBP", Decimal("25.00")),)
    assert complaint.escalations[0].currency == "GBP"
    assert complaint.authority_limit("GBP") == Decimal(200)
    assert complaint.compensations[0].currency == "GBP"
    assert complaint.compensation_total("GBP") == Decimal("149.99")
    at = "2026-03-02T09:19:00+00:00"
    offered = load_event({"type": "compensation_offered", "version": 1, "seq": 25, "at": at,
                          "command_id": None, "kind": "credit", "description": "x",
                          "concern_id": None, "amount": "10", "currency": None,
                          "authority_limit": "50"})
    assert isinstance(offered, ev.CompensationOffered)
    assert offered.currency == "GBP"
    gesture = load_event({"type": "compensation_offered", "version": 1, "seq": 25, "at": at,
                          "command_id": None, "kind": "gesture", "description": "x",
                          "concern_id": None, "amount": None, "currency": None,
                          "authority_limit": "50"})
    assert isinstance(gesture, ev.CompensationOffered)
    assert gesture.currency is None  # no amount, so no currency to give it
    bare = load_event({"type": "escalated", "version": 1, "seq": 24, "at": at,
                       "command_id": None, "to": "lead", "reason": "x",
                       "authority_limit": None})
    assert isinstance(bare, ev.Escalated)
    assert bare.currency is None
