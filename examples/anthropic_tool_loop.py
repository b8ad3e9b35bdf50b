"""An Anthropic Messages tool loop on complaintflow's tools, with no network.

The real ``anthropic`` client runs the loop; its HTTP layer is an ``httpx2.MockTransport``
whose scripted model answers as the API would (``_strict_response_validation=True`` makes
the SDK check every answer against its own response types). Each turn offers the tools
the complaint allows now; every tool result goes back with ``is_error`` set for a refused
command, and the reply says why and what to do instead.

Run it: ``python examples/anthropic_tool_loop.py`` (needs the test extra: anthropic, httpx2)
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import anthropic
import httpx2
from anthropic.types import MessageParam, ToolResultBlockParam

from complaintflow import open_complaint
from complaintflow.agents import handle_tool_call, next_steps, reply, tools
from complaintflow.stores.memory import MemoryStore

MODEL = "scripted-model"


def tool_use(*uses: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A message in which the model uses tools (arguments as a JSON object)."""
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": MODEL,
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
            "content": [{"type": "tool_use", "id": f"toolu_{name}_{index}", "name": name,
                         "input": arguments} for index, (name, arguments) in enumerate(uses)]}


def text(words: str) -> dict[str, Any]:
    return {"id": "msg_2", "type": "message", "role": "assistant", "model": MODEL,
            "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
            "content": [{"type": "text", "text": words}]}


class ScriptedModel:
    """The API, as an httpx2 transport handler: the next scripted message per request."""

    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        message = self.script.pop(0)
        offered = {tool["name"] for tool in body.get("tools", [])}
        assert all(block["name"] in offered for block in message["content"]
                   if block["type"] == "tool_use")
        return httpx2.Response(200, json=message)


# The venting customer of the sources: let them vent, apologize, and do not promise what
# is above your authority. The model tries a 120 GBP credit over its 50 GBP limit first.
SCRIPT = [
    tool_use(("verify_customer", {"name": "Tom Baker", "callback": "tom@example.com"})),
    tool_use(("let_vent", {"note": "Third missed delivery."}),
             ("hear_concern", {"text": "You missed my delivery again."}),
             ("express_empathy", {}), ("apologize", {})),
    tool_use(("restate_concern", {"concern_id": "K1",
                                  "restatement": "The courier missed your slot again."})),
    tool_use(("confirm_concern", {"concern_id": "K1"}), ("no_more_concerns", {})),
    tool_use(("assess_impact", {"concern_id": "K1", "description": "Lost a day's pay.",
                                "severity": "high"})),
    tool_use(("confirm_impact", {"concern_id": "K1"}), ("begin_response", {})),
    tool_use(("offer_compensation", {"concern_id": "K1", "kind": "goodwill_credit",
                                     "amount": "120", "currency": "GBP",
                                     "description": "For the lost day."})),
    text("I can't offer that much myself: let me bring in my supervisor."),
]


def main() -> None:
    store = MemoryStore()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    opened = open_complaint("CMP-7", at=now)
    store.add(opened.complaint, opened.events)

    model = ScriptedModel(list(SCRIPT))
    client = anthropic.Anthropic(
        api_key="test", max_retries=0, _strict_response_validation=True,
        http_client=httpx2.Client(transport=httpx2.MockTransport(model)))
    messages: list[MessageParam] = [{"role": "user", "content": "You missed it AGAIN."}]
    while True:
        message = client.messages.create(
            model=MODEL, max_tokens=1024, messages=messages,
            system="You handle a customer's complaint. Use the tools; each result says "
                   "what to do next.",
            tools=tools("anthropic", complaint=store.get("CMP-7")))
        uses = [block for block in message.content if block.type == "tool_use"]
        if not uses:
            print("model:", "".join(b.text for b in message.content if b.type == "text"))
            break
        messages.append({"role": "assistant", "content": message.content})
        results: list[ToolResultBlockParam] = []
        for use in uses:
            now += timedelta(seconds=20)
            answer = reply(handle_tool_call(store, "CMP-7", use.name, use.input, at=now,
                                            call_id=use.id))
            results.append({"type": "tool_result", "tool_use_id": use.id,
                            "content": json.dumps(answer), "is_error": not answer["ok"]})
            if answer["ok"]:
                print(f"{use.name}: ok, {answer['stage']}")
            else:
                reasons = answer["reasons"]
                assert isinstance(reasons, list)
                first = reasons[0]
                assert isinstance(first, dict)
                print(f"{use.name}: refused [{first['code']}] {first['message']}")
        messages.append({"role": "user", "content": results})
    print("authority:", next_steps(store.get("CMP-7"))["authority"])


if __name__ == "__main__":
    main()
