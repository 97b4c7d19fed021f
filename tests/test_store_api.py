"""/api/v1/articles and /api/v1/events through the HTTP stack (Flask test client) on an SQLite file and on the
throwaway PostgreSQL cluster, with the seeds; the CLI (db upgrade, import, reanalyze, calibrate --from-store).
"""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, update

from service import create_app
from service.store import get_store
from service.store.migrate import current, head
from service.store.models import Article
from tests.threads import run_at_once

# The server's admission control (service/middleware.py) lets one analysis run at a time and sheds the rest after
# a short line; the race tests need all eight requests in at once.
ADMISSION = {"FRAMING_ANALYSIS_SLOTS": "8", "FRAMING_QUEUE_DEPTH": "16", "FRAMING_QUEUE_TIMEOUT": "600"}


@contextmanager
def _env(values: dict):
    with pytest.MonkeyPatch.context() as mp:
        for k, v in values.items():
            mp.setenv(k, v)
        yield


def make_app(url: str, migrate: bool = True, **config):
    """Build an app on ``url``; ``migrate`` runs `flask db upgrade` first, as the release phase does."""
    with _env(ADMISSION):
        # Rate limits count per client address and every test client is one address (tests/test_security.py
        # tests them); they are off here.
        app = create_app({"TESTING": True, "DATABASE_URL": url, "FRAMING_RATE_LIMITS": False, **config})
    if migrate:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
    return app


def call(client, method: str, path: str, **kw):
    """Send a request and return (status, JSON body, headers), the response closed (the server's slot released)."""
    with getattr(client, method)(path, **kw) as resp:
        body = resp.get_json(silent=True)
        return resp.status_code, body, resp.headers


@pytest.fixture()
def store_app(db_url):
    app = make_app(db_url)
    yield app
    get_store(app).dispose()


@pytest.fixture()
def client(store_app):
    return store_app.test_client()


def article(seed: dict, **extra) -> dict:
    body = {"text": seed["text"], "outlet": seed["outlet"]}
    if seed.get("headline"):
        body["title"] = seed["headline"]
    body.update(extra)
    return body


# ---- articles ----------------------------------------------------------------------------------------------------

def test_post_stores_and_the_same_article_again_is_200_with_the_same_id(client, seeds):
    status, first, _ = call(client, "post", "/api/v1/articles",
                            json=article(seeds[3], url="https://www.breitbart.com/x", published="2019-03-19",
                                         event="venezuela-talks", event_title="Russia-US talks on Venezuela"))
    assert status == 201, first
    assert first["id"] and first["event"]["key"] == "venezuela-talks"
    assert first["published"] == "2019-03-19T00:00:00Z" and first["language"] == "en"
    assert first["scores"]["loaded_density"] == first["analysis"]["loaded_terms"]["density"]
    assert first["analysis"]["actors"] and first["text_stored"] is True
    # Same url: the stored record, even with another text.
    status, again, _ = call(client, "post", "/api/v1/articles",
                            json=article(seeds[3], url="https://www.breitbart.com/x", text="Changed text."))
    assert status == 200 and again["id"] == first["id"]
    # No url: same outlet (case and spacing aside) and same text.
    status, same, _ = call(client, "post", "/api/v1/articles", json=article(seeds[3], outlet="breitbart  NEWS"))
    assert status == 200 and same["id"] == first["id"]
    status, got, _ = call(client, "get", f"/api/v1/articles/{first['id']}")
    assert status == 200 and got["analysis"] == first["analysis"]


def test_post_analyses_like_analyze(client, seeds):
    status, stored, _ = call(client, "post", "/api/v1/articles", json=article(seeds[4]))
    status2, analysed, _ = call(client, "post", "/api/v1/analyze",
                                json={"text": seeds[4]["text"], "outlet": seeds[4]["outlet"],
                                      "title": seeds[4]["headline"]})
    assert (status, status2) == (201, 200)
    for key in ("loaded_terms", "voice", "actors", "calibrated", "stats", "lexicon_version"):
        assert stored["analysis"][key] == analysed[key]


@pytest.mark.parametrize("body, field", [
    ({"text": "A text."}, "outlet"),
    ({"text": "A text.", "outlet": "X", "published": "yesterday"}, "published"),
    ({"text": "A text.", "outlet": "X", "event": "not a key!"}, "event"),
    ({"text": " ", "outlet": "X"}, "text"),
    ({"text": "A text.", "outlet": "X", "colour": "red"}, "colour"),
])
def test_post_invalid_fields_are_422_per_field(client, body, field):
    status, err, _ = call(client, "post", "/api/v1/articles", json=body)
    assert status == 422 and field in err["error"]["fields"]
    assert set(err["error"]) == {"code", "message", "fields", "request_id"}


