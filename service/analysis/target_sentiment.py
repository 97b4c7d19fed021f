"""Sentiment toward a target span (an actor mention) in news text.

A multinomial logistic regression over hand-built, dependency-aware features, trained on NewsMTSC
(Hamborg & Donnay, EACL 2021) by tools/train_target_sentiment.py and shipped as a JSON data file. At run time this
module needs only a parsed spaCy Doc, the model dict and a VADER-style lexicon (term -> valence on -4..4): no
scikit-learn, no neural model.

Features (the same function builds them for training and scoring, so they cannot drift apart):
- lexicon valences of the sentence's words, binned by dependency-path distance to the target and by sign, with
  VADER-style negation scope;
- the target's grammatical role crossed with the valence of its governing predicate (being attacked vs attacking);
- valence inside the target mention itself ("the brutal dictator Maduro");
- a sentence-level valence summary (a lexicon-only stand-in for VADER's compound score);
- whether the target, or the loaded words, sit inside quoted speech;
- the dependency path between the target and each opinion word within three edges, with the word's sign;
- sparse lemma features: governing verb with the target's role, the target's modifiers, lemmas on the dependency
  path to the root and in a small window.

Only words a reader may be shown build features (content words, not stop words, not inside a named entity, not in
lexicons/not_evidence.tsv, which the model file carries): every word that moves a score is shown as its evidence,
with its exact share of the positive-vs-negative log-odds. The label follows from the score with the model's neutral
bands. docs/sentiment.md says how to read the result.
"""
from __future__ import annotations

import bisect
import json
import math
import re
import weakref
from pathlib import Path

import numpy

CLASSES = ("negative", "neutral", "positive")

# VADER's own negation words and its scalar for a negated valence (vaderSentiment 3.3.2, NEGATE and N_SCALAR;
# Hutto & Gilbert, ICWSM 2014), plus spaCy's split contraction "n't".
_NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor nowhere without hardly barely n't cannot".split()
)
_NEGATION_SCALAR = -0.74
_NEGATION_WINDOW = 3  # VADER looks back three tokens for a negation

# VADER's normalisation constant for the compound score: x / sqrt(x^2 + alpha), alpha = 15.
_VADER_ALPHA = 15.0

# Distance bins on the dependency path between a word and the target's head token.
_DISTANCE_BINS = (1, 2, 3)  # 1, 2, 3, then "far" (4 or more)

_SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
_PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
_OBJECT_DEPS = frozenset({"dobj", "obj", "iobj", "dative", "attr", "oprd"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "appos", "acl", "relcl", "nmod", "npadvmod", "advmod", "prep"})
# Lemma features use content words but never names: a nearby "Trump" must not tilt another target's score (a prior
# about a person is a bias to report, not evidence of framing).
_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "INTJ"})
_EVIDENCE_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "INTJ"})
_WINDOW = 3  # tokens either side of the target for window lemmas
_NEAR = 2  # dependency edges from the target's head for "near" lemmas
_PATH_MAX = 3  # opinion words up to this many dependency edges away get a path feature (the d1-d3 bins above)

# Quote characters a fallback quote finder recognises (straight and typographic double quotes).
_QUOTE_RE = re.compile(r"“([^”]{1,2000})”|\"([^\"]{1,2000})\"")


