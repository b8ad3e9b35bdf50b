"""``complaintflow report``: the golden complaints as an export and as a store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow import Complaint, dump_events
from complaintflow._cli.main import main
from complaintflow.stores.sqlite import SQLiteStore

from .report_logs import logs

LOGS = logs()


def export(path: Path, *, interleave: bool = True) -> Path:
    """The golden logs as a JSON-lines export, labelled; interleaved two by two."""
    dumped = [dump_events(log, complaint_id=log[0].complaint_id)  # type: ignore[attr-defined]  # complaint_opened
              for log in LOGS]
    lines: list[str] = []
    for first, second in zip(dumped[::2], dumped[1::2], strict=True):
        if interleave:
            for a, b in zip(first, second, strict=False):
                lines += [json.dumps(a), json.dumps(b)]
            longer = first if len(first) > len(second) else second
            lines += [json.dumps(e) for e in longer[min(len(first), len(second)):]]
        else:
            lines += [json.dumps(e) for e in (*first, *second)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def store(path: Path) -> Path:
    with SQLiteStore(path) as db:
        for log in LOGS:
            db.add(Complaint.from_events(log), log)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["report", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def totals(text: str) -> dict[str, str]:
    return list(csv.DictReader(io.StringIO(text)))[-1]


def test_the_fca_return_of_an_interleaved_export(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl")
    status, out, err = run(capsys, str(path), "--kind", "fca", "--period", "2027H1",
                           "--format", "csv")
    assert (status, err) == (0, "")
    row = totals(out)
    assert (row["opened"], row["closed"], row["outstanding_at_end"], row["redress"]) == (
        "35", "33", "8", "840.50 GBP")


def test_a_store_gives_the_same_return(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from_file = run(capsys, str(export(tmp_path / "e.jsonl", interleave=False)), "--kind",
                    "fca", "--period", "2027H1", "--format", "json")
    from_db = run(capsys, "--db", str(store(tmp_path / "s.db")), "--kind", "fca",
                  "--period", "2027H1", "--format", "json")
    assert from_file[0] == from_db[0] == 0
    assert json.loads(from_file[1]) == json.loads(from_db[1])
    assert json.loads(from_db[1])["total"]["reopened"] == 2


@pytest.mark.parametrize(("kind", "expected"), [("asic", 39), ("cfpb", 35)])
def test_the_per_complaint_records(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   kind: str, expected: int) -> None:
    status, out, _ = run(capsys, "--db", str(store(tmp_path / "s.db")), "--kind", kind,
                         "--period", "2027H1", "--zone", "Europe/London", "--format", "json")
    assert status == 0
    assert len(json.loads(out)) == expected


def test_the_trends_table_and_chart(tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "trends.svg"
    status, out, err = run(capsys, str(export(tmp_path / "e.jsonl")), "--kind", "trends",
                           "--period", "2027H1", "--zone", "Europe/London", "--chart",
                           str(chart))
    assert (status, err) == (0, "")
    assert out.startswith("trends report, 2027H1\n")
    assert any(line.split()[:2] == ["summary", "resolution_days_median"]
               for line in out.splitlines())
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_nothing_personal_is_printed(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "e.jsonl")
    for kind in ("fca", "asic", "cfpb", "trends"):
        for output in ("table", "csv", "json"):
            _, out, err = run(capsys, str(path), "--kind", kind, "--period", "2027H1",
                              "--format", output)
            assert "Pat Example" not in out + err
            assert "7946" not in out + err


def test_unreadable_lines_are_reported_and_the_rest_counted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "e.jsonl")
    path.write_text(path.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")
    status, out, err = run(capsys, str(path), "--kind", "fca", "--period", "2027H1",
                           "--format", "csv")
    assert status == 2
    assert "line " in err
    assert "not JSON" in err
    assert totals(out)["opened"] == "35"


@pytest.mark.parametrize(("argv", "message"), [
    (["--kind", "fca", "--period", "2027H3"], "a period is written"),
    (["--kind", "fca", "--period", "2027H1", "--chart", "x.svg"], "--chart draws the trends"),
])
def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                      message: str) -> None:
    status, _, err = run(capsys, str(export(tmp_path / "e.jsonl")), *argv)
    assert status == 2
    assert message in err


def test_a_missing_file_or_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, str(tmp_path / "none.jsonl"), "--kind", "fca", "--period",
                         "2027H1")
    assert (status, "cannot read" in err) == (2, True)
    status, _, err = run(capsys, "--db", str(tmp_path / "no" / "such.db"), "--kind", "fca",
                         "--period", "2027H1")
    assert status == 2


def test_help_imports_no_report_module() -> None:
    code = ("import sys; from complaintflow._cli import main; "
            "print(any(m.startswith('complaintflow.reports') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_cleared_before_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from complaintflow._cli import exports

    monkeypatch.setattr(exports, "PROGRESS_BYTES", 0)
    text = export(tmp_path / "export.jsonl").read_text(encoding="utf-8")
    ids = {log[0].complaint_id for log in LOGS}  # type: ignore[attr-defined]  # complaint_opened
    copies = []
    for n in range(13):  # past 10,000 lines, where the first pass shows its count
        copy = text
        for complaint_id in ids:
            copy = copy.replace(f'"{complaint_id}"', f'"{complaint_id}-{n}"')
        copies.append(copy)
    many = tmp_path / "many.jsonl"
    many.write_text("".join(copies), encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["report", str(many), "--kind", "cfpb", "--period", "2027"]) == 0
    shown = terminal.getvalue()
    assert "\rreading line 10,000" in shown
    assert shown.endswith("\r\033[K")  # cleared: the table is not written over
