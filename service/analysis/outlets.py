"""Outlet names, aliases, domains and URLs resolved to one outlet id (the profile slug).

"Breitbart", "breitbart.com", "https://www.breitbart.com/politics/2019/…", "NYT" and "The New York Times" all
reach one outlet. The tables live in lexicons/outlets/: ``outlets.tsv`` (one line per outlet: id, kind, display
name, AllSides lean where the Baly et al. corpus rates it, home domain) and ``aliases.tsv`` (name, abbreviation,
AllSides label or domain -> id). Both use the lexicon header format (lexicons/README.md). Pure Python, no Flask.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Host prefixes that never name the outlet ("www.breitbart.com", "m.cnn.com", "amp.theguardian.com").
_HOST_PREFIXES = ("www.", "www2.", "m.", "mobile.", "amp.")
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\"'“”‘’.,;:()\[\]]+|[\s\"'“”‘’.,;:()\[\]]+$")
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/.*)?$")


@dataclass(frozen=True)
class Outlet:
    """One outlet: its id (profile slug), display name, kind, AllSides lean ('' when unrated) and domains."""

    id: str
    name: str
    kind: str = "news"
    allsides_lean: str = ""
    domain: str = ""
    aliases: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        """Return the outlet as plain JSON-able data."""
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "allsides_lean": self.allsides_lean or None, "domain": self.domain or None}


def _read_tsv(path: Path) -> tuple[dict, list[dict]]:
    meta, rows, header = {}, [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if header is None and line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return meta, rows


def normalise(name: str) -> str:
    """Return the lookup key of a name: NFKC, lower case, one space, outer quotes and punctuation dropped."""
    text = unicodedata.normalize("NFKC", name or "").replace("’", "'").lower()
    return _EDGE.sub("", _SPACE.sub(" ", text))


def host_of(text: str) -> str | None:
    """Return the host of a URL or bare domain ("https://www.breitbart.com/x" -> "breitbart.com"), else None."""
    text = (text or "").strip().lower()
    if "://" not in text:
        if " " in text or not _HOSTLIKE.match(text):
            return None
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host or None


class OutletTable:
    """The alias table: resolves any name, abbreviation, domain or URL to an ``Outlet``."""

    def __init__(self, outlets: dict[str, Outlet], aliases: dict[str, str], meta: dict | None = None):
        self.outlets = outlets
        self.aliases = aliases
        self.meta = meta or {}

    @classmethod
    def from_dir(cls, directory: str | Path) -> "OutletTable":
        """Load outlets.tsv and aliases.tsv from a directory (missing files: an empty table)."""
        directory = Path(directory)
        outlets: dict[str, Outlet] = {}
        aliases: dict[str, str] = {}
        meta: dict = {}
        if (directory / "outlets.tsv").is_file():
            meta, rows = _read_tsv(directory / "outlets.tsv")
            for r in rows:
                outlets[r["term"]] = Outlet(r["term"], r["name"], r.get("category") or "news",
                                            r.get("allsides_lean", ""), r.get("domain", ""))
        if (directory / "aliases.tsv").is_file():
            _, rows = _read_tsv(directory / "aliases.tsv")
            for r in rows:
                aliases[normalise(r["term"])] = r["outlet"]
        for oid, outlet in list(outlets.items()):
            aliases.setdefault(normalise(oid), oid)
            aliases.setdefault(normalise(outlet.name), oid)
            names = tuple(sorted(t for t, o in aliases.items() if o == oid))
            outlets[oid] = Outlet(outlet.id, outlet.name, outlet.kind, outlet.allsides_lean, outlet.domain, names)
        return cls(outlets, aliases, meta)

    def add(self, oid: str, name: str, names=()) -> None:
        """Register an outlet known only from a profile (its id, display name and further names)."""
        if oid not in self.outlets:
            self.outlets[oid] = Outlet(oid, name or oid)
        for n in [oid, name, *names]:
            if n:
                self.aliases.setdefault(normalise(n), oid)

    def resolve_id(self, name: str | None) -> str | None:
        """Return the outlet id for a name, alias, domain or URL, or None when unknown."""
        if not name or not name.strip():
            return None
        key = normalise(name)
        if key in self.aliases:
            return self.aliases[key]
        if key.startswith("the ") and key[4:] in self.aliases:
            return self.aliases[key[4:]]
        if f"the {key}" in self.aliases:
            return self.aliases[f"the {key}"]
        host = host_of(name)
        while host:
            if host in self.aliases:
                return self.aliases[host]
            # "politics.breitbart.com" -> "breitbart.com"; stop before a bare public suffix such as "co.uk".
            parts = host.split(".", 1)
            host = parts[1] if len(parts) == 2 and "." in parts[1] else None
        return None

    def resolve(self, name: str | None) -> Outlet | None:
        """Return the ``Outlet`` for a name, alias, domain or URL, or None when unknown."""
        oid = self.resolve_id(name)
        return self.outlets.get(oid) if oid else None

    def resolution(self, name: str | None) -> dict:
        """Return how a requested outlet name resolved: {query, id, name, known, ...} or a note saying it did not."""
        outlet = self.resolve(name)
        if outlet is None:
            out = {"query": name, "id": None, "name": None, "known": False}
            if name:
                out["note"] = (f"unknown outlet {name!r}: no profile or alias matches; compared with the pooled "
                               "reference only")
            return out
        return {"query": name, "known": True, **outlet.as_dict()}
