"""One reader for the labelled corpora that tools, benches and tests share: BASIL and AllSides (Baly et al.).

Both are research-use data under /work/shared/evaldata (or ``$EVALDATA``): read them, never copy their text into
the repository. Only derived statistics (profiles, word statistics, model weights) may be committed, with a
provenance line.

- BASIL 2010-2014 (Fan et al., "In Plain Sight", EMNLP 2019): 50 events x Fox News, The New York Times, HuffPost;
  ``load_basil`` joins each article to its lexical-bias span annotations by file path.
- AllSides / Article-Bias-Prediction (Baly, Da San Martino, Glass & Nakov, EMNLP 2020): 11,118 articles from 79
  outlet labels with each outlet's AllSides media rating (``lean``: left|center|right, a rating of the outlet, not
  of the article); ``load_allsides`` reads them in file order, ``outlet_groups`` maps each source label to one
  outlet (so "Fox Online News" and "Fox News Opinion" are Fox News), which is the unit to hold out.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = Path(os.environ.get("EVALDATA", ROOT.parent / "shared" / "evaldata"))
ALLSIDES = "allsides-abp/articles.jsonl.gz"
BASIL_YEARS = ("2010", "2011", "2012", "2013", "2014")
BASIL_OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
LEANS = ("left", "center", "right")


@dataclass
class BasilArticle:
    """One BASIL article: sentences (title first), lexical-bias span count per sentence, outlet, event, year."""

    path: str
    year: str
    event: str
    outlet: str
    sentences: list[str]
    lex: list[int] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Title as the first line, then the body paragraphs separated by blank lines."""
        return "\n\n".join([self.sentences[0]] + self.paragraphs)

    @property
    def outlet_name(self) -> str:
        """The outlet's display name ("Fox News" for "fox")."""
        return BASIL_OUTLETS[self.outlet]


def load_basil(evaldata: Path = EVALDATA, years=BASIL_YEARS) -> list[BasilArticle]:
    """Read BASIL articles of the given years, joined to their annotations by file path."""
    out = []
    for year in years:
        for ap in sorted((Path(evaldata) / "basil" / "articles" / str(year)).glob("*.json")):
            a = json.loads(ap.read_text(encoding="utf-8"))
            ann = json.loads((Path(evaldata) / "basil" / "annotations" / str(year) / f"{ap.stem}_ann.json")
                             .read_text(encoding="utf-8"))
            sentences = [a["title"]] + [s for para in a["body-paragraphs"] for s in para]
            lex = [0] * len(sentences)
            for p in ann["phrase-level-annotations"]:
                if p["bias"] != "lex":
                    continue
                # BASIL ids: "title" is sentence 0, "p<K>" the 0-based body sentence K (so K + 1 here).
                idx = 0 if p["id"] == "title" else int(p["id"][1:]) + 1
                if not (idx < len(sentences) and sentences[idx][p["start"]:p["end"]] == p["txt"]):
                    idx = next(i for i, s in enumerate(sentences) if s[p["start"]:p["end"]] == p["txt"])
                lex[idx] += 1
            art = BasilArticle(str(ap.relative_to(evaldata)), str(year), a["triplet-uuid"], a["source"].lower(),
                               sentences, lex)
            art.paragraphs = [" ".join(para) for para in a["body-paragraphs"] if para]
            out.append(art)
    return out


@dataclass(frozen=True)
class AllSidesArticle:
    """One AllSides-labelled article (Baly et al. 2020). ``lean`` is the outlet's rating, not the article's."""

    id: str
    source: str
    domain: str
    lean: str
    topic: str
    date: str
    url: str
    title: str
    text: str

    @property
    def year(self) -> str | None:
        """The four-digit year of ``date`` when it has one (a few dates are empty or malformed)."""
        m = re.match(r"((?:19|20)\d\d)-", self.date or "")
        return m.group(1) if m else None


def _domain(source_url: str) -> str:
    host = (source_url or "").lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def load_allsides(evaldata: Path = EVALDATA) -> list[AllSidesArticle]:
    """Read every AllSides article in file order (11,118)."""
    out = []
    with gzip.open(Path(evaldata) / ALLSIDES, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            out.append(AllSidesArticle(r["id"], r["source"], _domain(r.get("source_url", "")), r["lean"],
                                       r.get("topic") or "", r.get("date") or "", r.get("url") or "",
                                       r.get("title") or "", r["text"]))
    return out


def outlet_groups(articles: list[AllSidesArticle], resolve=None) -> dict[str, str]:
    """Map each AllSides source label to the outlet it belongs to: the unit to hold out together.

    ``resolve(name) -> outlet id | None`` is the alias table's resolver (service.analysis.outlets); a label it does
    not know is grouped by its most frequent domain, so columnists share their host's group.
    """
    domains: dict[str, Counter] = defaultdict(Counter)
    for a in articles:
        domains[a.source][a.domain] += 1
    out = {}
    for source, doms in sorted(domains.items()):
        oid = resolve(source) if resolve else None
        if not oid and resolve:
            oid = resolve(doms.most_common(1)[0][0])
        out[source] = oid or doms.most_common(1)[0][0]
    return out


def outlet_leans(articles: list[AllSidesArticle], groups: dict[str, str]) -> dict[str, str]:
    """Return each outlet group's AllSides lean: the majority over its articles (ratings changed over time)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for a in articles:
        counts[groups[a.source]][a.lean] += 1
    return {g: c.most_common(1)[0][0] for g, c in sorted(counts.items())}
