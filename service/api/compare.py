"""The comparison endpoint: analyse each article with the core, then compare them (service.analysis.compare)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..analysis.compare import compare
from .analyze import check_size, json_body, load, run_analysis
from ..errors import ApiError
from .schemas_compare import DEFAULT_MAX_ARTICLES, ComparisonSchema, CompareRequestSchema

bp = Blueprint("compare_api", __name__)


def max_articles() -> int:
    """Return the article limit of one comparison (FRAMING_MAX_ARTICLES)."""
    return int(current_app.config.get("FRAMING_MAX_ARTICLES") or DEFAULT_MAX_ARTICLES)


def run_comparison(data) -> dict:
    """Validate a compare request, analyse every article and compare them; return the dumped response.

    The API and the web form both call this, so they validate and compute alike. Errors are ApiError (422).
    """
    args = load(CompareRequestSchema(max_articles=max_articles()), data)
    articles = args["articles"]
    check_size([a["text"] for a in articles], [f"articles.{k}.text" for k in range(len(articles))])
    results = []
    for k, article in enumerate(articles):
        try:
            results.append(run_analysis(article))
        except ApiError as exc:  # a field error of one article names that article
            exc.fields = {f"articles.{k}.{key}": v for key, v in exc.fields.items()}
            raise
    body = compare(results, [a["text"] for a in articles], [a["outlet"] for a in articles])
    body["articles"] = results
    return ComparisonSchema().dump(body)


@bp.post("/api/v1/compare")
def compare_view():
    """Compare two or more outlets' coverage of one event.
    ---
    post:
      summary: Compare outlets' framing of one event
      description: Analyses each article as /api/v1/analyze does, pools articles of the same outlet, and returns
        each main score per outlet with 95% bootstrap intervals (resampling sentences, fixed seed) and pairwise
        differences, the actors named by two or more outlets with their labels and sentiment, each outlet's
        distinctive terms (log-odds with an informative Dirichlet prior, Monroe et al. 2008) and a plain summary.
      requestBody:
        required: true
        content:
          application/json:
            schema: CompareRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: ComparisonSchema
        400: {content: {application/json: {schema: ErrorSchema}}, description: Malformed JSON or encoding}
        413: {content: {application/json: {schema: ErrorSchema}}, description: Body over the size limit}
        415: {content: {application/json: {schema: ErrorSchema}}, description: Unsupported content type}
        422: {content: {application/json: {schema: ErrorSchema}}, description: Invalid fields or article count}
    """
    return jsonify(run_comparison(json_body()))
