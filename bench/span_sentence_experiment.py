"""Experiment: gate opinion words by the product's sentence loadedness (issue 14, loaded-term spans touched).

Run from the repo root: ``.venv/bin/python bench/span_sentence_experiment.py [--boot 1000]``. Prints a table and
writes bench/out/span_sentence_experiment.json (gitignored); the product's per-sentence scores are cached under
/tmp/spans2/. BASIL (Fan et al., EMNLP 2019) is research-use only: this script reads it from shared/evaldata and
writes numbers, never its text.

Measure: bench/basil_lexicon.py's, unchanged (load_basil, parse, make_matcher, evaluate): each BASIL sentence is
parsed alone; a lexical-bias span is touched when a flag overlaps it; flags per 1,000 words = flags / words (tokens
that are neither punctuation nor space) of the same articles. The final figures of every row are computed by
basil_lexicon.evaluate itself (a wrapper matcher returns the flags of each sentence); a vectorised copy is only used
to search the grid and is checked against evaluate.

Hypothesis: opinion words are more often inside a bias span when the product's sentence loadedness is high.
Flags = shipped loaded-term hits (lexicons/loaded_terms.tsv, bench/accuracy.py's "spans" row) plus each opinion-word
hit whose sentence scores >= T. An opinion hit that overlaps a loaded-term hit is the same flag and is not added.

Sentence scores: analyze_document's computation (service.analysis.pipeline Document + run, which is what
analyze_document calls) on each article's text built as bench/basil_actors.py builds it (title, blank line,
paragraphs of sentences joined by a space), with the default encoder ("static") and the sentence model's listing
threshold set to 0 so that every sentence's ``sentence_loadedness.sentences[].score`` is returned (the threshold only
decides which sentences are listed; scores do not depend on it). A hit gets the score of the product sentence holding
its first character (BASIL sentence offset + hit offset, in the submitted text). The product's quoted-speech spans
(quotes of kind speech or partial) give "own voice" (hit not inside quoted speech, as the product's in_quote).
The sentence model was fitted on BASIL 2010-2012 sentences, so its scores on those years are in-sample.

Variants (factors): opinion source H = Hu & Liu 2004, R = Recasens et al. 2013 bias lexicon, HR = both (Hu & Liu
first, then Recasens entries not in it); voice all / own (own-voice hits only); k = at most k opinion hits per
sentence (1, 2, 3, or no cap), ranked by VADER |valence| (the product's sentence-model valences; 0 when absent),
then text order. All hits of one sentence share its score, so the k chosen do not depend on T.
T is chosen on the training articles as the largest training recall with training flags <= 9 per 1,000 words (ties:
fewer flags), over T in {0.00, 0.01, ..., 1.00, off}.

Pre-registered (written before any run): the PRIMARY variant is H / all / no cap (the hypothesis as stated), T
tuned. A second pre-registered row, TUNED, chooses (source, voice, k, T) jointly on the training articles by the
same rule. The other variants are reported for information only (many rows: one of them clearing the bar by luck is
not evidence).

Protocols: 1) train 2010-2012, test 2013-2014; 2) leave one year out over 2010-2014, T (and TUNED's variant) chosen
on the other four years each time, test folds pooled. Caveat for 2): the sentence model and the shipped lexicon's
weights saw 2010-2012, so folds testing 2010, 2011 or 2012 are not fully out of sample (in-sample scores are sharper,
which favours the gate; the shipped row is in-sample there too).
Intervals: 95% percentile bootstrap over test articles (1,000 resamples, seed 0); differences vs shipped are paired
(the same resampled articles).

Bar (fixed before the run): ship-worthy only if, for PRIMARY or TUNED, protocol 1 gives recall >= 0.33 at <= 10
flags per 1,000 words with the paired recall difference vs shipped having its 95% interval above 0, AND protocol 2's
pooled recall beats shipped's pooled recall (point estimate) at <= 10 pooled flags per 1,000 words.

Results (one run, --boot 1000, 45 s with the product scores cached; analysing the 150 articles took 122 s, 0.8 s
each). Recall [95%] / flags per 1,000 words [95%] / paired recall difference vs shipped [95%]:

  Protocol 1 (T on 2010-2012, test 2013-2014: 60 articles, 91 spans)
    shipped alone          0.253 [0.177, 0.329]   4.9 [ 4.1,  5.8]
    Hu & Liu alone         0.505 [0.412, 0.597]  58.7 [55.2, 62.3]   +0.253 [+0.149, +0.360]
    PRIMARY H/all/k=all    0.253 [0.177, 0.329]   5.8 [ 4.6,  7.2]   +0.000 [+0.000, +0.000]  T = 0.57
    TUNED   H/all/k=1      0.253 [0.177, 0.329]   5.1 [ 4.3,  6.1]   +0.000 [+0.000, +0.000]  T = 0.57
    all 24 variants: recall 0.253 (shipped's, not one span added) at 4.9 to 6.7 flags; T 0.57 or 0.95
  Protocol 2 (leave one year out, 150 articles, 240 spans, pooled)
    shipped alone          0.467 [0.396, 0.542]   6.3 [ 5.5,  7.0]   (in-sample on 2010-2012)
    Hu & Liu alone         0.596 [0.534, 0.659]  60.2 [57.8, 62.4]   +0.129 [+0.051, +0.205]
    PRIMARY H/all/k=all    0.467 [0.396, 0.542]   7.0 [ 6.1,  8.0]   +0.000 [+0.000, +0.000]  T 0.95,0.58,0.58,0.57,0.58
    TUNED   (H, k=1)       0.479 [0.410, 0.555]   8.9 [ 7.7, 10.0]   +0.013 [+0.000, +0.028]  T 0.13,0.15,0.11,0.57,0.13
    all 24 variants: pooled recall 0.467 to 0.479 at 6.3 to 8.5 flags
  TUNED's +3 spans all come from the folds testing 2010 and 2012, where the sentence model's scores are in-sample;
  it adds +2.6 [+2.1, +3.1] flags. The folds testing 2013 and 2014 gain nothing.

Bar: NOT cleared. Protocol 1 fails for both PRIMARY and TUNED (0.253, no span added, interval of the difference
[0, 0]); protocol 2 passes only for TUNED on the point estimate (0.479 vs 0.467 at 8.9), on in-sample folds.

Why (diagnostics, printed by the run; the last two were added after the first run and chose nothing): Hu & Liu hits
that do not overlap a loaded term are inside a lex span 1.3-1.5% of the time, hardly more in high-score sentences
(train 0.01 / 0.03 / 0.02 / 0.06 / 0.17 by score band 0-0.2 ... 0.8-1, the top band 1 of 6 hits; test 0.01 / 0.02 /
0.00 / 0.04 / 0.00). Of the 68 test spans the shipped lexicon misses, 26 are touchable by a Hu & Liu word, and their
sentences score low (median 0.05, quartiles 0.03-0.09; 6% of the 68 at >= 0.2, none at >= 0.57): the sentence
model's score leans on the loaded-term features, so it is high where the shipped lexicon already touches the span.
Even T read off the test years (a ceiling, not a result) gives 0.275 at 9.0 flags (T = 0.22; H/own/k=1: 0.286 at
9.0, T = 0.08), short of 0.33.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import (
    DEFAULT_EVALDATA,
    ParsedBasil,
    bingliu_entries,
    evaluate,
    make_matcher,
    recasens_entries,
)
from bench.report import write_report
from service.analysis.lexicon import load_lexicon
from service.analysis.text import Spans

YEARS = ("2010", "2011", "2012", "2013", "2014")
TRAIN, TEST = ("2010", "2011", "2012"), ("2013", "2014")
MAX_TRAIN_FLAGS = 9.0
BAR_RECALL, BAR_FLAGS = 0.33, 10.0
T_GRID = tuple(round(0.01 * i, 2) for i in range(101)) + (math.inf,)  # inf: gate off (shipped alone)
K_GRID = (1, 2, 3, None)
SOURCES = ("H", "R", "HR")
VOICES = ("all", "own")
PRIMARY = ("H", "all", None)
CACHE = Path("/tmp/spans2")
SEED = 0


# --- the product's sentence scores --------------------------------------------------------------------------------

def article_text(evaldata: Path, path: str) -> tuple[str, list[int]]:
    """Return the text bench/basil_actors.py analyses and each BASIL sentence's offset in it (title = 0)."""
    a = json.loads((evaldata / path).read_text(encoding="utf-8"))
    text, offsets = a["title"], [0]
    for para in a["body-paragraphs"]:
        text += "\n\n"
        for j, s in enumerate(para):
            if j:
                text += " "
            offsets.append(len(text))
            text += s
    return text, offsets


