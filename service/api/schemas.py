"""Marshmallow schemas: the single description of the API. They validate requests, shape responses and, through
flask-smorest, generate the OpenAPI document (GET /api/v1/openapi.json)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

# Generous bounds on the small fields; the text itself is bounded by the body-size limit (FRAMING_MAX_BYTES).
MAX_TITLE = 1_000
MAX_OUTLET = 200
MAX_TARGETS = 50
MAX_TARGET_TEXT = 500
# Newsroom metadata a caller may attach to an article: echoed back, never analysed. URLs as browsers cap them.
MAX_URL = 2_048
MAX_META = 500
DEFAULT_MAX_ARTICLES = 20


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace characters.")


def _iso_date(value: str) -> None:
    from datetime import date, datetime

    text = value.strip().replace("Z", "+00:00")
    for parse in (datetime.fromisoformat, date.fromisoformat):
        try:
            parse(text)
            return
        except ValueError:
            continue
    raise ValidationError("Not an ISO 8601 date or time (e.g. 2019-03-25 or 2019-03-25T14:30:00Z).")


class ArticleIdField(fields.Field):
    """A caller's article id: a string of at most 200 characters or an integer; always echoed as a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("An id is a string or an integer.")
        value = str(value)
        if not value.strip() or len(value) > 200:
            raise ValidationError("An id is 1 to 200 characters.")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)



class ArticleMetaSchema(Schema):
    """Newsroom metadata accepted with every article and echoed back, never analysed.

    Unknown keys stay an error (marshmallow's default), so a typo such as "titel" is caught, not silently dropped.
    """

    id = ArticleIdField(load_default=None, allow_none=True,
                        metadata={"description": "Your id for the article (string or integer), echoed back."})
    url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_URL))
    published = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=64), _iso_date],
                              metadata={"description": "Publication date or time, ISO 8601."})
    author = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_META))
    section = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_META))
    language = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[a-z]{2}$"),
                             metadata={"description": "ISO 639-1 code, if you know it; detected otherwise."})


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


class AnalyzeRequestSchema(ArticleMetaSchema):
    """POST /api/v1/analyze body (application/json).

    Besides the text, newsroom metadata (id, url, published, author, section, language) is accepted and echoed
    back; unknown keys stay an error, so a typo such as "titel" is caught rather than silently dropped.
    """

    text = fields.String(required=True, validate=_not_blank,
                         metadata={"description": "Article text, plain or HTML (tags are stripped and character "
                                                  "references decoded; soft hyphens, zero-width characters, no-break "
                                                  "spaces, ligatures and line breaks that only wrap a line are read "
                                                  "as a reader reads them; offsets still point into this string)."})
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TITLE))
    outlet = fields.String(load_default=None, allow_none=True, validate=[_not_blank, validate.Length(max=MAX_OUTLET)],
                           metadata={"description": "Outlet name; selects its chrome rules and calibration profile."})
    include_text = fields.Boolean(load_default=False,
                                  metadata={"description": "Also return analysed_text: the plain text scored."})
    targets = fields.List(
        TargetField(metadata={"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/TargetSpan"}]}),
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_TARGETS),
        metadata={"description": "Actors to score even where NER misses them: names, or spans of text. A name "
                                 "also finds the mentions merged under the actor it names (an alias such as "
                                 "\"UN\" for \"United Nations\", a surname, a description)."})


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
    encoder_share = fields.Float(metadata={
        "description": "The contextual head's (the default) only: the encoder's share of the score's log-odds "
                       "(0-1). Absent where the lexical model scored alone: everywhere with "
                       "FRAMING_TARGET_ENCODER=off, the actors no caller target names with =targets."})
    model = fields.String(metadata={
        "description": "minilm-context: the contextual head (the default); absent where the lexical model scored "
                       "alone (FRAMING_TARGET_ENCODER=off; with =targets, the actors no caller target names)."})


class StatsSchema(Schema):
    words = fields.Integer()
    own_voice_words = fields.Integer()
    quoted_words = fields.Integer()
    sentences = fields.Integer()
    characters = fields.Integer()
    tokens = fields.Integer(metadata={"description": "Tokens analysed (what FRAMING_MAX_TOKENS counts)."})
    is_html = fields.Boolean()


class RemovedSchema(SpanSchema):
    kind = fields.String()
    rule = fields.String(metadata={"description": "Id of the rule in lexicons/chrome.json."})
    description = fields.String(metadata={"description": "What the rule removes, in plain words."})


class SkippedSchema(RemovedSchema):
    reason = fields.String(metadata={"description": "Why the rule was refused (it would have removed story text)."})


