"""The built-in rules: what the sources ask of a complaint, checked on its event log.

Each rule is a :class:`BuiltinRule` (plain data plus one check function); the registry is
:data:`BUILTIN_RULES`, in the order of the workflow. The checks read the events, never the
guards' outcome: a log exported from another system may break any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from attrs import frozen

from .. import events as ev
from .._clocks.evaluate import ClockState, deadlines
from .._core.definition import BEFORE_REVIEW, RECORDED_BY
from .._values.enums import CheckInOutcome, Emotion, InteractionalNeed, Owner, Severity
from ._model import NOT_APPLICABLE, Finding, Grade, failed, passed
from ._trail import Trail


@frozen
class BuiltinRule:
    """A rule of the library: its id, title, source, default grade, what it checks."""

    id: str
    title: str
    source: str
    severity: Grade
    checks: str
    function: Callable[[Trail], Finding]

    def check(self, trail: Trail) -> Finding:
        return self.function(trail)


# --- what counts as what -----------------------------------------------------------------

_RESPONSES = (ev.ReliefGiven, ev.ActionPlanned, ev.CompensationOffered, ev.ConcernResolved,
              ev.ConcernUnresolvable, ev.ResponseBegun)
"""Events that respond to the customer's concerns."""

_MOVED_ON = (ev.ConcernsComplete, ev.ConcernsPrioritized, ev.ImpactAssessed, ev.ImpactConfirmed,
             *_RESPONSES, ev.NextStepsConfirmed, ev.RecapBegun, ev.Recapped, ev.ClosureSought,
             ev.ComplaintClosed)
"""Events that show the conversation has moved on from listening."""

_BEFORE_REVIEW = (ev.StageChanged, *(cls for tag, cls in ev.EVENT_TYPES.items()
                                      if RECORDED_BY.get(tag) in BEFORE_REVIEW))
"""Events that may happen in a follow-up contact before its open items are reviewed."""

_SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


def _concerns_of(event: ev.Event) -> tuple[str, ...]:
    """The concern ids a response event is about (``()`` when it names none)."""
    if isinstance(event, ev.ActionPlanned):
        return event.concern_ids
    concern_id = getattr(event, "concern_id", None)
    return (concern_id,) if isinstance(concern_id, str) else ()


def _rounds(trail: Trail) -> Iterator[tuple[ev.AnyEvent, ...]]:
    """The log split at each ``complaint_reopened`` (which starts a new round)."""
    start = 0
    events = trail.events
    for index, event in enumerate(events):
        if type(event) is ev.ComplaintReopened:
            yield events[start:index]
            start = index
    yield events[start:]


def _sentence(parts: list[str]) -> str:
    """Clauses joined into one sentence (``capitalize`` would lower-case the ids)."""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _seqs(events: list[ev.ConcernHeard]) -> list[int]:
    return [event.seq for event in events]


def _ids(events: list[ev.ConcernHeard]) -> str:
    return ", ".join(event.concern_id for event in events)


@frozen
class _Listening:
    """One stretch of listening: the concerns heard, and the event that moved on."""

    heard: tuple[ev.ConcernHeard, ...]
    unconfirmed: tuple[ev.ConcernHeard, ...]
    moved_on: ev.AnyEvent
    open_concerns: tuple[str, ...]


def _listening(trail: Trail) -> list[_Listening]:
    """Every stretch of listening that ended, in order (computed once per trail)."""
    return trail.derived(_find_listening)


def _find_listening(trail: Trail) -> list[_Listening]:
    stretches: list[_Listening] = []
    pending: list[ev.ConcernHeard] = []
    confirmed: dict[str, bool] = {}
    restated: dict[str, bool] = {}
    open_ids: list[str] = []
    for event in trail.events:
        kind = type(event)
        if kind is ev.ConcernHeard:
            assert isinstance(event, ev.ConcernHeard)
            pending.append(event)
            open_ids.append(event.concern_id)
            restated[event.concern_id] = confirmed[event.concern_id] = False
        elif kind is ev.ConcernRestated:
            assert isinstance(event, ev.ConcernRestated)
            restated[event.concern_id], confirmed[event.concern_id] = True, False
        elif kind is ev.RestatementRejected:
            assert isinstance(event, ev.RestatementRejected)
            restated[event.concern_id] = confirmed[event.concern_id] = False
        elif kind is ev.ConcernConfirmed:
            assert isinstance(event, ev.ConcernConfirmed)
            confirmed[event.concern_id] = restated.get(event.concern_id, False)
        elif isinstance(event, _MOVED_ON):
            if pending:
                unconfirmed = tuple(h for h in pending if not confirmed[h.concern_id])
                stretches.append(_Listening(tuple(pending), unconfirmed, event, tuple(open_ids)))
                pending = []
            if kind is ev.ConcernResolved or kind is ev.ConcernUnresolvable:
                for concern_id in _concerns_of(event):
                    if concern_id in open_ids:
                        open_ids.remove(concern_id)
    return stretches


