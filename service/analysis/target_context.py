"""Target sentiment with contextual features from all-MiniLM-L6-v2's first layers: the default head over the lexical
model.

``FRAMING_TARGET_ENCODER`` (default ``minilm``) wraps the lexical TargetSentiment of target_sentiment.py in
``TargetContext``; ``off`` keeps the lexical model alone; ``targets`` (the budget setting) gives the head to the
caller's targets and the actors they name only, the other actors the pipeline finds keeping the lexical model
(``scope``), so an article without targets runs no transformer (docs/sentiment.md "Settings": its cost and
accuracy). The encoder is the first 3 transformer layers of all-MiniLM-L6-v2, shipped compact as
lexicons/models/minilm_l3.npz (tools/export_compact_encoder.py; sha256 pinned in the head's header) and run by
encoder.MiniLM.load_compact: no optional package, 34 MB in memory. Why 3 layers:
the states after layer 3 predict target sentiment better than the model's last layer (cross-validated macro-F1
0.733 vs 0.721 on NewsMTSC train) at half the cost; tools/train_target_context.py LAYERS_HOW has the sweep. Per
target mention, the head reads three feature groups:

- ``tgt``: the mean layer-3 state over the wordpieces of the words the target overlaps, in the sentence holding the
  target's head (the sentence's mean state when the target lies past the encoder's 256 wordpieces);
- ``sent``: the sentence's mean-pooled, L2-normalised layer-3 state;
- ``ship``: the log-probabilities (negative, neutral, positive) of the lexical model, unchanged.

Standardised, they feed a multinomial logistic regression trained on NewsMTSC train by tools/train_target_context.py
and shipped as lexicons/models/target_context_minilm.json (its header: provenance, C, CV figure, band). The encoder
runs once per distinct sentence of a Doc, every target of that sentence read from the same states (a bounded cache
per Doc, dropped with it); the pipeline may call ``prepare`` with all mention spans first to batch the sentences.

The result has the lexical model's shape (score = P(positive) - P(negative) of the head, label the head's most
probable class (``label_rule``), probabilities, in_quote, evidence, words) plus ``model`` ("minilm-context") and
``encoder_share``: the encoder features' part of the head's positive-vs-negative log-odds, |e| / (|e| + |l|), with
e the summed contribution of the ``tgt`` and ``sent`` groups and l that of the ``ship`` group (standardised
features have mean 0 on the training targets, so each part is its distance from the training mean, as
sentence_bias's share).
``evidence`` and ``words`` stay the lexical model's words and log-odds shares: the words a reader can check; the
encoder's part has no words and is stated by ``encoder_share``.

The lexical rule "a score that no shown word pulls its way is set to 0" (TargetSentiment.score): with the head it
applies only when ``encoder_share`` is below SUPPORT_RULE_MAX_SHARE, i.e. when the lexical model carries most of
the score; a score the encoder carries stands without words (see the constant for the measured cost of each
choice).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .states import DocStates
from .target_sentiment import (
    CLASSES,
    TargetSentiment,
    _resolve_span,
)

ENCODER_ENV = "FRAMING_TARGET_ENCODER"
ENCODER_KINDS = ("off", "targets", "minilm")
DEFAULT_KIND = "minilm"
# What each kind gives the head: every mention (actors found and caller targets), or caller targets and the actors
# they name (pipeline.actors_step).
SCOPES = {"minilm": "all", "targets": "targets"}
MODEL_FILE = "target_context_minilm.json"
MODEL_NAME = "minilm-context"


def load_target_model(lexical: TargetSentiment, models_dir: str | Path, kind: str | None = None):
    """Return the target sentiment scorer the settings ask for: a TargetContext (default) or ``lexical`` itself.

    ``kind``: "minilm", "targets" or "off"; default the FRAMING_TARGET_ENCODER environment variable, else "minilm";
    "targets" gives a TargetContext whose ``scope`` is "targets" (the pipeline scores its actors with ``lexical``,
    TargetContext.actor_scorer). The head reads its encoder from the compact file its header names (encoder_file,
    sha256-pinned), shipped beside it in ``models_dir``. Raises ValueError (unknown kind, head or encoder file
    missing or not the pinned one) with what to do, at start-up.
    """
    kind = (kind or os.environ.get(ENCODER_ENV) or DEFAULT_KIND).strip().lower()
    if kind not in ENCODER_KINDS:
        raise ValueError(f"{ENCODER_ENV}={kind!r}: expected one of {', '.join(ENCODER_KINDS)}")
    if kind == "off":
        return lexical
    path = Path(models_dir) / MODEL_FILE
    if not path.is_file():
        raise ValueError(f"{ENCODER_ENV}={kind}: the contextual head {path} is missing; train it with "
                         f"tools/train_target_context.py, or set {ENCODER_ENV}=off")
    import json

    from .encoder import MiniLM

    model = json.loads(path.read_text(encoding="utf-8"))
    header = model.get("header", {})
    _check_lexical_model(header, path.name, Path(models_dir) / "target_sentiment.json")
    enc_path = Path(models_dir) / header["encoder_file"]
    if not enc_path.is_file():
        raise ValueError(f"{ENCODER_ENV}={kind}: the head's encoder {enc_path} is missing; write it with "
                         f"tools/export_compact_encoder.py, or set {ENCODER_ENV}=off")
    return TargetContext(model, lexical, MiniLM.load_compact(enc_path, header["encoder_sha256"]), scope=SCOPES[kind])


def _check_lexical_model(header: dict, head_name: str, lexical_path: Path) -> None:
    """Refuse a head trained on another lexical model: its ``ship`` weights read that model's log-probabilities."""
    import hashlib

    want = header.get("lexical_model_sha256")
    have = hashlib.sha256(lexical_path.read_bytes()).hexdigest() if lexical_path.is_file() else None
    if want and want != have:
        raise ValueError(f"{ENCODER_ENV}=minilm: {head_name} was trained on another {lexical_path.name} "
                         f"(sha256 {want[:12]}, this one {str(have)[:12]}); retrain it with "
                         f"tools/train_target_context.py, or set {ENCODER_ENV}=off")


