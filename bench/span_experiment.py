"""Experiment: choose loaded terms with a word-type model that should transfer to unseen years (issue 14, spans).

Run from the repo root: ``.venv/bin/python bench/span_experiment.py [--boot 1000]``. Prints a table and writes
bench/out/span_experiment.json (gitignored). BASIL (Fan et al., EMNLP 2019) is research-use only: this script reads
it from shared/evaldata and writes numbers (and word lists from the public Hu & Liu / Recasens / curated pools),
never BASIL text.

Method ("model"): the candidate pool is every lemma/phrase of Hu & Liu 2004, Recasens et al. 2013 (bias lexicon) and
tools/curation/loaded_terms.txt. Each candidate has type features that exist for unseen words: its static MiniLM
vector (lexicons/models/minilm_static.npz), Hu & Liu positive / negative, Recasens, curated category, multiword,
wordpiece count and mean wordpiece weight (a frequency proxy). A logistic regression, fitted on the training
articles' occurrences of the candidates (label: the occurrence is inside a lexical-bias span; a type's k in-span
of n occurrences are k positive and n-k negative rows), predicts each candidate's in-span rate q. A candidate's score
is its posterior share s = (k + M * q) / (n + M) on the training articles (s = q for words the training articles
never use). Entries are the candidates with s >= T. (M, T) are chosen by 5-fold cross-validation grouped by event
inside the training years: highest pooled held-out-fold span recall with held-out-fold flags <= 8 per 1,000 words.

Protocols: 1) train 2010-2012, test 2013-2014; 2) leave one year out over 2010-2014. Compared with the shipped
lexicons/loaded_terms.tsv (fixed, built on 2010-2012, so only its 2013-2014 figures are out of sample), the curated
list re-pruned on the training years (tools/build_lexicons.py's rule, neighbours with the cosine cut chosen on the
training years as --tune-neighbours does) and Hu & Liu. Intervals: 95% percentile bootstrap over test articles.
Caveat: the curated list was partly written from reading 2010-2012 spans, so "curated" rows of folds testing 2010,
2011 or 2012 are not fully out of sample (that favours the curated list).

Variants: --no-curated-features (the model does not see curated membership; that feature carries the 2010-2012
leak into the model and into its CV), --wide (pool adds the other Recasens lists, loaded attribution verbs and
boosters), --base-curated (the model only adds entries to the pruned curated list). Bar fixed before the run: ship
only if protocol 1 gives recall >= 0.30 at <= 10 flags per 1,000 words AND protocol 2's pooled recall beats the
re-pruned curated list at similar or lower flags (read as <= 1.1 x its flags).

Results (2026-11-30, --boot 1000; recall / flags per 1,000 words; shipped 2013-2014: 0.253 / 4.9, Hu & Liu 0.505 /
58.7; curated re-pruned pooled LOYO 0.458 / 7.1):
  default                               P1 0.198 / 6.5   LOYO pooled 0.379 / 8.3
  --no-curated-features                 P1 0.231 / 6.7   LOYO pooled 0.292 / 7.6
  --no-curated-features --wide          P1 0.242 / 6.9   LOYO pooled 0.275 / 7.7
  --no-curated-features --base-curated  P1 0.286 / 6.0   LOYO pooled 0.479 / 7.9 (+0.021 [-0.012, +0.054] recall,
                                                         +0.8 [+0.3, +1.3] flags against the re-pruned curated list)
No variant clears the bar; the three after the default were tried after seeing its test figures. Nothing shipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import (  # noqa: E402
    DEFAULT_EVALDATA, ParsedBasil, bingliu_entries, make_matcher,
)
from service.analysis.lexicon import Entry, load_lexicon  # noqa: E402

YEARS = ("2010", "2011", "2012", "2013", "2014")
MAX_FLAGS = 8.0  # training-side budget (CV flags per 1,000 words), under the 10 to leave room on new data
M_GRID = (2.0, 8.0, 32.0, 128.0, 1e9)  # 1e9: the model alone, observed counts ignored
CV_FOLDS = 5
C_REG = 0.05  # logistic regression inverse regularisation (standardised features); fixed, not tuned
SEED = 13
# tools/build_lexicons.py rule for the re-pruned curated list
PRUNE_MIN_N, PRUNE_MAX_SHARE = 8, 0.02
NB_GRID = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6)


# --- data ----------------------------------------------------------------------------------------------------------

class Corpus(ParsedBasil):
    """All BASIL 2010-2014 articles parsed once, and every pool candidate's occurrences in them."""

    def __init__(self, evaldata: Path):
        super().__init__(evaldata, YEARS)
        self.spans = [a.lex() for a in self.arts]
        self.n_spans = np.array([len(s) for s in self.spans])
        self.span_base = np.concatenate([[0], np.cumsum(self.n_spans)])  # global span id = base[art] + index

    def occurrences(self, entries: list[Entry]):
        """Return arrays (entry, occurrence key, article) and (row, global span id) touch pairs.

        Each entry is matched on its own (so overlapping entries both count); an occurrence key identifies a token
        position, so two single-word entries matching the same token count as one flag.
        """
        single = defaultdict(list)
        multi = []
        for i, e in enumerate(entries):
            toks = tuple(t.lower_ for t in self.nlp.tokenizer(e.term))
            (single[toks[0]].append(i) if len(toks) == 1 else multi.append((i, e)))
        mm = make_matcher([Entry(e.term, str(i)) for i, e in multi], self.nlp)
        E, O, A, touch = [], [], [], []
        key = 0
        for a, (art, rows) in enumerate(zip(self.arts, self.parsed)):
            lex_all = self.spans[a]
            for si, (doc, forms, _) in enumerate(rows):
                lex = [(j, s) for j, s in enumerate(lex_all) if s.sent == si]
                found = []  # (entry, token index, start, end)
                for ti, (lower, lemma) in enumerate(forms):
                    ids = set(single.get(lower, ())) | (set(single.get(lemma, ())) if lemma != lower else set())
                    for i in ids:
                        found.append((i, ti, doc[ti].idx, doc[ti].idx + len(doc[ti])))
                for m in mm.find(doc, forms):
                    found.append((int(m.entry.category), m.i, m.start, m.end))
                for i, ti, st, en in found:
                    row = len(E)
                    E.append(i)
                    O.append(key + ti)
                    A.append(a)
                    for j, s in lex:
                        if st < s.end and s.start < en:
                            touch.append((row, self.span_base[a] + j))
                key += len(forms)
        touch = np.array(touch, dtype=int).reshape(-1, 2)
        return np.array(E, dtype=int), np.array(O, dtype=int), np.array(A, dtype=int), touch


