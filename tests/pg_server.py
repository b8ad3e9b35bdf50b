"""A real, throwaway PostgreSQL server for the test suite and the benchmarks.

Standard library only. ``running_postgres()`` is a context manager that
runs ``initdb`` into a fresh temporary directory, starts the server with ``pg_ctl``
(listening on 127.0.0.1 on a free port, or only on a Unix socket in that directory), yields
a libpq conninfo string for the superuser, and at exit stops it with
``pg_ctl stop -m immediate`` and removes the directory.

initdb and postgres refuse to run as root. When the current process is root (CI here runs
as root), the directory is handed to an unprivileged system user (``postgres`` by
default: Debian's ``postgresql-common`` creates it) and every server command runs as that
user through ``subprocess``'s ``user=``/``group=``/``extra_groups=`` (a plain
setuid/setgid, like ``runuser -u postgres --`` but without PAM or util-linux). As a
normal user the commands run directly.

Where the binaries are looked for, in order: ``$PG_BINDIR``; the directory of ``initdb`` on
``$PATH``; ``pg_config --bindir``; the newest ``/usr/lib/postgresql/NN/bin`` (Debian and
Ubuntu); ``/usr/pgsql-NN/bin`` (RHEL/PGDG); ``/opt/homebrew/opt/postgresql@NN/bin``,
``/usr/local/opt/postgresql@NN/bin`` (Homebrew). When none has them, :class:`PostgresNotFound`
says what is missing and how to install it.

Authentication is scram-sha-256 with a random password for every connection, local
socket included, so other users on the machine cannot walk into the test server.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PostgresNotFound",
    "PostgresServer",
    "PostgresStartError",
    "conninfo",
    "find_bindir",
    "running_postgres",
]

REQUIRED = ("initdb", "pg_ctl", "postgres")

INSTALL_HINT = (
    "Install the PostgreSQL server: on Debian/Ubuntu `apt-get install -y postgresql` "
    "(binaries land in /usr/lib/postgresql/NN/bin, not on PATH), on RHEL/Fedora "
    "`dnf install postgresql-server`, on macOS `brew install postgresql@16`; "
    "or point PG_BINDIR at the directory holding initdb, pg_ctl and postgres."
)

SEARCH_PATTERNS: tuple[str, ...] = (
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # RHEL and the PGDG rpms
    "/opt/homebrew/opt/postgresql@*/bin",  # Homebrew, Apple silicon
    "/usr/local/opt/postgresql@*/bin",  # Homebrew, Intel
)

# Speed settings for a throwaway server: nothing here survives a crash, and nothing needs to.
FAST_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "checkpoint_timeout": "1h",
    "max_wal_size": "1GB",
}

BASE_SETTINGS: Mapping[str, str] = {
    "timezone": "UTC",
    "log_timezone": "UTC",
    "shared_buffers": "32MB",
    "max_connections": "100",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "log_line_prefix": "%m [%p] %u@%d ",
    # event triggers, advisory locks and pg_stat_activity are what the prototype needs:
    # nothing to turn on for them.
}


# The watchdog: a tiny process that holds the read end of a pipe from us. When the pipe
# closes, normally at stop() but also when this process dies without cleaning up
# (SIGKILL, a crashed CI step), it sends the postmaster SIGQUIT (immediate shutdown),
# waits for it to go and removes the directory. Without it an orphaned server would live
# on: the postmaster only notices a removed data directory (its postmaster.pid gone)
# about a minute later, and nothing would remove it.
WATCHDOG = r"""
import os, shutil, signal, sys, time
pid, root = int(sys.argv[1]), sys.argv[2]
if sys.stdin.buffer.read() == b"stopped":  # EOF: the parent closed the pipe or died
    sys.exit()  # a clean stop: nothing to do (and the pid may be someone else's by now)
