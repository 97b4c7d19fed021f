"""Language identification: ISO 639-1 codes for short and long news text; nothing to identify gives None."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.analysis import language
from service.analysis.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [line.split("\t", 1) for line in
           (ROOT / "bench" / "pages" / "language_samples.tsv").read_text(encoding="utf-8").splitlines()
           if line and not line.startswith(("#", "lang\t"))]


@pytest.mark.parametrize("lang,text", SAMPLES)
def test_short_news_sentences(lang, text):
    got = detect_language(text)
    assert got["language"] == lang
    assert 0.0 < got["confidence"] <= 1.0 and got["method"]


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("0*.txt")), ids=lambda p: p.name)
def test_the_seeds_are_english(path):
    assert detect_language(path.read_text(encoding="utf-8"))["language"] == "en"


def test_spanish_article_with_english_names():
    text = ("El presidente Nicolás Maduro recibió a Vladimir Putin. Todas las fuerzas de la oposición, "
            "encabezadas por Juan Guaidó, rechazaron la reunión y pidieron nuevas elecciones.")
    assert detect_language(text)["language"] == "es"


@pytest.mark.parametrize("text", ["", "   ", "12345 678", "<p></p>", "!!!", None, 42])
def test_nothing_to_identify(text):
    got = detect_language(text)
    assert got["language"] is None and got["confidence"] == 0.0


@pytest.mark.parametrize("text", ["Maduro\ud800 said the talks would go on in Rome this week.",
                                  "The talks\x00 went on.\n\nIn Rome, the ministers met again on Tuesday.",
                                  "The regime said the crisis was over. " * 5000])
def test_hostile_text_is_answered(text):
    assert detect_language(text)["language"] == "en"


def test_the_fallback_detector_answers_alike(monkeypatch):
    import service.analysis.language as language

    monkeypatch.setattr(language, "_backend", language._py3langid())
    for lang, text in SAMPLES[::3]:
        got = detect_language(text)
        assert got["language"] == lang and got["method"] == "py3langid 0.4.0"



@pytest.fixture(scope="module")
def reference_identifier():
    """py3langid restricted to two-letter codes by its own set_languages(), as language.py used to build it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([code for code in ident.labels if len(code) == 2])
    return ident


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.sampled_from([t for _, t in SAMPLES])))
def test_the_two_letter_identifier_ranks_exactly_as_set_languages_would(reference_identifier, text):
    """language.py builds its restricted identifier itself, so the full 142-language table can be freed; it must
    rank every text exactly as py3langid's own restriction does."""
    assert language._get_backend()[1](text) == reference_identifier.rank(text)[:language._TOP_K]
