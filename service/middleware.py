"""WSGI middleware for the running server: bodies read before answering, overload shed, requests tracked.

``ServerGuard`` wraps the Flask app (``init_app`` in service/app.py). For every request that carries work
(POST, PUT, PATCH, DELETE):

1. **The body is read first**, into memory, under a total deadline (``FRAMING_BODY_TIMEOUT``). A body over
   ``MAX_CONTENT_LENGTH`` is read and discarded (up to ``FRAMING_DRAIN_BYTES``) before the 413 is sent, so a
   client that writes its whole body before reading (urllib, requests) always gets the JSON answer instead of a
   broken pipe (issue 11 §2). A body beyond the drain bound gets the 413 with ``Connection: close``.
2. **Admission**: at most ``FRAMING_ANALYSIS_SLOTS`` requests of a worker analyse at once (the analysis is
   CPU-bound: more at once only share the same core), and at most ``FRAMING_QUEUE_DEPTH`` wait for a slot, in
   arrival order, for at most ``FRAMING_QUEUE_TIMEOUT`` seconds counted from when the platform router received
   the request (``X-Request-Start``) or, without that header, from when gunicorn read it. Beyond that the
   answer is a fast 503 JSON with ``Retry-After``: overload is shed, not queued into the router's 30 s limit.
3. **Tracking**: each request is registered with its request id while it runs, so a worker that has to give up
   on a request (service/worker.py) logs and answers it by id.

Rejections are answered by the Flask app itself (a ``before_request`` hook that runs first raises the
``ApiError``), so they carry the same JSON error shape, request id and security headers as every other answer.

Light requests (GET, HEAD, OPTIONS: /healthz, the form page, the OpenAPI document) skip admission: a worker
busy analysing still answers its health check.
"""
from __future__ import annotations

import collections
import io
import json
import logging
import math
import os
import socket
import threading
import time
import uuid

from .config import env_number

log = logging.getLogger("service.server")

HEAVY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REJECT_KEY = "framing.reject"
CHUNK = 64 * 1024


def settings() -> dict:
    """Read the server-robustness settings from the environment (documented in docs/deploy.md)."""
    return {
        "slots": max(1, int(env_number("FRAMING_ANALYSIS_SLOTS", 1, float))),
        "depth": max(0, int(env_number("FRAMING_QUEUE_DEPTH", 4, float))),
        "queue_timeout": env_number("FRAMING_QUEUE_TIMEOUT", 5.0, float),
        "body_timeout": env_number("FRAMING_BODY_TIMEOUT", 20.0, float),
        "drain_bytes": int(env_number("FRAMING_DRAIN_BYTES", 16 * 1024 * 1024, float)),
        "test_hooks_dir": os.environ.get("FRAMING_TEST_HOOKS_DIR") or None,
        # Experimental, off: analyse each admitted request inside spaCy's memory zone (bench/LOAD.md, "Memory").
        "memory_zones": os.environ.get("FRAMING_MEMORY_ZONES", "") == "1",
    }


class Admission:
    """Up to ``slots`` holders at once and a first-come-first-served waiting line of at most ``depth``."""

    def __init__(self, slots: int, depth: int):
        self.slots = slots
        self.depth = depth
        self._lock = threading.Lock()
        self._active = 0
        self._waiting: collections.deque = collections.deque()

    def acquire(self, timeout: float) -> str:
        """Return "ok" once a slot is held, "full" when the line is full, "timeout" when the wait ran out."""
        with self._lock:
            if self._active < self.slots and not self._waiting:
                self._active += 1
                return "ok"
            if len(self._waiting) >= self.depth or timeout <= 0:
                return "full"
            ticket = [threading.Event(), False]
            self._waiting.append(ticket)
        ticket[0].wait(timeout)
        with self._lock:
            if ticket[1]:  # granted, possibly just as the wait ran out
                return "ok"
            self._waiting.remove(ticket)
            return "timeout"

    def release(self) -> None:
        """Hand the slot to the first waiter, or free it."""
        with self._lock:
            if self._waiting:
                ticket = self._waiting.popleft()
                ticket[1] = True
                ticket[0].set()
            else:
                self._active -= 1

    def load(self) -> tuple[int, int]:
        """Return (slots held, requests waiting)."""
        with self._lock:
            return self._active, len(self._waiting)


class Inflight:
    """The requests this worker process is handling: id, method, path, start, socket, whether answered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: dict[int, dict] = {}

    def add(self, key: int, entry: dict) -> None:
        with self.lock:
            self.entries[key] = entry

    def remove(self, key: int) -> None:
        with self.lock:
            self.entries.pop(key, None)

    def snapshot(self) -> dict[int, dict]:
        with self.lock:
            return {key: dict(e) for key, e in self.entries.items()}


# One registry per process: gunicorn's worker (service/worker.py) and its hooks read it.
INFLIGHT = Inflight()


def request_id(environ) -> str:
    """Return the caller's X-Request-ID if printable and at most 128 characters, else a fresh one (as app.py)."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else uuid.uuid4().hex


