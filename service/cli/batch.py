"""``flask --app service batch IN.jsonl OUT.jsonl``: many articles from a JSON Lines file, on every core, resumable.

The scoring functions (run_batch, score_record...) use no Flask and serve scripts and notebooks as they are; the
click command at the end is the CLI over them.

Input: one JSON object a line, ``{"id": ..., "text": ..., "title"?: ..., "outlet"?: ..., "targets"?: [...]}``;
other keys (url, date, ...) are ignored. Output: one line per scored article, ``{"id": ..., "result": ...}``,
where ``result`` is exactly the body ``POST /api/v1/analyze`` returns for the same fields (the same request
schema validates the record, the same ``AnalysisSchema`` dumps the result).

- Every worker process holds the resources once: they are loaded in the parent before the pool forks (Linux
  "fork" start method, so the workers share the parent's pages copy-on-write) or, where fork is unavailable, by
  the pool initializer.
- Resumable: ids already present in OUT are skipped, and results are appended and flushed line by line, so a run
  killed half-way loses at most the line it was writing (a torn last line is cut off on the next run).
- A bad record (invalid JSON, no id, missing or blank text, an analysis error) is reported through ``on_error``
  and skipped; it is not written to OUT, so a rerun reports it again and writes nothing for it.
"""
from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import EXCLUDE, ValidationError

from ..analysis import AnalysisInputError, load_resources
from ..api.analyze import analyze_args
from ..api.schemas import AnalysisSchema, AnalyzeRequestSchema

# Tasks kept in flight per worker: enough that a worker never waits for the parent, few enough that a huge input
# file is streamed rather than read into memory.
_IN_FLIGHT_PER_WORKER = 4

_resources = None  # the worker's (or the single process's) Resources
_schemas: tuple | None = None


class BatchFileError(Exception):
    """The input or output file cannot be used (unreadable, not a file, not writable)."""


@dataclass
class BadRecord:
    """A record that was reported and skipped."""

    line: int
    id: object
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" (id {self.id!r})" if self.id is not None else "")
        return f"{where}: {self.message}"


