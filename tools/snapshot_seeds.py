"""Write the seeds' full JSON answers (analyze each seed, compare all five) to tests/snapshots/seeds.json.

tests/test_snapshot.py checks that the service still gives exactly these answers, so a restructuring or a speed-up
cannot change a score unnoticed. Run it again only when a change is meant to change answers, and say so in the
commit:   .venv/bin/python tools/snapshot_seeds.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "snapshots" / "seeds.json"


def seed_answers(client, seeds: list[dict]) -> dict:
    """Return {"analyze": {file: answer}, "compare": answer} through the HTTP stack."""
    answers = {"analyze": {}, "compare": None}
    for row in seeds:
        resp = client.post("/api/v1/analyze", json={"text": row["text"], "outlet": row["outlet"],
                                                    "title": row["headline"] or None})
        assert resp.status_code == 200, resp.get_json()
        answers["analyze"][row["file"]] = resp.get_json()
    resp = client.post("/api/v1/compare", json={"articles": [
        {"text": row["text"], "outlet": row["outlet"], "title": row["headline"] or None} for row in seeds]})
    assert resp.status_code == 200, resp.get_json()
    answers["compare"] = resp.get_json()
    return answers


def main() -> None:
    from service import create_app
    from tests.conftest import load_seeds

    client = create_app({"TESTING": True}).test_client()
    OUT.write_text(json.dumps(seed_answers(client, load_seeds()), indent=1, sort_keys=True, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
