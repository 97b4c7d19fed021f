"""Input text: HTML to plain text, and invisible or look-alike characters normalised, with a map back to the
submitted offsets.

The submitted string is never rewritten. When it is HTML, the analysis runs on a plain-text rendering; when it
carries characters a reader does not see or that spell a letter another way (soft hyphens, zero-width spaces, no-break
spaces, ligatures from PDF copy, decomposed accents), the analysis runs on the text as a reader reads it. Every
span is mapped back to the submitted string before it is reported.
"""
from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
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
# Characters a browser, a CMS or a PDF leaves in text that change what the tokenizer sees but not what a reader
# reads (2.4% of the AllSides corpus's articles carry some: soft hyphens, zero-width joiners and spaces above all).
# Format characters (Unicode category Cf) a reader does not see: soft hyphen, Mongolian vowel separator, zero-width
# space, non-joiner and joiner, left-to-right and right-to-left marks, embeddings and isolates, word joiner and
# invisible operators, byte-order mark. Removed, so "re\u00adgime" reads "regime".
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
# Spaces other than U+0020 (no-break, the typographic spaces, narrow no-break, medium mathematical, ideographic)
# become a space, and NEL and the Unicode line and paragraph separators a line break: spaCy makes a token of any
# other space ("Nicolas\u00a0Maduro" was two names). The hyphen and non-breaking hyphen (U+2010, U+2011) become
# "-", which spaCy splits compounds on ("Ocasio\u2011Cortez" was one token its tagger missed as a name). Same
# length, so no offset moves.
_SAME_WIDTH = str.maketrans({**{c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                                             "\u200a\u202f\u205f\u3000"},
                             "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\u2010": "-", "\u2011": "-"})
# What changes length: a run of invisible characters (removed); a Latin ligature (U+FB00-FB06: ff, fi, fl, ffi, ffl,
# long s t, st; PDF copy), spelled out by NFKC; a letter with combining marks (U+0300-036F), composed by NFC where a
# precomposed letter exists ("Nicola\u0301s" -> "Nicolás").
_RESHAPE = re.compile(f"[{_INVISIBLE}]+|[\ufb00-\ufb06]|[^\\W\\d_][\u0300-\u036f]+")
# Inside HTML text a line break of the source is white space, as a browser renders it (CMS bodies and hand-written
# pages are often wrapped in the source): a single one becomes a space, so a wrapped sentence or name stays whole.
# Only in HTML with block structure (paragraph, line-break, list, heading, table or section tags): plain text with a
# stray inline tag ("<a href=...>" in a pasted story) keeps its one-paragraph-a-line breaks; and a blank line (two
# or more breaks) stays a paragraph break. Inside <pre> and <textarea> line breaks are content and stay.
_BLOCK_STRUCTURE = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|table|tr|td|article|section|main)\b[^<>]{0,2000}>",
                              re.IGNORECASE)
_KEEP_BREAKS = frozenset({"pre", "textarea"})
# A plain text is hard-wrapped (an e-mail, a wire feed, a copy from a PDF or a terminal) when most of its lines that
# run on into the next are "full": about as long as its widest lines. Those line breaks are read as spaces; a short
# line (a paragraph's last, a headline) keeps its break. Web pages pasted from a browser have one paragraph a line
# and never qualify (no AllSides, BASIL or seed article does).
WRAP_MIN_LINES = 4  # fewer non-empty lines cannot show a wrap width
# Widths text is wrapped at: RFC 5322 recommends at most 78 characters, wire feeds used 69, PDFs of A4 or letter
# pages give about 80-100; 40 keeps menus and lists of short lines out.
WRAP_WIDTH = (40, 100)
WRAP_SLACK = 20  # a full line ends within this many characters of the width: the next word did not fit
WRAP_SHARE = 0.8  # share of the run-on lines that must be full for the text to count as wrapped
# Character references in text that is not HTML: a CMS field, an RSS description or a database export escapes
# quotes and apostrophes ("Maduro&rsquo;s &ldquo;regime&rdquo;") without any tag. Decoded as in HTML.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# The target of a Markdown link or image ("[officials said](https://...)") is an address, not prose: blanked (same
# width) so that its words ("maduro-socialist-regime") are not read. Only right after "]": prose parentheses stay.
_MD_TARGET = re.compile(r"(?<=\])\((?:https?://|www\.|/)[^()\s]{0,2000}\)")
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
    # When ``text`` is not ``raw`` character for character (HTML, or characters removed or reshaped): the raw start
    # and end offset of each character of ``text``, both non-decreasing.
    _starts: array | None = None
    _ends: array | None = None

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


