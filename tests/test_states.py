"""service/analysis/states.py: the per-Doc token states both encoder heads share, with the real compact encoder."""
from __future__ import annotations

import numpy as np

from service.analysis import states as st

SENTENCES = ["Nicolas Maduro's regime crushed the protests in Caracas.",
             "The ministers met in Rome on Tuesday to discuss trade.",
             "Critics called the decision a shameful betrayal of voters.",
             "Officials said the talks would continue next week."]


def test_pooled_is_the_encoders_embedding_of_each_sentence(resources):
    ds = st.DocStates(resources.target_sentiment.encoder)
    doc = resources.nlp(" ".join(SENTENCES))
    sents = list(doc.sents)
    got = ds.pooled(doc, [(s.start_char, s.end_char) for s in sents])
    want = resources.target_sentiment.encoder.embed([s.text for s in sents])
    assert got.shape == (len(sents), ds.dim)
    assert np.allclose(got, want, atol=1e-4)


def test_a_full_cache_drops_old_sentences_and_still_answers(resources, monkeypatch):
    """Past MAX_TOKENS the oldest sentences are dropped; asking again encodes them again, same vectors."""
    monkeypatch.setattr(st._SentenceStates, "MAX_TOKENS", 30)  # about two of these sentences
    ds = st.DocStates(resources.target_sentiment.encoder)
    doc = resources.nlp(" ".join(SENTENCES))
    bounds = [(s.start_char, s.end_char) for s in doc.sents]
    ds.prepare(doc, bounds)
    cache = ds.cache(doc)
    assert 1 <= len(cache.states) < len(bounds)  # the oldest were dropped
    got = ds.pooled(doc, bounds)
    want = resources.target_sentiment.encoder.embed([doc.text[a:b] for a, b in bounds])
    assert np.allclose(got, want, atol=1e-4)
    assert (np.linalg.norm(got, axis=1) > 0.99).all()


def test_states_go_with_their_doc(resources):
    import gc

    ds = st.DocStates(resources.target_sentiment.encoder)
    doc = resources.nlp(SENTENCES[0])
    ds.prepare(doc, [(0, len(SENTENCES[0]))])
    assert len(ds._docs) == 1
    del doc
    gc.collect()
    assert len(ds._docs) == 0
