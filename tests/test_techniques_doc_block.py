"""The article word block of the technique features (round 6: on in the recipe): every
paragraph row carries the same L2-normalised unigram block of the whole article, so a
paragraph's first-stage score depends on the article around it; the weight is stored
in model.json, and models saved without it keep scoring paragraphs alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.techniques.features import FeatureConfig, Featurizer
from narrascope.backends.techniques.model import TechniqueModel

ARTICLE = [
    "Les voyous du régime ont encore menti au peuple.",
    "Le conseil municipal se réunit mardi pour parler des horaires.",
    "Une honte absolue, disent les habitants en colère !",
]
OTHER = [
    "Les voyous du régime ont encore menti au peuple.",
    "La météo annonce du soleil pour tout le week-end.",
]


def _by_row(config: FeatureConfig, paras: list[str]) -> list[dict[int, float]]:
    r = Featurizer(config).transform(paras, "fr")
    out: list[dict[int, float]] = [{} for _ in paras]
    for row, col, val in zip(r.rows.tolist(), r.cols.tolist(), r.vals.tolist(), strict=True):
        out[row][col] = out[row].get(col, 0.0) + val
    return out


def test_doc_block_is_the_same_on_every_row_and_normalised():
    only_doc = FeatureConfig(w_char=0.0, w_word=0.0, w_meta=0.0, w_doc=0.5)
    rows = _by_row(only_doc, ARTICLE)
    assert rows[0] and all(r == rows[0] for r in rows)
    norm = np.sqrt(sum(v * v for v in rows[0].values()))
    assert norm == pytest.approx(0.5, rel=1e-5)
    # the block reads the whole article: paragraph order does not matter
    assert _by_row(only_doc, ARTICLE[::-1])[0] == pytest.approx(rows[0])
    # and another article gives another block
    assert set(_by_row(only_doc, OTHER)[0]) != set(rows[0])


def test_doc_block_off_keeps_paragraphs_independent():
    cfg = FeatureConfig(w_char=1.5)
    assert _by_row(cfg, ARTICLE)[0] == _by_row(cfg, OTHER)[0]
    with_doc = FeatureConfig(w_char=1.5, w_doc=0.5)
    assert _by_row(with_doc, ARTICLE)[0] != _by_row(with_doc, OTHER)[0]


def test_recipe_doc_weight_round_trip(tmp_path: Path):
    pytest.importorskip("sklearn")
    from narrascope.techniques_harness import Article
    from narrascope.train import techniques as tr

    assert tr.FEATURES.w_doc > 0
    arts = []
    for i in range(4):
        text = "\n".join([f"Titre {i}", ARTICLE[i % 3], OTHER[(i + 1) % 2]])
        art = Article(str(700 + i), "fr", text)
        art.labels = {2: ["Loaded_Language"]} if i % 2 == 0 else {3: ["Doubt"]}
        arts.append(art)
    model = tr.train_model(arts)
    model.save(tmp_path / "m")
    loaded = TechniqueModel.load(tmp_path / "m")
    assert loaded.features.w_doc == tr.FEATURES.w_doc
    np.testing.assert_allclose(
        loaded.predict_proba(ARTICLE, "fr"), model.predict_proba(ARTICLE, "fr"), atol=2e-3
    )
    # the first paragraph is the same text in both articles; its score is not
    k = model.labels.index("Loaded_Language")
    bits = tr.FEATURES.bits
    feat = loaded.featurizer
    a = loaded.scorer.decision(feat.transform(ARTICLE, "fr"), bits=bits)[0, k]
    b = loaded.scorer.decision(feat.transform(OTHER, "fr"), bits=bits)[0, k]
    assert abs(a - b) > 1e-4
    # a model saved without the article block scores each paragraph alone
    old = TechniqueModel.load(tmp_path / "m")
    old.features = FeatureConfig.from_json({**tr.FEATURES.to_json(), "w_doc": 0.0})
    a0 = old.scorer.decision(old.featurizer.transform(ARTICLE, "fr"), bits=bits)[0, k]
    b0 = old.scorer.decision(old.featurizer.transform(OTHER, "fr"), bits=bits)[0, k]
    assert a0 == pytest.approx(b0, abs=1e-6)
