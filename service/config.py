"""Configuration from environment variables only (documented in docs/deploy.md, "Configuration")."""
from __future__ import annotations

import logging
import os
import secrets

log = logging.getLogger("service")


def env_number(name: str, default, kind=int):
    """Read a number (``kind``: int or float) from the environment; unset or blank gives ``default``, anything else
    that is not a number stops start-up with a message naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise RuntimeError(f"{name} must be {what}, not {value!r}") from exc


def env_switch(name: str) -> bool:
    """Read an on-by-default switch: "0", "false" or "no" (any case, spaces ignored) turn it off; unset is on."""
    return os.environ.get(name, "1").strip().lower() not in ("0", "false", "no")


def _list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def secret_key() -> str:
    """Return SECRET_KEY from the environment, or a random key for this process tree, with a warning.

    Form (CSRF) tokens are signed with it, so every worker must share it. gunicorn.conf.py sets a random one in
    the master before it forks when none is configured, so workers agree; it still changes on every restart and
    differs between dynos, which invalidates open forms. app.json has the platform generate a fixed one.
    """
    value = os.environ.get("SECRET_KEY", "").strip()
    if value:
        return value
    # Said once, where it matters: gunicorn.conf.py warns when it serves forms without a key; the CLI and tests
    # sign nothing that outlives the process.
    log.debug("SECRET_KEY is not set: using a random key for this process")
    value = secrets.token_hex(32)
    # Later create_app calls in this process (and forked children) reuse it.
    os.environ["SECRET_KEY"] = value
    return value


def from_env() -> dict:
    """Read the service settings from the environment."""
    return {
        # 1 MB, the body limit the product brief names; a long feature article is about 50 KB of text.
        "MAX_CONTENT_LENGTH": env_number("FRAMING_MAX_BYTES", 1_000_000),
        "FRAMING_MAX_ARTICLES": env_number("FRAMING_MAX_ARTICLES", 20),
        # Tokens one request may analyse (all articles of a comparison together). The analysis runs at about 2,000
        # to 4,000 tokens a second a worker here (bench/RESULTS.md), so 30,000 stays inside the 25 s worker timeout
        # even on a loaded machine; that is about 25,000 words, or 20 articles of 1,200 words.
        "FRAMING_MAX_TOKENS": env_number("FRAMING_MAX_TOKENS", 30_000),
        "FRAMING_CORS_ORIGINS": _list("FRAMING_CORS_ORIGINS"),
        # Rate limits per client address (Flask-Limiter syntax, e.g. "120 per minute"; docs/security.md). The API
        # limit is about 8x what one worker analyses (bench/LOAD.md: ~4 articles/s); the form's is per person.
        "FRAMING_RATE_LIMIT_API": os.environ.get("FRAMING_RATE_LIMIT_API") or "120 per minute",
        "FRAMING_RATE_LIMIT_FORM": os.environ.get("FRAMING_RATE_LIMIT_FORM") or "20 per minute",
        # memory:// counts per worker; a redis:// URL shares the counters across workers and dynos.
        "FRAMING_RATE_LIMIT_STORAGE": os.environ.get("FRAMING_RATE_LIMIT_STORAGE") or "memory://",
        "FRAMING_RATE_LIMITS": os.environ.get("FRAMING_RATE_LIMITS", "1").strip() not in ("0", "false", "no"),
        # How many proxies in front of the app append to X-Forwarded-For (Heroku's router: 1). Their forwarded client
        # address is what rate limits count; 0 (the default) believes no forwarded header.
        "FRAMING_PROXY_HOPS": env_number("FRAMING_PROXY_HOPS", 0),
        # Behind a platform router that terminates TLS: redirect plain http to https (flask-talisman).
        "FRAMING_FORCE_HTTPS": os.environ.get("FRAMING_FORCE_HTTPS", "").strip() in ("1", "true", "yes"),
        # Host names this service answers to (Flask's TRUSTED_HOSTS): others get a 400, so a forged Host header
        # cannot steer absolute URLs. Empty: any host (local use).
        "TRUSTED_HOSTS": _list("FRAMING_TRUSTED_HOSTS") or None,
        "FRAMING_API_KEYS": _list("FRAMING_API_KEYS"),
        "FRAMING_LEXICON_DIR": os.environ.get("FRAMING_LEXICON_DIR") or None,
        "SECRET_KEY": secret_key(),
        # Flask would read FLASK_DEBUG into DEBUG; debug mode never runs behind gunicorn. `flask run --debug`
        # still gets its debugger and reloader from the CLI for local work.
        "DEBUG": False,
        "PROPAGATE_EXCEPTIONS": False,
        # Form pages set a CSRF cookie; no other cookie is used.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
