"""The server-rendered form, through the Flask test client."""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from jinja2 import nodes

from service.analysis.sources import SOURCE_NAMES, source_name, source_parts
from service.web import views
from tests.browser_support import saved_page

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "service" / "web" / "templates"
PAGES = ROOT / "tests" / "fixtures" / "pages"

XSS = "<script>alert(1)</script>"


@pytest.fixture()
def web(app):
    """A test client that carries the form's CSRF token, as a browser does."""
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    token = match.group(1) if match else None

    def post(data, **kwargs):
        data = dict(data)
        if token:
            data["csrf_token"] = token
        return client.post("/", data=data, buffered=True, **kwargs)

    client.post_form = post
    return client


def two_seeds(seeds):
    moscow = next(r for r in seeds if r["outlet"] == "The Moscow Times")
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")
    return {"outlet": [moscow["outlet"], breitbart["outlet"]], "text": [moscow["text"], breitbart["text"]],
            "action": "compare"}


def post_form(client, data: dict) -> tuple[str, dict]:
    """Post ``data`` to the form with the page's CSRF token, as a browser does; return the page (asserted 200) and
    the data as sent (token included)."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    data = {**data, "csrf_token": token.group(1)} if token else data
    page = client.post("/", data=data, buffered=True)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return page.get_data(as_text=True), data


def compare_data(articles: list[dict]) -> dict:
    """The form's fields comparing ``articles`` (dicts with outlet and text)."""
    return {"outlet": [a["outlet"] for a in articles], "text": [a["text"] for a in articles], "action": "compare"}


@pytest.fixture(scope="module")
def results_page(app, seeds):
    return post_form(app.test_client(), two_seeds(seeds))[0]


def test_form_renders_with_two_rows_and_labels(client):
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert page.count("<textarea") == 2
    assert '<label for="outlet-0">' in page and '<label for="text-1">' in page
    assert 'name="action" value="add"' in page
    assert "?example=seeds" in page
    assert "<script" not in page
    assert 'name="viewport"' in page


def test_form_carries_the_csrf_token_when_defined(client, app):
    page = client.get("/").get_data(as_text=True)
    assert ("csrf_token" in app.jinja_env.globals) == ('name="csrf_token"' in page)


def test_seed_example_fills_five_rows(client, seeds):
    page = client.get("/?example=seeds").get_data(as_text=True)
    assert page.count("<textarea") == len(seeds)
    for row in seeds:
        assert f'value="{row["outlet"]}"' in page


def test_add_another_adds_a_row_and_keeps_the_text(web):
    resp = web.post_form({"outlet": ["A", "B"], "text": ["first <b>text</b>", "second"], "action": "add"})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert page.count("<textarea") == 3
    assert "first &lt;b&gt;text&lt;/b&gt;" in page
    assert 'id="outlet-2"' in page and "autofocus" in page


def test_add_another_stops_at_the_limit(app, web):
    n = app.config["FRAMING_MAX_ARTICLES"]
    page = web.post_form({"outlet": ["x"] * n, "text": ["y"] * n, "action": "add"}).get_data(as_text=True)
    assert page.count("<textarea") == n
    assert 'value="add"' not in page


def test_results_show_scores_table_with_intervals(results_page):
    assert 'class="scores"' in results_page
    assert "Loaded terms" in results_page
    assert 'class="interval"' in results_page
    assert "The Moscow Times" in results_page and "Breitbart News" in results_page


def test_results_draw_inline_svg_charts(results_page):
    assert results_page.count("<svg") >= 3
    assert 'role="img"' in results_page
    assert 'class="whisker"' in results_page


def test_results_highlight_terms_labels_and_quotes(results_page):
    assert re.search(r'<mark class="hl hl-loaded" title="Loaded term “[^"]+” · category: [^"]+ · lexicon source: ',
                     results_page)
    assert "hl-label" in results_page
    assert "hl-scare" in results_page
    assert 'class="region region-speech"' in results_page
    assert 'class="region region-chrome"' in results_page


def test_results_show_the_actor_word_choice_table(results_page):
    table = results_page[results_page.index('class="actors"'):]
    table = table[:table.index("</table>")]
    assert "Nicolas Maduro" in table
    assert "socialist dictator" in table
    assert "President" in table


def test_results_show_summary_and_download_buttons(results_page):
    assert 'class="summary"' in results_page
    assert 'form="compare-form" name="format" value="json"' in results_page
    assert 'form="compare-form" name="format" value="csv"' in results_page


