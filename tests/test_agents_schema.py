"""Each command's JSON Schema: valid draft 2020-12, every constraint the parser enforces,
OpenAI's strict rules in strict mode, and a payload valid by it is never refused for its
shape (while one that breaks it is)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from complaintflow import COMMAND_TYPES, Complaint, InvalidValueError, Rejection, apply_json
from complaintflow.agents import command_schema, command_schemas
from complaintflow.agents._schema import MAX_TEXT_LENGTH, argument_table
from tests.schema_tools import every_object, objects, strict_problems
from tests.support import Clock, opened

NAMES = sorted(COMMAND_TYPES)
MODES = [False, True]
CLOCK = Clock()
COMPLAINT: Complaint = opened(CLOCK)
AT = CLOCK.tick()


def validator(name: str, strict: bool) -> Draft202012Validator:
    return Draft202012Validator(command_schema(name, strict=strict),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


_PAYLOADS: dict[tuple[str, bool], st.SearchStrategy[object]] = {}


def payloads(name: str, strict: bool) -> st.SearchStrategy[object]:
    """Payloads drawn from the command's schema (built once: hypothesis analyses each
    pattern when a strategy is first drawn from)."""
    key = (name, strict)
    if key not in _PAYLOADS:
        _PAYLOADS[key] = objects(command_schema(name, strict=strict))
    return _PAYLOADS[key]


def natural_after_nulls(name: str, payload: dict[str, Any]) -> bool:
    """Whether a strict payload, its nulls read as "not given", is valid by the natural
    schema: what a strict schema can only say in words (distinct ids, the text bound)."""
    given = {key: value for key, value in payload.items() if value is not None}
    return validator(name, False).is_valid(given)


def bad_input(payload: dict[str, Any], complaint: Complaint = COMPLAINT) -> list[str]:
    """The bad_input codes ``apply_json`` answers ``payload`` with (none: only its shape
    matters here; a rule may well refuse it in this stage)."""
    result = apply_json(complaint, payload, at=AT)
    if not isinstance(result, Rejection):
        return []
    return [reason.code for reason in result.reasons if reason.kind == "bad_input"]


@pytest.mark.parametrize("strict", MODES, ids=["natural", "strict"])
@pytest.mark.parametrize("name", NAMES)
def test_the_schema_is_valid_draft_2020_12(name: str, strict: bool) -> None:
    schema = command_schema(name, strict=strict)
    Draft202012Validator.check_schema(schema)
    json.dumps(schema)  # JSON-safe
    assert schema["type"] == "object"
    assert "command_id" not in schema["properties"]  # the host sets it
    for obj in every_object(schema):
        assert obj["additionalProperties"] is False
    for prop in schema["properties"].values():
        assert prop["description"].strip()


@pytest.mark.parametrize("name", NAMES)
def test_the_strict_schema_follows_openais_rules(name: str) -> None:
    assert strict_problems(command_schema(name, strict=True)) == []


def test_the_strict_checker_sees_what_breaks_the_rules() -> None:
    natural = command_schema("verify_customer")
    problems = strict_problems(natural)
    assert "#: 'minLength' is not supported in strict mode" not in problems  # only nested
    assert any("required must list every property" in p for p in problems)
    assert any("'minLength' is not supported" in p for p in problems)
    assert any("'default' is not supported" in p for p in problems)
    assert strict_problems({"type": "object", "properties": {
        "a": {"type": ["string", "null"], "enum": ["x"]}}, "required": ["a"],
        "additionalProperties": False}) == [
        "#/properties/a: the enum must list null exactly when the type does"]


def test_the_natural_schema_is_not_strict_and_says_what_is_optional() -> None:
    schema = command_schema("verify_customer")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["name", "callback"]
    assert schema["properties"]["entitled"] == {
        "type": "boolean", "default": True,
        "description": "Whether they are entitled to the service; false refuses the "
                       "verification (refer them instead)."}


def test_the_strict_schema_makes_optional_arguments_nullable() -> None:
    strict = command_schema("verify_customer", strict=True)
    assert "$schema" not in strict
    assert strict["required"] == ["name", "callback", "customer_id", "entitled", "service"]
    assert strict["properties"]["entitled"]["type"] == ["boolean", "null"]
    assert "null: the default, true." in strict["properties"]["entitled"]["description"]
    assert strict["properties"]["name"]["type"] == "string"  # required: never null
    assert "Not blank. At most 10,000 characters." in (
        strict["properties"]["name"]["description"])
    seek = command_schema("offer_compensation", strict=True)["properties"]
    assert seek["currency"]["type"] == ["string", "null"]
    assert seek["currency"]["enum"][-1] is None
    # a minimal verify_customer is valid in strict mode: every key, null for the rest
    minimal = {"name": "Priya Shah", "callback": "+44 20 7946 0321", "customer_id": None,
               "entitled": None, "service": None}
    validator("verify_customer", True).validate(minimal)
    assert bad_input({"command": "verify_customer", **minimal}) == []


def test_the_constraints_the_parser_enforces_are_in_the_schema() -> None:
    props = {name: command_schema(name)["properties"] for name in NAMES}
    assert props["assess_impact"]["severity"]["enum"] == ["critical", "high", "medium", "low"]
    assert props["plan_action"]["owner"]["enum"] == ["agent", "customer", "company"]
    assert props["seek_closure"]["customer_response"]["enum"] == [
        "satisfied", "accepts", "dissatisfied"]
    text = props["hear_concern"]["text"]
    assert (text["minLength"], text["maxLength"]) == (1, MAX_TEXT_LENGTH)
    assert props["plan_action"]["due"]["format"] == "date-time"
    assert props["offer_compensation"]["amount"]["type"] == "string"  # never a number
    assert props["escalate"]["authority_limit"]["type"] == "string"
    assert "GBP" in props["escalate"]["currency"]["enum"]
    assert props["plan_action"]["concern_ids"]["uniqueItems"] is True
    assert props["prioritize"]["order"]["minItems"] == 1
    assert (props["record_feedback"]["score"]["minimum"],
            props["record_feedback"]["score"]["maximum"]) == (1, 5)
    assert props["confirm_concern"]["concern_id"]["pattern"] == "^K[1-9][0-9]*$"
    assert props["complete_action"]["action_id"]["pattern"] == "^A[1-9][0-9]*$"
    every = [prop for schema in props.values() for prop in schema.values()]
    assert all(prop.get("type") != "number" for prop in every)


@pytest.mark.parametrize(("value", "valid"), [
    ("Payroll won't run.", True), ("x", True), ("  é  ", True), ("\u4e2d", True),
    ("", False), ("   ", False), ("\u200b", False), ("\x00\n\t", False),
    ("\u00a0\u2028\ufeff", False), ("x" * (MAX_TEXT_LENGTH + 1), False)])
def test_text_must_show_something_as_the_parser_says(value: str, valid: bool) -> None:
    schema = {"type": "object", **{k: v for k, v in command_schema("hear_concern").items()
                                   if k != "type"}}
    assert Draft202012Validator(schema).is_valid({"text": value}) is valid
    assert (bad_input({"command": "hear_concern", "text": value}) == []) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2026-03-02T14:00:00+00:00", True), ("2026-03-02T14:00:00Z", True),
    ("2024-02-29T00:00:00.123-05:30", True), ("2026-03-02T14:00:00.123456+01:00", True),
    ("2026-02-29T00:00:00Z", False), ("2026-03-02T14:00:00", False),
    ("2026-03-02", False), ("2026-13-01T00:00:00Z", False), ("0001-01-01T00:00:00+01:00", False),
    ("2026-03-02T14:00:00+24:00", False), ("yesterday", False)])
def test_times_need_their_offset_and_a_real_date(value: str, valid: bool) -> None:
    assert Draft202012Validator(command_schema("schedule_follow_up")).is_valid(
        {"at": value}) is valid
    if valid:
        assert bad_input({"command": "schedule_follow_up", "at": value}) == []


def test_an_unknown_command_has_no_schema() -> None:
    for name in ("restate", "", 7, None):
        with pytest.raises(InvalidValueError) as raised:
            command_schema(name)  # type: ignore[arg-type]  # on purpose
        assert raised.value.argument == "name"


def test_the_schemas_are_copies_for_the_caller() -> None:
    schema = command_schema("hear_concern")
    schema["properties"]["text"]["description"] = "changed"
    every = command_schemas()
    every["hear_concern"]["required"].append("x")
    assert command_schema("hear_concern")["properties"]["text"]["description"] != "changed"
    assert command_schemas()["hear_concern"]["required"] == ["text"]
    assert list(every) == list(COMMAND_TYPES)
    assert command_schemas(strict=True).keys() == every.keys()


# --- valid by the schema: never refused for its shape --------------------------------------

SLOW = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])


@pytest.mark.parametrize("strict", MODES, ids=["natural", "strict"])
@pytest.mark.parametrize("name", NAMES)
@SLOW
@given(data=st.data())
def test_a_payload_valid_by_the_schema_is_never_refused_for_its_shape(
        name: str, strict: bool, data: st.DataObject) -> None:
    payload = data.draw(payloads(name, strict))
    assert isinstance(payload, dict)
    validator(name, strict).validate(payload)  # the generator knows only the schema
    if strict and not natural_after_nulls(name, payload):
        # valid by the strict schema, but not by what its descriptions say in words
        assert bad_input({"command": name, **payload}), payload
        return
    assert bad_input({"command": name, **payload}) == []


@pytest.mark.parametrize("strict", MODES, ids=["natural", "strict"])
@pytest.mark.parametrize("name", NAMES)
@SLOW
@given(data=st.data())
def test_a_payload_that_breaks_the_schema_is_refused_for_its_shape(
        name: str, strict: bool, data: st.DataObject) -> None:
    schema = command_schema(name, strict=strict)
    payload = data.draw(payloads(name, strict))
    assert isinstance(payload, dict)
    how = data.draw(st.sampled_from(["extra", "missing", "wrong type"]))
    if how == "extra":
        key = data.draw(st.sampled_from(["id", "note2", "commandId", "extra"]))
        payload[key] = data.draw(st.sampled_from(["x", 1, None, True]))
        expected = "unexpected_argument"
    elif how == "missing":
        if not schema["required"] or (strict and not _non_null(schema)):
            return  # nothing required, or every key may be null
        key = data.draw(st.sampled_from(_non_null(schema) if strict else schema["required"]))
        del payload[key]
        expected = "missing_argument"
    else:
        if not payload:
            return
        key = data.draw(st.sampled_from(sorted(payload)))
        prop = schema["properties"][key]
        # null for an optional argument means "not given", whatever the natural schema says
        optional = key not in schema["required"]
        payload[key] = data.draw(st.sampled_from(_wrong_types(prop, null=not optional)))
        expected = None  # invalid_argument, invalid_time, ... (the argument's own code)
    with pytest.raises(jsonschema.ValidationError):
        validator(name, strict).validate(payload)
    codes = bad_input({"command": name, **payload})
    assert codes, payload
    if expected is not None:
        assert expected in codes


def _non_null(schema: dict[str, Any]) -> list[str]:
    return [key for key, prop in schema["properties"].items()
            if "null" not in (prop["type"] if isinstance(prop["type"], list) else [prop["type"]])]


def _wrong_types(prop: dict[str, Any], *, null: bool) -> list[object]:
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    wrong: list[object] = []
    if "string" not in kinds:
        wrong += ["x", "true", "1"]
    if "integer" not in kinds:
        wrong += [1.5, 7 if "boolean" in kinds else 0.25]
    if "boolean" not in kinds:
        wrong += [True]
    if "array" not in kinds:
        wrong += [["K1"]]
    if "null" not in kinds and null:
        wrong += [None]
    wrong += [{"a": 1}, 12.5]
    return wrong


def test_what_a_strict_schema_says_only_in_words_is_still_checked() -> None:
    """OpenAI's strict mode has no uniqueItems and no maxLength: a strict schema says them
    in its descriptions, and the parser refuses a payload that ignores them."""
    strict = command_schema("plan_action", strict=True)
    twice = {"description": "Refund the fee.", "owner": "agent",
             "due": "2026-03-09T09:00:00+00:00", "concern_ids": ["K1", "K1"],
             "why_best": None, "involves_others": None}
    assert validator("plan_action", True).is_valid(twice)
    assert "No item twice." in strict["properties"]["concern_ids"]["description"]
    assert bad_input({"command": "plan_action", **twice}) == ["invalid_argument"]
    long = {"text": "x" * (MAX_TEXT_LENGTH + 1)}
    assert validator("hear_concern", True).is_valid(long)
    assert not validator("hear_concern", False).is_valid(long)
    assert bad_input({"command": "hear_concern", **long}) == ["text_too_long"]


def test_the_docs_argument_table_lists_every_tool_and_argument() -> None:
    """docs/api_agents.md includes the table the docs build writes from the schemas."""
    rows = argument_table().splitlines()[2:]
    tools_named = [row.split("|")[1].strip(" `") for row in rows if row.split("|")[1].strip()]
    assert tools_named == list(command_schemas())
    for name, schema in command_schemas().items():
        for argument in schema["properties"]:
            shown = argument if argument in schema["required"] else f"{argument}?"
            assert f"| `{shown}` |" in "\n".join(rows), (name, argument)
    page = Path(__file__).resolve().parent.parent / "docs" / "api_agents.md"
    assert "```{include} _generated/tool-arguments.md\n```" in page.read_text(encoding="utf-8")
