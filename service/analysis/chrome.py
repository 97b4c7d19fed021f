"""Page chrome: find the spans a copy-paste from a news page carries that the outlet did not write as the story.

Rules are data (lexicons/chrome.json): case-insensitive patterns over stripped lines. Two positional rules live
here because they are about layout, not words: a short unpunctuated line directly above a photo credit is its
caption, and a very short line directly above a caption is the image's alt text.

Chrome never eats story text (issue 11): a ``line`` rule removes one line; a ``block`` rule removes from its start
line through an explicit end line (``until``), and only when that end line comes within ``max_words`` words. There
is no "to the end of the text": a page of several articles, or an appeal in mid-page, keeps every other article. A
block that would run past its bound, or blank more than MAX_BLOCK_SHARE of the text, is refused at run time and
reported as skipped, with the reason.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# A caption is short and has no sentence-final full stop; 40 words covers the seeds' and BASIL-style captions.
_CAPTION_MAX_WORDS = 40
# Alt text above a caption ("Maduro and Putin") is a handful of words.
_ALT_MAX_WORDS = 6
_LINE = re.compile(r"[^\n]*\n?")
# A block rule blanks at most this many words from its start line through its end line (a rule may set fewer with
# ``max_words``). The longest block in the seeds, The Moscow Times' donation appeal, is 174 words.
MAX_BLOCK_WORDS = 300
# A block is refused when it would blank more than this share of the text's words. The seeds' appeals are 40-51% of
# what was pasted (a short story with a long appeal); a block that is most of the text is more likely a misfire.
MAX_BLOCK_SHARE = 0.6
# A block never runs across what looks like the next article's headline: a line of 3 to 25 words with no closing
# punctuation, followed by a blank line. The appeals' own short lines are buttons of 1-2 words ("Once", "Support
# us") or end in punctuation ("Dear readers,", "Not ready to support today?"); headlines in the seeds and BASIL
# titles are 5-20 words.
_HEADLINE_WORDS = (3, 25)
_CLOSING = tuple(".!?:,;\"”’)…")
_LAYOUT_CAPTION = ("caption", "layout:line above a photo credit", "a photo caption (the short line above a credit)")
_LAYOUT_ALT = ("caption", "layout:alt text above a caption", "an image's alt text (the short line above a caption)")


@dataclass(frozen=True)
class Rule:
    """One chrome pattern."""

    kind: str
    scope: str  # line | block
    pattern: re.Pattern
    until: re.Pattern | None = None
    outlet: str | None = None
    description: str = ""
    max_words: int = MAX_BLOCK_WORDS

    @property
    def name(self) -> str:
        """Return the rule's id: its outlet (or "generic") and its pattern."""
        return f"{self.outlet or 'generic'}:{self.pattern.pattern}"


@dataclass(frozen=True)
class ChromeSpan:
    """A removed span of the analysis text."""

    start: int
    end: int
    kind: str
    rule: str
    description: str = ""


@dataclass(frozen=True)
class SkippedRule:
    """A block rule that matched its start line but was refused: [start, end) is that line."""

    start: int
    end: int
    kind: str
    rule: str
    description: str
    reason: str


@dataclass
class ChromeResult:
    """What a chrome pass removed, and which block rules it refused."""

    spans: list[ChromeSpan]
    skipped: list[SkippedRule]


def _headline_like(text: str, lines, k: int, content: str, n: int) -> bool:
    """Return True when line ``k`` looks like a headline: 3-25 words, no closing punctuation, a blank line next."""
    if not (_HEADLINE_WORDS[0] <= n <= _HEADLINE_WORDS[1]) or content.endswith(_CLOSING):
        return False
    return k + 1 < len(lines) and not text[lines[k + 1][0]:lines[k + 1][1]].strip()


