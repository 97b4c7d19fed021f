"""Compare outlets on one event: statistics across per-article analyses. Pure Python and NumPy, no Flask.

Comparison is analysis applied to each article, then statistics across them (DESIGN.md): no second analysis path.
``compare(results, texts)`` takes the plain result dicts of ``analyze_document`` and the submitted texts and returns:

- ``metrics``: each main score per outlet with a 95% bootstrap interval, and every pairwise difference with a
  95% bootstrap interval. The resampling unit is the sentence (Efron & Tibshirani 1993, "An Introduction to the
  Bootstrap", ch. 13, percentile intervals): words and hits cluster in sentences, so resampling words would make
  a 400-word article look more certain than it is. Each outlet's sentences are resampled independently
  (a stratified bootstrap); B = ``BOOTSTRAP_B`` replicates from a fixed seed, so a result is reproducible.
- ``actors``: actors named in two or more outlets' coverage, matched across articles ("Maduro" = "Nicolas Maduro"),
  with mentions, labels and sentiment per outlet: the word-choice table.
- ``distinctive_terms``: per outlet, the words and two-word phrases it uses more than the others, by the log-odds
  ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", Political Analysis
  16(4), eq. 16-22), with z-scores.
- ``summary``: a few plain sentences naming the largest differences, each pointing at its evidence.

Sentences come from ``result["sentences"]`` (a list of ``{start, end}`` in submitted-text offsets): the core's own
spaCy sentences, the ones its scores count. Per-sentence word counts are rescaled per article so that, on the
full sample, every statistic equals the value the core reports for that article.
"""
from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from .calibration import actor_sentiment_spread
from .baselines import outlet_lean_columns
from .text import Spans

# ---- method constants ------------------------------------------------------------------------------------------

# 2,000 replicates put the Monte Carlo error of a 2.5% percentile at about +-0.3 percentage points (Efron &
# Tibshirani 1993, section 19.3 recommend B >= 1,000 for percentile intervals). The seed is fixed so the same
# input gives the same intervals on every call.
BOOTSTRAP_B = 2000
BOOTSTRAP_SEED = 20080601
LEVEL = 0.95
Z95 = 1.959964  # two-sided 95% normal quantile, for intervals combined by the normal approximation

# Informative Dirichlet prior of "Fightin' Words" (Monroe et al. 2008, section 3.5): alpha_w = alpha0 * pi_w, with
# pi_w the word's share of all submitted coverage. As in the paper, the prior is the whole corpus: alpha0 = N, the
# pooled number of terms, so alpha_w is the word's pooled count. Pass alpha0 to weigh it differently.
PRIOR_ALPHA0 = None
# |z| above 1.96 is the 5% two-sided threshold the paper uses to read its plots.
Z_THRESHOLD = 1.96
TERMS_PER_OUTLET = 10
MIN_TERM_COUNT = 2
EVIDENCE_MAX = 5

PER_THOUSAND = 1000.0

# What compare's outlet_lean column is and how far to trust it (bench/LEAN.md, "Against article-level human
# labels": on BASIL 2010-14, the lean of one article ordered the three articles of an event as annotators judged
# their lean no better than chance, and knowing only the outlet did better).
OUTLET_LEAN_METHOD = {
    "lean": "mean of the outlet's articles' calibrated.slant.lean probabilities (word choice, docs/calibration.md)",
    "typicality": "each article's fit to the outlet's profile lexicon, as a percentile of the outlet's own articles",
    "reliability": ("a weak signal: on articles about one event it did not order outlets as human annotators "
                    "judged their lean (bench/LEAN.md); read it over many articles of an outlet, not to rank "
                    "outlets on one story"),
}

