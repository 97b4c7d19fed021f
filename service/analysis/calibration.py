"""Calibration: place each score against the pooled reference corpus and the outlet's own norm.

Profiles live in lexicons/outlets/*.json (one per outlet, plus ``_pooled.json``), built by
``flask --app service calibrate`` (service/calibrate.py) or tools/build_profiles.py; lexicons/outlets/README.md
documents the format. Each holds, per metric, n, mean, sd and the 0th..100th percentiles in 5-point steps; a
score's percentile is read off those quantiles by linear interpolation. docs/calibration.md explains the readings,
the framing index weights and the figures measured on BASIL.

Pure Python, no Flask, deterministic: the same result and tokens always give the same output.
"""
from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from pathlib import Path

from .chrome import slugify

# Below this many articles a baseline's percentiles are too coarse to print: with 10 articles each one moves a
# percentile by 10 points. The result says "too few" and gives n instead of a number.
MIN_ARTICLES = 10
POOLED = "_pooled"
QUANTILE_STEPS = [i * 5 for i in range(21)]
PROFILE_FORMAT = 2

# The main scores that get calibrated: (name, path into the result). ``None``: computed in metric_values.
METRICS = (
    ("loaded_density", ("loaded_terms", "density")),
    ("loaded_weighted_density", ("loaded_terms", "weighted_density")),
    ("hedge_rate", ("voice", "hedges", "rate")),
    ("booster_rate", ("voice", "boosters", "rate")),
    ("loaded_attribution_rate", ("voice", "attribution", "loaded", "rate")),
    ("scare_quote_rate", ("voice", "scare_quotes", "rate")),
    ("quote_share", ("voice", "quotes", "share_of_words")),
    ("first_person_rate", ("voice", "first_person", "rate")),
    ("question_rate", ("voice", "questions", "rate")),
    ("exclamation_rate", ("voice", "exclamations", "rate")),
    ("actor_sentiment_spread", None),
    ("flesch_kincaid_grade", ("readability", "flesch_kincaid_grade")),
    # Sentence loadedness (sentence_bias.py): mean and highest per-sentence probability of lexical bias.
    ("loadedness_mean", ("sentence_loadedness", "mean")),
    ("loadedness_max", ("sentence_loadedness", "max")),
)

# Framing index: a weighted mean of the components' pooled percentiles, so 50 is a typical article on every
# weighted component and 100 is beyond the reference's top on all of them. The weights are the coefficients of a
# logistic regression constrained to be non-negative (L2 1.0, on percentile/100) of "annotated lexical-bias span
# density above the median", fitted on the 90 BASIL 2010-2012 articles (Fan et al., EMNLP 2019; 2013-2014 held
# out) by tools/build_profiles.py --fit-weights, rescaled to sum to 1 and rounded. The loadedness components are
# the sentence model's mean and highest sentence score (sentence_bias.py). Components the fit gave no weight are
# still shown beside the index with weight 0. Fit and figures: docs/calibration.md.
FRAMING_WEIGHTS = {
    "loadedness_max": 0.26,
    "loaded_weighted_density": 0.21,
    "loadedness_mean": 0.12,
    "loaded_density": 0.10,
    "actor_sentiment_spread": 0.09,
    "loaded_attribution_rate": 0.09,
    "scare_quote_rate": 0.08,
    "booster_rate": 0.05,
    "exclamation_rate": 0.0,
    "question_rate": 0.0,
    "first_person_rate": 0.0,
}

# Fightin' Words (Monroe, Colaresi & Quinn 2008): strength a0 of the informative Dirichlet prior, whose shape is the
# pooled corpus's word distribution. 1,000 pseudo-words is about one and a half articles' worth: enough to pull
# rare words' log-odds towards zero, too little to drown a word an outlet uses in many articles.
FIGHTIN_PRIOR = 1000.0
_WORD = re.compile(r"^[a-z][a-z'’-]*$")


def metric_values(result: dict) -> dict[str, float]:
    """Extract the calibrated metrics from one analysis result."""
    values = {}
    for name, path in METRICS:
        if path is None:
            continue
        node = result
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            values[name] = float(node)
    values["actor_sentiment_spread"] = round(actor_sentiment_spread(result), 4)
    return values


