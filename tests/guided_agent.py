"""Agents for the proof that the guidance is enough, and the random baseline.

:class:`GuidedAgent` knows nothing of the workflow: not which command comes after which,
nor what a stage allows. It sees only what the MCP tools return (``reply`` and
``get_complaint`` output) and a :class:`Customer`, the scenario's script of what the
customer says and what happens in the world. Each turn it walks the guidance's ``steps``
(every one ready now, most pressing first) and takes the first one it can fill in with
what the conversation gives it: each tool has a filler that knows the tool's arguments (as
its description and schema say them) and asks the customer for them, or declines when the
conversation gives no ground for the step ("the customer does not agree", "nothing is
owed").

:class:`RandomAgent` is the baseline: each turn a random tool with random arguments valid
by its schema, from all the tools or (``allowed_only``) from the stage's allowed commands.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from attrs import define, field

from complaintflow.agents import McpTools

Json = dict[str, Any]


@define
class Concern:
    """One concern as the scenario plays it."""

    text: str
    impact: str
    severity: str
    restatement: str
    misheard: str | None = None  # a first restatement the customer rejects
    correction: str | None = None
    relief: str | None = None
    plan: tuple[str, str, int] | None = None  # description, owner, due in hours
    resolution: str | None = None  # how it is fixed, once the follow-up contact has begun
    fixed_now: str | None = None  # resolved at once
    unfixable: tuple[str, str] | None = None  # explanation, accommodation
    compensation: tuple[str, str | None, str] | None = None  # kind, amount (GBP), description


@define
class Customer:
    """A scenario's script: who the customer is, what they say, what happens."""

    complaint_id: str
    name: str
    callback: str
    concerns: list[Concern]
    order: list[int] | None = None  # the customer's priority, as indexes into concerns
    customer_id: str | None = None
    service: str | None = None
    vent: str | None = None
    satisfaction: str = "satisfied"
    feedback: tuple[int, str] | None = None
    root_cause: tuple[str, str, bool] | None = None
    prevention: tuple[str, str] | None = None


@define
class Run:
    """What an agent's run came to."""

    calls: int = 0
    rejected: int = 0
    stages: list[str] = field(factory=list)
    closed: bool = False
    outcome: str | None = None
    tool_calls: list[tuple[str, Json, bool]] = field(factory=list)

    @property
    def furthest(self) -> str:
        """The furthest stage of the workflow reached before any close."""
        return max((s for s in self.stages if s != "closed"), key=STAGES.index,
                   default="verifying")

    @property
    def resolved(self) -> bool:
        """Closed at the end of the workflow (resolved, or unresolved after a recap), not
        referred or withdrawn."""
        return self.outcome in ("resolved", "unresolved")

    @property
    def rejection_rate(self) -> float:
        return self.rejected / self.calls if self.calls else 0.0


STAGES = ["verifying", "listening", "prioritizing", "assessing_impact", "responding",
          "following_up", "recapping", "closed"]