def test_list_filters_pagination_and_delete(client, seeds):
    ids = []
    for k, seed in enumerate(seeds):
        status, body, _ = call(client, "post", "/api/v1/articles",
                               json=article(seed, published=f"2019-03-1{k}T12:00:00Z",
                                            **({"event": "talks"} if k != 1 else {})))
        assert status == 201
        ids.append(body["id"])
    status, page, _ = call(client, "get", "/api/v1/articles?outlet=The%20Moscow%20Times")
    assert status == 200 and page["total"] == 3 and {a["outlet"] for a in page["items"]} == {"The Moscow Times"}
    assert "analysis" not in page["items"][0] and "text" not in page["items"][0]
    status, page, _ = call(client, "get", "/api/v1/articles?event=talks&since=2019-03-12&until=2019-03-14")
    assert [a["published"] for a in page["items"]] == ["2019-03-13T12:00:00Z", "2019-03-12T12:00:00Z"]
    seen = []
    for p in (1, 2, 3):
        status, page, _ = call(client, "get", f"/api/v1/articles?per_page=2&page={p}")
        assert page["pages"] == 3 and page["total"] == 5
        seen += [a["id"] for a in page["items"]]
    assert sorted(seen) == sorted(ids)
    status, err, _ = call(client, "get", "/api/v1/articles?per_page=1000")
    assert status == 422 and "per_page" in err["error"]["fields"]
    status, err, _ = call(client, "get", "/api/v1/articles?event=nope")
    assert status == 404
    status, _, _ = call(client, "delete", f"/api/v1/articles/{ids[0]}")
    assert status == 204
    status, err, _ = call(client, "get", f"/api/v1/articles/{ids[0]}")
    assert status == 404 and err["error"]["code"] == "not_found"
    assert call(client, "delete", f"/api/v1/articles/{ids[0]}")[0] == 404


def test_suggested_events_for_an_article_without_event(client, seeds):
    call(client, "post", "/api/v1/articles", json=article(seeds[0], event="venezuela-talks", published="2019-03-18"))
    status, body, _ = call(client, "post", "/api/v1/articles", json=article(seeds[1], published="2019-03-20"))
    assert status == 201 and body["event"] is None
    assert [s["key"] for s in body["suggested_events"]] == ["venezuela-talks"]
    assert "nicolas maduro" in body["suggested_events"][0]["shared_actors"]


# ---- events and the stored comparison ----------------------------------------------------------------------------

def test_events_and_comparison_without_reanalysis(client, seeds, monkeypatch):
    picked = [seeds[0], seeds[3], seeds[4]]
    for k, seed in enumerate(picked):
        assert call(client, "post", "/api/v1/articles",
                    json=article(seed, event="venezuela-talks", published=f"2019-03-1{k}"))[0] == 201
    status, events, _ = call(client, "get", "/api/v1/events")
    assert status == 200
    [ev] = events["items"]
    assert (ev["key"], ev["articles"], ev["outlets"]) == ("venezuela-talks", 3, 3)
    assert (ev["first_published"], ev["last_published"]) == ("2019-03-10T00:00:00Z", "2019-03-12T00:00:00Z")

    # The comparison reads the stored analyses: the core is not called.
    import service.analysis.core as core

    def no_analysis(*a, **k):
        raise AssertionError("the stored comparison must not analyse again")

    monkeypatch.setattr(core, "analyze_document", no_analysis)
    status, stored, _ = call(client, "get", f"/api/v1/events/{ev['id']}/comparison")
    monkeypatch.undo()
    assert status == 200, stored
    status, live, _ = call(client, "post", "/api/v1/compare",
                           json={"articles": [{"outlet": s["outlet"], "text": s["text"],
                                               **({"title": s["headline"]} if s["headline"] else {})}
                                              for s in picked]})
    assert status == 200
    assert stored["outlets"] == live["outlets"]
    assert stored["metrics"] == live["metrics"]
    assert stored["actors"] == live["actors"]
    assert stored["summary"] == live["summary"]
    assert [a["outlet"] for a in stored["articles"]] == [s["outlet"] for s in picked]
    assert stored["event"]["key"] == "venezuela-talks" and stored["excluded"] == []
    # By key too.
    assert call(client, "get", "/api/v1/events/venezuela-talks/comparison")[1]["metrics"] == stored["metrics"]


def test_comparison_needs_two_articles_and_an_event(client, seeds):
    call(client, "post", "/api/v1/articles", json=article(seeds[0], event="lonely"))
    status, err, _ = call(client, "get", "/api/v1/events/lonely/comparison")
    assert status == 409 and err["error"]["code"] == "not_enough_articles"
    assert call(client, "get", "/api/v1/events/999/comparison")[0] == 404