def router_queue_seconds(environ, now: float | None = None) -> float:
    """Seconds the request waited before it reached us, from X-Request-Start (ms, µs or s since the epoch).

    Heroku sends milliseconds; nginx's ``t=${msec}`` sends seconds with a fraction. A missing, unparsable or
    implausible value (in the future, or more than an hour old) counts as 0: gunicorn's own start is used.
    """
    raw = environ.get("HTTP_X_REQUEST_START", "").strip()
    if raw.startswith("t="):
        raw = raw[2:]
    try:
        value = float(raw)
    except ValueError:
        return 0.0
    if not math.isfinite(value) or value <= 0:
        return 0.0
    if value > 1e14:
        value /= 1e6
    elif value > 1e11:
        value /= 1e3
    waited = (time.time() if now is None else now) - value
    return waited if 0 < waited < 3600 else 0.0


class ServerGuard:
    """The WSGI middleware described in the module docstring."""

    def __init__(self, app, flask_app, config: dict | None = None):
        self.app = app
        self.flask_app = flask_app
        self.cfg = config or settings()
        self.admission = Admission(self.cfg["slots"], self.cfg["depth"])
        self._service_ewma = 0.5  # seconds one admitted request takes; only shapes Retry-After

    # ---- WSGI ----------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        started = time.monotonic()
        rid = request_id(environ)
        environ["HTTP_X_REQUEST_ID"] = rid  # Flask's request id and the access log use the same one
        key = id(environ)
        entry = {"rid": rid, "method": environ.get("REQUEST_METHOD", ""), "path": environ.get("PATH_INFO", ""),
                 "start": started, "socket": environ.get("gunicorn.socket"), "answered": False}
        INFLIGHT.add(key, entry)

        def tracked_start_response(status, headers, exc_info=None):
            entry["answered"] = True
            return start_response(status, headers, exc_info)

        # The app's responses are built in full before it returns (JSON, a rendered page), so the request's work is
        # over when the call returns: the slot is freed and the request unregistered then, not when the server
        # (or a test client, which may never close it) finishes with the response.
        try:
            if environ.get("REQUEST_METHOD", "GET").upper() not in HEAVY_METHODS:
                if self.cfg["test_hooks_dir"] and environ.get("PATH_INFO") == "/_test/load":
                    return self._json(start_response, self._load())
                return self.app(environ, tracked_start_response)
            return self._heavy(environ, tracked_start_response, start_response, started)
        finally:
            INFLIGHT.remove(key)

    def _heavy(self, environ, start_response, raw_start_response, started):
        queued_before = router_queue_seconds(environ)
        verdict = self._read_body(environ, raw_start_response)
        if verdict is not None:
            return self._reject(environ, start_response, *verdict)
        budget = self.cfg["queue_timeout"] - queued_before - (time.monotonic() - started)
        if budget <= 0:
            return self._reject(environ, start_response, 503, "overloaded",
                                f"The request waited {queued_before:.1f} s before reaching the server; "
                                "it was not started. Retry later.", self._retry_after())
        outcome = self.admission.acquire(budget)
        if outcome != "ok":
            reason = ("too many requests are waiting" if outcome == "full"
                      else "no analysis slot became free in time")
            return self._reject(environ, start_response, 503, "overloaded",
                                f"The server is busy ({reason}); the request was not started. Retry later.",
                                self._retry_after())
        admitted = time.monotonic()
        try:
            hook = self._test_hook(environ, start_response)
            if hook is not None:
                return hook
            if self.cfg["memory_zones"] and self.admission.slots == 1:
                # Strings spaCy adds while this request is analysed are dropped after it; the response body is
                # taken out before the zone closes.
                with self.flask_app.extensions["framing"].nlp.memory_zone():
                    return _buffered(self.app(environ, start_response))
            return self.app(environ, start_response)
        finally:
            self._done(admitted)

    def _done(self, admitted: float) -> None:
        took = time.monotonic() - admitted
        self._service_ewma = 0.8 * self._service_ewma + 0.2 * took
        self.admission.release()

    def _retry_after(self) -> int:
        active, waiting = self.admission.load()
        estimate = self._service_ewma * (waiting + active) / max(1, self.admission.slots)
        return int(min(30, max(1, math.ceil(estimate))))

    # ---- bodies --------------------------------------------------------------------------------------------

    def _read_body(self, environ, raw_start_response):
        """Read the body into memory; return None, or (status, code, message, retry_after) to refuse it."""
        limit = self.flask_app.config.get("MAX_CONTENT_LENGTH")
        stream = environ.get("wsgi.input")
        if stream is None:
            return None
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, "bad_request", "Content-Length is not a number.", None
        if not chunked and length <= 0:
            return None
        deadline = time.monotonic() + self.cfg["body_timeout"]
        too_large = limit is not None and length > limit
        if too_large:
            # Read what the client sends before answering, so its write does not fail with a broken pipe.
            if length > self.cfg["drain_bytes"]:
                self._force_close(raw_start_response)
            else:
                self._drain(stream, length, deadline, raw_start_response)
            return 413, "payload_too_large", f"The request body is larger than the limit of {limit} bytes.", None
        want = length if not chunked else (limit + 1 if limit is not None else None)
        buf = io.BytesIO()
        try:
            while want is None or buf.tell() < want:
                if time.monotonic() > deadline:
                    self._force_close(raw_start_response)
                    return 408, "request_timeout", ("The request body did not arrive within "
                                                    f"{self.cfg['body_timeout']:g} s."), None
                size = CHUNK if want is None else min(CHUNK, want - buf.tell())
                data = stream.read(size)
                if not data:
                    break
                buf.write(data)
        except (socket.timeout, TimeoutError):
            self._force_close(raw_start_response)
            return 408, "request_timeout", "The request body stopped arriving.", None
        except Exception:  # noqa: BLE001 - a client gone mid-body, a malformed chunk: nothing more to read
            self._force_close(raw_start_response)
            return 400, "bad_request", "The request body could not be read.", None
        if limit is not None and buf.tell() > limit:
            self._drain(stream, self.cfg["drain_bytes"], deadline, raw_start_response)
            return 413, "payload_too_large", f"The request body is larger than the limit of {limit} bytes.", None
        if not chunked and buf.tell() < length:
            self._force_close(raw_start_response)
            return 400, "bad_request", "The request body is shorter than its Content-Length.", None
        body = buf.getvalue()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None

    def _drain(self, stream, most: int, deadline: float, raw_start_response) -> None:
        """Read and drop up to ``most`` bytes before the deadline; close the connection after if cut short."""
        drained = 0
        try:
            while drained < most and time.monotonic() < deadline:
                data = stream.read(min(CHUNK, most - drained))
                if not data:
                    return
                drained += len(data)
        except Exception:  # noqa: BLE001 - the client went away or stalled: close after answering
            pass
        self._force_close(raw_start_response)

    @staticmethod
    def _force_close(raw_start_response) -> None:
        """Answer with ``Connection: close`` (gunicorn's Response is the start_response's object)."""
        resp = getattr(raw_start_response, "__self__", None)
        if resp is not None and hasattr(resp, "force_close"):
            resp.force_close()

    # ---- rejections ----------------------------------------------------------------------------------------

    def _reject(self, environ, start_response, status, code, message, retry_after):
        """Answer through the Flask app (errors.py's shape, request id, security headers) without the body."""
        environ[REJECT_KEY] = (status, code, message, retry_after)
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("CONTENT_TYPE", None)
        return self.app(environ, start_response)

    # ---- test hook -----------------------------------------------------------------------------------------

    def _test_hook(self, environ, start_response):
        """``POST /_test/block/<name>`` (only with FRAMING_TEST_HOOKS_DIR): hold a slot until a file appears.

        ``GET /_test/load`` answers this worker's slots held and requests waiting. Never set the variable in
        production. Tests use the block as a request that takes exactly as long as they want, whatever the machine's speed: it
        creates ``<dir>/<name>.entered`` once admitted and answers when ``<dir>/<name>.release`` exists.
        """
        base = self.cfg["test_hooks_dir"]
        path = environ.get("PATH_INFO", "")
        if not base or not path.startswith("/_test/block/"):
            return None
        name = path.rsplit("/", 1)[-1]
        if not name.replace("-", "").replace("_", "").isalnum():
            return None
        entered = os.path.join(base, name + ".entered")
        release = os.path.join(base, name + ".release")
        with open(entered, "w") as fh:
            fh.write(str(os.getpid()))
        while not os.path.exists(release):
            time.sleep(0.02)
        return self._json(start_response, {"released": name, "pid": os.getpid()},
                          [("X-Request-ID", environ["HTTP_X_REQUEST_ID"])])

    def _load(self) -> dict:
        active, waiting = self.admission.load()
        return {"pid": os.getpid(), "active": active, "waiting": waiting}

    @staticmethod
    def _json(start_response, data: dict, headers=()):
        body = json.dumps(data).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                  *headers])
        return [body]


def _buffered(result) -> list[bytes]:
    """Return the response body as one chunk, closing the app's iterable."""
    try:
        return [b"".join(result)]
    finally:
        if hasattr(result, "close"):
            result.close()


def init_app(app) -> None:
    """Wrap ``app.wsgi_app`` with ServerGuard and answer its rejections first among the request hooks."""
    from .errors import ApiError
    from flask import g, request

    def _guard_rejection():
        verdict = request.environ.get(REJECT_KEY)
        if verdict is None:
            return None
        status, code, message, retry_after = verdict
        g.request_id = request.environ.get("HTTP_X_REQUEST_ID")  # this hook runs before app.py's
        raise _Rejection(status, code, message, retry_after)

    class _Rejection(ApiError):
        def __init__(self, status, code, message, retry_after):
            super().__init__(status, code, message)
            self.retry_after = retry_after

    @app.after_request
    def _retry_after_header(response):
        verdict = request.environ.get(REJECT_KEY)
        if verdict is not None and verdict[3] is not None and response.status_code == verdict[0]:
            response.headers["Retry-After"] = str(verdict[3])
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, _guard_rejection)
    app.wsgi_app = ServerGuard(app.wsgi_app, app)
