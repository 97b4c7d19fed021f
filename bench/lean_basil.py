"""The lean model against BASIL's article-level human lean labels (relative stance within an event triplet).

Run from the repo root: ``.venv/bin/python bench/lean_basil.py [--cache-dir /tmp/leanbasil]`` (scikit-learn from
requirements-tools.txt). Prints and writes bench/out/lean_basil.json (gitignored). BASIL (Fan et al., EMNLP 2019)
and the AllSides corpus (Baly et al., EMNLP 2020) are research use: this script reads them from shared/evaldata and
writes numbers, never their text.

What: bench/lean.py measures the lean against outlet ratings (every article of an outlet gets its outlet's AllSides
label). BASIL has article labels by people: ``article-level-annotations.relative_stance`` of each of the 150
articles of 2010-2014 (50 events, each covered by Fox News, The New York Times and HuffPost) is the annotators'
lean of the article relative to the other two of its event: center, left (or "liberal"), right (or
"conservative"). It varies within outlets, so it is not the outlet.

Rows, each scoring an article by P(right) - P(left) and labelling it by the argmax of its probabilities:
- shipped: lexicons/models/lean.json as the service applies it, read from ``calibrated.slant.lean`` of
  ``analyze_document`` (no outlet given) on the article text (title line, blank line, body paragraphs separated by
  blank lines: bench/datasets.BasilArticle.text, as bench/basil_actors.py and bench/accuracy.py send it). It was
  trained on AllSides articles that include 944 of Fox News and 491 of The New York Times (HuffPost is not in
  the corpus), so it may recognise those outlets' wording rather than read lean.
- held-out recipe: tools/train_lean.py's recipe (its ``corpus``, ``terms_of``, ``fit`` with the shipped constants:
  C, TOPIC_DROP, WEIGHTING, MIN_OUTLETS, then ``export`` pruned to KEEP_FEATURES, no calibration as shipped) fitted
  on the AllSides corpus without the outlet groups fox-news, the-new-york-times and huffpost (as
  lexicons/outlets/aliases.tsv resolves the source labels: "Fox News", "Fox News (Online)", "Fox News Opinion",
  "Fox Online News"; "New York Times - News", "New York Times - Opinion", "New York Times (Online News)"; no
  HuffPost label exists), loaded as a LeanModel and applied with ``lean_of`` to the analysed text and the
  cleaning's removed spans of each article, exactly the call the service makes for the shipped model (checked:
  ``lean_of`` with the shipped model on the same inputs equals ``analyze_document``'s lean for every article).
  The fair row.
- floor: tools/train_lean.py's floor (``fit(..., floor=True)``: raw text terms, every term in >= 5 articles, no
  blanking, no weighting, unpruned) on the same reduced corpus, applied to the raw terms of the article text
  (``terms_of(..., raw=True)``) as the trainer scores held-out articles.
- outlet prior: +1 for Fox, 0 for NYT, -1 for HuffPost; its 3-class label is right / center / left.

Measures, each with a 95% percentile bootstrap over events (1,000 resamples of the 50 triplets, seed 0; the same
draws for every row, so the paired differences held-out recipe - floor and held-out recipe - outlet prior are
bootstrapped on the same draws):
- within-event concordance: over all pairs of articles of one event whose labels differ, the share whose scores
  are ordered as the labels on left < center < right (score ties count 1/2). Same event, so topic is held fixed.
- the same on the pairs where the outlet prior orders them wrongly (e.g. a Fox article labelled left against an
  NYT article labelled center or right; the prior cannot tie within an event, every outlet having its own value,
  so "wrong or tied" is "wrong"); the prior scores 0 there by construction, a score unrelated to labels and
  outlets 0.5 in expectation, and one that follows the outlet falls below 0.5. Also on the pairs that include
  the NYT article (the prior puts it in the middle).
- right-vs-left AUC of the score over the articles labelled left or right (pooled across events).
- macro-F1 of the 3-class label (argmax), with the confusion counts; center is 81 of 150 labels (54%), so
  "always center" scores 0.234.
- outlet recognition: AUC of the score for Fox articles against HuffPost's and against NYT's (1.0 for the prior).

Results, run of 2026-11-30 15:08-15:13 UTC (279 s on two shared cores: analyze_document on 150 articles 83 s,
held-out recipe 110 s, floor 83 s; deterministic, an earlier run gave the same figures). 150 articles, 50 events;
labels left 35 / center 81 / right 34 (Fox 7 / 24 / 19, NYT 12 / 28 / 10, HuffPost 16 / 29 / 5); 69 articles
labelled left or right; 110 same-event pairs with different labels, 39 of them ordered wrongly by the outlet prior,
73 including the NYT article. Reduced AllSides corpus: 9,683 articles of 66 outlets (29 left, 20 center, 17 right;
1,435 Fox News and New York Times articles left out); held-out recipe 77,244 terms, 40,000 kept; floor 228,634
terms. lean_of on the service's inputs equals analyze_document's lean on 150 of 150 articles (no span removed by
the cleaning; the analysed text differs from the sent text only in whitespace). 95% intervals over events:

| row | concordance, all pairs (110) | concordance, prior wrong (39) | concordance, with NYT (73) | AUC right vs left (69) | macro-F1 (150) |
|---|---|---|---|---|---|
| shipped | 0.564 [0.475, 0.663] | 0.513 [0.350, 0.677] | 0.521 [0.400, 0.643] | 0.551 [0.417, 0.691] | 0.329 [0.250, 0.411] |
| held-out recipe | 0.527 [0.417, 0.627] | 0.513 [0.350, 0.677] | 0.507 [0.380, 0.639] | 0.528 [0.399, 0.666] | 0.330 [0.242, 0.423] |
| floor | 0.509 [0.423, 0.600] | 0.513 [0.349, 0.674] | 0.479 [0.371, 0.591] | 0.459 [0.338, 0.589] | 0.291 [0.233, 0.350] |
| outlet prior | 0.645 [0.551, 0.737] | 0.000 (by construction) | 0.603 [0.515, 0.691] | 0.721 [0.586, 0.855] | 0.419 [0.327, 0.510] |
| held-out recipe - floor (paired) | +0.018 [-0.090, 0.121] | 0.000 [-0.172, 0.195] | +0.027 [-0.118, 0.164] | +0.069 [-0.077, 0.215] | +0.040 [-0.035, 0.132] |
| held-out recipe - outlet prior (paired) | -0.118 [-0.265, 0.027] | +0.513 [0.350, 0.677] | -0.096 [-0.256, 0.068] | -0.194 [-0.374, -0.005] | -0.088 [-0.193, 0.021] |

Confusion, gold -> predicted (left / center / right):
- shipped: left 17 / 9 / 9, center 25 / 22 / 34, right 13 / 10 / 11 (predicted 55 / 41 / 54);
- held-out recipe: left 16 / 10 / 9, center 26 / 25 / 30, right 12 / 12 / 10 (predicted 54 / 47 / 49);
- floor: left 27 / 5 / 3, center 46 / 20 / 15, right 26 / 5 / 3 (predicted 99 / 30 / 21);
- outlet prior: left 16 / 12 / 7, center 29 / 28 / 24, right 5 / 10 / 19 (50 each).

Outlet recognition, AUC of the score for Fox above HuffPost / above NYT: shipped 0.531 [0.448, 0.616] / 0.730
[0.644, 0.818]; held-out recipe 0.507 [0.422, 0.589] / 0.642 [0.555, 0.732]; floor 0.520 [0.444, 0.593] / 0.410
[0.321, 0.498]. Mean score per outlet (Fox, NYT, HuffPost): shipped +0.020, -0.081, +0.003; held-out recipe
+0.002, -0.059, -0.003.

Reading. Against article-level human labels, with topic held fixed (same event), the lean's word choice is at or
near chance: the fair row (held-out recipe) orders 0.527 of the differently labelled pairs correctly [0.417,
0.627] and separates right from left articles at AUC 0.528 [0.399, 0.666]; neither interval excludes 0.5, and
its macro-F1 0.330 is above "always center" (0.234) but not clearly above the floor (+0.040 [-0.035, 0.132]).
Knowing only the outlet does better on every measure but the prior-wrong pairs (concordance 0.645, AUC 0.721;
the AUC gap, -0.194 [-0.374, -0.005], is the one paired difference whose interval excludes 0 outside those
pairs), because BASIL's relative labels follow the outlet more often than not. On the 39 pairs where the outlet
prior is wrong all three word models get 0.513 (20 of 39): chance, so no sign that word choice reads the lean
where the outlet misleads (nor that it merely follows the outlet). Training on Fox and NYT barely moves the
scores (from the per-article scores the run writes: shipped and held-out correlate 0.98 and order those 39 pairs
identically); the shipped model's small edge (0.564 vs 0.527 concordance, not bootstrapped as a difference) goes
with a larger Fox-vs-NYT separation (AUC 0.730 vs 0.642), consistent with some recognition of the outlets it saw,
while neither model tells Fox from HuffPost (0.531, 0.507). With 50 events the intervals are +-0.1 to +-0.17 wide:
these figures rule out a strong article-level reading (say concordance >= 0.65 for the fair row) but cannot tell a
weak one from none.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import train_lean as tl

from bench.basil_lexicon import auc
from bench.datasets import EVALDATA, LEANS, load_basil
from bench.lean import macro_f1
from bench.report import write_report

YEARS = ("2010", "2011", "2012", "2013", "2014")
STANCE = {"left": "left", "liberal": "left", "center": "center", "right": "right", "conservative": "right"}
RANK = {"left": 0, "center": 1, "right": 2}
HELD_OUT = ("fox-news", "the-new-york-times", "huffpost")  # the BASIL outlets, as aliases.tsv resolves them
PRIOR = {"fox": 1.0, "nyt": 0.0, "hpo": -1.0}
PRIOR_LABEL = {"fox": "right", "nyt": "center", "hpo": "left"}
ROWS = ("shipped", "heldout_recipe", "floor", "outlet_prior")
BOOT = 1000


def basil_articles(evaldata: Path):
    """Return BASIL 2010-2014 articles (bench/datasets.py) with their relative-stance label (left|center|right)."""
    arts = load_basil(evaldata, YEARS)
    labels = []
    for a in arts:
        ann = evaldata / a.path.replace("articles/", "annotations/", 1).replace(".json", "_ann.json")
        labels.append(STANCE[json.loads(ann.read_text(encoding="utf-8"))["article-level-annotations"]
                             ["relative_stance"].lower()])
    return arts, labels


def service_leans(arts) -> tuple[list[dict], list[tuple[str, list]]]:
    """Return ``calibrated.slant.lean`` of ``analyze_document`` (no outlet) per article, and the (analysed text,
    removed spans) the service handed to ``lean_of``."""
    from service.analysis import analyze_document, default_resources

    res = default_resources()
    out, inputs = [], []
    for a in arts:
        r = analyze_document(res, a.text, include_text=True)
        out.append(r["calibrated"]["slant"]["lean"])
        removed = [(x["start"], x["end"]) for x in (r.get("cleaning") or {}).get("removed", [])
                   if isinstance(x, dict) and "start" in x]
        inputs.append((r["analysed_text"], removed))
    return out, inputs


def reduced_corpus(table, evaldata: Path):
    """Return (articles, outlet groups, leans, topics) of the AllSides corpus without the BASIL outlets, and the
    source labels left out per outlet."""
    arts, g, y, _ = tl.corpus(evaldata, table)
    dropped = Counter((o, a.source) for a, o in zip(arts, g) if o in HELD_OUT)
    keep = [k for k, o in enumerate(g) if o not in HELD_OUT]
    return ([arts[k] for k in keep], [g[k] for k in keep], [y[k] for k in keep], [arts[k].topic for k in keep],
            {f"{o} <- {s}": n for (o, s), n in sorted(dropped.items())})


def probs_of_counts(model, counts) -> list[list[float]]:
    """Return class probabilities (LEANS) of term counts under a fitted (unpruned) model, as ``tl.predict``."""
    import numpy as np
    import scipy.sparse as sp

    index = {t: j for j, t in enumerate(model["terms"])}
    rows, cols, vals = [], [], []
    for i, c in enumerate(counts):
        for t, n in c.items():
            if t in index:
                rows.append(i)
                cols.append(index[t])
                vals.append(n)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(index)), dtype=np.float64)
    z = tl.tfidf(X, model["idf"]) @ model["coef"].T + model["intercept"]
    return tl.softmax(np.asarray(z)).tolist()


def pair_sets(events, labels, outlets):
    """Return {subset: [(i, j)]}: same-event pairs with different labels, i the lower label (left < center < right)."""
    by_event: dict[str, list[int]] = {}
    for k, e in enumerate(events):
        by_event.setdefault(e, []).append(k)
    out = {"all": [], "prior_wrong": [], "with_nyt": []}
    for ix in by_event.values():
        for a in ix:
            for b in ix:
                if RANK[labels[a]] < RANK[labels[b]]:
                    out["all"].append((a, b))
                    if PRIOR[outlets[a]] >= PRIOR[outlets[b]]:
                        out["prior_wrong"].append((a, b))
                    if "nyt" in (outlets[a], outlets[b]):
                        out["with_nyt"].append((a, b))
    return out


def concordance(score, pairs) -> float | None:
    """Share of pairs (i lower label than j) with score[i] < score[j]; ties 1/2."""
    if not pairs:
        return None
    return sum(1.0 if score[i] < score[j] else 0.5 if score[i] == score[j] else 0.0 for i, j in pairs) / len(pairs)


def rl_auc(score, labels, ix) -> float | None:
    pos = [score[k] for k in ix if labels[k] == "right"]
    neg = [score[k] for k in ix if labels[k] == "left"]
    return auc(pos, neg) if pos and neg else None


def confusion(labels, pred) -> dict:
    return {g: {p: sum(1 for a, b in zip(labels, pred) if a == g and b == p) for p in LEANS} for g in LEANS}


def interval(vals) -> list[float | None]:
    """95% percentile interval of bootstrap values (None dropped), rounded to 3 places (bench/accuracy.interval95)."""
    v = sorted(x for x in vals if x is not None)
    if not v:
        return [None, None]
    return [round(v[int(0.025 * len(v))], 3), round(v[int(0.975 * len(v)) - 1], 3)]


def measures(scores, preds, labels, events, outlets, reps=BOOT, seed=0) -> dict:
    """Point values, 95% event-bootstrap intervals and paired differences of every measure and row."""
    keys = sorted(set(events))
    members = {e: [k for k, x in enumerate(events) if x == e] for e in keys}
    pairs = pair_sets(events, labels, outlets)
    # pairs per event, to rebuild each draw's pair list with events drawn twice counted twice
    ev_pairs = {s: {e: [p for p in ps if events[p[0]] == e] for e in keys} for s, ps in pairs.items()}

    def stats(ix, pair_lists):
        out = {}
        for r in ROWS:
            out[r] = {f"concordance_{s}": concordance(scores[r], pl) for s, pl in pair_lists.items()}
            out[r]["auc_right_vs_left"] = rl_auc(scores[r], labels, ix)
            out[r]["macro_f1"] = macro_f1([labels[k] for k in ix], [preds[r][k] for k in ix])
            # outlet recognition: how well the score alone tells the outlets apart (1.0 for the prior)
            for a, b in (("fox", "hpo"), ("fox", "nyt")):
                out[r][f"auc_{a}_vs_{b}"] = auc([scores[r][k] for k in ix if outlets[k] == a],
                                                [scores[r][k] for k in ix if outlets[k] == b])
        return out

    point = stats(list(range(len(labels))), pairs)
    rng = random.Random(seed)
    draws = []
    for _ in range(reps):
        drawn = rng.choices(keys, k=len(keys))
        ix = [k for e in drawn for k in members[e]]
        draws.append(stats(ix, {s: [p for e in drawn for p in ev_pairs[s][e]] for s in pairs}))
    names = list(point["shipped"])
    out = {"pairs": {s: len(v) for s, v in pairs.items()},
           "rows": {r: {m: {"value": None if point[r][m] is None else round(point[r][m], 3),
                            "ci95": interval([d[r][m] for d in draws])} for m in names} for r in ROWS},
           "paired_differences": {}}
    for other in ("floor", "outlet_prior"):
        out["paired_differences"][f"heldout_recipe - {other}"] = {
            m: {"value": round(point["heldout_recipe"][m] - point[other][m], 3),
                "ci95": interval([d["heldout_recipe"][m] - d[other][m] for d in draws
                                  if d["heldout_recipe"][m] is not None and d[other][m] is not None])}
            for m in names}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--cache-dir", type=Path, default=None, help="keep the AllSides terms here for reruns")
    ap.add_argument("--boot", type=int, default=BOOT)
    args = ap.parse_args(argv)
    t_start = time.time()
    from service.analysis.lean import LeanModel, lean_of
    from service.analysis.outlets import OutletTable

    arts, labels = basil_articles(args.evaldata)
    events = [a.event for a in arts]
    outlets = [a.outlet for a in arts]
    print(f"BASIL {YEARS[0]}-{YEARS[-1]}: {len(arts)} articles, {len(set(events))} events; labels "
          f"{dict(Counter(labels))}; per outlet {dict(Counter(zip(outlets, labels)))}", flush=True)

    # shipped: the service's own output, and a check that lean_of on the same inputs is the same computation
    t0 = time.time()
    shipped, inputs = service_leans(arts)
    model = LeanModel.from_file(ROOT / "lexicons" / "models" / "lean.json")
    same = sum(lean_of(model, text, removed)["probabilities"] == s["probabilities"]
               for (text, removed), s in zip(inputs, shipped))
    # The analysed text is the sent text with whitespace normalised (blank lines and double spaces collapsed; no
    # lean term changes: empty lines are not read and a line break already ends a bigram); lean_of on the sent
    # text gives the same lean.
    removed_any = sum(bool(removed) for _, removed in inputs)
    other_text = sum(text.split() != a.text.split() for (text, _), a in zip(inputs, arts))
    same_sent = sum(lean_of(model, a.text)["probabilities"] == s["probabilities"] for a, s in zip(arts, shipped))
    print(f"analyze_document on {len(arts)} articles: {time.time() - t0:.0f} s; lean_of(shipped model, analysed "
          f"text, removed spans) equals it on {same} of {len(arts)}, lean_of(shipped model, sent text) on "
          f"{same_sent}; articles with spans removed by the cleaning: {removed_any}; analysed text other than the "
          f"sent text beyond whitespace: {other_text}", flush=True)

    # held-out recipe and floor, fitted without the BASIL outlets
    table = OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    c_arts, g, y, topics, dropped = reduced_corpus(table, args.evaldata)
    print(f"AllSides without {', '.join(HELD_OUT)}: {len(c_arts)} articles, {len(set(g))} outlets "
          f"({dict(Counter({o: l for o, l in zip(g, y)}.values()))}); left out: {dropped}", flush=True)
    cache = args.cache_dir
    t0 = time.time()
    counts = tl.terms_of(c_arts, table, cache / "recipe_terms.pkl" if cache else None, groups=g)
    X, terms = tl.matrix(counts)
    del counts
    fitted = tl.fit(X, terms, g, y, topics, cs=(tl.C,))[0]
    del X
    meta = {"name": "lean", "version": "bench-heldout-basil-outlets", "trained_outlets": sorted(set(g))}
    exported = tl.export(fitted, table, meta)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lean.json"
        path.write_text(json.dumps(exported, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                        encoding="utf-8")
        heldout_model = LeanModel.from_file(path)
    heldout = [lean_of(heldout_model, text, removed) for text, removed in inputs]
    print(f"held-out recipe: {len(fitted['terms'])} terms, {len(exported['features'])} kept, C {tl.C}, topic_drop "
          f"{tl.TOPIC_DROP}, weighting {tl.WEIGHTING}; {time.time() - t0:.0f} s", flush=True)

    t0 = time.time()
    raw = tl.terms_of(c_arts, table, cache / "raw_terms.pkl" if cache else None, raw=True)
    Xf, terms_f = tl.matrix(raw)
    del raw
    floor_model = tl.fit(Xf, terms_f, g, y, topics, floor=True, cs=(tl.C,), topic_drop=0.0)[0]
    del Xf
    basil_raw = tl.terms_of([SimpleNamespace(title=a.sentences[0], text="\n\n".join(a.paragraphs)) for a in arts],
                            table, raw=True)
    floor_p = probs_of_counts(floor_model, basil_raw)
    print(f"floor: {len(floor_model['terms'])} terms; {time.time() - t0:.0f} s", flush=True)

    def from_lean(rs):
        return ([r["probabilities"]["right"] - r["probabilities"]["left"] for r in rs], [r["label"] for r in rs])

    scores, preds = {}, {}
    scores["shipped"], preds["shipped"] = from_lean(shipped)
    scores["heldout_recipe"], preds["heldout_recipe"] = from_lean(heldout)
    scores["floor"] = [round(p[2], 4) - round(p[0], 4) for p in floor_p]
    preds["floor"] = [LEANS[max(range(3), key=lambda k: (p[k], -k))] for p in floor_p]
    scores["outlet_prior"] = [PRIOR[o] for o in outlets]
    preds["outlet_prior"] = [PRIOR_LABEL[o] for o in outlets]

    m = measures(scores, preds, labels, events, outlets, reps=args.boot)
    n_rl = sum(1 for v in labels if v in ("left", "right"))
    report = {"articles": len(arts), "events": len(set(events)), "labels": dict(Counter(labels)),
              "labels_per_outlet": {o: dict(Counter(v for v, x in zip(labels, outlets) if x == o)) for o in PRIOR},
              "right_or_left_articles": n_rl, "pairs": m["pairs"], "bootstrap": {"over": "events", "reps": args.boot,
                                                                                  "seed": 0},
              "check_lean_of_equals_analyze_document": {"analysed_text": [same, len(arts)],
                                                        "sent_text": [same_sent, len(arts)]},
              "allsides_training": {"articles": len(c_arts), "outlets": len(set(g)), "left_out": dropped},
              "rows": m["rows"], "paired_differences": m["paired_differences"],
              "predicted": {r: dict(Counter(preds[r])) for r in ROWS},
              "confusion_gold_by_predicted": {r: confusion(labels, preds[r]) for r in ROWS},
              "mean_score_per_outlet": {r: {o: round(sum(s for s, x in zip(scores[r], outlets) if x == o)
                                                     / outlets.count(o), 4) for o in PRIOR} for r in ROWS},
              "per_article": [{"event": e, "outlet": o, "label": v,
                               **{r: round(scores[r][k], 4) for r in ROWS}} for k, (e, o, v) in
                              enumerate(zip(events, outlets, labels))],
              "seconds": round(time.time() - t_start)}
    print(f"\npairs (same event, labels differ): {m['pairs']}; articles labelled left or right: {n_rl}")
    cols = ["concordance_all", "concordance_prior_wrong", "concordance_with_nyt", "auc_right_vs_left", "macro_f1"]
    print(f"{'row':24s}" + "".join(f"{c:>26s}" for c in cols))

    def fmt(v):
        lo, hi = v["ci95"]
        return "n/a" if v["value"] is None else f"{v['value']:.3f} [{lo:.3f}, {hi:.3f}]"

    for r in ROWS:
        print(f"{r:24s}" + "".join(f"{fmt(m['rows'][r][c]):>26s}" for c in cols))
    for name, d in m["paired_differences"].items():
        print(f"{name:24s}" + "".join(f"{fmt(d[c]):>26s}" for c in cols))
    print("outlet recognition (AUC of the score, Fox articles above the other outlet's):")
    for r in ROWS:
        print(f"{r:24s}" + "".join(f"{c}: {fmt(m['rows'][r][c]):>22s}   "
                                   for c in ("auc_fox_vs_hpo", "auc_fox_vs_nyt")))
    for r in ROWS:
        print(f"{r}: predicted {report['predicted'][r]}; confusion (gold -> predicted) "
              f"{report['confusion_gold_by_predicted'][r]}; mean score per outlet {report['mean_score_per_outlet'][r]}")
    print(f"total {report['seconds']} s")
    write_report(ROOT / "bench" / "out" / "lean_basil.json", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
