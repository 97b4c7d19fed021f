"""`flask --app service db upgrade`: create or upgrade the store's schema (Alembic, service/store/migrations).

The Procfile's release phase runs it before every deploy; on PostgreSQL the migrations take an advisory lock, so
two releases cannot run them at once. `db current` prints the revision, `db downgrade REV` goes back.
"""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from ..store import get_store
from ..store.migrate import current, downgrade, head, upgrade


def _where(store) -> str:
    return make_url(str(store.engine.url)).render_as_string(hide_password=True)


@click.group("db")
def db_group() -> None:
    """Manage the database schema of the article store."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Create or upgrade the schema to REVISION (default: head)."""
    store = get_store(current_app)
    before = current(store.engine)
    upgrade(store.engine, revision)
    click.echo(f"database {_where(store)}: {before or 'empty'} -> {current(store.engine)}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Downgrade the schema to REVISION ("base" drops every table of the store)."""
    store = get_store(current_app)
    downgrade(store.engine, revision)
    click.echo(f"database {_where(store)}: now at {current(store.engine) or 'base'}")


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Print the schema's revision and the code's head revision."""
    store = get_store(current_app)
    click.echo(f"database {_where(store)}: {current(store.engine) or 'empty'} (code head {head()})")


def register(app: Flask) -> None:
    """Attach the db command group to the app."""
    app.cli.add_command(db_group)
