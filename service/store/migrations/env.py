"""Alembic environment: run on the engine service.store.migrate passes in (online only)."""
from alembic import context
from sqlalchemy import text

from service.store.models import Base

# A fixed key for pg_advisory_xact_lock: only one migration runs at a time against one PostgreSQL database.
ADVISORY_LOCK_KEY = 1_700_017


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          # SQLite cannot ALTER most things: batch mode copies the table (Alembic's recipe).
                          render_as_batch=connection.dialect.name == "sqlite",
                          transaction_per_migration=False)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `flask --app service db upgrade`")
run_migrations_online()
