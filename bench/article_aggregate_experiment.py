"""Experiment (issue 14, article bias row): do article aggregates of the sentence scores rank BASIL articles better
than the framing index and Hu & Liu density?

Run from the repo root: ``OMP_NUM_THREADS=1 .venv/bin/python bench/article_aggregate_experiment.py``. Prints a table
and writes bench/out/article_aggregate_experiment.json (gitignored); numbers only (BASIL is research-use data).

Label (bench/accuracy.py's article-bias measure): the article's annotated lexical-bias spans per 1,000 words is
above the median of its years. Candidates, each from the default analysis (minilm-l3 sentence head) of the whole
article: ``sentence_loadedness`` mean, max, share above the threshold, the mean of the top 3 and top 5 sentence
probabilities (all sentences: the result lists only those above the threshold, so this script reads them from the
sentence model directly), and the index (profiles built on 2010-2012 as bench/accuracy.py builds them). Baselines:
Hu & Liu density, loaded-term density.

Pre-registered (written before the run): the aggregate is CHOSEN on 2010-2012 articles only (highest AUC there);
it counts as a lever only if on 2013-2014 it beats the index by >= +0.05 AUC with a paired 95% interval (bootstrap
over events) above 0. With 60 held-out articles an interval above 0 needs a large gain: a null result is expected
and would be recorded as such.

Result (2026-11-30, one run, 98 s; AUC with 95% intervals over events):

  candidate          2010-2012             2013-2014
  index              0.797 [0.698, 0.879]  0.645 [0.502, 0.789]
  loadedness_mean    0.717 [0.614, 0.812]  0.643 [0.469, 0.809]
  loadedness_max     0.761 [0.666, 0.843]  0.619 [0.457, 0.780]
  share_above        0.738 [0.632, 0.835]  0.591 [0.424, 0.753]
  top3_mean          0.749 [0.635, 0.839]  0.583 [0.402, 0.750]
  top5_mean          0.741 [0.639, 0.831]  0.572 [0.395, 0.740]
  hu_liu_density     0.587 [0.459, 0.692]  0.722 [0.579, 0.860]
  loaded_density     0.756 [0.648, 0.852]  0.602 [0.466, 0.743]

  Chosen on 2010-2012: loadedness_max. On 2013-2014, paired: loadedness_max - index -0.026 [-0.080, +0.029];
  loadedness_max - Hu & Liu -0.103 [-0.29, +0.09]; index - Hu & Liu -0.077 [-0.249, +0.102].

Reading: no lever. No aggregate of the sentence scores beats the index on the held-out years, and the ordering of
all candidates flips between the two splits (Hu & Liu is the worst on 2010-2012 and the best on 2013-2014, loaded
density the reverse): with 90 and 60 articles and intervals of +/- 0.15, the article-bias row cannot tell these
models apart, and no choice made on one split carries to the other. Nothing shipped.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import build_profiles as bp  # noqa: E402

from bench.accuracy import article_bias_labels, boot_auc  # noqa: E402
from bench.calibration import bingliu_words, hl_density  # noqa: E402
from bench.encoder import paired_diff  # noqa: E402
from service.analysis.calibration import Calibration  # noqa: E402
from service.analysis.profiles import build_profiles  # noqa: E402

OUT = ROOT / "bench" / "out" / "article_aggregate_experiment.json"


class _Keep:
    """Stands in for the sentence model: every sentence's probability is kept, the block is the model's."""

    def __init__(self, inner):
        self.inner, self.scores = inner, []

    def describe(self):
        return self.inner.describe()

    def loadedness(self, doc, sentences, context, out_span):
        self.scores.append([p for p, _ in self.inner.score_details(doc, sentences, context)])
        return self.inner.loadedness(doc, sentences, context, out_span)


def top(xs, k):
    xs = sorted(xs, reverse=True)[:k]
    return float(np.mean(xs)) if xs else 0.0


def main() -> int:
    from dataclasses import replace

    from service.analysis import analyze_document, load_resources

    t0 = time.time()
    res = load_resources()
    keep = _Keep(res.sentence_bias)
    r2 = replace(res, sentence_bias=keep)
    basil = bp.load_basil(bp.EVALDATA)
    corpus = bp.basil_corpus(basil)
    results = [analyze_document(r2, a.text, outlet=a.outlet) for a in corpus]
    train = [k for k, a in enumerate(basil) if a.year in bp.TRAIN_YEARS]
    cal = Calibration(build_profiles([corpus[k] for k in train], res, version="bench", provenance="BASIL 2010-2012",
                                     results=[results[k] for k in train]))
    hl, tok = bingliu_words(bp.EVALDATA), res.nlp.tokenizer
    cands = {
        "index": lambda k: cal.calibrate(results[k], None)["framing_index"]["value"] or 0.0,
        "loadedness_mean": lambda k: results[k]["sentence_loadedness"]["mean"],
        "loadedness_max": lambda k: results[k]["sentence_loadedness"]["max"],
        "share_above": lambda k: results[k]["sentence_loadedness"]["share_above"],
        "top3_mean": lambda k: top(keep.scores[k], 3),
        "top5_mean": lambda k: top(keep.scores[k], 5),
        "hu_liu_density": lambda k: hl_density(tok, hl, basil[k].text),
        "loaded_density": lambda k: results[k]["loaded_terms"]["density"],
    }
    report = {"seconds": None, "splits": {}}
    for split, years in (("2010-2012", bp.TRAIN_YEARS), ("2013-2014", bp.TEST_YEARS)):
        ix = [k for k, a in enumerate(basil) if a.year in years]
        y, ev = article_bias_labels(basil, results, ix)
        scores = {name: np.array([f(k) for k in ix], dtype=float) for name, f in cands.items()}
        out = {}
        for name, s in scores.items():
            a, ci = boot_auc(y, s, ev)
            out[name] = {"auc": round(a, 4), "ci95": ci}
        report["splits"][split] = {"articles": len(ix), "auc": out, "_scores": scores, "_y": y, "_ev": ev}
    dev = report["splits"]["2010-2012"]["auc"]
    aggregates = [n for n in cands if n not in ("index", "hu_liu_density", "loaded_density")]
    chosen = max(aggregates, key=lambda n: dev[n]["auc"])
    held = report["splits"]["2013-2014"]
    y, ev, sc = held["_y"], held["_ev"], held["_scores"]

    def paired(a, b):  # 2013-2014, paired over the same event resamples
        return paired_diff(y, sc[a], sc[b], ev)

    report["chosen_on_2010_2012"] = chosen
    report["held_out_paired"] = {f"{chosen} - index": paired(chosen, "index"),
                                 f"{chosen} - hu_liu_density": paired(chosen, "hu_liu_density"),
                                 "index - hu_liu_density": paired("index", "hu_liu_density")}
    for split in report["splits"].values():
        for key in ("_scores", "_y", "_ev"):
            split.pop(key)
    report["seconds"] = round(time.time() - t0, 1)
    print(f"{'candidate':18s} {'2010-2012':>24s} {'2013-2014':>24s}")
    for name in cands:
        a, b = report["splits"]["2010-2012"]["auc"][name], report["splits"]["2013-2014"]["auc"][name]
        print(f"{name:18s} {a['auc']:.3f} {str(a['ci95']):>17s} {b['auc']:.3f} {str(b['ci95']):>17s}")
    print("chosen on 2010-2012:", chosen)
    for k, v in report["held_out_paired"].items():
        print(f"  2013-2014 paired {k}: {v[0]:+.3f} {v[1]}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print("wrote", OUT.relative_to(ROOT), f"({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