# --- IBM step 1: verify -------------------------------------------------------------------


def _identity_first(trail: Trail) -> Finding:
    acts = trail.of("relief_given", "action_planned", "compensation_offered")
    if not acts:
        return NOT_APPLICABLE
    verified = trail.first("customer_verified")
    early = [a for a in acts if verified is None or a.seq < verified.seq]
    if early:
        what = ", ".join(f"{a.type} (seq {a.seq})" for a in early)
        return failed(f"{what} came before the customer was verified.",
                      *(a.seq for a in early))
    assert verified is not None
    return passed(verified.seq)


# --- IBM step 2: listen ------------------------------------------------------------------


def _restated_confirmed(trail: Trail) -> Finding:
    stretches = _listening(trail)
    if not stretches:
        return NOT_APPLICABLE
    bad = [s for s in stretches if s.unconfirmed]
    if bad:
        evidence = [seq for s in bad for seq in (*_seqs(list(s.unconfirmed)), s.moved_on.seq)]
        said = "; ".join(f"{_ids(list(s.unconfirmed))} before {s.moved_on.type} "
                         f"(seq {s.moved_on.seq})" for s in bad)
        return failed(f"Not restated and confirmed by the customer: {said}.", *evidence)
    return passed(*(h.seq for s in stretches for h in s.heard))


def _more_concerns(trail: Trail) -> Finding:
    stretches = _listening(trail)
    if not stretches:
        return NOT_APPLICABLE
    bad = [s for s in stretches if type(s.moved_on) is not ev.ConcernsComplete]
    if bad:
        said = ", ".join(f"{s.moved_on.type} (seq {s.moved_on.seq})" for s in bad)
        return failed(f"The customer was not asked for more concerns before {said}.",
                      *(s.moved_on.seq for s in bad))
    return passed(*(s.moved_on.seq for s in stretches))


# --- IBM step 3: prioritize ----------------------------------------------------------------


def _priority(trail: Trail) -> Finding:
    several = [s for s in _listening(trail) if len(s.open_concerns) > 1]
    if not several:
        return NOT_APPLICABLE
    evidence: list[int] = []
    problems: list[str] = []
    for stretch in several:
        after = stretch.heard[-1].seq
        order: tuple[str, ...] | None = None
        for event in trail.events[after:]:
            if isinstance(event, ev.ConcernsPrioritized):
                order, seq = event.order, event.seq
                break
            if isinstance(event, (ev.ImpactAssessed, ev.ImpactConfirmed, *_RESPONSES)):
                break
        if order is None:
            problems.append(f"{len(stretch.open_concerns)} concerns were open at "
                            f"{stretch.moved_on.type} (seq {stretch.moved_on.seq}) and "
                            "the customer's order was not recorded")
            evidence.append(stretch.moved_on.seq)
        elif not set(stretch.open_concerns) <= set(order):
            missing = ", ".join(c for c in stretch.open_concerns if c not in order)
            problems.append(f"the customer's order (seq {seq}) leaves out {missing}")
            evidence.append(seq)
        else:
            evidence.append(seq)
    if problems:
        return failed(_sentence(problems), *evidence)
    return passed(*evidence)


# --- IBM step 4: impact --------------------------------------------------------------------


def _impact(trail: Trail) -> Finding:
    heard: dict[str, int] = {}
    agreed: dict[str, bool] = {}
    responded: set[str] = set()
    evidence: list[int] = []
    problems: list[str] = []
    for event in trail.events:
        kind = type(event)
        if kind is ev.ConcernHeard:
            assert isinstance(event, ev.ConcernHeard)
            heard[event.concern_id], agreed[event.concern_id] = event.seq, False
        elif kind is ev.ImpactAssessed:
            assert isinstance(event, ev.ImpactAssessed)
            agreed[event.concern_id] = False
        elif kind is ev.ImpactConfirmed:
            assert isinstance(event, ev.ImpactConfirmed)
            agreed[event.concern_id] = True
        elif isinstance(event, _RESPONSES):
            about = (tuple(c for c in heard if c not in responded) if kind is ev.ResponseBegun
                     else _concerns_of(event))
            for concern_id in about:
                if concern_id in responded or concern_id not in heard:
                    continue
                responded.add(concern_id)
                if not agreed[concern_id]:
                    problems.append(f"{concern_id} before {event.type} (seq {event.seq})")
                    evidence += [heard[concern_id], event.seq]
    if not responded:
        return NOT_APPLICABLE
    if problems:
        return failed("No impact described and agreed by the customer for "
                      + "; ".join(problems) + ".", *evidence)
    return passed(*_seqs_of(trail, "impact_confirmed"))