def actor_sentiment_spread(result: dict) -> float:
    """Return how far apart the article puts its actors: highest minus lowest sentiment of actors named twice or
    more (a one-sided story praises some and condemns others); 0 with fewer than two such actors."""
    scores = [a["sentiment"]["score"] for a in result.get("actors", [])
              if a.get("sentiment", {}).get("mentions", 0) >= 2]
    return max(scores) - min(scores) if len(scores) >= 2 else 0.0


def summarise(values: list[float]) -> dict:
    """Return n, mean, sd and 5-point quantiles of a sample."""
    xs = sorted(float(v) for v in values)
    n = len(xs)
    mean = sum(xs) / n if n else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else 0.0
    quantiles = []
    for q in QUANTILE_STEPS:
        if not xs:
            break
        pos = (n - 1) * q / 100
        lo = math.floor(pos)
        hi = min(lo + 1, n - 1)
        quantiles.append(round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 6))
    return {"n": n, "mean": round(mean, 6), "sd": round(sd, 6), "quantiles": quantiles}


def percentile(value: float, quantiles: list[float]) -> float:
    """Return the percentile of ``value`` under a distribution given by its 5-point quantiles."""
    if not quantiles:
        return 50.0
    if value <= quantiles[0]:
        # Ties at the bottom (many articles score 0) sit at the middle of the tied mass.
        top = bisect.bisect_right(quantiles, value) - 1
        return round(QUANTILE_STEPS[top] / 2, 1) if value == quantiles[0] else 0.0
    if value >= quantiles[-1]:
        bottom = bisect.bisect_left(quantiles, value)
        return round((QUANTILE_STEPS[bottom] + 100) / 2, 1) if value == quantiles[-1] else 100.0
    lo = bisect.bisect_left(quantiles, value)
    hi = bisect.bisect_right(quantiles, value)
    if hi > lo:  # value equals one or more quantile points: take the middle of that run
        return round((QUANTILE_STEPS[lo] + QUANTILE_STEPS[hi - 1]) / 2, 1)
    q0, q1 = quantiles[lo - 1], quantiles[lo]
    frac = (value - q0) / (q1 - q0) if q1 > q0 else 0.5
    return round(QUANTILE_STEPS[lo - 1] + 5 * frac, 1)


def too_few(n: int) -> str:
    """Return the note that replaces a number resting on fewer than MIN_ARTICLES articles."""
    return f"too few articles: the baseline rests on {n}; at least {MIN_ARTICLES} are needed"


def place(value: float, stats: dict | None) -> dict:
    """Return the percentile and z of ``value`` against one metric's baseline, or say why there is none."""
    if not stats:
        return {"n": 0, "percentile": None, "z": None, "note": "no baseline for this metric"}
    n = int(stats.get("n", 0))
    if n < MIN_ARTICLES:
        return {"n": n, "percentile": None, "z": None, "note": too_few(n)}
    z = (value - stats["mean"]) / stats["sd"] if stats["sd"] > 0 else 0.0
    return {"n": n, "percentile": percentile(value, stats["quantiles"]), "z": round(z, 3)}


def reading(p: float | None, own: bool = False) -> str:
    """Return a short reading of a percentile ("above the reference", "typical for this outlet")."""
    ref = "this outlet" if own else "the reference"
    if p is None:
        return "not enough reference articles"
    if p >= 90:
        return f"far above {ref}"
    if p >= 70:
        return f"above {ref}"
    if p > 30:
        return f"typical for {ref}"
    if p > 10:
        return f"below {ref}"
    return f"far below {ref}"


def vocabulary_tokens(tokens) -> list[str]:
    """Return the lower-case word forms that slant and distinctive vocabulary count.

    ``tokens`` are spaCy tokens (anything with ``lower_`` and ``is_alpha``) or plain strings. Words are alphabetic
    (apostrophes and hyphens inside allowed), at least two letters; numbers and punctuation do not count.
    """
    out = []
    for tok in tokens:
        low = tok if isinstance(tok, str) else tok.lower_
        low = low.lower().replace("’", "'")
        if len(low) >= 2 and _WORD.match(low):
            out.append(low)
    return out


