"""Short texts and the language rule: when is a detector's verdict on under 20 words safe to act on?

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.language_short      # about a minute

The pipeline (service/analysis/pipeline.py language_step) trusts py3langid's verdict from LANGUAGE_MIN_WORDS words at
LANGUAGE_MIN_CONFIDENCE, and under that only at LANGUAGE_SHORT_MIN_CONFIDENCE; a trusted non-English verdict empties
the actors (the English models say nothing valid there). Wrongly trusted on English, it would blank a headline's
actors; never trusted, a short Spanish lede gets English NER ("El presidente ruso" as an actor). This measures both
sides on short texts (fewer than LANGUAGE_MIN_WORDS alphabetic tokens, counted by the service's own tokenizer):
- English: every AllSides-ABP title and every NewsMTSC (train, rw-dev, mt-dev) sentence under that length;
- other languages: the hand-written non-English news sentences of bench/pages/language_samples.tsv (11 languages).
For each confidence bar: English texts given another language, and non-English texts given their own language.
Only counts are printed (the corpora are research use); nothing is written.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVALDATA = Path("/work/shared/evaldata")
BARS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


def english_texts() -> list[str]:
    out = []
    with gzip.open(EVALDATA / "allsides-abp" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        out += [t for t in (json.loads(line).get("title") for line in fh) if t]
    for split in ("train", "rw-dev", "mt-dev"):
        path = EVALDATA / "newsmtsc" / f"{split}.jsonl"
        if path.is_file():
            out += [json.loads(line)["sentence_normalized"] for line in path.open(encoding="utf-8")]
    return out


def main() -> int:
    from bench.pages import hand_written_samples
    from service.analysis.core import load_nlp
    from service.analysis.language import detect_language
    from service.analysis.pipeline import LANGUAGE_MIN_WORDS, LANGUAGE_SHORT_MIN_CONFIDENCE

    tokenizer = load_nlp().tokenizer

    def words(text: str) -> int:
        return sum(tok.is_alpha for tok in tokenizer(text))

    english = [detect_language(t) for t in english_texts() if words(t) < LANGUAGE_MIN_WORDS]
    other = [(lang, detect_language(t)) for lang, t in hand_written_samples()
             if lang != "en" and words(t) < LANGUAGE_MIN_WORDS]
    wrong = [d["confidence"] for d in english if d["language"] not in (None, "en")]
    right = [d["confidence"] for lang, d in other if d["language"] == lang]
    print(f"short English texts: {len(english)}; given another language at any confidence: {len(wrong)}, "
          f"highest confidence {max(wrong, default=0):.3f}")
    print(f"short non-English samples: {len(other)} in {len({lang for lang, _ in other})} languages; given their "
          f"own language: {len(right)}, lowest confidence {min(right, default=0):.3f}")
    print("| bar | English given another language | non-English given its own |")
    print("|---|---|---|")
    for bar in sorted(set(BARS) | {LANGUAGE_SHORT_MIN_CONFIDENCE}):
        mark = " (shipped)" if bar == LANGUAGE_SHORT_MIN_CONFIDENCE else ""
        print(f"| {bar}{mark} | {sum(c >= bar for c in wrong)} of {len(english)} | "
              f"{sum(c >= bar for c in right)} of {len(other)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
