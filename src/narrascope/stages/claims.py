"""The ``claims`` stage: statements attributed to speakers, with accusations and evidence.

Writes ``spans["claims"]``: one span per claim, the span being the claim CONTENT;
``label`` is the kind (``direct`` | ``indirect`` | ``mixed``) and ``attrs`` hold
``source`` ({start, end, text} or null), ``speaker`` (canonical name or null), ``cue``
({start, end, text}), ``accusation`` (null or {accuser, accused, about}) and
``evidence``. When the ``entities`` stage ran before, its canonical names are used for
speakers and accused parties; without it the stage resolves names itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..backends.claims import (
    claims_to_spans,
    extract_claims,
    extract_claims_crf,
    extract_claims_hybrid,
)
from ..backends.claims.lexicon import SUPPORTED_LANGUAGES
from ..document import Document
from ..registry import stages
from .base import Stage


@stages.register("claims.rules.v1", stage="claims", requires=("sentences",), assigns=("claims",))
class RuleClaims(Stage):
    """Cue-lexicon rules for quotes and reported speech (en, ru, uk, bg, pt)."""

    name = "claims.rules.v1"

    def __call__(self, doc: Document) -> Document:
        _, claims = extract_claims(doc)
        doc.spans["claims"] = claims_to_spans(doc, claims, self.name)
        return doc

    def info(self) -> dict[str, Any]:
        return {"backend": self.name, "languages": list(SUPPORTED_LANGUAGES)}


DEFAULT_CRF = Path(__file__).resolve().parents[1] / "models" / "claims"


@stages.register("claims.crf.v1", stage="claims", requires=("sentences",), assigns=("claims",))
class CRFClaims(Stage):
    """Rules plus a PolNeAR-trained token CRF (JSON weights, numpy Viterbi) for recall."""

    name = "claims.crf.v1"

    def __init__(self, *, model: str | None = None) -> None:
        self.model = str(model or DEFAULT_CRF)

    def __call__(self, doc: Document) -> Document:
        if (doc.language or "en") != "en":  # the CRF is trained on English news only
            _, claims = extract_claims(doc)
        else:
            _, claims = extract_claims_crf(doc, self.model)
        doc.spans["claims"] = claims_to_spans(doc, claims, self.name)
        return doc

    def info(self) -> dict[str, Any]:
        import json

        meta_path = Path(self.model) / "meta.json"
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        return {"backend": self.name, "model": meta.get("training_data_digest", "")[:12],
                "languages": list(SUPPORTED_LANGUAGES)}  # fmt: skip


DEFAULT_HYBRID = DEFAULT_CRF / "hybrid"
PREFER_CRF = False


@stages.register("claims.hybrid.v1", stage="claims", requires=("sentences",), assigns=("claims",))
class HybridClaims(CRFClaims):
    """Rules, plus a PolNeAR-trained CRF that reads the rules' claims as features and adds
    the attributions they missed (English; other languages: the rules alone)."""

    name = "claims.hybrid.v1"

    def __init__(self, *, model: str | None = None, prefer_crf: bool = PREFER_CRF) -> None:
        self.model = str(model or DEFAULT_HYBRID)
        self.prefer_crf = prefer_crf

    def __call__(self, doc: Document) -> Document:
        if (doc.language or "en") != "en":  # the CRF is trained on English news only
            _, claims = extract_claims(doc)
        else:
            _, claims = extract_claims_hybrid(doc, self.model, prefer_crf=self.prefer_crf)
        doc.spans["claims"] = claims_to_spans(doc, claims, self.name)
        return doc
