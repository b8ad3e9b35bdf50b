"""An MCP client session with ``complaintflow mcp`` over stdio, with the official SDK.

What an MCP host (Claude Desktop, an IDE, your own agent) does: start the server as a
subprocess, list its tools (the same list whatever happens), and call them. Each result
carries ``structuredContent`` (and the same JSON as text); a refused command is a result
with ``isError`` set and its reasons.

Run it: ``python examples/mcp_client.py`` (needs the extra complaintflow[mcp])
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult

import complaintflow


def server(db: Path) -> StdioServerParameters:
    # run this very complaintflow, installed or not: a host would name its own command
    source = str(Path(complaintflow.__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [source, os.environ.get("PYTHONPATH")]))}
    return StdioServerParameters(
        command=sys.executable, env=environment,
        args=["-m", "complaintflow", "mcp", "--db", str(db), "--max-authority", "GBP=250"])


def show(name: str, result: CallToolResult) -> Any:
    data = result.structured_content
    assert isinstance(data, dict)
    if result.is_error:
        print(f"{name}: isError, {[r['code'] for r in data['reasons']]}")
    else:
        guidance = data.get("guidance", data)
        print(f"{name}: {data['stage']}; next: {guidance['advice']}")
    return data


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder, \
            (Path(folder) / "server.log").open("w") as log:  # the server's stderr
        db = Path(folder) / "complaints.db"
        async with stdio_client(server(db), errlog=log) as streams, \
                ClientSession(*streams) as session:
            await session.initialize()
            listed = (await session.list_tools()).tools
            print(f"{len(listed)} tools:", ", ".join(tool.name for tool in listed[:4]), "...")
            show("open_complaint", await session.call_tool(
                "open_complaint", {"complaint_id": "CMP-42"}))
            calls: list[tuple[str, dict[str, Any]]] = [
                ("verify_customer", {"name": "Priya Shah", "callback": "+44 20 7946 0321"}),
                ("hear_concern", {"text": "Payroll won't run."}),
                ("confirm_concern", {"concern_id": "K1"}),  # not restated yet: refused
                ("restate_concern", {"concern_id": "K1",
                                     "restatement": "Payroll stops before paying anyone."}),
            ]
            for name, arguments in calls:
                show(name, await session.call_tool(name, {"complaint_id": "CMP-42",
                                                          **arguments}))
            state = show("get_complaint", await session.call_tool(
                "get_complaint", {"complaint_id": "CMP-42"}))
            print("K1 still needs:", state["open_concerns"][0]["needs"])
            print("tools unchanged:", [t.name for t in (await session.list_tools()).tools]
                  == [t.name for t in listed])
            print(json.dumps(next(s for s in state["steps"] if s["when"] is None)))


if __name__ == "__main__":
    anyio.run(main)
