"""Marshmallow schemas of the stored-coverage endpoints: /api/v1/articles and /api/v1/events."""
from __future__ import annotations

from datetime import date, datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate

from ..store.repository import DEFAULT_PER_PAGE, MAX_PER_PAGE
from .schemas import MAX_OUTLET, AnalysisSchema, AnalyzeRequestSchema, ComparisonSchema, _not_blank

EVENT_KEY = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"


def parse_when(value: str) -> datetime:
    """Parse an ISO 8601 date or time into a naive UTC datetime (a date is its midnight)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError as exc:
            raise ValidationError("Not an ISO 8601 date or time (e.g. 2019-03-25 or 2019-03-25T14:30:00Z).") from exc
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


class WhenField(fields.Field):
    """A date or date-time in ISO 8601; loaded as naive UTC, dumped with its UTC offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 64:
            raise ValidationError("An ISO 8601 date or time, as a string.")
        return parse_when(value)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return value.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


# ---- requests ------------------------------------------------------------------------------------------------------

class ArticleRequestSchema(AnalyzeRequestSchema):
    """POST /api/v1/articles body: an article as for /api/v1/analyze, with its outlet and optional event."""

    outlet = fields.String(required=True, validate=[_not_blank, validate.Length(max=MAX_OUTLET)],
                           metadata={"description": "Outlet name (required: with the text hash it identifies an "
                                                    "article sent without url)."})
    event = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(EVENT_KEY),
                          metadata={"description": "Key of the event the article covers (created when new), e.g. "
                                                   "venezuela-talks-2019-03. Without it, the answer suggests events."})
    event_title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000),
                                metadata={"description": "Title of the event when it is created."})


class ArticleListArgsSchema(Schema):
    """GET /api/v1/articles query: filters and a page."""

    outlet = fields.String(load_default=None, validate=validate.Length(max=MAX_OUTLET),
                           metadata={"description": "Outlet name (case and spacing aside)."})
    event = fields.String(load_default=None, validate=validate.Length(max=200),
                          metadata={"description": "Event id or key."})
    language = fields.String(load_default=None, validate=validate.Length(max=16))
    since = WhenField(load_default=None, metadata={"description": "Published at or after (ISO 8601)."})
    until = WhenField(load_default=None, metadata={"description": "Published before (ISO 8601)."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"At most {MAX_PER_PAGE}."})


# ---- responses -------------------------------------------------------------------------------------------------

class EventRefSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    title = fields.String(allow_none=True)


class ScoresSchema(Schema):
    """The main scores, as stored in the article table's columns."""

    words = fields.Integer(allow_none=True)
    own_voice_words = fields.Integer(allow_none=True)
    loaded_density = fields.Float(allow_none=True)
    loaded_weighted_density = fields.Float(allow_none=True)
    framing_index = fields.Float(allow_none=True)
    hedge_rate = fields.Float(allow_none=True)
    booster_rate = fields.Float(allow_none=True)
    loaded_attribution_rate = fields.Float(allow_none=True)
    attribution_loaded_share = fields.Float(allow_none=True)
    scare_quote_rate = fields.Float(allow_none=True)
    quote_share = fields.Float(allow_none=True)
    first_person_rate = fields.Float(allow_none=True)
    question_rate = fields.Float(allow_none=True)
    exclamation_rate = fields.Float(allow_none=True)
    flesch_kincaid_grade = fields.Float(allow_none=True)
    flesch_reading_ease = fields.Float(allow_none=True)
    loadedness_mean = fields.Float(allow_none=True)
    loadedness_max = fields.Float(allow_none=True)
    actor_sentiment_spread = fields.Float(allow_none=True)


class SuggestedEventSchema(Schema):
    event_id = fields.Integer()
    key = fields.String()
    title = fields.String(allow_none=True)
    score = fields.Float(metadata={"description": "0.6 x Jaccard of actors + 0.4 x Jaccard of terms, best article."})
    shared_actors = fields.List(fields.String())
    shared_terms = fields.List(fields.String())


class StoredArticleRefSchema(Schema):
    """What names a stored article wherever one is listed: id, url, outlet, title, publication date, language."""

    id = fields.Integer()
    url = fields.String(allow_none=True)
    outlet = fields.String()
    title = fields.String(allow_none=True)
    published = WhenField(allow_none=True)
    language = fields.String(allow_none=True)


class ArticleSummarySchema(StoredArticleRefSchema):
    """An article in a listing: metadata and scores, no text and no analysis."""

    event = fields.Nested(EventRefSchema, allow_none=True)
    text_hash = fields.String(metadata={"description": "sha256 of the submitted text (UTF-8), hex."})
    text_stored = fields.Boolean(metadata={"description": "False when FRAMING_STORE_TEXT=0 kept scores only."})
    lexicon_version = fields.String()
    scores = fields.Nested(ScoresSchema)
    created_at = WhenField()
    analysed_at = WhenField()


class ArticleSchema(ArticleSummarySchema):
    """One stored article with its analysis."""

    analysis = fields.Nested(AnalysisSchema, allow_none=True,
                             metadata={"description": "The stored analysis (as POST /api/v1/analyze answers); "
                                                      "scores only when the text was not kept."})
    suggested_events = fields.List(fields.Nested(SuggestedEventSchema), metadata={
        "description": "For an article without an event: events with similar coverage (shared actors and terms) "
                       "published within 3 days."})


class ArticlePageSchema(Schema):
    items = fields.List(fields.Nested(ArticleSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class EventSchema(EventRefSchema):
    articles = fields.Integer(metadata={"description": "Stored articles of the event."})
    outlets = fields.Integer(metadata={"description": "Distinct outlets among them."})
    first_published = WhenField(allow_none=True)
    last_published = WhenField(allow_none=True)
    created_at = WhenField()


class EventListSchema(Schema):
    items = fields.List(fields.Nested(EventSchema))


class ComparedArticleSchema(StoredArticleRefSchema):
    lexicon_version = fields.String()
    text_stored = fields.Boolean()
    reason = fields.String(metadata={"description": "Why an excluded article is not in the comparison."})


class EventComparisonSchema(ComparisonSchema):
    """GET /api/v1/events/{id}/comparison: POST /api/v1/compare's answer over the stored analyses."""

    event = fields.Nested(EventSchema)
    articles = fields.List(fields.Nested(ComparedArticleSchema),
                           metadata={"description": "The compared articles, in the order of article_outlets."})
    excluded = fields.List(fields.Nested(ComparedArticleSchema),
                           metadata={"description": "Articles of the event left out, each with its reason."})
    warnings = fields.List(fields.Dict())
