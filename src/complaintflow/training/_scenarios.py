"""The scenarios a contact centre trains on: who the customer is and what they need.

A :class:`Scenario` is plain data: a ``brief`` for whoever plays the agent, the
:class:`CustomerScript` the simulated customer plays (the agent under test should not read
it: it is the customer's side), the :class:`~complaintflow.Policy` the complaint runs
under, and the ``rules`` it is about: the audit rules and outcome checks that a careless
agent fails in it.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal

import attrs
from attrs import field, frozen

from .._clocks.calendar import BusinessCalendar
from .._clocks.presets import fca_disp
from .._core.policy import Policy

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
"""When every simulated conversation starts: a Monday morning."""


class Mood(str, enum.Enum):
    """How the customer seems."""

    CALM = "calm"
    UPSET = "upset"
    ANGRY = "angry"

    def __str__(self) -> str:
        return self.value


class Fix(str, enum.Enum):
    """What fixes a concern: resolved in the first call, relief now and a planned fix by
    the follow-up contact, a planned fix only, or nothing (it cannot be fixed)."""

    NOW = "now"
    RELIEF = "relief"
    PLANNED = "planned"
    UNFIXABLE = "unfixable"

    def __str__(self) -> str:
        return self.value


@frozen
class ConcernScript:
    """One concern as the customer plays it.

    A restatement is agreed when it mentions every one of ``keywords`` (and the customer
    has already rejected ``picky`` restatements of it); ``restatement`` is one the
    customer agrees with. ``wants`` is the compensation (in the policy's first currency)
    without which the customer is not satisfied.
    """

    text: str
    keywords: tuple[str, ...]
    restatement: str
    correction: str
    impact: str
    severity: str
    fix: Fix
    remedy: str
    plan: str = ""
    explanation: str = ""
    accommodation: str = ""
    wants: Decimal | None = None
    picky: int = 0


@frozen(kw_only=True)
class CustomerScript:
    """The customer's side of a scenario. The first concern is what they call about; the
    rest they raise only when asked whether there is anything more.

    ``order`` is the customer's priority (indexes into ``concerns``, most urgent first);
    ``patience`` how many ignored or refused turns they bear before hanging up (``None``:
    never); ``needs_prevention`` that they want to hear it will not happen again.
    """

    name: str = field(repr=False)
    callback: str = field(repr=False)
    concerns: tuple[ConcernScript, ...]
    customer_id: str | None = None
    service: str | None = None
    mood: Mood = Mood.CALM
    vent: str | None = None
    circumstances: str | None = None
    history: str | None = None
    order: tuple[int, ...] | None = None
    patience: int | None = 8
    needs_prevention: bool = False
    root_cause: tuple[str, str, bool] | None = None
    prevention: str | None = None


TRAINING_POLICY = Policy(apology_before_response=False)
"""The scenarios' policy by default: the workflow does not force an apology, so that a
trainee can forget it and the audit says so."""


@frozen(kw_only=True)
class Scenario:
    """A training scenario: what the agent is told, the customer it meets, the policy,
    and the rules it is about."""

    name: str
    title: str
    brief: str
    source: str
    customer: CustomerScript
    rules: tuple[str, ...]
    policy: Policy = field(factory=lambda: TRAINING_POLICY)
    regulated: bool = False

    @property
    def fixable(self) -> bool:
        """Whether every concern can be fixed (else the best outcome is ``accepts``)."""
        return all(c.fix is not Fix.UNFIXABLE for c in self.customer.concerns)

    @property
    def best_response(self) -> str:
        """What the customer says at best when closure is sought."""
        return "satisfied" if self.fixable else "accepts"


_COMMON = ("apology_before_response", "empathy_expressed")

_LONDON = BusinessCalendar(time_zone="Europe/London")


_c = ConcernScript


PAYROLL_OUTAGE = Scenario(
    name="payroll_outage", title="Payroll outage",
    brief="A small firm's administrator calls about their payroll service.",
    source="IBM seven steps (the worked example)",
    customer=CustomerScript(
        name="Priya Shah", callback="+44 20 7946 0321", customer_id="ACME-4471",
        service="Payroll Plus", mood=Mood.UPSET, order=(1, 0),
        concerns=(
            _c("Invoices show our old VAT number.", ("vat",),
               "Your invoices print your previous VAT number.", "It's the VAT number.",
               "Customers query our invoices.", "medium", Fix.PLANNED,
               "Invoices reissued with the new VAT number.",
               plan="Correct the VAT number on the account and reissue the invoices."),
            _c("And payroll won't run at all.", ("payroll", "run"),
               "Payroll stops before it runs for anyone.", "No - it does not run at all.",
               "I cannot pay my staff on Friday.", "critical", Fix.RELIEF,
               "Payroll fixed and run.", plan="Engineers fix the payroll run.",
               accommodation="A manual payroll run today.", picky=1),
        )),
    rules=("concerns_heard", "customer_satisfied", *_COMMON))

VENTING_ESCALATION = Scenario(
    name="venting_escalation", title="Venting customer, escalation",
    brief="A customer calls, furious, about a delivery.",
    source="\"let them vent, always apologize, escalate to a supervisor\"",
    customer=CustomerScript(
        name="Tom Baker", callback="tom@example.com", mood=Mood.ANGRY,
        vent="This is the third missed delivery! I took the day off for it!",
        concerns=(
            _c("You missed my delivery again.", ("missed", "delivery"),
               "The courier missed your delivery slot again.", "They missed the delivery.",
               "I lost a day's pay.", "high", Fix.RELIEF, "Delivered on time.",
               plan="Courier delivers in the booked slot.",
               accommodation="Priority redelivery tomorrow, 8 to 10.",
               wants=Decimal(120)),
        )),
    rules=("calmed_first", "customer_satisfied", *_COMMON))

UNFIXABLE_CONCERN = Scenario(
    name="unfixable_concern", title="A concern that cannot be fixed",
    brief="A customer calls about photos lost in a storage migration.",
    source="IBM step 7a",
    customer=CustomerScript(
        name="Ana Lima", callback="+55 11 5555 0100", mood=Mood.UPSET,
        root_cause=("process", "Backups expired mid-migration.", True),
        prevention="Keep backups until migration sign-off.",
        concerns=(
            _c("My old photos were deleted in the migration.", ("photos",),
               "Your photos from before May are gone.", "It's my photos.",
               "Family photos are lost.", "high", Fix.UNFIXABLE, "",
               explanation="The backups expired before the fix.",
               accommodation="Two years of premium storage free."),
        )),
    rules=("customer_satisfied", *_COMMON))

DOUBLE_CHARGE = Scenario(
    name="double_charge", title="Charged twice",
    brief="A customer calls about their card statement.",
    source="contact-centre practice",
    customer=CustomerScript(
        name="Sam Okafor", callback="+44 161 496 0123", customer_id="C-2231",
        concerns=(
            _c("You took my subscription twice this month.", ("twice",),
               "You were charged twice for this month's subscription.",
               "I was charged twice.", "I'm overdrawn until payday.", "high", Fix.NOW,
               "The duplicate charge refunded today."),
        )),
    rules=_COMMON)

LOST_DELIVERY = Scenario(
    name="lost_delivery", title="A lost delivery",
    brief="A customer calls about an order that never arrived.",
    source="contact-centre practice",
    customer=CustomerScript(
        name="Li Wei", callback="li@example.com",
        concerns=(
            _c("My parcel never arrived.", ("parcel",),
               "Your parcel has not arrived.", "The parcel, it never came.",
               "It was my daughter's birthday present.", "high", Fix.RELIEF,
               "The courier found the parcel and delivered it.",
               plan="Trace the parcel with the courier.",
               accommodation="A replacement sent by next-day delivery."),
        )),
    rules=("promises_kept", *_COMMON))

BUSINESS_OUTAGE = Scenario(
    name="business_outage", title="An outage that stops a business",
    brief="A café owner calls about their card terminal.",
    source="contact-centre practice",
    customer=CustomerScript(
        name="Maria Rossi", callback="+44 117 496 0777", customer_id="SHOP-88",
        service="Card payments", mood=Mood.UPSET, order=(0, 1),
        concerns=(
            _c("Our card terminal has been down since opening.", ("terminal",),
               "Your card terminal has not worked since you opened.",
               "The terminal is down.", "We can only take cash.", "critical", Fix.RELIEF,
               "Terminal replaced and working.", plan="An engineer replaces the terminal.",
               accommodation="A loan terminal by courier within two hours."),
            _c("I've lost a morning of sales.", ("sales",),
               "You have lost this morning's sales.", "I lost sales.",
               "Half a day's takings.", "high", Fix.NOW,
               "Compensation for the lost morning.", wants=Decimal(40)),
        )),
    rules=("concerns_heard", "customer_satisfied", *_COMMON))

UNFIXABLE_DEFECT = Scenario(
    name="unfixable_defect", title="A defect that cannot be fixed",
    brief="A customer calls about a washing machine that keeps failing.",
    source="IBM step 7a; the three-step method",
    customer=CustomerScript(
        name="Jo Evans", callback="+44 29 2018 0000",
        concerns=(
            _c("The drum bearing failed again and you don't make the part.",
               ("part",), "The part your machine needs is no longer made.",
               "The part - you don't make it.", "No washing machine for a family of five.",
               "high", Fix.UNFIXABLE, "",
               explanation="The part was discontinued by the maker in 2024.",
               accommodation="30% off a new model, installed free."),
        )),
    rules=("customer_satisfied", *_COMMON))

ABUSIVE_THEN_CALM = Scenario(
    name="abusive_then_calming", title="Abusive, then calming",
    brief="A customer calls shouting about their broadband bill.",
    source="\"let them vent once they lose steam\"; best practice 1 (calm)",
    customer=CustomerScript(
        name="Rob Hart", callback="+44 113 496 0999", mood=Mood.ANGRY, patience=3,
        vent="You people are useless! Nobody ever listens! I want this sorted NOW!",
        concerns=(
            _c("My bill went up by twenty pounds without warning.", ("bill",),
               "Your bill rose by twenty pounds without notice.", "My bill went up.",
               "I budget to the pound.", "medium", Fix.NOW,
               "The old price restored and the difference refunded."),
        )),
    rules=("calmed_first", "customer_stayed", "empathy_expressed"))

VULNERABLE_CUSTOMER = Scenario(
    name="vulnerable_customer", title="A customer in vulnerable circumstances",
    brief="A recently bereaved customer calls about their late husband's account.",
    source="FCA FG21/1 (vulnerable customers); best practice 2 (empathy)",
    customer=CustomerScript(
        name="Edith Moore", callback="+44 1632 960 123", mood=Mood.UPSET,
        circumstances="My husband died last month and I'm trying to sort his affairs.",
        concerns=(
            _c("You keep sending bills in his name and charging late fees.", ("fees",),
               "Bills in your husband's name keep coming, with late fees.",
               "The late fees.", "It's upsetting every time one arrives.", "high",
               Fix.RELIEF, "The account closed and the fees refunded.",
               plan="The bereavement team closes the account.",
               accommodation="All charges frozen from today."),
        )),
    rules=("empathy_expressed", "customer_satisfied"))

REPEAT_COMPLAINANT = Scenario(
    name="repeat_complainant", title="A repeat complainant",
    brief="A customer calls about their broadband, again.",
    source="Evenson steps 2 and 5; best practice 5 (learning)",
    customer=CustomerScript(
        name="Dev Patel", callback="+44 121 496 0555", mood=Mood.UPSET,
        history="This is the third time I've called about this.", needs_prevention=True,
        root_cause=("equipment", "A faulty line card at the exchange.", True),
        prevention="Replace the line cards of that batch across the exchange.",
        concerns=(
            _c("My broadband drops every evening.", ("drops",),
               "Your broadband drops every evening.", "It drops out.",
               "I work from home in the evenings.", "high", Fix.PLANNED,
               "The line card replaced; the line is stable.",
               plan="Replace the line card at the exchange."),
        )),
    rules=("root_cause_and_prevention", "customer_satisfied", *_COMMON))

REGULATED_HOLDING = Scenario(
    name="regulated_holding_response", title="A regulated complaint needing a holding response",
    brief="A customer complains about a payment that never reached its payee (a payment "
          "service under FCA DISP: 15 business days, or a holding reply).",
    source="FCA DISP 1.6.2AR",
    regulated=True,
    policy=attrs.evolve(TRAINING_POLICY, regimes=(
        fca_disp(_LONDON, payment_services=True, acknowledgement=None),)),
    customer=CustomerScript(
        name="Grace Kim", callback="grace@example.com", customer_id="ACC-5521",
        concerns=(
            _c("My transfer to my landlord never arrived.", ("transfer",),
               "Your transfer to your landlord has not arrived.", "The transfer.",
               "My landlord is threatening a late fee.", "high", Fix.PLANNED,
               "The payment traced and credited to the landlord.",
               plan="Trace the payment with the receiving bank (takes about four weeks)."),
        )),
    rules=("regulatory_deadlines_met", *_COMMON))

CORRECTS_TWICE = Scenario(
    name="corrects_twice", title="A customer who corrects the restatement twice",
    brief="A customer calls about an insurance claim.",
    source="IBM steps 2a-2b",
    customer=CustomerScript(
        name="Nina Berg", callback="+44 131 496 0444",
        concerns=(
            _c("My claim was closed but nobody told me why.", ("closed", "why"),
               "Your claim was closed and nobody told you why.",
               "Not rejected - closed, and nobody said why.",
               "I don't know whether to appeal.", "medium", Fix.NOW,
               "The claim's closure explained in writing, with how to appeal.", picky=2),
        )),
    rules=("record_faithful", *_COMMON))

ABOVE_AUTHORITY = Scenario(
    name="compensation_above_authority", title="Compensation above the agent's authority",
    brief="A customer calls about a catering order that came two hours late to a party "
          "(the agent may offer up to 50 GBP).",
    source="best practice 7 (empowerment); escalation to a supervisor",
    customer=CustomerScript(
        name="Omar Haddad", callback="+44 20 7946 0999", mood=Mood.UPSET,
        concerns=(
            _c("The catering for my father's party came two hours late.", ("late",),
               "The catering for the party arrived two hours late.",
               "It came late - two hours.", "Sixty guests had no food.", "high", Fix.NOW,
               "The order refunded in full.", wants=Decimal(150)),
        )),
    rules=("customer_satisfied", *_COMMON))

SCENARIOS: tuple[Scenario, ...] = (
    PAYROLL_OUTAGE, VENTING_ESCALATION, UNFIXABLE_CONCERN, DOUBLE_CHARGE, LOST_DELIVERY,
    BUSINESS_OUTAGE, UNFIXABLE_DEFECT, ABUSIVE_THEN_CALM, VULNERABLE_CUSTOMER,
    REPEAT_COMPLAINANT, REGULATED_HOLDING, CORRECTS_TWICE, ABOVE_AUTHORITY)
"""Every built-in scenario: the sources' three first."""


def scenario(name: str) -> Scenario:
    """The built-in scenario called ``name``; :class:`KeyError` naming the known ones."""
    for found in SCENARIOS:
        if found.name == name:
            return found
    raise KeyError(f"no scenario {name!r}; known: {', '.join(s.name for s in SCENARIOS)}")
