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


def test_story_sentences_with_appeal_words_are_kept(rules):
    """The old anywhere-in-the-line rule blanked a BASIL paragraph about a charity asking supporters to donate."""
    text = ("The group asked supporters to donate the cost of a meal to the shelter.\n"
            "\"I thank you for your support,\" the senator told donors.\nSupport us")
    assert removed(rules, text) == [("donation_appeal", "Support us")]


def test_every_removed_span_names_its_rule_in_plain_words(rules, seeds):
    for row in seeds:
        for span in rules.find(row["text"], row["outlet"]):
            assert span.description and span.rule


def test_the_appeal_ends_at_its_last_button_not_at_the_end_of_the_text(rules, seeds):
    row = next(r for r in seeds if r["file"].startswith("001"))
    text = row["text"] + "\n\nThe next story starts here. It is long enough to count."
    last = rules.find(text, row["outlet"])[-1]
    assert text[last.start:last.end].endswith("Remind me later.")
    assert last.description == "The Moscow Times donation appeal (\"A Message from The Moscow Times:\" through " \
                               "\"Remind me later.\")"


def test_the_answer_reports_removed_and_skipped_rules(resources):
    from service.analysis import analyze_document

    text = "A message from the editors:\n\nThe council approved the budget on Monday after a long debate."
    cleaning = analyze_document(resources, text)["cleaning"]
    assert cleaning["removed"] == []
    assert [(s["start"], s["end"], s["kind"]) for s in cleaning["skipped"]] == [(0, 27, "donation_appeal")]
    assert "refused" in cleaning["skipped"][0]["reason"] and cleaning["skipped"][0]["description"]
