"""/api/v1/events: the stored events, and each event's comparison from its stored analyses (no re-analysis)."""
from __future__ import annotations

from ..errors import ApiError
from ..store import repository as repo
from ..store.comparison import NotEnoughArticles, compare_event
from .articles import NO_EVENT, UNAVAILABLE, database_errors, store
from .base import Blueprint
from .schemas_store import EventComparisonSchema, EventListSchema, EventSchema

bp = Blueprint("events", __name__, url_prefix="/api/v1", description="Events: stored coverage of one story.")
database_errors(bp)


def _event(st, ref: str):
    try:
        return repo.resolve_event(st, ref)
    except repo.NotFound as exc:
        raise ApiError(404, "not_found", f"No event has id or key {ref!r}.") from exc


@bp.get("/events")
@bp.response(200, EventListSchema, description="Every event, most recently published coverage first.")
@bp.errors(503, described=UNAVAILABLE)
@bp.doc(summary="List events")
def list_events():
    """List events with article and outlet counts and dates."""
    return {"items": repo.list_events(store())}


@bp.get("/events/<string:ref>")
@bp.response(200, EventSchema)
@bp.errors(404, 503, described=NO_EVENT)
@bp.doc(summary="One event (by id or key)")
def get_event(ref: str):
    """Return one event's listing row."""
    st = store()
    return repo.event_summary(st, _event(st, ref).id)


@bp.get("/events/<string:ref>/comparison")
@bp.response(200, EventComparisonSchema, description="As POST /api/v1/compare answers, over the stored analyses; "
                                                     "articles are summarised, and those that cannot be compared are "
                                                     "listed under excluded.")
@bp.errors(404, 409, 503, described={409: "Fewer than two comparable articles.", **NO_EVENT})
@bp.doc(summary="Compare an event's stored coverage")
def event_comparison(ref: str):
    """Compare the event's stored articles by outlet, without analysing them again."""
    st = store()
    try:
        return compare_event(st, _event(st, ref).id)
    except NotEnoughArticles as exc:
        raise ApiError(409, "not_enough_articles", str(exc)) from exc
