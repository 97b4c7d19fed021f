"""Build the shipped outlet profiles (lexicons/outlets/*.json) from the AllSides corpus, BASIL and the seeds.

Run from the repo root: ``.venv/bin/python tools/build_profiles.py [--version VERSION] [--workers 2]
[--per-outlet 24] [--fit-weights]``; ``--version`` defaults to ``VERSION``, the shipped profiles' version (and the
Makefile's PROFILES_VERSION). Deterministic (sorted keys, rounded floats, a fixed article sample, no
timestamps). Reads lexicons/models/lean.json (tools/train_lean.py) for each outlet's lean; run that first.

Corpora (research use: only derived statistics and (article id, start, end) offsets are written, never text):
- AllSides / Article-Bias-Prediction (Baly et al., EMNLP 2020, bench/datasets.py): 11,118 articles, AllSides
  labels grouped into outlets by the alias table (lexicons/outlets/aliases.tsv). Every outlet with at least
  ``MIN_PROFILE_ARTICLES`` articles gets a profile.
- BASIL 2010-2014 (Fan et al., EMNLP 2019): 50 articles each of Fox News, The New York Times and HuffPost.
- The five seed articles (seeds/manifest.tsv): The Moscow Times x3, Breitbart News, Al Jazeera.

Per outlet: the distribution of every calibrated score over at most ``ARTICLES_PER_OUTLET`` of its articles
analysed with the core (a fixed sample: the cap keeps a full rebuild under 10 minutes on two cores), the outlet's
lexicon over all its articles against the balanced reference (service/analysis/baselines.py), the distribution of
its own articles' fit to that lexicon (typicality), and its lean estimated from its coverage by the lean model when
it was held out (tools/train_lean.py), beside its AllSides rating. ``_pooled.json`` is the balanced reference:
equal weight per outlet within its lean and per lean (rated outlets only; docs/calibration.md).

``--fit-weights`` fits the framing index weights on BASIL 2010-2012 only (2013-2014 are held out for
bench/calibration.py): a logistic regression with non-negative coefficients of "annotated lexical-bias span density
above the median" on the candidate components' pooled percentiles, and prints them for
service/analysis/calibration.py FRAMING_WEIGHTS.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tools"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import train_lean  # noqa: E402

from bench.datasets import BasilArticle, load_allsides, load_basil, outlet_groups, outlet_leans  # noqa: E402,F401
from service.analysis.baselines import (LEXICON_EXAMPLES, LEXICON_MIN_ARTICLES, LEXICON_MIN_OUTLETS,  # noqa: E402
                                        LEXICON_PRIOR, LEXICON_TOP_K, LEXICON_Z_MIN, balanced_weights,
                                        outlet_lexicon, reference_counts, weighted_summary)
from service.analysis.calibration import (MIN_ARTICLES, POOLED, Calibration, metric_values,  # noqa: E402
                                          summarise)
from service.analysis.chrome import slugify  # noqa: E402
from service.analysis.lean import LEANS, LeanModel, kept_spans, names_pattern  # noqa: E402
from service.analysis.outlets import OutletTable  # noqa: E402
from service.analysis.profiles import (CorpusArticle, analyse_texts, build_profiles,  # noqa: E402
                                       metric_summaries, scoring_version_of, write_profiles)

EVALDATA = Path(os.environ.get("EVALDATA", ROOT.parent / "shared" / "evaldata"))
TRAIN_YEARS = ("2010", "2011", "2012")
PROFILE_FORMAT = 3
VERSION = "2026.11.9"  # the shipped profiles' "version"; `make profiles` passes the same (PROFILES_VERSION)
# An outlet gets a profile from this many corpus articles (issue 15); its percentiles need MIN_ARTICLES analysed.
MIN_PROFILE_ARTICLES = 30
# Articles per outlet the core analyses for the score distributions: 61 outlets x 24 + 5 seeds is ~1,470 analyses,
# under 10 minutes on two cores at ~0.6 s per 800-word article (bench/RESULTS.md speed: 150 BASIL articles in 1-2
# minutes on one core). Lexicons use every article (a tokeniser pass).
ARTICLES_PER_OUTLET = 24
LEAN_MODEL = ROOT / "lexicons" / "models" / "lean.json"
SEED_YEARS = {"000_61dccbb19f85039b": "2019", "001_8ea1952af6356e06": "2019", "002_c114640a74bfda5e": "2019",
              "003_e01321085d2590f2": "2019", "004_ed9b2998fb345c7b": "2019"}  # seeds/manifest.tsv "published"
LICENSES = {"allsides": "Article-Bias-Prediction (Baly et al. 2020): repository Apache-2.0, article texts their "
                        "publishers' (research use); derived statistics and offsets only",
            "basil": "BASIL (Fan et al. 2019): no licence stated, research use; derived statistics and offsets only",
            "seeds": "project seed articles (seeds/manifest.tsv)"}
PROVENANCE = ("AllSides-labelled articles of Article-Bias-Prediction (Baly, Da San Martino, Glass & Nakov, EMNLP "
              "2020; outlets with >= 30 articles, at most {per_outlet} per outlet analysed by the core, all for "
              "lexicons), "
              "BASIL 2010-2014 (Fan et al., EMNLP 2019) and the project's seed articles; derived statistics and "
              "(article id, start, end) offsets only, never text; built by tools/build_profiles.py")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class ProfileArticle:
    """One article behind the profiles: corpus id, outlet id, text, corpus name, year, outlet's AllSides lean."""

    id: str
    outlet: str
    text: str
    source: str
    year: str | None
    lean: str | None
    title: str | None = None

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