def product_scores(arts, evaldata: Path) -> dict:
    """Return {article path: {"sentences": [[start, end, score]], "speech": [[start, end]]}}, cached in /tmp."""
    from service.analysis import load_resources
    from service.analysis.pipeline import Document, run

    res = load_resources()
    sb = res.sentence_bias
    key = f"{res.version}:{sb.describe().get('version')}:{sb.encoder_kind}"
    cache_file = CACHE / "product_scores.json"
    cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    if cache.get("key") != key:
        cache = {"key": key, "articles": {}}
    sb.threshold = 0.0  # list every sentence: the scores themselves do not depend on the listing threshold
    t0, done = time.time(), 0
    for art in arts:
        if art.path in cache["articles"]:
            continue
        text, offsets = article_text(evaldata, art.path)
        assert all(text[o:o + len(s)] == s for o, s in zip(offsets, art.sentences))
        d = run(Document(res, text))
        r = d.result()
        listed = r["sentence_loadedness"]["sentences"]
        assert len(listed) == len(r["sentences"]), "every sentence should be listed at threshold 0"
        speech = [list(d.out_span(q.start, q.end).values()) for q in d.quotes if q.is_speech]
        cache["articles"][art.path] = {"sentences": [[s["start"], s["end"], s["score"]] for s in listed],
                                       "speech": speech, "offsets": offsets}
        done += 1
    if done:
        CACHE.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache))
        print(f"analysed {done} articles in {time.time() - t0:.1f} s ({(time.time() - t0) / done:.2f} s each)")
    return cache["articles"], dict(sb.valences)


