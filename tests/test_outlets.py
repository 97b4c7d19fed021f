"""Outlet names, abbreviations, domains and URLs resolve to one outlet (service/analysis/outlets.py)."""
from pathlib import Path

import pytest

from service.analysis.outlets import OutletTable, host_of, normalise

OUTLETS = Path(__file__).resolve().parents[1] / "lexicons" / "outlets"


@pytest.fixture(scope="module")
def table():
    """The shipped alias table."""
    return OutletTable.from_dir(OUTLETS)


@pytest.mark.parametrize("name", ["Breitbart", "breitbart.com", "https://www.breitbart.com/politics/2019/03/01/x/",
                                  "Breitbart News", "BREITBART NEWS NETWORK", "http://m.breitbart.com"])
def test_breitbart_names_reach_one_outlet(table, name):
    assert table.resolve_id(name) == "breitbart-news"


@pytest.mark.parametrize("name", ["NYT", "The New York Times", "New York Times", "nytimes.com",
                                  "https://www.nytimes.com/2019/02/24/world/americas/venezuela.html",
                                  "New York Times - News", "New York Times - Opinion", "the new york times"])
def test_new_york_times_names_reach_one_outlet(table, name):
    assert table.resolve_id(name) == "the-new-york-times"


@pytest.mark.parametrize("name,expected", [
    ("Fox", "fox-news"), ("Fox Online News", "fox-news"), ("Fox News Opinion", "fox-news"),
    ("https://video.foxnews.com/v/123", "fox-news"), ("Al Jazeera English", "al-jazeera"),
    ("https://www.aljazeera.com/news/2019/9/5/x", "al-jazeera"), ("AP", "associated-press"),
    ("https://apnews.com/article/abc", "associated-press"), ("Reuters", "reuters"),
    ("www.dailymail.co.uk", "daily-mail"), ("CNN (Web News)", "cnn"), ("money.cnn.com", "cnn"),
    ("Moscow Times", "the-moscow-times"), ("HuffPost", "huffpost"), ("Huffington Post", "huffpost"),
])
def test_aliases_domains_and_allsides_labels(table, name, expected):
    assert table.resolve_id(name) == expected


@pytest.mark.parametrize("name", ["Some Local Blog", "", "   ", "example.org", "https://example.com/story",
                                  "times", "the"])
def test_unknown_outlets_resolve_to_nothing_and_say_so(table, name):
    assert table.resolve_id(name) is None
    res = table.resolution(name)
    assert res["known"] is False and res["id"] is None
    if name.strip():
        assert "unknown outlet" in res["note"] and "pooled" in res["note"]


def test_known_outlet_resolution_carries_its_rating(table):
    res = table.resolution("breitbart.com")
    assert res == {"query": "breitbart.com", "known": True, "id": "breitbart-news", "name": "Breitbart News",
                   "kind": "news", "allsides_lean": "right", "domain": "breitbart.com"}
    assert table.resolve("Reuters").kind == "wire"


@pytest.mark.parametrize("text,host", [("https://www.breitbart.com/x", "breitbart.com"),
                                       ("breitbart.com", "breitbart.com"), ("WWW.NYTimes.com/a", "nytimes.com"),
                                       ("Breitbart News", None), ("not a url at all", None)])
def test_host_of(text, host):
    assert host_of(text) == host


def test_normalise_folds_case_space_and_quotes():
    assert normalise("  “The  New York Times” ") == "the new york times"


def test_every_alias_points_at_a_listed_outlet(table):
    assert set(table.aliases.values()) <= set(table.outlets)
    assert all(o.name for o in table.outlets.values())
    assert {o.allsides_lean for o in table.outlets.values()} <= {"", "left", "center", "right"}


def test_tables_carry_provenance():
    for name in ("outlets.tsv", "aliases.tsv"):
        head = [ln for ln in (OUTLETS / name).read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
        keys = {ln[1:].split(":", 1)[0].strip() for ln in head}
        assert {"name", "description", "source", "source_url", "license", "version"} <= keys


def test_aliases_sorted_and_unique():
    rows = [ln.split("\t")[0] for ln in (OUTLETS / "aliases.tsv").read_text(encoding="utf-8").splitlines()
            if ln and not ln.startswith("#")][1:]
    assert rows == sorted(rows) and len(rows) == len(set(rows))


def test_profile_names_join_the_table():
    table = OutletTable({}, {})
    table.add("my-outlet", "My Outlet", ["MO Daily"])
    assert table.resolve_id("mo daily") == "my-outlet" and table.resolve_id("My Outlet") == "my-outlet"
