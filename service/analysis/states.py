"""Token states of a Doc's sentences from the compact encoder, computed once per sentence and shared.

Two models read the states after all-MiniLM-L6-v2's first 3 layers (lexicons/models/minilm_l3.npz): the target
sentiment head (target_context.py: the states of a target's words and the sentence's mean) and the sentence-bias
head (sentence_bias.py, encoder ``minilm-l3``: the sentence's mean). ``DocStates`` runs the encoder once per
distinct sentence of a Doc and hands the same states to both, so the second model costs no encoder pass for the
sentences the first already encoded. The cache is per Doc (a weak reference: it goes with the Doc) and bounded
(``MAX_TOKENS`` wordpieces; past it the oldest sentences are dropped and recomputed if asked again), so memory stays
bounded whatever the article's length.
"""
from __future__ import annotations

import weakref

import numpy as np

BATCH_SENTENCES = 256  # sentences per encoder call: one batch's memory stays bounded (the encoder chunks inside)


class _SentenceStates:
    """Token states of a Doc's sentences, keyed by the sentence's first character, at most MAX_TOKENS in all."""

    MAX_TOKENS = 16_384  # 24 MB of float32 states; past it, the oldest sentences are dropped (recomputed if asked)

    def __init__(self):
        self.states: dict[int, tuple[np.ndarray, list]] = {}
        self.tokens = 0
        self.text: str | None = None  # Doc.text joins every token on each access: read once per Doc

    def put(self, key: int, value) -> None:
        self.states[key] = value
        self.tokens += len(value[0])
        while self.tokens > self.MAX_TOKENS and len(self.states) > 1:
            old = next(iter(self.states))
            self.tokens -= len(self.states.pop(old)[0])


class DocStates:
    """The encoder's token states per sentence of a Doc, shared by every model holding this object."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.dim = encoder.dim
        self._docs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return the encoder's L2-normalised mean states of free texts (no Doc, nothing cached)."""
        return self.encoder.embed(texts)

    def cache(self, doc) -> _SentenceStates:
        """Return the Doc's cache (made empty on first use)."""
        cache = self._docs.get(doc)
        if cache is None:
            cache = self._docs[doc] = _SentenceStates()
        return cache

    def _text(self, doc, cache: _SentenceStates) -> str:
        if cache.text is None:
            cache.text = doc.text
        return cache.text

    def prepare(self, doc, bounds) -> None:
        """Encode, in batches, the sentences (start_char, end_char) of ``doc`` that are not encoded yet."""
        cache, need = self.cache(doc), {}
        for start, end in bounds:
            if start not in cache.states and start not in need:
                need[start] = end
        keys = list(need)
        if not keys:
            return
        text = self._text(doc, cache)
        for b in range(0, len(keys), BATCH_SENTENCES):
            batch = keys[b:b + BATCH_SENTENCES]
            for key, value in zip(batch, self.encoder.token_states([text[k:need[k]] for k in batch])):
                cache.put(key, value)

    def get(self, doc, start: int, end: int) -> tuple[np.ndarray, list]:
        """Return (token states, wordpiece word offsets) of the sentence [start, end) of ``doc``."""
        cache = self.cache(doc)
        hit = cache.states.get(start)
        if hit is None:
            hit = self.encoder.token_states([self._text(doc, cache)[start:end]])[0]
            cache.put(start, hit)
        return hit

    def pooled(self, doc, bounds) -> np.ndarray:
        """Return one L2-normalised mean state per sentence (start_char, end_char): ``encoder.embed`` of its text.

        Sentences already encoded are read from the cache; the others are encoded here in batches (and kept, so a
        model reading them later pays nothing).
        """
        bounds = list(bounds)
        out = np.zeros((len(bounds), self.dim), dtype=np.float32)
        for b in range(0, len(bounds), BATCH_SENTENCES):
            part = bounds[b:b + BATCH_SENTENCES]
            self.prepare(doc, part)
            for k, (start, end) in enumerate(part):
                states = self.get(doc, start, end)[0]  # evicted by a long batch: encoded again, alone
                if not len(states):
                    continue
                v = states.mean(0)
                out[b + k] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out
