"""Experiment: gate extra opinion-word hits by a contextual classifier on the encoder's token states (issue 14, spans).

Run from the repo root: ``OMP_NUM_THREADS=1 .venv/bin/python bench/ctx_span_experiment.py [--boot 1000]``. Prints
a table and writes bench/out/ctx_span_experiment.json (gitignored). The layer-3 token states of every BASIL sentence
holding a candidate are cached under /tmp/ctxspan/ (keyed by the encoder file's sha256 and the sentence text), so
reruns skip the encoder. BASIL (Fan et al., EMNLP 2019) is research-use only: this script reads it from
shared/evaldata and writes numbers (and counts per public Hu & Liu / Recasens term), never BASIL text.

Measure: bench/basil_lexicon.py's, unchanged: each BASIL sentence is parsed alone (load_basil, parse); a lexical-bias
("lex") span is touched when a flag overlaps it; flags per 1,000 words = flags / words (tokens neither punctuation
nor space). Final figures are checked against basil_lexicon.evaluate itself (a wrapper matcher returns each
sentence's flags); a vectorised copy is used to search the grid.

Lever: the service already runs the first 3 layers of all-MiniLM-L6-v2 (lexicons/models/minilm_l3.npz,
MiniLM.load_compact with the sha256 the target head pins) over every sentence; a per-occurrence classifier on those
states needs no extra encoder pass.
- Flags = every match of the shipped lexicons/loaded_terms.tsv (always kept) UNION the gated candidates.
- Candidates: matches (one TokenMatcher over Hu & Liu 2004 ∪ Recasens et al. 2013's bias lexicon, per sentence, as
  evaluate matches) that overlap no shipped match of their sentence.
- Features per candidate: ``tgt``, its word vector (target_context.target_vectors on MiniLM.token_states of the
  sentence: mean layer-3 state of the wordpieces of the words it overlaps; 384), ``sent``, the sentence's
  L2-normalised mean state (384), and 5 type features: Hu & Liu positive, Hu & Liu negative, in Recasens, the match's
  word (token) count, inside quotation marks (quotes.find_quotes on the sentence alone; inside a quote's inner span).
  Standardised on the training rows. No lexicon identity.
- Label: the candidate overlaps a lex span of its sentence.
- Model: sklearn LogisticRegression (L2, class_weight None, lbfgs), C in {0.01, 0.03, 0.1, 0.3, 1}. Variant "type
  only": the same without the 768 encoder columns (5 columns), to show the encoder's part.
- (C, T): 5-fold cross-validation inside the training years, folds grouped by BASIL event (span_experiment.event_folds);
  each training candidate gets the probability of the model fitted without its fold; choose (C, T) with the highest
  pooled held-out span recall (shipped ∪ candidates with p >= T) with pooled held-out flags <= 8 per 1,000 words
  (ties: fewer flags, then smaller C). The model is then refitted on all training years with C; T is kept.
- Protocol 1 (decides): train 2010-2012, one evaluation on 2013-2014: recall, flags per 1,000 words, precision of
  the added flags, paired recall difference vs the shipped list alone and vs Hu & Liu, 95% percentile bootstrap over
  test articles (1,000 resamples, seed 0; span_sentence_experiment.summary).
- Protocol 2 (support): leave one year out over 2010-2014, the same choice inside the 4 training years; test years
  pooled, beside the shipped list (which was partly curated by reading 2010-2012 spans: its figures there are
  optimistic).

Bar (pre-registered, written before any run; the row that decides is the encoder model, "ctx"): ship-worthy only if
BOTH protocol 1 recall >= 0.32 at <= 10 flags per 1,000 words with the paired 95% interval of (gated - shipped)
recall above 0, AND protocol 2's pooled recall beats the shipped list's pooled recall at <= 10 pooled flags. If the
first run misses, at most two further variants may be reported, labelled post hoc; the verdict stays the first run's.

Results (2026-11-30, one run, --boot 1000, 118 s with the states cached; encoding the 3,770 sentences holding a
candidate took 31 s once). 19,361 candidates in 2010-2014, 116 inside a lex span (0.60%); 2010-2012: 11,299 / 69;
2013-2014: 8,062 / 47. Recall [95%] / flags per 1,000 words [95%] / paired recall difference vs shipped [95%]:

  Protocol 1 (train 2010-2012, test 2013-2014: 60 articles, 91 spans)
    shipped alone   0.253 [0.177, 0.329]   4.92 [4.12, 5.81]
    Hu & Liu alone  0.505 [0.412, 0.597]  58.69 [55.21, 62.31]  +0.253 [+0.149, +0.360]
    ctx             0.253 [0.177, 0.329]   5.25 [4.38, 6.23]  +0.000 [+0.000, +0.000]  C = 0.01, T = 0.1413;
                    13 flags added, 0 inside a span (precision 0.000); vs Hu & Liu -0.253 [-0.360, -0.149];
                    CV 0.617 / 7.99 (shipped 0.597 / 7.24 on 2010-2012); test AUC of the gate 0.741
    type only       0.253 [0.177, 0.329]   4.92 [4.12, 5.81]  +0.000 [+0.000, +0.000]  C = 0.01, T = off (no T
                    adds recall in CV within 8 flags); 0 added; test AUC 0.711
  Protocol 2 (leave one year out, 150 articles, 240 spans, pooled)
    shipped alone   0.467 [0.396, 0.542]   6.26 [5.51, 7.03]   (in-sample on 2010-2012)
    ctx             0.467 [0.396, 0.542]   7.45 [6.52, 8.40]  +0.000 [+0.000, +0.000]  112 added, 0 in a span;
                    (C, T) by held-out year 2010 (0.03, 0.1337), 2011 (0.3, 0.3673), 2012 (0.01, 0.0614),
                    2013 (0.01, 0.2049), 2014 (0.01, 0.2263)
    type only       0.467 [0.396, 0.542]   6.26 [5.51, 7.03]  +0.000 [+0.000, +0.000]  0 added (T off in 4 folds)

Bar: NOT cleared (ctx: protocol 1 fails, 0.253 with the difference's interval [0, 0]; protocol 2 fails, 0.467 is
not above 0.467). The type-only row fails both as well.

Reading: the encoder columns do rank candidates better than the type features (test AUC 0.741 vs 0.711; the type
model never finds a T that adds recall in CV), but far from well enough for the budget. Only 0.6% of candidates are
inside a span; in protocol 1's test years the first in-span candidate is the gate's 61st highest of 8,062 (the next
at ranks 90, 91, 93, 109), while the 8-flag CV budget leaves about 0.76 added flags per 1,000 words on 2010-2012
(shipped is at 7.24 there), about 30 flags on the test years. The CV choice (+3 spans in 2010-2012's pooled folds)
sits at a knife edge and does not transfer: every added flag in both protocols is outside a span. Diagnostics
printed by the run (added after the first run; they choose nothing): of the 68 test spans the shipped list misses,
40 are touchable by a candidate at all; with T read off 2013-2014 themselves (a ceiling, not a result) the ctx gate
reaches 0.330 at 9.90 flags (T = 0.0344), barely above 0.32 with the whole 10-flag budget.

Post hoc (chosen after seeing the test figures; the verdict stays the run above): --extra-budget 3 (constraint on
the CV added flags, <= 3 per 1,000 words, instead of all flags <= 8, since shipped's in-sample 7.24 flags on
2010-2012 eat most of the 8): protocol 1 is unchanged (same C = 0.01, T = 0.1413: the larger budget buys no more CV
recall), 0.253 / 5.25; protocol 2 ctx 0.487 [0.420, 0.560] at 8.84 [7.88, 9.83], +0.021 [+0.004, +0.040] vs
shipped, 243 added of which 7 in a span (precision 0.029; 6 of the 7 in the folds testing 2010 and 2014); type only
0.479 at 7.11, +0.013 [0.000, +0.033]. It would pass protocol 2 only; protocol 1 still fails. No second variant.
Nothing shipped.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import (
    DEFAULT_EVALDATA,
    ParsedBasil,
    bingliu_entries,
    evaluate,
    make_matcher,
    recasens_entries,
)
from bench.report import write_report
from bench.span_experiment import event_folds
from bench.span_sentence_experiment import fmt, summary, totals
from service.analysis.lexicon import load_lexicon
from service.analysis.quotes import find_quotes
from service.analysis.target_context import MODEL_FILE, target_vectors

YEARS = ("2010", "2011", "2012", "2013", "2014")
TRAIN, TEST = ("2010", "2011", "2012"), ("2013", "2014")
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
MAX_CV_FLAGS = 8.0
BAR_RECALL, BAR_FLAGS = 0.32, 10.0
CACHE = Path("/tmp/ctxspan")
SEED = 0
TYPE_NAMES = ("hl_pos", "hl_neg", "recasens", "words", "in_quote")


# --- encoder states, cached per sentence ------------------------------------------------------------------------------

def load_encoder():
    """The compact 3-layer MiniLM the target head pins (file and sha256 from its header), as load_target_model."""
    from service.analysis.encoder import MiniLM

    models = ROOT / "lexicons" / "models"
    header = json.loads((models / MODEL_FILE).read_text(encoding="utf-8"))["header"]
    return MiniLM.load_compact(models / header["encoder_file"], header["encoder_sha256"]), header["encoder_sha256"]


def sentence_states(texts: list[str]) -> dict[str, tuple[np.ndarray, list]]:
    """Return {text: (layer-3 states (n, 384), wordpiece word offsets)} for the texts, cached in /tmp/ctxspan/."""
    enc, sha = load_encoder()
    path = CACHE / f"states_{sha[:16]}.npz"
    have: dict[str, tuple[np.ndarray, list]] = {}
    if path.is_file():
        z = np.load(path, allow_pickle=False)
        keys, lens = list(z["keys"]), z["lens"]
        st, sp = z["states"], z["spans"]
        base = np.concatenate([[0], np.cumsum(lens)])
        for k, b, e in zip(keys, base[:-1], base[1:]):
            have[str(k)] = (st[b:e], [tuple(x) for x in sp[b:e].tolist()])
    key = {t: hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts}
    need = sorted({t for t in texts if key[t] not in have}, key=key.get)
    if need:
        t0 = time.time()
        for b in range(0, len(need), 256):
            batch = need[b:b + 256]
            for t, (s, sp) in zip(batch, enc.token_states(batch)):
                have[key[t]] = (s, sp)
        print(f"encoded {len(need)} sentences in {time.time() - t0:.1f} s")
        CACHE.mkdir(parents=True, exist_ok=True)
        ks = sorted(have)
        np.savez(path, keys=np.array(ks), lens=np.array([len(have[k][0]) for k in ks]),
                 states=np.concatenate([have[k][0] for k in ks]).astype(np.float32),
                 spans=np.concatenate([np.array(have[k][1], dtype=np.int64).reshape(-1, 2) for k in ks]))
    return {t: have[key[t]] for t in texts}


# --- corpus: shipped hits, candidates, features -----------------------------------------------------------------------

class Corpus(ParsedBasil):
    """BASIL 2010-2014 parsed once; per sentence the shipped matches and the candidates with their features."""

    def __init__(self, evaldata: Path):
        super().__init__(evaldata, YEARS)
        hl = bingliu_entries(evaldata)
        rc = recasens_entries(evaldata)
        self.hl_entries = hl
        pos = {e.term for e in hl if e.category == "pos"}
        neg = {e.term for e in hl if e.category == "neg"}
        rec = {e.term for e in rc}
        self.shipped = make_matcher(load_lexicon(ROOT / "lexicons" / "loaded_terms.tsv").entries, self.nlp)
        pool = make_matcher(hl + [e for e in rc if e.term not in pos | neg], self.nlp)
        n = len(self.arts)
        self.base, self.cand, self.doc_key = {}, {}, {}
        self.n_base = np.zeros(n)
        c_art, c_sent, c_match, c_type, c_y = [], [], [], [], []
        span_art, span_base, touch = [], [], []
        for a, (art, rows) in enumerate(zip(self.arts, self.parsed)):
            for si, (doc, forms, _) in enumerate(rows):
                self.doc_key[id(doc)] = (a, si)
                base = self.shipped.find(doc, forms)
                self.base[a, si] = base
                self.n_base[a] += len(base)
                lex = art.lex(si)
                sid0 = len(span_art)
                for s in lex:
                    span_art.append(a)
                    span_base.append(any(b.start < s.end and s.start < b.end for b in base))
                quotes = [(q.inner_start, q.inner_end) for q in find_quotes(art.sentences[si])]
                rows_here = []
                for m in pool.find(doc, forms):
                    if any(m.start < b.end and b.start < m.end for b in base):
                        continue  # the same flag as a shipped hit
                    r = len(c_art)
                    rows_here.append(r)
                    c_art.append(a)
                    c_sent.append(si)
                    c_match.append(m)
                    t = m.entry.term
                    c_type.append([float(t in pos), float(t in neg), float(t in rec), float(m.j - m.i),
                                   float(any(m.start < e and s < m.end for s, e in quotes))])
                    inside = False
                    for k, s in enumerate(lex):
                        if m.start < s.end and s.start < m.end:
                            touch.append((r, sid0 + k))
                            inside = True
                    c_y.append(inside)
                self.cand[a, si] = rows_here
        self.c_art, self.c_sent, self.c_match = np.array(c_art), np.array(c_sent), c_match
        self.X_type = np.array(c_type)
        self.y = np.array(c_y, dtype=int)
        self.span_art, self.span_base = np.array(span_art), np.array(span_base)
        self.touch = np.array(touch, dtype=int).reshape(-1, 2)
        self.n_spans = np.bincount(self.span_art, minlength=n)
        # encoder features
        texts = sorted({self.arts[a].sentences[si] for a, si in zip(c_art, c_sent)})
        states = sentence_states(texts)
        self.X_enc = np.zeros((len(c_art), 768), dtype=np.float32)
        for (a, si), rws in self.cand.items():
            if not rws:
                continue
            st, sp = states[self.arts[a].sentences[si]]
            tgt, sent = target_vectors(st, sp, [(c_match[r].start, c_match[r].end) for r in rws])
            self.X_enc[rws, :384] = tgt
            self.X_enc[rws, 384:] = sent

    def features(self, kind: str) -> np.ndarray:
        return np.hstack([self.X_enc, self.X_type]) if kind == "ctx" else self.X_type

    def span_act(self, p: np.ndarray) -> np.ndarray:
        """Each span's activation: +inf when a shipped hit touches it, else the highest p of the candidates
        touching it (-inf when none)."""
        act = np.full(len(self.span_art), -np.inf)
        if len(self.touch):
            np.maximum.at(act, self.touch[:, 1], p[self.touch[:, 0]])
        act[self.span_base] = np.inf
        return act

    def rows(self, p: np.ndarray, t: float) -> np.ndarray:
        """Per article (spans, spans touched, flags, words) with the candidates of p >= t added."""
        n = len(self.arts)
        act = self.span_act(p)
        hit = np.bincount(self.span_art, weights=act >= t, minlength=n)
        fl = self.n_base + np.bincount(self.c_art, weights=p >= t, minlength=n)
        return np.stack([self.n_spans.astype(float), hit, fl, self.words], 1)


class GatedMatcher:
    """A matcher for basil_lexicon.evaluate: a sentence's shipped matches plus its selected candidates."""

    def __init__(self, corpus: Corpus, selected: np.ndarray):
        self.c, self.sel = corpus, selected

    def find(self, doc, forms):
        a, si = self.c.doc_key[id(doc)]
        extra = [self.c.c_match[r] for r in self.c.cand[a, si] if self.sel[r]]
        return sorted(self.c.base[a, si] + extra, key=lambda m: m.start)


