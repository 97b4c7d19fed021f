"""Calibration: place each score against the pooled reference corpus and the outlet's own norm.

Profiles live in lexicons/outlets/*.json (one per outlet, plus ``_pooled.json``), built by
``flask --app service calibrate``. Each holds, per metric, n, mean, sd and the 0th..100th percentiles in 5-point
steps; a score's percentile is read off those quantiles by linear interpolation.
"""
from __future__ import annotations

import bisect
import json
import math
from pathlib import Path

from .chrome import slugify

# Below this many articles a baseline's percentiles are too coarse to print: with 10 articles each one moves a
# percentile by 10 points. The result says "too few" and gives n instead of a number.
MIN_ARTICLES = 10
POOLED = "_pooled"
QUANTILE_STEPS = [i * 5 for i in range(21)]

# The main scores that get calibrated: (name, path into the result, direction for "more framed").
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
)


def metric_values(result: dict) -> dict[str, float]:
    """Extract the calibrated metrics from one analysis result."""
    values = {}
    for name, path in METRICS:
        if path is None:
            continue
        node = result
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, (int, float)):
            values[name] = float(node)
    scores = [a["sentiment"]["score"] for a in result.get("actors", [])
              if a.get("sentiment", {}).get("mentions", 0) >= 2]
    # How far apart the article puts its actors: a one-sided story praises some and condemns others.
    values["actor_sentiment_spread"] = round(max(scores) - min(scores), 4) if len(scores) >= 2 else 0.0
    return values


def summarise(values: list[float]) -> dict:
    """Return n, mean, sd and 5-point quantiles of a sample."""
    xs = sorted(values)
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
        return round(QUANTILE_STEPS[top] / 2, 1)
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


def _place(value: float, stats: dict | None) -> dict:
    if not stats:
        return {"n": 0, "percentile": None, "z": None, "note": "no baseline for this metric"}
    n = stats["n"]
    if n < MIN_ARTICLES:
        return {"n": n, "percentile": None, "z": None,
                "note": f"baseline rests on {n} articles; at least {MIN_ARTICLES} are needed"}
    z = (value - stats["mean"]) / stats["sd"] if stats["sd"] > 0 else 0.0
    return {"n": n, "percentile": percentile(value, stats["quantiles"]), "z": round(z, 3)}


def _reading(p: float | None) -> str:
    if p is None:
        return "not enough reference articles"
    if p >= 90:
        return "far above the reference"
    if p >= 70:
        return "above the reference"
    if p > 30:
        return "typical"
    if p > 10:
        return "below the reference"
    return "far below the reference"


class Calibration:
    """Outlet and pooled baselines."""

    def __init__(self, profiles: dict[str, dict]):
        self.profiles = profiles

    @classmethod
    def from_dir(cls, directory: str | Path) -> "Calibration":
        """Load every profile JSON in a directory (missing directory: no baselines)."""
        profiles = {}
        directory = Path(directory)
        if directory.is_dir():
            for path in sorted(directory.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                profiles[data.get("id") or path.stem] = data
        return cls(profiles)

    def describe(self) -> dict:
        """Return the profiles and how many articles each rests on."""
        return {k: {"outlet": v.get("outlet"), "articles": v.get("n_articles", 0)} for k, v in self.profiles.items()}

    def calibrate(self, result: dict, outlet: str | None) -> dict:
        """Return, for each main metric, its place against the pooled baseline and the outlet's own norm."""
        values = metric_values(result)
        pooled = self.profiles.get(POOLED)
        own = self.profiles.get(slugify(outlet)) if outlet else None
        metrics = {}
        for name, value in values.items():
            entry = {"value": value}
            entry["pooled"] = _place(value, (pooled or {}).get("metrics", {}).get(name))
            entry["pooled"]["reading"] = _reading(entry["pooled"]["percentile"])
            if own:
                entry["outlet"] = _place(value, own.get("metrics", {}).get(name))
                entry["outlet"]["reading"] = _reading(entry["outlet"]["percentile"])
            metrics[name] = entry
        out = {
            "baseline": {"pooled_articles": (pooled or {}).get("n_articles", 0),
                         "outlet_profile": slugify(outlet) if own else None,
                         "outlet_articles": own.get("n_articles", 0) if own else 0},
            "metrics": metrics,
        }
        if outlet and not own:
            out["baseline"]["note"] = f"no profile for outlet {outlet!r}; compared with the pooled baseline only"
        if not pooled:
            out["baseline"]["note"] = "no pooled baseline is loaded"
        return out
