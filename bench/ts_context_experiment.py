"""Experiment: do contextual target features from the MiniLM forward pass lift target sentiment?

    OMP_NUM_THREADS=1 .venv/bin/python bench/ts_context_experiment.py [--cache /tmp/ts_ctx] [--boot 1000]

Runs all-MiniLM-L6-v2 (service/analysis/encoder.MiniLM: its forward pass stopped before pooling, MiniLM._states_chunk,
so every token's last-layer state is kept) over NewsMTSC train, rw-dev and mt-dev and builds per-target feature
groups (each 384-d):

- ``tgt``: mean last-layer state over the target's wordpieces (char offsets mapped to wordpieces through
  WordPiece.word_spans, the words of BERT's basic tokenizer; a target past the 256-wordpiece truncation gets the sentence vector);
- ``sent``: the mean-pooled, L2-normalised sentence vector (what MiniLM.embed returns);
- ``mask_tgt`` / ``mask_sent``: a copy with the target's wordpieces replaced by one [MASK]: the [MASK] state and the
  copy's pooled vector (a target-specific sentence reading, blind to the name itself);
- ``mark_tgt`` / ``mark_sent``: a copy with the target wrapped in "[" ... "]": mean state over the target's
  wordpieces and the copy's pooled vector;
- ``ship``: log-probabilities of the shipped-style sparse model (tools/train_target_sentiment featurize + prune,
  C 0.1, no class weight, NewsMTSC only), out of fold on train (the same 5 folds), fitted on all of train for dev.

Each variant is a multinomial logistic regression on standardised dense groups (C from C_GRID by 5-fold
StratifiedGroupKFold by sentence, seed 13 -- the trainer's folds), scored on rw-dev and mt-dev by argmax and by
the shipped reading: symmetric neutral band on score = P(pos) - P(neg), fitted on the out-of-fold train scores.
The shipped model itself is scored on the same rows in the same run through bench/newsmtsc.score_rows (the API
path), and every variant's dev figure gets a 95% bootstrap interval by sentence and a paired interval of its
difference from the shipped model. Encoder outputs (feature groups, not full states) are cached as npz in --cache.
Writes bench/out/ts_context_experiment.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.analysis import encoder as E
from tools import train_target_sentiment as tts

SPLITS = ("train", "rw-dev", "mt-dev")
C_GRID = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
DIM = 384


# ---------------------------------------------------------------- target wordpieces (words: WordPiece.word_spans)

def encode_target(tok: E.WordPiece, words, lo: int, hi: int, mode: str):
    """Return (ids, target positions) for one sentence and target span [lo, hi); mode plain | mask | mark.

    plain: the sentence as is; mask: the target's words replaced by one [MASK]; mark: the target wrapped in [ ].
    Positions index into ids ([CLS] at 0); truncated to MAX_WORDPIECES with [SEP] kept. Empty when truncated away.
    """
    ids, pos = [tok.cls_id], []
    lb, rb = tok.vocab["["], tok.vocab["]"]
    mask_id = tok.vocab["[MASK]"]
    inside_prev = False
    for w, s, e in words:
        inside = s < hi and e > lo
        if mode == "mark" and inside and not inside_prev:
            ids.append(lb)
        if mode == "mark" and inside_prev and not inside:
            ids.append(rb)
        if inside and mode == "mask":
            if not inside_prev:
                pos.append(len(ids))
                ids.append(mask_id)
        else:
            wp = tok.word_ids(w)
            if inside:
                pos.extend(range(len(ids), len(ids) + len(wp)))
            ids.extend(wp)
        inside_prev = inside
    if mode == "mark" and inside_prev:
        ids.append(rb)
    ids = ids[:E.MAX_WORDPIECES - 1] + [tok.sep_id]
    pos = [p for p in pos if p < len(ids) - 1]
    return ids, pos


# ---------------------------------------------------------------- forward pass keeping token states (MiniLM._states_chunk)

def target_features(m: E.MiniLM, seqs: list[tuple[list[int], list[list[int]]]]):
    """Return (target rows, L2-normalised pooled vector per sequence, missed count) for (ids, [positions, ...]).

    Each positions list gives one target row, the mean state over those positions (the sequence's unnormalised
    pooled vector when empty: target truncated away). Sequences sorted by length and run in chunks of at most
    CHUNK_TOKENS wordpieces, as MiniLM.embed_ids.
    """
    offs = np.concatenate([[0], np.cumsum([len(p) for _, p in seqs])])
    tgt = np.zeros((int(offs[-1]), DIM), dtype=np.float32)
    pooled = np.zeros((len(seqs), DIM), dtype=np.float32)
    missed = 0
    for idx in E._chunks([ids for ids, _ in seqs]):
        x, starts, _ = m._states_chunk([seqs[i][0] for i in idx])
        for r, i in enumerate(idx):
            ids, plist = seqs[i]
            st = x[starts[r]:starts[r] + len(ids)]
            pooled[i] = st.mean(0)
            for q, pos in enumerate(plist):
                tgt[offs[i] + q] = st[pos].mean(0) if pos else pooled[i]
                missed += not pos
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
    return tgt, pooled, missed


def encode_split(m: E.MiniLM, rows: list[dict], cache: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Return the per-target feature groups of one split (cached) and the encoder timings."""
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        return {k: z[k] for k in z.files if k != "timing"}, json.loads(str(z["timing"]))
    feats, timing = {}, {}
    per_sentence = [m.tok.word_spans(r["sentence_normalized"]) for r in rows]
    # plain: one forward per sentence, every target of it read from the same states.
    t0 = time.perf_counter()
    seqs = []
    for r, words in zip(rows, per_sentence):
        ids = encode_target(m.tok, words, -1, -1, "plain")[0]
        seqs.append((ids, [encode_target(m.tok, words, t["from"], t["to"], "plain")[1] for t in r["targets"]]))
    feats["tgt"], pooled, timing["plain_missed"] = target_features(m, seqs)
    timing["plain_s"] = time.perf_counter() - t0
    owner = [k for k, r in enumerate(rows) for _ in r["targets"]]
    feats["sent"] = pooled[owner]
    targets = [(k, t) for k, r in enumerate(rows) for t in r["targets"]]
    for mode in ("mask", "mark"):
        t0 = time.perf_counter()
        s2 = []
        for k, t in targets:
            ids, pos = encode_target(m.tok, per_sentence[k], t["from"], t["to"], mode)
            s2.append((ids, [pos]))
        feats[f"{mode}_tgt"], feats[f"{mode}_sent"], timing[f"{mode}_missed"] = target_features(m, s2)
        timing[f"{mode}_s"] = time.perf_counter() - t0
    timing["sentences"], timing["targets"] = len(rows), len(targets)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **feats, timing=json.dumps(timing))
    return feats, timing


