"""Outlet baselines beyond score distributions: the balanced pooled reference, each outlet's lexicon, typicality.

Pure Python, no Flask; tools/build_profiles.py builds the profiles with these, service/analysis/calibration.py reads
them at run time. docs/calibration.md explains the readings.

- **Balanced pooled reference** (``balanced_weights``, ``weighted_summary``): every article weighs
  1 / (its outlet's articles) / (outlets of its lean), so each lean weighs a third and each outlet the same within
  its lean: a prolific outlet (Fox News, 944 articles) does not define "normal", nor does the lean with most outlets.
- **Outlet lexicon** (``outlet_lexicon``): the words an outlet uses more than the balanced reference, as log-odds
  ratios with an informative Dirichlet prior shaped like the reference (Monroe, Colaresi & Quinn 2008, eq. 22) and
  their z-scores, each with example contexts given as (article id, start, end) into the corpus text: the corpora
  are research-use only, so profiles carry offsets, never text.
- **Typicality** (``typicality``): how close an article's wording is to its own outlet's lexicon, placed among that
  outlet's own articles: "typical of Breitbart News", "unusual for Al Jazeera".
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from .calibration import QUANTILE_STEPS, percentile, slant_score

# Two-sided 5% level: a term below it is not distinctive of the outlet.
LEXICON_Z_MIN = 1.96
# Terms kept per outlet lexicon, and examples per term: enough to read an outlet's vocabulary, small enough that
# 70 profiles stay a few megabytes.
LEXICON_TOP_K = 100
LEXICON_EXAMPLES = 3
# A lexicon term must occur in at least this many of the outlet's articles (one story's names are not its style),
# and in at least LEXICON_MIN_OUTLETS outlets of the corpus (a word only this outlet writes is a name, a byline or
# furniture, not vocabulary another outlet's article could share).
LEXICON_MIN_ARTICLES = 5
LEXICON_MIN_OUTLETS = 3
# Strength a0 of the Dirichlet prior in pseudo-words, as FIGHTIN_PRIOR in calibration.py (about 1.5 articles).
LEXICON_PRIOR = 1000.0
# Typicality readings: the article's wording-fit percentile among its own outlet's articles.
UNUSUAL_BELOW = 10.0
LESS_TYPICAL_BELOW = 25.0


def balanced_weights(outlets: list[str], leans: dict[str, str | None]) -> list[float]:
    """Return per-article weights equal per outlet within its lean and equal per lean; mean weight 1.

    ``outlets[k]`` is article k's outlet id; ``leans`` maps an outlet to its lean (None: unrated, weight 0, so the
    reference is the rated outlets').
    """
    per_outlet = Counter(outlets)
    per_lean = Counter(leans.get(o) for o in per_outlet if leans.get(o))
    raw = [(1.0 / per_outlet[o] / per_lean[leans[o]]) if leans.get(o) else 0.0 for o in outlets]
    total = sum(raw)
    return [w * len(raw) / total if total else 0.0 for w in raw]


def weighted_summary(values: list[float], weights: list[float]) -> dict:
    """Return n, mean, sd and 5-point quantiles of a weighted sample (the format of calibration.summarise).

    Quantiles interpolate the weighted empirical distribution at the midpoints of each value's weight; ``n`` is
    the number of articles with a positive weight.
    """
    pairs = sorted((float(v), float(w)) for v, w in zip(values, weights) if w > 0)
    n = len(pairs)
    if not n:
        return {"n": 0, "mean": 0.0, "sd": 0.0, "quantiles": []}
    total = sum(w for _, w in pairs)
    mean = sum(v * w for v, w in pairs) / total
    var = sum(w * (v - mean) ** 2 for v, w in pairs) / total * (n / (n - 1)) if n > 1 else 0.0
    cum, mids = 0.0, []
    for _, w in pairs:
        mids.append((cum + w / 2) / total)
        cum += w
    quantiles = []
    for q in QUANTILE_STEPS:
        p = q / 100
        if p <= mids[0]:
            quantiles.append(round(pairs[0][0], 6))
        elif p >= mids[-1]:
            quantiles.append(round(pairs[-1][0], 6))
        else:
            hi = next(k for k, m in enumerate(mids) if m >= p)
            lo = hi - 1
            frac = (p - mids[lo]) / (mids[hi] - mids[lo]) if mids[hi] > mids[lo] else 0.0
            quantiles.append(round(pairs[lo][0] + frac * (pairs[hi][0] - pairs[lo][0]), 6))
    return {"n": n, "mean": round(mean, 6), "sd": round(math.sqrt(var), 6), "quantiles": quantiles}


def reference_counts(counts_by_outlet: dict[str, Counter], leans: dict[str, str | None]) -> Counter:
    """Return the balanced reference's word counts: each rated outlet's word distribution, averaged with equal
    weight per outlet within its lean and per lean, scaled to the rated outlets' total number of words."""
    by_lean: dict[str, list[str]] = defaultdict(list)
    for o in sorted(counts_by_outlet):
        if leans.get(o):
            by_lean[leans[o]].append(o)
    total_words = sum(sum(counts_by_outlet[o].values()) for ol in by_lean.values() for o in ol)
    ref: dict[str, float] = defaultdict(float)
    for lean, ol in by_lean.items():
        for o in ol:
            size = sum(counts_by_outlet[o].values()) or 1
            share = 1.0 / len(by_lean) / len(ol)
            for w, c in counts_by_outlet[o].items():
                ref[w] += share * c / size
    return Counter({w: v * total_words for w, v in ref.items()})


