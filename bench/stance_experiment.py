"""Aggregation rules for BASIL author stance toward main entities (issue 14), evaluated on cached mention outputs.

    OMP_NUM_THREADS=1 .venv/bin/python bench/stance_experiment.py cache   # analyse BASIL 2010-2014 once (minutes)
    OMP_NUM_THREADS=1 .venv/bin/python bench/stance_experiment.py eval    # the rules below on the cache (seconds)

The measure (bench/basil_actors.py score_articles, as bench/target_context.py reads it): for every BASIL 2010-2014
(article, main entity) pair with an author feeling, the sentiment label of the actor match_actor finds, else the
caller target's; macro-F1 (negative / neutral / positive) against the annotated feeling. The product gives
0.353 [0.303, 0.405] (bench/out/target_context.json, minilm); majority class 0.302.

Method
------
``cache`` runs analyze_document (load_resources(), FRAMING_TARGET_ENCODER unset = minilm, label_rule argmax) on
every article with its main entities as caller targets, with TargetContext.score and .aggregate wrapped on the
instance so that every aggregate call records its inputs: for each scored mention the head's probabilities, the
score (after the per-mention support rule), in_quote, encoder_share, whether the support rule zeroed it, the
sentence index, the paragraph index (0 = headline, 1 = first body paragraph), the mention kind (actor mentions:
name / alias / description; caller targets: name or surname), and the lexical words' (start, end, weight) needed
to redo the aggregate's pooled support rule. Of each (article, entity) pair it keeps the mentions of the actor
match_actor picks, else the caller target's (exactly the rows of score_articles), plus the label the product gave.
Only numbers go to /tmp/stance/mentions.json (no BASIL text, no entity names).

``eval`` re-aggregates the cached mentions under each rule. Every rule keeps the product's support rule as it
is: an aggregate whose weighted mean score no pooled word pulls its way, while the mean encoder share is below
0.5, reads neutral (rule 4 and 6 use the per-mention version: a zeroed mention reads neutral). A pair with no
mention, or whose mentions all weigh 0, reads neutral.

1. current: weighted mean probabilities (quoted mentions weigh 0.5), label = argmax (tie with neutral -> neutral).
   Must reproduce 0.353 and the product's label on every pair, else the experiment stops.
2. quoted weight 0 (2a) and 1 (2b) instead of 0.5; nothing fitted.
3. class offset on the log mean probabilities, label = argmax(log p + offset):
   3a. one neutral offset b (offset (0, b, 0)); grid b in -4.00..+2.00 step 0.05. Keeps the label's sign = the
       score's sign.
   3b. offsets (o_neg, 0, o_pos); grid -4.0..+2.0 step 0.1 each.
4. any strong mention: over the mentions not zeroed by the support rule, take the largest P(negative) or
   P(positive); label it that class if it is >= t, else neutral; grid t in 0.30..1.00 step 0.01.
5. headline and first-paragraph mentions (paragraph index 0 or 1) weigh w times more (times the quoted weight 0.5),
   then rule 1; grid w in 1, 1.25, 1.5, 2, 3, 4, 6, 8, 12, 16.
6. (pre-registered with the others, before any rule was scored) share of leaning mentions: each mention's own
   label (argmax of its probabilities, neutral if zeroed); among the weighted mentions (quoted 0.5) the larger of
   the negative and positive weighted shares, if >= s, gives that class, else neutral; grid s in 0.00..1.00 step
   0.02 (a tie between negative and positive reads neutral).

Fitting: leave one year out. For each year Y of 2010..2014 the parameter is the grid value maximising macro-F1 on
the other four years (pooled), then applied to Y; ties: the median of the tied grid values for 1-D grids (the one
closest to the grid's middle value if even), the tied pair closest to (0, 0) for 3b. The scored year never
informs its own parameter. Pooled LOYO macro-F1 = macro-F1 over all 305 held-out predictions.

Intervals: 1,000 resamples of whole articles (seed 13), the same draws for every rule; percentile 95% intervals
of each rule's pooled macro-F1 and of its paired difference with rule 1 (parameters fixed per fold, not refitted
inside the bootstrap).

Bar (pre-registered): a rule is ship-worthy only if its LOYO-pooled macro-F1 beats rule 1 with the paired 95%
bootstrap interval of the difference wholly above 0. Seven variants are compared with rule 1 with no multiplicity
correction, so one clearing the bar narrowly would still be weak evidence; BASIL 2015-2019 stays held out for the
issue's goal.

Results (2026-11-30, head 2026.11.30c, cache 87 s + eval 10 s on one thread)
-------
305 pairs in 150 articles (gold: 41 negative, 252 neutral, 12 positive; majority 0.302). Rule 1 gives the product's
label on 305 of 305 pairs and 0.3525 (interval [0.302, 0.404] here vs [0.303, 0.405] in bench/target_context.py:
same figure, other bootstrap draws). 220 pairs are read from the actor, 85 from the caller target, 43 of them with
no mention (neutral); 1,705 mentions (median 5 per pair), 9.6% quoted; the support rule zeroed 13 mentions and no
aggregate.

rule                      LOYO F1  95% CI          diff vs 1  paired 95% CI     2010  2011  2012  2013  2014
1 current                 0.353    [0.302, 0.404]                                0.292 0.379 0.317 0.364 0.404
2a quoted weight 0        0.357    [0.306, 0.407]  +0.004     [+0.000, +0.010]   0.292 0.374 0.324 0.364 0.415
2b quoted weight 1        0.351    [0.302, 0.400]  -0.002     [-0.008, +0.005]   0.292 0.379 0.312 0.364 0.404
3a neutral offset         0.383    [0.325, 0.443]  +0.031     [-0.032, +0.086]   0.318 0.390 0.367 0.424 0.379
3b class offsets          0.366    [0.322, 0.405]  +0.013     [-0.036, +0.058]   0.311 0.318 0.373 0.441 0.375
4 strong mention          0.384    [0.314, 0.455]  +0.031     [-0.023, +0.090]   0.316 0.376 0.325 0.344 0.513
5 headline/lead weight    0.327    [0.284, 0.370]  -0.026     [-0.056, -0.004]   0.303 0.324 0.317 0.364 0.322
6 leaning share           0.363    [0.315, 0.414]  +0.011     [-0.035, +0.053]   0.268 0.406 0.333 0.441 0.334

Fitted per held-out year 2010..2014 (and on all five years, not scored): 3a b = 1.0, 0.4, 1.0, 1.0, 1.0 (1.0);
3b (o_neg, o_pos) = (-1.0, -1.1), (-0.4, -1.3), then (-0.4, -1.1) x3 ((-0.4, -1.1)); 4 t = 0.94, 0.90, 0.90, 0.93,
0.90 (0.90); 5 w = 1.5, 4, 1.5, 1.5, 4 (1.5); 6 s = 0.80, 0.52, 0.72, 0.80, 0.52 (0.80).

No rule clears the bar. 2a's lower bound is 0.000 (the 2.5th percentile is exactly 0: it changes a handful of
pairs); 3a and 4 gain about +0.03 with intervals from -0.03 to +0.09; 5 is worse than rule 1 (interval below 0).
The gains come from predicting neutral more often (3a: 258 neutral vs 161), which lifts neutral F1 (0.67 -> 0.86)
and costs negative F1 (0.31 -> 0.23); positive F1 stays at 0.00-0.13 under every rule (12 positive pairs). An
aggregation rule over these mention outputs does not reach the 0.50 goal: even fitted on all five years and scored
on them (in-sample) the best are 3b 0.421, 4 0.417, 3a 0.397, 6 0.388.
"""
from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import DEFAULT_EVALDATA

