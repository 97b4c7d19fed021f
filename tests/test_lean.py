"""The lean model (service/analysis/lean.py): what it reads, what it returns, and the shipped model file."""
import json
from pathlib import Path

import pytest

from service.analysis.lean import (
    LEANS,
    LeanModel,
    kept_spans,
    lean_of,
    lean_terms,
    names_pattern,
)

MODEL = Path(__file__).resolve().parents[1] / "lexicons" / "models" / "lean.json"


@pytest.fixture()
def tiny(tmp_path):
    """A three-term model: "illegal aliens" pulls right, "undocumented immigrants" left, "officials" centre."""
    feats = {"illegal aliens": {"idf": 2.0, "w": [-2.0, -0.5, 3.0]},
             "undocumented immigrants": {"idf": 2.0, "w": [3.0, -0.5, -2.0]},
             "officials": {"idf": 1.0, "w": [0.0, 1.0, 0.0]}}
    path = tmp_path / "lean.json"
    path.write_text(json.dumps({"classes": list(LEANS), "intercept": [0.0, 0.0, 0.0], "features": feats,
                                "strip_names": ["breitbart", "fox news"], "skip_quotes": True}))
    return LeanModel.from_file(path)


BODY = "The senator spoke about illegal aliens crossing the border again, officials said on Tuesday.\n"


def test_framing_term_moves_the_lean_and_is_the_evidence(tiny):
    out = tiny.predict(BODY)
    assert out["label"] == "right"
    assert abs(sum(out["probabilities"].values()) - 1) < 1e-3
    ev = out["evidence"][0]
    assert ev["term"] == "illegal aliens" and ev["toward"] == "right"
    assert [BODY[s["start"]:s["end"]] for s in ev["spans"]] == ["illegal aliens"]


def test_the_other_framing_reads_left(tiny):
    text = BODY.replace("illegal aliens", "undocumented immigrants")
    out = tiny.predict(text)
    assert out["label"] == "left"
    assert out["evidence"][0]["toward"] == "left"


def test_quoted_speech_is_not_the_outlets_voice(tiny):
    text = 'The senator said "illegal aliens are crossing the border every day" on Tuesday, officials said.\n'
    out = tiny.predict(text)
    assert all(e["term"] != "illegal aliens" for e in out["evidence"])


def test_excluded_spans_are_not_read(tiny):
    start = BODY.index("illegal")
    out = tiny.predict(BODY, exclude=[(start, start + len("illegal aliens"))])
    assert all(e["term"] != "illegal aliens" for e in out["evidence"])


def test_no_known_term_gives_the_prior_and_says_so(tiny):
    out = tiny.predict("Nothing in this sentence is in the model's small vocabulary at all.\n")
    assert out["terms"] == 0 and "prior" in out["note"]
    assert out["probabilities"] == {"left": 0.3333, "center": 0.3333, "right": 0.3333}


def test_outlet_names_and_furniture_are_blanked():
    pat = names_pattern(["breitbart", "breitbart news", "fox news"])
    text = ("Advertisement\nStory Continued Below\nBreitbart News reported that Fox News hosts cheered the "
            "decision on Monday, https://example.com/x and @handle wrote.\nSign up for our newsletter to get the news daily.\n")
    words = [t for t, _, _ in lean_terms(text, (), pat)]
    assert "breitbart" not in words and "fox" not in words and "advertisement" not in words
    assert "continued" not in words and "handle" not in words and "example" not in words
    assert "newsletter" not in words  # a short sign-up line is furniture
    assert "cheered" in words and "hosts cheered" in words
    assert "reported that" in words  # the bigram survives; "news reported" does not span a blanked name
    assert "news reported" not in words


def test_short_lines_are_furniture_but_a_headline_stays():
    text = "Photo\nSenate passes the border bill after long debate\n\nThe Senate voted on Tuesday.\n"
    kept = "".join(text[s:e] for s, e in kept_spans(text))
    assert "Photo" not in kept and "Senate passes the border bill" in kept


def test_bigrams_do_not_cross_sentences():
    words = [t for t, _, _ in lean_terms("He left. Aliens arrived in the town.\n")]
    assert "left aliens" not in words and "aliens arrived" in words


def test_deterministic(tiny):
    assert tiny.predict(BODY) == tiny.predict(BODY)


def test_no_model_says_so():
    out = lean_of(None, BODY)
    assert out["label"] is None and "no lean model" in out["note"]


