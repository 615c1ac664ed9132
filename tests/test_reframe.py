"""reframe.claims.v1: actors accused only in claims the author disputes become Scapegoats."""

from __future__ import annotations

from typing import Any

import pytest

from narrascope.document import Document
from narrascope.errors import ConfigError
from narrascope.pipeline import load_config, plan_pipeline
from narrascope.stages.reframe import ClaimsReframe
from narrascope.stages.segment import SentencexSegmenter

TEXT = (
    "Minister Ivo Brand said Nordland is behind the blast. Evidence? None at all.\n"
    "Brand also claimed that Nordland paid the bombers.\n"
    "Nordland has a long coast."
)


def _doc(statuses: tuple[str, str], mention_roles: tuple[str | None, ...]) -> Document:
    doc = Document(id="t", text=TEXT)
    doc.language = "en"
    SentencexSegmenter()(doc)
    mentions = []
    for k, (start, role) in enumerate(
        zip([i for i in _find_all(TEXT, "Nordland")], mention_roles, strict=True)
    ):
        mentions.append(
            doc.span(start, start + 8, "GPE", attrs={"entity": "E1", "main_role": role, "k": k})
        )
    brand = TEXT.index("Ivo Brand")
    mentions.append(doc.span(brand, brand + 9, "PER", attrs={"entity": "E2", "main_role": None}))
    doc.spans["entities"] = mentions
    doc.data["entities"] = [
        {
            "id": "E1", "name": "Nordland", "type": "GPE", "mentions": [0, 1, 2],
            "main_role": "Antagonist", "main_role_score": 0.7,
            "fine_roles": [{"label": "Instigator", "score": 0.4}], "evidence": [],
        },
        {
            "id": "E2", "name": "Ivo Brand", "type": "PER", "mentions": [3],
            "main_role": "Antagonist", "main_role_score": 0.6, "fine_roles": [], "evidence": [],
        },
    ]  # fmt: skip
    c1 = TEXT.index("Nordland is behind the blast")
    c2 = TEXT.index("Nordland paid the bombers")
    doc.spans["claims"] = [
        _claim(doc, c1, c1 + len("Nordland is behind the blast"), statuses[0]),
        _claim(doc, c2, c2 + len("Nordland paid the bombers"), statuses[1]),
    ]
    return doc


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _claim(doc: Document, start: int, end: int, evidence: str) -> Any:
    accusation = {"accuser": "Ivo Brand", "accused": ["Nordland"], "about": "the blast"}
    return doc.span(
        start, end, "indirect", score=0.8,
        attrs={"speaker": "Ivo Brand", "accusation": accusation, "evidence": evidence},
    )  # fmt: skip


def _entity(doc: Document, name: str) -> dict[str, Any]:
    return next(e for e in doc.data["entities"] if e["name"] == name)


def test_accused_only_in_disputed_claims_becomes_scapegoat() -> None:
    doc = ClaimsReframe()(_doc(("disputed_by_author", "disputed_by_author"), ("Antagonist",) * 3))
    ent = _entity(doc, "Nordland")
    assert ent["main_role"] == "Innocent"
    assert [f["label"] for f in ent["fine_roles"]] == ["Scapegoat"]
    assert ent["reframed"]["from_role"] == "Antagonist"
    assert ent["reframed"]["from_fine_roles"] == [{"label": "Instigator", "score": 0.4}]
    # evidence: the sentences of the disputed claims, verbatim
    assert [e["text"] for e in ent["evidence"]] == [
        "Minister Ivo Brand said Nordland is behind the blast.",
        "Brand also claimed that Nordland paid the bombers.",
    ]
    for e in ent["evidence"]:
        assert doc.text[e["start"] : e["end"]] == e["text"]
    doc.validate()
    # the accuser is not accused: untouched
    assert _entity(doc, "Ivo Brand")["main_role"] == "Antagonist"
    assert "reframed" not in _entity(doc, "Ivo Brand")


@pytest.mark.parametrize("other", ["none_stated", "evidence_cited", "claimed_without_evidence"])
def test_one_accusation_not_disputed_keeps_the_role(other: str) -> None:
    doc = ClaimsReframe()(_doc(("disputed_by_author", other), ("Antagonist",) * 3))
    assert _entity(doc, "Nordland")["main_role"] == "Antagonist"
    assert "reframed" not in _entity(doc, "Nordland")


def test_not_applicable_accusations_are_ignored() -> None:
    doc = ClaimsReframe()(_doc(("disputed_by_author", "not_applicable"), ("Antagonist",) * 3))
    assert _entity(doc, "Nordland")["main_role"] == "Innocent"


def _one_claim_doc() -> Document:
    # 3 Antagonist mentions; only the first sentence holds a claim: share 1/3
    doc = _doc(("disputed_by_author", "disputed_by_author"), ("Antagonist",) * 3)
    doc.spans["claims"] = doc.spans["claims"][:1]
    return doc


def test_antagonist_mostly_in_the_authors_voice_keeps_the_role() -> None:
    doc = ClaimsReframe()(_one_claim_doc())
    assert _entity(doc, "Nordland")["main_role"] == "Antagonist"
    assert "reframed" not in _entity(doc, "Nordland")
    doc = ClaimsReframe(min_share=0.3)(_one_claim_doc())
    assert _entity(doc, "Nordland")["main_role"] == "Innocent"


def test_other_roles_are_never_recast() -> None:
    doc = _doc(("disputed_by_author", "disputed_by_author"), ("Antagonist",) * 3)
    _entity(doc, "Nordland")["main_role"] = "Protagonist"
    ClaimsReframe()(doc)
    assert _entity(doc, "Nordland")["main_role"] == "Protagonist"


def test_no_claims_or_entities_is_a_no_op() -> None:
    doc = Document(id="e", text="Nothing here.")
    assert ClaimsReframe()(doc).data == {}


def test_bad_share_is_rejected() -> None:
    with pytest.raises(ConfigError, match="min_share"):
        ClaimsReframe(min_share=1.5)


def test_default_pipeline_runs_reframe_after_framing_and_claims() -> None:
    names = list(load_config()["pipeline"]["stages"])
    assert names.index("reframe") > names.index("claims") > names.index("framing")


def test_plan_accepts_the_default_order() -> None:
    plan = plan_pipeline(load_config())
    assert any("reframe.claims.v1" in str(step) for step in plan)


def test_report_shows_the_recast() -> None:
    from narrascope.report.model import EVIDENCE_TEXT, document_view
    from narrascope.report.render import _env

    doc = ClaimsReframe()(_doc(("disputed_by_author", "disputed_by_author"), ("Antagonist",) * 3))
    rec = doc.to_json()
    view = document_view(0, rec)
    row = next(e for e in view.entities if e["name"] == "Nordland")
    assert row["role"] == "Innocent"
    assert row["reframed"] == "recast from Antagonist: accused only in claims the author disputes"
    macros = _env().get_template("_macros.html.j2").module
    html = str(macros.document(view, EVIDENCE_TEXT))  # type: ignore[attr-defined]
    assert "recast from Antagonist" in html