def article_html(page: str, number: int) -> str:
    """Return the inner HTML of article ``number``'s highlighted text."""
    body = page[page.index(f'aria-labelledby="article-{number}-title"'):]
    body = body[body.index('<div class="article-text">') + len('<div class="article-text">'):]
    return body[:body.index("</div>")]


def shown_text(fragment: str) -> str:
    """Return the text a reader sees in highlighted HTML, without the removed-text rule labels."""
    fragment = re.sub(r'<span class="removed-rule">[^<]*</span>', "", fragment)
    fragment = re.sub(r'<summary class="removed-rule">[^<]*</summary>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_highlighted_text_is_the_article_text(results_page, seeds):
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")["text"]
    assert shown_text(article_html(results_page, 2)) == breitbart


def test_script_in_an_article_is_escaped(web, seeds):
    data = two_seeds(seeds)
    data["text"][0] = XSS + " The regime of the socialist dictator. " + data["text"][0]
    data["outlet"][1] = '"><img src=x onerror=alert(2)>'
    resp = web.post_form(data)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "<script" not in page


@pytest.mark.parametrize("data,message", [
    ({"outlet": ["A", ""], "text": ["one", "two"]}, "give the outlet"),
    ({"outlet": ["A", "B"], "text": ["one", "  "]}, "paste the article"),
    ({"outlet": ["A", ""], "text": ["one", ""]}, "at least two"),
])
def test_form_errors_are_shown_on_the_page(web, data, message):
    resp = web.post_form({**data, "action": "compare"})
    assert resp.status_code == 422
    assert resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert 'role="alert"' in page and message in page
    assert page.count("<textarea") == 2


def test_json_download(web, seeds):
    resp = web.post_form({**two_seeds(seeds), "format": "json"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    body = resp.get_json()
    assert body["outlets"] == ["The Moscow Times", "Breitbart News"]
    assert {"metrics", "actors", "distinctive_terms", "summary", "articles"} <= set(body)


def test_csv_download(web, seeds):
    resp = web.post_form({**two_seeds(seeds), "format": "csv"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    sections = {r["section"] for r in rows}
    assert {"metric", "difference", "actor"} <= sections
    loaded = [r for r in rows if r["section"] == "metric" and r["item"] == "loaded_density"]
    assert {r["outlet"] for r in loaded} == {"The Moscow Times", "Breitbart News"}
    assert all(r["ci_low"] and r["ci_high"] for r in loaded)


def test_csv_cells_cannot_become_formulas(web, seeds):
    data = two_seeds(seeds)
    data["outlet"][0] = "=HYPERLINK(\"http://evil\")"
    text = web.post_form({**data, "format": "csv"}).get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_page_links_only_local_assets(results_page):
    assert "http://" not in results_page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in results_page
    assert "/static/style.css" in results_page


def test_stylesheet_is_served(client):
    resp = client.get("/static/style.css")
    assert resp.status_code == 200
    assert "@media" in resp.get_data(as_text=True)
    resp.close()


# Every POST below is buffered: the test client then closes the response, which releases the server's analysis
# slot (service/middleware.py admits a bounded number of POSTs at once).

# ---- what the form shows is what the API says (issue 13 item 7) --------------------------------------------------

DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("_"))


def template_getattrs():
    """Yield (template, line, attribute) for every `x.name` in the form's templates whose name is a dict method."""
    from jinja2 import Environment

    parser_env = Environment()
    for path in sorted(TEMPLATES.glob("*.html")):
        tree = parser_env.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all(nodes.Getattr):
            if node.attr in DICT_METHODS:
                yield path.name, node.lineno, node.attr


def test_templates_never_read_a_dict_method_name_as_an_attribute():
    # `d.clear` on a dict is the dict's clear method (always truthy), not the answer's "clear" field: the form said
    # "yes" on every difference. Templates read the answer by item, d['clear'].
    assert list(template_getattrs()) == []


@pytest.fixture(scope="module")
def five_seeds(app, seeds):
    """The form's page and the API's JSON for the same request: all five seeds."""
    client = app.test_client()
    page, _ = post_form(client, compare_data(seeds))
    api = client.post("/api/v1/compare", buffered=True, json={"articles": [{"outlet": r["outlet"], "text": r["text"]}
                                                            for r in seeds]})
    assert api.status_code == 200, api.get_json()
    return page, api.get_json()


def difference_rows(page: str) -> list[dict]:
    rows = re.findall(r'<tr data-check="difference" data-metric="([^"]+)" data-a="([^"]+)" data-b="([^"]+)">'
                      r'.*?<td class="diff-clear">([^<]*)</td>', page, re.S)
    return [{"metric": m, "a": html.unescape(a), "b": html.unescape(b), "clear": c} for m, a, b, c in rows]


def test_clear_column_is_the_apis_clear_for_every_difference(five_seeds):
    page, api = five_seeds
    expected = [{"metric": name, "a": d["a"], "b": d["b"],
                 "clear": "yes" if d["clear"] else "no" if d["clear"] is False else "–"}
                for name, m in api["metrics"].items() for d in m["differences"]]
    shown = difference_rows(page)
    assert len(shown) == len(expected) > 0
    assert sorted(map(str, shown)) == sorted(map(str, expected))
    # The seeds have both answers: a test that only ever saw "yes" could not tell the bug from the fix.
    assert {"yes", "no"} <= {row["clear"] for row in shown}


def test_summary_marks_clear_only_where_the_api_does(five_seeds):
    page, api = five_seeds
    classes = re.findall(r'<li class="([^"]*)" data-check="summary"\s+data-index="(\d+)">', page)
    assert len(classes) == len(api["summary"]) > 0
    for cls, index in classes:
        item = api["summary"][int(index)]
        assert cls == ("clear" if item["clear"] else "unclear" if item["clear"] is False else "")


def test_scores_table_shows_the_apis_values(five_seeds):
    page, api = five_seeds
    cells = dict(((m, html.unescape(o)), body) for m, o, body in re.findall(
        r'<td data-check="score" data-metric="([^"]+)" data-outlet="([^"]+)">(.*?)</td>', page, re.S))
    for name, metric in api["metrics"].items():
        places = views.decimals(metric["unit"])
        for p in metric["per_outlet"]:
            text = shown_text(cells[(name, p["outlet"])]).split()
            if p["value"] is None:
                assert text == ["–"]
                continue
            expected = [f"{p['value']:.{places}f}"]
            if p["interval"]:
                expected += [f"[{p['interval'][0]:.{places}f},", f"{p['interval'][1]:.{places}f}]"]
            assert text == expected, (name, p["outlet"])


# ---- removed text, lexicon names, web pages, language ------------------------------------------------------------

def test_removed_chrome_is_greyed_with_its_rule_in_plain_words(results_page, seeds, app):
    moscow = article_html(results_page, 1)
    labels = re.findall(r'class="removed-rule">([^<]*)<', moscow)
    assert labels, "the Moscow Times seed's donation appeal should be shown as removed"
    for label in labels:
        assert "^" not in label and "\\" not in label and "(?:" not in label  # words, not the rule's regex
    assert 'class="region region-chrome"' in moscow


def test_tooltips_name_lexicon_sources_in_words(results_page):
    titles = re.findall(r'title="Loaded term[^"]*lexicon source: ([^"·]+)', results_page)
    assert titles
    assert not {t.strip() for t in titles} & {"bingliu", "recasens2013", "curated"}
    assert any(t.startswith(("Hu &amp; Liu opinion lexicon", "Recasens et al. 2013", "the project"))
               for t in titles)


def lexicon_source_ids() -> set[str]:
    ids = set()
    for path in (ROOT / "lexicons").glob("*.tsv"):
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
        header = lines[0].split("\t")
        if "source" in header:
            k = header.index("source")
            ids |= {l.split("\t")[k] for l in lines[1:] if len(l.split("\t")) > k}
    return ids - {""}


def test_every_lexicon_source_id_has_a_human_name():
    ids = lexicon_source_ids()
    assert "bingliu" in ids
    bases = {base for source in ids for base, _ in source_parts(source)}
    assert bases <= set(SOURCE_NAMES), bases - set(SOURCE_NAMES)
    assert source_name("recasens2013-report+hooper1975-factive") == (
        "Recasens et al. 2013 report verbs and Hooper 1975 factive verbs (via Recasens et al. 2013)")
    assert SOURCE_NAMES["bingliu"].startswith("Hu & Liu opinion lexicon")
    assert SOURCE_NAMES["recasens2013"].startswith("Recasens et al. 2013")


@pytest.fixture(scope="module")
def page_post(app, seeds):
    """A saved web page (tests/fixtures/pages/news_page.html) beside a seed, through the form and the API."""
    page_html = saved_page()
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")
    articles = [{"outlet": "The Daily Planet", "text": page_html},
                {"outlet": breitbart["outlet"], "text": breitbart["text"]}]
    client = app.test_client()
    page, data = post_form(client, compare_data(articles))
    download = client.post("/", data={**data, "format": "json"}, buffered=True)
    api = client.post("/api/v1/compare", json={"articles": articles}, buffered=True)
    assert api.status_code == 200
    return page, download.get_json(), api.get_json()


def test_a_saved_web_page_is_analysed_as_the_api_does(page_post):
    _, download, api = page_post
    assert download == api


def test_a_saved_web_page_is_shown_as_text_never_markup(page_post):
    page, _, api = page_post
    body = article_html(page, 1)
    text = shown_text(body)
    assert "The United States special representative for Venezuela" in text
    assert "“talks”" in text and "&amp;" not in text  # entities decoded once, as the analysis read them
    for markup in ("<p", "</p>", "<script", "dataLayer", "<!DOCTYPE", "class=", "href="):
        assert markup.lower() not in text.lower()
    assert not re.search(r"&lt;/?[a-z]", body)  # no escaped tag reaches the reader either
    # Every loaded term the API found in the page is marked on the shown text.
    entries = {h["entry"] for h in api["articles"][0]["loaded_terms"]["hits"]}
    marked = set(re.findall(r"Loaded term “([^”]+)”", body))
    assert entries == marked


def test_page_removed_parts_are_greyed_with_their_rule(page_post):
    page, _, api = page_post
    body = article_html(page, 1)
    removed = api["articles"][0]["cleaning"]["removed"]
    assert removed, "the page carries a photo credit and furniture the API removes"
    labels = " ".join(re.findall(r'class="removed-rule">([^<]*)<', body))
    for item in removed:
        words = (item.get("description") or item["kind"].replace("_", " "))
        assert html.escape(words, quote=False).split()[0] in labels


def test_article_view_says_when_the_api_reads_an_article_as_not_english():
    analysis = {"stats": {"words": 3, "sentences": 1}, "notes": ["Not English."], "language": "es",
                "cleaning": {"removed": []}, "voice": {"quotes": {"spans": []}, "scare_quotes": {"hits": []}},
                "loaded_terms": {"hits": []}, "actors": []}
    view = views.article_view(0, "El presidente habló.", "El País", analysis, [0])
    assert view["not_english"] and view["language_name"] == "Spanish"
    assert views.article_view(0, "x", "A", {**analysis, "language": {"language": "en"}}, [0])["not_english"] is False


def test_the_form_says_not_english_next_to_that_article(web, seeds, app):
    spanish = ("El presidente de Venezuela, Nicolás Maduro, se reunió el martes en Moscú con el presidente ruso, "
               "Vladímir Putin, para hablar de la cooperación entre los dos países y de la crisis política. " * 3)
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")
    articles = [{"outlet": "El País", "text": spanish}, {"outlet": breitbart["outlet"], "text": breitbart["text"]}]
    api = app.test_client().post("/api/v1/compare", json={"articles": articles}, buffered=True).get_json()
    if views.language_of(api["articles"][0]) is None:
        pytest.skip("the API does not report a language yet (issue 13 item 3)")
    page = web.post_form({"outlet": [a["outlet"] for a in articles], "text": [a["text"] for a in articles],
                          "action": "compare"}).get_data(as_text=True)
    first = page[page.index('aria-labelledby="article-1-title"'):page.index('aria-labelledby="article-2-title"')]
    second = page[page.index('aria-labelledby="article-2-title"'):]
    assert "Not English" in first and "Not English" not in second


# ---- issue 12: highlighting is linear, the CSV guard ------------------------------------------------------------

def synthetic(n: int):
    """A text of n loaded words, each a mark, with a label over every pair and quoted speech over every tenth."""
    text = "chaos " * n
    marks = [(6 * k, 6 * k + 5, "loaded", f"term {k % 7}") for k in range(n)]
    marks += [(6 * k, 6 * k + 11, "label", "label") for k in range(0, n - 1, 2)]
    regions = [(60 * k, 60 * k + 30, "speech", "speech", None) for k in range(n // 10)]
    return text, regions, marks


@pytest.mark.parametrize("n", [1_000, 4_000, 16_000])
def test_highlighting_work_grows_linearly(n):
    text, regions, marks = synthetic(n)
    work = [0]
    html_out = views.highlight(text, regions, marks, work)
    spans = len(regions) + len(marks)
    # Each span is two events and opens at most a few pieces, each piece touching at most MAX_DEPTH open spans.
    assert work[0] <= 4 * (2 * views.MAX_DEPTH + 2) * spans
    assert html_out.count("<mark") >= n


def test_highlighting_caps_how_many_marks_overlap():
    text = "x" * 100
    marks = [(0, 100, "loaded", f"mark {k}") for k in range(1_000)]
    work = [0]
    out = views.highlight(text, [], marks, work)
    titles = re.findall(r'title="([^"]*)"', out)
    assert len(titles) == 1 and len(titles[0].split("\n")) == views.MAX_DEPTH
    assert work[0] <= 2 * len(marks) + 10 * views.MAX_DEPTH


def test_a_large_form_post_is_answered_and_highlighting_stays_linear(app, monkeypatch):
    # Issue 12: a 241 KB form post killed a worker in the highlighting while the API answered the same text.
    # The token limit is raised for this test so that the post reaches the highlighting whatever it counts.
    monkeypatch.setitem(app.config, "FRAMING_MAX_TOKENS", 1_000_000)
    # Markup carries the bytes (a CMS's inline styling), the words carry the marks: 4,000 loaded terms.
    text = ('<span class="story-body__inline-highlight" data-analytics="term" style="font-weight:600">Chaos.</span> '
            * 2_400 + "The regime slammed the socialist dictator. " * 400)
    assert len(text.encode()) > 240_000
    import flask

    with app.test_client() as client:
        page, _ = post_form(client, compare_data([{"outlet": "A", "text": text},
                                                  {"outlet": "B", "text": "The talks in Rome ended without a deal."}]))
        work = flask.g.highlight_work
    marks = page.count('<mark class="hl')
    assert marks > 3_000
    assert work <= 8 * (2 * views.MAX_DEPTH + 2) * (views.MAX_MARKS + len(text) // 10)


@pytest.mark.parametrize("value", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "\u00a0=1", "\u200b=1", "\ufeff@x",
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\ufe661", "\ufe621", "\ufe631", "\ufe6bx", "\u22121",
    "\x00=1",
])
def test_csv_guard_catches_every_formula_start(value):
    assert views.formula_like(value)
    assert views._cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Breitbart News", "a = b", "1-2", "“quoted”", "", "日本"])
def test_csv_guard_leaves_plain_text_alone(value):
    assert not views.formula_like(value)
    assert views._cell(value) == value


def test_csv_download_guards_full_width_formulas(web, seeds):
    data = two_seeds(seeds)
    data["outlet"][0] = "\uff1dHYPERLINK(\"http://evil\")"
    rows = list(csv.reader(io.StringIO(web.post_form({**data, "format": "csv"}).get_data(as_text=True))))
    cells = [c for row in rows for c in row if "HYPERLINK" in c]
    assert cells and all(c.startswith("'") for c in cells)


def test_the_page_around_an_extracted_article_is_folded_under_its_rule(page_post):
    page, _, api = page_post
    extraction = api["articles"][0]["cleaning"].get("extraction")
    if not extraction:
        pytest.skip("the API found no article in the page (extraction unavailable)")
    body = article_html(page, 1)
    folds = re.findall(r'<details class="region region-chrome region-outside"[^>]*><summary class="removed-rule">'
                       r'([^<]*)</summary>', body)
    assert folds and all("page around the article" in f and extraction["method"] in f for f in folds)
    assert "the article was found in it by" in page[page.index('aria-labelledby="article-1-title"'):]
    # What the reader sees unfolded is the article: its first paragraph, not the cookie banner.
    unfolded = re.sub(r"<details.*?</details>", "", body, flags=re.S)
    assert "special representative for Venezuela" in shown_text(unfolded)
    assert "We use cookies" not in shown_text(unfolded)


def test_a_neighbour_entry_names_the_entry_it_is_near():
    name = source_name("neighbour:absurd:0.81")
    assert "Hu & Liu opinion lexicon" in name and "“absurd”" in name and "0.81" in name


def test_marks_beyond_the_cap_are_counted_not_drawn():
    n = views.MAX_MARKS + 700
    text = "chaos " * n
    hits = [{"start": 6 * k, "end": 6 * k + 5, "entry": "chaos", "category": "emotive_intensifier",
             "source": "bingliu", "in_quote": False} for k in range(n)]
    analysis = {"stats": {"words": n, "sentences": 1}, "notes": [], "cleaning": {"removed": []},
                "voice": {"quotes": {"spans": []}, "scare_quotes": {"hits": []}},
                "loaded_terms": {"hits": hits}, "actors": []}
    work = [0]
    view = views.article_view(0, text, "A", analysis, work)
    assert view["marks_dropped"] == 700
    assert str(view["html"]).count("<mark") == views.MAX_MARKS
    assert "Hu &amp; Liu opinion lexicon" in str(view["html"]) and "bingliu" not in str(view["html"])
    assert work[0] <= 4 * (2 * views.MAX_DEPTH + 2) * views.MAX_MARKS
