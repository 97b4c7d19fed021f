"""The REST API blueprint: load the request through a schema, call the core, dump through a schema."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError

from ..analysis import AnalysisInputError, analyze_document, count_tokens
from ..analysis.text import SURROGATE
from ..errors import ApiError
from .schemas import AnalysisSchema, AnalyzeRequestSchema, HealthSchema, LexiconsSchema

bp = Blueprint("api", __name__)
# JSON's \u escapes can encode half of a UTF-16 pair alone (SURROGATE); Python keeps it, but it is no character
# and no encoder (UTF-8 output, spaCy) accepts it: the API says so with a 422 (the core, for batch input, reads it
# as U+FFFD).


def resources():
    """Return the analysis resources loaded by the app factory."""
    return current_app.extensions["framing"]


def json_body():
    """Parse a JSON body strictly: malformed, non-UTF-8 or too deeply nested JSON is a 400."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type",
                       "Send application/json (or text/plain for a bare article text).")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, "bad_request", f"The body is not valid UTF-8 (byte {exc.start}).") from exc
    except RecursionError as exc:
        raise ApiError(400, "bad_request", "The JSON body is nested too deeply.") from exc
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"The body is not valid JSON: {exc}.") from exc
    where = _surrogate_path(data)
    if where is not None:
        raise ApiError(422, "validation_error", "The JSON holds an unpaired UTF-16 surrogate (a \\ud800-\\udfff "
                       "escape), which is not a character.", {where or "_schema": ["Not valid Unicode."]})
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


def load(schema, data):
    """Validate ``data`` with ``schema``; errors become a 422 with per-field messages."""
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "The JSON body must be an object.",
                       {"_schema": ["Expected a JSON object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", "The request has invalid fields.", exc.messages) from exc


def analyze_request() -> dict:
    """Read an analyze request from JSON or text/plain."""
    if request.mimetype == "text/plain":
        raw = request.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(400, "bad_request", f"The body is not valid UTF-8 (byte {exc.start}).") from exc
        data = {"text": text}
        for key in ("title", "outlet"):
            if request.args.get(key):
                data[key] = request.args[key]
        return load(AnalyzeRequestSchema(), data)
    return load(AnalyzeRequestSchema(), json_body())


def check_size(texts: list[str], fields: list[str]) -> None:
    """413 when the texts of one request hold more tokens than FRAMING_MAX_TOKENS.

    The analysis costs about linear time in tokens (bench/RESULTS.md); the limit keeps one request well inside the
    worker timeout. Longer corpora go through the batch command, which has no limit.
    """
    limit = current_app.config["FRAMING_MAX_TOKENS"]
    counts = [count_tokens(resources(), t) for t in texts]
    if sum(counts) > limit:
        worst = max(range(len(counts)), key=counts.__getitem__)
        message = (f"The text holds {sum(counts)} tokens; one request may hold {limit} "
                   "(FRAMING_MAX_TOKENS). Split it, or use the batch command.")
        raise ApiError(413, "text_too_long", message, {fields[worst]: [f"{counts[worst]} tokens."]})


def run_analysis(args: dict) -> dict:
    """Call the core; a target that does not fit the text is a 422 on that field."""
    try:
        return analyze_document(resources(), args["text"], title=args.get("title"), outlet=args.get("outlet"),
                                targets=args.get("targets"))
    except AnalysisInputError as exc:
        raise ApiError(422, "validation_error", str(exc), {exc.field: [str(exc)]}) from exc


@bp.post("/api/v1/analyze")
def analyze():
    """Analyse one article.
    ---
    post:
      summary: Analyse one article
      description: Loaded terms, actors and sentiment, editorial voice, readability and calibration, each with
        character offsets into the submitted text. Send application/json, or text/plain with optional
        ?title=&outlet= query parameters.
      requestBody:
        required: true
        content:
          application/json:
            schema: AnalyzeRequestSchema
          text/plain:
            schema:
              type: string
      responses:
        200:
          content:
            application/json:
              schema: AnalysisSchema
        400: {content: {application/json: {schema: ErrorSchema}}, description: Malformed JSON or encoding}
        413: {content: {application/json: {schema: ErrorSchema}}, description: Body over the size limit, or text
          over FRAMING_MAX_TOKENS tokens}
        415: {content: {application/json: {schema: ErrorSchema}}, description: Unsupported content type}
        422: {content: {application/json: {schema: ErrorSchema}}, description: Invalid fields}
    """
    args = analyze_request()
    check_size([args["text"]], ["text"])
    return jsonify(AnalysisSchema().dump(run_analysis(args)))


@bp.get("/api/v1/lexicons")
def lexicons():
    """Describe the loaded lexicons.
    ---
    get:
      summary: What is loaded, with counts and sources
      responses:
        200:
          content:
            application/json:
              schema: LexiconsSchema
    """
    res = resources()
    body = res.describe()
    body["calibration"] = res.calibration.describe() if res.calibration else {}
    return jsonify(LexiconsSchema().dump(body))


@bp.get("/healthz")
def healthz():
    """Report readiness.
    ---
    get:
      summary: 200 when the models and lexicons are loaded
      responses:
        200:
          content:
            application/json:
              schema: HealthSchema
    """
    return jsonify(HealthSchema().dump({"status": "ok", "lexicon_version": resources().version}))


@bp.get("/api/v1/openapi.json")
def openapi():
    """Serve the OpenAPI document generated from the schemas."""
    return jsonify(current_app.extensions["framing_spec"])