# --- per-sentence flags ---------------------------------------------------------------------------------------------

class Corpus(ParsedBasil):
    """BASIL 2010-2014 parsed once; per sentence the shipped hits and each source's candidate opinion hits."""

    def __init__(self, evaldata: Path):
        super().__init__(evaldata, YEARS)
        self.scores, self.valences = product_scores(self.arts, evaldata)
        self.shipped = make_matcher(load_lexicon(ROOT / "lexicons" / "loaded_terms.tsv").entries, self.nlp)
        hl = bingliu_entries(evaldata)
        rc = recasens_entries(evaldata)
        have = {e.term for e in hl}
        self.hl = make_matcher(hl, self.nlp)
        self.sources = {"H": make_matcher(hl, self.nlp), "R": make_matcher(rc, self.nlp),
                        "HR": make_matcher(hl + [e for e in rc if e.term not in have], self.nlp)}
        # per (article, sentence): shipped matches; per source: candidates (match, score, own voice, rank key)
        self.base = {}
        self.cand = {s: {} for s in SOURCES}
        self.doc_key = {}
        for a, (art, rows) in enumerate(zip(self.arts, self.parsed)):
            info = self.scores[art.path]
            starts = [s[0] for s in info["sentences"]]
            speech = Spans([tuple(x) for x in info["speech"]])
            for si, (doc, forms, _) in enumerate(rows):
                self.doc_key[id(doc)] = (a, si)
                base = self.shipped.find(doc, forms)
                self.base[a, si] = base
                off = info["offsets"][si]
                for src, m in self.sources.items():
                    out = []
                    for h in m.find(doc, forms):
                        if any(h.start < b.end and b.start < h.end for b in base):
                            continue  # same flag as a loaded-term hit
                        s0, e0 = off + h.start, off + h.end
                        k = max(np.searchsorted(starts, s0, side="right") - 1, 0)
                        score = info["sentences"][k][2] if starts else 0.0
                        own = speech.find(s0, e0) is None
                        text = doc.text[h.start:h.end].lower()
                        val = abs(self.valences.get(text, self.valences.get(h.entry.term, 0.0)))
                        out.append((h, score, own, (-val, h.start)))
                    self.cand[src][a, si] = out

    def extras(self, a: int, si: int, src: str, voice: str, k: int | None, t: float) -> list:
        """Return the opinion hits added to sentence si of article a under (source, voice, k, T)."""
        c = [x for x in self.cand[src][a, si] if voice == "all" or x[2]]
        c = sorted(c, key=lambda x: x[3])[:k] if k is not None else c
        return sorted((h for h, score, _, _ in c if score >= t), key=lambda h: h.start)


