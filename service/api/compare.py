"""POST /api/v1/compare: analyse each article with the core, then compare them (service.analysis.compare)."""
from __future__ import annotations

from ..analysis.compare import compare
from ..errors import ApiError
from .analyze import run_analysis
from .base import Blueprint
from .schemas import CompareRequestSchema, ComparisonSchema, max_articles  # noqa: F401 (the form reads it)

bp = Blueprint("compare", __name__, url_prefix="/api/v1", description="Compare outlets' framing of one event.")


def compare_articles(args: dict) -> dict:
    """Analyse every validated article and compare them; return the comparison (not yet dumped).

    The API and the web form both call this, so they compute alike. A too-long text answers 413 for the whole
    request (FRAMING_MAX_TOKENS counts every article together).
    """
    from flask import current_app

    articles = args["articles"]
    budget = current_app.config.get("FRAMING_MAX_TOKENS")
    results = []
    for k, article in enumerate(articles):
        # Each article may use what the earlier ones left of the request's budget, so a comparison costs at most
        # FRAMING_MAX_TOKENS tokens of analysis however many articles it holds.
        results.append(run_analysis(article, field_prefix=f"articles.{k}.", max_tokens=budget))
        if budget is not None:
            budget = max(budget - results[-1]["stats"].get("tokens", results[-1]["stats"]["words"]), 1)
    body = compare(results, [a["text"] for a in articles], [a["outlet"] for a in articles])
    body["articles"] = results
    return body


def run_comparison(data) -> dict:
    """Validate a compare request (the form's path), compare, and return the dumped response; errors are ApiError."""
    from .base import load

    return ComparisonSchema().dump(compare_articles(load(CompareRequestSchema(), data)))


@bp.post("/compare")
@bp.arguments(CompareRequestSchema)
@bp.response(200, ComparisonSchema, description="Per-outlet scores with intervals, differences, actors, terms.")
@bp.errors(400, 401, 413, 415, 422, 429, 503, described={
    413: "Body over FRAMING_MAX_BYTES, or the articles over FRAMING_MAX_TOKENS tokens together.",
    422: "Invalid fields or article count."})
@bp.doc(summary="Compare outlets' framing of one event",
        description="Analyses each article as /api/v1/analyze does, pools articles of the same outlet, and returns "
                    "each main score per outlet with 95% bootstrap intervals (resampling sentences, fixed seed) and "
                    "pairwise differences, the actors named by two or more outlets with their labels and sentiment, "
                    "each outlet's distinctive terms (log-odds with an informative Dirichlet prior, Monroe et al. "
                    "2008) and a plain summary.")
def compare_view(args):
    """Compare two or more outlets' coverage of one event."""
    return compare_articles(args)
