"""POST /api/v1/compare: the contract on the seeds, the statistics, and the errors."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from service.analysis import compare as cmp


def seed_articles(seeds, indices=None):
    rows = seeds if indices is None else [seeds[i] for i in indices]
    return [{"outlet": r["outlet"], "text": r["text"]} for r in rows]


@pytest.fixture(scope="module")
def comparison(app, seeds):
    resp = app.test_client().post("/api/v1/compare", json={"articles": seed_articles(seeds)})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.data[:300]
    assert resp.mimetype == "application/json"
    err = resp.get_json()["error"]
    assert err["code"] == code and "message" in err and "fields" in err
    return err


def test_outlets_in_first_seen_order_and_articles_pooled(comparison, seeds):
    assert comparison["outlets"] == ["The Moscow Times", "Breitbart News", "Al Jazeera"]
    assert len(comparison["articles"]) == len(seeds)
    assert comparison["article_outlets"] == [r["outlet"] for r in seeds]
    loaded = comparison["metrics"]["loaded_density"]["per_outlet"]
    assert [p["articles"] for p in loaded] == [3, 1, 1]


def test_each_article_is_the_full_analysis(comparison, seed_results, seeds):
    for row, article in zip(seeds, comparison["articles"]):
        single = seed_results[row["file"]]
        assert article["loaded_terms"]["hits"] == single["loaded_terms"]["hits"]
        assert set(single) - {"title"} <= set(article)


def test_single_article_outlet_values_equal_the_analysis(comparison, seeds, seed_results):
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")
    single = seed_results[breitbart["file"]]
    metrics = comparison["metrics"]
    value = next(p["value"] for p in metrics["loaded_density"]["per_outlet"] if p["outlet"] == "Breitbart News")
    assert value == pytest.approx(single["loaded_terms"]["density"], abs=0.01)
    hedges = next(p["value"] for p in metrics["hedge_rate"]["per_outlet"] if p["outlet"] == "Breitbart News")
    assert hedges == pytest.approx(single["voice"]["hedges"]["rate"], abs=0.01)


def test_breitbart_loaded_density_exceeds_moscow_times_or_summary_says_unclear(comparison):
    metric = comparison["metrics"]["loaded_density"]
    diff = next(d for d in metric["differences"] if {d["a"], d["b"]} == {"The Moscow Times", "Breitbart News"})
    sign = 1 if diff["a"] == "Breitbart News" else -1
    assert sign * diff["difference"] > 0
    lo, hi = diff["interval"]
    assert lo <= diff["difference"] <= hi
    if diff["clear"]:
        assert (sign * lo > 0) if sign > 0 else (sign * hi > 0)
    else:
        assert any("not clear" in s["text"] for s in comparison["summary"])


def test_every_metric_has_values_intervals_and_all_pairs(comparison):
    n = len(comparison["outlets"])
    for name, metric in comparison["metrics"].items():
        assert len(metric["per_outlet"]) == n, name
        assert len(metric["differences"]) == n * (n - 1) // 2, name
        if metric["method"].startswith("bootstrap"):
            for p in metric["per_outlet"]:
                lo, hi = p["interval"]
                assert lo <= p["value"] + 1e-6 and p["value"] - 1e-6 <= hi, (name, p)


def test_bootstrap_is_reproducible(client, seeds):
    body = {"articles": seed_articles(seeds, [0, 3])}
    first = client.post("/api/v1/compare", json=body).get_json()
    second = client.post("/api/v1/compare", json=body).get_json()
    assert first["metrics"] == second["metrics"]
    assert first["method"]["bootstrap"]["seed"] == cmp.BOOTSTRAP_SEED


def test_maduro_matched_across_all_three_outlets_with_labels(comparison):
    maduro = next(a for a in comparison["actors"] if a["name"] == "Nicolas Maduro")
    assert maduro["outlets"] == comparison["outlets"]
    per = {p["outlet"]: p for p in maduro["per_outlet"]}
    breitbart = {l["text"].lower() for l in per["Breitbart News"]["labels"]}
    moscow = {l["text"].lower() for l in per["The Moscow Times"]["labels"]}
    assert any("dictator" in l for l in breitbart), breitbart
    assert any("president" in l for l in moscow), moscow
    for p in maduro["per_outlet"]:
        assert p["mentions"] >= 1
        assert p["sentiment"]["label"] in ("negative", "neutral", "positive")
        assert -1 <= p["sentiment"]["score"] <= 1


def test_actor_evidence_points_into_the_article(comparison, seeds):
    for actor in comparison["actors"]:
        for p in actor["per_outlet"]:
            for ev in p["evidence"]:
                assert seeds[ev["article"]]["text"][ev["start"]:ev["end"]] == ev["text"]


def test_surname_joins_the_full_name_across_articles():
    def result(name, start=0):
        return {"actors": [{"name": name, "type": "person", "mentions": [{"start": start, "end": start + 1}],
                            "labels": [], "sentiment": {"score": 0.0, "mentions": 1}}]}

    groups = cmp.match_actors([result("Nicolás Maduro"), result("Maduro"), result("Nicolas Maduro")])
    assert len(groups) == 1 and len(groups[0]) == 3


def test_distinctive_terms_are_log_odds_with_z(comparison, seeds):
    blocks = {b["outlet"]: b["terms"] for b in comparison["distinctive_terms"]}
    assert set(blocks) == set(comparison["outlets"])
    breitbart = blocks["Breitbart News"]
    assert breitbart, "Breitbart should have distinctive terms"
    assert [t["z"] for t in breitbart] == sorted((t["z"] for t in breitbart), reverse=True)
    assert {"dictator", "regime"} & {t["term"] for t in breitbart}
    for t in breitbart:
        assert t["count"] >= cmp.MIN_TERM_COUNT and t["z"] > 0
        assert t["significant"] == (t["z"] > cmp.Z_THRESHOLD)
        for ev in t["evidence"]:
            assert seeds[ev["article"]]["text"][ev["start"]:ev["end"]].lower().replace("’", "'") == t["term"]


def _filler(prefix: str, n: int) -> list[str]:
    return [prefix + chr(97 + k // 26) + chr(97 + k % 26) for k in range(n)]


def test_fightin_words_statistic_matches_the_formula():
    # Outlet A uses "dictator" 10 times in 100 terms, B never (100 terms): Monroe et al. 2008, eq. 16-22, with
    # the pooled corpus as prior (alpha0 = N = 200, alpha_w = 10). ". " between words keeps bigrams out.
    a = ". ".join(["dictator"] * 10 + _filler("xx", 90))
    b = ". ".join(["president"] * 10 + _filler("yy", 90))
    empty = {"cleaning": {"removed": []}, "voice": {"quotes": {"spans": []}}, "stats": {}}
    groups = cmp.group_outlets([{**empty, "outlet": "A"}, {**empty, "outlet": "B"}])
    top = cmp.distinctive_terms([empty, empty], [a, b], groups)["A"][0]
    assert top["term"] == "dictator"
    a0, a_w = 200.0, 10.0
    delta = math.log((10 + a_w) / (100 + a0 - 10 - a_w)) - math.log((0 + a_w) / (100 + a0 - 0 - a_w))
    assert top["log_odds"] == pytest.approx(delta, abs=1e-3)
    assert top["z"] == pytest.approx(delta / math.sqrt(1 / (10 + a_w) + 1 / a_w), abs=1e-3)


def test_summary_sentences_point_at_evidence(comparison):
    assert 2 <= len(comparison["summary"]) <= 8
    sections = {s["evidence"]["section"] for s in comparison["summary"]}
    assert {"metrics", "actors"} <= sections
    assert all(s["text"].strip() for s in comparison["summary"])


def test_same_outlet_is_pooled_whatever_the_case(client, seeds):
    articles = seed_articles(seeds, [0, 1, 3])
    articles[1]["outlet"] = "  the moscow  times "
    body = client.post("/api/v1/compare", json={"articles": articles}).get_json()
    assert body["outlets"] == ["The Moscow Times", "Breitbart News"]


def test_openapi_documents_compare(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/compare" in spec["paths"]
    assert {"articles"} <= set(spec["components"]["schemas"]["CompareRequest"]["properties"])
    assert "metrics" in spec["components"]["schemas"]["Comparison"]["properties"]


@pytest.mark.parametrize("count", [0, 1, 21])
def test_article_count_out_of_range_is_422(client, count):
    articles = [{"outlet": f"Outlet {k}", "text": "A short text."} for k in range(count)]
    err = assert_error(client.post("/api/v1/compare", json={"articles": articles}), 422, "validation_error")
    assert "articles" in err["fields"]


def test_article_limit_follows_config(app, seeds):
    from service import create_app

    small = create_app({"TESTING": True, "FRAMING_MAX_ARTICLES": 2})
    resp = small.test_client().post("/api/v1/compare", json={"articles": seed_articles(seeds, [0, 3, 4])})
    assert_error(resp, 422, "validation_error")


@pytest.mark.parametrize("article", [
    {"outlet": "A"},
    {"text": "Some text."},
    {"outlet": "", "text": "Some text."},
    {"outlet": "A", "text": "   "},
    {"outlet": 5, "text": "Some text."},
    {"outlet": "A", "text": "Some text.", "colour": "red"},
])
def test_article_without_text_or_outlet_is_422(client, article):
    body = {"articles": [{"outlet": "B", "text": "Other text."}, article]}
    err = assert_error(client.post("/api/v1/compare", json=body), 422, "validation_error")
    assert any(k.startswith("articles.1.") for k in err["fields"]), err["fields"]


@pytest.mark.parametrize("body", [{}, {"articles": "x"}, {"articles": [1, 2]}, ["articles"]])
def test_malformed_requests_are_422(client, body):
    assert_error(client.post("/api/v1/compare", json=body), 422, "validation_error")


def test_bad_json_is_400_and_wrong_type_415(client):
    assert_error(client.post("/api/v1/compare", data=b"{", content_type="application/json"), 400, "bad_request")
    assert_error(client.post("/api/v1/compare", data=b"x", content_type="text/plain"), 415,
                 "unsupported_media_type")


def test_oversize_body_is_413(client):
    body = json.dumps({"articles": [{"outlet": "A", "text": "word " * 110_000},
                                    {"outlet": "B", "text": "word " * 110_000}]})
    assert_error(client.post("/api/v1/compare", data=body, content_type="application/json"), 413,
                 "payload_too_large")


def test_core_compare_is_pure():
    code = "import sys, service.analysis.compare; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"


def test_outlet_names_pooled_as_one_are_reported(client):
    articles = [{"outlet": "BBC", "text": "The regime fell on Tuesday, officials said."},
                {"outlet": " bbc ", "text": "Protesters filled the square as the army watched."},
                {"outlet": "Fox News", "text": "The socialist dictator clung to power."}]
    body = client.post("/api/v1/compare", json={"articles": articles}).get_json()
    assert body["outlets"] == ["BBC", "Fox News"]
    merged = [w for w in body["warnings"] if w["kind"] == "outlets_merged"]
    assert len(merged) == 1 and merged[0]["articles"] == [0, 1] and set(merged[0]["outlets"]) == {"BBC", "bbc"}


def test_distinct_outlets_give_no_merge_warning(client):
    articles = [{"outlet": "BBC", "text": "The regime fell on Tuesday."},
                {"outlet": "Fox News", "text": "The socialist dictator clung to power."}]
    body = client.post("/api/v1/compare", json={"articles": articles}).get_json()
    assert not [w for w in body["warnings"] if w["kind"] == "outlets_merged"]


def test_pooled_actor_label_reads_the_mention_weighted_probabilities():
    """Across outlets an actor's label is the most probable class of the articles' probabilities weighted by mentions
    (the head's own reading, pooled); an article whose score the support rule set to 0, or one without
    probabilities (FRAMING_TARGET_ENCODER=off), counts with its label."""
    neg = {"score": -0.3, "label": "neutral", "mentions": 1, "interval": [-1.0, 1.0],
           "probabilities": {"negative": 0.4, "neutral": 0.5, "positive": 0.1}}
    strong = {"score": -0.7, "label": "negative", "mentions": 3, "interval": [-0.9, -0.5],
              "probabilities": {"negative": 0.8, "neutral": 0.15, "positive": 0.05}}
    pooled = cmp._pool_sentiment([neg, strong])
    assert pooled["label"] == "negative" and pooled["mentions"] == 4
    assert pooled["score"] == pytest.approx((-0.3 + 3 * -0.7) / 4, abs=1e-4)
    zeroed = {"score": 0.0, "label": "neutral", "mentions": 5, "interval": [-1.0, 1.0],
              "probabilities": {"negative": 0.9, "neutral": 0.05, "positive": 0.05}}
    assert cmp._pool_sentiment([neg, zeroed])["label"] == "neutral"  # 5 neutral votes, not P(negative) 0.9
    lexical = [{"score": 0.4, "label": "positive", "mentions": 2, "interval": [0.1, 0.7]},
               {"score": -0.1, "label": "neutral", "mentions": 1, "interval": [-0.5, 0.3]}]
    assert cmp._pool_sentiment(lexical)["label"] == "positive"
    for pooled in (cmp._pool_sentiment([neg, strong]), cmp._pool_sentiment([neg, zeroed]),
                   cmp._pool_sentiment(lexical)):
        probs = pooled["probabilities"]
        assert abs(sum(probs.values()) - 1) < 1e-3 and pooled["label"] == max(probs, key=probs.get)
    assert cmp._pool_sentiment([neg, zeroed])["probabilities"]["neutral"] == pytest.approx((0.5 + 5) / 6, abs=1e-4)