def _seqs_of(trail: Trail, event_type: str) -> list[int]:
    return [event.seq for event in trail.of(event_type)]


# --- conduct ---------------------------------------------------------------------------------


def _apology(trail: Trail) -> Finding:
    evidence: list[int] = []
    missing: list[int] = []
    for events in _rounds(trail):
        apology: int | None = None
        for event in events:
            kind = type(event)
            if kind is ev.Apologized and apology is None:
                apology = event.seq
            elif isinstance(event, _RESPONSES):
                if apology is None:
                    missing.append(event.seq)
                else:
                    evidence.append(apology)
                break
    if missing:
        where = ", ".join(f"seq {seq}" for seq in missing)
        return failed(f"No apology before the first response ({where}).", *missing)
    return passed(*evidence) if evidence else NOT_APPLICABLE


_JUDGED_AT = (*(cls.type for cls in _RESPONSES), ev.ComplaintClosed.type,
              ev.ComplaintWithdrawn.type)
"""Once one of these happened, a missing expression of empathy is a failure; before it, the
conversation may still be listening, and the agent may yet express it."""


def _empathy(trail: Trail) -> Finding:
    if not trail.has("concern_heard"):
        return NOT_APPLICABLE
    shown = trail.of("empathy_expressed")
    if shown:
        return passed(*(event.seq for event in shown))
    judged = trail.first(*_JUDGED_AT)
    if judged is None:  # still listening: too early to judge
        return NOT_APPLICABLE
    return failed("The agent never expressed empathy.", judged.seq)


SOLVING = (ev.ReliefGiven, ev.ActionPlanned, ev.CompensationOffered, ev.ConcernResolved,
           ev.ConcernUnresolvable)
"""Events that solve problems (``response_begun`` only moves the stage on)."""

_CALMING = {ev.CustomerVented: "no venting", ev.Apologized: "no apology",
            ev.EmpathyExpressed: "no empathy"}
"""What must come between the customer's anger and solving problems, and what its absence
is called."""


def _calm_before_solving(trail: Trail) -> Finding:
    if not any(isinstance(e, ev.EmotionRecorded) and e.emotion is Emotion.ANGRY
               for e in trail.of("emotion_recorded")):
        return NOT_APPLICABLE  # without walking the log: anger was never recorded
    return calmed_before_solving(trail.events)


def calmed_before_solving(events: Iterable[ev.Event], *, angry_from: int | None = None,
                          solving: tuple[type[ev.Event], ...] = SOLVING) -> Finding:
    """Whether, after each time the customer was angry, venting, an apology and empathy
    came before the next problem-solving act: the rule ``calmed_before_solving``.

    The customer is angry from each ``emotion_recorded`` of ``angry`` on; ``angry_from``
    is the ``seq`` from which they are known to be angry without such a record (a
    trainer's simulated customer, whose mood the scenario knows). ``solving`` are the
    acts that must wait (a trainer may count listening acts too).
    """
    angry = angry_from  # the seq of the anger not yet answered by problem-solving
    seen: dict[type[ev.Event], int] = {}
    evidence: list[int] = []
    problems: list[str] = []
    bad: list[int] = []
    for event in events:
        kind = type(event)
        if isinstance(event, ev.EmotionRecorded) and event.emotion is Emotion.ANGRY:
            if angry is None:
                angry, seen = event.seq, {}
        elif kind in _CALMING and angry is not None:
            seen.setdefault(kind, event.seq)
        elif isinstance(event, solving) and angry is not None:
            missing = [what for calming, what in _CALMING.items() if calming not in seen]
            if missing:
                problems.append(f"{event.type} (seq {event.seq}) came after the customer's "
                                f"anger (seq {angry}) with " + ", ".join(missing))
                bad += [angry, event.seq]
            else:
                evidence += [angry, *sorted(seen.values()), event.seq]
            angry = None
    if problems:
        return failed(_sentence(problems), *bad)
    return passed(*evidence) if evidence else NOT_APPLICABLE


