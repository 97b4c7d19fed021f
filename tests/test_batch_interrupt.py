"""Ctrl-C on ``batch`` ends it quietly: one line saying what was written, exit 130, complete lines only, resumable."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from service.cli.batch import _IN_FLIGHT_PER_WORKER

from .server_utils import HANG_GUARD
from .test_batch_crash import ROOT, batch_command, complete_lines

WORKERS = 2
# Records sent before the interrupt: one more than the batch keeps in flight (service/cli/batch.py), so in
# --unordered mode it writes a result before it can wait on the pipe for more.
FIRST = WORKERS * _IN_FLIGHT_PER_WORKER + 1
RECORDS = FIRST + 4


def as_from_a_terminal(command: list[str]) -> list[str]:
    """Run ``command`` with SIGINT at its default, as a shell in a terminal starts it.

    A process started in the background by a non-interactive shell (``nohup … &``, some CI runners) ignores SIGINT,
    and an ignored signal stays ignored across exec: a batch started from such a test run would never see the
    Ctrl-C (two fresh-clone runs here failed so, one finishing every record, one waiting on its input).
    """
    reset = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
    return [sys.executable, "-c", reset, *command]


def _record(i: int, seeds) -> str:
    row = seeds[i % len(seeds)]
    return json.dumps({"id": f"rec-{i}", "text": f"Record {i}. " + row["text"], "outlet": row["outlet"]}) + "\n"


def test_ctrl_c_exits_quietly_with_what_was_written_and_resumes(tmp_path, seeds):
    """The input is a pipe this test writes: the batch gets FIRST records, is interrupted once one of them is
    written, and cannot have reached the end of the input whatever the machine's speed (the rest is not sent yet).
    --unordered writes each result as it finishes, so a result is written before the batch waits for more input."""
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(as_from_a_terminal(batch_command(fifo, out, WORKERS) + ["--unordered"]), cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    with fifo.open("w", encoding="utf-8") as pipe:  # returns once the batch has opened its end
        pipe.write("".join(_record(i, seeds) for i in range(FIRST)))
        pipe.flush()
        # Interrupt once the first record is written (an event in the output, not a time), as a terminal's
        # Ctrl-C does: SIGINT to the whole process group.
        started = time.monotonic()
        while proc.poll() is None and time.monotonic() < started + HANG_GUARD:
            if complete_lines(out):
                os.killpg(proc.pid, signal.SIGINT)
                break
            time.sleep(0.01)
    # The pipe is closed now: a batch that did not stop at the signal reads to the end and exits 0 (a failure
    # below), instead of waiting for input forever.
    try:
        _, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    err = err.decode()
    written = complete_lines(out)
    assert proc.returncode == 130, err[-2000:]
    assert 0 < len(written) <= FIRST < RECORDS
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    assert f"interrupted: {len(written)} records are in {out}" in err
    # The same command again, on the whole input, finishes the rest, each record once.
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_record(i, seeds) for i in range(RECORDS)), encoding="utf-8")
    done = subprocess.run(batch_command(src, out, WORKERS), cwd=ROOT, capture_output=True, timeout=HANG_GUARD,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    ids = [line["id"] for line in complete_lines(out)]
    assert sorted(ids) == sorted(f"rec-{i}" for i in range(RECORDS)) and len(ids) == RECORDS