# ---------------------------------------------------------------- models and metrics

def grouped_cv(X, y, groups, C, folds=5):
    """Out-of-fold probabilities (CLASSES order) of a logistic regression on standardised X (the trainer's folds)."""
    from sklearn.model_selection import StratifiedGroupKFold

    P = np.zeros((len(y), 3))
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=tts.SEED)
    for tr, te in cv.split(X, y, groups):
        P[te] = fit_dense(X[tr], y[tr], C).predict_proba(X[te])
    return P


class _Std:
    """StandardScaler + LogisticRegression in one, no pipeline import needed."""

    def __init__(self, X, y, C):
        from sklearn.linear_model import LogisticRegression

        self.mu, self.sd = X.mean(0), X.std(0) + 1e-6
        self.clf = LogisticRegression(C=C, max_iter=3000, random_state=tts.SEED)
        self.clf.fit((X - self.mu) / self.sd, y)

    def predict_proba(self, X):
        return self.clf.predict_proba((X - self.mu) / self.sd)


def fit_dense(X, y, C):
    return _Std(X, y, C)


def band_pred(P, band):
    s = P[:, 2] - P[:, 0]
    return np.where(s >= band, 2, np.where(s <= -band, 0, 1))


def boot(y, preds: dict, sent, ref: str, n=1000, seed=13):
    """95% bootstrap intervals by sentence: each prediction's macro-F1, and its difference from ``ref``."""
    rng = np.random.default_rng(seed)
    uniq = np.unique(sent)
    members = {s: np.flatnonzero(sent == s) for s in uniq}
    draws = {k: [] for k in preds}
    diffs = {k: [] for k in preds}
    for _ in range(n):
        idx = np.concatenate([members[s] for s in rng.choice(uniq, len(uniq))])
        base = tts.macro_f1(y[idx], preds[ref][idx])
        for k, p in preds.items():
            f = tts.macro_f1(y[idx], p[idx])
            draws[k].append(f)
            diffs[k].append(f - base)
    q = lambda v: [round(float(np.percentile(v, 2.5)), 3), round(float(np.percentile(v, 97.5)), 3)]
    return {k: {"ci": q(draws[k]), "diff_vs_" + ref: round(float(np.mean(diffs[k])), 4), "diff_ci": q(diffs[k])}
            for k in preds}


