"""Page chrome: find the spans a copy-paste from a news page carries that the outlet did not write as the story.

Rules are data (lexicons/chrome.json): case-insensitive patterns over stripped lines. Two positional rules live
here because they are about layout, not words: a short unpunctuated line directly above a photo credit is its
caption, and a very short line directly above a caption is the image's alt text.
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


@dataclass(frozen=True)
class Rule:
    """One chrome pattern."""

    kind: str
    scope: str
    pattern: re.Pattern
    until: re.Pattern | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class ChromeSpan:
    """A removed span of the analysis text."""

    start: int
    end: int
    kind: str
    rule: str


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
        until = re.compile(spec["until"], re.IGNORECASE) if spec.get("until") else None
        return Rule(spec["kind"], spec["scope"], re.compile(spec["pattern"], re.IGNORECASE), until, outlet)

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
        rules = self.rules_for(text, outlet)
        lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]
        kinds: list[tuple[str, str] | None] = [None] * len(lines)
        i = 0
        while i < len(lines):
            content = text[lines[i][0]:lines[i][1]].strip()
            if not content:
                i += 1
                continue
            for rule in rules:
                if not rule.pattern.search(content):
                    continue
                label = (rule.kind, f"{rule.outlet or 'generic'}:{rule.pattern.pattern}")
                if rule.scope == "to_end":
                    for k in range(i, len(lines)):
                        kinds[k] = kinds[k] or label
                    i = len(lines)
                elif rule.scope == "until" and rule.until is not None:
                    k = i
                    while k < len(lines):
                        kinds[k] = kinds[k] or label
                        if rule.until.search(text[lines[k][0]:lines[k][1]].strip()):
                            break
                        k += 1
                    i = k
                else:
                    kinds[i] = label
                break
            i += 1
        self._captions(text, lines, kinds)
        return self._spans(text, lines, kinds)

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
                    kinds[k - 1] = ("caption", "layout:line above a photo credit")
        for k in range(1, len(lines)):
            if kinds[k] and kinds[k][0] == "caption" and not kinds[k - 1]:
                if unpunctuated(k - 1) and 0 < len(words(k - 1)) <= _ALT_MAX_WORDS:
                    kinds[k - 1] = ("caption", "layout:alt text above a caption")

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
                spans.append(ChromeSpan(prev.start, e, prev.kind, prev.rule))
            else:
                spans.append(ChromeSpan(s, e, label[0], label[1]))
        return spans
