"""Writing a bench's JSON report: one place for the benches' last step."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_report(path: Path, report: dict, indent: int = 2) -> None:
    """Write ``report`` as JSON to ``path`` (its folder created) and say where, relative to the repository."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=indent) + "\n", encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
