"""The service's spaCy pipeline (service/analysis/spacy_speed.py: numpy's matrix product instead of blis, the indexed
attribute ruler) must annotate exactly as spaCy's stock pipeline does: on whole seed pages (chrome and all),
hand-made sentences, and generated token sequences that reach the ruler's rarer rules."""
from __future__ import annotations

import numpy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.analysis.core import load_nlp


@pytest.fixture(scope="module")
def stock_nlp():
    return load_nlp(fast=False)


def annotations(doc):
    return [(t.i, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


def test_service_pipeline_is_built_on_numpy_matmul(resources, stock_nlp):
    fast = {type(node.ops).__name__ for name, pipe in resources.nlp.pipeline if getattr(pipe, "model", None)
            for node in pipe.model.walk()}
    assert "MatmulOps" in fast
    stock = {type(node.ops).__name__ for name, pipe in stock_nlp.pipeline if getattr(pipe, "model", None)
             for node in pipe.model.walk()}
    assert "MatmulOps" not in stock
    assert type(resources.nlp.get_pipe("attribute_ruler")).__name__ == "IndexedAttributeRuler"
    assert resources.nlp.pipe_names == stock_nlp.pipe_names


@pytest.mark.parametrize("trans1,trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_gemm_agrees_with_thinc(resources, stock_nlp, trans1, trans2):
    fast_ops = resources.nlp.get_pipe("tok2vec").model.ops
    stock_ops = stock_nlp.get_pipe("tok2vec").model.ops
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((37, 11) if not trans1 else (11, 37)).astype("float32")
    y = rng.standard_normal((11, 5) if not trans2 else (5, 11)).astype("float32")
    want = stock_ops.gemm(x, y, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(fast_ops.gemm(x, y, trans1=trans1, trans2=trans2), want, rtol=1e-5, atol=1e-5)
    out = numpy.zeros_like(want)
    assert fast_ops.gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_seed_pages_parse_the_same(resources, stock_nlp, seeds):
    for seed in seeds:
        assert annotations(resources.nlp(seed["text"])) == annotations(stock_nlp(seed["text"])), seed["file"]


def test_hand_made_sentences_parse_the_same(resources, stock_nlp):
    texts = ["Nicolas Maduro, the Venezuelan president, said on Tuesday that Russia would send 100 troops.",
             "The socialist dictator's regime \"welcomed\" the so-called advisers!\nWho pays?",
             "Sergei Lavrov met Jorge Arreaza in Moscow; the U.S. State Department called it a provocation.",
             "We 're gon na win, y' all, and there 's nothin' they can do; ai n't that so? Let 's go, c'm on."]
    for text in texts:
        assert annotations(resources.nlp(text)) == annotations(stock_nlp(text)), text


# Words and phrases that reach the ruler's rules beyond the tag map: its several-token rules ("gon na", "y' all",
# "ai n't", "let 's", expletive "there is") and regex rules ("nothin'"), pronouns as objects, auxiliaries,
# determiners as pronouns, white space.
_WORDS = ["ai n't", "ai nt", "gon na", "got ta", "let 's", "c'm on", "y' all", "y all", "nothin'", "nuthin'",
          "there is", "there are", "there 's", "I", "you", "it", "is", "was", "do", "does", "had", "have", "'ve",
          "that", "which", "this", "not", "be", "gets", "got", "Maduro", "Russia", "said", "will", "to", "the",
          "regime", "\n", "  ", ",", ".", "?", "if", "because", "am", "'m", "'re", "were", "gon", "na"]
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30))
def test_generated_token_sequences_parse_the_same(resources, stock_nlp, words):
    text = " ".join(words)
    assert annotations(resources.nlp(text)) == annotations(stock_nlp(text)), text