class GuidedAgent:
    """Follows the guidance; fills each step in from the customer's script."""

    def __init__(self, server: McpTools, customer: Customer) -> None:
        self.server, self.customer = server, customer
        self.run = Run()
        self.view: Json = {}
        self.told = 0  # concerns told so far
        self.said: dict[str, str] = {}  # the restatement given, by concern id
        self.rejected_once: set[str] = set()
        self.vented = False
        self.contact_started = False
        self.offered: set[int] = set()

    # the conversation's state, as the agent has seen it

    @property
    def guidance(self) -> Json:
        found: Json = self.view.get("guidance", self.view)
        return found

    def concern(self, concern_id: str) -> tuple[int, Concern]:
        """The script's concern behind an id, by the text the guidance shows for it."""
        for entry in self.guidance["open_concerns"]:
            if entry["concern_id"] == concern_id:
                for index, concern in enumerate(self.customer.concerns):
                    if concern.text == entry["text"]:
                        return index, concern
        raise LookupError(concern_id)

    def needs(self, concern_id: str) -> list[str]:
        for entry in self.guidance["open_concerns"]:
            if entry["concern_id"] == concern_id:
                needs: list[str] = entry["needs"]
                return needs
        return []

    def now(self, hours: float) -> str:
        return (datetime.fromisoformat(self.guidance["at"]) + timedelta(hours=hours)).isoformat()

    def authority_left(self, currency: str) -> float:
        for entry in self.guidance["authority"]:
            if entry["currency"] == currency and entry["left"] is not None:
                return float(entry["left"])
        return 0.0

    # the turns

    def call(self, name: str, arguments: Json) -> Json:
        found = self.server.call(name, {"complaint_id": self.customer.complaint_id,
                                        **arguments})
        assert found is not None, name
        result, is_error = found
        self.run.calls += 1
        self.run.rejected += is_error
        self.run.tool_calls.append((name, arguments, is_error))
        self.view = result
        stage = result.get("stage")
        if isinstance(stage, str) and stage not in self.run.stages:
            self.run.stages.append(stage)
        return result

    def play(self, turns: int = 300) -> Run:
        self.call("open_complaint", {})
        for _ in range(turns):
            for step in self.guidance["steps"]:
                arguments = self.fill(step)
                if arguments is not None:
                    self.call(step["command"], arguments)
                    break
            else:
                break  # nothing left the conversation gives ground for
        self.run.closed = self.guidance["stage"] == "closed"
        self.run.outcome = _outcome(self.server, self.customer)
        return self.run

    # one filler per tool: its arguments from the conversation, or None to decline

    def fill(self, step: Json) -> Json | None:
        filler: Callable[[Json], Json | None] | None = getattr(
            self, f"_{step['command']}", None)
        return None if filler is None else filler(dict(step["arguments"]))

    def _let_vent(self, a: Json) -> Json | None:
        if self.customer.vent is None or self.vented:
            return None
        self.vented = True
        return {"note": self.customer.vent}

    def _express_empathy(self, a: Json) -> Json | None:
        return {}

    def _apologize(self, a: Json) -> Json | None:
        return {}

    def _verify_customer(self, a: Json) -> Json | None:
        c = self.customer
        return {"name": c.name, "callback": c.callback, "customer_id": c.customer_id,
                "service": c.service}

    def _hear_concern(self, a: Json) -> Json | None:
        if self.told == len(self.customer.concerns):
            return None  # the customer has nothing more to raise
        self.told += 1
        return {"text": self.customer.concerns[self.told - 1].text}

    def _restate_concern(self, a: Json) -> Json | None:
        concern_id = a["concern_id"]
        _, concern = self.concern(concern_id)
        first = concern.misheard is not None and concern_id not in self.rejected_once
        said = concern.misheard if first else concern.restatement
        assert said is not None
        self.said[concern_id] = said
        return {**a, "restatement": said}

    def _agrees(self, concern_id: str) -> bool:
        _, concern = self.concern(concern_id)
        return self.said.get(concern_id) == concern.restatement

    def _confirm_concern(self, a: Json) -> Json | None:
        return a if self._agrees(a["concern_id"]) else None

    def _reject_restatement(self, a: Json) -> Json | None:
        if self._agrees(a["concern_id"]):
            return None
        _, concern = self.concern(a["concern_id"])
        self.rejected_once.add(a["concern_id"])
        return {**a, "correction": concern.correction}

    def _no_more_concerns(self, a: Json) -> Json | None:
        return {} if self.told == len(self.customer.concerns) else None

    def _prioritize(self, a: Json) -> Json | None:
        ids = {self.concern(entry["concern_id"])[0]: entry["concern_id"]
               for entry in self.guidance["open_concerns"]}
        order = self.customer.order or sorted(ids)
        return {"order": [ids[index] for index in order if index in ids]}

    def _assess_impact(self, a: Json) -> Json | None:
        if "impact" not in self.needs(a["concern_id"]):
            return None  # assessed already, and the customer does not correct it
        _, concern = self.concern(a["concern_id"])
        return {**a, "description": concern.impact, "severity": concern.severity}

    def _confirm_impact(self, a: Json) -> Json | None:
        return a

    def _begin_response(self, a: Json) -> Json | None:
        return {}

    def _give_relief(self, a: Json) -> Json | None:
        _, concern = self.concern(a["concern_id"])
        return {**a, "description": concern.relief} if concern.relief else None

    def _plan_action(self, a: Json) -> Json | None:
        (concern_id,) = a["concern_ids"]
        _, concern = self.concern(concern_id)
        if concern.plan is None:
            return None
        description, owner, hours = concern.plan
        return {**a, "description": description, "owner": owner, "due": self.now(hours)}

    def _resolve_concern(self, a: Json) -> Json | None:
        _, concern = self.concern(a["concern_id"])
        if concern.fixed_now:
            return {**a, "resolution": concern.fixed_now}
        planned = any(a["concern_id"] in action["concern_ids"]
                      for action in self.guidance["open_actions"])
        if concern.resolution and self.contact_started and not planned:
            return {**a, "resolution": concern.resolution}
        return None

    def _mark_unresolvable(self, a: Json) -> Json | None:
        _, concern = self.concern(a["concern_id"])
        if concern.unfixable is None:
            return None
        explanation, accommodation = concern.unfixable
        return {**a, "explanation": explanation, "accommodation": accommodation}

    def _owed(self) -> tuple[int, Concern] | None:
        for index, concern in enumerate(self.customer.concerns):
            if concern.compensation is not None and index not in self.offered and (
                    index < self.told):
                return index, concern
        return None

    def _offer_compensation(self, a: Json) -> Json | None:
        owed = self._owed()
        if owed is None:
            return None
        index, concern = owed
        assert concern.compensation is not None
        kind, amount, description = concern.compensation
        if amount is not None and float(amount) > self.authority_left("GBP"):
            return None  # more than the authority left: someone else must offer it
        concern_id = next((entry["concern_id"] for entry in self.guidance["open_concerns"]
                           if entry["text"] == concern.text), None)
        self.offered.add(index)
        return {"kind": kind, "description": description, "concern_id": concern_id,
                "amount": amount, "currency": "GBP" if amount else None}

    def _escalate(self, a: Json) -> Json | None:
        owed = self._owed()
        if owed is None or owed[1].compensation is None:
            return None
        amount = owed[1].compensation[1]
        if amount is None or float(amount) <= self.authority_left("GBP"):
            return None
        return {"to": "supervisor", "reason": "The customer is owed more than my authority.",
                "authority_limit": amount, "currency": "GBP"}

    def _complete_action(self, a: Json) -> Json | None:
        return {**a, "note": "Done."} if self.contact_started else None

    def _schedule_follow_up(self, a: Json) -> Json | None:
        return {"at": self.now(24)}

    def _confirm_next_steps(self, a: Json) -> Json | None:
        return {}

    def _start_contact(self, a: Json) -> Json | None:
        self.contact_started = True
        return {"channel": "phone"}

    def _review_open_items(self, a: Json) -> Json | None:
        return {}

    def _end_contact(self, a: Json) -> Json | None:
        return {}

    def _begin_recap(self, a: Json) -> Json | None:
        return {}

    def _recap(self, a: Json) -> Json | None:
        return {"summary": "; ".join(c.text for c in self.customer.concerns)}

    def _seek_closure(self, a: Json) -> Json | None:
        return {"customer_response": self.customer.satisfaction}

    def _thank_customer(self, a: Json) -> Json | None:
        return {}

    def _close(self, a: Json) -> Json | None:
        return {}

    def _record_feedback(self, a: Json) -> Json | None:
        if self.customer.feedback is None:
            return None
        score, comment = self.customer.feedback
        return {"score": score, "comment": comment}

    def _record_root_cause(self, a: Json) -> Json | None:
        if self.customer.root_cause is None:
            return None
        category, description, at_fault = self.customer.root_cause
        return {"category": category, "description": description,
                "company_at_fault": at_fault}

    def _record_preventive_action(self, a: Json) -> Json | None:
        if self.customer.prevention is None:
            return None
        description, owner = self.customer.prevention
        return {"description": description, "owner": owner}


