"""Subnarrative probabilities informed by their narrative's (``parent_weight``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.narratives_linear import (
    DecisionParams,
    LinearNarrativeModel,
    decide,
    with_parents,
)
from narrascope.semeval.data import Example
from narrascope.taxonomy.narratives import Taxonomy
from narrascope.train.narratives import TrainConfig, train_model

TAX = Taxonomy.from_json(
    {
        "WAR": {"Blame the neighbour": ["The neighbour started it", "The neighbour lies"]},
        "CLIM": {"Heat is a hoax": ["Thermometers lie"]},
    }
)

# (text, narratives, subnarratives); written for these tests
DOCS = [
    (
        "Neighbour attacked first.\n\nThe neighbour started the fighting, officials said.",
        ["WAR: Blame the neighbour"],
        ["WAR: Blame the neighbour: The neighbour started it"],
    ),
    (
        "Lies again\n\nThe neighbour lies about the shelling, officials repeat.",
        ["WAR: Blame the neighbour"],
        ["WAR: Blame the neighbour: The neighbour lies"],
    ),
    (
        "Hoax exposed\n\nThermometers lie, the heat hoax is built on broken thermometers.",
        ["CLIM: Heat is a hoax"],
        ["CLIM: Heat is a hoax: Thermometers lie"],
    ),
    (
        "Local bakery\n\nA new bakery opened on Main Street selling bread and cakes.",
        ["Other"],
        ["Other"],
    ),
]

CFG = TrainConfig(max_word_features=2000, max_char_features=4000, min_df=1, lambdas=(0.01,),
                  other_scales=(1.0,), label_scales=(1.0,), sub_scales=(1.0,),
                  child_weights=(0.0,), parent_weights=(0.0, 0.5))  # fmt: skip


@pytest.fixture(scope="module")
def model() -> LinearNarrativeModel:
    exs = [Example(f"D{i}.txt", "EN", t, n, s) for i, (t, n, s) in enumerate(DOCS)]
    return train_model(exs, TAX, CFG)


def test_with_parents_is_a_geometric_mix(model: LinearNarrativeModel) -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.99, size=len(model.labels))
    mixed = with_parents(model, p, 0.25)
    for k, j in enumerate(model.sub_idx):
        parent = p[model.narr_idx[model.sub_parent[k]]]
        assert mixed[j] == pytest.approx(p[j] ** 0.75 * parent**0.25)
    # narratives and Other untouched, input not modified, g = 0 is the identity
    assert np.array_equal(mixed[model.narr_idx], p[model.narr_idx])
    assert mixed[model.other_idx] == p[model.other_idx]
    assert np.allclose(with_parents(model, p, 0.0), p)
    batch = with_parents(model, np.stack([p, p]), 0.25)
    assert np.allclose(batch[1], mixed)


def test_a_confident_parent_adds_a_second_subnarrative(model: LinearNarrativeModel) -> None:
    p = np.full(len(model.labels), 0.01)
    war = 0
    kids = model.sub_idx[np.nonzero(model.sub_parent == war)[0]]
    p[model.narr_idx[war]] = 0.9
    p[kids[0]], p[kids[1]] = 0.4, 0.2
    base = decide(model, p, DecisionParams())
    mixed = decide(model, p, DecisionParams(parent_weight=0.5))
    assert base.narrative_labels == mixed.narrative_labels == [model.taxonomy.narratives[war]]
    # alone, the weaker child does not raise the expected F1; lifted by its parent
    # (0.2 -> sqrt(0.2 * 0.9) = 0.42) it does
    assert base.subnarrative_labels == [model.labels[kids[0]]]
    assert mixed.subnarrative_labels == [model.labels[kids[0]], model.labels[kids[1]]]
    assert with_parents(model, p, 0.5)[kids[1]] == pytest.approx((0.2 * 0.9) ** 0.5)


def test_parent_weight_round_trips_and_old_models_load(
    model: LinearNarrativeModel, tmp_path: Path
) -> None:
    model.decision = DecisionParams(parent_weight=0.25, child_weight=0.5)
    model.save(tmp_path / "m")
    back = LinearNarrativeModel.load(tmp_path / "m")
    assert back.decision.parent_weight == 0.25 and back.decision.child_weight == 0.5
    text = DOCS[0][0]
    a, _ = model.predict(text, "EN")
    b, _ = back.predict(text, "EN")
    assert a.subnarrative_labels == b.subnarrative_labels
    # a model saved before parent_weight existed (no key in its decision) loads with 0
    meta_path = tmp_path / "m" / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    del meta["decision"]["parent_weight"]
    meta_path.write_text(json.dumps(meta), "utf-8")
    old = LinearNarrativeModel.load(tmp_path / "m")
    assert old.decision.parent_weight == 0.0 and old.decision.child_weight == 0.5


def test_training_records_the_chosen_parent_weight(model: LinearNarrativeModel) -> None:
    cfg = model.meta["train"]["config"]
    assert cfg["parent_weights"] == [0.0, 0.5]
    fresh = train_model(
        [Example(f"D{i}.txt", "EN", t, n, s) for i, (t, n, s) in enumerate(DOCS)], TAX, CFG
    )
    assert fresh.decision.parent_weight in (0.0, 0.5)
