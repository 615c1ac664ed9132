"""Claims (who says what, who accuses whom) as read by feature set 3 of the role model.

In a pipeline the ``claims`` stage's spans are reused when it ran before ``framing``;
otherwise the rule extractor (``claims.rules.v1``) runs here. Languages the claims
rules do not cover (Hindi) get no claims.
"""

from __future__ import annotations

from typing import Any

from ...document import Document
from .features import ClaimInfo


def _info(source: Any, content: tuple[int, int], speaker: Any, acc: Any, evid: Any) -> ClaimInfo:
    accused = tuple(str(a).lower() for a in (acc or {}).get("accused") or ())
    return ClaimInfo(
        source=(int(source[0]), int(source[1])) if source else None,
        content=content,
        speaker=str(speaker).lower() if speaker else None,
        accused=accused,
        accusation=bool(acc),
        evidence=str(evid or "none_stated"),
    )


def doc_claims(doc: Document) -> list[ClaimInfo]:
    """Claims of ``doc``: from ``doc.spans["claims"]`` when present, else extracted."""
    spans = doc.spans.get("claims")
    if spans is not None:
        out = []
        for sp in spans:
            src, a = sp.attrs.get("source"), sp.attrs
            source = (src["start"], src["end"]) if src else None
            content = (sp.start, sp.end)
            speaker, acc, evid = a.get("speaker"), a.get("accusation"), a.get("evidence")
            out.append(_info(source, content, speaker, acc, evid))
        return out
    from ..claims import extract_claims
    from ..claims.lexicon import SUPPORTED_LANGUAGES

    if (doc.language or "en") not in SUPPORTED_LANGUAGES:
        return []
    _, claims = extract_claims(doc)
    return [_info(c.source, c.content, c.speaker, c.accusation, c.evidence) for c in claims]


def text_claims(text: str, language: str, sentences: list[tuple[int, int]]) -> list[ClaimInfo]:
    """Claims of a raw text with known sentences (training and the SemEval harness)."""
    from ...stages.segment import paragraph_offsets

    doc = Document(id="_", text=text, language=language)
    doc.spans["paragraphs"] = [doc.span(s, e) for s, e in paragraph_offsets(text)]
    doc.spans["sentences"] = [doc.span(s, e) for s, e in sentences]
    return doc_claims(doc)
