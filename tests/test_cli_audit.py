"""``complaintflow audit FILE``: tables, JSON, exit codes, unreadable input, progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest

from complaintflow import Complaint, SnapshotError, dump_event, load_event
from complaintflow.__main__ import main
from complaintflow._cli import audit as _cli
from complaintflow._cli import exports
from complaintflow.events import Event
from complaintflow.stores.sqlite import SQLiteStore

from .scenario_logs import (
    careless_conversation,
    payroll_outage,
    unfixable_concern,
    venting_escalation,
)


def line(event: Event, complaint_id: str | None = None) -> str:
    return json.dumps(dump_event(event, complaint_id=complaint_id))


def export(path: Path, logs: Iterable[list[Event]], *, interleave: bool = True) -> Path:
    """Write logs as JSON lines; interleaved (with complaint ids) or one after another."""
    logs = list(logs)
    lines: list[str] = []
    if interleave:
        ids = [str(getattr(log[0], "complaint_id")) for log in logs]  # noqa: B009
        longest = max(len(log) for log in logs)
        for index in range(longest):
            lines += [line(log[index], cid) for log, cid in zip(logs, ids, strict=True)
                      if index < len(log)]
    else:
        lines = [line(event) for log in logs for event in log]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scenarios() -> list[list[Event]]:
    return [payroll_outage(), venting_escalation(), unfixable_concern()]


def test_every_exported_event_reads_back() -> None:
    for log in [*scenarios(), careless_conversation()[0]]:
        for event in log:
            read = load_event(json.loads(line(event)))
            assert read == event
            assert load_event(json.loads(line(event, "CMP-9"))) == event  # labelled
            names = [a.name for a in attrs.fields(type(event))]
            assert [type(getattr(read, n)) for n in names] == [  # enums, not their strings
                type(getattr(event, n)) for n in names]


def test_a_table_per_complaint_and_a_summary(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl", [*scenarios(), careless_conversation()[0]])
    assert main(["audit", str(path)]) == 1  # the careless call failed a critical rule
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[0] == "CMP-42: 1 failed, 12 passed, 5 not applicable"
    assert "CMP-13: 4 failed (1 critical), 4 passed, 10 not applicable" in out
    assert "  FAIL    critical  compensation_within_authority    10" not in out
    assert "  FAIL    critical  compensation_within_authority    9" in out
    assert out.splitlines()[-1] == ("4 complaints audited under the default policy: 1 comply, "
                                    "3 with failures (1 critical); 0 unreadable")


def test_no_critical_failure_exits_zero(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl", scenarios(), interleave=False)
    assert main(["audit", str(path)]) == 0
    assert "3 complaints audited" in capsys.readouterr().out


def test_a_stricter_policy_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl", [payroll_outage()])
    assert main(["audit", str(path), "--policy", "strict"]) == 1
    assert "FAIL    critical  promises_kept" in capsys.readouterr().out
    assert main(["audit", str(path), "--policy", "lenient"]) == 0


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl", [*scenarios(), careless_conversation()[0]])
    assert main(["audit", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["policy"] == "default"
    assert report["summary"] == {"complaints": 4, "complying": 1, "with_failures": 3,
                                 "with_critical_failures": 1, "unreadable": 0}
    failed = {card["complaint_id"]: [item["rule_id"] for item in card["items"]
                                     if item["result"] == "failed"]
              for card in report["complaints"]}
    assert failed["CMP-13"] == ["concerns_restated_and_confirmed", "apology_before_response",
                                "compensation_within_authority", "closed_properly"]
    assert report["unreadable"] == []


def test_a_malformed_file_reports_each_line_and_audits_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = export(tmp_path / "good.jsonl", [venting_escalation(), unfixable_concern()],
                  interleave=False).read_text(encoding="utf-8").splitlines()
    lines = [
        "{not json",                                           # 1
        *good[:3],                                             # 2-4
        '["an", "array"]',                                     # 5
        '{"type": "concern_sung", "seq": 4, "at": "2026-03-02T09:03:00Z"}',  # 6
        "",                                                    # 7: blank lines are skipped
        *good[3:],
        '{"type": "apologized", "version": 1, "seq": 99, "at": "yesterday", '
        '"command_id": null, "note": null, "complaint_id": "CMP-9"}',
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    out, err = capsys.readouterr()
    errors = err.splitlines()
    assert errors[0].startswith(f"{path}: line 1: not JSON: ")
    assert errors[1] == f"{path}: line 5: expected a JSON object, got list"
    assert errors[2] == f"{path}: line 6: $.type: unknown event type 'concern_sung'"
    assert errors[3].startswith(f"{path}: line {len(lines)}: ")
    assert errors[3] == (f"{path}: line {len(lines)}: $.at: expected an ISO-8601 time with "
                         "an offset, got 'yesterday'")
    assert len(errors) == 4
    assert "CMP-7: 0 failed" in out
    assert "CMP-9: 1 failed" in out
    assert out.splitlines()[-1].endswith("; 4 unreadable")


def test_a_log_with_a_gap_is_reported_for_its_complaint(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = venting_escalation()
    path = export(tmp_path / "gap.jsonl", [[*log[:4], *log[5:]], payroll_outage()])
    assert main(["audit", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"{path}: complaint CMP-7: event ")
    assert "expected 5 (first line 1)" in err
    assert "CMP-42: 1 failed" in out


def test_lines_without_a_complaint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orphan.jsonl"
    path.write_text(line(payroll_outage()[1]) + "\n", encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    assert "line 1: no complaint_id, and no complaint_opened line before it" in (
        capsys.readouterr().err)


def test_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    assert main(["audit", str(binary)]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream", [_Terminal, io.StringIO])
def test_progress_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     stream: type[io.StringIO]) -> None:
    monkeypatch.setattr(exports, "PROGRESS_BYTES", 0)
    path = export(tmp_path / "export.jsonl", [payroll_outage()] * 1)
    lines = path.read_text(encoding="utf-8").splitlines() * 1
    many = tmp_path / "many.jsonl"
    many.write_text("\n".join(
        text.replace('"CMP-42"', f'"CMP-{n}"') for n in range(600) for text in lines) + "\n",
        encoding="utf-8")
    out, err = io.StringIO(), stream()
    assert _cli.run(str(many), policy_name="default", output="table", stdout=out,
                    stderr=err) == 0
    shown = err.getvalue()
    if stream is _Terminal:
        assert "\rreading line 10,000" in shown
        assert "\raudited 500 of 600 complaints" in shown
        assert shown.endswith("\r\033[K")
    else:
        assert shown == ""
    assert "600 complaints audited" in out.getvalue()


def test_standard_input(tmp_path: Path) -> None:
    path = export(tmp_path / "export.jsonl", [careless_conversation()[0]])
    done = subprocess.run([sys.executable, "-m", "complaintflow", "audit", "-", "--format",
                           "json"], input=path.read_text(encoding="utf-8"),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["with_critical_failures"] == 1


def test_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("complaintflow")
    path = export(tmp_path / "export.jsonl", scenarios())
    done = subprocess.run([str(script), "audit", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("3 complaints audited")


def test_an_unknown_policy_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "x.jsonl", "--policy", "harsh"])
    assert exit_.value.code == 2
    assert "invalid choice: 'harsh'" in capsys.readouterr().err


def test_the_cli_knows_every_named_policy() -> None:
    from complaintflow._cli.main import _AUDIT_POLICY_NAMES
    from complaintflow.audit import AUDIT_POLICIES

    assert tuple(AUDIT_POLICIES) == _AUDIT_POLICY_NAMES


def test_a_label_must_be_a_complaint_id() -> None:
    data = json.loads(line(payroll_outage()[1], "CMP-9"))
    data["complaint_id"] = 7
    with pytest.raises(SnapshotError, match=r"\$\.complaint_id: expected a complaint id"):
        load_event(data)


def test_a_sqlite_store_exports_for_the_audit(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with SQLiteStore(tmp_path / "c.db") as store:
        for log in scenarios():
            complaint = Complaint.from_events(log)
            store.add(complaint, log)
        exported = list(store.export())
    assert all("complaint_id" in data for data in exported)
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(data) + "\n" for data in exported), encoding="utf-8")
    assert main(["audit", str(path)]) == 0
    assert "3 complaints audited" in capsys.readouterr().out
