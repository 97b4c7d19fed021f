"""Train the target-dependent sentiment model on NewsMTSC train (plus BASIL 2010-2014 entity feelings) as JSON.

    .venv/bin/python tools/train_target_sentiment.py [--data DIR] [--basil DIR] [--lexicons DIR] [--out FILE]
        [--cache DIR] [--check] [--grid] [--basil-weight W ...]

Training needs scikit-learn (1.9.1 was used: `.venv/bin/pip install scikit-learn==1.9.1`); the service does not.
Read: NewsMTSC train.jsonl, and BASIL 2010-2014 articles with their annotated author feeling toward each main
entity (every mention of the entity, found by name and surname as the service finds caller targets, gets the
article's feeling as a weak label, weighted by --basil-weight). The regularisation strength and class weighting
are fixed (``C``, no class weights, as shipped) or, with ``--grid``, chosen by 5-fold cross-validation on NewsMTSC
train, grouped by sentence so that targets of one sentence never straddle folds. Two neutral bands (``|score| <
band`` reads neutral): for a score resting on one mention, the band maximising macro-F1 of NewsMTSC train
out-of-fold scores; for the mean of several, the band maximising macro-F1 on BASIL 2010-2014 author feelings, each
year's entities scored by a model trained without that year and aggregated per article as the service does; the
figure with each year's band fitted on the other years only is reported beside it. rw-dev and mt-dev are for
bench/newsmtsc.py only.
Data: ``../shared/evaldata`` beside the repo, or ``$EVALDATA`` (newsmtsc/ and basil/ in it), as the other tools.

The shipped model is what the command without flags writes (C 0.1, BASIL weight 0; about 10 minutes on one busy
core, ``--cache DIR`` keeps the parses for reruns). Deterministic: the header's ``version`` and ``trained`` are
``VERSION`` and ``TRAINED``, not the clock, so a rebuild reproduces the file byte for byte; ``--check`` rebuilds,
compares with the committed ``--out``, restores it and exits 1 if they differ. A new model means new constants.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

# One BLAS thread: with several, float sums run in a machine-dependent order and the written model is not
# byte-for-byte reproducible (seen with tools/train_sentence_bias.py --check); set before numpy loads its BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datasets import EVALDATA  # noqa: E402
from service.analysis.target_sentiment import (  # noqa: E402
    CLASSES,
    _Valences,
    extract_features,
    find_quote_spans,
)

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
FEELING = {"neg": "negative", "neu": "neutral", "pos": "positive"}
BASIL_YEARS = ("2010", "2011", "2012", "2013", "2014")
SEED = 13
MIN_FEATURE_COUNT = 2  # sparse lemma and path features seen in fewer training targets are dropped
# Candidate neutral bands: score = P(pos) - P(neg) moves in steps far coarser than 0.01 on real text.
BAND_GRID = tuple(round(0.01 * k, 2) for k in range(0, 81))
# C=1.0 was also tried and scored lower in cross-validation (macro-F1 0.645 vs 0.661 at C=0.1), and is the
# slowest to fit, so the grid stops at 0.3.
C_GRID = (0.03, 0.1, 0.3)
CLASS_WEIGHTS = (None, "balanced")
# The shipped recipe, what a run without flags trains (bench/RESULTS.md, "Target sentiment and actor stance"): C 0.1
# without class weights (balanced weights tied on NewsMTSC CV and lost on rw-dev), NewsMTSC only (BASIL mentions at
# weight 0.3 or 1.0 lowered both held-out figures). --grid and --basil-weight 0 0.3 1 compare them again.
C = 0.1
BASIL_WEIGHTS = (0.0,)
# The header's version and training stamp: the run of record of the shipped model. The build is deterministic, so a
# rebuild with unchanged data and code writes the same file; change both when the model changes.
VERSION = "2026.11.29"
TRAINED = "2026-11-29T16:23:52+00:00"
DESCRIPTION = (
    "Multinomial logistic regression for sentiment toward a target mention in a news sentence, over "
    "dependency-aware lexicon-valence features and sparse lemma features; see "
    "service/analysis/target_sentiment.py for the feature definitions."
)


def load_vader_lexicon(lexicon_dir: Path) -> dict[str, float]:
    """Return VADER's lexicon, merged with the valence column of lexicons/sentiment_news.tsv when present."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = dict(SentimentIntensityAnalyzer().lexicon)
    news = lexicon_dir / "sentiment_news.tsv"
    if news.exists():
        with news.open(encoding="utf-8") as fh:
            rows = [line for line in fh if not line.startswith("#")]
        added = 0
        for row in csv.DictReader(rows, delimiter="\t"):
            try:
                lexicon[row["term"].strip().lower()] = float(row["valence"])
                added += 1
            except (KeyError, TypeError, ValueError):
                continue
        print(f"merged {added} valences from {news}", file=sys.stderr)
    return lexicon


