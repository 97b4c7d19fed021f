"""Two ways the project runs spaCy's en_core_web_sm faster, each giving exactly what the stock pipeline gives.

- ``MatmulOps``: thinc's NumpyOps with its matrix product done by numpy (OpenBLAS) instead of blis.
- ``IndexedAttributeRuler``: the pipeline's attribute_ruler rules, its single-token rules looked up by index.

tests/test_nlp_ops.py holds both to the stock pipeline: every tag, POS, lemma, morph, dependency, entity and
sentence start the same, on the seed pages, hand-made sentences and generated token sequences. Figures from
bench/texts.py's cost article (1,385 analysed words, one core, 2026-11-30) are in each docstring.
"""
from __future__ import annotations

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs
from thinc.api import NumpyOps


class MatmulOps(NumpyOps):
    """thinc's NumpyOps with its matrix product done by numpy (OpenBLAS) instead of blis.

    thinc's NumpyOps multiplies through the blis wheel, which on this project's host runs at a third of OpenBLAS's
    speed: a (1,500 x 288) by (288 x 288) product took 10.2 ms with blis and 3.9 ms with numpy on one core (AMD EPYC,
    2026-11-30). The pipeline's two token encoders (tok2vec, and ner's own) are mostly such products, so this halves
    them: the parse of the cost article went from 0.53 s to 0.34 s. The parser's and ner's transition loops keep
    calling blis through thinc's cblas(), which this does not touch. A model's layers take the ops current when
    they are built, so the pipeline is loaded with these set (core.load_nlp)."""

    name = "numpy-matmul"

    def gemm(self, x, y, out=None, trans1=False, trans2=False):
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


_COLUMN = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}  # columns of the Doc.to_array table read below
_INDEX_ORDER = ("LOWER", "TAG", "DEP", "IS_SPACE")  # a rule is filed under its most selective attribute


def _value_id(key: str, value) -> int:
    return int(bool(value)) if key == "IS_SPACE" else get_string_id(value)


def _simple(pattern: list[dict]) -> dict | None:
    """Return {key: (op, frozenset of value ids)} for a one-token pattern on TAG/LOWER/DEP/IS_SPACE compared by
    equality, IN or NOT_IN, with at least one equality or IN to file it under; None for anything else (several
    tokens, REGEX, quantifiers, NOT_IN alone), which a Matcher runs."""
    if len(pattern) != 1:
        return None
    out = {}
    for key, value in pattern[0].items():
        if key not in _COLUMN:
            return None
        if isinstance(value, (str, bool)):
            out[key] = ("IN", frozenset([_value_id(key, value)]))
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN"):
            op, values = next(iter(value.items()))
            out[key] = (op, frozenset(_value_id(key, v) for v in values))
        else:
            return None
    return out if any(op == "IN" for op, _ in out.values()) else None


class IndexedAttributeRuler:
    """spaCy's AttributeRuler with the same rules, applied the same way, its single-token rules looked up by index.

    The stock component runs every rule through a Matcher on every token: 179 patterns in en_core_web_sm, 50-65 ms
    of the cost article's parse. Here the 170 rules whose patterns are one token comparing TAG, LOWER, DEP or
    IS_SPACE by equality or (NOT_)IN are filed under one of their values; a token tries only the rules filed under
    its own values, read from one ``Doc.to_array`` call, and the other 9 rules (several tokens, REGEX) stay in a
    Matcher. As in AttributeRuler.match and set_annotations: every rule is matched on the Doc as the earlier
    components left it, then the matches are applied sorted by rule number, so a later rule wins."""

    def __init__(self, vocab, patterns: list[dict]):
        """``patterns``: AttributeRuler.patterns, one {"patterns", "attrs", "index"} per rule, in rule order."""
        self.vocab = vocab
        self.attrs = [normalize_token_attrs(vocab, rule["attrs"]) for rule in patterns]
        self.indices = [rule.get("index", 0) for rule in patterns]
        self.matcher = Matcher(vocab)
        # (column, value) -> (rule number, its checks: (column, wanted in or not, value ids)) of the rules filed there
        self.filed: dict[tuple[int, int], list[tuple[int, tuple]]] = {}
        for number, rule in enumerate(patterns):
            rest = []
            for pattern in rule["patterns"]:
                simple = _simple(pattern)
                if simple is None:
                    rest.append(pattern)
                    continue
                key = next(k for k in _INDEX_ORDER if k in simple and simple[k][0] == "IN")
                checks = tuple((_COLUMN[k], op == "IN", values) for k, (op, values) in simple.items())
                for value in simple[key][1]:
                    self.filed.setdefault((_COLUMN[key], value), []).append((number, checks))
            if rest:
                self.matcher.add(str(number), rest)

    @staticmethod
    def _holds(checks: tuple, row: list[int]) -> bool:
        return all((row[column] in values) == wanted for column, wanted, values in checks)

    def __call__(self, doc):
        table = doc.to_array([TAG, LOWER, DEP, IS_SPACE])
        matches = set()
        for i, row in enumerate(table.tolist()):
            for column in range(4):
                for number, checks in self.filed.get((column, row[column]), ()):
                    if self._holds(checks, row):
                        matches.add((number, i, i + 1))
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            matches.add((int(self.vocab.strings[match_id]), start, end))
        for number, start, end in sorted(matches):
            index = self.indices[number]
            at = start + index if index >= 0 else end + index  # span[index], without building the Span
            if not start <= at < end:
                raise ValueError(f"attribute rule {number}: index {index} is outside its {end - start}-token match")
            set_token_attrs(doc[at], self.attrs[number])
        return doc


@Language.factory("indexed_attribute_ruler", default_config={"patterns": []})
def make_indexed_attribute_ruler(nlp, name: str, patterns: list):
    """Build the component from an AttributeRuler's ``patterns`` (core.load_nlp swaps it in for the stock one)."""
    return IndexedAttributeRuler(nlp.vocab, patterns)
