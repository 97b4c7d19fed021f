"""Configuration from environment variables only (documented in README, "Configuration")."""
from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from exc


def _list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def from_env() -> dict:
    """Read the service settings from the environment."""
    return {
        # 1 MB, the body limit the product brief names; a long feature article is about 50 KB of text.
        "MAX_CONTENT_LENGTH": _int("FRAMING_MAX_BYTES", 1_000_000),
        "FRAMING_MAX_ARTICLES": _int("FRAMING_MAX_ARTICLES", 20),
        "FRAMING_CORS_ORIGINS": _list("FRAMING_CORS_ORIGINS"),
        "FRAMING_API_KEYS": _list("FRAMING_API_KEYS"),
        "FRAMING_LEXICON_DIR": os.environ.get("FRAMING_LEXICON_DIR") or None,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or os.urandom(32).hex(),
    }