class GatedMatcher:
    """A matcher for basil_lexicon.evaluate: the shipped hits of a sentence plus its gated opinion hits."""

    def __init__(self, corpus: Corpus, variant, t: float, t_by_article=None):
        self.c, self.variant, self.t, self.t_by_article = corpus, variant, t, t_by_article

    def find(self, doc, forms):
        a, si = self.c.doc_key[id(doc)]
        t = self.t if self.t_by_article is None else self.t_by_article[a]
        if self.variant is None or t == math.inf:
            return list(self.c.base[a, si])
        v = self.variant if not isinstance(self.variant, dict) else self.variant[a]
        return sorted(self.c.base[a, si] + self.c.extras(a, si, *v, t), key=lambda h: h.start)


# --- fast grid --------------------------------------------------------------------------------------------------------

class Grid:
    """Per variant: each span's activation (inf when a shipped hit touches it) and each opinion hit's score."""

    def __init__(self, corpus: Corpus, variant):
        src, voice, k = variant
        c = corpus
        n = len(c.arts)
        self.words = c.words
        self.n_base = np.zeros(n)
        span_art, span_act, hit_art, hit_act = [], [], [], []
        for a, art in enumerate(c.arts):
            for si in range(len(art.sentences)):
                base = c.base[a, si]
                self.n_base[a] += len(base)
                cand = [x for x in c.cand[src][a, si] if voice == "all" or x[2]]
                if k is not None:
                    cand = sorted(cand, key=lambda x: x[3])[:k]
                for _, score, _, _ in cand:
                    hit_art.append(a)
                    hit_act.append(score)
                for s in art.lex(si):
                    if any(b.start < s.end and s.start < b.end for b in base):
                        act = math.inf
                    else:
                        act = max((score for h, score, _, _ in cand if h.start < s.end and s.start < h.end),
                                  default=-math.inf)
                    span_art.append(a)
                    span_act.append(act)
        self.span_art, self.span_act = np.array(span_art, dtype=int), np.array(span_act)
        self.hit_art, self.hit_act = np.array(hit_art, dtype=int), np.array(hit_act)
        self.n = n

    def rows(self, t: float) -> np.ndarray:
        """Return per article (spans, spans touched, flags, words) at threshold t."""
        spans = np.bincount(self.span_art, minlength=self.n)
        hit = np.bincount(self.span_art, weights=self.span_act >= t, minlength=self.n)
        fl = self.n_base + np.bincount(self.hit_art, weights=self.hit_act >= t, minlength=self.n)
        return np.stack([spans, hit, fl, self.words], 1)

    def table(self) -> np.ndarray:
        """Return rows for every T of T_GRID: shape (len(T_GRID), articles, 4)."""
        return np.stack([self.rows(t) for t in T_GRID])


def totals(rows: np.ndarray) -> tuple[float, float]:
    s = rows.sum(-2)
    return s[..., 1] / np.maximum(s[..., 0], 1), 1000 * s[..., 2] / s[..., 3]


