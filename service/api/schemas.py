"""Marshmallow schemas: the single description of the API. They validate requests, shape responses and generate
the OpenAPI document (service/openapi.py)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

# Generous bounds on the small fields; the text itself is bounded by the body-size limit (FRAMING_MAX_BYTES).
MAX_TITLE = 1_000
MAX_OUTLET = 200
MAX_TARGETS = 50
MAX_TARGET_TEXT = 500


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace characters.")


class TargetSpanSchema(Schema):
    """A caller-given target as a span of the submitted text."""

    text = fields.String(load_default=None, validate=validate.Length(max=MAX_TARGET_TEXT),
                         metadata={"description": "Optional: must equal text[start:end] when given."})
    start = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    end = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class TargetField(fields.Field):
    """A target: a name to find (string) or a span object {text, start, end}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not value.strip() or len(value) > MAX_TARGET_TEXT:
                raise ValidationError(f"A target name must be 1 to {MAX_TARGET_TEXT} non-blank characters.")
            return value
        if isinstance(value, dict):
            loaded = TargetSpanSchema().load(value)
            if loaded["end"] <= loaded["start"]:
                raise ValidationError({"end": ["Must be greater than start."]})
            return loaded
        raise ValidationError("A target is a string or an object {text, start, end}.")


class AnalyzeRequestSchema(Schema):
    """POST /api/v1/analyze body (application/json)."""

    text = fields.String(required=True, validate=_not_blank,
                         metadata={"description": "Article text, plain or HTML (tags are stripped; offsets still "
                                                  "point into this string)."})
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TITLE))
    outlet = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_OUTLET),
                           metadata={"description": "Outlet name; selects its chrome rules and calibration profile."})
    targets = fields.List(
        TargetField(metadata={"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/TargetSpan"}]}),
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_TARGETS),
        metadata={"description": "Actors to score even where NER misses them: names, or spans of text."})


# ---- responses -------------------------------------------------------------------------------------------------

class SpanSchema(Schema):
    """A [start, end) character span of the submitted text."""

    start = fields.Integer(required=True)
    end = fields.Integer(required=True)


class EvidenceSchema(SpanSchema):
    text = fields.String()
    weight = fields.Float()


class SentimentSchema(Schema):
    score = fields.Float(metadata={"description": "In [-1, 1]."})
    label = fields.String(validate=validate.OneOf(["negative", "neutral", "positive"]))
    probabilities = fields.Dict(keys=fields.String(), values=fields.Float())
    mentions = fields.Integer(metadata={"description": "How many mentions the score rests on."})
    n_own_voice = fields.Integer()
    n_quoted = fields.Integer()
    interval = fields.List(fields.Float(), metadata={"description": "Uncertainty interval of the score."})
    confidence = fields.String(validate=validate.OneOf(["low", "medium", "high"]))
    evidence = fields.List(fields.Nested(EvidenceSchema))


class StatsSchema(Schema):
    words = fields.Integer()
    own_voice_words = fields.Integer()
    quoted_words = fields.Integer()
    sentences = fields.Integer()
    characters = fields.Integer()
    is_html = fields.Boolean()


class RemovedSchema(SpanSchema):
    kind = fields.String()
    rule = fields.String()


class CleaningSchema(Schema):
    removed = fields.List(fields.Nested(RemovedSchema))
    removed_characters = fields.Integer()


class ReadabilitySchema(Schema):
    flesch_reading_ease = fields.Float(allow_none=True)
    flesch_kincaid_grade = fields.Float(allow_none=True)
    gunning_fog = fields.Float(allow_none=True)
    smog_index = fields.Float(allow_none=True)
    coleman_liau_index = fields.Float(allow_none=True)
    automated_readability_index = fields.Float(allow_none=True)
    dale_chall_readability_score = fields.Float(allow_none=True)


class LoadedHitSchema(SpanSchema):
    term = fields.String(metadata={"description": "The words as they stand in the text."})
    entry = fields.String(metadata={"description": "The lexicon entry that matched."})
    category = fields.String()
    weight = fields.Float()
    source = fields.String(metadata={"description": "Provenance of the entry (see GET /api/v1/lexicons)."})
    in_quote = fields.Boolean(metadata={"description": "Inside quoted speech (not the outlet's own voice)."})
    quote_kind = fields.String(allow_none=True)


class LoadedTermsSchema(Schema):
    density = fields.Float(metadata={"description": "Own-voice hits per 1,000 own-voice words."})
    weighted_density = fields.Float()
    count = fields.Integer()
    quoted_count = fields.Integer()
    quoted_density = fields.Float()
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    hits = fields.List(fields.Nested(LoadedHitSchema))


class MarkerHitSchema(SpanSchema):
    term = fields.String()
    entry = fields.String()
    category = fields.String()
    in_quote = fields.Boolean()


class MarkerSchema(Schema):
    count = fields.Integer()
    rate = fields.Float(metadata={"description": "Per 1,000 own-voice words."})
    quoted_count = fields.Integer()
    hits = fields.List(fields.Nested(MarkerHitSchema))


class CountRateSchema(Schema):
    count = fields.Integer()
    rate = fields.Float()


