"""One typed command per row of the command table (see the concepts page of the docs).

A command is what somebody asks the complaint to do. Its ``command`` is the stable string a
bot sends as ``{"command": name, ...}``; its fields are the arguments, validated when the
command is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, final, get_args

from attrs import field, frozen

from ._values.checks import (
    WholeNumber,
    as_tuple,
    aware,
    distinct_ids,
    flag,
    non_blank,
    optional_currency,
    optional_non_blank,
    positive_amount,
    to_check_in_outcome,
    to_communication_kind,
    to_customer_response,
    to_decimal,
    to_decision,
    to_drivers,
    to_emotion,
    to_interactional,
    to_owner,
    to_redress_kind,
    to_severity,
    valid_amount,
)
from ._values.enums import (
    CheckInOutcome,
    CommunicationKind,
    CustomerResponse,
    Decision,
    Emotion,
    InteractionalNeed,
    Owner,
    RedressKind,
    Severity,
    VulnerabilityDriver,
)
from ._values.parts import about, redacting


def _amount(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, "amount")


def _authority_limit(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, "authority_limit")


def _redress_amount(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, "amount")


def _order(value: Iterable[str]) -> tuple[str, ...]:
    return as_tuple(value, "order", "a list of ids")


def _concern_ids(value: Iterable[str]) -> tuple[str, ...]:
    return as_tuple(value, "concern_ids", "a list of ids")


# Each argument says what it is once, in its field's metadata (``about``): the JSON Schemas,
# the agents' tool definitions and the docs' argument tables are derived from it.

_NOTE = about("What the agent said or did, in a few words, if worth keeping.")
_CONCERN = about("The concern's id, such as K1, as the reply to hear_concern gave it.",
                 refers="concern")


@frozen(kw_only=True)
class Command:
    """Base of every command; ``command`` is its stable JSON name.

    ``command_id`` is the host's id for this request (a webhook delivery, an agent's tool
    call). A complaint that has already applied a command with that id returns the earlier
    outcome instead of applying it twice; see :attr:`Applied.duplicate
    <complaintflow.Applied.duplicate>`.
    """

    command: ClassVar[str]
    command_id: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The host's id of this request (a webhook delivery, a tool call): a retry under the "
        "same id is answered from the first outcome. Set by the host, never by an agent."))


# --- verifying --------------------------------------------------------------------------


@final
@frozen(kw_only=True, field_transformer=redacting)
class VerifyCustomer(Command):
    """Record who is speaking, how to call them back, whether they are entitled to the
    service and which service the complaint needs (IBM step 1). Not entitled: refer them."""

    command: ClassVar[str] = "verify_customer"
    # personal data (personal=True): reprs show <redacted>
    name: str = field(validator=non_blank, metadata=about(
        "The name of the person speaking, as they give it.", personal=True))
    callback: str = field(validator=non_blank, metadata=about(
        "How to call them back: a phone number or an email address.", personal=True))
    customer_id: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "Their customer or account number, if they have one."))
    entitled: bool = field(default=True, validator=flag, metadata=about(
        "Whether they are entitled to the service; false refuses the verification (refer "
        "them instead)."))
    service: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The service or product the complaint is about, so that it reaches the right "
        "person."))


@final
@frozen(kw_only=True)
class Refer(Command):
    """Send the complaint elsewhere (not entitled, wrong company): it closes with outcome
    ``referred``."""

    command: ClassVar[str] = "refer"
    reason: str = field(validator=non_blank, metadata=about(
        "Why the complaint goes elsewhere, and where."))


@final
@frozen(kw_only=True)
class Assign(Command):
    """Hand the complaint to the person with the right skill."""

    command: ClassVar[str] = "assign"
    agent: str = field(validator=non_blank, metadata=about(
        "Who handles the complaint from now on (a name, a team or a queue)."))
    skill: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The skill the complaint needs, such as billing or payroll."))


# --- listening --------------------------------------------------------------------------


@final
@frozen(kw_only=True)
class HearConcern(Command):
    """Capture a concern in the customer's own words (IBM step 2); it gets the next id:
    ``K1``, ``K2`` and so on."""

    command: ClassVar[str] = "hear_concern"
    text: str = field(validator=non_blank, metadata=about(
        "The concern in the customer's own words."))


@final
@frozen(kw_only=True)
class RestateConcern(Command):
    """Say the concern back in the agent's own words."""

    command: ClassVar[str] = "restate_concern"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    restatement: str = field(validator=non_blank, metadata=about(
        "The concern said back in the agent's own words."))


