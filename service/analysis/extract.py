"""Article extraction: reduce a whole web page to its article, as spans of the analysis text.

A saved page carries navigation, cookie banners, "Most read" lists of other headlines, footers, comments and
inline scripts; none of it is the outlet's voice in the story. trafilatura (Barbaresi 2021, ACL demo; the best
open-source result on the ScrapingHub and Bevendorff et al. 2023 article-extraction benchmarks) finds the article
in the raw HTML. Its text is re-written (whitespace collapsed, entities decoded, inline markup dropped), so it is
never analysed itself: each extracted paragraph is ALIGNED back onto ``Prepared.text`` and the result is a list of
kept spans in that text's coordinates. The submitted string is never rewritten; every offset still maps back.

When nothing is extracted (``find_article`` returns None) the caller keeps the whole text. That happens when:

- the input is not HTML, or is an HTML fragment (a CMS body field): no ``<html>``, ``<head>``, ``<body>`` or
  doctype, so there is no page around the text and all of it is the article;
- the page is larger than ``MAX_PAGE_CHARS`` (bounded time and memory; the web layer caps bodies lower);
- trafilatura fails or finds no article, or what it finds is implausible: fewer than ``MIN_KEPT_CHARS``
  non-space characters could be aligned, or less than ``MIN_ALIGNED_SHARE`` of its text was found in the page
  (then its text is not the page's text and cannot be trusted to point at it) and the readability port that
  trafilatura ships (Arc90's algorithm) does no better. That fallback is for old table-layout pages, whose
  layout table trafilatura renders as a "| cell |" table that is no text of the page.

bench/PAGES.md measures the choice of extractor and these thresholds on built pages of several kinds of site.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field

# The web layer caps request bodies at 1 MB (FRAMING_MAX_BYTES); a batch caller may send more. Above this size a
# page is not extracted (the whole text is kept), which bounds the parser's time and memory on any input.
MAX_PAGE_CHARS = 2_000_000
# trafilatura's own floor for a plausible article is 250 characters (settings.cfg MIN_EXTRACTED_SIZE), below which
# it retries with its fallbacks; ours counts non-space characters, so a little lower.
MIN_KEPT_CHARS = 200
# Aligned share of the extractor's (non-space) text below which the extraction is not trusted. On the built pages
# of bench/PAGES.md trafilatura's text aligns at 0.98-1.0 on five templates and 0.76-0.94 on the old table layout
# when it finds the story there; when it renders the layout table as "| cell |" rows instead, under 0.05 aligns.
MIN_ALIGNED_SHARE = 0.6
# A paragraph of fewer non-space characters than this is aligned only between its long neighbours, so that a
# short subhead ("Background") cannot match the same word in a menu above the article.
_ANCHOR_CHARS = 40
# When a paragraph is not found whole (one character differs), its pieces of this many words are aligned instead;
# pieces shorter than _MIN_PIECE_CHARS non-space characters are not trusted to match in the right place.
_PIECE_WORDS = 6
_MIN_PIECE_CHARS = 12
# Pieces of one paragraph whose matches are at most this many non-space characters apart join into one span:
# the gap is the character the two texts disagree on (an entity without ";", a dropped footnote mark).
_JOIN_GAP = 24
# Failed searches may scan at most this many times the page's length in total (plus a constant), so hostile
# input (thousands of paragraphs that match nothing) stays linear in time.
_SCAN_BUDGET_FACTOR = 40
_SCAN_BUDGET_BASE = 1_000_000

# Characters ignored on both sides of the alignment: whitespace (collapsed differently by the two renderings),
# control and format characters (lxml drops them), the soft hyphen and zero-width characters.
_IGNORED = r"\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060-\u2064\ufeff"
_RUN = re.compile(f"[^{_IGNORED}]+")
_IGNORED_RE = re.compile(f"[{_IGNORED}]+")
# A whole page, not a fragment: a doctype or an html, head or body tag. Bounded attributes, linear scan.
_WHOLE_PAGE = re.compile(r"<!doctype\s+html|<(?:html|head|body)(?:\s[^<>]{0,2000})?>", re.IGNORECASE)
# Where the visible page starts: after <body>, or after </head> when the body tag is omitted (HTML5 allows it), so
# that the <title> text never stands in for the headline.
_BODY_TAG = re.compile(r"<body(?:\s[^<>]{0,2000})?>|</head\s*>", re.IGNORECASE)
# Separators between a headline and the site name in <title> or og:title ("Talks in Rome | The Daily Planet").
_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•]\s+")

_METADATA_KEYS = ("title", "date", "author", "url", "sitename")
_log = logging.getLogger(__name__)


@dataclass
class ArticleExtraction:
    """The article found in a page: spans of ``Prepared.text`` to keep, with the page's metadata."""

    kept: list[tuple[int, int]]
    metadata: dict = field(default_factory=dict)
    method: str = "trafilatura"
    # Non-space characters kept over non-space characters of the analysis text (markup whitespace is not text).
    share_kept: float = 0.0
    # Share of the extractor's own text (non-space characters) that was found in the page.
    aligned_share: float = 1.0


