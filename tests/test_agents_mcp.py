"""The MCP server: its tools in-process (``McpTools``), and ``complaintflow mcp`` driven by
the official SDK's own client over stdio through the payroll scenario."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import anyio
import mcp.types
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from complaintflow import COMMAND_TYPES
from complaintflow.agents import AgentLimits, McpTools, command_schema
from complaintflow.audit import Verdict, audit
from complaintflow.stores.memory import MemoryStore
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import ManualClock

from .conftest import Postgres

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)



def tools(**options: Any) -> McpTools:
    return McpTools(MemoryStore(), clock=ManualClock(T0).tick, **options)


def call(server: McpTools, tool: str, /, **arguments: Any) -> tuple[Any, bool]:
    found = server.call(tool, arguments)
    assert found is not None
    result, is_error = found
    return json.loads(json.dumps(result)), is_error


# --- in-process ---------------------------------------------------------------------------


def test_the_tool_list_is_static_and_valid_mcp() -> None:
    server = tools()
    listed = server.tools()
    names = [tool["name"] for tool in listed]
    assert names == ["open_complaint", "get_complaint", *COMMAND_TYPES]
    for tool in listed:
        parsed = mcp.types.Tool.model_validate(tool)
        schema = parsed.input_schema
        assert schema["required"][0] == "complaint_id"
        assert schema["additionalProperties"] is False
        if tool["name"] in COMMAND_TYPES:
            natural = command_schema(tool["name"])
            assert schema["properties"] == {"complaint_id": schema["properties"]["complaint_id"],
                                            **natural["properties"]}
    call(server, "open_complaint", complaint_id="C-1")
    assert server.tools() == listed


def test_open_get_and_a_command() -> None:
    server = tools()
    opened, is_error = call(server, "open_complaint", complaint_id="C-1")
    assert not is_error
    assert (opened["stage"], opened["revision"]) == ("verifying", 1)
    assert opened["guidance"]["steps"][1]["command"] == "verify_customer"
    again, is_error = call(server, "open_complaint", complaint_id="C-1")
    assert is_error
    assert [r["code"] for r in again["reasons"]] == ["complaint_exists"]
    got, is_error = call(server, "get_complaint", complaint_id="C-1")
    assert not is_error
    for key in ("stage", "revision", "allowed", "open_concerns", "open_actions", "advice",
                "steps", "ready", "blocked"):
        assert key in got, key
    verified, is_error = call(server, "verify_customer", complaint_id="C-1",
                              name="Priya Shah", callback="+44 20 7946 0321")
    assert not is_error
    assert verified["stage"] == "listening"
    assert "Priya" not in json.dumps(verified)


@pytest.mark.parametrize(("name", "arguments", "codes"), [
    ("get_complaint", {}, ["missing_argument"]),
    ("get_complaint", {"complaint_id": " "}, ["invalid_argument"]),
    ("get_complaint", {"complaint_id": 7}, ["invalid_argument"]),
    ("get_complaint", {"complaint_id": "C-1", "x": 1}, ["unexpected_argument"]),
    ("get_complaint", {"complaint_id": "C-9"}, ["unknown_complaint"]),
    ("hear_concern", {"complaint_id": "C-1"}, ["missing_argument"]),
    ("hear_concern", {"complaint_id": "C-1", "text": "x", "command_id": "mine"},
     ["unexpected_argument"]),
    ("hear_concern", {"complaint_id": "C-1", "text": "x", "command": "withdraw"},
     ["unexpected_argument"]),
    ("hear_concern", {"complaint_id": "C-1", "text": "x"}, ["command_not_allowed_in_stage"]),
    ("hear_concern", {"text": "x"}, ["missing_argument"]),
])
def test_bad_input_and_broken_rules_are_error_results(name: str, arguments: dict[str, Any],
                                                      codes: list[str]) -> None:
    server = tools()
    call(server, "open_complaint", complaint_id="C-1")
    result, is_error = call(server, name, **arguments)
    assert is_error
    assert [reason["code"] for reason in result["reasons"]] == codes


def test_an_unknown_or_denied_tool_is_not_a_tool() -> None:
    server = tools(limits=AgentLimits(deny={"escalate"}))
    assert server.call("nope", {}) is None
    assert server.call("escalate", {"complaint_id": "C-1", "to": "x", "reason": "y"}) is None
    assert "escalate" not in [tool["name"] for tool in server.tools()]


def test_the_server_stamps_time_and_command_ids() -> None:
    store = MemoryStore()
    ids = iter(["mcp-a", "mcp-b"])
    server = McpTools(store, clock=ManualClock(T0).tick, ids=lambda: next(ids))
    call(server, "open_complaint", complaint_id="C-1")
    call(server, "verify_customer", complaint_id="C-1", name="A", callback="B")
    call(server, "hear_concern", complaint_id="C-1", text="x")
    events = store.events("C-1")
    assert [e.command_id for e in events if e.command_id] == ["mcp-a", "mcp-b"]
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_by_default_an_agent_may_not_raise_its_own_authority() -> None:
    server = tools()
    call(server, "open_complaint", complaint_id="C-1")
    result, is_error = call(server, "escalate", complaint_id="C-1", to="supervisor",
                            reason="More than 50.", authority_limit="120")
    assert is_error
    assert [r["code"] for r in result["reasons"]] == ["authority_above_ceiling"]
    capped = tools(limits=AgentLimits(authority_ceiling={"GBP": 250}))
    call(capped, "open_complaint", complaint_id="C-1")
    result, is_error = call(capped, "escalate", complaint_id="C-1", to="supervisor",
                            reason="More than 50.", authority_limit="120")
    assert not is_error


# --- over stdio, with the SDK's own client --------------------------------------------------


def server_parameters(*options: str) -> StdioServerParameters:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), environment.get("PYTHONPATH")]))
    return StdioServerParameters(command=sys.executable,
                                 args=["-m", "complaintflow", "mcp", *options],
                                 env=environment)


@asynccontextmanager
async def connected(db: Path, *options: str,
                    postgres: str | None = None) -> AsyncIterator[ClientSession]:
    """A session with a server on the SQLite file ``db`` (its stderr kept beside it), or
    on the PostgreSQL database ``postgres``."""
    source = ["--db", str(db)] if postgres is None else ["--postgres", postgres]
    with (db.parent / "server-stderr.txt").open("a") as errlog:
        async with stdio_client(server_parameters(*source, *options),
                                errlog=errlog) as streams, \
                ClientSession(*streams) as session:
            await session.initialize()
            yield session


def structured(result: mcp.types.CallToolResult) -> Any:
    """The result's structuredContent, checked against its text block."""
    (block,) = result.content
    assert isinstance(block, mcp.types.TextContent)
    assert json.loads(block.text) == result.structured_content
    return result.structured_content


