"""Benchmark the lean model and the outlet profiles with whole outlets held out; the floor model in the same run.

Run from the repo root: ``.venv/bin/python bench/lean.py [--cache-dir /tmp/lean]`` (scikit-learn from
requirements-tools.txt; about 20-30 minutes on two busy cores). Prints and writes bench/out/lean.json (gitignored);
bench/LEAN.md records a run. The AllSides corpus (Baly et al., EMNLP 2020) is research use: numbers only.

(a) Lean, article level, every outlet held out once (5 folds of outlets, each lean dealt round-robin,
    tools/train_lean.outlet_folds): macro-F1 over left/center/right, right-vs-left ROC AUC of P(right) - P(left)
    over the left and right articles; for the recipe (tools/train_lean.py) and the floor model (the same logistic
    regression on raw text: no blanking, no vocabulary filter, no weighting).
(b) Lean, outlet level: the mean probabilities over each held-out outlet's articles (outlets with >= 50), its label
    against the outlet's AllSides rating.
(c) Topic is not lean: the share of the variance of the lean score (P(right) - P(left)) that topic explains
    (eta squared) beside the share the outlet explains, and within each outlet the spread of its mean score over
    its topics (>= 10 articles each) against the spread between outlets.
(d) Closest profile: outlet lexicons (service/analysis/baselines.py) built on 80% of each outlet's articles
    (sha1 of the id), then for each remaining article the outlet whose lexicon it fits best (z of the fit against
    the balanced reference articles): how often that is its own outlet; chance is 1 / outlets.
(e) The seed outlets' percentiles against the shipped profiles, with the number of articles behind each.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import train_lean as tl

from bench.basil_lexicon import auc
from bench.datasets import EVALDATA, LEANS
from bench.report import write_report
from service.analysis.baselines import (
    balanced_weights,
    outlet_lexicon,
    reference_counts,
    weighted_summary,
)
from service.analysis.outlets import OutletTable

MIN_OUTLET_ARTICLES = 50  # issue 15: outlet-level lean is the mean over >= 50 articles
MIN_TOPIC_ARTICLES = 10


def macro_f1(y, pred) -> float:
    """Return the macro-averaged F1 over the three leans."""
    f1s = []
    for c in LEANS:
        tp = sum(1 for a, b in zip(y, pred) if a == c and b == c)
        fp = sum(1 for a, b in zip(y, pred) if a != c and b == c)
        fn = sum(1 for a, b in zip(y, pred) if a == c and b != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def lean_figures(P, y, g, topics) -> dict:
    """Return article, outlet and topic figures of out-of-fold probabilities (rows left, center, right)."""
    pred = [LEANS[max(range(3), key=lambda k: p[k])] for p in P]
    score = [p[2] - p[0] for p in P]
    out = {"articles": len(y), "macro_f1": round(macro_f1(y, pred), 4),
           "auc_right_vs_left": round(auc([s for s, c in zip(score, y) if c == "right"],
                                          [s for s, c in zip(score, y) if c == "left"]), 4),
           "per_class_share_predicted": dict(Counter(pred))}
    by_outlet = defaultdict(list)
    for k, o in enumerate(g):
        by_outlet[o].append(k)
    rows = []
    for o, ix in sorted(by_outlet.items()):
        if len(ix) < MIN_OUTLET_ARTICLES:
            continue
        mean = [sum(P[k][c] for k in ix) / len(ix) for c in range(3)]
        rows.append({"outlet": o, "articles": len(ix), "allsides": y[ix[0]],
                     "estimate": LEANS[max(range(3), key=lambda c: mean[c])],
                     "probabilities": [round(v, 3) for v in mean]})
    out["outlets"] = rows
    out["outlet_accuracy"] = [sum(r["estimate"] == r["allsides"] for r in rows), len(rows)]
    rated = [r for r in rows if r["allsides"] != "center"]
    out["outlet_auc_right_vs_left"] = round(auc([r["probabilities"][2] - r["probabilities"][0] for r in rated
                                                 if r["allsides"] == "right"],
                                                [r["probabilities"][2] - r["probabilities"][0] for r in rated
                                                 if r["allsides"] == "left"]), 4)
    # Topic vs outlet: eta squared of the score.
    mean_all = statistics.fmean(score)
    total = sum((s - mean_all) ** 2 for s in score) or 1.0

    def eta2(labels):
        groups = defaultdict(list)
        for s, lab in zip(score, labels):
            groups[lab].append(s)
        return sum(len(v) * (statistics.fmean(v) - mean_all) ** 2 for v in groups.values()) / total

    spreads = []
    outlet_means = []
    for o, ix in by_outlet.items():
        outlet_means.append(statistics.fmean(score[k] for k in ix))
        per_topic = defaultdict(list)
        for k in ix:
            per_topic[topics[k]].append(score[k])
        tm = [statistics.fmean(v) for v in per_topic.values() if len(v) >= MIN_TOPIC_ARTICLES]
        if len(tm) >= 2:
            spreads.append(statistics.pstdev(tm))
    out["topic"] = {"eta2_topic": round(eta2(topics), 4), "eta2_outlet": round(eta2(g), 4),
                    "eta2_allsides_lean": round(eta2(y), 4),
                    "within_outlet_sd_over_topics_median": round(statistics.median(spreads), 4) if spreads else None,
                    "between_outlet_sd": round(statistics.pstdev(outlet_means), 4),
                    "outlets_with_two_topics": len(spreads)}
    return out


def closest_profile(arts, g, leans, table, holdout_share: float = 0.2) -> dict:
    """Return how often an article's best-fitting outlet lexicon (built without it) is its own outlet."""
    import build_profiles as bp

    from service.analysis.lean import names_pattern

    strip = names_pattern(tl.strip_names(table))
    per = Counter(g)
    keep = [k for k in range(len(arts)) if per[g[k]] >= bp.MIN_PROFILE_ARTICLES]
    test = {k for k in keep if int(hashlib.sha1(arts[k].id.encode()).hexdigest(), 16) % 100 < holdout_share * 100}
    counts = {}
    for k in keep:
        counts[k] = Counter(w for w, _, _ in bp.article_words(tl.article_text(arts[k]), strip))
    by_outlet: dict[str, Counter] = defaultdict(Counter)
    doc_freq: dict[str, Counter] = defaultdict(Counter)
    for k in keep:
        if k not in test:
            by_outlet[g[k]].update(counts[k])
            doc_freq[g[k]].update(counts[k].keys())
    outlet_freq = Counter()
    for c in by_outlet.values():
        outlet_freq.update(c.keys())
    ref = reference_counts(by_outlet, leans)
    lexicons = {o: {t["term"]: t["z"] for t in outlet_lexicon(by_outlet[o], ref, doc_freq[o], outlet_freq, {})}
                for o in sorted(by_outlet)}

    def fit(c, z):
        n = sum(c.values())
        return 1000.0 * sum(c[w] * v for w, v in z.items() if w in c) / n if n else 0.0

    train = sorted(k for k in keep if k not in test)
    sample = train[::4]  # every fourth training article places the fit (about 2,000)
    weights = balanced_weights([g[k] for k in sample], leans)
    base = {}
    for o, z in lexicons.items():
        s = weighted_summary([fit(counts[k], z) for k in sample], weights)
        base[o] = (s["mean"], s["sd"] or 1.0)
    hits = top5 = 0
    per_outlet = defaultdict(lambda: [0, 0])
    for k in sorted(test):
        zs = sorted(((fit(counts[k], z) - base[o][0]) / base[o][1], o) for o, z in lexicons.items())[::-1]
        ranked = [o for _, o in zs]
        hits += ranked[0] == g[k]
        top5 += g[k] in ranked[:5]
        per_outlet[g[k]][0] += ranked[0] == g[k]
        per_outlet[g[k]][1] += 1
    n = len(test)
    return {"articles": n, "outlets": len(lexicons), "accuracy": round(hits / n, 4), "top5": round(top5 / n, 4),
            "chance": round(1 / len(lexicons), 4),
            "per_outlet": {o: round(a / b, 3) for o, (a, b) in sorted(per_outlet.items())}}


