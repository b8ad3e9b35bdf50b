"""Tools for LLM agents: JSON Schemas, tool definitions, guidance, and an MCP server.

:func:`command_schema` is the JSON Schema of a command's arguments (``strict=True``: under
OpenAI's strict rules); :func:`tools` gives every command, or those a complaint allows now,
as tool definitions in the shape of OpenAI, Anthropic or MCP; :class:`AgentLimits` says
what a host denies an agent.
"""

from .._publish import publish as _publish
from ._limits import AgentLimits
from ._schema import Schema, command_schema, command_schemas
from ._tools import FLAVORS, Flavor, tools

__all__ = [
    "FLAVORS",
    "AgentLimits",
    "Flavor",
    "Schema",
    "command_schema",
    "command_schemas",
    "tools",
]

_publish(__name__, globals(), __all__)
