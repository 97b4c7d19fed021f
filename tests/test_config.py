"""Configuration mistakes are said in one line, and warnings are said once, where they matter."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

from service import create_app
from tests.conftest import ROOT


def test_a_wrong_lexicon_folder_is_one_line_not_a_traceback(tmp_path):
    env = {**os.environ, "FRAMING_LEXICON_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "service", "analyze", "README.md"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("framing: ") and str(tmp_path) in lines[-1] and "loaded_terms.tsv" in lines[-1]


def test_no_secret_key_warning_outside_the_server(monkeypatch, caplog):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with caplog.at_level(logging.INFO):
        create_app({"TESTING": True})
    assert not [r for r in caplog.records if "SECRET_KEY" in r.getMessage() and r.levelno >= logging.WARNING]


def test_a_server_setting_that_is_not_a_number_stops_start_up_in_one_line():
    """gunicorn.conf.py reads the server's numbers in the master: a bad one is refused, not replaced by a default."""
    from tests.server_utils import web_command

    for name in ("FRAMING_HEADER_TIMEOUT", "FRAMING_READ_TIMEOUT", "FRAMING_QUEUE_DEPTH"):
        env = {**os.environ, name: "ten", "PORT": "0",
               "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(web_command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode != 0, name
        assert "Traceback" not in done.stderr
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert lines[-1] == f"framing: {name} must be a number, not 'ten'", done.stderr[-2000:]
