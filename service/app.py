"""The Flask application factory.

The analysis core lives in service.analysis and never imports Flask; this package is the thin web layer.
"""
from __future__ import annotations

import logging
import uuid

from flask import Flask, g, request

from . import config
from .analysis.core import LexiconDirError, load_resources
from .errors import register_error_handlers

_shared_resources = {}


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: read configuration, load lexicons and models once, register blueprints and handlers."""
    # The form's blueprint serves its own static files (service/web/static).
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(config.from_env())
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    key = app.config.get("FRAMING_LEXICON_DIR")
    # Loading spaCy and the lexicons costs about a second; apps built in one process (tests, the CLI) share them.
    if key not in _shared_resources:
        try:
            _shared_resources[key] = load_resources(key)
        except LexiconDirError as exc:  # a configuration mistake: one line, not a traceback
            raise SystemExit(f"framing: {exc}") from None
    app.extensions["framing"] = _shared_resources[key]

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else uuid.uuid4().hex

    @app.after_request
    def _request_id_header(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    from . import api, cli, middleware, security, web

    security.init_app(app)
    api.register(app)
    web.register(app)
    cli.register(app)
    register_error_handlers(app)
    # Body draining, load shedding and request tracking for the running server (docs/security.md, "Server").
    middleware.init_app(app)
    return app
