"""Train the lean model (lexicons/models/lean.json) on the AllSides corpus, with whole outlets held out to check it.

Run from the repo root: ``.venv/bin/python tools/train_lean.py [--cache /tmp/lean/terms.pkl] [--no-write]``
(scikit-learn from requirements-tools.txt). Deterministic. About 50 minutes on a saturated two-core machine (load
15-20; 13 of them reading the terms of 11,118 articles, 4-9 per cross-validation fit); ``--cache`` keeps the
terms for reruns, ``--no-cv`` skips the folds.

Corpus: Article-Bias-Prediction (Baly et al., EMNLP 2020): 11,118 articles, 79 AllSides labels grouped into outlets
by the alias table (lexicons/outlets/aliases.tsv: "Fox Online News" and "Fox News Opinion" are Fox News). The label
of an article is its outlet's AllSides rating (majority over the outlet's articles), so every choice is checked with
whole outlets held out (``outlet_folds``): a model that learns "this is Breitbart's house style" gains nothing there.

Recipe (service/analysis/lean.py reads the same terms at run time):
- terms: unigrams and bigrams of the outlet's own voice (direct quotes skipped), furniture lines, links, handles
  and every outlet name of the alias table blanked (``strip_names``; common words that are also outlet names,
  ``COMMON_WORD_NAMES``, are kept as words);
- vocabulary: terms used by at least ``MIN_OUTLETS`` training outlets and by at least ``MIN_OUTLETS_PER_LEAN`` of
  each lean, so an outlet's house phrases and one story's names are not features;
- sublinear TF-IDF, L2-normalised; multinomial logistic regression, L2 strength ``C``; each article weighted so
  that every outlet weighs the same within its lean and every lean weighs the same (a prolific outlet does not
  define its lean) and, within a lean, every topic weighs the same (so the lean follows wording more than topic);
- the shipped file keeps the ``KEEP_FEATURES`` terms of largest weight range (of about 82,000), to keep the file
  near 2.4 MB; the held-out figures are those of the unpruned fold models, and the effect of pruning on them has
  not been measured.
The floor model is the same logistic regression on raw text (no blanking, every term in >= 5 articles, no
weighting), the recipe the issue measured at macro-F1 0.45-0.49.
"""
from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import EVALDATA, LEANS, load_allsides, outlet_groups, outlet_leans  # noqa: E402
from service.analysis.lean import lean_terms, names_pattern  # noqa: E402
from service.analysis.outlets import OutletTable  # noqa: E402

OUT = ROOT / "lexicons" / "models" / "lean.json"
# Outlet names that are also ordinary words or phrases: blanking them would delete "time", "vice president",
# "the nation", "Capitol Hill" from every article. They stay as words.
COMMON_WORD_NAMES = {"atlantic", "blaze", "economist", "federalist", "guardian", "hill", "insider", "intercept",
                     "nation", "reason", "rt", "slate", "the atlantic", "the economist", "the nation", "the week",
                     "time", "vice", "week", "the hill"}
# Vocabulary filter: a term must occur in articles of at least this many training outlets overall (of ~54 in a
# training fold) and of at least MIN_OUTLETS_PER_LEAN of each lean. Set a priori (about a fifth of the outlets; two
# per lean so no term is one lean's alone), not tuned: one run, bench/LEAN.md.
MIN_OUTLETS = 10
MIN_OUTLETS_PER_LEAN = 2
# L2 strength of the logistic regression (scikit-learn's C): scikit-learn's default, not tuned (bench/LEAN.md).
C = 1.0
FOLDS = 5  # five folds of outlets: each held-out fold has ~14 outlets of all three leans
SEED = 0
KEEP_FEATURES = 40000  # of the ~82,000 the final fit keeps: a 2.4 MB file
SKIP_QUOTES = True  # direct quotes are the speaker's words, not the outlet's


def article_text(a) -> str:
    """The text the lean reads for a corpus article: headline line, blank line, body (as a pasted page has it)."""
    return f"{a.title}\n\n{a.text}" if a.title else a.text


def strip_names(table: OutletTable) -> list[str]:
    """Return every outlet name, abbreviation and domain of the alias table except the common-word ones."""
    return sorted(n for n in table.aliases if n not in COMMON_WORD_NAMES)


def corpus(evaldata: Path = EVALDATA, table: OutletTable | None = None):
    """Return (articles, outlet group per article, lean per article, {outlet: lean}) of the AllSides corpus."""
    table = table or OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    arts = load_allsides(evaldata)
    groups = outlet_groups(arts, table.resolve_id)
    leans = outlet_leans(arts, groups)
    g = [groups[a.source] for a in arts]
    return arts, g, [leans[x] for x in g], leans


