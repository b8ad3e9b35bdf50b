"""A chat bot (or an LLM agent's tool calls) driving a complaint through JSON commands.

The bot sends ``{"command": name, ...arguments}``; ``apply_json`` never raises for bad
input, so every answer is either the next complaint or a rejection the bot can read back
to its model, together with the commands it may use now.

Run it: ``python examples/chat_bot.py``
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from complaintflow import Complaint, Rejection, apply_json, open_complaint, to_json

# What an LLM agent might emit, mistakes included.
TOOL_CALLS: list[dict[str, object]] = [
    {"command": "verify_customer", "name": "Lee Chan", "callback": "+1 415 555 0134"},
    {"command": "hear_concern", "text": "I was charged twice for March."},
    {"command": "confirm_concern", "concern_id": "K1"},
    {"command": "restate_concern", "concern_id": "K1",
     "restatement": "You see two charges for the March subscription."},
    {"command": "confirm_concern", "concern_id": "K1"},
    {"command": "no_more_concerns", "reason": "customer said that's all"},
    {"command": "no_more_concerns"},
    {"command": "assess_impact", "concern_id": "K1", "description": "Rent is due.",
     "severity": "urgent"},
    {"command": "assess_impact", "concern_id": "K1", "description": "Rent is due.",
     "severity": "high"},
]


def tool_reply(result: object) -> dict[str, object]:
    """What the bot hands back to its model after each call."""
    if isinstance(result, Rejection):
        return {"ok": False, **to_json(result)}
    return {"ok": True}


def main() -> Complaint:
    now = datetime(2026, 4, 1, 10, 0, tzinfo=timezone.utc)
    complaint = open_complaint("CHAT-9", at=now).complaint
    for call in TOOL_CALLS:
        now += timedelta(seconds=30)
        result = apply_json(complaint, call, at=now.isoformat())
        if isinstance(result, Rejection):
            codes = ", ".join(result.codes)
            print(f"{call['command']:<16} rejected: {codes}")
        else:
            complaint = result.complaint
            print(f"{call['command']:<16} ok, stage {complaint.stage}")
        json.dumps(tool_reply(result))  # always JSON-safe
    print("the bot may now use:", ", ".join(complaint.allowed_commands()))
    return complaint


if __name__ == "__main__":
    main()