def test_articles_stored_without_text_are_excluded_from_the_comparison(db_url, seeds):
    app = make_app(db_url, FRAMING_STORE_TEXT="0")
    client = app.test_client()
    try:
        status, body, _ = call(client, "post", "/api/v1/articles", json=article(seeds[3], event="e"))
        assert status == 201 and body["text_stored"] is False
        assert "hits" not in body["analysis"]["loaded_terms"]
        assert body["scores"]["loaded_density"] > 0
        with app.app_context():
            with get_store(app).session() as s:
                assert s.scalar(select(Article.text)) is None
        status, err, _ = call(client, "get", "/api/v1/events/e/comparison")
        assert status == 409
    finally:
        get_store(app).dispose()


# ---- concurrency -------------------------------------------------------------------------------------------------

def test_eight_concurrent_posts_of_one_article_create_one_record(store_app, seeds):
    answers = []

    def post(k):
        body = article(seeds[2], event="race", **({"url": "https://mt/race"} if k % 2 else {}))
        status, got, _ = call(store_app.test_client(), "post", "/api/v1/articles", json=body)
        answers.append((status, got.get("id")))

    assert run_at_once(8, post) == []
    assert sorted(s for s, _ in answers) == [200] * 7 + [201], answers
    assert len({i for _, i in answers}) == 1
    with get_store(store_app).session() as s:
        assert s.scalar(select(func.count(Article.id))) == 1


def test_two_servers_on_one_postgresql_create_each_article_once(pg_url, seeds):
    """Two apps, each with its own engine and pool (as two dynos), post the same articles at once."""
    apps = [make_app(pg_url), make_app(pg_url, migrate=False)]
    answers = []
    posts = [(app, seed) for app in apps for seed in (seeds[0], seeds[4])]

    def post(k):
        app, seed = posts[k]
        answers.append(call(app.test_client(), "post", "/api/v1/articles", json=article(seed, event="two-dynos"))[:2])

    errors = run_at_once(len(posts), post)
    try:
        assert errors == []
        assert sorted(s for s, _ in answers) == [200, 200, 201, 201]
        assert len({b["id"] for _, b in answers}) == 2
        with get_store(apps[1]).session() as s:
            assert s.scalar(select(func.count(Article.id))) == 2
    finally:
        for app in apps:
            get_store(app).dispose()


# ---- outages, keys, schema -----------------------------------------------------------------------------------

def test_a_database_outage_answers_503_json_and_recovers(pg_cluster, pg_url, seeds):
    app = make_app(pg_url)
    client = app.test_client()
    try:
        assert call(client, "post", "/api/v1/articles", json=article(seeds[0]))[0] == 201
        pg_cluster.stop("fast")
        try:
            for method, path, kw in (("get", "/api/v1/articles", {}), ("get", "/api/v1/events", {}),
                                     ("post", "/api/v1/articles", {"json": article(seeds[4])})):
                status, err, headers = call(client, method, path, **kw)
                assert status == 503, err
                assert err["error"]["code"] == "database_unavailable" and headers["Retry-After"]
                assert set(err["error"]) == {"code", "message", "fields", "request_id"}
        finally:
            pg_cluster.start()
        status, page, _ = call(client, "get", "/api/v1/articles")
        assert status == 200 and page["total"] == 1
        assert call(client, "post", "/api/v1/articles", json=article(seeds[4]))[0] == 201
    finally:
        get_store(app).dispose()


def test_postgresql_before_db_upgrade_answers_503_then_works(pg_url, seeds):
    app = make_app(pg_url, migrate=False)
    client = app.test_client()
    try:
        status, err, _ = call(client, "get", "/api/v1/events")
        assert status == 503 and "db upgrade" in err["error"]["message"]
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0 and "empty -> " + head() in result.output
        assert call(client, "get", "/api/v1/events")[0] == 200
    finally:
        get_store(app).dispose()


def test_writes_need_an_api_key_when_keys_are_set(db_url, seeds):
    app = make_app(db_url, FRAMING_API_KEYS=["k1"])
    client = app.test_client()
    try:
        status, err, headers = call(client, "post", "/api/v1/articles", json=article(seeds[0]))
        assert status == 401 and err["error"]["code"] == "unauthorized"
        assert call(client, "delete", "/api/v1/articles/1")[0] == 401
        status, body, _ = call(client, "post", "/api/v1/articles", json=article(seeds[0]),
                               headers={"Authorization": "Bearer k1"})
        assert status == 201
    finally:
        get_store(app).dispose()