@dataclass
class Summary:
    """What a batch run did."""

    scored: int = 0
    skipped: int = 0  # already in OUT, or a repeated id in IN
    bad: list[BadRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Return articles scored per second of wall time."""
        return self.scored / self.seconds if self.seconds else 0.0


def _init_worker(lexicon_dir) -> None:
    """Load the resources once per worker, unless they came with the fork; leave Ctrl-C to the parent."""
    global _resources
    # Ctrl-C reaches the whole process group: the parent stops the run and says what was written; a worker
    # printing its own KeyboardInterrupt traceback would only bury that line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _resources is None:
        _resources = load_resources(lexicon_dir)


def _schemas_once() -> tuple:
    global _schemas
    if _schemas is None:
        _schemas = (AnalyzeRequestSchema(unknown=EXCLUDE), AnalysisSchema())
    return _schemas


def score_record(record: dict, resources=None) -> dict:
    """Validate and analyse one record (without its id); return ``{"result": ...}`` or ``{"error": ...}``."""
    request_schema, result_schema = _schemas_once()
    res = resources or _resources
    try:
        args = request_schema.load(record)
    except ValidationError as exc:
        return {"error": "invalid fields: " + json.dumps(exc.messages, sort_keys=True, ensure_ascii=False)}
    try:
        return {"result": result_schema.dump(analyze_args(res, args))}
    except AnalysisInputError as exc:
        return {"error": f"invalid fields: {exc.field}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - one bad record must not stop a run of a hundred thousand
        return {"error": f"analysis failed: {type(exc).__name__}: {exc}"}


def analyze_records(records, resources=None) -> list[dict]:
    """Score ``{id, text, title?, outlet?, targets?}`` records; return ``{"id", "result"}`` or ``{"id", "error"}``.

    This is the function a distributed engine maps over partitions (``dask.bag.map_partitions``, Spark's
    ``mapInPandas``; see docs/batch.md): each worker process loads the resources once, on its first partition.
    """
    global _resources
    if resources is None:
        if _resources is None:
            from .analysis import default_resources

            _resources = default_resources()
        resources = _resources
    out = []
    for record in records:
        record = dict(record)
        rid = record.pop("id", None)
        out.append({"id": rid, **score_record(record, resources)})
    return out


def _score_task(task: tuple[int, object, dict]) -> tuple[int, object, dict]:
    seq, rid, record = task
    return seq, rid, score_record(record)


def read_done_ids(out_path: str | Path) -> set[str]:
    """Return the ids already in OUT, cutting off a torn last line left by a killed run."""
    path = Path(out_path)
    if not path.exists():
        return set()
    if not path.is_file():
        raise BatchFileError(f"{path} is not a file")
    done: set[str] = set()
    try:
        with path.open("rb+") as fh:
            good_end = 0
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break
                try:
                    done.add(_id_key(json.loads(raw)["id"]))
                except (ValueError, KeyError, TypeError) as exc:
                    raise BatchFileError(f"{path} has a line that is not a batch result: {exc}") from exc
                good_end += len(raw)
            fh.seek(0, os.SEEK_END)
            if fh.tell() != good_end:
                fh.truncate(good_end)
    except OSError as exc:
        raise BatchFileError(f"cannot read and update {path}: {exc.strerror or exc}") from exc
    return done


def _id_key(rid) -> str:
    # 7 and "7" are the same article to a person resuming a run; compare ids as their JSON text without quotes.
    return rid if isinstance(rid, str) else json.dumps(rid)


def iter_records(in_path: str | Path) -> Iterator[tuple[int, object, dict | None, str | None]]:
    """Yield ``(line number, id, record without id, error)`` for each non-blank line of a JSON Lines file."""
    path = Path(in_path)
    try:
        fh = path.open(encoding="utf-8", errors="strict")
    except OSError as exc:
        raise BatchFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                raise BatchFileError(f"{path}: line {lineno + 1} is not UTF-8 (byte {exc.start})") from exc
            except OSError as exc:
                raise BatchFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                yield lineno, None, None, f"not valid JSON: {exc}"
                continue
            if not isinstance(data, dict):
                yield lineno, None, None, "not a JSON object"
                continue
            rid = data.pop("id", None)
            if rid is None or isinstance(rid, (bool, dict, list, float)) or rid == "":
                yield lineno, rid, None, "no usable id (a non-empty string or an integer is required)"
                continue
            yield lineno, rid, data, None


def count_lines(in_path: str | Path) -> int:
    """Return the number of non-blank lines, for the progress bar's total."""
    try:
        with Path(in_path).open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError as exc:
        raise BatchFileError(f"cannot read {in_path}: {exc.strerror or exc}") from exc


def run_batch(in_path: str | Path, out_path: str | Path, workers: int | None = None, ordered: bool = True,
              resources=None, lexicon_dir=None, on_error: Callable[[BadRecord], None] | None = None,
              on_progress: Callable[[int], None] | None = None) -> Summary:
    """Score every record of IN not yet in OUT, appending ``{"id", "result"}`` lines to OUT.

    ``workers``: processes to use (default: every core; 1 scores in this process). ``ordered``: write results
    in input order (otherwise as they finish, which keeps every core busy when lengths differ a lot).
    ``resources``: already loaded Resources to share with the workers (else loaded from ``lexicon_dir``).
    ``on_error`` is called for each bad record, ``on_progress(n)`` after every n input lines handled.
    """
    import time

    global _resources
    started = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    summary = Summary()
    done = read_done_ids(out_path)
    out = Path(out_path)
    try:
        sink = out.open("a", encoding="utf-8")
    except OSError as exc:
        raise BatchFileError(f"cannot write {out}: {exc.strerror or exc}") from exc
    seen: set[str] = set()

    def bad(line, rid, message):
        item = BadRecord(line, rid, message)
        summary.bad.append(item)
        if on_error:
            on_error(item)

    def progress(n=1):
        if on_progress:
            on_progress(n)

    def tasks():
        """Yield (seq, id, record) to score; report the rest on the way."""
        seq = 0
        for lineno, rid, record, error in iter_records(in_path):
            if error:
                bad(lineno, rid, error)
                progress()
                continue
            key = _id_key(rid)
            if key in done or key in seen:
                summary.skipped += 1
                if key in seen and key not in done:
                    bad(lineno, rid, "repeated id; the first record with it is scored")
                progress()
                continue
            seen.add(key)
            yield seq, lineno, rid, record
            seq += 1

    def write(lineno, rid, outcome):
        if "error" in outcome:
            bad(lineno, rid, outcome["error"])
        else:
            line = json.dumps({"id": rid, "result": outcome["result"]}, ensure_ascii=False, sort_keys=True)
            sink.write(line + "\n")
            sink.flush()
            summary.scored += 1
        progress()

    with sink:
        if resources is None and _resources is None:
            resources = load_resources(lexicon_dir)
        if resources is not None:
            _resources = resources  # inherited by forked workers
            lexicon_dir = lexicon_dir or resources.lexicon_dir  # what spawned workers load instead
        if workers == 1:
            for _seq, lineno, rid, record in tasks():
                write(lineno, rid, score_record(record))
        else:
            _run_pool(tasks(), write, workers, ordered, lexicon_dir)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_pool(tasks, write, workers: int, ordered: bool, lexicon_dir) -> None:
    """Score tasks on a process pool with a bounded window; write in input order or as they finish."""
    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")  # workers inherit the loaded resources
    else:  # pragma: no cover - macOS/Windows: each worker loads its own copy in the initializer
        ctx = multiprocessing.get_context("spawn")
    window = workers * _IN_FLIGHT_PER_WORKER
    # A stray stdout write from a library in a worker would interleave with the parent's progress bar.
    sys.stdout.flush()
    # Objects that exist before the fork (the models, lexicons) move to a permanent generation, so the workers'
    # garbage collector does not write to their headers and copy the shared pages (CPython's gc.freeze docs).
    gc.freeze()
    try:
        _pool_loop(ctx, tasks, write, workers, ordered, lexicon_dir, window)
    finally:
        gc.unfreeze()


def _pool_loop(ctx, tasks, write, workers: int, ordered: bool, lexicon_dir, window: int) -> None:
    lines: dict[int, tuple[int, object]] = {}
    pending: dict[int, dict] = {}
    next_seq = 0
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(lexicon_dir,)) as pool:
        running = set()
        source = iter(tasks)
        exhausted = False
        while running or not exhausted:
            while not exhausted and len(running) < window:
                try:
                    seq, lineno, rid, record = next(source)
                except StopIteration:
                    exhausted = True
                    break
                lines[seq] = (lineno, rid)
                running.add(pool.submit(_score_task, (seq, rid, record)))
            if not running:
                break
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                seq, rid, outcome = fut.result()  # a dead worker raises BrokenProcessPool: stop, rerun resumes
                if not ordered:
                    write(lines.pop(seq)[0], rid, outcome)
                else:
                    pending[seq] = outcome
            while ordered and next_seq in pending:
                lineno, rid = lines.pop(next_seq)
                write(lineno, rid, pending.pop(next_seq))
                next_seq += 1


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
    workers = workers or os.cpu_count() or 1
    resources = current_app.extensions["framing"]
    total = None
    if not quiet:  # the progress bar's total; --quiet reads IN once, so IN may be a pipe (``batch /dev/stdin``)
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
    except KeyboardInterrupt:
        done = len(read_done_ids(out_path)) if Path(out_path).exists() else 0
        click.echo(f"\ninterrupted: {done} records are in {out_path}; run the same command again to resume.",
                   err=True)
        sys.exit(130)  # the shell's code for "ended by Ctrl-C"
    click.echo(f"{summary.scored} scored, {summary.skipped} skipped (already in {out_path} or repeated), "
               f"{len(summary.bad)} bad; {summary.seconds:.1f} s, {summary.per_second:.2f} articles/s", err=True)


def register(app) -> None:
    """Attach the batch command to the app."""
    app.cli.add_command(batch_command)