@pytest.mark.skipif(not MODEL.is_file(), reason="lean model not trained")
def test_shipped_model_has_provenance_and_heldout_outlets():
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    for key in ("name", "description", "source", "source_url", "license", "version", "trained_by", "recipe"):
        assert data[key]
    assert data["classes"] == list(LEANS)
    heldout = data["heldout_outlets"]
    assert heldout["breitbart-news"]["allsides"] == "right" and heldout["breitbart-news"]["articles"] >= 300
    assert all(len(f["w"]) == 3 for f in list(data["features"].values())[:100])


@pytest.mark.skipif(not MODEL.is_file(), reason="lean model not trained")
def test_shipped_model_reads_the_seeds():
    model = LeanModel.from_file(MODEL)
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out = model.predict(text)
        assert out["label"] in LEANS and out["terms"] > 20
        for ev in out["evidence"]:
            for span in ev["spans"]:
                assert text[span["start"]:span["end"]].lower().replace("’", "'").split() == ev["term"].split()


def test_byline_lines_are_furniture_but_a_sentence_starting_with_by_is_not():
    text = ("By Jane Doe and John Roe, Reuters\nBy the time the vote came, the senators had left the chamber.\n"
            "Photo by John Smith\n")
    kept = "".join(text[s:e] for s, e in kept_spans(text))
    assert "Jane Doe" not in kept and "John Smith" not in kept
    assert "By the time the vote came" in kept


def test_lines_repeated_across_an_outlets_articles_are_furniture():
    from tools.train_lean import furniture_spans, repeated_lines

    sign_off = "Our reporters contributed to this story from the capital"
    texts = [f"Story number {k} about the budget vote in the senate.\n{sign_off}\n" for k in range(3)]
    texts.append(f"A story from another outlet about the vote.\n{sign_off}\n")
    groups = ["a", "a", "a", "b"]
    rep = repeated_lines(texts, groups)
    assert rep["a"] == {sign_off.lower()} and rep["b"] == set()  # three articles of "a"; one of "b"
    spans = furniture_spans(texts[0], rep["a"])
    assert [texts[0][s:e] for s, e in spans] == [sign_off]


def test_training_weights_are_equal_per_lean_and_per_outlet_within_its_lean():
    from tools.train_lean import sample_weights

    groups = ["a"] * 6 + ["b"] * 2 + ["c"] * 4 + ["d"] * 1
    ys = ["left"] * 8 + ["center"] * 4 + ["right"] * 1
    w = sample_weights(groups, ys)
    total = {o: sum(x for x, g in zip(w, groups) if g == o) for o in "abcd"}
    assert abs(total["a"] - total["b"]) < 1e-9  # both left: half of the left total each
    assert abs(total["c"] - (total["a"] + total["b"])) < 1e-9 and abs(total["d"] - total["c"]) < 1e-9


def test_outlet_folds_hold_every_outlet_out_once_and_loo_one_at_a_time():
    from tools.train_lean import outlet_folds

    leans = {f"o{i}": ("left", "center", "right")[i % 3] for i in range(11)}
    folds = outlet_folds(leans, 5)
    assert sorted(o for f in folds for o in f) == sorted(leans)
    assert all({leans[o] for o in f} == {"left", "center", "right"} for f in folds[:3])  # each lean dealt round-robin
    assert outlet_folds(leans, "loo") == [[o] for o in sorted(leans)]


@pytest.mark.skipif(not MODEL.is_file(), reason="lean model not trained")
def test_shipped_recipe_is_the_trainers_default():
    """The shipped model's recipe is what tools/train_lean.py trains without flags, so a rebuild reproduces the file
    (``tools/train_lean.py --check`` does the rebuild where ../shared/evaldata is)."""
    from tools import train_lean as trainer

    recipe = json.loads(MODEL.read_text(encoding="utf-8"))["recipe"]
    assert {k: recipe[k] for k in ("C", "C_grid", "topic_drop", "min_outlets", "min_outlets_per_lean", "weighting",
                                   "kept_features", "folds", "seed")} == {
        "C": trainer.C, "C_grid": list(trainer.C_GRID), "topic_drop": trainer.TOPIC_DROP,
        "min_outlets": trainer.MIN_OUTLETS, "min_outlets_per_lean": trainer.MIN_OUTLETS_PER_LEAN,
        "weighting": trainer.WEIGHTING, "kept_features": trainer.KEEP_FEATURES, "folds": trainer.FOLDS,
        "seed": trainer.SEED}
