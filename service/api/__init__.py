"""The REST API: one blueprint a resource, each a thin layer over the analysis core."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the API blueprints."""
    from . import analyze, compare

    app.register_blueprint(analyze.bp)
    app.register_blueprint(compare.bp)