def choose(tables: dict, variants, mask: np.ndarray):
    """Return (variant, T index, train recall, train flags): largest recall with flags <= MAX_TRAIN_FLAGS."""
    best = None
    for v in variants:
        rec, fl = totals(tables[v][:, mask])
        for i in range(len(T_GRID)):
            if fl[i] <= MAX_TRAIN_FLAGS:
                key = (rec[i], -fl[i])
                if best is None or key > best[0]:
                    best = (key, v, i, rec[i], fl[i])
    return best[1:]


# --- intervals --------------------------------------------------------------------------------------------------------

def summary(rows: np.ndarray, ref: np.ndarray, idx: np.ndarray) -> dict:
    """Recall and flags with bootstrap intervals, and the paired difference vs ``ref`` (same articles)."""
    rec, fl = totals(rows)
    rrec, rfl = totals(ref)
    b = rows[idx].sum(1)
    r = ref[idx].sum(1)
    brec = b[:, 1] / np.maximum(b[:, 0], 1)
    bfl = 1000 * b[:, 2] / b[:, 3]
    rrec_b = r[:, 1] / np.maximum(r[:, 0], 1)
    rfl_b = 1000 * r[:, 2] / r[:, 3]
    ci = lambda x: [float(np.percentile(x, 2.5)), float(np.percentile(x, 97.5))]
    return {"recall": float(rec), "recall_ci": ci(brec), "flags": float(fl), "flags_ci": ci(bfl),
            "d_recall": float(rec - rrec), "d_recall_ci": ci(brec - rrec_b),
            "d_flags": float(fl - rfl), "d_flags_ci": ci(bfl - rfl_b),
            "spans": int(rows[:, 0].sum()), "articles": len(rows)}


def fmt(r: dict) -> str:
    return (f"{r['recall']:.3f} [{r['recall_ci'][0]:.3f}, {r['recall_ci'][1]:.3f}]  {r['flags']:5.1f} "
            f"[{r['flags_ci'][0]:4.1f}, {r['flags_ci'][1]:4.1f}]  d {r['d_recall']:+.3f} "
            f"[{r['d_recall_ci'][0]:+.3f}, {r['d_recall_ci'][1]:+.3f}]")


def vname(v) -> str:
    return "shipped alone" if v is None else f"{v[0]}/{v[1]}/k={v[2] or 'all'}"


