"""Stored coverage: what storing costs (bench/STORE.md has the figures and how to read them).

1. POST /api/v1/articles against POST /api/v1/analyze on the same articles (each text made unique, so every post
   analyses and inserts), through the Flask test client, on SQLite and on PostgreSQL. Pairs alternate which
   endpoint goes first; the figure is the ratio of the medians (goal <= 1.1).
2. GET /api/v1/events/{id}/comparison at 10, 50 and 200 stored articles, with the part spent in compare() itself.
3. Database size per 1,000 articles with and without text (FRAMING_STORE_TEXT=0), SQLite and PostgreSQL.

Articles: BASIL 2010-2014 (Fan et al. 2019; research use, read from ../shared/evaldata, never copied), analysed
once by the core. PostgreSQL: a throwaway cluster as the tests start it (tests/postgres.py).

    .venv/bin/python bench/store.py [--pairs 20] [--out bench/out/store.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("FRAMING_ANALYSIS_SLOTS", "4")
os.environ.setdefault("FRAMING_QUEUE_TIMEOUT", "600")
os.environ.setdefault("SECRET_KEY", "bench")

from bench.datasets import load_basil  # noqa: E402
from service import create_app  # noqa: E402
from service.analysis.compare import compare  # noqa: E402
from service.store import Store, get_store  # noqa: E402
from service.store import comparison as store_comparison  # noqa: E402
from service.store import repository as repo  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402

SIZES = (10, 50, 200)
COMPARE_RUNS = 3


def call(client, method, path, **kw):
    with getattr(client, method)(path, **kw) as resp:
        resp.get_data()
        assert resp.status_code in (200, 201), (resp.status_code, resp.get_data(as_text=True)[:300])
        return resp.status_code


def post_cost(url: str, articles, pairs: int) -> dict:
    """Median time of POST /analyze and POST /articles over the same (unique) texts."""
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    client = app.test_client()
    upgrade(get_store(app).engine)
    call(client, "post", "/api/v1/analyze", json={"text": articles[0].text, "outlet": articles[0].outlet_name})
    t_analyze, t_post = [], []
    for k in range(pairs):
        a = articles[k % len(articles)]
        bodies = [{"text": f"{a.text}\n\nRevision {k}-{which}.", "outlet": a.outlet_name} for which in "ab"]

        def analyze():
            t = time.perf_counter()
            call(client, "post", "/api/v1/analyze", json=bodies[0])
            t_analyze.append(time.perf_counter() - t)

        def store():
            t = time.perf_counter()
            assert call(client, "post", "/api/v1/articles", json={**bodies[1], "url": f"https://bench/{k}"}) == 201
            t_post.append(time.perf_counter() - t)

        for step in ((analyze, store) if k % 2 == 0 else (store, analyze)):
            step()
    get_store(app).dispose()
    ma, mp = statistics.median(t_analyze), statistics.median(t_post)
    ratios = [p / a for p, a in zip(t_post, t_analyze)]
    return {"pairs": pairs, "analyze_median_s": round(ma, 4), "articles_median_s": round(mp, 4),
            "ratio_of_medians": round(mp / ma, 3), "median_pair_ratio": round(statistics.median(ratios), 3)}


def cache_clear() -> None:
    with store_comparison._cache_lock:
        store_comparison._cache.clear()


def event_items(analysed, n: int) -> list[tuple[str, str, dict]]:
    """Return n (text, outlet, result) items; past the corpus, articles repeat with a line added (a new hash)."""
    out = []
    for k in range(n):
        a, result = analysed[k % len(analysed)]
        text = a.text if k < len(analysed) else f"{a.text}\n\nCopy {k}."
        out.append((text, a.outlet_name, result))
    return out


def comparison_times(new_url, analysed) -> dict:
    """Time the stored comparison at each size (median of COMPARE_RUNS), and compare() alone on the same data.

    Each size gets a database of its own (``new_url()``), since its articles repeat the smaller sizes' ones.
    """
    out = {}
    for n in SIZES:
        app = create_app({"TESTING": True, "DATABASE_URL": new_url()})
        client = app.test_client()
        st = get_store(app)
        upgrade(st.engine)
        key = f"bench-{n}"
        items = event_items(analysed, n)
        for k, (text, outlet, result) in enumerate(items):
            repo.add_article(st, repo.NewArticle(text=text, outlet=outlet, url=f"https://bench/{n}/{k}",
                                                 event_key=key), result)
        ev = repo.resolve_event(st, key)
        assert repo.event_summary(st, ev.id)["articles"] == n
        http, cached, core = [], [], []
        for _ in range(COMPARE_RUNS):
            cache_clear()  # the computation, as on the first request after a change
            t = time.perf_counter()
            call(client, "get", f"/api/v1/events/{ev.id}/comparison")
            http.append(time.perf_counter() - t)
            t = time.perf_counter()
            call(client, "get", f"/api/v1/events/{ev.id}/comparison")  # unchanged event: from the cache
            cached.append(time.perf_counter() - t)
            t = time.perf_counter()
            compare([r for _, _, r in items], [t_ for t_, _, _ in items], [o for _, o, _ in items])
            core.append(time.perf_counter() - t)
        out[n] = {"endpoint_median_s": round(statistics.median(http), 3),
                  "endpoint_cached_median_s": round(statistics.median(cached), 3),
                  "compare_only_median_s": round(statistics.median(core), 3),
                  "words": sum(r["stats"]["words"] for _, _, r in items)}
        st.dispose()
    return out


def db_size(url_for, analysed, n: int = 1000) -> dict:
    """Bytes the store takes for ``n`` articles, with and without text."""
    out = {}
    for keep in (True, False):
        url, measure = url_for(keep)
        st = Store.from_url(url, store_text=keep)
        upgrade(st.engine)
        for k in range(n):
            a, result = analysed[k % len(analysed)]
            repo.add_article(st, repo.NewArticle(text=f"{a.text}\n\nCopy {k}.", outlet=a.outlet_name,
                                                 url=f"https://bench/size/{k}", event_key=f"ev-{k % 50}"), result)
        out["with_text" if keep else "without_text"] = measure(st)
        st.dispose()
    return out


def sqlite_measure(st) -> int:
    with st.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return os.path.getsize(st.engine.url.database)


def pg_measure(st) -> int:
    with st.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one() - \
            conn.exec_driver_sql("SELECT pg_database_size('template1')").scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "store.json"))
    parser.add_argument("--parts", default="post,comparison,size",
                        help="Comma-separated parts to run; the others are kept from an earlier --out.")
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    basil = load_basil()
    app = create_app({"TESTING": True})
    res = app.extensions["framing"]
    from service.analysis import analyze_document

    # The analyses are cached in bench/out (gitignored: derived from research-use text) for reruns.
    cache = ROOT / "bench" / "out" / f"store_analyses_{res.version}.json"
    if cache.exists():
        results = json.loads(cache.read_text())
    else:
        t = time.perf_counter()
        results = [analyze_document(res, a.text, outlet=a.outlet_name) for a in basil]
        print(f"analysed {len(results)} BASIL articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(results))
    analysed = list(zip(basil, results))

    from tests.postgres import BINDIR, Cluster

    cluster = Cluster(BINDIR)
    cluster.init()
    cluster.start()
    tmp = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the cluster is removed when the bench is stopped
    earlier = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
    report = {"articles": f"BASIL 2010-2014 ({len(analysed)} articles; beyond that, repeated with a line added)",
              "lexicon_version": res.version, "post_cost": earlier.get("post_cost", {}),
              "comparison": earlier.get("comparison", {}), "db_size_per_1000": earlier.get("db_size_per_1000", {})}
    counter = iter(range(10**6))
    try:
        if "post" in parts:
            report["post_cost"]["sqlite"] = post_cost(f"sqlite:///{tmp / 'post.db'}", basil, args.pairs)
            report["post_cost"]["postgresql"] = post_cost(cluster.url(cluster.create_database()), basil, args.pairs)
            print(json.dumps(report["post_cost"]), file=sys.stderr)
        if "comparison" in parts:
            report["comparison"]["sqlite"] = comparison_times(lambda: f"sqlite:///{tmp / f'cmp{next(counter)}.db'}",
                                                              analysed)
            report["comparison"]["postgresql"] = comparison_times(lambda: cluster.url(cluster.create_database()),
                                                                  analysed)
            print(json.dumps(report["comparison"]), file=sys.stderr)
        if "size" in parts:
            report["db_size_per_1000"]["sqlite"] = db_size(
                lambda keep: (f"sqlite:///{tmp / f'size-{keep}.db'}", sqlite_measure), analysed)
            report["db_size_per_1000"]["postgresql"] = db_size(
                lambda keep: (cluster.url(cluster.create_database()), pg_measure), analysed)
        report["mean_words_per_article"] = round(statistics.mean(r["stats"]["words"] for _, r in analysed), 1)
        report["mean_analysis_json_bytes"] = round(statistics.mean(len(json.dumps(r)) for _, r in analysed))
        report["mean_text_bytes"] = round(statistics.mean(len(a.text.encode()) for a, _ in analysed))
    finally:
        cluster.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