def _needs_met(trail: Trail) -> Finding:
    if not trail.has("needs_recorded"):
        return NOT_APPLICABLE  # without walking the log: no needs were recorded
    needs: dict[str, ev.NeedsRecorded] = {}
    heard: dict[str, bool] = {}  # restated, then confirmed after the latest restatement
    restated: dict[str, bool] = {}
    explained: set[str | None] = set()  # the concerns explained; None: the whole complaint
    conduct: set[InteractionalNeed] = set()  # empathy and apology, in this round
    evidence: list[int] = []
    problems: list[str] = []
    bad: list[int] = []
    for event in trail.events:
        if isinstance(event, ev.ConcernRestated):
            restated[event.concern_id], heard[event.concern_id] = True, False
        elif isinstance(event, ev.RestatementRejected):
            restated[event.concern_id] = heard[event.concern_id] = False
        elif isinstance(event, ev.ConcernConfirmed):
            heard[event.concern_id] = restated.get(event.concern_id, False)
        elif isinstance(event, ev.EmpathyExpressed):
            conduct.add(InteractionalNeed.EMPATHY)
        elif isinstance(event, ev.Apologized):
            conduct.add(InteractionalNeed.APOLOGY)
        elif isinstance(event, ev.ComplaintReopened):
            conduct = set()
        elif isinstance(event, ev.NeedsRecorded):
            needs[event.concern_id] = event
        elif isinstance(event, ev.FindingExplained):
            explained.add(event.concern_id)
        elif isinstance(event, (ev.ConcernResolved, ev.ConcernUnresolvable)):
            if isinstance(event, ev.ConcernUnresolvable):
                explained.add(event.concern_id)
            recorded = needs.get(event.concern_id)
            if recorded is None:
                continue
            met = {*conduct}
            if heard.get(event.concern_id):
                met.add(InteractionalNeed.HEARD)
            if event.concern_id in explained or None in explained:
                met.add(InteractionalNeed.EXPLANATION)
            unmet = [need.value for need in recorded.interactional if need not in met]
            if unmet:
                problems.append(f"{event.concern_id} was closed ({event.type}, seq {event.seq}) "
                                "with its interactional needs unmet: " + ", ".join(unmet))
                bad += [recorded.seq, event.seq]
            else:
                evidence += [recorded.seq, event.seq]
    if problems:
        return failed(_sentence(problems), *bad)
    return passed(*evidence) if evidence else NOT_APPLICABLE


# --- IBM step 5: respond --------------------------------------------------------------------


def _top_priority(trail: Trail) -> Finding:
    severity: dict[str, int] = {}
    open_ids: list[str] = []
    order: tuple[str, ...] = ()
    order_seq: int | None = None
    responding = False
    checked: list[int] = []
    problems: list[str] = []
    for event in trail.events:
        if isinstance(event, ev.ConcernHeard):
            open_ids.append(event.concern_id)
        elif isinstance(event, ev.ConcernsPrioritized):
            order, order_seq = event.order, event.seq
        elif isinstance(event, ev.ImpactAssessed):
            severity[event.concern_id] = _SEVERITY_ORDER[event.severity]
        elif isinstance(event, ev.ResponseBegun):
            responding = True
        elif isinstance(event, (ev.ReliefGiven, ev.ActionPlanned)) and (
                responding or not checked):
            responding = False
            if len(open_ids) < 2:
                continue
            ranked = [c for c in order if c in open_ids] or sorted(
                open_ids, key=lambda c: (severity.get(c, 9), open_ids.index(c)))
            top = ranked[0]
            checked.append(event.seq)
            if top not in _concerns_of(event):
                basis = f"the customer's order (seq {order_seq})" if order else "its impact"
                problems.append(f"{event.type} (seq {event.seq}) is not for {top}, the top "
                                f"priority by {basis}")
        if isinstance(event, (ev.ConcernResolved, ev.ConcernUnresolvable)) and (
                event.concern_id in open_ids):
            open_ids.remove(event.concern_id)
    if not checked:
        return NOT_APPLICABLE
    if problems:
        return failed(_sentence(problems), *checked)
    return passed(*checked)


def _plan_items(trail: Trail) -> Finding:
    planned = trail.of("action_planned")
    if not planned:
        return NOT_APPLICABLE
    problems: list[str] = []
    bad: list[int] = []
    for event in planned:
        assert isinstance(event, ev.ActionPlanned)
        missing = []
        if not isinstance(event.owner, Owner):
            missing.append("no owner")
        if event.due <= event.at:
            missing.append("a due time that is not after it was planned")
        if not event.concern_ids:
            missing.append("no concern")
        if missing:
            problems.append(f"{event.action_id} (seq {event.seq}) has " + " and ".join(missing))
            bad.append(event.seq)
    if problems:
        return failed("; ".join(problems) + ".", *bad)
    return passed(*(event.seq for event in planned))


class _OpenItems:
    """The concerns and action items open at each point of a walk through a log."""

    def __init__(self) -> None:
        self.concerns: set[str] = set()
        self.actions: set[str] = set()

    def see(self, event: ev.Event) -> None:
        if isinstance(event, ev.ConcernHeard):
            self.concerns.add(event.concern_id)
        elif isinstance(event, (ev.ConcernResolved, ev.ConcernUnresolvable)):
            self.concerns.discard(event.concern_id)
        elif isinstance(event, ev.ActionPlanned):
            self.actions.add(event.action_id)
        elif isinstance(event, ev.ActionCompleted):
            self.actions.discard(event.action_id)

    def __bool__(self) -> bool:
        return bool(self.concerns or self.actions)


