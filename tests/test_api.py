"""The REST contract, through the Flask test client."""
from __future__ import annotations

import html as _html
import json
import re

import pytest


def by_outlet(seeds, seed_results, outlet):
    return [seed_results[row["file"]] for row in seeds if row["outlet"] == outlet]


def test_every_seed_analyses(seeds, seed_results):
    for row in seeds:
        result = seed_results[row["file"]]
        assert result["outlet"] == row["outlet"]
        assert result["stats"]["words"] > 100
        assert result["stats"]["sentences"] >= 5
        assert result["readability"]["flesch_reading_ease"] is not None
        assert result["lexicon_version"]


def test_breitbart_is_more_loaded_than_each_moscow_times_seed(seeds, seed_results):
    breitbart = by_outlet(seeds, seed_results, "Breitbart News")[0]["loaded_terms"]["density"]
    for mt in by_outlet(seeds, seed_results, "The Moscow Times"):
        assert breitbart > mt["loaded_terms"]["density"]


def test_moscow_times_donation_appeal_is_removed_and_never_scored(seeds, seed_results):
    for row in seeds:
        if row["outlet"] != "The Moscow Times":
            continue
        text = row["text"]
        result = seed_results[row["file"]]
        appeal_start = text.index("A Message from The Moscow Times:")
        appeal = [r for r in result["cleaning"]["removed"] if r["kind"] == "donation_appeal"]
        assert any(r["start"] <= appeal_start for r in appeal)
        # The appeal block ends at its explicit end line ("Remind me later."); whatever follows it on the page is
        # other chrome ("Read more"): together the removed spans reach the end of the text.
        covered = appeal_start
        for r in sorted(result["cleaning"]["removed"], key=lambda r: r["start"]):
            if r["start"] <= covered + 2 and r["end"] > covered:
                covered = r["end"]
        assert covered >= len(text.rstrip())
        spans = [h for h in result["loaded_terms"]["hits"]]
        spans += [h for v in ("hedges", "boosters") for h in result["voice"][v]["hits"]]
        spans += result["voice"]["attribution"]["hits"] + result["voice"]["scare_quotes"]["hits"]
        spans += [m for a in result["actors"] for m in a["mentions"]]
        assert spans, "the story itself should produce some evidence"
        assert all(s["end"] <= appeal_start for s in spans), "evidence found inside the donation appeal"
        # "unjust", "undesirable", "repression" stand in the appeal; none may count.
        assert not any(h["term"].lower() in ("unjust", "repression") for h in result["loaded_terms"]["hits"])


@pytest.mark.parametrize("kind,fragment", [
    ("photo_credit", "MAXIM SHEMETOV/AFP/Getty Images"),
    ("caption", "Russian President Vladimir Putin (R) meets with his Venezuelan counterpart Nicolas Maduro"),
    ("comments_footer", "Please let us know if you're having issues with commenting."),
])
def test_breitbart_chrome_is_removed(seeds, seed_results, kind, fragment):
    row = next(r for r in seeds if r["outlet"] == "Breitbart News")
    start = row["text"].index(fragment, row["text"].index("\n"))
    removed = seed_results[row["file"]]["cleaning"]["removed"]
    assert any(r["kind"] == kind and r["start"] <= start and r["end"] >= start + len(fragment) for r in removed)


def test_maduro_is_an_actor_in_all_five(seed_results):
    for result in seed_results.values():
        names = {a["name"]: a for a in result["actors"]}
        assert "Nicolas Maduro" in names, sorted(names)
        maduro = names["Nicolas Maduro"]
        assert maduro["type"] == "person"
        assert maduro["sentiment"]["label"] in ("negative", "neutral", "positive")
        assert -1 <= maduro["sentiment"]["score"] <= 1


