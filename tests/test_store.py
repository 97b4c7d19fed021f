"""The store (service/store) on real databases: an SQLite file and a throwaway PostgreSQL cluster (tests/postgres.py).

Migrations from empty and from the previous revision, the models matching the head revision, duplicates created
once under concurrent inserts, text kept or not, and no committed row lost when a writer is killed mid-write.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from service.analysis import analyze_document
from service.store import Store, database_url
from service.store import repository as repo
from service.store.comparison import NotEnoughArticles, compare_event
from service.store.migrate import current, downgrade, head, upgrade
from service.store.models import SCORE_COLUMNS, Article, Base
from tests.threads import run_at_once

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def store(db_url):
    st = Store.from_url(db_url, store_text=True)
    upgrade(st.engine)
    yield st
    st.dispose()


@pytest.fixture(scope="module")
def analysed(resources, seeds):
    """The seeds analysed by the core once: [(row, result)]."""
    return [(row, analyze_document(resources, row["text"], title=row["headline"] or None, outlet=row["outlet"]))
            for row in seeds]


def new_article(row, **kw) -> repo.NewArticle:
    return repo.NewArticle(text=row["text"], outlet=row["outlet"], title=row["headline"] or None, **kw)


# ---- configuration -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db.example:5432/news", "postgresql+psycopg://u:p@db.example:5432/news"),
    ("postgresql://u@/news?host=/tmp", "postgresql+psycopg://u@/news?host=/tmp"),
    ("postgresql+psycopg://u@h/news", "postgresql+psycopg://u@h/news"),
    ("sqlite:////srv/framing.db", "sqlite:////srv/framing.db"),
])
def test_database_url_accepts_heroku_and_sqlite_forms(given, expected):
    assert database_url(given) == expected


def test_database_url_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = database_url()
    assert url.startswith("sqlite:///") and url.endswith("/var/framing.db")
    assert Path(url[len("sqlite:///"):]).parent == ROOT / "var"


# ---- migrations --------------------------------------------------------------------------------------------------

def test_migrations_from_empty_match_the_models(db_url):
    st = Store.from_url(db_url)
    try:
        assert current(st.engine) is None
        upgrade(st.engine)
        assert current(st.engine) == head()
        with st.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diffs == []
        columns = {c["name"] for c in inspect(st.engine).get_columns("articles")}
        assert set(SCORE_COLUMNS) <= columns
        assert {"url", "outlet", "title", "published", "language", "event_id", "text_hash", "lexicon_version",
                "analysis", "text"} <= columns
        downgrade(st.engine, "base")
        assert not {"articles", "events"} & set(inspect(st.engine).get_table_names())
    finally:
        st.dispose()


def test_migration_from_previous_revision_keeps_rows_and_fills_keywords(db_url, analysed):
    st = Store.from_url(db_url)
    try:
        upgrade(st.engine, "0001")
        row, result = analysed[0]
        with st.engine.begin() as conn:
            conn.execute(text("INSERT INTO events (key, title) VALUES ('ev', 'An event')"))
            conn.execute(
                text("INSERT INTO articles (url, outlet, outlet_key, text_hash, text, text_stored, lexicon_version, "
                     "loaded_density, analysis, event_id) VALUES ('https://a/1', :outlet, :key, :hash, :text, :yes, "
                     ":version, :loaded, :analysis, 1)").bindparams(),
                {"outlet": row["outlet"], "key": row["outlet"].casefold(), "hash": repo.text_hash(row["text"]),
                 "text": row["text"], "yes": True, "version": result["lexicon_version"],
                 "loaded": result["loaded_terms"]["density"], "analysis": json.dumps(result)})
        upgrade(st.engine)
        assert current(st.engine) == head()
        with st.session() as s:
            art = s.scalars(select(Article)).one()
        assert art.url == "https://a/1" and art.text == row["text"] and art.event_id == 1
        assert art.analysis["loaded_terms"]["density"] == result["loaded_terms"]["density"]
        assert "nicolas maduro" in art.keywords["actors"]
        assert art.keywords["terms"]
        # And back: the previous revision's schema, the row still there.
        downgrade(st.engine, "0001")
        assert "keywords" not in {c["name"] for c in inspect(st.engine).get_columns("articles")}
        with st.engine.connect() as conn:
            assert conn.execute(text("SELECT url FROM articles")).scalar_one() == "https://a/1"
    finally:
        st.dispose()


# ---- articles ----------------------------------------------------------------------------------------------------

def test_add_article_stores_scores_as_columns_and_the_analysis(store, analysed):
    row, result = analysed[3]
    art, created = repo.add_article(store, new_article(row, url="https://b/1", event_key="venezuela",
                                                      published=datetime(2019, 3, 19)), result)
    assert created
    got = repo.get_article(store, art.id)
    assert got.loaded_density == result["loaded_terms"]["density"]
    assert got.hedge_rate == result["voice"]["hedges"]["rate"]
    assert got.quote_share == result["voice"]["quotes"]["share_of_words"]
    assert got.framing_index == result["calibrated"]["framing_index"]["value"]
    assert got.analysis == json.loads(json.dumps(result))
    assert got.text == row["text"] and got.text_hash == repo.text_hash(row["text"])
    assert got.lexicon_version == result["lexicon_version"] and got.language == "en"
    with store.engine.connect() as conn:  # plain SQL reads the columns directly (Datasette, pandas)
        assert conn.execute(text("SELECT loaded_density FROM articles")).scalar_one() == got.loaded_density


@pytest.mark.parametrize("same", ["url", "outlet_and_text"])
def test_the_same_article_again_returns_the_stored_one(store, analysed, same):
    row, result = analysed[0]
    first, created = repo.add_article(store, new_article(row, url="https://mt/1"), result)
    again = new_article(row, url="https://mt/1") if same == "url" else new_article(row)
    if same == "outlet_and_text":
        again.outlet = "  the moscow   TIMES "
    second, created2 = repo.add_article(store, again, result)
    assert created and not created2 and second.id == first.id
    with store.session() as s:
        assert s.scalar(select(func.count(Article.id))) == 1


def test_eight_threads_inserting_one_article_create_it_once(store, analysed):
    row, result = analysed[1]
    out = []

    def post(k):
        # Half by url, half without url (outlet + text hash): both constraints race.
        art, created = repo.add_article(store, new_article(row, url="https://mt/2" if k % 2 else None,
                                                           event_key="race"), result)
        out.append((art.id, created))

    assert run_at_once(8, post) == []
    assert len({i for i, _ in out}) == 1
    assert sum(created for _, created in out) == 1
    with store.session() as s:
        assert s.scalar(select(func.count(Article.id))) == 1
    assert [e["key"] for e in repo.list_events(store)] == ["race"]


def test_store_text_off_keeps_scores_and_hashes_only(db_url, analysed):
    st = Store.from_url(db_url, store_text=False)
    upgrade(st.engine)
    try:
        row, result = analysed[3]
        art, _ = repo.add_article(st, new_article(row), result)
        got = repo.get_article(st, art.id)
        assert got.text is None and got.text_stored is False
        assert got.text_hash == repo.text_hash(row["text"])
        assert got.loaded_density == result["loaded_terms"]["density"]
        dumped = json.dumps(got.analysis)
        for hit in result["loaded_terms"]["hits"]:
            assert f'"start": {hit["start"]}, "end": {hit["end"]}' not in dumped
        assert "hits" not in got.analysis["loaded_terms"] and "sentences" not in got.analysis
        # Nothing longer than a name survives: no sentence of the text is in the stored row.
        sentence = row["text"][result["sentences"][2]["start"]:result["sentences"][2]["end"]].strip()
        assert sentence[:60] not in dumped
    finally:
        st.dispose()


def test_list_filters_and_pages(store, analysed):
    for k, (row, result) in enumerate(analysed):
        repo.add_article(store, new_article(row, published=datetime(2019, 3, 10 + k),
                                            event_key="talks" if k % 2 == 0 else None), result)
    rows, total = repo.list_articles(store, outlet="the moscow times")
    assert total == 3 and {r.outlet for r in rows} == {"The Moscow Times"}
    rows, total = repo.list_articles(store, event="talks")
    assert total == 3
    rows, total = repo.list_articles(store, since=datetime(2019, 3, 11), until=datetime(2019, 3, 13))
    assert [r.published.day for r in rows] == [12, 11]
    pages = [repo.list_articles(store, page=p, per_page=2)[0] for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len({r.id for p in pages for r in p}) == 5
    assert repo.list_articles(store, per_page=10_000)[0].__len__() == 5  # capped at MAX_PER_PAGE, not unbounded


def test_suggested_events_share_actors_within_three_days(store, analysed):
    (mt, mt_result), (mt2, mt2_result) = analysed[0], analysed[1]
    repo.add_article(store, new_article(mt, published=datetime(2019, 3, 18), event_key="venezuela-talks"),
                     mt_result)
    near, _ = repo.add_article(store, new_article(mt2, published=datetime(2019, 3, 20)), mt2_result)
    suggestions = repo.suggest_events(store, repo.get_article(store, near.id))
    assert [s["key"] for s in suggestions] == ["venezuela-talks"]
    assert "nicolas maduro" in suggestions[0]["shared_actors"]
    far_row, far_result = analysed[2]
    far, _ = repo.add_article(store, new_article(far_row, published=datetime(2019, 4, 20)), far_result)
    assert repo.suggest_events(store, repo.get_article(store, far.id)) == []


def test_event_comparison_uses_the_stored_analyses(store, analysed):
    from service.analysis.compare import compare

    picked = [analysed[0], analysed[3], analysed[4]]
    for row, result in picked:
        repo.add_article(store, new_article(row, event_key="ev"), result)
    ev = repo.resolve_event(store, "ev")
    body = compare_event(store, ev.id)
    live = compare([r for _, r in picked], [row["text"] for row, _ in picked], [row["outlet"] for row, _ in picked])
    assert body["outlets"] == live["outlets"]
    assert json.dumps(body["metrics"], sort_keys=True) == json.dumps(live["metrics"], sort_keys=True)
    assert body["distinctive_terms"] == live["distinctive_terms"]
    assert body["event"]["articles"] == 3 and body["event"]["outlets"] == 3
    repo.add_article(store, new_article(analysed[1][0], event_key="lonely"), analysed[1][1])
    with pytest.raises(NotEnoughArticles):
        compare_event(store, repo.resolve_event(store, "lonely").id)


# ---- a writer killed mid-write -----------------------------------------------------------------------------------

WRITER = r"""
import json, sys
from service.store import Store
from service.store import repository as repo
url, path = sys.argv[1], sys.argv[2]
base = json.load(open(path))
st = Store.from_url(url, store_text=True)
k = 0
while True:
    k += 1
    art, created = repo.add_article(st, repo.NewArticle(text=base["text"] + f" Update {k}.", outlet="Writer",
                                                        url=f"https://w/{k}", event_key="kill"), base["result"])
    print(art.id, flush=True)
