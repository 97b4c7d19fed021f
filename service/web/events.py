"""The Events pages: a list of stored events, and one event's comparison from its stored analyses.

Server-rendered, no JavaScript, like the form (service/web/views.py), whose number filters, chart layout and
templates' macros it reuses. The comparison is the one GET /api/v1/events/{id}/comparison answers. The form's
"Save to an event" button posts here (``save``): the articles are analysed and stored as POST /api/v1/articles
does, and the browser is sent to the event's page.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from ..api.analyze import run_analysis
from ..api.articles import database_errors, store
from ..api.schemas_store import EVENT_KEY
from ..errors import ApiError
from ..store import repository as repo
from ..store.comparison import NotEnoughArticles, article_summary, compare_event
from .views import CHART_METRICS, bar_chart, form_rows

bp = Blueprint("events_web", __name__, template_folder="templates")
database_errors(bp)
# Saving runs analyses without a key, as the form's comparison does: the same per-client limit applies
# (service/web/__init__.py). CSRF and Origin are checked for every form POST by service/security.py.


@bp.before_request
def _store_behind_keys():
    """With FRAMING_API_KEYS set, stored coverage is read and written through the API with a key only."""
    if current_app.config.get("FRAMING_API_KEYS"):
        raise ApiError(403, "forbidden", "The Events pages are off when API keys are set (FRAMING_API_KEYS): "
                                         "read and store coverage through /api/v1/articles and /api/v1/events.")


@bp.get("/events")
def events():
    """List the stored events, most recent coverage first."""
    return render_template("events.html", events=repo.list_events(store()))


@bp.get("/events/<string:ref>")
def event(ref: str):
    """Show one event: its articles and the comparison of their stored analyses."""
    st = store()
    try:
        ev = repo.resolve_event(st, ref)
    except repo.NotFound:
        abort(404)
    summary = repo.event_summary(st, ev.id)
    articles = [article_summary(a) for a in repo.event_articles(st, ev.id)]
    result, problem, charts = None, None, []
    try:
        result = compare_event(st, ev.id)
        charts = [bar_chart(name, result["metrics"][name]) for name in CHART_METRICS if name in result["metrics"]]
    except NotEnoughArticles as exc:
        problem = str(exc)
    return render_template("event.html", event=summary, articles=articles, result=result, problem=problem,
                           charts=charts)


@bp.post("/events/save")
def save():
    """Store the form's articles under an event (created when new) and show the event."""
    key = (request.form.get("event") or "").strip()
    if not re.match(EVENT_KEY, key):
        raise ApiError(422, "validation_error", "Name the event with letters, digits, '.', '_', ':' or '-'.",
                       {"event": ["Letters, digits, '.', '_', ':' or '-', at most 200."]})
    st = store()
    rows = [r for r in form_rows() if r["outlet"].strip() and r["text"].strip()]
    if not rows:
        raise ApiError(422, "validation_error", "Fill in at least one article to save.")
    for row in rows:
        new = repo.NewArticle(text=row["text"], outlet=" ".join(row["outlet"].split()), event_key=key)
        if repo.find_duplicate(st, None, new.outlet, repo.text_hash(new.text)) is not None:
            continue
        result = run_analysis({"text": row["text"], "outlet": new.outlet})
        repo.add_article(st, new, result)
    current_app.logger.info("saved %d form articles to event %s", len(rows), key)
    return redirect(url_for("events_web.event", ref=key), code=303)


def register(app) -> None:
    """Register the Events pages."""
    app.register_blueprint(bp)