def test_offsets_point_into_the_submitted_text(seeds, seed_results):
    for row in seeds:
        text = row["text"]
        result = seed_results[row["file"]]
        for hit in result["loaded_terms"]["hits"]:
            assert text[hit["start"]:hit["end"]] == hit["term"]
        for actor in result["actors"]:
            for m in actor["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
            for label in actor["labels"]:
                assert text[label["start"]:label["end"]] == label["text"]


def test_text_plain_body_is_the_text(client, seeds):
    row = seeds[4]
    resp = client.post("/api/v1/analyze?outlet=Al+Jazeera", data=row["text"].encode(),
                       content_type="text/plain; charset=utf-8")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["outlet"] == "Al Jazeera"
    assert body["stats"]["characters"] == len(row["text"])


def test_html_is_stripped_and_offsets_point_into_the_html(client):
    html = ("<article><h1>Crisis</h1><p>The <b>regime</b> of the socialist dictator Nicolas Maduro "
            "&amp; his thugs slammed the opposition.</p><script>var x = 'regime';</script></article>")
    resp = client.post("/api/v1/analyze", json={"text": html})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["stats"]["is_html"] is True
    terms = {html[h["start"]:h["end"]].lower() for h in body["loaded_terms"]["hits"]}
    assert "regime" in terms and "dictator" in terms
    assert all(h["start"] < html.index("<script>") for h in body["loaded_terms"]["hits"])


def test_healthz_lexicons_and_openapi(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    lex = client.get("/api/v1/lexicons").get_json()
    names = {l["name"] for l in lex["lexicons"]}
    assert {"loaded_terms", "hedges", "boosters", "attribution_verbs"} <= names
    assert all(l["entries"] > 0 and l["source"] for l in lex["lexicons"])
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/analyze" in spec["paths"]
    props = spec["components"]["schemas"]["AnalyzeRequest"]["properties"]
    assert {"text", "title", "outlet", "targets"} <= set(props)
    assert "loaded_terms" in spec["components"]["schemas"]["Analysis"]["properties"]


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.data[:300]
    assert resp.mimetype == "application/json"
    err = resp.get_json()["error"]
    assert set(err) >= {"code", "message", "fields"}
    if code:
        assert err["code"] == code
    return err


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   \n\t "}, "text"),
    ({"text": 42}, "text"),
    ({"text": None}, "text"),
    ({"text": ["a"]}, "text"),
    ({"text": "Fine.", "colour": "red"}, "colour"),
    ({"text": "Fine.", "targets": "Maduro"}, "targets"),
    ({"text": "Fine.", "targets": [{"start": 3}]}, "targets"),
    ({"text": "Fine.", "targets": [{"start": 4, "end": 2}]}, "targets"),
    ({"text": "Fine.", "outlet": 7}, "outlet"),
])
def test_invalid_fields_are_422_with_field_messages(client, body, field):
    err = assert_error(client.post("/api/v1/analyze", json=body), 422, "validation_error")
    # One shape everywhere: flat dotted paths ("targets.0.end"), each with a list of messages.
    assert any(k == field or k.startswith(field + ".") for k in err["fields"]), err["fields"]
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in err["fields"].values())


@pytest.mark.parametrize("body, path", [
    ({"text": "Fine.", "targets": [{"start": 3}]}, "targets.0.end"),
    ({"text": "Fine.", "targets": ["ok", {"start": 4, "end": 2}]}, "targets.1.end"),
    ({"text": "Fine.", "outlet": "   "}, "outlet"),
    ({"text": "Fine.", "published": "last Tuesday"}, "published"),
    ({"text": "Fine.", "language": "English"}, "language"),
])
def test_error_fields_are_dotted_paths(client, body, path):
    err = assert_error(client.post("/api/v1/analyze", json=body), 422, "validation_error")
    assert path in err["fields"], err["fields"]


def test_newsroom_metadata_is_accepted_and_echoed(client):
    body = {"text": "Officials said the talks would continue.", "id": 1234, "url": "https://example.org/a",
            "published": "2019-03-25T10:00:00Z", "author": "A. Reporter", "section": "World", "language": "en"}
    out = client.post("/api/v1/analyze", json=body).get_json()
    assert out["meta"]["id"] == "1234"
    assert {k: out["meta"][k] for k in ("url", "published", "author", "section", "language")} == \
        {k: body[k] for k in ("url", "published", "author", "section", "language")}
    assert set(out["meta"]["source"].values()) == {"request"}


def test_text_plain_honours_its_charset(client):
    text = "Le président a été critiqué."
    resp = client.post("/api/v1/analyze", data=text.encode("latin-1"), content_type="text/plain; charset=latin-1",
                       query_string={"outlet": "Le Monde"})
    assert resp.status_code == 200, resp.data[:300]
    assert resp.get_json()["stats"]["characters"] == len(text)
    assert_error(client.post("/api/v1/analyze", data=b"x", content_type="text/plain; charset=no-such"), 415)


def test_json_array_body_is_422(client):
    assert_error(client.post("/api/v1/analyze", json=["text"]), 422)


@pytest.mark.parametrize("data", [b"{", b'{"text": "a",}', b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000])
def test_malformed_json_is_400(client, data):
    assert_error(client.post("/api/v1/analyze", data=data, content_type="application/json"), 400, "bad_request")