# --- main -------------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "span_sentence_experiment.json")
    args = ap.parse_args(argv)
    t0 = time.time()
    c = Corpus(args.evaldata)
    print(f"corpus ready in {time.time() - t0:.1f} s: {len(c.arts)} articles")
    variants = [(s, v, k) for s in SOURCES for v in VOICES for k in K_GRID]
    tables = {v: Grid(c, v).table() for v in variants}
    n = len(c.arts)
    shipped_rows = tables[PRIMARY][-1]  # T = off
    rng = np.random.default_rng(SEED)
    report = {"grid": {"T": [t if t != math.inf else "off" for t in T_GRID], "k": K_GRID}, "protocols": {}}

    # Diagnostic: share of Hu & Liu hits inside a lex span by sentence-score band, train and test years.
    diag = {}
    for name, years in (("train", TRAIN), ("test", TEST)):
        bands = defaultdict(lambda: [0, 0])
        for a, art in enumerate(c.arts):
            if art.year not in years:
                continue
            for si in range(len(art.sentences)):
                for h, score, _, _ in c.cand["H"][a, si]:
                    b = min(int(score * 5), 4)
                    bands[b][0] += 1
                    bands[b][1] += any(h.start < s.end and s.start < h.end for s in art.lex(si))
        diag[name] = {f"{b / 5:.1f}-{(b + 1) / 5:.1f}": {"hits": v[0], "in_span": v[1], "share": v[1] / max(v[0], 1)}
                      for b, v in sorted(bands.items())}
    report["diagnostic_hl_in_span_by_score"] = diag
    print("Hu & Liu hits (not overlapping loaded terms) inside a lex span, by product sentence score:")
    for name, d in diag.items():
        print(f"  {name:5}: " + "  ".join(f"{k} {v['in_span']}/{v['hits']}={v['share']:.2f}" for k, v in d.items()))

    def rows_by_evaluate(matcher, mask):
        """Per masked article (spans, spans touched, flags, words), each from basil_lexicon.evaluate."""
        rows = []
        for a in np.flatnonzero(mask):
            r = evaluate("x", matcher, [c.arts[a]], [c.parsed[a]])
            rows.append([r["lex_spans"], round(r["span_recall"] * r["lex_spans"]), r["hits"],
                         sum(x[2] for x in c.parsed[a])])
        return np.array(rows, dtype=float)

    def check(matcher, mask, rows):
        """basil_lexicon.evaluate on the masked articles must give the grid's figures."""
        arts = [c.arts[a] for a in np.flatnonzero(mask)]
        parsed = [c.parsed[a] for a in np.flatnonzero(mask)]
        r = evaluate("x", matcher, arts, parsed)
        rec, fl = totals(rows)
        assert abs(r["span_recall"] - rec) < 1e-9 and abs(r["hits_per_1000_words"] - fl) < 1e-9, (r, rec, fl)
        return r

    # Protocol 1
    tr = np.isin(c.year, TRAIN)
    te = np.isin(c.year, TEST)
    idx = rng.integers(0, te.sum(), size=(args.boot, te.sum()))
    p1 = {}
    sh_te = shipped_rows[te]
    p1["shipped alone"] = {**summary(sh_te, sh_te, idx), "T": "off"}
    check(GatedMatcher(c, None, math.inf), te, sh_te)
    hl_te = rows_by_evaluate(c.hl, te)
    p1["Hu & Liu alone"] = summary(hl_te, sh_te, idx)
    picks = {}
    for v in variants:
        _, i, trec, tfl = choose(tables, [v], tr)
        rows = tables[v][i][te]
        check(GatedMatcher(c, v, T_GRID[i]), te, rows)
        p1[vname(v)] = {**summary(rows, sh_te, idx), "T": T_GRID[i] if T_GRID[i] != math.inf else "off",
                        "train_recall": float(trec), "train_flags": float(tfl)}
        picks[v] = i
    v, i, trec, tfl = choose(tables, variants, tr)
    rows = tables[v][i][te]
    p1["TUNED"] = {**summary(rows, sh_te, idx), "variant": vname(v), "T": T_GRID[i] if T_GRID[i] != math.inf
                   else "off", "train_recall": float(trec), "train_flags": float(tfl)}
    p1["PRIMARY"] = {**p1[vname(PRIMARY)], "variant": vname(PRIMARY)}
    report["protocols"]["1"] = p1

    # Protocol 2: leave one year out, pooled
    p2 = {}
    idx2 = np.random.default_rng(SEED + 1).integers(0, n, size=(args.boot, n))
    p2["shipped alone"] = summary(shipped_rows, shipped_rows, idx2)
    p2["Hu & Liu alone"] = summary(rows_by_evaluate(c.hl, np.ones(n, bool)), shipped_rows, idx2)
    for v in variants + ["TUNED"]:
        rows = np.zeros((n, 4))
        t_by, v_by, chosen = np.zeros(n), {}, {}
        for y in YEARS:
            m = c.year == y
            vv, i, trec, tfl = choose(tables, variants if v == "TUNED" else [v], ~m)
            rows[m] = tables[vv][i][m]
            t_by[m] = T_GRID[i]
            for a in np.flatnonzero(m):
                v_by[a] = vv
            chosen[y] = {"variant": vname(vv), "T": T_GRID[i] if T_GRID[i] != math.inf else "off",
                         "train_recall": float(trec), "train_flags": float(tfl),
                         "test_recall": float(totals(rows[m])[0]), "test_flags": float(totals(rows[m])[1]),
                         "shipped_test_recall": float(totals(shipped_rows[m])[0])}
        check(GatedMatcher(c, v_by, 0.0, t_by), np.ones(n, bool), rows)
        p2[vname(v) if v != "TUNED" else "TUNED"] = {**summary(rows, shipped_rows, idx2), "folds": chosen}
    p2["PRIMARY"] = {**p2[vname(PRIMARY)], "variant": vname(PRIMARY)}
    report["protocols"]["2"] = p2

    # Post-hoc diagnostics (added after the first run; not used for any choice): the test-year curve of the
    # primary variant with T read off the test years themselves (a ceiling for the gate, not a result), and the
    # product scores of the sentences holding the test spans that the shipped lexicon misses.
    post = {}
    for v in (PRIMARY, ("H", "own", 1)):
        rec, fl = totals(tables[v][:, te])
        ok = [i for i in range(len(T_GRID)) if fl[i] <= BAR_FLAGS]
        i = max(ok, key=lambda j: (rec[j], -fl[j]))
        post[vname(v)] = {"oracle_T": T_GRID[i], "oracle_recall": float(rec[i]), "oracle_flags": float(fl[i]),
                          "curve": {str(T_GRID[j]): [float(rec[j]), float(fl[j])]
                                    for j in (0, 5, 10, 15, 20, 30, 40, 50, 57, 70)}}
    g = Grid(c, PRIMARY)
    act = g.span_act[np.isin(g.span_art, np.flatnonzero(te))]  # finite: touched by Hu & Liu, not by shipped
    missed = [(a, s) for a in np.flatnonzero(te) for si in range(len(c.arts[a].sentences))
              for s in c.arts[a].lex(si) if not any(b.start < s.end and s.start < b.end for b in c.base[a, si])]
    sc = []
    for a, s in missed:
        info = c.scores[c.arts[a].path]
        starts = [x[0] for x in info["sentences"]]
        k = max(np.searchsorted(starts, info["offsets"][s.sent] + s.start, side="right") - 1, 0)
        sc.append(info["sentences"][k][2])
    sc = np.array(sc)
    post["test_spans_missed_by_shipped"] = {
        "n": len(missed), "touchable_by_hu_liu": int(np.isfinite(act).sum()),
        "touchable_score_quartiles": [float(np.percentile(act[np.isfinite(act)], q)) for q in (25, 50, 75)],
        "sentence_score_quartiles": [float(np.percentile(sc, q)) for q in (25, 50, 75)],
        "share_score_ge_0.2": float((sc >= 0.2).mean()), "share_score_ge_0.57": float((sc >= 0.57).mean())}
    report["post_hoc"] = post
    print("\npost hoc (not a result):", json.dumps(post))

    # Bar
    verdict = {}
    for name in ("PRIMARY", "TUNED"):
        a, b = p1[name], p2[name]
        ok1 = a["recall"] >= BAR_RECALL and a["flags"] <= BAR_FLAGS and a["d_recall_ci"][0] > 0
        ok2 = b["recall"] > p2["shipped alone"]["recall"] and b["flags"] <= BAR_FLAGS
        verdict[name] = {"protocol1": bool(ok1), "protocol2": bool(ok2), "cleared": bool(ok1 and ok2)}
    report["bar"] = verdict
    report["seconds"] = round(time.time() - t0, 1)

    print(f"\nProtocol 1: T chosen on 2010-2012, tested on 2013-2014 ({te.sum()} articles, "
          f"{int(sh_te[:, 0].sum())} spans). recall [95%]  flags/1kw [95%]  d recall vs shipped [95%, paired]  T")
    for name, r in p1.items():
        extra = f"  T={r.get('T')}" if "T" in r else ""
        extra += f"  ({r['variant']})" if "variant" in r else ""
        extra += f"  train {r['train_recall']:.3f}/{r['train_flags']:.1f}" if "train_recall" in r else ""
        print(f"  {name:20} {fmt(r)}{extra}")
    print(f"\nProtocol 2: leave one year out over 2010-2014, pooled ({n} articles, "
          f"{int(shipped_rows[:, 0].sum())} spans)")
    for name, r in p2.items():
        ts = ""
        if "folds" in r:
            ts = "  T " + ",".join(str(f["T"]) for f in r["folds"].values())
            if name == "TUNED":
                ts += "  " + ",".join(f["variant"] for f in r["folds"].values())
        print(f"  {name:20} {fmt(r)}{ts}")
    print("\nBar:", json.dumps(verdict))
    print(f"runtime {report['seconds']} s")
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
