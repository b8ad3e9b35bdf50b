"""``complaintflow train [SCENARIO]``: a role-play at the terminal with a simulated
customer, ending with the scorecard explained rule by rule; ``complaintflow train --agent
MODULE:FACTORY --runs K``: evaluate a programmatic agent over every scenario.

Exit status: 0 when the session (or every run) passed, 1 when something failed, 2 for
bad arguments (an unknown scenario, an agent that cannot be imported).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..training import AgentFactory, Session, Turn

WORDS = ("ask", "say", "help", "status", "quit")
"""The trainer's own words, beside the commands."""

_HOW = """\
Type the agent's next move:
  a command and its arguments, e.g.  hear_concern text="Payroll won't run."
      (Tab completes names; lists are comma-separated, e.g. concern_ids=K1,K2;
       times may be relative, e.g. due=+2d, at=+1d, +4h, +30m)
  or a JSON command, e.g.  {"command": "apologize"}
  ask identity | ask more | ask impact K1 | ask priority | ask closure
  say TEXT          talk to the customer
  help              what to do next (the guidance);  help COMMAND: its arguments
  status            the complaint as it stands;  quit: end the session"""


def register(commands: Any) -> None:
    """Add ``train`` to the command line's subcommands."""
    parser = commands.add_parser(
        "train", help="role-play a complaint with a simulated customer, or score an agent",
        description="Role-play a scenario with a simulated customer at the terminal and see "
                    "the scorecard explained rule by rule; or, with --agent, evaluate a "
                    "programmatic agent over every scenario (pass^k beside the mean). Exit "
                    "status: 0 passed, 1 something failed, 2 bad arguments.")
    parser.add_argument("scenario", metavar="SCENARIO", nargs="?",
                        help="the scenario to play (default: ask; --list lists them)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--seed", type=int, default=0,
                        help="the simulated customer's seed (default: %(default)s)")
    parser.add_argument("--show-personal", action="store_true",
                        help="show the customer's name and call-back number when they give "
                             "them")
    parser.add_argument("--agent", metavar="MODULE:FACTORY",
                        help="evaluate the agent FACTORY(scenario) makes (MODULE is a module "
                             "name or a .py file)")
    parser.add_argument("--runs", type=int, default=1, metavar="K",
                        help="with --agent: seeded runs per scenario (default: %(default)s)")
    parser.add_argument("--explain", action="store_true",
                        help="with --agent: explain the scorecard of every failed run")
    parser.set_defaults(run=_main)


def _main(args: argparse.Namespace) -> int:
    from .. import training

    if args.list:
        width = max(len(s.name) for s in training.SCENARIOS)
        for found in training.SCENARIOS:
            print(f"{found.name:<{width}}  {found.title}")
        return 0
    if args.runs < 1:
        print("complaintflow train: --runs must be at least 1", file=sys.stderr)
        return 2
    chosen = None
    if args.scenario is not None:
        try:
            chosen = training.scenario(args.scenario)
        except KeyError as error:
            print(f"complaintflow train: {error.args[0]}", file=sys.stderr)
            return 2
    if args.agent is not None:
        try:
            factory = load_factory(args.agent)
        except (ImportError, AttributeError, TypeError, ValueError, OSError) as error:
            print(f"complaintflow train: cannot load the agent {args.agent}: {error}",
                  file=sys.stderr)
            return 2
        scenarios = training.SCENARIOS if chosen is None else (chosen,)
        return evaluate_agent(factory, scenarios, args.runs, explain=args.explain,
                              stdout=sys.stdout)
    return role_play(chosen, seed=args.seed, show_personal=args.show_personal,
                     stdin=sys.stdin, stdout=sys.stdout)


def load_factory(spec: str) -> AgentFactory:
    """The agent factory ``MODULE:FACTORY`` names: a module on the path (the current
    folder first), or a ``.py`` file."""
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise ValueError("expected MODULE:FACTORY")
    if module_name.endswith(".py") or os.sep in module_name:
        path = Path(module_name)
        loader = importlib.util.spec_from_file_location(path.stem, path)
        if loader is None or loader.loader is None:
            raise ImportError(f"cannot import {module_name}")
        module = importlib.util.module_from_spec(loader)
        sys.modules[path.stem] = module
        loader.loader.exec_module(module)
    else:
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        module = importlib.import_module(module_name)  # --agent: named by the user
    factory = getattr(module, name)
    if not callable(factory):
        raise TypeError(f"{spec} is not callable")
    found: AgentFactory = factory
    return found