try:
    os.kill(pid, signal.SIGQUIT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        os.kill(pid, 0)
        time.sleep(0.05)
except ProcessLookupError:
    pass
shutil.rmtree(root, ignore_errors=True)
"""


class PostgresNotFound(RuntimeError):
    """The PostgreSQL server binaries (or an unprivileged user to run them as) are missing."""


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message carries the command's output or the log's tail."""


# --- finding the binaries -------------------------------------------------------------


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def _has_all(bindir: str | os.PathLike[str]) -> bool:
    return all(os.access(os.path.join(bindir, name), os.X_OK) for name in REQUIRED)


def _candidates() -> Iterator[tuple[str, str]]:
    """(where it came from, directory), in the order they are tried."""
    env = os.environ.get("PG_BINDIR")
    if env:
        yield "$PG_BINDIR", env
    on_path = shutil.which("initdb")
    if on_path:
        yield "initdb on $PATH", os.path.dirname(os.path.realpath(on_path))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            if out:
                yield "pg_config --bindir", out
    for pattern in SEARCH_PATTERNS:
        for path in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            yield pattern, path


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres; raises :class:`PostgresNotFound`."""
    tried: list[str] = []
    for origin, path in _candidates():
        if origin == "$PG_BINDIR" and not _has_all(path):
            missing = [n for n in REQUIRED if not os.access(os.path.join(path, n), os.X_OK)]
            raise PostgresNotFound(
                f"PG_BINDIR={path!r} has no {', '.join(missing)}. {INSTALL_HINT}")
        if _has_all(path):
            return Path(path)
        missing = [name for name in REQUIRED if not os.access(os.path.join(path, name), os.X_OK)]
        tried.append(f"{path} ({origin}: no {', '.join(missing)})")
    where = "; ".join(tried) if tried else "no candidate directory exists"
    raise PostgresNotFound(
        f"cannot find the PostgreSQL server programs {', '.join(REQUIRED)}: tried {where}. "
        f"{INSTALL_HINT}")


def server_version(bindir: Path) -> tuple[int, int]:
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if not match:
        raise PostgresStartError(f"cannot read the server version from {out!r}")
    return int(match.group(1)), int(match.group(2) or 0)


# --- conninfo ----------------------------------------------------------------------------


def _quote(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(**params: object) -> str:
    """A libpq keyword/value conninfo string (``host=... port=...``), quoted as libpq wants."""
    return " ".join(f"{key}={_quote(str(value))}" for key, value in params.items()
                    if value is not None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the server --------------------------------------------------------------------------


@dataclass
class PostgresServer:
    """One throwaway cluster. Prefer :func:`running_postgres`; this is for fixtures that want
    the details (the data directory, the port, the timings) or to start and stop by hand.

    ``tcp``: listen on 127.0.0.1 on a free port (True), or only on a Unix socket in the
    temporary directory (False: no port to race for, but socket paths must stay under
    107 bytes). ``fast``: turn fsync, full-page writes and synchronous commit off.
    ``run_as``: the unprivileged user that runs the server when the caller is root.
    ``settings``: extra ``postgresql.conf`` lines, which win over the defaults.
    """

    tcp: bool = True
    fast: bool = True
    run_as: str = field(default_factory=lambda: os.environ.get("PG_TEST_USER", "postgres"))
    settings: Mapping[str, str] = field(default_factory=dict)
    base_dir: str | None = None
    superuser: str = "postgres"
    dbname: str = "postgres"
    start_timeout: float = 60.0
    watchdog: bool = True

    bindir: Path = field(init=False)
    version: tuple[int, int] = field(init=False)
    root: Path = field(init=False)
    datadir: Path = field(init=False)
    socket_dir: Path = field(init=False)
    logfile: Path = field(init=False)
    host: str = field(init=False)
    port: int = field(init=False)
    password: str = field(init=False)
    timings: dict[str, float] = field(init=False, default_factory=dict)
    _ids: tuple[int, int] | None = field(init=False, default=None)
    _running: bool = field(init=False, default=False)
    _watchdog: subprocess.Popen[bytes] | None = field(init=False, default=None)

    # -- life cycle --

    def start(self) -> str:
        """initdb and start; returns the superuser's conninfo."""
        self.bindir = find_bindir()
        self.version = server_version(self.bindir)
        self._ids = self._unprivileged_ids()
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=self._base_dir()))
        try:
            self.datadir = self.root / "data"
            self.socket_dir = self.root  # short path: sun_path is 107 bytes at most
            self.logfile = self.root / "server.log"
            self.password = secrets.token_urlsafe(24)
            if self._ids is not None:
                os.chown(self.root, *self._ids)
            t0 = time.perf_counter()
            self._initdb()
            t1 = time.perf_counter()
            self.timings["initdb"] = t1 - t0
            self._start_server()
            self.timings["start"] = time.perf_counter() - t1
            if self.watchdog:
                self._start_watchdog()
        except BaseException:
            self.stop()
            raise
        return self.conninfo()

    def stop(self) -> None:
        """Stop at once (``-m immediate``: no shutdown checkpoint) and remove the directory."""
        t0 = time.perf_counter()
        if self._running:
            result = self._run([self._bin("pg_ctl"), "stop", "-D", str(self.datadir),
                                "-m", "immediate", "-w", "-t", "30"], check=False)
            pid = self._pid()
            if result.returncode != 0 and pid is not None and pid > 0:
                # last resort: the postmaster's pid is the first line of postmaster.pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self._running = False
        self.timings["stop"] = time.perf_counter() - t0
        if self._watchdog is not None:  # tell it all is clean, then let it exit
            assert self._watchdog.stdin is not None
            with contextlib.suppress(OSError):
                self._watchdog.stdin.write(b"stopped")
                self._watchdog.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._watchdog.wait(5)
            self._watchdog = None
        root = getattr(self, "root", None)
        if root is not None and root.exists():
            shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what callers use --

    def conninfo(self, user: str | None = None, password: str | None = None,
                 dbname: str | None = None, **extra: object) -> str:
        """conninfo for ``user`` (the superuser by default, with its password)."""
        if user is None:
            user, password = self.superuser, self.password
        return conninfo(host=self.host, port=self.port, user=user, password=password,
                        dbname=dbname or self.dbname, **extra)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # -- internals --

    def _bin(self, name: str) -> str:
        return str(self.bindir / name)

    def _base_dir(self) -> str:
        base = self.base_dir or tempfile.gettempdir()
        if self._ids is not None and not _traversable_by_others(base):
            # e.g. TMPDIR under /root (0700): the server user could not reach its data
            base = "/tmp"
        return base

    def _unprivileged_ids(self) -> tuple[int, int] | None:
        if os.geteuid() != 0:
            return None
        try:
            entry = pwd.getpwnam(self.run_as)
        except KeyError:
            raise PostgresNotFound(
                f"running as root, and initdb/postgres refuse to run as root, but there is no "
                f"user {self.run_as!r} to run them as. Installing Debian's postgresql package "
                f"creates 'postgres'; or create one (`useradd --system --no-create-home "
                f"pgtest`) and set PG_TEST_USER=pgtest.") from None
        if entry.pw_uid == 0:
            raise PostgresNotFound(
                f"PG_TEST_USER={self.run_as!r} is root; name an unprivileged user")
        return entry.pw_uid, entry.pw_gid

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("PG") and not key.startswith("LC_")}
        env.update(LANG="C", LC_ALL="C", TZ="UTC", HOME=str(self.root))
        return env

    def _run(self, argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        ids = self._ids  # as root: a plain setuid/setgid, supplementary groups dropped
        result = subprocess.run(
            list(argv), cwd=self.root, env=self._env(), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=self.start_timeout + 30,
            user=ids[0] if ids else None, group=ids[1] if ids else None,
            extra_groups=[] if ids else None)
        if check and result.returncode != 0:
            raise PostgresStartError(
                f"{' '.join(argv)} exited with {result.returncode}:\n{result.stdout}"
                f"{result.stderr}\n--- server log ---\n{self.log_tail()}")
        return result

    def _initdb(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o600)
        if self._ids is not None:
            os.chown(pwfile, *self._ids)
        argv = [self._bin("initdb"), "-D", str(self.datadir), "-U", self.superuser,
                "-E", "UTF8", "--no-locale", "--auth=scram-sha-256",
                f"--pwfile={pwfile}", "--no-sync"]
        if self.version >= (14, 0):
            argv.append("--no-instructions")
        try:
            self._run(argv)
        finally:
            pwfile.unlink(missing_ok=True)

    def _write_conf(self, port: int) -> None:
        conf = {**BASE_SETTINGS, **(FAST_SETTINGS if self.fast else {}), **self.settings,
                "listen_addresses": "127.0.0.1" if self.tcp else "",
                "port": str(port),
                "unix_socket_directories": str(self.socket_dir),
                "unix_socket_permissions": "0700"}
        lines = [f"{key} = '{value}'" for key, value in conf.items()]
        # postgresql.auto.conf is read last; rewriting it on a retry replaces the port.
        (self.datadir / "postgresql.auto.conf").write_text(
            "# written by pg_server.py\n" + "\n".join(lines) + "\n")
        if self._ids is not None:
            os.chown(self.datadir / "postgresql.auto.conf", *self._ids)

    def _start_server(self) -> None:
        attempts = 5 if self.tcp else 1
        for attempt in range(attempts):
            port = _free_port() if self.tcp else 5432  # the socket dir is ours alone
            self._write_conf(port)
            result = self._run([self._bin("pg_ctl"), "start", "-D", str(self.datadir),
                                "-l", str(self.logfile), "-w", "-t", str(int(self.start_timeout))],
                               check=False)
            if result.returncode == 0:
                self._running = True
                self.host = "127.0.0.1" if self.tcp else str(self.socket_dir)
                self.port = port
                return
            log = self.log_tail()
            lost_the_port = "could not bind" in log or "Address already in use" in log
            if lost_the_port and attempt + 1 < attempts:  # someone took it: try another
                continue
            raise PostgresStartError(
                f"pg_ctl start failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n--- server log ---\n{log}")

    def _start_watchdog(self) -> None:
        pid = self._pid()
        if pid is None:
            return
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(pid), str(self.root)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # a Ctrl-C to our process group must not kill it first

    def _pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None


def _traversable_by_others(path: str) -> bool:
    current = Path(path).resolve()
    for directory in (current, *current.parents):
        try:
            if not directory.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


@contextlib.contextmanager
def running_postgres(**options: object) -> Iterator[str]:
    """A throwaway PostgreSQL server for the ``with`` block; yields the superuser's conninfo.

    Options are :class:`PostgresServer`'s (``tcp``, ``fast``, ``run_as``, ``settings``,
    ``base_dir``). Raises :class:`PostgresNotFound` when the server programs are missing.
    """
    server = PostgresServer(**options)  # type: ignore[arg-type]  # PostgresServer's fields
    info = server.start()
    atexit.register(server.stop)  # in case the with block is never left normally
    try:
        yield info
    finally:
        server.stop()
        atexit.unregister(server.stop)