def shipped_labels(rows_by_split, cache: Path) -> dict:
    """Labels of the shipped model through the API path (bench/newsmtsc.score_rows), cached."""
    if cache.exists():
        return json.loads(cache.read_text())
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from bench import newsmtsc as nb

    analyze = nb._analyze_entry_point()
    scorer = nb._api_scorer(analyze) if analyze is not None else nb._direct_scorer()
    out = {"path": "analyze" if analyze is not None else "direct"}
    vader = SentimentIntensityAnalyzer()
    for split in ("rw-dev", "mt-dev"):
        t0 = time.perf_counter()
        gold, _, pred, sent = nb.score_rows(rows_by_split[split], scorer, vader)
        out[split] = {"gold": gold, "pred": pred, "sentence": sent, "seconds": time.perf_counter() - t0}
    cache.write_text(json.dumps(out))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/evaldata/newsmtsc"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ts_ctx"))
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ts_context_experiment.json")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    log = lambda *a: print(*a, file=sys.stderr, flush=True)

    rows = {s: [json.loads(line) for line in (args.data / f"{s}.jsonl").open(encoding="utf-8")] for s in SPLITS}
    ys = {s: tts.labels(rows[s]) for s in SPLITS}
    sents = {s: np.array([k for k, r in enumerate(rows[s]) for _ in r["targets"]]) for s in SPLITS}

    # 1. encoder feature groups
    m = E.MiniLM.load()
    D, timing = {}, {}
    for s in SPLITS:
        t0 = time.perf_counter()
        D[s], timing[s] = encode_split(m, rows[s], args.cache / f"{s}.npz")
        log(f"{s}: {timing[s]} ({time.perf_counter() - t0:.0f} s incl. cache)")
    del m

    # 2. shipped-style sparse model: out-of-fold log-probs on train, fit-on-train for dev
    ship_cache = args.cache / "ship_logp.npz"
    if ship_cache.exists():
        z = np.load(ship_cache)
        ship = {s: z[s] for s in SPLITS}
        ship_cv = json.loads(str(z["cv"]))
    else:
        from sklearn.feature_extraction import DictVectorizer

        from service.analysis import load_resources
        from service.analysis.target_sentiment import _Valences

        nlp = load_resources().nlp
        lexicon = _Valences(tts.load_vader_lexicon(ROOT / "lexicons"))
        skip = frozenset(tts.load_not_evidence(ROOT / "lexicons"))
        F = {}
        for s in SPLITS:
            docs, _ = tts.load_split(args.data / f"{s}.jsonl", nlp, args.cache / f"{s}.spacy")
            F[s] = tts.featurize(docs, rows[s], lexicon, skip)[0]
        vec = DictVectorizer(sparse=True, sort=True)
        Xs = vec.fit_transform(tts.prune(F["train"]))
        ship, oofP = {}, np.zeros((len(ys["train"]), 3))
        from sklearn.model_selection import StratifiedGroupKFold

        cv = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=tts.SEED)
        for tr, te in cv.split(Xs, ys["train"], sents["train"]):
            oofP[te] = tts.fit(Xs[tr], ys["train"][tr], 0.1, None).predict_proba(Xs[te])
        ship["train"] = oofP
        clf = tts.fit(Xs, ys["train"], 0.1, None)
        for s in ("rw-dev", "mt-dev"):
            ship[s] = clf.predict_proba(vec.transform(F[s]))
        ship = {s: np.log(np.clip(P, 1e-6, 1)) for s, P in ship.items()}
        ship_cv = {"cv_argmax": tts.macro_f1(ys["train"], oofP.argmax(1))}
        np.savez(ship_cache, **ship, cv=json.dumps(ship_cv))

    # 3. shipped model through the API, same rows
    shipped = shipped_labels(rows, args.cache / "shipped_api.json")
    for s in ("rw-dev", "mt-dev"):
        gold = np.array([tts.CLASSES.index(g) for g in shipped[s]["gold"]])
        assert (gold == ys[s]).all(), "row order differs from the API run"
    log(f"shipped via {shipped['path']}: " + ", ".join(
        f"{s} {tts.macro_f1(ys[s], np.array([tts.CLASSES.index(p) for p in shipped[s]['pred']])):.4f}"
        for s in ("rw-dev", "mt-dev")))

    def groups_of(s, names):
        parts = []
        for g in names:
            parts.append(ship[s] if g == "ship" else D[s][g])
        return np.hstack(parts).astype(np.float64)

    variants = {
        "ship-retrained": ("ship",),
        "tgt+sent": ("tgt", "sent"),
        "tgt+sent+ship": ("tgt", "sent", "ship"),
        "mask+ship": ("mask_tgt", "mask_sent", "ship"),
        "mark+ship": ("mark_tgt", "mark_sent", "ship"),
        "tgt+sent+mask+ship": ("tgt", "sent", "mask_tgt", "mask_sent", "ship"),
        "tgt+sent+mark+ship": ("tgt", "sent", "mark_tgt", "mark_sent", "ship"),
    }
    results, preds = [], {s: {} for s in ("rw-dev", "mt-dev")}
    for s in ("rw-dev", "mt-dev"):
        preds[s]["shipped_api"] = np.array([tts.CLASSES.index(p) for p in shipped[s]["pred"]])
    for name, names in variants.items():
        t0 = time.perf_counter()
        X, y = groups_of("train", names), ys["train"]
        cvs = {}
        for C in C_GRID:
            P = grouped_cv(X, y, sents["train"], C)
            cvs[C] = (tts.macro_f1(y, P.argmax(1)), P)
        C = max(C_GRID, key=lambda c: cvs[c][0])
        f1, P = cvs[C]
        oof_score = P[:, 2] - P[:, 0]
        band, f1_band = tts.fit_band([(tts.CLASSES[g], x) for g, x in zip(y, oof_score)])
        clf = fit_dense(X, y, C)
        row = {"variant": name, "C": C, "dims": X.shape[1], "cv_argmax": round(f1, 4), "band": band,
               "cv_band": round(f1_band, 4), "cv_by_C": {str(c): round(v[0], 4) for c, v in cvs.items()}}
        for s in ("rw-dev", "mt-dev"):
            Pd = clf.predict_proba(groups_of(s, names))
            pa, pb = Pd.argmax(1), band_pred(Pd, band)
            preds[s][name + "/argmax"], preds[s][name + "/band"] = pa, pb
            row[f"{s}_argmax"] = round(tts.macro_f1(ys[s], pa), 4)
            row[f"{s}_band"] = round(tts.macro_f1(ys[s], pb), 4)
        row["seconds"] = round(time.perf_counter() - t0)
        results.append(row)
        log(json.dumps(row))
    intervals = {s: boot(ys[s], preds[s], sents[s], "shipped_api", n=args.boot) for s in ("rw-dev", "mt-dev")}
    shipped_f1 = {s: round(tts.macro_f1(ys[s], preds[s]["shipped_api"]), 4) for s in ("rw-dev", "mt-dev")}
    enc = {}
    for s in SPLITS:
        t = timing[s]
        enc[s] = {"plain_s_per_sentence": round(t["plain_s"] / t["sentences"], 4),
                  "missed": [t["plain_missed"], t["mask_missed"], t["mark_missed"]],
                  "mask_s_per_target": round(t["mask_s"] / t["targets"], 4),
                  "mark_s_per_target": round(t["mark_s"] / t["targets"], 4)}
    report = {"shipped_api": shipped_f1, "shipped_path": shipped["path"], "ship_retrained_cv": ship_cv,
              "results": results, "bootstrap": intervals, "encoder_cost": enc,
              "threads": os.environ.get("OMP_NUM_THREADS")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("shipped_api", "encoder_cost")}))
    for s in ("rw-dev", "mt-dev"):
        for k, v in intervals[s].items():
            print(s, k, v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
