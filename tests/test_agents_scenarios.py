"""The guidance is enough: an agent that knows nothing of the workflow, seeing only the
tools' results and a script of what the customer says, closes the sources' three
scenarios with every audit rule passed; a random agent, the baseline, does not."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from complaintflow.agents import AgentLimits, McpTools
from complaintflow.audit import Verdict, audit
from complaintflow.stores.memory import MemoryStore
from complaintflow.testing import ManualClock
from tests.guided_agent import SCENARIOS, Customer, GuidedAgent, RandomAgent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LIMITS = AgentLimits(authority_ceiling={"GBP": 250})  # a supervisor's limit, for escalation



def server(store: MemoryStore, limits: AgentLimits = LIMITS) -> McpTools:
    return McpTools(store, clock=ManualClock(T0).tick, limits=limits)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_guided_agent_closes_the_scenario_with_every_rule_passed(name: str) -> None:
    customer: Customer = SCENARIOS[name]
    store = MemoryStore()
    run = GuidedAgent(server(store), customer).play()
    assert run.rejected == 0, [call for call in run.tool_calls if call[2]]
    assert run.closed
    assert run.outcome == "resolved"
    scorecard = audit(store.events(customer.complaint_id))
    assert [(item.rule_id, item.explanation) for item in scorecard if item.failed] == []
    passed = {item.rule_id for item in scorecard if item.result is Verdict.PASSED}
    assert {"concerns_restated_and_confirmed", "impact_agreed", "apology_before_response",
            "empathy_expressed", "closed_properly"} <= passed


def test_the_scenarios_exercise_what_the_sources_ask() -> None:
    calls = {name: [c[0] for c in GuidedAgent(server(MemoryStore()), customer).play()
                    .tool_calls] for name, customer in SCENARIOS.items()}
    assert "reject_restatement" in calls["payroll_outage"]
    assert "prioritize" in calls["payroll_outage"]
    assert "review_open_items" in calls["payroll_outage"]
    venting = calls["venting_escalation"]
    assert venting.index("let_vent") < venting.index("hear_concern")
    assert venting.index("escalate") < venting.index("offer_compensation")
    assert "mark_unresolvable" in calls["unfixable_concern"]
    assert "record_preventive_action" in calls["unfixable_concern"]


@pytest.mark.parametrize("allowed_only", [False, True], ids=["any tool", "allowed only"])
def test_a_random_agent_is_the_baseline(allowed_only: bool) -> None:
    """No random agent closes a scenario at the end of the workflow: they get refused
    often, and end by referring, withdrawing or wandering."""
    for seed in range(5):
        customer = SCENARIOS["payroll_outage"]
        limits = AgentLimits(deny={"refer", "withdraw"}, authority_ceiling={"GBP": 250})
        run = RandomAgent(server(MemoryStore(), limits), customer, seed=seed,
                          allowed_only=allowed_only).play(200)
        assert run.outcome is None
        assert run.rejection_rate > 0.1