class _Builder:
    """Text built from pieces of a source string, with each character's source [start, end) kept."""

    def __init__(self):
        self.out: list[str] = []
        self.starts, self.ends = array("q"), array("q")

    def emit(self, chunk: str, start: int, end: int, same_width: bool) -> None:
        """Append ``chunk``: the source's [start, end) itself (``same_width``), or what stands for all of it."""
        self.out.append(chunk)
        if same_width:
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))
        else:
            self.starts.extend([start] * len(chunk))
            self.ends.extend([end] * len(chunk))


def looks_like_html(raw: str) -> bool:
    """Return True when the text carries HTML markup."""
    return _HTML_HINT.search(raw) is not None


def _reshaped(piece: str) -> str:
    """Return what a _RESHAPE match reads as: nothing for invisible characters, else its NFKC (ligatures) or NFC."""
    if piece[0] in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06":
        return unicodedata.normalize("NFKC", piece)
    if piece[0].isalpha():
        return unicodedata.normalize("NFC", piece)
    return ""


def _substitute(text: str, pattern: re.Pattern, replace) -> tuple[str, array | None, array | None]:
    """Return ``text`` with every match of ``pattern`` replaced by ``replace(matched text)``, and the [start, end) in
    ``text`` of each character of the result, a replacement standing for all of its match (None, None when no
    replacement changed anything). Linear time: one pass of the pattern."""
    b, pos, changed = _Builder(), 0, False
    for m in pattern.finditer(text):
        piece = m.group(0)
        new = replace(piece)
        if new == piece:
            continue  # kept as written, in the same-width run around it
        if m.start() > pos:
            b.emit(text[pos:m.start()], pos, m.start(), True)
        b.emit(new, m.start(), m.end(), False)
        pos, changed = m.end(), True
    if not changed:
        return text, None, None
    if pos < len(text):
        b.emit(text[pos:], pos, len(text), True)
    return "".join(b.out), b.starts, b.ends


def normalise(text: str) -> tuple[str, array | None, array | None]:
    """Return ``text`` as a reader reads it, and the [start, end) in ``text`` of each of its characters (None, None
    when no length changed): other spaces become U+0020 and separators a line break (same width), invisible
    characters are removed, ligatures spelled out and decomposed accents composed (_RESHAPE). Linear time: one
    translate and one regular-expression pass."""
    return _substitute(text.translate(_SAME_WIDTH), _RESHAPE, _reshaped)


def _soft_breaks(chunk: str) -> str:
    """Return a chunk of HTML text with its source line breaks as spaces (same length), but those of a blank line
    (a line inside the chunk with only white space on it), which stay paragraph breaks. Linear time."""
    lines = chunk.split("\n")
    n = len(lines)
    if n == 1:
        return chunk
    blank = [0 < k < n - 1 and not lines[k].strip() for k in range(n)]
    out = []
    for k in range(n - 1):
        soft = not blank[k] and not blank[k + 1]
        line = lines[k]
        if soft and line.endswith("\r"):
            line = line[:-1] + " "
        out += [line, " " if soft else "\n"]
    out.append(lines[-1])
    return "".join(out)