PAYROLL: list[tuple[str, dict[str, Any]]] = [
    ("verify_customer", {"name": "Priya Shah", "callback": "+44 20 7946 0321",
                         "customer_id": "ACME-4471", "service": "Payroll Plus"}),
    ("hear_concern", {"text": "Invoices show our old VAT number."}),
    ("express_empathy", {}),
    ("apologize", {}),
    ("restate_concern", {"concern_id": "K1", "restatement": "Invoices print an old VAT number."}),
    ("confirm_concern", {"concern_id": "K1"}),
    ("hear_concern", {"text": "Payroll won't run."}),
    ("restate_concern", {"concern_id": "K2", "restatement": "Your payroll app is slow."}),
    ("reject_restatement", {"concern_id": "K2", "correction": "It does not run at all."}),
    ("restate_concern", {"concern_id": "K2", "restatement": "Payroll stops before paying."}),
    ("confirm_concern", {"concern_id": "K2"}),
    ("no_more_concerns", {}),
    ("prioritize", {"order": ["K2", "K1"]}),
    ("assess_impact", {"concern_id": "K2", "description": "Cannot pay my staff on Friday.",
                       "severity": "critical"}),
    ("confirm_impact", {"concern_id": "K2"}),
    ("assess_impact", {"concern_id": "K1", "description": "Customers query invoices.",
                       "severity": "medium"}),
    ("confirm_impact", {"concern_id": "K1"}),
    ("begin_response", {}),
    ("give_relief", {"concern_id": "K2", "description": "Manual payroll run today."}),
    ("plan_action", {"description": "Correct the VAT number.", "owner": "agent",
                     "due": "{in 2 days}", "concern_ids": ["K1"]}),
    ("schedule_follow_up", {"at": "{in 1 day}"}),
    ("confirm_next_steps", {}),
    ("start_contact", {"channel": "phone"}),
    ("review_open_items", {}),
    ("complete_action", {"action_id": "A1", "note": "VAT number corrected."}),
    ("resolve_concern", {"concern_id": "K2", "resolution": "Payroll fixed."}),
    ("resolve_concern", {"concern_id": "K1", "resolution": "Invoices reissued."}),
    ("end_contact", {}),
    ("begin_recap", {}),
    ("recap", {"summary": "Both fixed."}),
    ("seek_closure", {"customer_response": "satisfied"}),
    ("thank_customer", {}),
    ("close", {}),
]


