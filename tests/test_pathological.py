"""Pathological texts: every one answers 200 or a documented 413/422, and the work of analysing it grows linearly.

Work is counted, never timed (tests/work_counter.py, the measure of tests/test_linear.py): the Python trace and
profile events of a whole request, deterministic for a given input whatever the machine's speed or load. Each
pattern is analysed at sizes n, 2n and 4n after an uncounted warm-up at 4n (so caches keyed by words are equally
warm for all three); linear work grows from 2n to 4n by twice its growth from n to 2n, quadratic work by four times,
and a pattern passes below MAX_GROWTH. What the trace cannot see is checked by its mechanism: spaCy's tokenizer on
runs without spaces (parse_text breaks every run longer than _MAX_RUN: a property test, and token counts), the
markup regex on unclosed tags (its alternatives are bounded: checked on the parsed pattern and on random text), and
spaCy's neural network (its work follows the token count, checked linear).
"""
from __future__ import annotations

import json
import re
import textwrap
from re import _parser as sre_parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.analysis.core import count_tokens
from service.analysis.pipeline import _MAX_RUN, parse_text
from tests.work_counter import MAX_GROWTH, SIZES, count_work, growth

SMALL = 1_500

CASES = {
    "one_long_sentence": lambda n: ("the regime said that the opposition " * (n // 36 + 1))[:n],
    "all_capitals": lambda n: ("THE REGIME SLAMMED THE CRISIS AND MADURO. " * n)[:n],
    "emoji": lambda n: ("😀🔥🇻🇪 " * n)[:n],
    "right_to_left": lambda n: ("قال الرئيس مادورو إن الأزمة انتهت. " * n)[:n],
    "hebrew_mixed_bidi": lambda n: ("\u202bשלום Maduro עולם\u202c. " * n)[:n],
    "non_english": lambda n: ("Der Präsident sagte, die Krise sei vorbei. " * n)[:n],
    "newlines_and_words": lambda n: ("Maduro\n\n\n" * n)[:n],
    "html_soup": lambda n: ("<p><b>Regime</b> &amp; <i>crisis</i></p><!-- x -->" * n)[:n],
    "control_characters": lambda n: ("The\x00regime\x1bfell\x7f.\u200b\ufeff " * n)[:n],
    "invisible_and_look_alike": lambda n: ("The social\u00adist re\u00a0gime was \ufb01ne, Nicola\u0301s said&rsquo;. "
                                           * n)[:n],
    "html_wrapped_source": lambda n: ("<p>The regime\n said  \n that\r\n</p>\n" * n)[:n],
    "html_space_run": lambda n: "<p>The regime " + " " * n + "fell.</p>",
    # one_long_sentence hard-wrapped at 60 columns: read as that sentence again (text.wrap_breaks)
    "hard_wrapped": lambda n: textwrap.fill(("the regime said that the opposition " * (n // 36 + 1))[:n], 60),
}


def post(client, text):
    resp = client.post("/api/v1/analyze", json={"text": text, "outlet": "Breitbart News", "targets": ["Maduro"]})
    assert resp.status_code in (200, 413, 422), resp.get_data()[:300]
    assert resp.mimetype == "application/json"
    return resp


def analyse(client, text):
    """POST ``text``; return the response and the work (trace and profile events) of the whole request."""
    resp, work = count_work(client.post, "/api/v1/analyze",
                            json={"text": text, "outlet": "Breitbart News", "targets": ["Maduro"]})
    assert resp.status_code in (200, 413, 422), resp.get_data()[:300]
    assert resp.mimetype == "application/json"
    return resp, work


def assert_linear_requests(client, make, n: int, label: str, status: int = 200) -> list:
    """Analyse ``make(n)``, ``make(2n)``, ``make(4n)`` through HTTP; assert the answers and linear work."""
    post(client, make(n * SIZES[-1]))  # warm-up, uncounted: lazy imports and caches keyed by words
    runs = [analyse(client, make(n * k)) for k in SIZES]
    assert [resp.status_code for resp, _ in runs] == [status] * len(SIZES), label
    a, b, c = (work for _, work in runs)
    assert growth(a, b, c) < MAX_GROWTH, f"{label}: work {a} -> {b} -> {c} (growth ratio {growth(a, b, c):.2f})"
    return [resp for resp, _ in runs]


def assert_linear_tokens(resources, make, n: int, label: str) -> None:
    """The parser's own work (spaCy's network, which the trace does not see) follows the token count: linear."""
    a, b, c = (count_tokens(resources, make(n * k)) for k in SIZES)
    assert growth(a, b, c) < MAX_GROWTH, f"{label}: tokens {a} -> {b} -> {c}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_text_answers_and_scales_linearly(client, resources, name):
    assert_linear_requests(client, CASES[name], SMALL, name)
    assert_linear_tokens(resources, CASES[name], SMALL, name)


@pytest.mark.parametrize("name", ["right_to_left", "non_english"])
def test_non_english_is_answered_with_a_note(client, name):
    resp = post(client, CASES[name](2000))
    assert resp.status_code == 200
    assert any("English" in note for note in resp.get_json()["notes"])


def test_english_has_no_language_note(client, seeds):
    resp = post(client, seeds[0]["text"])
    assert not any("English" in note for note in resp.get_json()["notes"])


def test_100000_newlines(client):
    resp = post(client, "\n" * 100_000 + "The regime fell.\n" + "\n" * 100_000)
    assert resp.status_code == 200
    assert resp.get_json()["stats"]["sentences"] >= 1
    blank = post(client, "\n" * 100_000)
    assert blank.status_code == 422


def test_only_quotes_and_punctuation_answer(client):
    for text in ['"' * 1000, "“”" * 500, "'" * 1000, "!?" * 500, '"a" ' * 250]:
        resp = post(client, text)
        assert resp.status_code == 200


def test_body_over_the_limit_is_413_without_analysis(client, monkeypatch):
    from service.analysis import core

    runs = []
    real_run = core.run
    monkeypatch.setattr(core, "run", lambda d, **kw: runs.append(d) or real_run(d, **kw))
    body = json.dumps({"text": "a" * 1_000_001}).encode()
    resp = client.post("/api/v1/analyze", data=body, content_type="application/json")
    assert resp.status_code == 413
    assert runs == []  # refused before any analysis step ran
    assert client.post("/api/v1/analyze", json={"text": "The regime fell."}).status_code == 200
    assert len(runs) == 1  # the counter does see an analysis


# ---- spots that were super-linear once, each fixed in the core ------------------------------------------------

# Runs of punctuation or emoji without spaces: spaCy's tokenizer peels one prefix/suffix character per pass, so a run
# of n characters costs n passes over up to n characters. The core breaks every non-space run longer than _MAX_RUN
# before parsing (pipeline.parse_text), so the tokenizer's work per run is bounded and its total linear.
PUNCTUATION_RUNS = {
    "straight_quotes": '"',
    "curly_quotes": "“",
    "exclamation": "!",
    "emoji": "😀",
}


def expected_parse_text(text: str) -> str:
    """parse_text as documented: lone surrogates become U+FFFD, then in every run of non-space characters the
    _MAX_RUN-th, 2*_MAX_RUN-th, ... character of the run becomes a space (only in runs longer than _MAX_RUN - 1)."""
    chars = ["\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text]
    run = 0
    for i, ch in enumerate(chars):
        if ch.isspace():
            run = 0
            continue
        run += 1
        if run % _MAX_RUN == 0:
            chars[i] = " "
    return "".join(chars)


def longest_non_space_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"\S+", text)), default=0)


_RUN_TEXT = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.builds(lambda ch, k: ch * k, st.sampled_from(['"', "“", "!", "😀", "a", "\ufffd", "\u200b", "\ud800"]),
                  st.integers(0, 4 * _MAX_RUN + 3)),
        st.sampled_from([" ", "\n", "\t", "\u3000", "\x1c"]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RUN_TEXT)
def test_parse_text_breaks_every_long_run_and_nothing_else(text):
    out = parse_text(text)
    assert len(out) == len(text)  # offsets into the parsed text are offsets into the analysis text
    assert out == expected_parse_text(text)
    assert longest_non_space_run(out) < _MAX_RUN
    # Only characters inside runs longer than the bound change (besides lone surrogates, which become U+FFFD).
    long_runs = [range(m.start(), m.end()) for m in re.finditer(rf"\S{{{_MAX_RUN},}}", text)]
    for i, (before, after) in enumerate(zip(text, out)):
        if before != after and not "\ud800" <= before <= "\udfff":
            assert after == " " and any(i in r for r in long_runs), (i, before)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_text_on_any_text(text):
    out = parse_text(text)
    assert len(out) == len(text)
    assert out == expected_parse_text(text)
    assert longest_non_space_run(out) < _MAX_RUN


@pytest.mark.parametrize("name", sorted(PUNCTUATION_RUNS))
def test_punctuation_runs_tokenize_linearly(resources, name):
    def tokens(n):
        text = parse_text(PUNCTUATION_RUNS[name] * n)
        assert longest_non_space_run(text) < _MAX_RUN  # each tokenizer pass works on a bounded chunk
        return len(resources.nlp.tokenizer(text))

    a, b, c = (tokens(1000 * k) for k in SIZES)
    assert growth(a, b, c) < MAX_GROWTH, (a, b, c)
    assert c <= 1000 * SIZES[-1]  # never more tokens than characters


def test_many_quotes_in_one_sentence_scale_linearly(client, resources):
    def make(n):
        return ('"a" ' * n)[:n]

    assert_linear_requests(client, make, 2000, "many quotes")
    assert_linear_tokens(resources, make, 2000, "many quotes")


# ---- the markup regex on unclosed tags: the regex engine's work cannot be traced, so its bounded structure is checked


def _repeats(tree, after=()):
    """Yield (kind, min, max, item, what follows) for every repeat in a parsed pattern, nested ones too."""
    items = list(tree)
    for i, (op, av) in enumerate(items):
        rest = items[i + 1:] + list(after)
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT):
            lo, hi, item = av
            yield op, lo, hi, list(item), rest
            yield from _repeats(item, rest)
        elif op == sre_parse.SUBPATTERN:
            yield from _repeats(av[-1], rest)
        elif op == sre_parse.BRANCH:
            for alt in av[1]:
                yield from _repeats(alt, rest)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            yield from _repeats(av[1])


def _stops_at_tags(item) -> bool:
    """True for a single character class that cannot match '<' or '>': [^<>...], [a-z0-9], \\s, \\d, \\w."""
    if len(item) != 1 or item[0][0] != sre_parse.IN:
        return False
    members = list(item[0][1])
    brackets = {ord("<"), ord(">")}
    if members[0] == (sre_parse.NEGATE, None):
        return {(sre_parse.LITERAL, c) for c in brackets} <= set(members[1:])
    for op, av in members:
        if op == sre_parse.LITERAL and av not in brackets:
            continue
        if op == sre_parse.RANGE and not any(av[0] <= c <= av[1] for c in brackets):
            continue
        if op == sre_parse.CATEGORY and av in (sre_parse.CATEGORY_SPACE, sre_parse.CATEGORY_DIGIT,
                                               sre_parse.CATEGORY_WORD):
            continue
        return False
    return True


def _ends_at_end_of_text(rest) -> bool:
    """True when what follows is one branch of which one alternative is \\Z: the lazy repeat always ends in a match."""
    return bool(rest) and rest[0][0] == sre_parse.BRANCH and any(
        list(alt) == [(sre_parse.AT, sre_parse.AT_END_STRING)] for alt in rest[0][1][1])


def test_markup_regex_alternatives_are_bounded():
    """text._MARKUP: every repeat is bounded in length, stops at the next '<' or '>', or is a lazy scan to a fixed
    terminator or the end of the text (which cannot fail, so it consumes the rest once). No repeat nests another
    unbounded repeat. Then an attempt at any position reads at most a bounded stretch or up to the next tag before
    it fails, and the whole pass is linear."""
    from service.analysis.text import _MARKUP

    repeats = list(_repeats(sre_parse.parse(_MARKUP.pattern, _MARKUP.flags)))
    assert repeats
    for op, lo, hi, item, rest in repeats:
        if hi != sre_parse.MAXREPEAT:
            assert hi <= 2000, (op, lo, hi, item)
        elif op == sre_parse.MAX_REPEAT:
            assert _stops_at_tags(item), ("unbounded greedy repeat that can run past a tag", item)
            # Two unbounded repeats back to back that can match the same characters split a stretch in quadratically
            # many ways when the match fails: an anchor or literal must stand between them (as \b does after a name).
            assert not (rest and rest[0][0] in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
                        and rest[0][1][1] == sre_parse.MAXREPEAT), ("adjacent unbounded repeats", item, rest[0])
        else:
            assert op == sre_parse.MIN_REPEAT and item == [(sre_parse.ANY, None)], item
            assert _ends_at_end_of_text(rest), ("lazy repeat whose terminator can fail", rest)
        assert not any(hi2 == sre_parse.MAXREPEAT for _, _, hi2, _, _ in _repeats(item)), ("nested repeat", item)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["<!--", "<script>", "<STYLE type=x>", "<noscript >", "<template a=b>"]),
       st.text(alphabet=st.sampled_from("<>/ scriptSTYLE-!ab\n"), max_size=60))
