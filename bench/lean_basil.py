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
- lexicon terms up-weighted x3 and lexicon terms only (added 2026-11-30, second run): the two variants of
  bench/LEAN.md "Variants beside the shipped recipe", fitted on the same reduced corpus and terms as the held-out
  recipe, exported and applied with ``lean_of`` like it (``fit_lexicon_variant``, ``lexicon_forms``). Lexicon
  forms: each entry of the lexicons named (lexicons/*.tsv) lower-cased and split into word tokens as lean_terms
  splits text; entries of one or two tokens (longer ones cannot be a term); each word of three or more letters
  taken with +s, +es, +d, +ed, +ing, -e +ing and consonant -y -> -ies / -ied, shorter words as they are; for a
  two-word entry every combination. x3: loaded_terms, attribution_verbs, hedges, boosters; the recipe's
  vocabulary (``tl.vocabulary``: MIN_OUTLETS, TOPIC_DROP) unchanged, the TF-IDF value of its columns that are
  lexicon forms multiplied by 3 after the L2 normalisation, then the recipe's weighted logistic regression (C
  0.3); the logit being linear in the normalised vector, the exported weights of those terms are the fitted ones
  times 3 (pruned to KEEP_FEATURES on these weights), which ``lean_of`` applies to the unscaled vector (checked
  on all 150 articles against the fitted model on the scaled features). Only: the five lexicons (bias_cues
  included); the vocabulary is every term of the reduced corpus that is a lexicon form (no MIN_OUTLETS, no topic
  drop: 3,915 terms, the count bench/LEAN.md gives for its run), otherwise the recipe. Only, recipe vocabulary:
  the same cut applied to the recipe's vocabulary (terms of >= MIN_OUTLETS outlets, less the TOPIC_DROP share).

Measures, each with a 95% percentile bootstrap over events (1,000 resamples of the 50 triplets, seed 0; the same
draws for every row, so the paired differences held-out recipe - floor, held-out recipe - outlet prior and each
lexicon variant - held-out recipe are bootstrapped on the same draws):
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

Second run, 2026-11-30 15:56-16:00 UTC (246 s; the recipe's terms read from a cache built minutes before by the
same ``tl.terms_of`` call, so 43 s for the recipe; variant fits 11, 4 and 4 s): the lexicon variants added.
Reading rule fixed before the run: a record only, no model in the product changes whatever the result; a variant
"reads lean better on human labels" only if its paired concordance difference (all pairs) over the held-out
recipe has a 95% interval above 0. Every figure of the first run's rows above came out identical (table,
confusion, outlet recognition, means), as in an earlier run of the same day (15:45-15:51, 301 s, no cache) that
had x3 and the recipe-vocabulary cut only (the "corpus" cut was added after a count showed it is the one giving
bench/LEAN.md's 3,915 terms; those two rows' figures were the same in both runs). Terms: x3, 9,827 forms
generated, 910 of them among the recipe's 77,244 terms (1,892 among all 1,925,640 terms of the reduced corpus;
LEAN.md: "up to 1,883"), up-weighted, 40,000 kept as for the recipe; only, 14,805 forms, 3,915 terms of the
corpus (all kept); only within the recipe vocabulary, 1,991 terms. lean_of on each exported file against the
fitted model on the scaled features, all 150 articles: same label 150 of 150, probabilities within 5.1e-5
(weights rounded to 5 places in the file, probabilities to 4 by lean_of).

| row | concordance, all pairs (110) | concordance, prior wrong (39) | concordance, with NYT (73) | AUC right vs left (69) | macro-F1 (150) |
|---|---|---|---|---|---|
| lexicon terms up-weighted x3 | 0.564 [0.473, 0.657] | 0.564 [0.421, 0.724] | 0.534 [0.417, 0.667] | 0.508 [0.374, 0.646] | 0.343 [0.270, 0.421] |
| lexicon terms only (3,915) | 0.464 [0.352, 0.573] | 0.436 [0.265, 0.600] | 0.397 [0.287, 0.521] | 0.492 [0.357, 0.639] | 0.333 [0.260, 0.403] |
| lexicon terms only, recipe vocabulary (1,991) | 0.527 [0.427, 0.628] | 0.410 [0.250, 0.581] | 0.479 [0.371, 0.593] | 0.525 [0.395, 0.656] | 0.316 [0.242, 0.397] |
| x3 - held-out recipe (paired) | +0.036 [-0.046, 0.130] | +0.051 [-0.073, 0.178] | +0.027 [-0.069, 0.118] | -0.020 [-0.088, 0.043] | +0.013 [-0.061, 0.076] |
| only (3,915) - held-out recipe (paired) | -0.064 [-0.191, 0.074] | -0.077 [-0.300, 0.139] | -0.110 [-0.282, 0.068] | -0.035 [-0.169, 0.111] | +0.002 [-0.084, 0.087] |
| only, recipe vocabulary - held-out recipe (paired) | 0.000 [-0.120, 0.117] | -0.103 [-0.280, 0.098] | -0.027 [-0.153, 0.108] | -0.003 [-0.125, 0.128] | -0.014 [-0.103, 0.071] |

Confusion, gold -> predicted (left / center / right): x3 left 17 / 4 / 14, center 26 / 26 / 29, right 12 / 12 / 10
(predicted 55 / 42 / 53); only (3,915) left 10 / 9 / 16, center 21 / 27 / 33, right 9 / 10 / 15 (40 / 46 / 64);
only, recipe vocabulary left 12 / 8 / 15, center 28 / 25 / 28, right 11 / 11 / 12 (51 / 44 / 55). Outlet
recognition, Fox above HuffPost / above NYT: x3 0.484 [0.398, 0.572] / 0.633 [0.553, 0.721]; only (3,915) 0.534
[0.440, 0.624] / 0.412 [0.326, 0.494] (paired vs the recipe's Fox-vs-NYT: -0.230 [-0.316, -0.139]); only, recipe
vocabulary 0.521 [0.436, 0.606] / 0.627 [0.548, 0.710]. Mean score per outlet (Fox, NYT, HuffPost): x3 -0.006,
-0.080, +0.001; only (3,915) +0.014, +0.074, -0.011; only, recipe vocabulary +0.059, -0.042, +0.043. Correlation
of the per-article scores with the held-out recipe's: x3 0.92, only (3,915) 0.50, only, recipe vocabulary 0.67.

Reading (second run). By the rule fixed before the run neither variant reads lean better on human labels: x3's
paired concordance gain is +0.036 [-0.046, 0.130] (62 against 58 of the 110 pairs), with AUC right vs left
slightly down (-0.020 [-0.088, 0.043]) and macro-F1 +0.013, the same small, unresolved direction as its outlet-
corpus gain in bench/LEAN.md. Lexicon terms only is no better: with the 3,915 corpus terms it falls below chance
on concordance (0.464) and reads NYT articles as the most right (Fox above NYT at AUC 0.412), and cut to the
recipe's vocabulary it ties the recipe (0.527, AUC 0.525). Every row stays at chance within events; the outlet
prior (0.645) remains the best reader of these labels, and 50 events cannot resolve differences of this size.
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
ROWS = ("shipped", "heldout_recipe", "floor", "outlet_prior", "lexicon_x3", "lexicon_only", "lexicon_only_vocab")
BOOT = 1000
# The two variants of bench/LEAN.md ("Variants beside the shipped recipe"), fitted like the held-out recipe
LEXICONS_X3 = ("loaded_terms", "attribution_verbs", "hedges", "boosters")  # up-weighted by FACTOR
LEXICONS_ONLY = LEXICONS_X3 + ("bias_cues",)  # the whole vocabulary of the "only" variant
FACTOR = 3.0


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

    X, _ = tl.matrix(counts, model["terms"])
    z = tl.tfidf(X, model["idf"]) @ model["coef"].T + model["intercept"]
    return tl.softmax(np.asarray(z)).tolist()


def word_forms(w: str) -> set[str]:
    """The word and its simple inflections: +s, +es, +d, +ed, +ing; -e +ing (accuse -> accusing); consonant -y ->
    -ies, -ied (deny -> denies, denied). Words of one or two letters (to, in, of, a, mr) are kept as they are.
    Only generated forms that are terms of the corpus vocabulary count; a few are other words (well -> wells)."""
    if len(w) < 3:
        return {w}
    out = {w, w + "s", w + "es", w + "d", w + "ed", w + "ing"}
    if w.endswith("e") and len(w) > 2:
        out.add(w[:-1] + "ing")
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    return out


def lexicon_forms(names) -> set[str]:
    """Return the unigram and bigram terms (lean_terms spelling) that are forms of an entry of the lexicons named:
    each entry lower-cased and split into word tokens as lean_terms splits text; entries of one or two tokens
    only (the lean reads no longer terms); for a bigram every combination of the two words' forms."""
    from itertools import product

    from service.analysis.lean import _TOKEN

    out: set[str] = set()
    for name in names:
        lines = [x for x in (ROOT / "lexicons" / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
                 if x.strip() and not x.startswith("#")]
        for line in lines[1:]:  # header: term, category, weight, source
            toks = [m.group() for m in _TOKEN.finditer(line.split("\t")[0].lower().replace("’", "'"))]
            if 1 <= len(toks) <= 2:
                out |= {" ".join(f) for f in product(*(word_forms(t) for t in toks))}
    return out


def fit_lexicon_variant(X, terms, g, y, topics, lexicon: set[str], factor: float = 1.0, only: str | None = None):
    """Fit tools/train_lean.py's recipe (``tl.fit``'s steps with the shipped constants) with one change: the
    columns of the recipe's vocabulary (``tl.vocabulary``) that are in ``lexicon`` multiplied by ``factor`` after
    the TF-IDF normalisation; or the vocabulary cut to the columns in ``lexicon``: ``only="corpus"`` every term of
    the corpus that is in it (no MIN_OUTLETS, no topic drop: bench/LEAN.md's 3,915 terms), ``only="vocabulary"``
    those of the recipe's vocabulary. Return the model dict of
    ``tl.fit`` with ``coef`` the weights on the unscaled TF-IDF (the fitted ones times the factor: the logit is
    linear in the normalised vector, so these give the same scores) and ``coef_fitted``/``scale`` for the check,
    and the number of lexicon columns."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    cols = np.arange(len(terms)) if only == "corpus" else tl.vocabulary(X, g, y, topics=topics)
    hit = np.array([terms[j] in lexicon for j in cols], dtype=bool)
    if only:
        cols, hit = cols[hit], hit[hit]
    Xk = X[:, cols]
    df = np.asarray((Xk > 0).sum(0)).ravel()
    idf = np.log((1 + Xk.shape[0]) / (1 + df)) + 1  # as tl.fit
    scale = np.where(hit, factor, 1.0)
    T = (tl.tfidf(Xk, idf) @ sp.diags(scale)).tocsr()
    model = LogisticRegression(C=tl.C, max_iter=3000)
    model.fit(T, y, sample_weight=tl.sample_weights(g, y, topics, tl.WEIGHTING))
    order = [list(model.classes_).index(k) for k in LEANS]
    coef = model.coef_[order]
    return ({"terms": [terms[j] for j in cols], "cols": cols, "idf": idf, "coef": coef * scale,
             "coef_fitted": coef, "scale": scale, "intercept": model.intercept_[order], "classes": list(LEANS),
             "C": tl.C}, int(hit.sum()))


def scaled_probs(model, counts) -> list[list[float]]:
    """Class probabilities of term counts from the model as fitted: the fitted weights on the scaled TF-IDF of the
    pruned vocabulary (what the exported file must reproduce through lean_of)."""
    import numpy as np
    import scipy.sparse as sp

    pruned = tl.prune(model)
    pos = {t: j for j, t in enumerate(model["terms"])}
    ix = np.array([pos[t] for t in pruned["terms"]])
    X, _ = tl.matrix(counts, pruned["terms"])
    T = tl.tfidf(X, pruned["idf"]) @ sp.diags(model["scale"][ix])
    return tl.softmax(np.asarray(T @ model["coef_fitted"][:, ix].T + model["intercept"])).tolist()


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
    for one, other in (("heldout_recipe", "floor"), ("heldout_recipe", "outlet_prior"),
                       ("lexicon_x3", "heldout_recipe"), ("lexicon_only", "heldout_recipe"),
                       ("lexicon_only_vocab", "heldout_recipe")):
        out["paired_differences"][f"{one} - {other}"] = {
            m: {"value": round(point[one][m] - point[other][m], 3),
                "ci95": interval([d[one][m] - d[other][m] for d in draws
                                  if d[one][m] is not None and d[other][m] is not None])}
            for m in names}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--cache-dir", type=Path, default=None, help="keep the AllSides terms here for reruns")
    ap.add_argument("--boot", type=int, default=BOOT)
    args = ap.parse_args(argv)
    t_start = time.time()
    from service.analysis.lean import LeanModel, lean_of, lean_terms
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
    meta = {"name": "lean", "version": "bench-heldout-basil-outlets", "trained_outlets": sorted(set(g))}

    def as_lean_model(fitted_model):
        exported = tl.export(fitted_model, table, meta)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lean.json"
            path.write_text(json.dumps(exported, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                            encoding="utf-8")
            return LeanModel.from_file(path), len(exported["features"])

    heldout_model, kept = as_lean_model(fitted)
    heldout = [lean_of(heldout_model, text, removed) for text, removed in inputs]
    print(f"held-out recipe: {len(fitted['terms'])} terms, {kept} kept, C {tl.C}, topic_drop "
          f"{tl.TOPIC_DROP}, weighting {tl.WEIGHTING}; {time.time() - t0:.0f} s", flush=True)

    # the two lexicon variants, same reduced corpus and terms, exported and applied through lean_of like the recipe
    variants, variant_info = {}, {}
    for name, lexicons, factor, only in (("lexicon_x3", LEXICONS_X3, FACTOR, None),
                                         ("lexicon_only", LEXICONS_ONLY, 1.0, "corpus"),
                                         ("lexicon_only_vocab", LEXICONS_ONLY, 1.0, "vocabulary")):
        t0 = time.time()
        forms = lexicon_forms(lexicons)
        vmodel, n_lex = fit_lexicon_variant(X, terms, g, y, topics, forms, factor, only)
        lm, kept = as_lean_model(vmodel)
        variants[name] = [lean_of(lm, text, removed) for text, removed in inputs]
        # check: the file through lean_of equals the fitted model on the scaled features (pruned as exported)
        counts_b = [Counter(t for t, _, _ in lean_terms(text, removed, lm.strip, bool(lm.meta.get("skip_quotes"))))
                    for text, removed in inputs]
        ref = scaled_probs(vmodel, counts_b)
        diff = max(abs(r["probabilities"][c] - p[k]) for r, p in zip(variants[name], ref)
                   for k, c in enumerate(LEANS))
        same_label = sum(r["label"] == LEANS[max(range(3), key=lambda k: (p[k], -k))]
                         for r, p in zip(variants[name], ref))
        variant_info[name] = {"lexicons": list(lexicons), "factor": factor, "vocabulary_cut_to_lexicon": only,
                              "lexicon_forms": len(forms), "terms": len(vmodel["terms"]), "lexicon_terms": n_lex,
                              "kept": kept, "check_lean_of_vs_fitted_on_scaled": {
                                  "max_abs_probability_difference": round(diff, 6),
                                  "same_label": [same_label, len(inputs)]}}
        print(f"{name}: {len(forms)} lexicon forms; {len(vmodel['terms'])} terms, {n_lex} of them lexicon forms, "
              f"{kept} kept; lean_of(exported) vs fitted model on scaled features: max |dp| {diff:.2e}, same label "
              f"{same_label} of {len(inputs)}; {time.time() - t0:.0f} s", flush=True)
    del X

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
    for name, rs in variants.items():
        scores[name], preds[name] = from_lean(rs)

    m = measures(scores, preds, labels, events, outlets, reps=args.boot)
    n_rl = sum(1 for v in labels if v in ("left", "right"))
    report = {"articles": len(arts), "events": len(set(events)), "labels": dict(Counter(labels)),
              "labels_per_outlet": {o: dict(Counter(v for v, x in zip(labels, outlets) if x == o)) for o in PRIOR},
              "right_or_left_articles": n_rl, "pairs": m["pairs"], "bootstrap": {"over": "events", "reps": args.boot,
                                                                                  "seed": 0},
              "check_lean_of_equals_analyze_document": {"analysed_text": [same, len(arts)],
                                                        "sent_text": [same_sent, len(arts)]},
              "allsides_training": {"articles": len(c_arts), "outlets": len(set(g)), "left_out": dropped},
              "variants": variant_info,
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
