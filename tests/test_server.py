"""The real server: the Procfile's web command under gunicorn (gunicorn.conf.py), on a free loopback port.

It becomes ready, logs request ids, answers every client with JSON (large bodies, gunicorn's own refusals, a
request over the time limit), and on SIGTERM finishes the request in flight, stops accepting and exits cleanly.
No test bounds how fast anything happens (start-up time is measured in bench/load.py, not here).
"""
from __future__ import annotations

import http.client
import json
import os
import runpy
import signal
import socket
import types
import urllib.error
import urllib.request

import pytest
import requests

from .server_utils import ROOT, Server, request, wait_until

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.fixture()
def server(tmp_path):
    """A server of one's own (for tests that stop it)."""
    srv = Server(tmp_path, workers=2)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only send requests."""
    srv = Server(tmp_path_factory.mktemp("shared"), workers=2)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def assert_error_shape(body: bytes, code: str | None = None) -> dict:
    err = json.loads(body)["error"]
    assert set(err) == {"code", "message", "fields", "request_id"}, err
    assert err["request_id"]
    if code:
        assert err["code"] == code, err
    return err


def test_ready_answers_and_logs_request_ids(shared):
    server = shared
    status, headers, body = request(server.port, "POST", "/api/v1/analyze", json.dumps({"text": "The regime fell."}),
                                    {"Content-Type": "application/json", "X-Request-ID": "probe-4242"})
    assert status == 200 and headers["X-Request-ID"] == "probe-4242"
    assert headers["Content-Security-Policy"]
    status, _, body = request(server.port, "POST", "/api/v1/analyze", b"{", {"Content-Type": "application/json"})
    assert status == 400
    assert_error_shape(body)
    server.wait_log(r'"POST /api/v1/analyze HTTP/1.1" 200 \d+ \d+ms rid=probe-4242')
    assert "Traceback" not in server.text()


def test_sigterm_finishes_in_flight_request_and_refuses_new_ones(server):
    blocked = server.start_blocked("inflight")
    server.wait_entered("inflight")
    os.kill(server.proc.pid, signal.SIGTERM)
    # Every worker says when it has stopped accepting: from then on no new request may be served.
    wait_until(lambda: server.text().count("stopped accepting connections") >= 2, "both workers to stop accepting")
    served = None
    try:
        served = request(server.port, "GET", "/healthz", timeout=3)
    except (OSError, http.client.HTTPException):
        pass  # refused, reset, or left unanswered: all mean "not served"
    assert served is None, f"a new request was served after SIGTERM: {served}"
    assert "answer" not in blocked and "error" not in blocked, "the in-flight request ended before its release"
    server.release("inflight")
    blocked["thread"].join(60)
    assert "error" not in blocked, blocked.get("error")
    status, _, body = blocked["answer"]
    assert status == 200 and json.loads(body)["released"] == "inflight"
    assert server.proc.wait(60) == 0, server.text()[-2000:]
    text = server.text()
    assert "Handling signal: term" in text or "Shutting down" in text, text[-2000:]
    assert "WORKER TIMEOUT" not in text and "Traceback" not in text


TWO_MB = b"x" * 2_000_000


def post_with_urllib(port):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/analyze", data=TWO_MB,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post_with_requests(port):
    resp = requests.post(f"http://127.0.0.1:{port}/api/v1/analyze", data=TWO_MB,
                         headers={"Content-Type": "application/json"}, timeout=120)
    return resp.status_code, resp.content


@pytest.mark.parametrize("client", [post_with_urllib, post_with_requests], ids=["urllib", "requests"])
def test_a_large_body_always_gets_its_413_json(shared, client):
    server = shared
    outcomes = []
    for _ in range(20):
        try:
            status, body = client(server.port)
            outcomes.append(status)
            if status == 413:
                assert_error_shape(body, "payload_too_large")
        except (OSError, requests.RequestException) as exc:  # a broken pipe or reset is what this test forbids
            outcomes.append(type(exc).__name__)
    assert outcomes == [413] * 20, outcomes


def raw_exchange(port, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("raw, status", [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
    (b"NOT A REQUEST LINE\r\n\r\n", 400),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-F%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
], ids=["bad-header", "bad-request-line", "uri-too-long", "too-many-headers", "header-too-large"])
def test_gunicorn_refusals_are_json_with_security_headers(shared, raw, status):
    server = shared
    answer = raw_exchange(server.port, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith(f"HTTP/1.1 {status} "), lines[0]
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Content-Type"] == "application/json"
    for name in SECURITY_HEADERS:
        assert headers.get(name), (name, headers)
    err = assert_error_shape(body)
    assert "aaaa" not in err["message"]  # the client's bytes are not echoed back


def test_a_request_over_the_time_limit_is_answered_and_logged_with_its_id(tmp_path):
    srv = Server(tmp_path, workers=1, GUNICORN_TIMEOUT=2)
    try:
        srv.wait_ready()
        first = srv.workers()
        stuck = srv.start_blocked("stuck", {"X-Request-ID": "stuck-7"})
        srv.wait_entered("stuck")
        stuck["thread"].join(120)  # never released: the worker's time limit ends it
        assert "error" not in stuck, stuck.get("error")
        status, headers, body = stuck["answer"]
        assert status == 500
        assert assert_error_shape(body)["request_id"] == "stuck-7"
        srv.wait_log(r"WORKER TIMEOUT .*rid=stuck-7")
        # A fresh worker takes over.
        wait_until(lambda: srv.workers() and srv.workers() != first, "a replacement worker")
        srv.wait_ready()
    finally:
        srv.release("stuck")
        srv.stop()


def test_forwarded_headers_are_not_trusted_from_everyone_by_default(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["forwarded_allow_ips"] != "*"
    assert "*" not in conf["forwarded_allow_ips"].split(",")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["forwarded_allow_ips"] == "10.0.0.1"


def test_memory_is_trimmed_after_posts_unless_turned_off(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("FRAMING_MALLOC_TRIM", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["_TRIM"] is not None  # glibc, as on the platform's stack
    calls = []
    conf["post_request"].__globals__["_TRIM"] = lambda pad: calls.append(pad)
    for method in ("POST", "GET"):
        conf["post_request"](None, types.SimpleNamespace(method=method), {}, None)
    assert calls == [0]
    monkeypatch.setenv("FRAMING_MALLOC_TRIM", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["_TRIM"] is None
