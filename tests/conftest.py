"""Fixtures: the app from the factory with test config, its client, and the seed articles."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def load_seeds() -> list[dict]:
    """Return the seed articles with their manifest rows."""
    with (SEEDS / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        row["text"] = (SEEDS / row["file"]).read_text(encoding="utf-8")
    return rows


@pytest.fixture(scope="session")
def seeds() -> list[dict]:
    return load_seeds()


@pytest.fixture(scope="session")
def app():
    # Rate limits count per client address, and the whole suite is one client: tests/test_security.py turns them on
    # in apps of its own.
    return create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1_000_000, "FRAMING_RATE_LIMITS": False})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def resources(app):
    return app.extensions["framing"]


@pytest.fixture(scope="session")
def seed_results(app, seeds):
    """Analyse every seed once through the HTTP stack."""
    client = app.test_client()
    out = {}
    for row in seeds:
        resp = client.post("/api/v1/analyze", json={"text": row["text"], "outlet": row["outlet"],
                                                    "title": row["headline"] or None})
        assert resp.status_code == 200, resp.get_json()
        out[row["file"]] = resp.get_json()
    return out


# The throwaway PostgreSQL cluster (tests/postgres.py): pg_cluster for the session, pg_url a fresh database, db_url
# an SQLite file or a PostgreSQL database (the store's tests run on both).
from tests.postgres import db_url, pg_cluster, pg_url  # noqa: E402,F401


@pytest.fixture(scope="session", autouse=True)
def _throwaway_store(tmp_path_factory):
    """Every app the tests build (and the servers they start) stores articles in a temp SQLite file, never in
    var/framing.db or a DATABASE_URL of the machine (the API fuzz tests post to /api/v1/articles too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('store') / 'framing.db'}")
        yield