def find_quote_spans(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, kind) spans of double-quoted text, a fallback when the caller has no quote detector.

    Up to three words between quotes count as "scare", up to eight as "partial", longer as "speech".
    """
    spans = []
    for m in _QUOTE_RE.finditer(text):
        words = len(m.group(0).split())
        kind = "scare" if words <= 3 else "partial" if words <= 8 else "speech"
        spans.append((m.start(), m.end(), kind))
    return spans


class _Valences:
    """Look up lexicon valences for tokens, including multi-word entries."""

    def __init__(self, lexicon: dict[str, float]):
        self.single: dict[str, float] = {}
        self.multi: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for term, value in lexicon.items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            key = term.lower().strip()
            parts = tuple(key.split())
            if len(parts) == 1:
                self.single[key] = value
            elif len(parts) > 1:
                self.multi.setdefault(parts[0], []).append((parts, value))
        for entries in self.multi.values():
            entries.sort(key=lambda e: -len(e[0]))

    def token_valences(self, tokens) -> dict[int, float]:
        """Return {token index: valence} for the tokens of one sentence (multi-word entries on their head word)."""
        out: dict[int, float] = {}
        lowers = [t.lower_ for t in tokens]
        skip_until = -1
        for k, tok in enumerate(tokens):
            if k < skip_until:
                continue
            for parts, value in self.multi.get(lowers[k], ()):
                if tuple(lowers[k:k + len(parts)]) == parts:
                    out[tok.i] = value
                    skip_until = k + len(parts)
                    break
            else:
                value = self.single.get(lowers[k])
                if value is None:
                    value = self.single.get(tok.lemma_.lower())
                if value is not None and tok.pos_ not in ("PROPN", "DET", "PRON"):
                    out[tok.i] = value
        return out


class _QuoteIndex:
    """Quote spans normalised once, with "which quote holds [start, end)" answered by binary search."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.spans = spans
        self.starts = [qs for qs, _, _ in spans]
        # Binary search finds the first containing span only when the spans are sorted, non-empty and disjoint;
        # anything else (nested or unsorted spans from a caller) is scanned in list order, as before.
        self.sorted = all(qs < qe for qs, qe, _ in spans) and all(
            spans[k][1] <= spans[k + 1][0] for k in range(len(spans) - 1))

    def kind(self, char_start: int, char_end: int):
        """Return the kind of the first quote span holding [char_start, char_end), else None."""
        if self.sorted and char_start < char_end:
            k = bisect.bisect_right(self.starts, char_start) - 1
            if k >= 0:
                qs, qe, kind = self.spans[k]
                if qs <= char_start and char_end <= qe:
                    return kind
            return None
        for qs, qe, kind in self.spans:
            if qs <= char_start and char_end <= qe:
                return kind
        return None


