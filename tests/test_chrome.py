"""Page chrome rules on hand-made pages and the seeds."""
import pytest

from service.analysis.chrome import ChromeRules
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def rules():
    return ChromeRules.from_file(ROOT / "lexicons" / "chrome.json")


def removed(rules, text, outlet=None):
    return [(c.kind, text[c.start:c.end]) for c in rules.find(text, outlet)]


def test_photo_credit_and_caption_above_it(rules):
    text = "Headline here\n\nThe minister speaks in Rome\nJOHN DOE/AFP/Getty Images\n\nThe story begins here."
    assert removed(rules, text) == [("caption", "The minister speaks in Rome"),
                                    ("photo_credit", "JOHN DOE/AFP/Getty Images")]


def test_story_sentences_are_kept(rules):
    text = ("Reuters reported that the talks failed.\nThe AFP news agency said more.\n"
            "Special relationship\n\nRussia has been a key ally.")
    assert removed(rules, text) == []


def test_read_more_and_source_lines(rules):
    text = "The story.\n\nRead more\nSource: Al Jazeera"
    assert removed(rules, text) == [("read_more", "Read more"), ("source_line", "Source: Al Jazeera")]


def test_outlet_marker_applies_outlet_rules_without_the_outlet_field(rules, seeds):
    row = next(r for r in seeds if r["file"].startswith("000"))
    spans = rules.find(row["text"], None)
    assert spans[0].kind == "donation_appeal" and spans[0].start == 0
    assert row["text"][spans[0].start:spans[0].end].endswith("keep providing you with the truth.")
