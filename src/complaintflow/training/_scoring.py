"""Scoring: a run's audit scorecard plus its outcome, and pass^k over seeded runs."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from attrs import field, frozen

from .. import events as ev
from ..audit import Grade, Item, Scorecard, Verdict, audit
from ..audit._builtin import SOLVING, calmed_before_solving
from ..events import Event
from ._customers import Customer, SimulatedCustomer
from ._play import MAX_MOVES, AgentFactory, Conversation, play
from ._scenarios import SCENARIOS, Mood, Scenario

OUTCOME_SOURCE = "complaintflow.training (outcome)"

OUTCOME_CHECKS: dict[str, tuple[str, Grade]] = {
    "customer_stayed": ("The customer stayed until the complaint was closed", Grade.CRITICAL),
    "concerns_heard": ("Every concern the customer had was heard", Grade.MAJOR),
    "calmed_first": ("An angry customer vented and heard an apology and empathy before "
                     "problem-solving", Grade.MAJOR),
    "record_faithful": ("What was recorded for the customer is what they said", Grade.MAJOR),
    "customer_satisfied": ("The customer is satisfied (or accepts what cannot be fixed)",
                           Grade.MAJOR),
}
"""The outcome checks a run is scored on beside the audit's rules: their titles and
grades. Promises kept and clocks met are the audit's ``promises_kept``,
``regulatory_deadlines_met`` and ``service_levels_met``."""

def _item(check: str, verdict: Verdict, explanation: str = "",
          evidence: Sequence[int] = ()) -> Item:
    title, grade = OUTCOME_CHECKS[check]
    return Item(rule_id=check, title=title, source=OUTCOME_SOURCE, severity=grade,
                result=verdict, evidence=tuple(evidence),
                explanation=explanation if verdict is Verdict.FAILED else "")


_MOVING_ON = (ev.ConcernRestated, ev.ConcernsComplete, ev.ConcernsPrioritized,
              ev.ImpactAssessed, ev.ResponseBegun, *SOLVING)
"""What an angry customer must be calmed before: solving problems (the audit rule's), and
moving the conversation on from hearing them out (a restatement interrupts the venting)."""


def _calmed_first(scenario: Scenario, events: Sequence[Event]) -> Item:
    """The audit's ``calmed_before_solving`` for a customer the scenario knows is angry
    from the start, whether or not the agent recorded it, and with the conversation's
    moving on counted as well as problem-solving."""
    if scenario.customer.mood is not Mood.ANGRY:
        return _item("calmed_first", Verdict.NOT_APPLICABLE)
    found = calmed_before_solving(events, angry_from=1, solving=_MOVING_ON)
    return _item("calmed_first", found.verdict, found.explanation, found.evidence)


def outcome_items(conversation: Conversation) -> tuple[Item, ...]:
    """The outcome checks of a conversation, as scorecard items. With a customer other
    than a :class:`SimulatedCustomer`, what only the customer knows (whether every
    concern was heard, whether the record is faithful) is not applicable, and
    satisfaction is read from the closure the agent recorded."""
    scenario, events = conversation.scenario, conversation.events
    items = [_item("customer_stayed", Verdict.PASSED) if conversation.ended == "closed" else
             _item("customer_stayed", Verdict.FAILED, "The customer hung up."
                   if conversation.ended == "withdrawn" else
                   "The conversation stopped before the complaint was closed.")]
    customer = conversation.customer
    simulated = isinstance(customer, SimulatedCustomer)
    if simulated:
        assert isinstance(customer, SimulatedCustomer)
        heard = set(customer.ids.values())
        unheard = [c.text for i, c in enumerate(scenario.customer.concerns) if i not in heard]
        items.append(_item("concerns_heard", Verdict.FAILED if unheard else Verdict.PASSED,
                           "Never heard: " + " ".join(unheard)))
    else:
        items.append(_item("concerns_heard", Verdict.NOT_APPLICABLE))
    items.append(_calmed_first(scenario, events))
    if simulated:
        assert isinstance(customer, SimulatedCustomer)
        wrong = customer.misrecorded
        items.append(_item("record_faithful", Verdict.FAILED if wrong else Verdict.PASSED,
                           "The agent " + "; ".join(wrong) + "." if wrong else ""))
        verdict = customer.verdict
    else:
        items.append(_item("record_faithful", Verdict.NOT_APPLICABLE))
        sought = [e for e in events if e.type == "closure_sought"]
        verdict = str(getattr(sought[-1], "customer_response", "")) if sought else None
    best = {"satisfied"} if scenario.fixable else {"satisfied", "accepts"}
    if conversation.ended == "closed" and verdict in best:
        items.append(_item("customer_satisfied", Verdict.PASSED))
    else:
        said = (f"The customer ended {verdict}." if verdict is not None and
                conversation.ended == "closed" else "The complaint did not close with the "
                "customer's confirmation.")
        if simulated and conversation.ended == "closed":
            assert isinstance(customer, SimulatedCustomer)
            said = "The customer said: " + customer.judge()[1]
        items.append(_item("customer_satisfied", Verdict.FAILED, said))
    return tuple(items)


@frozen
class RunScore:
    """The score of one run: the ``scorecard`` (the audit's items, then the outcome
    checks), how the conversation ``ended`` and how many ``moves`` it took."""

    scenario: str
    seed: int
    scorecard: Scorecard = field(repr=False)
    ended: str | None
    moves: int

    @property
    def passed(self) -> bool:
        """No audit rule and no outcome check failed."""
        return self.scorecard.complies

    @property
    def score(self) -> float:
        """The share of the applicable rules and checks that passed."""
        return self.scorecard.score

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """The failed rules and checks."""
        return self.scorecard.failed_ids


def score(conversation: Conversation) -> RunScore:
    """Score a conversation: the audit of its events, and its outcome checks."""
    card = audit(conversation.events)
    combined = Scorecard(complaint_id=card.complaint_id,
                         items=(*card.items, *outcome_items(conversation)))
    return RunScore(conversation.scenario.name, conversation.seed, combined,
                    conversation.ended, conversation.moves)


def pass_hat_k(passes: int, runs: int, k: int) -> float:
    """pass^k: the chance that ``k`` runs drawn from ``runs`` (of which ``passes``
    passed) all pass, ``C(passes, k) / C(runs, k)``; with ``k == runs``, 1.0 when every
    run passed and 0.0 otherwise."""
    if not 1 <= k <= runs or not 0 <= passes <= runs:
        raise ValueError(f"need 1 <= k <= runs and 0 <= passes <= runs, got passes={passes}, "
                         f"runs={runs}, k={k}")
    return math.comb(passes, k) / math.comb(runs, k)


@frozen
class ScenarioResult:
    """The runs of one scenario, and what they add up to."""

    scenario: str
    runs: tuple[RunScore, ...]
    k: int

    @property
    def passes(self) -> int:
        """How many runs passed."""
        return sum(run.passed for run in self.runs)

    @property
    def pass_k(self) -> float:
        """pass^k over the runs (:func:`pass_hat_k`)."""
        return pass_hat_k(self.passes, len(self.runs), self.k)

    @property
    def pass_rate(self) -> float:
        """The share of runs that passed."""
        return self.passes / len(self.runs)

    @property
    def mean(self) -> float:
        """The mean score of the runs."""
        return sum(run.score for run in self.runs) / len(self.runs)


@frozen
class Evaluation:
    """An agent's runs over scenarios: per scenario, and overall."""

    results: tuple[ScenarioResult, ...]
    k: int

    @property
    def pass_k(self) -> float:
        """pass^k overall: the mean of the scenarios' pass^k."""
        return sum(r.pass_k for r in self.results) / len(self.results)

    @property
    def pass_rate(self) -> float:
        """The share of all runs that passed."""
        runs = [run for r in self.results for run in r.runs]
        return sum(run.passed for run in runs) / len(runs)

    @property
    def mean(self) -> float:
        """The mean score of all runs."""
        runs = [run for r in self.results for run in r.runs]
        return sum(run.score for run in runs) / len(runs)


def results(runs: Iterable[RunScore], k: int) -> Evaluation:
    """Group scored runs by scenario (in the order first seen) into an evaluation."""
    grouped: dict[str, list[RunScore]] = {}
    for run in runs:
        grouped.setdefault(run.scenario, []).append(run)
    if not grouped:
        raise ValueError("no runs to evaluate")
    return Evaluation(tuple(ScenarioResult(name, tuple(found), k)
                            for name, found in grouped.items()), k)


def evaluate(factory: AgentFactory, *, scenarios: Iterable[Scenario] = SCENARIOS,
             runs: int = 1, k: int | None = None,
             customer: Callable[[Scenario, int], Customer] | None = None,
             max_moves: int = MAX_MOVES) -> Evaluation:
    """Play every scenario ``runs`` times (seeds ``0 .. runs-1``) with a fresh agent from
    ``factory`` each time, score each run, and report pass^k (``k`` defaults to
    ``runs``) beside the mean. ``customer`` makes the customer for a scenario and seed
    (by default its :class:`SimulatedCustomer`)."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    scored = []
    for scenario in scenarios:
        for seed in range(runs):
            player = customer(scenario, seed) if customer is not None else None
            scored.append(score(play(scenario, factory(scenario), seed=seed,
                                     customer=player, max_moves=max_moves)))
    return results(scored, runs if k is None else k)


def _mark(item: Item) -> str:
    return {Verdict.PASSED: "PASS", Verdict.FAILED: "FAIL"}.get(item.result, "n/a ")


def explain(run: RunScore) -> str:
    """The scorecard of a run explained rule by rule: each rule's verdict, title and
    source, with what went wrong for a failure."""
    lines = [f"Scorecard for {run.scenario} (seed {run.seed}): "
             f"{'PASSED' if run.passed else 'FAILED'}, score {run.score:.0%}, "
             f"{run.moves} moves, ended: {run.ended or 'not ended'}"]
    for item in run.scorecard:
        lines.append(f"  {_mark(item)}  {item.rule_id}: {item.title} [{item.source}]")
        if item.result is Verdict.FAILED:
            lines.append(f"        {item.severity}: {item.explanation}")
    return "\n".join(lines)


def evaluation_table(evaluation: Evaluation) -> str:
    """An evaluation as a text table: per scenario and overall, pass^k beside the pass
    rate and the mean score."""
    k = evaluation.k
    name_width = max(len("overall"), *(len(r.scenario) for r in evaluation.results))
    header = f"{'scenario':<{name_width}}  runs  passed  pass^{k:<3} mean score"
    lines = [header]
    for r in evaluation.results:
        lines.append(f"{r.scenario:<{name_width}}  {len(r.runs):>4}  {r.pass_rate:>6.0%}  "
                     f"{r.pass_k:>7.2f} {r.mean:>10.0%}")
    total = sum(len(r.runs) for r in evaluation.results)
    lines.append(f"{'overall':<{name_width}}  {total:>4}  {evaluation.pass_rate:>6.0%}  "
                 f"{evaluation.pass_k:>7.2f} {evaluation.mean:>10.0%}")
    return "\n".join(lines)
