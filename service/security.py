"""Security for the web layer: response headers, optional API keys, CORS for newsroom tools."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register security headers and access checks."""

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
