"""Stacker-only cue lexicons (round 8): mined cue phrases of techniques other than
Loaded_Language / Name_Calling feed the second stage (``stack_lexicons`` in model.json)
but never place spans."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import toy_technique_model
from narrascope.backends.techniques.features import FeatureConfig
from narrascope.backends.techniques.model import TechniqueModel, cue_features
from narrascope.techniques_harness import Article

PARAS = [
    "Is it really true? Nobody can believe the sham experts any more.",
    "The council met on Tuesday to discuss the new bus timetable.",
    "They will destroy our homes, and nobody can believe them: sham reforms.",
]
LABELS = ["Loaded_Language", "Doubt", "Appeal_to_Fear-Prejudice"]
DOUBT = {"sham": 0.6, "nobody can believe": 0.4, "really true": 0.2}


def _model() -> TechniqueModel:
    return toy_technique_model(
        LABELS, FeatureConfig(bits=12), language="en", seed=5, bucket_step=3,
        stack_input="logit",
    )  # fmt: skip


def test_lexicon_cue_features_match_the_span_lexicon_path():
    """The same lexicon read as a span lexicon or as a stacker lexicon gives the same
    features (tokenised once per text in the second case)."""
    model = _model()
    model.span_lexicons = {"Doubt": DOUBT}
    via_spans = cue_features(model, PARAS, ["Doubt"])
    via_lexicons = cue_features(_model(), PARAS, ["Doubt"], lexicons={"Doubt": DOUBT})
    np.testing.assert_array_equal(via_spans, via_lexicons)
    # paragraph 0: "really true" (0.2), "nobody can believe" (0.4), "sham" (0.6);
    # two of them >= 0.3. Paragraph 1: none. Paragraph 2: 0.4 and 0.6
    np.testing.assert_allclose(via_lexicons[0], [0.6, np.log1p(2) / 2], rtol=1e-6)
    np.testing.assert_array_equal(via_lexicons[1], 0.0)
    np.testing.assert_allclose(via_lexicons[2], [0.6, np.log1p(2) / 2], rtol=1e-6)
    # a technique missing from the lexicons, or with an empty lexicon, reads zeros
    none = cue_features(_model(), PARAS, ["Slogans", "Doubt"], lexicons={"Slogans": {}})
    np.testing.assert_array_equal(none, 0.0)


def test_stack_lexicons_feed_the_stacker_and_place_no_spans(tmp_path: Path):
    model = _model()
    plain = model.predict_proba(PARAS, "en")
    assert model.stack_weights is not None
    extra = np.random.default_rng(2).normal(0, 2.0, (2, len(LABELS))).astype(np.float32)
    model.stack_weights = np.vstack([model.stack_weights, extra])
    model.stack_lexicons = {"Doubt": DOUBT}
    with_cues = model.predict_proba(PARAS, "en")
    np.testing.assert_allclose(with_cues[1], plain[1], atol=1e-6)  # no cue: same score
    assert np.abs(with_cues[[0, 2]] - plain[[0, 2]]).max() > 1e-3
    assert model.find_cues(PARAS[0], 0, len(PARAS[0]), "Doubt") == []  # no span cues

    model.save(tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    assert spec["stack_lexicons"] == {"Doubt": DOUBT}
    assert "Doubt" not in spec["span_lexicons"]
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.stack_lexicons == {"Doubt": DOUBT}
    np.testing.assert_allclose(loaded.predict_proba(PARAS, "en"), with_cues, atol=1e-5)


def test_models_without_stack_lexicons_load_without_them(tmp_path: Path):
    model = _model()
    model.save(tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    assert "stack_lexicons" not in spec
    assert TechniqueModel.load(tmp_path / "m").stack_lexicons == {}


def _articles() -> list[Article]:
    arts = []
    for i in range(10):
        lines = [f"Headline {i}"] + [PARAS[(i + j) % len(PARAS)] for j in range(3)]
        text = "\n".join(lines)
        art = Article(str(700 + i), "en", text)
        art.labels = {n: (["Doubt"] if "sham" in line else []) for n, line in
                      enumerate(lines, 1)}  # fmt: skip
        art.spans = []
        for n, line in enumerate(lines):
            start = text.index(line) if n else 0
            pos = line.find("sham")
            if n and pos >= 0:
                art.spans.append(("Doubt", start + pos, start + pos + len("sham")))
        arts.append(art)
    return arts


def test_recipe_mines_stack_lexicons_in_order():
    pytest.importorskip("sklearn")
    from narrascope.train import techniques as tr

    arts = _articles()
    lex = tr.stack_lexicons(arts, ["Slogans", "Doubt"])
    assert list(lex) == ["Slogans", "Doubt"]  # the stacker's input order
    assert lex["Slogans"] == {}  # nothing to mine: an empty lexicon, not a missing key
    assert lex["Doubt"]["sham"] == 1.0  # every occurrence inside a Doubt span
    assert tr.stack_lexicons(arts, []) == {}

    labels, _ = tr.taxonomy()
    corpus = tr.make_corpus(arts, labels)
    config = FeatureConfig(bits=14)
    cv = tr.cross_val_proba(
        corpus, labels, n_folds=2, config=config, keep_models=True,
        stack_lexicon_cues=["Doubt"],
    )  # fmt: skip
    assert cv.stack_lexicon_cues == ("Doubt",)
    n_span = len(tr.STACK_CUE_FEATURES)
    assert cv.cue_feats is not None and cv.cue_feats.shape[1] == 2 * (n_span + 1)
    # the stacker-only block is 0 exactly on the paragraphs without the cue
    has_cue = np.array(["sham" in t for t in corpus.texts])
    assert (cv.cue_feats[has_cue, 2 * n_span] > 0).all()
    assert (cv.cue_feats[~has_cue, 2 * n_span] == 0).all()
    model = tr.train_model(arts, config=config, cv=cv)
    assert list(model.stack_lexicons) == ["Doubt"]
    assert "sham" in model.stack_lexicons["Doubt"]
    assert model.stack_weights is not None
    n_context = model.stack_inputs(np.zeros((1, len(labels)), np.float32), [1], "en").shape[1]
    assert model.stack_weights.shape[0] == n_context + cv.cue_feats.shape[1]
    k = labels.index("Doubt")
    p = model.predict_proba(PARAS, "en")[:, k]
    assert p[0] > 0.5 > p[1]  # the stacked model fits the labels
