"""gunicorn's threaded worker, hardened for clients on the open internet (docs/security.md, "Server").

``FramingWorker`` is gunicorn's ``gthread`` worker with three changes:

- **Headers are read without a thread.** gthread hands a connection to a thread that blocks until the whole
  request head has arrived, so a client trickling header bytes holds a thread (and with sync workers a whole
  worker) for as long as it likes. Here a thread only takes what the socket already holds and gives the
  connection back to the worker's event loop until the head is complete; a head that is not complete
  ``FRAMING_HEADER_TIMEOUT`` seconds after its first byte is answered 408 and closed. Once the head is in, the
  socket gets a per-read timeout (``FRAMING_READ_TIMEOUT``) for the body and the answer.
- **gunicorn's own error pages are JSON.** A request gunicorn refuses before the app sees it (malformed request
  line, URI over ``limit_request_line``: 414, too many or too large headers: 431) gets the app's error shape
  (``{"error": {"code", "message", "fields", "request_id"}}``) and the security headers instead of gunicorn's
  HTML page.
- **A request over the time limit is answered and logged by id.** A threaded worker keeps its heartbeat while a
  thread is stuck, so gunicorn's ``timeout`` would never fire. The event loop checks the requests in flight
  (service/middleware.py registers them); when one has run ``timeout`` seconds it logs ``WORKER TIMEOUT`` with
  the request id, answers every request of this worker that has no answer yet (500 for the one over time,
  503 with Retry-After for the rest), and exits so the master starts a fresh worker.
"""
from __future__ import annotations

import errno
import json
import os
import socket
import time
import uuid

from gunicorn.http import errors as http_errors
from gunicorn.http2 import negotiation
from gunicorn.workers import gthread

from .config import env_number
from .middleware import INFLIGHT

HEAD_ENDS = (b"\r\n\r\n", b"\n\n")
# A head larger than gunicorn's own limits (request line 4094 + 100 fields of 8190) is refused by its parser.
HEAD_MAX = 4096 + 100 * 8192 + 4

# The headers every answer carries (service/security.py sets the same on the app's responses).
SECURITY_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cache-Control", "no-store"),
)
_REASONS = {400: "Bad Request", 403: "Forbidden", 408: "Request Timeout", 414: "URI Too Long",
            417: "Expectation Failed", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
            501: "Not Implemented", 503: "Service Unavailable"}
_CODES = {400: "bad_request", 403: "forbidden", 408: "request_timeout", 414: "uri_too_long",
          417: "expectation_failed", 431: "header_fields_too_large", 500: "internal_error",
          501: "not_implemented", 503: "overloaded"}


def json_error(status: int, message: str, rid: str | None = None, extra_headers=()) -> bytes:
    """Return a complete HTTP/1.1 response carrying the app's JSON error shape and the security headers."""
    body = json.dumps({"error": {"code": _CODES.get(status, "http_error"), "message": message, "fields": {},
                                 "request_id": rid or uuid.uuid4().hex}}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               ("Connection", "close"), ("X-Request-ID", rid or "")]
    headers += list(SECURITY_HEADERS) + list(extra_headers)
    head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers if v != "") + "\r\n"
    return head.encode("latin-1") + body


def socket_timeouts() -> tuple[float, float]:
    """Return (FRAMING_HEADER_TIMEOUT, FRAMING_READ_TIMEOUT) in seconds, default 10 each (docs/deploy.md).

    gunicorn.conf.py calls this in the master at start-up, so a value that is not a number stops the server there
    with a message naming the variable, instead of being replaced by the default unnoticed.
    """
    return (env_number("FRAMING_HEADER_TIMEOUT", 10.0, float), env_number("FRAMING_READ_TIMEOUT", 10.0, float))


class _Capture:
    """A stand-in socket that keeps what gunicorn's error page writer sends, to read the status from it."""

    def __init__(self):
        self.data = b""

    def gettimeout(self):
        return None

    def settimeout(self, _value):
        return None

    def setblocking(self, _flag):
        return None

    def sendall(self, data):
        self.data += data

    send = sendall


