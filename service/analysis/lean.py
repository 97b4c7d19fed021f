"""Lean from word choice: P(left), P(center), P(right) of an article, with the terms that moved it and their offsets.

The model (lexicons/models/lean.json, trained by tools/train_lean.py on the AllSides corpus of Baly et al., EMNLP
2020) is a multinomial logistic regression over TF-IDF unigrams and bigrams. It is read and applied here in pure
Python (no scikit-learn at run time) with the same term reading as at training (``lean_terms``); the held-out
figures in bench/LEAN.md are those of the fold models of the same recipe.

What it can mean: how much the article's wording resembles the wording of outlets AllSides rates left, centre or
right, among the outlets of the training corpus. It cannot say the article is biased, nor that its outlet holds a
view: the labels are outlet ratings, not article judgements (docs/calibration.md, "Lean").

To keep the lean about wording rather than about which outlet or which topic, the same preparation runs at
training and at run time (``lean_terms``):
- page furniture is not read: lines of fewer than ``MIN_LINE_WORDS`` words (captions, "Advertisement",
  "Story Continued Below", bylines) and short lines that look like sign-up, copyright, photo-credit or "read more"
  furniture (``_BOILERPLATE``) or a byline ("By Jane Doe and John Roe", ``_BYLINE``), plus any spans the caller
  excludes (the core's ``cleaning.removed``); at training, also the lines an outlet repeats across its articles;
- outlet names (every name of the alias table, stored in the model as ``strip_names``), @handles, e-mail
  addresses and URLs are blanked, so "Breitbart" or "CLICK HERE TO GET THE FOX NEWS APP" cannot vote;
- the vocabulary keeps only terms used by many outlets at training (``min_outlets``), so one outlet's house
  phrases and one story's names cannot become evidence of a lean, less the terms most tied to one topic
  (``topic_drop``);
- direct quotes are read or skipped as the model file says (``skip_quotes``; the 2026.11.2 model reads them).
The model's calibration (temperature, class offsets) is folded into its weights: one softmax, as before.
Pure Python, no Flask, deterministic.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

LEANS = ("left", "center", "right")
# Lines shorter than this many words are headings, captions, bylines or furniture ("Advertisement", "More:",
# "Story Continued Below", "Photo"); in the AllSides corpus the lines repeated across an outlet's articles are
# nearly all below it (tools/train_lean.py prints them). A one-line headline of four or more words is kept.
MIN_LINE_WORDS = 4
# A line this short that matches _BOILERPLATE is furniture; a long paragraph that mentions "newsletter" is not.
BOILERPLATE_MAX_WORDS = 40
_BOILERPLATE = re.compile(
    r"sign up|newsletter|subscribe|advertisement|copyright|©|all rights reserved|click here|follow (?:us|him|her)"
    r"|contributed to this|toggle caption|enlarge this image|story continue|continue reading|read more|getty images"
    r"|reprint|photographer:|image caption|related:|watch:|listen:|share this|support (?:our|progressive)"
    r"|the views expressed|opinions expressed|is a (?:reporter|columnist|contributor|senior editor)",
    re.IGNORECASE)
# A byline or credit line ("By Jane Doe and John Roe, Reuters", "Photo by ..."): the line starts with it and is
# short (BYLINE_MAX_WORDS); "By the time the vote came ..." is kept because a capitalised name must follow "by".
BYLINE_MAX_WORDS = 12
_BYLINE = re.compile(r"\s*(?:(?:[Ww]ritten|[Rr]eported|[Pp]hotos?|[Vv]ideo|[Ee]dited) )?(?:[Bb]y|BY):? "
                     r"(?:[A-Z][\w.'’/-]*(?:,? |$)){1,3}")
_ALWAYS_BLANK = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|@\w+|\bpic\.twitter\.com/\S+")
# Direct speech: the outlet's own voice is what the lean reads (quoted words are the speaker's framing).
_QUOTE = re.compile(r"“[^”\n]{1,3000}”|\"[^\"\n]{1,3000}\"")
_TOKEN = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")
# A bigram does not span a sentence or clause break, a line break, or a blanked stretch.
_BREAK = re.compile(r"[.!?;:\n()\[\]\"“”—]")


def _line_spans(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line), line
        start += len(line) + 1


class NameMatcher:
    """Find outlet names among an article's word tokens (one pass; a 400-name regex is about 30x slower)."""

    def __init__(self, names):
        self.first: dict[str, list[tuple[str, ...]]] = {}
        for name in sorted({n.strip().lower().replace("’", "'") for n in names if n}):
            if any(ch.isdigit() for ch in name):
                continue  # "The 360", "538": the word tokens would be "the" alone
            toks = tuple(m.group() for m in _TOKEN.finditer(name))
            if toks and len("".join(toks)) >= 2:
                self.first.setdefault(toks[0], []).append(toks)
        for seqs in self.first.values():
            seqs.sort(key=lambda t: (-len(t), t))

    def mask(self, words: list[str]) -> list[bool]:
        """Return, per word, whether it is part of an outlet name (longest match first)."""
        hit = [False] * len(words)
        i = 0
        while i < len(words):
            step = 1
            for seq in self.first.get(words[i], ()):
                n = len(seq)
                if tuple(words[i:i + n]) == seq:
                    for k in range(i, i + n):
                        hit[k] = True
                    step = n
                    break
            i += step
        return hit


