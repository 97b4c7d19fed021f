"""`flask --app service calibrate CORPUS --out lexicons/outlets`: rebuild outlet profiles from labelled articles."""
from __future__ import annotations

import re
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..analysis.profiles import CorpusError, build_profiles, read_corpus, write_profiles

_VERSION = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


@click.command("calibrate")
@click.argument("corpus", type=click.Path(path_type=str), required=False)
@click.option("--from-store", "from_store", is_flag=True,
              help="Add the stored articles (at the loaded lexicon version, with text) to CORPUS, or use them alone.")
@click.option("--out", "out_dir", default="lexicons/outlets", show_default=True, type=click.Path(path_type=str),
              help="Folder to write <outlet>.json and _pooled.json into.")
@click.option("--version", "version", default="dev", show_default=True,
              help="Version string recorded in every profile (no timestamps are written).")
@click.option("--provenance", default=None,
              help="Where the corpus comes from, recorded in every profile (default: the CORPUS path).")
@with_appcontext
def calibrate_command(corpus: str | None, out_dir: str, version: str, provenance: str | None,
                      from_store: bool) -> None:
    """Build outlet profiles from CORPUS: a folder of .json (or .txt + manifest.tsv) articles, or a JSONL file."""
    if not _VERSION.match(version):
        raise click.ClickException(f"--version {version!r}: use letters, digits, '.', '_' or '-' (at most 40)")
    if not corpus and not from_store:
        raise click.UsageError("give a CORPUS, --from-store, or both")
    skipped = []

    def report(message: str) -> None:  # a bad record names its file and line, and the rest goes on
        skipped.append(message)
        click.echo(f"skipped {message}", err=True)

    try:
        articles = read_corpus(corpus, on_error=report) if corpus else []
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    res = current_app.extensions["framing"]
    results, origin = None, f"corpus: {corpus}"
    with click.progressbar(length=len(articles), label=f"Analysing {len(articles)} articles",
                           file=sys.stderr) as bar:
        if from_store:  # the stored articles join the corpus with their stored analyses (service/cli/store.py)
            from .store import add_stored_articles

            articles, results, origin = add_stored_articles(current_app, articles, corpus, bar.update)
        profiles = build_profiles(articles, res, version=version, provenance=provenance or origin,
                                  progress=bar.update, results=results)
    paths = write_profiles(profiles, out_dir)
    for slug, prof in sorted(profiles.items()):
        n = prof["n_articles"]
        flag = "" if n >= prof["min_articles"] else f"  (too few: percentiles need {prof['min_articles']})"
        click.echo(f"{slug}: {n} articles{flag}")
    click.echo(f"wrote {len(paths)} profiles to {out_dir}" + (f"; {len(skipped)} bad records skipped" if skipped else ""))


def register(app: Flask) -> None:
    """Attach the calibrate command to the app."""
    app.cli.add_command(calibrate_command)