class ExtractionSchema(Schema):
    method = fields.String(metadata={"description": "How the article was found in the page (e.g. trafilatura)."})
    share_kept = fields.Float(metadata={"description": "Share of the page's text kept as the article."})
    kept = fields.List(fields.Nested(SpanSchema), metadata={"description": "Spans of the page kept as the article."})


class CleaningSchema(Schema):
    removed = fields.List(fields.Nested(RemovedSchema))
    removed_characters = fields.Integer()
    skipped = fields.List(fields.Nested(SkippedSchema),
                          metadata={"description": "Chrome rules refused at run time, with the reason."})
    extraction = fields.Nested(ExtractionSchema, allow_none=True,
                               metadata={"description": "Set when the input was a whole web page."})


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
    slant = fields.Dict(metadata={"description": "lean (word choice against outlets AllSides rates left, centre "
                                                 "or right: a weak signal, near chance against human lean labels "
                                                 "of single articles, docs/calibration.md), outlet and typicality."})


class SentenceTermSchema(SpanSchema):
    term = fields.String()


class LoadedSentenceSchema(SpanSchema):
    score = fields.Float(metadata={"description": "Probability that the sentence carries lexical bias."})
    terms = fields.List(fields.Nested(SentenceTermSchema), metadata={"description": "Loaded terms in the sentence."})
    encoder_share = fields.Float(allow_none=True, metadata={
        "description": "Share of the score that comes from the sentence encoder rather than the lexicon words."})


class SentenceLoadednessSchema(Schema):
    """Per-sentence probability of lexical bias (service/analysis/sentence_bias.py)."""

    mean = fields.Float(metadata={"description": "Mean sentence score."})
    max = fields.Float(metadata={"description": "Highest sentence score."})
    share_above = fields.Float(metadata={"description": "Share of sentences scoring at or above the threshold."})
    threshold = fields.Float(metadata={"description": "Score from which a sentence is listed (best F1 in training)."})
    encoder = fields.String(allow_none=True, metadata={
        "description": "Sentence encoder used: minilm-l3 (default; the target head's encoder states), static "
                       "(default with FRAMING_TARGET_ENCODER=off or targets), minilm, or off "
                       "(FRAMING_SENTENCE_ENCODER)."})
    sentences = fields.List(fields.Nested(LoadedSentenceSchema),
                            metadata={"description": "Only the sentences at or above the threshold."})


class MetaSchema(Schema):
    """The caller's newsroom metadata, echoed back; filled from the page's own metadata where left out."""

    id = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    published = fields.String(allow_none=True)
    author = fields.String(allow_none=True)
    section = fields.String(allow_none=True)
    language = fields.String(allow_none=True, metadata={"description": "As the caller declared it."})
    source = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "Where each field came from: request or page."})


class PageMetadataSchema(Schema):
    title = fields.String(allow_none=True)
    date = fields.String(allow_none=True)
    author = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    sitename = fields.String(allow_none=True)


class LanguageSchema(Schema):
    language = fields.String(allow_none=True, metadata={"description": "ISO 639-1 code."})
    confidence = fields.Float(allow_none=True)
    method = fields.String()


class AnalysisSchema(Schema):
    """The result of POST /api/v1/analyze."""

    outlet = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    meta = fields.Nested(MetaSchema)
    language = fields.String(allow_none=True, metadata={
        "description": "ISO 639-1 code of the analysed text; the English lexicons score English only. Null when "
                       "the detector's verdict is not trusted: below confidence 0.5, or 0.85 on fewer than 20 "
                       "words (bench/language_short.py)."})
    language_detection = fields.Nested(LanguageSchema, allow_none=True)
    metadata = fields.Nested(PageMetadataSchema, allow_none=True,
                             metadata={"description": "Metadata found on the page (title, date, author, URL)."})
    analysed_text = fields.String(metadata={"description": "With include_text: the plain text scored, paragraphs "
                                                           "separated by newlines."})
    sentences = fields.List(fields.Nested(SpanSchema), metadata={"description": "Sentence spans of the story text."})
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


class OutletLexiconSchema(Schema):
    method = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    terms = fields.List(fields.Dict(), metadata={"description": "Terms the outlet uses more than the reference: "
                                                                "log-odds, z, counts, example contexts."})


