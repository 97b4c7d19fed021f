"""The server-rendered comparison form (service.web.views), over the same code as the API."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the form's blueprint."""
    from . import views

    app.register_blueprint(views.bp)
