"""The server-rendered comparison form: GET / shows it, POST / compares through the same code as the API.

No JavaScript: "add another article" and the downloads are submit buttons of the one form, so the page works with
scripts off and under a CSP that forbids inline scripts. Every piece of user text reaches the page escaped: Jinja2
autoescapes templates, and the highlighted article text is assembled from escaped segments with markupsafe.

What the page shows is what the API answers: the form sends the same request through ``run_comparison``, the
templates read the answer's keys by item (``d['clear']``; ``d.clear`` would be the dict's method), and
tests/test_form_matches_api.py compares every number the page renders with the API's JSON.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

from flask import Blueprint, Response, current_app, g, render_template, request
from markupsafe import Markup, escape

from ..analysis.sources import source_name
from ..analysis.text import prepare
from ..api.compare import max_articles, run_comparison
from ..errors import ApiError

# The form brings its own templates and stylesheet (service/web/templates, service/web/static).
bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"
START_ROWS = 2
# Scores drawn as bar charts; the table shows them all.
CHART_METRICS = ("loaded_density", "hedge_rate", "loaded_attribution_rate", "scare_quote_rate", "quote_share",
                 "flesch_kincaid_grade")
# Highlighting limits (issue 12): at most this many marks per article are drawn (the rest are counted in a note),
# and at most this many marks or shaded regions are open at one point of the text. Both keep the page's size and
# the work of drawing it linear in the text whatever the answer holds.
MAX_MARKS = 5000
MAX_DEPTH = 6
# Removed text longer than this many characters is folded into a <details> (a page's navigation, a long appeal).
FOLD_CHARS = 400


# ---- numbers ---------------------------------------------------------------------------------------------------

@bp.app_template_filter("framing_decimals")
def decimals(unit: str | None) -> int:
    """Return the decimals a metric's values are shown with: shares 3, score differences 2, rates and grades 1."""
    if unit == "share of words":
        return 3
    if unit == "score difference":
        return 2
    return 1


@bp.app_template_filter("framing_num")
def framing_num(value, places: int = 1, signed: bool = False) -> str:
    """Format a number with fixed decimals ("–" for none); the browser test reads these back."""
    if value is None:
        return "–"
    return f"{value:{'+' if signed else ''}.{places}f}"


@bp.app_template_filter("framing_by_outlet")
def framing_by_outlet(items) -> dict:
    """Index a list of per-outlet dicts by their outlet name."""
    return {item["outlet"]: item for item in items or ()}


# ---- form ------------------------------------------------------------------------------------------------------

def seed_rows() -> list[dict]:
    """Return the seed articles (outlet, text) named by seeds/manifest.tsv, or FRAMING_SEED_DIR's."""
    directory = Path(current_app.config.get("FRAMING_SEED_DIR") or DEFAULT_SEED_DIR)
    manifest = directory / "manifest.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [{"outlet": r["outlet"], "text": (directory / r["file"]).read_text(encoding="utf-8")}
            for r in rows if (directory / Path(r["file"]).name).is_file()]


def form_rows() -> list[dict]:
    """Return the (outlet, text) rows of the posted form, in order.

    Browsers send a textarea's line breaks as CRLF (HTML's form submission rules); they are turned back into the
    LF the person pasted, so the form's request is the one the same text makes through the API.
    """
    outlets = request.form.getlist("outlet")
    texts = [t.replace("\r\n", "\n") for t in request.form.getlist("text")]
    n = max(len(outlets), len(texts))
    outlets += [""] * (n - len(outlets))
    texts += [""] * (n - len(texts))
    return [{"outlet": o, "text": t} for o, t in zip(outlets, texts)]


def render(rows: list[dict], status: int = 200, **context):
    """Render the page with the form rows (padded to two) and optional results or errors."""
    while len(rows) < START_ROWS:
        rows.append({"outlet": "", "text": ""})
    limit = max_articles()
    return render_template("index.html", rows=rows, max_articles=limit, can_add=len(rows) < limit,
                           max_marks=MAX_MARKS, **context), status


