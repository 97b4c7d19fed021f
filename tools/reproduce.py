"""Rebuild and compare: the ``--check`` of every data builder (make lexicons-check, make models-check)."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path


def check_rebuild(paths: Iterable[Path], build: Callable[[], int | None]) -> int:
    """Run ``build()``, which writes ``paths`` in place; name the files it changed and put every one back.

    Returns 0 when the build returned 0 (or None) and left each file byte for byte as committed, else 1. The
    committed files are restored (and files the build created removed) even when the build raises.
    """
    paths = sorted(set(paths))
    before = {p: p.read_bytes() for p in paths if p.is_file()}
    code = 1
    try:
        code = build() or 0
    finally:
        changed = [p.name for p in paths if (p.read_bytes() if p.is_file() else None) != before.get(p)]
        for p in paths:
            if p in before:
                p.write_bytes(before[p])
            elif p.is_file():
                p.unlink()
    if code:
        print(f"the build exited {code}", file=sys.stderr)
    print("differ from the build: " + ", ".join(changed) if changed else
          "reproduced: " + ", ".join(p.name for p in paths), file=sys.stderr)
    return 1 if code or changed else 0