def _follow_up(trail: Trail) -> Finding:
    items = _OpenItems()
    follow_up_at = None
    pauses: list[int] = []
    bad: list[int] = []
    for event in trail.events:
        items.see(event)
        if isinstance(event, ev.FollowUpScheduled):
            follow_up_at = event.follow_up_at
        elif isinstance(event, ev.ComplaintReopened):
            follow_up_at = None
        elif isinstance(event, (ev.NextStepsConfirmed, ev.ContactEnded)) and items:
            pauses.append(event.seq)
            if follow_up_at is None or follow_up_at <= event.at:
                bad.append(event.seq)
    if not pauses:
        return NOT_APPLICABLE
    if bad:
        where = ", ".join(f"seq {seq}" for seq in bad)
        return failed(f"Items were still open and no follow-up was scheduled ({where}).", *bad)
    return passed(*pauses)


# --- IBM step 6: follow up ------------------------------------------------------------------


def _contacts(trail: Trail) -> Finding:
    items = _OpenItems()
    started: ev.ContactStarted | None = None
    reviewed = planned = False
    contacts: list[int] = []
    problems: list[str] = []
    evidence: list[int] = []
    for event in trail.events:
        items.see(event)
        if isinstance(event, ev.ContactStarted):
            started, reviewed, planned = event, False, False
            contacts.append(event.seq)
            continue
        if started is None:
            continue
        if isinstance(event, ev.OpenItemsReviewed):
            reviewed = True
        elif not reviewed and not isinstance(event, _BEFORE_REVIEW):
            problems.append(f"the contact at seq {started.seq} did {event.type} (seq "
                            f"{event.seq}) before reviewing the open items")
            evidence += [started.seq, event.seq]
            reviewed = True  # one finding per contact
        if isinstance(event, (ev.FollowUpScheduled, ev.ActionPlanned)):
            planned = True
        elif isinstance(event, ev.ContactEnded):
            if reviewed and items and not planned:
                problems.append(f"the contact at seq {started.seq} ended (seq {event.seq}) "
                                "with items open and no updated plan")
                evidence += [started.seq, event.seq]
            started = None
        elif isinstance(event, (ev.ComplaintClosed, ev.ComplaintWithdrawn, ev.RecapBegun)):
            started = None
    if not contacts:
        return NOT_APPLICABLE
    if problems:
        return failed(_sentence(problems), *evidence)
    return passed(*contacts)


def _briefing(trail: Trail) -> Finding:
    if not any(isinstance(e, ev.ActionPlanned) and e.involves_others
               and e.owner is Owner.COMPANY for e in trail.of("action_planned")):
        return NOT_APPLICABLE  # without walking the log: no company item involved others
    involving: set[str] = set()  # the open company items that involve others
    briefing: int | None = None  # the briefing since the latest contact started
    evidence: list[int] = []
    bad: list[int] = []
    for event in trail.events:
        if isinstance(event, ev.ActionPlanned):
            if event.involves_others and event.owner is Owner.COMPANY:
                involving.add(event.action_id)
        elif isinstance(event, ev.ActionCompleted):
            involving.discard(event.action_id)
        elif isinstance(event, ev.TeamBriefed):
            briefing = event.seq
        elif isinstance(event, ev.ContactStarted):
            if involving and briefing is None:
                bad.append(event.seq)
            elif involving:
                evidence += [briefing, event.seq] if briefing is not None else []
            briefing = None
    if bad:
        where = ", ".join(f"seq {seq}" for seq in bad)
        return failed("A follow-up contact started without an internal briefing while a "
                      f"company item involving others was open ({where}).", *bad)
    return passed(*evidence) if evidence else NOT_APPLICABLE


def _promises(trail: Trail) -> Finding:
    completed: dict[str, ev.ActionCompleted] = {}
    for event in trail.of("action_completed"):
        assert isinstance(event, ev.ActionCompleted)
        completed.setdefault(event.action_id, event)
    promised = [e for e in trail.of("action_planned")
                if isinstance(e, ev.ActionPlanned) and e.owner is not Owner.CUSTOMER]
    if not promised:
        return NOT_APPLICABLE
    problems: list[str] = []
    evidence: list[int] = []
    for action in promised:
        done = completed.get(action.action_id)
        if done is not None and done.at > action.due:
            problems.append(f"{action.action_id} was due {action.due.isoformat()} and "
                            f"completed {done.at.isoformat()}")
            evidence += [action.seq, done.seq]
        elif done is None and action.due < trail.as_of:
            problems.append(f"{action.action_id} was due {action.due.isoformat()} and is "
                            "still open")
            evidence.append(action.seq)
    if problems:
        return failed("Promises broken: " + "; ".join(problems) + ".", *evidence)
    return passed(*(action.seq for action in promised))


