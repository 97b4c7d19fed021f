"""Exactly once under crash: ``batch`` killed with SIGKILL at random points and rerun writes every record once.

A real subprocess (``flask --app service batch``) is killed, with its worker processes, at random moments: while
it starts, and whenever its output has grown past a random number of bytes. After every kill the output holds
only complete JSON lines (plus at most one torn last line, which the next run cuts off); after the final run,
every input id is there exactly once and every line is a complete result.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .server_utils import HANG_GUARD

ROOT = Path(__file__).resolve().parents[1]
RECORDS = 10
KILLS = 4


def batch_command(src: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "service", "batch", str(src), str(out), "--workers",
            str(workers), "--quiet"]


def complete_lines(out: Path) -> list[dict]:
    """Parse OUT: every line but a possibly torn last one must be a complete result."""
    if not out.exists():
        return []
    data = out.read_bytes()
    lines = data.split(b"\n")
    whole, tail = lines[:-1], lines[-1]  # ``tail`` is b"" when the file ends in a newline
    parsed = [json.loads(line) for line in whole]
    for item in parsed:
        assert set(item) == {"id", "result"} and item["result"]["stats"]["words"] > 0
    if tail:
        with pytest.raises(ValueError):
            json.loads(tail)  # a torn line is never a valid record by accident
    return parsed


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_killed_at_random_points_writes_each_record_exactly_once(tmp_path, seeds, workers):
    rng = random.Random(20261129 + workers)
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(RECORDS):
            row = seeds[i % len(seeds)]
            # Distinct texts, so a duplicated or swapped line could not pass for the right one.
            text = f"Record {i} of the crash test. " + row["text"]
            fh.write(json.dumps({"id": f"rec-{i}", "text": text, "outlet": row["outlet"]}) + "\n")
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    kills = 0
    for attempt in range(KILLS):
        size_before = out.stat().st_size if out.exists() else 0
        proc = subprocess.Popen(batch_command(src, out, workers), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        # Half the kills come at a random moment (start-up included), half once OUT grew past a random size.
        by_time = rng.random() < 0.5
        wait = rng.uniform(0.0, 4.0)
        grow = rng.randint(1, 120_000)
        if attempt == 0:  # at least one kill, however fast the machine: once the first bytes of a result are out
            by_time, grow = False, 1
        started = time.monotonic()
        while proc.poll() is None and time.monotonic() < started + HANG_GUARD:
            size = out.stat().st_size if out.exists() else 0
            if (by_time and time.monotonic() - started >= wait) or (not by_time and size >= size_before + grow):
                os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes, as a platform would
                kills += 1
                break
            time.sleep(0.002)
        _, err = proc.communicate(timeout=HANG_GUARD)
        assert proc.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]
        complete_lines(out)
    # The rerun that finishes the job.
    done = subprocess.run(batch_command(src, out, workers), cwd=ROOT, env=env, capture_output=True,
                          timeout=HANG_GUARD)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()[-2000:]
    assert kills >= 1
    lines = complete_lines(out)
    assert out.read_bytes().endswith(b"\n")
    ids = [line["id"] for line in lines]
    assert sorted(ids) == sorted(f"rec-{i}" for i in range(RECORDS)), ids
    assert len(ids) == len(set(ids))
    for line in lines:
        i = int(line["id"].split("-")[1])
        assert line["result"]["stats"]["characters"] == len(f"Record {i} of the crash test. "
                                                            + seeds[i % len(seeds)]["text"])