def evaluate_agent(factory: AgentFactory, scenarios: Any, runs: int, *, explain: bool,
                   stdout: TextIO) -> int:
    """Evaluate ``factory``'s agents over ``scenarios`` and print the table."""
    from .. import training

    evaluation = training.evaluate(factory, scenarios=scenarios, runs=runs)
    print(training.evaluation_table(evaluation), file=stdout)
    failed = [run for result in evaluation.results for run in result.runs if not run.passed]
    for run in failed:
        print(f"\n{training.explain(run)}" if explain else
              f"{run.scenario} seed {run.seed}: failed {', '.join(run.failed_ids)}",
              file=stdout)
    return 1 if failed else 0


# --- the role-play ---------------------------------------------------------------------------


def role_play(chosen: Any, *, seed: int, show_personal: bool, stdin: TextIO,
              stdout: TextIO) -> int:
    """Play ``chosen`` (or the scenario the trainee picks) with the trainee at the
    terminal; print the scorecard, explained rule by rule, when it ends."""
    from .. import training
    from ..commands import COMMAND_TYPES

    def out(text: str = "") -> None:
        print(text, file=stdout, flush=True)

    interactive = stdin.isatty()
    read = _reader(stdin, interactive, sorted(COMMAND_TYPES), None if interactive else (
        lambda text, line: out(text + _echoed(line, show_personal))))
    if chosen is None:
        for number, found in enumerate(training.SCENARIOS, 1):
            out(f"{number:>2}. {found.name}: {found.title}")
        answer = read("Which scenario (name or number)? ")
        if answer is None:
            return 2
        answer = answer.strip() or "1"
        try:
            chosen = (training.SCENARIOS[int(answer) - 1] if answer.isdigit()
                      else training.scenario(answer))
        except (IndexError, KeyError):
            out(f"No scenario {answer!r}.")
            return 2
    session = training.Session(chosen, seed=seed)
    out(f"=== {chosen.title} ({chosen.name}, seed {seed}) ===")
    out(chosen.brief)
    out(_HOW)
    out()
    _show_turn(session.turn, show_personal, out)
    identity: dict[str, Any] = {}
    while session.ended is None:
        line = read(f"[{session.complaint.stage.value}] > ")
        if line is None or line.strip() in ("quit", "exit"):
            out("Session ended by the trainee.")
            break
        line = line.strip()
        if not line:
            continue
        if line == "help" or line.startswith("help "):
            out(_help(session, line[4:].strip()))
            continue
        if line == "status":
            out(_status(session))
            continue
        try:
            move = parse_move(line, session.at)
        except ValueError as error:
            out(f"  ? {error}")
            continue
        if move.get("command") == "verify_customer":
            move = {**{k: v for k, v in identity.items() if v is not None}, **move}
        turn = session.move(move)
        if "name" in turn.facts:
            identity = {key: turn.facts.get(key)
                        for key in ("name", "callback", "customer_id", "service")}
        _show_reply(session, move, out)
        _show_turn(turn, show_personal, out)
    if session.ended == "closed":
        out("The customer has confirmed the close and ended the call.")
    elif session.ended == "withdrawn":
        out("The customer hung up: the complaint is withdrawn.")
    run = training.score(session.finished())
    out()
    out(training.explain(run))
    return 0 if run.passed else 1


def _echoed(line: str, show_personal: bool) -> str:
    """A piped line as the transcript shows it: a verification's details withheld."""
    if not show_personal and "verify_customer" in line and ("=" in line or "{" in line):
        return "verify_customer (details withheld)"
    return line


def _reader(stdin: TextIO, interactive: bool, names: list[str],
            echo: Callable[[str, str], None] | None) -> Callable[[str], str | None]:
    if interactive:
        _complete_with(names)

        def prompt(text: str) -> str | None:
            try:
                return input(text)
            except EOFError:
                return None
        return prompt

    def piped(text: str) -> str | None:
        line = stdin.readline()
        if not line:
            return None
        line = line.rstrip("\n")
        if echo is not None:
            echo(text, line)
        return line
    return piped


def _complete_with(names: list[str]) -> None:
    """Tab-complete the trainer's words, command names, questions and argument names."""
    try:
        import readline
    except ImportError:  # no readline (Windows): no completion
        return
    from ..agents import command_schema
    from ..training import ASKS

    def candidates(line: str) -> list[str]:
        words = line.split()
        if not words or (len(words) == 1 and not line.endswith(" ")):
            return [*WORDS, *names]
        if words[0] == "ask":
            return list(ASKS)
        if words[0] == "help":
            return names
        if words[0] in names:
            return [f"{arg}=" for arg in command_schema(words[0])["properties"]]
        return []

    def complete(text: str, state: int) -> str | None:
        line = readline.get_line_buffer()[:readline.get_endidx()]
        found = [c for c in candidates(line) if c.startswith(text)]
        found = [c if c.endswith("=") else f"{c} " for c in found]
        return found[state] if state < len(found) else None

    readline.set_completer_delims(" \t\n")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