class _DocView:
    """Plain per-token arrays of one parsed Doc, built once and shared by every mention scored in it.

    Reading a spaCy Token attribute creates a Token object each time (``doc[i]``, ``tok.head``, ``tok.children``);
    scoring a mention used to walk its sentence several times that way, for every mention of every actor. The
    arrays hold the same values, so the features built from them are the same, float for float.
    """

    def __init__(self, doc):
        from spacy.attrs import DEP, HEAD, IDX, IS_STOP, LEMMA, LOWER, ORTH, POS

        self.n = len(doc)
        cols = doc.to_array([HEAD, IDX, IS_STOP, DEP, POS, LOWER, LEMMA, ORTH]).reshape(self.n, 8).T
        # HEAD is the head's offset from the token, stored unsigned: read it back as signed.
        heads = cols[0].astype(numpy.int64) + numpy.arange(self.n)
        self._heads = heads
        self.head = heads.tolist()
        self.idx = cols[1].tolist()
        self.is_stop = cols[2].astype(bool).tolist()
        # Each string is read from the first Token holding its id, so it is exactly what the Token gives.
        strings = []
        for k, read in enumerate((lambda t: t.dep_, lambda t: t.pos_, lambda t: t.lower_,
                                  lambda t: t.lemma_.lower(), lambda t: t.text)):
            ids, first = numpy.unique(cols[3 + k], return_index=True)
            table = {h: read(doc[i]) for h, i in zip(ids.tolist(), first.tolist())}
            strings.append(list(map(table.__getitem__, cols[3 + k].tolist())))
        self.dep, self.pos, self.lower, self.lemma, self.text = strings
        self.end = [a + len(t) for a, t in zip(self.idx, self.text)]
        from spacy.attrs import ENT_TYPE

        # Tokens inside a named entity ("Russian", "Tuesday", "Maduro"): never a reason for a score.
        self.in_entity = (doc.to_array([ENT_TYPE]).reshape(self.n) != 0).tolist() if self.n else []
        # Tokens with a "neg" child (Token.children: the tokens whose head it is; a root is not its own child).
        self.neg_heads = {self.head[j] for j, d in enumerate(self.dep) if d == "neg" and self.head[j] != j}
        self._children: dict[int, list[int]] = {}
        # Token.sent's start, found from the sent_start flags as spaCy's Span.sent finds it; None when hooks or a
        # missing annotation leave it to spaCy (then the Token answers, or raises as before).
        self.sent_start: list[int] | None = None
        if "sent" not in doc.user_span_hooks and "sents" not in doc.user_hooks and doc.has_annotation(
                "SENT_START"):
            from spacy.attrs import SENT_START

            flags = doc.to_array([SENT_START]).reshape(self.n).astype(numpy.int64)
            marks = numpy.where(flags == 1, numpy.arange(self.n), 0)
            self.sent_start = numpy.maximum.accumulate(marks).tolist() if self.n else []
        self._doc = weakref.ref(doc)
        self.valences: dict = {}
        self.quotes: dict = {}
        self.ancestors: dict[int, dict[int, int]] = {}
        self.distances: dict[int, dict[int, int]] = {}
        self.evidence: dict = {}

    def sent_begin(self, i: int) -> int:
        """Return the first token of token i's sentence (``doc[i].sent.start``)."""
        if self.sent_start is not None:
            return self.sent_start[i]
        return self._doc()[i].sent.start

    def ancestor_list(self, i: int) -> list[int]:
        """Return Token.ancestors of token i: heads up to the root, at most len(doc) of them."""
        out, k = [], i
        while self.head[k] != k and len(out) < self.n:
            k = self.head[k]
            out.append(k)
        return out

    def path_distance(self, a: int, b: int) -> int:
        """Return ``_path_distance(doc[a], doc[b])``, with a's ancestor map built once per a."""
        if a == b:
            return 0
        cache = self.distances.setdefault(a, {})
        d = cache.get(b)
        if d is not None:
            return d
        up_a = self.ancestors.get(a)
        if up_a is None:
            up_a = {a: 0}
            for k, anc in enumerate(self.ancestor_list(a), 1):
                up_a[anc] = k
            self.ancestors[a] = up_a
        d = up_a.get(b)
        if d is None:
            d = 99  # different trees (should not happen within one sentence)
            for k, anc in enumerate(self.ancestor_list(b), 1):
                if anc in up_a:
                    d = k + up_a[anc]
                    break
        cache[b] = d
        return d

    def children(self, i: int) -> list[int]:
        """Return the indices of Token.children of token i, in text order."""
        kids = self._children.get(i)
        if kids is None:
            kids = self._children[i] = [j for j in numpy.flatnonzero(self._heads == i).tolist() if j != i]
        return kids

    def negated(self, i: int) -> bool:
        """Return ``_negated(doc[i])``."""
        if i in self.neg_heads or self.head[i] in self.neg_heads:
            return True
        start = max(self.sent_begin(i), i - _NEGATION_WINDOW)
        return any(self.lower[k] in _NEGATIONS for k in range(start, i))

    def sentence_valences(self, valences: "_Valences", lo: int, hi: int) -> dict[int, float]:
        """Return ``valences.token_valences(doc[lo:hi])``, computed once per sentence."""
        key = (valences, lo, hi)
        out = self.valences.get(key)
        if out is not None:
            return out
        out = {}
        lowers, skip_until = self.lower, -1
        for i in range(lo, hi):
            if i < skip_until:
                continue
            low = lowers[i]
            for parts, value in valences.multi.get(low, ()):
                if tuple(lowers[i:min(i + len(parts), hi)]) == parts:
                    out[i] = value
                    skip_until = i + len(parts)
                    break
            else:
                value = valences.single.get(low)
                if value is None:
                    value = valences.single.get(self.lemma[i])
                if value is not None and self.pos[i] not in ("PROPN", "DET", "PRON"):
                    out[i] = value
        self.valences[key] = out
        return out

    def evidence_words(self, skip) -> list[bool]:
        """Return ``evidence_word(self, i, skip)`` for every token, computed once per Doc and word list."""
        try:
            out = self.evidence.get(skip)
        except TypeError:  # an unhashable word list: no caching, same answers
            return [evidence_word(self, i, skip) for i in range(self.n)]
        if out is None:
            out = self.evidence[skip] = [evidence_word(self, i, skip) for i in range(self.n)]
        return out

    def quote_index(self, quotes) -> _QuoteIndex:
        """Return the quote spans normalised as extract_features always did, indexed once per list."""
        spans = [(int(q[0]), int(q[1]), (q[2] if len(q) > 2 else "speech")) for q in quotes]
        try:
            key = tuple(spans)
            hash(key)
        except TypeError:  # an unhashable kind: no caching, same answers
            return _QuoteIndex(spans)
        index = self.quotes.get(key)
        if index is None:
            index = self.quotes[key] = _QuoteIndex(spans)
        return index


