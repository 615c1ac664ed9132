"""framing.linear.v1: overfit a handful of hand-written examples, save, reload, run.

Texts are written for these tests; no corpus text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from narrascope.backends.framing.model import FINE_ROLES, MAIN_ROLES, RoleModel
from narrascope.document import Document
from narrascope.errors import ModelError
from narrascope.semeval.subtask1 import Article, MentionRow
from narrascope.stages.entities import RuleEntities
from narrascope.stages.framing import LinearFraming
from narrascope.stages.segment import SentencexSegmenter
from narrascope.train import framing as recipe

TEXTS = [
    (
        "The army of Zorvania bombed the hospital and killed the Melvan doctors.",
        [("Zorvania", "Antagonist", ["Instigator"]), ("Melvan", "Innocent", ["Victim"])],
    ),
    (
        "The brave Doctor Alvo Kess rescued the children from the fire.",
        [("Alvo Kess", "Protagonist", ["Guardian"])],
    ),
    (
        "Senator Brill Oquant stole the pension fund and lied about it.",
        [("Brill Oquant", "Antagonist", ["Corrupt", "Deceiver"])],
    ),
    (
        "The villagers of Pemba were forgotten by everyone after the flood.",
        [("Pemba", "Innocent", ["Forgotten"])],
    ),
    (
        "Troops from Zorvania shelled the town again while Mr Terel negotiated a truce.",
        [("Zorvania", "Antagonist", ["Instigator"]), ("Terel", "Protagonist", ["Peacemaker"])],
    ),
    (
        "Mr Terel brokered peace talks, and the refugees from Melvan thanked Mr Terel.",
        [("Terel", "Protagonist", ["Peacemaker"]), ("Melvan", "Innocent", ["Victim"])],
    ),
]


def articles() -> list[Article]:
    out = []
    for i, (text, ments) in enumerate(TEXTS):
        rows = []
        for name, main, fine in ments:
            pos = text.find(name)
            while pos >= 0:
                rows.append(MentionRow(f"T{i}", name, pos, pos + len(name), main, list(fine)))
                pos = text.find(name, pos + 1)
        out.append(Article(f"T{i}", "EN", text, rows))
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[RoleModel, Path, recipe.Matrix]:
    arts = articles()
    mat = recipe.build_matrix(arts, bits=16, lang_features=True)
    Wm, bm, Wf, bf = recipe.fit_model(
        mat.X, mat.main, mat.fine, C_main=100.0, C_fine=100.0, min_df=1
    )
    Wd, bd = recipe.fit_framed(mat.X, mat.X_neg, C=100.0, min_df=1)
    params = {**recipe.DEFAULTS, "bits": 16, "second_ratio": 0.5, "framed_threshold": 0.5}
    model = RoleModel.from_dense(Wm, bm, Wf, bf, W_framed=Wd, b_framed=bd, **params)
    path = tmp_path_factory.mktemp("model")
    model.save(path, {"licence": "test", "training_data": {"digest": recipe.data_digest(arts)}})
    return model, path, mat


def test_overfits_training_examples(trained: tuple[RoleModel, Path, recipe.Matrix]) -> None:
    model, _, mat = trained
    pm, pf = model.predict_proba(mat.X)
    assert (pm.argmax(1) == mat.main).mean() == 1.0
    top_fine = pf.argmax(1)
    assert all(mat.fine[i, top_fine[i]] == 1 for i in range(len(top_fine)))
    # an untrained model (zero weights) cannot do this
    zero = RoleModel.from_dense(
        np.zeros((1 << 16, 3)), np.zeros(3), np.zeros((1 << 16, 22)), np.zeros(22),
        **{**recipe.DEFAULTS, "bits": 16},
    )  # fmt: skip
    assert zero.predict_proba(mat.X)[0].max() < 0.34


def test_save_and_reload_give_the_same_predictions(
    trained: tuple[RoleModel, Path, recipe.Matrix],
) -> None:
    model, path, mat = trained
    assert sorted(p.name for p in path.iterdir()) == ["meta.json", "weights.npz"]
    meta = json.loads((path / "meta.json").read_text("utf-8"))
    assert meta["fine_roles"] == list(FINE_ROLES) and meta["main_roles"] == list(MAIN_ROLES)
    loaded = RoleModel.load(path)
    a, b = model.predict_proba(mat.X), loaded.predict_proba(mat.X)
    np.testing.assert_allclose(a[0], b[0], atol=2e-3)  # float16 weights on disk
    np.testing.assert_allclose(a[1], b[1], atol=2e-3)
    assert (a[0].argmax(1) == b[0].argmax(1)).all()
    np.testing.assert_allclose(model.framed_proba(mat.X), loaded.framed_proba(mat.X), atol=2e-3)


def test_missing_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no framing model"):
        RoleModel.load(tmp_path)


def _pipeline_doc(text: str) -> Document:
    doc = Document(id="d", text=text, language="en")
    return RuleEntities()(SentencexSegmenter()(doc))


def test_stage_assigns_roles_with_evidence(trained: tuple[RoleModel, Path, recipe.Matrix]) -> None:
    _, path, _ = trained
    stage = LinearFraming(model=str(path), framed_threshold=0.0)
    doc = stage(_pipeline_doc(TEXTS[0][0] + " " + TEXTS[1][0]))
    doc.validate()
    by_name = {e["name"]: e for e in doc.data["entities"]}
    assert by_name["Zorvania"]["main_role"] == "Antagonist"
    assert by_name["Alvo Kess"]["main_role"] == "Protagonist"
    for e in doc.data["entities"]:
        assert e["evidence"] and all(doc.text[v["start"] : v["end"]] == v["text"]
                                     for v in e["evidence"])  # fmt: skip
        assert e["fine_roles"][0]["label"] in FINE_ROLES
        for i in e["mentions"]:
            assert doc.spans["entities"][i].attrs["main_role"] in MAIN_ROLES


def test_stage_abstains_above_threshold(trained: tuple[RoleModel, Path, recipe.Matrix]) -> None:
    _, path, _ = trained
    doc = LinearFraming(model=str(path), framed_threshold=1.01)(_pipeline_doc(TEXTS[0][0]))
    doc.validate()
    ents = doc.data["entities"]
    assert ents and all(e["main_role"] is None for e in ents)
    assert all(e["type"] != "GROUP" for e in ents)  # unframed groups are dropped
    assert all(s.attrs["main_role"] is None for s in doc.spans["entities"])
    idx = sorted(i for e in ents for i in e["mentions"])
    assert idx == list(range(len(doc.spans["entities"])))


def test_batch_and_single_agree(trained: tuple[RoleModel, Path, recipe.Matrix]) -> None:
    _, path, _ = trained
    stage = LinearFraming(model=str(path))
    docs = [_pipeline_doc(t) for t, _ in TEXTS]
    single = [stage(_pipeline_doc(t)).data["entities"] for t, _ in TEXTS]
    batch = [d.data["entities"] for d in stage.pipe(docs)]
    assert single == batch


def test_attach_cv_writes_tuned_thresholds(
    trained: tuple[RoleModel, Path, recipe.Matrix], tmp_path: Path
) -> None:
    _, path, _ = trained
    import shutil

    target = tmp_path / "m"
    shutil.copytree(path, target)
    cv = {"params": {"framed_threshold": 0.31, "entity_mix": 0.7, "second_ratio": 0.8}}
    recipe.attach_cv(target, cv)
    loaded = RoleModel.load(target)
    assert loaded.params["framed_threshold"] == 0.31
    assert (loaded.entity_mix, loaded.second_ratio) == (0.7, 0.8)
    assert loaded.meta["cv_metrics"] == cv
