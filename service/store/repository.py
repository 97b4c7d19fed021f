"""Store and read articles and events. Plain functions over a Store; no Flask.

Duplicates are refused by the database, not by a look-up before the insert: the unique constraints on ``url`` and
on ``(outlet_key, text_hash)`` decide, and the loser of a race reads the winner's row. So concurrent posts of one
article, from threads, workers or dynos, create it once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..analysis.calibration import metric_values
from ..analysis.compare import outlet_key
from .db import Store
from .keywords import WINDOW_DAYS, keywords_of, rank_events
from .models import SCORE_COLUMNS, Article, Event

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class NotFound(LookupError):
    """No such article or event."""


def text_hash(text: str) -> str:
    """Return the sha256 (hex) of the text as submitted, UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _get(node, *path):
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def score_columns(result: dict) -> dict:
    """Return the main scores of one analysis as column values."""
    values = metric_values(result)
    fi = _get(result, "calibrated", "framing_index")
    cols = {name: _number(values.get(name)) for name in SCORE_COLUMNS}
    cols["framing_index"] = _number(fi.get("value") if isinstance(fi, dict) else fi)
    cols["attribution_loaded_share"] = _number(_get(result, "voice", "attribution", "loaded_share"))
    cols["flesch_reading_ease"] = _number(_get(result, "readability", "flesch_reading_ease"))
    stats = result.get("stats") or {}
    cols["words"] = stats.get("words")
    cols["own_voice_words"] = stats.get("own_voice_words")
    return cols


# Sections of an analysis that quote the text (hits, spans, evidence, sentences); FRAMING_STORE_TEXT=0 drops them.
_TEXT_BEARING = {"hits", "spans", "evidence", "mentions", "labels", "sentences", "removed", "examples"}


def scores_only(result: dict) -> dict:
    """Return the analysis without anything that quotes the text: scores, counts, actor names and sentiment."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _TEXT_BEARING}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    out = strip({k: v for k, v in result.items() if k not in ("title",)})
    out["text_stored"] = False
    return out


def language_of(result: dict, text: str) -> str | None:
    """Return the article's language: the core's when it reports one, else identified here."""
    lang = result.get("language")
    if isinstance(lang, dict):
        lang = lang.get("language") or lang.get("code")
    if isinstance(lang, str) and lang:
        return lang[:16]
    try:
        from ..analysis.language import detect_language

        return detect_language(text).get("language")
    except Exception:  # language identification is a convenience; a failure must not lose the article
        return None


@dataclass
class NewArticle:
    """What a client sends to store an article (the analysis is made by the caller)."""

    text: str
    outlet: str
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    event_key: str | None = None
    event_title: str | None = None


def get_or_create_event(store: Store, key: str, title: str | None = None) -> int:
    """Return the id of the event ``key``, creating it (race-safe: the unique key decides)."""
    with store.session() as s:
        found = s.scalar(select(Event.id).where(Event.key == key))
        if found is not None:
            return found
        s.add(ev := Event(key=key, title=title))
        try:
            s.commit()
            return ev.id
        except IntegrityError:
            s.rollback()
    with store.session() as s:
        return s.scalar(select(Event.id).where(Event.key == key))


def find_duplicate(store: Store, url: str | None, outlet: str, digest: str) -> Article | None:
    """Return the stored article with this url, or else with this outlet and text hash."""
    with store.session() as s:
        if url:
            found = s.scalar(select(Article).where(Article.url == url))
            if found is not None:
                return found
        return s.scalar(select(Article).where(Article.outlet_key == outlet_key(outlet), Article.text_hash == digest))


def add_article(store: Store, new: NewArticle, result: dict) -> tuple[Article, bool]:
    """Insert the article with its analysis; return (article, created). A duplicate returns the stored one."""
    digest = text_hash(new.text)
    event_id = get_or_create_event(store, new.event_key, new.event_title) if new.event_key else None
    keep = store.store_text
    row = Article(url=new.url or None, outlet=new.outlet, outlet_key=outlet_key(new.outlet), title=new.title,
                  published=new.published, language=language_of(result, new.text), event_id=event_id,
                  text_hash=digest, text=new.text if keep else None, text_stored=keep,
                  lexicon_version=result.get("lexicon_version") or "", analysis=result if keep else scores_only(result),
                  keywords=keywords_of(result, new.text if keep else None), **score_columns(result))
    with store.session() as s:
        s.add(row)
        try:
            s.commit()
            return row, True
        except IntegrityError as exc:
            s.rollback()
            error = exc
    found = find_duplicate(store, new.url, new.outlet, digest)
    if found is None:  # another constraint (e.g. the event was deleted meanwhile): not a duplicate, report it
        raise error
    return found, False


# Row ids are 64-bit signed integers in both databases; a larger number in a URL names no row (and SQLite's driver
# would raise OverflowError on it).
MAX_ID = 2**63 - 1


def _row_id(value) -> int | None:
    """Return ``value`` as a row id, or None when no row can have it."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def get_article(store: Store, article_id: int) -> Article:
    """Return one article or raise NotFound."""
    if _row_id(article_id) is None:
        raise NotFound(f"article {article_id}")
    with store.session() as s:
        found = s.get(Article, article_id)
    if found is None:
        raise NotFound(f"article {article_id}")
    return found


def delete_article(store: Store, article_id: int) -> None:
    """Delete one article or raise NotFound."""
    if _row_id(article_id) is None:
        raise NotFound(f"article {article_id}")
    with store.session() as s:
        done = s.execute(delete(Article).where(Article.id == article_id)).rowcount
        s.commit()
    if not done:
        raise NotFound(f"article {article_id}")


def event_of(store: Store, event_id: int | None) -> Event | None:
    """Return the event row for an id (None for None)."""
    if event_id is None:
        return None
    with store.session() as s:
        return s.get(Event, event_id)


