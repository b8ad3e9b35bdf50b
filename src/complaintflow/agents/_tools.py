"""Tool definitions for LLM agents, in the shapes of OpenAI, Anthropic and MCP.

One tool per command, named after it, described from its sources (the command's
docstring: what the step is for; its row: when it may be used and where it leads), with
the command's JSON Schema as its parameters. Built once per flavour and kept: a turn
only picks the tools a complaint allows now.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any, Literal, overload

from .._core.definition import ROW_OF
from .._core.row import EVERY_STAGE, OPEN_STAGES, Branch, Goes
from .._values.checks import shown
from .._values.enums import Stage
from .._values.errors import InvalidValueError
from ..commands import COMMAND_TYPES
from ._limits import NO_LIMITS, AgentLimits
from ._schema import schemas

if TYPE_CHECKING:  # the SDKs are optional: their types are for type checkers only
    from anthropic.types import ToolParam as AnthropicTool
    from openai.types.chat import ChatCompletionFunctionToolParam as OpenAITool
    from openai.types.responses import FunctionToolParam as OpenAIResponsesTool

    from .._core.complaint import Complaint

Flavor = Literal["openai", "openai-responses", "anthropic", "mcp"]
"""The shapes :func:`tools` gives: OpenAI Chat Completions, OpenAI Responses, Anthropic
Messages and MCP."""

FLAVORS: tuple[Flavor, ...] = ("openai", "openai-responses", "anthropic", "mcp")

_BRANCH_WORDS = {Branch.SEVERAL_OPEN_CONCERNS: "when several concerns are open",
                 Branch.ANYTHING_OPEN: "while concerns or action items are open"}


def plain(text: str) -> str:
    """A docstring's reST as plain text: ``code`` and :role:`~a.b` read as their words."""
    text = " ".join(text.split()).replace("``", "")
    text = re.sub(r":\w+:`([^`<]*?)\s*<[^`>]*>`", r"\1", text)
    return re.sub(r":\w+:`~?(?:[\w.]*\.)?([^`.]+)`", r"\1", text)


def _stages(stages: set[Stage]) -> str:
    if stages == set(EVERY_STAGE):
        return "in any stage, closed included"
    if stages == set(OPEN_STAGES):
        return "in any stage until it is closed"
    names = [stage.value for stage in Stage if stage in stages]
    return "while the complaint is " + (" or ".join(names) if len(names) < 3 else
                                        ", ".join(names[:-1]) + " or " + names[-1])


def _moves(routes: tuple[Goes, ...]) -> str:
    moving = [goes for goes in routes if goes.dest is not None]
    if not moving:
        return ""
    parts = []
    sources = {stage for goes in routes for stage in goes.sources}
    for goes in moving:
        assert goes.dest is not None
        start = f"from {', '.join(s.value for s in goes.sources)} " if (
            set(goes.sources) != sources) else ""
        when = f" {_BRANCH_WORDS[goes.branch]}" if goes.branch is not None else ""
        parts.append(f"{start}to {goes.dest.value}{when}")
    return "It moves the complaint " + ", else ".join(parts) + "."


def describe(name: str) -> str:
    """The tool description of the command ``name``: what it is for (the first paragraph
    of its docstring), when it may be used and where it leads (its row)."""
    row = ROW_OF[name]
    purpose = plain((inspect.getdoc(row.command) or "").split("\n\n")[0])
    stages = {stage for goes in row.routes for stage in goes.sources}
    when = f"Use it {_stages(stages)}."
    return " ".join(part for part in (purpose, when, _moves(row.routes)) if part)


def _tool(flavor: Flavor, name: str) -> dict[str, Any]:
    description = describe(name)
    if flavor == "openai":
        return {"type": "function", "function": {
            "name": name, "description": description, "parameters": schemas(True)[name],
            "strict": True}}
    if flavor == "openai-responses":
        return {"type": "function", "name": name, "description": description,
                "parameters": schemas(True)[name], "strict": True}
    if flavor == "anthropic":
        return {"name": name, "description": description, "input_schema": schemas(False)[name]}
    return {"name": name, "description": description, "inputSchema": schemas(False)[name]}


_TOOLS: dict[str, dict[str, dict[str, Any]]] = {}


def tool_table(flavor: str) -> dict[str, dict[str, Any]]:
    """Every command's tool in ``flavor``, by name, built once (shared: never changed)."""
    table = _TOOLS.get(flavor)
    if table is None:
        if flavor not in FLAVORS:
            raise InvalidValueError(f"{shown(flavor)} is not a tool flavour; the flavours are "
                                    + ", ".join(FLAVORS), argument="flavor")
        table = _TOOLS[flavor] = {name: _tool(flavor, name) for name in COMMAND_TYPES}
    return table


@overload
def tools(flavor: Literal["openai"], *, complaint: Complaint | None = None,
          limits: AgentLimits | None = None) -> list[OpenAITool]: ...
@overload
def tools(flavor: Literal["openai-responses"], *, complaint: Complaint | None = None,
          limits: AgentLimits | None = None) -> list[OpenAIResponsesTool]: ...
@overload
def tools(flavor: Literal["anthropic"], *, complaint: Complaint | None = None,
          limits: AgentLimits | None = None) -> list[AnthropicTool]: ...
@overload
def tools(flavor: str, *, complaint: Complaint | None = None,
          limits: AgentLimits | None = None) -> list[Any]: ...
def tools(flavor: str, *, complaint: Complaint | None = None,
          limits: AgentLimits | None = None) -> list[Any]:
    """One tool definition per command, in the shape of ``flavor``.

    * ``"openai"``: Chat Completions, ``{"type": "function", "function": {"name",
      "description", "parameters", "strict": true}}``;
    * ``"openai-responses"``: Responses, ``{"type": "function", "name", "description",
      "parameters", "strict": true}``;
    * ``"anthropic"``: Messages, ``{"name", "description", "input_schema"}``;
    * ``"mcp"``: an MCP ``Tool``, ``{"name", "description", "inputSchema"}``.

    The OpenAI shapes take the strict schema (``command_schema(name, strict=True)``), the
    others the natural one. With ``complaint``, only the commands it allows now, in the
    workflow's order; ``limits`` leaves out the commands the host denies the agent. An
    unknown flavour raises :class:`~complaintflow.InvalidValueError`.

    The definitions are built once and shared between calls, so that a turn costs only
    the picking: treat them as read-only (``copy.deepcopy`` one to change it). For a type
    checker, each flavour's list holds the SDK's own type (``ChatCompletionFunctionToolParam``,
    ``FunctionToolParam``, Anthropic's ``ToolParam``; plain dicts for MCP).
    """
    table = tool_table(flavor)
    deny = (limits or NO_LIMITS).deny
    names = complaint.allowed_commands() if complaint is not None else table
    if deny:
        return [table[name] for name in names if name not in deny]
    return [table[name] for name in names]

