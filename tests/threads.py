"""Races for the store's tests: the same work started on several threads at once."""
from __future__ import annotations

import threading


def run_at_once(n: int, work) -> list[Exception]:
    """Run ``work(k)`` for k in 0..n-1 on n threads released together by a barrier; return what they raised."""
    barrier = threading.Barrier(n)
    errors: list[Exception] = []

    def run(k):
        try:
            barrier.wait()
            work(k)
        except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts there is none
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
