"""tools/build_profiles.py: its default version is the shipped profiles'; --update-lean: a retrained lean model
reaches the shipped profiles without a rebuild."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from bench.datasets import EVALDATA
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

SHIPPED = ROOT / "lexicons" / "outlets"

needs_corpus = pytest.mark.skipif(not (EVALDATA / "allsides-abp").is_dir(),
                                  reason="AllSides corpus not beside the repo")


def test_default_version_is_the_shipped_profiles():
    """A build without --version writes the shipped profiles' version, the one `make profiles` passes too."""
    import re

    import build_profiles

    versions = {json.loads(p.read_text(encoding="utf-8"))["version"] for p in SHIPPED.glob("*.json")}
    assert versions == {build_profiles.VERSION}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PROFILES_VERSION \?= (\S+)$", makefile, re.M).group(1) == build_profiles.VERSION


def test_shipped_profiles_were_built_with_the_shipped_lexicons():
    """Each profile records the hash of the lexicon files its scores were made with (core.scoring_version): a change
    to a lexicon or model that the profiles were not rebuilt after (`make profiles`) fails here, since their
    percentiles would place new scores against old ones."""
    from service.analysis.core import scoring_version

    recorded = {json.loads(p.read_text(encoding="utf-8"))["lexicon_version"] for p in SHIPPED.glob("*.json")}
    assert recorded == {scoring_version(ROOT / "lexicons")}


def test_scoring_version_ignores_the_profiles_and_follows_the_lexicons(tmp_path):
    from service.analysis.core import scoring_version

    shutil.copytree(ROOT / "lexicons", tmp_path / "lexicons")
    before = scoring_version(tmp_path / "lexicons")
    (tmp_path / "lexicons" / "outlets" / "_pooled.json").write_text("{}", encoding="utf-8")
    assert scoring_version(tmp_path / "lexicons") == before
    with (tmp_path / "lexicons" / "hedges.tsv").open("a", encoding="utf-8") as fh:
        fh.write("zzz-new-hedge\thedge\t1.0\tcurated\n")
    assert scoring_version(tmp_path / "lexicons") != before


@needs_corpus
def test_update_lean_restores_the_lean_sections_and_touches_nothing_else(tmp_path):
    import build_profiles

    out = tmp_path / "outlets"
    shutil.copytree(SHIPPED, out)
    before = {p.name: p.read_bytes() for p in out.glob("*.json")}
    # Unchanged model: nothing to rewrite.
    assert build_profiles.update_lean(EVALDATA, out) == []
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == before
    # Two profiles whose lean section is stale (as after a retrain): exactly those are rewritten, and only there.
    for name in ("breitbart-news.json", "the-moscow-times.json"):
        prof = json.loads((out / name).read_text())
        prof["lean"] = {"allsides": None, "estimate": "center", "probabilities": None, "articles": 0}
        (out / name).write_text(json.dumps(prof))
    assert sorted(build_profiles.update_lean(EVALDATA, out)) == ["breitbart-news", "the-moscow-times"]
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == before