class AttributionSchema(Schema):
    neutral = fields.Nested(CountRateSchema)
    loaded = fields.Nested(CountRateSchema)
    loaded_share = fields.Float(allow_none=True)
    hits = fields.List(fields.Nested(MarkerHitSchema))


class QuoteSpanSchema(SpanSchema):
    kind = fields.String(validate=validate.OneOf(["speech", "partial", "scare"]))
    words = fields.Integer()
    text = fields.String()


class ScareQuotesSchema(Schema):
    count = fields.Integer()
    rate = fields.Float()
    hits = fields.List(fields.Nested(QuoteSpanSchema))


class QuotesSchema(Schema):
    share_of_words = fields.Float()
    speech = fields.Integer()
    partial = fields.Integer()
    spans = fields.List(fields.Nested(QuoteSpanSchema))


class PersonSchema(Schema):
    count = fields.Integer()
    rate = fields.Float()
    hits = fields.List(fields.Nested(MarkerHitSchema))


class SentenceMarkerSchema(Schema):
    count = fields.Integer()
    rate = fields.Float()
    hits = fields.List(fields.Nested(SpanSchema))


class VoiceSchema(Schema):
    hedges = fields.Nested(MarkerSchema)
    boosters = fields.Nested(MarkerSchema)
    attribution = fields.Nested(AttributionSchema)
    scare_quotes = fields.Nested(ScareQuotesSchema)
    quotes = fields.Nested(QuotesSchema)
    first_person = fields.Nested(PersonSchema)
    second_person = fields.Nested(PersonSchema)
    questions = fields.Nested(SentenceMarkerSchema)
    exclamations = fields.Nested(SentenceMarkerSchema)


class MentionSchema(SpanSchema):
    text = fields.String()
    kind = fields.String(metadata={"description": "name | alias | description"})
    in_quote = fields.Boolean()


class LabelSchema(SpanSchema):
    text = fields.String()
    kind = fields.String(metadata={"description": "premodifier | appositive | predicate | description"})
    head = fields.String(allow_none=True)


class ActorSchema(Schema):
    name = fields.String()
    type = fields.String(metadata={"description": "person | organization | place | group"})
    mentions = fields.List(fields.Nested(MentionSchema))
    labels = fields.List(fields.Nested(LabelSchema))
    sentiment = fields.Nested(SentimentSchema)


class TargetResultSchema(Schema):
    target = fields.String()
    found = fields.Boolean()
    mentions = fields.List(fields.Nested(MentionSchema))
    sentiment = fields.Nested(SentimentSchema)


class PlacementSchema(Schema):
    n = fields.Integer(metadata={"description": "Articles the baseline rests on."})
    percentile = fields.Float(allow_none=True)
    z = fields.Float(allow_none=True)
    reading = fields.String()
    note = fields.String()


class CalibratedMetricSchema(Schema):
    value = fields.Float()
    pooled = fields.Nested(PlacementSchema)
    outlet = fields.Nested(PlacementSchema)


class CalibratedSchema(Schema):
    baseline = fields.Dict()
    metrics = fields.Dict(keys=fields.String(), values=fields.Nested(CalibratedMetricSchema))
    framing_index = fields.Dict()
    slant = fields.Dict()


class LoadedSentenceSchema(SpanSchema):
    score = fields.Float(metadata={"description": "Probability that the sentence carries lexical bias."})


class SentenceLoadednessSchema(Schema):
    """Per-sentence probability of lexical bias (service/analysis/sentence_bias.py)."""

    mean = fields.Float(metadata={"description": "Mean sentence score."})
    max = fields.Float(metadata={"description": "Highest sentence score."})
    share_above = fields.Float(metadata={"description": "Share of sentences scoring at or above the threshold."})
    threshold = fields.Float(metadata={"description": "Score from which a sentence is listed (best F1 in training)."})
    sentences = fields.List(fields.Nested(LoadedSentenceSchema),
                            metadata={"description": "Only the sentences at or above the threshold."})


class AnalysisSchema(Schema):
    """The result of POST /api/v1/analyze."""

    outlet = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    stats = fields.Nested(StatsSchema)
    cleaning = fields.Nested(CleaningSchema)
    readability = fields.Nested(ReadabilitySchema)
    loaded_terms = fields.Nested(LoadedTermsSchema)
    voice = fields.Nested(VoiceSchema)
    actors = fields.List(fields.Nested(ActorSchema))
    targets = fields.List(fields.Nested(TargetResultSchema))
    calibrated = fields.Nested(CalibratedSchema)
    sentence_loadedness = fields.Nested(SentenceLoadednessSchema)
    lexicon_version = fields.String()
    notes = fields.List(fields.String())


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", metadata={"description": "Per-field messages."})
    request_id = fields.String(allow_none=True)


class ErrorSchema(Schema):
    """Every error response."""

    error = fields.Nested(ErrorBodySchema, required=True)


class LexiconsSchema(Schema):
    lexicon_version = fields.String()
    lexicons = fields.List(fields.Dict())
    chrome_rules = fields.Dict()
    nlp = fields.Dict()
    target_sentiment = fields.Dict()
    sentence_bias = fields.Dict()
    calibration = fields.Dict()


class HealthSchema(Schema):
    status = fields.String()
    lexicon_version = fields.String()


