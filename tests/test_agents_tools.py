"""Tool definitions: one per command, in each vendor's shape, valid by the SDKs' own types."""

from __future__ import annotations

import re
import typing
from typing import Any

import mcp.types
import pytest
from anthropic.types import ToolParam
from openai.types.chat import ChatCompletionFunctionToolParam
from openai.types.responses import FunctionToolParam
from pydantic import TypeAdapter

from complaintflow import COMMAND_TYPES, InvalidValueError, Stage, stage_commands
from complaintflow.agents import FLAVORS, AgentLimits, command_schema, tools
from tests.support import Clock, following_up, listening, opened

OPENAI_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "openai": TypeAdapter(ChatCompletionFunctionToolParam),
    "openai-responses": TypeAdapter(FunctionToolParam),
    "anthropic": TypeAdapter(ToolParam),
}
TYPED_DICTS: dict[str, type] = {
    "openai": ChatCompletionFunctionToolParam,
    "openai-responses": FunctionToolParam,
    "anthropic": ToolParam,
}


def unknown_keys(value: object, typed_dict: type, path: str = "$") -> list[str]:
    """Keys of ``value`` that the SDK's TypedDict does not declare, nested ones followed
    (pydantic ignores extra keys of a TypedDict)."""
    if not isinstance(value, dict):
        return []
    hints = typing.get_type_hints(typed_dict)
    found = [f"{path}.{key}" for key in value if key not in hints]
    for key, item in value.items():
        hint = hints.get(key)
        if isinstance(hint, type) and typing.is_typeddict(hint):
            found += unknown_keys(item, hint, f"{path}.{key}")
    return found


def name_of(flavor: str, tool: dict[str, Any]) -> str:
    name = tool["function"]["name"] if flavor == "openai" else tool["name"]
    assert isinstance(name, str)
    return name


@pytest.mark.parametrize("flavor", FLAVORS)
def test_one_tool_per_command_in_each_shape(flavor: str) -> None:
    every = tools(flavor)
    assert [name_of(flavor, tool) for tool in every] == list(COMMAND_TYPES)
    for tool in every:
        name = name_of(flavor, tool)
        assert OPENAI_NAME.fullmatch(name)
        if flavor == "mcp":
            parsed = mcp.types.Tool.model_validate(tool)
            assert parsed.input_schema == command_schema(name)
            assert parsed.model_dump(by_alias=True, exclude_none=True) == tool
            continue
        ADAPTERS[flavor].validate_python(tool, strict=True)
        assert unknown_keys(tool, TYPED_DICTS[flavor]) == []
        if flavor == "openai":
            assert tool["function"]["strict"] is True
            assert tool["function"]["parameters"] == command_schema(name, strict=True)
        elif flavor == "openai-responses":
            assert tool["strict"] is True
            assert tool["parameters"] == command_schema(name, strict=True)
        else:
            assert tool["input_schema"] == command_schema(name)


def test_descriptions_say_what_a_step_is_for_and_when() -> None:
    by_name = {tool["name"]: tool["description"] for tool in tools("anthropic")}
    assert by_name["hear_concern"] == (
        "Capture a concern in the customer's own words (IBM step 2); it gets the next id: "
        "K1, K2 and so on. Use it while the complaint is listening or following_up. It "
        "moves the complaint from following_up to listening.")
    assert by_name["no_more_concerns"].endswith(
        "It moves the complaint to prioritizing when several concerns are open, else to "
        "assessing_impact.")
    assert "Use it in any stage until it is closed." in by_name["apologize"]
    assert "``" not in "".join(by_name.values())
    assert ":func:" not in by_name["record_communication"]


def test_for_a_complaint_only_the_commands_it_allows_now() -> None:
    clock = Clock()
    for complaint in (opened(clock), listening(clock), following_up(clock)):
        for flavor in FLAVORS:
            names = [name_of(flavor, t) for t in tools(flavor, complaint=complaint)]
            assert names == list(complaint.allowed_commands())
    assert {tool["name"] for tool in tools("mcp", complaint=opened(clock))} == set(
        stage_commands(Stage.VERIFYING))


def test_a_host_leaves_out_what_it_denies() -> None:
    limits = AgentLimits(deny={"escalate", "withdraw"})
    names = [tool["name"] for tool in tools("anthropic", limits=limits)]
    assert "escalate" not in names
    assert "withdraw" not in names
    assert len(names) == len(COMMAND_TYPES) - 2
    complaint = listening(Clock())
    assert "escalate" not in [t["name"] for t in tools("mcp", complaint=complaint,
                                                         limits=limits)]


def test_an_unknown_flavour_is_refused() -> None:
    for flavor in ("gemini", "OpenAI", "", None):
        with pytest.raises(InvalidValueError) as raised:
            tools(flavor)  # type: ignore[arg-type]  # None, on purpose
        assert raised.value.argument == "flavor"


def test_agent_limits_check_what_they_are_given() -> None:
    with pytest.raises(InvalidValueError):
        AgentLimits(deny={"escalat"})
    with pytest.raises(InvalidValueError):
        AgentLimits(deny="escalate")
    with pytest.raises(InvalidValueError) as raised:
        AgentLimits(authority_ceiling={"pounds": 250})
    assert raised.value.argument == "authority_ceiling"
    limits = AgentLimits(authority_ceiling={"GBP": 250, "EUR": "99.50"})
    assert str(limits.ceiling("GBP")) == "250"
    assert str(limits.ceiling("EUR")) == "99.50"
    assert limits.ceiling("USD") is None
    assert AgentLimits().authority_ceiling is None
