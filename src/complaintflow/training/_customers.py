"""Simulated customers: the customer's side of a scenario, deterministic for a seed.

A customer answers each of the agent's moves with a :class:`Turn`: what they say, how
they seem, and the facts the turn gives (the concern they raise, whether they agree with a
restatement, their answer when closure is sought). The conversation's end is not theirs to
decide: :func:`~complaintflow.training.play` ends it when the complaint is closed with the
customer's confirmation, or when the customer hangs up (the complaint is then withdrawn).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Protocol

from attrs import field, frozen

from .._formats.json_value import JsonValue
from ._scenarios import ConcernScript, Fix, Mood, Scenario

Move = dict[str, JsonValue]
"""What an agent does next: a workflow command as JSON (``{"command": "hear_concern",
"text": ...}``), or a question to the customer, ``{"command": "ask", "about": ...}`` with
``about`` one of :data:`ASKS` (``impact`` with a ``concern_id``)."""

ASKS = ("identity", "more", "impact", "priority", "closure")
"""What an agent can ask the customer: who they are and how to call them back, whether
there is anything more, what a concern means to them, which matters most, whether they are
satisfied with how it ends."""

PERSONAL_FACTS = ("name", "callback")
"""The facts of a turn that are personal data: shown only when asked for."""


@frozen
class Turn:
    """What the customer says and how they seem. ``facts`` are what the turn gives the
    agent as data (its personal ones, :data:`PERSONAL_FACTS`, never in a repr);
    ``hangs_up`` that the customer has had enough and withdraws the complaint."""

    said: str
    mood: Mood
    facts: Mapping[str, JsonValue] = field(factory=dict, repr=False)
    hangs_up: bool = False


class Customer(Protocol):
    """What plays the customer: a :class:`SimulatedCustomer`, or a host's own (an LLM
    prompted with the scenario, say).

    ``opening`` is what the customer says first; ``react`` answers each move of the agent:
    ``reply`` is what :func:`complaintflow.agents.reply` said of a workflow command
    (applied or refused), ``None`` for a question (``"command": "ask"``) or a remark.
    """

    def opening(self) -> Turn:
        """The customer's first words."""

    def react(self, move: Move, reply: Mapping[str, JsonValue] | None) -> Turn:
        """The customer's answer to ``move``."""


_PROBLEM_SOLVING = frozenset({
    "restate_concern", "confirm_concern", "reject_restatement", "no_more_concerns",
    "prioritize", "assess_impact", "confirm_impact", "begin_response", "give_relief",
    "plan_action", "resolve_concern", "mark_unresolvable", "offer_compensation",
    "schedule_follow_up", "confirm_next_steps", "recap", "seek_closure", "close"})
"""Moves that work on the problem, which an angry customer is not ready for yet."""

_YES = ("Yes, that's it.", "That's right.", "Exactly.")
_THANKS = ("Thank you.", "OK, thanks.", "Right. Thank you.")
_WAITING = ("Hello? Are you still there?", "What's happening?", "I'm waiting...")
_STEAM = ("Sorry. I've been going round in circles for days.",
          "...right. That's out of my system.")


def _text(value: JsonValue) -> str:
    return value if isinstance(value, str) else ""


def _events(reply: Mapping[str, JsonValue] | None) -> list[Mapping[str, JsonValue]]:
    if reply is None or reply.get("ok") is not True:
        return []
    found = reply.get("events")
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


