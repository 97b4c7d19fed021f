"""`flask --app service import FILE.jsonl` and `flask --app service reanalyze`: fill and refresh the article store.

- ``import`` reads one article a line, the body POST /api/v1/articles takes ({"text", "outlet", "url"?,
  "title"?, "published"?, "event"?, ...}), analyses it through the same code and stores it. An article already
  stored (same url, or same outlet and text) is skipped without analysis, so an interrupted import is resumed by
  running it again. Bad lines are reported and skipped.
- ``reanalyze`` reruns the stored articles whose lexicon version is not the loaded one, one transaction each:
  killed half-way, a rerun picks up exactly the articles still behind. Articles stored without text cannot be
  rerun and are counted apart.
- ``store_corpus`` gives ``calibrate --from-store`` the stored articles as a corpus with their analyses.
"""
from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError

from ..analysis import analyze_document
from ..errors import ApiError
from ..store import ensure_schema, get_store
from ..store import repository as repo

# Articles read from the store per query while reanalysing (memory stays flat on a large store).
REANALYZE_BATCH = 50


def _store():
    st = get_store(current_app)
    ensure_schema(st)
    return st


@click.command("import")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option("--event", "event_key", default=None, help="Event key for lines that name none.")
@with_appcontext
def import_command(path, event_key: str | None) -> None:
    """Analyse and store the articles of a JSON Lines file (resumable: stored articles are skipped)."""
    from ..api.analyze import run_analysis
    from ..api.schemas_store import ArticleRequestSchema, parse_when

    st = _store()
    schema = ArticleRequestSchema()
    stored = skipped = bad = 0
    for lineno, line in enumerate(path, 1):
        if not line.strip():
            continue
        try:
            args = schema.load(json.loads(line))
        except (ValueError, ValidationError) as exc:
            bad += 1
            click.echo(f"line {lineno}: skipped: {getattr(exc, 'messages', exc)}", err=True)
            continue
        new = repo.NewArticle(text=args["text"], outlet=" ".join(args["outlet"].split()), url=args.get("url"),
                              title=args.get("title"),
                              published=parse_when(args["published"]) if args.get("published") else None,
                              event_key=args.get("event") or event_key, event_title=args.get("event_title"))
        if repo.find_duplicate(st, new.url, new.outlet, repo.text_hash(new.text)) is not None:
            skipped += 1
            continue
        try:
            result = run_analysis({k: v for k, v in args.items() if k not in ("event", "event_title")})
        except ApiError as exc:
            bad += 1
            click.echo(f"line {lineno}: skipped: {exc.message}", err=True)
            continue
        _, created = repo.add_article(st, new, result)
        stored += created
        skipped += not created
    click.echo(f"stored {stored}, already stored {skipped}, bad lines {bad}")


@click.command("reanalyze")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after this many articles.")
@with_appcontext
def reanalyze_command(limit: int | None) -> None:
    """Rerun stored articles analysed with another lexicon version (resumable)."""
    st = _store()
    res = current_app.extensions["framing"]
    behind = repo.count_stale(st, res.version)
    click.echo(f"lexicon version {res.version}: {behind['with_text']} articles to rerun, "
               f"{behind['without_text']} stored without text (cannot be rerun)", err=True)
    done, last = 0, 0
    while limit is None or done < limit:
        size = REANALYZE_BATCH if limit is None else min(REANALYZE_BATCH, limit - done)
        batch = repo.stale_articles(st, res.version, after_id=last, limit=size)
        if not batch:
            break
        for art in batch:
            result = analyze_document(res, art.text, title=art.title, outlet=art.outlet)
            repo.save_analysis(st, art.id, result, art.text)
            done += 1
            last = art.id
    click.echo(f"reanalysed {done}")


def store_corpus(app, progress=None) -> tuple[list, list[dict], dict]:
    """Return the stored articles with text at the loaded lexicon version as (CorpusArticles, results, counts)."""
    from ..analysis.profiles import CorpusArticle

    st = get_store(app)
    ensure_schema(st)
    version = app.extensions["framing"].version
    articles, results, last = [], [], 0
    while True:
        batch = repo.articles_with_text(st, after_id=last, limit=500)
        if not batch:
            break
        for art in batch:
            if art.lexicon_version == version:
                articles.append(CorpusArticle(id=f"store:{art.id}", outlet=art.outlet, text=art.text, title=art.title))
                results.append(art.analysis)
        last = batch[-1].id
    counts = repo.count_stale(st, version)
    return articles, results, counts


def register(app: Flask) -> None:
    """Attach the import and reanalyze commands to the app."""
    app.cli.add_command(import_command)
    app.cli.add_command(reanalyze_command)


def add_stored_articles(app, articles: list, corpus: str | None, progress=None) -> tuple[list, list[dict], str]:
    """Return the corpus articles plus the stored ones, all their analyses, and the provenance to record.

    Corpus articles are analysed here; stored ones keep their stored analysis. Stored articles analysed with
    another lexicon version are left out (and counted): run `reanalyze` first to include them.
    """
    from ..analysis.profiles import analyse_texts

    res = app.extensions["framing"]
    stored, stored_results, behind = store_corpus(app)
    if not articles and not stored:
        raise click.ClickException("the store holds no article with text at the loaded lexicon version")
    results = analyse_texts(res, [(a.text, a.title, a.outlet) for a in articles], progress) if articles else []
    origin = ([f"corpus: {corpus}"] if corpus else []) + [
        f"store: {len(stored)} articles at lexicon {res.version}"
        + (f" ({behind['with_text']} at other versions left out: run reanalyze)" if behind["with_text"] else "")]
    return articles + stored, results + stored_results, "; ".join(origin)