def seed_percentiles() -> list[dict]:
    """Return each seed's placement against the shipped profiles, with the articles behind each baseline."""
    import csv

    from service.analysis import analyze_document, load_resources

    res = load_resources()
    rows = list(csv.DictReader((ROOT / "seeds" / "manifest.tsv").open(encoding="utf-8"), delimiter="\t"))
    out = []
    for row in rows:
        text = (ROOT / "seeds" / row["file"]).read_text(encoding="utf-8")
        r = analyze_document(res, text, title=row["headline"] or None, outlet=row["outlet"])
        cal = r["calibrated"]
        m = cal["metrics"]
        slant = cal.get("slant", {})
        lean = slant.get("lean") or {}
        typ = slant.get("typicality") or {}
        out.append({"seed": row["file"], "outlet": row["outlet"], "profile": cal["baseline"].get("outlet_profile"),
                    "outlet_articles": cal["baseline"].get("outlet_articles"),
                    "pooled_articles": cal["baseline"].get("pooled_articles"),
                    "loaded_density": {"value": m["loaded_density"]["value"],
                                       "pooled_pct": m["loaded_density"]["pooled"]["percentile"],
                                       "outlet_pct": (m["loaded_density"].get("outlet") or {}).get("percentile"),
                                       "outlet_n": (m["loaded_density"].get("outlet") or {}).get("n")},
                    "framing_index": cal["framing_index"]["value"],
                    "lean": {"label": lean.get("label"), "probabilities": lean.get("probabilities")},
                    "typicality": {k: typ.get(k) for k in ("percentile", "n", "reading")} if typ else None,
                    "closest": slant.get("closest")})
    return out


