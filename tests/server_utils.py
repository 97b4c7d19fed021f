"""The real server for tests: the Procfile's web command under gunicorn, on a free loopback port.

No helper here bounds how fast anything must happen. Deadlines only stop a test from hanging forever
(HANG_GUARD), and requests that must take a while are the middleware's test-only blocking requests
(``POST /_test/block/<name>``, enabled by FRAMING_TEST_HOOKS_DIR), which answer when the test releases them.
"""
from __future__ import annotations

import http.client
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

import psutil

ROOT = Path(__file__).resolve().parents[1]
# Only guards against a hang; generous enough for a machine with every core busy.
HANG_GUARD = 180.0


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


def request(port, method, path, body=None, headers=None, timeout=HANG_GUARD):
    """Send one request on a new connection; return (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def wait_until(predicate, what: str, guard: float = HANG_GUARD, step: float = 0.02):
    """Poll ``predicate`` until it returns a true value; fail only if it never does (hang guard)."""
    deadline = time.monotonic() + guard
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up waiting for {what}")


class Server:
    """gunicorn started as the platform would (PORT set), bound to loopback only, with test hooks enabled."""

    def __init__(self, tmp_path: Path, workers: int = 2, **env):
        self.port = free_port()
        self.worker_count = workers
        self.hooks = tmp_path / "hooks"
        self.hooks.mkdir(exist_ok=True)
        self.log = tmp_path / f"server-{self.port}.log"
        full_env = dict(os.environ, PORT=str(self.port), WEB_CONCURRENCY=str(workers),
                        # Command-line style settings win over gunicorn.conf.py: keep the server off the network.
                        GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{self.port}",
                        FRAMING_TEST_HOOKS_DIR=str(self.hooks),
                        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        full_env.pop("SECRET_KEY", None)
        full_env.update({k: str(v) for k, v in env.items()})
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(web_command(), cwd=ROOT, env=full_env, stdout=fh,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    # ---- life cycle ----------------------------------------------------------------------------------------

    def healthy(self) -> bool:
        assert self.proc.poll() is None, f"gunicorn exited:\n{self.text()[-3000:]}"
        try:
            return request(self.port, "GET", "/healthz", timeout=HANG_GUARD)[0] == 200
        except OSError:
            return False

    def wait_ready(self) -> None:
        """Wait until /healthz answers 200 and every worker takes connections (however long start-up takes).

        /healthz alone is answered by whichever worker boots first; a test that signals the server right after it
        would race the other worker's boot.
        """
        wait_until(self.healthy, "/healthz to answer", step=0.05)
        wait_until(lambda: self.text().count("accepting connections\n") >= self.worker_count,
                   f"{self.worker_count} workers to accept connections", step=0.05)

    def workers(self) -> list[int]:
        """Return the pids of the live (not zombie) worker processes."""
        out = []
        for child in psutil.Process(self.proc.pid).children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    out.append(child.pid)
            except psutil.Error:
                pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(60)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, pattern: str) -> re.Match:
        """Wait until the server log matches ``pattern``."""
        return wait_until(lambda: re.search(pattern, self.text()), f"log line /{pattern}/", step=0.05)

    # ---- requests that block until released ----------------------------------------------------------------

    def start_blocked(self, name: str, headers=None) -> dict:
        """Start ``POST /_test/block/<name>`` in a thread; return a dict that gets its answer or error."""
        result: dict = {}

        def run():
            try:
                result["answer"] = request(self.port, "POST", f"/_test/block/{name}", b"{}",
                                           {"Content-Type": "application/json", **(headers or {})})
            except OSError as exc:
                result["error"] = exc

        result["thread"] = threading.Thread(target=run, daemon=True)
        result["thread"].start()
        return result

    def wait_entered(self, name: str) -> None:
        """Wait until the blocking request ``name`` holds an analysis slot."""
        wait_until(lambda: (self.hooks / f"{name}.entered").exists(), f"request {name} to be admitted")

    def release(self, name: str) -> None:
        (self.hooks / f"{name}.release").touch()

    def load(self) -> dict:
        """Return one worker's admission state (slots held, requests waiting) from ``GET /_test/load``."""
        import json

        return json.loads(request(self.port, "GET", "/_test/load")[2])
