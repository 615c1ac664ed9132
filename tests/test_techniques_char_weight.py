"""The recipe's feature settings (round 5: character block weighted 1.5): the weight
scales only the character n-gram block, is stored in model.json and read back, and
models saved with other weights keep them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.techniques.features import FeatureConfig, Featurizer
from narrascope.backends.techniques.model import TechniqueModel

PARAS = [
    "Le dictateur corrompu et ses voyous ont encore menti, une honte absolue !",
    "Il consiglio comunale si è riunito martedì per discutere gli orari.",
]


def _entries(config: FeatureConfig) -> dict[tuple[int, int], float]:
    r = Featurizer(config).transform(PARAS, "fr")
    out: dict[tuple[int, int], float] = {}
    for row, col, val in zip(r.rows.tolist(), r.cols.tolist(), r.vals.tolist(), strict=True):
        out[(row, col)] = out.get((row, col), 0.0) + val
    return out


def test_char_weight_scales_only_the_char_block():
    chars_only = _entries(FeatureConfig(w_word=0.0, w_meta=0.0))
    rest = _entries(FeatureConfig(w_char=0.0))
    heavy = _entries(FeatureConfig(w_char=1.5))
    assert set(heavy) == set(chars_only) | set(rest)
    for key, val in heavy.items():  # hashed columns of the blocks may collide: sum them
        want = 1.5 * chars_only.get(key, 0.0) + rest.get(key, 0.0)
        assert val == pytest.approx(want, rel=1e-5)
    # each block is L2-normalised per paragraph before weighting: norm 1.5 per row
    for i in range(len(PARAS)):
        norm = np.sqrt(sum(v * v for (r, _), v in chars_only.items() if r == i))
        assert norm == pytest.approx(1.0, rel=1e-5)


def test_recipe_features_and_round_trip(tmp_path: Path):
    pytest.importorskip("sklearn")
    from narrascope.techniques_harness import Article
    from narrascope.train import techniques as tr

    assert tr.FEATURES.w_char == 1.5 and tr.FEATURES.w_word == 1.0
    arts = []
    for i in range(4):
        text = "\n".join([f"Titre {i}", PARAS[i % 2], PARAS[(i + 1) % 2]])
        art = Article(str(900 + i), "fr", text)
        art.labels = {2: ["Loaded_Language"]} if i % 2 == 0 else {3: ["Loaded_Language"]}
        arts.append(art)
    model = tr.train_model(arts)  # no config: the recipe's FEATURES
    assert model.features == tr.FEATURES
    model.save(tmp_path / "m")
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.features.w_char == 1.5
    np.testing.assert_allclose(
        loaded.predict_proba(PARAS, "fr"), model.predict_proba(PARAS, "fr"), atol=2e-3
    )
    # a model saved with the old weight keeps reading its own features
    old = TechniqueModel.load(tmp_path / "m")
    old.features = FeatureConfig.from_json({**tr.FEATURES.to_json(), "w_char": 1.0})
    assert old.featurizer.config.w_char == 1.0
    bits = tr.FEATURES.bits
    k = model.labels.index("Loaded_Language")
    s_old = old.scorer.decision(old.featurizer.transform(PARAS, "fr"), bits=bits)[:, k]
    s_new = loaded.scorer.decision(loaded.featurizer.transform(PARAS, "fr"), bits=bits)[:, k]
    assert np.abs(s_old - s_new).min() > 1e-3  # the char block enters with another weight
