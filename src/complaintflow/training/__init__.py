"""Training and evaluation: scenarios, simulated customers, scoring and pass^k.

* :data:`SCENARIOS` (and :func:`scenario`): what a contact centre trains on, the sources'
  three first (payroll outage, a venting customer who needs an escalation, a concern that
  cannot be fixed), each a :class:`Scenario` with the :class:`CustomerScript` its
  customer plays;
* :class:`SimulatedCustomer`: the scripted customer, deterministic for a seed, reacting to
  what the agent does; :class:`Customer` is the protocol a host's own customer (an LLM,
  say) implements;
* :class:`Agent`: what plays the agent, given the customer's :class:`Turn` and the reply
  of :mod:`complaintflow.agents`, returning the next :data:`Move`; :func:`reference_agent`
  and :func:`careless_agent` are built in;
* :func:`play` (or a :class:`Session`, a move at a time) runs a :class:`Conversation`;
  :func:`score` gives its :class:`RunScore`, the audit's scorecard plus the outcome
  checks (:data:`OUTCOME_CHECKS`); :func:`evaluate` runs an agent over the scenarios
  ``k`` times and reports pass^k (:func:`pass_hat_k`) beside the mean;
* ``complaintflow train [SCENARIO]``: a role-play at the terminal, and
  ``complaintflow train --agent MODULE:FACTORY --runs K`` to evaluate an agent.
"""

from .._publish import publish as _publish
from ._agents import ScriptedAgent, careless_agent, reference_agent
from ._customers import ASKS, PERSONAL_FACTS, Customer, Move, SimulatedCustomer, Turn
from ._play import (
    MAX_MOVES,
    STEP,
    Agent,
    AgentFactory,
    Conversation,
    CustomerFactory,
    Exchange,
    Session,
    play,
)
from ._scenarios import (
    SCENARIOS,
    START,
    ConcernScript,
    CustomerScript,
    Fix,
    Mood,
    Scenario,
    scenario,
)
from ._scoring import (
    OUTCOME_CHECKS,
    Evaluation,
    RunScore,
    ScenarioResult,
    evaluate,
    evaluation_table,
    explain,
    outcome_items,
    pass_hat_k,
    results,
    score,
)

__all__ = [
    "ASKS",
    "MAX_MOVES",
    "OUTCOME_CHECKS",
    "PERSONAL_FACTS",
    "SCENARIOS",
    "START",
    "STEP",
    "Agent",
    "AgentFactory",
    "ConcernScript",
    "Conversation",
    "Customer",
    "CustomerFactory",
    "CustomerScript",
    "Evaluation",
    "Exchange",
    "Fix",
    "Mood",
    "Move",
    "RunScore",
    "Scenario",
    "ScenarioResult",
    "ScriptedAgent",
    "Session",
    "SimulatedCustomer",
    "Turn",
    "careless_agent",
    "evaluate",
    "evaluation_table",
    "explain",
    "outcome_items",
    "pass_hat_k",
    "play",
    "reference_agent",
    "results",
    "scenario",
    "score",
]

_publish(__name__, globals(), __all__)