def is_whole_page(raw: str) -> bool:
    """Return True when the HTML is a whole page (doctype, html, head or body tag), not a fragment."""
    return _WHOLE_PAGE.search(raw) is not None


def find_article(raw: str, prepared) -> ArticleExtraction | None:
    """Find the article in a whole web page; return its spans of ``prepared.text``, or None to keep everything.

    ``prepared`` is ``text.prepare(raw)``. Never raises: any failure of the extractor means None.
    """
    try:
        if not isinstance(raw, str) or not getattr(prepared, "is_html", False) or len(raw) > MAX_PAGE_CHARS:
            return None
        if not is_whole_page(raw):
            return None
        doc = _run_trafilatura(raw)
        if doc is None:
            return None
        paragraphs = [line for line in (doc.get("text") or "").split("\n") if line.strip()]
        if not paragraphs:
            return None
        text = prepared.text
        body = _BODY_TAG.search(raw)
        start = 0
        if body is not None:
            mapped = prepared.from_raw(body.end(), len(raw))
            start = mapped[0] if mapped else len(text)
        aligner = Aligner(text)
        title = doc.get("title")
        method = "trafilatura"
        kept, kept_chars, aligned_share = _place_article(aligner, paragraphs, title, start)
        if kept_chars < MIN_KEPT_CHARS or aligned_share < MIN_ALIGNED_SHARE:
            # trafilatura found an article but its text is not the page's (a layout table rendered as
            # "| cell | cell |"): ask the readability port trafilatura ships, and keep its answer if it aligns.
            fallback = _run_readability(raw)
            if not fallback:
                return None
            method = "readability (trafilatura's port)"
            kept, kept_chars, aligned_share = _place_article(aligner, fallback, title, start)
            if kept_chars < MIN_KEPT_CHARS or aligned_share < MIN_ALIGNED_SHARE:
                return None
        text_chars = aligner.length
        metadata = {k: doc[k] for k in _METADATA_KEYS if doc.get(k)}
        return ArticleExtraction(kept=_merge(kept), metadata=metadata, method=method,
                                 share_kept=round(kept_chars / text_chars, 4) if text_chars else 0.0,
                                 aligned_share=round(aligned_share, 4))
    except ImportError:  # a broken install (lxml_html_clean missing) is no hostile page: say so, loudly
        raise
    except Exception:  # noqa: BLE001 - a hostile page must never fail the request; the whole text is kept
        _log.warning("article extraction failed; keeping the whole text", exc_info=True)
        return None


def _place_article(aligner: "Aligner", paragraphs: list[str], title: str | None,
                   start: int) -> tuple[list[tuple[int, int]], int, float]:
    """Align paragraphs (and the headline, when they lack it); return (spans, kept non-space chars, aligned share)."""
    kept, aligned, total = aligner.align(paragraphs, start)
    if title and kept and not aligner.has_headline(title, paragraphs):
        head = aligner.find_headline(title, kept[0][0], start)
        if head is not None and not any(s <= head[0] < e for s, e in kept):
            kept = sorted(kept + [head])
    kept_chars = sum(_nonspace(aligner.text, s, e) for s, e in kept)
    return kept, kept_chars, (aligned / total if total else 0.0)


