"""Count the work of a call as Python trace and profile events, the measure tests/test_linear.py uses.

Trace events (calls and lines executed, sys.settrace) plus profile events (calls into C functions and into spaCy's
Cython code, sys.setprofile) inside the call: deterministic for a given input and cache state, whatever the
machine's speed or load. Work in the regex engine and in numpy/thinc kernels is not seen.
"""
from __future__ import annotations

import sys
from collections.abc import Callable

# Linear work grows from 2n to 4n by twice its growth from n to 2n, quadratic work by four times (test_linear.py).
MAX_GROWTH = 2.6
SIZES = (1, 2, 4)


def count_work(call: Callable, *args, **kwargs) -> tuple[object, int]:
    """Run ``call(*args, **kwargs)`` and return (its result, the trace and profile events counted inside it)."""
    events = [0]

    def local(frame, event, arg):
        events[0] += 1
        return local

    def profiler(frame, event, arg):
        events[0] += 1

    sys.settrace(local)
    sys.setprofile(profiler)
    try:
        result = call(*args, **kwargs)
    finally:
        sys.setprofile(None)
        sys.settrace(None)
    return result, events[0]


def growth(a: float, b: float, c: float) -> float:
    """Return (c - b) / (b - a) for measures at n, 2n and 4n: about 2 when linear, 4 when quadratic."""
    return (c - b) / max(b - a, 1)
