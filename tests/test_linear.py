"""Every analysis step does work linear in its input (issue 12), counted, never timed.

Work is the number of Python trace events (calls and lines executed, sys.settrace) plus profile events (calls into
C functions and into spaCy's Cython code, which is compiled with profiling hooks: a walk over a Doc's tokens shows
up as one event per token; sys.setprofile) inside each step: deterministic for a given input, whatever the
machine's speed or load. Each input pattern is analysed at sizes n, 2n and 4n; for
linear work the growth from 2n to 4n is twice the growth from n to 2n (fixed costs cancel in the differences),
for quadratic work four times. A step passes below 2.6, which leaves room for n log n sorting and rounding.
Work inside the regex engine and spaCy's neural network is not counted here: tests/test_pathological.py covers the
tokenizer and the markup regex, and the token counts below are the parse's own measure.
"""
from __future__ import annotations

import sys
from collections import Counter

import pytest

from service.analysis.pipeline import STEPS, Document
from service.analysis.text import prepare

MAX_GROWTH = 2.6
STORY = ('Opposition leader Juan Guaido said on Monday that "the regime will fall soon". Critics called the '
         '"reforms" a sham, and President Nicolas Maduro reportedly slammed the brutal crackdown!\n\n'
         "Is this the end? We may never know. Advertisement\n\n")
# name -> (unit text repeated n times, n, targets)
PATTERNS = {
    "story": (STORY, 4, ["Maduro", "Nicolas Maduro"]),
    # Sentences the loadedness model lists, each with its loaded terms (once read Doc.text per term: quadratic).
    "loaded_sentences": ("The brutal regime slammed the radical socialist dictator's sham crackdown. ", 20, None),
    "one_name_many_times": ("Maduro ", 300, ["Maduro Maduro", "Maduro", "Nicolas Maduro"]),
    "names_in_sentences": ("Maduro met Putin. ", 150, ["Maduro"]),
    "many_quotes": ('"a" ', 300, None),
    "html_entities": ("<p>&amp; The regime &quot;fell&quot;.</p>", 60, None),
    "chrome_lines": ("Advertisement\nRead more\nA message from the editors:\n", 120, None),
    "newlines": ("Maduro\n\n\n", 300, ["Maduro"]),
}


def step_work(resources, text: str, targets) -> dict[str, int]:
    """Run every step on ``text`` and return the trace events counted inside each."""
    counts: Counter = Counter()
    current = [""]

    def local(frame, event, arg):
        counts[current[0]] += 1
        return local

    def tracer(frame, event, arg):
        counts[current[0]] += 1
        return local

    def profiler(frame, event, arg):
        counts[current[0]] += 1

    d = Document(resources, text, targets=targets, outlet="The Moscow Times")
    for name, step in STEPS:
        current[0] = name
        sys.settrace(tracer)
        sys.setprofile(profiler)
        try:
            step(d)
        finally:
            sys.setprofile(None)
            sys.settrace(None)
    return dict(counts)


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_every_step_grows_linearly(resources, pattern):
    unit, n, targets = PATTERNS[pattern]
    step_work(resources, unit * n, targets)  # warm-up: lazy imports, caches keyed by words
    work = [step_work(resources, unit * (n * k), targets) for k in (1, 2, 4)]
    for name, _ in STEPS:
        a, b, c = (w.get(name, 0) for w in work)
        if c - b <= 200:  # a step that does (almost) no work at any size
            continue
        growth = (c - b) / max(b - a, 1)
        assert growth < MAX_GROWTH, f"{pattern}: step {name} work {a} -> {b} -> {c} (growth ratio {growth:.2f})"


def test_the_parse_counts_decoded_tokens_not_sent_characters(resources):
    """An entity bomb is as long as what it decodes to: prepare() is linear and the token limit sees the decoding."""
    from service.analysis import TextTooLong, analyze_document

    with pytest.raises(TextTooLong) as info:
        analyze_document(resources, "<p>" + "&amp; " * 20_000 + "</p>", max_tokens=10_000)
    assert info.value.tokens >= 20_000
    assert len(prepare("<p>" + "&amp;" * 1000 + "</p>").text.strip()) == 1000


def test_name_spans_are_linear_for_a_repeated_name():
    """Issue 12: "Maduro Maduro" on "Maduro " x 8000 compared every surname match with every whole-name match."""
    from service.analysis import pipeline

    def work(n):
        counts = Counter()

        def tracer(frame, event, arg):
            counts["e"] += 1
            return tracer

        sys.settrace(tracer)
        try:
            spans = pipeline._name_spans("Maduro Maduro", "Maduro " * n)
        finally:
            sys.settrace(None)
        assert len(spans) == n // 2 + n % 2 or len(spans) >= n // 2
        return counts["e"]

    a, b, c = work(2000), work(4000), work(8000)
    assert (c - b) / (b - a) < MAX_GROWTH, (a, b, c)


def test_caps_cut_targets_and_mentions_and_say_so(resources):
    from service.analysis import analyze_document

    result = analyze_document(resources, "Maduro spoke. " * 150, targets=["Maduro"] * 60)
    assert len(result["targets"]) == 50
    assert result["limits"]["targets"] == [{"found": 60, "scored": 50}]
    assert result["limits"]["target_mentions"][0] == {"name": "Maduro", "found": 150, "scored": 100}
    assert len(result["targets"][0]["mentions"]) == 100
    assert any("Caps cut the work" in n for n in result["notes"])
    small = analyze_document(resources, "Maduro spoke. " * 3, targets=["Maduro"], max_targets=1, max_mentions=2)
    assert small["limits"]["target_mentions"] == [{"name": "Maduro", "found": 3, "scored": 2}]