# Words that carry no framing on their own; a term is dropped when it is one of these, a bigram when either half is.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll
she's should shouldn't so some such than that that's the their theirs them themselves then there there's these
they they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're
we've were weren't what what's when when's where where's which while who who's whom why why's will with won't
would wouldn't you you'd you'll you're you've your yours yourself yourselves said says say told also would
mr ms mrs s t one two three new last first year years
""".split())

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_TAG = re.compile(r"<[^>]*>")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class Metric:
    """A main score: how to read it from a result and how to compute it from sentence sums."""

    name: str
    label: str
    description: str
    unit: str
    kind: str  # rate (per 1,000 own-voice words) | share | grade | plain


METRICS = (
    Metric("loaded_density", "Loaded terms", "Loaded terms in the outlet's own voice per 1,000 own-voice words.",
           "per 1,000 words", "rate"),
    Metric("loaded_weighted_density", "Loaded terms (weighted)",
           "Loaded terms weighted by lexicon weight, per 1,000 own-voice words.", "per 1,000 words", "rate"),
    Metric("hedge_rate", "Hedges", "Hedges (may, reportedly, ...) per 1,000 own-voice words.",
           "per 1,000 words", "rate"),
    Metric("booster_rate", "Boosters", "Boosters (clearly, undoubtedly, ...) per 1,000 own-voice words.",
           "per 1,000 words", "rate"),
    Metric("loaded_attribution_rate", "Loaded attribution",
           "Loaded attribution verbs (claimed, admitted, ...) per 1,000 own-voice words.", "per 1,000 words", "rate"),
    Metric("scare_quote_rate", "Scare quotes", "Scare quotes per 1,000 own-voice words.", "per 1,000 words",
           "rate"),
    Metric("quote_share", "Quoted speech", "Share of words inside quoted speech.", "share of words", "share"),
    Metric("first_person_rate", "First person", "First-person pronouns in the outlet's own voice per 1,000 words.",
           "per 1,000 words", "rate"),
    Metric("question_rate", "Questions", "Questions in the outlet's own voice per 1,000 own-voice words.",
           "per 1,000 words", "rate"),
    Metric("exclamation_rate", "Exclamations", "Exclamations in the outlet's own voice per 1,000 own-voice words.",
           "per 1,000 words", "rate"),
    Metric("flesch_kincaid_grade", "Reading grade", "Flesch-Kincaid grade level of the story text.", "grade",
           "grade"),
    Metric("actor_sentiment_spread", "Actor sentiment spread",
           "How far apart the coverage puts its actors: highest minus lowest actor sentiment (actors with two or "
           "more mentions).", "score difference", "plain"),
    Metric("framing_index", "Framing index", "The calibrated framing index, where calibration provides one.",
           "index", "plain"),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}
_RATE_METRICS = [m.name for m in METRICS if m.kind == "rate"]


# ---- sentences and per-sentence counts -------------------------------------------------------------------------

def _syllables(word: str) -> int:
    """Count syllables by vowel groups, dropping a silent final e (a cheap stand-in for the CMU dictionary)."""
    w = word.lower()
    n = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(n, 1)


def _get(node, *path):
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


# Columns of the per-sentence matrix.
_COLS = ("own_words", "quoted_words", "words", "sentences", "syllables", "loaded_density",
         "loaded_weighted_density", "hedge_rate", "booster_rate", "loaded_attribution_rate", "scare_quote_rate",
         "first_person_rate", "question_rate", "exclamation_rate")
_C = {name: k for k, name in enumerate(_COLS)}


def sentence_matrix(result: dict, text: str) -> np.ndarray:
    """Return a (sentences x columns) matrix of word and hit counts for one analysed article.

    Words in page chrome count nowhere; words inside quoted speech (speech and partial quotes) count as quoted.
    Own and quoted word counts are rescaled so their totals equal the core's spaCy-based counts.
    """
    removed = Spans((r["start"], r["end"]) for r in _get(result, "cleaning", "removed") or [])
    speech = Spans((q["start"], q["end"]) for q in _get(result, "voice", "quotes", "spans") or []
                        if q.get("kind") in ("speech", "partial"))
    scan = _TAG.sub(lambda m: " " * len(m.group(0)), text) if _get(result, "stats", "is_html") else text
    # The core's sentences (a result without any, e.g. a text of no words, is one sentence).
    spans = [(s["start"], s["end"]) for s in result.get("sentences") or []]
    if not spans:
        spans = [(0, len(text))]
    starts = [s for s, _ in spans]
    m = np.zeros((len(spans), len(_COLS)))

    def row(pos: int) -> int:
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    for w in _WORD.finditer(scan):
        if removed.find(w.start()) is not None:
            continue
        k = row(w.start())
        m[k, _C["words"]] += 1
        m[k, _C["quoted_words" if speech.find(w.start()) is not None else "own_words"]] += 1
        m[k, _C["syllables"]] += _syllables(w.group(0))
    m[:, _C["sentences"]] = (m[:, _C["words"]] > 0).astype(float)

    def add(col: str, hits, weight=lambda h: 1.0, own_only=True):
        for h in hits or []:
            if own_only and h.get("in_quote"):
                continue
            m[row(h["start"]), _C[col]] += weight(h)

    voice = result.get("voice") or {}
    loaded = _get(result, "loaded_terms", "hits")
    add("loaded_density", loaded)
    add("loaded_weighted_density", loaded, weight=lambda h: float(h.get("weight", 1.0)))
    add("hedge_rate", _get(voice, "hedges", "hits"))
    add("booster_rate", _get(voice, "boosters", "hits"))
    add("loaded_attribution_rate", [h for h in _get(voice, "attribution", "hits") or []
                                    if h.get("category") != "neutral"])
    add("scare_quote_rate", _get(voice, "scare_quotes", "hits"), own_only=False)
    add("first_person_rate", _get(voice, "first_person", "hits"), own_only=False)
    add("question_rate", _get(voice, "questions", "hits"), own_only=False)
    add("exclamation_rate", _get(voice, "exclamations", "hits"), own_only=False)

    # Rescale word counts to the core's totals (its tokens come from spaCy; ours from a regex).
    stats = result.get("stats") or {}
    for col, key in (("own_words", "own_voice_words"), ("quoted_words", "quoted_words")):
        ours = m[:, _C[col]].sum()
        theirs = stats.get(key)
        if ours > 0 and isinstance(theirs, (int, float)):
            m[:, _C[col]] *= theirs / ours
    return m


def _statistics(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Compute the sentence-based metrics from column sums (shape (..., columns))."""
    own = sums[..., _C["own_words"]]
    quoted = sums[..., _C["quoted_words"]]
    words = sums[..., _C["words"]]
    sents = sums[..., _C["sentences"]]
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in _RATE_METRICS:
            out[name] = np.where(own > 0, PER_THOUSAND * sums[..., _C[name]] / own, np.nan)
        total = own + quoted
        out["quote_share"] = np.where(total > 0, quoted / total, np.nan)
        # Flesch-Kincaid grade (Kincaid et al. 1975): 0.39 words/sentence + 11.8 syllables/word - 15.59.
        fk = 0.39 * words / sents + 11.8 * sums[..., _C["syllables"]] / words - 15.59
        out["flesch_kincaid_grade"] = np.where((words > 0) & (sents > 0), fk, np.nan)
    return out


