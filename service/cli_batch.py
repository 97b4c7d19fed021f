"""CLI commands for scoring files: ``flask --app service analyze FILES...`` and ``... batch IN.jsonl OUT.jsonl``.

Both print exactly what the API returns (the same request schema, the same ``AnalysisSchema``); the work itself is
in service.batch, which has no Flask in it.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


def register(app) -> None:
    """Attach the analyze and batch commands to the app."""
    app.cli.add_command(analyze_command)
    app.cli.add_command(batch_command)


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


@click.command("batch")
@click.argument("in_path", metavar="IN.jsonl", type=click.Path(dir_okay=False, allow_dash=False))
@click.argument("out_path", metavar="OUT.jsonl", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Processes to use (default: every core).")
@click.option("--unordered", is_flag=True,
              help="Write results as they finish rather than in input order (keeps every core busy).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@with_appcontext
def batch_command(in_path, out_path, workers, unordered, quiet):
    """Score every {id, text, title?, outlet?, targets?} line of IN.jsonl into OUT.jsonl as {id, result}.

    Ids already in OUT.jsonl are skipped, so an interrupted run resumes where it stopped. A bad record is
    reported on stderr and skipped; the exit status is non-zero only when IN or OUT cannot be used.
    """
    from .batch import BatchFileError, count_lines, run_batch

    workers = workers or os.cpu_count() or 1
    resources = current_app.extensions["framing"]
    try:
        total = count_lines(in_path)
    except BatchFileError as exc:
        raise click.ClickException(str(exc)) from exc

    def report(bad):
        click.echo(f"{in_path}: {bad}", err=True)

    label = f"Scoring ({workers} worker{'s' if workers > 1 else ''})"
    bar = (contextlib.nullcontext() if quiet else
           click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True))
    try:
        with bar:
            summary = run_batch(in_path, out_path, workers=workers, ordered=not unordered, resources=resources,
                                on_error=report, on_progress=None if quiet else bar.update)
    except BatchFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{summary.scored} scored, {summary.skipped} skipped (already in {out_path} or repeated), "
               f"{len(summary.bad)} bad; {summary.seconds:.1f} s, {summary.per_second:.2f} articles/s", err=True)
