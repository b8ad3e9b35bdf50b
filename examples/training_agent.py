"""An agent for ``complaintflow train --agent examples/training_agent.py:make_agent``.

Anything with ``act(turn, view)`` is an agent: given what the customer just said (a
``Turn``: their words, mood and the facts they gave) and the reply of
``complaintflow.agents`` (with its ``guidance``), it returns the next move as JSON, or
``None`` to stop. This one plays the library's reference agent, and counts its questions
to the customer; swap ``act`` for a call to your LLM to score your own agent. Run as a
script, it scores itself over every scenario.
"""

from __future__ import annotations

from collections.abc import Mapping

from complaintflow import JsonValue
from complaintflow.training import (
    Agent,
    Move,
    Scenario,
    Turn,
    evaluate,
    evaluation_table,
    reference_agent,
)


class CountingAgent:
    """The reference agent's moves, with a count of the questions it asked."""

    def __init__(self, scenario: Scenario) -> None:
        self.inner = reference_agent(scenario)
        self.questions = 0

    def act(self, turn: Turn, view: Mapping[str, JsonValue]) -> Move | None:
        move = self.inner.act(turn, view)
        if move is not None and move.get("command") == "ask":
            self.questions += 1
        return move


def make_agent(scenario: Scenario) -> Agent:
    """The factory ``--agent examples/training_agent.py:make_agent`` names: an agent per run."""
    return CountingAgent(scenario)


if __name__ == "__main__":
    print(evaluation_table(evaluate(make_agent, runs=2)))