def log_odds_vs_reference(target: Counter, reference: Counter, prior_strength: float = LEXICON_PRIOR) -> dict:
    """Return {word: (log-odds ratio, z)} of ``target`` against ``reference`` (Monroe et al. 2008, eq. 16-22).

    The informative Dirichlet prior has the reference's shape and total strength ``prior_strength``; positive: the
    target uses the word more than the reference does.
    """
    n_i, n_j = sum(target.values()), sum(reference.values())
    if not n_i or not n_j:
        return {}
    out = {}
    for word, y_i in target.items():
        y_j = reference.get(word, 0.0)
        alpha = prior_strength * y_j / n_j
        if alpha <= 0:
            continue
        delta = (math.log((y_i + alpha) / (n_i + prior_strength - y_i - alpha))
                 - math.log((y_j + alpha) / (n_j + prior_strength - y_j - alpha)))
        out[word] = (delta, delta / math.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)))
    return out


def outlet_lexicon(target: Counter, reference: Counter, doc_freq: Counter, outlet_freq: Counter,
                   examples: dict[str, list]) -> list[dict]:
    """Return the outlet's distinctive terms: log-odds, z, count, articles and up to LEXICON_EXAMPLES contexts.

    ``doc_freq``: articles of this outlet using the word; ``outlet_freq``: outlets of the corpus using it;
    ``examples[word]``: [(article id, start, end)] occurrences in this outlet's articles, in corpus order.
    """
    scored = log_odds_vs_reference(target, reference)
    rows = [(w, d, z) for w, (d, z) in scored.items()
            if z >= LEXICON_Z_MIN and doc_freq[w] >= LEXICON_MIN_ARTICLES and outlet_freq[w] >= LEXICON_MIN_OUTLETS]
    rows.sort(key=lambda r: (-r[2], r[0]))
    return [{"term": w, "log_odds": round(d, 4), "z": round(z, 4), "count": target[w], "articles": doc_freq[w],
             "examples": [{"article": a, "start": s, "end": e} for a, s, e in examples.get(w, [])[:LEXICON_EXAMPLES]]}
            for w, d, z in rows[:LEXICON_TOP_K]]


def typicality(words: list[str], profile: dict) -> dict | None:
    """Return how typical an article's wording is of an outlet: its fit to the outlet's lexicon, as a percentile
    among the outlet's own articles, with a reading; None when the profile has no own-article distribution."""
    vocab = profile.get("vocabulary") or {}
    own = vocab.get("own_baseline")
    if not own or not vocab.get("terms") or own.get("n", 0) < profile.get("min_articles", 10):
        return None
    zs = {t["term"]: t["z"] for t in vocab["terms"]}
    score = slant_score(words, zs)
    p = percentile(score, own["quantiles"])
    name = profile.get("outlet") or profile.get("id")
    if p < UNUSUAL_BELOW:
        text = f"unusual for {name}"
    elif p < LESS_TYPICAL_BELOW:
        text = f"less typical of {name}"
    else:
        text = f"typical of {name}"
    return {"outlet": profile.get("id"), "score": score, "percentile": p, "n": own["n"], "reading": text,
            "basis": "fit of the article's words to the outlet's lexicon (summed z per 1,000 words), placed among "
                     "the outlet's own articles"}


def outlet_lean_columns(results: list[dict], groups: list[tuple[str, list[int]]]) -> tuple[list[dict], list[dict]]:
    """Return, for a comparison, each outlet's lean and how typical each of its articles is of it, and the summary
    sentences for articles unusual for their outlet.

    ``groups`` are (outlet name as shown, indices of its articles in ``results``). The lean is the mean of the
    articles' ``calibrated.slant.lean`` probabilities; typicality is each article's ``calibrated.slant.typicality``.
    """
    columns, notes = [], []
    for name, idx in groups:
        probs, typical, labels = [], [], []
        profile = None
        for i in idx:
            slant = ((results[i].get("calibrated") or {}).get("slant") or {})
            lean = slant.get("lean") or {}
            if lean.get("probabilities"):
                probs.append(lean["probabilities"])
            typ = slant.get("typicality")
            if typ:
                profile = profile or typ.get("outlet")
                typical.append({"article": i, "percentile": typ["percentile"], "reading": typ["reading"]})
                if typ["percentile"] < UNUSUAL_BELOW:
                    notes.append({"text": f"{name}'s article {i + 1} is {typ['reading']}: its wording fits the "
                                          f"outlet's lexicon less than {UNUSUAL_BELOW:g}% of the outlet's "
                                          f"{typ['n']} profiled articles do.",
                                  "kind": "typicality", "clear": False,
                                  "evidence": {"section": "outlet_lean", "outlets": [name], "article": i}})
            outlet = (slant.get("outlet") or {})
            if outlet.get("allsides_lean"):
                labels.append(outlet["allsides_lean"])
        mean = ({c: round(sum(p.get(c, 0.0) for p in probs) / len(probs), 4) for c in ("left", "center", "right")}
                if probs else None)
        columns.append({"outlet": name, "articles": len(idx), "profile": profile,
                        "lean": {"label": max(mean, key=mean.get) if mean else None, "probabilities": mean,
                                 "allsides": labels[0] if labels else None},
                        "typicality": typical})
    return columns, notes
