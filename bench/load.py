"""Load benchmark: gunicorn on 127.0.0.1 (the Procfile's web command), bounded in requests and time.

Three parts, each starting its own server and stopping it:

- ``startup``: seconds from the gunicorn command to the first 200 from /healthz, several times.
- ``overload``: the throughput the server sustains (closed loop, a few clients back to back), then open-loop
  phases (fixed arrival rate, latency counted from the scheduled send time, so queueing shows) at 0.5x, 1x, 2x
  and 4x of it, POSTing the seed articles in turn: status mix, p50/p99/max of the 200s, memory.
- ``memory``: 2,000 mixed requests (seeds, long texts, texts full of names never seen before, non-English), the
  server tree's PSS (master + workers) after 0, 1,000 and 2,000; once without worker recycling
  (``GUNICORN_MAX_REQUESTS=0``) and once with the shipped settings (gunicorn.conf.py).

    .venv/bin/python bench/load.py [--parts startup,overload,memory] [--workers 2] [--phase-seconds 40]

Writes bench/out/load.json and prints a summary. Figures for this machine are in bench/LOAD.md.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import random
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


def seed_texts() -> list[tuple[str, str]]:
    """Return (outlet, text) for each seed article."""
    with (ROOT / "seeds" / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["outlet"], (ROOT / "seeds" / r["file"]).read_text(encoding="utf-8")) for r in rows]


def seed_bodies() -> list[bytes]:
    """Return one JSON request body per seed article."""
    return [json.dumps({"text": text, "outlet": outlet}).encode() for outlet, text in seed_texts()]


_SYLLABLES = ["zor", "vak", "pli", "tree", "qua", "lin", "da", "bras", "tow", "ost", "re", "via", "mor", "gan",
              "thel", "ka", "rux", "wen", "dal", "fio", "nek", "sar", "ib", "ul", "quen", "tas", "bor", "ely"]


def made_up_name(rng: random.Random) -> str:
    def word():
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word()} {word()}"


def names_body(rng: random.Random) -> bytes:
    """A short news text full of people and places no request has named before."""
    sentences = []
    for _ in range(12):
        a, b, place = made_up_name(rng), made_up_name(rng), made_up_name(rng).split()[0]
        sentences.append(f"{a} accused {b} of undermining the talks in {place}, officials said on Tuesday.")
    return json.dumps({"text": " ".join(sentences), "outlet": "Bench Daily"}).encode()


NON_ENGLISH = [
    "El presidente {n} dijo el martes que el gobierno de {p} no aceptará las sanciones impuestas por {m}.",
    "Der Außenminister {n} erklärte in {p}, die Regierung werde mit {m} über neue Gespräche verhandeln.",
    "Le ministre {n} a déclaré à {p} que le gouvernement refusait toute ingérence de {m} dans la crise.",
]


def foreign_body(rng: random.Random) -> bytes:
    text = " ".join(rng.choice(NON_ENGLISH).format(n=made_up_name(rng), p=made_up_name(rng).split()[0],
                                                   m=made_up_name(rng)) for _ in range(8))
    return json.dumps({"text": text}).encode()


def mixed_bodies(count: int, seed: int = 7) -> list[bytes]:
    """``count`` request bodies: 40 % seeds, 10 % long (a seed five times), 35 % new names, 15 % non-English."""
    rng = random.Random(seed)
    seeds = seed_texts()
    out = []
    for _ in range(count):
        r = rng.random()
        if r < 0.40:
            outlet, text = rng.choice(seeds)
            out.append(json.dumps({"text": text, "outlet": outlet}).encode())
        elif r < 0.50:
            outlet, text = rng.choice(seeds)
            out.append(json.dumps({"text": "\n\n".join([text] * 5), "outlet": outlet}).encode())
        elif r < 0.85:
            out.append(names_body(rng))
        else:
            out.append(foreign_body(rng))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, **env) -> tuple[subprocess.Popen, float]:
    """Start the Procfile's web command; return the process and the seconds until /healthz answered 200."""
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    full_env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY=str(workers),
                    GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port}", LOG_LEVEL="warning",
                    # Every request comes from this one client; in production they come from many, each under
                    # its own per-client limit. The bench measures the server, not the limiter: limits off.
                    FRAMING_RATE_LIMITS="0",
                    PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    full_env.update({k: str(v) for k, v in env.items()})
    log = (ROOT / "bench" / "out" / "load-server.log").open("ab")
    started = time.monotonic()
    proc = subprocess.Popen(shlex.split(line[4:]), cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = started + 180
    while time.monotonic() < deadline:
        try:
            if send(port, "GET", "/healthz", None)[0] == 200:
                return proc, time.monotonic() - started
        except OSError:
            time.sleep(0.02)
    stop_server(proc)
    raise SystemExit("server did not start; see bench/out/load-server.log")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(40)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def send(port: int, method: str, path: str, body: bytes | None) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ROUTER_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, len(data)
    finally:
        conn.close()


def tree_memory_mb(master_pid: int) -> dict:
    """PSS of the whole server tree (master + workers: shared pages counted once), and each worker's RSS/USS."""
    procs = [psutil.Process(master_pid)] + psutil.Process(master_pid).children()
    pss, workers = 0.0, {}
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        pss += info.pss
        if p.pid != master_pid:
            workers[p.pid] = {"rss": round(info.rss / 2**20, 1), "uss": round(info.uss / 2**20, 1)}
    return {"tree_pss": round(pss / 2**20, 1), "workers": workers}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def closed_loop(port: int, bodies: list[bytes], clients: int, seconds: float) -> dict:
    """``clients`` clients back to back for ``seconds``: the throughput the server sustains."""
    lat, statuses, lock = [], {}, threading.Lock()
    end = time.monotonic() + seconds

    def run(offset):
        n = offset
        while time.monotonic() < end:
            t = time.monotonic()
            status, _ = send(port, "POST", "/api/v1/analyze", bodies[n % len(bodies)])
            with lock:
                lat.append(time.monotonic() - t)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            n += clients

    start = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    ok = statuses.get("200", 0)
    return {"clients": clients, "seconds": round(took, 2), "statuses": statuses, "throughput": round(ok / took, 2),
            "p50_ms": round(1000 * percentile(lat, 0.5), 1), "p99_ms": round(1000 * percentile(lat, 0.99), 1)}


def open_loop(port: int, bodies: list[bytes], rate: float, seconds: float) -> dict:
    """Send requests at ``rate`` per second (open loop) for ``seconds``; report status mix and latencies."""
    records: list[tuple[str, float]] = []
    lock = threading.Lock()

    def one(k: int, scheduled: float):
        try:
            status, _ = send(port, "POST", "/api/v1/analyze", bodies[k % len(bodies)])
        except OSError as exc:
            status = type(exc).__name__
        with lock:
            records.append((str(status), time.monotonic() - scheduled))

    start = time.monotonic()
    count = max(1, int(rate * seconds))
    with ThreadPoolExecutor(max_workers=256) as pool:
        for k in range(count):
            scheduled = start + k / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, k, scheduled)
    took = time.monotonic() - start
    statuses: dict[str, int] = {}
    for status, _ in records:
        statuses[status] = statuses.get(status, 0) + 1
    ok = [t for s, t in records if s == "200"]
    shed = [t for s, t in records if s == "503"]
    return {"target_rate": round(rate, 2), "requests": count, "seconds": round(took, 2), "statuses": statuses,
            "ok_throughput": round(len(ok) / took, 2),
            "ok_p50_ms": round(1000 * percentile(ok, 0.5), 1), "ok_p99_ms": round(1000 * percentile(ok, 0.99), 1),
            "ok_max_ms": round(1000 * max(ok), 1) if ok else None,
            "shed_p50_ms": round(1000 * percentile(shed, 0.5), 1) if shed else None,
            "slowest_ms": round(1000 * max(t for _, t in records), 1)}