# --- best practice 7: empowerment, within limits ----------------------------------------------


def _authority(trail: Trail) -> Finding:
    """Per currency, the running total offered against the limit in force, recomputed from
    the log: the limits the events record are the writer's word, not evidence."""
    limits: dict[str, Decimal] = {limit.currency: limit.amount
                                  for limit in trail.policy.authority_limits}
    totals: dict[str, Decimal] = {}
    offers: list[int] = []
    problems: list[str] = []
    bad: list[int] = []
    for event in trail.events:
        if isinstance(event, ev.Escalated):
            granted, currency = event.authority_limit, event.currency
            if granted is not None and currency is not None and (
                    currency not in limits or granted > limits[currency]):
                limits[currency] = granted
        elif isinstance(event, ev.CompensationOffered):
            offers.append(event.seq)
            amount, currency = event.amount, event.currency
            if amount is None:
                continue
            offered = f"{amount:f} {currency or ''}".rstrip()
            if currency is None:
                problems.append(f"{offered} (seq {event.seq}) names no currency")
                bad.append(event.seq)
                continue
            before = totals.get(currency, Decimal(0))
            total = totals[currency] = before + amount
            limit = limits.get(currency)
            if limit is None:
                problems.append(f"{offered} (seq {event.seq}) is in a currency with no "
                                "authority limit in force")
                bad.append(event.seq)
            elif total > limit:
                above = (f"brings the total offered in {currency} to {total:f}, above"
                         if before else "is above")
                problems.append(f"{offered} (seq {event.seq}) {above} the authority limit of "
                                f"{limit:f} {currency}")
                bad.append(event.seq)
    if not offers:
        return NOT_APPLICABLE
    if problems:
        return failed("Compensation above authority: " + "; ".join(problems) + ".", *bad)
    return passed(*offers)


# --- IBM step 7: recap and close; Evenson: learn ----------------------------------------------


def _unfixable(trail: Trail) -> Finding:
    marked = trail.of("concern_unresolvable")
    if not marked:
        return NOT_APPLICABLE
    bad = [e for e in marked if isinstance(e, ev.ConcernUnresolvable)
           and not e.explanation.strip() and not (e.accommodation or "").strip()]
    if bad:
        ids = ", ".join(f"{e.concern_id} (seq {e.seq})" for e in bad)
        return failed(f"No explanation and no accommodation for {ids}.", *(e.seq for e in bad))
    return passed(*(event.seq for event in marked))


def _closing(trail: Trail) -> Finding:
    closes: list[int] = []
    problems: list[str] = []
    bad: list[int] = []
    for events in _rounds(trail):
        seen: set[type[ev.Event]] = set()
        for event in events:
            if type(event) is ev.ComplaintClosed:
                closes.append(event.seq)
                missing = [what for kind, what in ((ev.Recapped, "no recap"),
                                                   (ev.ClosureSought, "closure not sought"),
                                                   (ev.CustomerThanked, "no thanks"))
                           if kind not in seen]
                if missing:
                    problems.append(f"closed (seq {event.seq}) with " + ", ".join(missing))
                    bad.append(event.seq)
            seen.add(type(event))
    if not closes:
        return NOT_APPLICABLE
    if problems:
        return failed(_sentence(problems), *bad)
    return passed(*closes)


def _root_cause(trail: Trail) -> Finding:
    at_fault = [e for e in trail.of("root_cause_recorded")
                if isinstance(e, ev.RootCauseRecorded) and e.company_at_fault]
    if not at_fault:
        return NOT_APPLICABLE
    prevention = trail.of("preventive_action_recorded")
    if not prevention:
        return failed("The company was at fault and no preventive action was recorded.",
                      *(e.seq for e in at_fault))
    return passed(*(e.seq for e in at_fault), *(e.seq for e in prevention))


def _responsibility(trail: Trail) -> Finding:
    findings = trail.of("finding_explained")
    at_fault = [e for e in trail.of("root_cause_recorded")
                if isinstance(e, ev.RootCauseRecorded) and e.company_at_fault]
    if not findings or not at_fault:
        return NOT_APPLICABLE  # nothing explained, or the company was not at fault
    taken = trail.of("responsibility_taken")
    if not taken:
        return failed("The company was at fault and the customer was told what was found, "
                      "but responsibility was never taken explicitly.",
                      *(e.seq for e in at_fault), *(e.seq for e in findings))
    return passed(*(e.seq for e in at_fault), *(e.seq for e in taken))


