"""Benchmark the calibrated scores (framing index, slant) on BASIL, beside a Hu & Liu density baseline.

Run from the repo root: ``.venv/bin/python bench/calibration.py``. Prints and writes bench/out/calibration.json
(gitignored). The framing index weights were fitted on BASIL 2010-2012 (tools/build_profiles.py --fit-weights), so
2013-2014 is the held-out figure and 2010-2012 the dev figure beside it. Percentile baselines here are built in the
same run from 2010-2012 articles only, so nothing of 2013-2014 informs the scores; the figures with the shipped
profiles (lexicons/outlets, which include 2013-2014 articles, without labels) are printed too.

(a) Sentence level: ROC AUC of the framing index of each single sentence (analysed alone with the full pipeline)
    for separating sentences with vs without an annotated lexical-bias span; beside it the sentence loadedness
    model (service/analysis/sentence_bias.py, trained on 2010-2012 by tools/train_sentence_bias.py) read two ways:
    the sentence analysed alone (its sentence_loadedness max) and the sentence's span in its whole article's
    parse (as the service scores an article's sentences); loaded density alone, and the Hu & Liu baseline.
(b) Article level: ROC AUC of the article's framing index for separating articles above vs below the median
    annotated lexical-span density (spans per 1,000 words) of their split; and per event, the share of outlet pairs
    the index orders like the annotated span density (concordant pairs; index ties count half).
(c) Slant: share of held-out articles whose closest outlet vocabulary (built on 2010-2012) is their own outlet.
Baseline: Hu & Liu (KDD 2004) opinion-lexicon words per 1,000 words, on the same texts.
BASIL (Fan et al., EMNLP 2019) is research-use only: this script writes numbers, never text.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import build_profiles as bp  # noqa: E402
import train_sentence_bias as tsb  # noqa: E402

from bench.basil_lexicon import auc as rank_auc  # noqa: E402
from service.analysis.calibration import POOLED, Calibration, vocabulary_tokens  # noqa: E402
from service.analysis.profiles import analyse_texts, article_words, build_profiles  # noqa: E402

OUT = ROOT / "bench" / "out" / "calibration.json"
SPLITS = {"heldout_2013_2014": bp.TEST_YEARS, "dev_2010_2012": bp.TRAIN_YEARS}


def auc(pos: list[float], neg: list[float]) -> float | None:
    """Return ROC AUC rounded to 4 places (bench/basil_lexicon.py's Mann-Whitney U), None without both classes."""
    value = rank_auc(pos, neg)
    return None if value != value else round(value, 4)  # NaN: a class is empty


def auc_of(scores: list[float], labels: list[int]) -> float | None:
    """Return the ROC AUC of scores for binary labels."""
    return auc([s for s, y in zip(scores, labels) if y], [s for s, y in zip(scores, labels) if not y])


def concordance(events: dict[str, list[tuple[float, float]]]) -> tuple[float | None, int]:
    """Return the share of within-event pairs ordered like the annotation (score ties half), and the pair count."""
    good = total = 0.0
    for rows in events.values():
        for (s1, d1), (s2, d2) in combinations(rows, 2):
            if d1 == d2:
                continue
            total += 1
            if s1 == s2:
                good += 0.5
            elif (s1 > s2) == (d1 > d2):
                good += 1
    return (round(good / total, 4) if total else None), int(total)


def bingliu_words(evaldata: Path) -> set[str]:
    """Return the Hu & Liu (2004) opinion words, positive and negative."""
    words = set()
    for name in ("negative-words.txt", "positive-words.txt"):
        path = evaldata / "lexicon-sources" / "bingliu-opinion" / name
        for line in path.read_text(encoding="latin-1").splitlines():
            w = line.strip().lower()
            if w and not w.startswith(";"):
                words.add(w)
    return words


def hl_density(tokenizer, lexicon: set[str], text: str) -> float:
    """Return Hu & Liu words per 1,000 words of ``text``."""
    words = vocabulary_tokens(tokenizer(text))
    return 1000.0 * sum(w in lexicon for w in words) / len(words) if words else 0.0


def main(argv=None) -> int:
    """Run the benchmark and write bench/out/calibration.json."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=bp.EVALDATA)
    args = ap.parse_args(argv)

    from service.analysis import load_resources

    t0 = time.time()
    res = load_resources()
    basil = bp.load_basil(args.evaldata)
    corpus = bp.basil_corpus(basil)
    if res.sentence_bias is not None:
        # One pass: the results carry the model's block, and each BASIL sentence's features in its article parse.
        from service.analysis.lexicon import load_lexicon

        cues = load_lexicon(res.lexicon_dir / "bias_cues.tsv").entries
        art_results, art_feats = tsb.featurize(res, basil, cues, inner=res.sentence_bias)
    else:
        art_results, art_feats = analyse_texts(res, [(a.text, None, a.outlet) for a in corpus]), None
    t_art = time.time() - t0
    flat = [(k, j) for k, a in enumerate(basil) for j in range(len(a.sentences))]
    t1 = time.time()
    sent_results = analyse_texts(res, [(basil[k].sentences[j], None, None) for k, j in flat], batch_size=256)
    t_sent = time.time() - t1

    train = [k for k, a in enumerate(basil) if a.year in bp.TRAIN_YEARS]
    dev_profiles = build_profiles([corpus[k] for k in train], res, version="bench", provenance="BASIL 2010-2012",
                                  results=[art_results[k] for k in train])
    calibrations = {"baseline_2010_2012": Calibration(dev_profiles)}
    if res.calibration is not None and POOLED in res.calibration.profiles:
        calibrations["shipped_profiles"] = res.calibration
    hl = bingliu_words(args.evaldata)
    tok = res.nlp.tokenizer
    sent_hl = [hl_density(tok, hl, basil[k].sentences[j]) for k, j in flat]
    has_model = art_feats is not None
    sent_sb_alone = [r["sentence_loadedness"]["max"] if has_model else None for r in sent_results]
    sent_sb_article = [res.sentence_bias.score_features(art_feats[k][j]) if has_model else None for k, j in flat]
    art_hl = [hl_density(tok, hl, a.text) for a in basil]
    art_words = [article_words(res, c.text, r) for c, r in zip(corpus, art_results)]

    report = {"articles": len(basil), "sentences": len(flat),
              "seconds": {"articles": round(t_art, 1), "sentences": round(t_sent, 1)},
              "weights": calibrations["baseline_2010_2012"].weights, "results": {}}
    for cal_name, cal in calibrations.items():
        sent_fi = [cal.calibrate(r, None)["framing_index"]["value"] for r in sent_results]
        art_fi = [cal.calibrate(r, None)["framing_index"]["value"] for r in art_results]
        block = {}
        for split, years in SPLITS.items():
            s_ix = [i for i, (k, _) in enumerate(flat) if basil[k].year in years]
            s_y = [int(basil[flat[i][0]].lex[flat[i][1]] > 0) for i in s_ix]
            a_ix = [k for k, a in enumerate(basil) if a.year in years]
            dens = [bp.lex_density(basil[k], art_results[k]) for k in a_ix]
            med = sorted(dens)[len(dens) // 2]
            a_y = [int(d > med) for d in dens]
            ev_fi: dict[str, list] = {}
            ev_hl: dict[str, list] = {}
            for k, d in zip(a_ix, dens):
                ev_fi.setdefault(basil[k].event, []).append((art_fi[k], d))
                ev_hl.setdefault(basil[k].event, []).append((art_hl[k], d))
            conc_fi, pairs = concordance(ev_fi)
            conc_hl, _ = concordance(ev_hl)
            block[split] = {
                "sentences": {"n": len(s_ix), "with_lex_span": sum(s_y),
                              "auc_framing_index": auc_of([sent_fi[i] for i in s_ix], s_y),
                              "auc_loaded_weighted_density": auc_of(
                                  [sent_results[i]["loaded_terms"]["weighted_density"] for i in s_ix], s_y),
                              "auc_loaded_density": auc_of(
                                  [sent_results[i]["loaded_terms"]["density"] for i in s_ix], s_y),
                              "auc_sentence_bias_alone": auc_of([sent_sb_alone[i] for i in s_ix], s_y)
                              if has_model else None,
                              "auc_sentence_bias_in_article": auc_of([sent_sb_article[i] for i in s_ix], s_y)
                              if has_model else None,
                              "auc_baseline_hu_liu_density": auc_of([sent_hl[i] for i in s_ix], s_y)},
                "articles": {"n": len(a_ix), "above_median": sum(a_y), "median_lex_per_1000": round(med, 3),
                             "auc_framing_index": auc_of([art_fi[k] for k in a_ix], a_y),
                             "auc_baseline_hu_liu_density": auc_of([art_hl[k] for k in a_ix], a_y),
                             "auc_loadedness_mean": auc_of(
                                 [art_results[k]["sentence_loadedness"]["mean"] for k in a_ix], a_y)
                             if has_model else None,
                             "event_pairs": pairs, "concordant_framing_index": conc_fi,
                             "concordant_baseline_hu_liu_density": conc_hl},
            }
        report["results"][cal_name] = block

    # (c) Slant: vocabularies from 2010-2012 only, read on held-out articles.
    dev_cal = calibrations["baseline_2010_2012"]
    slant_hits = slant_n = 0
    for k, a in enumerate(basil):
        if a.year not in bp.TEST_YEARS:
            continue
        closest = dev_cal.slant(art_words[k])["closest"]
        slant_n += 1
        slant_hits += closest == dev_cal.profile_id(corpus[k].outlet)
    report["slant_heldout"] = {"articles": slant_n, "closest_is_own_outlet": round(slant_hits / slant_n, 4),
                               "chance": round(1 / 3, 4)}

    print(f"BASIL: {len(basil)} articles ({t_art:.0f} s), {len(flat)} sentences analysed one by one ({t_sent:.0f} s)")
    print("framing index weights:", ", ".join(f"{k} {v:.2f}" for k, v in sorted(report["weights"].items())))
    for cal_name, block in report["results"].items():
        print(f"\npercentile baseline: {cal_name}")
        print(f"  {'':22s} {'held-out 2013-14':>18s} {'dev 2010-12':>12s}")
        rows = [("sentences", "auc_sentence_bias_alone", "sentence AUC, model"),
                ("sentences", "auc_sentence_bias_in_article", "sentence AUC, model*"),
                ("sentences", "auc_framing_index", "sentence AUC, index"),
                ("sentences", "auc_loaded_weighted_density", "sentence AUC, loaded w"),
                ("sentences", "auc_loaded_density", "sentence AUC, loaded"),
                ("sentences", "auc_baseline_hu_liu_density", "sentence AUC, Hu&Liu"),
                ("articles", "auc_framing_index", "article AUC, index"),
                ("articles", "auc_loadedness_mean", "article AUC, l.mean"),
                ("articles", "auc_baseline_hu_liu_density", "article AUC, Hu&Liu"),
                ("articles", "concordant_framing_index", "event order, index"),
                ("articles", "concordant_baseline_hu_liu_density", "event order, Hu&Liu")]
        for level, key, label in rows:
            vals = [block[s][level][key] for s in SPLITS]
            print(f"  {label:22s} " + " ".join(f"{v:>15.3f}   " if v is not None else f"{'n/a':>15s}   "
                                                for v in vals))
    print("  (model: sentence analysed alone, max sentence score; model*: its span in the article's parse; "
          "l.mean: mean sentence score of the article)")
    s = report["slant_heldout"]
    print(f"\nslant (2010-12 vocabularies): closest outlet is the article's own for {s['closest_is_own_outlet']:.3f} "
          f"of {s['articles']} held-out articles (chance {s['chance']:.3f})")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
