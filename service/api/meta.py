"""What the service is running: GET /healthz for the platform, GET /api/v1/lexicons for users."""
from __future__ import annotations

from .analyze import resources
from .base import Blueprint
from .schemas import HealthSchema, LexiconsSchema

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