def _check_in(trail: Trail) -> Finding:
    held = [e for e in trail.of("check_in_recorded") if isinstance(e, ev.CheckInRecorded)]
    if not held:
        return NOT_APPLICABLE
    reopened = [e.seq for e in trail.of("complaint_reopened")]
    back = [e for e in held if e.outcome is CheckInOutcome.PROBLEM_BACK]
    missed = [e for e in back if not any(seq > e.seq for seq in reopened)]
    if missed:
        return failed(_sentence([f"the check-in at seq {e.seq} found the problem back and the "
                                 "complaint was not reopened after it" for e in missed]),
                      *(e.seq for e in missed))
    acted = [seq for seq in reopened if any(e.seq < seq for e in back)]
    return passed(*(e.seq for e in held), *acted)


def _clocks(trail: Trail, service: bool) -> Finding:
    """The policy's clocks at the audit's time: the service levels, or the regulators'."""
    if not any((regime.name == _SERVICE) is service for regime in trail.policy.regimes):
        return NOT_APPLICABLE  # without folding the log: most audits have no clocks
    statuses = [status for status in deadlines(trail.complaint, at=trail.as_of)
                if (status.regime == _SERVICE) is service
                and status.state is not ClockState.NOT_APPLICABLE]
    if not statuses:
        return NOT_APPLICABLE
    evidence = sorted({seq for status in statuses
                       for seq in (status.started_by or 1, *status.stopped_by)})
    late = [status for status in statuses if status.breached]
    if late:
        return failed(_sentence([
            f"the {status.clock} clock of {status.regime} was due "
            f"{status.due_at:%Y-%m-%d %H:%M} UTC and "
            + ("was met late" if status.stopped_by else f"is overdue at "
               f"{trail.as_of:%Y-%m-%d %H:%M} UTC")
            for status in late]), *evidence)
    return passed(*evidence)


_SERVICE = "service"  # the regime name of service_clocks()


def _regulatory(trail: Trail) -> Finding:
    return _clocks(trail, service=False)


def _service(trail: Trail) -> Finding:
    return _clocks(trail, service=True)


# --- the registry -----------------------------------------------------------------------------

_C, _M, _m = Grade.CRITICAL, Grade.MAJOR, Grade.MINOR