class RandomAgent:
    """The baseline: a random tool each turn, with random arguments its schema allows."""

    def __init__(self, server: McpTools, customer: Customer, *, seed: int,
                 allowed_only: bool = False) -> None:
        self.server, self.customer = server, customer
        self.random = random.Random(seed)
        self.allowed_only = allowed_only
        self.run = Run()
        self.view: Json = {}
        self.tools = {tool["name"]: tool["inputSchema"] for tool in server.tools()
                      if tool["name"] not in ("open_complaint", "get_complaint")}

    def value(self, name: str, schema: Json) -> Any:
        r = self.random
        if "enum" in schema:
            return r.choice([v for v in schema["enum"] if v is not None])
        kind = schema.get("type")
        if kind == "boolean":
            return r.random() < 0.5
        if kind == "integer":
            return r.randint(schema.get("minimum", 0), schema.get("maximum", 9))
        if kind == "array":
            return [f"K{r.randint(1, 3)}"] if r.random() < 0.5 else ["K1", "K2"]
        pattern = schema.get("pattern", "")
        if pattern.startswith("^K"):
            return f"K{r.randint(1, 3)}"
        if pattern.startswith("^A"):
            return f"A{r.randint(1, 2)}"
        if schema.get("format") == "date-time":
            at = datetime.fromisoformat(self.view.get("guidance", self.view).get(
                "at", "2026-03-02T09:00:00+00:00"))
            return (at + timedelta(hours=r.randint(-24, 72))).isoformat()
        if "[0-9]{1,15}" in pattern:
            return str(r.choice([5, 20, 49, 120]))
        return r.choice([c.text for c in self.customer.concerns] + [self.customer.name])

    def arguments(self, schema: Json) -> Json:
        chosen: Json = {}
        for name, prop in schema["properties"].items():
            if name == "complaint_id":
                continue
            if name in schema["required"] or self.random.random() < 0.3:
                chosen[name] = self.value(name, prop)
        return chosen

    def play(self, turns: int) -> Run:
        found = self.server.call("open_complaint", {"complaint_id": self.customer.complaint_id})
        assert found is not None
        self.view = found[0]
        for _ in range(turns):
            nested = self.view.get("guidance")
            guidance: Json = nested if isinstance(nested, dict) else self.view
            allowed: list[str] = guidance.get("allowed") or []
            names = [n for n in allowed if n in self.tools] if self.allowed_only else []
            name = self.random.choice(names or list(self.tools))
            found = self.server.call(name, {"complaint_id": self.customer.complaint_id,
                                            **self.arguments(self.tools[name])})
            assert found is not None
            result, is_error = found
            self.run.calls += 1
            self.run.rejected += is_error
            if result.get("guidance") is not None or not is_error:
                self.view = result
            stage = result.get("stage")
            if isinstance(stage, str) and stage not in self.run.stages:
                self.run.stages.append(stage)
        self.run.closed = "closed" in self.run.stages
        self.run.outcome = _outcome(self.server, self.customer)
        return self.run


