"""One conversation: an agent and a customer, the complaint between them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from attrs import field, frozen

from .._core.complaint import Applied, Complaint, open_complaint
from .._formats.entry import apply_json
from .._formats.json_value import JsonValue
from .._values.enums import Outcome, Stage
from ..agents import next_steps, reply
from ..events import Event
from ._customers import Customer, Move, SimulatedCustomer, Turn
from ._scenarios import START, Scenario

STEP = timedelta(minutes=2)
"""How long each move of a conversation takes."""

MAX_MOVES = 300
"""The moves after which :func:`play` stops a conversation that has not ended."""


class Agent(Protocol):
    """What plays the agent: a person at a terminal, a script, or an LLM.

    ``act`` is given what the customer just said (a :class:`Turn`) and the view of the
    complaint (what :func:`complaintflow.agents.reply` said of the last command, with its
    ``guidance``); it returns the next :data:`Move`, or ``None`` to stop.
    """

    def act(self, turn: Turn, view: Mapping[str, JsonValue]) -> Move | None:
        """The agent's next move."""


AgentFactory = Callable[[Scenario], Agent]
"""What makes an agent for a scenario (``--agent MODULE:FACTORY`` names one): a fair
agent reads only the scenario's ``name``, ``brief`` and ``policy``, not the customer's
script."""

CustomerFactory = Callable[[Scenario, int], Customer]
"""What makes a customer for a scenario and a seed; :class:`SimulatedCustomer` by
default."""


@frozen
class Exchange:
    """One move and its answer: the agent's ``move`` (``None`` for the opening), the
    ``reply`` of the workflow (``None`` for a question), the customer's ``turn``."""

    at: datetime
    move: Move | None = field(repr=False)
    reply: Mapping[str, JsonValue] | None = field(repr=False)
    turn: Turn = field(repr=False)


@frozen
class Conversation:
    """A finished conversation: the scenario and seed, every exchange, the complaint's
    events and the complaint as it ended. ``ended`` is ``"closed"`` when the complaint
    was closed with the customer's confirmation, ``"withdrawn"`` when the customer hung
    up, ``None`` when the agent stopped (or ran out of moves) first."""

    scenario: Scenario = field(repr=False)
    seed: int
    exchanges: tuple[Exchange, ...] = field(repr=False)
    events: tuple[Event, ...] = field(repr=False)
    complaint: Complaint = field(repr=False)
    customer: Customer = field(repr=False)
    ended: str | None

    @property
    def moves(self) -> int:
        """How many moves the agent made."""
        return len(self.exchanges) - 1


def _ended(complaint: Complaint) -> str | None:
    if complaint.stage is not Stage.CLOSED:
        return None
    if complaint.outcome is Outcome.WITHDRAWN:
        return "withdrawn"
    return "closed" if complaint.outcome is Outcome.RESOLVED else None


class Session:
    """A conversation in progress, one move at a time (the terminal trainer's loop):
    :meth:`move` applies the agent's move and returns the customer's answer."""

    def __init__(self, scenario: Scenario, *, seed: int = 0,
                 customer: Customer | None = None) -> None:
        self.scenario, self.seed = scenario, seed
        self.customer: Customer = (customer if customer is not None
                                   else SimulatedCustomer(scenario, seed=seed))
        self.at = START
        opened = open_complaint(f"TRN-{scenario.name}", at=self.at, policy=scenario.policy)
        self.complaint = opened.complaint
        self.events: list[Event] = list(opened.events)
        self.view: Mapping[str, JsonValue] = reply(opened, at=self.at)
        self.turn = self.customer.opening()
        self.exchanges = [Exchange(self.at, None, None, self.turn)]
        self.ended: str | None = None

    def guidance(self) -> dict[str, JsonValue]:
        """The guidance for the complaint now."""
        return next_steps(self.complaint, at=self.at)

    def move(self, move: Move) -> Turn:
        """Apply ``move`` (a command or a question) and return what the customer says."""
        if self.ended is not None:
            raise RuntimeError("the conversation has ended")
        self.at += STEP
        answer: Mapping[str, JsonValue] | None = None
        if move.get("command") not in ("ask", "say"):
            follow_up = self.complaint.follow_up_at
            if move.get("command") == "start_contact" and follow_up is not None and (
                    follow_up > self.at):
                self.at = follow_up  # the next contact is when it was scheduled
            answer = self._apply(move)
            self.view = answer
        turn = self.customer.react(move, answer)
        if turn.hangs_up and self.complaint.stage is not Stage.CLOSED:
            self.at += STEP
            self.view = self._apply({"command": "withdraw",
                                     "reason": "The customer hung up."})
        self.turn = turn
        self.exchanges.append(Exchange(self.at, move, answer, turn))
        ended = _ended(self.complaint)
        if ended == "withdrawn" and not turn.hangs_up:
            ended = None  # withdrawn by the agent, not the customer: they are still there
        self.ended = ended
        return turn

    def _apply(self, move: Move) -> dict[str, JsonValue]:
        result = apply_json(self.complaint, move, at=self.at)
        if isinstance(result, Applied):
            self.complaint = result.complaint
            self.events += result.events
        return reply(result, at=self.at)

    def finished(self) -> Conversation:
        """The conversation as it stands, as a finished one."""
        return Conversation(self.scenario, self.seed, tuple(self.exchanges),
                            tuple(self.events), self.complaint, self.customer, self.ended)


def play(scenario: Scenario, agent: Agent, *, seed: int = 0,
         customer: Customer | None = None, max_moves: int = MAX_MOVES) -> Conversation:
    """Play ``scenario`` between ``agent`` and ``customer`` (by default the scenario's
    :class:`SimulatedCustomer` for ``seed``) until it ends, the agent stops (returns
    ``None``), or ``max_moves`` moves were made.

    The conversation ends only when the complaint is closed with the customer's
    confirmation, or when the customer hangs up (the complaint is then withdrawn).
    """
    session = Session(scenario, seed=seed, customer=customer)
    for _ in range(max_moves):
        move = agent.act(session.turn, session.view)
        if move is None:
            break
        session.move(move)
        if session.ended is not None:
            break
    return session.finished()