# ---- outlets -----------------------------------------------------------------------------------------------------

def outlet_key(name: str) -> str:
    """Return the key that pools articles of one outlet: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


@dataclass
class _Outlet:
    name: str
    articles: list[int] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)


def group_outlets(results: list[dict], outlets: list[str] | None = None) -> list[_Outlet]:
    """Group article indices by outlet, in first-seen order."""
    groups: dict[str, _Outlet] = {}
    for k, result in enumerate(results):
        name = (outlets[k] if outlets else result.get("outlet")) or "Unknown outlet"
        name = " ".join(str(name).split())
        group = groups.setdefault(outlet_key(name), _Outlet(name))
        group.articles.append(k)
        if name not in group.spellings:
            group.spellings.append(name)
    return list(groups.values())


def merge_warnings(groups: list[_Outlet]) -> list[dict]:
    """Say which outlet names were pooled as one ("BBC" and "bbc "), so a merge is never silent."""
    return [{"kind": "outlets_merged", "articles": list(g.articles), "outlets": list(g.spellings),
             "text": f"The outlet names {', '.join(repr(n) for n in g.spellings)} were read as one outlet, "
                     f"{g.name!r} (case and spacing aside); name them apart to compare them."}
            for g in groups if len(g.spellings) > 1]


def _round(x, nd=3):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, nd)


def _percentile_interval(samples: np.ndarray) -> list | None:
    samples = samples[~np.isnan(samples)]
    if samples.size < 0.9 * BOOTSTRAP_B:
        return None  # too many resamples without a denominator (e.g. every sentence was quoted speech)
    alpha = (1 - LEVEL) / 2
    lo, hi = np.quantile(samples, [alpha, 1 - alpha])
    return [_round(lo), _round(hi)]


def _weighted_mean(values, weights):
    pairs = [(v, w) for v, w in zip(values, weights) if isinstance(v, (int, float))]
    total = sum(w for _, w in pairs)
    if not pairs:
        return None
    if total <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total


def _framing_index(result: dict):
    fi = _get(result, "calibrated", "framing_index")
    if isinstance(fi, dict):
        for key in ("value", "score", "index"):
            if isinstance(fi.get(key), (int, float)):
                return float(fi[key])
    return fi if isinstance(fi, (int, float)) else None


def compute_metrics(results: list[dict], texts: list[str], groups: list[_Outlet],
                    b: int = BOOTSTRAP_B, seed: int = BOOTSTRAP_SEED) -> dict:
    """Return every main metric per outlet, with bootstrap intervals, and all pairwise differences."""
    matrices = [sentence_matrix(r, t) for r, t in zip(results, texts)]
    point, boot, n_sent = {}, {}, {}
    for k, g in enumerate(groups):
        mat = np.vstack([matrices[i] for i in g.articles])
        n_sent[g.name] = int(mat.shape[0])
        point[g.name] = _statistics(mat.sum(axis=0))
        # Stratified bootstrap: each outlet's sentences are resampled on their own, from its own stream of the
        # seeded generator, so adding an outlet does not change the intervals of the others.
        rng = np.random.default_rng([seed, k])
        idx = rng.integers(0, mat.shape[0], size=(b, mat.shape[0]))
        boot[g.name] = _statistics(mat[idx].sum(axis=1))
        # Reading grade: the core's textstat value is the point estimate; the bootstrap of our cheaper estimate
        # gives the spread and is shifted to centre on it.
        words = [_get(results[i], "stats", "words") or 0 for i in g.articles]
        core_fk = _weighted_mean([_get(results[i], "readability", "flesch_kincaid_grade") for i in g.articles],
                                 words)
        ours = float(point[g.name]["flesch_kincaid_grade"])
        if core_fk is not None and not math.isnan(ours):
            boot[g.name]["flesch_kincaid_grade"] = boot[g.name]["flesch_kincaid_grade"] + (core_fk - ours)
            point[g.name]["flesch_kincaid_grade"] = np.float64(core_fk)
        spreads = [actor_sentiment_spread(results[i]) for i in g.articles]
        point[g.name]["actor_sentiment_spread"] = _weighted_mean(spreads, words)
        point[g.name]["framing_index"] = _weighted_mean([_framing_index(results[i]) for i in g.articles], words)

    metrics = {}
    for metric in METRICS:
        bootstrapped = metric.kind != "plain"
        per_outlet = []
        for g in groups:
            value = point[g.name].get(metric.name)
            entry = {"outlet": g.name, "value": _round(value, 4 if metric.kind == "share" else 3),
                     "interval": _percentile_interval(boot[g.name][metric.name]) if bootstrapped else None,
                     "articles": len(g.articles), "sentences": n_sent[g.name]}
            per_outlet.append(entry)
        if metric.name == "framing_index" and all(e["value"] is None for e in per_outlet):
            continue  # calibration provides no index yet
        diffs = []
        for i, a in enumerate(groups):
            for bb in groups[i + 1:]:
                va, vb = point[a.name].get(metric.name), point[bb.name].get(metric.name)
                if va is None or vb is None or math.isnan(float(va)) or math.isnan(float(vb)):
                    diff, interval = None, None
                else:
                    diff = float(va) - float(vb)
                    interval = (_percentile_interval(boot[a.name][metric.name] - boot[bb.name][metric.name])
                                if bootstrapped else None)
                clear = None if interval is None else bool(interval[0] > 0 or interval[1] < 0)
                diffs.append({"a": a.name, "b": bb.name, "difference": _round(diff, 4), "interval": interval,
                              "clear": clear})
        metrics[metric.name] = {"label": metric.label, "description": metric.description, "unit": metric.unit,
                                "method": "bootstrap over sentences" if bootstrapped else "no interval",
                                "per_outlet": per_outlet, "differences": diffs}
    return metrics


# ---- actors across articles --------------------------------------------------------------------------------------

def _fold(name: str) -> str:
    """Lower-case, drop accents, punctuation and a leading "the": "Nicolás Maduro's" -> "nicolas maduro"."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).casefold()
    name = re.sub(r"['’]s\b", "", name)
    name = re.sub(r"[^\w\s]", "", name)
    name = re.sub(r"^the\s+", "", " ".join(name.split()))
    return name


