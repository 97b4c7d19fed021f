"""Build outlet profiles (lexicons/outlets/*.json) from a corpus of articles with outlet labels.

Pure: no Flask. ``flask --app service calibrate`` (service/cli_calibrate.py) and tools/build_profiles.py call it.

A corpus is one of
- a folder of ``.json`` files, each ``{"text": ..., "outlet": ..., "title": ...}`` (``title`` optional);
- a folder of ``.txt`` files with a ``manifest.tsv`` beside them (columns ``file``, ``outlet``, optional
  ``headline``; the layout of seeds/);
- a JSONL file, one ``{"text", "outlet", "title"?, "id"?}`` object a line.

Each article is analysed with the core (service.analysis.analyze_document). Per outlet and pooled, the profile
records every calibrated metric's distribution (calibration.summarise), the outlet's distinctive vocabulary against
the rest of the corpus (Fightin' Words, Monroe, Colaresi & Quinn 2008) with the distribution of its slant score
over the pooled articles, which of the outlet's chrome rules (lexicons/chrome.json) fired, and n_articles with
the corpus provenance. Output is deterministic: sorted keys, rounded floats, no timestamps.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from .calibration import (FIGHTIN_PRIOR, MIN_ARTICLES, POOLED, PROFILE_FORMAT, fightin_words,
                                   metric_values, slant_score, summarise, vocabulary_tokens)
from .chrome import slugify


def scoring_version_of(res) -> str:
    """The hash of the lexicons the scores were made with (core.scoring_version), "" without a lexicon folder."""
    from .core import scoring_version

    directory = getattr(res, "lexicon_dir", None)
    return scoring_version(directory) if directory else ""

# Vocabulary kept per outlet: the TOP_K words of highest z with z >= Z_MIN (two-sided 5% level) used in at least
# MIN_DF of the outlet's articles, so that one story's names do not become "house style".
TOP_K = 100
Z_MIN = 1.96
MIN_DF = 3
ROUND = 4


class CorpusError(ValueError):
    """The corpus cannot be read or lacks outlet labels; the message says which file and why."""


@dataclass(frozen=True)
class CorpusArticle:
    """One labelled article of a calibration corpus."""

    id: str
    outlet: str
    text: str
    title: str | None = None


def _label(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: no outlet label (every article needs a non-empty \"outlet\")")
    return value.strip()


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: no article text (\"text\" must be a non-empty string)")
    return value


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from exc


def _from_object(obj, where: str, default_id: str) -> CorpusArticle:
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object with \"text\" and \"outlet\"")
    title = obj.get("title")
    return CorpusArticle(str(obj.get("id") or default_id), _label(obj.get("outlet"), where),
                         _text(obj.get("text"), where), title if isinstance(title, str) and title else None)


def read_corpus(path: str | Path, on_error: Callable[[str], None] | None = None) -> list[CorpusArticle]:
    """Read a labelled corpus (folder of .json/.txt with manifest.tsv, or a .jsonl file); raise CorpusError.

    With ``on_error``, a bad record (invalid JSON, no outlet, no text) is reported to it with its file and line and
    skipped, so one bad line does not stop a corpus of thousands; without it, the first bad record raises.
    """
    path = Path(path)

    def bad(exc: CorpusError) -> None:
        if on_error is None:
            raise exc
        on_error(str(exc))

    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    articles: list[CorpusArticle] = []
    if path.is_file():
        for lineno, line in enumerate(_read(path).splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{where}: not valid JSON ({exc.msg})") from exc
                articles.append(_from_object(obj, where, f"{path.stem}:{lineno}"))
            except CorpusError as exc:
                bad(exc)
    else:
        manifest = {}
        if (path / "manifest.tsv").is_file():
            rows = csv.DictReader(_read(path / "manifest.tsv").splitlines(), delimiter="\t")
            manifest = {row.get("file", ""): row for row in rows}
        for file in sorted(p for p in path.iterdir() if p.suffix in (".txt", ".json") and p.is_file()):
            try:
                if file.suffix == ".json":
                    try:
                        obj = json.loads(_read(file))
                    except json.JSONDecodeError as exc:
                        raise CorpusError(f"{file}: not valid JSON ({exc.msg})") from exc
                    articles.append(_from_object(obj, str(file), file.stem))
                else:
                    row = manifest.get(file.name)
                    if row is None:
                        raise CorpusError(f"{file}: no outlet label (list the file with its outlet in "
                                          f"{path / 'manifest.tsv'})")
                    title = (row.get("headline") or "").strip() or None
                    articles.append(CorpusArticle(file.stem, _label(row.get("outlet"), f"{file} (manifest.tsv)"),
                                                  _text(_read(file), str(file)), title))
            except CorpusError as exc:
                bad(exc)
    if not articles:
        raise CorpusError(f"{path}: no articles (expected .txt files with a manifest.tsv, .json files, or JSONL)")
    return articles


class _ParsedNLP:
    """Stand in for the pipeline, answering from docs parsed ahead in one nlp.pipe batch."""

    def __init__(self, nlp, texts: Iterable[str], batch_size: int = 64):
        self._nlp = nlp
        unique = list(dict.fromkeys(texts))
        self._docs = dict(zip(unique, nlp.pipe(unique, batch_size=batch_size)))
        self.meta = getattr(nlp, "meta", {})
        self.pipe_names = getattr(nlp, "pipe_names", [])
        self.tokenizer = nlp.tokenizer

    def __call__(self, text: str):
        doc = self._docs.pop(text, None)
        return doc if doc is not None else self._nlp(text)

    def make_doc(self, text: str):
        """Return the doc parsed ahead for ``text`` (marked as parsed), or a fresh one the pipeline will parse."""
        doc = self._docs.pop(text, None)
        if doc is None:
            return self._nlp.make_doc(text)
        doc.user_data["parsed_ahead"] = True
        return doc

    @property
    def pipeline(self):
        """The pipeline's components, each passing over a doc that was parsed ahead."""
        def skip_parsed(proc):
            return lambda doc: doc if doc.user_data.get("parsed_ahead") else proc(doc)

        return [(name, skip_parsed(proc)) for name, proc in self._nlp.pipeline]


