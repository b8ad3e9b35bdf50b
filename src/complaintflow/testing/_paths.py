"""Model-based paths: command sequences computed from the workflow definition.

The stages and routes come from the workflow definition. What the
definition cannot say is how to build a command whose guards pass, so each command name
has a *recipe* here that proposes concrete commands for a complaint as it stands. A
breadth-first search then applies them to real complaints (every step passes the real
guards, branches included: two concerns for the ``prioritizing`` route) and keeps, for
every stage and every route, the shortest command path that gets there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

import attrs
from attrs import frozen

from .. import commands as cmd
from .._core.complaint import Complaint
from .._core.definition import RECORDED_BY, ROW_OF
from .._core.policy import Policy
from .._core.workflow import WORKFLOW, Route
from .._values.checks import check_aware
from .._values.enums import Stage
from .._values.errors import ComplaintflowError, InvalidValueError
from .._values.parts import Concern
from ..commands import AnyCommand, Command
from ..events import Event, StageChanged
from ._recording import DEFAULT_START, Recording

STEP = timedelta(minutes=1)
"""The time between two steps of a path."""

_MAX_CONCERNS = 2  # enough for the prioritizing branch
_MAX_ACTIONS = 1


@frozen
class Transition:
    """One route of the workflow: ``command`` from ``source`` to ``dest`` (``None``: stays),
    taken when the named ``branch`` condition holds (``None``: unconditional, or the
    fallback when an earlier route's branch does not hold)."""

    command: str
    source: Stage
    dest: Stage | None
    branch: str | None = None

    def __str__(self) -> str:
        dest = self.dest.value if self.dest is not None else "(stays)"
        branch = f" [{self.branch}]" if self.branch else ""
        return f"{self.source.value} --{self.command}{branch}--> {dest}"


def _transition(route: Route) -> Transition:
    return Transition(route.command, route.source, route.dest,
                      route.branch.value if route.branch is not None else None)


def all_transitions() -> tuple[Transition, ...]:
    """Every transition of the workflow definition, in definition order."""
    return tuple(_transition(route) for route in WORKFLOW.routes)


@frozen
class Step:
    """One command of a path and the time it is applied at."""

    at: datetime
    command: AnyCommand


@frozen
class CommandPath:
    """Commands that, applied in order from a newly opened complaint, reach ``stage``,
    taking ``transitions`` on the way. Built under the default :class:`~complaintflow.Policy`."""

    start: datetime
    steps: tuple[Step, ...]
    stage: Stage
    transitions: tuple[Transition, ...]

    @property
    def commands(self) -> tuple[AnyCommand, ...]:
        return tuple(step.command for step in self.steps)

    def rebased(self, start: datetime, step: timedelta = STEP) -> CommandPath:
        """The same path opened at ``start``, ``step`` between commands.

        The times inside commands keep their distance from their own step (a follow-up is
        a day after the step that schedules it), so steps of more than a few minutes may
        break the guards of a long path.
        """
        check_aware(start, "start")
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise InvalidValueError("step must be a positive timedelta", argument="step")
        steps = []
        for n, old in enumerate(self.steps, start=1):
            at = start + step * n
            steps.append(Step(at, _shifted(old.command, at - old.at)))
        return CommandPath(start, tuple(steps), self.stage, self.transitions)

    def play(self, complaint_id: str = "PATH-1", *,
             policy: Policy | None = None) -> Recording:
        """Open a complaint at ``start`` and apply every step: its recording."""
        recording = Recording.open(complaint_id, at=self.start, policy=policy)
        for step in self.steps:
            recording = recording.apply(step.command, at=step.at)
        return recording


def _shifted(command: AnyCommand, delta: timedelta) -> AnyCommand:
    changes = {a.name: getattr(command, a.name) + delta for a in attrs.fields(type(command))
               if isinstance(getattr(command, a.name), datetime)}
    return attrs.evolve(command, **changes) if changes else command


# --- recipes: concrete commands whose guards pass ------------------------------------------

_Recipe = Callable[[Complaint, datetime], list[Command]]


def _first_concern(c: Complaint, wanted: Callable[[Concern], bool]) -> str | None:
    for concern in c.open_concerns:
        if wanted(concern):
            return concern.id
    return None


def _concern_recipe(wanted: Callable[[Concern], bool],
                    make: Callable[[str, datetime], Command]) -> _Recipe:
    def recipe(c: Complaint, at: datetime) -> list[Command]:
        concern_id = _first_concern(c, wanted)
        return [make(concern_id, at)] if concern_id is not None else []

    return recipe


def _later(make: Callable[[datetime], Command]) -> _Recipe:
    return lambda c, at: [make(at)]


def _always(*made: Command) -> _Recipe:
    return lambda c, at: list(made)


def _currency(complaint: Complaint) -> str:
    """A currency the policy sets a limit in (its first), else pounds sterling."""
    limits = complaint.policy.authority_limits
    return limits[0].currency if limits else "GBP"


def _compensation(complaint: Complaint) -> cmd.OfferCompensation:
    """A small credit in a currency with authority, or, without any, a goodwill gesture."""
    currency = _currency(complaint)
    limit = complaint.authority_limit(currency)
    if limit is None:
        return cmd.OfferCompensation(kind="gesture", description="A handwritten apology.")
    return cmd.OfferCompensation(kind="credit", description="Goodwill credit.",
                                 amount=min(Decimal(10), limit), currency=currency)


_RECIPES: dict[str, _Recipe] = {
    "verify_customer": _always(cmd.VerifyCustomer(name="Test Customer",
                                                  callback="+1 555 0100")),
    "refer": _always(cmd.Refer(reason="Another company's product.")),
    "assign": _always(cmd.Assign(agent="agent-2", skill="billing")),
    "hear_concern": lambda c, at: (
        [cmd.HearConcern(text=f"Problem number {len(c.concerns) + 1}.")]
        if len(c.concerns) < _MAX_CONCERNS else []),
    "restate_concern": _concern_recipe(
        lambda k: not k.confirmed and k.restatement is None,
        lambda i, at: cmd.RestateConcern(concern_id=i, restatement=f"You mean {i}.")),
    "confirm_concern": _concern_recipe(
        lambda k: not k.confirmed and k.restatement is not None,
        lambda i, at: cmd.ConfirmConcern(concern_id=i)),
    "reject_restatement": _concern_recipe(
        lambda k: not k.confirmed and k.restatement is not None,
        lambda i, at: cmd.RejectRestatement(concern_id=i, correction="Not quite.")),
    "no_more_concerns": _always(cmd.NoMoreConcerns()),
    "prioritize": lambda c, at: [cmd.Prioritize(
        order=tuple(reversed([k.id for k in c.open_concerns])))],
    "assess_impact": _concern_recipe(
        lambda k: k.impact is None,
        lambda i, at: cmd.AssessImpact(concern_id=i, description=f"What {i} costs.",
                                       severity="high")),
    "confirm_impact": _concern_recipe(
        lambda k: k.impact is not None and not k.impact.agreed,
        lambda i, at: cmd.ConfirmImpact(concern_id=i)),
    "begin_response": _always(cmd.BeginResponse()),
    "give_relief": _concern_recipe(
        lambda k: not k.relief,
        lambda i, at: cmd.GiveRelief(concern_id=i, description=f"Relief for {i}.")),
    "plan_action": lambda c, at: [] if len(c.actions) >= _MAX_ACTIONS or not c.open_concerns
    else [cmd.PlanAction(description="Fix it.", owner="agent", due=at + timedelta(days=2),
                         concern_ids=(c.open_concerns[0].id,))],
    "complete_action": lambda c, at: [cmd.CompleteAction(action_id=a.id)
                                      for a in c.open_actions[:1]],
    "resolve_concern": _concern_recipe(
        lambda k: True, lambda i, at: cmd.ResolveConcern(concern_id=i, resolution="Fixed.")),
    "mark_unresolvable": _concern_recipe(
        lambda k: True, lambda i, at: cmd.MarkUnresolvable(
            concern_id=i, explanation="It cannot be undone.", accommodation="A credit.")),
    "offer_compensation": lambda c, at: [] if c.compensations else [_compensation(c)],
    "schedule_follow_up": _later(lambda at: cmd.ScheduleFollowUp(at=at + timedelta(days=1))),
    "confirm_next_steps": _always(cmd.ConfirmNextSteps()),
    "start_contact": _always(cmd.StartContact(channel="phone")),
    "review_open_items": _always(cmd.ReviewOpenItems()),
    "end_contact": _always(cmd.EndContact()),
    "begin_recap": _always(cmd.BeginRecap()),
    "recap": _always(cmd.Recap(summary="Everything, concern by concern.")),
    "seek_closure": _always(cmd.SeekClosure(customer_response="satisfied")),
    "thank_customer": _always(cmd.ThankCustomer()),
    "close": _always(cmd.Close()),
    "reopen": _always(cmd.Reopen(reason="It happened again.")),
    "schedule_check_in": _later(lambda at: cmd.ScheduleCheckIn(due=at + timedelta(days=7),
                                                               channel="phone")),
    "record_check_in": _always(cmd.RecordCheckIn(outcome="still_resolved")),
    "apologize": _always(cmd.Apologize()),
    "express_empathy": _always(cmd.ExpressEmpathy()),
    "let_vent": _always(cmd.LetVent()),
    "record_emotion": _always(cmd.RecordEmotion(emotion="upset")),
    "record_needs": _concern_recipe(
        lambda k: k.needs is None, lambda i, at: cmd.RecordNeeds(
            concern_id=i, interactional=("heard",), transactional="Put it right.")),
    "explain_finding": _always(cmd.ExplainFinding(explanation="A step was skipped.")),
    "take_responsibility": _always(cmd.TakeResponsibility(note="Our mistake.")),
    "record_internal_note": _always(cmd.RecordInternalNote(text="Check the logs first.")),
    "brief_team": _always(cmd.BriefTeam(participants="billing",
                                        summary="Agree what to tell the customer.")),
    "escalate": lambda c, at: [cmd.Escalate(
        to="supervisor", reason="Needs more authority.", authority_limit=Decimal(200),
        currency=_currency(c))],
    "withdraw": _always(cmd.Withdraw(reason="The customer withdrew.")),
    "record_root_cause": _always(cmd.RecordRootCause(
        category="process", description="A step was skipped.", company_at_fault=True)),
    "record_preventive_action": _always(cmd.RecordPreventiveAction(
        description="Add the step to the checklist.", owner="team lead")),
    "record_feedback": lambda c, at: [] if c.feedback is not None else [
        cmd.RecordFeedback(score=5)],
    "record_communication": _always(cmd.RecordCommunication(kind="acknowledgement",
                                                            channel="email")),
    "classify": lambda c, at: [] if c.classification.product is not None else [
        _classification(c)],
    "record_decision": _always(cmd.RecordDecision(decision="upheld")),
    "record_redress": lambda c, at: [] if c.classification.redress else [cmd.RecordRedress(
        kind="distress_and_inconvenience", amount=Decimal(25), currency=_currency(c))],
    "record_vulnerability": _always(cmd.RecordVulnerability(drivers=("life_events",))),
}


def _classification(complaint: Complaint) -> cmd.Classify:
    """The first product and cause of the policy's taxonomy, or codes of its own."""
    taxonomy = complaint.policy.taxonomy
    if taxonomy is None:
        return cmd.Classify(product="current_account", cause="charges", channel="phone")
    return cmd.Classify(product=taxonomy.products[0].code, cause=taxonomy.causes[0].code,
                        channel="phone")


_unmatched = sorted(set(ROW_OF) ^ set(_RECIPES))
if _unmatched:  # a command without a recipe would leave its routes out of every path
    raise ComplaintflowError(
        "complaintflow.testing: the path recipes (_RECIPES in complaintflow/testing/_paths.py) "
        "and the workflow's commands differ: " + ", ".join(_unmatched))


def _candidates(complaint: Complaint, at: datetime) -> list[Command]:
    found: list[Command] = []
    for name in complaint.allowed_commands():
        found += [command for command in _RECIPES[name](complaint, at)
                  if complaint.check(command, at=at) is None]
    return found


def _key(c: Complaint) -> Hashable:
    """What matters for progress; conduct records, escalations and the like do not."""
    return (c.stage, c.customer is not None, bool(c.priority), c.apologized, c.recapped,
            c.closure is not None, c.thanked, c.feedback is not None,
            c.follow_up_at is not None,
            None if c.contact is None else c.contact.reviewed,
            tuple((k.status, k.restatement is not None, k.confirmed,
                   None if k.impact is None else k.impact.agreed, bool(k.relief))
                  for k in c.concerns),
            tuple(a.is_open for a in c.actions))


def _taken(before: Complaint, command: Command, after: Complaint) -> Transition:
    dest = after.stage if after.stage is not before.stage else None
    for route in WORKFLOW.routes_for(before.stage, command.command):
        if route.dest is dest:
            return _transition(route)
    raise AssertionError(f"{command.command} from {before.stage} matched no route")


@frozen
class _Node:
    complaint: Complaint
    parent: _Node | None
    command: Command | None
    transition: Transition | None
    depth: int


def _path(node: _Node, start: datetime) -> CommandPath:
    steps: list[Step] = []
    taken: list[Transition] = []
    stage = node.complaint.stage
    current: _Node | None = node
    while current is not None and current.command is not None:
        assert current.transition is not None
        steps.append(Step(start + STEP * current.depth, current.command))  # type: ignore[arg-type]  # recipes build the final command classes
        taken.append(current.transition)
        current = current.parent
    return CommandPath(start, tuple(reversed(steps)), stage, tuple(reversed(taken)))


@cache
def _search() -> tuple[dict[Stage, CommandPath], dict[Transition, CommandPath]]:
    """Breadth first from a new complaint: the shortest path to each stage and route."""
    start = DEFAULT_START
    root = _Node(Recording.open("PATH-1", at=start).complaint, None, None, None, 0)
    to_stage: dict[Stage, CommandPath] = {root.complaint.stage: _path(root, start)}
    to_transition: dict[Transition, CommandPath] = {}
    seen = {_key(root.complaint)}
    queue = deque([root])
    while queue:
        for child in _children(queue.popleft()):
            assert child.transition is not None
            if child.transition not in to_transition:
                to_transition[child.transition] = _path(child, start)
            if child.complaint.stage not in to_stage:
                to_stage[child.complaint.stage] = _path(child, start)
            key = _key(child.complaint)
            if key not in seen:
                seen.add(key)
                queue.append(child)
    return to_stage, to_transition


def _children(node: _Node) -> Iterator[_Node]:
    """The nodes one applied command away from ``node``, in the order of the candidates."""
    at = DEFAULT_START + STEP * (node.depth + 1)
    for command in _candidates(node.complaint, at):
        after = node.complaint.apply(command, at=at).complaint
        yield _Node(after, node, command, _taken(node.complaint, command, after),
                    node.depth + 1)


def shortest_paths(*, start: datetime = DEFAULT_START,
                   step: timedelta = STEP) -> dict[Stage, CommandPath]:
    """The shortest command path from a new complaint to every stage, opened at ``start``
    with ``step`` between commands."""
    return {stage: path.rebased(start, step) for stage, path in _search()[0].items()}


def covering_paths(*, start: datetime = DEFAULT_START,
                   step: timedelta = STEP) -> tuple[CommandPath, ...]:
    """A few paths that together take every transition of the workflow, opened at ``start``.

    Greedy: each path starts from a new complaint and keeps walking to the nearest
    transition no path has taken yet (breadth first from where it stands), until none is
    reachable from there; then the next path starts.
    """
    return tuple(path.rebased(start, step) for path in _cover())


@cache
def _cover() -> tuple[CommandPath, ...]:
    start = DEFAULT_START
    uncovered = set(all_transitions())
    paths: list[CommandPath] = []
    while uncovered:
        node = _Node(Recording.open("PATH-1", at=start).complaint, None, None, None, 0)
        while True:
            found = _nearest(node, uncovered)
            if found is None:
                break
            node = found
            uncovered -= set(_path(node, start).transitions)
        path = _path(node, start)
        if not path.steps:  # nothing left is reachable from a new complaint
            raise AssertionError("unreachable: " + ", ".join(sorted(map(str, uncovered))))
        paths.append(path)
    return tuple(paths)


def _nearest(origin: _Node, wanted: set[Transition]) -> _Node | None:
    """The first node (breadth first from ``origin``) reached by a ``wanted`` transition."""
    seen = {_key(origin.complaint)}
    queue = deque([origin])
    while queue:
        for child in _children(queue.popleft()):
            if child.transition in wanted:
                return child
            key = _key(child.complaint)
            if key not in seen:
                seen.add(key)
                queue.append(child)
    return None


# --- coverage of event logs --------------------------------------------------------------


@frozen
class CoverageReport:
    """Which transitions a set of event logs took, which they did not, and which events
    matched no transition at all (a log from elsewhere may break the workflow)."""

    covered: tuple[Transition, ...]
    missing: tuple[Transition, ...]
    unmatched: tuple[str, ...]

    @property
    def ratio(self) -> float:
        """Covered transitions as a share of all of them."""
        total = len(self.covered) + len(self.missing)
        return len(self.covered) / total if total else 1.0

    @property
    def complete(self) -> bool:
        return not self.missing

    def explain(self) -> str:
        """``covered/total transitions (percent)``, such as ``38/105 transitions (36.2%)``,
        then one line per missing transition and per event that matched none."""
        total = len(self.covered) + len(self.missing)
        lines = [f"{len(self.covered)}/{total} transitions ({self.ratio:.1%})"]
        lines += [f"  missing: {transition}" for transition in self.missing]
        lines += [f"  unmatched: {what}" for what in self.unmatched]
        return "\n".join(lines)


def transition_coverage(logs: Iterable[Iterable[Event]]) -> CoverageReport:
    """The transitions taken by ``logs`` (each one complaint's events, in order)."""
    taken: set[Transition] = set()
    unmatched: list[str] = []
    for log in logs:
        events = list(log)
        stage = Stage.VERIFYING
        for index, event in enumerate(events):
            if isinstance(event, StageChanged):
                stage = event.dest
                continue
            command = RECORDED_BY.get(event.type)
            if command is None:
                continue
            following = events[index + 1] if index + 1 < len(events) else None
            dest = following.dest if isinstance(following, StageChanged) else None
            match = [route for route in WORKFLOW.routes_for(stage, command) if route.dest is dest]
            if match:
                taken.add(_transition(match[0]))
            else:
                unmatched.append(f"seq {event.seq}: {event.type} in {stage.value}")
    every = all_transitions()
    return CoverageReport(tuple(t for t in every if t in taken),
                          tuple(t for t in every if t not in taken), tuple(unmatched))
