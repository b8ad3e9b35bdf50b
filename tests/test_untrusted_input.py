"""Untrusted input gets the library's own errors: huge numbers, deep nesting, lone
surrogates, invisible text and megabytes of it are refused (or described) safely."""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from complaintflow import (
    COMMAND_TYPES,
    CommandRejected,
    Customer,
    HearConcern,
    InvalidValueError,
    Policy,
    Rejection,
    VerifyCustomer,
    apply_json,
    open_complaint,
)
from complaintflow._core.engine import TEXT_FIELDS
from complaintflow._formats.upcasters import policy_1_to_2
from complaintflow._values.checks import SHOWN_LENGTH, blank, shown

from .support import Clock, listening


def deep(levels: int) -> list[Any]:
    """A list nested ``levels`` deep: more than ``repr`` can describe."""
    outer: list[Any] = []
    inner = outer
    for _ in range(levels):
        inner.append([])
        inner = inner[0]
    return outer


HUGE_INT = 10**5000  # more digits than int-to-str converts (4,300 by default)


class Loud:
    """An object whose repr fails."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


# --- shown ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    HUGE_INT, -HUGE_INT, deep(5000), "x" * 1_000_000, b"y" * 100_000, list(range(10**5)),
    {str(n): n for n in range(1000)}, Loud(), [Loud()], {"a": Loud()}, "\ud800", "a\nb",
    Decimal("1" * 10_000), 1e308, float("nan"), None, True, object(),
], ids=["huge int", "huge negative int", "deep list", "megabyte", "bytes", "long list",
        "big dict", "failing repr", "failing item", "failing value", "surrogate",
        "newline", "long decimal", "float", "nan", "none", "bool", "object"])
def test_shown_is_short_and_never_raises(value: object) -> None:
    text = shown(value)
    assert isinstance(text, str)
    assert 0 < len(text) <= SHOWN_LENGTH
    assert text.isprintable()  # control characters and surrogates come out escaped


def test_shown_keeps_small_values_readable() -> None:
    assert shown("boss") == "'boss'"
    assert shown(7) == "7"
    assert shown(["K1", 2]) == "['K1', 2]"
    assert shown({"a": 1}) == "{'a': 1}"
    assert shown(Customer(name="Dana Reyes", callback="+44 20 7946 0000")) == "<Customer>"
    assert "digits" in shown(HUGE_INT)


# --- the JSON entry point ---------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    {"command": HUGE_INT},
    {"command": deep(5000)},
    {"command": "record_feedback", "score": HUGE_INT},
    {"command": "assess_impact", "concern_id": "K1", "description": "x",
     "severity": deep(5000)},
    {"command": "assess_impact", "concern_id": "K1", "description": "x",
     "severity": HUGE_INT},
    {"command": "offer_compensation", "kind": "x", "description": "x", "amount": deep(5000)},
    {"command": "schedule_follow_up", "at": deep(5000)},
    {"command": "schedule_follow_up", "at": HUGE_INT},
    {"command": "verify_customer", "name": "a", "callback": "b", "entitled": HUGE_INT},
], ids=["huge command", "deep command", "huge score", "deep severity", "huge severity",
        "deep amount", "deep time", "huge time", "huge flag"])
def test_huge_and_deep_values_are_rejections(payload: dict[str, Any]) -> None:
    clock = Clock()
    complaint = listening(clock)
    result = apply_json(complaint, payload, at=clock.tick())
    assert isinstance(result, Rejection)
    assert all(len(reason.message) < 300 for reason in result.reasons)


@pytest.mark.parametrize("at", [HUGE_INT, deep(5000), "\ud800", "x" * 1_000_000],
                         ids=["huge", "deep", "surrogate", "megabyte"])
def test_a_bad_at_is_a_short_rejection(at: Any) -> None:
    clock = Clock()
    result = apply_json(listening(clock), {"command": "hear_concern", "text": "x"}, at=at)
    assert isinstance(result, Rejection)
    assert result.codes == ("invalid_time",)
    assert len(result.reasons[0].message) < 300


# --- lone surrogates --------------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    {"command": "hear_concern", "text": "\ud800"},
    {"command": "hear_concern", "text": "charged tw\udfffice"},
    {"command": "hear_concern", "text": "ok", "command_id": "\ud83d"},
    {"command": "assign", "agent": "sam", "skill": "\udc00"},
    {"command": "prioritize", "order": ["K1", "\ud800"]},
    '{"command": "hear_concern", "text": "\\ud800"}',
], ids=["text", "inside text", "command id", "optional text", "id list", "JSON escape"])
def test_a_lone_surrogate_is_invalid_json_input(payload: object) -> None:
    clock = Clock()
    result = apply_json(listening(clock), payload, at=clock.tick())
    assert isinstance(result, Rejection)
    assert result.codes == ("invalid_argument",)
    assert "valid Unicode text" in result.reasons[0].message


@pytest.mark.parametrize("build", [
    lambda: HearConcern(text="\ud800"),
    lambda: HearConcern(text="ok", command_id="id-\udfff"),
    lambda: VerifyCustomer(name="Dana", callback="\ud800"),
    lambda: Customer(name="Dana\ud800", callback="1"),
    lambda: open_complaint("C-\ud800", at=datetime(2026, 1, 5, tzinfo=timezone.utc)),
], ids=["text", "command id", "callback", "value", "complaint id"])
def test_a_lone_surrogate_is_refused_by_the_python_api(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidValueError, match="valid Unicode text") as raised:
        build()
    assert raised.value.argument is not None
    assert raised.value.code == "invalid_argument"


def test_text_with_emoji_and_accents_is_fine() -> None:
    assert HearConcern(text="Ça ne marche pas 😡").text == "Ça ne marche pas 😡"


# --- invisible text is blank ------------------------------------------------------------


INVISIBLE = ["\u200b", "\u200c\u200d", "\ufeff", "\x00", " \x00\t\n", "\u2028\u2029",
             "\u00a0\u3000", "\x7f\x85", "\u2060\u180e"]


@pytest.mark.parametrize("text", INVISIBLE, ids=repr)
def test_invisible_text_is_blank(text: str) -> None:
    assert blank(text)
    with pytest.raises(InvalidValueError, match="must not be blank"):
        HearConcern(text=text)
    clock = Clock()
    result = apply_json(listening(clock), {"command": "hear_concern", "text": text},
                        at=clock.tick())
    assert isinstance(result, Rejection)
    assert result.codes == ("invalid_argument",)


@pytest.mark.parametrize("text", ["x", " x ", "\u200bx", "é", "😡", "\x00!", "K1"], ids=repr)
def test_visible_text_is_not_blank(text: str) -> None:
    assert not blank(text)
    assert HearConcern(text=text).text == text



# --- bounded text -----------------------------------------------------------------------


def test_a_text_longer_than_the_policy_allows_is_refused() -> None:
    clock = Clock()
    complaint = listening(clock, Policy(max_text_length=20))
    command = HearConcern(text="x" * 21)
    rejection = complaint.check(command, at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("text_too_long",)
    assert rejection.reasons[0].argument == "text"
    assert rejection.reasons[0].kind == "bad_input"
    with pytest.raises(CommandRejected):
        complaint.apply(command, at=clock.tick())
    assert complaint.apply(HearConcern(text="x" * 20), at=clock.tick()).complaint.concerns


def test_the_default_limit_is_ten_thousand_characters() -> None:
    clock = Clock()
    complaint = listening(clock)
    assert complaint.policy.max_text_length == 10_000
    megabyte = "x" * 1_000_000
    rejection = complaint.check(HearConcern(text=megabyte), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("text_too_long",)
    assert len(rejection.reasons[0].message) < 100
    assert complaint.check(HearConcern(text="x" * 10_000), at=clock.tick()) is None


def test_every_text_argument_is_bounded_and_reported_at_once() -> None:
    clock = Clock()
    opened = open_complaint("C-2", at=clock.tick(), policy=Policy(max_text_length=5))
    rejection = opened.complaint.check(
        VerifyCustomer(name="Dana Reyes", callback="+44", service="billing",
                       command_id="request-1"), at=clock.tick())
    assert rejection is not None
    assert [(r.code, r.argument) for r in rejection.reasons] == [
        ("text_too_long", "command_id"), ("text_too_long", "name"),
        ("text_too_long", "service")]


@pytest.mark.parametrize("command", sorted(COMMAND_TYPES))
def test_every_text_field_of_every_command_is_checked(command: str) -> None:
    """Derived from the fields: a new command's text is bounded without anyone listing it."""
    hints = typing.get_type_hints(COMMAND_TYPES[command])
    texts = {a.name for a in attrs.fields(COMMAND_TYPES[command])
             if hints[a.name] in (str, str | None)}
    assert set(TEXT_FIELDS[COMMAND_TYPES[command]]) == texts
    assert "command_id" in texts


def test_json_reports_a_long_text_with_the_other_problems() -> None:
    clock = Clock()
    complaint = listening(clock, Policy(max_text_length=20))
    payload = {"command": "restate_concern", "concern_id": "K1", "restatement": "y" * 21,
               "bonus": 1}
    result = apply_json(complaint, payload, at="soon")
    assert isinstance(result, Rejection)
    assert [(r.code, r.argument) for r in result.reasons] == [
        ("unexpected_argument", "bonus"), ("invalid_time", "at"),
        ("text_too_long", "restatement")]
    result = apply_json(complaint, {"command": "hear_concern", "text": "z" * 21},
                        at=clock.tick())
    assert isinstance(result, Rejection)
    assert result.codes == ("text_too_long",)


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "10"], ids=repr)
def test_the_limit_is_a_whole_number_of_at_least_one(limit: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        Policy(max_text_length=limit)  # type: ignore[arg-type]  # the point: refused
    assert raised.value.argument == "max_text_length"


def test_a_version_1_policy_gets_the_default_limit() -> None:
    assert policy_1_to_2({"apology_before_response": True})["max_text_length"] == 10_000