_PERSONISH = {"person", "organization"}  # the small NER model tags lone surnames as ORG at times


def match_actors(results: list[dict]) -> list[list[tuple[int, dict]]]:
    """Group the actors of all articles into cross-article actors; return lists of (article index, actor).

    Same folded name -> same actor. A one-word name ("Maduro") joins the one multi-word person whose last word it
    is ("Nicolas Maduro"), if exactly one such person exists in the whole comparison.
    """
    groups: dict[str, list[tuple[int, dict]]] = {}
    types: dict[str, str] = {}
    for k, result in enumerate(results):
        for actor in result.get("actors") or []:
            key = _fold(actor.get("name", ""))
            if not key:
                continue
            groups.setdefault(key, []).append((k, actor))
            if actor.get("type") == "person" or key not in types:
                types[key] = actor.get("type", "")
    surname: dict[str, list[str]] = {}
    for key, typ in types.items():
        if typ == "person" and " " in key:
            surname.setdefault(key.rsplit(" ", 1)[1], []).append(key)
    for key in [k for k in groups if " " not in k]:
        full = surname.get(key, [])
        if len(full) == 1 and types.get(key) in _PERSONISH:
            groups[full[0]].extend(groups.pop(key))
    return list(groups.values())


def _pool_sentiment(entries: list[dict]) -> dict:
    """Pool per-article actor sentiment: mention-weighted mean; interval by the normal approximation; the label is
    the most probable class of the mention-weighted probabilities (``probabilities``, summing to 1).

    Each article's 95% interval is read as mean +- 1.96 se; pooled se = sqrt(sum (w_i se_i)^2) / sum w_i.
    """
    weights = [max(int(e.get("mentions") or 0), 1) for e in entries]
    total = sum(weights)
    score = sum(w * float(e.get("score", 0.0)) for w, e in zip(weights, entries)) / total
    ses = []
    for e in entries:
        lo, hi = (e.get("interval") or [-1.0, 1.0])[:2]
        ses.append((hi - lo) / (2 * Z95))
    se = math.sqrt(sum((w * s) ** 2 for w, s in zip(weights, ses))) / total
    probs = {}
    for w, e in zip(weights, entries):
        # An article's probabilities where its label is read from them; its label alone where the reading set the
        # score to 0 (no shown word supports it: neutral whatever the probabilities) or gave none (FRAMING_TARGET_
        # ENCODER=off aggregates carry no probabilities).
        own = e.get("probabilities") if float(e.get("score") or 0.0) != 0.0 else None
        for c, p in (own or {e.get("label", "neutral"): 1.0}).items():
            probs[c] = probs.get(c, 0.0) + w * float(p)
    label = max(sorted(probs), key=lambda c: probs[c]) if probs else "neutral"
    return {"score": round(score, 4), "label": label, "se": se,
            "interval": [round(max(-1.0, score - Z95 * se), 4), round(min(1.0, score + Z95 * se), 4)],
            "mentions": sum(int(e.get("mentions") or 0) for e in entries),
            "probabilities": {c: round(v / total, 4) for c, v in sorted(probs.items())}}