def markdown(report: dict) -> str:
    """Return the report's tables as Markdown (bench/LEAN.md pastes them)."""
    lines = [("| model | macro-F1 | AUC right vs left | outlets right (>= 50 articles) | outlet AUC | eta2 topic | "
             "eta2 outlet | within-outlet sd over topics | between-outlet sd |"), "|---|---|---|---|---|---|---|---|---|"]
    for name in ("recipe", "recipe_uncalibrated", "floor"):
        r = report.get(name)
        if not r:
            continue
        t = r["topic"]
        cal = "calibrated" if report.get("recipe_calibrated") else "uncalibrated"
        label = {"recipe": f"shipped recipe (topic_drop {report.get('recipe_topic_drop')}, C {report.get('recipe_C')}, "
                           f"{cal})",
                 "recipe_uncalibrated": "same, without calibration",
                 "floor": "floor (raw text, unweighted)"}[name]
        lines.append(f"| {label} | {r['macro_f1']:.3f} | {r['auc_right_vs_left']:.3f} | {r['outlet_accuracy'][0]} of "
                     f"{r['outlet_accuracy'][1]} | {r['outlet_auc_right_vs_left']:.3f} | {t['eta2_topic']:.3f} | "
                     f"{t['eta2_outlet']:.3f} | {t['within_outlet_sd_over_topics_median']} | "
                     f"{t['between_outlet_sd']} |")
    if report.get("C_grid"):
        lines += ["", ("| topic_drop | C | calibrated | macro-F1 | AUC | outlets right | outlet AUC | predicted "
                      "left / center / right |"), "|---|---|---|---|---|---|---|---|"]
        for v in report["C_grid"]:
            for cal in ("uncalibrated", "calibrated"):
                a = v[cal]
                sh = a["per_class_share_predicted"]
                lines.append(f"| {v['topic_drop']} | {v['C']} | {cal == 'calibrated'} | {a['macro_f1']:.3f} | "
                             f"{a['auc_right_vs_left']:.3f} | {a['outlet_accuracy'][0]} of {a['outlet_accuracy'][1]} | "
                             f"{a['outlet_auc_right_vs_left']:.3f} | {sh.get('left', 0)} / {sh.get('center', 0)} / "
                             f"{sh.get('right', 0)} |")
    if report.get("recipe"):
        lines += ["", "| outlet (held out) | articles | AllSides | estimate | P(left, center, right) |",
                  "|---|---|---|---|---|"]
        for o in report["recipe"]["outlets"]:
            lines.append(f"| {o['outlet']} | {o['articles']} | {o['allsides']} | {o['estimate']} | "
                         f"{', '.join(f'{v:.2f}' for v in o['probabilities'])} |")
    if report.get("closest_profile"):
        c = report["closest_profile"]
        lines += ["", (f"Closest profile is the article's own outlet: {c['accuracy']:.3f} (top-5 {c['top5']:.3f}; "
                      f"chance {c['chance']:.3f}; {c['articles']} held-out articles, {c['outlets']} outlets).")]
    if report.get("seeds"):
        lines += ["", ("| seed | outlet | profile (articles) | loaded density: pooled pct / outlet pct (n) | "
                      "framing index | lean | typicality |"), "|---|---|---|---|---|---|---|"]
        for x in report["seeds"]:
            ld = x["loaded_density"]
            typ = x["typicality"] or {}
            lean = x["lean"] or {}
            probs = lean.get("probabilities") or {}
            lines.append(f"| {x['seed'][:3]} | {x['outlet']} | {x['profile']} ({x['outlet_articles']}) | "
                         f"{ld['pooled_pct']} / {ld['outlet_pct']} ({ld['outlet_n']}) | {x['framing_index']} | "
                         f"{lean.get('label')} ({', '.join(f'{k[0]} {v:.2f}' for k, v in probs.items())}) | "
                         f"{typ.get('reading')} (pct {typ.get('percentile')}, n {typ.get('n')}) |")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Run every part and write bench/out/lean.json."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--cache-dir", type=Path, default=None, help="keep the articles' terms here between runs")
    ap.add_argument("--skip", nargs="*", default=[], choices=["floor", "recipe", "closest", "seeds"])
    ap.add_argument("--recipe-from", type=Path, default=None,
                    help="read the recipe's (and, with --floor there, the floor's) out-of-fold probabilities from "
                         "tools/train_lean.py's --heldout-out file (bench/out/lean_heldout.json) instead of fitting "
                         "the five folds again")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "lean.json")
    ap.add_argument("--merge", type=Path, nargs="*", default=[],
                    help="print the Markdown of earlier reports merged (later files win), and stop")
    args = ap.parse_args(argv)
    if args.merge:
        merged: dict = {}
        for path in args.merge:
            merged.update(json.loads(path.read_text(encoding="utf-8")))
        print(markdown(merged))
        return 0

    t0 = time.time()
    table = OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    arts, g, y, leans = tl.corpus(args.evaldata, table)
    topics = [a.topic for a in arts]
    report = {"corpus": {"articles": len(arts), "outlets": len(leans),
                         "leans": dict(Counter(leans.values()))}, "folds": tl.outlet_folds(leans)}
    runs = ([] if "floor" in args.skip else [("floor", True)]) + ([] if "recipe" in args.skip else [("recipe", False)])
    data = json.loads(args.recipe_from.read_text(encoding="utf-8")) if args.recipe_from else None
    if data:
        # The out-of-fold probabilities as tools/train_lean.py wrote them (same folds, same corpus).
        assert data["folds"] == report["folds"] and [r["id"] for r in data["articles"]] == [a.id for a in arts]
        report["recipe_source"] = str(args.recipe_from)
        report["recipe_C"], report["C_grid"] = data.get("C"), data.get("grid")
        report["recipe_topic_drop"], report["recipe_calibrated"] = data.get("topic_drop"), data.get("calibrated")
    for name, raw in runs:
        if data and name == "recipe":
            P = [r["p"] for r in data["articles"]]
            if data.get("calibrated") and "p_uncalibrated" in data["articles"][0]:
                report["recipe_uncalibrated"] = lean_figures([r["p_uncalibrated"] for r in data["articles"]], y,
                                                             g, topics)
        elif data and name == "floor" and data.get("floor"):
            P = data["floor"]
        else:
            cache = args.cache_dir / f"terms_{name}.pkl" if args.cache_dir else None
            counts = tl.terms_of(arts, table, cache, raw=raw, groups=g)
            X, terms = tl.matrix(counts)
            del counts
            drop = 0.0 if raw else tl.TOPIC_DROP
            Z = tl.heldout(X, terms, g, y, topics, leans, floor=raw, drops=(drop,))[(drop, tl.C)]
            # Uncalibrated: tools/train_lean.py chooses and cross-fits the calibration; --recipe-from reads its
            # figures, which are the shipped recipe's.
            P = tl.softmax(Z).tolist()
        report[name] = lean_figures(P, y, g, topics)
        r = report[name]
        print(f"{name}: macro-F1 {r['macro_f1']:.3f}  AUC right-vs-left {r['auc_right_vs_left']:.3f}  outlets "
              f"{r['outlet_accuracy'][0]}/{r['outlet_accuracy'][1]}  eta2 topic {r['topic']['eta2_topic']:.3f} "
              f"outlet {r['topic']['eta2_outlet']:.3f}  ({time.time() - t0:.0f} s)", flush=True)
    if "closest" not in args.skip:
        report["closest_profile"] = closest_profile(arts, g, leans, table)
        c = report["closest_profile"]
        print(f"closest profile is own outlet: {c['accuracy']:.3f} (top-5 {c['top5']:.3f}, chance {c['chance']:.3f}, "
              f"{c['articles']} held-out articles, {c['outlets']} outlets)", flush=True)
    if "seeds" not in args.skip:
        report["seeds"] = seed_percentiles()
        for s in report["seeds"]:
            print(json.dumps(s), flush=True)
    report["seconds"] = round(time.time() - t0)
    print(markdown(report))
    write_report(args.out, report, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
