"""Round 5 of the framing model: canonical entity keys for sharing role probabilities
between mentions of one entity (``entity_mix``), the narrative x side stacker (document
narrative head + dense stacker, saved in ``weights.npz``), and the Caucasus Emirate in
the gazetteer. Sentences and data are written for these tests; no corpus text."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.backends.entities.rules import find_mentions, merge
from narrascope.backends.framing.features import (
    article_features,
    canonical_key,
    doc_row,
    entity_side,
    featurize_with_doc,
)
from narrascope.backends.framing.model import (
    FINE_ROLES,
    MAIN_ROLES,
    STACK_SIDES,
    RoleModel,
    featurize_for,
    fine_roles_of,
    fine_to_main,
    stack_features,
)
from narrascope.document import Document
from narrascope.semeval.subtask1 import MentionRow, predict_rows
from narrascope.stages.framing import LinearFraming
from narrascope.train.framing import (
    entity_smooth,
    fit_narratives,
    fit_stack,
    load_narrative_docs,
)

BITS = 16
NARRS = ["CC: Amplifying Climate Fears", "URW: Discrediting Ukraine"]


def test_entity_side() -> None:
    assert entity_side("Путина", "RU") == "RU"
    assert entity_side("Kyiv", "en") == "UA"
    assert entity_side("Yigal Levin", "en") == "NONE"


def test_canonical_key_merges_aliases_across_languages_and_inflections() -> None:
    assert canonical_key("Vladimir Putin", "en") == canonical_key("Путина", "ru") == "putin"
    assert canonical_key("Putin", "EN") == "putin"  # language code in any case
    assert canonical_key("  Yigal Levin ", "en") == "yigal levin"  # unknown: lower-cased


def test_entity_smooth_with_canonical_keys_hand_computed() -> None:
    P = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    names = ["Putin", "Vladimir Putin", "Kyiv residents"]
    keys = [(0, canonical_key(n, "en")) for n in names]
    out = entity_smooth(P, keys, 0.5)
    mean = (P[0] + P[1]) / 2
    assert np.allclose(out[0], 0.5 * P[0] + 0.5 * mean)  # [0.65, 0.25, 0.1]
    assert np.allclose(out[1], 0.5 * P[1] + 0.5 * mean)  # [0.35, 0.55, 0.1]
    assert np.allclose(out[2], P[2])  # its own entity: unchanged


def test_predict_rows_shares_roles_between_aliases_of_one_entity() -> None:
    """With the shipped model, mixing all of an entity's mentions (entity_mix = 1) gives
    "Putin" and "Vladimir Putin" one role, as the stage does for merged entities."""
    from narrascope.backends.framing.model import load_cached

    model = load_cached(None)
    text = "Vladimir Putin praised the army. Later, Putin attacked the West."
    rows = [
        MentionRow("a", "Vladimir Putin", 0, 14),
        MentionRow("a", "Putin", text.index("Putin", 20), text.index("Putin", 20) + 5),
    ]
    assert all(text[r.start : r.end] == r.mention for r in rows)
    saved = model.entity_mix
    try:
        model.entity_mix = 1.0
        out = predict_rows(text, "en", rows, model=model)
    finally:
        model.entity_mix = saved
    assert out[0].main_role == out[1].main_role
    assert out[0].fine_roles == out[1].fine_roles


@pytest.mark.parametrize(
    ("lang", "text", "alias"),
    [
        ("en", "Raids against the Caucasus Emirate continued.", "Caucasus Emirate"),
        ("ru", "ФСБ провела рейды против Имарата Кавказ.", "Имарата Кавказ"),
    ],
)
def test_caucasus_emirate_is_an_organisation(lang: str, text: str, alias: str) -> None:
    ents = merge(find_mentions(text, lang, [(0, len(text))]))
    found = {text[m.start : m.end]: (e.type, e.name) for e in ents for m in e.mentions}
    assert found.get(alias) == ("ORG", "Caucasus Emirate")


def test_stack_features_hand_computed() -> None:
    pm = np.array([[0.5, 0.25, 0.25]])
    pf = np.full((1, len(FINE_ROLES)), 1.0 / len(FINE_ROLES))
    narr = np.array([0.2, 0.9])
    X = stack_features(pm, pf, narr, ["UA"])
    assert X.shape == (1, 6 + 2 + 2 * len(STACK_SIDES))
    assert np.allclose(X[0, :3], np.log([0.5, 0.25, 0.25]))
    assert np.allclose(X[0, 3:6], np.log(fine_to_main(pf)[0]))
    assert np.allclose(X[0, 6:8], narr)
    cross = X[0, 8:].reshape(2, len(STACK_SIDES))
    ua = STACK_SIDES.index("UA")
    assert np.allclose(cross[:, ua], narr) and np.allclose(np.delete(cross, ua, axis=1), 0)
    # rare sides (TERROR) count as OTHER
    other = stack_features(pm, pf, narr, ["TERROR"])[0, 8:].reshape(2, len(STACK_SIDES))
    assert np.allclose(other[:, STACK_SIDES.index("OTHER")], narr)


def _stacked_model() -> RoleModel:
    """A tiny model whose linear heads say Protagonist for everyone and whose stacker
    makes a Ukraine-side entity Antagonist when the article is "Discrediting Ukraine"
    (the narrative head's bias makes that narrative certain)."""
    dim = 1 << BITS
    Wm = np.zeros((dim, 3), np.float32)
    bm = np.array([2.0, 0.0, 0.0], np.float32)
    Wf = np.zeros((dim, len(FINE_ROLES)), np.float32)
    bf = np.zeros(len(FINE_ROLES), np.float32)
    params = {"bits": BITS, "entity_mix": 0.0, "second_ratio": 1.01, "lang_features": True,
              "feature_set": 2, "lang_weight": 0.5, "fine_mix": 0.0, "stack": True}  # fmt: skip
    model = RoleModel.from_dense(Wm, bm, Wf, bf, **params)
    n_feat = 6 + len(NARRS) * (1 + len(STACK_SIDES))
    Ws = np.zeros((n_feat, 3), np.float32)
    Ws[0, 0] = 1.0  # follow log P(Protagonist) ...
    cross_ua = 6 + len(NARRS) + NARRS.index("URW: Discrediting Ukraine") * len(STACK_SIDES)
    Ws[cross_ua + STACK_SIDES.index("UA"), 1] = 10.0  # ... unless Ukraine in such an article
    Wn = np.zeros((dim, len(NARRS)), np.float32)
    bs = np.array([1.0, 0.0, 0.0], np.float32)  # Protagonist unless the cross feature fires
    model.set_stack(Wn, np.array([-8.0, 8.0], np.float32), Ws, bs, NARRS)
    return model


def test_stacker_decides_by_narrative_and_side() -> None:
    model = _stacked_model()
    text = "Ukraine and Russia met in Paris."
    X, row = featurize_with_doc(text, "en", [(0, len(text))], [(0, 7)], **model.feature_kwargs())
    pm, pf = model.predict_proba(X)
    narr = model.narrative_proba(row)
    assert np.allclose(narr, [1 / (1 + np.exp(8)), 1 / (1 + np.exp(-8))])
    assert model.decode(pm[0], pf[0], narr, "UA")[0] == "Antagonist"
    assert model.decode(pm[0], pf[0], narr, "RU")[0] == "Protagonist"
    _, _, fine = model.decode(pm[0], pf[0], narr, "UA")
    assert fine and all(f in fine_roles_of("Antagonist") for f, _ in fine)


def test_stacked_model_saves_and_reloads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = _stacked_model()
    model.save(tmp_path, {"licence": "test"})
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as z:
        assert {"narr_rows", "narr_W", "narr_b", "stack_W", "stack_b"} <= set(z.files)
    back = RoleModel.load(tmp_path)
    assert back.stacked and back.narratives == NARRS and back.meta["stack"] is True
    text = "Ukraine and Russia met in Paris."
    X, row = featurize_with_doc(text, "en", [(0, len(text))], [(0, 7)], **back.feature_kwargs())
    pm, pf = back.predict_proba(X)
    narr = back.narrative_proba(row)
    assert back.decode(pm[0], pf[0], narr, "UA")[0] == "Antagonist"
    assert np.allclose(
        back.main_proba(pm, pf, narr, ["UA"]), model.main_proba(pm, pf, narr, ["UA"])
    )


def test_model_without_stacker_mixes_fine_roles_as_before() -> None:
    dim = 1 << BITS
    rng = np.random.default_rng(1)
    model = RoleModel.from_dense(
        rng.normal(size=(dim, 3)).astype(np.float32), np.zeros(3, np.float32),
        rng.normal(size=(dim, len(FINE_ROLES))).astype(np.float32),
        np.zeros(len(FINE_ROLES), np.float32), bits=BITS, fine_mix=0.25,
    )  # fmt: skip
    assert not model.stacked
    pm = np.array([[0.5, 0.3, 0.2]])
    pf = np.full((1, len(FINE_ROLES)), 1.0 / len(FINE_ROLES))
    want = 0.75 * pm + 0.25 * fine_to_main(pf)
    assert np.allclose(model.main_proba(pm, pf, np.zeros(0), ["UA"]), want)
    assert model.narrative_proba(doc_row(article_features("x y z", "en", []), BITS)).size == 0


def test_stage_uses_the_stacker(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from narrascope.stages.entities import RuleEntities
    from narrascope.stages.segment import SentencexSegmenter

    model_dir = tmp_path / "m"
    _stacked_model().save(model_dir, {"licence": "test"})
    text = "Ukraine attacked the convoy. Russia condemned the attack near Kyiv."
    doc = RuleEntities()(SentencexSegmenter()(Document(id="t", text=text, language="en")))
    out = LinearFraming(model=str(model_dir), framed_threshold=0.0)(doc)
    roles = {e["name"]: e["main_role"] for e in out.data["entities"]}
    assert roles.get("Ukraine") == "Antagonist"
    assert roles.get("Russia") == "Protagonist"
    for sp in out.spans["entities"]:
        assert text[sp.start : sp.end]  # offsets valid


def test_narrative_docs_and_head_on_a_tiny_corpus(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lang_dir = tmp_path / "train" / "EN"
    (lang_dir / "raw-documents").mkdir(parents=True)
    lines = []
    for i in range(6):
        climate = i % 2 == 0
        body = (
            "glaciers melt heatwave floods climate " if climate else "kyiv army shelling front "
        ) * 3
        (lang_dir / "raw-documents" / f"EN_{i}.txt").write_text(body, "utf-8")
        label = NARRS[0] if climate else NARRS[1]
        lines.append(f"EN_{i}.txt\t{label}\t{label}: sub")
    lines.append("EN_missing.txt\tOther\tOther")  # no document: skipped
    (lang_dir / "subtask-2-annotations.txt").write_text("\n".join(lines) + "\n", "utf-8")
    docs = load_narrative_docs(tmp_path, bits=BITS)
    assert docs.ids == [f"EN_{i}.txt" for i in range(6)]
    assert docs.classes == NARRS
    assert docs.Y[:, 0].tolist() == [1, 0, 1, 0, 1, 0]
    W, b = fit_narratives(docs.X, docs.Y, C=10.0)
    P = 1 / (1 + np.exp(-(np.asarray(docs.X @ W) + b)))
    assert (P[::2, 0] > 0.5).all() and (P[1::2, 0] < 0.5).all()
    assert (P[1::2, 1] > 0.5).all()


def test_fit_stack_learns_side_by_narrative() -> None:
    rng = np.random.default_rng(0)
    n = 400
    sides = rng.choice(["RU", "UA"], size=n).tolist()
    narr = rng.choice([0.0, 1.0], size=n)
    pm = np.full((n, 3), 1 / 3)
    pf = np.full((n, len(FINE_ROLES)), 1 / len(FINE_ROLES))
    # in a "Discrediting Ukraine" article Ukraine is the villain, Russia is not; the
    # other articles cast neither (the stacker has no side-only feature)
    villain = np.array([s == "UA" and k == 1.0 for s, k in zip(sides, narr, strict=True)])
    y = np.where(villain, MAIN_ROLES.index("Antagonist"), MAIN_ROLES.index("Innocent"))
    X = np.vstack([stack_features(pm[i], pf[i], np.array([narr[i]]), [sides[i]]) for i in range(n)])
    W, b = fit_stack(X, y, C=10.0)
    pred = (X @ W + b).argmax(1)
    assert (pred == y).mean() > 0.95


def test_stack_features_per_row_narratives() -> None:
    pm = np.array([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2]])
    pf = np.full((2, len(FINE_ROLES)), 1.0 / len(FINE_ROLES))
    narr = np.array([[0.1, 0.9], [0.7, 0.3]])  # one row per mention (training)
    X = stack_features(pm, pf, narr, ["RU", "UA"])
    one = [stack_features(pm[i], pf[i], narr[i], [s]) for i, s in enumerate(["RU", "UA"])]
    assert np.allclose(X, np.vstack(one))


def test_main_proba_equals_the_stacker_over_stack_features() -> None:
    rng = np.random.default_rng(3)
    model = _stacked_model()
    assert model.stack_W is not None and model.stack_b is not None
    model.set_stack(
        np.zeros((1 << BITS, len(NARRS)), np.float32), np.zeros(len(NARRS), np.float32),
        rng.normal(size=model.stack_W.shape).astype(np.float32),
        rng.normal(size=3).astype(np.float32), NARRS,
    )  # fmt: skip
    pm = rng.dirichlet(np.ones(3), size=4)
    pf = rng.dirichlet(np.ones(len(FINE_ROLES)), size=4)
    narr = np.array([0.3, 0.8])
    sides = ["RU", "UA", "TERROR", "NONE"]
    assert model.stack_W is not None and model.stack_b is not None
    want = stack_features(pm, pf, narr, sides) @ model.stack_W + model.stack_b
    want = np.exp(want - want.max(1, keepdims=True))
    want /= want.sum(1, keepdims=True)
    assert np.allclose(model.main_proba(pm, pf, narr, sides), want, atol=1e-5)
    # the per-article cache follows the narratives
    other = np.array([0.9, 0.1])
    again = stack_features(pm, pf, other, sides) @ model.stack_W + model.stack_b
    assert np.allclose(np.log(model.main_proba(pm, pf, other, sides)).argmax(1), again.argmax(1))


def test_shipped_model_stacker_is_consistent_with_its_meta() -> None:
    model = RoleModel.load()
    assert model.stacked == bool(model.meta.get("stack")) == bool(model.params.get("stack"))
    if model.stacked:
        assert model.stack_W is not None and model.narr is not None
        k = len(model.narratives)
        assert k > 0 and model.narr.W.shape[1] == k
        n_knn = 3 if model.knn else 0  # round 8: nearest-neighbour inputs at the end
        assert model.stack_W.shape == (6 + k * (1 + len(STACK_SIDES)) + n_knn, 3)
        text = "Ukraine and Russia met in Paris."
        X, narr = featurize_for(model, text, "en", [(0, len(text))], [(0, 7)])
        assert narr.shape == (k,) and ((narr > 0) & (narr < 1)).all()
        pm, pf = model.predict_proba(X)
        kn = model.knn_features(X)
        assert (kn is None) == (n_knn == 0)
        assert np.allclose(model.main_proba(pm, pf, narr, ["UA"], knn=kn).sum(1), 1.0)