def load_not_evidence(lexicon_dir: Path) -> list[str]:
    """Return the words of lexicons/not_evidence.tsv (never features, never evidence), empty when absent."""
    path = lexicon_dir / "not_evidence.tsv"
    if not path.exists():
        return []
    rows = [line for line in path.open(encoding="utf-8") if not line.startswith("#")]
    return sorted({row["term"].strip().lower() for row in csv.DictReader(rows, delimiter="\t") if row.get("term")})


def name_spans(name: str, text: str) -> list[tuple[int, int]]:
    """Find an entity as the service finds a caller-named target: the whole name (any case), and a multi-word
    name's capitalised last word standing alone (service/analysis: _name_spans)."""
    import re

    spans = [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text,
                                                       re.IGNORECASE)]
    words = name.split()
    if len(words) >= 2 and words[-1][:1].isupper():
        for m in re.finditer(r"(?<![\w-])" + re.escape(words[-1]) + r"(?![\w-])", text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def load_basil(evaldata: Path, years, nlp, cache: Path | None = None) -> list[dict]:
    """Return BASIL articles (text as bench/basil_actors.py builds it, parsed) with each main entity's feeling."""
    out = []
    for year in years:
        for ap in sorted((evaldata / "articles" / year).glob("*.json")):
            a = json.loads(ap.read_text(encoding="utf-8"))
            b = json.loads((evaldata / "annotations" / year / f"{ap.stem}_ann.json").read_text(encoding="utf-8"))
            text = a["title"] + "\n\n" + "\n\n".join(" ".join(p) for p in a["body-paragraphs"])
            feelings = {}
            for entity in a.get("main-entities", []):
                value = b.get("article-level-annotations", {}).get("author_feeling_" + entity.replace(" ", "_"))
                if value in FEELING:
                    feelings[entity] = FEELING[value]
            if feelings:
                out.append({"year": year, "event": ap.stem.rsplit("_", 1)[0], "text": text, "feelings": feelings})
    texts = [a["text"] for a in out]
    docs = parse_cached(nlp, texts, cache, 16, lambda docs: [d.text for d in docs] == texts)
    for a, doc in zip(out, docs):
        a["doc"] = doc
        a["quotes"] = find_quote_spans(a["text"])
        a["spans"] = {e: name_spans(e, a["text"]) for e in a["feelings"]}
    return out


def featurize_basil(articles, valences, skip):
    """Return (feature dicts, labels, years) for every mention of every annotated main entity."""
    feats, labels, years = [], [], []
    for a in articles:
        for entity, feeling in a["feelings"].items():
            for s, e in a["spans"][entity]:
                out = extract_features(a["doc"], s, e, valences, a["quotes"], skip)
                if out:
                    feats.append(out[0])
                    labels.append(CLASSES.index(feeling))
                    years.append(a["year"])
    return feats, np.array(labels, dtype=int), np.array(years)


def basil_scores(model: dict, lexicon, articles) -> list[tuple[str, float]]:
    """Return (gold feeling, aggregated score) per annotated entity, scored as the service scores a caller target."""
    from service.analysis.target_sentiment import TargetSentiment

    scorer = TargetSentiment({**model, "neutral_band": {"value": 0.0}}, {})
    scorer.valences = lexicon
    out = []
    for a in articles:
        for entity, feeling in a["feelings"].items():
            scored = [scorer.score(a["doc"], s, e, a["quotes"]) for s, e in a["spans"][entity]]
            out.append((feeling, scorer.aggregate(scored)["score"], len(scored)))
    return out


def band_label(score: float, band: float) -> int:
    """Return the class index a score reads as with a neutral band (TargetSentiment.label_for)."""
    return 2 if score >= band else 0 if score <= -band else 1


def band_curve(pairs) -> np.ndarray:
    """Return macro-F1 of (gold, score) pairs at every band of BAND_GRID."""
    y = np.array([CLASSES.index(g) for g, _ in pairs])
    x = np.array([s for _, s in pairs])
    out = []
    for band in BAND_GRID:
        pred = np.where(x >= band, 2, np.where(x <= -band, 0, 1))
        out.append(macro_f1(y, pred))
    return np.array(out)


def fit_band(*pair_sets) -> tuple[float, float]:
    """Return (band, mean macro-F1) maximising the mean over the pair sets of macro-F1 of (gold, score) pairs;
    ties go to the narrower band."""
    curve = np.mean([band_curve(pairs) for pairs in pair_sets], axis=0)
    k = int(np.argmax(curve))  # first maximum: the narrowest band
    return BAND_GRID[k], float(curve[k])


def fit_band_several(triples, one: float) -> tuple[float, float]:
    """Return (band, macro-F1) for scores resting on several mentions, (gold, score, mentions) triples, those
    resting on one read with the band ``one``; ties go to the narrower band."""
    y = np.array([CLASSES.index(g) for g, _, _ in triples])
    best = (BAND_GRID[0], -1.0)
    for band in BAND_GRID:
        pred = np.array([band_label(x, band if n > 1 else one) for _, x, n in triples])
        f1 = macro_f1(y, pred)
        if f1 > best[1] + 1e-9:
            best = (band, f1)
    return best


def load_split(path: Path, nlp, cache: Path | None = None):
    """Return (docs, rows) for one NewsMTSC jsonl file, parsing with spaCy (optionally cached as a DocBin)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    docs = parse_cached(nlp, [r["sentence_normalized"] for r in rows], cache, 256, lambda docs: len(docs) == len(rows))
    return docs, rows


def parse_cached(nlp, texts: list[str], cache: Path | None, batch_size: int, fits) -> list:
    """Parse ``texts`` with spaCy; read the docs from the DocBin ``cache`` instead when it exists and ``fits(docs)``
    says they are these texts', and write it after parsing otherwise."""
    from spacy.tokens import DocBin

    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if fits(docs):
            return docs
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    if cache is not None:
        db = DocBin()
        for d in docs:
            db.add(d)
        cache.parent.mkdir(parents=True, exist_ok=True)
        db.to_disk(cache)
    return docs


def featurize(docs, rows, valences, skip=frozenset()):
    """Return (feature dicts, labels, sentence group ids) for every target."""
    feats, labels, groups = [], [], []
    for g, (doc, row) in enumerate(zip(docs, rows)):
        quotes = find_quote_spans(doc.text)
        for t in row["targets"]:
            out = extract_features(doc, t["from"], t["to"], valences, quotes, skip)
            feats.append(out[0] if out else {})
            labels.append(CLASSES.index(POLARITY[float(t["polarity"])]))
            groups.append(g)
    return feats, np.array(labels), np.array(groups)


def prune(feats, min_count=MIN_FEATURE_COUNT):
    """Drop sparse lemma features seen fewer than min_count times."""
    counts: dict[str, int] = {}
    for f in feats:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    keep = {k for k, c in counts.items() if c >= min_count or not k.startswith(("L_", "P:"))}
    return [{k: v for k, v in f.items() if k in keep} for f in feats]


def labels(rows) -> np.ndarray:
    """Return the class index (CLASSES order) of every target of NewsMTSC rows, in file order."""
    return np.array([CLASSES.index(POLARITY[float(t["polarity"])]) for r in rows for t in r["targets"]])


def macro_f1(y, p) -> float:
    """Return macro-F1 over the three classes (numpy; the figure of sklearn's f1_score(average="macro",
    labels=[0, 1, 2]), a class never predicted nor present counting 0)."""
    y, p = np.asarray(y), np.asarray(p)
    f = []
    for k in range(3):
        tp = np.sum((p == k) & (y == k))
        fp = np.sum((p == k) & (y != k))
        fn = np.sum((p != k) & (y == k))
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f))