def kept_spans(text: str, exclude=(), skip_quotes: bool = False) -> list[tuple[int, int]]:
    """Return the (start, end) stretches of ``text`` the lean reads: furniture lines, links, quotes, exclusions out."""
    blank = sorted((int(s), int(e)) for s, e in exclude)
    for start, end, line in _line_spans(text):
        words = len(line.split())
        if (words < MIN_LINE_WORDS or (words <= BOILERPLATE_MAX_WORDS and _BOILERPLATE.search(line))
                or (words <= BYLINE_MAX_WORDS and _BYLINE.match(line))):
            blank.append((start, end))
    blank.extend(m.span() for m in _ALWAYS_BLANK.finditer(text))
    if skip_quotes:
        blank.extend(m.span() for m in _QUOTE.finditer(text))
    blank.sort()
    kept, pos = [], 0
    for s, e in blank:
        if s > pos:
            kept.append((pos, s))
        pos = max(pos, e)
    if pos < len(text):
        kept.append((pos, len(text)))
    return kept


def names_pattern(names) -> NameMatcher | None:
    """Return a matcher for the outlet names to blank, or None without names."""
    matcher = NameMatcher(names)
    return matcher if matcher.first else None


def lean_terms(text: str, exclude=(), strip_names: NameMatcher | None = None,
               skip_quotes: bool = False) -> list[tuple[str, int, int]]:
    """Return the unigrams and bigrams the lean reads, lower-cased, each with its (start, end) in ``text``."""
    toks = []
    for s, e in kept_spans(text, exclude, skip_quotes):
        toks.extend((m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text, s, e))
        toks.append(None)  # a blanked stretch breaks bigrams
    if strip_names is not None:
        hit = strip_names.mask([t[0] if t else "" for t in toks])
        toks = [None if h else t for t, h in zip(toks, hit)]
    out = []
    prev = None
    for tok in toks:
        if tok is None:
            prev = None
            continue
        out.append(tok)
        if prev is not None and not _BREAK.search(text, prev[2], tok[1]):
            out.append((f"{prev[0]} {tok[0]}", prev[1], tok[2]))
        prev = tok
    return out


@dataclass
class LeanModel:
    """A multinomial logistic regression over TF-IDF terms, read from lexicons/models/lean.json."""

    classes: tuple[str, ...]
    intercept: list[float]
    weights: dict[str, tuple[float, ...]]
    idf: dict[str, float]
    meta: dict
    strip: NameMatcher | None = None

    @classmethod
    def from_file(cls, path: str | Path) -> LeanModel:
        """Load a model file written by tools/train_lean.py."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        feats = data["features"]
        return cls(tuple(data["classes"]), list(data["intercept"]),
                   {t: tuple(v["w"]) for t, v in feats.items()}, {t: v["idf"] for t, v in feats.items()},
                   {k: v for k, v in data.items() if k != "features"}, names_pattern(data.get("strip_names", [])))

    def vector(self, terms) -> dict[str, float]:
        """Return the article's L2-normalised sublinear TF-IDF vector over the model's vocabulary."""
        tf: dict[str, int] = {}
        for term, _, _ in terms:
            if term in self.idf:
                tf[term] = tf.get(term, 0) + 1
        vec = {t: (1.0 + math.log(c)) * self.idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def probabilities(self, vec: dict[str, float]) -> dict[str, float]:
        """Return the softmax of the class scores of a TF-IDF vector."""
        scores = list(self.intercept)
        for t, v in vec.items():
            for k, w in enumerate(self.weights[t]):
                scores[k] += v * w
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}

    def predict(self, text: str, exclude=(), evidence: int = 8) -> dict:
        """Return {label, probabilities, words, evidence}: the lean of one text and the terms that moved it.

        ``exclude`` are (start, end) spans not to read (page chrome). Evidence: the ``evidence`` terms pulling
        most towards the right and towards the left (contribution to the right-minus-left score), each with its
        weight and every offset where it occurs.
        """
        terms = lean_terms(text, exclude, self.strip, bool(self.meta.get("skip_quotes")))
        vec = self.vector(terms)
        probs = self.probabilities(vec)
        label = max(self.classes, key=lambda c: (probs[c], -self.classes.index(c)))
        out = {"label": label, "probabilities": {c: round(probs[c], 4) for c in LEANS if c in probs},
               "words": sum(1 for t, _, _ in terms if " " not in t), "terms": len(vec)}
        if not vec:
            out["note"] = "no term of the lean model's vocabulary in the text; the probabilities are the prior"
        li, ri = self.classes.index("left"), self.classes.index("right")
        contrib = {t: v * (self.weights[t][ri] - self.weights[t][li]) for t, v in vec.items()}
        spans: dict[str, list] = {}
        for t, s, e in terms:
            if t in contrib:
                spans.setdefault(t, []).append({"start": s, "end": e})
        ranked = sorted(contrib.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        right = [kv for kv in ranked if kv[1] > 0][:evidence]
        left = [kv for kv in ranked if kv[1] < 0][:evidence]
        out["evidence"] = [{"term": t, "toward": "right" if c > 0 else "left", "weight": round(c, 4),
                            "spans": spans[t]} for t, c in sorted(right + left, key=lambda kv: (-abs(kv[1]), kv[0]))]
        return out


def lean_of(model: LeanModel | None, text: str, exclude=()) -> dict:
    """Return the lean of a text, or say there is no model loaded."""
    if model is None:
        return {"label": None, "probabilities": None, "evidence": [], "note": "no lean model is loaded"}
    return model.predict(text, exclude)
