"""Quoted text: direct speech, partial quotes and scare quotes.

Quotes are paired per paragraph. A quote left open at a paragraph's end closes there: news style opens each
paragraph of a multi-paragraph quote without closing the previous one. Classification needs the sentence around
the quote, so it happens in ``classify`` once sentences and attribution cues are known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Fragments of up to this many words are partial or scare quotes; longer ones are speech. Four words covers the
# scare-quote examples in the seeds ("legitimate government", 'Flagrant,') and in the style guides' examples
# (AP Stylebook: quotation marks "to indicate irony or unfamiliar terms").
FRAGMENT_MAX_WORDS = 4

_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”“»"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@dataclass
class Quote:
    """A quoted span: [start, end) includes the marks; [inner_start, inner_end) is what is inside them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    kind: str = "speech"  # speech | partial | scare
    words: int = 0

    @property
    def is_speech(self) -> bool:
        """Return True for quoted words of someone else (speech or partial quote), not scare quotes."""
        return self.kind in ("speech", "partial")


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def find_quotes(text: str, blocked: list[tuple[int, int]] = ()) -> list[Quote]:
    """Return quoted spans in text order; ``blocked`` spans (page chrome) are skipped."""
    quotes: list[Quote] = []
    pos = 0
    for para in text.split("\n"):
        start = pos
        pos += len(para) + 1
        if not para.strip() or any(s <= start < e for s, e in blocked):
            continue
        quotes.extend(_pair(para, start))
    return quotes


def _pair(para: str, offset: int) -> list[Quote]:
    out: list[Quote] = []
    n = len(para)
    double_open: int | None = None
    single_open: int | None = None
    straight_open: int | None = None
    for i, ch in enumerate(para):
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < n else " "
        if ch == '"':
            if straight_open is None:
                straight_open = i
            else:
                out.append(_make(para, offset, straight_open, i + 1))
                straight_open = None
        elif ch in "“„«" and double_open is None and straight_open is None:
            double_open = i
        elif ch in "”»" and double_open is not None:
            out.append(_make(para, offset, double_open, i + 1))
            double_open = None
        elif ch == "‘" and single_open is None and not _is_letter(prev):
            single_open = i
        elif ch == "’" and single_open is not None and not (_is_letter(prev) and _is_letter(nxt)):
            # ’ between letters is an apostrophe (leader’s, isn’t); after a letter and before a space or
            # punctuation it may still be a possessive (Guaidos’), so only close a quote that is open.
            if not _is_letter(nxt):
                out.append(_make(para, offset, single_open, i + 1))
                single_open = None
    for opened in (double_open, straight_open):
        if opened is not None:
            end = len(para.rstrip())
            if end > opened + 1:
                out.append(_make(para, offset, opened, end, closed=False))
    out.sort(key=lambda q: q.start)
    # Drop quotes nested inside another (a ‘single’ quote inside “double” speech belongs to the speech).
    kept: list[Quote] = []
    for q in out:
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


def _make(para: str, offset: int, i: int, j: int, closed: bool = True) -> Quote:
    inner_start, inner_end = i + 1, j - 1 if closed else j
    words = len(_WORD.findall(para[inner_start:inner_end]))
    return Quote(offset + i, offset + j, offset + inner_start, offset + inner_end, "speech", words)


def classify(quotes: list[Quote], sentence_of, has_attribution) -> None:
    """Set each quote's kind: long quotes are speech; short ones are partial if attributed, else scare.

    ``sentence_of(q)`` returns the (start, end) of the sentence holding the quote; ``has_attribution(start, end,
    skip)`` says whether that sentence carries a speech cue (an attribution verb, "according to", "called")
    outside the span ``skip``.
    """
    for q in quotes:
        if q.words > FRAGMENT_MAX_WORDS:
            q.kind = "speech"
            continue
        s, e = sentence_of(q)
        q.kind = "partial" if has_attribution(s, e, (q.start, q.end)) else "scare"
