"""The core is a pure function: it runs unchanged under an existing distributed engine (Dask, local processes)."""
from __future__ import annotations

import pytest

from service.cli import batch

dask = pytest.importorskip("dask", reason="dask is not installed: pip install 'dask[bag]' to run this test")
db = pytest.importorskip("dask.bag", reason="dask.bag needs dask[bag] (toolz, partd)")


@pytest.fixture()
def records(seeds) -> list[dict]:
    return [{"id": row["file"], "text": row["text"], "outlet": row["outlet"], "title": row["headline"] or None}
            for row in seeds]


def test_seeds_scored_under_dask_equal_the_in_process_results(records, resources, monkeypatch):
    expected = batch.analyze_records(records, resources)
    assert all("result" in r for r in expected)
    # Forked Dask workers inherit the loaded resources, as `flask batch` workers do; on a real cluster each
    # worker loads them once on its first partition (service.cli.batch.analyze_records).
    monkeypatch.setattr(batch, "_resources", resources)
    bag = db.from_sequence(records, npartitions=2).map_partitions(batch.analyze_records)
    with dask.config.set({"multiprocessing.context": "fork"}):
        got = bag.compute(scheduler="processes", num_workers=2)
    assert sorted(got, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