class Table:
    """Fast approximate recall/flags of any subset of the pool on any subset of articles."""

    def __init__(self, corpus: Corpus, entries: list[Entry]):
        self.c = corpus
        self.entries = entries
        self.E, self.O, self.A, self.touch = corpus.occurrences(entries)
        self.row_in = np.zeros(len(self.E), dtype=bool)
        if len(self.touch):
            self.row_in[self.touch[:, 0]] = True

    def counts(self, art_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return per-entry (n, k): occurrences and occurrences inside a lex span, on the masked articles."""
        r = art_mask[self.A]
        n = np.bincount(self.E[r], minlength=len(self.entries))
        k = np.bincount(self.E[r & self.row_in], minlength=len(self.entries))
        return n, k

    def score(self, sel: np.ndarray, art_mask: np.ndarray) -> tuple[float, float]:
        """Return (span recall, flags per 1,000 words) of the selected entries on the masked articles."""
        r = art_mask[self.A] & sel[self.E]
        flags = len(np.unique(self.O[r]))
        t = self.touch[r[self.touch[:, 0]]] if len(self.touch) else self.touch
        hit = len(np.unique(t[:, 1])) if len(t) else 0
        spans = self.c.n_spans[art_mask].sum()
        return hit / max(spans, 1), 1000 * flags / max(self.c.words[art_mask].sum(), 1)


# --- exact evaluation with the service's matcher ---------------------------------------------------------------------

def per_article(corpus: Corpus, entries: list[Entry], art_mask: np.ndarray) -> np.ndarray:
    """Return rows (spans, spans hit, hits, words) per masked article, matched as bench/basil_lexicon.py does."""
    matcher = make_matcher(entries, corpus.nlp)
    out = []
    for a in np.flatnonzero(art_mask):
        art, rows = corpus.arts[a], corpus.parsed[a]
        st = sh = hits = words = 0
        for si, (doc, forms, w) in enumerate(rows):
            ms = matcher.find(doc, forms)
            hits += len(ms)
            words += w
            for s in art.lex(si):
                st += 1
                sh += any(m.start < s.end and s.start < m.end for m in ms)
        out.append((st, sh, hits, words))
    return np.array(out, dtype=float)


def summarise(rows: np.ndarray, boot: int, rng: np.random.Generator) -> dict:
    """Return recall and flags per 1,000 words with bootstrap 95% intervals over articles."""
    rec = rows[:, 1].sum() / max(rows[:, 0].sum(), 1)
    fl = 1000 * rows[:, 2].sum() / rows[:, 3].sum()
    res = {"recall": rec, "flags": fl, "spans": int(rows[:, 0].sum()), "articles": len(rows)}
    if boot:
        idx = rng.integers(0, len(rows), size=(boot, len(rows)))
        s = rows[idx].sum(1)
        r = s[:, 1] / np.maximum(s[:, 0], 1)
        f = 1000 * s[:, 2] / s[:, 3]
        res["recall_ci"] = [float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))]
        res["flags_ci"] = [float(np.percentile(f, 2.5)), float(np.percentile(f, 97.5))]
    return res


# --- candidate pool and features -------------------------------------------------------------------------------------

def read_curated() -> list[tuple[str, str]]:
    rows = []
    for line in (ROOT / "tools" / "curation" / "loaded_terms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            t, c = [x.strip() for x in line.split("\t")]
            rows.append((t, c))
    return rows


def recasens_words(evaldata: Path) -> set[str]:
    path = evaldata / "lexicon-sources" / "recasens2013" / "bias-lexicon_og.txt"
    return {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()
            and not w.startswith("#")}


OTHER_LISTS = ("assertives_hooper1975.txt", "factives_hooper1975.txt", "hedges_hyland2005.txt",
               "implicatives_karttunen1971.txt", "report_verbs.txt")


def other_words(evaldata: Path) -> dict[str, set[str]]:
    """Return the other Recasens et al. 2013 lists, and the loaded attribution verbs and boosters of lexicons/."""
    out = {}
    for name in OTHER_LISTS:
        path = evaldata / "lexicon-sources" / "recasens2013" / name
        out[name] = {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#")}
    out["attribution_loaded"] = {e.term for e in load_lexicon(ROOT / "lexicons" / "attribution_verbs.tsv").entries
                                 if e.category == "loaded"}
    out["boosters"] = {e.term for e in load_lexicon(ROOT / "lexicons" / "boosters.tsv").entries}
    return out


def build_pool(evaldata: Path, static, wide: bool = False, curated_features: bool = True):
    """Return (entries, feature matrix, info) for Hu & Liu ∪ Recasens ∪ curated (∪ the other lists if wide)."""
    from tools.build_lexicons import LOADED_CATEGORIES

    curated = dict(read_curated())
    bl = bingliu_entries(evaldata)
    pos = {e.term for e in bl if e.category == "pos"}
    neg = {e.term for e in bl if e.category == "neg"}
    rec = recasens_words(evaldata)
    others = other_words(evaldata) if wide else {}
    terms = sorted(set(curated) | pos | neg | rec | set().union(*others.values()))
    cats = list(LOADED_CATEGORIES)
    V = static.embed(terms)
    extra = []
    for t in terms:
        ids = static.token_ids(t)
        wts = static.weights[ids] if ids else np.zeros(1)
        onehot = [float(curated.get(t) == c) for c in cats] + [float(t in curated)] if curated_features else []
        extra.append([float(t in pos), float(t in neg), float(t in rec), *onehot, *(float(t in o) for o in
                      others.values()), float(" " in t or "-" in t), float(len(ids)), float(np.mean(wts))])
    X = np.hstack([V, np.array(extra, dtype=np.float32)])
    entries = [Entry(t, curated.get(t, "candidate")) for t in terms]
    info = {"curated": curated, "pos": pos, "neg": neg, "rec": rec, "vectors": V, "cats": cats}
    return entries, X, info


def fit_predict(X: np.ndarray, n: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Fit the type model on types seen in training (k of n in span) and return predicted rates for all types."""
    from sklearn.linear_model import LogisticRegression

    seen = n > 0
    mu = X[seen].mean(0)
    sd = X[seen].std(0) + 1e-6
    Z = (X - mu) / sd
    Zs = Z[seen]
    Xt = np.vstack([Zs, Zs])
    y = np.r_[np.ones(len(Zs)), np.zeros(len(Zs))]
    w = np.r_[k[seen], n[seen] - k[seen]].astype(float)
    keep = w > 0
    clf = LogisticRegression(C=C_REG, max_iter=2000)
    clf.fit(Xt[keep], y[keep], sample_weight=w[keep])
    return clf.predict_proba(Z)[:, 1]


def posterior(q: np.ndarray, n: np.ndarray, k: np.ndarray, m: float) -> np.ndarray:
    return (k + m * q) / (n + m)


def event_folds(corpus: Corpus, train_mask: np.ndarray) -> list[np.ndarray]:
    events = sorted(set(corpus.event[train_mask]))
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(events))
    folds = []
    for f in range(CV_FOLDS):
        evs = {events[i] for i in order[f::CV_FOLDS]}
        folds.append(train_mask & np.isin(corpus.event, list(evs)))
    return folds