class SimulatedCustomer:
    """The scripted customer of a :class:`~complaintflow.training.Scenario`, reacting to
    what the agent does; ``seed`` varies its phrasing and whether it doubts a first good
    restatement of a concern, and a run is the same for the same seed.

    It raises its first concern at once and the others only when asked for more; agrees
    with a restatement that has the concern's gist (rejecting a picky customer's first
    ones); calms down once it has vented and heard an apology (and empathy); accepts an
    offer that meets what it wants and refuses one that does not; and hangs up when
    refused or pushed on while angry more often than its patience bears. What the agent
    records on its behalf (a confirmation, an answer to closure) is checked against what
    it said: ``misrecorded`` lists the differences.
    """

    def __init__(self, scenario: Scenario, *, seed: int = 0) -> None:
        self.scenario, self.script = scenario, scenario.customer
        self.random = random.Random(seed)
        # the seed also decides whether the customer mishears a first good restatement
        self.doubts = [int(self.random.random() < 0.25) for _ in self.script.concerns]
        self.mood = self.script.mood
        self.patience = self.script.patience
        self.revealed = 1
        self.asked_more = False
        self.ids: dict[str, int] = {}  # concern id -> index into the script
        self.agrees: dict[str, bool] = {}
        self.rejections: dict[int, int] = {}
        self.severity_agreed: dict[str, bool] = {}
        self.told_order: list[str] | None = None
        self.vented = self.apologized = self.empathized = False
        self.worked_while_angry = False
        self.settled: dict[int, str] = {}  # index -> "resolved" / "unresolvable"
        self.accommodated: set[int] = set()
        self.accepted: dict[int, Decimal] = {}
        self.prevention = False
        self.verdict: str | None = None
        self.misrecorded: list[str] = []
        self.hung_up = False

    # --- what the customer says

    def _turn(self, said: str, **facts: JsonValue) -> Turn:
        return Turn(said, self.mood, dict(facts))

    def opening(self) -> Turn:
        first = self.script.concerns[0]
        parts = [p for p in (self.script.vent if self.mood is Mood.ANGRY else None,
                             self.script.history, self.script.circumstances, first.text) if p]
        return self._turn(" ".join(parts), concern=first.text)

    def react(self, move: Move, reply: Mapping[str, JsonValue] | None) -> Turn:
        command = _text(move.get("command"))
        if command == "ask":
            return self._answer(move)
        if command == "say":
            return self._turn(self.random.choice(("Mm-hm.", "Go on.", "OK.")))
        if reply is None:
            return self._ignored("Sorry, what?")
        if reply.get("ok") is not True:
            return self._ignored(self.random.choice(_WAITING))
        said: list[str] = []
        if command in _PROBLEM_SOLVING and self.mood is Mood.ANGRY:
            self.worked_while_angry = True
            turn = self._ignored("Don't give me procedure! Are you even listening to me?")
            if turn.hangs_up:
                return turn
            said.append(turn.said)
        facts: dict[str, JsonValue] = {}
        for event in _events(reply):
            self._see(event, said, facts)
        return Turn(" ".join(said) or self.random.choice(("Mm-hm.", "OK.")), self.mood, facts)

    def _ignored(self, said: str) -> Turn:
        if self.patience is not None:
            self.patience -= 1
            if self.patience <= 0:
                self.hung_up = True
                return Turn("I've had enough of this. Goodbye.", self.mood, {}, hangs_up=True)
        if self.mood is Mood.UPSET and self.script.mood is not Mood.CALM:
            self.mood = Mood.ANGRY if self.patience is not None and self.patience <= 2 else (
                self.mood)
        return Turn(said, self.mood, {})

    # --- questions

    def _answer(self, move: Move) -> Turn:
        about = move.get("about")
        if about == "identity":
            script = self.script
            return self._turn("(gives their name and call-back number)", name=script.name,
                              callback=script.callback, customer_id=script.customer_id,
                              service=script.service)
        if about == "more":
            if self.revealed < len(self.script.concerns):
                concern = self.script.concerns[self.revealed]
                self.revealed += 1
                return self._turn(concern.text, concern=concern.text, more=True)
            if self.asked_more:
                return self._ignored("No. I told you, that's everything.")
            self.asked_more = True
            return self._turn("No, that's everything.", more=False)
        if about == "impact":
            concern_id = _text(move.get("concern_id"))
            index = self.ids.get(concern_id)
            if index is None:
                return self._ignored("Which problem do you mean?")
            concern = self.script.concerns[index]
            return self._turn(concern.impact, concern_id=concern_id, impact=concern.impact,
                              severity=concern.severity)
        if about == "priority":
            order = self._order()
            self.told_order = order
            texts = ", then ".join(self.script.concerns[self.ids[c]].text.rstrip(".")
                                   for c in order)
            return self._turn(f"First {texts}." if order else "Everything, frankly.",
                              order=list(order))
        if about == "closure":
            verdict, why = self.judge()
            self.verdict = verdict
            said = {"satisfied": "Yes, I'm happy with that. Thank you.",
                    "accepts": "It's not what I wanted, but I accept it."}.get(verdict, why)
            return self._turn(said, response=verdict)
        return self._ignored("Sorry, what are you asking?")

    def _order(self) -> list[str]:
        heard = sorted(self.ids, key=lambda c: int(c[1:]))
        preferred = self.script.order
        if preferred is None:
            rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
            return sorted(heard, key=lambda c: rank[self.script.concerns[self.ids[c]].severity])
        by_index = {index: c for c, index in self.ids.items()}
        return [by_index[i] for i in preferred if i in by_index] + [
            c for c in heard if self.ids[c] not in preferred]

    def judge(self) -> tuple[str, str]:
        """What the customer would answer now if asked whether they are satisfied, and
        why not."""
        script = self.script
        problems: list[str] = []
        recorded = set(self.ids.values())
        for index, concern in enumerate(script.concerns):
            if index not in recorded:
                problems.append(f"You never dealt with this: {concern.text}")
            elif index not in self.settled:
                problems.append(f"This is still not sorted: {concern.text}")
            elif concern.fix is Fix.UNFIXABLE and index not in self.accommodated:
                problems.append("So I just lose out, with nothing?")
            if concern.wants is not None and self.accepted.get(index, Decimal(0)) < (
                    concern.wants):
                problems.append("I expected something for the trouble.")
        if not self.apologized:
            problems.append("Nobody even said sorry.")
        if (script.mood is not Mood.CALM or script.circumstances) and not self.empathized:
            problems.append("You don't seem to care.")
        if script.needs_prevention and not self.prevention:
            problems.append("How do I know it won't happen a fourth time?")
        if self.misrecorded:
            problems.append("And you've written down things I never said.")
        if problems:
            return "dissatisfied", "No. " + " ".join(problems)
        return self.scenario.best_response, ""

    # --- what the agent did

    def _concern(self, concern_id: str) -> tuple[int, ConcernScript] | None:
        index = self.ids.get(concern_id)
        return None if index is None else (index, self.script.concerns[index])

    def _heard(self, concern_id: str, text: str) -> None:
        known = set(self.ids.values())
        open_ = [i for i in range(self.revealed) if i not in known]
        words = text.casefold()
        for index in open_:
            if all(k in words for k in self.script.concerns[index].keywords):
                self.ids[concern_id] = index
                return
        if open_:
            self.ids[concern_id] = open_[0]

    def _calm_down(self) -> None:
        if self.mood is Mood.ANGRY and self.vented and self.apologized:
            self.mood = Mood.UPSET
        if self.mood is Mood.UPSET and self.apologized and (
                self.empathized or not self.script.circumstances):
            self.mood = Mood.CALM if self.empathized or self.script.mood is Mood.UPSET else (
                self.mood)

    def _see(self, event: Mapping[str, JsonValue], said: list[str],
             facts: dict[str, JsonValue]) -> None:
        kind = event.get("type")
        concern_id = _text(event.get("concern_id"))
        found = self._concern(concern_id)
        if kind == "customer_vented":
            self.vented = True
            said.append(self.random.choice(_STEAM))
        elif kind == "apologized":
            self.apologized = True
            said.append("Well... thank you for saying so.")
        elif kind == "empathy_expressed":
            self.empathized = True
            said.append("Thank you. It has been hard." if self.script.mood is not Mood.CALM
                        or self.script.circumstances else "Thanks.")
        elif kind == "concern_heard":
            self._heard(concern_id, _text(event.get("text")))
            said.append("Yes.")
        elif kind == "concern_restated" and found is not None:
            index, concern = found
            words = _text(event.get("restatement")).casefold()
            rejected = self.rejections.get(index, 0)
            agrees = all(k in words for k in concern.keywords) and (
                rejected >= concern.picky + self.doubts[index])
            self.agrees[concern_id] = agrees
            facts.update(concern_id=concern_id, agrees=agrees, about="restatement")
            if agrees:
                said.append(self.random.choice(_YES))
            else:
                self.rejections[index] = rejected + 1
                facts["correction"] = concern.correction
                said.append(concern.correction)
        elif kind == "concern_confirmed":
            if self.agrees.get(concern_id) is not True:
                self._misrecord(said, f"{concern_id} recorded as confirmed, but the customer "
                                "did not agree with the restatement")
        elif kind == "restatement_rejected":
            if self.agrees.get(concern_id) is not False:
                self._misrecord(said, f"{concern_id}'s restatement recorded as rejected, but "
                                "the customer agreed with it")
        elif kind == "concerns_complete":
            if not self.asked_more or self.revealed < len(self.script.concerns):
                self._misrecord(said, "recorded that the customer had nothing more to raise, "
                                "but they were not asked")
        elif kind == "concerns_prioritized":
            order = event.get("order")
            if self.told_order is None or order != self.told_order:
                self._misrecord(said, "recorded an order of priority the customer did not give")
        elif kind == "impact_assessed" and found is not None:
            agrees = event.get("severity") == found[1].severity
            self.severity_agreed[concern_id] = agrees
            facts.update(concern_id=concern_id, agrees=agrees, about="impact")
            said.append("Yes, that's what it means for me." if agrees
                        else f"It's more than that: {found[1].impact}")
        elif kind == "impact_confirmed":
            if self.severity_agreed.get(concern_id) is not True:
                self._misrecord(said, f"{concern_id}'s impact recorded as agreed, but the "
                                "customer did not agree")
        elif kind in ("relief_given", "action_planned", "communication_recorded",
                      "escalated", "follow_up_scheduled"):
            said.append(self.random.choice(_THANKS))
        elif kind == "concern_resolved" and found is not None:
            self.settled[found[0]] = "resolved"
            said.append("Good. That sorts that out.")
        elif kind == "concern_unresolvable" and found is not None:
            self.settled[found[0]] = "unresolvable"
            if event.get("accommodation"):
                self.accommodated.add(found[0])
                said.append("I see. Thank you for trying to make up for it.")
            else:
                said.append("So that's it? Nothing at all?")
        elif kind == "compensation_offered":
            self._offer(event, said, facts)
        elif kind == "preventive_action_recorded":
            self.prevention = True
            said.append("Good - so it won't happen again.")
        elif kind == "closure_sought":
            answer = event.get("customer_response")
            verdict = self.verdict if self.verdict is not None else self.judge()[0]
            self.verdict = verdict
            if answer != verdict:
                self._misrecord(said, f"recorded the customer as {answer}, but they are "
                                f"{verdict}")
        elif kind == "complaint_withdrawn" and not self.hung_up:
            self._misrecord(said, "withdrew the complaint, but the customer did not")
        elif kind == "complaint_referred":
            said.append("Referred? I wanted this sorted.")
        elif kind == "contact_started":
            said.append("Hello again.")
        elif kind == "complaint_closed":
            said.append("Goodbye.")
        self._calm_down()

    def _offer(self, event: Mapping[str, JsonValue], said: list[str],
               facts: dict[str, JsonValue]) -> None:
        found = self._concern(_text(event.get("concern_id")))
        wanted = [(i, c) for i, c in enumerate(self.script.concerns)
                  if c.wants is not None and i in self.ids.values()]
        if found is None and wanted:
            found = wanted[0]
        try:
            amount = Decimal(_text(event.get("amount")) or "0")
        except InvalidOperation:
            amount = Decimal(0)
        if found is None or found[1].wants is None:
            said.append("That's kind, thank you.")
            facts["accepts_offer"] = True
            return
        index, concern = found
        assert concern.wants is not None
        total = self.accepted.get(index, Decimal(0)) + amount
        if total >= concern.wants:
            self.accepted[index] = total
            facts["accepts_offer"] = True
            said.append("That's fair. I accept.")
        else:
            facts["accepts_offer"] = False
            said.append(f"That doesn't cover it. It cost me more like {concern.wants:f}.")

    def _misrecord(self, said: list[str], what: str) -> None:
        self.misrecorded.append(what)
        said.append("Hang on, I never said that.")
