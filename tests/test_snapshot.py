"""The seeds' full JSON answers are pinned (tests/snapshots/seeds.json, written by tools/snapshot_seeds.py).

A restructuring or a speed-up must leave every number, span and word unchanged; a change that is meant to change
answers rewrites the snapshot in the same commit, so the diff shows what moved.
"""
from __future__ import annotations

import json

from tests.conftest import ROOT
from tools.snapshot_seeds import seed_answers


def _diff(a, b, path="") -> list[str]:
    """Return up to a few paths where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in {'snapshot' if k in a else 'answer'}" for k in sorted(set(a) ^ set(b))]
        for k in sorted(set(a) & set(b)):
            out += _diff(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path}: length {len(a)} != {len(b)}"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b)):
            out += _diff(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_seed_answers_match_the_snapshot(app, seeds):
    expected = json.loads((ROOT / "tests" / "snapshots" / "seeds.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(seed_answers(app.test_client(), seeds)))
    differences = _diff(expected, actual)
    assert not differences, "\n".join(differences[:20])
