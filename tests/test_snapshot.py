"""The seeds' full JSON answers are pinned (tests/snapshots/seeds.json, written by tools/snapshot_seeds.py).

A restructuring or a speed-up must leave every number, span and word unchanged; a change that is meant to change
answers rewrites the snapshot in the same commit, so the diff shows what moved. Integers and strings must be equal;
a float may differ by one unit in its last printed decimal: the target head's encoder runs float32 matrix products
whose last bits depend on the BLAS kernel the CPU gets (~1e-6), which can flip a rounded last digit on another
machine (seen: encoder_share 0.348 vs 0.349).
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
    return [] if _same(a, b) else [f"{path}: {a!r} != {b!r}"]


def _decimals(x: float) -> int:
    """Return how many decimals ``repr(x)`` prints (1e-05 -> 5)."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exp = text.split("e")
        return max(0, len(mantissa.partition(".")[2].rstrip("0")) - int(exp))
    return len(text.partition(".")[2].rstrip("0"))


def _same(a, b) -> bool:
    """Equal, or two floats within one unit of the last decimal either prints."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if type(a) is not float or type(b) not in (float, int):
        return a == b
    return abs(a - b) <= 1.000001 * 10.0 ** -max(_decimals(a), _decimals(b), 0) if a != b else True


def test_float_tolerance_is_one_unit_of_the_last_printed_digit():
    assert _same(0.348, 0.349) and _same(91.9, 92.0) and _same(1e-05, 2e-05) and _same(3, 3)
    assert not _same(0.348, 0.35) and not _same(0.5, "0.5") and not _same(91.9, 92.1) and not _same(2, 3)
    assert not _same(0.3481, 0.3483) and not _same(True, 1.0)


def test_seed_answers_match_the_snapshot(app, seeds):
    expected = json.loads((ROOT / "tests" / "snapshots" / "seeds.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(seed_answers(app.test_client(), seeds)))
    differences = _diff(expected, actual)
    assert not differences, "\n".join(differences[:20])
