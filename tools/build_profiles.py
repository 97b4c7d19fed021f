"""Build the shipped outlet profiles (lexicons/outlets/*.json) from BASIL and the seeds; fit the index weights.

Run from the repo root: ``.venv/bin/python tools/build_profiles.py [--version 2026.11.1] [--fit-weights]``.

Corpus: BASIL 2010-2014 (Fan et al., "In Plain Sight", EMNLP 2019; research use, no licence stated) -- 50 events,
one Fox News, one New York Times and one HuffPost article each, text = title line + paragraphs -- and the five seed
articles (seeds/manifest.tsv: The Moscow Times x3, Breitbart News, Al Jazeera). Only derived numbers (score
distributions) and each outlet's top vocabulary items with their z-scores are written; no article text.

``--fit-weights`` fits the framing index weights on BASIL 2010-2012 only (2013-2014 are held out for
bench/calibration.py): a logistic regression with non-negative coefficients of "annotated lexical-bias span density
above the median" on the candidate components' pooled percentiles, and prints them for
service/analysis/calibration.py FRAMING_WEIGHTS.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.datasets import BasilArticle, load_basil  # noqa: E402,F401  (bench/calibration.py reads them here)
from service.analysis.calibration import POOLED, Calibration  # noqa: E402
from service.analysis.profiles import CorpusArticle, analyse_texts, build_profiles, write_profiles  # noqa: E402

EVALDATA = Path(os.environ.get("EVALDATA", ROOT.parent / "shared" / "evaldata"))
TRAIN_YEARS = ("2010", "2011", "2012")
TEST_YEARS = ("2013", "2014")
OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
# Further names each outlet goes by, so that outlet="Fox" or "NYT" finds its profile.
NAMES = {"Fox News": ["Fox", "Fox News Channel", "foxnews.com", "fox"],
         "The New York Times": ["New York Times", "NYT", "nytimes.com", "nyt"],
         "HuffPost": ["Huffington Post", "The Huffington Post", "huffingtonpost.com", "hpo"],
         "The Moscow Times": ["Moscow Times"], "Breitbart News": ["Breitbart"], "Al Jazeera": ["Al Jazeera English"]}
# Components the index may weigh: every metric where "more" plausibly means "more framed".
CANDIDATES = ("loadedness_mean", "loadedness_max", "loaded_weighted_density", "loaded_density", "booster_rate", "loaded_attribution_rate",
              "scare_quote_rate", "actor_sentiment_spread", "exclamation_rate", "question_rate", "first_person_rate")


def load_seeds(seeds: Path = ROOT / "seeds") -> list[CorpusArticle]:
    """Return the seed articles with their manifest outlet and headline."""
    with (seeds / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [CorpusArticle(row["file"].rsplit(".", 1)[0], row["outlet"],
                          (seeds / row["file"]).read_text(encoding="utf-8"), row["headline"] or None)
            for row in rows]


def basil_corpus(arts: list[BasilArticle]) -> list[CorpusArticle]:
    """Return BASIL articles as corpus articles (title line included in the text, as a pasted page has it)."""
    return [CorpusArticle(a.path, OUTLETS[a.outlet], a.text, None) for a in arts]


def lex_density(art: BasilArticle, result: dict) -> float:
    """Return annotated lexical-bias spans per 1,000 words of the article."""
    words = result["stats"]["words"] or 1
    return 1000.0 * sum(art.lex) / words


def fit_weights(features: list[list[float]], labels: list[int], l2: float = 1.0) -> list[float]:
    """Fit a logistic regression with non-negative coefficients (L-BFGS-B, L2 penalty ``l2``); return them."""
    import numpy as np
    from scipy.optimize import minimize

    X = np.asarray(features, dtype=float)
    y = np.asarray(labels, dtype=float)
    k = X.shape[1]

    def loss(theta):
        w, b = theta[:k], theta[k]
        z = X @ w + b
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * l2 * np.sum(w * w)
        grad_z = p - y
        return nll, np.concatenate([X.T @ grad_z + l2 * w, [grad_z.sum()]])

    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B",
                   bounds=[(0, None)] * k + [(None, None)])
    return [float(v) for v in res.x[:k]]


def percentile_features(cal: Calibration, results: list[dict], names=CANDIDATES) -> list[list[float]]:
    """Return, per result, the pooled percentile / 100 of each candidate component."""
    rows = []
    for r in results:
        metrics = cal.calibrate(r, None)["metrics"]
        rows.append([(metrics[n]["pooled"]["percentile"] or 0.0) / 100 for n in names])
    return rows


def main(argv=None) -> int:
    """Build the shipped profiles (and optionally fit the framing index weights)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "lexicons" / "outlets")
    ap.add_argument("--version", default="2026.11.1")
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--fit-weights", action="store_true", help="fit the index weights on BASIL 2010-2012")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    from service.analysis import load_resources

    res = load_resources()
    basil = load_basil(args.evaldata)
    corpus = basil_corpus(basil) + load_seeds()
    results = analyse_texts(res, [(a.text, a.title, a.outlet) for a in corpus])
    provenance = ("BASIL 2010-2014 (Fan et al., EMNLP 2019, research use; derived statistics only: score "
                  "distributions and top vocabulary z-scores; Fox News, The New York Times, HuffPost, 50 articles "
                  "each) + the project's five seed articles (seeds/manifest.tsv); built by tools/build_profiles.py")
    profiles = build_profiles(corpus, res, version=args.version, provenance=provenance, names=NAMES,
                              results=results)
    for slug, prof in sorted(profiles.items()):
        print(f"{slug:22s} {prof['n_articles']:4d} articles"
              + ("" if prof["n_articles"] >= prof["min_articles"] else "  (too few for percentiles)"))
    if not args.no_write:
        for path in write_profiles(profiles, args.out):
            print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    if args.fit_weights:
        train = [(a, r) for a, r in zip(basil, results) if a.year in TRAIN_YEARS]
        train_profiles = build_profiles([c for c, a in zip(corpus, basil) if a.year in TRAIN_YEARS], res,
                                        version="fit", provenance="BASIL 2010-2012",
                                        results=[r for _, r in train])
        cal = Calibration({POOLED: train_profiles[POOLED]})
        X = percentile_features(cal, [r for _, r in train])
        dens = [lex_density(a, r) for a, r in train]
        med = sorted(dens)[len(dens) // 2]
        y = [int(d > med) for d in dens]
        coef = fit_weights(X, y)
        total = sum(coef) or 1.0
        print(f"fit on {len(y)} BASIL 2010-2012 articles ({sum(y)} above the median span density {med:.2f}/1,000)")
        for name, c in zip(CANDIDATES, coef):
            print(f"  {name:26s} coef {c:7.3f}  share {c / total:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
