"""Security headers, optional API keys, CORS, CSRF and rate limits (service/security.py)."""
from __future__ import annotations

import re

import pytest

from service import create_app

KEY = "k-" + "s3cret" * 4
ORIGIN = "https://tools.newsroom.example"


@pytest.fixture(scope="module")
def keyed():
    """A client for an app that requires an API key (resources are shared, so this is cheap)."""
    return create_app({"TESTING": True, "FRAMING_API_KEYS": [KEY, "other-key"]}).test_client()


@pytest.fixture(scope="module")
def cors():
    return create_app({"TESTING": True, "FRAMING_CORS_ORIGINS": [ORIGIN]}).test_client()


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.data[:300]
    assert resp.mimetype == "application/json"
    err = resp.get_json()["error"]
    assert set(err) >= {"code", "message", "fields", "request_id"}
    if code:
        assert err["code"] == code
    return err


@pytest.mark.parametrize("method,path", [("get", "/healthz"), ("get", "/api/v1/lexicons"),
                                         ("get", "/api/v1/openapi.json"), ("get", "/api/v1/nope"),
                                         ("post", "/api/v1/analyze"), ("get", "/")])
def test_security_headers_on_every_response(client, method, path):
    resp = getattr(client, method)(path)
    h = resp.headers
    csp = h["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on the form's own POSTs, which
    # the Origin check refuses (tests/test_form_matches_api.py posts through Chromium).
    assert h["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in h  # plain http here; set only over https


def test_hsts_over_https(client):
    resp = client.get("/healthz", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_debug_cannot_be_switched_on_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"TESTING": True})
    assert app.debug is False


def test_secret_key_is_stable_within_a_process(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app()
    second = create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


# ---- API keys --------------------------------------------------------------------------------------------------

def test_api_is_open_without_configured_keys(client):
    assert client.get("/api/v1/lexicons").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY},
                                     {"Authorization": f"Basic {KEY}"}, {"Authorization": f"Bearer {KEY}x"},
                                     {"Authorization": f"Bearer {KEY[:-1]}"}, {"Authorization": "Bearer "},
                                     {"Authorization": "Bearer ключ"}])
@pytest.mark.parametrize("method,path", [("get", "/api/v1/lexicons"), ("post", "/api/v1/analyze")])
def test_api_key_required_when_configured(keyed, headers, method, path):
    resp = getattr(keyed, method)(path, headers=headers, json={"text": "The regime fell."})
    err = assert_error(resp, 401, "unauthorized")
    assert err["request_id"] == resp.headers["X-Request-ID"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert KEY not in resp.get_data(as_text=True)


@pytest.mark.parametrize("key", [KEY, "other-key"])
def test_valid_api_key_is_accepted(keyed, key):
    headers = {"Authorization": f"Bearer {key}"}
    assert keyed.get("/api/v1/lexicons", headers=headers).status_code == 200
    resp = keyed.post("/api/v1/analyze", headers=headers, json={"text": "The regime fell."})
    assert resp.status_code == 200
    assert keyed.get("/api/v1/lexicons", headers={"Authorization": f"bearer {key}"}).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/openapi.json"])
def test_health_and_spec_stay_open_with_keys(keyed, path):
    assert keyed.get(path).status_code == 200


def test_keys_from_a_comma_string(monkeypatch):
    monkeypatch.setenv("FRAMING_API_KEYS", " a-key , b-key ,")
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/api/v1/lexicons").status_code == 401
    assert client.get("/api/v1/lexicons", headers={"Authorization": "Bearer b-key"}).status_code == 200


# ---- CORS ------------------------------------------------------------------------------------------------------

def test_cors_allowed_origin(cors):
    resp = cors.get("/api/v1/lexicons", headers={"Origin": ORIGIN})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in resp.headers.get_all("Vary")
    assert "X-Request-ID" in resp.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", ["https://evil.example", ORIGIN + ".evil.example", "http://tools.newsroom.example",
                                    "null", ORIGIN + ":8443"])
