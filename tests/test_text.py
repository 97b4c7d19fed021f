"""HTML input stripped and look-alike characters normalised for analysis, offsets mapped back to the submitted
string."""
import html as html_module
import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.analysis.text import looks_like_html, normalise, prepare, wrap_breaks
from tests.dressing import dress, picker


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


# ---- characters a reader does not see, or that spell a letter another way ------------------------------------

@settings(max_examples=300, deadline=None)
@given(clean=st.text(alphabet="abcdefilnotuáéñüç ,.\n\"“”'’-", max_size=80), data=st.data(), html=st.booleans())
def test_dressed_text_reads_as_the_clean_text_and_maps_back(clean, data, html):
    if html:  # a line break in HTML source is white space (below)
        clean = clean.replace("\n", " ")
    raw = dress(clean, picker(data))
    if html:  # the same characters reached through markup and entities
        raw = "<p>" + raw.replace("&", "&amp;").replace("\u00ad", "&shy;").replace("\u00a0", "&nbsp;") + "</p>"
    prep = prepare(raw)
    offset = 1 if html else 0  # <p> and </p> are line breaks
    assert prep.text == ("\n" + clean + "\n" if html else clean)
    text = clean
    # Every character maps into the submitted string, in order; a span and its image cover each other.
    last = 0
    for k in range(len(text)):
        a, b = prep.to_raw(offset + k, offset + k + 1)
        assert last <= a < b <= len(raw)
        last = a
        assert prep.from_raw(a, b)[0] <= offset + k < prep.from_raw(a, b)[1]
    # The submitted span of a word, its invisible characters dropped and its letters composed, is the word.
    for m in re.finditer(r"[a-zñüçáé]+", text):
        a, b = prep.to_raw(offset + m.start(), offset + m.end())
        assert normalise(html_module.unescape(raw[a:b]))[0] == m.group(0)


def test_clean_text_keeps_no_map():
    for raw in ("The regime & its thugs.", "Nicolás Maduro, “socialist” — 1\t2\r\n", "q\u0301 has no composed form"):
        prep = prepare(raw)
        assert prep._starts is None and prep.text == raw.translate({0xa0: " "})


def test_format_characters_are_gone_and_spaces_are_spaces():
    prep = prepare("The social\u00adist dicta\u200btor\u00a0Nicolas\u2028Maduro \ufb01nally \ufeff")
    assert prep.text == "The socialist dictator Nicolas\nMaduro finally "
    i = prep.text.index("socialist")
    a, b = prep.to_raw(i, i + len("socialist"))
    assert prep.raw[a:b] == "social\u00adist"
    i = prep.text.index("finally")
    assert prep.raw[slice(*prep.to_raw(i, i + 7))] == "\ufb01nally"


# ---- line breaks that only wrap a line ----------------------------------------------------------------------------

def test_a_source_line_break_inside_html_text_is_a_space():
    prep = prepare("<p>The socialist\ndictator Nicolas\r\n   Maduro spoke.\n\nA new paragraph.</p>"
                   "<pre>kept\nas is</pre>")
    assert "The socialist dictator Nicolas" in prep.text and "Nicolas     Maduro spoke." in prep.text
    assert "spoke.\n\nA new paragraph." in prep.text  # a blank line stays a paragraph break
    assert "kept\nas is" in prep.text
    assert len(prep.text) == len(prep.raw) - len("<p></p><pre></pre>") + 2  # same width, <p> and </p> are breaks


_WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), min_size=40,
                  max_size=120)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(_WORDS, min_size=1, max_size=4), width=st.integers(50, 100), crlf=st.booleans())
def test_a_hard_wrapped_text_reads_as_its_paragraphs(paragraphs, width, crlf):
    flowing = "\n\n".join(" ".join(words) for words in paragraphs)
    wrapped = "\n\n".join(
        "\n".join(textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False))
        for words in paragraphs)
    if crlf:
        flowing, wrapped = flowing.replace("\n", "\r\n"), wrapped.replace("\n", "\r\n")
    prep = prepare(wrapped)
    assert len(prep.text) == len(wrapped) and prep._starts is None  # same width: offsets do not move
    if wrapped.count("\n") - 2 * (len(paragraphs) - 1) + len(paragraphs) >= 4:  # enough lines to see a width
        assert prep.text.replace("\r", " ").replace(" ", "") == flowing.replace("\r", "").replace(" ", "")
        assert prep.text.count("\n") == flowing.count("\n")  # only the paragraph breaks are left


@pytest.mark.parametrize("text", [
    "Home\nNews\nSport\nWeather\nOpinion\nThe socialist dictator spoke on Tuesday, officials said.",
    ("Headline of the story\n\nFirst paragraph, a long one of the kind a browser gives when a page is pasted "
     "with its whole paragraph on one line as it is.\nSecond paragraph.\nThird.\nFourth paragraph here."),
    "- one item of a list of things\n- another item of the list\n- a third item, longer than the two\n- four",
])
def test_menus_lists_and_pasted_paragraphs_keep_their_line_breaks(text):
    assert prepare(text).text == text


def test_the_seeds_and_clean_pasted_pages_are_not_unwrapped(seeds):
    for seed in seeds:
        assert wrap_breaks(seed["text"]) == []


def test_plain_text_with_a_stray_inline_tag_keeps_its_paragraph_lines():
    raw = 'Headline\nFirst paragraph with <a href="https://example.org">a link</a> in it.\nSecond paragraph.'
    prep = prepare(raw)
    assert prep.is_html and prep.text == 'Headline\nFirst paragraph with a link in it.\nSecond paragraph.'


@settings(max_examples=200, deadline=None)
@given(clean=st.text(alphabet="abcdefilnotu ,.\n\"“”'’-&<>", max_size=80), data=st.data())
def test_character_references_in_plain_text_read_as_their_characters(clean, data):
    """A CMS field or an RSS description escapes characters without any tag: "Maduro&rsquo;s &ldquo;regime&rdquo;"."""
    forms = [lambda c: c, lambda c: f"&#{ord(c)};", lambda c: f"&#x{ord(c):x};", lambda c: html_module.escape(c)]
    raw = "".join(forms[data.draw(st.integers(0, 3))](c) if c not in " \n" else c for c in clean)
    if looks_like_html(raw):  # escaping made no tag, but the clean text itself may look like markup
        return
    prep = prepare(raw)
    assert prep.text == clean
    for k in range(len(clean)):
        a, b = prep.to_raw(k, k + 1)
        assert html_module.unescape(raw[a:b]) == clean[k]


def test_a_markdown_link_target_is_not_read_but_its_text_is():
    raw = "Officials [said so](https://example.org/news/maduro-socialist-regime) on Tuesday (as ever)."
    prep = prepare(raw)
    assert "socialist" not in prep.text and "said so" in prep.text and "(as ever)" in prep.text
    assert len(prep.text) == len(raw)