def slugify(name: str) -> str:
    """Return the profile id of an outlet name ("The Moscow Times" -> "the-moscow-times")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class ChromeRules:
    """Generic and per-outlet chrome rules loaded from a JSON file."""

    def __init__(self, data: dict):
        self.meta = data.get("meta", {})
        self.generic = [self._rule(r) for r in data.get("generic", [])]
        self.outlets: dict[str, list[Rule]] = {}
        self.markers: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        for slug, spec in data.get("outlets", {}).items():
            self.outlets[slug] = [self._rule(r, slug) for r in spec.get("rules", [])]
            if spec.get("marker"):
                self.markers[slug] = spec["marker"]
            for name in spec.get("names", []):
                self.aliases[slugify(name)] = slug

    @classmethod
    def from_file(cls, path: str | Path) -> "ChromeRules":
        """Load rules from lexicons/chrome.json or a file of the same shape."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @staticmethod
    def _rule(spec: dict, outlet: str | None = None) -> Rule:
        scope = spec["scope"]
        if scope not in ("line", "block"):
            raise ValueError(f"chrome rule {spec['pattern']!r}: scope {scope!r} is not 'line' or 'block' "
                             "(a block ends at an explicit 'until' line, never at the end of the text)")
        if scope == "block" and not spec.get("until"):
            raise ValueError(f"chrome block rule {spec['pattern']!r} has no 'until' end line")
        until = re.compile(spec["until"], re.IGNORECASE) if spec.get("until") else None
        max_words = min(int(spec.get("max_words", MAX_BLOCK_WORDS)), MAX_BLOCK_WORDS)
        return Rule(spec["kind"], scope, re.compile(spec["pattern"], re.IGNORECASE), until, outlet,
                    spec.get("description", ""), max_words)

    def outlet_id(self, outlet: str | None) -> str | None:
        """Return the profile id for an outlet name, or None when it has no chrome rules."""
        if not outlet:
            return None
        return self.aliases.get(slugify(outlet))

    def rules_for(self, text: str, outlet: str | None) -> list[Rule]:
        """Return generic rules plus those of the named outlet and of any outlet whose marker is in the text."""
        slugs = {s for s in [self.outlet_id(outlet)] if s}
        slugs.update(s for s, marker in self.markers.items() if marker in text)
        return [r for s in sorted(slugs) for r in self.outlets[s]] + self.generic

    def find(self, text: str, outlet: str | None = None) -> list[ChromeSpan]:
        """Return the chrome spans of ``text``, merged and in order."""
        return self.scan(text, outlet).spans

    def scan(self, text: str, outlet: str | None = None) -> ChromeResult:
        """Return the chrome spans of ``text`` (merged, in order) and the block rules refused, with reasons."""
        rules = self.rules_for(text, outlet)
        lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]
        kinds: list[tuple[str, str, str] | None] = [None] * len(lines)
        skipped: list[SkippedRule] = []
        total_words = len(text.split())
        i = 0
        while i < len(lines):
            content = text[lines[i][0]:lines[i][1]].strip()
            if not content:
                i += 1
                continue
            for rule in rules:
                if not rule.pattern.search(content):
                    continue
                label = (rule.kind, rule.name, rule.description)
                if rule.scope == "block":
                    end, reason = self._block_end(text, lines, i, rule, total_words)
                    if end is None:
                        skipped.append(SkippedRule(*self._stripped(text, *lines[i]), rule.kind, rule.name,
                                                   rule.description, reason))
                        continue  # refused: a later rule (a line rule) may still apply to this line
                    for k in range(i, end + 1):
                        kinds[k] = kinds[k] or label
                    i = end
                else:
                    kinds[i] = label
                break
            i += 1
        self._captions(text, lines, kinds)
        return ChromeResult(self._spans(text, lines, kinds), skipped)

    @staticmethod
    def _block_end(text: str, lines, i: int, rule: Rule, total_words: int) -> tuple[int | None, str]:
        """Return the index of a block's end line (or None) and, when None, why the block is refused.

        The walk stops after ``rule.max_words`` words (a blank line counts as one, so a run of blank lines is
        bounded too): each start line costs at most MAX_BLOCK_WORDS steps, whatever follows it.
        """
        words = steps = 0
        other = False  # seen a line that is not another copy of the start line
        for k in range(i, len(lines)):
            content = text[lines[k][0]:lines[k][1]].strip()
            n = len(content.split())
            words += n
            steps += max(n, 1)
            if steps > rule.max_words:
                return None, (f"its end line ({rule.until.pattern}) does not come within {rule.max_words} words of "
                              "its start: refused rather than blank story text")
            if k > i and n and not rule.until.search(content):
                if rule.pattern.search(content) and other:
                    return None, ("another start line of the same rule comes before its end line: refused, the "
                                  "first copy is cut short")
                if _headline_like(text, lines, k, content, n):
                    return None, (f"it would run across a headline-like line ({content[:60]!r}) before its end "
                                  "line: refused, another article may start there")
                other = other or not rule.pattern.search(content)
            if n and rule.until.search(content):
                if words > MAX_BLOCK_SHARE * total_words:
                    return None, (f"it would blank {words} of the text's {total_words} words (more than "
                                  f"{MAX_BLOCK_SHARE:.0%}): refused rather than blank most of the text")
                return k, ""
        return None, f"the text ends before its end line ({rule.until.pattern}): refused rather than blank to the end"

    @staticmethod
    def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
        content = text[start:end]
        return start + len(content) - len(content.lstrip()), end - (len(content) - len(content.rstrip()))

    @staticmethod
    def _captions(text: str, lines, kinds) -> None:
        """Mark a caption line directly above a photo credit, and alt text directly above a caption."""
        def words(k):
            return text[lines[k][0]:lines[k][1]].split()

        def unpunctuated(k):
            content = text[lines[k][0]:lines[k][1]].strip()
            return bool(content) and content[-1] not in ".!?:\"”’"

        for k in range(1, len(lines)):
            if kinds[k] and kinds[k][0] == "photo_credit" and not kinds[k - 1]:
                if unpunctuated(k - 1) and 0 < len(words(k - 1)) <= _CAPTION_MAX_WORDS:
                    kinds[k - 1] = _LAYOUT_CAPTION
        for k in range(1, len(lines)):
            if kinds[k] and kinds[k][0] == "caption" and not kinds[k - 1]:
                if unpunctuated(k - 1) and 0 < len(words(k - 1)) <= _ALT_MAX_WORDS:
                    kinds[k - 1] = _LAYOUT_ALT

    @staticmethod
    def _spans(text: str, lines, kinds) -> list[ChromeSpan]:
        spans: list[ChromeSpan] = []
        for (start, end), label in zip(lines, kinds):
            if not label:
                continue
            content = text[start:end]
            lead = len(content) - len(content.lstrip())
            trail = len(content) - len(content.rstrip())
            s, e = start + lead, end - trail
            if e <= s:
                continue
            if spans and spans[-1].kind == label[0] and not text[spans[-1].end:s].strip():
                prev = spans.pop()
                spans.append(ChromeSpan(prev.start, e, prev.kind, prev.rule, prev.description))
            else:
                spans.append(ChromeSpan(s, e, *label))
        return spans