def analyse_texts(res, items: list[tuple[str, str | None, str | None]], progress: Callable | None = None,
                  batch_size: int = 64) -> list[dict]:
    """Analyse (text, title, outlet) items with the core, parsing them in nlp.pipe batches; keep the order.

    The core parses the text with page chrome blanked; texts without chrome (most) are parsed ahead in a batch,
    the rest fall back on the pipeline. ``progress(k)`` is called after each article.
    """
    from . import analyze_document

    out = []
    for lo in range(0, len(items), batch_size * 4):
        chunk = items[lo:lo + batch_size * 4]
        fast = replace(res, nlp=_ParsedNLP(res.nlp, [text for text, _, _ in chunk], batch_size),
                       calibration=None)
        for text, title, outlet in chunk:
            out.append(analyze_document(fast, text, title=title, outlet=outlet))
            if progress:
                progress(1)
    return out


def article_words(res, text: str, result: dict) -> list[str]:
    """Return the article's vocabulary words with the page chrome the analysis removed blanked out."""
    chars = list(text)
    for span in result.get("cleaning", {}).get("removed", []):
        for k in range(span["start"], min(span["end"], len(chars))):
            if chars[k] != "\n":
                chars[k] = " "
    return vocabulary_tokens(res.nlp.tokenizer("".join(chars)))


def _r(x: float) -> float:
    return round(float(x), ROUND)


def metric_summaries(results: list[dict]) -> dict:
    """Summarise each metric over ``results`` (analyses): {metric: summarise(its values)}, metrics sorted."""
    per_metric: dict[str, list[float]] = {}
    for result in results:
        for name, value in metric_values(result).items():
            per_metric.setdefault(name, []).append(value)
    return {name: summarise(values) for name, values in sorted(per_metric.items())}


def _chrome(slug_rules: str | None, n_rules: int, results: list[dict]) -> dict:
    fired: Counter = Counter()
    removed_share = []
    for result in results:
        for rule in sorted({r["rule"] for r in result.get("cleaning", {}).get("removed", [])}):
            fired[rule] += 1
        chars = result.get("stats", {}).get("characters") or 0
        removed_share.append(result.get("cleaning", {}).get("removed_characters", 0) / chars if chars else 0.0)
    return {"rules_file": "chrome.json", "outlet_rules": slug_rules, "outlet_rule_count": n_rules,
            "articles_with_rule": dict(sorted(fired.items())),
            "removed_share": summarise(removed_share)}


