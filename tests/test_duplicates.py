"""Near-duplicate detection: the same wire story under two outlets, or posted twice, is found and named."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.analysis.compare import compare
from service.analysis.duplicates import near_duplicates

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("0*.txt"))


def seed(k: int) -> str:
    return SEEDS[k].read_text(encoding="utf-8")


def test_different_stories_on_one_event_are_not_duplicates():
    assert near_duplicates([seed(k) for k in range(len(SEEDS))]) == []


def test_the_same_text_posted_twice_is_exact():
    texts = [seed(0), seed(3), seed(0)]
    assert near_duplicates(texts) == [{"a": 0, "b": 2, "similarity": 1.0, "kind": "exact"}]


def test_markup_case_and_spacing_do_not_hide_a_copy():
    html = "<p>" + seed(3).upper().replace("\n\n", "</p>\n<p>") + "</p>"
    pairs = near_duplicates([seed(3), html])
    assert pairs and pairs[0]["kind"] == "exact"


def test_a_copy_pasted_through_a_cms_an_e_mail_or_a_pdf_is_exact():
    """The same story with soft hyphens, no-break spaces, character references, ligatures and hard wraps is the
    same words: one text posted twice."""
    import textwrap

    story = seed(4)
    copy = "\n\n".join("\n".join(textwrap.wrap(p, 70, break_long_words=False, break_on_hyphens=False))
                       for p in story.split("\n") if p.strip())
    copy = (copy.replace("Maduro", "Mad\u00aduro").replace("Russia ", "Russia\u00a0").replace("’", "&rsquo;")
            .replace("fi", "\ufb01"))
    assert copy != story
    assert near_duplicates([story, copy]) == [{"a": 0, "b": 1, "similarity": 1.0, "kind": "exact"}]


def test_a_reedited_wire_copy_is_near():
    paras = [p for p in seed(4).split("\n\n") if p.strip()]
    # Another outlet runs the wire story with its own headline, drops the last paragraphs and adds a line.
    copy = "\n\n".join(["Putin hosts Maduro in Moscow"] + paras[1:-4] + ["Our correspondent contributed."])
    pairs = near_duplicates([seed(0), seed(4), copy])
    assert [(p["a"], p["b"], p["kind"]) for p in pairs] == [(1, 2, "near")]
    assert 0.5 <= pairs[0]["similarity"] < 1.0


@pytest.mark.parametrize("texts", [[], [""], ["", ""], ["one", "one"], ["<p></p>", "   "]])
def test_short_and_empty_texts(texts):
    pairs = near_duplicates(texts)
    assert all(p["a"] < p["b"] for p in pairs)


def test_compare_names_the_duplicates_and_marks_nothing_clear_between_them():
    # Results as analyze_document shapes them, enough for compare: two outlets, one identical story.
    text = seed(3)
    words = len(text.split())
    sentences = [{"start": m, "end": m + len(p)} for p in text.split("\n") if p.strip()
                 for m in [text.index(p)]]
    hits = [{"term": "chaos", "start": text.index("chaos"), "end": text.index("chaos") + 5, "in_quote": False,
             "weight": 1.0}] * 40
    base = {"stats": {"words": words, "own_voice_words": words, "quoted_words": 0}, "sentences": sentences,
            "readability": {"flesch_kincaid_grade": 10.0}, "actors": [], "voice": {},
            "cleaning": {"removed": []}}
    loaded = {**base, "outlet": "Outlet A", "loaded_terms": {"hits": hits, "density": 1.0}}
    plain = {**base, "outlet": "Outlet B", "loaded_terms": {"hits": [], "density": 0.0}}
    out = compare([loaded, plain], [text, text])
    assert out["warnings"][0]["articles"] == [0, 1]
    assert out["warnings"][0]["outlets"] == ["Outlet A", "Outlet B"]
    assert "same text" in out["warnings"][0]["text"]
    diff = out["metrics"]["loaded_density"]["differences"][0]
    assert diff["difference"] > 0 and diff["clear"] is False


def test_saved_pages_are_compared_by_their_stories():
    from bench.pages import PAGES, read_truth, render
    from service.analysis.compare import duplicate_warnings, group_outlets
    from service.analysis.extract import find_article
    from service.analysis.text import prepare

    def as_result(raw: str, outlet: str) -> dict:
        prep = prepare(raw)
        kept = [dict(zip(("start", "end"), prep.to_raw(s, e))) for s, e in find_article(raw, prep).kept]
        return {"outlet": outlet, "cleaning": {"extraction": {"kept": kept}}}

    story = read_truth(PAGES / "truth" / "seed_004.txt")
    # One wire story saved from two outlets' sites (different templates): the stories are one text.
    same = [render("wordpress", story, 1), render("tabloid", story, 2)]
    results = [as_result(same[0], "Outlet A"), as_result(same[1], "Outlet B")]
    warned = duplicate_warnings(results, same, group_outlets(results), {}, [])
    assert [w["articles"] for w in warned] == [[0, 1]] and warned[0]["similarity"] >= 0.9
    # Two different stories saved from one site share its template, not their text.
    other = [render("wordpress", read_truth(PAGES / "truth" / f"seed_00{k}.txt"), k) for k in (1, 2)]
    results = [as_result(other[0], "Outlet A"), as_result(other[1], "Outlet B")]
    assert duplicate_warnings(results, other, group_outlets(results), {}, []) == []