def _counted(items: list[tuple[str, str]]) -> list[dict]:
    counts: dict[tuple[str, str], int] = {}
    for text, kind in items:
        key = (" ".join(text.split()), kind)
        counts[key] = counts.get(key, 0) + 1
    return [{"text": t, "kind": k, "count": n} for (t, k), n in sorted(counts.items(), key=lambda kv: -kv[1])]


def compare_actors(results: list[dict], groups: list[_Outlet]) -> list[dict]:
    """Return the actors appearing in two or more outlets, with per-outlet mentions, labels and sentiment."""
    outlet_of = {i: g.name for g in groups for i in g.articles}
    order = [g.name for g in groups]
    out = []
    for members in match_actors(results):
        by_outlet: dict[str, list[tuple[int, dict]]] = {}
        for k, actor in members:
            by_outlet.setdefault(outlet_of[k], []).append((k, actor))
        if len(by_outlet) < 2:
            continue
        names: dict[str, int] = {}
        for _, actor in members:
            names[actor["name"]] = names.get(actor["name"], 0) + len(actor.get("mentions") or [])
        display = max(names, key=lambda n: (len(n.split()), names[n]))
        types = [a.get("type") for _, a in members]
        per_outlet, sentiments = [], {}
        for name in [o for o in order if o in by_outlet]:
            pairs = by_outlet[name]
            mentions = [(m, k) for k, a in pairs for m in a.get("mentions") or []]
            labels = [(l, k) for k, a in pairs for l in a.get("labels") or []]
            sentiment = _pool_sentiment([a.get("sentiment") or {} for _, a in pairs])
            sentiments[name] = sentiment
            evidence = [{"article": k, "start": l["start"], "end": l["end"], "text": l.get("text", ""),
                         "kind": "label"} for l, k in labels]
            evidence += [{"article": k, "start": e["start"], "end": e["end"], "text": e.get("text", ""),
                          "kind": "sentiment"}
                         for k, a in pairs for e in (a.get("sentiment") or {}).get("evidence", [])][:EVIDENCE_MAX]
            per_outlet.append({
                "outlet": name,
                "articles": sorted({k for k, _ in pairs}),
                "mentions": len(mentions),
                "quoted_mentions": sum(1 for m, _ in mentions if m.get("in_quote")),
                "forms": _counted([(m.get("text", ""), m.get("kind", "name")) for m, _ in mentions]),
                "labels": _counted([(l.get("text", ""), l.get("kind", "")) for l, _ in labels]),
                "sentiment": {k: v for k, v in sentiment.items() if k != "se"},
                "evidence": evidence[: EVIDENCE_MAX * 2],
            })
        diffs = []
        names_here = [p["outlet"] for p in per_outlet]
        for i, a in enumerate(names_here):
            for b in names_here[i + 1:]:
                sa, sb = sentiments[a], sentiments[b]
                d = sa["score"] - sb["score"]
                half = Z95 * math.sqrt(sa["se"] ** 2 + sb["se"] ** 2)
                diffs.append({"a": a, "b": b, "difference": round(d, 4),
                              "interval": [round(d - half, 4), round(d + half, 4)],
                              "clear": bool(d - half > 0 or d + half < 0)})
        out.append({"name": display, "type": max(set(types), key=types.count),
                    "aliases": sorted(names), "outlets": names_here, "per_outlet": per_outlet,
                    "sentiment_differences": diffs})
    out.sort(key=lambda a: (-len(a["outlets"]), -sum(p["mentions"] for p in a["per_outlet"]), a["name"]))
    return out


# ---- distinctive terms -------------------------------------------------------------------------------------------

