"""framing.linear.v1 with static word vectors as dense columns (round 6).

Hand-written texts and a hand-made vector table; no corpus text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from narrascope.backends.framing.features import featurize_article
from narrascope.backends.framing.model import RoleModel, feature_kwargs, n_columns
from narrascope.backends.static_vectors import StaticVectors
from narrascope.stages.framing import LinearFraming
from narrascope.train import framing as recipe
from test_framing_model import TEXTS, _pipeline_doc, articles

WORDS = ["bombed", "killed", "stole", "lied", "rescued", "brave", "peace", "forgotten", "the"]


@pytest.fixture(scope="module")
def vectors_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(0)
    sv = StaticVectors(WORDS, rng.normal(size=(len(WORDS), 4)), np.ones(len(WORDS)))
    return sv.save(tmp_path_factory.mktemp("vectors") / "toy")


def _params(vectors_dir: Path) -> dict[str, object]:
    return {**recipe.DEFAULTS, "bits": 16, "vectors": str(vectors_dir), "second_ratio": 0.5}


def test_vectors_add_dense_columns_and_keep_the_hashed_ones(vectors_dir: Path) -> None:
    text = "The army of Zorvania bombed the hospital. Mr Terel rescued the children."
    spans = [(12, 20), (45, 50)]
    assert [text[s:e] for s, e in spans] == ["Zorvania", "Terel"]
    sents = [(0, 40), (41, len(text))]
    fk = feature_kwargs(_params(vectors_dir))
    X = featurize_article(text, "en", sents, spans, **fk)
    plain = {k: v for k, v in fk.items() if not k.startswith("vector")}
    X0 = featurize_article(text, "en", sents, spans, **plain)
    assert X.shape == (2, n_columns(_params(vectors_dir))) == (2, (1 << 16) + 12)
    assert (X[:, : 1 << 16] != X0).nnz == 0
    D = X[:, 1 << 16 :].toarray().reshape(2, 3, 4)
    norms = np.linalg.norm(D, axis=2)
    # mention words are unknown (zeros); context and sentence blocks have unit length
    np.testing.assert_allclose(norms, [[0, 1, 1], [0, 1, 1]], atol=1e-5)
    assert not np.allclose(D[0, 2], D[1, 2])  # two sentences, two sentence vectors


def test_model_with_vectors_overfits_survives_save_load_and_keeps_offsets(
    vectors_dir: Path, tmp_path: Path
) -> None:
    params = _params(vectors_dir)
    mat = recipe.build_matrix(articles(), **feature_kwargs(params))
    assert mat.X.shape[1] == n_columns(params)
    Wm, bm, Wf, bf = recipe.fit_model(
        mat.X, mat.main, mat.fine, C_main=100.0, C_fine=100.0, min_df=1
    )
    Wd, bd = recipe.fit_framed(mat.X, mat.X_neg, C=100.0, min_df=1)
    model = RoleModel.from_dense(Wm, bm, Wf, bf, W_framed=Wd, b_framed=bd, **params)
    assert (model.predict_proba(mat.X)[0].argmax(1) == mat.main).all()
    assert np.abs(Wm[1 << 16 :]).max() > 0  # the dense columns carry weight
    model.save(tmp_path, {"licence": "test"})
    loaded = RoleModel.load(tmp_path)
    np.testing.assert_allclose(
        model.predict_proba(mat.X)[0], loaded.predict_proba(mat.X)[0], atol=2e-3
    )
    stage = LinearFraming(model=str(tmp_path), framed_threshold=0.0)
    text = TEXTS[0][0] + " " + TEXTS[1][0]
    doc = stage(_pipeline_doc(text))
    doc.validate()
    assert doc.text == text
    for span in doc.spans["entities"]:
        assert doc.text[span.start : span.end] == span.text
    by_name = {e["name"]: e["main_role"] for e in doc.data["entities"]}
    assert by_name["Zorvania"] == "Antagonist" and by_name["Alvo Kess"] == "Protagonist"


def test_framed_vectors_option_and_old_params(vectors_dir: Path) -> None:
    params = _params(vectors_dir)
    assert recipe.framed_vectors({**params, "framed_vectors": 0.0}) == (1 << 16, 0.0)
    assert recipe.framed_vectors({**params, "framed_vectors": False}) == (1 << 16, 0.0)
    assert recipe.framed_vectors({**params, "framed_vectors": 0.25}) == (1 << 16, 0.25)
    # full weight, no vectors, or params saved before the option: every column as before
    assert recipe.framed_vectors({**params, "framed_vectors": True}) is None
    assert recipe.framed_vectors({**params, "vectors": None, "framed_vectors": 0.0}) is None
    old = {k: v for k, v in params.items() if k != "framed_vectors"}
    assert recipe.framed_vectors(old) is None


def test_framed_head_ignores_the_vector_columns(vectors_dir: Path) -> None:
    params = {**_params(vectors_dir), "framed_vectors": 0.0}
    fv = recipe.framed_vectors(params)
    assert fv is not None
    hashed = fv[0]
    mat = recipe.build_matrix(articles(), **feature_kwargs(params))
    Wm, bm, Wf, bf = recipe.fit_model(
        mat.X, mat.main, mat.fine, C_main=100.0, C_fine=100.0, min_df=1
    )
    W_all, _ = recipe.fit_framed(mat.X, mat.X_neg, C=100.0, min_df=1)
    assert np.abs(W_all[hashed:]).max() > 0  # without the option the head reads them
    W_one, _ = recipe.fit_framed(
        mat.X, mat.X_neg, C=100.0, min_df=1, max_column=hashed, dense_weight=1.0
    )
    np.testing.assert_allclose(W_one, W_all, atol=1e-4)  # weight 1: the same head
    Wd, bd = recipe.fit_framed(
        mat.X, mat.X_neg, C=100.0, min_df=1, max_column=fv[0], dense_weight=fv[1]
    )
    assert not Wd[hashed:].any()
    assert np.abs(Wd[:hashed]).max() > 0
    model = RoleModel.from_dense(Wm, bm, Wf, bf, W_framed=Wd, b_framed=bd, **params)
    # scramble the dense columns: P(framed) stays, the main-role head moves
    X = mat.X.tolil(copy=True)
    rng = np.random.default_rng(1)
    X[:, hashed:] = rng.normal(size=(X.shape[0], X.shape[1] - hashed))
    X = X.tocsr()
    p0, p1 = model.framed_proba(mat.X), model.framed_proba(X)
    assert p0 is not None and p1 is not None
    np.testing.assert_allclose(p0, p1, atol=1e-6)
    assert not np.allclose(model.predict_proba(mat.X)[0], model.predict_proba(X)[0], atol=1e-3)