@pytest.mark.parametrize("ctype", ["application/xml", "multipart/form-data; boundary=x", "image/png", ""])
def test_wrong_content_type_is_415(client, ctype):
    assert_error(client.post("/api/v1/analyze", data=b"<a/>", content_type=ctype), 415)


def test_body_over_limit_is_413(client):
    body = json.dumps({"text": "word " * 210_000})
    assert_error(client.post("/api/v1/analyze", data=body, content_type="application/json"), 413)


def test_invalid_utf8_plain_text_is_400(client):
    assert_error(client.post("/api/v1/analyze", data=b"caf\xe9", content_type="text/plain"), 400)


def test_unknown_route_and_method_are_json(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/analyze"), 405, "method_not_allowed")


def test_errors_carry_the_request_id(client):
    resp = client.post("/api/v1/analyze", json={}, headers={"X-Request-ID": "abc123"})
    assert resp.headers["X-Request-ID"] == "abc123"
    assert resp.get_json()["error"]["request_id"] == "abc123"


def test_unexpected_error_is_json_500_without_traceback(app, monkeypatch):
    from service.api import analyze as api

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "analyze_document", boom)
    resp = app.test_client().post("/api/v1/analyze", json={"text": "A sentence."})
    err = assert_error(resp, 500, "internal_error")
    assert "secret" not in resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)
    assert err["request_id"]


def test_text_over_the_token_limit_is_413_before_analysis(app):
    client = app.test_client()
    app.config["FRAMING_MAX_TOKENS"] = 50
    try:
        err = assert_error(client.post("/api/v1/analyze", json={"text": "word " * 60}), 413, "text_too_long")
        assert "FRAMING_MAX_TOKENS" in err["message"] and "text" in err["fields"]
        assert client.post("/api/v1/analyze", json={"text": "word " * 40}).status_code == 200
    finally:
        app.config["FRAMING_MAX_TOKENS"] = 30_000


@pytest.mark.parametrize("body,field", [
    (b'{"text": "abc \\ud800 def"}', "text"),
    (b'{"text": "fine", "targets": ["\\udfff"]}', "targets.0"),
])
def test_lone_surrogates_are_422(client, body, field):
    err = assert_error(client.post("/api/v1/analyze", data=body, content_type="application/json"), 422)
    assert field in err["fields"]


def test_deeply_nested_but_parseable_json_is_not_a_500(client):
    body = b'{"text": "x", "targets": ' + b"[" * 900 + b"]" * 900 + b"}"
    resp = client.post("/api/v1/analyze", data=body, content_type="application/json")
    assert resp.status_code in (400, 422)


@pytest.mark.parametrize("name", ["Breitbart", "breitbart.com", "https://www.breitbart.com/politics/2019/03/25/x/",
                                  "Breitbart News"])
def test_outlet_profile_resolves_names_domains_and_urls(client, name):
    body = client.get(f"/api/v1/lexicons/outlets/{name}").get_json()
    assert body["id"] == "breitbart-news" and body["articles"] >= 1


def test_unknown_outlet_profile_is_404_json(client):
    err = assert_error(client.get("/api/v1/lexicons/outlets/Nowhere Gazette"), 404, "not_found")
    assert "pooled reference" in err["message"]


def test_a_page_with_entities_and_invisible_characters_points_into_the_submitted_text(client):
    """&shy;, &nbsp; and zero-width characters inside an HTML body: terms and actors are found as in clean text,
    and every span (loaded terms, actors, the lean's evidence) points at its words in the submitted HTML."""
    html = ("<article><p>The social&shy;ist dicta\u200btor Nicolas&nbsp;Maduro un&shy;leashed a bru&shy;tal "
            "crackdown on peaceful protesters, the opposition said on Tuesday.</p><p>Washington&#8203;'s envoy "
            "called the so-called elections a sham and urged the regime to step aside.</p></article>")
    body = client.post("/api/v1/analyze", json={"text": html}).get_json()

    def read(span):
        return re.sub("[\u00ad\u200b\u00a0]", lambda m: " " if m.group(0) == "\u00a0" else "",
                      _html.unescape(html[span["start"]:span["end"]]))

    hits = body["loaded_terms"]["hits"]
    assert {"socialist", "dictator", "brutal"} <= {h["entry"] for h in hits}
    for h in hits:
        assert read(h) == h["term"]
    assert "Nicolas Maduro" in {a["name"] for a in body["actors"]}
    for actor in body["actors"]:
        for m in actor["mentions"]:
            assert read(m) == m["text"]
    evidence = body["calibrated"]["slant"]["lean"]["evidence"]
    assert evidence
    for term in evidence:
        for span in term["spans"]:
            assert read(span).lower().replace("’", "'") == term["term"]