def _sample_key(article_id: str) -> str:
    return hashlib.sha1(article_id.encode("utf-8")).hexdigest()


def corpus_articles(evaldata: Path, table: OutletTable, per_outlet: int = ARTICLES_PER_OUTLET, only=None):
    """Return (articles, analyse) : every profiled article as ProfileArticle, and which of them the core analyses.

    AllSides outlets with >= MIN_PROFILE_ARTICLES articles, every BASIL article and every seed; the core analyses
    the seeds and, per outlet, the ``per_outlet`` articles of smallest sha1(id) (AllSides and BASIL together).
    """
    arts = load_allsides(evaldata)
    groups = outlet_groups(arts, table.resolve_id)
    leans = outlet_leans(arts, groups)
    per = Counter(groups[a.source] for a in arts)
    out = []
    for a in arts:
        oid = groups[a.source]
        if per[oid] >= MIN_PROFILE_ARTICLES and (not only or oid in only):
            out.append(ProfileArticle(f"allsides:{a.id}", oid, train_lean.article_text(a), "allsides", a.year,
                                      leans[oid]))
    for b in load_basil(evaldata):
        oid = table.resolve_id(OUTLETS[b.outlet])
        if only and oid not in only:
            continue
        out.append(ProfileArticle(f"basil:{b.path}", oid, b.text, "basil", b.year, leans.get(oid)))
    seeds = set()
    for c in load_seeds():
        oid = table.resolve_id(c.outlet) or slugify(c.outlet)
        seeds.add(len(out))
        out.append(ProfileArticle(f"seed:{c.id}", oid, c.text, "seeds", SEED_YEARS.get(c.id), leans.get(oid),
                                  c.title))
    # The core analyses the seeds and, per outlet, the ``per_outlet`` articles of smallest sha1(id) across corpora.
    chosen = set(seeds)
    by_outlet = defaultdict(list)
    for k, pa in enumerate(out):
        if k not in seeds:
            by_outlet[pa.outlet].append(k)
    for oid, ix in by_outlet.items():
        chosen.update(sorted(ix, key=lambda k: _sample_key(out[k].id))[:per_outlet])
    return out, sorted(chosen), leans


_WORKER_RES = None


def _analyse_chunk(items):
    from dataclasses import replace

    from service.analysis import analyze_document

    # One article at a time (profiles.analyse_texts pre-parses in batches; the core's parse step now builds its own
    # Doc), without calibration: the profiles are what is being built.
    res = replace(_WORKER_RES, calibration=None)
    return [analyze_document(res, text, title=title, outlet=outlet) for text, title, outlet in items]