class OutletProfileSchema(Schema):
    """GET /api/v1/lexicons/outlets/{name}."""

    id = fields.String()
    outlet = fields.String(allow_none=True)
    names = fields.List(fields.String())
    resolution = fields.Dict(allow_none=True, metadata={"description": "How the name was resolved."})
    articles = fields.Integer()
    analysed_articles = fields.Integer()
    years = fields.Raw(allow_none=True)
    sources = fields.Raw(allow_none=True)
    license = fields.Raw(allow_none=True)
    provenance = fields.Raw(allow_none=True)
    version = fields.String(allow_none=True)
    lean = fields.Dict(allow_none=True, metadata={"description": "estimate (from the coverage), allsides, agrees, "
                                                                 "note, probabilities."})
    lexicon = fields.Nested(OutletLexiconSchema)


class HealthSchema(Schema):
    status = fields.String()
    lexicon_version = fields.String()


# ---- POST /api/v1/compare ----------------------------------------------------------------------------------


class CompareArticleSchema(ArticleMetaSchema):
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

    def __init__(self, *args, max_articles: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_articles = max_articles

    @validates("articles")
    def _count(self, value, **kwargs):
        limit = self.max_articles or max_articles()
        if not 2 <= len(value) <= limit:
            raise ValidationError(f"Send between 2 and {limit} articles; got {len(value)}.")


def max_articles() -> int:
    """Return the article limit of one comparison (FRAMING_MAX_ARTICLES, or the default outside a request)."""
    from flask import current_app, has_app_context

    configured = current_app.config.get("FRAMING_MAX_ARTICLES") if has_app_context() else None
    return int(configured or DEFAULT_MAX_ARTICLES)


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
    label = fields.String(metadata={"description": "The most probable class of ``probabilities``."})
    probabilities = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "Mention-weighted over the outlet's articles: each article's probabilities, or its label "
                       "alone where its score was set to 0 or its model gives none (FRAMING_TARGET_ENCODER=off)."})
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
    section = fields.String(metadata={"description": "metrics | actors | distinctive_terms | outlet_lean"})
    metric = fields.String()
    actor = fields.String()
    outlets = fields.List(fields.String())
    article = fields.Integer(metadata={"description": "Index into articles, where the sentence is about one."})


class SummarySentenceSchema(Schema):
    text = fields.String()
    kind = fields.String()
    clear = fields.Boolean(allow_none=True)
    evidence = fields.Nested(SummaryEvidenceSchema)


class WarningSchema(Schema):
    kind = fields.String(metadata={"description": "exact_duplicate | near_duplicate | outlets_merged"})
    articles = fields.List(fields.Integer(), metadata={"description": "Indices into articles."})
    outlets = fields.List(fields.String())
    similarity = fields.Float(allow_none=True)
    text = fields.String()


class LeanSchema(Schema):
    label = fields.String(allow_none=True, metadata={"description": "left | center | right"})
    probabilities = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True)
    allsides = fields.String(allow_none=True, metadata={"description": "The outlet's AllSides rating, if known."})


class TypicalitySchema(Schema):
    article = fields.Integer(metadata={"description": "Index into articles."})
    percentile = fields.Float(allow_none=True)
    reading = fields.String()


class OutletLeanSchema(Schema):
    outlet = fields.String()
    articles = fields.Integer()
    profile = fields.String(allow_none=True, metadata={"description": "The outlet profile the articles were read "
                                                                     "against (GET /api/v1/lexicons/outlets/{name})."})
    lean = fields.Nested(LeanSchema, metadata={"description": "Mean of the articles' lean probabilities: a weak "
                                                              "signal, not a ranking of outlets on one story "
                                                              "(method.outlet_lean)."})
    typicality = fields.List(fields.Nested(TypicalitySchema))


class ComparisonSchema(Schema):
    """The result of POST /api/v1/compare."""

    warnings = fields.List(fields.Nested(WarningSchema),
                           metadata={"description": "Duplicated articles and merged outlet names."})
    outlet_lean = fields.List(fields.Nested(OutletLeanSchema),
                              metadata={"description": "Each outlet's lean from its articles' wording, and how "
                                                       "typical each article is of the outlet."})
    outlets = fields.List(fields.String(), metadata={"description": "Outlet names in first-seen order."})
    article_outlets = fields.List(fields.String(), metadata={"description": "The outlet of each article."})
    articles = fields.List(fields.Nested(AnalysisSchema), metadata={"description": "Each article's analysis."})
    metrics = fields.Dict(keys=fields.String(), values=fields.Nested(MetricComparisonSchema))
    actors = fields.List(fields.Nested(ActorComparisonSchema))
    distinctive_terms = fields.List(fields.Nested(OutletTermsSchema))
    summary = fields.List(fields.Nested(SummarySentenceSchema))
    method = fields.Dict()
