"""An OpenAI Chat Completions tool loop on complaintflow's tools, with no network.

The real ``openai`` client runs the loop; its HTTP layer is an ``httpx2.MockTransport``
whose scripted model answers as the API would (``_strict_response_validation=True`` makes
the SDK check every answer against its own response types). Each turn the host gives the
model the tools the complaint allows now (``tools("openai", complaint=...)``, strict
schemas), applies each tool call to the stored complaint (``handle_tool_call``, which
stamps the call's id as the command id) at the host's own time, and answers with
``reply(...)``: what happened, and what to do next.

Run it: ``python examples/openai_tool_loop.py`` (needs the test extra: openai, httpx2)
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam

from complaintflow import open_complaint
from complaintflow.agents import handle_tool_call, reply, tools
from complaintflow.stores.memory import MemoryStore

MODEL = "scripted-model"


def tool_calls(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A chat completion in which the model calls tools (arguments as JSON text)."""
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1772442000,
            "model": MODEL, "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                      "total_tokens": 2},
            "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": None,
                         "message": {"role": "assistant", "content": None, "refusal": None,
                                     "annotations": [], "tool_calls": [
                                         {"id": f"call_{name}_{index}", "type": "function",
                                          "function": {"name": name,
                                                       "arguments": json.dumps(arguments)}}
                                         for index, (name, arguments) in enumerate(calls)]}}]}


def answer(text: str) -> dict[str, Any]:
    """A chat completion in which the model answers the customer."""
    return {"id": "chatcmpl-2", "object": "chat.completion", "created": 1772442001,
            "model": MODEL, "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                      "total_tokens": 2},
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": text, "refusal": None,
                                     "annotations": []}}]}


class ScriptedModel:
    """The API, as an httpx2 transport handler: each request gets the next scripted
    completion, and every tool it calls must be among the tools the request offered."""

    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        completion = self.script.pop(0)
        offered = {tool["function"]["name"] for tool in body.get("tools", [])}
        for call in completion["choices"][0]["message"].get("tool_calls") or []:
            assert call["function"]["name"] in offered, call["function"]["name"]
        return httpx2.Response(200, json=completion)


# What the model does in this chat: strict tools send every argument, null for those not
# given. Its second call confirms before restating, which the workflow refuses.
SCRIPT = [
    tool_calls(("verify_customer", {"name": "Priya Shah", "callback": "+44 20 7946 0321",
                                    "customer_id": "ACME-4471", "entitled": None,
                                    "service": "Payroll Plus"})),
    tool_calls(("hear_concern", {"text": "Payroll won't run, and staff are paid Friday."})),
    tool_calls(("confirm_concern", {"concern_id": "K1"})),
    tool_calls(("express_empathy", {"note": None}),
               ("restate_concern", {"concern_id": "K1",
                                    "restatement": "Payroll stops before paying anyone."})),
    answer("So payroll stops before paying anyone: have I got that right?"),
]


def main() -> None:
    store = MemoryStore()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    opened = open_complaint("CMP-42", at=now)
    store.add(opened.complaint, opened.events)

    model = ScriptedModel(list(SCRIPT))
    client = openai.OpenAI(api_key="test", max_retries=0, _strict_response_validation=True,
                           http_client=httpx2.Client(transport=httpx2.MockTransport(model)))
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "You handle a customer's complaint. Use the tools; "
                                      "each result says what to do next."},
        {"role": "user", "content": "Our payroll won't run!"}]
    while True:
        offered = tools("openai", complaint=store.get("CMP-42"))
        completion = client.chat.completions.create(model=MODEL, messages=messages,
                                                    tools=offered)
        message = completion.choices[0].message
        calls = [call for call in message.tool_calls or [] if call.type == "function"]
        if not calls:
            print("model:", message.content)
            break
        messages.append({"role": "assistant", "content": message.content, "tool_calls": [
            {"id": call.id, "type": "function",
             "function": {"name": call.function.name, "arguments": call.function.arguments}}
            for call in calls]})
        for call in calls:
            now += timedelta(seconds=20)  # the host's clock, never the model's
            result = reply(handle_tool_call(store, "CMP-42", call.function.name,
                                            call.function.arguments, at=now,
                                            call_id=call.id))
            messages.append({"role": "tool", "tool_call_id": call.id,
                             "content": json.dumps(result)})
            if result["ok"]:
                guidance = result["guidance"]
                assert isinstance(guidance, dict)
                print(f"{call.function.name}: ok, {result['stage']}; next: "
                      f"{guidance['advice']}")
            else:
                reasons = result["reasons"]
                assert isinstance(reasons, list)
                codes = ", ".join(str(r["code"]) for r in reasons if isinstance(r, dict))
                print(f"{call.function.name}: refused ({codes})")
    print(f"{len(model.requests)} requests; tools offered in the last: "
          f"{len(model.requests[-1]['tools'])}")


if __name__ == "__main__":
    main()
