"""Command-line commands: `flask --app service <command>`, one module per command."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the CLI commands (analyze, batch, calibrate, db, import, reanalyze) to the app."""
    from . import analyze, batch, calibrate, db, store

    for module in (analyze, batch, calibrate, db, store):
        module.register(app)
