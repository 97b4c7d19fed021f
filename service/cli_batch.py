"""CLI commands (placeholder until written)."""
from __future__ import annotations


def register(app) -> None:
    """Attach this module's commands to the app."""
