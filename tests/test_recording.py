"""What a complaint records for the returns: product and cause, the decision, redress paid,
vulnerability by the FCA's drivers; in every stage, with nothing personal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from complaintflow import (
    Applied,
    Classification,
    Classify,
    CommandRejected,
    Complaint,
    Decision,
    InvalidValueError,
    Policy,
    RecordDecision,
    RecordRedress,
    RecordRootCause,
    RecordVulnerability,
    Redress,
    RedressKind,
    Rejection,
    VulnerabilityDriver,
    apply_json,
    dump,
    load,
)
from complaintflow.reports import Category, Taxonomy

from .support import Clock, closed, opened, play, responding

TAXONOMY = Taxonomy(name="house list", version="2027-01", source="the complaints team",
                    products=[Category("current_account", "Current accounts", group="Banking")],
                    causes=[Category("charges", "Charges and fees"),
                            Category("service", "General admin and customer service")])


def test_a_new_complaint_has_an_empty_classification() -> None:
    complaint = opened()
    assert complaint.classification == Classification()
    assert complaint.root_causes == ()
    assert complaint.preventive_actions == ()


def test_classify_files_the_complaint_and_can_be_redone() -> None:
    clock = Clock()
    complaint = play(opened(clock, Policy(taxonomy=TAXONOMY)), [
        Classify(product="current_account", cause="charges", channel="phone")], clock)
    assert (complaint.classification.product, complaint.classification.cause,
            complaint.classification.channel) == ("current_account", "charges", "phone")
    complaint = play(complaint, [Classify(product="current_account", cause="service")], clock)
    assert (complaint.classification.cause, complaint.classification.channel) == ("service",
                                                                                 None)


def test_classify_refuses_codes_the_policy_taxonomy_does_not_have() -> None:
    clock = Clock()
    complaint = opened(clock, Policy(taxonomy=TAXONOMY))
    with pytest.raises(CommandRejected) as raised:
        complaint.apply(Classify(product="mortgage", cause="arrears"), at=clock.tick())
    assert [(r.code, r.argument) for r in raised.value.rejection.reasons] == [
        ("unknown_product", "product"), ("unknown_cause", "cause")]
    # without a taxonomy any code is accepted: the returns list those they do not know
    assert opened(clock).apply(Classify(product="mortgage", cause="arrears"),
                               at=clock.tick()).complaint.classification.product == "mortgage"


def test_the_decision_is_recorded_in_any_stage_and_a_later_one_replaces_it() -> None:
    clock = Clock()
    complaint = play(responding(clock), [RecordDecision(decision="not_upheld")], clock)
    assert complaint.classification.decision is Decision.NOT_UPHELD
    complaint = play(closed(clock), [RecordDecision(decision=Decision.PARTLY_UPHELD)], clock)
    assert complaint.classification.decision is Decision.PARTLY_UPHELD
    with pytest.raises(InvalidValueError, match="decision must be one of"):
        RecordDecision(decision="maybe")


def test_redress_paid_is_kept_with_its_time_and_currency() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        RecordRedress(kind="distress_and_inconvenience", amount="75.00"),  # the policy's GBP
        RecordRedress(kind=RedressKind.INTEREST, amount=Decimal("3.10"), currency="EUR"),
    ], clock)
    first, second = complaint.classification.redress
    assert first == Redress(seq=first.seq, at=first.at, kind=RedressKind.DISTRESS_AND_INCONVENIENCE,
                            amount=Decimal("75.00"), currency="GBP")
    assert (second.currency, second.amount) == ("EUR", Decimal("3.10"))
    assert second.at == clock.now.astimezone(second.at.tzinfo)


@pytest.mark.parametrize("amount", ["0", "0.00", "-1"])
def test_redress_is_an_amount_above_zero(amount: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        RecordRedress(kind="goodwill", amount=amount, currency="GBP")
    assert raised.value.argument == "amount"


def test_redress_without_a_currency_needs_one_policy_currency() -> None:
    clock = Clock()
    complaint = opened(clock, Policy(authority_limits={"GBP": 50, "EUR": 40}))
    rejection = complaint.check(RecordRedress(kind="goodwill", amount=5), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("currency_required",)


def test_vulnerability_records_drivers_only_and_adds_them_up() -> None:
    clock = Clock()
    complaint = play(opened(clock), [RecordVulnerability(drivers=["resilience", "health"]),
                                     RecordVulnerability(drivers=["health", "capability"])],
                     clock)
    assert complaint.classification.vulnerability == (
        VulnerabilityDriver.HEALTH, VulnerabilityDriver.RESILIENCE,
        VulnerabilityDriver.CAPABILITY)
    for drivers in ([], ["frail"], "health"):
        with pytest.raises(InvalidValueError) as raised:
            RecordVulnerability(drivers=drivers)
        assert raised.value.argument == "drivers"


def test_a_root_cause_can_say_vulnerability_was_not_responded_to() -> None:
    clock = Clock()
    complaint = play(opened(clock), [RecordRootCause(
        category="service", description="The agent did not offer a call back.",
        company_at_fault=True, vulnerability_failure=True)], clock)
    assert complaint.classification.vulnerability_failure
    assert complaint.root_causes[0].vulnerability_failure


def test_the_recording_commands_come_as_json_too() -> None:
    clock = Clock()
    complaint: Complaint = opened(clock)
    for payload in ({"command": "classify", "product": "current_account", "cause": "charges"},
                    {"command": "record_decision", "decision": "upheld"},
                    {"command": "record_redress", "kind": "goodwill", "amount": "10.00",
                     "currency": "GBP"},
                    {"command": "record_vulnerability", "drivers": ["life_events"]}):
        result = apply_json(complaint, payload, at=clock.tick())
        assert isinstance(result, Applied), result
        complaint = result.complaint
    bad = apply_json(complaint, {"command": "record_redress", "kind": "goodwill",
                                 "amount": 10.5}, at=clock.tick())
    assert isinstance(bad, Rejection)
    assert bad.codes == ("invalid_argument",)
    assert load(dump(complaint)) == complaint
    assert complaint.classification.decision is Decision.UPHELD


def test_nothing_personal_is_recorded_for_the_returns() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        Classify(product="current_account", cause="charges"),
        RecordVulnerability(drivers=["health"]),
        RecordRedress(kind="goodwill", amount=10, currency="GBP")], clock)
    text = repr(complaint.classification) + str(dump(complaint)["classification"])
    assert "Dana" not in text
    assert "7946" not in text
    assert complaint.updated_at - complaint.received_at < timedelta(hours=1)