@final
@frozen(kw_only=True)
class ConfirmConcern(Command):
    """The customer agrees with the restatement."""

    command: ClassVar[str] = "confirm_concern"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)


@final
@frozen(kw_only=True)
class RejectRestatement(Command):
    """The customer disagrees with the restatement: it is cleared and must be made again."""

    command: ClassVar[str] = "reject_restatement"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    correction: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What the customer says the agent got wrong."))


@final
@frozen(kw_only=True)
class NoMoreConcerns(Command):
    """The customer has nothing more to raise; every open concern must be restated and
    confirmed by then."""

    command: ClassVar[str] = "no_more_concerns"


# --- prioritizing and impact ------------------------------------------------------------


@final
@frozen(kw_only=True)
class Prioritize(Command):
    """The customer's order of the open concerns, most urgent first: every open concern
    id once (IBM step 3)."""

    command: ClassVar[str] = "prioritize"
    order: tuple[str, ...] = field(converter=_order, validator=distinct_ids, metadata=about(
        "Every open concern's id once, most urgent first, as the customer orders them.",
        refers="concern"))


@final
@frozen(kw_only=True)
class AssessImpact(Command):
    """What a concern means to the customer, and how severe it is (IBM step 4); assessing
    it again replaces the impact."""

    command: ClassVar[str] = "assess_impact"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    description: str = field(validator=non_blank, metadata=about(
        "What the problem means to the customer, such as \"cannot pay my staff on "
        "Friday\"."))
    severity: Severity = field(converter=to_severity, metadata=about(
        "How badly it hurts the customer."))
    restatement: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The impact said back in the agent's own words."))


@final
@frozen(kw_only=True)
class ConfirmImpact(Command):
    """The customer agrees with the impact as described."""

    command: ClassVar[str] = "confirm_impact"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)


@final
@frozen(kw_only=True)
class BeginResponse(Command):
    """Every open concern's impact is agreed (and, if the policy says so, the agent
    apologized): start responding."""

    command: ClassVar[str] = "begin_response"


# --- responding and following up --------------------------------------------------------


@final
@frozen(kw_only=True)
class GiveRelief(Command):
    """Immediate relief for what hurts most (IBM step 5)."""

    command: ClassVar[str] = "give_relief"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    description: str = field(validator=non_blank, metadata=about(
        "What was done for the customer now, such as \"ran payroll by hand today\"."))


@final
@frozen(kw_only=True)
class PlanAction(Command):
    """An action plan item with an owner and a due time after now; it gets the next id:
    ``A1``, ``A2`` and so on."""

    command: ClassVar[str] = "plan_action"
    description: str = field(validator=non_blank, metadata=about(
        "What will be done, by whom."))
    owner: Owner = field(converter=to_owner, metadata=about(
        "Who must do it: the agent, the customer or the company."))
    due: datetime = field(validator=aware, metadata=about(
        "When it must be done by; after the time of the command."))
    concern_ids: tuple[str, ...] = field(converter=_concern_ids, validator=distinct_ids,
                                         metadata=about("The open concerns it works on.",
                                                        refers="concern"))
    why_best: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "Why this is the best solution, not just the quickest, as told to the customer "
        "(Evenson step 3)."))
    involves_others: bool = field(default=False, validator=flag, metadata=about(
        "Whether it needs people beyond the agent, such as another team or a supplier; for "
        "a company item, the team is then briefed before each follow-up contact."))


@final
@frozen(kw_only=True)
class CompleteAction(Command):
    """An action item is done (at the command's time)."""

    command: ClassVar[str] = "complete_action"
    action_id: str = field(validator=non_blank, metadata=about(
        "The open action item's id, such as A1, as the reply to plan_action gave it.",
        refers="action"))
    note: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What was done, if worth keeping."))


@final
@frozen(kw_only=True)
class ResolveConcern(Command):
    """A concern is fixed."""

    command: ClassVar[str] = "resolve_concern"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    resolution: str = field(validator=non_blank, metadata=about(
        "How the concern was fixed."))


@final
@frozen(kw_only=True)
class MarkUnresolvable(Command):
    """A concern cannot be fixed: explain why, and accommodate where possible."""

    command: ClassVar[str] = "mark_unresolvable"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    explanation: str = field(validator=non_blank, metadata=about(
        "Why it cannot be fixed, as told to the customer."))
    accommodation: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What is offered instead, if anything."))


