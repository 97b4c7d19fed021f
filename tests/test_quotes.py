"""Quote spans and their kinds."""
from service.analysis.quotes import find_quotes


def kinds(text):
    return [(text[q.start:q.end], q.words) for q in find_quotes(text)]


def test_curly_and_straight_double_quotes():
    text = '“We will win,” he said. She called it "a sham".'
    found = kinds(text)
    assert found == [("“We will win,”", 3), ('"a sham"', 2)]


def test_apostrophes_are_not_quotes():
    text = "The leader’s aides said time isn’t on Maduro’s side."
    assert find_quotes(text) == []


def test_single_curly_scare_quotes_in_a_headline():
    text = "Russia Ready for Talks over ‘Flagrant,’ ‘Destructive’ Interference"
    assert [t for t, _ in kinds(text)] == ["‘Flagrant,’", "‘Destructive’"]


def test_unclosed_quote_closes_at_paragraph_end():
    text = '“This goes on across the paragraph\nNext paragraph.'
    (q,) = find_quotes(text)
    assert text[q.start:q.end] == "“This goes on across the paragraph"


def test_nested_single_quotes_belong_to_the_speech():
    text = '“They call it ‘aid’ but it is not,” he said.'
    (q,) = find_quotes(text)
    assert text[q.start:q.end] == "“They call it ‘aid’ but it is not,”"
