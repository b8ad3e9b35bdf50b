"""Untrusted input gets the library's own errors: huge numbers, deep nesting, lone
surrogates, invisible text and megabytes of it are refused (or described) safely."""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Callable, Collection
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaintflow import (
    COMMAND_TYPES,
    Applied,
    AssessImpact,
    Assignment,
    CommandRejected,
    Customer,
    HearConcern,
    Impact,
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
from complaintflow._values.reasons import REASON_CODES

from .support import Clock, closed, following_up, listening, opened, responding


def deep(levels: int) -> list[Any]:
    """A list nested ``levels`` deep: more than ``repr`` can describe."""
    outer: list[Any] = []
    inner = outer
    for _ in range(levels):
        inner.append([])
        inner = inner[0]
    return outer


T = TypeVar("T")

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


@pytest.mark.parametrize("value", [Loud(), deep(5000), HUGE_INT, object()],
                         ids=["failing repr", "deep", "huge", "object"])
def test_an_enum_argument_of_any_type_is_an_invalid_value(value: object) -> None:
    """Found by the fuzz test below: the enum's own error message reprs what it got."""
    with pytest.raises(InvalidValueError, match="severity must be one of") as raised:
        AssessImpact(concern_id="K1", description="x", severity=value)  # type: ignore[arg-type]  # the point
    assert raised.value.argument == "severity"
    assert len(raised.value.message) < 200


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


# --- fuzzing: only the library's own errors, or rejections ------------------------------

TEXTS = ["\ud800", "a\udfffb", "\x00", "\u200b", "\ufeff", "line\nbreak", "\x1b[2J",
         "x" * 20_000, " " * 20_000, "K1", "A1", "critical", "agent",
         "2026-03-02T09:00:00+00:00", "12.50", "NaN", "-1"]
NASTY_TEXT: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=8),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp"]), max_size=6),
    st.integers(0, len(TEXTS) - 1).map(lambda index: TEXTS[index]),
)
ODDITIES: list[object] = [HUGE_INT, -HUGE_INT, 2**64, Decimal("1E+999999"), Decimal("NaN"),
                          b"\xff", (), ("K1",), frozenset({"K1"}), object(), Loud()]
"""Values no JSON holds but a Python host may pass (drawn by index: some have no repr)."""

NASTY_LEAVES: st.SearchStrategy[object] = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), NASTY_TEXT,
    st.integers(0, len(ODDITIES) - 1).map(lambda index: ODDITIES[index]),
    st.integers(1, 5000).map(deep),
)
NASTY: st.SearchStrategy[object] = st.recursive(
    NASTY_LEAVES,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(NASTY_TEXT, children, max_size=3)),
    max_leaves=6)
ALL_NAMES = sorted(COMMAND_TYPES)


def _plausible(hint: object) -> st.SearchStrategy[object]:
    """A value of the right JSON shape for an argument of type ``hint``."""
    inner = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    kind = inner[0] if len(inner) == 1 else hint
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from([member.value for member in kind])
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(0, 6)
    if kind is Decimal:
        return st.sampled_from(["0", "10.00", "49.99", "50.01", "120"])
    if kind is datetime:
        return st.sampled_from(["2026-03-02T09:00:00Z", "2026-04-01T17:00:00+01:00"])
    if typing.get_origin(kind) is tuple:
        return st.lists(st.sampled_from(["K1", "K2", "A1"]), max_size=3)
    return st.sampled_from(["K1", "A1", "a fair text", "phone"])