def fightin_words(target: Counter, rest: Counter, prior_strength: float = FIGHTIN_PRIOR) -> dict[str, float]:
    """Return each word's z-score of the log-odds ratio of ``target`` vs ``rest`` (Monroe et al. 2008, eq. 16-22).

    The informative Dirichlet prior has the shape of the two corpora pooled and total strength ``prior_strength``.
    Positive z: the target uses the word more than the rest does.
    """
    pooled = target + rest
    total = sum(pooled.values())
    n_i, n_j = sum(target.values()), sum(rest.values())
    if not total or not n_i or not n_j:
        return {}
    out = {}
    for word in sorted(pooled):
        alpha = prior_strength * pooled[word] / total
        y_i, y_j = target.get(word, 0), rest.get(word, 0)
        delta = (math.log((y_i + alpha) / (n_i + prior_strength - y_i - alpha))
                 - math.log((y_j + alpha) / (n_j + prior_strength - y_j - alpha)))
        var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
        out[word] = delta / math.sqrt(var)
    return out


def slant_score(words: list[str], vocabulary: dict[str, float]) -> float:
    """Return the summed Fightin'-Words z of the words an article shares with an outlet's vocabulary, per 1,000."""
    if not words:
        return 0.0
    return round(1000.0 * sum(vocabulary.get(w, 0.0) for w in words) / len(words), 4)


