"""Engine and sessions: SQLite under var/ by default, PostgreSQL (or another SQLite file) from DATABASE_URL.

No Flask here: the CLI, a Dask job or a notebook open the same store with ``Store.from_env()``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / "var" / "framing.db"
# A writer waits this long for another writer's lock (SQLite) before the request fails with 503.
SQLITE_BUSY_SECONDS = 30
# PostgreSQL: a client that cannot reach the server gives up after this many seconds (then 503), so an outage
# does not hold a web worker until the router's timeout.
CONNECT_TIMEOUT_SECONDS = 5


def database_url(value: str | None = None) -> str:
    """Return the SQLAlchemy URL for ``value`` (DATABASE_URL), defaulting to SQLite under var/.

    Heroku writes ``postgres://``; SQLAlchemy wants ``postgresql://`` and a driver: psycopg 3 is the one locked.
    """
    value = (value if value is not None else os.environ.get("DATABASE_URL", "")).strip()
    if not value:
        return f"sqlite:///{DEFAULT_SQLITE}"
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


def store_text_default() -> bool:
    """FRAMING_STORE_TEXT=0 keeps scores and hashes only (see docs/store.md)."""
    return os.environ.get("FRAMING_STORE_TEXT", "1").strip().lower() not in ("0", "false", "no", "off")


def make_engine(url: str) -> Engine:
    """Create an engine: SQLite in WAL mode with a busy timeout, PostgreSQL with pre-ping and a connect timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # WAL: readers do not block the writer; synchronous=FULL: a committed row survives a killed process
            # and a power cut. Foreign keys are off by default in SQLite.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if parsed.get_backend_name() == "postgresql" else {}
    # pre_ping: a connection broken by a server restart is replaced on checkout, so the service recovers by itself.
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


@dataclass
class Store:
    """The database: engine, session factory and whether article text is kept."""

    engine: Engine
    store_text: bool = True
    sessions: sessionmaker = field(init=False)

    def __post_init__(self):
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | None = None, store_text: bool | None = None) -> "Store":
        """Open the store at ``url`` (DATABASE_URL when None)."""
        return cls(make_engine(database_url(url)), store_text_default() if store_text is None else store_text)

    from_env = from_url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """Return a new session (use as a context manager)."""
        return self.sessions()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
