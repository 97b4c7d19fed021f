"""Build lexicons/*.tsv from the raw word lists, the curation lists in tools/curation/ and BASIL statistics.

Run from the repo root: ``.venv/bin/python tools/build_lexicons.py [--evaldata DIR] [--check]``; ``--check`` rebuilds,
compares with the committed files, puts them back and exits 1 if any differs (the build must reproduce them).
Deterministic: same inputs, same files. It writes word lists and numbers only, never BASIL text (research-use).

loaded_terms weights: for each curated entry, n = its matches in BASIL 2010-2012 (the tuning years; 2013-2014 stay
held out for bench/basil_lexicon.py) and k = those inside an annotated lexical-bias ("lex") span. The in-span share
is smoothed towards its category's pooled share (itself smoothed towards the share pooled over all entries, p0):
s = (k + M_ENTRY * p_cat) / (n + M_ENTRY). The weight is 2 * s / (s + p0): 1.0 at the overall rate, towards 2 for
entries nearly always inside spans, towards 0 for entries seldom inside them; entries never seen keep their
category's prior. Entries seen often and never (or almost never) inside a span are pruned.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import (  # noqa: E402
    DEFAULT_EVALDATA, TRAIN_YEARS, bingliu_entries, load_basil, load_nlp, make_matcher, overlaps, parse,
)
from service.analysis.lexicon import Entry  # noqa: E402

CURATION = ROOT / "tools" / "curation"
VERSION = "2026.11.1"
M_ENTRY = 4.0   # pseudo-occurrences pulling an entry's share towards its category's
M_CAT = 20.0    # pseudo-occurrences pulling a category's share towards the overall share
PRUNE_MIN_N = 8  # prune an entry seen at least this often in 2010-2012 ...
PRUNE_MAX_SHARE = 0.02  # ... whose raw in-span share is at most this
MIN_WEIGHT = 0.05
# A Hu & Liu or Recasens word joins loaded_terms as a "neighbour" entry when its static vector (lexicons/models/
# minilm_static.npz, distilled from all-MiniLM-L6-v2) has cosine >= NEIGHBOUR_MIN_SIM with a single-word loaded
# entry; it takes that entry's category. NEIGHBOUR_MIN_SIM is chosen by tools/build_lexicons.py --tune-neighbours
# on BASIL 2010-2012 (highest span recall with at most NEIGHBOUR_MAX_FLAGS loaded-term hits per 1,000 words);
# 2013-2014 stay held out (bench/accuracy.py, bench/basil_lexicon.py).
NEIGHBOUR_MIN_SIM = 0.65  # the cut --tune-neighbours chose (2026-11-29); the default build reproduces the shipped file
NEIGHBOUR_MAX_FLAGS = 8.0  # tuning budget, under the 10 flags per 1,000 words to leave room on new data
NEIGHBOUR_GRID = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6)

LOADED_CATEGORIES = {
    "pejorative_label": "names for actors that judge them (dictator, regime, thug)",
    "delegitimising": "deny an actor, office or act its standing (so-called, self-proclaimed, sham, puppet)",
    "emotive_intensifier": "dramatise events and reactions (chaos, catastrophe, shameless, outrage)",
    "loaded_verb": "verbs that characterise rather than report an act (slam, blast, cave, boast)",
    "euphemism": "soften what happened (collateral damage, enhanced interrogation)",
    "loaded_modifier": "subjective evaluative adjectives and adverbs (staunch, embattled, hypocritical)",
    "partisan_label": "contested labels of one side's political vocabulary (death tax, job creators, obamacare)",
}


def read_rows(name: str) -> list[list[str]]:
    """Read a curation file: tab-separated rows, # comments and blank lines skipped."""
    rows = []
    for line in (CURATION / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([c.strip() for c in line.split("\t")])
    return rows


def source_words(evaldata: Path, name: str) -> set[str]:
    """Return the entries of one Recasens et al. 2013 list, lower-case, comments dropped."""
    text = (evaldata / "lexicon-sources" / "recasens2013" / name).read_text(encoding="utf-8")
    return {w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")}


def inflections(term: str) -> set[str]:
    """Return the term and naive inflections of its last word, to find it in surface-form lists."""
    head, _, last = term.rpartition(" ")
    pre = head + " " if head else ""
    forms = {last, last + "s", last + "es", last + "d", last + "ed", last + "ing", last + "ly"}
    if last.endswith("e"):
        forms |= {last[:-1] + "ing", last[:-1] + "ed"}
    if last.endswith("y"):
        forms |= {last[:-1] + "ies", last[:-1] + "ied", last[:-1] + "ily"}
    return {pre + f for f in forms}


def provenance(term: str, recasens: set[str], bingliu: set[str]) -> str:
    """Return the candidate pool a term is found in: recasens2013, bingliu, or curated."""
    if term in recasens:
        return "recasens2013"
    if term in bingliu or (inflections(term) & bingliu and " " not in term):
        return "bingliu"
    return "curated"


def header(name: str, description: str, source: str, source_url: str, license_: str, notes=()) -> list[str]:
    """Return the provenance header lines of a lexicon file."""
    lines = [f"# name: {name}", f"# description: {description}", f"# source: {source}",
             f"# source_url: {source_url}", f"# license: {license_}", f"# version: {VERSION}"]
    return lines + [f"# {n}" for n in notes]


def write_tsv(path: Path, head: list[str], columns: list[str], rows: list[list]) -> None:
    """Write a lexicon TSV, rows sorted by term, refusing duplicates."""
    rows = sorted(rows, key=lambda r: r[0])
    terms = [r[0] for r in rows]
    dup = {t for t in terms if terms.count(t) > 1}
    if dup:
        raise SystemExit(f"{path.name}: duplicate terms {sorted(dup)}")
    for t in terms:
        if t != t.lower() or "\t" in t:
            raise SystemExit(f"{path.name}: bad term {t!r}")
    out = head + ["\t".join(columns)] + ["\t".join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} entries")


_PARSED: dict = {}


def basil_train_parsed(evaldata: Path):
    """Return (nlp, BASIL 2010-2012 articles, their parse), parsed once per run."""
    if evaldata not in _PARSED:
        nlp = load_nlp()
        articles = load_basil(evaldata, TRAIN_YEARS)
        _PARSED[evaldata] = (nlp, articles, parse(articles, nlp))
    return _PARSED[evaldata]


def basil_counts(entries: list[Entry], evaldata: Path) -> dict[str, list[int]]:
    """Count, per entry term, matches in BASIL 2010-2012 and those inside a lex span."""
    nlp, articles, parsed = basil_train_parsed(evaldata)
    matcher = make_matcher(entries, nlp)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for art, rows in zip(articles, parsed):
        for si, (doc, forms, _) in enumerate(rows):
            lex = art.lex(si)
            for m in matcher.find(doc, forms):
                counts[m.entry.term][0] += 1
                counts[m.entry.term][1] += overlaps(m.start, m.end, lex)
    return counts


def build_loaded(evaldata: Path, recasens: set[str], bingliu: set[str], neighbours: float | None = NEIGHBOUR_MIN_SIM,
                 tune: bool = False) -> None:
    """Write lexicons/loaded_terms.tsv with BASIL-derived weights (and near neighbours at cosine >= neighbours)."""
    rows = read_rows("loaded_terms.txt")
    bad = [r for r in rows if len(r) != 2 or r[1] not in LOADED_CATEGORIES]
    if bad:
        raise SystemExit(f"loaded_terms.txt: bad rows {bad[:5]}")
    entries = [Entry(t, c) for t, c in rows]
    counts = basil_counts(entries, evaldata)
    n_all = sum(counts[e.term][0] for e in entries)
    k_all = sum(counts[e.term][1] for e in entries)
    p0 = k_all / n_all
    cat_n, cat_k = defaultdict(int), defaultdict(int)
    for e in entries:
        cat_n[e.category] += counts[e.term][0]
        cat_k[e.category] += counts[e.term][1]
    p_cat = {c: (cat_k[c] + M_CAT * p0) / (cat_n[c] + M_CAT) for c in LOADED_CATEGORIES}
    out, pruned = [], []
    for e in entries:
        n, k = counts[e.term]
        if n >= PRUNE_MIN_N and k / n <= PRUNE_MAX_SHARE:
            pruned.append(f"{e.term} ({k}/{n})")
            continue
        s = (k + M_ENTRY * p_cat[e.category]) / (n + M_ENTRY)
        weight = max(MIN_WEIGHT, round(2 * s / (s + p0), 2))
        out.append([e.term, e.category, f"{weight:.2f}", provenance(e.term, recasens, bingliu)])
    nb_note = "neighbours: none"
    if neighbours is not None or tune:
        cands = neighbour_candidates(evaldata, out, recasens, bingliu)
        if tune:
            base = [Entry(t, c, float(w)) for t, c, w, _ in out]
            neighbours = tune_neighbours(evaldata, base, cands, p0)
            print(f"  chosen cosine cut: {neighbours}")
        if neighbours is not None:
            nb_rows, _ = neighbour_rows(evaldata, cands, p0, neighbours)
            print(f"  {len(nb_rows)} neighbour entries at cosine >= {neighbours}")
            out += nb_rows
            nb_note = (f"neighbours: source neighbour:<entry>:<cosine> = a Hu & Liu or Recasens word whose static "
                       f"vector (lexicons/models/minilm_static.npz, distilled from all-MiniLM-L6-v2) has cosine >= "
                       f"{neighbours} with that single-word entry, whose category it takes; weighted and pruned on "
                       f"BASIL 2010-2012 like the curated entries, their share smoothed towards the neighbours' "
                       f"pooled share; cut chosen by tools/build_lexicons.py --tune-neighbours (best 2010-2012 span "
                       f"recall at <= {NEIGHBOUR_MAX_FLAGS:g} hits per 1,000 words)")
    print(f"loaded_terms: BASIL 2010-2012 matches {n_all}, inside lex spans {k_all}, p0 = {p0:.4f}")
    for c in LOADED_CATEGORIES:
        print(f"  {c:20} n={cat_n[c]:5d} k={cat_k[c]:3d} prior={p_cat[c]:.4f}")
    print(f"  pruned {len(pruned)}: {', '.join(pruned)}")
    cats = "; ".join(f"{c}: {d}" for c, d in LOADED_CATEGORIES.items())
    head = header(
        "loaded_terms",
        "Loaded, pejorative and emotive words and phrases that signal an outlet's framing in news prose. "
        f"Categories: {cats}",
        "recasens2013 = Recasens, Danescu-Niculescu-Mizil & Jurafsky 2013, bias lexicon (ACL 2013); "
        "bingliu = Hu & Liu 2004 opinion lexicon (KDD 2004); curated = the project's own news/politics curation "
        "(tools/curation/loaded_terms.txt); each entry's source column names the pool it is found in",
        "https://nlp.stanford.edu/pubs/neutrality.pdf",
        "Recasens et al. and Hu & Liu lists: no licence stated, used with citation; curated entries and weights: "
        "the project's. Weights are statistics derived from BASIL (Fan et al. EMNLP 2019, research use); no BASIL "
        "text is included",
        notes=[
            "weights: set by tools/build_lexicons.py from BASIL 2010-2012 (Fan et al. 2019): share of an entry's "
            f"matches inside annotated lexical-bias spans, smoothed towards its category's share (prior strength "
            f"{M_ENTRY:g}; category prior strength {M_CAT:g} towards the overall share p0={p0:.4f}), mapped to "
            "2*s/(s+p0) (1.0 = overall rate, max 2); entries matched >= "
            f"{PRUNE_MIN_N} times with share <= {PRUNE_MAX_SHARE:g} pruned. 2013-2014 held out for evaluation.",
            f"p0: {p0:.4f}",
            "context: see tools/curation/context_rules.txt for entries loaded only in some uses",
            nb_note,
        ],
    )
    write_tsv(ROOT / "lexicons" / "loaded_terms.tsv", head, ["term", "category", "weight", "source"], out)


# --- Near neighbours of loaded terms in the static embeddings (issue 14, spans) ---------------------------------


def neighbour_candidates(evaldata: Path, loaded_rows: list[list[str]], recasens: set[str],
                         bingliu: set[str]) -> list[tuple[str, str, str, float]]:
    """Return (word, category, parent entry, cosine) for pool words nearest a single-word loaded entry.

    Pool: Hu & Liu and Recasens words that are single words, not already entries and not curated terms (a curated
    term missing from loaded_terms was pruned for cause).
    """

    from service.analysis.sentence_bias import STATIC_FILE, STATIC_SHA256
    from service.analysis.encoder import StaticEncoder

    static = StaticEncoder.load(ROOT / "lexicons" / "models" / STATIC_FILE, STATIC_SHA256)
    curated = {r[0] for r in read_rows("loaded_terms.txt")}
    parents = [(t, c) for t, c, *_ in loaded_rows if " " not in t and "-" not in t]
    pool = sorted(w for w in (recasens | bingliu) if w.isalpha() and w not in curated)
    P = static.embed([t for t, _ in parents])
    W = static.embed(pool)
    sims = W @ P.T
    best = sims.argmax(1)
    return [(w, parents[j][1], parents[j][0], float(sims[i, j])) for i, (w, j) in enumerate(zip(pool, best))]


def neighbour_rows(evaldata: Path, cands, p0: float, min_sim: float) -> tuple[list[list[str]], list[Entry]]:
    """Return loaded_terms rows for the candidates at or above ``min_sim``, weighted and pruned on 2010-2012."""
    chosen = [c for c in cands if c[3] >= min_sim]
    counts = basil_counts([Entry(w, cat) for w, cat, _, _ in chosen], evaldata) if chosen else {}
    n_all = sum(counts.get(w, [0, 0])[0] for w, *_ in chosen)
    k_all = sum(counts.get(w, [0, 0])[1] for w, *_ in chosen)
    p_nb = (k_all + M_CAT * p0) / (n_all + M_CAT)  # the neighbours' pooled in-span share, smoothed towards p0
    rows, entries = [], []
    for w, cat, parent, sim in chosen:
        n, k = counts.get(w, [0, 0])
        if n >= PRUNE_MIN_N and k / n <= PRUNE_MAX_SHARE:
            continue
        s = (k + M_ENTRY * p_nb) / (n + M_ENTRY)
        weight = max(MIN_WEIGHT, round(2 * s / (s + p0), 2))
        rows.append([w, cat, f"{weight:.2f}", f"neighbour:{parent}:{sim:.2f}"])
        entries.append(Entry(w, cat, weight))
    return rows, entries


def tune_neighbours(evaldata: Path, base: list[Entry], cands, p0: float) -> float:
    """Print span recall and flags per 1,000 words on BASIL 2010-2012 per cosine cut; return the chosen cut."""
    from bench.basil_lexicon import evaluate

    nlp, arts, parsed = basil_train_parsed(evaldata)
    best = (evaluate("base", make_matcher(base, nlp), arts, parsed)["span_recall"], None)
    print(f"  no neighbours: recall {best[0]:.3f}")
    for cut in NEIGHBOUR_GRID:
        _, extra = neighbour_rows(evaldata, cands, p0, cut)
        r = evaluate(f"cut {cut}", make_matcher(base + extra, nlp), arts, parsed)
        print(f"  cosine >= {cut}: {len(extra)} neighbours, recall {r['span_recall']:.3f} at "
              f"{r['hits_per_1000_words']:.1f} flags per 1,000 words")
        if r["hits_per_1000_words"] <= NEIGHBOUR_MAX_FLAGS and r["span_recall"] > best[0]:
            best = (r["span_recall"], cut)
    return best[1]


def build_voice(evaldata: Path) -> None:
    """Write hedges, boosters and attribution verbs."""
    hyland = source_words(evaldata, "hedges_hyland2005.txt")
    report = source_words(evaldata, "report_verbs.txt")
    factive = source_words(evaldata, "factives_hooper1975.txt")
    assertive = source_words(evaldata, "assertives_hooper1975.txt")

    def hyland_src(term: str) -> str:
        # Hyland lists inflected forms (appear, appears, appeared); an entry is Hyland's if any form is listed.
        forms = inflections(term) | {term.replace(" to", "") if term.endswith(" to") else term}
        forms |= {f.replace("be ", "", 1) for f in forms}
        return "hyland2005" if forms & hyland else "curated"

    rows = [[t, "hedge", f"{float(w):.1f}", hyland_src(t)] for t, w in read_rows("hedges.txt")]
    write_tsv(ROOT / "lexicons" / "hedges.tsv", header(
        "hedges",
        "Hedges: words and phrases by which a writer or speaker withholds full commitment (reportedly, may, "
        "apparently). Lemmas, so inflections match. Weight 1.0 = almost always epistemic in news; 0.5 = often "
        "not (modal ambiguity: may is also the month and permission, could is also past ability, estimate and "
        "indicate are also plain reporting).",
        "hyland2005 = Hyland 2005, Metadiscourse (Continuum), hedge list as distributed by Recasens et al. 2013; "
        "curated = the project's news hedges (tools/curation/hedges.txt)",
        "https://nlp.stanford.edu/pubs/neutrality.pdf",
        "Recasens et al. 2013 lists: no licence stated, used with citation; curated entries: the project's",
        notes=["dropped from Hyland (see tools/curation/hedges.txt): about, around, would, should, ought, claim, "
               "argue (now attribution verbs), feel, rather, doubt, supposed, frequency adverbs (often, usually..."
               "); weights set by hand, not from data (BASIL does not annotate hedges)"],
    ), ["term", "category", "weight", "source"], rows)

    rows = [[t, "booster", f"{float(w):.1f}", "curated"] for t, w in read_rows("boosters.txt")]
    write_tsv(ROOT / "lexicons" / "boosters.tsv", header(
        "boosters",
        "Boosters: words and phrases by which a writer asserts certainty (clearly, of course, in fact). Weight 0.5 "
        "= also a common conversational filler (really, actually).",
        "curated = the project's own list, modelled on Hyland's (2005) booster category; Hyland's booster list is "
        "not among the project's sources",
        "https://doi.org/10.5040/9781350063617",
        "the project's",
        notes=["weights set by hand, not from data"],
    ), ["term", "category", "weight", "source"], rows)

    def attr_src(term: str) -> str:
        tags = []
        if term in report:
            tags.append("recasens2013-report")
        if term in factive:
            tags.append("hooper1975-factive")
        if term in assertive:
            tags.append("hooper1975-assertive")
        return "+".join(tags) or "curated"

    rows = []
    for r in read_rows("attribution_verbs.txt"):
        term, cat = r[0], r[1]
        weight = float(r[2]) if len(r) > 2 else 1.0
        if cat not in ("neutral", "loaded"):
            raise SystemExit(f"attribution_verbs.txt: bad category {cat}")
        rows.append([term, cat, f"{weight:.1f}", attr_src(term)])
    write_tsv(ROOT / "lexicons" / "attribution_verbs.tsv", header(
        "attribution_verbs",
        "Verbs and phrases that attribute speech, as lemmas. neutral: report speech without judging it (say, "
        "tell, add, according to). loaded: the verb judges the claim or the speaker: casts doubt (claim, insist, "
        "allege), presupposes the content and a reluctant or damaging admission (admit, concede: factive), or "
        "characterises manner (boast, complain, lament). Weight 0.5 for milder loaded verbs (argue, warn, "
        "acknowledge, maintain, vow).",
        "recasens2013-report = report verbs of Recasens et al. 2013; hooper1975-factive/assertive = Hooper 1975 "
        "via Recasens et al. 2013; curated = the project's (decisions in tools/curation/attribution_verbs.txt)",
        "https://nlp.stanford.edu/pubs/neutrality.pdf",
        "Recasens et al. 2013 lists: no licence stated, used with citation; categories: the project's",
        notes=["weights set by hand, not from data"],
    ), ["term", "category", "weight", "source"], rows)


def build_sentiment() -> None:
    """Write lexicons/sentiment_news.tsv, checking every term against VADER's own lexicon."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer().lexicon
    rows = []
    for r in read_rows("sentiment_news.txt"):
        term, cat, val = r[0], r[1], float(r[2])
        override = len(r) > 3 and r[3] == "override"
        if " " in term or "-" in term:
            raise SystemExit(f"sentiment_news.txt: {term!r} is not a single token")
        if not -4 <= val <= 4:
            raise SystemExit(f"sentiment_news.txt: {term!r} valence out of range")
        if term in vader and not override:
            raise SystemExit(f"sentiment_news.txt: {term!r} is in VADER ({vader[term]}); mark it override or drop it")
        if override and term not in vader:
            raise SystemExit(f"sentiment_news.txt: {term!r} marked override but VADER lacks it")
        src = f"curated-override(vader {vader[term]:+.1f})" if override else "curated"
        rows.append([term, cat, "1.0", src, f"{val:+.1f}"])
    write_tsv(ROOT / "lexicons" / "sentiment_news.tsv", header(
        "sentiment_news",
        "News extension of VADER: valences (VADER's -4..+4 scale) for political-news words VADER lacks or "
        "misjudges. Single lower-case tokens, plurals listed separately (VADER does not lemmatise). Categories: "
        "negative_actor_label, positive_actor_label, conflict, abuse_of_power, legitimacy.",
        "curated = the project's, absent from VADER's lexicon; curated-override = replaces VADER's value (shown); "
        "VADER: Hutto & Gilbert, ICWSM 2014",
        "https://github.com/cjhutto/vaderSentiment",
        "the project's",
        notes=["valences set by hand against VADER anchors (terrorist -3.7, war -2.9, fascist -2.6, peace +2.5)"],
    ), ["term", "category", "weight", "source", "valence"], rows)


def main(argv=None) -> int:
    """Build every lexicon file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    ap.add_argument("--skip-basil", action="store_true", help="rebuild only the files that need no BASIL pass")
    ap.add_argument("--no-neighbours", action="store_true", help="loaded_terms without embedding neighbours")
    ap.add_argument("--tune-neighbours", action="store_true",
                    help="choose the neighbours' cosine cut on BASIL 2010-2012 (prints the grid)")
    ap.add_argument("--check", action="store_true",
                    help="rebuild, report which committed lexicons differ, restore them; exit 1 on a difference")
    args = ap.parse_args(argv)
    if args.check:
        from tools.reproduce import check_rebuild

        return check_rebuild((ROOT / "lexicons").glob("*.tsv"), lambda: build_all(args))
    build_all(args)
    return 0


def build_all(args) -> None:
    """Write every lexicon file from the sources named on the command line."""
    recasens = source_words(args.evaldata, "bias-lexicon_og.txt")
    bingliu = {e.term for e in bingliu_entries(args.evaldata)}
    if not args.skip_basil:
        build_loaded(args.evaldata, recasens, bingliu, None if args.no_neighbours else NEIGHBOUR_MIN_SIM,
                     args.tune_neighbours)
    build_voice(args.evaldata)
    build_sentiment()


if __name__ == "__main__":
    sys.exit(main())
