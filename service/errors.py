"""One JSON error shape for every failure: {"error": {"code", "message", "fields", "request_id"}}."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("service")


class ApiError(Exception):
    """An error the API reports as JSON with a status, a code and per-field messages."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def _string_keys(value):
    """Return ``value`` with every dict key a string (marshmallow keys list items by int, JSON wants str)."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_string_keys(v) for v in value]
    return value


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """Build the JSON error response."""
    body = {"error": {"code": code, "message": message, "fields": _string_keys(fields or {}),
                      "request_id": getattr(g, "request_id", None)}}
    return jsonify(body), status


# Codes for the HTTP errors Werkzeug raises itself (routing, body size, methods).
_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests",
}


def register_error_handlers(app: Flask) -> None:
    """Make every error, expected or not, a JSON body."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"The request body is larger than the limit of {limit} bytes."
        response, status = error_response(status, _HTTP_CODES.get(status, "http_error"), message)
        if status == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error (request %s)", getattr(g, "request_id", None))
        return error_response(500, "internal_error", "The server could not analyse this request.")
