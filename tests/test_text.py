"""HTML input: stripped for analysis, offsets mapped back to the submitted string."""
import pytest

from service.analysis.text import looks_like_html, prepare


@pytest.mark.parametrize("raw,expected", [
    ("Plain text, a < b and b > c.", False),
    ("<p>Paragraph</p>", True),
    ("Text with <br> a break", True),
    ("<!-- comment --> text", True),
])
def test_html_detection(raw, expected):
    assert looks_like_html(raw) is expected


def test_plain_text_is_untouched():
    prep = prepare("The regime & its thugs.")
    assert prep.text == prep.raw
    assert prep.to_raw(4, 10) == (4, 10)


def test_tags_scripts_and_entities_map_back():
    raw = "<p>The <b>regime</b> &amp; its thugs.</p><script>alert('regime')</script><p>Next</p>"
    prep = prepare(raw)
    assert "alert" not in prep.text
    assert prep.text.strip().startswith("The regime & its thugs.")
    i = prep.text.index("regime")
    a, b = prep.to_raw(i, i + len("regime"))
    assert raw[a:b] == "regime"
    amp = prep.text.index("&")
    a, b = prep.to_raw(amp, amp + 1)
    assert raw[a:b] == "&amp;"
    assert prep.from_raw(a, b) == (amp, amp + 1)


def test_block_tags_break_lines():
    prep = prepare("<p>One</p><p>Two</p>")
    assert "One\n" in prep.text and "\nTwo" in prep.text


def test_unclosed_script_does_not_hang_or_leak():
    prep = prepare("<p>Story</p><script>" + "x" * 100_000)
    assert "x" not in prep.text