_VIEWS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _view(doc) -> _DocView:
    """Return the _DocView of a Doc, built on first use and dropped with the Doc."""
    view = _VIEWS.get(doc)
    if view is None or view.n != len(doc):
        view = _VIEWS[doc] = _DocView(doc)
    return view


def _negated(tok) -> bool:
    """Return whether a token falls in a negation's scope (a neg dependent on it or its head, or a negation word
    in the three tokens before it, as VADER does)."""
    if any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children):
        return True
    start = max(tok.sent.start, tok.i - _NEGATION_WINDOW)
    return any(t.lower_ in _NEGATIONS for t in tok.doc[start:tok.i])


def _path_distance(a, b) -> int:
    """Return the number of dependency edges between two tokens of one sentence."""
    if a.i == b.i:
        return 0
    up_a = {a.i: 0}
    for d, anc in enumerate(a.ancestors, 1):
        up_a[anc.i] = d
    if b.i in up_a:
        return up_a[b.i]
    for d, anc in enumerate(b.ancestors, 1):
        if anc.i in up_a:
            return d + up_a[anc.i]
    return 99  # different trees (should not happen within one sentence)


def _role(head):
    """Return (role, governing predicate token) of the target's head token.

    Climbs through prepositions, conjunctions, appositions and compounds so that "the leader of X" or "X and Y"
    still find the verb. Roles: subj, passsubj, obj, agent (by-phrase of a passive), pobj, poss, mod, root.
    """
    tok = head
    role = None
    for _ in range(6):
        dep = tok.dep_
        if dep in ("conj", "appos", "compound") and tok.head is not tok:
            tok = tok.head
            continue
        if dep == "poss":
            role = role or "poss"
            tok = tok.head
            continue
        if dep == "pobj":
            prep = tok.head
            if prep.lower_ == "by" and prep.dep_ == "agent":
                return "agent", prep.head
            role = role or "pobj"
            tok = prep.head
            if tok.pos_ in ("VERB", "AUX", "ADJ"):
                return role, tok
            continue
        if dep in _SUBJECT_DEPS:
            return role or "subj", tok.head
        if dep in _PASSIVE_SUBJECT_DEPS:
            return role or "passsubj", tok.head
        if dep in _OBJECT_DEPS:
            return role or "obj", tok.head
        if dep == "ROOT":
            return role or "root", tok
        if tok.head.pos_ in ("VERB", "AUX", "ADJ"):
            return role or "mod", tok.head
        tok = tok.head
    return role or "other", tok


def _role_index(v: _DocView, head: int) -> tuple[str, int]:
    """Return ``_role(doc[head])`` as (role, index of the governing predicate), read from a _DocView."""
    dep, pos, up = v.dep, v.pos, v.head
    tok = head
    role = None
    for _ in range(6):
        d = dep[tok]
        if d in ("conj", "appos", "compound"):  # _role's "tok.head is not tok" holds for every Token object
            tok = up[tok]
            continue
        if d == "poss":
            role = role or "poss"
            tok = up[tok]
            continue
        if d == "pobj":
            prep = up[tok]
            if v.lower[prep] == "by" and dep[prep] == "agent":
                return "agent", up[prep]
            role = role or "pobj"
            tok = up[prep]
            if pos[tok] in ("VERB", "AUX", "ADJ"):
                return role, tok
            continue
        if d in _SUBJECT_DEPS:
            return role or "subj", up[tok]
        if d in _PASSIVE_SUBJECT_DEPS:
            return role or "passsubj", up[tok]
        if d in _OBJECT_DEPS:
            return role or "obj", up[tok]
        if d == "ROOT":
            return role or "root", tok
        if pos[up[tok]] in ("VERB", "AUX", "ADJ"):
            return role or "mod", up[tok]
        tok = up[tok]
    return role or "other", tok


def _resolve_span(doc, start: int, end: int):
    """Return the tokens overlapping [start, end) within one sentence, or None."""
    if end <= start:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        toks = [t for t in doc if t.idx < end and t.idx + len(t.text) > start and not t.is_space]
        if not toks:
            return None
        span = doc[toks[0].i:toks[-1].i + 1]
    toks = [t for t in span if not t.is_space and not t.is_punct] or [t for t in span if not t.is_space]
    if not toks:
        return None
    span = doc[toks[0].i:toks[-1].i + 1]
    root = span.root
    sent = root.sent if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else doc[:]
    # A span crossing a sentence boundary is cut to the root's sentence.
    lo, hi = max(span.start, sent.start), min(span.end, sent.end)
    return doc[lo:hi], sent