def _outcome(server: McpTools, customer: Customer) -> str | None:
    found = server.call("get_complaint", {"complaint_id": customer.complaint_id})
    assert found is not None
    outcome = found[0].get("outcome")
    return outcome if isinstance(outcome, str) else None


# --- the sources' three scenarios -----------------------------------------------------------

PAYROLL = Customer(
    complaint_id="CMP-42", name="Priya Shah", callback="+44 20 7946 0321",
    customer_id="ACME-4471", service="Payroll Plus",
    concerns=[
        Concern(text="Invoices show our old VAT number.", impact="Customers query invoices.",
                severity="medium", restatement="Invoices print a previous VAT number.",
                plan=("Correct the VAT number on the account.", "agent", 24),
                resolution="Invoices reissued with the new VAT number."),
        Concern(text="Payroll won't run.", impact="Cannot pay my staff on Friday.",
                severity="critical", misheard="Your payroll app is slow.",
                correction="It does not run at all.",
                restatement="Payroll stops before paying anyone.",
                relief="Manual payroll run today.", resolution="Payroll fixed."),
    ],
    order=[1, 0], satisfaction="satisfied")

VENTING = Customer(
    complaint_id="CMP-7", name="Tom Baker", callback="tom@example.com",
    vent="Third missed delivery.",
    concerns=[
        Concern(text="You missed my delivery again.", impact="Lost a day's pay.",
                severity="high", restatement="The courier missed the slot again.",
                relief="Priority redelivery booked for tomorrow, 8 to 10.",
                resolution="Delivered on time.",
                compensation=("goodwill_credit", "120", "For the lost day.")),
    ],
    satisfaction="accepts", feedback=(3, "Took three tries."),
    root_cause=("third party", "The courier skipped the street.", False))

UNFIXABLE = Customer(
    complaint_id="CMP-9", name="Ana Lima", callback="+55 11 5555 0100",
    concerns=[
        Concern(text="My old photos were deleted in the migration.",
                impact="Family photos lost.", severity="high",
                restatement="Photos from before May are gone.",
                unfixable=("The backups expired before the fix.",
                           "Two years of premium storage free."),
                compensation=("service", None, "Premium storage.")),
    ],
    satisfaction="accepts", feedback=(4, "Sad, but handled well."),
    root_cause=("process", "Backups expired mid-migration.", True),
    prevention=("Keep backups until migration sign-off.", "platform team"))

SCENARIOS = {"payroll_outage": PAYROLL, "venting_escalation": VENTING,
             "unfixable_concern": UNFIXABLE}
