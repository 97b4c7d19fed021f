"""Readability works offline, with the CMU dictionary's syllable counts."""
import sys
from pathlib import Path

import pytest

from service.analysis.readability import MEASURES, Readability, _cmu_syllables, _cmudict_text, _parse_cmudict, _syllable_table


def test_measures_on_simple_and_hard_text():
    r = Readability()
    easy = r.measures("The cat sat on the mat. The dog ran.")
    hard = r.measures("Institutional considerations notwithstanding, multilateral consultations "
                      "necessitate comprehensive deliberation regarding constitutional legitimacy.")
    assert set(easy) == set(MEASURES)
    assert easy["flesch_reading_ease"] > hard["flesch_reading_ease"]
    assert easy["flesch_kincaid_grade"] < hard["flesch_kincaid_grade"]


def test_no_words_gives_none():
    assert Readability().measures("  ... 123 !!") == {name: None for name in MEASURES}


def test_cmu_dictionary_comes_from_the_package():
    table = _syllable_table()
    assert len(table) > 100_000
    assert sum(p[-1].isdigit() for p in table["president"][0]) == 3


def test_the_compact_table_answers_textstat_exactly_as_the_full_dictionary_would():
    """Every word: what textstat computes from table[word][0] equals its count on the word's first pronunciation
    in NLTK's shape (word -> list of phone lists), which the service served before the compact table."""
    full: dict[str, list[list[str]]] = {}
    for word, phones in _parse_cmudict(_cmudict_text()):
        full.setdefault(word, []).append(phones)
    table = _syllable_table()
    assert len(table) == len(full) == len(_cmu_syllables())
    for word, prons in full.items():
        assert sum(1 for p in table[word][0] if p[-1].isdigit()) == sum(1 for p in prons[0] if p[-1].isdigit()), word
    with pytest.raises(KeyError):
        table["qwzxv"]  # textstat falls back to Pyphen on a KeyError


SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
HAND_MADE = [
    "The cat sat on the mat. The dog ran.",
    "Hello",
    "a b. c d. e f g h i j k l",
    "Don't stop. İstanbul's naïve café — really?! 'Twas x'-tra, the well-known ex-president's \"so-called\" plan.",
    "Institutional considerations notwithstanding, multilateral consultations necessitate comprehensive "
    "deliberation regarding constitutional legitimacy.",
    "Xylophonist Qwertzuiop zzzz brrr! Mmm... hmm? 1999 3.5% U.S. e-mail.",
]


def _plain_textstat(text):
    import textstat

    for module in [m for n, m in sys.modules.items() if n == "textstat" or n.startswith("textstat.")]:
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    return {name: round(float(getattr(textstat, name)(text)), 2) for name in MEASURES}


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in SEEDS] + HAND_MADE
                         + ["\n\n".join(p.read_text(encoding="utf-8") for p in SEEDS)],
                         ids=[p.stem for p in SEEDS] + [f"hand{k}" for k in range(len(HAND_MADE))] + ["all_seeds"])
def test_measures_equal_plain_textstat(text):
    r = Readability()
    cold = r.measures(text)
    warm = r.measures(text)  # per-word answers now come from the memo
    assert cold == warm == _plain_textstat(text)
