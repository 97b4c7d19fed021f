"""Article keywords (actor names, frequent own-voice terms) for suggested_events; index by event and date.

Existing rows are filled from their stored analysis (and text, where it was kept).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JsonType = sa.JSON().with_variant(JSONB(), "postgresql")
BATCH = 500


def upgrade() -> None:
    from service.store.keywords import keywords_of

    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("keywords", JsonType, nullable=True))
    op.create_index("ix_articles_event_published", "articles", ["event_id", "published"])

    conn = op.get_bind()
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("analysis", JsonType),
                        sa.column("text", sa.Text), sa.column("keywords", JsonType))
    last = 0
    while True:
        rows = conn.execute(sa.select(articles.c.id, articles.c.analysis, articles.c.text)
                            .where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            conn.execute(articles.update().where(articles.c.id == row.id)
                         .values(keywords=keywords_of(row.analysis or {}, row.text)))
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_articles_event_published", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("keywords")
