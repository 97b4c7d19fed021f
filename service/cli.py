"""Command-line commands: `flask --app service <command>`."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the CLI commands (batch scoring, calibration) to the app."""
    from . import cli_batch, cli_calibrate

    cli_batch.register(app)
    cli_calibrate.register(app)
