"""The throwaway PostgreSQL server of the test suite: it listens on 127.0.0.1 only, leaves
nothing behind, even when the test process is killed, and without the server programs the
PostgreSQL tests skip with one line, or fail when COMPLAINTFLOW_REQUIRE_POSTGRES is set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REQUIRE, Postgres
from .pg_server import PostgresNotFound, PostgresServer, find_bindir

ROOT = Path(__file__).resolve().parent.parent
ONE_CHECK = "tests/test_postgres.py::TestPostgresStore::test_an_unknown_id_is_not_found"


def _pytest(**environment: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for key, value in environment.items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-rs", ONE_CHECK], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_without_the_server_programs_the_tests_skip_with_one_line() -> None:
    result = _pytest(PG_BINDIR="/nonexistent/bin", **{REQUIRE: None})
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, result.stdout
    assert "PostgreSQL tests skipped" in skipped[0]
    assert "apt-get install -y postgresql" in skipped[0]
    assert ".ci/run" in skipped[0]


def test_when_they_are_required_the_tests_fail_instead() -> None:
    result = _pytest(PG_BINDIR="/nonexistent/bin", **{REQUIRE: "1"})
    assert result.returncode != 0
    assert f"{REQUIRE} is set, and the PostgreSQL tests cannot run" in result.stdout
    assert "PG_BINDIR='/nonexistent/bin' has no initdb" in result.stdout


def test_a_wrong_pg_bindir_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_BINDIR", "/nonexistent/bin")
    with pytest.raises(PostgresNotFound, match="PG_BINDIR='/nonexistent/bin' has no"):
        find_bindir()


def test_the_server_listens_on_the_loopback_only(postgres: Postgres) -> None:
    with postgres.connect() as db:
        row = db.execute("SELECT current_setting('listen_addresses'), "
                         "inet_server_addr()::text, current_setting('password_encryption')"
                         ).fetchone()
    assert row == ("127.0.0.1", "127.0.0.1/32", "scram-sha-256")


def test_a_killed_test_process_leaves_no_server_behind(postgres: Postgres) -> None:
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); "
            "from tests.pg_server import PostgresServer; s = PostgresServer(); s.start(); "
            "print(s._pid(), s.root, flush=True); time.sleep(120)")
    child = subprocess.Popen([sys.executable, "-c", code, str(ROOT)], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    pid_text, root_text = child.stdout.readline().split()
    pid, root = int(pid_text), Path(root_text)
    assert Path(f"/proc/{pid}").exists()
    child.kill()  # SIGKILL: no finally, no atexit
    child.wait()
    deadline = time.monotonic() + 30
    while (Path(f"/proc/{pid}").exists() or root.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the postmaster outlived its test process"
    assert not root.exists()


def test_a_stopped_server_is_gone(postgres: Postgres) -> None:
    server = PostgresServer(tcp=False)  # a Unix socket only, this time
    server.start()
    root, pid = server.root, server._pid()
    server.stop()
    assert not root.exists()
    deadline = time.monotonic() + 10
    while pid is not None and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid is not None
    assert not Path(f"/proc/{pid}").exists()