def test_an_opened_comment_or_script_always_matches_to_its_end_or_the_text_end(opening, tail):
    """The lazy alternatives cannot fail once opened: at worst they consume the rest of the text, once."""
    from service.analysis.text import _MARKUP

    text = opening + tail
    m = _MARKUP.match(text)
    assert m is not None and (m.group("comment") or m.group("drop")), text
    if m.end() < len(text):  # stopped early: only right after its terminator
        if m.group("comment"):
            assert text[:m.end()].endswith("-->"), text
        else:
            assert re.search(rf"</{re.escape(m.group('dropname'))}\s*>$", text[:m.end()], re.IGNORECASE), text


def test_html_unclosed_script_tags_scale_linearly():
    from service.analysis import text as text_module

    def measure(n):
        raw = "<p>" + "<script " * (n // 8)
        matches = list(text_module._MARKUP.finditer(raw))
        prepared, work = count_work(text_module.prepare, raw)
        assert len(prepared.text) == len(raw) - 2  # "<p>" becomes one newline, every "<script " stays
        return len(matches), len(prepared.text), work

    small, middle, large = (measure(20_000 * k) for k in SIZES)
    assert small[0] == middle[0] == large[0] == 1  # only "<p>" is markup: no unclosed tag swallows the text
    for i, label in ((1, "prepared length"), (2, "prepare's Python work")):
        a, b, c = small[i], middle[i], large[i]
        assert growth(a, b, c) < MAX_GROWTH, (label, a, b, c)


def test_many_mentions_and_quotes_scale_linearly(client, resources):
    def make(n):
        return ('Maduro said "no". ' * (n // 18 + 1))[:n]

    assert_linear_requests(client, make, 3_000, "mentions and quotes")
    assert_linear_tokens(resources, make, 3_000, "mentions and quotes")


def test_one_megabyte_single_sentence_is_refused_before_the_parse(client, resources, monkeypatch):
    """A body just under the 1 MB limit answers 413 text_too_long after only the tokenizer ran (no spaCy component,
    whose work is the expensive part), and the work before the refusal is linear in the text."""
    def make(n):
        return ("the regime said that the opposition " * (n // 36 + 1))[:n]

    components = []
    original = list(resources.nlp.pipeline)

    def recorded(name, proc):
        return lambda doc: components.append(name) or proc(doc)

    monkeypatch.setattr(type(resources.nlp), "pipeline",
                        property(lambda self: [(name, recorded(name, proc)) for name, proc in original]))

    text = make(999_900 - 12)
    body = json.dumps({"text": text}).encode()
    assert len(body) < 1_000_000
    resp = client.post("/api/v1/analyze", data=body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "text_too_long"
    assert components == []
    # The refusal's work at three sizes over the token limit (30,000 tokens is about 180,000 characters here).
    post(client, make(200_000 * SIZES[-1]))
    runs = [analyse(client, make(200_000 * k)) for k in SIZES]
    assert [resp.status_code for resp, _ in runs] == [413] * len(SIZES)
    a, b, c = (work for _, work in runs)
    assert growth(a, b, c) < MAX_GROWTH, (a, b, c)
    assert components == []
    assert post(client, make(2_000)).status_code == 200
    assert components  # the hook does see a parse