def filled(arguments: dict[str, Any]) -> dict[str, Any]:
    """The scenario's arguments with its relative times made real (the server's clock is
    the system's)."""
    now = datetime.now(timezone.utc)
    times = {"{in 1 day}": now + timedelta(days=1), "{in 2 days}": now + timedelta(days=2)}
    return {key: times[value].isoformat() if isinstance(value, str) and value in times
            else value for key, value in arguments.items()}


def test_the_payroll_scenario_over_stdio_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"

    async def first_session() -> None:
        async with connected(db) as session:
            before = (await session.list_tools()).tools
            assert [t.name for t in before][:2] == ["open_complaint", "get_complaint"]
            opened = structured(await session.call_tool("open_complaint",
                                                        {"complaint_id": "CMP-42"}))
            assert opened["ok"] is True
            bad = await session.call_tool("hear_concern", {"complaint_id": "CMP-42",
                                                           "txt": "Payroll"})
            assert bad.is_error is True
            assert {r["code"] for r in structured(bad)["reasons"]} == {
                "missing_argument", "unexpected_argument"}
            broken = await session.call_tool("no_more_concerns", {"complaint_id": "CMP-42"})
            assert broken.is_error is True
            assert structured(broken)["reasons"][0]["code"] == "command_not_allowed_in_stage"
            for name, arguments in PAYROLL[:12]:
                result = await session.call_tool(name, {"complaint_id": "CMP-42",
                                                        **filled(arguments)})
                assert result.is_error is False, (name, structured(result))
            after = (await session.list_tools()).tools
            assert [t.model_dump() for t in after] == [t.model_dump() for t in before]
            with pytest.raises(MCPError):
                await session.call_tool("no_such_tool", {})

    async def second_session() -> Any:
        async with connected(db) as session:  # a new server process, the same file
            resumed = structured(await session.call_tool("get_complaint",
                                                         {"complaint_id": "CMP-42"}))
            assert (resumed["stage"], resumed["revision"]) == ("prioritizing", 13)
            assert resumed["advice"].startswith("Ask the customer which matters most")
            for name, arguments in PAYROLL[12:]:
                result = await session.call_tool(name, {"complaint_id": "CMP-42",
                                                        **filled(arguments)})
                assert result.is_error is False, (name, structured(result))
            return structured(await session.call_tool("get_complaint",
                                                      {"complaint_id": "CMP-42"}))

    anyio.run(first_session)
    final = anyio.run(second_session)
    assert (final["stage"], final["outcome"]) == ("closed", "resolved")
    with SQLiteStore(db) as store:
        scorecard = audit(store.events("CMP-42"))
    assert [item.rule_id for item in scorecard if item.failed] == []
    assert sum(item.result is Verdict.PASSED for item in scorecard) >= 10


def test_the_server_keeps_complaints_in_postgresql(tmp_path: Path, postgres: Postgres) -> None:
    database = postgres.new_database()
    conninfo = postgres.app(database)

    async def session() -> Any:
        async with connected(tmp_path / "unused.db", postgres=conninfo) as client:
            opened = structured(await client.call_tool("open_complaint",
                                                       {"complaint_id": "CMP-PG"}))
            assert opened["ok"] is True
            for name, arguments in PAYROLL[:3]:
                result = await client.call_tool(name, {"complaint_id": "CMP-PG", **arguments})
                assert result.is_error is False, (name, structured(result))
            return structured(await client.call_tool("get_complaint",
                                                     {"complaint_id": "CMP-PG"}))

    from complaintflow.stores.postgres import PostgresStore

    try:
        seen = anyio.run(session)
        with PostgresStore(conninfo) as store:
            stored = store.get("CMP-PG")
        assert (seen["stage"], seen["revision"]) == ("listening", stored.revision)
        assert [k.text for k in stored.concerns] == ["Invoices show our old VAT number."]
        assert not (tmp_path / "unused.db").exists()
    finally:
        postgres.drop_database(database)