def _run_readability(raw: str) -> list[str]:
    """Return the paragraphs trafilatura's readability port finds, rendered by text.prepare; [] on failure."""
    try:
        from trafilatura.readability_lxml import Document
        from trafilatura.utils import load_html

        from .text import prepare

        tree = load_html(raw)
        if tree is None:
            return []
        summary = Document(tree).summary()
        return [line for line in prepare(summary).text.split("\n") if line.strip()]
    except ImportError:
        raise
    except Exception:  # noqa: BLE001 - the fallback failing means no fallback
        _log.warning("readability fallback failed", exc_info=True)
        return []


def _run_trafilatura(raw: str) -> dict | None:
    """Run trafilatura on the raw HTML; return its text and metadata as a dict, or None."""
    import trafilatura

    # Comments under the story are readers' voices, not the outlet's; tables in a story are content.
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True,
                                      include_images=False, include_links=False, output_format="python")
    if doc is None:
        return None
    return {"text": doc.text, "title": doc.title, "date": doc.date, "author": doc.author, "url": doc.url,
            "sitename": doc.sitename}


def _nonspace(text: str, start: int, end: int) -> int:
    return sum(len(m.group(0)) for m in _RUN.finditer(text, start, end))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and join overlapping ones (paragraph spans stay apart when whitespace separates them)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class Aligner:
    """Align pieces of re-rendered text onto a text, ignoring whitespace, control and zero-width characters.

    The text is compressed once (ignored characters removed) with a map of runs back to text offsets; every search
    is ``str.find`` on the compressed string from a cursor that only moves forward, so aligning a whole article is
    linear in the page's length (failed searches are bounded by a scan budget).
    """

    def __init__(self, text: str):
        self.text = text
        runs = list(_RUN.finditer(text))
        self.comp = "".join(m.group(0) for m in runs)
        self.length = len(self.comp)
        self._comp_starts: list[int] = []
        self._text_starts: list[int] = []
        pos = 0
        for m in runs:
            self._comp_starts.append(pos)
            self._text_starts.append(m.start())
            pos += m.end() - m.start()
        self._budget = _SCAN_BUDGET_FACTOR * len(self.comp) + _SCAN_BUDGET_BASE

    def to_text(self, c: int) -> int:
        """Map an offset of the compressed string to the text (the character's own offset)."""
        k = bisect.bisect_right(self._comp_starts, c) - 1
        return self._text_starts[k] + (c - self._comp_starts[k])

    def span(self, cs: int, ce: int) -> tuple[int, int]:
        """Map a non-empty compressed span to a text span from its first to just after its last character."""
        return self.to_text(cs), self.to_text(ce - 1) + 1

    def from_text(self, t: int) -> int:
        """Map a text offset to the compressed offset of the first kept character at or after it."""
        k = bisect.bisect_right(self._text_starts, t) - 1
        if k < 0:
            return 0
        run_len = (self._comp_starts[k + 1] if k + 1 < len(self._comp_starts) else self.length) - self._comp_starts[k]
        return self._comp_starts[k] + min(t - self._text_starts[k], run_len)

    def find(self, key: str, lo: int, hi: int | None = None) -> int:
        """Find ``key`` in the compressed text in [lo, hi); -1 when absent or when the scan budget is spent."""
        hi = self.length if hi is None else hi
        if self._budget <= 0 or not key:
            return -1
        pos = self.comp.find(key, lo, hi)
        if pos < 0:
            self._budget -= max(hi - lo, 0)
        return pos

    def rfind(self, key: str, lo: int, hi: int) -> int:
        """Find the last ``key`` in the compressed text in [lo, hi); -1 when absent or the budget is spent."""
        if self._budget <= 0 or not key or hi <= lo:
            return -1
        pos = self.comp.rfind(key, lo, hi)
        if pos < 0:
            self._budget -= hi - lo
        return pos

    def align(self, paragraphs: list[str], start: int = 0) -> tuple[list[tuple[int, int]], int, int]:
        """Align paragraphs in order from text offset ``start``; return (spans, aligned chars, total chars)."""
        keys = [_IGNORED_RE.sub("", p) for p in paragraphs]
        total = sum(len(k) for k in keys)
        found: list[list[tuple[int, int]] | None] = [None] * len(keys)
        cursor = self.from_text(start)
        # Pass 1: long paragraphs (anchors), in order.
        for i, key in enumerate(keys):
            if len(key) >= _ANCHOR_CHARS:
                hits = self._place(paragraphs[i], key, cursor, self.length)
                if hits:
                    found[i] = hits
                    cursor = hits[-1][1]
        # Pass 2: short paragraphs (headline, subheads, list items), each between the anchors found around it,
        # taken from the last one back with rfind: the occurrence nearest the story, not the same words in a menu.
        prev_end, last = [], self.from_text(start)
        for hits in found:
            prev_end.append(last)
            if hits:
                last = hits[-1][1]
        hi = self.length
        for i in range(len(keys) - 1, -1, -1):
            key = keys[i]
            if found[i] is not None:
                hi = found[i][0][0]
                continue
            if len(key) >= _ANCHOR_CHARS:
                continue
            pos = self.rfind(key, prev_end[i], hi)
            if pos >= 0:
                found[i] = [(pos, pos + len(key))]
                hi = pos
        spans, aligned = [], 0
        for hits in found:
            for cs, ce in hits or []:
                spans.append(self.span(cs, ce))
                aligned += ce - cs
        return spans, aligned, total

    def _place(self, paragraph: str, key: str, lo: int, hi: int) -> list[tuple[int, int]]:
        """Find one paragraph whole, else its word pieces near each other; return compressed spans."""
        pos = self.find(key, lo, hi)
        if pos >= 0:
            return [(pos, pos + len(key))]
        words = paragraph.split()
        pieces = [_IGNORED_RE.sub("", "".join(words[k:k + _PIECE_WORDS]))
                  for k in range(0, len(words), _PIECE_WORDS)]
        if len(pieces) > 1 and len(pieces[-1]) < _MIN_PIECE_CHARS:
            pieces[-2:] = [pieces[-2] + pieces[-1]]  # a short tail ("frank.") joins the piece before it
        hits: list[tuple[int, int]] = []
        cursor = lo
        for piece in pieces:
            if len(piece) < _MIN_PIECE_CHARS:
                continue
            # The first piece may be anywhere ahead; the next ones sit close after the previous match.
            window = hi if not hits else min(hi, cursor + 2 * len(piece) + _JOIN_GAP * 4)
            p = self.find(piece, cursor, window)
            if p < 0:
                continue
            if hits and p - hits[-1][1] <= _JOIN_GAP:
                hits[-1] = (hits[-1][0], p + len(piece))
            else:
                hits.append((p, p + len(piece)))
            cursor = p + len(piece)
        if not hits:
            return []
        # Keep the longest run of joined pieces: a stray piece matched elsewhere is not the paragraph.
        best = max(hits, key=lambda h: h[1] - h[0])
        return [best]

    @staticmethod
    def has_headline(title: str, paragraphs: list[str]) -> bool:
        """Return True when the extractor's text already starts with the headline (or its part before "|")."""
        keys = {_IGNORED_RE.sub("", c) for c in [title] + _TITLE_SPLIT.split(title)}
        return any(_IGNORED_RE.sub("", p) in keys for p in paragraphs[:3])

    def find_headline(self, title: str, before: int, lo: int) -> tuple[int, int] | None:
        """Find the headline in the text: its last occurrence before the body (``before``, a text offset)."""
        limit = self.from_text(before)
        floor = self.from_text(lo)
        candidates = [title] + sorted(_TITLE_SPLIT.split(title), key=len, reverse=True)[:1]
        # The headline is the occurrence nearest above the story (a "Trending" bar may repeat it higher up).
        for cand in candidates:
            key = _IGNORED_RE.sub("", cand)
            if len(key) < _MIN_PIECE_CHARS:
                continue
            pos = self.comp.rfind(key, floor, limit)
            if pos >= 0:
                return self.span(pos, pos + len(key))
        return None
