"""Slow clients cannot starve the server (issue 12): ten connections trickling header bytes, against the real
gunicorn config, while /healthz and analyze keep answering; a head that never completes is cut off.

Under the old sync workers each trickling connection held a whole worker, so this test's requests would wait for
the hang guard and fail. Nothing here bounds how fast an answer comes.
"""
from __future__ import annotations

import json
import socket
import threading

import pytest

from .server_utils import Server, request, wait_until

SLOW_CLIENTS = 10


class Trickler(threading.Thread):
    """Sends a request head one byte at a time, reconnecting whenever the server cuts it off."""

    def __init__(self, port: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.sent = 0  # bytes sent so far, on any connection
        self.cut_off = 0  # connections the server closed
        self.answers: list[bytes] = []

    def run(self):
        head = b"POST /api/v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 10_000
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port)) as sock:
                    sock.settimeout(0.2)
                    for i in range(len(head)):
                        if self.stop.wait(0.1):
                            return
                        sock.sendall(head[i:i + 1])
                        self.sent += 1
                        try:
                            data = sock.recv(4096)
                        except socket.timeout:
                            continue
                        if data:
                            self.answers.append(data)
                        break  # closed or answered: start again
                    self.cut_off += 1
            except OSError:
                self.cut_off += 1


@pytest.fixture()
def server(tmp_path):
    # A short header timeout so the test sees the cut-off happen; the default is in gunicorn.conf.py's docs.
    srv = Server(tmp_path, workers=2, FRAMING_HEADER_TIMEOUT=3)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def test_trickling_headers_do_not_starve_healthz_or_analyze(server):
    stop = threading.Event()
    tricklers = [Trickler(server.port, stop) for _ in range(SLOW_CLIENTS)]
    try:
        for t in tricklers:
            t.start()
        wait_until(lambda: all(t.sent >= 3 for t in tricklers), "every slow client to be sending")
        for _ in range(5):
            assert request(server.port, "GET", "/healthz")[0] == 200
            status, _, body = request(server.port, "POST", "/api/v1/analyze",
                                      json.dumps({"text": "The regime fell."}),
                                      {"Content-Type": "application/json"})
            assert status == 200, body
        # A head still incomplete after the header timeout is answered 408 (or closed) and the client cut off.
        wait_until(lambda: all(t.cut_off >= 1 for t in tricklers), "every slow client to be cut off")
    finally:
        stop.set()
        for t in tricklers:
            t.join(10)
    answered = [a for t in tricklers for a in t.answers]
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answered), answered[:3]
    assert "Traceback" not in server.text()