# --- model and choice -------------------------------------------------------------------------------------------------

def fit_predict(X: np.ndarray, y: np.ndarray, tr: np.ndarray, C: float) -> np.ndarray:
    """Fit on rows tr (standardised on them), return P(in span) for every row."""
    from sklearn.linear_model import LogisticRegression

    mu = X[tr].mean(0)
    sd = X[tr].std(0)
    sd[sd == 0] = 1.0
    Z = (X - mu) / sd
    clf = LogisticRegression(C=C, max_iter=5000)
    clf.fit(Z[tr], y[tr])
    return clf.predict_proba(Z)[:, 1]


def choose(c: Corpus, X: np.ndarray, train: np.ndarray, extra_budget: float | None = None) -> dict:
    """(C, T) by event-grouped 5-fold CV inside the training articles (module docstring).

    ``extra_budget`` (post hoc, --extra-budget): the constraint is on the added flags alone (<= this many per
    1,000 words) instead of all flags <= MAX_CV_FLAGS.
    """
    folds = event_folds(c, train)
    tr_rows = train[c.c_art]
    span_mask = train[c.span_art]
    spans = span_mask.sum()
    words = c.words[train].sum()
    base_flags = c.n_base[train].sum()
    best, curve = None, {}
    for C in C_GRID:
        p = np.full(len(c.y), -np.inf)
        for fm in folds:
            inner = tr_rows & ~fm[c.c_art]
            held = fm[c.c_art]
            p[held] = fit_predict(X, c.y, inner, C)[held]
        act = np.sort(c.span_act(p)[span_mask])
        ps = np.sort(p[tr_rows])
        ts = np.r_[np.unique(ps), np.inf]  # inf: no candidate added (shipped alone)
        rec = (spans - np.searchsorted(act, ts, side="left")) / spans
        fl = 1000 * (base_flags + len(ps) - np.searchsorted(ps, ts, side="left")) / words
        ok = fl <= MAX_CV_FLAGS if extra_budget is None else fl - 1000 * base_flags / words <= extra_budget
        i = max(np.flatnonzero(ok), key=lambda j: (rec[j], -fl[j]))
        curve[C] = {"cv_recall": float(rec[i]), "cv_flags": float(fl[i]), "T": float(ts[i]),
                    "cv_auc": auc_of(p[tr_rows], c.y[tr_rows])}
        if best is None or (rec[i], -fl[i]) > (best[0], -best[1]):
            best = (float(rec[i]), float(fl[i]), C, float(ts[i]))
    base_rec = float(c.span_base[span_mask].mean())
    return {"C": best[2], "T": best[3], "cv_recall": best[0], "cv_flags": best[1],
            "cv_shipped_recall": base_rec, "cv_shipped_flags": float(1000 * base_flags / words), "by_C": curve}


