"""Tables: events and articles. Main scores are real columns (Datasette, pandas and SQL read them directly); the
full analysis JSON sits beside them. The schema itself is created and changed only by the Alembic migrations in
service/store/migrations; these classes must match the head revision (tests/test_store.py checks they do).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names fixed by convention so migrations name them the same way on SQLite and PostgreSQL.
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")

MAX_URL = 2000
MAX_KEY = 200

# The main scores kept as columns: name -> where service.analysis.calibration.metric_values finds it, plus a few
# read straight from the result (see repository.score_columns).
SCORE_COLUMNS = (
    "loaded_density", "loaded_weighted_density", "framing_index", "hedge_rate", "booster_rate",
    "loaded_attribution_rate", "attribution_loaded_share", "scare_quote_rate", "quote_share", "first_person_rate",
    "question_rate", "exclamation_rate", "flesch_kincaid_grade", "flesch_reading_ease", "loadedness_mean",
    "loadedness_max", "actor_sentiment_spread",
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Event(Base):
    """A story followed over time; articles point at it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True)
    title: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Article(Base):
    """One stored article with its analysis."""

    __tablename__ = "articles"
    __table_args__ = (
        # Without a url, the same outlet and the same text are the same article.
        UniqueConstraint("outlet_key", "text_hash", name="uq_articles_outlet_key_text_hash"),
        Index("ix_articles_event_published", "event_id", "published"),
        Index("ix_articles_outlet_published", "outlet_key", "published"),
        Index("ix_articles_published", "published"),
        Index("ix_articles_lexicon_version", "lexicon_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(String(MAX_URL), unique=True)
    outlet: Mapped[str] = mapped_column(String(200))
    outlet_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(1000))
    published: Mapped[datetime | None] = mapped_column(DateTime)
    language: Mapped[str | None] = mapped_column(String(16))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    # sha256 of the submitted text (UTF-8), hex.
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    text_stored: Mapped[bool] = mapped_column(Boolean, default=True)
    lexicon_version: Mapped[str] = mapped_column(String(40))
    words: Mapped[int | None] = mapped_column(Integer)
    own_voice_words: Mapped[int | None] = mapped_column(Integer)
    loaded_density: Mapped[float | None] = mapped_column(Float)
    loaded_weighted_density: Mapped[float | None] = mapped_column(Float)
    framing_index: Mapped[float | None] = mapped_column(Float)
    hedge_rate: Mapped[float | None] = mapped_column(Float)
    booster_rate: Mapped[float | None] = mapped_column(Float)
    loaded_attribution_rate: Mapped[float | None] = mapped_column(Float)
    attribution_loaded_share: Mapped[float | None] = mapped_column(Float)
    scare_quote_rate: Mapped[float | None] = mapped_column(Float)
    quote_share: Mapped[float | None] = mapped_column(Float)
    first_person_rate: Mapped[float | None] = mapped_column(Float)
    question_rate: Mapped[float | None] = mapped_column(Float)
    exclamation_rate: Mapped[float | None] = mapped_column(Float)
    flesch_kincaid_grade: Mapped[float | None] = mapped_column(Float)
    flesch_reading_ease: Mapped[float | None] = mapped_column(Float)
    loadedness_mean: Mapped[float | None] = mapped_column(Float)
    loadedness_max: Mapped[float | None] = mapped_column(Float)
    actor_sentiment_spread: Mapped[float | None] = mapped_column(Float)
    analysis: Mapped[dict] = mapped_column(JsonType)
    # Revision 0002: actor names and frequent own-voice terms, for suggested_events.
    keywords: Mapped[dict | None] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    analysed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
