"""The real server: the Procfile's web command under gunicorn, on a free loopback port.

It answers /healthz within 5 s of start, logs request ids, and on SIGTERM (a platform restart) finishes the
request in flight, refuses new connections and exits cleanly.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_LIMIT = 5.0


def web_command() -> list[str]:
    """Return the Procfile's web command as argv."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return shlex.split(line[len("web:"):])
    raise AssertionError("Procfile has no web line")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture()
def server(tmp_path):
    """Start gunicorn as the platform would (PORT set), bound to loopback only; yield (proc, port, log path)."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY="2",
               # Command-line style settings win over gunicorn.conf.py: keep the test server off the network.
               GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port}",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("SECRET_KEY", None)
    log = tmp_path / "server.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(web_command(), cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    proc.started = time.monotonic()
    yield proc, port, log
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def wait_healthy(proc, port, limit):
    while time.monotonic() - proc.started < limit:
        assert proc.poll() is None, "gunicorn exited during start-up"
        try:
            status, _, body = request(port, "GET", "/healthz", timeout=2)
            if status == 200:
                return time.monotonic() - proc.started
        except OSError:
            pass
        time.sleep(0.05)
    return None


def test_healthz_within_5s_and_request_ids_logged(server):
    proc, port, log = server
    took = wait_healthy(proc, port, STARTUP_LIMIT)
    assert took is not None, f"/healthz did not answer within {STARTUP_LIMIT} s:\n{log.read_text()[-2000:]}"
    print(f"healthz answered {took:.2f} s after start")
    status, headers, body = request(port, "POST", "/api/v1/analyze", json.dumps({"text": "The regime fell."}),
                                    {"Content-Type": "application/json", "X-Request-ID": "probe-4242"})
    assert status == 200 and headers["X-Request-ID"] == "probe-4242"
    assert headers["Content-Security-Policy"]
    status, _, body = request(port, "POST", "/api/v1/analyze", b"{", {"Content-Type": "application/json"})
    assert status == 400 and json.loads(body)["error"]["request_id"]
    deadline = time.monotonic() + 5
    while "rid=probe-4242" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert re.search(r'"POST /api/v1/analyze HTTP/1.1" 200 \d+ \d+ms rid=probe-4242', text), text[-2000:]
    assert "Traceback" not in text


def test_sigterm_finishes_in_flight_request_and_refuses_new_ones(server):
    proc, port, log = server
    assert wait_healthy(proc, port, 30) is not None
    # About 25 KB of plain prose (no page chrome to cut it short): a few seconds of analysis.
    sentence = "President Nicolas Maduro said the opposition had failed to seize power in Caracas. "
    slow_body = json.dumps({"text": sentence * 300})
    result = {}

    def in_flight():
        try:
            result["answer"] = request(port, "POST", "/api/v1/analyze", slow_body,
                                       {"Content-Type": "application/json"})
        except OSError as exc:  # pragma: no cover - reported by the assertion below
            result["error"] = exc

    thread = threading.Thread(target=in_flight)
    thread.start()
    time.sleep(1.0)  # the request is being analysed
    assert thread.is_alive(), "the slow request finished before SIGTERM; make it slower"
    os.kill(proc.pid, signal.SIGTERM)
    time.sleep(0.5)

    refused = None
    try:
        request(port, "GET", "/healthz", timeout=5)
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected, socket.timeout) as exc:
        refused = exc
    assert refused is not None, "a new request was served after SIGTERM"

    thread.join(40)
    assert "error" not in result, result.get("error")
    status, _, body = result["answer"]
    assert status == 200, body[:300]
    assert json.loads(body)["stats"]["words"] > 1000
    assert proc.wait(40) == 0, log.read_text()[-2000:]
    text = log.read_text()
    assert "Handling signal: term" in text or "Shutting down" in text, text[-2000:]
    assert "WORKER TIMEOUT" not in text and "Traceback" not in text
