"""``handle_json`` and ``handle_tool_call`` on a store, and ``reply``: the agent's side of a
command, never raising for a bad payload, with retries, reused ids and the host's limits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    Applied,
    Complaint,
    InvalidValueError,
    Rejection,
    open_complaint,
)
from complaintflow.agents import AgentLimits, handle_json, handle_tool_call, reply
from complaintflow.events import Event
from complaintflow.stores import ConcurrencyConflict
from complaintflow.stores.memory import MemoryStore
from complaintflow.stores.sqlite import SQLiteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NAME, CALLBACK = "Priya Shah", "+44 20 7946 0321"
VERIFY = {"command": "verify_customer", "name": NAME, "callback": CALLBACK}


def loaded(value: object) -> Any:
    """``value`` through JSON and back: it must be JSON-safe, and tests read it freely."""
    return json.loads(json.dumps(value))


def stored(complaint_id: str = "C-1") -> MemoryStore:
    store = MemoryStore()
    opened = open_complaint(complaint_id, at=T0)
    store.add(opened.complaint, opened.events)
    return store


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_command_is_applied_and_saved() -> None:
    store = stored()
    result = handle_json(store, "C-1", VERIFY, at=at(1))
    assert isinstance(result, Applied)
    assert store.get("C-1") == result.complaint
    assert result.complaint.stage == "listening"
    answer = loaded(reply(result))
    assert answer["ok"] is True
    assert (answer["stage"], answer["revision"]) == ("listening", 2)
    assert [e["type"] for e in answer["events"]] == ["customer_verified", "stage_changed"]
    text = json.dumps(answer)
    assert NAME not in text  # personal data stays out, even what the agent sent
    assert CALLBACK not in text
    assert "command_fingerprint" not in text
    assert answer["guidance"]["stage"] == "listening"


def test_the_ids_the_library_assigned_are_in_the_reply() -> None:
    store = stored()
    handle_json(store, "C-1", VERIFY, at=at(1))
    answer = loaded(reply(handle_json(store, "C-1", {"command": "hear_concern",
                                                     "text": "It fails."}, at=at(2))))
    (event,) = answer["events"]
    assert event["concern_id"] == "K1"
    assert event["text"] == "It fails."


BAD_PAYLOADS: list[object] = [
    "{not json", b"\xff", "[]", 7, None, [], {}, {"command": 5}, {"command": "restate"},
    {"command": "hear_concern"}, {"command": "hear_concern", "text": ""},
    {"command": "hear_concern", "text": 5, "extra": 1}, {"command": "hear_concern",
                                                         "text": "x" * 20_000},
    {"command": "verify_customer", "name": None, "callback": CALLBACK},
]


@pytest.mark.parametrize("payload", BAD_PAYLOADS, ids=repr)
def test_a_bad_payload_is_a_rejection_never_an_exception(payload: object) -> None:
    store = stored()
    result = handle_json(store, "C-1", payload, at=at(1))
    assert isinstance(result, Rejection)
    assert {reason.kind for reason in result.reasons} == {"bad_input"}
    assert store.get("C-1").revision == 1  # nothing saved
    answer = reply(result)
    assert answer["ok"] is False
    json.dumps(answer)
    assert NAME not in json.dumps(answer)


@settings(max_examples=200, deadline=None)
@given(payload=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["command", "text", "concern_id", "name", "callback", "x"]) | st.text(),
        inner, max_size=4), max_leaves=8))
def test_handle_json_never_raises_for_any_json(payload: object) -> None:
    store = stored()
    result = handle_json(store, "C-1", payload, at=at(1))
    json.dumps(reply(result))


def test_an_unknown_complaint_is_a_not_found_rejection() -> None:
    store = stored()
    for payload in (VERIFY, {"command": "nope"}, "{"):
        result = handle_json(store, "C-404", payload, at=at(1))
        assert isinstance(result, Rejection)
        assert result.codes == ("unknown_complaint",)
        assert [reason.kind for reason in result.reasons] == ["not_found"]
        assert result.stage is None
        assert result.complaint is None
        answer = reply(result)
        assert answer["guidance"] is None
        assert answer["complaint_id"] is None


def test_a_retry_is_answered_from_its_receipt_with_the_events_it_recorded() -> None:
    store = stored()
    first = handle_json(store, "C-1", VERIFY, at=at(1), command_id="call-1")
    again = handle_json(store, "C-1", {**VERIFY, "customer_id": None, "service": None},
                        at=at(2), command_id="call-1")
    assert isinstance(first, Applied)
    assert isinstance(again, Applied)
    assert again.duplicate is not None
    assert again.events == first.events
    assert store.get("C-1").revision == 2
    assert reply(again)["duplicate"] == {"seq": 2, "revision": 2}


@pytest.mark.parametrize("changed", [
    {"command": "hear_concern", "text": "x"},
    {**VERIFY, "service": "Payroll"},
    {**VERIFY, "entitled": False},
])
def test_a_reused_id_for_another_command_is_refused(changed: dict[str, Any]) -> None:
    store = stored()
    handle_json(store, "C-1", VERIFY, at=at(1), command_id="call-1")
    result = handle_json(store, "C-1", changed, at=at(2), command_id="call-1")
    assert isinstance(result, Rejection)
    assert result.codes == ("command_id_reused",)


def test_the_host_sets_the_command_id_not_the_payload() -> None:
    store = stored()
    result = handle_json(store, "C-1", {**VERIFY, "command_id": "mine"}, at=at(1),
                         command_id="host")
    assert isinstance(result, Rejection)
    assert [(r.code, r.argument) for r in result.reasons] == [
        ("unexpected_argument", "command_id")]


class Busy(MemoryStore):
    """A store that another writer always beats to the save."""

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                  expected_revision + 1)


def test_running_out_of_retries_raises_as_stores_handle_does() -> None:
    store = Busy()
    opened = open_complaint("C-1", at=T0)
    store.add(opened.complaint, opened.events)
    with pytest.raises(ConcurrencyConflict):
        handle_json(store, "C-1", VERIFY, at=at(1), retries=2)


def test_a_clock_is_read_at_each_attempt() -> None:
    store = stored()
    times = iter([at(5), at(6)])
    result = handle_json(store, "C-1", VERIFY, at=lambda: next(times))
    assert isinstance(result, Applied)
    assert result.complaint.updated_at == at(5)


def test_a_rule_rejection_carries_the_guidance() -> None:
    store = stored()
    handle_json(store, "C-1", VERIFY, at=at(1))
    result = handle_json(store, "C-1", {"command": "no_more_concerns"}, at=at(2))
    assert isinstance(result, Rejection)
    answer = loaded(reply(result))
    assert answer["ok"] is False
    assert answer["reasons"] == [{"code": "no_open_concerns", "kind": "rule",
                                  "message": "Hear at least one concern first (hear_concern).",
                                  "argument": None}]
    assert answer["guidance"]["advice"] == ("Ask what is wrong and record each concern in the "
                                  "customer's own words (IBM step 2).")


def test_denied_commands_are_refused() -> None:
    store = stored()
    limits = AgentLimits(deny={"withdraw"})
    result = handle_json(store, "C-1", {"command": "withdraw", "reason": "x"}, at=at(1),
                         limits=limits)
    assert isinstance(result, Rejection)
    assert result.codes == ("command_denied",)
    assert [r.kind for r in result.reasons] == ["rule"]
    assert "withdraw" not in loaded(reply(result, limits=limits))["guidance"]["allowed"]


@pytest.mark.parametrize(("ceiling", "limit", "codes"), [
    (None, "500", ()),
    ({"GBP": 250}, "250", ()),
    ({"GBP": 250}, "250.01", ("authority_above_ceiling",)),
    ({}, "100", ("authority_above_ceiling",)),
    ({}, "40", ()),  # no more than the policy's 50 already in force
    ({"EUR": 900}, "100", ("authority_above_ceiling",)),
])
def test_an_agents_escalation_is_bounded_by_the_hosts_ceiling(
        ceiling: dict[str, int] | None, limit: str, codes: tuple[str, ...]) -> None:
    store = stored()
    limits = AgentLimits(authority_ceiling=ceiling)
    result = handle_json(store, "C-1", {"command": "escalate", "to": "supervisor",
                                        "reason": "More than I may offer.",
                                        "authority_limit": limit}, at=at(1), limits=limits)
    if codes:
        assert isinstance(result, Rejection)
        assert result.codes == codes
        assert result.reasons[0].argument == "authority_limit"
    else:
        assert isinstance(result, Applied)
    assert isinstance(handle_json(store, "C-1", {"command": "escalate", "to": "x",
                                                 "reason": "y"}, at=at(2), limits=limits),
                      Applied)  # without a limit, escalation is always fine


# --- tool calls -------------------------------------------------------------------------


def test_a_tool_call_with_openai_style_json_arguments() -> None:
    store = stored()
    args = json.dumps({"name": NAME, "callback": CALLBACK, "customer_id": None,
                       "entitled": None, "service": None})
    result = handle_tool_call(store, "C-1", "verify_customer", args, at=at(1),
                              call_id="call_abc")
    assert isinstance(result, Applied)
    assert result.events[0].command_id == "call_abc"
    again = handle_tool_call(store, "C-1", "verify_customer", args, at=at(2),
                             call_id="call_abc")
    assert isinstance(again, Applied)
    assert again.duplicate is not None


@pytest.mark.parametrize(("arguments", "codes"), [
    ("{", ("invalid_json",)),
    ("[1]", ("invalid_payload",)),
    ({"text": "x", "command": "withdraw"}, ("unexpected_argument",)),
    ({"text": "x", "command_id": "mine"}, ("unexpected_argument",)),
    ({"txt": "x"}, ("missing_argument", "unexpected_argument")),
])
def test_a_bad_tool_call_is_a_rejection(arguments: object, codes: tuple[str, ...]) -> None:
    store = stored()
    handle_json(store, "C-1", VERIFY, at=at(1))
    result = handle_tool_call(store, "C-1", "hear_concern", arguments, at=at(2))
    assert isinstance(result, Rejection)
    assert result.codes == codes
    assert result.command == "hear_concern"


def test_reply_needs_a_result() -> None:
    with pytest.raises(InvalidValueError):
        reply("ok")  # type: ignore[arg-type]  # on purpose


def test_it_works_on_the_sqlite_store_too(tmp_path: Any) -> None:
    with SQLiteStore(tmp_path / "c.db") as store:
        opened = open_complaint("C-1", at=T0)
        store.add(opened.complaint, opened.events)
        assert isinstance(handle_json(store, "C-1", VERIFY, at=at(1)), Applied)
        result = handle_json(store, "C-2", VERIFY, at=at(1))
        assert isinstance(result, Rejection)
        assert result.codes == ("unknown_complaint",)
