"""One JSON error shape for every failure: {"error": {"code", "message", "fields", "request_id"}}."""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify
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


# webargs files validation messages under the part of the request they came from; the field paths say enough.
_LOCATIONS = ("json", "query", "querystring", "form", "view_args", "path", "headers", "files", "cookies")


def dotted_fields(messages) -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into one shape: {"articles.0.text": ["..."]} (docs/compare.md).

    A list of strings is the messages of that path; a dict goes one level down (list items are keyed by their
    index); anything else is one message.
    """
    out: dict[str, list[str]] = {}
    stack = [("", messages)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                key = str(key)
                stack.append((f"{path}.{key}" if path else key, value))
        elif isinstance(node, (list, tuple)) and all(isinstance(m, str) for m in node):
            out.setdefault(path or "_schema", []).extend(node)
        elif isinstance(node, (list, tuple)):
            for k, value in enumerate(node):
                stack.append((f"{path}.{k}" if path else str(k), value))
        else:
            out.setdefault(path or "_schema", []).append(str(node))
    return dict(sorted(out.items()))


def _strip_location(messages):
    if isinstance(messages, dict) and messages and set(messages) <= set(_LOCATIONS):
        merged = {}
        for value in messages.values():
            if isinstance(value, dict):
                merged.update(value)
            else:
                merged.setdefault("_schema", []).extend(value if isinstance(value, list) else [value])
        return merged
    return messages


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """Build the JSON error response."""
    body = {"error": {"code": code, "message": message, "fields": dotted_fields(fields or {}),
                      "request_id": getattr(g, "request_id", None)}}
    return jsonify(body), status


# Codes for the HTTP errors Werkzeug raises itself (routing, body size, methods).
_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests",
}


def http_error(exc: HTTPException):
    """Answer a Werkzeug or webargs HTTP error (routing, body size, request validation) in the one shape."""
    status = exc.code or 500
    message = exc.description or exc.name
    fields = None
    data = getattr(exc, "data", None) or {}
    if data.get("messages") is not None:  # webargs (flask-smorest @arguments): the request failed its schema
        fields = _strip_location(data["messages"])
        message = "The request has invalid fields." if status == 422 else message
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is larger than the limit of {limit} bytes."
    response, status = error_response(status, _HTTP_CODES.get(status, "http_error"), message, fields)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    return response, status


def register_error_handlers(app: Flask) -> None:
    """Make every error, expected or not, a JSON body."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error (request %s)", getattr(g, "request_id", None))
        return error_response(500, "internal_error", "The server could not analyse this request.")
