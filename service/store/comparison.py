"""Compare an event's stored coverage without re-analysing: service.analysis.compare over the stored results.

compare() needs each article's text beside its analysis (it counts words per sentence and the own-voice terms);
articles stored without text (FRAMING_STORE_TEXT=0) are left out of it and named in ``excluded``.
"""
from __future__ import annotations

from ..analysis.compare import compare
from .db import Store
from .repository import event_articles, event_summary


class NotEnoughArticles(ValueError):
    """An event needs two comparable articles."""


def article_summary(article) -> dict:
    """Return the columns of an article a listing shows (no text, no analysis)."""
    return {"id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
            "published": article.published, "language": article.language, "lexicon_version": article.lexicon_version,
            "text_stored": article.text_stored}


def compare_event(store: Store, event_id: int) -> dict:
    """Return the comparison of an event's stored articles (the body of POST /api/v1/compare, articles summarised)."""
    event = event_summary(store, event_id)
    articles = event_articles(store, event_id)
    usable = [a for a in articles if a.text is not None and "sentences" in (a.analysis or {})]
    excluded = [{**article_summary(a), "reason": "stored without text (FRAMING_STORE_TEXT=0)" if a.text is None
                 else "analysis predates sentence spans: run `flask --app service reanalyze`"}
                for a in articles if a not in usable]
    if len(usable) < 2:
        raise NotEnoughArticles(f"event {event['key']} has {len(usable)} comparable article(s); a comparison needs 2")
    body = compare([a.analysis for a in usable], [a.text for a in usable], [a.outlet for a in usable])
    versions = sorted({a.lexicon_version for a in usable})
    if len(versions) > 1:
        body["warnings"].append({"kind": "mixed_lexicon_versions", "articles": [], "outlets": [],
                                 "text": f"The articles were analysed with {len(versions)} lexicon versions "
                                         f"({', '.join(versions)}); run `flask --app service reanalyze` so their "
                                         "scores are comparable."})
    body["articles"] = [article_summary(a) for a in usable]
    body["excluded"] = excluded
    body["event"] = event
    return body
