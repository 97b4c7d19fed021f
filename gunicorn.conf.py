"""gunicorn settings, read from the environment as on Heroku-style hosts (docs/deploy.md)."""
import gc
import logging
import os
import secrets
import time

from service.config import env_switch
from service.middleware import settings as server_settings
from service.worker import socket_timeouts

# Each worker holds spaCy, VADER and the lexicons: about 200 MB RSS after warm-up, most of it shared with the
# master through preload (bench/LOAD.md has the measured figures). Budget 250 MB a worker and keep room for the
# master, so two workers fit a 512 MB dyno.
WORKER_MB = int(os.environ.get("FRAMING_WORKER_MB", "250"))


def _memory_limit_mb():
    """Return the container's memory limit (cgroup v2 or v1), else the machine's total memory, in MB."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as fh:
                raw = fh.read().strip()
        except OSError:
            continue
        if raw.isdigit() and int(raw) < 1 << 60:
            return int(raw) // (1 << 20)
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_workers():
    """Workers from cores (the analysis is CPU-bound: more workers than cores only queue) and memory."""
    by_cpu = _cpu_count()
    mem = _memory_limit_mb()
    by_mem = max(1, mem // WORKER_MB) if mem else by_cpu
    return max(1, min(by_cpu, by_mem))


bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
# WEB_CONCURRENCY, set by the operator (or the platform from the dyno size), wins.
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Threads, not processes, per connection (service/worker.py): the request head is read by the worker's event loop
# and a thread is only taken once it is complete, so slow clients cannot hold a worker; the analysis itself is
# admitted FRAMING_ANALYSIS_SLOTS at a time per worker, with FRAMING_QUEUE_DEPTH waiting (service/middleware.py).
worker_class = "service.worker.FramingWorker"
# Numbers are read here in the master, once: one that is not a number stops start-up with a one-line message naming
# the variable (service/config.py env_number), instead of a traceback or a worker quietly using a default.
try:
    _server = server_settings()  # the middleware's admission, queue and body settings (service/middleware.py)
    socket_timeouts()  # FRAMING_HEADER_TIMEOUT, FRAMING_READ_TIMEOUT (service/worker.py)
except RuntimeError as _exc:
    raise SystemExit(f"framing: {_exc}") from None
_slots, _depth = _server["slots"], _server["depth"]
# Every admitted or waiting request holds a thread; the spare ones answer /healthz, pages and fast 503s.
threads = int(os.environ.get("GUNICORN_THREADS") or (_slots + _depth + 6))
# Connections a worker holds at once (kept-alive and half-read ones included); beyond it, it stops accepting.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or 200)
# Load models and lexicons once in the master; workers fork with them already in memory, and start-up is one load.
preload_app = True
# Below the Heroku router's 30 s limit, so a slow request is ended by us with a log line, not by the router.
# service/worker.py enforces it per request (a threaded worker's heartbeat does not stop while a thread is stuck).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
# On SIGTERM (a platform restart) in-flight requests get this long to finish; Heroku sends SIGKILL after 30 s.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 5
# Recycle a worker after this many requests (plus up to the jitter, so workers do not restart together): spaCy's
# vocabulary keeps every new string it meets, so a worker's memory grows with the names it has seen
# (bench/LOAD.md, "Memory"). A fresh worker forks from the preloaded master in well under a second.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Proxies whose X-Forwarded-Proto/-For are believed. Not "*" by default: a client that reaches the port directly
# could otherwise claim https. Behind a router that is the only way in and that overwrites these headers (Heroku),
# set FORWARDED_ALLOW_IPS="*" (app.json does); elsewhere list the proxy's addresses (docs/security.md, "Server").
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 25+ opens a control socket under ~/.gunicorn by default; a dyno has no use for it, and two servers on
# one machine (tests, the load bench) would fight over the path.
control_socket_disable = True
# Heartbeat files in memory, not on a possibly slow disk (gunicorn's advice for containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# The request id is the X-Request-ID the app echoes on every response (and puts in every error body).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# Debug mode must not reach production: config.py pins DEBUG off, and the variable is dropped for good measure.
if os.environ.pop("FLASK_DEBUG", None):
    logging.getLogger("gunicorn.error").warning("FLASK_DEBUG ignored under gunicorn")

# CSRF tokens are signed with SECRET_KEY and must verify in every worker: without a configured key, choose one
# here in the master, before any fork, so all workers share it (it changes on restart; see docs/deploy.md).
if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = secrets.token_hex(32)
    logging.getLogger("gunicorn.error").warning(
        "SECRET_KEY is not set: using a random key for this server; open forms break on restart")


def _mallopt(param: int, variable: str, default: str) -> None:
    """Set a glibc malloc parameter from an environment variable (a positive integer; else glibc's default) in the
    master, so forked workers inherit it; nothing on another libc."""
    value = os.environ.get(variable, default)
    if not value.isdigit() or int(value) <= 0:
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(param, int(value))
    except (OSError, AttributeError):  # not glibc
        pass


# M_ARENA_MAX (-8), like MALLOC_ARENA_MAX: glibc gives threads their own arenas (up to 8 per core); a threaded worker
# whose analyses run on a different thread each time spreads its garbage over all of them and keeps more memory
# (bench/LOAD.md, "Memory").
_mallopt(-8, "FRAMING_MALLOC_ARENA_MAX", "2")
# M_MMAP_THRESHOLD (-3), like MALLOC_MMAP_THRESHOLD_: blocks above it are mmapped and go back to the system when
# freed. glibc's default threshold is dynamic: the first large block freed raises it to that block's size (up to
# 32 MB), after which the target head's encoder arrays (1.5-5 MB each, a few dozen per analysis) come from the heap
# and stay there, fragmented. With 256 KB fixed, the server tree after 1,000 mixed requests was 483 MB against
# 587 MB (bench/LOAD.md, "Memory", 2026-11-30), for 5-17% more CPU an analysis (page faults of fresh mappings; noisy
# measurement). FRAMING_MALLOC_MMAP_THRESHOLD=0 keeps glibc's default.
_mallopt(-3, "FRAMING_MALLOC_MMAP_THRESHOLD", "262144")


def _malloc_trim():
    """Return glibc's ``malloc_trim``, or None (not glibc, or FRAMING_MALLOC_TRIM=0)."""
    if not env_switch("FRAMING_MALLOC_TRIM"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def post_request(worker, req, environ, resp):
    """After a POST (an analysis), give the memory it freed back to the system (glibc ``malloc_trim(0)``).

    A long article's parse briefly needs tens of MB; glibc keeps freed memory in its arenas for reuse, so a worker
    otherwise stays at the size of the largest request it has served. Trimming costs ~4 ms a request, against
    ~300 ms for an analysis (bench/LOAD.md, "Memory"); ``FRAMING_MALLOC_TRIM=0`` turns it off.
    """
    if _TRIM is not None and req.method == "POST":
        _TRIM(0)


def when_ready(server):
    """Warm the preloaded app once in the master, before the first worker forks (service/analysis/core.py warm_up).

    Models that load on first use (the language model alone is ~70 MB) are then built once and shared by every
    worker copy-on-write, instead of once per worker on its first request (bench/LOAD.md, "Memory").
    """
    if not env_switch("FRAMING_WARM_UP"):
        return
    from service.analysis.core import warm_up

    started = time.monotonic()
    warm_up(server.app.wsgi().extensions["framing"])
    server.log.info("Warmed up the analysis in %.1f s", time.monotonic() - started)


def pre_fork(server, worker):
    """Move the preloaded objects out of the garbage collector's reach so workers don't copy their pages."""
    gc.freeze()


def worker_abort(worker):
    """Log the requests a worker was handling when the master aborted it (SIGABRT on a missed heartbeat)."""
    from service.middleware import INFLIGHT

    now = time.monotonic()
    for entry in INFLIGHT.snapshot().values():
        worker.log.critical("worker %s aborted while handling rid=%s %s %s (%.1f s)", worker.pid, entry["rid"],
                            entry["method"], entry["path"], now - entry["start"])
