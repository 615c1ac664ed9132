"""claims.hybrid.v1: the distance filters on CRF proposals (hybrid.source_too_far,
hybrid.content_too_far, hybrid.intention_cue) and the span bias, with a tiny hand-made CRF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_toy_crf
from narrascope.backends.claims import hybrid
from narrascope.backends.claims.crf import LABELS, CRFModel
from narrascope.document import Document
from narrascope.stages.claims import HybridClaims
from narrascope.stages.segment import SentencexSegmenter

# made-up words, so that the rules find nothing and only the toy CRF proposes a claim
_TAGS = {"w=zork": "B-S", "w=blab": "B-Q", "w=glim": "B-C", "w=glam": "I-C"}
_PAD = " ".join(["and then the long road went on"] * 5)  # > 120 characters of prose
# the CRF only reads paragraphs with a lexicon cue or a quotation mark: a scare quote
_TAIL = " It was a “test”."


def _toy_model(tmp_path: Path) -> Path:
    return write_toy_crf(tmp_path, _TAGS)


def _claims(text: str, model: Path) -> list[tuple[str, str | None]]:
    doc = SentencexSegmenter()(Document(id="t", text=text, language="en"))
    doc = HybridClaims(model=str(model))(doc)
    doc.validate()
    return [(c.text, (c.attrs["source"] or {}).get("text")) for c in doc.spans["claims"]]


@pytest.mark.parametrize(
    ("a", "b", "gap"),
    [((0, 5), (5, 9), 0), ((0, 5), (8, 9), 3), ((10, 20), (0, 4), 6), ((0, 9), (3, 4), 0)],
)
def test_char_gap(a: tuple[int, int], b: tuple[int, int], gap: int) -> None:
    assert hybrid.char_gap(a, b) == gap


def test_source_and_content_too_far_thresholds() -> None:
    n = hybrid.SOURCE_MAX_CHARS
    assert not hybrid.source_too_far((200, 205), (200 - n - 5, 200 - 5 + 0))
    assert hybrid.source_too_far((200, 205), (0, 200 - n - 1))
    assert not hybrid.source_too_far((200, 205), None)
    m = hybrid.CONTENT_MAX_CHARS
    assert not hybrid.content_too_far((0, 5), (5 + m, 5 + m + 10))
    assert hybrid.content_too_far((0, 5), (6 + m, 6 + m + 10))


def test_toy_crf_proposal_near_its_cue_is_kept(tmp_path: Path) -> None:
    model = _toy_model(tmp_path)
    text = "Zork blab glim glam glam glam." + _TAIL
    assert _claims(text, model) == [("glim glam glam glam", "Zork")]


def test_source_too_far_from_the_cue_drops_the_proposal(tmp_path: Path) -> None:
    model = _toy_model(tmp_path)
    # the source is > 120 characters before the cue (but within the CRF's 40-token reach)
    text = f"Zork came home, {_PAD}, blab glim glam glam glam." + _TAIL
    assert hybrid.char_gap((0, 4), (text.index("blab"), text.index("blab") + 4)) > 120
    assert _claims(text, model) == []


def test_content_too_far_from_the_cue_drops_the_proposal(tmp_path: Path) -> None:
    model = _toy_model(tmp_path)
    text = f"Zork blab, {_PAD}, glim glam glam glam." + _TAIL
    assert _claims(text, model) == []


def test_span_bias_lowers_the_threshold_for_non_o_labels(tmp_path: Path) -> None:
    obj = json.loads((_toy_model(tmp_path) / "crf.json").read_text("utf-8"))
    obj["state"].append([obj["attributes"].index("sh=x"), LABELS.index("I-C"), 0.8])
    (tmp_path / "crf.json").write_text(json.dumps(obj), "utf-8")
    model = CRFModel.load(tmp_path)
    feats = [["w=zork"], ["w=blab"], ["w=glim"], ["sh=x"], ["sh=x"]]
    assert model.tag(feats) == ["B-S", "B-Q", "B-C", "O", "O"]  # O: 1.0 > I-C: 0.8
    assert model.tag(feats, span_bias=0.5) == ["B-S", "B-Q", "B-C", "I-C", "I-C"]


def test_far_source_falls_back_to_the_subject_before_the_cue(tmp_path: Path) -> None:
    model = _toy_model(tmp_path)
    # the toy CRF's only source ("zork") is far after the cue; the named subject before the
    # cue takes its place
    text = f"Karl Berg on Monday blab glim glam glam glam, {_PAD}, zork." + _TAIL
    assert _claims(text, model) == [("glim glam glam glam", "Karl Berg")]


@pytest.mark.parametrize(
    ("cue", "kept"),
    [("attempts", False), ("wants", False), ("hoped", False), ("said", True), ("claimed", True)],
)
def test_intention_cues_are_not_claims(cue: str, kept: bool) -> None:
    assert hybrid.keep_proposal("the attack came from abroad", cue) is kept


def test_infinitive_is_a_claim_only_after_demands_and_pledges() -> None:
    assert hybrid.keep_proposal("to retaliate against the rebels", "vowed", "commissive")
    assert hybrid.keep_proposal("to leave the city at once", "urged", "directive")
    assert not hybrid.keep_proposal("to comment on the report", "declined", "speech")
    assert not hybrid.keep_proposal("to comment on the report", "declined")


def test_run_together_source_shrinks_to_the_last_speaker(tmp_path: Path) -> None:
    obj = json.loads((_toy_model(tmp_path) / "crf.json").read_text("utf-8"))
    s_idx = LABELS.index("I-S")
    for w in ("w=karl", "w=berg", "w=he"):  # the toy CRF tags "zork Karl Berg he" as one source
        obj["attributes"].append(w)
        obj["state"].append([len(obj["attributes"]) - 1, s_idx, 5.0])
    (tmp_path / "crf.json").write_text(json.dumps(obj), "utf-8")
    text = "Zork Karl Berg he blab glim glam glam glam." + _TAIL
    assert _claims(text, tmp_path) == [("glim glam glam glam", "he")]
    text = "Zork Karl Berg blab glim glam glam glam." + _TAIL  # one name: kept whole
    assert _claims(text, tmp_path) == [("glim glam glam glam", "Zork Karl Berg")]


@pytest.mark.parametrize("negation", ["did not", "never", "won't"])
def test_a_negated_cue_drops_the_proposal(tmp_path: Path, negation: str) -> None:
    model = _toy_model(tmp_path)
    assert _claims("Zork blab glim glam glam glam." + _TAIL, model) != []
    assert _claims(f"Zork {negation} blab glim glam glam glam." + _TAIL, model) == []
