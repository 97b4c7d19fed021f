"""Lexicon files: one TSV format for every word list, and a token matcher over spaCy docs.

The format is documented in lexicons/README.md. The loader takes a path; it never guesses where data lives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED_HEADER_KEYS = ("name", "description", "source", "source_url", "license", "version")

# Entries are split into tokens the way spaCy splits plain words: on whitespace, and hyphens/apostrophes become
# tokens of their own ("so-called" -> so, -, called), which is how en_core_web_sm tokenises them in text.
_ENTRY_TOKEN = re.compile(r"[^\W_]+(?:\.[^\W_]+)*\.?|[’'][a-z]+|[^\w\s]", re.UNICODE)


class LexiconError(ValueError):
    """A lexicon file is malformed."""


@dataclass(frozen=True)
class Entry:
    """One lexicon line: a term, its category and weight, and where it comes from."""

    term: str
    category: str
    weight: float = 1.0
    source: str = ""
    attrs: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Lexicon:
    """A named word list with its provenance header."""

    name: str
    meta: dict
    entries: list[Entry]
    path: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    def describe(self) -> dict:
        """Return what the lexicon is, for /api/v1/lexicons."""
        categories: dict[str, int] = {}
        for entry in self.entries:
            categories[entry.category] = categories.get(entry.category, 0) + 1
        return {
            "name": self.name,
            "entries": len(self.entries),
            "categories": dict(sorted(categories.items())),
            **{k: self.meta.get(k, "") for k in REQUIRED_HEADER_KEYS if k != "name"},
        }


def tokenize_entry(term: str) -> tuple[str, ...]:
    """Split a lexicon term into lower-case tokens."""
    return tuple(_ENTRY_TOKEN.findall(term.lower()))


def load_lexicon(path: str | Path) -> Lexicon:
    """Read one lexicon TSV file (header block, column line, entries)."""
    path = Path(path)
    meta: dict[str, str] = {}
    columns: list[str] | None = None
    entries: list[Entry] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if columns is None:
                if line.startswith("#"):
                    key, sep, value = line[1:].partition(":")
                    if sep:
                        meta[key.strip()] = value.strip()
                    continue
                if not line.strip():
                    continue
                columns = line.split("\t")
                if "term" not in columns or "category" not in columns:
                    raise LexiconError(f"{path}:{lineno}: column line must name 'term' and 'category'")
                continue
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) != len(columns):
                raise LexiconError(f"{path}:{lineno}: expected {len(columns)} columns, got {len(cells)}")
            row = dict(zip(columns, cells))
            term = row.pop("term").strip()
            if term in seen:
                raise LexiconError(f"{path}:{lineno}: duplicate term {term!r}")
            seen.add(term)
            try:
                weight = float(row.pop("weight", 1.0) or 1.0)
            except ValueError as exc:
                raise LexiconError(f"{path}:{lineno}: weight is not a number") from exc
            entries.append(Entry(term, row.pop("category").strip(), weight, row.pop("source", "").strip(), row))
    missing = [k for k in REQUIRED_HEADER_KEYS if k not in meta]
    if missing:
        raise LexiconError(f"{path}: header lacks {', '.join(missing)}")
    if columns is None:
        raise LexiconError(f"{path}: no column line")
    return Lexicon(meta["name"], meta, entries, str(path))


def load_lexicon_dir(directory: str | Path) -> dict[str, Lexicon]:
    """Load every *.tsv file in a directory, keyed by the lexicon's name."""
    lexicons = {}
    for path in sorted(Path(directory).glob("*.tsv")):
        lex = load_lexicon(path)
        lexicons[lex.name] = lex
    return lexicons


@dataclass(frozen=True)
class Match:
    """A lexicon entry found in a doc: token range [i, j) and char range [start, end)."""

    entry: Entry
    i: int
    j: int
    start: int
    end: int


_FORMS_KEY = "framing.token_forms"