def own_voice_terms(result: dict, text: str) -> list[tuple[str, int, int]]:
    """Return (term, start, end) for words and two-word phrases in the outlet's own voice.

    Own voice = text minus page chrome minus quoted speech (scare quotes stay: they are the outlet's choice).
    Stop words are dropped; a bigram joins two adjacent non-stop words with only spaces or a hyphen between.
    """
    blocked = Spans([(r["start"], r["end"]) for r in _get(result, "cleaning", "removed") or []]
                         + [(q["start"], q["end"]) for q in _get(result, "voice", "quotes", "spans") or []
                            if q.get("kind") in ("speech", "partial")])
    scan = _TAG.sub(lambda m: " " * len(m.group(0)), text) if _get(result, "stats", "is_html") else text
    terms, prev = [], None
    for m in _WORD.finditer(scan):
        word = m.group(0).lower().replace("’", "'")
        if blocked.find(m.start()) is not None or word in STOP_WORDS or len(word) < 2 or word[0].isdigit():
            prev = None
            continue
        terms.append((word, m.start(), m.end()))
        if prev is not None and re.fullmatch(r"[ \t]+|-", scan[prev[2]:m.start()]):
            terms.append((f"{prev[0]} {word}", prev[1], m.end()))
        prev = (word, m.start(), m.end())
    return terms


def distinctive_terms(results: list[dict], texts: list[str], groups: list[_Outlet],
                      alpha0: float | None = PRIOR_ALPHA0, top: int = TERMS_PER_OUTLET) -> dict:
    """Rank each outlet's terms against all other outlets by the log-odds ratio with an informative prior.

    Monroe, Colaresi & Quinn (2008), eq. 16-22: for word w, outlet i and the rest j,
    delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w)),
    var(delta_w) ~ 1/(y_iw + a_w) + 1/(y_jw + a_w), z_w = delta_w / sqrt(var). Unigrams and bigrams share one
    vocabulary (the paper's method is silent on n-gram order; the counts are treated alike).
    """
    per_outlet: dict[str, dict[str, int]] = {}
    where: dict[str, dict[str, list]] = {}
    for g in groups:
        counts, spots = {}, {}
        for i in g.articles:
            for term, s, e in own_voice_terms(results[i], texts[i]):
                counts[term] = counts.get(term, 0) + 1
                spots.setdefault(term, []).append({"article": i, "start": s, "end": e, "text": texts[i][s:e]})
        per_outlet[g.name], where[g.name] = counts, spots
    pooled: dict[str, int] = {}
    for counts in per_outlet.values():
        for term, n in counts.items():
            pooled[term] = pooled.get(term, 0) + n
    total = sum(pooled.values())
    alpha0 = float(total) if alpha0 is None else alpha0
    out = {}
    for g in groups:
        yi = per_outlet[g.name]
        ni = sum(yi.values())
        nj = total - ni
        rows = []
        for term, y_i in yi.items():
            if y_i < MIN_TERM_COUNT:
                continue
            a_w = alpha0 * pooled[term] / total
            y_j = pooled[term] - y_i
            # The odds of a term are its count against the rest of the vocabulary; a term that is the whole
            # vocabulary of one side (two-word articles: "Chaos. Chaos." against "x y") has no rest, and no odds.
            rest_i, rest_j = ni + alpha0 - y_i - a_w, nj + alpha0 - y_j - a_w
            if rest_i <= 0 or rest_j <= 0:
                continue
            delta = math.log((y_i + a_w) / rest_i) - math.log((y_j + a_w) / rest_j)
            z = delta / math.sqrt(1.0 / (y_i + a_w) + 1.0 / (y_j + a_w))
            if z <= 0:
                continue
            rows.append({"term": term, "count": y_i, "others_count": y_j,
                         "rate": round(PER_THOUSAND * y_i / ni, 2) if ni else 0.0,
                         "others_rate": round(PER_THOUSAND * y_j / nj, 2) if nj else 0.0,
                         "log_odds": round(delta, 4), "z": round(z, 3), "significant": z > Z_THRESHOLD,
                         "evidence": where[g.name][term][:EVIDENCE_MAX]})
        rows.sort(key=lambda r: (-r["z"], r["term"]))
        out[g.name] = _drop_nested(rows)[:top]
    return out


def _drop_nested(rows: list[dict]) -> list[dict]:
    """Drop a unigram that only ever appears inside a higher-ranked bigram with the same count."""
    kept, bigrams = [], []
    for r in rows:
        if " " not in r["term"] and any(r["term"] in b["term"].split() and b["count"] == r["count"]
                                        for b in bigrams):
            continue
        if " " in r["term"]:
            bigrams.append(r)
        kept.append(r)
    return kept


# ---- summary -----------------------------------------------------------------------------------------------------

def _fmt(x, unit: str) -> str:
    if x is None:
        return "n/a"
    if unit == "share of words":
        return f"{100 * x:.0f}%"
    return f"{x:.1f}"


def _fmt_diff(x, unit: str) -> str:
    if unit == "share of words":
        return f"{100 * x:+.0f} points"
    return f"{x:+.1f}"


def _value(metric: dict, outlet: str):
    return next(p["value"] for p in metric["per_outlet"] if p["outlet"] == outlet)


def _quote_list(items: list[str], n: int = 3) -> str:
    return ", ".join(f"“{t}”" for t in items[:n])