def resolve_event(store: Store, ref: str) -> Event:
    """Return the event with id or key ``ref``, or raise NotFound."""
    with store.session() as s:
        found = s.get(Event, _row_id(ref)) if ref.isdigit() and _row_id(ref) else None
        found = found or s.scalar(select(Event).where(Event.key == ref))
    if found is None:
        raise NotFound(f"event {ref}")
    return found


def list_articles(store: Store, *, outlet: str | None = None, event: str | None = None,
                  since: datetime | None = None, until: datetime | None = None, language: str | None = None,
                  page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> tuple[list[Article], int]:
    """Return one page of articles (newest published first, then newest stored) and the total count."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = select(Article)
    if outlet:
        query = query.where(Article.outlet_key == outlet_key(outlet))
    if event:
        ev = resolve_event(store, event)
        query = query.where(Article.event_id == ev.id)
    if since:
        query = query.where(Article.published >= since)
    if until:
        query = query.where(Article.published < until)
    if language:
        query = query.where(Article.language == language)
    with store.session() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery()))
        # Columns only: a page of summaries does not need 20 KB of analysis JSON each.
        rows = s.scalars(query.order_by(Article.published.desc().nulls_last(), Article.id.desc())
                         .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def list_events(store: Store) -> list[dict]:
    """Return every event with its article and outlet counts and its first and last publication date."""
    counts = (select(Article.event_id, func.count(Article.id).label("articles"),
                     func.count(func.distinct(Article.outlet_key)).label("outlets"),
                     func.min(Article.published).label("first_published"),
                     func.max(Article.published).label("last_published"))
              .where(Article.event_id.is_not(None)).group_by(Article.event_id).subquery())
    query = (select(Event, counts.c.articles, counts.c.outlets, counts.c.first_published, counts.c.last_published)
             .outerjoin(counts, counts.c.event_id == Event.id)
             .order_by(counts.c.last_published.desc().nulls_last(), Event.id.desc()))
    with store.session() as s:
        return [{"id": ev.id, "key": ev.key, "title": ev.title, "articles": n or 0, "outlets": k or 0,
                 "first_published": first, "last_published": last, "created_at": ev.created_at}
                for ev, n, k, first, last in s.execute(query).all()]


def event_summary(store: Store, event_id: int) -> dict:
    """Return one event's listing row, or raise NotFound."""
    for row in list_events(store):
        if row["id"] == event_id:
            return row
    raise NotFound(f"event {event_id}")


def event_articles(store: Store, event_id: int) -> list[Article]:
    """Return every article of an event, oldest first."""
    with store.session() as s:
        return list(s.scalars(select(Article).where(Article.event_id == event_id)
                              .order_by(Article.published.asc().nulls_last(), Article.id)).all())


def suggest_events(store: Store, article: Article) -> list[dict]:
    """Return existing events with similar coverage (shared actors and terms) within WINDOW_DAYS of the article."""
    if article.event_id is not None or not article.keywords:
        return []
    when = article.published or article.created_at
    query = select(Article.event_id, Article.keywords).where(Article.event_id.is_not(None), Article.id != article.id)
    if when is not None:
        window = timedelta(days=WINDOW_DAYS)
        query = query.where(or_(Article.published.between(when - window, when + window),
                                Article.published.is_(None) & Article.created_at.between(when - window,
                                                                                         when + window)))
    with store.session() as s:
        candidates = [(eid, kw) for eid, kw in s.execute(query).all() if kw]
        ranked = rank_events(article.keywords, candidates)
        for item in ranked:
            ev = s.get(Event, item["event_id"])
            item["key"], item["title"] = ev.key, ev.title
    return ranked


def assign_event(store: Store, article_id: int, event_key: str, title: str | None = None) -> Article:
    """Attach an article to an event (created if new)."""
    event_id = get_or_create_event(store, event_key, title)
    with store.session() as s:
        done = s.execute(update(Article).where(Article.id == article_id).values(event_id=event_id)).rowcount
        s.commit()
    if not done:
        raise NotFound(f"article {article_id}")
    return get_article(store, article_id)


# ---- reanalysis --------------------------------------------------------------------------------------------------

def stale_articles(store: Store, version: str, after_id: int = 0, limit: int = 100) -> list[Article]:
    """Return up to ``limit`` articles with text whose lexicon version is not ``version``, by id after ``after_id``."""
    with store.session() as s:
        return list(s.scalars(select(Article).where(Article.id > after_id, Article.lexicon_version != version,
                                                    Article.text.is_not(None))
                              .order_by(Article.id).limit(limit)).all())


def articles_with_text(store: Store, after_id: int = 0, limit: int = 500) -> list[Article]:
    """Return up to ``limit`` articles whose text is stored, by id after ``after_id``."""
    with store.session() as s:
        return list(s.scalars(select(Article).where(Article.id > after_id, Article.text.is_not(None))
                              .order_by(Article.id).limit(limit)).all())


def count_stale(store: Store, version: str) -> dict:
    """Return how many articles are not at ``version``: with text (can be rerun) and without."""
    with store.session() as s:
        base = select(func.count(Article.id)).where(Article.lexicon_version != version)
        return {"with_text": s.scalar(base.where(Article.text.is_not(None))),
                "without_text": s.scalar(base.where(Article.text.is_(None)))}


def save_analysis(store: Store, article_id: int, result: dict, text: str) -> None:
    """Replace one article's analysis, scores and keywords in one transaction."""
    with store.session() as s:
        s.execute(update(Article).where(Article.id == article_id).values(
            analysis=result, lexicon_version=result.get("lexicon_version") or "", keywords=keywords_of(result, text),
            analysed_at=func.now(), **score_columns(result)))
        s.commit()
