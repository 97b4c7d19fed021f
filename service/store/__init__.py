"""Stored coverage: articles with their analyses, grouped into events (docs/store.md).

SQLAlchemy 2 and Alembic, no Flask: ``Store.from_url(url)`` opens it from a script, the CLI or a Dask job;
``get_store(app)`` gives the app's one store. SQLite under var/ is the default; DATABASE_URL selects PostgreSQL.
"""
from __future__ import annotations

import os
import threading

from .db import Store, database_url
from .migrate import is_current, upgrade

__all__ = ["Store", "database_url", "get_store", "SchemaNotReady"]

_lock = threading.Lock()


class SchemaNotReady(RuntimeError):
    """The database is not at the code's schema revision: run `flask --app service db upgrade`."""


def _flag(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off")


def get_store(app) -> Store:
    """Return the app's store, opening it on first use (from the app's DATABASE_URL, else the environment).

    The embedded SQLite default migrates itself on first use, so `make run` needs nothing else; a server database
    (PostgreSQL) is migrated by the release phase (`flask --app service db upgrade`), and until it is, requests that
    need it answer 503.
    """
    store = app.extensions.get("framing_store")
    if store is not None:
        return store
    with _lock:
        store = app.extensions.get("framing_store")
        if store is None:
            url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
            keep = _flag(app.config.get("FRAMING_STORE_TEXT", os.environ.get("FRAMING_STORE_TEXT")), True)
            store = Store.from_url(url, store_text=keep)
            app.extensions["framing_store"] = store
    return store


def ensure_schema(store: Store) -> None:
    """Migrate an SQLite store to head on first use; raise SchemaNotReady for a server database behind."""
    if getattr(store, "_schema_ok", False):
        return
    if not is_current(store.engine):
        if store.dialect != "sqlite":
            raise SchemaNotReady("the database schema is not at the current revision")
        upgrade(store.engine)
    store._schema_ok = True