def test_cors_denied_origin(cors, origin):
    resp = cors.get("/api/v1/lexicons", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert "Origin" in resp.headers.get_all("Vary")
    pre = cors.options("/api/v1/analyze", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in pre.headers


def test_cors_preflight(cors):
    resp = cors.options("/api/v1/analyze", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert resp.status_code in (200, 204)
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    allowed = resp.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "Origin" in resp.headers.get_all("Vary")


def test_cors_preflight_needs_no_key_and_request_still_does():
    client = create_app({"TESTING": True, "FRAMING_API_KEYS": [KEY], "FRAMING_CORS_ORIGINS": [ORIGIN]}).test_client()
    pre = client.options("/api/v1/analyze", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code in (200, 204) and pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    resp = client.post("/api/v1/analyze", headers={"Origin": ORIGIN}, json={"text": "x"})
    assert_error(resp, 401)
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN  # so the browser can read the 401


def test_cors_off_by_default(client):
    resp = client.get("/api/v1/lexicons", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in resp.headers


# ---- CSRF ------------------------------------------------------------------------------------------------------

def _web_post_rule(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and "POST" in rule.methods and not rule.arguments:
            return rule.rule
    return None


def _form_page_rule(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and "GET" in rule.methods and not rule.arguments:
            return rule.rule
    return None


def test_csrf_token_is_a_jinja_global(app):
    with app.test_request_context("/"):
        assert "csrf_token" in app.jinja_env.globals
        token = app.jinja_env.from_string("{{ csrf_token() }}").render()
        assert len(token) > 30 and token == app.jinja_env.globals["csrf_token"]()


def _form_token(client, page="/") -> str:
    resp = client.get(page)
    assert resp.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', resp.get_data(as_text=True))
    assert match, "the form renders the csrf_token hidden field"
    return match.group(1)


def test_csrf_checked_on_web_posts(app):
    post = _web_post_rule(app)
    client = app.test_client()
    data = {"text": "The regime fell.", "outlet": "X"}
    # No token, no session.
    refused = client.post(post, data=data)
    assert refused.status_code == 403 and b"csrf_failed" in refused.data
    token = _form_token(client, _form_page_rule(app))
    assert client.get_cookie("session") is not None
    ok = client.post(post, data={**data, "csrf_token": token})
    assert ok.status_code < 500 and ok.status_code != 403, ok.data[:300]  # past the check (the form may still 422)
    # A forged token, another browser's token, or a cross-site origin is refused.
    assert client.post(post, data={**data, "csrf_token": token + "x"}).status_code == 403
    assert client.post(post, data={**data, "csrf_token": token},
                       headers={"Origin": "https://evil.example"}).status_code == 403
    other = app.test_client()
    assert other.post(post, data={**data, "csrf_token": token}).status_code == 403


@pytest.mark.parametrize("origin", ["null", "https://localhost", "http://localhost.evil.example",
                                    "http://evil.example", "http://[", "file://", "http://localhost:81"])
def test_form_post_from_another_origin_is_refused(app, origin):
    client = app.test_client()
    token = _form_token(client)
    resp = client.post("/", data={"csrf_token": token, "text": "x"}, headers={"Origin": origin})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "csrf_failed"


def test_form_post_from_this_origin_passes_the_check(app):
    client = app.test_client()
    token = _form_token(client)
    resp = client.post("/", data={"csrf_token": token}, headers={"Origin": "http://localhost"})
    assert resp.status_code not in (403, 500)


def test_the_client_cannot_choose_the_csrf_secret(app):
    """The token's secret lives in the signed session: a cookie the client makes up is not accepted."""
    client = app.test_client()
    client.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiMDAwMCJ9.AAAAAA.forged")
    forged = client.post("/", data={"csrf_token": "0000"})
    assert forged.status_code == 403


def test_session_cookie_flags():
    app = create_app({"TESTING": True})
    client = app.test_client()
    cookie = client.get("/").headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    secure = app.test_client().get("/", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in secure


# ---- rate limits ----------------------------------------------------------------------------------------------

def test_api_rate_limit_answers_429_with_retry_after():
    client = create_app({"TESTING": True, "FRAMING_RATE_LIMIT_API": "3 per minute"}).test_client()
    statuses = [client.get("/api/v1/lexicons", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    resp = client.get("/api/v1/lexicons", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    err = assert_error(resp, 429, "too_many_requests")
    assert int(resp.headers["Retry-After"]) > 0 and err["request_id"]
    # Another client is not affected, nor is the health check.
    assert client.get("/api/v1/lexicons", environ_base={"REMOTE_ADDR": "10.9.8.6"}).status_code == 200
    assert client.get("/healthz", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200


def test_wrong_keys_count_toward_the_limit():
    client = create_app({"TESTING": True, "FRAMING_API_KEYS": [KEY],
                         "FRAMING_RATE_LIMIT_API": "2 per minute"}).test_client()
    env = {"REMOTE_ADDR": "10.9.8.5"}
    wrong = {"Authorization": "Bearer guess"}
    assert [client.get("/api/v1/lexicons", headers=wrong, environ_base=env).status_code for _ in range(3)] == \
        [401, 401, 429]
    right = {"Authorization": f"Bearer {KEY}"}
    assert client.get("/api/v1/lexicons", headers=right, environ_base=env).status_code == 429


def test_the_form_is_rate_limited_per_client():
    app = create_app({"TESTING": True, "FRAMING_RATE_LIMIT_FORM": "2 per minute"})
    client = app.test_client()
    env = {"REMOTE_ADDR": "10.9.8.4"}
    token = _form_token(client)
    statuses = [client.post("/", data={"csrf_token": token}, environ_base=env).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert client.get("/", environ_base=env).status_code == 200  # reading the form is not limited


def test_untrusted_host_is_refused():
    client = create_app({"TESTING": True, "TRUSTED_HOSTS": ["framing.example.org"]}).test_client()
    assert client.get("/healthz", base_url="http://framing.example.org").status_code == 200
    resp = client.get("/healthz", base_url="http://evil.example")
    assert resp.status_code == 400 and resp.mimetype == "application/json"


def test_rate_limits_count_the_forwarded_client_behind_a_trusted_proxy():
    client = create_app({"TESTING": True, "FRAMING_RATE_LIMIT_API": "1 per minute",
                         "FRAMING_PROXY_HOPS": 1}).test_client()
    router = {"REMOTE_ADDR": "10.1.1.1"}
    first = {"X-Forwarded-For": "203.0.113.5"}
    assert client.get("/api/v1/lexicons", headers=first, environ_base=router).status_code == 200
    assert client.get("/api/v1/lexicons", headers=first, environ_base=router).status_code == 429
    # Another client behind the same router has its own count; a client cannot forge its way past the last hop.
    other = {"X-Forwarded-For": "198.51.100.7"}
    assert client.get("/api/v1/lexicons", headers=other, environ_base=router).status_code == 200
    forged = {"X-Forwarded-For": "1.2.3.4, 203.0.113.5"}
    assert client.get("/api/v1/lexicons", headers=forged, environ_base=router).status_code == 429
