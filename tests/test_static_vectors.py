"""Static word vectors: lookup, weighted means, prefix sums, save/load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.static_vectors import StaticVectors, span_mean, unit
from narrascope.errors import ModelError
from narrascope.train.static_vectors import build_vocab, count_words, pca, sif_weights

WORDS = ["war", "война", "guerra", "peace", "мир"]


def _toy() -> StaticVectors:
    vecs = np.array(
        [[1, 0, 0], [1, 0.1, 0], [0.9, 0, 0.1], [0, 1, 0], [0, 0.9, 0.1]], dtype=np.float32
    )
    return StaticVectors(WORDS, vecs, np.array([1.0, 1.0, 0.5, 2.0, 1.0], np.float32))


def test_lookup_unknown_words_get_zero_row() -> None:
    sv = _toy()
    ids = sv.ids(["war", "nonsense", "мир"])
    assert ids.tolist() == [0, len(WORDS), 4]
    assert not sv.vectors_[ids[1]].any()
    assert sv.weights_[ids[1]] == 0.0


def test_mean_is_weighted_and_ignores_unknown_words() -> None:
    sv = _toy()
    got = sv.mean(["peace", "war", "zzz"])
    want = (2.0 * sv.vectors_[3] + 1.0 * sv.vectors_[0]) / 3.0
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert not sv.mean(["zzz", "yyy"]).any()
    assert not sv.mean([]).any()


def test_prefix_sums_give_the_mean_of_every_span() -> None:
    sv = _toy()
    toks = ["war", "zzz", "peace", "guerra", "мир"]
    sums = sv.prefix_sums(toks)
    for i in range(len(toks) + 1):
        for j in range(i, len(toks) + 1):
            np.testing.assert_allclose(span_mean(sums, i, j), sv.mean(toks[i:j]), atol=1e-6)
    # spans outside the text are clipped, never an error
    np.testing.assert_allclose(span_mean(sums, -3, 99), sv.mean(toks), atol=1e-6)


def test_translations_are_closer_than_other_words() -> None:
    sv = _toy()
    war, voina, peace = (unit(sv.mean([w])) for w in ("war", "война", "peace"))
    assert war @ voina > war @ peace


def test_save_load_round_trip(tmp_path: Path) -> None:
    sv = _toy()
    sv.meta = {"licence": "test vectors"}
    sv.save(tmp_path / "v")
    back = StaticVectors.load(tmp_path / "v")
    assert back.words == sv.words
    np.testing.assert_allclose(back.vectors_, sv.vectors_, atol=1e-3)  # float16 on disk
    np.testing.assert_array_equal(back.weights_, sv.weights_)
    meta = json.loads((tmp_path / "v" / "meta.json").read_text("utf-8"))
    assert meta["words"] == len(WORDS) and meta["dim"] == 3 and meta["licence"] == "test vectors"


def test_load_names_the_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"vectors\.npz"):
        StaticVectors.load(tmp_path)


def test_rows_must_match_words() -> None:
    with pytest.raises(ValueError, match="one vector row per word"):
        StaticVectors(["a", "b"], np.zeros((3, 4)))


def test_recipe_vocabulary_pca_and_weights() -> None:
    texts = [("en", "The war. The war, the peace 2024."), ("ru", "Война и мир. Война!")]
    words, counts = build_vocab(count_words(texts), min_count=2)
    assert words == ["the", "war", "война"]  # digits dropped; counted per language
    assert counts.tolist() == [3, 2, 2]
    w = sif_weights(counts)
    assert w[0] < w[1] == w[2]  # frequent words weigh less
    X = np.random.default_rng(0).normal(size=(20, 6))
    Z = pca(X, 3)
    assert Z.shape == (20, 3)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(pca(X, 3), Z)  # deterministic signs
    var = Z.var(axis=0)
    assert var[0] >= var[1] >= var[2]