def curated_base(tab: Table, info: dict, train_mask: np.ndarray) -> np.ndarray:
    """Return the curated entries kept by tools/build_lexicons.py's pruning rule on the training articles."""
    n, k = tab.counts(train_mask)
    base = np.array([e.term in info["curated"] for e in tab.entries])
    return base & ~((n >= PRUNE_MIN_N) & (k <= PRUNE_MAX_SHARE * np.maximum(n, 1)))


def model_select(tab: Table, X: np.ndarray, train_mask: np.ndarray, log: list,
                 base: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Choose (M, T) by event-grouped CV inside the training articles; return the final selection and its details.

    With ``base`` (a boolean mask of entries always kept), the model only adds entries to it.
    """
    if base is None:
        base = np.zeros(len(tab.entries), dtype=bool)
    folds = event_folds(tab.c, train_mask)
    scores = {m: [] for m in M_GRID}
    for fm in folds:
        inner = train_mask & ~fm
        n, k = tab.counts(inner)
        q = fit_predict(X, n, k)
        for m in M_GRID:
            scores[m].append((posterior(q, n, k, m), fm))
    # pooled CV curve over a grid of cuts
    cuts = np.unique(np.round(np.quantile(np.concatenate([s for s, _ in scores[M_GRID[0]]]),
                                          np.linspace(0.5, 0.9995, 300)), 4))
    cuts = np.unique(np.r_[cuts, np.linspace(0.05, 0.8, 76)])
    best = None
    for m in M_GRID:
        for t in cuts:
            hit = spans = flags = words = 0.0
            for s, fm in scores[m]:
                sel = base | (s >= t)
                r, f = tab.score(sel, fm)
                sp = tab.c.n_spans[fm].sum()
                wd = tab.c.words[fm].sum()
                hit += r * sp
                spans += sp
                flags += f * wd / 1000
                words += wd
            rec, fl = hit / spans, 1000 * flags / words
            if fl <= MAX_FLAGS and (best is None or rec > best[0] + 1e-12):
                best = (rec, fl, m, float(t))
    rec, fl, m, t = best
    n, k = tab.counts(train_mask)
    q = fit_predict(X, n, k)
    s = posterior(q, n, k, m)
    sel = base | (s >= t)
    detail = {"cv_recall": round(float(rec), 3), "cv_flags": round(float(fl), 2), "M": m, "T": round(t, 4),
              "entries": int(sel.sum())}
    log.append(detail)
    return sel, {"score": s, "q": q, "n": n, "k": k, **detail}


# --- the curated list re-pruned on the training years, as tools/build_lexicons.py does ------------------------------

def curated_rebuilt(tab: Table, info: dict, static, train_mask: np.ndarray) -> tuple[list[Entry], dict]:
    """Curated entries pruned on the training articles plus neighbours at the cut chosen in-sample (<= 8 flags)."""
    terms = [e.term for e in tab.entries]
    idx = {t: i for i, t in enumerate(terms)}
    n, k = tab.counts(train_mask)
    curated = info["curated"]

    def pruned(i):
        return n[i] >= PRUNE_MIN_N and k[i] / n[i] <= PRUNE_MAX_SHARE

    base = [t for t in curated if not pruned(idx[t])]
    parents = [t for t in base if " " not in t and "-" not in t]
    pool = sorted(w for w in (info["rec"] | info["pos"] | info["neg"]) if w.isalpha() and w not in curated)
    P = info["vectors"][[idx[t] for t in parents]]
    W = info["vectors"][[idx[w] for w in pool]]
    sims = W @ P.T
    bj = sims.argmax(1)
    bs = sims[np.arange(len(pool)), bj]

    def selection(cut):
        sel = np.zeros(len(terms), dtype=bool)
        sel[[idx[t] for t in base]] = True
        if cut is not None:
            for w, s in zip(pool, bs):
                if s >= cut and not pruned(idx[w]):
                    sel[idx[w]] = True
        return sel

    best_r, _ = tab.score(selection(None), train_mask)
    best_cut = None
    for cut in NB_GRID:
        r, f = tab.score(selection(cut), train_mask)
        if f <= MAX_FLAGS and r > best_r:
            best_r, best_cut = r, cut
    sel = selection(best_cut)
    ents = [Entry(terms[i], curated.get(terms[i], "neighbour")) for i in np.flatnonzero(sel)]
    return ents, {"neighbour_cut": best_cut, "entries": len(ents)}


# --- main ----------------------------------------------------------------------------------------------------------

def fmt(r: dict) -> str:
    s = f"{r['recall']:.3f}"
    if "recall_ci" in r:
        s += f" [{r['recall_ci'][0]:.2f},{r['recall_ci'][1]:.2f}]"
    s += f"  {r['flags']:5.1f}"
    if "flags_ci" in r:
        s += f" [{r['flags_ci'][0]:.1f},{r['flags_ci'][1]:.1f}]"
    return s


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "span_experiment.json")
    ap.add_argument("--dump-entries", type=Path, default=None,
                    help="write protocol 1's chosen entries (term, score) to this file (word lists only)")
    ap.add_argument("--wide", action="store_true", help="add the other Recasens lists, loaded attribution verbs "
                    "and boosters to the pool")
    ap.add_argument("--no-curated-features", action="store_true",
                    help="the model does not see curated membership (the curated list was written from 2010-2012)")
    ap.add_argument("--base-curated", action="store_true",
                    help="the model adds entries to the curated list (pruned on the training years) instead of "
                    "choosing every entry")
    args = ap.parse_args(argv)
    t0 = time.time()
    from service.analysis.encoder import StaticEncoder
    from service.analysis.sentence_bias import STATIC_FILE, STATIC_SHA256

    static = StaticEncoder.load(ROOT / "lexicons" / "models" / STATIC_FILE, STATIC_SHA256)
    corpus = Corpus(args.evaldata)
    entries, X, info = build_pool(args.evaldata, static, args.wide, not args.no_curated_features)
    tab = Table(corpus, entries)
    print(f"parsed {len(corpus.arts)} articles, pool {len(entries)} candidates, {len(tab.E)} occurrences "
          f"({time.time() - t0:.0f} s)")
    shipped = load_lexicon(ROOT / "lexicons" / "loaded_terms.tsv").entries
    hl = bingliu_entries(args.evaldata)
    rng = np.random.default_rng(SEED)
    report = {"protocol1": {}, "protocol2": {}, "settings": {"max_flags": MAX_FLAGS, "m_grid": M_GRID,
                                                             "cv_folds": CV_FOLDS, "C": C_REG,
                                                             "wide": args.wide, "base_curated": args.base_curated,
                                                             "curated_features": not args.no_curated_features}}
    log: list = []

    def run(train_years, test_years, boot):
        train = np.isin(corpus.year, train_years)
        test = np.isin(corpus.year, test_years)
        sel, det = model_select(tab, X, train, log, curated_base(tab, info, train) if args.base_curated else None)
        model_entries = [entries[i] for i in np.flatnonzero(sel)]
        cur_entries, cur_det = curated_rebuilt(tab, info, static, train)
        out = {}
        for name, ents in (("model", model_entries), ("curated re-pruned", cur_entries), ("shipped", shipped),
                           ("Hu & Liu", hl)):
            rows = per_article(corpus, ents, test)
            out[name] = {**summarise(rows, boot, rng), "n_entries": len(ents), "_rows": rows}
        out["model"]["select"] = {k: v for k, v in det.items() if k in ("cv_recall", "cv_flags", "M", "T")}
        out["curated re-pruned"]["select"] = cur_det
        return out, sel, det

    # protocol 1
    p1, sel1, det1 = run(["2010", "2011", "2012"], ["2013", "2014"], args.boot)
    print(f"\nProtocol 1: train 2010-2012 -> test 2013-2014 ({time.time() - t0:.0f} s)")
    print(f"  {'list':20} {'entries':>7}  recall [95% CI]     flags/1kw [95% CI]")
    for name, r in p1.items():
        print(f"  {name:20} {r['n_entries']:7d}  {fmt(r)}")
    print(f"  model selection: {p1['model']['select']}; curated: {p1['curated re-pruned']['select']}")
    test = np.isin(corpus.year, ["2013", "2014"])
    n, k = tab.counts(test)
    rate = k / np.maximum(n, 1)
    ceiling = (0.0, 0.0, 0.0)
    for t in np.unique(rate[k > 0]):
        r, f = tab.score((rate >= t) & (k > 0), test)
        if f <= 10 and r > ceiling[0]:
            ceiling = (r, f, float(t))
    print(f"  ceiling (oracle, NOT a result: entries chosen on 2013-2014's own spans, pool rate >= "
          f"{ceiling[2]:.2f}): recall {ceiling[0]:.3f} at {ceiling[1]:.1f} flags")
    p1["oracle ceiling"] = {"recall": ceiling[0], "flags": ceiling[1], "cut": ceiling[2]}
    report["protocol1"] = {k: {kk: vv for kk, vv in v.items() if kk != "_rows"} for k, v in p1.items()}
    if args.dump_entries:
        lines = [f"{entries[i].term}\t{det1['score'][i]:.4f}\t{det1['q'][i]:.4f}\t{det1['n'][i]}\t{det1['k'][i]}"
                 for i in np.flatnonzero(sel1)]
        args.dump_entries.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # protocol 2
    print("\nProtocol 2: leave one year out (train 4 years, test the 5th)")
    pooled = defaultdict(list)
    for y in YEARS:
        res, _, _ = run([x for x in YEARS if x != y], [y], 0)
        report["protocol2"][y] = {k: {kk: vv for kk, vv in v.items() if kk != "_rows"} for k, v in res.items()}
        line = "  ".join(f"{name}: {r['recall']:.3f}/{r['flags']:.1f} ({r['n_entries']})" for name, r in res.items())
        print(f"  test {y}: {line}   [model {res['model']['select']}] [curated cut "
              f"{res['curated re-pruned']['select']['neighbour_cut']}]  ({time.time() - t0:.0f} s)")
        for name, r in res.items():
            pooled[name].append(r["_rows"])
    print("  pooled over the 5 held-out years (recall [95% CI], flags/1kw [95% CI]):")
    report["protocol2"]["pooled"] = {}
    for name, parts in pooled.items():
        r = summarise(np.vstack(parts), args.boot, rng)
        report["protocol2"]["pooled"][name] = r
        print(f"  {name:20} {fmt(r)}")
    # paired bootstrap: model minus curated re-pruned, pooled recall and flags
    a, b = np.vstack(pooled["model"]), np.vstack(pooled["curated re-pruned"])
    idx = rng.integers(0, len(a), size=(args.boot or 1000, len(a)))
    sa, sb = a[idx].sum(1), b[idx].sum(1)
    dr = sa[:, 1] / sa[:, 0] - sb[:, 1] / sb[:, 0]
    df = 1000 * (sa[:, 2] / sa[:, 3] - sb[:, 2] / sb[:, 3])
    diff = {"recall_diff": float(a[:, 1].sum() / a[:, 0].sum() - b[:, 1].sum() / b[:, 0].sum()),
            "recall_diff_ci": [float(np.percentile(dr, 2.5)), float(np.percentile(dr, 97.5))],
            "flags_diff": float(1000 * (a[:, 2].sum() / a[:, 3].sum() - b[:, 2].sum() / b[:, 3].sum())),
            "flags_diff_ci": [float(np.percentile(df, 2.5)), float(np.percentile(df, 97.5))]}
    report["protocol2"]["model_minus_curated"] = diff
    print(f"  model - curated re-pruned: recall {diff['recall_diff']:+.3f} "
          f"[{diff['recall_diff_ci'][0]:+.3f},{diff['recall_diff_ci'][1]:+.3f}], flags {diff['flags_diff']:+.1f} "
          f"[{diff['flags_diff_ci'][0]:+.1f},{diff['flags_diff_ci'][1]:+.1f}]")
    m1 = p1["model"]
    bar1 = m1["recall"] >= 0.30 and m1["flags"] <= 10
    pm, pc = report["protocol2"]["pooled"]["model"], report["protocol2"]["pooled"]["curated re-pruned"]
    bar2 = pm["recall"] > pc["recall"] and pm["flags"] <= pc["flags"] * 1.1
    report["bar"] = {"protocol1": bar1, "protocol2": bar2}
    print(f"\nbar: protocol 1 recall >= 0.30 at <= 10 flags: {bar1}; protocol 2 pooled recall above the re-pruned "
          f"curated list at similar or lower flags (<= 1.1x): {bar2}  ({time.time() - t0:.0f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