def terms_of(arts, table: OutletTable, cache: Path | None = None, raw: bool = False) -> list[Counter]:
    """Return each article's term counts (the recipe's, or raw text's with ``raw``); cached in ``cache``."""
    if cache and cache.is_file():
        return pickle.loads(cache.read_bytes())
    pat = None if raw else names_pattern(strip_names(table))
    out = []
    for a in arts:
        text = article_text(a)
        if raw:
            out.append(Counter(t for t, _, _ in lean_terms(text.replace("\n", " ") + "\n", ())))
        else:
            out.append(Counter(t for t, _, _ in lean_terms(text, (), pat, SKIP_QUOTES)))
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(out))
    return out


def outlet_folds(leans: dict[str, str], k: int = FOLDS, seed: int = SEED) -> list[list[str]]:
    """Split the outlets into ``k`` folds, each lean dealt round-robin after a seeded shuffle."""
    import numpy as np

    rng = np.random.RandomState(seed)
    folds: list[list[str]] = [[] for _ in range(k)]
    for lean in LEANS:
        outs = sorted(o for o, l in leans.items() if l == lean)
        rng.shuffle(outs)
        for i, o in enumerate(outs):
            folds[i % k].append(o)
    return [sorted(f) for f in folds]


def matrix(counts: list[Counter]):
    """Return (sparse count matrix, term list) over every term of the articles."""
    import numpy as np
    import scipy.sparse as sp

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, c in enumerate(counts):
        for term, n in c.items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(n)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(vocab)), dtype=np.float64)
    return X, sorted(vocab, key=vocab.get)


def sample_weights(groups, ys, topics):
    """Weights giving every lean the same total, every outlet the same share of its lean, and within an outlet
    every topic the same share (topics an outlet covers more do not dominate what its lean looks like)."""
    import numpy as np

    per_outlet = Counter(groups)
    outlets_per_lean = Counter(l for o, l in {g: y for g, y in zip(groups, ys)}.items())
    per_topic = Counter(zip(groups, topics))
    topics_per_outlet = {o: len({t for (oo, t) in per_topic if oo == o}) for o in per_outlet}
    w = np.array([1.0 / outlets_per_lean[y] / topics_per_outlet[g] / per_topic[(g, t)]
                  for g, y, t in zip(groups, ys, topics)])
    return w * len(w) / w.sum()