BUILTIN_RULES: tuple[BuiltinRule, ...] = (
    BuiltinRule(
        "identity_verified_first", "Identity verified before any relief",
        "IBM step 1", _C,
        "The customer was verified (customer_verified) before any relief, action plan item or "
        "compensation.", _identity_first),
    BuiltinRule(
        "concerns_restated_and_confirmed", "Every concern restated and confirmed",
        "IBM steps 2a-2b", _M,
        "Every concern was restated by the agent and confirmed by the customer (after the "
        "latest restatement) before the conversation moved on from listening.",
        _restated_confirmed),
    BuiltinRule(
        "more_concerns_asked", "Asked for more concerns until there were none",
        "IBM steps 2c-2e", _M,
        "Each stretch of listening ended with the customer saying there was nothing more "
        "(concerns_complete) rather than with anything else.", _more_concerns),
    BuiltinRule(
        "priority_recorded", "The customer's priority recorded",
        "IBM step 3", _M,
        "When several concerns were open as listening ended, the customer's order of all of "
        "them was recorded before impact or response.", _priority),
    BuiltinRule(
        "impact_agreed", "Impact described and agreed before responding",
        "IBM step 4", _M,
        "Every concern had its impact assessed and confirmed by the customer (after the "
        "latest assessment) before the first response to it.", _impact),
    BuiltinRule(
        "apology_before_response", "Apology before the first response",
        "Evenson, \"always apologize\"; best practice 2", _M,
        "The agent apologized before the first response (relief, plan item, compensation, "
        "resolution or response_begun), in every round of the complaint.", _apology),
    BuiltinRule(
        "empathy_expressed", "Empathy expressed",
        "best practice 2", _m,
        "The agent expressed empathy at least once when the customer raised a concern "
        "(judged from the first response or the close; not applicable until then).",
        _empathy),
    BuiltinRule(
        "calmed_before_solving", "An angry customer heard out before problem-solving",
        "\"let them vent\" (\"once they lose steam\"), \"always apologize\"; best practices "
        "1 (stay calm) and 2 (empathy)", _M,
        "Whenever the customer was recorded as angry (record_emotion), the agent let them vent, "
        "apologized and expressed empathy after that, before the next problem-solving act "
        "(relief, plan item, compensation, resolution or unresolvable); not applicable when "
        "no anger was recorded.", _calm_before_solving),
    BuiltinRule(
        "interactional_needs_met", "A concern's interactional needs met before it closed",
        "the three-step method (\"interactional and transactional\" needs)", _M,
        "Every concern whose needs were recorded (record_needs) had each interactional need "
        "met when it was resolved or marked unresolvable: heard (restated and confirmed), "
        "empathy and apology (expressed in its round), explanation (a finding explained, or "
        "why it cannot be fixed); not applicable "
        "when no needs were recorded.", _needs_met),
    BuiltinRule(
        "top_priority_first", "Top-priority concern served first",
        "IBM step 5a", _M,
        "With several concerns open, the first relief or plan item of each response was for "
        "the customer's top priority (or, unprioritized, the most severe impact).",
        _top_priority),
    BuiltinRule(
        "plan_items_owned_and_due", "Every plan item has an owner and a due time",
        "IBM steps 5c, 5e", _M,
        "Every action plan item names an owner, a concern and a due time after it was "
        "planned.", _plan_items),
    BuiltinRule(
        "follow_up_scheduled", "A follow-up scheduled while items remain open",
        "IBM step 5f", _M,
        "Whenever the next steps were confirmed or a contact ended with concerns or action "
        "items open, a follow-up was scheduled for later.", _follow_up),
    BuiltinRule(
        "follow_up_contacts_reviewed", "Follow-up contacts open with a review and end with a plan",
        "IBM steps 6a, 6c", _M,
        "Every follow-up contact reviewed the open items before any other work, and a contact "
        "that ended with items open updated the plan (a plan item or a follow-up).",
        _contacts),
    BuiltinRule(
        "briefed_before_contact", "The team briefed before a contact that involves others",
        "IBM step 6 (meet the internal team before the call; \"control the messages being "
        "delivered\")", _M,
        "Every follow-up contact started while a company action item involving others was "
        "open was preceded by an internal briefing (brief_team) since the contact before; "
        "not applicable when no company item involved others.", _briefing),
    BuiltinRule(
        "promises_kept", "Promises kept",
        "best practice 3 (\"never promise what you can't deliver\")", _M,
        "Every agent or company action item was completed by its due time (or is not yet "
        "due when audited).", _promises),
    BuiltinRule(
        "compensation_within_authority", "Compensation within authority",
        "best practice 7; escalation to a supervisor", _C,
        "In each currency, the compensation amounts offered added up to no more than the "
        "authority limit in force for it (the policy's limit in that currency, raised only "
        "by escalations in it before the offer), and no amount was offered in a currency "
        "with no limit in force.", _authority),
    BuiltinRule(
        "unfixable_explained", "Unfixable concerns explained or accommodated",
        "IBM step 7a", _M,
        "Every concern marked unresolvable carries an explanation or an accommodation.",
        _unfixable),
    BuiltinRule(
        "closed_properly", "Recap, closure sought and thanks before closing",
        "IBM step 7; Evenson step 4", _M,
        "Every close was preceded, in its round, by a recap, seeking closure and thanking "
        "the customer.", _closing),
    BuiltinRule(
        "root_cause_and_prevention", "Root cause and prevention when at fault",
        "Evenson steps 2 and 5; best practice 5", _m,
        "When a root cause says the company was at fault, a preventive action was recorded.",
        _root_cause),
    BuiltinRule(
        "responsibility_when_at_fault", "Responsibility taken when the company was at fault",
        "Evenson step 2 (\"take full responsibility if your company is at fault\"); best "
        "practice 3", _M,
        "When the customer was told what was found (explain_finding) and a root cause says "
        "the company was at fault, the agent took responsibility explicitly "
        "(take_responsibility); not applicable when nothing was explained or the company was "
        "not at fault.", _responsibility),
    BuiltinRule(
        "check_in_acted_on", "A check-in that found the problem back reopened it",
        "Evenson step 4 (\"make a note to follow up later\"); best practices (\"follow up "
        "after the issue is resolved\")", _M,
        "Every check-in after the close (record_check_in) that found the problem back was "
        "followed by reopening the complaint; not applicable when no check-in was recorded. "
        "Whether the check-in was held on time is the service clock check_in's to say.",
        _check_in),
    BuiltinRule(
        "regulatory_deadlines_met", "Regulatory deadlines met",
        "the policy's regimes: FCA DISP 1.6, ASIC RG 271, CFPB, PSD2 Art. 101", _C,
        "No clock of the policy's regulatory regimes is breached at the audit's time: each "
        "was stopped in time (a final response, a holding response, ...) or is still "
        "within its limit.", _regulatory),
    BuiltinRule(
        "service_levels_met", "Service levels met",
        "the host's service clocks (service_clocks)", _m,
        "No service clock (first response, next contact, keep in the loop, check-in) is "
        "breached at the audit's time.", _service),
)
"""The built-in rules, in workflow order: the registry the rules reference is built from."""