def _validate_rows(rows: list[dict]) -> tuple[list[dict], list[tuple[int, str]]]:
    """Return the filled rows as articles and (row, message) errors, with messages for people, not JSON paths."""
    articles, errors = [], []
    for k, row in enumerate(rows):
        outlet, text = row["outlet"].strip(), row["text"]
        if not outlet and not text.strip():
            continue  # an empty row is ignored
        if not outlet:
            errors.append((k, f"Article {k + 1}: give the outlet's name."))
        if not text.strip():
            errors.append((k, f"Article {k + 1}: paste the article's text."))
        articles.append({"outlet": outlet, "text": text, "_row": k})
    if not errors and len(articles) < 2:
        errors.append((-1, "Fill in at least two articles to compare."))
    limit = max_articles()
    if len(articles) > limit:
        errors.append((-1, f"Compare at most {limit} articles at once."))
    return articles, errors


def _flatten(fields, prefix="") -> list[str]:
    """Turn the API's error fields (dotted paths or nested dicts) into readable lines."""
    out = []
    if isinstance(fields, dict):
        for key, value in fields.items():
            out += _flatten(value, f"{prefix}{key} " if prefix or key != "_schema" else "")
    elif isinstance(fields, list):
        for value in fields:
            out += _flatten(value, prefix)
    else:
        out.append(f"{prefix.strip()}: {fields}" if prefix else str(fields))
    return out


@bp.get("/")
def index():
    """Show the empty form, or the five seed articles with ?example=seeds."""
    rows = seed_rows() if request.args.get("example") == "seeds" else []
    return render(rows)


