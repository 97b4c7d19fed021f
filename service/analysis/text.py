"""Input text: HTML to plain text with a map back to the submitted offsets.

The submitted string is never rewritten. When it is HTML, the analysis runs on a plain-text rendering and every
span is mapped back to the submitted string before it is reported.
"""
from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

# Tags we recognise as HTML markup. A lone "<" in prose ("a < b") must not make a text count as HTML.
_HTML_HINT = re.compile(
    r"<(?:/?(?:p|div|br|span|a|h[1-6]|li|ul|ol|em|strong|b|i|u|html|body|head|article|section|blockquote|figure|"
    r"figcaption|img|script|style|table|tr|td|th|header|footer|nav|aside|main|time|small|sup|sub|hr)\b[^<>]{0,2000}>"
    r"|!--)",
    re.IGNORECASE,
)
# One pass over the markup: comments, script/style blocks (content dropped), tags, and character references.
# Each alternative is bounded ([^<>]{0,2000} cannot run past the next tag) or is a lazy match to a fixed terminator
# that, when missing, consumes the rest of the text once: no catastrophic backtracking (tests/test_pathological.py).
_MARKUP = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<drop><(?P<dropname>script|style|noscript|template)\b[^<>]{0,2000}>.*?(?:</(?P=dropname)\s*>|\Z))"
    r"|(?P<tag></?(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)",
    re.IGNORECASE | re.DOTALL,
)
SURROGATE = re.compile("[\ud800-\udfff]")
# Tags after which the text breaks into a new line, so sentences and paragraphs do not run together.
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote figure figcaption table tr td th header footer nav aside "
    "main article section hr title".split()
)


@dataclass
class Prepared:
    """The text the analysis reads, and how its characters map back to the submitted string."""

    raw: str
    text: str
    is_html: bool = False
    # For HTML input: raw start and end offset of each character of ``text``.
    _starts: list[int] | None = None
    _ends: list[int] | None = None

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``text`` to the submitted string."""
        if self._starts is None:
            return start, end
        if end <= start:
            pos = self._starts[start] if start < len(self._starts) else len(self.raw)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def from_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a span of the submitted string to ``text``; None if it covers no text character."""
        if self._starts is None:
            return start, end
        # Both maps are non-decreasing, so two binary searches find the covered characters.
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end)
        return (first, last) if last > first else None


def looks_like_html(raw: str) -> bool:
    """Return True when the text carries HTML markup."""
    return _HTML_HINT.search(raw) is not None


def prepare(submitted: str) -> Prepared:
    """Turn submitted text into analysis text; HTML is stripped with an offset map kept."""
    # A lone UTF-16 surrogate (possible through JSON's \u escapes) is no character: U+FFFD keeps the length.
    raw = SURROGATE.sub("\ufffd", submitted)
    if not looks_like_html(raw):
        return Prepared(submitted, raw)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chunk: str, start: int, end: int, same_width: bool) -> None:
        out.append(chunk)
        if same_width:
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:
            starts.extend([start] * len(chunk))
            ends.extend([end] * len(chunk))

    pos = 0
    for m in _MARKUP.finditer(raw):
        if m.start() > pos:
            emit(raw[pos:m.start()], pos, m.start(), True)
        if m.group("entity"):
            emit(html.unescape(m.group("entity")), m.start(), m.end(), False)
        elif m.group("tag") and m.group("name").lower() in _BLOCK_TAGS:
            emit("\n", m.start(), m.end(), False)
        pos = m.end()
    if pos < len(raw):
        emit(raw[pos:], pos, len(raw), True)
    return Prepared(submitted, "".join(out), True, starts, ends)


class Spans:
    """Sorted, non-overlapping spans with a fast "is this offset inside" test."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def find(self, start: int, end: int | None = None):
        """Return the span containing [start, end) (or the offset ``start``), else None."""
        end = start + 1 if end is None else end
        k = bisect.bisect_right(self._starts, start) - 1
        if k >= 0 and self.spans[k][0] <= start and end <= self.spans[k][1]:
            return self.spans[k]
        return None
