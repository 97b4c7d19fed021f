"""The texts the cost benchmarks time: the seeds as their stories, so "a 1,000-word article" is what is analysed.

A seed as pasted is a page: its chrome (donation appeals, "Read more", photo credits) is removed by the project's
rules before analysis, so the words on the page are not the words analysed. Joining the first three seeds gave a
"1,070-word" text of which 513 words were analysed (issue 14's cost lines before 2026-11-30 were read on it). The
cost text here is the five seeds' stories, chrome removed by the same rules, joined: 1,385 analysed words, distinct
sentences (no copy the duplicate rules could fold), every figure reported per 1,000 analysed words as well.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_seeds() -> list[dict]:
    """Return the seeds with their manifest rows (file, outlet, headline, ...) and ``text``."""
    with (ROOT / "seeds" / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        row["text"] = (ROOT / "seeds" / row["file"]).read_text(encoding="utf-8")
    return rows


def story_text(res, row) -> str:
    """Return the seed without the spans its outlet's chrome rules remove (donation appeals, footers).

    ``res``: loaded resources (their ``chrome`` rules), or None for the repo's lexicons/chrome.json alone.
    """
    text = row["text"]
    kept, pos = [], 0
    chrome = res.chrome if res is not None else _chrome_rules()
    for span in chrome.find(text, row["outlet"]):
        kept.append(text[pos:span.start])
        pos = span.end
    kept.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()


def _chrome_rules():
    from service.analysis.chrome import ChromeRules

    return ChromeRules.from_file(ROOT / "lexicons" / "chrome.json")


def cost_text(res=None) -> str:
    """Return the five seeds' stories joined: the article the cost lines time (``res`` as for story_text)."""
    return "\n\n".join(story_text(res, row) for row in load_seeds())


def analysed_words(res, text: str) -> int:
    """Return how many words the analysis reads in ``text`` (its ``stats.words``)."""
    from service.analysis import analyze_document

    return int(analyze_document(res, text)["stats"]["words"])