def auc_of(p: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


def run(c: Corpus, kind: str, train_years, test_years, extra_budget: float | None = None):
    """Choose (C, T) on the training years, refit, and return (selected candidates, p, choice)."""
    X = c.features(kind)
    train = np.isin(c.year, train_years)
    test = np.isin(c.year, test_years)
    ch = choose(c, X, train, extra_budget)
    p = fit_predict(X, c.y, train[c.c_art], ch["C"])
    sel = (p >= ch["T"]) & test[c.c_art]
    ch["test_auc"] = auc_of(p[test[c.c_art]], c.y[test[c.c_art]])
    return sel, p, ch


def check(c: Corpus, sel: np.ndarray, mask: np.ndarray, rows: np.ndarray) -> None:
    """basil_lexicon.evaluate on the masked articles must give the vectorised figures."""
    arts = [c.arts[a] for a in np.flatnonzero(mask)]
    parsed = [c.parsed[a] for a in np.flatnonzero(mask)]
    r = evaluate("x", GatedMatcher(c, sel), arts, parsed)
    rec, fl = totals(rows)
    assert abs(r["span_recall"] - rec) < 1e-9 and abs(r["hits_per_1000_words"] - fl) < 1e-9, (r, rec, fl)


def added(c: Corpus, sel: np.ndarray) -> dict:
    """The added flags: how many, the share inside a lex span, the terms most often added (public word lists)."""
    k = int(sel.sum())
    terms = Counter(c.c_match[r].entry.term for r in np.flatnonzero(sel))
    inside = Counter(c.c_match[r].entry.term for r in np.flatnonzero(sel & (c.y == 1)))
    return {"added": k, "in_span": int((sel & (c.y == 1)).sum()), "precision": float(c.y[sel].mean()) if k else None,
            "top_terms": [[t, n, inside[t]] for t, n in terms.most_common(12)]}


# --- main -------------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ctx_span_experiment.json")
    ap.add_argument("--extra-budget", type=float, default=None,
                    help="POST HOC variant: choose T with the CV added flags <= this per 1,000 words, instead of all "
                    "CV flags <= 8")
    args = ap.parse_args(argv)
    t0 = time.time()
    c = Corpus(args.evaldata)
    n = len(c.arts)
    print(f"corpus ready in {time.time() - t0:.1f} s: {n} articles, {len(c.span_art)} lex spans, "
          f"{len(c.y)} candidates ({c.y.sum()} inside a lex span)")
    none = np.zeros(len(c.y), dtype=bool)
    shipped_rows = c.rows(np.zeros(len(c.y)), np.inf)
    hl = make_matcher(c.hl_entries, c.nlp)

    def hl_rows(mask):
        out = []
        for a in np.flatnonzero(mask):
            r = evaluate("x", hl, [c.arts[a]], [c.parsed[a]])
            out.append([r["lex_spans"], round(r["span_recall"] * r["lex_spans"]), r["hits"], c.words[a]])
        return np.array(out, dtype=float)

    report = {"settings": {"C_grid": C_GRID, "max_cv_flags": MAX_CV_FLAGS, "extra_budget": args.extra_budget,
                           "type_features": TYPE_NAMES,
                           "candidates": len(c.y), "candidates_in_span": int(c.y.sum())},
              "protocol1": {}, "protocol2": {}}

    # Protocol 1
    te = np.isin(c.year, TEST)
    idx = np.random.default_rng(SEED).integers(0, te.sum(), size=(args.boot, te.sum()))
    sh_te = shipped_rows[te]
    check(c, none, te, sh_te)
    hl_te = hl_rows(te)
    p1 = {"shipped alone": summary(sh_te, sh_te, idx), "Hu & Liu alone": summary(hl_te, sh_te, idx)}
    for kind in ("ctx", "type only"):
        sel, p, ch = run(c, kind, TRAIN, TEST, args.extra_budget)
        rows = c.rows(np.where(sel, 1.0, 0.0), 0.5)[te]
        check(c, sel, te, rows)
        vs_hl = summary(rows, hl_te, idx)
        p1[kind] = {**summary(rows, sh_te, idx), "d_recall_vs_hl": vs_hl["d_recall"],
                    "d_recall_vs_hl_ci": vs_hl["d_recall_ci"], "choice": ch, **added(c, sel)}
    report["protocol1"] = p1
    print(f"\nProtocol 1: train 2010-2012, test 2013-2014 ({te.sum()} articles, {int(sh_te[:, 0].sum())} spans). "
          f"recall [95%]  flags/1kw [95%]  d recall vs shipped [95%, paired]  ({time.time() - t0:.0f} s)")
    for name, r in p1.items():
        print(f"  {name:16} {fmt(r)}")
        if "choice" in r:
            ch = r["choice"]
            print(f"  {'':16} C={ch['C']} T={ch['T']:.4f}  CV {ch['cv_recall']:.3f}/{ch['cv_flags']:.2f} (shipped "
                  f"{ch['cv_shipped_recall']:.3f}/{ch['cv_shipped_flags']:.2f})  added {r['added']}, in span "
                  f"{r['in_span']}, precision {r['precision']}  vs Hu & Liu {r['d_recall_vs_hl']:+.3f} "
                  f"[{r['d_recall_vs_hl_ci'][0]:+.3f}, {r['d_recall_vs_hl_ci'][1]:+.3f}]  test AUC "
                  f"{ch['test_auc']:.3f}")

    # Diagnostics (added after the first run; they choose nothing): test spans the shipped list misses that a
    # candidate could touch at all, and the ceiling of protocol 1's models with T read off 2013-2014 themselves.
    ter = te[c.c_art]
    sm = te[c.span_art]
    touchable = np.isfinite(c.span_act(np.zeros(len(c.y)))[sm])
    diag = {"test_spans": int(sm.sum()), "touched_by_shipped": int(c.span_base[sm].sum()),
            "touchable_by_a_candidate_only": int(touchable.sum()), "test_candidates": int(ter.sum()),
            "test_candidates_in_span": int(c.y[ter].sum()), "oracle": {}}
    words_te, base_te = c.words[te].sum(), c.n_base[te].sum()
    for kind in ("ctx", "type only"):
        p = fit_predict(c.features(kind), c.y, np.isin(c.year, TRAIN)[c.c_art], p1[kind]["choice"]["C"])
        act = np.sort(c.span_act(np.where(ter, p, -np.inf))[sm])
        ps = np.sort(p[ter])
        ts = np.r_[np.unique(ps), np.inf]
        rec = (sm.sum() - np.searchsorted(act, ts, side="left")) / sm.sum()
        fl = 1000 * (base_te + len(ps) - np.searchsorted(ps, ts, side="left")) / words_te
        i = max(np.flatnonzero(fl <= BAR_FLAGS), key=lambda j: (rec[j], -fl[j]))
        ranks = np.flatnonzero(c.y[ter][np.argsort(-p[ter], kind="stable")])
        diag["oracle"][kind] = {"T": float(ts[i]), "recall": float(rec[i]), "flags": float(fl[i]),
                                "first_in_span_ranks": ranks[:5].tolist()}
    report["diagnostics"] = diag
    print(f"  diagnostics (post hoc, not a result): {json.dumps(diag)}")

    # Protocol 2
    idx2 = np.random.default_rng(SEED + 1).integers(0, n, size=(args.boot, n))
    p2 = {"shipped alone": summary(shipped_rows, shipped_rows, idx2)}
    for kind in ("ctx", "type only"):
        rows = np.zeros((n, 4))
        sel_all = np.zeros(len(c.y), dtype=bool)
        folds = {}
        for y in YEARS:
            m = c.year == y
            sel, p, ch = run(c, kind, [x for x in YEARS if x != y], [y], args.extra_budget)
            r = c.rows(np.where(sel, 1.0, 0.0), 0.5)
            rows[m] = r[m]
            sel_all |= sel
            rec, fl = totals(r[m])
            srec, sfl = totals(shipped_rows[m])
            folds[y] = {"C": ch["C"], "T": ch["T"], "cv_recall": ch["cv_recall"], "cv_flags": ch["cv_flags"],
                        "test_recall": float(rec), "test_flags": float(fl), "shipped_recall": float(srec),
                        "shipped_flags": float(sfl), "added": int(sel.sum()), "in_span": int((sel & (c.y == 1)).sum()),
                        "test_auc": ch["test_auc"]}
            print(f"  [{kind}] test {y}: {rec:.3f}/{fl:.2f} (shipped {srec:.3f}/{sfl:.2f}) C={ch['C']} "
                  f"T={ch['T']:.4f} added {folds[y]['added']} in span {folds[y]['in_span']} "
                  f"({time.time() - t0:.0f} s)")
        check(c, sel_all, np.ones(n, bool), rows)
        p2[kind] = {**summary(rows, shipped_rows, idx2), "folds": folds, **added(c, sel_all)}
    report["protocol2"] = p2
    print(f"\nProtocol 2: leave one year out, pooled ({n} articles, {int(shipped_rows[:, 0].sum())} spans)")
    for name, r in p2.items():
        print(f"  {name:16} {fmt(r)}" + (f"  added {r['added']}, precision {r['precision']}" if "added" in r
                                          else ""))

    verdict = {}
    for kind in ("ctx", "type only"):
        a, b = p1[kind], p2[kind]
        ok1 = a["recall"] >= BAR_RECALL and a["flags"] <= BAR_FLAGS and a["d_recall_ci"][0] > 0
        ok2 = b["recall"] > p2["shipped alone"]["recall"] and b["flags"] <= BAR_FLAGS
        verdict[kind] = {"protocol1": bool(ok1), "protocol2": bool(ok2), "cleared": bool(ok1 and ok2)}
    report["bar"] = verdict
    report["seconds"] = round(time.time() - t0, 1)
    print("\nBar (decides: ctx):", json.dumps(verdict))
    print(f"runtime {report['seconds']} s")
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