@bp.post("/")
def submit():
    """Add a row, or compare the filled rows and show (or download) the results."""
    rows = form_rows()
    if request.form.get("action") == "add":
        if len(rows) < max_articles():
            rows.append({"outlet": "", "text": ""})
        return render(rows, focus=len(rows) - 1)
    articles, errors = _validate_rows(rows)
    if errors:
        return render(rows, 422, errors=[m for _, m in errors], error_rows={k for k, _ in errors})
    try:
        result = run_comparison({"articles": [{"outlet": a["outlet"], "text": a["text"]} for a in articles]})
    except ApiError as exc:
        messages = _flatten(exc.fields) or [exc.message]
        return render(rows, exc.status, errors=messages, error_rows=set())
    fmt = request.form.get("format")
    if fmt == "json":
        return Response(json.dumps(result, ensure_ascii=False, indent=2), mimetype="application/json",
                        headers={"Content-Disposition": 'attachment; filename="comparison.json"'})
    if fmt == "csv":
        return Response(to_csv(result), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="comparison.csv"'})
    work = [0]
    views = [article_view(k, a["text"], result["article_outlets"][k], result["articles"][k], work)
             for k, a in enumerate(articles)]
    g.highlight_work = work[0]  # tests read how much drawing the marks cost (issue 12), not how long it took
    charts = [bar_chart(name, result["metrics"][name]) for name in CHART_METRICS if name in result["metrics"]]
    return render(rows, result=result, articles=views, charts=charts)


# ---- one article ------------------------------------------------------------------------------------------------

# ISO 639-1 names of the languages a newsroom is most likely to paste; others are shown by their code.
LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
    "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_of(analysis: dict) -> str | None:
    """Return the ISO 639-1 code the API gives an article (a string, or a dict with a ``language`` key)."""
    value = analysis.get("language")
    if isinstance(value, dict):
        value = value.get("language") or value.get("code")
    return value or None


def article_view(k: int, text: str, outlet: str, analysis: dict, work: list[int]) -> dict:
    """Return what the template shows for article ``k``: header facts, notes, language, and highlighted text."""
    shown, regions, marks, dropped = display_layers(text, analysis)
    language = language_of(analysis)
    cleaning = analysis.get("cleaning") or {}
    return {"outlet": outlet, "number": k + 1, "index": k,
            "html": highlight(shown, regions, marks, work),
            "stats": analysis["stats"], "notes": analysis.get("notes") or [],
            "language": language, "language_name": LANGUAGE_NAMES.get(language or "", language),
            "not_english": bool(language) and language != "en",
            "extraction": cleaning.get("extraction") if isinstance(cleaning.get("extraction"), dict) else None,
            "skipped": cleaning.get("skipped") or [],
            "marks_dropped": dropped}


class _Display:
    """The text an article is shown as, and a map from submitted offsets to it.

    Plain text is shown as sent. HTML is shown as the analysis read it (``text.prepare``: tags out, entities
    decoded, block tags as line breaks, scripts and styles dropped), never as markup, with the source's
    indentation collapsed: runs of white space become one space, one line break, or one blank line. Declarations
    the analysis keeps as text (``<!DOCTYPE html>``, ``<?xml ...?>``, CDATA markers) are shown as white space.
    """

    _SPACE = re.compile(r"(?:\s|<![^<>]{0,2000}>|<\?[^<>]{0,2000}\?>|\]\]>)+")

    def __init__(self, raw: str):
        self.prep = prepare(raw)
        if not self.prep.is_html:
            self.text, self._map = raw, None
            return
        text = self.prep.text
        out: list[str] = []
        pos_map: list[int] = []  # prepared offset -> display offset, len(text) + 1 entries
        pos = length = 0
        for m in self._SPACE.finditer(text):
            out.append(text[pos:m.start()])
            pos_map.extend(range(length, length + m.start() - pos))
            length += m.start() - pos
            run = m.group(0)
            newlines = run.count("\n") + run.count("<!")
            repl = "" if length == 0 else "\n\n" if newlines >= 2 else "\n" if newlines else " "
            pos_map.extend(length + min(i, len(repl)) for i in range(len(run)))
            out.append(repl)
            length += len(repl)
            pos = m.end()
        out.append(text[pos:])
        pos_map.extend(range(length, length + len(text) - pos + 1))
        self.text = "".join(out).rstrip()
        self._map = pos_map

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a [start, end) span of the submitted text to the shown text; None when nothing of it is shown."""
        if self._map is None:
            return (start, end) if end > start else None
        found = self.prep.from_raw(start, end)
        if found is None:
            return None
        a, b = self._map[found[0]], self._map[found[1]]
        b = min(b, len(self.text))
        return (a, b) if b > a else None


def _removed_name(item: dict) -> str:
    """Return a removed span's rule in plain words: the API's description, else its kind in words."""
    description = (item.get("description") or "").strip()
    if description:
        return description
    kind = (item.get("kind") or "page furniture").replace("_", " ")
    return kind


def _outside_article(cleaning: dict, raw_length: int) -> list[dict]:
    """Return the page outside the extracted article as removed items, when the API reports kept spans."""
    extraction = cleaning.get("extraction")
    if not isinstance(extraction, dict) or not isinstance(extraction.get("kept"), list):
        return []
    method = extraction.get("method") or "the extractor"
    out, pos = [], 0
    for span in sorted((s["start"], s["end"]) for s in extraction["kept"]):
        if span[0] > pos:
            out.append({"start": pos, "end": span[0], "kind": "outside_article",
                        "description": f"the page around the article (navigation, lists of other stories, "
                                       f"footer), left out by {method}"})
        pos = max(pos, span[1])
    if extraction["kept"] and pos < raw_length:
        out.append({"start": pos, "end": raw_length, "kind": "outside_article",
                    "description": f"the page around the article, left out by {method}"})
    return out


def display_layers(text: str, analysis: dict) -> tuple[str, list, list, int]:
    """Return (shown text, regions, marks, marks not drawn) for one article, in shown-text offsets.

    Regions shade quoted speech and grey what was removed before scoring (with the rule in plain words); marks are
    loaded terms, labels and scare quotes, each (start, end, css class, tooltip).
    """
    display = _Display(text)
    cleaning = analysis.get("cleaning") or {}
    regions, marks = [], []

    def add(target, start, end, *rest):
        span = display.span(start, end)
        if span is not None:
            target.append((*span, *rest))

    for c in list(cleaning.get("removed") or []) + _outside_article(cleaning, len(text)):
        name = _removed_name(c)
        add(regions, c["start"], c["end"], "outside" if c.get("kind") == "outside_article" else "chrome",
            f"Removed before scoring: {name}", name)
    for q in analysis["voice"]["quotes"]["spans"]:
        if q["kind"] in ("speech", "partial"):
            add(regions, q["start"], q["end"], "speech",
                "Quoted speech: someone else's words, not the outlet's own voice", None)
    for h in analysis["loaded_terms"]["hits"]:
        where = " · inside quoted speech, not counted as the outlet's voice" if h["in_quote"] else ""
        add(marks, h["start"], h["end"], "loaded",
            f"Loaded term “{h['entry']}” · category: {h['category'].replace('_', ' ')} · lexicon source: "
            f"{source_name(h.get('source'))}{where}")
    for s in analysis["voice"]["scare_quotes"]["hits"]:
        add(marks, s["start"], s["end"], "scare",
            "Scare quotes: a short quoted fragment with no speaker, the outlet's own distancing")
    for actor in analysis["actors"]:
        for label in actor["labels"]:
            add(marks, label["start"], label["end"], "label",
                f"Label for {actor['name']} ({label['kind']}) · from the dependency parse")
    dropped = max(len(marks) - MAX_MARKS, 0)
    if dropped:
        marks = sorted(marks)[:MAX_MARKS]
    return display.text, regions, marks, dropped


# ---- downloads -------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "item", "outlet", "other_outlet", "value", "ci_low", "ci_high", "clear", "detail")
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): it starts, after any white space or
# invisible characters, with = + - @ (or their full-width and small forms, which spreadsheets fold to ASCII,
# NFKC), the minus sign, or a tab, carriage return or line feed.
_FORMULA_START = frozenset("=+-@\u2212")
_INVISIBLE = frozenset("\t\r\n\x0b\x0c \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                       "\u200a\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff")


def formula_like(value: str) -> bool:
    """Return True when a spreadsheet could read the cell as a formula."""
    if value[:1] in ("\t", "\r", "\n"):
        return True
    for ch in value:
        if ch in _INVISIBLE or unicodedata.category(ch) == "Cc":
            continue
        return ch in _FORMULA_START or unicodedata.normalize("NFKC", ch)[:1] in _FORMULA_START
    return False


def _cell(value):
    """Return a CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return "" if value is None else value


def to_csv(result: dict) -> str:
    """Flatten a comparison into one long CSV table: metrics, differences, actors, distinctive terms."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)

    def row(*values):
        writer.writerow([_cell(v) for v in values])

    for name, metric in result["metrics"].items():
        for p in metric["per_outlet"]:
            lo, hi = p["interval"] or (None, None)
            row("metric", name, p["outlet"], None, p["value"], lo, hi, None, metric["unit"])
        for d in metric["differences"]:
            lo, hi = d["interval"] or (None, None)
            row("difference", name, d["a"], d["b"], d["difference"], lo, hi, d["clear"], "a minus b")
    for actor in result["actors"]:
        for p in actor["per_outlet"]:
            s = p["sentiment"]
            labels = "; ".join(l["text"] for l in p["labels"])
            row("actor", actor["name"], p["outlet"], None, s.get("score"), *(s.get("interval") or (None, None)),
                None, f"{p['mentions']} mentions; sentiment {s.get('label')}; labels: {labels}")
    for block in result["distinctive_terms"]:
        for t in block["terms"]:
            row("term", t["term"], block["outlet"], "others", t["z"], None, None, t["significant"],
                f"count {t['count']} vs {t['others_count']}; log-odds {t['log_odds']}")
    return buf.getvalue()


# ---- highlighting ----------------------------------------------------------------------------------------------

_REGION_RANK = {"outside": 0, "chrome": 0, "speech": 1}  # removed text outranks quoted speech
_MARK_RANK = {"loaded": 0, "scare": 1, "label": 2}  # a tooltip names the loaded term first


def highlight(text: str, regions: list, marks: list, work: list[int] | None = None) -> Markup:
    """Return the article as HTML: escaped text, <mark> around evidence with a tooltip, regions shaded.

    One sorted sweep (issue 12): every span's start and end is an event; the events are sorted once, and the
    text is cut at them into pieces, each wrapped in the marks open over it. At most MAX_DEPTH marks (and
    regions) are open at once, so each piece costs a bounded amount: the whole is O(E log E + n) for E spans.
    ``work`` (a one-item list) is increased by the steps taken, so tests can count work instead of timing it.
    Only escaped text and fixed markup are ever joined.
    """
    n = len(text)
    spans = [("r", r) for r in regions] + [("m", m) for m in marks]
    events = []
    for k, (what, span) in enumerate(spans):
        s, e = min(max(span[0], 0), n), min(max(span[1], 0), n)
        if s < e:
            events.append((s, 1, k))  # at one offset, ends (0) come before starts (1)
            events.append((e, 0, k))
    events.sort()
    steps = len(events)
    open_marks: dict[int, tuple] = {}
    open_regions: dict[int, tuple] = {}
    refused: set[int] = set()
    out: list = []
    region_now = None  # (key, region) of the open region element
    pos = i = 0
    while pos < n:
        while i < len(events) and events[i][0] <= pos:
            _, starting, k = events[i]
            i += 1
            what, span = spans[k]
            table = open_regions if what == "r" else open_marks
            if starting:
                if len(table) >= MAX_DEPTH:
                    refused.add(k)
                else:
                    table[k] = span
            else:
                table.pop(k, None)
        end = events[i][0] if i < len(events) else n
        steps += 1 + len(open_marks) + len(open_regions)
        region = min(open_regions.items(), key=lambda kv: (_REGION_RANK.get(kv[1][2], 9), kv[0]), default=None)
        if (region[0] if region else None) != (region_now[0] if region_now else None):
            if region_now is not None:
                out.append(_close_region(region_now[1], text))
            if region is not None:
                out.append(_open_region(region[1], text))
            region_now = region
        segment = escape(text[pos:end])
        if open_marks:
            classes = " ".join(sorted({f"hl-{m[2]}" for m in open_marks.values()}))
            ordered = sorted(open_marks.values(), key=lambda m: (_MARK_RANK.get(m[2], 9), m[0]))
            title = "\n".join(dict.fromkeys(m[3] for m in ordered))
            out.append(Markup('<mark class="hl {}" title="{}">{}</mark>').format(classes, title, segment))
        else:
            out.append(segment)
        pos = end
    if region_now is not None:
        out.append(_close_region(region_now[1], text))
    if work is not None:
        work[0] += steps
    return Markup("").join(out)


def _folded(region: tuple) -> bool:
    """Return True when a region is shown folded: the page around an article, or a long removal."""
    return region[2] == "outside" or (region[2] == "chrome" and region[1] - region[0] > FOLD_CHARS)


def _open_region(region: tuple, text: str) -> Markup:
    """Return the opening markup of a region: removed text shows its rule in plain words, long removals fold."""
    start, end, kind, title, name = region
    if kind not in ("chrome", "outside"):
        return Markup('<span class="region region-{}" title="{}">').format(kind, title)
    if _folded(region):
        words = len(text[start:end].split())
        return Markup('<details class="region region-chrome region-{}" title="{}"><summary class="removed-rule">'
                      'Removed before scoring: {} ({} word{})</summary>').format(
            kind, title, name, words, "" if words == 1 else "s")
    return Markup('<span class="region region-chrome" title="{}"><span class="removed-rule">Removed: {}</span>'
                  ).format(title, name)


def _close_region(region: tuple, text: str) -> Markup:
    return Markup("</details>") if _folded(region) else Markup("</span>")


# ---- charts ------------------------------------------------------------------------------------------------------

CHART_WIDTH = 360
LABEL_WIDTH = 120
BAR_HEIGHT = 18
BAR_GAP = 8


def bar_chart(name: str, metric: dict) -> dict:
    """Lay out a horizontal bar chart with interval whiskers; the template draws it as inline SVG."""
    entries = [p for p in metric["per_outlet"] if p["value"] is not None]
    top = max([p["value"] for p in entries] + [hi for p in entries for hi in (p["interval"] or [])[1:]] + [0])
    low = min([p["value"] for p in entries] + [lo for p in entries for lo in (p["interval"] or [])[:1]] + [0])
    span = (top - low) or 1.0
    plot = CHART_WIDTH - LABEL_WIDTH - 50

    def x(v):
        return round(LABEL_WIDTH + plot * (v - low) / span, 1)

    places = decimals(metric["unit"])
    bars = []
    for k, p in enumerate(entries):
        y = BAR_GAP + k * (BAR_HEIGHT + BAR_GAP)
        x0, x1 = sorted((x(0), x(p["value"])))
        interval = p["interval"]
        whisker = [x(interval[0]), x(interval[1])] if interval else None
        bars.append({"outlet": p["outlet"], "label": p["outlet"] if len(p["outlet"]) <= 18 else p["outlet"][:17] + "…",
                     "y": y, "x": x0, "width": max(x1 - x0, 1), "value": p["value"],
                     "shown": framing_num(p["value"], places),
                     "value_x": max(x1 + 4, whisker[1] + 4 if whisker else 0),
                     "whisker": whisker, "mid": y + BAR_HEIGHT / 2})
    unit = metric["unit"]
    return {"name": name, "label": metric["label"], "unit": unit, "bars": bars, "width": CHART_WIDTH,
            "height": BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP), "zero": x(0), "bar_height": BAR_HEIGHT,
            "label_width": LABEL_WIDTH}
