"""Load benchmark: gunicorn on 127.0.0.1 (the Procfile's web command), bounded in requests and time.

1. Find the throughput one worker sustains: one client, back to back, for --probe-seconds.
2. Send --requests requests open-loop (a fixed arrival rate, latency measured from the scheduled send time, so
   queueing counts) at 1x and at 2x that rate, POSTing the seed articles in turn.
3. Report throughput, p50/p99 latency, errors, and each worker's RSS before and after every phase.

    .venv/bin/python bench/load.py [--workers 2] [--requests 1000] [--max-seconds 240]

Writes bench/out/load.json and prints a summary. Figures for this machine are in bench/LOAD.md.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "load.json"
ROUTER_TIMEOUT = 30.0


def seed_bodies() -> list[bytes]:
    """Return one JSON request body per seed article."""
    with (ROOT / "seeds" / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [json.dumps({"text": (ROOT / "seeds" / r["file"]).read_text(encoding="utf-8"),
                        "outlet": r["outlet"]}).encode() for r in rows]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY=str(workers),
               GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port}", LOG_LEVEL="warning",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    log = (ROOT / "bench" / "out" / "load-server.log").open("wb")
    proc = subprocess.Popen(shlex.split(line[4:]), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if post(port, "GET", "/healthz", None)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start; see bench/out/load-server.log")


def post(port: int, method: str, path: str, body: bytes | None) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ROUTER_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, len(data)
    finally:
        conn.close()


def worker_rss_mb(master_pid: int) -> dict[int, float]:
    """RSS (and USS, the memory only that worker holds) of each worker, in MB."""
    out = {}
    for child in psutil.Process(master_pid).children():
        try:
            info = child.memory_full_info()
            out[child.pid] = {"rss": round(info.rss / 2**20, 1), "uss": round(info.uss / 2**20, 1)}
        except psutil.Error:
            pass
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def probe(port: int, bodies: list[bytes], seconds: float) -> dict:
    """One client, back to back: the throughput a single worker sustains."""
    lat, errors, n = [], 0, 0
    end = time.monotonic() + seconds
    start = time.monotonic()
    while time.monotonic() < end:
        t = time.monotonic()
        status, _ = post(port, "POST", "/api/v1/analyze", bodies[n % len(bodies)])
        lat.append(time.monotonic() - t)
        errors += status != 200
        n += 1
    took = time.monotonic() - start
    return {"requests": n, "seconds": round(took, 2), "throughput": round(n / took, 2), "errors": errors,
            "p50_ms": round(1000 * percentile(lat, 0.5), 1), "p99_ms": round(1000 * percentile(lat, 0.99), 1)}


def open_loop(port: int, bodies: list[bytes], rate: float, count: int, max_seconds: float) -> dict:
    """Send ``count`` requests at ``rate`` per second (open loop), stopping early at ``max_seconds``."""
    lat: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def one(k: int, scheduled: float):
        try:
            status, _ = post(port, "POST", "/api/v1/analyze", bodies[k % len(bodies)])
        except OSError as exc:
            status = type(exc).__name__
        done = time.monotonic()
        with lock:
            lat.append(done - scheduled)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    start = time.monotonic()
    sent = 0
    with ThreadPoolExecutor(max_workers=128) as pool:
        for k in range(count):
            scheduled = start + k / rate
            if scheduled - start > max_seconds:
                break
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, k, scheduled)
            sent += 1
    took = time.monotonic() - start
    errors = sum(v for k, v in statuses.items() if k != "200")
    return {"target_rate": round(rate, 2), "requests": sent, "seconds": round(took, 2),
            "throughput": round(sent / took, 2), "statuses": statuses, "errors": errors,
            "p50_ms": round(1000 * percentile(lat, 0.5), 1), "p90_ms": round(1000 * percentile(lat, 0.9), 1),
            "p99_ms": round(1000 * percentile(lat, 0.99), 1), "max_ms": round(1000 * max(lat), 1)}


def machine() -> dict:
    mem = psutil.virtual_memory()
    return {"nproc": len(os.sched_getaffinity(0)), "mem_total_gb": round(mem.total / 2**30, 1),
            "mem_available_gb": round(mem.available / 2**30, 1), "python": platform.python_version(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY for the server (default 2)")
    ap.add_argument("--requests", type=int, default=1000, help="requests per open-loop phase (default 1000)")
    ap.add_argument("--probe-seconds", type=float, default=15)
    ap.add_argument("--max-seconds", type=float, default=240, help="time bound per open-loop phase")
    args = ap.parse_args()

    OUT.parent.mkdir(parents=True, exist_ok=True)
    bodies = seed_bodies()
    port = free_port()
    report = {"machine": machine(), "workers": args.workers, "phases": {}}
    proc = start_server(port, args.workers)
    try:
        for _ in range(10):  # warm every worker
            post(port, "POST", "/api/v1/analyze", bodies[0])
        report["rss_start_mb"] = worker_rss_mb(proc.pid)
        one = probe(port, bodies, args.probe_seconds)
        report["phases"]["one_worker_closed_loop"] = one
        for mult in (1, 2):
            before = worker_rss_mb(proc.pid)
            phase = open_loop(port, bodies, one["throughput"] * mult, args.requests, args.max_seconds)
            time.sleep(1)
            phase["rss_before_mb"], phase["rss_after_mb"] = before, worker_rss_mb(proc.pid)
            report["phases"][f"open_loop_{mult}x"] = phase
        report["rss_end_mb"] = worker_rss_mb(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(40)
    OUT.write_text(json.dumps(report, indent=2))

    print(f"machine: {report['machine']}")
    print(f"one worker, closed loop: {one['throughput']} req/s, p50 {one['p50_ms']} ms, p99 {one['p99_ms']} ms")
    ok = True
    for name in ("open_loop_1x", "open_loop_2x"):
        p = report["phases"][name]
        rss_after = max((v["rss"] for v in p["rss_after_mb"].values()), default=0)
        growth = max((p["rss_after_mb"][pid]["rss"] - v["rss"] for pid, v in p["rss_before_mb"].items()
                      if pid in p["rss_after_mb"]), default=0)
        print(f"{name}: {p['requests']} req at {p['target_rate']} req/s -> {p['throughput']} req/s, "
              f"p50 {p['p50_ms']} ms, p99 {p['p99_ms']} ms, errors {p['errors']}, "
              f"worker RSS max {rss_after} MB (growth {growth:+.1f} MB)")
        ok &= p["errors"] == 0 and p["p99_ms"] < ROUTER_TIMEOUT * 1000 and rss_after < 250
    print(f"wrote {OUT.relative_to(ROOT)}; {'PASS' if ok else 'FAIL'} (0 errors, p99 < 30 s, RSS < 250 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
