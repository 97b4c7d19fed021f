"""Cost and accuracy of the sentence encoders (FRAMING_SENTENCE_ENCODER = off | minilm-l3 | static | minilm), in one
run.

    .venv/bin/python bench/encoder.py [--parts speed,memory,basil] [--baseline-rev REV]
        [--kinds off,minilm-l3,static,minilm]

Parts (each optional; ratios are only meaningful between figures of the same run, the machine may be shared):
- speed: the full encoder's sentences/s on the sentences of a ~1,000-word article (bench/texts.py: the five
  seeds' stories, as bench/accuracy.py's cost line), all at once (batched) and one at a time; with ``--baseline-rev`` the same for
  service/analysis/encoder.py as it was at that git revision, loaded in this process (the "before" figure). Then
  CPU seconds of the whole analysis of that text per encoder (bench/accuracy.py's ``speed``: median of 3). CPU
  time of this process, BLAS limited to one thread: one core's cost.
- memory: for each encoder, a fresh process loads the resources (load_resources, as the app's master does with
  preload) and analyses the text once: its RSS; then it forks a child that analyses the text twice (a worker), and
  the child reports its own private memory (what the fork did not share) and its PSS (shared pages split).
- basil: BASIL 2013-2014 sentences (analysed alone, as bench/accuracy.py does), ROC AUC of
  ``calibrated.framing_index.value`` and of the sentence model alone (``sentence_loadedness.max``), per encoder,
  with 95% bootstrap intervals over articles and the paired difference of each encoder from the default
  (sentence_bias.DEFAULT_KIND). The texts
  are parsed once; every encoder's sentence model scores the same parse, and each gets its own percentile baseline
  from BASIL 2010-2012 articles (as bench/accuracy.py and bench/calibration.py build it).
Writes bench/out/encoder.json; BASIL is research data: numbers only.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy loads BLAS: one core's cost
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import build_profiles as bp

from bench.accuracy import BOOT, auc, boot_auc, cluster_bootstrap, interval95, speed
from bench.texts import cost_text
from service.analysis.sentence_bias import DEFAULT_KIND

OUT_JSON = ROOT / "bench" / "out" / "encoder.json"
MODEL = ROOT / "lexicons" / "models" / "sentence_bias.json"
KINDS = ("off", "minilm-l3", "static", "minilm")


def seed_text() -> str:
    """The article of bench/accuracy.py's cost line: bench/texts.py's cost text (the five seeds' stories)."""
    return cost_text()


def sentences_per_second(model, sents: list[str], repeats: int = 3) -> dict:
    """Return CPU seconds (median of ``repeats``) and sentences/s of ``model.embed``, batched and one at a time."""
    model.embed(sents[:4])  # warm caches (tokenizer)
    out = {}
    for name, run in (("batched", lambda: model.embed(sents)), ("one_at_a_time", lambda: [model.embed([s])
                                                                                          for s in sents])):
        times = []
        for _ in range(repeats):
            t = time.process_time()
            run()
            times.append(time.process_time() - t)
        cpu = sorted(times)[len(times) // 2]
        out[name] = {"cpu_seconds": round(cpu, 3), "sentences_per_second": round(len(sents) / cpu, 1)}
    return out


def encoder_at(rev: str):
    """Return service/analysis/encoder.py as it was at git revision ``rev``, imported under another name."""
    src = subprocess.run(["git", "show", f"{rev}:service/analysis/encoder.py"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "encoder_baseline.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("encoder_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def part_speed(res, kinds, baseline_rev: str | None) -> dict:
    from service.analysis import encoder

    text = seed_text()
    sents = [s.text for s in res.nlp(text).sents if s.text.strip()]
    out = {"words": len(text.split()), "sentences": len(sents)}  # the stories have no chrome: every word is read
    if "minilm" in kinds:
        weights, tokenizer = encoder.find_minilm_files()
        model = encoder.MiniLM(weights, tokenizer)
        out["wordpieces"] = sum(len(model.tok.encode(s)) for s in sents)
        if baseline_rev:
            before = encoder_at(baseline_rev).MiniLM(weights, tokenizer)
            out[f"minilm_at_{baseline_rev}"] = sentences_per_second(before, sents)
            a, b = before.embed(sents), model.embed(sents)
            out["max_cosine_gap_to_baseline"] = float(np.abs((a * b).sum(1) - 1).max())
            del before
        out["minilm_now"] = sentences_per_second(model, sents)
        del model
    out["analysis"] = speed(res, kinds)
    return out


_MEMORY_PROBE = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
from service.analysis import analyze_document, load_resources

def status():
    return {k: int(v.split()[0]) / 1024 for k, v in (l.split(":", 1) for l in open("/proc/self/status"))
            if k in ("VmRSS", "VmHWM")}

def rollup():
    out = {}
    for line in open("/proc/self/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "kB":
            out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return out

text = open(sys.argv[2], encoding="utf-8").read()
res = load_resources()
analyze_document(res, text)
parent = {"rss_mb": round(status()["VmRSS"], 1), "peak_rss_mb": round(status()["VmHWM"], 1),
          "encoder": (res.sentence_bias.describe() or {}).get("encoder")}
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    analyze_document(res, text)
    analyze_document(res, text)
    m = rollup()
    child = {"rss_mb": round(m["Rss"], 1), "pss_mb": round(m["Pss"], 1),
             "private_mb": round(m.get("Private_Clean", 0) + m.get("Private_Dirty", 0), 1),
             "shared_mb": round(m.get("Shared_Clean", 0) + m.get("Shared_Dirty", 0), 1)}
    os.write(w, json.dumps(child).encode())
    os._exit(0)
os.close(w)
data = b""
while chunk := os.read(r, 65536):
    data += chunk
os.waitpid(pid, 0)
print(json.dumps({"parent": parent, "forked_worker": json.loads(data)}))
"""


def part_memory(kinds) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        text_path = Path(tmp) / "text.txt"
        text_path.write_text(seed_text(), encoding="utf-8")
        out = {}
        for kind in kinds:
            env = {**os.environ, "FRAMING_SENTENCE_ENCODER": kind}
            proc = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(ROOT), str(text_path)],
                                  check=False, env=env,
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                out[kind] = {"error": proc.stderr.strip().splitlines()[-1][:200]}
                continue
            out[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"  memory {kind}: {out[kind]}", flush=True)
    return out


class _Fanout:
    """Stands in for the sentence model: the first model's block goes into the result, every model's is kept."""

    def __init__(self, models: dict):
        self.models = models
        self.first = next(iter(models.values()))
        self.blocks: dict[str, list] = {k: [] for k in models}

    def describe(self) -> dict:
        return self.first.describe()

    def loadedness(self, doc, sentences, context, out_span) -> dict:
        for kind, model in self.models.items():
            self.blocks[kind].append(model.loadedness(doc, sentences, context, out_span))
        return self.blocks[next(iter(self.models))][-1]


def paired_diff(y, a, b, clusters, reps: int = BOOT, seed: int = 0) -> tuple[float, list[float]]:
    """Return AUC(a) - AUC(b) and its 95% percentile-bootstrap interval, resampling whole clusters (paired)."""
    y, a, b = np.asarray(y), np.asarray(a, dtype=float), np.asarray(b, dtype=float)

    def diff(idx):
        va, vb = auc(y[idx], a[idx]), auc(y[idx], b[idx])
        return None if va is None or vb is None else va - vb

    return round(auc(y, a) - auc(y, b), 4), interval95(cluster_bootstrap(clusters, diff, reps, seed))


def part_basil(res, kinds, evaldata: Path) -> dict:
    from service.analysis.calibration import Calibration
    from service.analysis.lexicon import load_lexicon
    from service.analysis.profiles import analyse_texts, build_profiles
    from service.analysis.sentence_bias import SentenceBias

    cues = load_lexicon(ROOT / "lexicons" / "bias_cues.tsv").entries
    models = {k: SentenceBias.from_file(MODEL, res.vader.lexicon, cues, encoder=k) for k in kinds}
    basil = bp.load_basil(evaldata)
    corpus = bp.basil_corpus(basil)
    train = [k for k, a in enumerate(basil) if a.year in bp.TRAIN_YEARS]
    flat = [(k, j) for k, a in enumerate(basil) if a.year in bp.TEST_YEARS for j in range(len(a.sentences))]
    t0 = time.time()
    fan = _Fanout(models)
    art_results = analyse_texts(replace(res, sentence_bias=fan), [(corpus[k].text, None, corpus[k].outlet)
                                                                  for k in train])
    art_blocks = fan.blocks
    fan = _Fanout(models)
    sent_results = analyse_texts(replace(res, sentence_bias=fan),
                                 [(basil[k].sentences[j], None, None) for k, j in flat], batch_size=256)
    sent_blocks = fan.blocks
    seconds = round(time.time() - t0, 1)
    y = [int(basil[k].lex[j] > 0) for k, j in flat]
    clusters = [k for k, _ in flat]
    out = {"sentences": len(flat), "positive": sum(y), "articles_for_baseline": len(train), "seconds": seconds}
    scores = {}
    for kind in kinds:
        arts = [{**r, "sentence_loadedness": b} for r, b in zip(art_results, art_blocks[kind])]
        cal = Calibration(build_profiles([corpus[k] for k in train], res, version="bench",
                                         provenance="BASIL 2010-2012", results=arts))
        sents = [{**r, "sentence_loadedness": b} for r, b in zip(sent_results, sent_blocks[kind])]
        index = [cal.calibrate(r, None)["framing_index"]["value"] or 0.0 for r in sents]
        alone = [r["sentence_loadedness"]["max"] for r in sents]
        scores[kind] = (index, alone)
        (ia, ici), (ma, mci) = boot_auc(y, index, clusters), boot_auc(y, alone, clusters)
        out[kind] = {"index_auc": round(ia, 4), "index_ci95": ici, "model_auc": round(ma, 4), "model_ci95": mci}
        print(f"  basil {kind}: index {ia:.4f} {ici}, sentence model alone {ma:.4f} {mci}", flush=True)
    if DEFAULT_KIND in scores:
        ref = scores[DEFAULT_KIND]
        for kind in kinds:
            if kind != DEFAULT_KIND:
                out[kind]["index_minus_default"] = paired_diff(y, scores[kind][0], ref[0], clusters)
                out[kind]["model_minus_default"] = paired_diff(y, scores[kind][1], ref[1], clusters)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parts", default="speed,memory,basil")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--baseline-rev", default=None, help="git revision of encoder.py for the 'before' speed")
    ap.add_argument("--evaldata", type=Path, default=bp.EVALDATA)
    args = ap.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    kinds = [k for k in args.kinds.split(",") if k]

    report: dict = {"kinds": kinds, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "loadavg_at_start": os.getloadavg()}
    if "memory" in parts:  # first: fresh processes, before this one grows
        report["memory"] = part_memory(kinds)
    if "speed" in parts or "basil" in parts:
        from service.analysis import load_resources

        res = load_resources()
        if "speed" in parts:
            report["speed"] = part_speed(res, kinds, args.baseline_rev)
            print("  speed:", json.dumps(report["speed"]), flush=True)
        if "basil" in parts:
            report["basil"] = part_basil(res, kinds, args.evaldata)
    report["loadavg_at_end"] = os.getloadavg()
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1, sort_keys=True))
    print("wrote", OUT_JSON.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
