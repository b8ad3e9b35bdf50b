"""Tools for LLM agents: JSON Schemas, tool definitions, guidance, and an MCP server.

:func:`command_schema` is the JSON Schema of a command's arguments (``strict=True``: under
OpenAI's strict rules); :func:`tools` gives every command, or those a complaint allows now,
as tool definitions in the shape of OpenAI, Anthropic or MCP.
"""

from .._publish import publish as _publish
from ._schema import Schema, command_schema, command_schemas

__all__ = [
    "Schema",
    "command_schema",
    "command_schemas",
]

_publish(__name__, globals(), __all__)
