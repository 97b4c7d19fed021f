"""The server-rendered form, through the Flask test client."""
from __future__ import annotations

import csv
import io
import re

import pytest

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
        return client.post("/", data=data, **kwargs)

    client.post_form = post
    return client


def two_seeds(seeds):
    moscow = next(r for r in seeds if r["outlet"] == "The Moscow Times")
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")
    return {"outlet": [moscow["outlet"], breitbart["outlet"]], "text": [moscow["text"], breitbart["text"]],
            "action": "compare"}


@pytest.fixture(scope="module")
def results_page(app, seeds):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    data = two_seeds(seeds)
    if token:
        data["csrf_token"] = token.group(1)
    resp = client.post("/", data=data)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


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


def test_highlighted_text_is_the_article_text(results_page, seeds):
    breitbart = next(r for r in seeds if r["outlet"] == "Breitbart News")["text"]
    start = results_page.index('<article class="article" aria-labelledby="article-2-title">')
    body = results_page[start:]
    body = body[body.index('<div class="article-text">') + len('<div class="article-text">'):]
    body = body[:body.index("</div>")]
    import html

    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == breitbart


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
