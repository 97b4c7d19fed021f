"""POST /api/v1/analyze: load the request through its schema, call the core, dump the result through a schema."""
from __future__ import annotations

from flask import current_app

from ..analysis import AnalysisInputError, TextTooLong, analyze_document
from ..errors import ApiError
from .base import TEXT_PLAIN_QUERY_FIELDS, Blueprint, accepts_text_plain
from .schemas import AnalysisSchema, AnalyzeRequestSchema

bp = Blueprint("analyze", __name__, url_prefix="/api/v1", description="Analyse one article.")
# The metadata a caller may attach to an article, echoed back in the answer's `meta`.
META_FIELDS = ("id", "url", "published", "author", "section", "language")
# Page metadata (service/analysis/extract.py) that fills a field the request left out.
_PAGE_META = {"url": "url", "published": "date", "author": "author"}


def resources():
    """Return the analysis resources loaded by the app factory."""
    return current_app.extensions["framing"]


def analyze_args(res, args: dict, max_tokens: int | None = None) -> dict:
    """Analyse validated request fields with the core and echo the caller's metadata: what the API, the form and
    the batch command all return for one article. Raises the core's AnalysisInputError (TextTooLong included)."""
    result = analyze_document(res, args["text"], title=args.get("title"), outlet=args.get("outlet"),
                              targets=args.get("targets"), max_tokens=max_tokens,
                              include_text=bool(args.get("include_text")), language=args.get("language"))
    return with_meta(result, args)


def run_analysis(args: dict, field_prefix: str = "", max_tokens: int | None = None) -> dict:
    """Call the core on validated request fields; a target that does not fit is a 422, a text too long a 413.

    The token limit (FRAMING_MAX_TOKENS, or what is left of it for the later articles of a comparison) applies to
    the text the core analyses: a saved web page is measured by its article, not by its scripts and sidebars.
    """
    limit = current_app.config.get("FRAMING_MAX_TOKENS") if max_tokens is None else max_tokens
    try:
        return analyze_args(resources(), args, max_tokens=limit)
    except TextTooLong as exc:
        message = (f"The article holds {exc.tokens} tokens once page furniture is removed; one request may hold "
                   f"{exc.limit} (FRAMING_MAX_TOKENS). Split it, or use the batch command.")
        raise ApiError(413, "text_too_long", message, {field_prefix + exc.field: [message]}) from exc
    except AnalysisInputError as exc:
        raise ApiError(422, "validation_error", str(exc), {field_prefix + exc.field: [str(exc)]}) from exc


def with_meta(result: dict, args: dict) -> dict:
    """Echo the caller's newsroom metadata in ``meta``, filled from the page's own metadata where left out."""
    page = result.get("metadata") or {}
    meta, source = {}, {}
    for key in META_FIELDS:
        if args.get(key) is not None:
            meta[key], source[key] = args[key], "request"
        elif key in _PAGE_META and page.get(_PAGE_META[key]):
            meta[key], source[key] = page[_PAGE_META[key]], "page"
    if result.get("title") is None and page.get("title"):
        result["title"] = page["title"]
        source["title"] = "page"
    result["meta"] = {**meta, "source": source}
    return result


@bp.post("/analyze")
@bp.arguments(AnalyzeRequestSchema, description="An article as JSON; or send text/plain with the other fields in "
                                                "the query string.")
@bp.response(200, AnalysisSchema, description="The analysis, every span an offset into the submitted text.")
@bp.errors(400, 401, 413, 415, 422, 429, 503)
@bp.doc(summary="Analyse one article",
        description="Loaded terms, actors and sentiment, editorial voice, readability and calibration, each with "
                    "character offsets into the submitted text. Send application/json, or text/plain (any charset "
                    "declared in Content-Type) with the other fields as query parameters.",
        requestBody={"content": {"text/plain": {"schema": {"type": "string"}}}},
        parameters=[{"in": "query", "name": name, "required": False, "schema": {"type": "string"},
                     "description": f"With a text/plain body: the article's {name}."}
                    for name in TEXT_PLAIN_QUERY_FIELDS])
@accepts_text_plain
def analyze(args):
    """Analyse one article."""
    return run_analysis(args)
