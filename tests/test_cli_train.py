"""``complaintflow train``: the role-play with piped input and in a pseudo-terminal, and
``--agent MODULE:FACTORY --runs K``."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow._cli.train import parse_move, role_play
from complaintflow.training import START

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

MOVES = """\
help
apologize
express_empathy
ask identity
verify_customer
hear_concern text="You took my subscription twice this month."
restate_concern concern_id=K1 restatement="Your subscription is too dear."
reject_restatement concern_id=K1 correction="Charged twice."
restate_concern concern_id=K1 restatement="You were charged twice this month."
confirm_concern concern_id=K1
ask more
no_more_concerns
ask impact K1
assess_impact concern_id=K1 description="Overdrawn until payday." severity=high
confirm_impact concern_id=K1
begin_response
help resolve_concern
resolve_concern concern_id=K1 resolution="The duplicate charge refunded today."
confirm_next_steps
recap
ask closure
seek_closure customer_response=satisfied
thank_customer
close
"""


def _train(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaintflow", "train", *args],
                          input=stdin, capture_output=True, text=True, env=ENV, cwd=cwd,
                          check=False)


def test_a_piped_session_ends_with_the_scorecard_explained() -> None:
    result = _train("double_charge", stdin=MOVES)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Customer (calm): You took my subscription twice this month." in out
    assert "Customer (calm): I was charged twice." in out  # the wrong restatement rejected
    assert "  recorded: concern_restated (stage listening)" in out
    assert "resolution: How the concern was fixed." in out  # help COMMAND
    assert "The customer has confirmed the close and ended the call." in out
    assert "Scorecard for double_charge (seed 0): PASSED, score 100%" in out
    assert "  PASS  apology_before_response: Apology before the first response" in out
    assert "  PASS  customer_satisfied:" in out
    assert "Sam Okafor" not in out
    assert "496 0123" not in out  # no personal data unless asked


def test_a_careless_trainee_is_told_what_went_wrong_rule_by_rule() -> None:
    careless = "\n".join(line for line in MOVES.splitlines()
                         if line not in ("apologize", "express_empathy", "ask more"))
    result = _train("double_charge", stdin=careless)
    assert result.returncode == 1
    out = result.stdout
    assert "FAILED" in out
    assert "  FAIL  apology_before_response: Apology before the first response" in out
    assert "        major: No apology before the first response (seq" in out
    assert "  FAIL  record_faithful:" in out
    assert "they were not asked" in out


def test_personal_data_only_when_asked_for() -> None:
    typed = 'ask identity\nverify_customer name="Sam Okafor" callback="+44 161 496 0123"\n'
    hidden = _train("double_charge", stdin=typed).stdout
    assert "Sam Okafor" not in hidden
    assert "verify_customer (details withheld)" in hidden
    shown = _train("double_charge", "--show-personal", stdin=typed).stdout
    assert "name: Sam Okafor, call-back: +44 161 496 0123" in shown


def test_role_play_on_streams_and_picking_a_scenario() -> None:
    stdout = io.StringIO()
    status = role_play(None, seed=0, show_personal=False, stdin=io.StringIO("4\nquit\n"),
                       stdout=stdout)
    out = stdout.getvalue()
    assert " 1. payroll_outage: Payroll outage" in out
    assert "=== Charged twice (double_charge, seed 0) ===" in out
    assert "Session ended by the trainee." in out
    assert "  FAIL  customer_stayed:" in out
    assert status == 1


def test_list_and_bad_arguments() -> None:
    listed = _train("--list").stdout.splitlines()
    assert listed[0].split()[0] == "payroll_outage"
    assert len(listed) >= 13
    unknown = _train("no_such")
    assert unknown.returncode == 2
    assert "known: payroll_outage" in unknown.stderr
    assert _train("--agent", "nowhere:agent").returncode == 2
    assert _train("--agent", "complaintflow.training:reference_agent", "--runs", "0"
                  ).returncode == 2


def test_parse_move() -> None:
    assert parse_move("ask impact K2", START) == {"command": "ask", "about": "impact",
                                                  "concern_id": "K2"}
    assert parse_move("plan_action concern_ids=K1,K2 owner=company due=+2d "
                      'description="Fix it."', START) == {
        "command": "plan_action", "concern_ids": ["K1", "K2"], "owner": "company",
        "due": "2026-03-04T09:00:00+00:00", "description": "Fix it."}
    assert parse_move('{"command": "apologize"}', START) == {"command": "apologize"}
    assert parse_move("record_root_cause company_at_fault=true category=x description=y",
                      START)["company_at_fault"] is True
    for bad in ("fly_away", "hear_concern text", '{"command"', "ask"):
        with pytest.raises(ValueError):  # noqa: PT011  (each says its own problem)
            parse_move(bad, START)


# --- an agent over every scenario ---------------------------------------------------------------


def test_the_example_agent_over_every_scenario() -> None:
    result = _train("--agent", "training_agent:make_agent", "--runs", "2",
                    cwd=ROOT / "examples")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["scenario", "runs", "passed", "pass^2", "mean", "score"]
    assert len(lines) == 2 + 13
    assert lines[-1].split() == ["overall", "26", "100%", "1.00", "100%"]


def test_a_careless_agent_fails_and_says_where() -> None:
    result = _train("unfixable_concern", "--agent", "complaintflow.training:careless_agent",
                    "--explain")
    assert result.returncode == 1
    assert result.stdout.splitlines()[1].split()[:3] == ["unfixable_concern", "1", "0%"]
    assert "Scorecard for unfixable_concern (seed 0): FAILED" in result.stdout
    assert "  FAIL  customer_satisfied:" in result.stdout


def test_an_agent_from_a_file() -> None:
    result = _train("double_charge", "--agent",
                    str(ROOT / "examples" / "training_agent.py") + ":make_agent")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["overall", "1", "100%", "1.00", "100%"]


# --- a pseudo-terminal ------------------------------------------------------------------------


class _Terminal:
    """``complaintflow train`` on a pseudo-terminal: type into it, read what it shows."""

    def __init__(self, *args: str) -> None:
        import pty

        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "complaintflow", "train", *args], stdin=slave,
            stdout=slave, stderr=slave, env={**ENV, "TERM": "dumb"}, close_fds=True)
        os.close(slave)
        self.seen = ""

    def read_until(self, text: str) -> str:
        """What the terminal showed up to ``text`` (failing if it exits first)."""
        while text not in self.seen:
            ready, _, _ = select.select([self.master], [], [], 60)
            assert ready, f"no {text!r} on the terminal; it showed:\n{self.seen[-2000:]}"
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"the trainer exited before {text!r}:\n{self.seen[-2000:]}"
            self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        status = self.process.wait(timeout=60)
        os.close(self.master)
        return status


def test_a_session_in_a_pseudo_terminal_with_completion() -> None:
    terminal = _Terminal("double_charge")
    try:
        terminal.read_until("Customer (calm): You took my subscription twice this month.")
        terminal.read_until("[verifying] > ")
        terminal.type("apolog\t\r")  # Tab completes the command's name
        terminal.read_until("recorded: apologized")
        terminal.type("express_empathy\r")
        terminal.read_until("recorded: empathy_expressed")
        terminal.type("ask ide\t\r")  # and what to ask
        terminal.read_until("(gives their name and call-back number)")
        for line in MOVES.splitlines()[4:]:
            terminal.type(line + "\r")
        out = terminal.read_until("customer_satisfied:")
    finally:
        status = terminal.close()
    assert "> apologize \n" in out  # readline completed the lines
    assert "> ask identity \n" in out
    assert "Scorecard for double_charge (seed 0): PASSED" in out
    assert "Sam Okafor" not in out
    assert status == 0


def test_help_imports_no_training_module() -> None:
    code = ("import sys; from complaintflow._cli import main; "
            "print(any(m.startswith('complaintflow.training') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=ENV, check=True)
    assert result.stdout.strip() == "False"