def test_the_openapi_document_describes_the_store_endpoints(client):
    status, doc, _ = call(client, "get", "/api/v1/openapi.json")
    assert status == 200
    for path in ("/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/events",
                 "/api/v1/events/{ref}/comparison"):
        assert path in doc["paths"], sorted(doc["paths"])
    assert "201" in doc["paths"]["/api/v1/articles"]["post"]["responses"]


# ---- command line ------------------------------------------------------------------------------------------------

def test_import_reanalyze_and_calibrate_from_store(store_app, seeds, tmp_path):
    runner = store_app.test_cli_runner()
    lines = [json.dumps(article(s, event="venezuela", published="2019-03-18")) for s in seeds]
    lines.insert(2, "{not json")
    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(lines) + "\n")
    result = runner.invoke(args=["import", str(src)])
    assert result.exit_code == 0, result.output
    assert "stored 5, already stored 0, bad lines 1" in result.output
    result = runner.invoke(args=["import", str(src)])  # resumable: nothing analysed twice
    assert "stored 0, already stored 5" in result.output

    store = get_store(store_app)
    with store.session() as s:
        s.execute(update(Article).where(Article.id <= 2).values(lexicon_version="old", loaded_density=-1.0))
        s.commit()
    result = runner.invoke(args=["reanalyze", "--limit", "1"])
    assert result.exit_code == 0 and "reanalysed 1" in result.output
    result = runner.invoke(args=["reanalyze"])
    assert "reanalysed 1" in result.output
    with store.session() as s:
        versions = set(s.scalars(select(Article.lexicon_version)).all())
        assert versions == {store_app.extensions["framing"].version}
        assert s.scalar(select(func.min(Article.loaded_density))) >= 0

    out = tmp_path / "profiles"
    result = runner.invoke(args=["calibrate", "--from-store", "--out", str(out), "--version", "t1"])
    assert result.exit_code == 0, result.output
    pooled = json.loads((out / "_pooled.json").read_text())
    assert pooled["n_articles"] == 5 and "store: 5 articles" in pooled["provenance"]
    with store.engine.connect() as conn:
        assert current(store.engine) == head()


# ---- web pages -------------------------------------------------------------------------------------------------

def _form_token(client) -> str:
    import re

    with client.get("/") as resp:
        page = resp.get_data(as_text=True)
    assert 'formaction="/events/save"' in page
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_events_pages_and_saving_the_form_to_an_event(client, seeds):
    status, _, _ = call(client, "get", "/events")
    assert status == 200
    picked = [seeds[0], seeds[3], seeds[4]]
    form = {"outlet": [s["outlet"] for s in picked], "text": [s["text"] for s in picked], "event": "from-form"}
    with client.post("/events/save", data=form) as resp:
        assert resp.status_code == 403  # no CSRF token
    form["csrf_token"] = _form_token(client)
    with client.post("/events/save", data=form) as resp:
        assert resp.status_code == 303 and resp.headers["Location"].endswith("/events/from-form")
    with client.get("/events") as resp:
        page = resp.get_data(as_text=True)
    assert 'data-key="from-form"' in page and "/events/from-form" in page
    with client.get("/events/from-form") as resp:
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
    status, stored, _ = call(client, "get", "/api/v1/events/from-form/comparison")
    assert status == 200
    assert page.count('data-check="stored-article"') == 3
    assert page.count('data-check="score"') == len(stored["metrics"]) * 3
    assert stored["summary"][0]["text"].split(":")[0] in page
    for name in ("Breitbart News", "Al Jazeera", "The Moscow Times"):
        assert name in page
    # Saving again stores nothing twice.
    with client.post("/events/save", data=form) as resp:
        assert resp.status_code == 303
    assert call(client, "get", "/api/v1/articles")[1]["total"] == 3
    with client.get("/events/no-such-event") as resp:
        assert resp.status_code == 404


def test_events_pages_are_off_when_api_keys_are_set(db_url):
    app = make_app(db_url, FRAMING_API_KEYS=["k1"])
    client = app.test_client()
    try:
        status, err, _ = call(client, "get", "/events")
        assert status == 403 and "API keys" in err["error"]["message"]
        with client.get("/") as resp:
            page = resp.get_data(as_text=True)
        assert "/events/save" not in page and 'href="/events"' not in page
    finally:
        get_store(app).dispose()


@pytest.mark.parametrize("path", ["/api/v1/articles/99999999999999999999999", "/api/v1/articles/9223372036854775808",
                                  "/api/v1/events/99999999999999999999999/comparison"])
def test_ids_beyond_64_bits_are_404_not_500(client, path):
    assert call(client, "get", path)[0] == 404
    if "/articles/" in path:
        assert call(client, "delete", path)[0] == 404