def _dep_path(v: "_DocView", head: int, i: int) -> str:
    """Return the dependency labels on the path from the target's head up to the common ancestor, then down to i.

    "nsubj^>dobj" reads: the target is the subject of a verb whose direct object is the word.
    """
    up_map = {head: 0}
    chain = [head]
    for anc in v.ancestor_list(head):
        up_map[anc] = len(chain)
        chain.append(anc)
    down, k = [], i
    for _ in range(v.n):
        if k in up_map:
            break
        down.append(v.dep[k])
        if v.head[k] == k:
            return "far"
        k = v.head[k]
    else:
        return "far"
    up = [v.dep[t] for t in chain[:up_map[k]]]
    return "^".join(up) + "^>" + ">".join(reversed(down)) if up else ">" + ">".join(reversed(down))


def evidence_word(v: "_DocView", i: int, skip=frozenset()) -> bool:
    """Return whether token i may be shown (and used) as a word that moves a score: a content word, not a stop
    word, not part of a name or other named entity ("Russian", "Tuesday"), not one of the model's reporting and
    newsroom words ("said", "quoted", "agency")."""
    return (v.pos[i] in _EVIDENCE_POS and not v.is_stop[i] and not v.in_entity[i] and v.lemma[i] not in skip
            and v.lower[i] not in skip and any(ch.isalpha() for ch in v.text[i]))


def extract_features(doc, start: int, end: int, valences: _Valences, quotes=(), skip=frozenset()):
    """Return (features, attribution, context) for the target doc.text[start:end], or None if no token overlaps.

    features: {name: value}; attribution: {name: [token indices]} for features that are words of the text (every
    such feature is attributed, so the evidence accounts for every word that moved the score); context:
    {"in_quote": bool}. Lemma features are built only from words that may be shown as evidence (``skip`` lists
    the reporting and newsroom words that never are), so a hidden word can never move a score.
    """
    resolved = _resolve_span(doc, start, end)
    if resolved is None:
        return None
    tspan, sent = resolved
    # Token attributes come from the Doc's cached arrays (_DocView): the same values, read without building a
    # Token object per access, and the sentence's valences, quote spans and path distances computed once per Doc.
    v = _view(doc)
    dep, pos, lemma, tok_head = v.dep, v.pos, v.lemma, v.head
    head = tspan.root.i
    t_lo, t_hi = tspan.start, tspan.end
    s_lo, s_hi = sent.start, sent.end
    tidx = range(t_lo, t_hi)  # membership test on a range, as on the set of the target's token indices
    shown = v.evidence_words(skip)
    feats: dict[str, float] = {}
    attrib: dict[str, list[int]] = {}

    def add(name, value, token=None, evidence=True):
        feats[name] = feats.get(name, 0.0) + value
        if token is not None and evidence:
            attrib.setdefault(name, []).append(token)

    quote_kind = v.quote_index(quotes).kind

    t_quote = quote_kind(v.idx[t_lo], v.end[t_hi - 1])
    in_quote = t_quote is not None
    if in_quote:
        add("target_in_quote", 1.0)
        add("target_in_quote_" + t_quote, 1.0)

    vals = v.sentence_valences(valences, s_lo, s_hi)
    role, gov = _role_index(v, head)
    add("role=" + role, 1.0)

    total = 0.0
    pos_sum = neg_sum = 0.0
    for i, raw in vals.items():
        if not shown[i]:
            continue  # "no", "please", "like" as VADER words, reporting words: never shown, so never counted
        val = raw * (_NEGATION_SCALAR if v.negated(i) else 1.0)
        total += val
        if val > 0:
            pos_sum += val
        else:
            neg_sum -= val
        v4 = val / 4.0
        sign = "pos" if val > 0 else "neg"
        if i in tidx:
            add(f"val_in_target_{sign}", abs(v4), i)
            continue
        d = v.path_distance(head, i)
        bin_name = next((str(b) for b in _DISTANCE_BINS if d <= b), "far")
        add(f"val_d{bin_name}_{sign}", abs(v4), i)
        add("val_inv_distance", v4 / max(d, 1), i)
        if d <= _PATH_MAX:
            # The dependency path between target and opinion word, with the word's sign: "nsubj^>dobj_neg" (the
            # target did something bad) differs from "nsubjpass^>agent>pobj_neg" (something bad did it to the target).
            add(f"P:{_dep_path(v, head, i)}_{sign}", abs(v4), i)
        kind = quote_kind(v.idx[i], v.end[i])
        if kind is not None:
            add(f"val_in_quote_{kind}_{sign}", abs(v4), i)
        if i == gov:
            add(f"gov_{role}_{sign}", abs(v4), i)
        elif tok_head[i] == gov and dep[i] in ("acomp", "xcomp", "dobj", "advmod", "attr", "oprd", "ccomp"):
            # Other arguments of the governing predicate: "X called Y a liar", "X was hailed as heroic".
            add(f"govarg_{role}_{sign}", abs(v4), i)
        if tok_head[i] in tidx or (dep[i] in ("amod", "appos", "compound", "relcl", "acl") and tok_head[i] == head):
            add(f"mod_{sign}", abs(v4), i)

    # Lexicon-only stand-in for VADER's compound score of the whole sentence.
    add("sent_compound", total / math.sqrt(total * total + _VADER_ALPHA), evidence=False)
    add("sent_pos", pos_sum / (pos_sum + neg_sum + 1.0), evidence=False)
    add("sent_neg", neg_sum / (pos_sum + neg_sum + 1.0), evidence=False)
    # The same sentence tone reads differently for the one acting and the one acted upon.
    add(f"sent_compound_{role}", feats["sent_compound"], evidence=False)

    # Sparse lemma features, from words a reader may be shown only.
    def word(i):
        return i not in tidx and shown[i]

    if word(gov):
        neg = "not_" if v.negated(gov) else ""
        add(f"L_gov_{role}={neg}{lemma[gov]}", 1.0, gov)
    for child in v.children(head):
        if word(child) and dep[child] in _MODIFIER_DEPS:
            add(f"L_mod={lemma[child]}", 1.0, child)
    for anc in v.ancestor_list(head):
        if word(anc):
            add(f"L_path={lemma[anc]}", 1.0, anc)
    for i in range(s_lo, s_hi):
        if word(i) and v.path_distance(head, i) <= _NEAR:
            add(f"L_near={lemma[i]}", 1.0, i)
    lo = max(s_lo, t_lo - _WINDOW)
    hi = min(s_hi, t_hi + _WINDOW)
    for i in range(lo, hi):
        if word(i):
            add(f"L_win={lemma[i]}", 1.0, i)
    for i in range(s_lo, s_hi):
        if word(i):
            add(f"L_sent={lemma[i]}", 1.0, i)
    return feats, attrib, {"in_quote": in_quote}


