"""Overfitting the linear narrative model on hand-written documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.narratives_linear import LinearNarrativeModel
from narrascope.document import Document
from narrascope.semeval.data import Example
from narrascope.semeval.metrics import f1_sets
from narrascope.stages.narratives import LinearNarratives
from narrascope.stages.segment import SentencexSegmenter
from narrascope.taxonomy.narratives import Taxonomy
from narrascope.train.narratives import TrainConfig, train_model

TAX = Taxonomy.from_json(
    {
        "WAR": {"Blame the neighbour": ["The neighbour started it"], "Praise the army": []},
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
        "Who started it?\n\nOfficials repeat that the neighbour started the shelling.",
        ["WAR: Blame the neighbour"],
        ["WAR: Blame the neighbour: The neighbour started it"],
    ),
    (
        "Heroes of the front\n\nOur brave army advances and wins every battle.",
        ["WAR: Praise the army"],
        ["WAR: Praise the army: Other"],
    ),
    (
        "Army parade\n\nThe glorious army marched, brave soldiers cheered by crowds.",
        ["WAR: Praise the army"],
        ["WAR: Praise the army: Other"],
    ),
    (
        "Hoax exposed\n\nThermometers lie, the heat hoax is built on broken thermometers.",
        ["CLIM: Heat is a hoax"],
        ["CLIM: Heat is a hoax: Thermometers lie"],
    ),
    (
        "Broken data\n\nAgain the thermometers lie: the heat is a hoax, says a blogger.",
        ["CLIM: Heat is a hoax"],
        ["CLIM: Heat is a hoax: Thermometers lie"],
    ),
    (
        "Local bakery\n\nA new bakery opened on Main Street selling bread and cakes.",
        ["Other"],
        ["Other"],
    ),
    (
        "Football\n\nThe local football club won the cup after a penalty shoot-out.",
        ["Other"],
        ["Other"],
    ),
    (
        "Soseda\n\nSosedata zapochna boya, kazvat ofitsialni litsa.",
        ["WAR: Blame the neighbour"],
        ["WAR: Blame the neighbour: The neighbour started it"],
    ),
    ("Hleb\n\nNova pekarna otvori na glavnata ulitsa.", ["Other"], ["Other"]),
]
LANGS = ["EN"] * 8 + ["BG"] * 2

CFG = TrainConfig(max_word_features=2000, max_char_features=4000, min_df=1, lambdas=(0.01,),
                  other_scales=(1.0,), label_scales=(1.0,))  # fmt: skip


def examples() -> list[Example]:
    return [
        Example(f"D{i}.txt", lang, text, n, s)
        for i, ((text, n, s), lang) in enumerate(zip(DOCS, LANGS, strict=True))
    ]


@pytest.fixture(scope="module")
def model() -> LinearNarrativeModel:
    return train_model(examples(), TAX, CFG)


def mean_f1(m: LinearNarrativeModel) -> float:
    tot = 0.0
    for ex in examples():
        pred, _ = m.predict(ex.text, ex.language)
        tot += f1_sets(ex.narratives, pred.narrative_labels)
        tot += f1_sets(ex.subnarratives, pred.subnarrative_labels)
    return tot / (2 * len(DOCS))


def test_overfits_and_features_matter(model: LinearNarrativeModel) -> None:
    trained = mean_f1(model)
    zeroed = LinearNarrativeModel(
        taxonomy=model.taxonomy, spec=model.spec, vocab=model.vocab, labels=model.labels,
        weights=np.zeros_like(model.weights), bias=model.bias, lang_bias=model.lang_bias,
        languages=model.languages, platt_a=model.platt_a, platt_b=model.platt_b,
        decision=model.decision,
    )  # fmt: skip
    assert trained >= 0.9
    assert trained > mean_f1(zeroed) + 0.3  # the n-gram weights, not the priors, do the work


def test_gold_label_probability_rises(model: LinearNarrativeModel) -> None:
    ex = examples()[4]
    fz = model.featurize(ex.text)
    p = model.proba(model.raw_scores(fz, "en"))
    j = model.label_index["CLIM: Heat is a hoax"]
    k = model.label_index["WAR: Praise the army"]
    assert p[j] > 0.5 > p[k]


def test_save_load_round_trip(model: LinearNarrativeModel, tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    assert {p.name for p in (tmp_path / "m").iterdir()} == {
        "weights.npz",
        "labels.json",
        "taxonomy.json",
        "meta.json",
    }
    back = LinearNarrativeModel.load(tmp_path / "m")
    for ex in examples():
        a, _ = model.predict(ex.text, ex.language)
        b, _ = back.predict(ex.text, ex.language)
        assert a.narrative_labels == b.narrative_labels
        assert a.subnarrative_labels == b.subnarrative_labels
        for (_, pa), (_, pb) in zip(a.narratives, b.narratives, strict=True):
            assert pa == pytest.approx(pb, abs=5e-3)  # int8 weights


def _docs() -> list[Document]:
    seg = SentencexSegmenter()
    return [
        seg(Document(id=f"D{i}", text=t, language=lang.lower()))
        for i, ((t, _, _), lang) in enumerate(zip(DOCS, LANGS, strict=True))
    ]


def test_stage_batch_equals_single_and_offsets_valid(model: LinearNarrativeModel) -> None:
    stage = LinearNarratives.from_model(model)
    single = [stage(d).to_json() for d in _docs()]
    batch = [d.to_json() for d in stage.pipe(_docs(), batch_size=4)]
    assert single == batch
    for d in stage.pipe(_docs()):
        d.validate()  # every evidence / explanation span matches the text
        rec = d.cats["narratives"]
        labels = [n["label"] for n in rec["narratives"]]
        for s in rec["subnarratives"]:
            assert s["parent"] in labels or s["label"] == "Other"
        exp = d.data["explanation"]
        assert exp["words"] <= 80
        for s in exp["sentences"]:
            assert d.text[s["start"] : s["end"]] == s["text"]


def test_evidence_points_at_the_label_sentence(model: LinearNarrativeModel) -> None:
    stage = LinearNarratives.from_model(model)
    text = "Weather today.\n\nIt rains in the north.\n\nThermometers lie, the heat is a hoax."
    doc = stage(SentencexSegmenter()(Document(id="x", text=text, language="en")))
    rec = doc.cats["narratives"]
    assert rec["narratives"][0]["label"] == "CLIM: Heat is a hoax"
    assert "Thermometers lie" in rec["narratives"][0]["evidence"][0]["text"]
    assert any("Thermometers lie" in s["text"] for s in doc.data["explanation"]["sentences"])


def test_unsupported_language_is_flagged_or_abstains(model: LinearNarrativeModel) -> None:
    doc = SentencexSegmenter()(Document(id="x", text="Das Heer marschiert.", language="de"))
    rec = LinearNarratives.from_model(model)(doc).cats["narratives"]
    assert rec["supported_language"] is False and rec["narratives"]
    doc2 = SentencexSegmenter()(Document(id="y", text="Das Heer marschiert.", language="de"))
    rec2 = LinearNarratives.from_model(model, unsupported="abstain")(doc2).cats["narratives"]
    assert rec2["narratives"] == [] and rec2["abstained"] is True


def test_child_weight_lifts_a_narrative_through_its_subnarrative(
    model: LinearNarrativeModel,
) -> None:
    from narrascope.backends.narratives_linear import DecisionParams, decide, with_children

    p = np.full(len(model.labels), 0.01)
    p[model.other_idx] = 0.3
    j = 0
    kid = int(model.sub_idx[np.nonzero(model.sub_parent == j)[0][0]])
    p[kid] = 0.9
    mixed = with_children(model, p, 0.5)
    assert mixed[model.narr_idx[j]] == pytest.approx(0.5 * 0.01 + 0.5 * 0.9)
    assert mixed[kid] == p[kid] and mixed[model.other_idx] == p[model.other_idx]
    # without the children the weak narrative loses against Other; with them it wins
    assert decide(model, p, DecisionParams()).narrative_labels == ["Other"]
    pred = decide(model, p, DecisionParams(child_weight=0.5))
    assert pred.narrative_labels == [model.taxonomy.narratives[j]]
    assert model.labels[kid] in pred.subnarrative_labels
