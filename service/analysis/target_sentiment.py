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
- sparse lemma features: governing verb with the target's role, the target's modifiers, lemmas on the dependency
  path to the root and in a small window.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

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


def extract_features(doc, start: int, end: int, valences: _Valences, quotes=()):
    """Return (features, attribution, context) for the target doc.text[start:end], or None if no token overlaps.

    features: {name: value}; attribution: {name: [token indices]} for features that are words of the text and may
    be shown as evidence; context: {"in_quote": bool}.
    """
    resolved = _resolve_span(doc, start, end)
    if resolved is None:
        return None
    tspan, sent = resolved
    head = tspan.root
    tidx = set(range(tspan.start, tspan.end))
    feats: dict[str, float] = {}
    attrib: dict[str, list[int]] = {}

    def add(name, value, token=None, evidence=True):
        feats[name] = feats.get(name, 0.0) + value
        if token is not None and evidence:
            attrib.setdefault(name, []).append(token)

    quote_spans = [(int(q[0]), int(q[1]), (q[2] if len(q) > 2 else "speech")) for q in quotes]

    def quote_kind(char_start, char_end):
        for qs, qe, kind in quote_spans:
            if qs <= char_start and char_end <= qe:
                return kind
        return None

    t_quote = quote_kind(tspan.start_char, tspan.end_char)
    in_quote = t_quote is not None
    if in_quote:
        add("target_in_quote", 1.0)
        add("target_in_quote_" + t_quote, 1.0)

    vals = valences.token_valences(sent)
    role, gov = _role(head)
    add("role=" + role, 1.0)

    total = 0.0
    pos_sum = neg_sum = 0.0
    for i, raw in vals.items():
        tok = doc[i]
        v = raw * (_NEGATION_SCALAR if _negated(tok) else 1.0)
        total += v
        if v > 0:
            pos_sum += v
        else:
            neg_sum -= v
        v4 = v / 4.0
        sign = "pos" if v > 0 else "neg"
        if i in tidx:
            add(f"val_in_target_{sign}", abs(v4), i)
            continue
        d = _path_distance(head, tok)
        bin_name = next((str(b) for b in _DISTANCE_BINS if d <= b), "far")
        add(f"val_d{bin_name}_{sign}", abs(v4), i, evidence=bin_name != "far")
        add("val_inv_distance", v4 / max(d, 1), i, evidence=d <= 3)
        kind = quote_kind(tok.idx, tok.idx + len(tok.text))
        if kind is not None:
            add(f"val_in_quote_{kind}_{sign}", abs(v4), i, evidence=d <= 3)
        if tok.i == gov.i:
            add(f"gov_{role}_{sign}", abs(v4), i)
        elif tok.head.i == gov.i and tok.dep_ in ("acomp", "xcomp", "dobj", "advmod", "attr", "oprd", "ccomp"):
            # Other arguments of the governing predicate: "X called Y a liar", "X was hailed as heroic".
            add(f"govarg_{role}_{sign}", abs(v4), i)
        if tok.head.i in tidx or (tok.dep_ in ("amod", "appos", "compound", "relcl", "acl") and tok.head.i == head.i):
            add(f"mod_{sign}", abs(v4), i)

    # Lexicon-only stand-in for VADER's compound score of the whole sentence.
    add("sent_compound", total / math.sqrt(total * total + _VADER_ALPHA), evidence=False)
    add("sent_pos", pos_sum / (pos_sum + neg_sum + 1.0), evidence=False)
    add("sent_neg", neg_sum / (pos_sum + neg_sum + 1.0), evidence=False)
    # The same sentence tone reads differently for the one acting and the one acted upon.
    add(f"sent_compound_{role}", feats["sent_compound"], evidence=False)

    # Sparse lemma features.
    if gov.i not in tidx and gov.pos_ != "PROPN":
        neg = "not_" if _negated(gov) else ""
        add(f"L_gov_{role}={neg}{gov.lemma_.lower()}", 1.0, gov.i)
    for child in head.children:
        if child.i not in tidx and child.pos_ in _CONTENT_POS and child.dep_ in _MODIFIER_DEPS:
            add(f"L_mod={child.lemma_.lower()}", 1.0, child.i)
    for anc in head.ancestors:
        if anc.i not in tidx and anc.pos_ in _CONTENT_POS:
            add(f"L_path={anc.lemma_.lower()}", 1.0, anc.i)
    for tok in sent:
        if tok.i not in tidx and tok.pos_ in _CONTENT_POS and _path_distance(head, tok) <= _NEAR:
            add(f"L_near={tok.lemma_.lower()}", 1.0, tok.i)
    lo = max(sent.start, tspan.start - _WINDOW)
    hi = min(sent.end, tspan.end + _WINDOW)
    for tok in doc[lo:hi]:
        if tok.i not in tidx and tok.pos_ in _CONTENT_POS:
            add(f"L_win={tok.lemma_.lower()}", 1.0, tok.i)
    for tok in sent:
        if tok.i not in tidx and tok.pos_ in _CONTENT_POS:
            add(f"L_sent={tok.lemma_.lower()}", 1.0, evidence=False)
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
    """Score sentiment toward actor mentions with a linear model shipped as JSON."""

    # Aggregation weight of a mention inside quoted speech: what a quoted speaker says is attributed to that
    # speaker, not the outlet's own voice, so it counts half (a design choice, not fitted to data).
    QUOTED_WEIGHT = 0.5
    EVIDENCE_MAX = 5
    EVIDENCE_MIN_WEIGHT = 0.05  # log-odds contribution below which a word is not shown as evidence

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

    @classmethod
    def from_file(cls, path, vader_lexicon) -> "TargetSentiment":
        """Load the model JSON written by tools/train_target_sentiment.py."""
        with Path(path).open(encoding="utf-8") as fh:
            return cls(json.load(fh), vader_lexicon)

    def describe(self) -> dict:
        """Return the model's provenance and size, for /api/v1/lexicons."""
        keys = ("name", "description", "source", "source_url", "license", "version", "trained", "n_train_targets")
        return {**{k: self.header[k] for k in keys if k in self.header}, "weights": len(self.weights)}

    def _neutral(self, in_quote=False) -> dict:
        return {"score": 0.0, "label": "neutral",
                "probabilities": {"negative": 0.0, "neutral": 1.0, "positive": 0.0},
                "in_quote": in_quote, "evidence": []}

    def score(self, doc, start: int, end: int, quotes=()) -> dict:
        """Score sentiment toward the span doc.text[start:end] (char offsets into doc.text, a spaCy Doc).

        Only the sentence holding the span's head counts. A span that overlaps no token scores neutral.
        """
        try:
            extracted = extract_features(doc, int(start), int(end), self.valences, quotes or ())
        except (TypeError, ValueError, IndexError):
            # Non-integer offsets, or a Doc without a parse (no sentences): nothing to score, never an error.
            extracted = None
        if extracted is None:
            return self._neutral()
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
        label = CLASSES[max(range(3), key=lambda k: probs[k])]

        # Evidence: each word's contribution to the positive-vs-negative log-odds, summed over its features.
        contrib: dict[int, float] = {}
        for name, tokens in attrib.items():
            w = self.weights.get(name)
            if w is None:
                continue
            share = feats[name] * (w[2] - w[0]) / len(tokens)
            for i in tokens:
                contrib[i] = contrib.get(i, 0.0) + share
        # Evidence a reader can check: content words only ("are", "the", a name are features, not reasons).
        ranked = sorted((kv for kv in contrib.items() if abs(kv[1]) >= self.EVIDENCE_MIN_WEIGHT
                         and doc[kv[0]].pos_ in _EVIDENCE_POS and not doc[kv[0]].is_stop),
                        key=lambda kv: (-abs(kv[1]), kv[0]))[: self.EVIDENCE_MAX]
        evidence = []
        for i, weight in ranked:
            tok = doc[i]
            evidence.append({"start": tok.idx, "end": tok.idx + len(tok.text), "text": tok.text,
                             "weight": round(weight, 3)})
        return {
            "score": round(probs[2] - probs[0], 4),
            "label": label,
            "probabilities": {c: round(p, 4) for c, p in zip(CLASSES, probs)},
            "in_quote": ctx["in_quote"],
            "evidence": evidence,
        }

    def aggregate(self, scored: list[dict]) -> dict:
        """Combine per-mention scores of one actor into one.

        The score is a weighted mean of mention scores: own-voice mentions weigh 1, mentions inside quoted speech
        QUOTED_WEIGHT. The label is the arg-max of the same weighted mean of class probabilities. The interval is
        a 95% Student-t interval on the weighted mean, with Kish's effective sample size; confidence is "low" for
        one or two mentions or a wide interval.
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
        probs = {c: sum(w * s["probabilities"][c] for w, s in zip(weights, scored)) / wsum for c in CLASSES}
        label = max(CLASSES, key=lambda c: probs[c])
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
        pooled = [e for s in scored for e in s.get("evidence", [])]
        seen, evidence = set(), []
        for e in sorted(pooled, key=lambda e: -abs(e["weight"])):
            key = (e["start"], e["end"])
            if key not in seen:
                seen.add(key)
                evidence.append(e)
            if len(evidence) == self.EVIDENCE_MAX:
                break
        return {"score": round(mean, 4), "label": label, **base, "interval": [round(lo, 4), round(hi, 4)],
                "confidence": confidence, "evidence": evidence}
