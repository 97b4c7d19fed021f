"""Compare an event's stored coverage without re-analysing: service.analysis.compare over the stored results.

compare() needs each article's text beside its analysis (it counts words per sentence and the own-voice terms);
articles stored without text (FRAMING_STORE_TEXT=0) are left out of it and named in ``excluded``.
"""
from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict

from sqlalchemy import select

from ..analysis.compare import compare
from .db import Store
from .models import Article
from .repository import event_articles, event_summary

# Comparisons kept per process, keyed by the event's content signature: the comparison is deterministic (fixed
# bootstrap seed), so an unchanged event is answered from here; any added, deleted or reanalysed article changes
# the signature. 64 events of 50 articles are a few MB.
CACHE_SIZE = 64
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


class NotEnoughArticles(ValueError):
    """An event needs two comparable articles."""


def article_summary(article) -> dict:
    """Return the columns of an article a listing shows (no text, no analysis)."""
    return {"id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
            "published": article.published, "language": article.language, "lexicon_version": article.lexicon_version,
            "text_stored": article.text_stored}


def signature(store: Store, event_id: int) -> str:
    """Return a digest of what an event's comparison depends on: its articles, their analyses' dates and versions."""
    with store.session() as s:
        rows = s.execute(select(Article.id, Article.analysed_at, Article.lexicon_version, Article.text_hash,
                                Article.outlet, Article.published)
                         .where(Article.event_id == event_id).order_by(Article.id)).all()
    return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()


def compare_event(store: Store, event_id: int, use_cache: bool = True) -> dict:
    """Return the comparison of an event's stored articles (the body of POST /api/v1/compare, articles summarised).

    An event unchanged since its last comparison in this process is answered from the cache.
    """
    event = event_summary(store, event_id)
    key = (str(store.engine.url), event_id, signature(store, event_id))
    if use_cache:
        with _cache_lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
        if hit is not None:
            return {**copy.deepcopy(hit), "event": event}
    body = _compare(store, event_id, event)
    with _cache_lock:
        _cache[key] = copy.deepcopy(body)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return body


def _compare(store: Store, event_id: int, event: dict) -> dict:
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
