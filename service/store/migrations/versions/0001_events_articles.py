"""Events and articles: metadata, text hash, main scores as columns, the analysis JSON.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JsonType = sa.JSON().with_variant(JSONB(), "postgresql")
SCORES = ("loaded_density", "loaded_weighted_density", "framing_index", "hedge_rate", "booster_rate",
          "loaded_attribution_rate", "attribution_loaded_share", "scare_quote_rate", "quote_share",
          "first_person_rate", "question_rate", "exclamation_rate", "flesch_kincaid_grade", "flesch_reading_ease",
          "loadedness_mean", "loadedness_max", "actor_sentiment_spread")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("key", name="uq_events_key"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("outlet", sa.String(200), nullable=False),
        sa.Column("outlet_key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=True),
        sa.Column("published", sa.DateTime(), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_stored", sa.Boolean(), nullable=False),
        sa.Column("lexicon_version", sa.String(40), nullable=False),
        sa.Column("words", sa.Integer(), nullable=True),
        sa.Column("own_voice_words", sa.Integer(), nullable=True),
        *[sa.Column(name, sa.Float(), nullable=True) for name in SCORES],
        sa.Column("analysis", JsonType, nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("analysed_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_articles_event_id_events",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("url", name="uq_articles_url"),
        sa.UniqueConstraint("outlet_key", "text_hash", name="uq_articles_outlet_key_text_hash"),
    )
    op.create_index("ix_articles_outlet_published", "articles", ["outlet_key", "published"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_lexicon_version", "articles", ["lexicon_version"])


def downgrade() -> None:
    op.drop_table("articles")
    op.drop_table("events")
