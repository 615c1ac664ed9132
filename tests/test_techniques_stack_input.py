"""What the second stage reads of the first: ``stack_input`` ("proba" or "logit")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import toy_technique_model
from narrascope.backends.techniques.features import FeatureConfig
from narrascope.backends.techniques.model import (
    LOGIT_SCALE,
    TechniqueModel,
    stack_transform,
)
from narrascope.errors import ModelError

PARAS = [
    "The corrupt dictator and his thugs lied again, a shameful disgrace.",
    "The council met on Tuesday to discuss the new bus timetable.",
    "If nothing is done, the floods will destroy our homes and families.",
]
LABELS = ["Loaded_Language", "Doubt", "Appeal_to_Fear-Prejudice"]


def _model(stack_input: str) -> TechniqueModel:
    """A small two-stage model with fixed random weights (no training needed)."""
    return toy_technique_model(
        LABELS, FeatureConfig(bits=12), language="en", seed=7, bucket_step=3,
        stack_input=stack_input,
    )  # fmt: skip


def test_logit_transform_is_scaled_log_odds_and_finite():
    p = np.array([[0.0, 0.5, 1.0], [0.2, 0.8, 0.9]], np.float32)
    z = stack_transform(p, "logit")
    assert np.isfinite(z).all()
    assert z[0, 1] == pytest.approx(0.0, abs=1e-6)
    assert z[1, 0] == pytest.approx(np.log(0.2 / 0.8) / LOGIT_SCALE, rel=1e-5)
    assert z[1, 1] == pytest.approx(-z[1, 0], rel=1e-5)  # symmetric around 0.5
    assert z[0, 0] < z[1, 0] < z[0, 1] < z[1, 1] < z[1, 2] < z[0, 2]  # order kept
    np.testing.assert_array_equal(stack_transform(p, "proba"), p)


def test_stack_input_round_trip(tmp_path: Path):
    model = _model("logit")
    before = model.predict_proba(PARAS, "en")
    model.save(tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    assert spec["stack_input"] == "logit"
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.stack_input == "logit"
    np.testing.assert_allclose(loaded.predict_proba(PARAS, "en"), before, atol=1e-5)

    # the same weights read as probabilities give other scores: the key is honoured
    as_proba = _model("proba").predict_proba(PARAS, "en")
    assert np.abs(as_proba - before).max() > 1e-3


def test_model_without_key_reads_probabilities(tmp_path: Path):
    """Models saved before the key existed keep their behaviour ("proba")."""
    model = _model("proba")
    model.save(tmp_path / "m")
    path = tmp_path / "m" / "model.json"
    spec = json.loads(path.read_text("utf-8"))
    del spec["stack_input"]
    path.write_text(json.dumps(spec), "utf-8")
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.stack_input == "proba"
    np.testing.assert_allclose(
        loaded.predict_proba(PARAS, "en"), model.predict_proba(PARAS, "en"), atol=1e-5
    )


def test_unknown_stack_input_is_a_clear_error(tmp_path: Path):
    _model("logit").save(tmp_path / "m")
    path = tmp_path / "m" / "model.json"
    spec = json.loads(path.read_text("utf-8"))
    spec["stack_input"] = "log-odds"
    path.write_text(json.dumps(spec), "utf-8")
    with pytest.raises(ModelError, match=r"\[E039\] unknown stack_input 'log-odds'") as e:
        TechniqueModel.load(tmp_path / "m")
    assert "'proba', 'logit'" in str(e.value)
    with pytest.raises(ModelError, match="E039"):
        stack_transform(np.zeros((1, 3)), "probability")


def test_recipe_trains_a_logit_stacker(tmp_path: Path):
    pytest.importorskip("sklearn")
    from narrascope.techniques_harness import Article
    from narrascope.train import techniques as tr

    arts = []
    for i in range(10):
        text = "\n".join([f"Headline {i}", PARAS[i % 3], PARAS[(i + 1) % 3], PARAS[(i + 2) % 3]])
        art = Article(str(500 + i), "en", text)
        art.labels = {n: (["Loaded_Language"] if "dictator" in line else [])
                      for n, line in enumerate(text.split("\n"), 1)}  # fmt: skip
        arts.append(art)
    labels, _ = tr.taxonomy()
    corpus = tr.make_corpus(arts, labels)
    config = FeatureConfig(bits=14)
    cv = tr.cross_val_proba(corpus, labels, n_folds=2, config=config, keep_models=True)
    assert cv.stack_input == tr.STACK_INPUT == "logit"
    assert cv.stack_cues == tuple(tr.STACK_CUE_FEATURES)
    n_cues = len(tr.STACK_CUE_FEATURES) + len(tr.STACK_LEXICON_TECHNIQUES)
    assert cv.cue_feats is not None and cv.cue_feats.shape == (len(corpus.texts), 2 * n_cues)
    model = tr.train_model(arts, config=config, cv=cv)
    assert model.stack_input == "logit" and model.stack_weights is not None
    assert model.stack_cue_features == list(tr.STACK_CUE_FEATURES)
    model.save(tmp_path / "m")
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.stack_input == "logit"
    k = labels.index("Loaded_Language")
    for art in arts[:3]:
        lines = art.text.split("\n")
        p = loaded.predict_proba(lines, "en")[:, k]
        gold = np.array(["dictator" in line for line in lines])
        assert p[gold].min() > 0.5 > p[~gold].max()  # the stacked model fits the labels


def test_cue_features_as_stacker_inputs_round_trip(tmp_path: Path):
    from narrascope.backends.techniques.model import cue_features

    model = _model("logit")
    model.span_lexicons = {"Loaded_Language": {"dictator": 0.6, "shameful disgrace": 0.2}}
    feats = cue_features(model, PARAS, ["Loaded_Language"])
    # paragraph 0: two cues, the best of weight 0.6, one of them >= 0.3; the others none
    np.testing.assert_allclose(feats[0], [0.6, np.log1p(1) / 2], rtol=1e-6)
    np.testing.assert_array_equal(feats[1:], 0.0)

    plain = model.predict_proba(PARAS, "en")
    rng = np.random.default_rng(3)
    extra = rng.normal(0, 2.0, (2, len(LABELS))).astype(np.float32)
    assert model.stack_weights is not None
    model.stack_weights = np.vstack([model.stack_weights, extra])
    model.stack_cue_features = ["Loaded_Language"]
    with_cues = model.predict_proba(PARAS, "en")
    np.testing.assert_allclose(with_cues[1:], plain[1:], atol=1e-6)  # no cue: same score
    assert np.abs(with_cues[0] - plain[0]).max() > 1e-3
    model.save(tmp_path / "m")
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.stack_cue_features == ["Loaded_Language"]
    np.testing.assert_allclose(loaded.predict_proba(PARAS, "en"), with_cues, atol=1e-5)


def test_cue_matcher_longest_first_without_overlaps():
    model = _model("logit")
    model.span_lexicons = {
        "Loaded_Language": {"terrorist regime": 0.5, "regime": 0.4, "dictator": 0.6}
    }
    text = "The terrorist regime and its dictator: a regime, terrorist or not."
    hits = model.find_cues(text, 0, len(text), "Loaded_Language")
    assert [(text[s:e], w) for s, e, w in hits] == [
        ("terrorist regime", 0.5),
        ("dictator", 0.6),
        ("regime", 0.4),
    ]
    # a window: only the cues inside it
    start = text.index("its")
    assert [
        text[s:e] for s, e, _ in model.find_cues(text, start, len(text), "Loaded_Language")
    ] == [
        "dictator",
        "regime",
    ]
