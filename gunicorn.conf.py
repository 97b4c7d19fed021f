"""gunicorn settings, read from the environment as on Heroku-style hosts (README, "Deploy")."""
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
# Each worker holds spaCy and the lexicons (about 200 MB RSS, bench/RESULTS.md); the analysis is CPU-bound, so
# more workers than cores only queue. WEB_CONCURRENCY, set by the platform from the dyno's memory, wins.
workers = int(os.environ.get("WEB_CONCURRENCY") or max(1, min(multiprocessing.cpu_count(), 4)))
# Load models and lexicons once in the master; workers fork with them already in memory.
preload_app = True
# Below the Heroku router's 30 s limit, so a slow request is ended by us with a log line, not by the router.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
