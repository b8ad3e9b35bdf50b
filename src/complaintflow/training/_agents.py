"""The built-in agents: a reference agent that does everything the sources ask, and a
careless one that makes the mistakes a trainer looks for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from .._formats.json_value import JsonValue
from ._customers import Move, Turn
from ._scenarios import ConcernScript, Fix, Mood, Scenario


def _obj(value: JsonValue | None) -> Mapping[str, JsonValue]:
    return value if isinstance(value, dict) else {}


def _list(value: JsonValue | None) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _str(value: JsonValue | None) -> str:
    return value if isinstance(value, str) else ""


class ScriptedAgent:
    """An agent that knows the scenario's script: :func:`reference_agent` plays it as the
    sources ask, :func:`careless_agent` as a hurried agent does (no venting, apology or
    empathy; it does not ask for more concerns, records what it assumes the customer
    said, promises fixes it cannot keep in time, offers no more than its own authority,
    sends no regulated communications and records no prevention)."""

    def __init__(self, scenario: Scenario, *, careful: bool = True) -> None:
        self.scenario, self.careful = scenario, careful
        self.script = scenario.customer
        self.identity: dict[str, JsonValue] | None = None
        self.told: list[str] = []  # concerns the customer raised, not yet heard
        self.heard: dict[str, ConcernScript] = {}  # concern id -> script
        self.agreed: dict[str, bool | None] = {}
        self.correction: dict[str, str] = {}
        self.restated: set[str] = set()
        self.nothing_more = False
        self.order: list[str] | None = None
        self.impact: dict[str, Mapping[str, JsonValue]] = {}
        self.impact_agreed: dict[str, bool | None] = {}
        self.done: set[str] = set()  # one-off acts already made
        self.response: str | None = None
        self.at = datetime.fromisoformat("2026-03-02T09:00:00+00:00")

    # --- helpers

    def _once(self, key: str, move: Move) -> Move | None:
        if key in self.done:
            return None
        self.done.add(key)
        return move

    def _script_of(self, text: str) -> ConcernScript | None:
        for concern in self.script.concerns:
            if concern.text == text:
                return concern
        return None

    def _later(self, **delta: float) -> str:
        return (self.at + timedelta(**delta)).isoformat()

    def _read(self, turn: Turn, view: Mapping[str, JsonValue]) -> Mapping[str, JsonValue]:
        facts = turn.facts
        if "name" in facts:
            self.identity = {key: facts.get(key) for key in
                             ("name", "callback", "customer_id", "service")}
        concern = facts.get("concern")
        if isinstance(concern, str) and concern not in self.told:
            self.told.append(concern)
        if facts.get("more") is False:
            self.nothing_more = True
        for event in _list(view.get("events")):
            data = _obj(event)
            if data.get("type") == "concern_heard":
                script = self._script_of(_str(data.get("text")))
                if script is not None:
                    self.heard[_str(data.get("concern_id"))] = script
            if data.get("type") == "impact_assessed":
                self.impact_agreed[_str(data.get("concern_id"))] = None
        concern_id = _str(facts.get("concern_id"))
        if "agrees" in facts and concern_id:
            agrees = facts.get("agrees") is True
            if facts.get("about") == "impact":
                self.impact_agreed[concern_id] = agrees
            else:
                self.agreed[concern_id] = agrees
                if not agrees:
                    self.correction[concern_id] = _str(facts.get("correction"))
        if "impact" in facts and concern_id:
            self.impact[concern_id] = facts
        if "order" in facts:
            self.order = [_str(c) for c in _list(facts.get("order"))]
        if "response" in facts:
            self.response = _str(facts.get("response"))
        guidance = _obj(view.get("guidance"))
        at = _str(guidance.get("at"))
        if at:
            self.at = datetime.fromisoformat(at)
        return guidance

    # --- the agent

    def act(self, turn: Turn, view: Mapping[str, JsonValue]) -> Move | None:
        guidance = self._read(turn, view)
        stage = _str(guidance.get("stage")) or _str(view.get("stage"))
        if stage == "closed":
            return None
        careful = self.careful
        if careful:
            if turn.mood is Mood.ANGRY:  # record it, so that the audit can judge the calming
                move = self._once("anger", {"command": "record_emotion", "emotion": "angry",
                                            "note": "Raised voice."})
                if move:
                    return move
            if turn.mood is Mood.ANGRY and self.script.vent:
                move = self._once("vent", {"command": "let_vent",
                                           "note": "The customer vented."})
                if move:
                    return move
            for command in ("apologize", "express_empathy"):
                move = self._once(command, {"command": command})
                if move:
                    return move
        handler = getattr(self, f"_{stage}", None)
        return handler(guidance) if handler is not None else None

    def _verifying(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        if self.identity is None:
            return {"command": "ask", "about": "identity"}
        return {"command": "verify_customer", **self.identity}

    def _listening(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        heard_texts = {c.text for c in self.heard.values()}
        for text in self.told:
            if text not in heard_texts:
                return {"command": "hear_concern", "text": text}
        for concern_id, concern in self.heard.items():
            if f"confirm {concern_id}" in self.done:
                continue
            agreed = self.agreed.get(concern_id)
            if concern_id not in self.restated:
                self.restated.add(concern_id)
                self.agreed[concern_id] = None
                return {"command": "restate_concern", "concern_id": concern_id,
                        "restatement": concern.restatement}
            if self.careful and agreed is False:  # restate again, after the correction
                self.restated.discard(concern_id)
                return {"command": "reject_restatement", "concern_id": concern_id,
                        "correction": self.correction.get(concern_id) or None}
            if agreed is True or not self.careful:
                self.done.add(f"confirm {concern_id}")
                return {"command": "confirm_concern", "concern_id": concern_id}
        if self.careful and not self.nothing_more:
            return {"command": "ask", "about": "more"}
        return {"command": "no_more_concerns"}

    def _prioritizing(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        if self.careful and self.order is None:
            return {"command": "ask", "about": "priority"}
        order = self.order or sorted(self.heard, key=lambda c: int(c[1:]))
        return {"command": "prioritize", "order": list[JsonValue](order)}

    def _assessing_impact(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        for entry in _list(guidance.get("open_concerns")):
            concern_id = _str(_obj(entry).get("concern_id"))
            agreed = self.impact_agreed.get(concern_id, False)
            if f"impact {concern_id}" not in self.done:
                if self.careful and concern_id not in self.impact:
                    return {"command": "ask", "about": "impact", "concern_id": concern_id}
                told = self.impact.get(concern_id, {})
                self.done.add(f"impact {concern_id}")
                return {"command": "assess_impact", "concern_id": concern_id,
                        "description": _str(told.get("impact")) or "An inconvenience.",
                        "severity": _str(told.get("severity")) or "medium"}
            if f"impact agreed {concern_id}" not in self.done and (
                    agreed is True or not self.careful):
                self.done.add(f"impact agreed {concern_id}")
                return {"command": "confirm_impact", "concern_id": concern_id}
        return {"command": "begin_response"}

    def _owed(self) -> Decimal:
        return sum((c.wants for c in self.heard.values() if c.wants is not None), Decimal(0))

    def _authority_left(self, guidance: Mapping[str, JsonValue]) -> Decimal:
        for entry in _list(guidance.get("authority")):
            data = _obj(entry)
            if data.get("currency") == "GBP":
                return Decimal(_str(data.get("left")) or "0")
        return Decimal(0)

    def _responding(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        owed = self._owed()
        if self.careful and owed > self._authority_left(guidance) and "escalate" not in (
                self.done):
            self.done.add("escalate")
            return {"command": "escalate", "to": "supervisor",
                    "reason": "The customer is owed more than my authority.",
                    "authority_limit": f"{owed:f}", "currency": "GBP"}
        for entry in _list(guidance.get("open_concerns")):
            concern_id = _str(_obj(entry).get("concern_id"))
            concern = self.heard.get(concern_id)
            if concern is None:
                continue
            move = self._respond(concern_id, concern, guidance)
            if move is not None:
                return move
        move = self._records()
        if move is not None:
            return move
        if _list(guidance.get("open_actions")) and guidance.get("follow_up_at") is None:
            # the careful agent calls back before the plan's items are due, the careless
            # one after
            days = (2 if self.careful else 4) + (24 if self.scenario.regulated else 0)
            return {"command": "schedule_follow_up", "at": self._later(days=days)}
        return {"command": "confirm_next_steps"}

    def _respond(self, concern_id: str, concern: ConcernScript,
                 guidance: Mapping[str, JsonValue]) -> Move | None:
        if concern.wants is not None:
            amount = concern.wants if self.careful else min(
                concern.wants, self._authority_left(guidance))
            move = self._once(f"offer {concern_id}", {
                "command": "offer_compensation", "concern_id": concern_id,
                "kind": "goodwill_credit", "amount": f"{amount:f}", "currency": "GBP",
                "description": "For the trouble this caused."})
            if move:
                return move
        if concern.fix is Fix.NOW:
            return {"command": "resolve_concern", "concern_id": concern_id,
                    "resolution": concern.remedy}
        if concern.fix is Fix.UNFIXABLE:
            return {"command": "mark_unresolvable", "concern_id": concern_id,
                    "explanation": concern.explanation,
                    "accommodation": concern.accommodation if self.careful else None}
        if concern.fix is Fix.RELIEF:
            move = self._once(f"relief {concern_id}", {
                "command": "give_relief", "concern_id": concern_id,
                "description": concern.accommodation})
            if move:
                return move
        return self._once(f"plan {concern_id}", {
            "command": "plan_action", "concern_ids": [concern_id], "owner": "company",
            "description": concern.plan,
            "due": self._later(days=28 if self.scenario.regulated else 3)})

    def _records(self) -> Move | None:
        cause = self.script.root_cause
        if cause is not None:
            category, description, at_fault = cause
            move = self._once("root cause", {
                "command": "record_root_cause", "category": category,
                "description": description, "company_at_fault": at_fault})
            if move:
                return move
            if self.careful and self.script.prevention:
                move = self._once("prevention", {
                    "command": "record_preventive_action",
                    "description": self.script.prevention, "owner": "operations"})
                if move:
                    return move
        if self.careful and self.scenario.regulated:
            return self._once("holding", {
                "command": "record_communication", "kind": "holding_response",
                "channel": "email", "summary": "We are tracing the payment; final response "
                "within 35 business days."})
        return None

    def _following_up(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        contact = _obj(guidance.get("contact"))
        if not contact:
            if not _list(guidance.get("open_actions")) and not _list(
                    guidance.get("open_concerns")):
                return {"command": "begin_recap"}
            return {"command": "start_contact", "channel": "phone"}
        if contact.get("reviewed") is not True:
            return {"command": "review_open_items"}
        for entry in _list(guidance.get("open_actions")):
            return {"command": "complete_action",
                    "action_id": _str(_obj(entry).get("action_id")), "note": "Done."}
        for entry in _list(guidance.get("open_concerns")):
            concern_id = _str(_obj(entry).get("concern_id"))
            concern = self.heard.get(concern_id)
            if concern is not None:
                return {"command": "resolve_concern", "concern_id": concern_id,
                        "resolution": concern.remedy}
        if self.careful and self.scenario.regulated:
            move = self._once("final", {
                "command": "record_communication", "kind": "final_response",
                "channel": "email", "summary": "The payment was traced and credited."})
            if move:
                return move
        return {"command": "begin_recap"}

    def _recapping(self, guidance: Mapping[str, JsonValue]) -> Move | None:
        move = self._once("recap", {"command": "recap", "summary": "; ".join(
            c.text for c in self.heard.values())})
        if move:
            return move
        if self.careful and self.response is None:
            return {"command": "ask", "about": "closure"}
        move = self._once("closure", {
            "command": "seek_closure",
            "customer_response": self.response if self.careful and self.response else
            "satisfied"})
        if move:
            return move
        move = self._once("thanks", {"command": "thank_customer"})
        if move:
            return move
        if self.careful:  # Evenson step 4: make a note to follow up later
            move = self._once("check-in", {"command": "schedule_check_in",
                                           "due": self._later(days=7), "channel": "phone"})
        return move or {"command": "close"}


def reference_agent(scenario: Scenario) -> ScriptedAgent:
    """An agent that does everything the sources ask: it closes every built-in scenario
    with every audit rule passed and the customer satisfied (or accepting, where the
    scenario cannot be fixed)."""
    return ScriptedAgent(scenario, careful=True)


def careless_agent(scenario: Scenario) -> ScriptedAgent:
    """An agent in a hurry: it fails the rules each built-in scenario is about."""
    return ScriptedAgent(scenario, careful=False)