def build_profiles(articles: list[CorpusArticle], res, *, version: str, provenance: str,
                   names: dict[str, list[str]] | None = None, progress: Callable | None = None,
                   results: list[dict] | None = None) -> dict[str, dict]:
    """Analyse the corpus and return {profile id: profile}, the pooled one under ``_pooled``.

    ``names`` maps an outlet label to further names it goes by (for example "Fox News": ["fox"]). ``results`` may
    pass analyses already made (one per article, same order) to skip the analysis.
    """
    if not articles:
        raise CorpusError("no articles")
    names = names or {}
    if results is None:
        results = analyse_texts(res, [(a.text, a.title, a.outlet) for a in articles], progress)
    words = [article_words(res, a.text, r) for a, r in zip(articles, results)]
    by_outlet: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for k, a in enumerate(articles):
        slug = slugify(a.outlet)
        if not slug or slug == POOLED.strip("_"):
            raise CorpusError(f"{a.id}: outlet label {a.outlet!r} gives no usable profile id")
        by_outlet.setdefault(slug, []).append(k)
        labels.setdefault(slug, a.outlet)
    counts = [Counter(w) for w in words]
    total_counts = sum(counts, Counter())
    common = {"format": PROFILE_FORMAT, "version": version, "provenance": provenance,
              "lexicon_version": scoring_version_of(res), "min_articles": MIN_ARTICLES}
    profiles = {POOLED: {**common, "id": POOLED, "outlet": None, "names": [],
                         "n_articles": len(articles),
                         "outlets": {s: len(ix) for s, ix in sorted(by_outlet.items())},
                         "metrics": metric_summaries(results)}}
    chrome = getattr(res, "chrome", None)
    for slug, ix in sorted(by_outlet.items()):
        own = sum((counts[k] for k in ix), Counter())
        rest = total_counts - own
        df = Counter(w for k in ix for w in counts[k])
        min_df = min(MIN_DF, len(ix))
        zs = fightin_words(own, rest, FIGHTIN_PRIOR) if rest else {}
        top = sorted(((w, z) for w, z in zs.items() if z >= Z_MIN and df[w] >= min_df), key=lambda wz: (-wz[1], wz[0]))
        terms = [{"term": w, "z": _r(z), "count": own[w], "articles": df[w]} for w, z in top[:TOP_K]]
        vocab = None
        if terms:
            zmap = {t["term"]: t["z"] for t in terms}
            vocab = {"method": f"Fightin' Words log-odds z vs the rest of the corpus, informative Dirichlet prior "
                               f"a0={FIGHTIN_PRIOR:g} (Monroe, Colaresi & Quinn 2008); top {TOP_K} with "
                               f"z >= {Z_MIN} in >= {min_df} articles",
                     "words": sum(own.values()), "terms": terms,
                     # How far the pooled articles use this vocabulary: the slant score's reference distribution.
                     "baseline": summarise([slant_score(w, zmap) for w in words])}
        rules_id = chrome.outlet_id(labels[slug]) if chrome else None
        n_rules = len(chrome.outlets.get(rules_id, [])) if chrome and rules_id else 0
        profiles[slug] = {**common, "id": slug, "outlet": labels[slug],
                          "names": sorted(set(names.get(labels[slug], []))),
                          "n_articles": len(ix), "enough_articles": len(ix) >= MIN_ARTICLES,
                          "metrics": metric_summaries([results[k] for k in ix]),
                          "vocabulary": vocab,
                          "chrome": _chrome(rules_id, n_rules, [results[k] for k in ix])}
    profiles[POOLED]["enough_articles"] = len(articles) >= MIN_ARTICLES
    return profiles


def dumps(profile: dict) -> str:
    """Serialise a profile deterministically (sorted keys, one-space indent, trailing newline)."""
    return json.dumps(profile, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_profiles(profiles: dict[str, dict], out_dir: str | Path) -> list[Path]:
    """Write each profile to ``out_dir/<id>.json`` and remove profiles of an earlier build that this one lacks.

    Each file is written to a temporary name and renamed, so a reader never sees half a profile; files that are not
    profiles (the alias tables, README.md) are kept. Return the paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for slug, profile in sorted(profiles.items()):
        path = out_dir / f"{slug}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(dumps(profile), encoding="utf-8")
        tmp.replace(path)
        paths.append(path)
    keep = {p.name for p in paths}
    for old in out_dir.glob("*.json"):
        if old.name not in keep and _is_profile(old):
            old.unlink()
    return paths


def _is_profile(path: Path) -> bool:
    """Return True when ``path`` holds an outlet profile (a JSON object with this builder's "format" key)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "format" in data and "n_articles" in data