@final
@frozen(kw_only=True)
class OfferCompensation(Command):
    """Offer something of value. An ``amount`` is in ``currency`` (an ISO 4217 code; by
    default the policy's, when its limits name one currency), and is refused when the
    compensation offered in that currency would add up to more than the authority limit in
    force for it, until someone with more authority is escalated to."""

    command: ClassVar[str] = "offer_compensation"
    kind: str = field(validator=non_blank, metadata=about(
        "What kind of compensation, such as refund, goodwill_credit or service."))
    description: str = field(validator=non_blank, metadata=about(
        "What is offered, as told to the customer."))
    concern_id: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The concern it is for, if one; such as K1.", refers="concern"))
    amount: Decimal | None = field(default=None, converter=_amount, validator=valid_amount,
                                   metadata=about("The amount offered, if it is money."))
    currency: str | None = field(default=None, validator=optional_currency, metadata=about(
        "The amount's currency; by default the policy's, when its authority limits name "
        "one currency."))


@final
@frozen(kw_only=True)
class ScheduleFollowUp(Command):
    """When the next contact will happen; must be after now."""

    command: ClassVar[str] = "schedule_follow_up"
    at: datetime = field(validator=aware, metadata=about(
        "When the next contact will be; after the time of the command."))


@final
@frozen(kw_only=True)
class ConfirmNextSteps(Command):
    """The customer understands the next steps: every open concern has relief, a plan
    item, a resolution or an explanation, and while anything is open a follow-up is
    scheduled."""

    command: ClassVar[str] = "confirm_next_steps"


@final
@frozen(kw_only=True)
class StartContact(Command):
    """A new call or chat during follow-up (IBM step 6); its open items are reviewed
    before anything else is done in it."""

    command: ClassVar[str] = "start_contact"
    channel: str = field(validator=non_blank, metadata=about(
        "How the customer is in touch this time, such as phone, chat or email."))


@final
@frozen(kw_only=True)
class ReviewOpenItems(Command):
    """Go over the open items and what each side did; every contact starts with it."""

    command: ClassVar[str] = "review_open_items"


@final
@frozen(kw_only=True)
class EndContact(Command):
    """The contact is over; while anything is open, a follow-up must be scheduled."""

    command: ClassVar[str] = "end_contact"


@final
@frozen(kw_only=True)
class BeginRecap(Command):
    """Every concern is resolved or explained and no action item is open: move to the
    recap."""

    command: ClassVar[str] = "begin_recap"


# --- recapping and closing --------------------------------------------------------------


@final
@frozen(kw_only=True)
class Recap(Command):
    """Recap every concern and its outcome (IBM step 7)."""

    command: ClassVar[str] = "recap"
    summary: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The recap as told to the customer: every concern and its outcome."))


@final
@frozen(kw_only=True)
class SeekClosure(Command):
    """Ask whether the customer is satisfied, after the recap."""

    command: ClassVar[str] = "seek_closure"
    customer_response: CustomerResponse = field(converter=to_customer_response, metadata=about(
        "What the customer said when asked whether they are satisfied."))


@final
@frozen(kw_only=True)
class ThankCustomer(Command):
    """Thank the customer for raising the complaint."""

    command: ClassVar[str] = "thank_customer"


@final
@frozen(kw_only=True)
class Close(Command):
    """Close the complaint after the recap, closure sought and (if the policy says so)
    thanks: outcome ``unresolved`` if the customer was dissatisfied, else ``resolved``."""

    command: ClassVar[str] = "close"


@final
@frozen(kw_only=True)
class Reopen(Command):
    """Reopen a closed complaint within the policy's window, if the customer was verified.
    A new round: the recap, closure, thanks, follow-up time, recorded conduct and feedback
    are cleared."""

    command: ClassVar[str] = "reopen"
    reason: str = field(validator=non_blank, metadata=about(
        "Why the customer came back."))


@final
@frozen(kw_only=True)
class ScheduleCheckIn(Command):
    """Agree to check in with the customer after the close, to make sure the problem stays
    fixed (Evenson step 4: "make a note to follow up later"; the best practices: "a phone
    call, an email, or a feedback survey"). In the recap or once closed; the check-in must
    fall within the policy's reopen window after closing, so that a problem that is back
    can be reopened. A new one replaces the one scheduled before."""

    command: ClassVar[str] = "schedule_check_in"
    due: datetime = field(validator=aware, metadata=about(
        "When to check in: after the time of the command, and within the policy's reopen "
        "window after closing."))
    channel: str = field(validator=non_blank, metadata=about(
        "How to check in: a phone call, an email or a feedback survey."))


