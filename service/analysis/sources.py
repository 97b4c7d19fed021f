"""Human names for the lexicon source ids that hits carry (``source`` column of lexicons/*.tsv).

The ids are short and stable for data ("bingliu", "recasens2013"); a reader wants the work they come from
("Hu & Liu opinion lexicon"). This is the one place that maps them; each lexicon's ``# source:`` header line says
the same in prose. tests/test_web.py checks that every id used in lexicons/ has a name here.
"""
from __future__ import annotations

import re

SOURCE_NAMES = {
    "bingliu": "Hu & Liu opinion lexicon (Hu & Liu 2004)",
    "curated": "the project's curated list",
    "curated-override": "the project's curated list (replacing VADER's value)",
    "hooper1975": "Hooper 1975 factive and assertive verbs",
    "hooper1975-assertive": "Hooper 1975 assertive verbs (via Recasens et al. 2013)",
    "hooper1975-factive": "Hooper 1975 factive verbs (via Recasens et al. 2013)",
    "hyland2005": "Hyland 2005 hedges (via Recasens et al. 2013)",
    "karttunen1971": "Karttunen 1971 implicative verbs",
    "neighbour": "a Hu & Liu opinion lexicon or Recasens et al. 2013 word near a curated entry in word vectors",
    "recasens2013": "Recasens et al. 2013 bias lexicon",
    "recasens2013-report": "Recasens et al. 2013 report verbs",
    "vader": "VADER (Hutto & Gilbert 2014)",
}


def source_parts(source_id: str) -> list[tuple[str, str]]:
    """Split a source id into (id, detail) parts: "a+b" names two sources, "id(detail)" carries a detail,
    "neighbour:<entry>:<cosine>" is one part."""
    if source_id.startswith("neighbour:"):
        return [("neighbour", source_id.partition(":")[2])]
    parts = []
    for part in re.split(r"\+(?![^()]*\))", source_id):  # a "+" inside a detail ("(vader +0.7)") is not a join
        base, _, detail = part.partition("(")
        parts.append((base.strip(), detail.rstrip(")").strip()))
    return parts


def source_name(source_id: str | None) -> str:
    """Return the human name of a lexicon source id ("unknown" when empty, the id when it has no name).

    Compound ids read as their parts: "recasens2013-report+hooper1975-factive" names both works, and
    "curated-override(vader -3.1)" keeps its detail ("... (vader -3.1)").
    """
    if not source_id:
        return "unknown"
    if source_id.startswith("neighbour:"):
        # "neighbour:<entry>:<cosine>" (lexicons/loaded_terms.tsv): joined the list as a near neighbour of <entry>.
        _, entry, cosine = (source_id.split(":") + ["", ""])[:3]
        return (f"a Hu & Liu opinion lexicon or Recasens et al. 2013 word near “{entry}” in word vectors"
                + (f" (cosine {cosine})" if cosine else ""))
    names = []
    for base, detail in source_parts(source_id):
        name = SOURCE_NAMES.get(base, base)
        names.append(f"{name} ({detail})" if detail else name)
    return " and ".join(names)
