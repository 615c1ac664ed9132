"""Character n-gram lengths of the first stage (``char_min``/``char_max``): 3- to 5-grams
were tried in round 4 (not shipped); models saved with 4-grams keep reading 4-grams."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from conftest import toy_technique_model
from narrascope.backends.techniques.features import FeatureConfig, Featurizer, _char_ngrams
from narrascope.backends.techniques.model import TechniqueModel

PARAS = [
    "Skorumpowany dyktator i jego zbiry znowu kłamali, haniebna hańba.",
    "Le conseil municipal s'est réuni mardi pour discuter des horaires.",
    "Se non si fa nulla, le alluvioni distruggeranno le nostre case.",
]
LABELS = ["Loaded_Language", "Doubt", "Appeal_to_Fear-Prejudice"]


def _cols(config: FeatureConfig, text: str) -> set[int]:
    rows = Featurizer(config).transform([text], "pl")
    return {int(c) for c in rows.cols}


def _model(config: FeatureConfig) -> TechniqueModel:
    """A one-stage model with fixed random weights on every hashed column."""
    return toy_technique_model(LABELS, config, language="pl", seed=11)


def test_char_ngrams_of_each_length():
    rows, hashes = _char_ngrams(["abcd"], 3, 5)
    # " abcd " (6 characters): four 3-grams, three 4-grams, two 5-grams
    assert len(hashes) == 4 + 3 + 2
    assert set(rows.tolist()) == {0}
    _, h4 = _char_ngrams(["abcd"], 4, 4)
    # the 4-grams hash as before: a 3-5 model reads the 4-gram columns of a 4-4 model
    assert set(h4.tolist()) <= set(hashes.tolist())
    assert len(set(hashes.tolist())) == len(hashes)  # no collision between lengths here


def test_three_to_five_grams_extend_the_four_gram_columns():
    text = PARAS[0]
    old = FeatureConfig(bits=20, w_word=0.0, w_meta=0.0)
    new = FeatureConfig(bits=20, char_min=3, char_max=5, w_word=0.0, w_meta=0.0)
    c_old, c_new = _cols(old, text), _cols(new, text)
    assert c_old < c_new
    assert len(c_new) > 2 * len(c_old)


def test_model_with_char_three_to_five_round_trip(tmp_path: Path):
    config = FeatureConfig(bits=12, char_min=3, char_max=5)
    model = _model(config)
    before = model.predict_proba(PARAS, "pl")
    model.save(tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    assert (spec["features"]["char_min"], spec["features"]["char_max"]) == (3, 5)
    loaded = TechniqueModel.load(tmp_path / "m")
    assert (loaded.features.char_min, loaded.features.char_max) == (3, 5)
    np.testing.assert_allclose(loaded.predict_proba(PARAS, "pl"), before, atol=1e-5)
    # the same weights read with 4-grams only score differently: the setting is honoured
    four = _model(FeatureConfig(bits=12)).predict_proba(PARAS, "pl")
    assert np.abs(four - before).max() > 1e-3


def test_model_saved_with_four_grams_still_reads_four_grams(tmp_path: Path):
    """Models of rounds 1-3 (char 4-grams) load unchanged, also without the keys."""
    model = _model(FeatureConfig(bits=12))
    before = model.predict_proba(PARAS, "pl")
    model.save(tmp_path / "m")
    path = tmp_path / "m" / "model.json"
    loaded = TechniqueModel.load(tmp_path / "m")
    assert (loaded.features.char_min, loaded.features.char_max) == (4, 4)
    np.testing.assert_allclose(loaded.predict_proba(PARAS, "pl"), before, atol=1e-5)
    spec = json.loads(path.read_text("utf-8"))
    del spec["features"]["char_min"], spec["features"]["char_max"]
    path.write_text(json.dumps(spec), "utf-8")
    bare = TechniqueModel.load(tmp_path / "m")
    assert (bare.features.char_min, bare.features.char_max) == (4, 4)
    np.testing.assert_allclose(bare.predict_proba(PARAS, "pl"), before, atol=1e-5)