"""


def test_no_committed_row_is_lost_when_the_writer_is_killed(store, db_url, analysed, tmp_path):
    row, result = analysed[0]
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"text": row["text"], "result": result}))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(payload)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    committed = []
    try:
        while len(committed) < 25:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            committed.append(int(line))
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: most likely inside the next transaction
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    store.dispose()  # fresh connections after the kill
    with store.session() as s:
        rows = {a.id: a for a in s.scalars(select(Article)).all()}
    assert set(committed) <= set(rows)
    assert len(rows) in (len(committed), len(committed) + 1)  # at most the write in flight, and only whole
    for art in rows.values():
        assert art.analysis["loaded_terms"]["density"] == result["loaded_terms"]["density"]
        assert art.loaded_density == result["loaded_terms"]["density"] and art.text.endswith(".")
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    # The store goes on after the kill.
    art, created = repo.add_article(store, new_article(analysed[4][0]), analysed[4][1])
    assert created


def test_an_unchanged_event_is_compared_once(store, analysed, monkeypatch):
    import service.store.comparison as comparison

    calls = []
    real = comparison.compare
    monkeypatch.setattr(comparison, "compare", lambda *a, **k: calls.append(1) or real(*a, **k))
    for row, result in (analysed[0], analysed[3]):
        repo.add_article(store, new_article(row, event_key="cached"), result)
    ev = repo.resolve_event(store, "cached")
    first = compare_event(store, ev.id)
    assert compare_event(store, ev.id) == first and len(calls) == 1
    repo.add_article(store, new_article(analysed[4][0], event_key="cached"), analysed[4][1])  # the event changed
    third = compare_event(store, ev.id)
    assert len(calls) == 2 and len(third["articles"]) == 3
    repo.delete_article(store, third["articles"][0]["id"])
    assert len(compare_event(store, ev.id)["articles"]) == 2 and len(calls) == 3


def test_the_test_suite_never_stores_into_var(app):
    from service.store import get_store

    url = str(get_store(app).engine.url)
    assert url.startswith("sqlite:///") and "/var/framing.db" not in url
