"""The framing analysis core: pure Python, no Flask.

    from service.analysis import analyze
    result = analyze(text, title=None, outlet="Breitbart News", targets=["Maduro"])

``analyze`` loads the default resources (lexicons/, spaCy, VADER, models) once per process; pass your own
``Resources`` from ``load_resources(lexicon_dir)`` to ``analyze_document`` to use other data.
"""
from __future__ import annotations

import threading

from .core import AnalysisInputError, Resources, TextTooLong, analyze_document, count_tokens, load_resources

__all__ = ["analyze", "analyze_document", "load_resources", "default_resources", "Resources",
           "AnalysisInputError", "TextTooLong", "count_tokens"]

_lock = threading.Lock()
_default: Resources | None = None


def default_resources() -> Resources:
    """Return the process-wide resources, loading them on first use."""
    global _default
    with _lock:
        if _default is None:
            _default = load_resources()
        return _default


def analyze(text: str, title: str | None = None, outlet: str | None = None, targets: list | None = None) -> dict:
    """Analyse one article with the default resources and return the result dict."""
    return analyze_document(default_resources(), text, title=title, outlet=outlet, targets=targets)
