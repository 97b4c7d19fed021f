"""/api/v1/articles: post an article once (analysed and stored), read, list and delete stored articles.

Posting analyses through the same code as POST /api/v1/analyze (run_analysis) and stores the result with its main
scores as columns (service/store). The same url again, or without url the same outlet and text, answers 200 with
the stored record; the database's unique constraints decide, so concurrent posts create one record.
"""
from __future__ import annotations

import logging
import math

from flask import current_app
from sqlalchemy import exc as sa_exc

from ..errors import ApiError, error_response
from ..store import SchemaNotReady, ensure_schema, get_store
from ..store import repository as repo
from ..store.models import SCORE_COLUMNS
from .analyze import run_analysis
from .base import Blueprint
from .schemas_store import (ArticleListArgsSchema, ArticlePageSchema, ArticleRequestSchema, ArticleSchema,
                            parse_when)

log = logging.getLogger("service")

bp = Blueprint("articles", __name__, url_prefix="/api/v1", description="Stored articles with their analyses.")
# Seconds a client should wait before retrying after a database outage.
RETRY_AFTER_SECONDS = 5
# The words of the error answers documented on the views of articles and events (Blueprint.errors).
UNAVAILABLE = {503: "The database is unavailable."}
NO_ARTICLE = {404: "No such article.", **UNAVAILABLE}
NO_EVENT = {404: "No such event.", **UNAVAILABLE}


def database_errors(blueprint) -> None:
    """Answer a database outage on ``blueprint``'s views with 503 JSON (and Retry-After) instead of a 500."""

    def unavailable(exc):
        log.warning("database unavailable: %s", exc.__class__.__name__, exc_info=not isinstance(exc, SchemaNotReady))
        message = ("The database schema is behind the code: run `flask --app service db upgrade`."
                   if isinstance(exc, SchemaNotReady) else "The database is unavailable; try again shortly.")
        response, status = error_response(503, "database_unavailable", message)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status

    def maybe_unavailable(exc: sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            return unavailable(exc)
        raise exc

    blueprint.register_error_handler(SchemaNotReady, unavailable)
    blueprint.register_error_handler(sa_exc.TimeoutError, unavailable)
    blueprint.register_error_handler(sa_exc.DBAPIError, maybe_unavailable)


database_errors(bp)


def store():
    """Return the app's store with its schema ready (SQLite migrates itself; PostgreSQL must be migrated)."""
    st = get_store(current_app)
    ensure_schema(st)
    return st


def summary(st, article, events: dict | None = None) -> dict:
    """Return an article's listing body."""
    event = None
    if article.event_id is not None:
        ev = (events or {}).get(article.event_id) or repo.event_of(st, article.event_id)
        if events is not None:
            events[article.event_id] = ev
        event = {"id": ev.id, "key": ev.key, "title": ev.title} if ev else None
    scores = {name: getattr(article, name) for name in SCORE_COLUMNS}
    scores.update(words=article.words, own_voice_words=article.own_voice_words)
    return {"id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
            "published": article.published, "language": article.language, "event": event,
            "text_hash": article.text_hash, "text_stored": article.text_stored,
            "lexicon_version": article.lexicon_version, "scores": scores, "created_at": article.created_at,
            "analysed_at": article.analysed_at}


def full(st, article) -> dict:
    """Return one article's body with its analysis and, without an event, suggested events."""
    body = summary(st, article)
    body["analysis"] = article.analysis
    body["suggested_events"] = repo.suggest_events(st, article) if article.event_id is None else []
    return body


def _not_found(article_id: int):
    return ApiError(404, "not_found", f"No stored article has id {article_id}.")


@bp.post("/articles")
@bp.arguments(ArticleRequestSchema, description="An article as for /api/v1/analyze, with its outlet, optional url, "
                                                "published date and event key.")
@bp.response(201, ArticleSchema, description="Analysed and stored.")
@bp.alt_response(200, schema=ArticleSchema, description="Already stored (same url, or same outlet and text): the "
                                                        "stored record, not analysed again.")
@bp.errors(401, 413, 415, 422, 503, described={413: "Body or article over the limits.",
                                               503: "The database is unavailable; retry after Retry-After."})
@bp.doc(summary="Analyse and store an article")
def create_article(args):
    """Analyse and store one article; the same article again answers 200 with the stored record."""
    st = store()
    published = parse_when(args["published"]) if args.get("published") else None
    new = repo.NewArticle(text=args["text"], outlet=" ".join(args["outlet"].split()), url=args.get("url") or None,
                          title=args.get("title"), published=published, event_key=args.get("event"),
                          event_title=args.get("event_title"))
    # Fast path: a known article is not analysed again. Correctness does not rest on it (see add_article).
    found = repo.find_duplicate(st, new.url, new.outlet, repo.text_hash(new.text))
    if found is not None:
        return full(st, found), 200
    result = run_analysis({k: v for k, v in args.items() if k not in ("event", "event_title")})
    if new.title is None and result.get("title"):
        new.title = result["title"]
    if new.published is None and (result.get("meta") or {}).get("published"):
        try:
            new.published = parse_when(result["meta"]["published"])
        except Exception:  # a page's own date that is not ISO 8601 is left out, not an error
            pass
    article, created = repo.add_article(st, new, result)
    return full(st, article), 201 if created else 200


@bp.get("/articles")
@bp.arguments(ArticleListArgsSchema, location="query")
@bp.response(200, ArticlePageSchema, description="One page of stored articles, newest published first.")
@bp.errors(404, 503, described=NO_EVENT)
@bp.doc(summary="List stored articles", description="Filter by outlet, event (id or key), language and "
                                                     "publication dates; pages of at most 100.")
def list_articles(args):
    """List stored articles with filters and pagination."""
    st = store()
    try:
        rows, total = repo.list_articles(st, **args)
    except repo.NotFound as exc:
        raise ApiError(404, "not_found", f"No such event: {args['event']}.", {"event": ["Unknown event."]}) from exc
    events: dict = {}
    return {"items": [summary(st, a, events) for a in rows], "page": args["page"], "per_page": args["per_page"],
            "total": total, "pages": math.ceil(total / args["per_page"]) if total else 0}


@bp.get("/articles/<int:article_id>")
@bp.response(200, ArticleSchema)
@bp.errors(404, 503, described=NO_ARTICLE)
@bp.doc(summary="One stored article with its analysis")
def get_article(article_id: int):
    """Return one stored article."""
    st = store()
    try:
        return full(st, repo.get_article(st, article_id))
    except repo.NotFound as exc:
        raise _not_found(article_id) from exc


@bp.delete("/articles/<int:article_id>")
@bp.response(204, description="Deleted.")
@bp.errors(404, 503, described=NO_ARTICLE)
@bp.doc(summary="Delete a stored article")
def delete_article(article_id: int):
    """Delete one stored article."""
    st = store()
    try:
        repo.delete_article(st, article_id)
    except repo.NotFound as exc:
        raise _not_found(article_id) from exc
    return None