def fit(X, y, C, class_weight, sample_weight=None):
    """Fit one multinomial logistic regression (lbfgs, L2)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=3000, random_state=SEED)
    clf.fit(X, y, sample_weight=sample_weight)
    return clf


def stack(Xn, yn, Xb, yb, basil_weight, mask=None):
    """Return (X, y, sample weights): NewsMTSC rows at weight 1 and the BASIL rows in mask at basil_weight."""
    import scipy.sparse as sp

    if basil_weight <= 0 or Xb is None or Xb.shape[0] == 0:
        return Xn, yn, None
    if mask is not None:
        Xb, yb = Xb[mask], yb[mask]
    w = np.concatenate([np.ones(len(yn)), np.full(len(yb), basil_weight)])
    return sp.vstack([Xn, Xb]).tocsr(), np.concatenate([yn, yb]), w


def cross_validate(X, y, groups, C, class_weight, folds=5, extra=None):
    """Return pooled out-of-fold (macro-F1, accuracy, P(pos) - P(neg) scores) on NewsMTSC; ``extra`` =
    (Xb, yb, basil_weight) rows are added to every training fold and never tested."""
    from sklearn.model_selection import StratifiedGroupKFold

    pred = np.zeros_like(y)
    scores = np.zeros(len(y))
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for tr, te in cv.split(X, y, groups):
        Xt, yt, wt = stack(X[tr], y[tr], *(extra or (None, None, 0.0)))
        clf = fit(Xt, yt, C, class_weight, wt)
        proba = clf.predict_proba(X[te])
        order = [list(clf.classes_).index(k) for k in range(3)]
        proba = proba[:, order]
        pred[te] = proba.argmax(1)
        scores[te] = proba[:, 2] - proba[:, 0]
    return macro_f1(y, pred), float((pred == y).mean()), scores


def model_dict(clf, vec, header: dict, not_evidence: list[str], band: dict) -> dict:
    """Return the model JSON: header, classes, intercept, weights above 1e-3, the neutral band, the skip list."""
    names = vec.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        w = [round(float(x), 4) for x in clf.coef_[:, j]]
        if max(abs(x) for x in w) >= 1e-3:
            weights[str(name)] = w
    return {
        "header": header,
        "classes": [CLASSES[int(k)] for k in clf.classes_],
        "intercept": [round(float(x), 4) for x in clf.intercept_],
        "neutral_band": band,
        "not_evidence": {"source": "lexicons/not_evidence.tsv", "words": not_evidence},
        "weights": weights,
    }


def main(argv=None) -> int:
    """Train, cross-validate, fit the neutral band and write the model JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=EVALDATA / "newsmtsc")
    ap.add_argument("--basil", type=Path, default=EVALDATA / "basil")
    ap.add_argument("--basil-weight", type=float, nargs="+", default=list(BASIL_WEIGHTS),
                    help="sample weights of BASIL mentions to compare (0 = NewsMTSC only; e.g. 0 0.3 1)")
    ap.add_argument("--lexicons", type=Path, default=ROOT / "lexicons")
    ap.add_argument("--out", type=Path, default=ROOT / "lexicons" / "models" / "target_sentiment.json")
    ap.add_argument("--cache", type=Path, default=None, help="directory for a parsed-DocBin cache")
    ap.add_argument("--drop", default="", help="comma-separated feature prefixes to drop (ablation)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--grid", action="store_true",
                    help="choose C and class weights by cross-validation over C_GRID x CLASS_WEIGHTS")
    ap.add_argument("--quick", action="store_true", help="--grid with C in (0.1, 0.3) only, no class weights")
    ap.add_argument("--C", type=float, default=C, help=f"without --grid: this C (default {C})")
    ap.add_argument("--class-weight", choices=("none", "balanced"), default="none", help="without --grid")
    ap.add_argument("--check", action="store_true",
                    help="rebuild, compare with --out (the shipped model), restore it, exit 1 if they differ")
    args = ap.parse_args(argv)
    if args.check:
        from tools.reproduce import check_rebuild

        args.no_write = False
        return check_rebuild((args.out,), lambda: run(args))
    return run(args)