class FramingWorker(gthread.ThreadWorker):
    """gthread with header reads off the thread pool, JSON error pages and a per-request time limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timeout, self.read_timeout = socket_timeouts()

    # ---- reading the head without holding a thread ---------------------------------------------------------

    def handle(self, conn):
        try:
            return self._handle(conn)
        except Exception:  # noqa: BLE001 - the thread pool would drop it silently
            self.log.exception("Error reading a request head")
            return False

    def _handle(self, conn):
        if self.cfg.is_ssl or conn.is_http2 or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().handle(conn)
        try:
            state = self._read_head(conn)
        except OSError:
            return False
        if state is not True:
            return state
        conn.data_ready = True
        result = super().handle(conn)
        return result

    def _read_head(self, conn):
        """Gather the request head in ``conn``; True when complete, ``_DEFER`` to wait, False to close."""
        buffered = getattr(conn, "head_buf", b"")
        if conn.parser is not None:
            buffered = conn.parser.unreader.take_buffered() + buffered
        conn.sock.setblocking(False)
        closed = False
        try:
            while len(buffered) < HEAD_MAX:
                try:
                    data = conn.sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError as exc:
                    if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                        break
                    raise
                if not data:
                    closed = True
                    break
                buffered += data
        finally:
            conn.sock.setblocking(True)
        if buffered and getattr(conn, "head_started", None) is None:  # the clock starts at the first byte
            conn.head_started = time.monotonic()
        complete = any(end in buffered for end in HEAD_ENDS) or len(buffered) >= HEAD_MAX
        if complete or (closed and buffered):
            conn.head_buf = b""
            conn.head_started = None
            if conn.parser is None:
                conn.init()
            conn.parser.unreader.unread(buffered)
            return True
        if closed:
            return False
        conn.head_buf = buffered
        started = getattr(conn, "head_started", None)
        if started is not None and time.monotonic() - started > self.header_timeout:
            self._send(conn.sock, json_error(408, "The request headers did not arrive within "
                                                  f"{self.header_timeout:g} s."))
            return False
        conn.data_ready = False
        return gthread._DEFER

    def handle_request(self, req, conn):
        # gthread made the socket blocking without a timeout; the body and the answer get a per-read bound.
        conn.sock.settimeout(self.read_timeout or None)
        return super().handle_request(req, conn)

    def finish_request(self, conn, fs):
        super().finish_request(conn, fs)
        # A connection waiting for the rest of its head may not outlive the header timeout by more than a beat.
        started = getattr(conn, "head_started", None)
        if started is not None and conn in self.pending_conns:
            conn.timeout = min(conn.timeout, started + self.header_timeout + 1.0)

    @staticmethod
    def _send(sock, data: bytes) -> None:
        try:
            sock.settimeout(1.0)
            sock.sendall(data)
        except OSError:
            pass

    def set_accept_enabled(self, enabled):
        was = self._accepting
        super().set_accept_enabled(enabled)
        if enabled and not was and not getattr(self, "_said_ready", False):
            # Once per worker: from here on it takes connections (the tests wait for every worker's line).
            self._said_ready = True
            self.log.info("Worker %s accepting connections", os.getpid())
        if was and not enabled and not self.alive:
            self.log.info("Worker %s stopped accepting connections (shutting down)", os.getpid())

    # ---- gunicorn's own error pages as JSON ----------------------------------------------------------------

    def handle_error(self, req, client, addr, exc):
        capture = _Capture()
        super().handle_error(req, capture, addr, exc)
        status, message = 500, "The server could not read this request."
        try:
            line = capture.data.split(b"\r\n", 1)[0].decode("latin-1")
            status = int(line.split()[1])
        except (IndexError, ValueError):
            pass
        if status < 500:
            message = _client_message(exc, status)
        rid = None
        if req is not None:
            for name, value in getattr(req, "headers", []) or []:
                if name.upper() == "X-REQUEST-ID" and 0 < len(value) <= 128 and value.isprintable():
                    rid = value
        self._send(client, json_error(status, message, rid))

    # ---- time limit per request ----------------------------------------------------------------------------

    def notify(self):
        super().notify()
        limit = self.cfg.timeout  # self.timeout is half of it: the heartbeat interval the master expects
        if not limit or not self.alive:
            return
        now = time.monotonic()
        late = {key: e for key, e in INFLIGHT.snapshot().items() if now - e["start"] > limit}
        if late:
            self._give_up(late, now, limit)

    def _give_up(self, late, now, limit):
        """Log the requests over time by id, answer every unanswered request, and exit for a fresh worker."""
        with INFLIGHT.lock:  # held until exit: no thread starts an answer of its own meanwhile
            for e in late.values():
                self.log.critical("WORKER TIMEOUT (pid:%s) request rid=%s %s %s ran %.1f s (limit %s s); "
                                  "restarting the worker", os.getpid(), e["rid"], e["method"], e["path"],
                                  now - e["start"], limit)
            for key, entry in INFLIGHT.entries.items():
                if entry["answered"] or entry["socket"] is None:
                    continue
                if key in late:
                    data = json_error(500, f"The analysis ran longer than the limit of {limit} s and was "
                                           "stopped.", entry["rid"])
                else:
                    data = json_error(503, "The server restarted the worker handling this request; retry.",
                                      entry["rid"], [("Retry-After", "1")])
                self._send(entry["socket"], data)
                try:
                    entry["socket"].shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            try:
                self.cfg.worker_abort(self)
            finally:
                os._exit(1)


def _client_message(exc, status: int) -> str:
    """Say what gunicorn refused, without echoing the client's bytes into the answer."""
    if status == 414:
        return "The request line is longer than the server accepts."
    if status == 431:
        return "The request has too many headers, or a header is too large."
    if isinstance(exc, http_errors.InvalidRequestMethod):
        return "The request method is not valid."
    if isinstance(exc, http_errors.InvalidHTTPVersion):
        return "The HTTP version is not supported."
    if isinstance(exc, (http_errors.InvalidHeader, http_errors.InvalidHeaderName)):
        return "A request header is malformed."
    return "The request is not valid HTTP."

