"""The server-rendered comparison form (service.web.views), over the same code as the API."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the form's blueprint."""
    from ..security import form_limit
    from . import events, views

    for bp in (views.bp, events.bp):
        form_limit(app, bp)  # the form runs analyses with no key: a per-client limit on its POSTs
        app.register_blueprint(bp)