def wrap_breaks(text: str) -> list[int]:
    """Return the offsets of the line breaks of a hard-wrapped plain text that only wrap a line (WRAP_* above), or
    [] when the text is not hard-wrapped. Linear time."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos + len(line), len(line.rstrip("\r")), bool(line.strip())))
        pos += len(line) + 1
    widths = sorted(n for _, n, filled in lines if filled)
    if len(widths) < WRAP_MIN_LINES:
        return []
    width = widths[int(0.9 * (len(widths) - 1))]  # the widest lines but a few long words or URLs
    if not WRAP_WIDTH[0] <= width <= WRAP_WIDTH[1]:
        return []
    run_on = [k for k in range(len(lines) - 1) if lines[k][2] and lines[k + 1][2]]
    full = [k for k in run_on if lines[k][1] >= width - WRAP_SLACK]
    if not run_on or len(full) < WRAP_SHARE * len(run_on):
        return []
    return [lines[k][0] for k in full]


def _unwrap(text: str) -> str:
    """Return ``text`` with the line breaks ``wrap_breaks`` finds read as spaces (same length)."""
    breaks = wrap_breaks(text)
    if not breaks:
        return text
    chars = list(text)
    for k in breaks:
        chars[k] = " "
        if k and chars[k - 1] == "\r":
            chars[k - 1] = " "
    return "".join(chars)


def _finish(submitted: str, text: str, starts, ends, is_html: bool) -> Prepared:
    """Normalise ``text``, whose characters come from the submitted string as ``starts``/``ends`` say (None: one for
    one), and return the Prepared text with each character's span composed through both maps."""
    out, ns, ne = normalise(text)
    if ns is None:
        return Prepared(submitted, out, is_html, starts, ends)
    if starts is None:
        return Prepared(submitted, out, is_html, ns, ne)
    return Prepared(submitted, out, is_html, array("q", (starts[i] for i in ns)), array("q", (ends[j - 1] for j in ne)))


def _plain(submitted: str, raw: str) -> Prepared:
    """Prepare text that is not HTML: unwrapped, Markdown link targets blanked (both same width), character
    references decoded (html.unescape leaves a name it does not know as written), normalised."""
    text = _MD_TARGET.sub(lambda m: " " * len(m.group(0)), _unwrap(raw))
    return _finish(submitted, *_substitute(text, _ENTITY, html.unescape), False)


def prepare(submitted: str) -> Prepared:
    """Turn submitted text into analysis text: HTML is stripped (or, in plain text, character references decoded,
    Markdown link targets blanked and hard wraps undone) and the text normalised (``normalise``), with an offset
    map kept whenever a character moved."""
    # A lone UTF-16 surrogate (possible through JSON's \u escapes) is no character: U+FFFD keeps the length.
    raw = SURROGATE.sub("\ufffd", submitted)
    if not looks_like_html(raw):
        return _plain(submitted, raw)
    b, pos, keep_breaks = _Builder(), 0, 0
    blocks = _BLOCK_STRUCTURE.search(raw) is not None

    def source(chunk: str) -> str:  # a source line break in text is a space (same length), but inside <pre>
        if not blocks or keep_breaks or chunk.isspace():
            return chunk  # white space between tags is layout of the source: left as it was
        return _soft_breaks(chunk)

    for m in _MARKUP.finditer(raw):
        if m.start() > pos:
            b.emit(source(raw[pos:m.start()]), pos, m.start(), True)
        name = (m.group("name") or "").lower()
        if name in _KEEP_BREAKS:
            keep_breaks = max(0, keep_breaks + (-1 if m.group("tag").startswith("</") else 1))
        if m.group("entity"):
            b.emit(html.unescape(m.group("entity")), m.start(), m.end(), False)
        elif m.group("tag") and name in _BLOCK_TAGS:
            b.emit("\n", m.start(), m.end(), False)
        pos = m.end()
    if pos < len(raw):
        b.emit(source(raw[pos:]), pos, len(raw), True)
    # Entities decode to the characters normalise() handles ("&shy;", "&nbsp;", "&#8203;"): normalised after
    # decoding, each character's span composed through both maps.
    return _finish(submitted, "".join(b.out), b.starts, b.ends, True)


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