def _arguments(name: str, nasty: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    """Each argument of the command plausible or nasty, some left out, some extra."""
    cls = COMMAND_TYPES[name]
    hints = typing.get_type_hints(cls)
    fields = [a.name for a in attrs.fields(cls)]
    optional = {field: st.one_of(_plausible(hints[field]), nasty) for field in fields}
    return st.fixed_dictionaries({}, optional={**optional, "bonus": nasty})


PAYLOADS: st.SearchStrategy[object] = st.one_of(
    st.sampled_from(ALL_NAMES).flatmap(
        lambda name: _arguments(name, NASTY).map(lambda args: {"command": name, **args})),
    st.builds(lambda name, args: {"command": name, **args}, NASTY,
              st.dictionaries(NASTY_TEXT, NASTY, max_size=3)),
    NASTY,
)
AT: st.SearchStrategy[object] = st.one_of(
    st.just("2026-03-02T09:30:00+00:00"), st.datetimes(timezones=st.just(timezone.utc)), NASTY)


def _complaints() -> list[Any]:
    clock = Clock()
    strict = Policy(max_text_length=50)
    return [opened(Clock()), listening(clock), responding(Clock()), following_up(Clock()),
            closed(Clock()), listening(Clock(), strict)]


COMPLAINTS = _complaints()


def assert_only_data(result: object, complaint: Any) -> None:
    assert isinstance(result, (Applied, Rejection))
    if isinstance(result, Rejection):
        assert result.reasons
        assert result.allowed == complaint.allowed_commands()
        for reason in result.reasons:
            assert reason.code in REASON_CODES, reason.code
            assert reason.kind is REASON_CODES[reason.code].kind
            assert len(reason.message) < 500, reason.message[:200]
            assert reason.message.isprintable(), reason.message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(payload={"command": HUGE_INT}, at="2026-03-02T09:30:00+00:00", index=1)
@example(payload={"command": "assess_impact", "concern_id": "", "description": "",
                  "severity": "x"}, at="2026-03-02T09:30:00+00:00", index=2)
@given(payload=PAYLOADS, at=AT, index=st.integers(0, len(COMPLAINTS) - 1))
def test_apply_json_answers_any_payload_with_data(payload: object, at: object,
                                                   index: int) -> None:
    complaint = COMPLAINTS[index]
    result = apply_json(complaint, payload, at=typing.cast(str, at))
    assert_only_data(result, complaint)


@settings(max_examples=100, deadline=None)
@given(payload=st.sampled_from(ALL_NAMES).flatmap(
    lambda name: _arguments(name, NASTY_TEXT).map(lambda args: {"command": name, **args})),
    index=st.integers(0, len(COMPLAINTS) - 1))
def test_apply_json_answers_any_json_text_with_data(payload: dict[str, object],
                                                    index: int) -> None:
    """As text: the surrogates and controls arrive as JSON escapes, numbers as digits."""
    complaint = COMPLAINTS[index]
    text = json.dumps(payload)
    for variant in (text, text.replace('"K1"', "9" * 4301), text.encode()):
        assert_only_data(apply_json(complaint, variant, at="2026-03-02T09:30:00Z"), complaint)


def attempt(call: Callable[[], T]) -> T | InvalidValueError | CommandRejected:
    """What ``call`` returns, or the library's error it raised (any other propagates)."""
    try:
        return call()
    except (InvalidValueError, CommandRejected) as error:
        return error


def assert_well_named(error: InvalidValueError, arguments: Collection[str]) -> None:
    assert error.argument in arguments, error
    assert error.code in REASON_CODES
    assert len(error.message) < 500, error.message[:200]


def _draw_arguments(data: st.DataObject, cls: type) -> dict[str, Any]:
    """Every required argument and some optional ones, each of its type or anything."""
    hints = typing.get_type_hints(cls)
    return {a.name: data.draw(st.one_of(_typed(hints[a.name]), NASTY), label=a.name)
            for a in attrs.fields(cls)
            if a.default is attrs.NOTHING or data.draw(st.booleans())}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(ALL_NAMES), index=st.integers(0, len(COMPLAINTS) - 1))
def test_building_and_applying_commands_raises_only_the_librarys_errors(
        data: st.DataObject, name: str, index: int) -> None:
    cls = COMMAND_TYPES[name]
    arguments = _draw_arguments(data, cls)
    command = attempt(lambda: cls(**arguments))
    if isinstance(command, InvalidValueError):
        assert_well_named(command, arguments)
        return
    assert isinstance(command, cls)
    complaint = COMPLAINTS[index]
    at = data.draw(st.one_of(st.just(complaint.updated_at + timedelta(minutes=5)), NASTY))
    applied = attempt(lambda: complaint.apply(command, at=typing.cast(datetime, at)))
    if isinstance(applied, CommandRejected):
        assert_only_data(applied.rejection, complaint)
    elif isinstance(applied, InvalidValueError):
        assert_well_named(applied, ["at"])
    else:
        assert applied.complaint.revision >= complaint.revision


def _typed(hint: object) -> st.SearchStrategy[object]:
    """A Python value of the right type for an argument of type ``hint``."""
    inner = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    kind = inner[0] if len(inner) == 1 else hint
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from(list(kind))
    if kind is datetime:
        return st.datetimes(timezones=st.just(timezone.utc))
    if kind is Decimal:
        return st.decimals(allow_nan=True)
    if typing.get_origin(kind) is tuple:
        return st.lists(NASTY_TEXT, max_size=3).map(tuple)
    if kind is str:
        return NASTY_TEXT
    return _plausible(hint)


VALUE_TYPES = [Customer, Assignment, Impact, Policy]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), cls=st.sampled_from(VALUE_TYPES))
def test_building_values_raises_only_the_librarys_errors(data: st.DataObject,
                                                         cls: type) -> None:
    arguments = _draw_arguments(data, cls)
    value = attempt(lambda: cls(**arguments))
    if isinstance(value, InvalidValueError):
        assert_well_named(value, arguments)
    else:
        assert isinstance(value, cls)


@settings(max_examples=100, deadline=None)
@given(complaint_id=st.one_of(NASTY_TEXT, NASTY), at=AT)
def test_opening_raises_only_the_librarys_errors(complaint_id: object, at: object) -> None:
    opened_ = attempt(lambda: open_complaint(typing.cast(str, complaint_id),
                                             at=typing.cast(datetime, at)))
    if isinstance(opened_, InvalidValueError):
        assert_well_named(opened_, ["complaint_id", "at"])
    else:
        assert isinstance(opened_, Applied)
        assert opened_.complaint.complaint_id == complaint_id