def machine() -> dict:
    mem = psutil.virtual_memory()
    return {"nproc": len(os.sched_getaffinity(0)), "mem_total_gb": round(mem.total / 2**30, 1),
            "mem_available_gb": round(mem.available / 2**30, 1), "python": platform.python_version(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def part_startup(args) -> dict:
    times = []
    for _ in range(args.startup_runs):
        proc, took = start_server(free_port(), args.workers)
        times.append(round(took, 2))
        stop_server(proc)
    return {"seconds_to_healthz": times, "median": sorted(times)[len(times) // 2],
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


def part_overload(args) -> dict:
    bodies = seed_bodies()
    port = free_port()
    proc, _ = start_server(port, args.workers)
    out = {}
    try:
        for _ in range(10):
            send(port, "POST", "/api/v1/analyze", bodies[0])
        out["memory_start"] = tree_memory_mb(proc.pid)
        sustained = closed_loop(port, bodies, clients=args.workers, seconds=args.probe_seconds)
        out["sustained_closed_loop"] = sustained
        for mult in (0.5, 1, 2, 4):
            phase = open_loop(port, bodies, sustained["throughput"] * mult, args.phase_seconds)
            time.sleep(2)
            phase["memory_after"] = tree_memory_mb(proc.pid)
            phase["loadavg"] = [round(x, 2) for x in os.getloadavg()]
            out[f"open_loop_{mult:g}x"] = phase
    finally:
        stop_server(proc)
    return out


def part_memory(args) -> dict:
    out = {}
    bodies = mixed_bodies(args.memory_requests)
    variants = {"no_recycling": {"GUNICORN_MAX_REQUESTS": "0"}, "shipped": {},
                "no_warm_up": {"FRAMING_WARM_UP": "0"},
                "no_trim": {"FRAMING_MALLOC_TRIM": "0"},
                "memory_zones": {"GUNICORN_MAX_REQUESTS": "0", "FRAMING_MEMORY_ZONES": "1"},
                # Recycling sooner than shipped, to see its effect within a short run.
                "recycle_100": {"GUNICORN_MAX_REQUESTS": "100", "GUNICORN_MAX_REQUESTS_JITTER": "20"},
                "arenas_2": {"GUNICORN_MAX_REQUESTS": "0", "FRAMING_MALLOC_ARENA_MAX": "2"},
                "zones_arenas_2": {"GUNICORN_MAX_REQUESTS": "0", "FRAMING_MEMORY_ZONES": "1",
                                   "FRAMING_MALLOC_ARENA_MAX": "2"},
                # The lexical target model alone: what the contextual head costs in memory.
                "target_off": {"FRAMING_TARGET_ENCODER": "off"},
                # The budget setting: the head for caller targets only (the encoder loaded, run on fewer sentences).
                "target_targets": {"FRAMING_TARGET_ENCODER": "targets"},
                # glibc's dynamic mmap threshold (before FRAMING_MALLOC_MMAP_THRESHOLD fixed it at 256 KB).
                "mmap_dynamic": {"FRAMING_MALLOC_MMAP_THRESHOLD": "0"}}
    for name, env in variants.items():
        if name not in args.memory_variants.split(","):
            continue
        port = free_port()
        proc, _ = start_server(port, args.workers, **env)
        while len(psutil.Process(proc.pid).children()) < args.workers:  # every worker booted
            time.sleep(0.1)
        time.sleep(2)
        marks = {"0": tree_memory_mb(proc.pid)}
        statuses: dict[str, int] = {}
        lock = threading.Lock()
        try:
            half = len(bodies) // 2
            for lo, hi in ((0, half), (half, len(bodies))):
                def run(offset, lo=lo, hi=hi):
                    for k in range(lo + offset, hi, 2):
                        try:
                            status = str(send(port, "POST", "/api/v1/analyze", bodies[k])[0])
                        except OSError as exc:
                            status = type(exc).__name__
                        with lock:
                            statuses[status] = statuses.get(status, 0) + 1
                threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                time.sleep(2)
                marks[str(hi)] = tree_memory_mb(proc.pid)
        finally:
            stop_server(proc)
        first, mid, last = (marks[k]["tree_pss"] for k in marks)
        out[name] = {"env": env, "statuses": statuses, "marks": marks,
                     "growth_first_half_mb": round(mid - first, 1), "growth_second_half_mb": round(last - mid, 1)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="startup,overload,memory")
    ap.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY for the server (default 2)")
    ap.add_argument("--probe-seconds", type=float, default=20)
    ap.add_argument("--phase-seconds", type=float, default=40, help="length of each open-loop phase")
    ap.add_argument("--memory-requests", type=int, default=2000)
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--memory-variants", default="no_recycling,shipped,memory_zones")
    args = ap.parse_args()

    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(OUT.read_text()) if OUT.exists() else {}
    report["machine"] = machine()
    report["workers"] = args.workers
    parts = {"startup": part_startup, "overload": part_overload, "memory": part_memory}
    for name in args.parts.split(","):
        result = parts[name](args)
        report[name] = {**report.get(name, {}), **result} if name == "memory" else result
        OUT.write_text(json.dumps(report, indent=2))
        print(json.dumps({name: report[name]}, indent=1)[:6000])
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