def summarise(metrics: dict, actors: list[dict], terms: dict, results: list[dict], groups: list[_Outlet]) -> list:
    """Write a few plain sentences naming the largest differences, each with a pointer to its evidence."""
    out = []
    loaded = metrics["loaded_density"]
    scored = [d for d in loaded["differences"] if d["difference"] is not None]
    if scored:
        d = max(scored, key=lambda d: abs(d["difference"]))
        hi, lo = (d["a"], d["b"]) if d["difference"] >= 0 else (d["b"], d["a"])
        unit = loaded["unit"]
        words = []
        for g in groups:
            if g.name == hi:
                for i in g.articles:
                    words += [h["term"] for h in _get(results[i], "loaded_terms", "hits") or [] if not h["in_quote"]]
        words = list(dict.fromkeys(w.lower() for w in words))
        interval = d["interval"]
        if interval and d["difference"] < 0:
            interval = [-interval[1], -interval[0]]  # state it as hi minus lo
        span = (f" (difference {abs(d['difference']):.1f}, 95% interval {interval[0]:.1f} to {interval[1]:.1f})"
                if interval else "")
        verdict = ("The difference is clear: the interval excludes zero." if d["clear"]
                   else "The difference is not clear: the interval includes zero.")
        text = (f"{hi} uses more loaded terms in its own voice than {lo}: {_fmt(_value(loaded, hi), unit)} against "
                f"{_fmt(_value(loaded, lo), unit)} per 1,000 words{span}. {verdict}")
        if words:
            text += f" Examples from {hi}: {_quote_list(words, 4)}."
        out.append({"text": text, "kind": "metric", "clear": d["clear"],
                    "evidence": {"section": "metrics", "metric": "loaded_density", "outlets": [hi, lo]}})

    # Other bootstrapped scores: the clearest differences, by distance of the interval from zero relative to its
    # half-width (a standardised effect that is comparable across units).
    ranked = []
    for name, metric in metrics.items():
        if name == "loaded_density" or name == "loaded_weighted_density":
            continue
        for d in metric["differences"]:
            if d["clear"] and d["interval"]:
                half = (d["interval"][1] - d["interval"][0]) / 2 or 1e-9
                ranked.append((abs(d["difference"]) / half, name, d))
    ranked.sort(key=lambda r: -r[0])
    seen = set()
    for _, name, d in ranked:
        if name in seen or len(seen) == 2:
            continue
        seen.add(name)
        metric = metrics[name]
        hi, lo = (d["a"], d["b"]) if d["difference"] >= 0 else (d["b"], d["a"])
        unit = metric["unit"]
        out.append({"text": f"{metric['label']}: {hi} {_fmt(_value(metric, hi), unit)} against {lo} "
                            f"{_fmt(_value(metric, lo), unit)} ({unit}); a clear difference.",
                    "kind": "metric", "clear": True,
                    "evidence": {"section": "metrics", "metric": name, "outlets": [hi, lo]}})
    if not seen:
        out.append({"text": "No other score differs clearly between the outlets at this length of text.",
                    "kind": "metric", "clear": False, "evidence": {"section": "metrics"}})

    # The word-choice table: the shared actor whose labels differ most between outlets.
    def contrast(actor):
        sets = [{l["text"].lower() for l in p["labels"]} for p in actor["per_outlet"]]
        distinct = len(set().union(*sets)) if sets else 0
        shared = len(set.intersection(*sets)) if sets and all(sets) else 0
        return (sum(1 for x in sets if x) >= 2, distinct - shared, len(actor["outlets"]),
                sum(p["mentions"] for p in actor["per_outlet"]))

    if actors:
        actor = max(actors, key=contrast)
        parts = []
        for p in actor["per_outlet"]:
            labels = [l["text"] for l in p["labels"]]
            parts.append(f"{p['outlet']}: {_quote_list(labels) if labels else 'no label'}")
        out.append({"text": f"Outlets label {actor['name']} differently (named by {len(actor['outlets'])} outlets) — "
                            + "; ".join(parts) + ".",
                    "kind": "actor", "clear": None,
                    "evidence": {"section": "actors", "actor": actor["name"], "outlets": actor["outlets"]}})
        clear = [(abs(d["difference"]), a, d) for a in actors for d in a["sentiment_differences"] if d["clear"]]
        if clear:
            _, a, d = max(clear, key=lambda c: c[0])
            more, less = (d["a"], d["b"]) if d["difference"] >= 0 else (d["b"], d["a"])
            out.append({"text": f"{more} writes about {a['name']} more favourably than {less} (sentiment "
                                f"difference {abs(d['difference']):.2f}, 95% interval excludes zero).",
                        "kind": "actor", "clear": True,
                        "evidence": {"section": "actors", "actor": a["name"], "outlets": [more, less]}})
    else:
        out.append({"text": "No actor is named in the coverage of two or more outlets.", "kind": "actor",
                    "clear": None, "evidence": {"section": "actors"}})

    leads = []
    for g in groups:
        strong = [t for t in terms.get(g.name, []) if t["significant"]]
        if strong:
            listed = ", ".join(f"“{t['term']}” (z = {t['z']:.1f})" for t in strong[:3])
            out.append({"text": f"Words {g.name} uses more than the others: {listed}.", "kind": "terms",
                        "clear": True, "evidence": {"section": "distinctive_terms", "outlets": [g.name]}})
        elif terms.get(g.name):
            leads.append(f"{g.name} {_quote_list([t['term'] for t in terms[g.name]], 2)}")
    if leads:
        out.append({"text": f"No word sets {'these outlets' if len(leads) > 1 else 'this outlet'} apart clearly "
                            f"(|z| > {Z_THRESHOLD}) at this length of text; the strongest leads are "
                            + "; ".join(leads) + ".",
                    "kind": "terms", "clear": False, "evidence": {"section": "distinctive_terms"}})
    return out


