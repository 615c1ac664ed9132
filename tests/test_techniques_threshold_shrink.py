"""Per-language thresholds shrunk towards the pooled thresholds (round 5).

Hand-computed case (one label, default grid 0.05, 0.075, ..., 0.95, start 0.5):
language "a" has p = [0.9, 0.61], gold [1, 0]; its own best threshold is the first
grid value above 0.61, 0.625. Language "b" has p = [0.3, 0.11], gold [1, 0]; its own
best is the first grid value above 0.11, 0.125. Pooled, the four rows are best split at
0.125 (F1 0.8: tp 2 of 3 predicted, 2 gold) rather than at 0.625 (F1 2/3).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from narrascope.train import techniques as tr

P = np.array([[0.9], [0.61], [0.3], [0.11]])
Y = np.array([[1], [0], [1], [0]], bool)
LANGS = np.array(["a", "a", "b", "b"])


def test_own_and_pooled_thresholds_by_hand():
    assert tr.tune_thresholds(P[:2], Y[:2])[0] == pytest.approx(0.625)
    assert tr.tune_thresholds(P[2:], Y[2:])[0] == pytest.approx(0.125)
    assert tr.tune_thresholds(P, Y)[0] == pytest.approx(0.125)


@pytest.mark.parametrize(
    ("shrink", "want_a"),
    [(1.0, 0.625), (0.75, 0.5), (0.5, 0.375), (0.0, 0.125)],
)
def test_language_thresholds_blend_own_and_pooled(shrink: float, want_a: float):
    thr = tr.language_thresholds(P, Y, LANGS, shrink=shrink)
    assert set(thr) == {"a", "b", "*"}
    assert thr["*"][0] == pytest.approx(0.125)
    assert thr["a"][0] == pytest.approx(want_a)  # shrink * 0.625 + (1 - shrink) * 0.125
    assert thr["b"][0] == pytest.approx(0.125)  # own == pooled: unchanged


def test_default_shrink_and_bad_values():
    assert 0.0 < tr.THRESHOLD_SHRINK < 1.0
    default = tr.language_thresholds(P, Y, LANGS)
    explicit = tr.language_thresholds(P, Y, LANGS, shrink=tr.THRESHOLD_SHRINK)
    assert default == explicit
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="shrink"):
            tr.language_thresholds(P, Y, LANGS, shrink=bad)


def _cv(proba: np.ndarray, y: np.ndarray, langs: np.ndarray, fold: np.ndarray) -> tr.CVResult:
    corpus = tr.Corpus([], [], [""] * len(y), langs, np.arange(len(y)), y)
    return tr.CVResult(proba, fold, corpus, ["T"])


def test_fold_thresholds_read_only_the_other_folds():
    # fold 1 repeats the hand-computed rows; fold 0 holds rows that would pull the
    # thresholds elsewhere if they were used
    junk_p = np.array([[0.2], [0.8], [0.06], [0.94]])
    junk_y = np.array([[1], [0], [1], [0]], bool)
    cv = _cv(np.vstack([junk_p, P]), np.vstack([junk_y, Y]), np.tile(LANGS, 2),
             np.repeat([0, 1], 4))  # fmt: skip
    thr = tr.fold_thresholds(cv, 0, shrink=0.5)
    assert thr == tr.language_thresholds(P, Y, LANGS, shrink=0.5)
    assert thr["a"][0] == pytest.approx(0.375)


def test_cross_fitted_predictions_apply_each_folds_thresholds():
    # two folds with the same rows: the thresholds of either fold are the hand-computed
    # ones, so row "a"/0.61 is predicted at shrink 0 (pooled 0.125) but not at shrink 1
    cv = _cv(np.vstack([P, P]), np.vstack([Y, Y]), np.tile(LANGS, 2), np.repeat([0, 1], 4))
    own = tr.cross_fitted_predictions(cv, shrink=1.0)[:, 0]
    pooled = tr.cross_fitted_predictions(cv, shrink=0.0)[:, 0]
    assert own.tolist() == [True, False, True, False] * 2
    assert pooled.tolist() == [True, True, True, False] * 2


def test_train_model_stores_the_shrunk_thresholds():
    from narrascope.backends.techniques.features import FeatureConfig
    from narrascope.techniques_harness import Article

    paras = {
        "en": ["The corrupt dictator lied again.", "The council met on Tuesday."],
        "pl": ["Skorumpowany dyktator znowu kłamał.", "Rada zebrała się we wtorek."],
    }
    arts = []
    for i in range(8):
        lang = "en" if i % 2 else "pl"
        loud, calm = paras[lang]
        text = "\n".join([f"Headline {i}", loud, calm, calm if i % 3 else loud])
        art = Article(str(700 + i), lang, text)
        art.labels = {n: (["Loaded_Language"] if line == loud else [])
                      for n, line in enumerate(text.split("\n"), 1)}  # fmt: skip
        arts.append(art)
    labels, _ = tr.taxonomy()
    config = FeatureConfig(bits=14)
    cv = tr.cross_val_proba(tr.make_corpus(arts, labels), labels, n_folds=2, config=config,
                            keep_models=True)  # fmt: skip
    model = tr.train_model(arts, config=config, cv=cv)
    want = tr.language_thresholds(cv.proba, cv.corpus.y, cv.corpus.langs)
    assert set(model.thresholds) == {"en", "pl", "*"}
    for key, values in want.items():
        np.testing.assert_allclose(model.thresholds[key], values)
