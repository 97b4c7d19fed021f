"""Accuracy and cost of FRAMING_TARGET_ENCODER=minilm (the default) vs off, through analyze_document, in one run.

    OMP_NUM_THREADS=1 .venv/bin/python bench/target_context.py [--data DIR] [--boot 1000] [--skip-stance]
        [--skip-speed] [--speed-only]

Variants: ``off`` (the lexical model), ``minilm`` (the default: the head, labels by its most probable class),
``band`` (the head's scores read with the neutral band, TargetContext.label_rule = "band") and ``targets`` (the
budget setting FRAMING_TARGET_ENCODER=targets: the head for caller targets and the actors they name only, the other
actors found by the pipeline scored by the lexical model, the static sentence head). ``targets`` is left out of
NewsMTSC, where every target is a caller's: its target results are the default's by construction
(tests/test_target_context.py holds them equal). NewsMTSC rw-dev and mt-dev: each sentence analysed with its
targets as spans (bench/accuracy.py _newsmtsc_rows, bench/newsmtsc.score_rows), macro-F1 of the target labels
with a 95% bootstrap interval over whole sentences and the paired intervals of minilm - off and minilm - band.
BASIL 2010-2014 author stance toward the main entities (bench/basil_actors.py's rows: the actor's label, else the
caller target's), intervals over whole articles. Cost:
CPU seconds (process time, one thread, median of ROUNDS interleaved rounds after one warm-up) of analysing the cost
article (bench/texts.py: the five seeds' stories, 1,385 analysed words) with each setting, also per 1,000 analysed
words; each setting with its own default sentence encoder (with the head on every actor: minilm-l3, reading the
head's states; off and targets: static, no transformer for the actors); ``*_3_targets``: the same article with the
three actors the default names most often as caller targets (what the budget setting costs a caller who asks about
actors: their sentences go through the encoder); off and minilm also with spaCy's stock
pipeline (``*_stock_spacy``: core.load_nlp(fast=False), the same annotations without service/analysis/spacy_speed.py)
in the same rounds, so the speed-up of that module is read in one run. Writes bench/out/target_context.json
(bench/accuracy.py reads it), or target_context_partial.json when a part is skipped.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import train_target_sentiment as tts  # noqa: E402

from bench import newsmtsc as nm  # noqa: E402
from bench.basil_lexicon import DEFAULT_EVALDATA, TEST_YEARS, TRAIN_YEARS  # noqa: E402

ROUNDS = 9


def paired(y, P: dict, clusters, diffs, boot: int) -> dict:
    """Return each variant's macro-F1 with a 95% percentile interval over resampled clusters (sentences or
    articles), and the paired interval of each (a, b) difference in ``diffs``, all from the same draws."""
    rng = np.random.default_rng(13)
    uniq = np.unique(clusters)
    members = [np.flatnonzero(clusters == c) for c in uniq]
    draws = {k: [] for k in [*P, *(f"{a}-{b}" for a, b in diffs)]}
    for _ in range(boot):
        idx = np.concatenate([members[i] for i in rng.integers(0, len(uniq), len(uniq))])
        f = {k: tts.macro_f1(y[idx], v[idx]) for k, v in P.items()}
        for k, v in f.items():
            draws[k].append(v)
        for a, b in diffs:
            draws[f"{a}-{b}"].append(f[a] - f[b])
    point = {k: tts.macro_f1(y, v) for k, v in P.items()}
    point.update({f"{a}-{b}": point[a] - point[b] for a, b in diffs})
    return {k: {"macro_f1": round(point[k], 4), "ci95": [round(float(np.percentile(v, 2.5)), 3),
                                                        round(float(np.percentile(v, 97.5)), 3)]}
            for k, v in draws.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/evaldata/newsmtsc"))
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--basil", type=Path, default=DEFAULT_EVALDATA, help="evaldata folder holding basil/")
    ap.add_argument("--skip-stance", action="store_true", help="leave out BASIL author stance")
    ap.add_argument("--skip-speed", action="store_true", help="leave out the cost rounds")
    ap.add_argument("--speed-only", action="store_true", help="only the cost rounds (about a minute)")
    ap.add_argument("--out", type=Path, default=None, help="default bench/out/target_context.json (bench/accuracy.py "
                    "reads it), bench/out/target_context_partial.json when a part is left out")
    args = ap.parse_args(argv)
    partial = args.skip_stance or args.skip_speed or args.speed_only  # never overwrite the full run's record
    args.out = args.out or ROOT / "bench" / "out" / ("target_context_partial.json" if partial
                                                      else "target_context.json")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from service.analysis import analyze_document, load_resources
    res_on = load_resources()
    assert type(res_on.target_sentiment).__name__ == "TargetContext", "run with FRAMING_TARGET_ENCODER unset"
    from bench.speed import lexical_resources

    res_off = lexical_resources(res_on)  # FRAMING_TARGET_ENCODER=off as load_resources builds it
    band = copy.copy(res_on.target_sentiment)
    band.label_rule = "band"  # the head's probabilities read with the neutral band instead of the most probable class
    head_for_targets = copy.copy(res_on.target_sentiment)
    head_for_targets.scope = "targets"  # as load_target_model builds it for FRAMING_TARGET_ENCODER=targets
    res_targets = replace(res_off, target_sentiment=head_for_targets)  # with off's static sentence head
    variants = {"off": res_off, "band": replace(res_on, target_sentiment=band), "minilm": res_on}
    diffs = (("minilm", "off"), ("minilm", "band"))
    vader = SentimentIntensityAnalyzer()
    report = {"data": str(args.data), "label_rule": res_on.target_sentiment.label_rule}
    classes = ("negative", "neutral", "positive")
    for split in () if args.speed_only else ("rw-dev", "mt-dev"):
        rows = [json.loads(line) for line in (args.data / f"{split}.jsonl").open(encoding="utf-8")]
        out = {}
        for name, res in variants.items():
            def scorer(text, spans, res=res):
                r = analyze_document(res, text, targets=[{"start": a, "end": b} for a, b in spans])
                return [t["sentiment"] for t in r["targets"]]

            t0 = time.process_time()
            gold, _, pred, sent = nm.score_rows(rows, scorer, vader)
            out[name] = {"pred": pred, "cpu_s": round(time.process_time() - t0, 1)}
        y = np.array([classes.index(g) for g in gold])
        P = {k: np.array([classes.index(p) for p in v["pred"]]) for k, v in out.items()}
        report[split] = {"targets": len(y), "sentences": len(set(sent)),
                         **paired(y, P, np.array(sent), diffs, args.boot),
                         "cpu_s": {k: v["cpu_s"] for k, v in out.items()}}
        print(split, json.dumps(report[split]), file=sys.stderr, flush=True)
    if not (args.skip_stance or args.speed_only):
        from bench import basil_actors as ba

        # All of 2010-2014: no BASIL data trains the head or its label rule.
        arts = ba.load_articles(args.basil, TRAIN_YEARS + TEST_YEARS)
        preds = {}
        for name, res in {**variants, "targets": res_targets}.items():
            rows = ba.score_articles(arts, lambda text, targets=None, res=res: analyze_document(res, text,
                                                                                              targets=targets),
                                     vader)
            preds[name] = np.array([classes.index(r["actor"] or r["target"]) for r in rows])
        gold = np.array([classes.index(r["gold"]) for r in rows])  # the same (article, entity) rows every variant
        clusters = np.array([r["article"] for r in rows])
        report["stance"] = {"articles": len(arts), "entities": len(gold),
                            **paired(gold, preds, clusters, (*diffs, ("minilm", "targets")), args.boot)}
        print("stance", json.dumps(report["stance"]), file=sys.stderr, flush=True)

    if not args.skip_speed:
        report["speed"] = speed(res_off, res_on, res_targets)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report))
    return 0


def speed(res_off, res_on, res_targets) -> dict:
    """Return CPU seconds (median of ROUNDS interleaved rounds) of analysing the seed text with each setting."""
    from service.analysis import analyze_document

    from service.analysis.core import load_nlp

    from bench.speed import clear_textstat_caches, cpu_class
    from bench.texts import analysed_words, cost_text

    text = cost_text(res_on)
    out = {"words": analysed_words(res_on, text), "cpu": cpu_class()}
    stock = load_nlp(fast=False)
    actors = analyze_document(res_on, text)["actors"]
    named = [a["name"] for a in sorted(actors, key=lambda a: -len(a["mentions"]))[:3]]
    out["targets_named"] = named
    settings = {"off": (res_off, None), "minilm": (res_on, None),  # the label rule costs nothing: not timed apart
                "targets": (res_targets, None), "targets_3_targets": (res_targets, named),
                "minilm_3_targets": (res_on, named),
                "off_stock_spacy": (replace(res_off, nlp=stock), None),
                "minilm_stock_spacy": (replace(res_on, nlp=stock), None)}
    # Interleaved rounds, median of each: this machine's speed drifts by a third within a minute (other work), and
    # alternating makes every setting see the same drift; the ratios are the figures to read.
    times = {name: [] for name in settings}
    for name, (res, targets) in settings.items():
        out[name + "_actors"] = len(analyze_document(res, text, targets=targets)["actors"])  # also warms caches
    for _ in range(ROUNDS):
        for name, (res, targets) in settings.items():
            clear_textstat_caches()  # a new article never hits textstat's per-text caches
            t = time.process_time()
            analyze_document(res, text, targets=targets)
            times[name].append(time.process_time() - t)
    for name, ts in times.items():
        out[name] = round(float(np.median(ts)), 3)
        out[name + "_per_1000_words"] = round(float(np.median(ts)) * 1000 / out["words"], 3)
    out["rounds"] = ROUNDS

    def ratio(a, b):
        return round(float(np.median(times[a]) / np.median(times[b])), 3)

    out["minilm_over_off"] = ratio("minilm", "off")
    out["targets_over_off"] = ratio("targets", "off")
    out["targets_3_targets_over_off"] = ratio("targets_3_targets", "off")
    out["minilm_3_targets_over_targets_3_targets"] = ratio("minilm_3_targets", "targets_3_targets")
    out["minilm_over_stock_spacy"] = ratio("minilm", "minilm_stock_spacy")
    out["off_over_stock_spacy"] = ratio("off", "off_stock_spacy")
    return out


if __name__ == "__main__":
    sys.exit(main())