def run(args) -> int:
    """Train with the parsed command-line options and write ``args.out`` (unless ``args.no_write``)."""
    from sklearn.feature_extraction import DictVectorizer

    from service.analysis import load_resources

    nlp = load_resources().nlp  # the service's own pipeline (newline sentence boundaries): BASIL parses as in analyze
    lexicon = _Valences(load_vader_lexicon(args.lexicons))
    not_evidence = load_not_evidence(args.lexicons)
    skip = frozenset(not_evidence)
    docs, rows = load_split(args.data / "train.jsonl", nlp, args.cache and args.cache / "train.spacy")
    feats, y, groups = featurize(docs, rows, lexicon, skip)
    # BASIL is read for the neutral band whatever its training weight.
    basil = load_basil(args.basil, BASIL_YEARS, nlp, args.cache and args.cache / "basil.spacy")
    bfeats, yb, byears = featurize_basil(basil, lexicon, skip)
    drop = tuple(p for p in args.drop.split(",") if p)
    if drop:
        feats = [{k: v for k, v in f.items() if not k.startswith(drop)} for f in feats]
        bfeats = [{k: v for k, v in f.items() if not k.startswith(drop)} for f in bfeats]
    pruned = prune(feats + bfeats)
    feats, bfeats = pruned[:len(feats)], pruned[len(feats):]
    vec = DictVectorizer(sparse=True, sort=True)
    X = vec.fit_transform(feats)
    Xb = vec.transform(bfeats) if bfeats else None
    print(f"{len(y)} NewsMTSC targets, {len(yb)} BASIL mentions of {sum(len(a['feelings']) for a in basil)} "
          f"entities, {X.shape[1]} features", file=sys.stderr)

    results = []
    for cw in ((None,) if args.quick else CLASS_WEIGHTS) if args.grid or args.quick else ():
        for C in (0.1, 0.3) if args.quick else C_GRID:
            f1, acc, _ = cross_validate(X, y, groups, C, cw)
            results.append({"C": C, "class_weight": cw, "macro_f1": round(f1, 4), "accuracy": round(acc, 4)})
            print(f"C={C:<5} class_weight={cw!s:<8} cv macro-F1={f1:.4f} acc={acc:.4f}", file=sys.stderr)
    best = max(results, key=lambda r: r["macro_f1"]) if results else {
        "C": args.C, "class_weight": None if args.class_weight == "none" else "balanced"}

    # BASIL weight and neutral band: each BASIL year scored by a model trained without it.
    weighing = []
    for bw in args.basil_weight:
        pairs_by_year = {}
        for year in (BASIL_YEARS if basil else ()):
            mask = byears != year
            Xt, yt, wt = stack(X, y, Xb, yb, bw, mask)
            clf = fit(Xt, yt, best["C"], best["class_weight"], wt)
            held = [a for a in basil if a["year"] == year]
            pairs_by_year[year] = basil_scores(model_dict(clf, vec, {}, not_evidence, {}), lexicon, held)
        pooled = [pr for v in pairs_by_year.values() for pr in v]
        extra = (Xb, yb, bw) if bw > 0 and Xb is not None else None
        nf1, nacc, oof = cross_validate(X, y, groups, best["C"], best["class_weight"], extra=extra)
        news = [(CLASSES[g], x) for g, x in zip(y, oof)]
        # One band for both readings: the mean of BASIL author-stance macro-F1 (article level, 2010-2014) and
        # NewsMTSC train out-of-fold macro-F1 (one sentence): fitted on BASIL alone it would be tuned for 83%
        # neutral articles and misread single sentences.
        # Two readings, two bands: one mention (a sentence's reading) fitted on NewsMTSC train out of fold; the
        # mean of several mentions (an article's reading of an actor) fitted on BASIL 2010-2014 author feelings,
        # entities with one mention read with the one-mention band.
        one, _ = fit_band(news)
        band, f1 = fit_band_several(pooled, one) if pooled else (one, 0.0)
        # Each year labelled with the band fitted on the other years' scores only: the held-out figure.
        nested_gold, nested_pred = [], []
        for year, pairs in pairs_by_year.items():
            b, _ = fit_band_several([pr for y2, v in pairs_by_year.items() if y2 != year for pr in v], one)
            nested_gold += [CLASSES.index(g) for g, _, _ in pairs]
            nested_pred += [band_label(x, b if n > 1 else one) for _, x, n in pairs]
        nested = macro_f1(np.array(nested_gold), np.array(nested_pred)) if nested_gold else 0.0
        nband = float(band_curve(news)[BAND_GRID.index(one)])
        row = {"basil_weight": bw, "band": band, "band_one_mention": one, "basil_macro_f1_band_fitted": round(f1, 4),
               "basil_macro_f1_held_out_year": round(nested, 4), "newsmtsc_cv_macro_f1_argmax": round(nf1, 4),
               "newsmtsc_cv_macro_f1_band": round(nband, 4),
               "basil_scores": [[g, round(x, 4), n] for g, x, n in pooled]}
        scores = row.pop("basil_scores")
        if args.cache is not None:  # out-of-year BASIL scores, for fitting bands again without training
            (args.cache / f"basil_scores_w{bw}.json").write_text(json.dumps(scores) + "\n", encoding="utf-8")
        weighing.append(row)
        if not results:  # no grid: the selected setting's figures are this cross-validation's
            best.update(macro_f1=round(nf1, 4), accuracy=round(nacc, 4))
        print(json.dumps(row), file=sys.stderr)
    # Keep the BASIL weight with the best mean of the two held-out macro-F1s (NewsMTSC under the band).
    chosen = max(weighing, key=lambda r: (r["basil_macro_f1_held_out_year"] + r["newsmtsc_cv_macro_f1_band"]) / 2)
    if args.no_write:
        return 0

    Xt, yt, wt = stack(X, y, Xb, yb, chosen["basil_weight"])
    clf = fit(Xt, yt, best["C"], best["class_weight"], wt)
    groups_doc = {
        "role=*": "grammatical role of the target head (subj, passsubj, obj, agent, pobj, poss, mod, root)",
        "val_d{1,2,3,far}_{pos,neg}": "summed |valence|/4 of lexicon words by dependency distance to the target",
        "val_inv_distance": "sum of signed valence/4 divided by dependency distance",
        "val_in_target_{pos,neg}": "valence of words inside the mention",
        "val_in_quote_{kind}_{pos,neg}": "valence of words inside quoted speech",
        "gov_{role}_{pos,neg}": "valence of the governing predicate, crossed with the target's role",
        "govarg_{role}_{pos,neg}": "valence of the predicate's other arguments (acomp, xcomp, dobj, attr...)",
        "mod_{pos,neg}": "valence of the target's modifiers (amod, appos, compound, relcl, acl)",
        "P:{path}_{pos,neg}": "dependency path from the target up to the common ancestor and down to a lexicon "
        "word within 3 edges, with the word's sign (nsubj^>dobj_neg: the target did something bad)",
        "sent_compound, sent_pos, sent_neg": "sentence-level valence summary (VADER-style compound)",
        "target_in_quote[_kind]": "target inside quoted speech",
        "L_gov_{role}=[not_]lemma": "governing predicate lemma with role and negation",
        "L_mod=lemma, L_path=lemma, L_win=lemma, L_sent=lemma": "sparse lemmas: modifiers, dependency path to "
        "the root, +-3 token window, sentence bag (content words, no names, no stop words, nothing in "
        "lexicons/not_evidence.tsv)",
    }
    header = {
        "name": "target_sentiment",
        "description": DESCRIPTION,
        "source": "NewsMTSC train.jsonl, Hamborg & Donnay EACL 2021, MIT"
        + (f"; BASIL 2010-2014 author feelings toward main entities (Fan et al. EMNLP 2019, research use; weights "
           f"only, no text), each mention at sample weight {chosen['basil_weight']}"
           if chosen["basil_weight"] > 0 else ""),
        "source_url": "https://github.com/fhamborg/NewsMTSC",
        "license": "MIT (NewsMTSC training data); model weights are project data",
        "version": VERSION,
        "trained": TRAINED,
        "trainer": "tools/train_target_sentiment.py, scikit-learn LogisticRegression (lbfgs, multinomial, L2)",
        "lexicon": "VADER 3.3.2" + (" + lexicons/sentiment_news.tsv" if (args.lexicons / "sentiment_news.tsv")
                                    .exists() else ""),
        "features": groups_doc,
        "dropped_feature_prefixes": list(drop),
        "min_feature_count": MIN_FEATURE_COUNT,
        "n_train_targets": int(len(y)),
        "n_basil_mentions": int(len(yb)) if chosen["basil_weight"] > 0 else 0,
        "cv": {"folds": 5, "grouped_by": "sentence", "seed": SEED, "grid": results,
               "selected": best, "macro_f1": best["macro_f1"], "accuracy": best["accuracy"]},
        "basil_weighing": weighing,
    }
    band = {"value": chosen["band"], "one_mention": chosen["band_one_mention"],
            "fitted_on": "value (a score resting on several mentions): BASIL 2010-2014 author feelings toward main "
                         "entities, each year scored by a model trained without it, aggregated per article as a "
                         "caller target; one_mention (a single sentence's reading): NewsMTSC train out-of-fold "
                         "scores, 5 folds grouped by sentence. Each maximises macro-F1.",
            "macro_f1": chosen["basil_macro_f1_band_fitted"],
            "macro_f1_held_out_year": chosen["basil_macro_f1_held_out_year"],
            "newsmtsc_cv_macro_f1": chosen["newsmtsc_cv_macro_f1_band"]}
    model = model_dict(clf, vec, header, not_evidence, band)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        json.dump(model, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        fh.write("\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(model['weights'])} weights), "
          f"cv macro-F1 {best['macro_f1']} with C={best['C']} class_weight={best['class_weight']}, "
          f"BASIL weight {chosen['basil_weight']}, neutral band {chosen['band']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