def token_forms(doc) -> list[tuple[str, str]]:
    """Return (lower-case form, lower-case lemma) of every token, computed once per Doc.

    Several matchers (loaded terms, hedges, boosters, attribution verbs) read the same doc; building the forms
    touches every token, so they are kept in ``doc.user_data`` (a Doc's own dict for user annotations).
    """
    cache = getattr(doc, "user_data", None)
    if cache is None:
        return [TokenMatcher._forms(t) for t in doc]
    forms = cache.get(_FORMS_KEY)
    if forms is None or len(forms) != len(doc):
        forms = cache[_FORMS_KEY] = [TokenMatcher._forms(t) for t in doc]
    return forms


class TokenMatcher:
    """Find lexicon entries in a spaCy Doc by lower-case form or lemma, longest match first.

    spaCy's PhraseMatcher matches one attribute at a time; news needs "slammed" to hit the entry "slam" (lemma)
    and "so-called" to hit itself (surface), so each entry token may match either. Entries are indexed by
    their first token, so the cost is one dict look-up per token plus the rare candidate checks.
    """

    def __init__(self, entries: list[Entry], tokenize=tokenize_entry):
        """Index entries; ``tokenize`` splits a term as the pipeline splits text (pass spaCy's tokenizer)."""
        self._by_first: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
        for entry in entries:
            toks = tuple(tokenize(entry.term))
            if toks:
                self._by_first.setdefault(toks[0], []).append((toks, entry))
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -len(c[0]))

    @staticmethod
    def _forms(token) -> tuple[str, str]:
        return token.lower_, token.lemma_.lower()

    def find(self, doc, forms: list[tuple[str, str]] | None = None) -> list[Match]:
        """Return non-overlapping matches in text order (longest entry wins at each position)."""
        if forms is None:
            forms = token_forms(doc)
        n = len(forms)
        matches: list[Match] = []
        i = 0
        while i < n:
            lower, lemma = forms[i]
            cands = self._by_first.get(lower)
            if lemma != lower:
                extra = self._by_first.get(lemma)
                if extra:
                    cands = sorted((cands or []) + extra, key=lambda c: -len(c[0]))
            hit = None
            if cands:
                for toks, entry in cands:
                    k = len(toks)
                    if i + k > n:
                        continue
                    if all(toks[m] in forms[i + m] for m in range(1, k)):
                        hit = Match(entry, i, i + k, doc[i].idx, doc[i + k - 1].idx + len(doc[i + k - 1]))
                        break
            if hit:
                matches.append(hit)
                i = hit.j
            else:
                i += 1
        return matches


class ContextRules:
    """Uses in which a matched entry is not framing (lexicons/context_rules.tsv), checked on its first token."""

    def __init__(self, entries: list[Entry]):
        self._rules: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
        for entry in entries:
            values = frozenset(v.strip() for v in entry.attrs.get("value", "").split(",") if v.strip())
            self._rules[(entry.category, entry.term)] = (entry.attrs.get("rule", ""), values)

    def allows(self, lexicon: str, match: Match, doc) -> bool:
        """Return False when a rule says this match of ``lexicon`` is not the framing use."""
        rule = self._rules.get((lexicon, match.entry.term))
        if rule is None:
            return True
        kind, values = rule
        tok = doc[match.i]
        if kind == "pos":
            return tok.pos_ in values
        if kind == "not_propn":
            title_mid_sentence = tok.text[:1].isupper() and not tok.is_sent_start
            return tok.pos_ != "PROPN" and not title_mid_sentence
        if kind == "not_before":
            following = doc[match.j:match.j + 3]
            return not any(t.lemma_.lower() in values or t.lower_ in values for t in following)
        if kind == "not_after":
            return match.i == 0 or doc[match.i - 1].lemma_.lower() not in values and doc[match.i - 1].lower_ not in values
        if kind == "needs_child":
            return any(c.dep_ in values for c in tok.children)
        return True
