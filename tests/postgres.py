"""A throwaway PostgreSQL cluster for the tests, started in a temp dir like the browser tests' Chromium.

Debian's postgresql package provides initdb, pg_ctl and postgres (tools/ensure_postgres.sh installs it). The
cluster listens on a unix socket in its temp dir only (no TCP), trusts local connections, and is removed at the
end of the session. As root, initdb refuses to run: the cluster then runs as the `postgres` system user (or
`nobody`) through runuser. Under CI (CI=true) a missing PostgreSQL is a failure, not a skip.

Fixtures: ``pg_cluster`` (session) and ``pg_url`` (a fresh, empty database per test).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

# How long pg_ctl waits for the server to start or stop (its own -t); generous for a loaded machine.
PG_CTL_WAIT_SECONDS = 120


def _bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0, reverse=True)
    for d in candidates:
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found and shutil.which("pg_ctl") else None


BINDIR = _bindir()


def _run_as() -> str | None:
    """Return the user to run the server as when we are root (initdb refuses root), else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a `postgres` nor a `nobody` user to run PostgreSQL as")


class Cluster:
    """A PostgreSQL cluster in a temp dir, reachable on a unix socket in that dir."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="framing-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.superuser = "framing"

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def init(self) -> None:
        subprocess.run(self._cmd("initdb", "-D", str(self.data), "-U", self.superuser, "-A", "trust",
                                 "-E", "UTF8", "--no-instructions", "--locale", "C.UTF-8"),
                       check=True, capture_output=True)
        with (self.data / "postgresql.conf").open("a") as fh:
            # Unix socket in our dir only; small and fast, because its data is thrown away.
            fh.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{self.root}'\nfsync = on\n"
                     "max_connections = 100\nshared_buffers = 32MB\n")

    def start(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                                 "-t", str(PG_CTL_WAIT_SECONDS), "start"), check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(PG_CTL_WAIT_SECONDS),
                                 "stop"), check=False, capture_output=True)

    def url(self, database: str = "postgres", scheme: str = "postgresql+psycopg") -> str:
        return f"{scheme}://{self.superuser}@/{database}?host={self.root}"

    def create_database(self) -> str:
        """Create an empty database and return its name."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host=str(self.root), user=self.superuser, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def missing_reason() -> str | None:
    """Why PostgreSQL cannot run here, or None."""
    if BINDIR is None:
        return "PostgreSQL is not installed: run tools/ensure_postgres.sh (Debian package postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (requirements.txt)"
    return None


@pytest.fixture(scope="session")
def pg_cluster():
    """Start a throwaway cluster for the session (skip, or fail under CI, when PostgreSQL is missing)."""
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {reason}; tools/ensure_postgres.sh should have installed it")
        pytest.skip(reason)
    cluster = Cluster(BINDIR)
    try:
        cluster.init()
        cluster.start()
    except subprocess.CalledProcessError as exc:
        log = cluster.log.read_text() if cluster.log.exists() else ""
        cluster.remove()
        pytest.fail(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{log}")
    yield cluster
    cluster.remove()


@pytest.fixture()
def pg_url(pg_cluster) -> str:
    """A fresh, empty database on the session's cluster (SQLAlchemy URL)."""
    return pg_cluster.url(pg_cluster.create_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database: an SQLite file, or a fresh database on the PostgreSQL cluster (each test runs on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")
