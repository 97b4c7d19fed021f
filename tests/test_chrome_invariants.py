"""Chrome never eats story text (issue 11 §1), as invariants over any concatenation of articles in any order.

A newsroom pastes a page of stories, the batch joins a feed, an appeal sits mid-page: whatever the order, and with
or without each article's own chrome,
- the own-voice words of the joined text are at least 98% of the sum over the parts analysed alone;
- removing chrome never removes a line that is story text of any article in the join.
Articles: the seeds (as pasted, and with their chrome removed), hand-made stories that use chrome's words in story
sentences, and BASIL articles read from /work/shared/evaldata at test time (skipped when absent; their text is
never copied into the repository).
"""
from __future__ import annotations

import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.datasets import EVALDATA, load_basil
from service.analysis.chrome import ChromeRules
from service.analysis.pipeline import Document, run
from tests.conftest import ROOT, load_seeds

APPEAL = ("A message from The Daily Planet:\n\nDear readers,\n\nIndependent journalism needs you. Every contribution, "
          "however small, keeps our reporters in the field.\n\nOnce\nMonthly\nContinue\nRemind me later.")
# Hand-made stories whose story lines use the words chrome rules look for.
HAND_MADE = [
    "Charity asks for help\n\nThe group asked supporters to donate the cost of a meal to the shelter.\n\n"
    "\"Your support keeps us open,\" the director said. Volunteers said donations fell by a third this year.",
    "A message from the president:\n\n\"We will not be silenced,\" Maduro told supporters in Caracas on Sunday.\n\n"
    "Critics said the speech offered no plan. Once again the opposition boycotted the session.",
    "Parliament debates comments\n\nLawmakers spent the day on comments the minister made about the press.\n\n"
    "Continue reading the bill, the speaker told members, before the vote on Monday.",
    "Council votes on the budget\n\nThe council approved the budget by seven votes to two after a long debate "
    "about road repairs.\n\nThe mayor said the vote showed the city could still agree on basics.",
]
# The same stories with chrome around them: a complete appeal, and an appeal cut before its end line.
HAND_MADE_CHROME = [HAND_MADE[3] + "\n\n" + APPEAL, "Advertisement\n\n" + HAND_MADE[0] + "\n\nRead more\nShare",
                    HAND_MADE[2] + "\n\n" + APPEAL.rsplit("\n", 5)[0]]
# A sample of BASIL articles (every 10th): enough variety, bounded test time.
BASIL_STEP = 10


@pytest.fixture(scope="module")
def rules():
    return ChromeRules.from_file(ROOT / "lexicons" / "chrome.json")


def _without_chrome(rules: ChromeRules, text: str) -> str:
    kept, pos = [], 0
    for span in rules.find(text):
        kept.append(text[pos:span.start])
        pos = span.end
    return re.sub(r"\n{3,}", "\n\n", "".join(kept + [text[pos:]])).strip()


@functools.lru_cache(maxsize=1)
def articles() -> tuple[str, ...]:
    """Return every article of the pool: seeds with and without chrome, hand-made, BASIL (when present)."""
    rules = ChromeRules.from_file(ROOT / "lexicons" / "chrome.json")
    seeds = [row["text"] for row in load_seeds()]
    pool = seeds + [_without_chrome(rules, t) for t in seeds] + HAND_MADE + HAND_MADE_CHROME
    if (EVALDATA / "basil" / "articles").is_dir():
        pool += [a.text for a in load_basil()[::BASIL_STEP]]
    return tuple(pool)


def story_lines(rules: ChromeRules, text: str) -> list[tuple[int, int]]:
    """Return the [start, end) of each line with words that chrome leaves alone when the article stands alone."""
    spans = rules.find(text)
    out, pos = [], 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if line.strip() and not any(s < end and start < e for s, e in ((c.start, c.end) for c in spans)):
            out.append((start, end))
    return out


def joined(order: list[int]) -> tuple[str, list[int]]:
    """Join articles by a blank line, as a page of stories is pasted; return the text and each article's offset."""
    pool = articles()
    offsets, pos = [], 0
    for k in order:
        offsets.append(pos)
        pos += len(pool[k]) + 2
    return "\n\n".join(pool[k] for k in order), offsets


orders = st.lists(st.integers(min_value=0, max_value=len(articles()) - 1), min_size=2, max_size=5)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(order=orders)
def test_chrome_never_removes_another_articles_story_line(rules, order):
    text, offsets = joined(order)
    removed = [(c.start, c.end) for c in rules.find(text)]
    for k, base in zip(order, offsets):
        for s, e in story_lines(rules, articles()[k]):
            hit = [(a, b) for a, b in removed if a < base + e and base + s < b]
            assert not hit, f"chrome removed story text of article {k}: {text[base + s:base + e][:80]!r}"


def own_voice_words(resources, text: str) -> int:
    return run(Document(resources, text), until="attribution").words_own


@functools.lru_cache(maxsize=None)
def _part_words(k: int) -> int:
    from service.analysis import default_resources

    return own_voice_words(default_resources(), articles()[k])


def _check_join(resources, order):
    text, _ = joined(order)
    parts = sum(_part_words(k) for k in order)
    whole = own_voice_words(resources, text)
    assert whole >= 0.98 * parts, (order, whole, parts)


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.integers(min_value=0, max_value=len(articles()) - 1), min_size=2, max_size=4))
def test_joined_text_keeps_its_parts_own_voice_words(resources, order):
    _check_join(resources, order)


@pytest.mark.parametrize("shift", range(5))
def test_the_five_seeds_joined_in_any_rotation_keep_their_words(resources, shift):
    """Issue 11's case: the five seeds joined kept 6-81% of their own-voice words, depending on order."""
    order = [(k + shift) % 5 for k in range(5)]
    _check_join(resources, order if shift % 2 else order[::-1])


def test_a_block_without_its_end_line_is_refused_and_reported(rules):
    text = HAND_MADE_CHROME[2] + "\n\n" + HAND_MADE[3]
    found = rules.scan(text)
    assert [s.kind for s in found.skipped] == ["donation_appeal"]
    assert "refused" in found.skipped[0].reason
    assert HAND_MADE[3].split("\n")[-1] in text and not any(
        text.index(HAND_MADE[3]) < c.end for c in found.spans if c.kind == "donation_appeal")


def test_a_block_that_would_blank_most_of_the_text_is_refused(rules):
    found = rules.scan(APPEAL)
    assert found.skipped and "more than 60%" in found.skipped[0].reason
    dear = APPEAL.index("Dear readers")
    assert not any(c.start <= dear < c.end for c in found.spans)


def test_rules_without_a_bounded_end_are_rejected_at_load():
    with pytest.raises(ValueError, match="never at the end of the text"):
        ChromeRules({"generic": [{"kind": "x", "scope": "to_end", "pattern": "^comments$"}]})
    with pytest.raises(ValueError, match="no 'until'"):
        ChromeRules({"generic": [{"kind": "x", "scope": "block", "pattern": "^comments$"}]})
