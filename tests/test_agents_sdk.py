"""The tools in the SDKs' own loops (the OpenAI Responses API here; Chat Completions and
Anthropic run in the examples), and the ``complaintflow mcp`` command line's options."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import httpx2
import openai
import pytest
from openai.types.responses import ResponseInputItemParam

from complaintflow import open_complaint
from complaintflow.__main__ import main
from complaintflow.agents import handle_tool_call, reply, tools
from complaintflow.stores.memory import MemoryStore

MODEL = "scripted-model"


def response(output: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "resp_1", "object": "response", "created_at": 1772442000,
            "status": "completed", "model": MODEL, "output": output,
            "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "error": None,
            "incomplete_details": None, "instructions": None, "metadata": {},
            "temperature": 1.0, "top_p": 1.0,
            "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2,
                      "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                      "output_tokens_details": {"reasoning_tokens": 0}}}


def function_call(name: str, arguments: dict[str, Any], call_id: str) -> dict[str, Any]:
    return {"type": "function_call", "id": f"fc_{call_id}", "call_id": call_id, "name": name,
            "arguments": json.dumps(arguments), "status": "completed"}


def test_a_responses_api_loop_on_the_strict_tools() -> None:
    store = MemoryStore()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    opened = open_complaint("CMP-1", at=now)
    store.add(opened.complaint, opened.events)
    script = [
        response([function_call("verify_customer", {
            "name": "Priya Shah", "callback": "+44 20 7946 0321", "customer_id": None,
            "entitled": None, "service": None}, "call_1")]),
        response([function_call("hear_concern", {"text": "Payroll won't run."}, "call_2")]),
        response([{"type": "message", "id": "msg_1", "role": "assistant",
                   "status": "completed", "content": [
                       {"type": "output_text", "text": "Noted.", "annotations": []}]}]),
    ]
    requests: list[dict[str, Any]] = []

    def api(request: httpx2.Request) -> httpx2.Response:
        requests.append(json.loads(request.content))
        return httpx2.Response(200, json=script.pop(0))

    client = openai.OpenAI(api_key="test", max_retries=0, _strict_response_validation=True,
                           http_client=httpx2.Client(transport=httpx2.MockTransport(api)))
    items: list[ResponseInputItemParam] = [{"role": "user", "content": "Payroll is down!"}]
    while True:
        offered = tools("openai-responses", complaint=store.get("CMP-1"))
        result = client.responses.create(model=MODEL, input=items, tools=offered)
        calls = [item for item in result.output if item.type == "function_call"]
        if not calls:
            break
        for call in calls:
            items.append(cast(ResponseInputItemParam, call.model_dump(exclude_none=True)))
            now += timedelta(seconds=10)
            answer = reply(handle_tool_call(store, "CMP-1", call.name, call.arguments, at=now,
                                            call_id=call.call_id))
            assert answer["ok"] is True
            items.append({"type": "function_call_output", "call_id": call.call_id,
                          "output": json.dumps(answer)})
    assert result.output_text == "Noted."
    assert [t["name"] for t in requests[0]["tools"]][:2] == ["verify_customer", "refer"]
    assert "hear_concern" in [t["name"] for t in requests[1]["tools"]]
    assert all(t["strict"] is True for t in requests[1]["tools"])
    assert [e.command_id for e in store.events("CMP-1") if e.command_id] == ["call_1", "call_2"]


# --- complaintflow mcp --------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    (["--deny", "escalat"], "deny names no command"),
    (["--max-authority", "GBP"], "--max-authority takes CUR=AMOUNT"),
    (["--max-authority", "pounds=5"], "authority_ceiling"),
    (["--max-authority", "GBP=-5"], "authority_ceiling"),
])
def test_bad_options_exit_2_with_a_message(options: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mcp", "--db", ":memory:", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("complaintflow mcp: ")
    assert message in err


def test_without_the_mcp_package_it_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)  # as if not installed
    assert main(["mcp", "--db", ":memory:"]) == 2
    assert "pip install 'complaintflow[mcp]'" in capsys.readouterr().err


@pytest.mark.parametrize("where", [["--db", "{tmp}/missing/c.db"],
                                   ["--postgres", "host=/nonexistent dbname=none"]])
def test_a_store_that_cannot_be_opened_exits_2(tmp_path: Any, where: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    options = [option.replace("{tmp}", str(tmp_path)) for option in where]
    assert main(["mcp", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("complaintflow mcp: ")
    assert "Traceback" not in err


def test_the_db_option_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mcp"])
    assert exited.value.code == 2
    assert "one of the arguments --db --postgres is required" in capsys.readouterr().err