# ---- duplicates ------------------------------------------------------------------------------------------------

def duplicate_warnings(results: list[dict], texts: list[str], groups: list[_Outlet], metrics: dict,
                       actors: list[dict]) -> list[dict]:
    """Name duplicated articles; a difference between two outlets that share a duplicated story is not clear."""
    from .duplicates import near_duplicates

    outlet_of = {i: g.name for g in groups for i in g.articles}
    warnings, tied = [], set()
    # Compare the stories, not the pages: two articles saved from one site share its whole template.
    stories = []
    for result, text in zip(results, texts):
        kept = (_get(result, "cleaning", "extraction") or {}).get("kept")
        stories.append("\n".join(text[k["start"]:k["end"]] for k in kept) if kept else text)
    for d in near_duplicates(stories):
        a, b = outlet_of[d["a"]], outlet_of[d["b"]]
        where = "under two outlets" if a != b else "twice"
        warnings.append({"kind": f"{d['kind']}_duplicate", "articles": [d["a"], d["b"]], "outlets": [a, b],
                         "similarity": d["similarity"],
                         "text": f"Articles {d['a']} ({a}) and {d['b']} ({b}) are "
                                 f"{'the same text' if d['kind'] == 'exact' else 'near-duplicates'} "
                                 f"(similarity {d['similarity']:.2f}): the same story {where}. Differences between "
                                 f"these outlets partly measure one text and are not marked clear."})
        tied.add(frozenset((a, b)))
    for diff in [d for m in metrics.values() for d in m["differences"]] + \
            [d for actor in actors for d in actor["sentiment_differences"]]:
        if frozenset((diff["a"], diff["b"])) in tied and diff.get("clear"):
            diff["clear"] = False
    return warnings


# ---- entry point -------------------------------------------------------------------------------------------------

def compare(results: list[dict], texts: list[str], outlets: list[str] | None = None,
            b: int = BOOTSTRAP_B, seed: int = BOOTSTRAP_SEED) -> dict:
    """Compare analysed articles by outlet; ``results[k]`` is ``analyze_document`` on ``texts[k]``.

    ``outlets`` overrides each result's ``outlet``; articles of one outlet (case and spacing aside) are pooled.
    Return a plain dict: outlets, metrics, actors, distinctive_terms, summary and method.
    """
    if len(results) != len(texts):
        raise ValueError("results and texts must have the same length")
    groups = group_outlets(results, outlets)
    metrics = compute_metrics(results, texts, groups, b=b, seed=seed)
    actors = compare_actors(results, groups)
    terms = distinctive_terms(results, texts, groups)
    warnings = merge_warnings(groups) + duplicate_warnings(results, texts, groups, metrics, actors)
    # Each outlet's lean and each article's typicality for its outlet (service/analysis/baselines.py, issue 15).
    lean_columns, lean_notes = outlet_lean_columns(results, [(g.name, g.articles) for g in groups])
    return {
        "warnings": warnings,
        "outlets": [g.name for g in groups],
        "article_outlets": [next(g.name for g in groups if k in g.articles) for k in range(len(results))],
        "metrics": metrics,
        "actors": actors,
        "distinctive_terms": [{"outlet": g.name, "terms": terms[g.name]} for g in groups],
        "outlet_lean": lean_columns,
        "summary": summarise(metrics, actors, terms, results, groups) + lean_notes,
        "method": {
            "bootstrap": {"replicates": b, "seed": seed, "level": LEVEL, "unit": "sentence",
                          "interval": "percentile", "strata": "outlet"},
            "actor_sentiment": {"pooling": "mention-weighted mean over the outlet's articles",
                                "interval": "normal approximation from per-article 95% intervals"},
            "outlet_lean": OUTLET_LEAN_METHOD,
            "distinctive_terms": {"statistic": "log-odds ratio, informative Dirichlet prior "
                                               "(Monroe, Colaresi & Quinn 2008)",
                                  "prior": "pooled term counts of all submitted coverage (alpha0 = N)",
                                  "z_threshold": Z_THRESHOLD,
                                  "min_count": MIN_TERM_COUNT},
        },
    }

