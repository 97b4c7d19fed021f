"""Readability works offline, with the CMU dictionary's syllable counts."""
from service.analysis.readability import MEASURES, Readability, _cmu_pronunciations


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
    table = _cmu_pronunciations()
    assert len(table) > 100_000
    assert sum(p[-1].isdigit() for p in table["president"][0]) == 3
