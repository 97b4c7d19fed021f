"""Ctrl-C on ``batch`` ends it quietly: one line saying what was written, exit 130, complete lines only, resumable."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from .server_utils import HANG_GUARD
from .test_batch_crash import ROOT, batch_command, complete_lines

RECORDS = 12


def test_ctrl_c_exits_quietly_with_what_was_written_and_resumes(tmp_path, seeds):
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(RECORDS):
            row = seeds[i % len(seeds)]
            fh.write(json.dumps({"id": f"rec-{i}", "text": f"Record {i}. " + row["text"], "outlet": row["outlet"]})
                     + "\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(batch_command(src, out, 2), cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    # Interrupt once the first record is written (an event in the output, not a time), as a terminal's Ctrl-C does:
    # SIGINT to the whole process group.
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() < started + HANG_GUARD:
        if out.exists() and out.stat().st_size > 0:
            os.killpg(proc.pid, signal.SIGINT)
            break
        time.sleep(0.01)
    _, err = proc.communicate(timeout=HANG_GUARD)
    err = err.decode()
    written = complete_lines(out)
    # The signal lands after the first of 12 records: the other 11 cannot all be written in the same instant.
    assert proc.returncode == 130, err[-2000:]
    assert 0 < len(written) < RECORDS
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    assert f"interrupted: {len(written)} records are in {out}" in err
    # The same command again finishes the rest, each record once.
    done = subprocess.run(batch_command(src, out, 2), cwd=ROOT, capture_output=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    ids = [line["id"] for line in complete_lines(out)]
    assert sorted(ids) == sorted(f"rec-{i}" for i in range(RECORDS)) and len(ids) == RECORDS
