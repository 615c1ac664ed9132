"""The technique model: features, overfit on hand-written paragraphs, save and reload."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.techniques.features import FeatureConfig, Featurizer
from narrascope.backends.techniques.model import TechniqueModel
from narrascope.techniques_harness import Article

pytest.importorskip("sklearn")

from narrascope.train import techniques as tr

# Hand-written paragraphs: loud insults vs. neutral reporting vs. worried warnings.
LOUD = [
    "The corrupt dictator and his thugs lied again, a shameful disgrace.",
    "These thugs and their corrupt dictator are a disgrace to the nation.",
    "Another shameful lie from the dictator, the worst disgrace ever.",
]
CALM = [
    "The council met on Tuesday to discuss the new bus timetable.",
    "Rainfall in March was close to the long-term average, the office said.",
    "The library will open an hour later during the summer months.",
]
FEAR = [
    "If nothing is done, the floods will destroy our homes and families.",
    "Experts warn that the disease could spread to every town within weeks.",
    "Our children will face a terrifying future if this danger is ignored.",
]


def _articles() -> list[Article]:
    arts = []
    for i in range(6):
        lines = [
            f"Headline number {i}",
            "",
            LOUD[i % 3],
            CALM[i % 3],
            FEAR[i % 3],
            CALM[(i + 1) % 3],
        ]
        text = "\n".join(lines)
        art = Article(str(100 + i), "en", text)
        art.labels = {1: [], 3: ["Loaded_Language", "Name_Calling-Labeling"], 4: [],
                      5: ["Appeal_to_Fear-Prejudice"], 6: []}  # fmt: skip
        s = text.index("dictator") if "dictator" in LOUD[i % 3] else 0
        d = text.index("disgrace")
        art.spans = [("Name_Calling-Labeling", s, s + 8), ("Loaded_Language", d, d + 8)]
        arts.append(art)
    return arts


def test_features_are_deterministic_and_in_range():
    fz = Featurizer(FeatureConfig(bits=16))
    a = fz.transform(LOUD + CALM, "en")
    b = fz.transform(LOUD + CALM, "en")
    assert a.n_rows == 6
    assert np.array_equal(a.cols, b.cols) and np.allclose(a.vals, b.vals)
    assert a.cols.min() >= 0 and a.cols.max() < 2**16
    assert set(np.unique(a.rows)) == set(range(6))
    # the language is a feature: the rows differ between languages
    c = fz.transform(LOUD + CALM, "fr")
    assert not (len(a.cols) == len(c.cols) and np.array_equal(np.sort(a.cols), np.sort(c.cols)))


def test_overfit_save_and_reload(tmp_path: Path):
    arts = _articles()
    labels, _ = tr.taxonomy()
    corpus = tr.make_corpus(arts, labels)
    k_fear = labels.index("Appeal_to_Fear-Prejudice")
    k_ll = labels.index("Loaded_Language")
    untrained = tr.train_model(arts, alpha=10.0, epochs=2)  # almost no fit
    model = tr.train_model(arts, alpha=1e-6, epochs=50)
    docs = [[a.text.split("\n")[i] for i in (0, 2, 3, 4, 5)] for a in arts]

    def proba(m: TechniqueModel) -> np.ndarray:
        return np.vstack([m.predict_proba(d, "en") for d in docs])

    before = proba(untrained)
    after = proba(model)
    # the fitted model separates the labelled paragraphs; the near-zero one does not
    gap_after = after[corpus.y[:, k_fear], k_fear].min() - after[~corpus.y[:, k_fear], k_fear].max()
    gap_before = (
        before[corpus.y[:, k_fear], k_fear].min() - before[~corpus.y[:, k_fear], k_fear].max()
    )
    assert gap_after > 0.2 > gap_before
    assert after[corpus.y[:, k_ll], k_ll].min() > 0.5 > after[~corpus.y[:, k_ll], k_ll].max()

    model.save(tmp_path / "m", meta={"licence": "test"})
    assert {p.name for p in (tmp_path / "m").iterdir()} == {
        "weights.npz",
        "model.json",
        "meta.json",
    }
    loaded = TechniqueModel.load(tmp_path / "m")
    again = proba(loaded)
    np.testing.assert_allclose(again, after, atol=2e-3)  # float16 weights on disk
    assert loaded.labels == model.labels
    assert "dictator" in loaded.span_lexicons["Name_Calling-Labeling"]

    # the same article scored twice gives the same result (no state between calls)
    np.testing.assert_allclose(loaded.predict_proba(docs[0], "en"), again[:5], atol=1e-6)


def test_tune_thresholds_maximises_micro_f1():
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], bool)
    p = np.array([[0.9, 0.1], [0.3, 0.2], [0.1, 0.35], [0.2, 0.05]])
    thr = tr.tune_thresholds(p, y)
    pred = p >= thr
    assert (pred == y).all()


def test_missing_model_raises_model_error(tmp_path: Path):
    from narrascope.errors import ModelError

    with pytest.raises(ModelError, match="E031"):
        TechniqueModel.load(tmp_path)