@final
@frozen(kw_only=True)
class RecordCheckIn(Command):
    """What the scheduled check-in after the close found: the problem stays fixed, it is
    back (then reopen the complaint), or the customer could not be reached. The customer's
    score, when they give one, is their feedback."""

    command: ClassVar[str] = "record_check_in"
    outcome: CheckInOutcome = field(converter=to_check_in_outcome, metadata=about(
        "What the check-in found: still_resolved, problem_back or no_reply."))
    note: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What the customer said, if anything."))
    score: int | None = field(default=None, validator=WholeNumber(1, 5, optional=True),
                              metadata=about("The customer's score of how the complaint was "
                                             "handled, from 1 (poor) to 5 (excellent), if "
                                             "they gave one: their feedback."))


# --- conduct, escalation and learning (most stages) -------------------------------------


@final
@frozen(kw_only=True)
class Apologize(Command):
    """Always apologize (Evenson; best practice 2)."""

    command: ClassVar[str] = "apologize"
    note: str | None = field(default=None, validator=optional_non_blank, metadata=_NOTE)


@final
@frozen(kw_only=True)
class ExpressEmpathy(Command):
    """Show that the agent understands how the customer feels."""

    command: ClassVar[str] = "express_empathy"
    note: str | None = field(default=None, validator=optional_non_blank, metadata=_NOTE)


@final
@frozen(kw_only=True)
class LetVent(Command):
    """Let the customer vent without interrupting."""

    command: ClassVar[str] = "let_vent"
    note: str | None = field(default=None, validator=optional_non_blank, metadata=_NOTE)


@final
@frozen(kw_only=True)
class RecordEmotion(Command):
    """How the customer seems now, as the agent observes it: calm, upset or angry (let
    them vent "once they lose steam"; stay calm). Recorded at points of the conversation,
    so that an audit can see whether venting, an apology and empathy came before
    problem-solving when the customer was angry."""

    command: ClassVar[str] = "record_emotion"
    emotion: Emotion = field(converter=to_emotion, metadata=about(
        "How the customer seems now: calm, upset or angry."))
    note: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What showed it, in a few words, if worth keeping."))


@final
@frozen(kw_only=True)
class ExplainFinding(Command):
    """Tell the customer, clearly and honestly, what was found (Evenson step 2: "be clear
    and honest with the customer about what you discover"): what they are told, apart from
    the internal root-cause record (``record_root_cause``)."""

    command: ClassVar[str] = "explain_finding"
    explanation: str = field(validator=non_blank, metadata=about(
        "What was found, as told to the customer."))
    concern_id: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The concern it explains, such as K1, if it is about one.", refers="concern"))


@final
@frozen(kw_only=True)
class TakeResponsibility(Command):
    """Take responsibility, explicitly, for what the company got wrong (Evenson step 2:
    "take full responsibility if your company is at fault"; best practice 3)."""

    command: ClassVar[str] = "take_responsibility"
    note: str | None = field(default=None, validator=optional_non_blank, metadata=_NOTE)


@final
@frozen(kw_only=True)
class RecordInternalNote(Command):
    """A note for the team, never part of what the customer is told (IBM step 6: "don't air
    dirty laundry in front of the customer"): customer-facing views leave it out."""

    command: ClassVar[str] = "record_internal_note"
    text: str = field(validator=non_blank, metadata=about(
        "The note, for the team only.", internal=True))
    concern_id: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "The concern it is about, such as K1, if any.", refers="concern"))


@final
@frozen(kw_only=True)
class BriefTeam(Command):
    """The internal team met before a follow-up contact, to agree what the customer will
    be told (IBM step 6: meet the internal team before the call, "control the messages
    being delivered"). Required before a contact while a company item involves others."""

    command: ClassVar[str] = "brief_team"
    participants: str = field(validator=non_blank, metadata=about(
        "Who took part, such as billing and the courier's account manager."))
    summary: str = field(validator=non_blank, metadata=about(
        "What was agreed, for the team only.", internal=True))