_RELATIVE = re.compile(r"^\+(\d+)([dhm])$")


def parse_move(line: str, now: datetime) -> dict[str, Any]:
    """The move a trainee typed: ``ask ...``, ``say ...``, a JSON object, or a command name
    with ``key=value`` arguments (lists comma-separated, times ``+2d``/``+4h``/``+30m``
    relative to ``now``). Raises ``ValueError`` with what is wrong."""
    if line.startswith("{"):
        try:
            given = json.loads(line)
        except ValueError as error:
            raise ValueError(f"not valid JSON: {error}") from None
        if not isinstance(given, dict):
            raise ValueError("a JSON move is an object")
        return {str(key): value for key, value in given.items()}
    if line.startswith("say "):
        return {"command": "say", "text": line[4:].strip()}
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ValueError(str(error)) from None
    name, rest = words[0], words[1:]
    if name == "ask":
        if not rest:
            raise ValueError("ask what? identity, more, impact K1, priority or closure")
        move: dict[str, Any] = {"command": "ask", "about": rest[0]}
        if len(rest) > 1:
            move["concern_id"] = rest[1]
        return move
    from ..agents import command_schema
    from ..commands import COMMAND_TYPES

    if name not in COMMAND_TYPES:
        raise ValueError(f"unknown command {name!r} (Tab completes, 'help' says what next)")
    properties = command_schema(name)["properties"]
    move = {"command": name}
    for word in rest:
        key, equals, value = word.partition("=")
        if not equals:
            raise ValueError(f"expected key=value, got {word!r}")
        kind = properties.get(key, {}).get("type")
        relative = _RELATIVE.match(value)
        if relative is not None and properties.get(key, {}).get("format") == "date-time":
            unit = {"d": "days", "h": "hours", "m": "minutes"}[relative.group(2)]
            move[key] = (now + timedelta(**{unit: int(relative.group(1))})).isoformat()
        elif kind == "array":
            move[key] = [part.strip() for part in value.split(",") if part.strip()]
        elif kind == "boolean" or kind == ["boolean", "null"]:
            move[key] = value.lower() in ("true", "yes", "1")
        elif kind == "integer":
            move[key] = int(value) if value.isdigit() else value
        else:
            move[key] = value
    return move


def _show_turn(turn: Turn, show_personal: bool, out: Callable[[str], None]) -> None:
    out(f"Customer ({turn.mood.value}): {turn.said}")
    if "name" in turn.facts:
        if show_personal:
            out(f"  name: {turn.facts['name']}, call-back: {turn.facts['callback']}")
        else:
            out("  (their details are kept for verify_customer; --show-personal shows them)")


def _show_reply(session: Session, move: Mapping[str, Any], out: Callable[[str], None]) -> None:
    exchange = session.exchanges[-1]
    answer = exchange.reply
    if answer is None:
        return
    if answer.get("ok") is True:
        events = [e.get("type") for e in _items(answer.get("events")) if isinstance(e, dict)]
        shown = [str(e) for e in events if e != "stage_changed"]
        out(f"  recorded: {', '.join(shown)} (stage {answer.get('stage')})")
    else:
        for reason in _items(answer.get("reasons")):
            if isinstance(reason, dict):
                out(f"  refused [{reason.get('code')}]: {reason.get('message')}")


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _help(session: Session, command: str) -> str:
    from ..agents import command_schema
    from ..commands import COMMAND_TYPES

    if command:
        if command not in COMMAND_TYPES:
            return f"  no command {command!r}"
        schema = command_schema(command)
        doc = (COMMAND_TYPES[command].__doc__ or "").strip().split("\n\n")[0]
        lines = [f"  {command}: {' '.join(doc.split())}"]
        required = set(schema.get("required", ()))
        for name, prop in schema["properties"].items():
            need = "" if name in required else " (optional)"
            lines.append(f"    {name}{need}: {prop.get('description', '')}")
        return "\n".join(lines)
    guidance = session.guidance()
    lines = [f"  {guidance['advice']}"]
    for step in _items(guidance.get("steps")):
        if isinstance(step, dict):
            lines.append(f"    {step.get('command')} {json.dumps(step.get('arguments'))}: "
                         f"{step.get('why')}")
    return "\n".join(lines)


def _status(session: Session) -> str:
    complaint = session.complaint
    lines = [f"  stage {complaint.stage.value}, at {session.at.isoformat()}"]
    for concern in complaint.concerns:
        lines.append(f"    {concern.id} [{concern.status.value}]: {concern.text}")
    for action in complaint.actions:
        state = "open" if action.is_open else "done"
        lines.append(f"    {action.id} [{state}, due {action.due.isoformat()}]: "
                     f"{action.description}")
    return "\n".join(lines)
