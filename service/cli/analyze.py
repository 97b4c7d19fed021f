"""``flask --app service analyze FILES...``: print the API's JSON answer for each text file.

It prints exactly what the API returns (the same request schema, the same ``AnalysisSchema``), through
service.cli.batch.score_record, which the batch command uses too.
"""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


def register(app) -> None:
    """Attach the analyze command to the app."""
    app.cli.add_command(analyze_command)


@click.command("analyze")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, allow_dash=True))
@click.option("--outlet", default=None, help="Outlet name for every file (chrome rules and calibration).")
@click.option("--title", default=None, help="Headline for every file.")
@click.option("--target", "targets", multiple=True, help="An actor name to score; repeat for more.")
@click.option("--indent", type=click.IntRange(0, 8), default=None, help="Pretty-print with this indent.")
@with_appcontext
def analyze_command(files, outlet, title, targets, indent):
    """Analyse text files (or - for stdin) and print the API's JSON for each, one document a line."""
    from .batch import score_record

    resources = current_app.extensions["framing"]
    failed = False
    for name in files:
        try:
            with click.open_file(name, "r", encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.FileError(name, hint=str(exc)) from exc
        record = {"text": text, "title": title, "outlet": outlet, "targets": list(targets) or None}
        outcome = score_record(record, resources)
        if "error" in outcome:
            click.echo(f"{name}: {outcome['error']}", err=True)
            failed = True
            continue
        click.echo(json.dumps(outcome["result"], ensure_ascii=False, indent=indent, sort_keys=True))
    if failed:
        sys.exit(1)
