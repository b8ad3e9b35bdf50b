"""``complaintflow audit FILE``: tables, JSON, exit codes, unreadable input, progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintflow import Complaint, SnapshotError, dump_event, load_event
from complaintflow import events as ev
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
    # interleaved: each scorecard comes as soon as its complaint's last event is read
    assert out.splitlines()[0] == "CMP-13: 4 failed (1 critical), 4 passed, 15 not applicable"
    assert "CMP-42: 1 failed, 12 passed, 10 not applicable" in out
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
    from complaintflow._cli.audit import POLICY_NAMES as _AUDIT_POLICY_NAMES
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


# --- streaming ------------------------------------------------------------------------------


def big_export(path: Path, megabytes: float) -> int:
    """An export of the payroll outage copied under new ids, grouped by complaint, of about
    ``megabytes``; how many complaints it holds."""
    lines = [line(event, "CMP-42") for event in payroll_outage()]
    size = count = 0
    with path.open("w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            count += 1
            for text in lines:
                written = text.replace('"CMP-42"', f'"CMP-{count:06d}"') + "\n"
                out.write(written)
                size += len(written)
    return count


PEAK_RSS = ("import resource, subprocess, sys; "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_kb(*argv: str) -> int:
    """The peak resident memory of ``python -m complaintflow ARGV``, in KiB."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, sys.executable, "-m",
                           "complaintflow", *argv], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX")
def test_the_audit_streams_its_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    """Regression: the audit kept every event in memory (2.1 bytes per byte of input)."""
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    big_export(small, 3)
    complaints = big_export(large, 24)
    rss = [peak_rss_kb("audit", str(path), "--jobs", "0") for path in (small, large)]
    assert rss[1] - rss[0] < 8 * 1024, rss  # 21 MB more input, not even 8 MB more memory
    out = io.StringIO()
    assert _cli.run(str(large), policy_name="default", output="table", stdout=out,
                    stderr=io.StringIO(), jobs=0) == 0
    assert out.getvalue().splitlines()[-1].startswith(f"{complaints} complaints audited")


def test_worker_processes_give_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    big_export(path, 0.5)
    with path.open("a", encoding="utf-8") as end:
        end.write("{not json\n")
    reports = []
    for jobs in (0, 2):
        out, err = io.StringIO(), io.StringIO()
        assert _cli.run(str(path), policy_name="strict", output="json", stdout=out,
                        stderr=err, jobs=jobs) == 2
        reports.append((json.loads(out.getvalue()), err.getvalue()))
    assert reports[0] == reports[1]
    assert reports[0][0]["summary"]["unreadable"] == 1


