"""Actor sentiment against BASIL's article-level author stance (issue 3).

BASIL (Fan et al., EMNLP 2019) annotates, per article, the author's feeling toward each main entity
(`author_feeling_<Entity>`: neg, neu, pos). This bench analyses each article with the service's own code path
(`analyze`, no outlet, so no calibration shortcut) and reports, for every main entity:
- found: how often NER + mention merging finds it as an actor (matched by full name or surname), and how often
  it is found when given as a caller target (the name as a string target);
- agreement: how often the actor's sentiment label equals the annotated author feeling, beside the majority-class
  baseline and a VADER baseline (mean compound of the sentences that name the entity, ±0.05), computed in the same
  run; with macro-F1 for each.

Run from the repository root: `.venv/bin/python bench/basil_actors.py [--years 2013 2014] [--limit N]`.
Writes bench/out/basil_actors.json. No BASIL text is written anywhere.

The neutral band of the sentiment labels is fitted on BASIL 2010-2014 (tools/train_target_sentiment.py), and BASIL
2010-2014 mentions are part of the model's training data: on these years the service's figures are in-sample. The
held-out estimate is the trainer's, each year scored by a model and a band fitted without it; the bench prints it
from the model file beside the in-sample figures.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.basil_lexicon import DEFAULT_EVALDATA  # noqa: E402

LABELS = ("negative", "neutral", "positive")
FEELING = {"neg": "negative", "neu": "neutral", "pos": "positive"}


def load_articles(evaldata: Path, years) -> list[dict]:
    """Return BASIL articles with their text (title, then paragraphs) and annotated author feelings."""
    out = []
    for year in years:
        for ap in sorted((evaldata / "basil" / "articles" / str(year)).glob("*.json")):
            a = json.loads(ap.read_text(encoding="utf-8"))
            b = json.loads((evaldata / "basil" / "annotations" / str(year) / f"{ap.stem}_ann.json")
                           .read_text(encoding="utf-8"))
            paragraphs = [" ".join(p) for p in a["body-paragraphs"]]
            text = a["title"] + "\n\n" + "\n\n".join(paragraphs)
            feelings = {}
            for entity in a.get("main-entities", []):
                key = "author_feeling_" + entity.replace(" ", "_")
                value = b.get("article-level-annotations", {}).get(key)
                if value in FEELING:
                    feelings[entity] = FEELING[value]
            out.append({"path": str(ap.relative_to(evaldata)), "outlet": a["source"].lower(), "text": text,
                        "feelings": feelings})
    return out


def match_actor(entity: str, actors: list[dict]) -> dict | None:
    """Return the actor that names the entity: same full name, or the entity's surname as the actor's."""
    low = entity.lower()
    last = low.split()[-1]
    for actor in actors:
        name = actor["name"].lower()
        if name == low or low in {m["text"].lower() for m in actor["mentions"]}:
            return actor
    for actor in actors:
        if actor["type"] == "person" and actor["name"].lower().split()[-1] == last:
            return actor
    return None


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Return macro-averaged F1 over the three labels."""
    scores = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        fp = sum(p == label != g for g, p in zip(gold, pred))
        fn = sum(g == label != p for g, p in zip(gold, pred))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def vader_label(vader, text: str, entity: str) -> str:
    """Mean VADER compound of the sentences naming the entity (or its surname), thresholded at ±0.05."""
    import re

    last = entity.split()[-1]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if last in s]
    if not sentences:
        return "neutral"
    mean = sum(vader.polarity_scores(s)["compound"] for s in sentences) / len(sentences)
    return "positive" if mean >= 0.05 else "negative" if mean <= -0.05 else "neutral"


def score_articles(articles: list[dict], analyze, vader) -> list[dict]:
    """Analyse each article with its main entities as caller targets; return one row per (article, entity).

    ``analyze(text, targets=...)`` is the service's entry point (or the same over other resources). A row holds the
    annotated feeling, whether NER and the caller target found the entity, the actor's and the target's sentiment
    label, the VADER baseline's, and the article's index (for resampling whole articles).
    """
    rows = []
    for n, art in enumerate(articles):
        entities = list(art["feelings"])
        result = analyze(art["text"], targets=entities or None)
        for k, entity in enumerate(entities):
            actor = match_actor(entity, result["actors"])
            target = result["targets"][k]
            rows.append({
                "article": n,
                "gold": art["feelings"][entity],
                "found_ner": actor is not None,
                "found_target": bool(target["found"]),
                "actor": actor["sentiment"]["label"] if actor else None,
                "target": target["sentiment"]["label"],
                "vader": vader_label(vader, art["text"], entity),
            })
    return rows


def main(argv=None) -> int:
    """Run the bench and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", nargs="+", default=["2010", "2011", "2012", "2013", "2014"])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    args = parser.parse_args(argv)

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from service.analysis import analyze, default_resources

    articles = load_articles(args.evaldata, args.years)
    if args.limit:
        articles = articles[: args.limit]
    default_resources()
    vader = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    rows = score_articles(articles, analyze, vader)
    elapsed = time.perf_counter() - start
    gold = [r["gold"] for r in rows]
    majority = Counter(gold).most_common(1)[0][0] if gold else "neutral"
    # Entities NER missed fall back on the caller-target score, as a newsroom tool tracking them would see it.
    service = [r["actor"] or r["target"] for r in rows]
    systems = {
        "service (actor, else target)": service,
        "service (caller target)": [r["target"] for r in rows],
        f"majority class ({majority})": [majority] * len(rows),
        "VADER, sentences naming the entity": [r["vader"] for r in rows],
    }
    n = len(rows)
    band = getattr(default_resources().target_sentiment, "header", {})
    model_band = json.loads((ROOT / "lexicons" / "models" / "target_sentiment.json").read_text(
        encoding="utf-8")).get("neutral_band", {})
    report = {
        "years": args.years, "articles": len(articles), "entities": n, "seconds": round(elapsed, 1),
        "neutral_band": model_band, "model_version": band.get("version"),
        "gold_distribution": dict(Counter(gold)),
        "found_by_ner": round(sum(r["found_ner"] for r in rows) / n, 3) if n else None,
        "found_as_target": round(sum(r["found_target"] for r in rows) / n, 3) if n else None,
        "systems": {name: {"accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 3),
                           "macro_f1": round(macro_f1(gold, pred), 3),
                           "predicted": dict(Counter(pred))} for name, pred in systems.items()},
    }
    ner_rows = [r for r in rows if r["found_ner"]]
    if ner_rows:
        report["actor_agreement_where_found"] = round(sum(r["gold"] == r["actor"] for r in ner_rows) / len(ner_rows), 3)
    print(f"BASIL {' '.join(args.years)}: {len(articles)} articles, {n} main entities with an author feeling "
          f"({report['gold_distribution']}), {elapsed:.0f} s")
    print(f"main entities found as actors by NER + merging: {report['found_by_ner']:.3f}; "
          f"found as caller targets: {report['found_as_target']:.3f}")
    print(f"{'system':42s} {'accuracy':>9s} {'macro-F1':>9s}")
    for name, figures in report["systems"].items():
        print(f"{name:42s} {figures['accuracy']:9.3f} {figures['macro_f1']:9.3f}")
    if model_band:
        print(f"neutral band {model_band.get('value')} fitted on BASIL 2010-2014; trainer's held-out-year macro-F1 "
              f"{model_band.get('macro_f1_held_out_year')} (in-sample above when these years are benched)")
    if "actor_agreement_where_found" in report:
        print(f"actor label = author feeling, where NER found the entity: {report['actor_agreement_where_found']:.3f}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "basil_actors.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
