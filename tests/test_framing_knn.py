"""framing.linear.v1 round 8: the stacker's nearest-neighbour inputs (main-role shares
among the training mentions nearest in word-vector space).

Hand-made vectors and hand-written texts; no corpus text."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import sparse

from narrascope.backends.framing.features import featurize_with_doc
from narrascope.backends.framing.model import (
    FINE_ROLES,
    MAIN_ROLES,
    STACK_SIDES,
    RoleModel,
    knn_log_probs,
    knn_rows,
    stack_features,
)
from narrascope.backends.static_vectors import StaticVectors
from narrascope.document import Document
from narrascope.stages.framing import LinearFraming

BITS = 12
WORDS = ["bombed", "shelled", "rescued", "helped", "the", "city"]
NARRS = ["Other", "URW: Discrediting Ukraine"]


def test_knn_log_probs_hand_computed() -> None:
    E = knn_rows(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]))
    y = np.array([1, 1, 0, 2])
    # nearest two to (1, 0.05): rows 0 and 1, both Antagonist
    got = knn_log_probs(np.array([[1.0, 0.05], [0.05, 1.0]]), E, y, 2)
    want = np.log((np.array([[0, 2, 0], [1, 0, 1]]) + 1 / 3) / 3)
    np.testing.assert_allclose(got, want)
    # the query's length does not matter (cosine), k larger than the table is clipped
    np.testing.assert_allclose(knn_log_probs(np.array([[5.0, 0.25]]), E, y, 2), want[:1])
    assert np.isfinite(knn_log_probs(np.array([[1.0, 0.0]]), E, y, 50)).all()
    # a row without known words has no neighbours: even shares
    np.testing.assert_allclose(knn_log_probs(np.zeros((1, 2)), E, y, 2), np.log([[1 / 3] * 3]))


def test_stack_features_append_the_knn_columns() -> None:
    pm = np.array([[0.5, 0.25, 0.25]])
    pf = np.full((1, len(FINE_ROLES)), 1.0 / len(FINE_ROLES))
    narr = np.array([0.2, 0.9])
    base = stack_features(pm, pf, narr, ["UA"])
    kn = np.log([[0.1, 0.7, 0.2]])
    X = stack_features(pm, pf, narr, ["UA"], kn)
    assert X.shape == (1, base.shape[1] + 3)
    np.testing.assert_allclose(X[:, :-3], base)
    np.testing.assert_allclose(X[:, -3:], kn)


def test_knn_oof_never_reads_the_rows_own_fold() -> None:
    from narrascope.train.framing import knn_oof

    # rows 0 and 1 are the same point with different roles, in different folds;
    # rows 2 and 3 likewise: each row's single neighbour is its twin from the other fold
    dense = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    X = sparse.hstack([sparse.csr_matrix((4, 1 << 4)), sparse.csr_matrix(dense)]).tocsr()
    mat = SimpleNamespace(X=X, main=np.array([0, 1, 2, 1]))
    folds = [(np.array([1, 3]), np.array([0, 2])), (np.array([0, 2]), np.array([1, 3]))]
    K, E = knn_oof(mat, folds, bits=4, k=1)  # type: ignore[arg-type]
    assert K.argmax(1).tolist() == [1, 0, 1, 2]
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-3)


@pytest.fixture(scope="module")
def vectors_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # two directions: attack words (bombed, shelled) and help words (rescued, helped)
    vec = np.array([[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0.1, 1, 0], [0, 0, 1], [0, 0, 1.0]])
    sv = StaticVectors(WORDS, vec, np.ones(len(WORDS)))
    return sv.save(tmp_path_factory.mktemp("vectors") / "toy")


def _knn_model(vectors_dir: Path) -> RoleModel:
    """A stacked model whose linear heads and narratives say nothing: its stacker follows
    the nearest-neighbour inputs only. The training table has attack contexts as
    Antagonist and help contexts as Innocent."""
    params = {"bits": BITS, "entity_mix": 0.0, "second_ratio": 1.01, "lang_features": True,
              "feature_set": 2, "lang_weight": 0.5, "fine_mix": 0.0, "stack": True,
              "vectors": str(vectors_dir), "vector_window": 2, "knn": 3}  # fmt: skip
    dim = (1 << BITS) + 9
    model = RoleModel.from_dense(
        np.zeros((dim, 3), np.float32), np.zeros(3, np.float32),
        np.zeros((dim, len(FINE_ROLES)), np.float32), np.zeros(len(FINE_ROLES), np.float32),
        **params,
    )  # fmt: skip
    n_feat = 6 + len(NARRS) * (1 + len(STACK_SIDES)) + 3
    Ws = np.zeros((n_feat, 3), np.float32)
    Ws[-3:] = 4.0 * np.eye(3, dtype=np.float32)
    model.set_stack(
        np.zeros((dim, len(NARRS)), np.float32), np.zeros(len(NARRS), np.float32), Ws,
        np.zeros(3, np.float32), NARRS,
    )  # fmt: skip
    # training rows: (mention, context, sentence) blocks of 3 dims each
    attack, helpv, city = np.eye(3)
    E = np.array([np.r_[city, attack, attack]] * 4 + [np.r_[city, helpv, helpv]] * 4)
    y = np.array([1] * 4 + [2] * 4)
    model.set_knn(E, y)
    return model


def test_stacker_follows_the_neighbours_and_survives_save_load(
    vectors_dir: Path, tmp_path: Path
) -> None:
    model = _knn_model(vectors_dir)
    assert model.knn == 3
    text = "Zorvania bombed the city. Terel helped the city."
    spans = [(0, 8), (26, 31)]
    assert [text[s:e] for s, e in spans] == ["Zorvania", "Terel"]
    sents = [(0, 25), (26, len(text))]
    X, row = featurize_with_doc(text, "en", sents, spans, **model.feature_kwargs())
    pm, pf = model.predict_proba(X)
    narr = model.narrative_proba(row)
    kn = model.knn_features(X)
    assert kn is not None and kn.shape == (2, 3)
    P = model.main_proba(pm, pf, narr, ["NONE", "NONE"], knn=kn)
    assert [MAIN_ROLES[i] for i in P.argmax(1)] == ["Antagonist", "Innocent"]
    with pytest.raises(ValueError, match="knn"):
        model.main_proba(pm, pf, narr, ["NONE", "NONE"])
    model.save(tmp_path, {"licence": "test"})
    back = RoleModel.load(tmp_path)
    assert back.knn == 3 and back.meta["knn_rows"] == 8
    np.testing.assert_allclose(back.knn_features(X), kn, atol=1e-6)
    np.testing.assert_allclose(
        back.main_proba(pm, pf, narr, ["NONE", "NONE"], knn=back.knn_features(X)), P, atol=1e-4
    )


def test_stage_with_knn_model_keeps_offsets(vectors_dir: Path, tmp_path: Path) -> None:
    from narrascope.stages.entities import RuleEntities
    from narrascope.stages.segment import SentencexSegmenter

    _knn_model(vectors_dir).save(tmp_path, {"licence": "test"})
    text = "Mr Zorvan Kell bombed the city. Mrs Ana Terel helped the city."
    doc = RuleEntities()(SentencexSegmenter()(Document(id="t", text=text, language="en")))
    out = LinearFraming(model=str(tmp_path), framed_threshold=0.0)(doc)
    out.validate()
    for sp in out.spans["entities"]:
        assert text[sp.start : sp.end] == sp.text
    roles = {e["name"]: e["main_role"] for e in out.data["entities"]}
    assert roles.get("Zorvan Kell") == "Antagonist"
    assert roles.get("Ana Terel") == "Innocent"