def _t_critical(df: int) -> float:
    """Return the two-sided 95% Student-t critical value for df degrees of freedom (table, no scipy)."""
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
             10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042, 60: 2.000}
    if df <= 0:
        return float("inf")
    for k in sorted(table):
        if df <= k:
            return table[k]
    return 1.96


class TargetSentiment:
    """Score sentiment toward actor mentions with a linear model shipped as JSON.

    How a result reads (docs/sentiment.md): ``score`` = P(positive) - P(negative) in [-1, 1]; ``label`` follows from
    the score alone, neutral inside the model's neutral band (one band for a score resting on one mention, a
    sentence's reading; another for the mean of several, an article's reading of an actor); ``evidence`` lists the words that moved the score,
    each signed (its share of the positive-vs-negative log-odds), the words pulling the score's way first, largest
    first, then those pulling against it. A score that no shown word pulls its way is set to 0 (neutral): the
    model's prior and the sentence's shape alone do not make a reading.
    """

    # Aggregation weight of a mention inside quoted speech: what a quoted speaker says is attributed to that
    # speaker, not the outlet's own voice, so it counts half (a design choice, not fitted to data).
    QUOTED_WEIGHT = 0.5
    EVIDENCE_MAX = 5
    EVIDENCE_MIN_WEIGHT = 0.05  # log-odds contribution below which a word is not shown as evidence
    # Used only when a model file predates the fitted band: the half-way point between neutral and a clear lean.
    DEFAULT_NEUTRAL_BAND = 0.2

    def __init__(self, model: dict, vader_lexicon: dict[str, float]):
        """Build a scorer from a parsed model JSON and a term -> valence lexicon (VADER scale -4..4)."""
        classes = tuple(model["classes"])
        if set(classes) != set(CLASSES):
            raise ValueError(f"model classes {classes} are not {CLASSES}")
        self.header = model.get("header", {})
        self._order = [classes.index(c) for c in CLASSES]
        self.intercept = [float(model["intercept"][k]) for k in self._order]
        self.weights = {f: [float(w[k]) for k in self._order] for f, w in model["weights"].items()}
        self.valences = _Valences(vader_lexicon)
        band = model.get("neutral_band") or {}
        self.neutral_band = float(band.get("value", self.DEFAULT_NEUTRAL_BAND))  # the mean of 2+ mentions
        self.neutral_band_one = float(band.get("one_mention", self.neutral_band))  # one mention, one sentence
        self.not_evidence = frozenset(w.lower() for w in (model.get("not_evidence") or {}).get("words", ()))

    @classmethod
    def from_file(cls, path, vader_lexicon) -> "TargetSentiment":
        """Load the model JSON written by tools/train_target_sentiment.py."""
        with Path(path).open(encoding="utf-8") as fh:
            return cls(json.load(fh), vader_lexicon)

    def describe(self) -> dict:
        """Return the model's provenance and size, for /api/v1/lexicons."""
        keys = ("name", "description", "source", "source_url", "license", "version", "trained", "n_train_targets")
        return {**{k: self.header[k] for k in keys if k in self.header}, "weights": len(self.weights),
                "neutral_band": {"one_mention": self.neutral_band_one, "several_mentions": self.neutral_band}}

    def band(self, mentions: int = 1) -> float:
        """Return the neutral band for a score resting on this many mentions."""
        return self.neutral_band_one if mentions <= 1 else self.neutral_band

    def label_for(self, score: float, mentions: int = 1) -> str:
        """Return the label a score reads as: neutral inside (-band, +band), else its sign."""
        band = self.band(mentions)
        if score >= band:
            return "positive"
        if score <= -band:
            return "negative"
        return "neutral"

    def _neutral(self, in_quote=False) -> dict:
        return {"score": 0.0, "label": "neutral",
                "probabilities": {"negative": 0.0, "neutral": 1.0, "positive": 0.0},
                "in_quote": in_quote, "evidence": [], "words": []}

    def _order_evidence(self, words: list[dict], score: float) -> list[dict]:
        """Return the evidence a reader sees: words pulling the score's way first, then the others, each group
        largest first, without words below EVIDENCE_MIN_WEIGHT, at most EVIDENCE_MAX."""
        sign = 1.0 if score > 0 else -1.0 if score < 0 else 0.0
        shown = [w for w in words if abs(w["weight"]) >= self.EVIDENCE_MIN_WEIGHT]
        shown.sort(key=lambda w: (-(w["weight"] * sign > 0), -abs(w["weight"]), w["start"]))
        return [{**w, "weight": round(w["weight"], 3)} for w in shown[: self.EVIDENCE_MAX]]

    def _supported(self, words: list[dict], score: float) -> bool:
        """Return whether some shown word pulls the way of the score."""
        return score == 0 or any(w["weight"] * score > 0 and abs(w["weight"]) >= self.EVIDENCE_MIN_WEIGHT
                                 for w in words)

    def raw_score(self, doc, start: int, end: int, quotes=()):
        """Return (probabilities in CLASSES order, {token index: log-odds contribution}, in_quote), or None.

        The model's own output before any reading rule: bench and training tools fit the neutral band on it.
        """
        try:
            extracted = extract_features(doc, int(start), int(end), self.valences, quotes or (), self.not_evidence)
        except (TypeError, ValueError, IndexError):
            # Non-integer offsets, or a Doc without a parse (no sentences): nothing to score, never an error.
            extracted = None
        if extracted is None:
            return None
        feats, attrib, ctx = extracted
        logits = list(self.intercept)
        for name, value in feats.items():
            w = self.weights.get(name)
            if w is not None:
                for k in range(3):
                    logits[k] += w[k] * value
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        probs = [e / total for e in exps]
        # Each word's exact share of the positive-vs-negative log-odds (logit_pos - logit_neg, whose sign is the
        # sign of the score): the weights of the features it fired, split evenly among the words that fired them.
        contrib: dict[int, float] = {}
        for name, tokens in attrib.items():
            w = self.weights.get(name)
            if w is None:
                continue
            share = feats[name] * (w[2] - w[0]) / len(tokens)
            for i in tokens:
                contrib[i] = contrib.get(i, 0.0) + share
        return probs, contrib, ctx["in_quote"]

    def score(self, doc, start: int, end: int, quotes=()) -> dict:
        """Score sentiment toward the span doc.text[start:end] (char offsets into doc.text, a spaCy Doc).

        Only the sentence holding the span's head counts. A span that overlaps no token scores neutral. ``words``
        holds every shown word's contribution, for aggregate(); ``evidence`` the first EVIDENCE_MAX of them.
        """
        raw = self.raw_score(doc, start, end, quotes)
        if raw is None:
            return self._neutral()
        return self.reading(doc, *raw)

    def reading(self, doc, probs, contrib: dict[int, float], in_quote, support_rule: bool = True) -> dict:
        """Return one mention's result from the model's probabilities and per-token log-odds shares: the shown
        words, the score (0 when ``support_rule`` and no shown word pulls its way), its label and evidence."""
        v = _view(doc)
        words = [{"start": v.idx[i], "end": v.end[i], "text": v.text[i], "weight": c}
                 for i, c in sorted(contrib.items()) if c != 0.0 and evidence_word(v, i, self.not_evidence)]
        score = probs[2] - probs[0]
        if support_rule and not self._supported(words, score):
            score = 0.0
        score = round(score, 4)
        return {
            "score": score,
            "label": self.label_for(score),
            "probabilities": {c: round(p, 4) for c, p in zip(CLASSES, probs)},
            "in_quote": in_quote,
            "evidence": self._order_evidence(words, score),
            "words": words,
        }

    def aggregate(self, scored: list[dict], support_rule: bool = True) -> dict:
        """Combine per-mention scores of one actor into one.

        The score is a weighted mean of mention scores: own-voice mentions weigh 1, mentions inside quoted speech
        QUOTED_WEIGHT; the label follows from it with the neutral band. Evidence pools each mention's words with
        the same weights, so a word's weight is its share of the mean. The interval is a 95% Student-t interval on
        the weighted mean, with Kish's effective sample size; confidence is "low" for one or two mentions or a
        wide interval. ``support_rule``: set a mean no pooled word pulls its way to 0 (as ``reading``).
        """
        n = len(scored)
        n_quoted = sum(1 for s in scored if s.get("in_quote"))
        base = {"mentions": n, "n_own_voice": n - n_quoted, "n_quoted": n_quoted}
        if n == 0:
            return {"score": 0.0, "label": "neutral", **base, "interval": [-1.0, 1.0], "confidence": "low",
                    "evidence": []}
        weights = [self.QUOTED_WEIGHT if s.get("in_quote") else 1.0 for s in scored]
        wsum = sum(weights)
        scores = [float(s["score"]) for s in scored]
        mean = sum(w * x for w, x in zip(weights, scores)) / wsum
        pooled: dict[tuple[int, int], dict] = {}
        for w, s in zip(weights, scored):
            for e in s.get("words", s.get("evidence", ())):
                key = (e["start"], e["end"])
                entry = pooled.setdefault(key, {"start": e["start"], "end": e["end"], "text": e["text"],
                                                "weight": 0.0})
                entry["weight"] += e["weight"] * w / wsum
        words = list(pooled.values())
        if support_rule and not self._supported(words, mean):
            mean = 0.0
        mean = round(mean, 4)
        if n >= 2:
            var = sum(w * (x - mean) ** 2 for w, x in zip(weights, scores)) / wsum * n / (n - 1)
            n_eff = wsum * wsum / sum(w * w for w in weights)
            half = _t_critical(n - 1) * math.sqrt(var / n_eff)
            lo, hi = max(-1.0, mean - half), min(1.0, mean + half)
        else:
            lo, hi = -1.0, 1.0
        width = hi - lo
        if n <= 2 or width > 0.8:
            confidence = "low"
        elif n >= 5 and width <= 0.4:
            confidence = "high"
        else:
            confidence = "medium"
        return {"score": mean, "label": self.label_for(mean, n), **base,
                "interval": [round(lo, 4), round(hi, 4)], "confidence": confidence,
                "evidence": self._order_evidence(words, mean)}