class Calibration:
    """Outlet and pooled baselines, the framing index and the slant towards each outlet's vocabulary."""

    def __init__(self, profiles: dict[str, dict], weights: dict[str, float] | None = None, outlets=None,
                 lean_model=None):
        from .outlets import OutletTable

        self.profiles = profiles
        self.weights = dict(FRAMING_WEIGHTS if weights is None else weights)
        # Outlet names, abbreviations, domains and URLs (lexicons/outlets/aliases.tsv, service/analysis/outlets.py)
        # and the lean model (lexicons/models/lean.json, service/analysis/lean.py); both optional.
        self.outlets = outlets if outlets is not None else OutletTable({}, {})
        self.lean_model = lean_model
        self.aliases: dict[str, str] = {}
        for slug, prof in sorted(profiles.items()):
            for name in [slug, prof.get("outlet") or ""] + list(prof.get("names", [])):
                if name:
                    self.aliases.setdefault(slugify(name), slug)
            if slug != POOLED:
                self.outlets.add(slug, prof.get("outlet") or slug, prof.get("names", []))
        self._slant_index: dict[str, list[tuple[str, float]]] | None = None

    @classmethod
    def from_dir(cls, directory: str | Path, lean_model: str | Path | None = None) -> "Calibration":
        """Load every profile JSON in a directory, its alias table, and the lean model (default
        ``<directory>/../models/lean.json``); missing files: no baselines, no aliases, no lean."""
        from .lean import LeanModel
        from .outlets import OutletTable

        profiles = {}
        directory = Path(directory)
        if directory.is_dir():
            for path in sorted(directory.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                profiles[data.get("id") or path.stem] = data
        lean_path = Path(lean_model) if lean_model else directory.parent / "models" / "lean.json"
        model = LeanModel.from_file(lean_path) if lean_path.is_file() else None
        return cls(profiles, outlets=OutletTable.from_dir(directory), lean_model=model)

    def describe(self) -> dict:
        """Return the profiles: articles, years, source and licence, AllSides lean and estimated lean."""
        out = {}
        for k, v in sorted(self.profiles.items()):
            out[k] = {"outlet": v.get("outlet"), "articles": v.get("n_articles", 0),
                      "enough": v.get("n_articles", 0) >= MIN_ARTICLES}
            for key in ("years", "sources", "license", "analysed_articles"):
                if key in v:
                    out[k][key] = v[key]
            if v.get("lean"):
                out[k]["lean"] = {"allsides": v["lean"].get("allsides"), "estimate": v["lean"].get("estimate")}
        return out

    def profile_id(self, outlet: str | None) -> str | None:
        """Return the profile id for an outlet name, alias, domain or URL ("Fox", "NYT", "breitbart.com"), else None."""
        if not outlet:
            return None
        slug = self.aliases.get(slugify(outlet))
        if not slug or slug not in self.profiles:
            slug = self.outlets.resolve_id(outlet)
        return slug if slug and slug != POOLED and slug in self.profiles else None

    def outlet_report(self, name: str) -> dict | None:
        """Return one outlet's profile summary for ``GET /api/v1/lexicons/outlets/{name}``: its resolution, article
        counts, its lean estimated from its coverage beside its AllSides rating (with the disagreement), and its
        lexicon; None when the name resolves to no profile."""
        oid = self.profile_id(name)
        if oid is None:
            return None
        prof = self.profiles[oid]
        lean = dict(prof.get("lean") or {})
        if lean.get("allsides") and lean.get("estimate"):
            lean["agrees"] = lean["allsides"] == lean["estimate"]
            if not lean["agrees"]:
                lean["note"] = (f"its coverage reads {lean['estimate']} to the lean model; AllSides rates it "
                                f"{lean['allsides']}")
        vocab = prof.get("vocabulary") or {}
        return {"id": oid, "outlet": prof.get("outlet"), "names": prof.get("names", []),
                "resolution": self.outlets.resolution(name), "articles": prof.get("n_articles", 0),
                "analysed_articles": prof.get("analysed_articles", prof.get("n_articles", 0)),
                "years": prof.get("years"), "sources": prof.get("sources"), "license": prof.get("license"),
                "provenance": prof.get("provenance"), "version": prof.get("version"), "lean": lean or None,
                "lexicon": {"method": vocab.get("method"), "reference": vocab.get("reference"),
                            "terms": vocab.get("terms", [])}}

    def calibrate(self, result: dict, outlet: str | None = None, tokens=None, removed=()) -> dict:
        """Place each main metric against the pooled and outlet baselines; add the framing index and slant.

        ``tokens`` are the article's tokens (spaCy tokens or strings) with page chrome removed; without them the
        slant is left out and says so. ``removed``: page chrome as (start, end) spans of the tokens' text, not read
        by the lean. The lean's evidence offsets are into the tokens' text.
        """
        values = metric_values(result)
        pooled = self.profiles.get(POOLED)
        own_id = self.profile_id(outlet)
        own = self.profiles.get(own_id) if own_id else None
        metrics = {}
        for name, value in values.items():
            entry = {"value": value, "pooled": place(value, (pooled or {}).get("metrics", {}).get(name))}
            entry["pooled"]["reading"] = reading(entry["pooled"]["percentile"])
            if own:
                entry["outlet"] = place(value, own.get("metrics", {}).get(name))
                entry["outlet"]["reading"] = reading(entry["outlet"]["percentile"], own=True)
            metrics[name] = entry
        baseline = {"pooled_articles": (pooled or {}).get("n_articles", 0),
                    "outlet_profile": own_id,
                    "outlet_articles": own.get("n_articles", 0) if own else 0,
                    "min_articles": MIN_ARTICLES}
        notes = []
        if not pooled:
            notes.append("no pooled baseline is loaded")
        elif pooled.get("n_articles", 0) < MIN_ARTICLES:
            notes.append(f"pooled baseline: {too_few(pooled.get('n_articles', 0))}")
        if outlet and not own:
            notes.append(f"no profile for outlet {outlet!r}; compared with the pooled baseline only")
        elif own and own.get("n_articles", 0) < MIN_ARTICLES:
            notes.append(f"outlet baseline {own_id!r}: {too_few(own.get('n_articles', 0))}; "
                         "its percentiles are left out")
        if notes:
            baseline["note"] = "; ".join(notes)
        slant = self.slant(tokens)
        slant["outlet"] = self.outlets.resolution(outlet) if outlet else None
        slant["lean"] = self.lean(tokens, removed)
        typical = self.typicality(tokens, own)
        if typical:
            slant["typicality"] = typical
        return {"baseline": baseline, "metrics": metrics, "framing_index": self.framing_index(metrics, pooled),
                "slant": slant}

    def framing_index(self, metrics: dict, pooled: dict | None = None) -> dict:
        """Return the 0-100 framing index: the weighted mean of the components' pooled percentiles."""
        pooled = self.profiles.get(POOLED) if pooled is None else pooled
        components = {}
        total = score = 0.0
        missing = []
        for name, weight in sorted(self.weights.items()):
            entry = metrics.get(name)
            p = entry["pooled"]["percentile"] if entry else None
            components[name] = {"weight": weight, "value": entry["value"] if entry else None, "percentile": p}
            if p is None:
                if weight > 0:
                    missing.append(name)
            elif weight > 0:
                total += weight
                score += weight * p
        out = {"value": None, "components": components, "baseline": POOLED,
               "n": (pooled or {}).get("n_articles", 0),
               "method": "weighted mean of the components' pooled percentiles (weights: docs/calibration.md)"}
        if total <= 0:
            n = out["n"]
            out["note"] = too_few(n) if pooled and n < MIN_ARTICLES else "no pooled baseline is loaded"
            return out
        out["value"] = round(score / total, 1)
        if missing:
            out["note"] = "left out for want of a baseline: " + ", ".join(missing)
        return out

    def lean(self, tokens, removed=()) -> dict:
        """Return the article's lean from its wording ({label, probabilities, evidence with offsets}).

        Offsets are into the analysed text (the parse's text: the analysis text with page chrome blanked, the same
        length; the pipeline maps them to the submitted text); chrome spans the core removed (``removed``, in the
        same offsets) are not read.
        """
        from .lean import lean_of

        if tokens is None:
            return {"label": None, "probabilities": None, "evidence": [],
                    "note": "the article's tokens were not passed to calibration; no lean"}
        text = getattr(tokens, "text", None)
        if text is None:
            text = " ".join(t if isinstance(t, str) else t.text for t in tokens)
        out = lean_of(self.lean_model, text, removed)
        out["basis"] = ("wording resemblance to outlets AllSides rates left, centre or right (lexicons/models/"
                        "lean.json); a rating of outlets, not a judgement of this article (docs/calibration.md)")
        return out

    def typicality(self, tokens, own: dict | None) -> dict | None:
        """Return how typical the article's wording is of its own outlet, or None without a profile or tokens."""
        from .baselines import typicality

        if tokens is None or not own:
            return None
        return typicality(vocabulary_tokens(tokens), own)

    def slant(self, tokens) -> dict:
        """Return how close the word choice is to each outlet's distinctive vocabulary (percentile vs pooled)."""
        basis = ("per outlet: summed Fightin'-Words z (Monroe et al. 2008) of the words shared with its distinctive "
                 "vocabulary, per 1,000 words, placed against the pooled reference articles")
        if tokens is None:
            return {"basis": basis, "outlets": {}, "closest": None,
                    "note": "the article's tokens were not passed to calibration; no slant"}
        words = vocabulary_tokens(tokens)
        sums = self._slant_sums(words)
        outlets = {}
        best, best_p = None, -1.0
        for slug, prof in sorted(self.profiles.items()):
            vocab = prof.get("vocabulary")
            if slug == POOLED or not vocab:
                continue
            n = int(prof.get("n_articles", 0))
            entry = {"outlet": prof.get("outlet"), "n": n}
            if n < MIN_ARTICLES:
                entry.update({"score": None, "percentile": None, "note": too_few(n)})
            else:
                score = round(1000.0 * sums.get(slug, 0) / len(words), 4) if words else 0.0
                placed = place(score, vocab.get("baseline"))
                entry.update({"score": score, "percentile": placed["percentile"]})
                if placed.get("note"):
                    entry["note"] = placed["note"]
                if placed["percentile"] is not None and placed["percentile"] > best_p:
                    best, best_p = slug, placed["percentile"]
            outlets[slug] = entry
        out = {"basis": basis, "words": len(words), "outlets": outlets, "closest": best}
        if not outlets:
            out["note"] = "no outlet profile carries a vocabulary"
        elif best is None:
            out["note"] = "no outlet vocabulary rests on enough articles"
        return out

    def _slant_sums(self, words: list[str]) -> dict[str, float]:
        """Return, per outlet, ``slant_score``'s sum over ``words`` of the outlet's z, read in one pass for all.

        Each outlet's z are added in word order as slant_score adds them, so the sums are the same floats; the
        0.0 slant_score adds for a word outside the vocabulary changes no sum and is skipped.
        """
        if self._slant_index is None:
            index: dict[str, list[tuple[str, float]]] = {}
            for slug, prof in sorted(self.profiles.items()):
                vocab = prof.get("vocabulary")
                if slug == POOLED or not vocab:
                    continue
                zs = {item["term"]: item["z"] for item in vocab.get("terms", [])}  # the last z of a term wins
                for term, z in zs.items():
                    index.setdefault(term, []).append((slug, z))
            self._slant_index = index
        sums: dict[str, float] = {}
        for w in words:
            for slug, z in self._slant_index.get(w, ()):
                sums[slug] = sums.get(slug, 0) + z
        return sums
