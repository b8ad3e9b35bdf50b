"""Every example, every README code block and the demo run, and say what they promise."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow import Complaint, Outcome
from complaintflow.__main__ import main
from complaintflow.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
README_BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_there_are_examples_and_readme_blocks() -> None:
    assert len(EXAMPLES) >= 2
    assert len(README_BLOCKS) >= 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{path.name} printed nothing"


def test_escalation_example_is_refused_then_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "escalation.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "[compensation_above_authority]" in out
    assert "offered 120 GBP under a limit of 200" in out
    assert "offered in GBP so far: 120 of 200" in out


@pytest.mark.parametrize("block", README_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_readme_block_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.splitlines()
    promised = [line[2:] for line in block.splitlines() if line.startswith("# {")]
    if promised:  # a block may end with the lines it prints, as comments
        assert printed[-len(promised):] == promised


def test_qa_audit_example_fails_only_the_legacy_call(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "qa_audit.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "CMP-201: 0 failed" in out
    assert "CMP-202: 4 failed (1 critical)" in out
    assert "95 AED (seq 9) is above the authority limit of 50 AED" in out
    assert out.splitlines()[-1] == "exit status 1"


def test_demo_narrates_the_payroll_scenario(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    for expected in [
        "stage verifying -> listening",
        "[apology_required]",
        "[follow_up_required]",
        "[open_items_not_reviewed]",
        "K1 impact (critical)",
        "A2 for K2: Send the VAT registration certificate. [customer",
        "3 of 3 promises kept on time",
        "closed, outcome resolved",
        "stage recapping -> closed",
        f"Saved in {db}: revision 30, 35 events.",
        f"Resumed CMP-2026-0042 from {db}: following_up, revision 30",
        "a retry of billing-webhook-A1: answered from its receipt (event #34), nothing changed",
        "final_response_8_weeks     met             due Tue 28 Apr 00:00",
        "check_in                   met             due Fri 13 Mar 10:09",
        "Audit of the event log: 16 rules passed, failed: none",
    ]:
        assert expected in out, expected
    with SQLiteStore(db) as store:
        closed = store.get("CMP-2026-0042")
        assert closed.outcome is Outcome.RESOLVED
        assert Complaint.from_events(store.events("CMP-2026-0042")) == closed
    assert main(["demo", "--db", str(db)]) == 0  # a second run adds a second complaint
    assert "CMP-2026-0043" in capsys.readouterr().out


def test_python_dash_m_complaintflow_demo(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "complaintflow", "demo"], capture_output=True,
                          text=True, check=True, timeout=120, cwd=tmp_path)
    assert "complaintflow demo" in done.stdout
    assert done.stderr == ""
    assert (tmp_path / "complaintflow-demo.db").exists()  # the default file, where it runs


def test_cli_requires_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


def test_the_openai_loop_recovers_from_a_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "openai_tool_loop.py"), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    assert "confirm_concern: refused (restatement_required)" in out
    assert out[-2] == "model: So payroll stops before paying anyone: have I got that right?"


def test_the_anthropic_loop_is_held_to_its_authority(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "anthropic_tool_loop.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "offer_compensation: refused [compensation_above_authority]" in out
    assert "'offered': '0'" in out  # nothing was offered


def test_the_mcp_client_session(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "mcp_client.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "confirm_concern: isError, ['restatement_required']" in out
    assert "tools unchanged: True" in out


def test_the_http_endpoint_answers_by_reason_kind(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "http_endpoint.py"), run_name="__main__")
    statuses = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert statuses == ["200", "200", "422", "409", "200", "404"]
