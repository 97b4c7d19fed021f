"""Duplicate and near-duplicate articles in a comparison: the same wire story under two outlets, or posted twice.

Each text is reduced to its set of word 5-shingles (Broder 1997, "On the resemblance and containment of
documents": w-shingles of words, resemblance = Jaccard of the shingle sets), hashed and sampled by MinHash with
``NUM_PERM`` hash functions, so memory per text is fixed and time is linear in total length. Candidate pairs are
found by locality-sensitive hashing over ``BANDS`` bands of ``ROWS`` rows (Leskovec, Rajaraman & Ullman, "Mining of
Massive Datasets", ch. 3.4): pairs sharing a band are checked by their MinHash estimate. Texts are compared on
their words only (case, punctuation and spacing ignored; HTML read as its text by ``text.prepare``), so a
re-posted story with a new headline or byline still counts as near. compare() passes each article's story (the
spans extraction kept), not the page: two stories saved from one site share its whole template.

``kind`` is "exact" when the word sequences are identical, "near" when the estimated Jaccard similarity of their
shingle sets reaches ``threshold``.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

from .text import prepare

SHINGLE = 5  # Broder et al. 1997 used w = 10 for the web; news paragraphs are shorter, 5 keeps short wires apart
NUM_PERM = 128  # standard error of the Jaccard estimate is about sqrt(J(1-J)/128) <= 0.044
BANDS, ROWS = 32, 4  # LSH: a pair with Jaccard s is a candidate with probability 1-(1-s^4)^32: 0.96 at 0.5
# Wire copies re-edited by an outlet (a new first paragraph, a trimmed end) keep well over half their 5-shingles;
# two different outlets' own stories on one event share a few quotes, well under a fifth (the seeds: at most 0.06).
DEFAULT_THRESHOLD = 0.5
_MERSENNE = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.UNICODE)

_rng = np.random.default_rng(19970401)  # fixed: the same texts give the same answer in every process
_A = _rng.integers(1, _MERSENNE, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, _MERSENNE, size=NUM_PERM, dtype=np.uint64)


def _words(text: str) -> list[str]:
    # HTML is read as its text (tags, scripts and styles dropped) by the same renderer the analysis uses.
    return [w.casefold() for w in _WORD.findall(prepare(text).text)]


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """Return the 32-bit hashes of the text's distinct word shingles (one shingle for a short text)."""
    n = max(len(words) - SHINGLE + 1, 1)
    out = {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + SHINGLE]).encode("utf-8", "replace"),
                                          digest_size=4).digest(), "little") for i in range(n)}
    return np.fromiter(out, dtype=np.uint64, count=len(out))


def _minhash(hashes: np.ndarray) -> np.ndarray:
    """Return the MinHash signature: for each of NUM_PERM hash functions, the least hash of any shingle."""
    sig = np.empty(NUM_PERM, dtype=np.uint64)
    # (a * x + b) mod p with x < 2^32 and a, b < 2^61 overflows uint64; reduce a to 29 bits' worth per product.
    a, b = _A % (1 << 29), _B
    sig[:] = np.iinfo(np.uint64).max
    # Blocks of 32 functions x 16,384 shingles: at most 4 MB of temporary array, whatever the text's length.
    for lo in range(0, NUM_PERM, 32):
        for start in range(0, len(hashes), 16_384):
            block = (np.outer(hashes[start:start + 16_384], a[lo:lo + 32]) + b[lo:lo + 32]) % _MERSENNE
            sig[lo:lo + 32] = np.minimum(sig[lo:lo + 32], block.min(axis=0))
    return sig


def near_duplicates(texts: list[str], threshold: float = DEFAULT_THRESHOLD) -> list[dict]:
    """Return pairs of texts that are duplicates: {a, b (indices, a < b), similarity, kind ("exact"|"near")}."""
    words = [_words(t or "") for t in texts]
    exact: dict[tuple, int] = {}
    pairs: dict[tuple[int, int], dict] = {}
    for k, w in enumerate(words):
        if not w:
            continue
        key = hashlib.blake2b(" ".join(w).encode("utf-8", "replace"), digest_size=16).digest()
        if key in exact:
            pairs[(exact[key], k)] = {"a": exact[key], "b": k, "similarity": 1.0, "kind": "exact"}
        else:
            exact[key] = k
    sigs = {k: _minhash(_shingle_hashes(w)) for k, w in enumerate(words) if w}
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for k, sig in sigs.items():
        for band in range(BANDS):
            buckets.setdefault((band, sig[band * ROWS:(band + 1) * ROWS].tobytes()), []).append(k)
    candidates = {(i, j) for members in buckets.values() for x, i in enumerate(members) for j in members[x + 1:]}
    for i, j in sorted(candidates):
        if (i, j) in pairs:
            continue
        sim = float(np.mean(sigs[i] == sigs[j]))
        if sim >= threshold:
            pairs[(i, j)] = {"a": i, "b": j, "similarity": round(sim, 3), "kind": "near"}
    return [pairs[k] for k in sorted(pairs)]