YEARS = ["2010", "2011", "2012", "2013", "2014"]
CLASSES = ("negative", "neutral", "positive")
CACHE = Path("/tmp/stance/mentions.json")
QUOTED = 0.5
SHARE_MAX = 0.5  # TargetContext.SUPPORT_RULE_MAX_SHARE
EVIDENCE_MIN = 0.05  # TargetSentiment.EVIDENCE_MIN_WEIGHT


# ---------------------------------------------------------------------------------------------- cache


def _para_starts(art_text: str) -> list[int]:
    """Start offsets of the headline and each body paragraph (load_articles joins them with blank lines)."""
    starts, pos = [0], 0
    while True:
        k = art_text.find("\n\n", pos)
        if k < 0:
            return starts
        starts.append(k + 2)
        pos = k + 2


def build_cache(evaldata: Path, limit: int = 0) -> None:
    from bench import basil_actors as ba
    from service.analysis import analyze_document, load_resources

    res = load_resources()
    ts = res.target_sentiment
    assert type(ts).__name__ == "TargetContext" and ts.label_rule == "argmax", "run with FRAMING_TARGET_ENCODER unset"
    spans, calls, sents = {}, [], {}
    orig_score, orig_agg = ts.score, ts.aggregate

    def score(doc, start, end, quotes=()):
        out = orig_score(doc, start, end, quotes)
        key = id(doc)
        if key not in sents:
            sents.clear()
            sents[key] = [s.start_char for s in doc.sents]
        spans[id(out)] = (int(start), int(end), bisect.bisect_right(sents[key], int(start)) - 1, out)
        return out

    def aggregate(scored):
        out = orig_agg(scored)
        calls.append((out, [spans[id(s)][:3] for s in scored], scored))
        return out

    ts.score, ts.aggregate = score, aggregate
    rows, t0 = [], time.perf_counter()
    for year in YEARS:
        arts = ba.load_articles(evaldata, [year])
        if limit:
            arts = arts[:limit]
        for n, art in enumerate(arts):
            entities = list(art["feelings"])
            spans.clear(), calls.clear()
            result = analyze_document(res, art["text"], targets=entities or None)
            by_id = {id(out): (spn, sc) for out, spn, sc in calls}
            pstarts = _para_starts(art["text"])
            for k, entity in enumerate(entities):
                actor = ba.match_actor(entity, result["actors"])
                target = result["targets"][k]
                source = "actor" if actor else "target"
                agg = (actor or target)["sentiment"]
                spn, scored = by_id[id(agg)]
                if actor:
                    kinds = [m["kind"] for m in actor["mentions"][:len(scored)]]
                    assert [(m["start"], m["end"]) for m in actor["mentions"][:len(scored)]] == [s[:2] for s in spn]
                else:
                    kinds = ["name" if m["text"].lower() == entity.lower() else "surname"
                             for m in target["mentions"][:len(scored)]]
                mentions = []
                for (start, end, sent), s, kind in zip(spn, scored, kinds):
                    p = [float(s["probabilities"][c]) for c in CLASSES]
                    mentions.append({
                        "p": p, "score": float(s["score"]), "in_quote": bool(s.get("in_quote")),
                        "share": float(s.get("encoder_share", 0.0)),
                        "zeroed": float(s["score"]) == 0.0 and round(p[2] - p[0], 4) != 0.0,
                        "sent": sent, "para": bisect.bisect_right(pstarts, start) - 1, "kind": kind,
                        "start": start,
                        "words": [[w["start"], w["end"], float(w["weight"])] for w in s.get("words", ())],
                    })
                rows.append({"year": year, "article": n, "entity": k, "gold": art["feelings"][entity],
                             "source": source, "label": agg["label"], "agg_score": agg["score"],
                             "n_paragraphs": len(pstarts), "mentions": mentions})
            print(f"{year} {n + 1}/{len(arts)} {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps({"seconds": round(time.perf_counter() - t0, 1), "rows": rows}), encoding="utf-8")
    print(f"{len(rows)} pairs cached in {time.perf_counter() - t0:.0f}s -> {CACHE}")


# ---------------------------------------------------------------------------------------------- rules


def macro_f1(y, p) -> float:
    return float(np.mean([2 * np.sum((p == k) & (y == k)) / max(1, np.sum(p == k) + np.sum(y == k))
                          for k in range(3)]))


def _argmax(v) -> int:
    """Most probable class; a tie with neutral reads neutral (target_context._most_probable)."""
    return max(range(3), key=lambda i: (v[i], i == 1))


def aggregate(ms, quoted=QUOTED, head_w=1.0):
    """(weighted mean probabilities, mean score after the pooled support rule) or None when nothing weighs."""
    w = [(quoted if m["in_quote"] else 1.0) * (head_w if m["para"] <= 1 else 1.0) for m in ms]
    wsum = sum(w)
    if not ms or wsum <= 0:
        return None
    share = sum(a * m["share"] for a, m in zip(w, ms)) / wsum
    mean = sum(a * m["score"] for a, m in zip(w, ms)) / wsum
    if share < SHARE_MAX and mean != 0:
        pooled = {}
        for a, m in zip(w, ms):
            for s, e, x in m["words"]:
                pooled[(s, e)] = pooled.get((s, e), 0.0) + x * a / wsum
        if not any(x * mean > 0 and abs(x) >= EVIDENCE_MIN for x in pooled.values()):
            mean = 0.0
    probs = [sum(a * m["p"][c] for a, m in zip(w, ms)) / wsum for c in range(3)]
    return probs, round(mean, 4)


def label_mean(agg, offset=(0.0, 0.0, 0.0)) -> int:
    if agg is None or agg[1] == 0:
        return 1
    logp = [np.log(max(p, 1e-9)) + o for p, o in zip(agg[0], offset)]
    return _argmax(logp)


def label_strong(ms, t) -> int:
    best, cls = -1.0, 1
    for m in ms:
        if m["score"] == 0:  # zeroed by the support rule (or an exact 0): reads neutral
            continue
        for c in (0, 2):
            if m["p"][c] > best:
                best, cls = m["p"][c], c
    return cls if best >= t else 1


def label_share(ms, s) -> int:
    w = [QUOTED if m["in_quote"] else 1.0 for m in ms]
    wsum = sum(w)
    if not ms or wsum <= 0:
        return 1
    own = [1 if m["score"] == 0 else _argmax(m["p"]) for m in ms]
    neg = sum(a for a, k in zip(w, own) if k == 0) / wsum
    pos = sum(a for a, k in zip(w, own) if k == 2) / wsum
    if neg == pos or max(neg, pos) < s:
        return 1
    return 0 if neg > pos else 2


def _pick(values, scores, centre=None):
    """Median of the grid values tied at the best score (closest to the grid's middle if even)."""
    best = max(scores)
    tied = [v for v, f in zip(values, scores) if f >= best - 1e-12]
    mid = len(tied) // 2
    return tied[mid] if len(tied) % 2 else min(tied[mid - 1], tied[mid], key=lambda v: abs(v - (centre or
                                                                                                  np.median(values))))


def loyo(rows, y, years, predict, grid, pick=_pick):
    """LOYO predictions: for each year, the grid value best on the others; returns (pred, {year: value})."""
    table = np.array([[predict(r, g) for r in rows] for g in grid])  # (grid, rows)
    pred, fitted = np.ones(len(rows), dtype=int), {}
    for year in YEARS:
        train, test = years != year, years == year
        scores = [macro_f1(y[train], table[i][train]) for i in range(len(grid))]
        g = pick(grid, scores)
        fitted[year] = tuple(float(v) for v in g) if isinstance(g, tuple) else float(g)
        pred[test] = table[grid.index(g)][test]
    g = pick(grid, [macro_f1(y, table[i]) for i in range(len(grid))])
    fitted["all years (not scored)"] = tuple(float(v) for v in g) if isinstance(g, tuple) else float(g)
    return pred, fitted


def evaluate(boot: int = 1000) -> dict:
    data = json.loads(CACHE.read_text(encoding="utf-8"))
    rows = data["rows"]
    y = np.array([CLASSES.index(r["gold"]) for r in rows])
    years = np.array([r["year"] for r in rows])
    clusters = np.array([f"{r['year']}/{r['article']}" for r in rows])
    product = np.array([CLASSES.index(r["label"]) for r in rows])
    preds, fitted = {}, {}

    aggs = [aggregate(r["mentions"]) for r in rows]
    preds["1 current"] = np.array([label_mean(a) for a in aggs])
    same = int(np.sum(preds["1 current"] == product))
    print(f"rule 1 vs product labels: {same}/{len(rows)} equal; product macro-F1 {macro_f1(y, product):.4f}, "
          f"rule 1 {macro_f1(y, preds['1 current']):.4f}", flush=True)
    if same != len(rows) or abs(macro_f1(y, product) - 0.3525) > 5e-4:
        raise SystemExit("rule 1 does not reproduce the product's labels / 0.353: stop")

    preds["2a quoted 0"] = np.array([label_mean(aggregate(r["mentions"], quoted=0.0)) for r in rows])
    preds["2b quoted 1"] = np.array([label_mean(aggregate(r["mentions"], quoted=1.0)) for r in rows])

    grid_b = [round(x, 2) for x in np.arange(-4.0, 2.0001, 0.05)]
    preds["3a neutral offset"], fitted["3a neutral offset"] = loyo(
        aggs, y, years, lambda a, b: label_mean(a, (0.0, b, 0.0)), grid_b)

    grid_o = [round(x, 1) for x in np.arange(-4.0, 2.0001, 0.1)]
    pairs = [(a, b) for a in grid_o for b in grid_o]

    def pick_pair(values, scores):
        best = max(scores)
        return min((v for v, f in zip(values, scores) if f >= best - 1e-12), key=lambda v: (v[0] ** 2 + v[1] ** 2, v))

    preds["3b class offsets"], fitted["3b class offsets"] = loyo(
        aggs, y, years, lambda a, o: label_mean(a, (o[0], 0.0, o[1])), pairs, pick=pick_pair)

    grid_t = [round(x, 2) for x in np.arange(0.30, 1.0001, 0.01)]
    preds["4 strong mention"], fitted["4 strong mention"] = loyo(
        rows, y, years, lambda r, t: label_strong(r["mentions"], t), grid_t)

    grid_w = [1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0]
    head = {w: [label_mean(aggregate(r["mentions"], head_w=w)) for r in rows] for w in grid_w}
    preds["5 headline/lead weight"], fitted["5 headline/lead weight"] = loyo(
        list(range(len(rows))), y, years, lambda i, w: head[w][i], grid_w)

    grid_s = [round(x, 2) for x in np.arange(0.0, 1.0001, 0.02)]
    preds["6 leaning share"], fitted["6 leaning share"] = loyo(
        rows, y, years, lambda r, s: label_share(r["mentions"], s), grid_s)

    # bootstrap over whole articles, same draws for every rule
    rng = np.random.default_rng(13)
    uniq = np.unique(clusters)
    members = [np.flatnonzero(clusters == c) for c in uniq]
    draws = {k: [] for k in preds}
    diffs = {k: [] for k in preds if k != "1 current"}
    for _ in range(boot):
        idx = np.concatenate([members[i] for i in rng.integers(0, len(uniq), len(uniq))])
        base = macro_f1(y[idx], preds["1 current"][idx])
        for k, p in preds.items():
            f = macro_f1(y[idx], p[idx])
            draws[k].append(f)
            if k != "1 current":
                diffs[k].append(f - base)
    ci = lambda v: [round(float(np.percentile(v, 2.5)), 3), round(float(np.percentile(v, 97.5)), 3)]
    base = macro_f1(y, preds["1 current"])
    report = {"pairs": len(rows), "articles": len(uniq), "gold": {c: int(np.sum(y == k)) for k, c in
                                                                   enumerate(CLASSES)},
              "majority_macro_f1": round(macro_f1(y, np.ones_like(y)), 4), "rules": {}}
    for k, p in preds.items():
        f = macro_f1(y, p)
        report["rules"][k] = {
            "macro_f1": round(f, 4), "ci95": ci(draws[k]),
            "diff": None if k == "1 current" else round(f - base, 4),
            "diff_ci95": None if k == "1 current" else ci(diffs[k]),
            "diff_ci95_low_unrounded": None if k == "1 current" else float(np.percentile(diffs[k], 2.5)),
            "clears_bar": None if k == "1 current" else bool(np.percentile(diffs[k], 2.5) > 0),
            "f1_by_class": {c: round(2 * int(np.sum((p == j) & (y == j)))
                                     / max(1, int(np.sum(p == j) + np.sum(y == j))), 3)
                            for j, c in enumerate(CLASSES)},
            "per_year": {yr: round(macro_f1(y[years == yr], p[years == yr]), 3) for yr in YEARS},
            "predicted": {c: int(np.sum(p == j)) for j, c in enumerate(CLASSES)},
            "fitted": fitted.get(k),
        }
    n_m = [len(r["mentions"]) for r in rows]
    report["diagnostics"] = {
        "source": {s: sum(r["source"] == s for r in rows) for s in ("actor", "target")},
        "no_mention": sum(n == 0 for n in n_m), "median_mentions": float(np.median(n_m)),
        "aggregate_zeroed": sum(1 for a in aggs if a is not None and a[1] == 0 and
                                round(a[0][2] - a[0][0], 4) != 0),
        "mentions_zeroed": sum(m["zeroed"] for r in rows for m in r["mentions"]), "mentions": sum(n_m),
        "mentions_quoted_share": round(sum(m["in_quote"] for r in rows for m in r["mentions"]) / max(1, sum(n_m)), 3),
    }
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("cache", "eval"))
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--limit", type=int, default=0, help="articles per year (smoke test)")
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.step == "cache":
        build_cache(args.evaldata, args.limit)
        return 0
    t0 = time.perf_counter()
    report = evaluate(args.boot)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"{'rule':26s} {'LOYO F1':>8s} {'95% CI':>15s} {'diff':>8s} {'paired 95% CI':>17s}  per year")
    for k, r in report["rules"].items():
        d = "" if r["diff"] is None else f"{r['diff']:+8.4f} [{r['diff_ci95'][0]:+.3f}, {r['diff_ci95'][1]:+.3f}]"
        print(f"{k:26s} {r['macro_f1']:8.4f} [{r['ci95'][0]:.3f}, {r['ci95'][1]:.3f}] {d:27s} "
              f"{' '.join(f'{v:.3f}' for v in r['per_year'].values())}  pred {r['predicted']} "
              f"F1 by class {r['f1_by_class']}")
        if r["fitted"]:
            print(f"{'':26s} fitted {r['fitted']}")
    print(json.dumps(report["diagnostics"]))
    out = Path("/tmp/stance/report.json")
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