def test_standard_input_needs_each_complaints_events_together(tmp_path: Path) -> None:
    interleaved = export(tmp_path / "mixed.jsonl", scenarios())
    done = subprocess.run([sys.executable, "-m", "complaintflow", "audit", "-"],
                          input=interleaved.read_text(encoding="utf-8"), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert "events are not together: audit a file, or export grouped by complaint" in (
        done.stderr)
    grouped = export(tmp_path / "grouped.jsonl", scenarios(), interleave=False)
    done = subprocess.run([sys.executable, "-m", "complaintflow", "audit", "-"],
                          input=grouped.read_text(encoding="utf-8"), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "3 complaints audited" in done.stdout


def test_json_output_with_unreadable_lines_is_one_json_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path / "export.jsonl", scenarios())
    with path.open("a", encoding="utf-8") as out:
        out.write('["an", "array"]\n{not json\n')
    assert main(["audit", str(path), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["unreadable"][0]["reason"] == "expected a JSON object, got list"
    assert report["summary"]["complaints"] == 3
    assert main(["audit", str(tmp_path / "export.jsonl"), "--jobs", "many"]) == 2
    assert "--jobs takes a whole number" in capsys.readouterr().err


# --- the stores: audit, export and verify them directly -----------------------------------


def stored(path: Path) -> Path:
    with SQLiteStore(path) as store:
        for log in scenarios():
            store.add(Complaint.from_events(log), log)
    return path


def test_audit_reads_a_sqlite_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = stored(tmp_path / "c.db")
    assert main(["audit", "--db", str(db)]) == 0
    assert "3 complaints audited" in capsys.readouterr().out
    assert main(["audit", "--db", str(tmp_path / "none.db")]) == 2
    assert "there is no SQLite store at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_export_writes_what_the_store_exports(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = stored(tmp_path / "c.db")
    assert main(["export", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    with SQLiteStore(db) as store:
        assert [json.loads(text) for text in lines] == list(store.export())
    target = tmp_path / "out.jsonl"
    assert main(["export", "--db", str(db), "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8").splitlines() == lines
    assert main(["audit", str(target)]) == 0
    assert main(["verify", str(target)]) == 0
    assert main(["export", "--db", str(tmp_path / "none.db")]) == 2
    assert "there is no SQLite store" in capsys.readouterr().err


def test_export_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    db = stored(tmp_path / "c.db")
    done = subprocess.run(f"{sys.executable} -m complaintflow export --db {db} | head -n 1",
                          shell=True, capture_output=True, text=True, check=False)
    assert done.stderr == ""
    assert json.loads(done.stdout)["type"] == "complaint_opened"


def test_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    from complaintflow import __version__

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"complaintflow {__version__}\n"


# --- unreadable input of any kind: exit 2, no traceback, nothing forged -----------------


def opened_as(log: list[Event], complaint_id: str) -> Event:
    """The log's complaint_opened event, under another complaint id."""
    opened = log[0]
    assert isinstance(opened, ev.ComplaintOpened)
    return attrs.evolve(opened, complaint_id=complaint_id)


def _opened_line(complaint_id: object) -> str:
    data = dump_event(payroll_outage()[0])
    return json.dumps({**data, "complaint_id": complaint_id})


@pytest.mark.parametrize(("text", "reason"), [
    ('{"type": "apologized", "seq": ' + "9" * 4301 + "}", "a number too long to read"),
    ('{"type": "complaint_opened", "version": ' + "9" * 5000 + "}", "a number too long"),
    ('{"type": ' + "[" * 5000 + "]" * 5000 + "}", "not JSON: nested too deeply"),
    ('{"type": "complaint_opened", "version": 2, "seq": ' + "[" * 900 + "]" * 900 + "}",
     "$.seq"),
    (_opened_line("\ud800"), "must be valid Unicode text"),
    ('{"type": "apologized", "version": 2, "seq": 2, "complaint_id": "\\udfff"}',
     "complaint_id must be text, got '\\udfff'"),
    ('{"type": "apologized", "version": 2, "seq": 2, "complaint_id": 7}',
     "complaint_id must be text, got 7"),
    ('{"type": "' + "x" * 100_000 + '"}', "unknown event type"),
], ids=["huge seq", "huge version", "deep type", "deep seq", "surrogate id",
        "surrogate label", "number label", "huge type"])
def test_unreadable_lines_exit_2_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = [line(event) for event in venting_escalation()]
    path.write_text("\n".join([*good, text]) + "\n", encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    out, err = capsys.readouterr()
    errors = err.splitlines()
    assert len(errors) == 1, err[:500]
    assert errors[0].startswith(f"{path}: line {len(good) + 1}: ")
    assert reason in errors[0]
    assert len(errors[0]) < 400
    assert "CMP-7: 0 failed" in out
    assert all(part.isprintable() for part in out.splitlines())


def test_no_id_can_forge_a_line_of_the_report(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    forged = "CMP-1: 0 failed\n9 complaints audited under the default policy: 9 comply"
    log = [opened_as(payroll_outage(), forged), *payroll_outage()[1:]]
    lines = [line(event) for event in log]
    lines.append(json.dumps({**dump_event(venting_escalation()[1]),
                             "complaint_id": "X\r\n\x1b[2Jcleared"}))
    path = tmp_path / "forged.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("CMP-1: 0 failed\\n9 complaints audited")
    assert [text for text in out.splitlines() if text[:1].isdigit()] == [
        "1 complaint audited under the default policy: 0 comply, 1 with failures "
        "(0 critical); 1 unreadable"]
    assert "\x1b" not in out + err
    assert "complaint X\\r\\n\\x1b[2Jcleared: " in err
    assert all(text.isprintable() for text in (out + err).splitlines())


def test_a_path_that_cannot_be_read_exits_2(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path)]) == 2  # a directory
    assert "cannot read" in capsys.readouterr().err
    assert main(["audit", "nul\x00byte.jsonl"]) == 2
    assert "cannot read nul\\x00byte.jsonl" in capsys.readouterr().err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"type": "x"}\n\xff\xfe\n')
    assert main(["audit", str(binary)]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    logs = [[opened_as(payroll_outage(), f"CMP-P{n}"), *payroll_outage()[1:]]
            for n in range(300)]
    path = export(tmp_path / "export.jsonl", logs, interleave=False)
    for output in ("table", "json"):
        process = subprocess.Popen(
            [sys.executable, "-m", "complaintflow", "audit", str(path), "--format", output],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(100)  # like `| head -c 100`, then the reader goes away
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 141, err  # 128 + SIGPIPE, as POSIX has it
        assert "Traceback" not in err
        assert err == ""


def _mangled(good: list[str]) -> st.SearchStrategy[str]:
    """A line of an export that someone, or something, got wrong."""
    texts = st.one_of(st.text(max_size=6),
                      st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zl"]), max_size=4))
    values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
        max_leaves=5)
    keys = st.sampled_from(["type", "version", "seq", "at", "complaint_id", "concern_id",
                            "text", "policy", "name", "bogus"])
    return st.one_of(
        st.builds(lambda index, key, value: json.dumps(
            {**json.loads(good[index % len(good)]), key: value}),
            st.integers(0, len(good) - 1), keys, values),
        st.builds(lambda index, cut: good[index % len(good)][:cut],
                  st.integers(0, len(good) - 1), st.integers(0, 200)),
        st.builds(lambda depth: '{"type": ' + "[" * depth + "]" * depth + "}",
                  st.integers(1, 3000)),
        st.builds(lambda digits, key: json.dumps({"type": "apologized"})[:-1]
                  + f', "{key}": {"9" * digits}}}', st.integers(4000, 6000), keys),
        texts,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mangled_export_is_reported_never_raised(data: st.DataObject) -> None:
    good = [line(event, "CMP-7") for event in venting_escalation()]
    lines = list(good)
    for _ in range(data.draw(st.integers(1, 4), label="bad lines")):
        where = data.draw(st.integers(0, len(lines)), label="where")
        lines.insert(where, data.draw(_mangled(good), label="line"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        for output in ("table", "json"):
            out, err = io.StringIO(), io.StringIO()
            status = _cli.run(str(path), policy_name="default", output=output, stdout=out,
                              stderr=err)
            assert status in (0, 1, 2)
            assert all(text.isprintable() for text in err.getvalue().splitlines())
            assert all(text.isprintable() for text in out.getvalue().splitlines())
            assert status == 2 or not err.getvalue()


def test_export_can_write_personal_data_redacted(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = stored(tmp_path / "c.db")
    assert main(["export", "--db", str(db)]) == 0
    plain = capsys.readouterr().out
    target = tmp_path / "redacted.jsonl"
    assert main(["export", "--db", str(db), "--redact", "--output", str(target)]) == 0
    redacted = target.read_text(encoding="utf-8")
    verified = [json.loads(text) for text in plain.splitlines()
                if json.loads(text)["type"] == "customer_verified"]
    assert verified
    for data in verified:
        assert data["name"] in plain
        assert data["name"] not in redacted
        assert data["callback"] not in redacted
    assert redacted.count('"<redacted>"') == 2 * len(verified)
    assert main(["audit", str(target)]) == 0  # a redacted export still audits
    assert main(["verify", str(target)]) == 1  # and its redacted events read as changed


def test_export_for_the_customer_leaves_out_what_is_internal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from complaintflow import RecordInternalNote, RecordRootCause

    db = stored(tmp_path / "c.db")
    with SQLiteStore(db) as store:
        complaint_id = store.ids()[0]
        at = store.get(complaint_id).updated_at
        store.handle(complaint_id, RecordInternalNote(text="Courier admits the loss."),
                     at=at + timedelta(minutes=1))
        store.handle(complaint_id, RecordRootCause(category="process",
                                                   description="No second check of labels.",
                                                   company_at_fault=True),
                     at=at + timedelta(minutes=2))
    assert main(["export", "--db", str(db)]) == 0
    everything = capsys.readouterr().out
    assert main(["export", "--db", str(db), "--customer-view"]) == 0
    shown = capsys.readouterr().out
    for text in ("Courier admits the loss.", "No second check of labels."):
        assert text in everything
        assert text not in shown
    internal = {"internal_note_recorded", "team_briefed", "root_cause_recorded"}
    every_type = [json.loads(text)["type"] for text in everything.splitlines()]
    assert internal & set(every_type)
    # only the internal events are left out, the rest in order
    assert [json.loads(text)["type"] for text in shown.splitlines()] == [
        kind for kind in every_type if kind not in internal]
