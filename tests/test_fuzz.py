"""Hostile input at every endpoint: every answer is a documented status with a JSON body, never a 5xx.

Hypothesis drives the Flask test client with malformed JSON, wrong types, huge and empty strings, control
characters, invalid UTF-8, deep nesting, HTML and binary; schemathesis generates requests from the OpenAPI
document. Example counts are bounded so the file runs in about half a minute.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import create_app

FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

POST_ENDPOINTS = ["/api/v1/analyze", "/api/v1/compare"]
GET_ENDPOINTS = ["/healthz", "/api/v1/lexicons", "/api/v1/openapi.json"]
# Statuses any endpoint may answer besides its own (routing and the optional API key).
ALWAYS = {401, 404, 405}


@pytest.fixture(scope="module")
def fuzz_app():
    return create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1_000_000, "FRAMING_RATE_LIMITS": False})


@pytest.fixture(scope="module")
def documented(fuzz_app):
    """{(path, method): statuses} from the OpenAPI document."""
    spec = fuzz_app.test_client().get("/api/v1/openapi.json").get_json()
    out = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue  # path-level "parameters"
            # "default" is the one error shape for any other status; the numbered ones are those documented.
            out[(path, method.upper())] = {int(s) for s in op["responses"] if s.isdigit()} | ALWAYS
    return out


def check(resp, documented, path, method):
    """The answer is documented, JSON, and errors have the one error shape."""
    assert resp.status_code < 500, resp.get_data()[:500]
    allowed = documented.get((path, method), {200} | ALWAYS)
    assert resp.status_code in allowed, (resp.status_code, resp.get_data()[:300])
    assert resp.mimetype == "application/json", resp.mimetype
    body = resp.get_json()
    if resp.status_code >= 400:
        err = body["error"]
        assert isinstance(err["code"], str) and isinstance(err["message"], str)
        assert isinstance(err["fields"], dict)
        assert "Traceback" not in resp.get_data(as_text=True)


# ---- strategies ------------------------------------------------------------------------------------------------

NASTY_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co"]), max_size=200),
    st.sampled_from([
        "", " ", "\x00", "\u202e\u2066evil", "\ufeff", "\ud7ff", "<script>alert(1)</script>",
        "<p>The <b>regime</b> fell</p><!--", "<script " * 200, "&#x110000;&#0;&#xD800;&amp",
        '"' * 500, "“" * 300, "‘’" * 200, "\n" * 5000, "A" * 20_000, "😀" * 2000, "مرحبا" * 300,
        "Maduro " * 400, "x" * 600, "a." * 3000, "{" * 1000,
    ]),
)
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), NASTY_TEXT)
JSON_ANY = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(st.text(max_size=10), inner,
                                                                           max_size=4)), max_leaves=12)
TARGET = st.one_of(NASTY_TEXT, st.fixed_dictionaries({}, optional={
    "text": JSON_ANY, "start": st.one_of(st.integers(-5, 10**12), JSON_LEAF),
    "end": st.one_of(st.integers(-5, 10**12), JSON_LEAF)}), JSON_ANY)
ANALYZE_BODY = st.fixed_dictionaries({}, optional={
    "text": st.one_of(NASTY_TEXT, JSON_ANY), "title": st.one_of(NASTY_TEXT, JSON_LEAF, st.just("t" * 5000)),
    "outlet": st.one_of(NASTY_TEXT, JSON_LEAF, st.sampled_from(["Breitbart News", "The Moscow Times", "X" * 300])),
    "targets": st.one_of(st.lists(TARGET, max_size=4), JSON_ANY, st.just(["Maduro"] * 60)),
    "extra": JSON_ANY})
ARTICLE = st.one_of(st.fixed_dictionaries({}, optional={"text": st.one_of(NASTY_TEXT, JSON_LEAF),
                                                          "outlet": st.one_of(NASTY_TEXT, JSON_LEAF),
                                                          "title": st.one_of(NASTY_TEXT, JSON_LEAF),
                                                          "junk": JSON_LEAF}), JSON_ANY)
# Article lists of any length (a wrong count together with an invalid article once gave a 500), or no list at all.
COMPARE_BODY = st.one_of(
    st.fixed_dictionaries({}, optional={"articles": st.one_of(st.lists(ARTICLE, max_size=4), JSON_LEAF,
                                                              st.just([{"text": "a", "outlet": "b"}] * 50)),
                                        "targets": JSON_ANY, "extra": JSON_ANY}),
    JSON_ANY)


def as_json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


RAW_BODY = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda v: as_json_bytes(v)[:-1], JSON_ANY),  # truncated JSON
    st.builds(lambda d: b"[" * d + b"]" * d, st.integers(1, 200_000)),  # deep nesting
    st.builds(lambda d: b'{"text":' * d + b'"x"' + b"}" * d, st.integers(1, 50_000)),
    st.builds(lambda b: b'{"text": "' + b + b'"}', st.binary(max_size=200)),  # invalid UTF-8 inside JSON
    st.sampled_from([b"", b"null", b"0", b'"text"', b"NaN", b'{"text": NaN}', b'{"text": "a", "text": 1}',
                     b"\xef\xbb\xbf{\"text\": \"bom\"}", b'{"text": "\\ud800"}', b"<html><body>hi</body></html>",
                     b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b'{"text": "a"}' * 1000, b"1e999999"]),
)
CONTENT_TYPE = st.sampled_from(["application/json", "application/json; charset=latin-1", "text/plain",
                                "text/plain; charset=utf-8", "application/problem+json", "text/html",
                                "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
                                "application/octet-stream", "", "application/json; charset=utf-16",
                                "\x00/\x00"])


# ---- tests -----------------------------------------------------------------------------------------------------

@FUZZ
@given(body=ANALYZE_BODY)
def test_analyze_json_fields(fuzz_app, documented, body):
    resp = fuzz_app.test_client().post("/api/v1/analyze", data=as_json_bytes(body), content_type="application/json")
    check(resp, documented, "/api/v1/analyze", "POST")


@FUZZ
@given(body=COMPARE_BODY)
def test_compare_json_fields(fuzz_app, documented, body):
    resp = fuzz_app.test_client().post("/api/v1/compare", data=as_json_bytes(body), content_type="application/json")
    check(resp, documented, "/api/v1/compare", "POST")


@FUZZ
@given(path=st.sampled_from(POST_ENDPOINTS), body=RAW_BODY, ctype=CONTENT_TYPE)
def test_raw_bodies(fuzz_app, documented, path, body, ctype):
    resp = fuzz_app.test_client().post(path, data=body, content_type=ctype)
    check(resp, documented, path, "POST")


@FUZZ
@given(text=NASTY_TEXT, title=st.one_of(st.none(), NASTY_TEXT), charset=st.sampled_from(["", "; charset=utf-8"]))
def test_analyze_text_plain(fuzz_app, documented, text, title, charset):
    query = {"title": title, "outlet": title} if title else {}
    resp = fuzz_app.test_client().post("/api/v1/analyze", data=text.encode("utf-8", "surrogatepass"),
                                       content_type="text/plain" + charset, query_string=query)
    check(resp, documented, "/api/v1/analyze", "POST")


@FUZZ
@given(path=st.sampled_from(POST_ENDPOINTS + GET_ENDPOINTS),
       method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
       query=st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=3),
       headers=st.dictionaries(st.sampled_from(["X-Request-ID", "Authorization", "Origin", "Accept",
                                                "Content-Encoding", "Transfer-Encoding", "Range"]),
                               st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=200),
                               max_size=3))
def test_any_method_query_and_headers(fuzz_app, documented, path, method, query, headers):
    resp = fuzz_app.test_client().open(path, method=method, query_string=query, headers=headers,
                                       data=b'{"text": "The regime fell."}', content_type="application/json")
    assert resp.status_code < 500, resp.get_data()[:300]
    if method in ("HEAD", "OPTIONS"):
        return
    check(resp, documented, path, method)
    rid = resp.headers["X-Request-ID"]
    assert 0 < len(rid) <= 128 and rid.isprintable()


@pytest.mark.parametrize("body", [{"articles": [{"text": 1}]}, {"articles": [{}] * 30}])
def test_compare_count_and_item_errors_together_are_422(fuzz_app, documented, body):
    resp = fuzz_app.test_client().post("/api/v1/compare", json=body)
    check(resp, documented, "/api/v1/compare", "POST")
    assert resp.status_code == 422


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_body_just_over_the_limit_is_413(fuzz_app, documented, path):
    body = b'{"text": "' + b"a" * 1_000_000 + b'"}'
    check(fuzz_app.test_client().post(path, data=body, content_type="application/json"), documented, path, "POST")


def test_server_still_answers_after_the_fuzzing(fuzz_app):
    assert fuzz_app.test_client().get("/healthz").status_code == 200


# ---- schemathesis: requests generated from the OpenAPI document ------------------------------------------------

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json",
                                        create_app({"TESTING": True, "FRAMING_RATE_LIMITS": False}))
CONTRACT = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@schema.exclude(path="/api/v1/compare").parametrize()
@CONTRACT
def test_openapi_contract(case):
    case.call_and_validate(checks=CHECKS)


@schema.include(path="/api/v1/compare").parametrize()
@CONTRACT
def test_openapi_contract_compare(case):
    case.call_and_validate(checks=CHECKS)


# ---- compare on tiny and degenerate articles ----------------------------------------------------------------------
# The class behind "Chaos. Chaos." vs "x y" (a ZeroDivisionError in the log-odds): articles of a few words, repeated
# words, one outlet holding the whole vocabulary, identical texts, punctuation only.
TINY_WORDS = st.sampled_from(["Chaos", "chaos", "x", "y", "regime", "Maduro", "said", ".", "!", "?", "“", "”",
                              "the", "dictator", "1", "—", "\n"])
TINY_TEXT = st.lists(TINY_WORDS, min_size=1, max_size=8).map(" ".join).filter(lambda t: t.strip())


@FUZZ
@given(texts=st.lists(TINY_TEXT, min_size=2, max_size=4), same_outlet=st.booleans())
def test_compare_on_tiny_articles_never_fails(fuzz_app, documented, texts, same_outlet):
    client = fuzz_app.test_client()
    articles = [{"outlet": "A" if same_outlet and k else f"Outlet {k}", "text": t} for k, t in enumerate(texts)]
    resp = client.post("/api/v1/compare", json={"articles": articles})
    check(resp, documented, "/api/v1/compare", "POST")
    assert resp.status_code == 200, resp.get_data()[:300]