@final
@frozen(kw_only=True)
class RecordNeeds(Command):
    """What a concern needs (the three-step method: "your customer's needs will almost
    always fall into two categories: interactional and transactional"): how the customer
    needs to be treated, and what must be done. Recording them again replaces them."""

    command: ClassVar[str] = "record_needs"
    concern_id: str = field(validator=non_blank, metadata=_CONCERN)
    interactional: tuple[InteractionalNeed, ...] = field(
        converter=to_interactional, metadata=about(
            "How the customer needs to be treated while it is handled: heard (restated and "
            "confirmed), empathy, apology, explanation."))
    transactional: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What must be done about it, in a few words, such as \"staff paid by Friday\"."))


@final
@frozen(kw_only=True)
class Escalate(Command):
    """Hand over to someone with more authority; a higher ``authority_limit`` raises the
    limit in force in ``currency`` (by default the policy's, when its limits name one
    currency), or grants one in a currency the policy sets none for."""

    command: ClassVar[str] = "escalate"
    to: str = field(validator=non_blank, metadata=about(
        "Who takes over, such as supervisor or duty manager."))
    reason: str = field(validator=non_blank, metadata=about("Why it is escalated."))
    authority_limit: Decimal | None = field(
        default=None, converter=_authority_limit, validator=valid_amount, metadata=about(
            "The authority limit of the person taken over by, if higher than the one in "
            "force: what the compensation offered in currency may then add up to."))
    currency: str | None = field(default=None, validator=optional_currency, metadata=about(
        "The authority limit's currency; by default the policy's, when its authority "
        "limits name one currency."))


@final
@frozen(kw_only=True)
class Withdraw(Command):
    """The customer withdraws the complaint: it closes with outcome ``withdrawn``."""

    command: ClassVar[str] = "withdraw"
    reason: str = field(validator=non_blank, metadata=about(
        "Why the customer withdraws the complaint, in their words."))


@final
@frozen(kw_only=True)
class RecordRootCause(Command):
    """Why it went wrong (Evenson step 2; best practice 5, DISP 1.3.3R); with
    ``vulnerability_failure``, the complaint was caused by a failure to consider or respond
    to the customer's vulnerability."""

    command: ClassVar[str] = "record_root_cause"
    category: str = field(validator=non_blank, metadata=about(
        "The kind of cause, such as process, people, product or third party."))
    description: str = field(validator=non_blank, metadata=about(
        "What went wrong, for the company's records (explain_finding says what the customer "
        "is told).", internal=True))
    company_at_fault: bool = field(validator=flag, metadata=about(
        "Whether the company was at fault; then a preventive action is due."))
    vulnerability_failure: bool = field(default=False, validator=flag, metadata=about(
        "Whether the cause was a failure to consider or respond to the customer's "
        "vulnerability."))


@final
@frozen(kw_only=True)
class RecordPreventiveAction(Command):
    """What will stop it happening again (Evenson step 5)."""

    command: ClassVar[str] = "record_preventive_action"
    description: str = field(validator=non_blank, metadata=about(
        "What will stop it happening again."))
    owner: str = field(validator=non_blank, metadata=about(
        "Who will do it, such as a team."))


@final
@frozen(kw_only=True)
class RecordFeedback(Command):
    """The customer's score, 1 to 5, after closing; recorded once."""

    command: ClassVar[str] = "record_feedback"
    score: int = field(validator=WholeNumber(1, 5), metadata=about(
        "The customer's score, from 1 (poor) to 5 (excellent)."))
    comment: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What the customer said, if anything."))


@final
@frozen(kw_only=True)
class RecordCommunication(Command):
    """A regulated communication was sent to the customer: an acknowledgement, a holding or
    final response, a summary resolution, or their referral rights. The regulatory clocks
    (:func:`~complaintflow.deadlines`) stop on them."""

    command: ClassVar[str] = "record_communication"
    kind: CommunicationKind = field(converter=to_communication_kind, metadata=about(
        "Which regulated communication was sent."))
    channel: str = field(validator=non_blank, metadata=about(
        "How it was sent, such as email or letter."))
    summary: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "What it said, in a few words."))


# --- what the complaint returns count (every stage) ------------------------------------


@final
@frozen(kw_only=True)
class Classify(Command):
    """File the complaint under a ``product`` (or service) and a ``cause`` (category codes
    of the policy's taxonomy, when it has one), and the ``channel`` it came in by; doing it
    again replaces them."""

    command: ClassVar[str] = "classify"
    product: str = field(validator=non_blank, metadata=about(
        "The product or service complained about: a category code of the policy's "
        "taxonomy, when it has one."))
    cause: str = field(validator=non_blank, metadata=about(
        "What the complaint is about: a cause code of the policy's taxonomy, when it has "
        "one."))
    channel: str | None = field(default=None, validator=optional_non_blank, metadata=about(
        "How the complaint came in, such as phone, email or chat."))


