"""The REST API: flask-smorest blueprints over the analysis core, one module a resource.

flask-smorest validates each request with its schema (service/api/schemas.py), dumps each answer with its schema,
and builds the OpenAPI document at /api/v1/openapi.json from the same schemas and views.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..errors import http_error
from .schemas import ErrorSchema, TargetSpanSchema


class FramingApi(Api):
    """flask-smorest's Api with the service's one error shape (service/errors.py) in answers and in the document."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error(error)


def register(app: Flask) -> Api:
    """Create the Api on ``app`` and register every API blueprint."""
    from . import analyze, articles, compare, events, meta

    app.config.setdefault("API_TITLE", "Framing and bias comparison service")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = FramingApi(app, spec_kwargs={
        "info": {"description": "Scores how news articles frame an event, with offsets into the submitted text."}})
    # API keys (FRAMING_API_KEYS) are bearer tokens; operations that need none (healthz) say security: [].
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    # A target is a name or a span: the span's schema is referenced from AnalyzeRequest's oneOf.
    api.spec.components.schema("TargetSpan", schema=TargetSpanSchema)
    for module in (meta, analyze, compare, articles, events):
        api.register_blueprint(module.bp)
    app.extensions["framing_api"] = api
    return api
