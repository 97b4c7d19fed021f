"""Experiment: do target-aware dense features from the shipped static word vectors help target sentiment?

    OMP_NUM_THREADS=1 .venv/bin/python bench/ts_dense_experiment.py [--cache DIR] [--configs "CONFIG;CONFIG..."]

Adds to the shipped model's features (service/analysis/target_sentiment.extract_features) dense groups built from
lexicons/models/minilm_static.npz (the default sentence encoder's wordpiece table, service/analysis/encoder.py): a
word's vector is the SIF-weighted mean of its wordpieces' rows; a group is a weighted mean of the vectors of the
sentence's *evidence words* (evidence_word: content words a reader may be shown, never names or the target), so
every dense contribution to a score splits exactly over shown words, as the lexical features do. Groups:

- ``left`` / ``right``: words left / right of the target in its sentence, weight 1 / token distance;
- ``dep``: every word of the sentence, weight 1 / dependency distance to the target's head; ``dep_agent``,
  ``dep_patient``, ``dep_other``: the same vector in the block of the target's role class (ROLE_CLASS), zeros in
  the others;
- ``gov``: the governing predicate (target_sentiment._role_index), sign-flipped when negated; ``gov_agent`` ...
  by role class as for dep;
- ``anc``: the words on the dependency path from the target's head to the root, weight 1 / edges;
- ``sent``: the unweighted sentence mean.

A config is ``groups@scale[/C]``: comma-separated groups (``all`` = the first five, ``base`` = none), the scale the
groups are multiplied by after dividing by the RMS norm of the words' vectors, and optionally C.

Model selection as tools/train_target_sentiment.py: 5-fold cross-validation on NewsMTSC train grouped by sentence
(same folds, seed 13), C 0.1 and no class weight (the shipped setting). rw-dev and mt-dev are scored once per config
by a model fitted on all of train, directly (not through analyze) and three ways: argmax; the one-mention neutral
band fitted on train out-of-fold scores (the reading TargetSentiment.label_for gives a single mention); and two
bands, one per sign, fitted the same way (a label still read from the score alone).
Writes the figures as JSON to bench/out/ts_dense_experiment.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.analysis.target_sentiment import (  # noqa: E402
    CLASSES,
    _resolve_span,
    _role_index,
    _Valences,
    _view,
    evidence_word,
)
from tools import train_target_sentiment as tts  # noqa: E402

GROUPS = ("left", "right", "dep", "gov", "sent", "anc", "gov_agent", "gov_patient", "gov_other", "dep_agent",
          "dep_patient", "dep_other")
# Role classes for the role-crossed groups: the one acting vs the one acted upon (the shipped model's roles).
ROLE_CLASS = {"subj": "agent", "agent": "agent", "obj": "patient", "passsubj": "patient"}


class WordVectors:
    """Per-word vectors from the static table, divided by the RMS norm of the words seen (a unit-free scale)."""

    def __init__(self):
        from service.analysis.encoder import StaticEncoder
        from service.analysis.sentence_bias import STATIC_FILE, STATIC_SHA256

        self.enc = StaticEncoder.load(ROOT / "lexicons" / "models" / STATIC_FILE, STATIC_SHA256)
        self.cache: dict[str, np.ndarray] = {}
        self.dim = self.enc.dim

    def __call__(self, word: str) -> np.ndarray:
        v = self.cache.get(word)
        if v is None:
            ids = self.enc.token_ids(word)
            if not ids:
                v = np.zeros(self.dim, dtype=np.float32)
            else:
                w = self.enc.weights[ids] * self.enc.scale[ids]
                v = w @ self.enc.vectors[ids].astype(np.float32) / max(float(self.enc.weights[ids].sum()), 1e-9)
            self.cache[word] = v
        return v


def dense_groups(doc, start, end, wv: WordVectors, skip) -> dict[str, np.ndarray]:
    """Return {group: vector} for one target (zeros where a group has no word)."""
    zero = np.zeros(wv.dim, dtype=np.float32)
    resolved = _resolve_span(doc, start, end)
    if resolved is None:
        return {g: zero for g in GROUPS}
    tspan, sent = resolved
    v = _view(doc)
    head, t_lo, t_hi = tspan.root.i, tspan.start, tspan.end
    acc = {g: [zero.copy(), 0.0] for g in GROUPS}

    def put(g, vec, a):
        acc[g][0] += a * vec
        acc[g][1] += a

    role, gov = _role_index(v, head)
    rc = ROLE_CLASS.get(role, "other")
    anc = {a: k for k, a in enumerate(v.ancestor_list(head), 1)}
    for i in range(sent.start, sent.end):
        if t_lo <= i < t_hi or not evidence_word(v, i, skip):
            continue
        vec = wv(v.lower[i])
        if i < t_lo:
            put("left", vec, 1.0 / (t_lo - i))
        else:
            put("right", vec, 1.0 / (i - t_hi + 1))
        put("dep", vec, 1.0 / max(v.path_distance(head, i), 1))
        put("dep_" + rc, vec, 1.0 / max(v.path_distance(head, i), 1))
        put("sent", vec, 1.0)
        if i in anc:
            put("anc", vec, 1.0 / anc[i])
        if i == gov:
            put("gov", -vec if v.negated(i) else vec, 1.0)
            put("gov_" + rc, -vec if v.negated(i) else vec, 1.0)
    return {g: (s / a if a > 0 else zero) for g, (s, a) in acc.items()}


def featurize_dense(docs, rows, wv, skip):
    out = {g: [] for g in GROUPS}
    for doc, row in zip(docs, rows):
        for t in row["targets"]:
            d = dense_groups(doc, t["from"], t["to"], wv, skip)
            for g in GROUPS:
                out[g].append(d[g])
    return {g: np.vstack(v) for g, v in out.items()}


def asym_label(score, neg_band, pos_band):
    """Label from the score alone with separate bands for the two signs (positive wins a tie at 0)."""
    return np.where(score >= pos_band, 2, np.where(score <= -neg_band, 0, 1))


def fit_asym_band(y, score):
    """Return ((neg band, pos band), macro-F1) maximising out-of-fold macro-F1 over BAND_GRID x BAND_GRID."""
    best = ((0.0, 0.0), -1.0)
    for nb in tts.BAND_GRID:
        for pb in tts.BAND_GRID:
            f = tts.macro_f1(y, asym_label(score, nb, pb))
            if f > best[1] + 1e-12:
                best = ((nb, pb), f)
    return best


def build(Xs, D, groups, scale):
    import scipy.sparse as sp

    if not groups:
        return Xs.tocsr()
    return sp.hstack([Xs] + [sp.csr_matrix(D[g] * scale) for g in groups]).tocsr()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/evaldata/newsmtsc"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ts_dense/cache"), help="parsed-DocBin cache (train.spacy)")
    ap.add_argument("--dev-cache", type=Path, default=Path("/tmp/ts_dense/cache"))
    ap.add_argument("--configs", default="base;all@1;all@3;left,right,gov@1;dep,gov@1")
    ap.add_argument("--C", type=float, default=0.1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ts_dense_experiment.json")
    args = ap.parse_args(argv)

    from sklearn.feature_extraction import DictVectorizer

    from service.analysis import load_resources

    nlp = load_resources().nlp
    lexicon = _Valences(tts.load_vader_lexicon(ROOT / "lexicons"))
    skip = frozenset(tts.load_not_evidence(ROOT / "lexicons"))
    wv = WordVectors()
    data = {}
    for split, cache in (("train", args.cache / "train.spacy"), ("rw-dev", args.dev_cache / "rw-dev.spacy"),
                         ("mt-dev", args.dev_cache / "mt-dev.spacy")):
        t0 = time.perf_counter()
        docs, rows = tts.load_split(args.data / f"{split}.jsonl", nlp, cache)
        feats, y, groups = tts.featurize(docs, rows, lexicon, skip)
        D = featurize_dense(docs, rows, wv, skip)
        data[split] = (feats, y, groups, D)
        print(f"{split}: {len(y)} targets, featurized in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    # RMS norm of the words' vectors: dense features divided by it are unit-free (the scale is the config's).
    rms = float(np.sqrt(np.mean([float(v @ v) for v in wv.cache.values()])))
    print(f"word-vector RMS norm {rms:.4f} over {len(wv.cache)} words", file=sys.stderr)
    feats, y, groups, D = data["train"]
    # As the trainer: sparse lemma and path features seen in fewer than MIN_FEATURE_COUNT training targets dropped.
    feats = tts.prune(feats)
    vec = DictVectorizer(sparse=True, sort=True)
    Xs = vec.fit_transform(feats)
    dev = {s: (vec.transform(data[s][0]), data[s][1], data[s][3]) for s in ("rw-dev", "mt-dev")}

    results = []
    for spec in args.configs.split(";"):
        spec, _, c = spec.partition("/")
        C = float(c or args.C)
        name, _, sc = spec.partition("@")
        gs = tuple(g for part in name.split(",") for g in (() if part == "base" else GROUPS[:5] if part == "all"
                                                             else (part,)))
        scale = float(sc or 1.0) / rms
        X = build(Xs, D, gs, scale)
        t0 = time.perf_counter()
        f1, acc, oof = tts.cross_validate(X, y, groups, C, None)
        one, f1_band = tts.fit_band([(CLASSES[g], x) for g, x in zip(y, oof)])
        (nb, pb), f1_asym = fit_asym_band(y, oof)
        clf = tts.fit(X, y, C, None)
        row = {"config": spec, "C": C, "cv_macro_f1": round(f1, 4), "cv_acc": round(acc, 4), "band_one": one,
               "cv_macro_f1_band": round(f1_band, 4), "asym_bands": [nb, pb], "cv_macro_f1_asym": round(f1_asym, 4)}
        for s, (Xd, yd, Dd) in dev.items():
            P = clf.predict_proba(build(Xd, Dd, gs, scale))
            score = P[:, 2] - P[:, 0]
            row[f"{s}_argmax"] = round(tts.macro_f1(yd, P.argmax(1)), 4)
            row[f"{s}_band"] = round(tts.macro_f1(yd, np.array([tts.band_label(x, one) for x in score])), 4)
            row[f"{s}_asym"] = round(tts.macro_f1(yd, asym_label(score, nb, pb)), 4)
        row["seconds"] = round(time.perf_counter() - t0)
        results.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"C": args.C, "rms": rms, "results": results}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