def target_vectors(states: np.ndarray, spans: list[tuple[int, int]], targets: list[tuple[int, int]]):
    """Return (``tgt`` rows, ``sent`` vector) of one sentence from MiniLM.token_states' output.

    ``targets``: (start, end) character offsets in the sentence text. A target's row is the mean state over the
    wordpieces of the words it overlaps; the sentence's (unnormalised) mean state when there is none (truncated).
    """
    pooled = states.mean(0)
    sent = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    lo_w = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    hi_w = np.fromiter((e for _, e in spans), dtype=np.int64, count=len(spans))
    rows = np.empty((len(targets), states.shape[1]), dtype=np.float32)
    for k, (lo, hi) in enumerate(targets):
        sel = (lo_w < hi) & (hi_w > lo) & (lo_w >= 0)
        rows[k] = states[sel].mean(0) if sel.any() else pooled
    return rows, sent.astype(np.float32)


class TargetContext(TargetSentiment):
    """TargetSentiment's interface, scored by the contextual head over the lexical model (module docstring)."""

    # The "no supporting word -> 0" rule applies when the encoder's share is below this: while the lexical model
    # carries most of the score its rule holds; a score the encoder carries stands without words (encoder_share
    # says so). NewsMTSC macro-F1 with the band (tools/train_target_context.py, the shipped 3-layer head,
    # 2026-11-30): rule always rw-dev 0.688 / mt-dev 0.672; below share 0.5 (chosen) 0.693 / 0.663; never 0.693 /
    # 0.663 (the 6-layer head it replaced: 0.691 / 0.654, 0.697 / 0.647, 0.697 / 0.647). The choices differ by less
    # than either interval (±0.05).
    SUPPORT_RULE_MAX_SHARE = 0.5
    # How a label is read (the head file's "label_rule", written by tools/train_target_context.py LABEL_RULE, which
    # has the figures): "argmax", the head's most probable class (for several mentions, the class of their weighted
    # mean probabilities, whose positive-minus-negative is the mean score, so the label never has the other sign);
    # "band", the lexical model's rule (neutral inside +-band, else the score's sign). A score set to 0 by the
    # support rule reads neutral under both. A file without the key is read with the band, as before it existed.
    LABEL_RULES = ("argmax", "band")

    def __init__(self, model: dict, lexical: TargetSentiment, encoder, states: DocStates | None = None,
                 scope: str = "all"):
        # Not TargetSentiment.__init__: the lexical model is wrapped, not rebuilt; evidence rules are shared.
        # ``states``: the per-Doc token states this head reads (states.py), shared with the sentence-bias head
        # when both read the same encoder; a DocStates of its own otherwise.
        # ``scope``: "all" (the head scores every mention) or "targets" (caller targets only; actor_scorer).
        if scope not in ("all", "targets"):
            raise ValueError(f"contextual head: scope {scope!r} is not 'all' or 'targets'")
        self.scope = scope
        self.lexical = lexical
        self.encoder = encoder
        self.states = states if states is not None else DocStates(encoder)
        if self.states.encoder is not encoder:
            raise ValueError("contextual head: the shared token states come from another encoder")
        self.header = model.get("header", {})
        classes = tuple(model["classes"])
        if set(classes) != set(CLASSES):
            raise ValueError(f"contextual head classes {classes} are not {CLASSES}")
        order = [classes.index(c) for c in CLASSES]
        self.groups = list(model["groups"])
        dims = [int(g["dim"]) for g in self.groups]
        self.mean = np.asarray(model["mean"], dtype=np.float64)
        self.scale = np.asarray(model["scale"], dtype=np.float64)
        coef = np.asarray(model["coef"], dtype=np.float64)[order]
        self.intercept = np.asarray(model["intercept"], dtype=np.float64)[order]
        if coef.shape != (3, sum(dims)) or self.mean.shape != (sum(dims),) or self.scale.shape != (sum(dims),):
            raise ValueError(f"contextual head: coef {coef.shape}, mean {self.mean.shape}, scale {self.scale.shape} "
                             f"do not match groups of {sum(dims)} dims")
        self.coef = coef / self.scale  # standardisation folded into the weights
        self.bias = self.intercept - self.coef @ self.mean
        names = [g["name"] for g in self.groups]
        if names != ["tgt", "sent", "ship"] or dims[0] != encoder.dim or dims[1] != encoder.dim or dims[2] != 3:
            raise ValueError(f"contextual head groups {names} {dims} do not fit encoder dim {encoder.dim}")
        self._enc_cols = slice(0, dims[0] + dims[1])
        self._ship_cols = slice(dims[0] + dims[1], sum(dims))
        band = model.get("neutral_band") or {}
        self.neutral_band_one = float(band["one_mention"])
        self.neutral_band = float(band.get("value", self.neutral_band_one))
        self.label_rule = model.get("label_rule", "band")
        if self.label_rule not in self.LABEL_RULES:
            raise ValueError(f"contextual head: label_rule {self.label_rule!r} is not one of {self.LABEL_RULES}")
        self.not_evidence = lexical.not_evidence
        self.valences = lexical.valences
        self.weights = lexical.weights

    def describe(self) -> dict:
        """Return the head's provenance, the lexical model's, and the bands, for /api/v1/lexicons."""
        keys = ("name", "description", "source", "source_url", "license", "version", "trained", "n_train_targets",
                "encoder_sha256", "cv")
        return {**{k: self.header[k] for k in keys if k in self.header}, "model": MODEL_NAME, "encoder": "minilm",
                "lexical": self.lexical.describe(),
                "neutral_band": {"one_mention": self.neutral_band_one, "several_mentions": self.neutral_band},
                "label_rule": self.label_rule, "scope": self.scope}

    @property
    def actor_scorer(self):
        """The scorer of the actors the pipeline finds: this head, or with scope "targets" the lexical model (the
        pipeline still gives the head to the actors a caller's target names)."""
        return self if self.scope == "all" else self.lexical

    # ---------------------------------------------------------------- encoder states, once per sentence

    def prepare(self, doc, spans) -> None:
        """Encode, in batches, the sentences holding these (start, end) spans that are not encoded yet."""
        bounds = {}
        for start, end in spans:
            try:
                resolved = _resolve_span(doc, int(start), int(end))
            except (TypeError, ValueError, IndexError):
                continue
            if resolved is not None:
                sent = resolved[1]
                bounds.setdefault(sent.start_char, sent.end_char)
        self.states.prepare(doc, bounds.items())

    def _vectors(self, doc, start: int, end: int):
        resolved = _resolve_span(doc, start, end)
        if resolved is None:
            return None
        tspan, sent = resolved
        hit = self.states.get(doc, sent.start_char, sent.end_char)
        base = sent.start_char
        tgt, vec = target_vectors(hit[0], hit[1], [(tspan.start_char - base, tspan.end_char - base)])
        return tgt[0], vec

    # ---------------------------------------------------------------- scoring

    def details(self, doc, start: int, end: int, quotes=()):
        """Return (head probabilities in CLASSES order, lexical {token: log-odds share}, in_quote, encoder share),
        or None when the span overlaps no token."""
        raw = self.lexical.raw_score(doc, start, end, quotes)
        if raw is None:
            return None
        probs, contrib, in_quote = raw
        vecs = self._vectors(doc, int(start), int(end))
        if vecs is None:
            return None
        ship = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-6, 1.0))
        x = np.concatenate([vecs[0].astype(np.float64), vecs[1].astype(np.float64), ship])
        parts = self.coef * x  # (3, dims)
        logits = parts.sum(1) + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        # Each group's part of the positive-vs-negative log-odds, measured from the training mean (the
        # standardised features' 0): (coef/scale) (x - mean) summed over the group's columns.
        d = (self.coef[2] - self.coef[0]) * (x - self.mean)
        enc, lex = abs(float(d[self._enc_cols].sum())), abs(float(d[self._ship_cols].sum()))
        share = enc / (enc + lex) if enc + lex > 0 else 0.0
        return [float(v) for v in p], contrib, in_quote, share

    def raw_score(self, doc, start: int, end: int, quotes=()):
        """Return (head probabilities, lexical {token index: log-odds share}, in_quote) or None, as the lexical
        model's raw_score (the head's output before any reading rule)."""
        out = self.details(doc, start, end, quotes)
        return None if out is None else out[:3]

    def score(self, doc, start: int, end: int, quotes=()) -> dict:
        """Score sentiment toward doc.text[start:end] as TargetSentiment.score, with the contextual head."""
        out = self.details(doc, start, end, quotes)
        if out is None:
            return {**self._neutral(), "encoder_share": 0.0, "model": MODEL_NAME}
        probs, contrib, in_quote, share = out
        result = self.reading(doc, probs, contrib, in_quote, support_rule=share < self.SUPPORT_RULE_MAX_SHARE)
        if self.label_rule == "argmax":
            result["label"] = _most_probable(probs, result["score"])
        return {**result, "encoder_share": round(share, 3), "model": MODEL_NAME}

    def aggregate(self, scored: list[dict]) -> dict:
        """TargetSentiment.aggregate with the head's label rule (``label_rule``), plus ``probabilities`` and
        ``encoder_share`` (the mentions' weighted means, quoted mentions weighing QUOTED_WEIGHT as in the score) and
        ``model``; the support rule applies to the mean as to one mention (SUPPORT_RULE_MAX_SHARE)."""
        weights = [self.QUOTED_WEIGHT if s.get("in_quote") else 1.0 for s in scored]
        wsum = sum(weights)
        share = sum(w * float(s.get("encoder_share", 0.0)) for w, s in zip(weights, scored)) / wsum if scored else 0.0
        out = super().aggregate(scored, support_rule=share < self.SUPPORT_RULE_MAX_SHARE)
        if scored:
            mean = [sum(w * float(s["probabilities"][c]) for w, s in zip(weights, scored)) / wsum for c in CLASSES]
            out["probabilities"] = {c: round(p, 4) for c, p in zip(CLASSES, mean)}
            if self.label_rule == "argmax":
                out["label"] = _most_probable(mean, out["score"])
        out["encoder_share"] = round(share, 3)
        out["model"] = MODEL_NAME
        return out


def _most_probable(probs, score: float) -> str:
    """Return the most probable class of ``probs`` (CLASSES order); neutral when the reading set the score to 0
    (the support rule) or on a tie with neutral."""
    if score == 0:
        return "neutral"
    k = max(range(3), key=lambda i: (probs[i], i == 1))
    return CLASSES[k]
