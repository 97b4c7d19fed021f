"""What every API blueprint shares: a flask-smorest Blueprint whose request parser is strict about the body.

flask-smorest (marshmallow + apispec) validates requests and dumps responses with the schemas in
service/api/schemas.py and builds the OpenAPI document from the same schemas and views. Its default JSON reader
(webargs) treats a non-JSON body as missing and says little about malformed JSON; ours answers as the API always
has: 415 for another media type, 400 for malformed JSON or bad UTF-8, 422 for a lone UTF-16 surrogate. Views that
also take a bare text (``accepts_text_plain``) read text/plain bodies as ``{"text": ...}`` plus query fields.
"""
from __future__ import annotations

import json

import flask_smorest
from flask import current_app, request
from webargs.flaskparser import FlaskParser

from ..analysis.text import SURROGATE
from ..errors import ApiError

# JSON's \u escapes can encode half of a UTF-16 pair alone (SURROGATE); Python keeps it, but it is no character
# and no encoder (UTF-8 output, spaCy) accepts it: the API says so with a 422 (the core, for batch input, reads it
# as U+FFFD).
TEXT_PLAIN_QUERY_FIELDS = ("title", "outlet", "url", "published", "author", "id", "section", "language")


def decode_utf8(raw: bytes, charset: str | None = None) -> str:
    """Decode a body in its declared charset (UTF-8 by default); a bad byte or unknown charset is a 400."""
    charset = (charset or "utf-8").strip().lower()
    try:
        return raw.decode(charset)
    except LookupError as exc:
        raise ApiError(415, "unsupported_media_type", f"Unknown charset {charset!r}; send UTF-8.") from exc
    except UnicodeDecodeError as exc:
        raise ApiError(400, "bad_request", f"The body is not valid {charset} (byte {exc.start}).") from exc


def json_body():
    """Parse a JSON body strictly: another media type is a 415; malformed, non-UTF-8 or too deeply nested JSON a 400."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type",
                       "Send application/json (or text/plain for a bare article text where the endpoint says so).")
    text = decode_utf8(request.get_data(cache=True))
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise ApiError(400, "bad_request", "The JSON body is nested too deeply.") from exc
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"The body is not valid JSON: {exc}.") from exc
    where = _surrogate_path(data)
    if where is not None:
        raise ApiError(422, "validation_error", "The JSON holds an unpaired UTF-16 surrogate (a \\ud800-\\udfff "
                       "escape), which is not a character.", {where or "_schema": ["Not valid Unicode."]})
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "The JSON body must be an object.",
                       {"_schema": ["Expected a JSON object."]})
    return data


def text_plain_body() -> dict:
    """Read a text/plain body as ``{"text": body}`` with the documented query fields (title, outlet, ...)."""
    text = decode_utf8(request.get_data(cache=True), request.mimetype_params.get("charset"))
    if SURROGATE.search(text):  # only reachable through a non-UTF-8 charset; keep the JSON rule
        raise ApiError(422, "validation_error", "The text holds an unpaired surrogate.", {"text": ["Not valid Unicode."]})
    data = {"text": text}
    for key in TEXT_PLAIN_QUERY_FIELDS:
        if request.args.get(key):
            data[key] = request.args[key]
    return data


def _surrogate_path(value) -> str | None:
    """Return the dotted path of the first string holding a lone surrogate ("" for the top level), else None.

    Iterative, so a JSON body nested as deep as the parser allows cannot overflow the stack here.
    """
    stack = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if SURROGATE.search(node):
                return path
            continue
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, item in items:
            if isinstance(key, str) and SURROGATE.search(key):
                return path or "_schema"
            stack.append((f"{path}.{key}" if path else str(key), item))
    return None


class StrictParser(FlaskParser):
    """webargs' Flask parser reading JSON bodies through json_body (and text/plain where a view accepts it)."""

    def _raw_load_json(self, req):
        view = current_app.view_functions.get(req.endpoint)
        if req.mimetype == "text/plain" and getattr(view, "accepts_text_plain", False):
            return text_plain_body()
        return json_body()


# What each error status means on this API, for the OpenAPI document; a view may say more for its own case.
ERRORS = {
    400: "Malformed JSON or encoding.",
    401: "An API key is required (FRAMING_API_KEYS) and was not given.",
    403: "Forbidden.",
    404: "Not found.",
    413: "Body over FRAMING_MAX_BYTES, or the text analysed over FRAMING_MAX_TOKENS tokens.",
    415: "Unsupported content type.",
    422: "Invalid fields, with a message per field.",
    429: "Rate limit reached; retry after Retry-After seconds.",
    503: "Busy, or the database is unavailable; retry after Retry-After seconds.",
}


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint with the strict body parser."""

    ARGUMENTS_PARSER = StrictParser()

    def errors(self, *statuses: int, described: dict[int, str] | None = None):
        """Document the error answers of a view (the one error shape), with ERRORS' words or ``described``'s."""
        from .schemas import ErrorSchema

        def decorator(func):
            for status in statuses:
                text = (described or {}).get(status) or ERRORS[status]
                func = self.alt_response(status, schema=ErrorSchema, description=text)(func)
            return func

        return decorator


def accepts_text_plain(view):
    """Mark a view as taking text/plain bodies too (read as {"text": body} plus query fields)."""
    view.accepts_text_plain = True
    return view


def load(schema, data):
    """Validate ``data`` with ``schema`` outside a decorated view (the form); errors become a 422 per field."""
    from marshmallow import ValidationError

    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "The request must be an object.", {"_schema": ["Expected an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", "The request has invalid fields.", exc.messages) from exc