@final
@frozen(kw_only=True)
class RecordDecision(Command):
    """The firm's decision on the complaint: ``upheld``, ``partly_upheld`` or
    ``not_upheld``; a later decision replaces it."""

    command: ClassVar[str] = "record_decision"
    decision: Decision = field(converter=to_decision, metadata=about(
        "The firm's decision: upheld, partly_upheld or not_upheld."))


@final
@frozen(kw_only=True)
class RecordRedress(Command):
    """Redress paid to the customer: what for (``kind``) and how much, in ``currency`` (by
    default the policy's, when its limits name one currency). An amount above zero."""

    command: ClassVar[str] = "record_redress"
    kind: RedressKind = field(converter=to_redress_kind, metadata=about(
        "What the redress was paid for."))
    amount: Decimal = field(converter=_redress_amount, validator=positive_amount,
                            metadata=about("How much was paid: a decimal amount above zero."))
    currency: str | None = field(default=None, validator=optional_currency, metadata=about(
        "The amount's currency; by default the policy's, when its authority limits name "
        "one currency."))


@final
@frozen(kw_only=True)
class RecordVulnerability(Command):
    """The customer is in vulnerable circumstances, by the FCA's drivers (``health``,
    ``life_events``, ``resilience``, ``capability``), however it was disclosed; the drivers
    only, never the details. Drivers recorded later are added."""

    command: ClassVar[str] = "record_vulnerability"
    drivers: tuple[VulnerabilityDriver, ...] = field(converter=to_drivers, metadata=about(
        "The FCA's drivers of the customer's vulnerability (health, life_events, "
        "resilience, capability): the drivers only, never the details."))


AnyCommand = (
    VerifyCustomer | Refer | Assign | HearConcern | RestateConcern | ConfirmConcern |
    RejectRestatement | NoMoreConcerns | Prioritize | AssessImpact | ConfirmImpact |
    BeginResponse | GiveRelief | PlanAction | CompleteAction | ResolveConcern |
    MarkUnresolvable | OfferCompensation | ScheduleFollowUp | ConfirmNextSteps | StartContact |
    ReviewOpenItems | EndContact | BeginRecap | Recap | SeekClosure | ThankCustomer | Close |
    Reopen | Apologize | ExpressEmpathy | LetVent | RecordEmotion | Escalate | Withdraw |
    RecordNeeds | ExplainFinding | TakeResponsibility | RecordInternalNote | BriefTeam |
    RecordRootCause |
    RecordPreventiveAction | RecordFeedback | ScheduleCheckIn | RecordCheckIn |
    RecordCommunication | Classify | RecordDecision |
    RecordRedress | RecordVulnerability
)
"""Every command class; the workflow handles each of them."""

COMMAND_TYPES: dict[str, type[AnyCommand]] = {cls.command: cls for cls in get_args(AnyCommand)}
"""Command classes by their stable JSON name."""

__all__ = [
    "COMMAND_TYPES",
    "AnyCommand",
    "Apologize",
    "AssessImpact",
    "Assign",
    "BeginRecap",
    "BeginResponse",
    "BriefTeam",
    "Classify",
    "Close",
    "Command",
    "CompleteAction",
    "ConfirmConcern",
    "ConfirmImpact",
    "ConfirmNextSteps",
    "EndContact",
    "Escalate",
    "ExplainFinding",
    "ExpressEmpathy",
    "GiveRelief",
    "HearConcern",
    "LetVent",
    "MarkUnresolvable",
    "NoMoreConcerns",
    "OfferCompensation",
    "PlanAction",
    "Prioritize",
    "Recap",
    "RecordCheckIn",
    "RecordCommunication",
    "RecordDecision",
    "RecordEmotion",
    "RecordFeedback",
    "RecordInternalNote",
    "RecordNeeds",
    "RecordPreventiveAction",
    "RecordRedress",
    "RecordRootCause",
    "RecordVulnerability",
    "Refer",
    "RejectRestatement",
    "Reopen",
    "ResolveConcern",
    "RestateConcern",
    "ReviewOpenItems",
    "ScheduleCheckIn",
    "ScheduleFollowUp",
    "SeekClosure",
    "StartContact",
    "TakeResponsibility",
    "ThankCustomer",
    "VerifyCustomer",
    "Withdraw",
]
