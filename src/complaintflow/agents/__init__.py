"""Tools for LLM agents: JSON Schemas, tool definitions, guidance, and an MCP server.

* :func:`command_schema`: the JSON Schema of a command's arguments (``strict=True``: under
  OpenAI's strict rules);
* :func:`tools`: every command, or those a complaint allows now, as tool definitions in the
  shape of OpenAI (Chat Completions or Responses), Anthropic or MCP;
* :func:`handle_json` and :func:`handle_tool_call`: an agent's command applied to a stored
  complaint, never raising for a bad payload;
* :func:`reply`: the JSON-safe answer an agent reads, with :func:`next_steps`, the guidance
  of what to do next;
* :class:`AgentLimits`: what a host denies an agent;
* the MCP server, ``complaintflow mcp --db PATH`` (the extra ``complaintflow[mcp]``).
"""

from .._publish import publish as _publish
from ._guidance import next_steps
from ._handle import handle_json, handle_tool_call
from ._limits import AgentLimits
from ._mcp import McpTools, mcp_server, serve_stdio
from ._reply import reply
from ._schema import Schema, command_schema, command_schemas
from ._tools import FLAVORS, Flavor, tools

__all__ = [
    "FLAVORS",
    "AgentLimits",
    "Flavor",
    "McpTools",
    "Schema",
    "command_schema",
    "command_schemas",
    "handle_json",
    "handle_tool_call",
    "mcp_server",
    "next_steps",
    "reply",
    "serve_stdio",
    "tools",
]

_publish(__name__, globals(), __all__)
