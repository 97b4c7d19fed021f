"""What the service is running: GET /healthz for the platform, GET /api/v1/lexicons for users."""
from __future__ import annotations

from ..errors import ApiError
from .analyze import resources
from .base import Blueprint
from .schemas import HealthSchema, LexiconsSchema, OutletProfileSchema

bp = Blueprint("meta", __name__, description="Health and loaded data.")


@bp.get("/healthz")
@bp.response(200, HealthSchema, description="The models and lexicons are loaded.")
@bp.doc(summary="Readiness", security=[])
def healthz():
    """Report readiness."""
    return {"status": "ok", "lexicon_version": resources().version}


@bp.get("/api/v1/lexicons")
@bp.response(200, LexiconsSchema, description="Every lexicon and model with counts, sources and licences.")
@bp.doc(summary="What is loaded, with counts and sources")
def lexicons():
    """Describe the loaded lexicons, models and outlet profiles."""
    res = resources()
    body = res.describe()
    body["calibration"] = res.calibration.describe() if res.calibration else {}
    return body


@bp.get("/api/v1/lexicons/outlets/<path:name>")
@bp.response(200, OutletProfileSchema, description="The outlet's profile: names, articles, lean, lexicon.")
@bp.errors(404, described={404: "No profile for that outlet name, domain or URL."})
@bp.doc(summary="One outlet's profile and lean",
        description="Resolve an outlet by name, abbreviation, domain or URL (\"NYT\", \"breitbart.com\", "
                    "\"https://www.breitbart.com/...\") and return its baseline: article counts, years, sources "
                    "and licence, its lean estimated from its coverage beside its AllSides rating (with the "
                    "disagreement said), and the words and phrases it uses more than the balanced reference.")
def outlet_profile(name):
    """Describe one outlet's profile."""
    calibration = resources().calibration
    report = calibration.outlet_report(name) if calibration else None
    if report is None:
        raise ApiError(404, "not_found", f"No outlet profile for {name!r}; articles from it are read against the "
                                         f"pooled reference. GET /api/v1/lexicons lists the profiles.")
    return report
