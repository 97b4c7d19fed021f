"""gunicorn settings, read from the environment as on Heroku-style hosts (docs/deploy.md)."""
import gc
import logging
import os
import secrets

# Each worker holds spaCy, VADER and the lexicons: about 200 MB RSS after warm-up, most of it shared with the
# master through preload (bench/LOAD.md has the measured figures). Budget 250 MB a worker and keep room for the
# master, so two workers fit a 512 MB dyno.
WORKER_MB = int(os.environ.get("FRAMING_WORKER_MB", "250"))


def _memory_limit_mb():
    """Return the container's memory limit (cgroup v2 or v1), else the machine's total memory, in MB."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            raw = open(path).read().strip()
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
worker_class = "sync"
# Load models and lexicons once in the master; workers fork with them already in memory, and start-up is one load.
preload_app = True
# Below the Heroku router's 30 s limit, so a slow request is ended by us with a log line, not by the router.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
# On SIGTERM (a platform restart) in-flight requests get this long to finish; Heroku sends SIGKILL after 30 s.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 5
# The platform router terminates TLS and sets X-Forwarded-Proto; the dyno is reachable only through it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
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


def pre_fork(server, worker):
    """Move the preloaded objects out of the garbage collector's reach so workers don't copy their pages."""
    gc.freeze()
