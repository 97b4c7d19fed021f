"""The server-rendered comparison form: GET / shows it, POST / compares through the same code as the API.

No JavaScript: "add another article" and the downloads are submit buttons of the one form, so the page works with
scripts off and under a CSP that forbids inline scripts. Every piece of user text reaches the page escaped: Jinja2
autoescapes templates, and the highlighted article text is assembled from escaped segments with markupsafe.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup, escape

from ..api.compare import max_articles, run_comparison
from ..errors import ApiError

# The form brings its own templates and stylesheet (service/web/templates, service/web/static).
bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"
START_ROWS = 2
# Scores drawn as bar charts; the table shows them all.
CHART_METRICS = ("loaded_density", "hedge_rate", "loaded_attribution_rate", "scare_quote_rate", "quote_share",
                 "flesch_kincaid_grade")


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
    """Return the (outlet, text) rows of the posted form, in order."""
    outlets = request.form.getlist("outlet")
    texts = request.form.getlist("text")
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
                           **context), status


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
    """Turn marshmallow's nested error dict into readable lines."""
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
    texts = [a["text"] for a in articles]
    views = [{"outlet": result["article_outlets"][k], "number": k + 1,
              "html": highlight(texts[k], result["articles"][k]),
              "stats": result["articles"][k]["stats"], "notes": result["articles"][k].get("notes", [])}
             for k in range(len(articles))]
    charts = [bar_chart(name, result["metrics"][name]) for name in CHART_METRICS if name in result["metrics"]]
    return render(rows, result=result, articles=views, charts=charts)


# ---- downloads -------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "item", "outlet", "other_outlet", "value", "ci_low", "ci_high", "clear", "detail")


def _cell(value):
    """Return a CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
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

def _marks(result: dict) -> tuple[list, list]:
    """Return (regions, marks): regions shade quoted speech and page chrome; marks are loaded terms, labels and
    scare quotes, each (start, end, css class, tooltip)."""
    regions = []
    for q in result["voice"]["quotes"]["spans"]:
        if q["kind"] in ("speech", "partial"):
            regions.append((q["start"], q["end"], "speech",
                            "Quoted speech: someone else's words, not the outlet's own voice"))
    for c in result["cleaning"]["removed"]:
        regions.append((c["start"], c["end"], "chrome",
                        f"Page furniture ({c['kind'].replace('_', ' ')}), removed before scoring"))
    marks = []
    for h in result["loaded_terms"]["hits"]:
        where = " · inside quoted speech, not counted as the outlet's voice" if h["in_quote"] else ""
        marks.append((h["start"], h["end"], "loaded",
                      f"Loaded term “{h['entry']}” · category: {h['category']} · lexicon source: "
                      f"{h['source']}{where}"))
    for s in result["voice"]["scare_quotes"]["hits"]:
        marks.append((s["start"], s["end"], "scare",
                      "Scare quotes: a short quoted fragment with no speaker, the outlet's own distancing"))
    for actor in result["actors"]:
        for label in actor["labels"]:
            marks.append((label["start"], label["end"], "label",
                          f"Label for {actor['name']} ({label['kind']}) · from the dependency parse"))
    return regions, marks


def highlight(text: str, result: dict) -> Markup:
    """Return the article as HTML: escaped text, <mark> around evidence with a tooltip, quoted speech shaded.

    Spans may overlap (a label containing a loaded term), so the text is cut at every span boundary and each piece
    is wrapped in the marks that cover it. Only escaped text and fixed markup are ever joined.
    """
    regions, marks = _marks(result)
    n = len(text)
    cuts = sorted({0, n} | {min(max(p, 0), n) for s, e, *_ in regions + marks for p in (s, e)})
    regions.sort()
    pieces: list[tuple[int, int, tuple | None, tuple]] = []
    for a, b in zip(cuts, cuts[1:]):
        if a == b:
            continue
        region = next((r for r in regions if r[0] <= a and b <= r[1]), None)
        covering = tuple(m for m in marks if m[0] <= a and b <= m[1])
        if pieces and pieces[-1][2] == region and pieces[-1][3] == covering:
            pieces[-1] = (pieces[-1][0], b, region, covering)
        else:
            pieces.append((a, b, region, covering))
    out, open_region = [], None
    for a, b, region, covering in pieces:
        if region != open_region:
            if open_region is not None:
                out.append(Markup("</span>"))
            if region is not None:
                out.append(Markup('<span class="region region-{}" title="{}">').format(region[2], region[3]))
            open_region = region
        segment = escape(text[a:b])
        if covering:
            classes = " ".join(sorted({f"hl-{m[2]}" for m in covering}))
            title = "\n".join(dict.fromkeys(m[3] for m in covering))
            out.append(Markup('<mark class="hl {}" title="{}">{}</mark>').format(classes, title, segment))
        else:
            out.append(segment)
    if open_region is not None:
        out.append(Markup("</span>"))
    return Markup("").join(out)


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

    bars = []
    for k, p in enumerate(entries):
        y = BAR_GAP + k * (BAR_HEIGHT + BAR_GAP)
        x0, x1 = sorted((x(0), x(p["value"])))
        interval = p["interval"]
        bars.append({"outlet": p["outlet"], "label": p["outlet"] if len(p["outlet"]) <= 18 else p["outlet"][:17] + "…",
                     "y": y, "x": x0, "width": max(x1 - x0, 1), "value": p["value"], "text_x": x1 + 4,
                     "whisker": [x(interval[0]), x(interval[1])] if interval else None,
                     "mid": y + BAR_HEIGHT / 2})
    unit = metric["unit"]
    return {"name": name, "label": metric["label"], "unit": unit, "bars": bars, "width": CHART_WIDTH,
            "height": BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP), "zero": x(0), "bar_height": BAR_HEIGHT,
            "label_width": LABEL_WIDTH}
