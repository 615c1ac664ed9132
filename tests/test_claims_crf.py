"""The claims CRF: numpy Viterbi, JSON export/load, and the claims.crf.v1 backend."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.claims.crf import LABELS, CRFModel, spans_from_tags, viterbi
from narrascope.document import Document
from narrascope.stages.claims import DEFAULT_CRF, CRFClaims
from narrascope.stages.segment import SentencexSegmenter


def test_viterbi_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    emis = rng.normal(size=(5, 3))
    trans = rng.normal(size=(3, 3))

    def score(path: tuple[int, ...]) -> float:
        s = emis[0, path[0]]
        for t in range(1, len(path)):
            s += trans[path[t - 1], path[t]] + emis[t, path[t]]
        return float(s)

    best = max(itertools.product(range(3), repeat=5), key=score)
    assert tuple(viterbi(emis, trans)) == best


def test_spans_from_tags() -> None:
    tags = ["B-S", "I-S", "B-Q", "B-C", "I-C", "O", "B-C"]
    assert spans_from_tags(tags, 10) == {
        "S": [(10, 12)],
        "Q": [(12, 13)],
        "C": [(13, 15), (16, 17)],
    }


def _tiny_model(path: Path) -> None:
    """A hand-written model: 'said' is a cue, words after it are content."""
    labels = list(LABELS)
    L = {lab: k for k, lab in enumerate(labels)}
    attrs = ["w=said", "dl=1", "dl=2", "dl=3", "w=he", "-1:pad"]
    state = [
        [0, L["B-Q"], 5.0], [4, L["B-S"], 4.0], [1, L["B-C"], 3.0], [2, L["I-C"], 3.0],
        [3, L["I-C"], 3.0], [5, L["O"], 0.5],
    ]  # fmt: skip
    trans = {"pairs": [[L["B-C"], L["I-C"]], [L["I-C"], L["I-C"]]], "weights": [1.0, 1.0]}
    obj = {"format": "narrascope-crf-1", "labels": labels, "transitions": trans,
           "attributes": attrs, "state": state}  # fmt: skip
    (path / "crf.json").write_text(json.dumps(obj), "utf-8")


def test_json_model_round_trip(tmp_path: Path) -> None:
    _tiny_model(tmp_path)
    model = CRFModel.load(tmp_path)
    feats = [["w=he", "-1:pad"], ["w=said"], ["w=x", "dl=1"], ["w=y", "dl=2"], ["w=z", "dl=3"]]
    assert model.tag(feats) == ["B-S", "B-Q", "B-C", "I-C", "I-C"]


def test_training_recipe_exports_safe_json(tmp_path: Path) -> None:
    pycrfsuite = pytest.importorskip("pycrfsuite")
    assert pycrfsuite  # training extra present
    from narrascope.train import claims as train

    # overfit two inline sequences through the exporter used by train_crf
    seqs = [
        ([["w=he"], ["w=said"], ["w=x", "dl=1"], ["w=y", "dl=2"]], ["B-S", "B-Q", "B-C", "I-C"]),
        ([["w=she"], ["w=said"], ["w=z", "dl=1"]], ["B-S", "B-Q", "B-C"]),
    ]
    out = train.export_crf(seqs, tmp_path, max_iterations=50)
    text = (out / "crf.json").read_text("utf-8")
    assert json.loads(text)["format"] == "narrascope-crf-1"
    model = CRFModel.load(out)
    assert model.tag([["w=he"], ["w=said"], ["w=x", "dl=1"], ["w=y", "dl=2"]]) == seqs[0][1]


@pytest.mark.skipif(not (DEFAULT_CRF / "crf.json").exists(), reason="no shipped CRF model")
def test_crf_backend_keeps_rule_claims_and_valid_offsets() -> None:
    text = (
        "Karl Berg said the bridge would reopen in May. Officials have mixed feelings about "
        "the plan, and the mayor is opposed to raising taxes."
    )
    doc = CRFClaims()(SentencexSegmenter()(Document(id="c", text=text, language="en")))
    doc.validate()
    texts = [c.text for c in doc.spans["claims"]]
    assert "the bridge would reopen in May" in texts
    for c in doc.spans["claims"]:
        assert c.attrs["cue"]["text"] == text[c.attrs["cue"]["start"] : c.attrs["cue"]["end"]]
    meta = json.loads((DEFAULT_CRF / "meta.json").read_text("utf-8"))
    assert "research-only" in meta["licence"] and meta["training_data_digest"]


def test_rule_marks_cover_the_rules_claims() -> None:
    from narrascope.backends.claims.context import build_context
    from narrascope.backends.claims.crf import rule_marks
    from narrascope.backends.claims.rules import RuleExtractor

    text = "Karl Berg said the bridge would reopen in May."
    ctx = build_context(SentencexSegmenter()(Document(id="r", text=text, language="en")))
    marks = rule_marks(ctx, RuleExtractor(ctx).run())
    by_tok = {t.text: m for t, m in zip(ctx.toks, marks, strict=True)}
    assert by_tok["Karl"] == "B-S" and by_tok["Berg"] == "I-S"
    assert by_tok["said"] == "B-Q"
    assert by_tok["the"] == "B-C:indirect" and by_tok["May"] == "I-C:indirect"


@pytest.mark.parametrize(
    ("proposal", "kept"),
    [
        ("to comment", False),
        ("whether he would send troops", False),
        ("no evidence for the claim", False),
        ("in his nightly video address", False),
        ("Britain", False),
        ("the plan would cost jobs", True),
    ],
)
def test_hybrid_drops_proposals_that_are_not_claims(proposal: str, kept: bool) -> None:
    from narrascope.backends.claims.hybrid import keep_proposal

    assert keep_proposal(proposal) is kept
    assert not keep_proposal("figures from the national statistics office", "citing")


@pytest.mark.skipif(
    not (DEFAULT_CRF / "hybrid" / "crf.json").exists(), reason="no shipped hybrid model"
)
def test_hybrid_backend_keeps_rule_claims_and_valid_offsets() -> None:
    from narrascope.stages.claims import HybridClaims

    text = (
        "Karl Berg said the bridge would reopen in May. Officials have mixed feelings about "
        "the plan, and the mayor is opposed to raising taxes."
    )
    doc = HybridClaims()(SentencexSegmenter()(Document(id="h", text=text, language="en")))
    doc.validate()
    assert "the bridge would reopen in May" in [c.text for c in doc.spans["claims"]]
    assert all(c.backend == "claims.hybrid.v1" for c in doc.spans["claims"])
    meta = json.loads((DEFAULT_CRF / "hybrid" / "meta.json").read_text("utf-8"))
    assert meta["name"] == "claims.hybrid.v1" and meta["training_data_digest"]