def fit(X, terms, groups, ys, topics, *, min_outlets=MIN_OUTLETS, per_lean=MIN_OUTLETS_PER_LEAN, c=C,
        floor=False):
    """Fit one model on the rows given; return a dict {terms, idf, coef, intercept, classes} (numpy arrays)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    B = (X > 0).astype(np.float64).tocsr()
    if floor:
        keep = np.asarray(B.sum(0)).ravel() >= 5
    else:
        outs = sorted(set(groups))
        oix = {o: i for i, o in enumerate(outs)}
        G = sp.csr_matrix((np.ones(len(groups)), ([oix[g] for g in groups], np.arange(len(groups)))),
                          shape=(len(outs), len(groups)))
        used = (G @ B) > 0
        keep = np.asarray(used.sum(0)).ravel() >= min_outlets
        lean_of = {g: y for g, y in zip(groups, ys)}
        for lean in LEANS:
            rows = np.array([lean_of[o] == lean for o in outs])
            keep &= np.asarray(used[rows].sum(0)).ravel() >= per_lean
    cols = np.where(keep)[0]
    Xk = X[:, cols]
    df = np.asarray((Xk > 0).sum(0)).ravel()
    n = Xk.shape[0]
    idf = np.log((1 + n) / (1 + df)) + 1  # scikit-learn's smooth idf
    T = tfidf(Xk, idf)
    w = None if floor else sample_weights(groups, ys, topics)
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(T, ys, sample_weight=w)
    return {"terms": [terms[j] for j in cols], "cols": cols, "idf": idf, "coef": model.coef_,
            "intercept": model.intercept_, "classes": list(model.classes_)}


def tfidf(X, idf):
    """Sublinear TF-IDF, rows L2-normalised (as service/analysis/lean.py computes it)."""
    import numpy as np
    import scipy.sparse as sp

    M = X.copy()
    M.data = 1 + np.log(M.data)
    M = M @ sp.diags(idf)
    norms = np.sqrt(np.asarray(M.multiply(M).sum(1)).ravel())
    norms[norms == 0] = 1
    return sp.diags(1 / norms) @ M


def predict(model, X):
    """Return class probabilities (columns in model['classes'] order) for rows of the full count matrix."""
    import numpy as np

    T = tfidf(X[:, model["cols"]], model["idf"])
    z = T @ model["coef"].T + model["intercept"]
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def heldout(X, terms, g, y, topics, leans, floor=False, **kw):
    """Return out-of-fold probabilities (columns left, center, right) with whole outlets held out."""
    import numpy as np

    g, y, topics = np.asarray(g), np.asarray(y), np.asarray(topics)
    P = np.zeros((len(y), 3))
    for k, fold in enumerate(outlet_folds(leans)):
        te = np.isin(g, fold)
        tr = ~te
        t0 = time.time()
        m = fit(X[tr], terms, list(g[tr]), list(y[tr]), list(topics[tr]), floor=floor, **kw)
        p = predict(m, X[te])
        P[te] = p[:, [m["classes"].index(c) for c in LEANS]]
        print(f"  fold {k + 1}/{FOLDS}: {len(m['terms'])} terms, {time.time() - t0:.0f} s",
              file=sys.stderr, flush=True)
    return P


def export(model, table: OutletTable, meta: dict, keep: int = KEEP_FEATURES) -> dict:
    """Return the JSON model: the ``keep`` terms of largest weight range, with idf and per-class weights."""
    import numpy as np

    order = [model["classes"].index(c) for c in LEANS]
    coef = model["coef"][order]
    spread = coef.max(0) - coef.min(0)
    top = sorted(np.argsort(-spread, kind="stable")[:keep])
    feats = {model["terms"][j]: {"idf": round(float(model["idf"][j]), 5),
                                 "w": [round(float(coef[k, j]), 5) for k in range(3)]} for j in top}
    return {**meta, "classes": list(LEANS),
            "intercept": [round(float(model["intercept"][k]), 6) for k in order],
            "strip_names": strip_names(table), "skip_quotes": SKIP_QUOTES,
            "features": dict(sorted(feats.items()))}


def main(argv=None) -> int:
    """Train, check with outlets held out, export."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the articles' terms (speeds reruns)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-cv", action="store_true",
                    help="skip the outlet-held-out folds (no held-out figures or outlet estimates; faster)")
    ap.add_argument("--heldout-out", type=Path, default=ROOT / "bench" / "out" / "lean_heldout.json",
                    help="where to write the out-of-fold probabilities per article (for bench/lean.py)")
    args = ap.parse_args(argv)
    import numpy as np

    table = OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    arts, g, y, leans = corpus(args.evaldata, table)
    t0 = time.time()
    counts = terms_of(arts, table, args.cache)
    print(f"terms of {len(arts)} articles: {time.time() - t0:.0f} s", file=sys.stderr)
    X, terms = matrix(counts)
    topics = [a.topic for a in arts]
    P = None if args.no_cv else heldout(X, terms, g, y, topics, leans)
    if P is not None:
        args.heldout_out.parent.mkdir(parents=True, exist_ok=True)
        args.heldout_out.write_text(json.dumps({"folds": outlet_folds(leans), "classes": list(LEANS),
                                                "articles": [{"id": a.id, "outlet": o, "lean": l, "topic": a.topic,
                                                              "p": [round(float(v), 5) for v in p]}
                                                             for a, o, l, p in zip(arts, g, y, P)]}) + "\n")
    final = fit(X, terms, g, y, topics)
    # Each outlet's lean estimated from its coverage by the model that never saw it (its held-out fold).
    per: dict[str, list] = defaultdict(list)
    for o, p in zip(g, P if P is not None else []):
        per[o].append(p)
    outlets = {}
    for o, ps in sorted(per.items()):
        mean = np.mean(ps, 0)
        outlets[o] = {"articles": len(ps), "allsides": leans[o], "estimate": LEANS[int(np.argmax(mean))],
                      "probabilities": {c: round(float(v), 4) for c, v in zip(LEANS, mean)}}
    meta = {"name": "lean", "version": "2026.11.1",
            "description": "P(left|center|right) of an article's wording: multinomial logistic regression over "
                           "sublinear TF-IDF unigrams and bigrams of the outlet's own voice",
            "source": "Article-Bias-Prediction (Baly, Da San Martino, Glass & Nakov, EMNLP 2020), 11,118 articles "
                      "of 79 AllSides labels (outlet ratings, not article labels); derived weights only, no text",
            "source_url": "https://github.com/ramybaly/Article-Bias-Prediction",
            "license": "model weights derived from research-use articles (repository Apache-2.0)",
            "trained_by": "tools/train_lean.py",
            "recipe": {"min_outlets": MIN_OUTLETS, "min_outlets_per_lean": MIN_OUTLETS_PER_LEAN, "C": C,
                       "weights": "equal per lean, per outlet within its lean, per topic within an outlet",
                       "terms": "unigrams+bigrams, own voice, furniture/links/outlet names blanked",
                       "kept_features": KEEP_FEATURES, "folds": FOLDS, "seed": SEED},
            "heldout_outlets": outlets, "trained_outlets": sorted(set(g))}
    model = export(final, table, meta)
    print(f"final model: {len(final['terms'])} terms, {len(model['features'])} kept", file=sys.stderr)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                            encoding="utf-8")
        print("wrote", args.out, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
