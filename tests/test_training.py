"""complaintflow.training: every scenario passable, the careless agent caught, the
simulated customer's termination contract, determinism per seed, and pass^k."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from complaintflow import JsonValue as _JsonValue
from complaintflow import Outcome, Stage
from complaintflow.audit import Grade, Item, Scorecard, Verdict
from complaintflow.training import (
    SCENARIOS,
    Agent,
    Conversation,
    Move,
    RunScore,
    Scenario,
    ScriptedAgent,
    Session,
    SimulatedCustomer,
    Turn,
    careless_agent,
    evaluate,
    evaluation_table,
    explain,
    pass_hat_k,
    play,
    reference_agent,
    results,
    scenario,
    score,
)

NAMES = [s.name for s in SCENARIOS]


def test_there_are_the_sources_three_and_ten_more() -> None:
    assert NAMES[:3] == ["payroll_outage", "venting_escalation", "unfixable_concern"]
    assert len(SCENARIOS) >= 13
    assert len(set(NAMES)) == len(NAMES)
    with pytest.raises(KeyError, match="payroll_outage"):
        scenario("no_such_scenario")


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_agent_passes_every_rule(name: str) -> None:
    found = scenario(name)
    conversation = play(found, reference_agent(found))
    run = score(conversation)
    assert conversation.ended == "closed"
    assert conversation.complaint.outcome is Outcome.RESOLVED
    assert run.failed_ids == (), explain(run)
    assert run.passed
    assert run.score == 1.0
    satisfied = run.scorecard.item("customer_satisfied")
    assert satisfied.result is Verdict.PASSED
    customer = conversation.customer
    assert isinstance(customer, SimulatedCustomer)
    assert customer.verdict == ("satisfied" if found.fixable else "accepts")


@pytest.mark.parametrize("name", NAMES)
def test_the_careless_agent_fails_the_rules_the_scenario_is_about(name: str) -> None:
    found = scenario(name)
    run = score(play(found, careless_agent(found)))
    assert not run.passed
    assert set(found.rules) <= set(run.failed_ids), explain(run)
    for rule_id in found.rules:
        item = run.scorecard.item(rule_id)
        assert item.explanation, rule_id  # a failure says what went wrong


def test_an_angry_customer_hangs_up_on_a_careless_agent_and_the_complaint_is_withdrawn(
) -> None:
    found = scenario("abusive_then_calming")
    conversation = play(found, careless_agent(found))
    assert conversation.ended == "withdrawn"
    assert conversation.exchanges[-1].turn.hangs_up
    assert conversation.complaint.outcome is Outcome.WITHDRAWN
    item = score(conversation).scorecard.item("calmed_first")
    assert item.explanation.endswith("with no venting, no apology, no empathy.")


@pytest.mark.parametrize("name", ["venting_escalation", "abusive_then_calming"])
def test_the_reference_agent_records_the_anger_so_the_audit_judges_the_calming(
        name: str) -> None:
    found = scenario(name)
    conversation = play(found, reference_agent(found))
    recorded = [e for e in conversation.events if e.type == "emotion_recorded"]
    assert [getattr(e, "emotion", None) for e in recorded] == ["angry"]
    card = score(conversation).scorecard
    assert card.item("calmed_before_solving").result is Verdict.PASSED
    assert card.item("calmed_first").result is Verdict.PASSED
    # the careless agent records nothing: only the trainer, who knows the mood, judges it
    careless = score(play(found, careless_agent(found))).scorecard
    assert careless.item("calmed_before_solving").result is Verdict.NOT_APPLICABLE
    assert careless.item("calmed_first").result is Verdict.FAILED


def test_the_customer_reveals_concerns_only_when_asked_for_more() -> None:
    session = Session(scenario("payroll_outage"))
    assert session.turn.facts["concern"] == "Invoices show our old VAT number."
    turn = session.move({"command": "ask", "about": "more"})
    assert turn.facts["concern"] == "And payroll won't run at all."
    assert session.move({"command": "ask", "about": "more"}).facts["more"] is False


def test_a_wrong_restatement_is_rejected_with_a_correction() -> None:
    session = Session(scenario("double_charge"))
    session.move({"command": "ask", "about": "identity"})
    facts = session.turn.facts
    session.move({"command": "verify_customer", "name": facts["name"],
                  "callback": facts["callback"]})
    session.move({"command": "hear_concern", "text": "You took my subscription twice."})
    wrong = session.move({"command": "restate_concern", "concern_id": "K1",
                          "restatement": "Your subscription is too dear."})
    assert wrong.facts["agrees"] is False
    assert wrong.said == "I was charged twice."
    right = session.move({"command": "restate_concern", "concern_id": "K1",
                          "restatement": "You were charged twice."})
    assert right.facts["agrees"] is True


def test_an_offer_below_what_the_customer_wants_is_refused() -> None:
    found = scenario("compensation_above_authority")
    conversation = play(found, careless_agent(found))
    offers = [x.turn for x in conversation.exchanges
              if x.move is not None and x.move.get("command") == "offer_compensation"]
    assert offers
    assert offers[0].facts["accepts_offer"] is False


def test_personal_data_stays_out_of_reprs() -> None:
    found = scenario("payroll_outage")
    conversation = play(found, reference_agent(found))
    shown = repr(found) + repr(conversation) + "".join(
        repr(x) + repr(x.turn) for x in conversation.exchanges)
    assert "Priya" not in shown
    assert "7946" not in shown


# --- determinism ------------------------------------------------------------------------------


def _transcript(conversation: Conversation) -> list[tuple[str, str, object]]:
    return [(x.turn.said, x.turn.mood.value, x.move) for x in conversation.exchanges]


@pytest.mark.parametrize("name", ["payroll_outage", "corrects_twice"])
def test_a_seed_plays_the_same_conversation(name: str) -> None:
    found = scenario(name)
    first = play(found, reference_agent(found), seed=7)
    again = play(found, reference_agent(found), seed=7)
    assert _transcript(first) == _transcript(again)
    assert [repr(e) for e in first.events] == [repr(e) for e in again.events]
    others = {tuple(t[0] for t in _transcript(play(found, reference_agent(found), seed=s)))
              for s in range(6)}
    assert len(others) > 1  # the seed varies the customer's phrasing


# --- the termination contract -----------------------------------------------------------------


_ASKED: list[Move] = [{"command": "ask", "about": about}
                     for about in ("identity", "more", "priority", "closure")]
_RANDOM_MOVES: list[Move] = [*_ASKED,  # a question of each kind, and commands good and bad
    {"command": "ask", "about": "impact", "concern_id": "K1"},
    {"command": "say", "text": "I see."},
    {"command": "hear_concern", "text": "Something is wrong."},
    {"command": "restate_concern", "concern_id": "K1", "restatement": "Something."},
    {"command": "confirm_concern", "concern_id": "K1"},
    {"command": "reject_restatement", "concern_id": "K1"},
    {"command": "no_more_concerns"},
    {"command": "assess_impact", "concern_id": "K1", "description": "Bad.", "severity": "high"},
    {"command": "confirm_impact", "concern_id": "K1"},
    {"command": "begin_response"},
    {"command": "resolve_concern", "concern_id": "K1", "resolution": "Fixed."},
    {"command": "confirm_next_steps"},
    {"command": "recap"},
    {"command": "seek_closure", "customer_response": "satisfied"},
    {"command": "thank_customer"},
    {"command": "close"},
    {"command": "apologize"},
    {"command": "let_vent"},
    {"command": "withdraw", "reason": "Agent gave up."},
    {"command": "not_a_command"},
]


class _Random:
    """An agent that, move by move, follows the reference agent (a negative choice) or
    makes the random move a choice names, and stops when its choices run out."""

    def __init__(self, found: Scenario, choices: list[int]) -> None:
        self.reference = reference_agent(found)
        self.choices = choices
        self.made = 0
        self.stopped = False

    def act(self, turn: Turn, view: Mapping[str, _JsonValue]) -> Move | None:
        following = self.reference.act(turn, view)
        if self.made == len(self.choices) or following is None:
            self.stopped = True
            return None
        choice = self.choices[self.made]
        self.made += 1
        return following if choice < 0 else _RANDOM_MOVES[choice]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 5),
       choices=st.lists(st.integers(-250, len(_RANDOM_MOVES) - 1), min_size=45,
                               max_size=90))
def test_the_customer_ends_only_on_a_confirmed_close_or_by_withdrawing(
        name: str, seed: int, choices: list[int]) -> None:
    found = scenario(name)
    agent = _Random(found, choices)
    conversation = play(found, agent, seed=seed)
    event(f"ended: {conversation.ended}")
    last = conversation.exchanges[-1]
    # nothing ended before the last exchange
    assert not any(x.turn.hangs_up for x in conversation.exchanges[:-1])
    complaint = conversation.complaint
    if conversation.ended == "closed":
        assert complaint.stage is Stage.CLOSED
        assert complaint.outcome is Outcome.RESOLVED
        assert any(e.type == "closure_sought" for e in conversation.events)
        assert last.reply is not None
        recorded = last.reply.get("events")
        assert isinstance(recorded, list)
        assert any(isinstance(e, dict) and e.get("type") == "complaint_closed"
                   for e in recorded)
    elif conversation.ended == "withdrawn":
        assert last.turn.hangs_up
        assert complaint.outcome is Outcome.WITHDRAWN
    else:
        assert conversation.ended is None
        assert agent.stopped  # the agent stopped: the customer never did
        assert not last.turn.hangs_up
        assert complaint.outcome is not Outcome.RESOLVED


def test_the_customer_talks_on_when_its_script_has_run_out() -> None:
    class Chatty:
        def act(self, turn: Turn, view: Mapping[str, _JsonValue]) -> Move | None:
            return {"command": "say", "text": "Tell me more."}

    chatty: Agent = Chatty()
    conversation = play(scenario("double_charge"), chatty, max_moves=120)
    assert conversation.ended is None
    assert conversation.moves == 120
    assert conversation.complaint.stage is Stage.VERIFYING


# --- pass^k ----------------------------------------------------------------------------------


def test_pass_hat_k_counts_the_chance_that_k_runs_all_pass() -> None:
    assert pass_hat_k(3, 3, 3) == 1.0
    assert pass_hat_k(2, 3, 3) == 0.0
    assert pass_hat_k(2, 4, 2) == pytest.approx(1 / 6)
    assert pass_hat_k(4, 4, 1) == 1.0
    assert pass_hat_k(1, 4, 1) == 0.25
    with pytest.raises(ValueError, match="k <= runs"):
        pass_hat_k(1, 2, 3)


def _run(name: str, seed: int, passed: bool) -> RunScore:
    item = Item(rule_id="r", title="r", source="s", severity=Grade.MAJOR,
                result=Verdict.PASSED if passed else Verdict.FAILED,
                explanation="" if passed else "no")
    other = Item(rule_id="o", title="o", source="s", severity=Grade.MINOR,
                 result=Verdict.PASSED)
    return RunScore(name, seed, Scorecard(complaint_id="C", items=(item, other)), "closed", 3)


def test_pass_k_and_the_mean_per_scenario_and_overall() -> None:
    runs = [_run("a", 0, True), _run("a", 1, True), _run("a", 2, True),
            _run("b", 0, True), _run("b", 1, False), _run("b", 2, True)]
    evaluation = results(runs, k=3)
    a, b = evaluation.results
    assert (a.pass_k, a.pass_rate, a.mean) == (1.0, 1.0, 1.0)
    assert b.pass_k == 0.0
    assert b.pass_rate == pytest.approx(2 / 3)
    assert b.mean == pytest.approx((1 + 0.5 + 1) / 3)
    assert evaluation.pass_k == 0.5
    assert evaluation.pass_rate == pytest.approx(5 / 6)
    assert evaluation.mean == pytest.approx((6 - 0.5) / 6)
    table = evaluation_table(evaluation)
    assert table.splitlines()[0].split() == ["scenario", "runs", "passed", "pass^3", "mean",
                                             "score"]
    assert table.splitlines()[-1].split() == ["overall", "6", "83%", "0.50", "92%"]


def test_evaluate_shows_consistency_beside_the_mean() -> None:
    made: list[int] = []

    def alternating(found: Scenario) -> Agent:
        made.append(1)
        return reference_agent(found) if len(made) % 2 else careless_agent(found)

    chosen = [scenario("double_charge"), scenario("lost_delivery")]
    evaluation = evaluate(alternating, scenarios=chosen, runs=2)
    assert [r.passes for r in evaluation.results] == [1, 1]
    assert evaluation.pass_k == 0.0
    assert evaluation.pass_rate == 0.5
    assert 0.5 < evaluation.mean < 1.0
    reference = evaluate(reference_agent, scenarios=chosen, runs=2)
    assert reference.pass_k == 1.0
    assert reference.mean == 1.0


class _Hasty(ScriptedAgent):
    """The reference agent, except that it records a confirmation the customer did not
    give when they doubt a restatement."""

    def _listening(self, guidance: Mapping[str, _JsonValue]) -> Move | None:
        move = super()._listening(guidance)
        if move is not None and move.get("command") == "reject_restatement":
            return {"command": "confirm_concern", "concern_id": move["concern_id"]}
        return move


def test_the_seed_decides_whether_a_good_restatement_is_doubted() -> None:
    found = scenario("double_charge")
    assert SimulatedCustomer(found, seed=0).doubts == [0]
    assert SimulatedCustomer(found, seed=1).doubts == [1]
    evaluation = evaluate(lambda s: _Hasty(s), scenarios=[found], runs=2)
    (result,) = evaluation.results
    assert [run.passed for run in result.runs] == [True, False]
    assert "record_faithful" in result.runs[1].failed_ids
    assert result.pass_k == 0.0  # not consistent: pass^2 says so
    assert result.mean > 0.75  # where the mean alone looks good
    reference = evaluate(reference_agent, scenarios=[found], runs=2)
    assert reference.pass_k == 1.0