def analyse_parallel(res, items, workers: int = 2, chunk: int = 16) -> list[dict]:
    """Analyse (text, title, outlet) items with the core in ``workers`` forked processes; keep the order."""
    global _WORKER_RES
    _WORKER_RES = res
    if workers <= 1:
        return _analyse_chunk(items)
    import multiprocessing as mp

    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    out = []
    with mp.get_context("fork").Pool(workers) as pool:
        for k, part in enumerate(pool.imap(_analyse_chunk, chunks)):
            out.extend(part)
            if (k + 1) % 10 == 0:
                print(f"  analysed {len(out)}/{len(items)}", file=sys.stderr, flush=True)
    return out


def article_words(text: str, strip) -> list[tuple[str, int, int]]:
    """Return the vocabulary words of a corpus article with offsets: furniture lines, links and outlet names out."""
    words = []
    for s, e in kept_spans(text):
        for m in _WORDS.finditer(text, s, e):
            words.append((m.group().lower().replace("’", "'"), m.start(), m.end()))
    if strip is not None:
        hit = strip.mask([w for w, _, _ in words])
        words = [w for w, h in zip(words, hit) if not h]
    return [w for w in words if len(w[0]) >= 2]


def lean_section(oid: str, articles: list[ProfileArticle], outlet, model) -> dict | None:
    """Return a profile's ``lean``: its estimate from its coverage beside its AllSides rating, or None.

    Outlets the lean model was trained on take the estimate of the model trained with the outlet held out
    (lexicons/models/lean.json ``heldout_outlets``, tools/train_lean.py); outlets it never saw are read by the
    shipped model itself. Reads only the lean model and the articles' text: no analysis by the core.
    """
    heldout = (model.meta.get("heldout_outlets") if model else None) or {}
    if oid in heldout:
        h = heldout[oid]
        return {"allsides": h["allsides"], "estimate": h["estimate"], "probabilities": h["probabilities"],
                "articles": h["articles"], "method": "mean lean-model probabilities over the outlet's "
                "AllSides articles, from the model trained with the outlet held out (tools/train_lean.py)"}
    if model is not None and oid not in set(model.meta.get("trained_outlets", ())):
        ps = [model.predict(a.text, evidence=0)["probabilities"] for a in articles]
        mean = {c: round(sum(p[c] for p in ps) / len(ps), 4) for c in LEANS}
        return {"allsides": (outlet.allsides_lean if outlet else "") or None,
                "estimate": max(LEANS, key=lambda c: mean[c]), "probabilities": mean, "articles": len(ps),
                "method": "mean lean-model probabilities over the outlet's articles; the model never saw "
                          "this outlet"}
    if outlet and outlet.allsides_lean:
        return {"allsides": outlet.allsides_lean, "estimate": None, "probabilities": None,
                "articles": len(articles), "note": "no held-out estimate in lexicons/models/lean.json (run "
                                                   "tools/train_lean.py without --no-cv)"}
    return None


def update_lean(evaldata: Path, directory: Path, lean_path: Path = LEAN_MODEL) -> list[str]:
    """Rewrite only the ``lean`` section of the profiles in ``directory`` from the lean model at ``lean_path``.

    After retraining the lean model (tools/train_lean.py) the score distributions, lexicons and typicality are
    unchanged (no score the core calibrates depends on the lean model), so the profiles need not be analysed
    again: this takes seconds where a full build takes about 20 minutes on two cores. Returns the changed ids.
    """
    import json

    table = OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    arts, _, _ = corpus_articles(evaldata, table, 0)
    by_outlet: dict[str, list[ProfileArticle]] = defaultdict(list)
    for a in arts:
        by_outlet[a.outlet].append(a)
    model = LeanModel.from_file(lean_path) if lean_path.is_file() else None
    profiles, changed = {}, []
    for path in sorted(directory.glob("*.json")):
        prof = json.loads(path.read_text(encoding="utf-8"))
        oid = prof.get("id") or path.stem
        if oid != POOLED and oid in by_outlet:
            lean = lean_section(oid, by_outlet[oid], table.outlets.get(oid), model)
            if lean != prof.get("lean"):
                prof["lean"] = lean
                changed.append(oid)
        profiles[oid] = prof
    if changed:
        write_profiles(profiles, directory)
    return changed


