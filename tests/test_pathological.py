"""Pathological texts: every one answers 200 or a documented 413/422, and analysis time grows about linearly.

Growth is checked by analysing the same pattern at two sizes in one run and comparing CPU time (process time, so
other work on the machine matters less) against a generous ratio; there are no absolute second limits except
for the whole-body case, which must finish below the server's worker timeout.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from service.analysis.core import parse_text

ROOT = Path(__file__).resolve().parents[1]
SMALL, FACTOR = 3_000, 4
# Linear growth gives FACTOR; allow 2.5x that for warm-up, caches and noise. Quadratic growth gives FACTOR**2.
MAX_RATIO = FACTOR * 2.5

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
}


def analyse(client, text):
    start = time.process_time()
    resp = client.post("/api/v1/analyze", json={"text": text, "outlet": "Breitbart News", "targets": ["Maduro"]})
    elapsed = time.process_time() - start
    assert resp.status_code in (200, 413, 422), resp.get_data()[:300]
    assert resp.mimetype == "application/json"
    return resp, elapsed


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_text_answers_and_scales_linearly(client, name):
    make = CASES[name]
    analyse(client, make(200))  # warm caches so the first timing is not inflated
    small_resp, small = analyse(client, make(SMALL))
    large_resp, large = analyse(client, make(SMALL * FACTOR))
    ratio = large / max(small, 0.02)
    assert ratio < MAX_RATIO, f"{name}: {small:.2f}s -> {large:.2f}s CPU for {FACTOR}x the text (ratio {ratio:.1f})"


@pytest.mark.parametrize("name", ["right_to_left", "non_english"])
def test_non_english_is_answered_with_a_note(client, name):
    resp, _ = analyse(client, CASES[name](2000))
    assert resp.status_code == 200
    assert any("English" in note for note in resp.get_json()["notes"])


def test_english_has_no_language_note(client, seeds):
    resp, _ = analyse(client, seeds[0]["text"])
    assert not any("English" in note for note in resp.get_json()["notes"])


def test_100000_newlines(client):
    resp, _ = analyse(client, "\n" * 100_000 + "The regime fell.\n" + "\n" * 100_000)
    assert resp.status_code == 200
    assert resp.get_json()["stats"]["sentences"] >= 1
    blank, _ = analyse(client, "\n" * 100_000)
    assert blank.status_code == 422


def test_only_quotes_and_punctuation_answer(client):
    for text in ['"' * 1000, "“”" * 500, "'" * 1000, "!?" * 500, '"a" ' * 250]:
        resp, _ = analyse(client, text)
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

# Runs of punctuation or emoji without spaces: spaCy's tokenizer peels one prefix/suffix character per pass, so the
# core breaks long non-space runs before parsing (core.parse_text).
PUNCTUATION_RUNS = {
    "straight_quotes": '"',
    "curly_quotes": "“",
    "exclamation": "!",
    "emoji": "😀",
}


@pytest.mark.parametrize("name", sorted(PUNCTUATION_RUNS))
def test_punctuation_runs_tokenize_linearly(resources, name):
    def cpu(n):
        start = time.process_time()
        resources.nlp.tokenizer(parse_text(PUNCTUATION_RUNS[name] * n))
        return time.process_time() - start

    cpu(100)
    small, large = cpu(1000), cpu(1000 * FACTOR)
    assert large / max(small, 0.01) < MAX_RATIO, (small, large)


def test_many_quotes_in_one_sentence_scale_linearly(client):
    def make(n):
        return ('"a" ' * n)[:n]

    analyse(client, make(200))
    _, small = analyse(client, make(2000))
    _, large = analyse(client, make(2000 * FACTOR))
    assert large / max(small, 0.02) < FACTOR * 1.5, (small, large)


def test_html_unclosed_script_tags_scale_linearly():
    from service.analysis.text import prepare

    def cpu(n):
        text = "<p>" + "<script " * (n // 8)
        start = time.process_time()
        prepare(text)
        return time.process_time() - start

    small, large = cpu(20_000), cpu(80_000)
    assert large / max(small, 0.01) < MAX_RATIO, (small, large)


def test_many_mentions_and_quotes_scale_linearly(client):
    def make(n):
        return ('Maduro said "no". ' * (n // 18 + 1))[:n]

    analyse(client, make(500))
    _, small = analyse(client, make(6_000))
    _, large = analyse(client, make(6_000 * FACTOR))
    assert large / max(small, 0.02) < FACTOR * 1.6, (small, large)


def test_one_megabyte_single_sentence_within_worker_timeout():
    """A body just under the 1 MB limit is answered (413 text_too_long) well inside the worker timeout."""
    # Run in a child process so the test itself is bounded: it is killed at the worker timeout (25 s).
    code = textwrap.dedent("""
        import json, sys
        from service import create_app
        client = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1_000_000}).test_client()
        text = ("the regime said that the opposition " * 30_000)[:999_900 - 12]
        body = json.dumps({"text": text}).encode()
        assert len(body) < 1_000_000
        print("READY", flush=True)
        resp = client.post("/api/v1/analyze", data=body, content_type="application/json")
        print("STATUS", resp.status_code, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "READY"
        start = time.monotonic()
        out, _ = proc.communicate(timeout=25)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("no answer within 25 s for a 1 MB body")
    status = int(out.split()[-1])
    assert status == 413
    assert time.monotonic() - start < 25
