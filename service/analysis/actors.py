"""Actors: named people, organisations and places, their merged mentions, labels and sentiment.

spaCy's NER finds the mentions; news needs three corrections on top:
- type fixes: en_core_web_sm tags surnames as ORG in places ("Maduro", "Lavrov"); a mention whose text is a
  known person's name or surname in the same document is that person;
- merging: "Nicolas Maduro" = "Maduro"; aliases from lexicons/actor_aliases.tsv ("U.S." = "United States");
  "Russia", "Moscow" and "the Kremlin" stay apart by default, because outlets use them differently and the
  difference is part of the framing;
- descriptions: a definite noun phrase whose head is one of an actor's title nouns ("the Venezuelan president",
  "the dictator") is a mention of that actor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ENTITY_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "NORP": "group"}
# The spaCy entity labels an actor of each type may carry in its own labels ("the Venezuelan capital" for a place
# is fine, "Venezuela" for a person is not: a label that is itself an entity of another type names someone else).
_OWN_ENTITY_LABELS = {"person": {"PERSON"}, "organization": {"ORG"}, "place": {"GPE", "LOC", "FAC"},
                      "group": {"NORP"}}
# Appositives and predicate labels longer than this are clauses, not labels.
_MAX_LABEL_TOKENS = 8
_POSSESSIVE = re.compile(r"(?:['’]s?|\s+)$")


@dataclass
class Mention:
    """One mention of an actor in the analysis text."""

    start: int
    end: int
    text: str
    kind: str  # name | alias | description
    sent_start: int
    in_quote: bool = False


@dataclass
class Actor:
    """An actor with its merged mentions and labels."""

    name: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    heads: set = field(default_factory=set)  # title nouns from labels, for description mentions


# Names are merged on a key that reads the typographic variants of one name as one: the apostrophes of "O’Rourke"
# and "O'Rourke" (right single quotation mark, modifier letter apostrophe, left quotation mark, prime, acute, grave
# and the fullwidth form), and the hyphens of "Ocasio‑Cortez" (hyphen, non-breaking hyphen, figure dash, minus
# sign). Texts mix them: a curled name in the outlet's copy, a straight one in a pasted quote.
_NAME_FOLD = str.maketrans({**{c: "'" for c in "\u2019\u02bc\u2018\u2032\u00b4\u0060\uff07"},
                            **{c: "-" for c in "\u2010\u2011\u2012\u2212"}})


def name_key(name: str) -> str:
    """Return the key actors are merged on: lower case, apostrophe and hyphen variants folded (_NAME_FOLD)."""
    return name.translate(_NAME_FOLD).lower()


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^(?:the)\s+", "", text, flags=re.IGNORECASE)
    return _POSSESSIVE.sub("", text) if text.endswith(("'s", "’s", "'", "’")) else text


class ActorFinder:
    """Build actors from a parsed document."""

    def __init__(self, aliases: dict[str, str] | None = None, not_actors: set[str] | None = None):
        """``aliases`` maps a lower-case surface form to a canonical name; ``not_actors`` lists false entities."""
        self.aliases = aliases or {}
        self.not_actors = not_actors or set()

    def find(self, doc, in_quote) -> list[Actor]:
        """Return actors in order of first mention; ``in_quote(start, end)`` says if a span is quoted speech."""
        # NORP names a group as a plural noun ("Democrats", "Catholics"); as a modifier ("Russian diplomats") or a
        # singular ("the Russian FM") it describes someone else.
        ents = [e for e in doc.ents if e.label_ in ENTITY_TYPES and e.text.strip()
                and (e.label_ != "NORP" or e.root.tag_ in ("NNS", "NNPS") and e.root.dep_ not in ("amod", "compound"))]
        person_full: dict[str, str] = {}
        for e in ents:
            name = _norm(e.text)
            if e.label_ == "PERSON" and len(name.split()) >= 2:
                person_full[name_key(name)] = name
        surname: dict[str, set[str]] = {}
        for full in person_full.values():
            parts = full.split()
            surname.setdefault(name_key(parts[-1]), set()).add(full)

        # Every entity text in the document with its entity labels, to refuse labels that name another entity.
        known: dict[str, set[str]] = {}
        for e in doc.ents:
            known.setdefault(name_key(_norm(e.text)), set()).add(e.label_)
        actors: dict[str, Actor] = {}
        text = doc.text  # Doc.text joins every token on each access: read it once, not once per mention
        for e in ents:
            name = _norm(e.text)
            low = name_key(name)
            if not name or low in self.not_actors or not any(ch.isalpha() for ch in name):
                continue
            etype = ENTITY_TYPES[e.label_]
            canonical, kind = name, "name"
            if low in person_full:
                canonical, etype = person_full[low], "person"
            elif low in surname and len(surname[low]) == 1:
                canonical, etype, kind = next(iter(surname[low])), "person", "alias"
            elif low in self.aliases:
                canonical, kind = self.aliases[low], "alias"
            elif etype == "person":
                # A one-word person whose full name is not in the text ("Putin" alone) stays as written.
                canonical = name
            key = name_key(canonical)
            actor = actors.get(key)
            if actor is None:
                actor = actors[key] = Actor(canonical, etype)
            elif etype == "person":
                actor.type = "person"
            start, end = self._trim(e)
            actor.mentions.append(Mention(start, end, text[start:end], kind, e.sent.start_char,
                                          in_quote(start, end)))
            self._labels(doc, e, actor, known)

        self._descriptions(doc, actors, in_quote, known)
        out = [a for a in actors.values() if a.mentions]
        for a in out:
            a.mentions.sort(key=lambda m: m.start)
        out.sort(key=lambda a: (-len(a.mentions), a.mentions[0].start))
        return out

    @staticmethod
    def _trim(ent) -> tuple[int, int]:
        """Return char offsets of an entity without a leading "the" or trailing possessive."""
        start, end = ent.start, ent.end
        while start < end and ent.doc[start].lower_ == "the":
            start += 1
        while end > start and ent.doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
            end -= 1
        span = ent.doc[start:end]
        return span.start_char, span.end_char

    def _labels(self, doc, ent, actor: Actor, known: dict) -> None:
        """Collect premodifier, appositive and predicate labels attached to one mention."""
        root = ent.root
        # Premodifiers: the contiguous run left of the name inside the name's own subtree ("socialist dictator
        # Nicolas Maduro", "Secretary of State Mike Pompeo"), stopping at a determiner, pronoun, comma or another
        # actor's name.
        i = ent.start - 1
        floor = max(root.left_edge.i, ent.sent.start)
        while i >= floor:
            tok = doc[i]
            if tok.pos_ in ("DET", "PRON") or tok.dep_ in ("poss", "det", "case") or tok.text in ",;:()[]\"“”‘’":
                break
            if tok.ent_type_ in ("PERSON", "ORG") and tok.ent_iob_ != "O":
                break
            i -= 1
        self._add_label(actor, doc[i + 1:ent.start], "premodifier", known)
        for child in root.children:
            if child.dep_ == "appos" and not (ent.start <= child.i < ent.end):
                toks = [t for t in child.subtree if t.i > ent.end - 1]
                cut = [t for t in toks if t.dep_ in ("relcl", "acl") and t.head == child or t.text in ",;()"]
                stop = min((t.i for t in cut), default=toks[-1].i + 1 if toks else child.i + 1)
                span = doc[child.left_edge.i if child.left_edge.i >= ent.end else ent.end:stop]
                self._add_label(actor, span, "appositive", known)
        # "recognized Guaido as interim president": an "as" phrase on the name or on the verb governing it.
        for holder in (root, root.head if root.dep_ in ("dobj", "nsubjpass") else None):
            for child in getattr(holder, "children", ()):
                if child.dep_ == "prep" and child.lower_ == "as" and child.i > ent.end - 1:
                    objs = [c for c in child.children if c.dep_ == "pobj"]
                    if objs:
                        self._add_label(actor, doc[objs[0].left_edge.i:objs[0].i + 1], "predicate", known)
        if root.dep_ == "nsubj" and root.head.lemma_ == "be":
            for child in root.head.children:
                if child.dep_ == "attr":
                    self._add_label(actor, doc[child.left_edge.i:child.right_edge.i + 1], "predicate", known)

    @staticmethod
    def _add_label(actor: Actor, span, kind: str, known: dict | None = None) -> None:
        """Attach a label span to an actor unless it is empty, too long, or names another entity."""
        toks = [t for t in span if not t.is_punct or t.text in "-–"]
        while toks and toks[0].pos_ in ("DET", "PRON", "CCONJ", "ADP", "PUNCT"):
            toks.pop(0)
        if not toks or len(toks) > _MAX_LABEL_TOKENS or not any(t.is_alpha for t in toks):
            return
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
        label_span = span.doc[toks[0].i:toks[-1].i + 1]
        text = label_span.text  # = doc.text[start:end], without joining the whole doc
        # The label's head: its last word before any preposition, when a noun ("spokeswoman" in "spokeswoman for Russia's
        # foreign ministry", "leader" in "opposition Venezuelan leader"): English noun phrases put the head after
        # their premodifiers and before their prepositional postmodifiers, whose nouns name someone else.
        first_adp = next((k for k, t in enumerate(toks) if t.pos_ == "ADP"), len(toks))
        last = toks[first_adp - 1] if first_adp else None
        head = last if last is not None and last.pos_ in ("NOUN", "PROPN") else None  # "Russian-backed": none
        if ActorFinder._names_another_entity(actor, head, text, known or {}):
            return
        actor.labels.append({"text": text, "start": start, "end": end, "kind": kind,
                             "head": head.lemma_.lower() if head is not None else None})
        if head is not None and not head.ent_type_:
            actor.heads.add(head.lemma_.lower())

    @staticmethod
    def _names_another_entity(actor: Actor, head, text: str, known: dict) -> bool:
        """Return whether a label is itself an entity of another type than the actor's ("Venezuela" for a person).

        Either the label's head noun sits in an entity of another type, or the label or its head noun is written
        elsewhere in the document as such an entity (the small model often leaves a country untagged inside a
        title run, "Special Representative for Venezuela Elliott Abrams", and tags it elsewhere). A label without a
        noun ("Russian-backed") is refused only when all of it is such an entity ("Venezuelan").
        """
        own = _OWN_ENTITY_LABELS.get(actor.type, set())
        if head is not None and head.ent_type_ and head.ent_type_ not in own:
            return True
        forms = (name_key(_norm(text)),) if head is None else (name_key(_norm(text)), name_key(head.text))
        for form in forms:
            if known.get(form, set()) - own:
                return True
        return False

    def _descriptions(self, doc, actors: dict[str, Actor], in_quote, known: dict) -> None:
        """Resolve definite descriptions ("the Venezuelan president") to the one actor with that title."""
        taken = {(m.start, m.end) for a in actors.values() for m in a.mentions}
        by_head: dict[str, list[Actor]] = {}
        for a in actors.values():
            if a.type == "person":
                for h in a.heads:
                    by_head.setdefault(h, []).append(a)
        if not by_head:
            return
        for chunk in doc.noun_chunks:
            head = chunk.root
            cands = by_head.get(head.lemma_.lower())
            if not cands or head.ent_type_ or head.pos_ != "NOUN":
                continue
            first = chunk[0]
            if not (first.lower_ == "the" or first.dep_ == "poss" and first.ent_type_ == "GPE"):
                continue
            if head.tag_ in ("NNS", "NNPS") or head.dep_ == "appos" or any(c.dep_ == "appos" for c in head.children):
                continue  # "the two leaders" is not one actor; "the minister, Ivan Gil," names its own actor
            modifiers = [t for t in chunk if t.i != head.i and not t.is_stop and t.is_alpha]
            # Every modifier must agree with something the text already called the actor: "the Venezuelan
            # president" resolves to the actor labelled "Venezuelan President", not to the Russian one.
            # Five-letter prefixes let "Venezuela's" match "Venezuelan".
            cands = [a for a in cands if all(any(t.lower_[:5] in l["text"].lower() for l in a.labels)
                                             for t in modifiers)]
            if len(cands) != 1:
                continue
            actor = cands[0]
            start, end = chunk.start_char, chunk.end_char
            if (start, end) in taken or any(m.start < end and start < m.end for m in actor.mentions):
                continue
            actor.mentions.append(Mention(start, end, chunk.text, "description", chunk.sent.start_char,
                                          in_quote(start, end)))
            self._add_label(actor, chunk, "description", known)
