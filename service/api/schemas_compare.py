"""Marshmallow schemas of POST /api/v1/compare: the request, and the response that the form's downloads share."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from .schemas import MAX_OUTLET, MAX_TITLE, AnalysisSchema, _not_blank

DEFAULT_MAX_ARTICLES = 20


class CompareArticleSchema(Schema):
    """One article of a comparison."""

    outlet = fields.String(required=True, validate=[_not_blank, validate.Length(max=MAX_OUTLET)],
                           metadata={"description": "Outlet name; articles of the same outlet are pooled "
                                                    "(case and spacing aside)."})
    text = fields.String(required=True, validate=_not_blank,
                         metadata={"description": "Article text, plain or HTML, as for /api/v1/analyze."})
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TITLE))


class CompareRequestSchema(Schema):
    """POST /api/v1/compare body: 2 to FRAMING_MAX_ARTICLES articles."""

    articles = fields.List(fields.Nested(CompareArticleSchema), required=True,
                           metadata={"description": "2 to FRAMING_MAX_ARTICLES (default 20) articles."})

    def __init__(self, *args, max_articles: int = DEFAULT_MAX_ARTICLES, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_articles = max_articles

    @validates("articles")
    def _count(self, value, **kwargs):
        if not 2 <= len(value) <= self.max_articles:
            raise ValidationError(f"Send between 2 and {self.max_articles} articles; got {len(value)}.")


# ---- response ----------------------------------------------------------------------------------------------------

class OutletValueSchema(Schema):
    outlet = fields.String()
    value = fields.Float(allow_none=True)
    interval = fields.List(fields.Float(), allow_none=True,
                           metadata={"description": "95% percentile bootstrap interval over sentences."})
    articles = fields.Integer()
    sentences = fields.Integer()


class DifferenceSchema(Schema):
    a = fields.String()
    b = fields.String()
    difference = fields.Float(allow_none=True, metadata={"description": "Value of a minus value of b."})
    interval = fields.List(fields.Float(), allow_none=True,
                           metadata={"description": "95% interval of the difference."})
    clear = fields.Boolean(allow_none=True, metadata={"description": "The interval excludes zero."})


class MetricComparisonSchema(Schema):
    label = fields.String()
    description = fields.String()
    unit = fields.String()
    method = fields.String()
    per_outlet = fields.List(fields.Nested(OutletValueSchema))
    differences = fields.List(fields.Nested(DifferenceSchema))


class CountedTextSchema(Schema):
    text = fields.String()
    kind = fields.String()
    count = fields.Integer()


class CompareEvidenceSchema(Schema):
    article = fields.Integer(metadata={"description": "Index into articles."})
    start = fields.Integer()
    end = fields.Integer()
    text = fields.String()
    kind = fields.String()


class ActorSentimentSchema(Schema):
    score = fields.Float()
    label = fields.String()
    interval = fields.List(fields.Float())
    mentions = fields.Integer()


class ActorOutletSchema(Schema):
    outlet = fields.String()
    articles = fields.List(fields.Integer())
    mentions = fields.Integer()
    quoted_mentions = fields.Integer()
    forms = fields.List(fields.Nested(CountedTextSchema), metadata={"description": "How the actor is named."})
    labels = fields.List(fields.Nested(CountedTextSchema),
                         metadata={"description": "Labels: premodifiers, appositives, predicates, descriptions."})
    sentiment = fields.Nested(ActorSentimentSchema)
    evidence = fields.List(fields.Nested(CompareEvidenceSchema))


class ActorComparisonSchema(Schema):
    name = fields.String()
    type = fields.String()
    aliases = fields.List(fields.String(), metadata={"description": "Actor names matched across articles."})
    outlets = fields.List(fields.String())
    per_outlet = fields.List(fields.Nested(ActorOutletSchema))
    sentiment_differences = fields.List(fields.Nested(DifferenceSchema))


class TermSchema(Schema):
    term = fields.String()
    count = fields.Integer()
    others_count = fields.Integer()
    rate = fields.Float(metadata={"description": "Per 1,000 own-voice terms of the outlet."})
    others_rate = fields.Float()
    log_odds = fields.Float()
    z = fields.Float()
    significant = fields.Boolean(metadata={"description": "z above 1.96."})
    evidence = fields.List(fields.Nested(CompareEvidenceSchema))


class OutletTermsSchema(Schema):
    outlet = fields.String()
    terms = fields.List(fields.Nested(TermSchema))


class SummaryEvidenceSchema(Schema):
    section = fields.String(metadata={"description": "metrics | actors | distinctive_terms"})
    metric = fields.String()
    actor = fields.String()
    outlets = fields.List(fields.String())


class SummarySentenceSchema(Schema):
    text = fields.String()
    kind = fields.String()
    clear = fields.Boolean(allow_none=True)
    evidence = fields.Nested(SummaryEvidenceSchema)


class ComparisonSchema(Schema):
    """The result of POST /api/v1/compare."""

    outlets = fields.List(fields.String(), metadata={"description": "Outlet names in first-seen order."})
    article_outlets = fields.List(fields.String(), metadata={"description": "The outlet of each article."})
    articles = fields.List(fields.Nested(AnalysisSchema), metadata={"description": "Each article's analysis."})
    metrics = fields.Dict(keys=fields.String(), values=fields.Nested(MetricComparisonSchema))
    actors = fields.List(fields.Nested(ActorComparisonSchema))
    distinctive_terms = fields.List(fields.Nested(OutletTermsSchema))
    summary = fields.List(fields.Nested(SummarySentenceSchema))
    method = fields.Dict()
