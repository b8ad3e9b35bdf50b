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
from hypothesis import given
from hypothesis import strategies as st

from complaintflow import (
    Escalate,
    InvalidValueError,
    Money,
    OfferCompensation,
    Policy,
    Rejection,
    apply_json,
    dump,
    dump_event,
    load,
    load_event,
)
from complaintflow import events as ev
from complaintflow._formats.command_json import converter as command_converter
from complaintflow._formats.schema import shipped_schema
from complaintflow._values.checks import AMOUNT_PATTERN
from complaintflow._values.currencies import ACTIVE_CURRENCIES

from .support import T0, Clock, play, responding

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = jsonschema.Draft202012Validator(shipped_schema())
CANONICAL = re.compile(AMOUNT_PATTERN)
AMOUNT_FIELDS = ("amount", "authority_limit", "agent_authority_limit")


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
                    st.integers(0, 10 ** 9), st.integers(-6, 6)).filter(
    lambda d: len(format(d, "f").split(".")[0]) <= 15)


@given(limit=AMOUNTS, raised=AMOUNTS, offered=AMOUNTS)
def test_every_dumped_amount_is_canonical(limit: Decimal, raised: Decimal,
                                          offered: Decimal) -> None:
    clock = Clock()
    complaint = play(responding(clock, policy=Policy(agent_authority_limit=limit)), [
        Escalate(to="lead", reason="more", authority_limit=raised + offered),
        OfferCompensation(kind="refund", description="x", amount=offered),
    ], clock)
    snapshot = dump(complaint)
    written = amounts_in(snapshot)
    assert len(written) == 4
    assert all(isinstance(text, str) and CANONICAL.match(text) for text in written), written
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