def build(evaldata: Path, version: str, workers: int, per_outlet: int, lean_path: Path = LEAN_MODEL, only=None):
    """Return {profile id: profile} for every outlet and the balanced ``_pooled`` reference."""
    from service.analysis import load_resources

    table = OutletTable.from_dir(ROOT / "lexicons" / "outlets")
    arts, chosen, leans = corpus_articles(evaldata, table, per_outlet, only)
    res = load_resources()
    print(f"{len(arts)} articles of {len({a.outlet for a in arts})} outlets; analysing {len(chosen)}",
          file=sys.stderr, flush=True)
    t0 = time.time()
    results = analyse_parallel(res, [(arts[k].text, arts[k].title, arts[k].outlet) for k in chosen], workers)
    print(f"core: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    analysed = dict(zip(chosen, results))
    leans_all = {a.outlet: a.lean for a in arts}

    # Words of every article (lexicons rest on all of an outlet's articles).
    strip = names_pattern(train_lean.strip_names(table))
    counts_by_outlet: dict[str, Counter] = defaultdict(Counter)
    doc_freq: dict[str, Counter] = defaultdict(Counter)
    outlet_freq: Counter = Counter()
    examples: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    article_counts = []
    for a in arts:
        words = article_words(a.text, strip)
        c = Counter(w for w, _, _ in words)
        article_counts.append(c)
        counts_by_outlet[a.outlet].update(c)
        doc_freq[a.outlet].update(c.keys())
        ex = examples[a.outlet]
        seen = set()
        for w, s, e in words:
            if w not in seen and len(ex[w]) < LEXICON_EXAMPLES:
                ex[w].append((a.id, s, e))
                seen.add(w)
    for oid, c in counts_by_outlet.items():
        outlet_freq.update(c.keys())
    reference = reference_counts(counts_by_outlet, leans_all)

    by_outlet: dict[str, list[int]] = defaultdict(list)
    for k, a in enumerate(arts):
        by_outlet[a.outlet].append(k)
    model = LeanModel.from_file(lean_path) if lean_path.is_file() else None
    weights_all = balanced_weights([arts[k].outlet for k in chosen], leans_all)
    common = {"format": PROFILE_FORMAT, "version": version, "lexicon_version": scoring_version_of(res),
              "min_articles": MIN_ARTICLES, "provenance": PROVENANCE.format(per_outlet=per_outlet)}
    vocab_method = (f"log-odds ratio vs the balanced reference, informative Dirichlet prior a0={LEXICON_PRIOR:g} "
                    f"shaped like the reference (Monroe, Colaresi & Quinn 2008); top {LEXICON_TOP_K} with "
                    f"z >= {LEXICON_Z_MIN} in >= {LEXICON_MIN_ARTICLES} of the outlet's articles and >= "
                    f"{LEXICON_MIN_OUTLETS} outlets; furniture lines, links and outlet names not counted; "
                    "examples are (article id, start, end) into the corpus text")
    profiles = {}
    for oid, ix in sorted(by_outlet.items()):
        outlet = table.outlets.get(oid)
        own_analysed = [k for k in ix if k in analysed]
        terms = outlet_lexicon(counts_by_outlet[oid], reference, doc_freq[oid], outlet_freq, examples[oid])
        zmap = {t["term"]: t["z"] for t in terms}

        def fit(k):
            c = article_counts[k]
            n = sum(c.values())
            return round(1000.0 * sum(c[w] * z for w, z in zmap.items() if w in c) / n, 4) if n else 0.0

        vocab = None
        if terms:
            vocab = {"method": vocab_method, "reference": "_pooled (balanced)",
                     "words": sum(counts_by_outlet[oid].values()), "terms": terms,
                     # The fit of the analysed sample (all outlets, balanced weights) places an article's slant;
                     # the outlet's own articles' fit places its typicality (in-sample: the lexicon was built on
                     # them, so a new article of the outlet reads somewhat less typical).
                     "baseline": weighted_summary([fit(k) for k in chosen], weights_all),
                     "own_baseline": summarise([fit(k) for k in ix])}
        years = sorted({arts[k].year for k in ix if arts[k].year})
        lean = lean_section(oid, [arts[k] for k in ix], outlet, model)
        sources = sorted({arts[k].source for k in ix})
        profiles[oid] = {**common, "id": oid, "outlet": outlet.name if outlet else oid,
                         "names": sorted(n for n in (outlet.aliases if outlet else ()) if n != oid),
                         "kind": outlet.kind if outlet else None, "domain": (outlet.domain or None) if outlet else None,
                         "allsides_lean": (outlet.allsides_lean or None) if outlet else None,
                         "n_articles": len(ix), "analysed_articles": len(own_analysed),
                         "enough_articles": len(own_analysed) >= MIN_ARTICLES,
                         "years": [years[0], years[-1]] if years else None, "sources": sources,
                         "license": "; ".join(LICENSES[s] for s in sources),
                         "metrics": metric_summaries([analysed[k] for k in own_analysed]),
                         "vocabulary": vocab, "lean": lean}
    pooled_results = [analysed[k] for k in chosen]
    per_metric: dict[str, tuple[list, list]] = {}
    for r, w in zip(pooled_results, weights_all):
        for name, value in metric_values(r).items():
            per_metric.setdefault(name, ([], []))
            per_metric[name][0].append(value)
            per_metric[name][1].append(w)
    n_pooled = sum(1 for w in weights_all if w > 0)
    profiles[POOLED] = {**common, "id": POOLED, "outlet": None, "names": [], "n_articles": n_pooled,
                        "enough_articles": n_pooled >= MIN_ARTICLES,
                        "weighting": "balanced: each article weighs 1 / (its outlet's analysed articles) / (outlets "
                                     "of its lean), so each AllSides lean weighs a third and each outlet the same "
                                     "within its lean; outlets without an AllSides rating (HuffPost, The Moscow "
                                     "Times) weigh 0 here and keep their own profiles",
                        "outlets": {o: sum(1 for k in chosen if arts[k].outlet == o and leans_all.get(o))
                                    for o in sorted(by_outlet) if leans_all.get(o)},
                        "metrics": {n: weighted_summary(v, w) for n, (v, w) in sorted(per_metric.items())}}
    return profiles


def main(argv=None) -> int:
    """Build the shipped profiles (and optionally fit the framing index weights)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "lexicons" / "outlets")
    ap.add_argument("--version", default=VERSION)
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--workers", type=int, default=2, help="processes running the core (default 2)")
    ap.add_argument("--per-outlet", type=int, default=ARTICLES_PER_OUTLET,
                    help=f"articles per outlet analysed by the core (default {ARTICLES_PER_OUTLET})")
    ap.add_argument("--outlets", nargs="*", default=None,
                    help="only these outlet ids (and the seeds): a quick check of the builder, not a shipped set")
    ap.add_argument("--fit-weights", action="store_true", help="fit the index weights on BASIL 2010-2012")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--update-lean", action="store_true",
                    help="only rewrite the lean section of the profiles in --out from lexicons/models/lean.json "
                         "(after tools/train_lean.py; no analysis, seconds)")
    args = ap.parse_args(argv)

    if args.update_lean:
        changed = update_lean(args.evaldata, args.out)
        print(f"lean sections rewritten for {len(changed)} profiles in {args.out}: {' '.join(changed)}")
        return 0

    if not args.fit_weights or not args.no_write:
        t0 = time.time()
        profiles = build(args.evaldata, args.version, args.workers, args.per_outlet, only=set(args.outlets or ()))
        for slug, prof in sorted(profiles.items()):
            lean = prof.get("lean") or {}
            print(f"{slug:28s} {prof['n_articles']:5d} articles, {prof.get('analysed_articles', prof['n_articles']):3d}"
                  f" analysed  AllSides {str(lean.get('allsides')):6s} estimate {lean.get('estimate')}")
        if not args.no_write:
            for path in write_profiles(profiles, args.out):
                pass
            print(f"wrote {len(profiles)} profiles to {args.out} in {time.time() - t0:.0f} s")

    if args.fit_weights:
        from service.analysis import load_resources

        res = load_resources()
        basil = load_basil(args.evaldata)
        train = [a for a in basil if a.year in TRAIN_YEARS]
        corpus = basil_corpus(train)
        results = analyse_texts(res, [(a.text, a.title, a.outlet) for a in corpus])
        train_profiles = build_profiles(corpus, res, version="fit", provenance="BASIL 2010-2012", results=results)
        cal = Calibration({POOLED: train_profiles[POOLED]})
        X = percentile_features(cal, results)
        dens = [lex_density(a, r) for a, r in zip(train, results)]
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
