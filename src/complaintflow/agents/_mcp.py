"""The MCP server: complaints on a store, as tools an agent calls over MCP.

:class:`McpTools` is the server without the MCP SDK: a static tool list and calls that
answer every bad input or broken rule as a result, never an error. :func:`mcp_server`
serves it with the official SDK's low-level ``Server`` (the extra ``complaintflow[mcp]``),
and :func:`serve_stdio` runs that over stdio, as ``complaintflow mcp --db PATH`` does.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .._core.complaint import Applied, open_complaint
from .._core.policy import Policy
from .._core.rejection import Rejection
from .._formats.json_value import JsonValue
from .._values.checks import check_text, shown
from .._values.errors import (
    ComplaintExists,
    ComplaintflowError,
    ComplaintNotFound,
    InvalidValueError,
)
from .._values.reasons import (
    COMPLAINT_EXISTS,
    INVALID_ARGUMENT,
    INVALID_PAYLOAD,
    MISSING_ARGUMENT,
    UNEXPECTED_ARGUMENT,
    Reason,
)
from ..commands import COMMAND_TYPES
from ..stores._store import ComplaintStore
from ._guidance import next_steps
from ._handle import handle_tool_call, unknown_complaint
from ._limits import AgentLimits
from ._reply import reply
from ._schema import DIALECT, MAX_TEXT_LENGTH, schemas, text_schema
from ._tools import describe

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

OPEN, GET = "open_complaint", "get_complaint"

_COMPLAINT_ID = {**text_schema(), "description": "The complaint's id, as open_complaint was "
                                                 "given it."}

INSTRUCTIONS = (
    "Handle customer complaints step by step. open_complaint starts one (or get_complaint "
    "reads one); each command is a tool taking the complaint_id and its arguments. Every "
    "result says what may happen next: guidance.advice in a sentence, guidance.steps in "
    "order (each ready now, with the ids it is for), what each open concern still needs, "
    "and why a command is blocked. The server stamps the time and the command ids.")


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"$schema": DIALECT, "type": "object", "properties": properties,
            "required": required, "additionalProperties": False}


def _tool_list(denied: frozenset[str]) -> list[dict[str, Any]]:
    listed = [
        {"name": OPEN, "description": "Open a new complaint under complaint_id, received now "
                                      "(the server stamps the time); it starts in verifying, "
                                      "and the result's guidance says what to do first. An id "
                                      "already stored is refused (complaint_exists): read it "
                                      "with get_complaint.",
         "inputSchema": _object({"complaint_id": _COMPLAINT_ID}, ["complaint_id"])},
        {"name": GET, "description": "The complaint as it stands: stage, revision, outcome, the "
                                     "commands allowed now (ready, or blocked and why), each "
                                     "open concern with what it still needs, the open action "
                                     "items, the conduct owed, the authority left, the clocks, "
                                     "and the guidance of what to do next.",
         "inputSchema": _object({"complaint_id": _COMPLAINT_ID}, ["complaint_id"])},
    ]
    for name, schema in schemas(False).items():
        if name in denied:
            continue
        properties = {"complaint_id": _COMPLAINT_ID, **schema["properties"]}
        listed.append({"name": name, "description": describe(name),
                       "inputSchema": _object(properties, ["complaint_id",
                                                           *schema["required"]])})
    return listed


def _new_id() -> str:
    return f"mcp-{uuid.uuid4().hex}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


class McpTools:
    """The tools of the MCP server on ``store``, without the MCP SDK.

    :meth:`tools` is the static tool list: ``open_complaint``, ``get_complaint`` and one
    tool per command (but those ``limits`` deny), named after it, taking ``complaint_id``
    plus the command's arguments. :meth:`call` answers a call with the structured result
    and whether it is an error: a bad input or a broken rule is a result (with its
    reasons and the guidance), never an exception. The server stamps the time (``clock``,
    by default the system's, in UTC) and each command's id (``ids``, by default a fresh
    ``mcp-<uuid>``): an agent never chooses either. New complaints are opened under
    ``policy``.

    ``limits`` are the host's: by default an agent's own escalation may not set an
    authority limit above the one in force (``AgentLimits(authority_ceiling={})``); give a
    ceiling per currency to let it.
    """

    def __init__(self, store: ComplaintStore, *, policy: Policy | None = None,
                 limits: AgentLimits | None = None,
                 clock: Callable[[], datetime] | None = None,
                 ids: Callable[[], str] | None = None) -> None:
        self.store = store
        self.policy = policy
        self.limits = limits if limits is not None else AgentLimits(authority_ceiling={})
        self.clock = clock or _now
        self.ids = ids or _new_id
        self._tools = _tool_list(self.limits.deny)
        self._names = frozenset(tool["name"] for tool in self._tools)

    def tools(self) -> list[dict[str, Any]]:
        """The tool list, as MCP ``Tool`` objects (``name``, ``description``,
        ``inputSchema``); the same whatever was called before."""
        return self._tools

    def call(self, name: str, arguments: Mapping[str, Any] | None,
             ) -> tuple[dict[str, JsonValue], bool] | None:
        """The structured result of calling the tool ``name`` and whether it is an error
        (``isError``); ``None`` for a tool the list does not have."""
        if name not in self._names:
            return None
        arguments = {} if arguments is None else arguments
        if not isinstance(arguments, Mapping):
            return self._refused(name, [INVALID_PAYLOAD.reason(
                "A tool call's arguments are a JSON object.")])
        rest = dict(arguments)
        complaint_id = rest.pop("complaint_id", None)
        problem = _complaint_id_problem(complaint_id)
        if name in (OPEN, GET):
            extra = [UNEXPECTED_ARGUMENT.reason(f"{key} is not an argument of {name}.", key)
                     for key in sorted(map(str, rest))]
            if problem or extra:
                return self._refused(name, [*problem, *extra])
            assert isinstance(complaint_id, str)
            return self._open(complaint_id) if name == OPEN else self._get(complaint_id)
        if problem:
            return self._refused(name, problem)
        assert isinstance(complaint_id, str)
        result = handle_tool_call(self.store, complaint_id, name, rest, at=self.clock(),
                                  call_id=self.ids(), limits=self.limits)
        at = None if isinstance(result, Applied) else self.clock()
        answer = reply(result, at=at, limits=self.limits)
        return answer, not isinstance(result, Applied)

    def _refused(self, name: str, reasons: list[Reason]) -> tuple[dict[str, JsonValue], bool]:
        command = name if name in COMMAND_TYPES or name in (OPEN, GET) else "?"
        return reply(Rejection(command=command, stage=None, reasons=tuple(reasons),
                               allowed=())), True

    def _open(self, complaint_id: str) -> tuple[dict[str, JsonValue], bool]:
        opened = open_complaint(complaint_id, at=self.clock(), policy=self.policy)
        try:
            self.store.add(opened.complaint, opened.events)
        except ComplaintExists:
            existing = self.store.get(complaint_id)
            rejection = Rejection(command=OPEN, stage=existing.stage, allowed=(), reasons=(
                COMPLAINT_EXISTS.reason(f"Complaint {shown(complaint_id)} is already stored; "
                                        "read it with get_complaint.", "complaint_id"),),
                complaint=existing)
            return reply(rejection, at=self.clock(), limits=self.limits), True
        return reply(opened, limits=self.limits), False

    def _get(self, complaint_id: str) -> tuple[dict[str, JsonValue], bool]:
        try:
            complaint = self.store.get(complaint_id)
        except ComplaintNotFound:
            return reply(unknown_complaint(complaint_id, GET)), True
        now = max(self.clock(), complaint.updated_at)
        return {"ok": True, "complaint_id": complaint.complaint_id,
                "revision": complaint.revision,
                "outcome": complaint.outcome._value_ if complaint.outcome else None,
                **next_steps(complaint, at=now, limits=self.limits)}, False


def _complaint_id_problem(value: object) -> list[Reason]:
    if value is None:
        return [MISSING_ARGUMENT.reason("complaint_id is required.", "complaint_id")]
    try:
        check_text(value, "complaint_id")
    except InvalidValueError as error:
        return [INVALID_ARGUMENT.reason(f"{error.message}.", "complaint_id")]
    assert isinstance(value, str)
    if len(value) > MAX_TEXT_LENGTH:
        return [INVALID_ARGUMENT.reason(f"complaint_id is longer than {MAX_TEXT_LENGTH:,} "
                                        "characters.", "complaint_id")]
    return []


# --- the MCP SDK (complaintflow[mcp]) -------------------------------------------------------


def mcp_server(store: ComplaintStore, *, policy: Policy | None = None,
               limits: AgentLimits | None = None, clock: Callable[[], datetime] | None = None,
               name: str = "complaintflow") -> Server[Any]:
    """An MCP server (the official SDK's low-level ``Server``) for the complaints in
    ``store``: :class:`McpTools` over MCP. Each result carries ``structuredContent`` (the
    reply) and the same JSON as text; ``isError`` is set for a bad input or a broken rule.
    An unknown tool is a protocol error, as MCP says; so is a failing store. Needs the
    extra ``complaintflow[mcp]``."""
    import mcp.types as types
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    tools = McpTools(store, policy=policy, limits=limits, clock=clock)
    listed = types.ListToolsResult(tools=[
        types.Tool(name=tool["name"], description=tool["description"],
                   input_schema=tool["inputSchema"]) for tool in tools.tools()])

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None,
                         ) -> types.ListToolsResult:
        return listed

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            found = tools.call(params.name, params.arguments)
        except ComplaintflowError as error:  # the store failed: not the agent's doing
            print(f"complaintflow mcp: {type(error).__name__}: {error}", file=sys.stderr)
            raise MCPError(code=types.INTERNAL_ERROR,
                           message=f"The complaint store failed ({type(error).__name__}); "
                                   "try again later.") from None
        if found is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        result, is_error = found
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(result))],
            structured_content=result, is_error=is_error)

    return Server(name, version=_version(), instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("complaintflow")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return ""


def serve_stdio(store: ComplaintStore, *, policy: Policy | None = None,
                limits: AgentLimits | None = None) -> None:
    """Serve :func:`mcp_server` over stdio until the client closes it. Nothing else may
    write to stdout meanwhile: it is the protocol's channel."""
    import anyio
    from mcp.server.stdio import stdio_server

    server = mcp_server(store, policy=policy, limits=limits)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)
