"""Run the Alembic migrations (service/store/migrations) from Python: the CLI, the release phase and tests."""
from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Alembic announces each of its plugins at INFO on every run; the migrations' own lines stay.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config that runs on ``engine`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def _sqlite_file_lock(engine: Engine):
    """Serialise migrations of one SQLite file across processes (gunicorn workers starting together)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``.

    On PostgreSQL, migrations run in one transaction under an advisory lock (see migrations/env.py), so two
    release phases (or dynos) cannot run them at once.
    """
    with _sqlite_file_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the schema to ``revision`` ("base" drops every table)."""
    with _sqlite_file_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def current(engine: Engine) -> str | None:
    """Return the schema's revision, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    """Return the newest revision the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def is_current(engine: Engine) -> bool:
    """Whether the schema is at the head revision."""
    return current(engine) == head()
