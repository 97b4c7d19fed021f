"""Keywords of a stored article (actor names, frequent own-voice terms) and event suggestions from them."""
from __future__ import annotations

import unicodedata
from collections import Counter

TOP_TERMS = 25
MIN_TERM_LENGTH = 4
# An article's suggested events: those with coverage published within this many days of it.
WINDOW_DAYS = 3
MAX_SUGGESTIONS = 5
# Weights of shared actors and shared terms in the similarity, and the least similarity worth suggesting. Actors
# carry more: two articles naming the same people on the same days are most likely about one story.
ACTOR_WEIGHT, TERM_WEIGHT = 0.6, 0.4
MIN_SCORE = 0.15


def name_key(name: str) -> str:
    """Return a comparable form of a name: accents, case and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def keywords_of(analysis: dict, text: str | None) -> dict:
    """Return {"actors": [...], "terms": [...]} for one analysis (terms need the text; without it, loaded terms)."""
    actors = sorted({name_key(a["name"]) for a in analysis.get("actors") or [] if a.get("name")})
    counts: Counter = Counter()
    if text is not None and analysis.get("stats"):
        from ..analysis.compare import own_voice_terms

        for term, _s, _e in own_voice_terms(analysis, text):
            if " " not in term and len(term) >= MIN_TERM_LENGTH:
                counts[term] += 1
    else:
        for hit in (analysis.get("loaded_terms") or {}).get("hits") or []:
            if hit.get("entry"):
                counts[hit["entry"]] += 1
    terms = [t for t, _ in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:TOP_TERMS]]
    return {"actors": actors, "terms": terms}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similarity(a: dict, b: dict) -> tuple[float, list[str], list[str]]:
    """Return (score, shared actors, shared terms) of two keyword sets."""
    aa, ba = set(a.get("actors") or ()), set(b.get("actors") or ())
    at, bt = set(a.get("terms") or ()), set(b.get("terms") or ())
    score = ACTOR_WEIGHT * _jaccard(aa, ba) + TERM_WEIGHT * _jaccard(at, bt)
    return score, sorted(aa & ba), sorted(at & bt)


def rank_events(keywords: dict, candidates: list[tuple[int, dict]]) -> list[dict]:
    """Rank events by their best-matching article: ``candidates`` are (event id, article keywords)."""
    best: dict[int, dict] = {}
    for event_id, other in candidates:
        score, actors, terms = similarity(keywords, other)
        if not actors or score < MIN_SCORE:
            continue
        if event_id not in best or score > best[event_id]["score"]:
            best[event_id] = {"event_id": event_id, "score": round(score, 3), "shared_actors": actors,
                              "shared_terms": terms}
    return sorted(best.values(), key=lambda s: (-s["score"], s["event_id"]))[:MAX_SUGGESTIONS]
