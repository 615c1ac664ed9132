"""Claims backends: who said what, to whom it is attributed, what it accuses, how the
text treats it. ``extract_claims(doc)`` runs the rules and the annotators and returns
:class:`Claim` objects with character offsets; the stage turns them into spans."""

from __future__ import annotations

from ...document import Document
from .annotate import annotate
from .context import DocContext, build_context
from .rules import Claim, RuleExtractor

__all__ = [
    "Claim",
    "DocContext",
    "build_context",
    "claims_to_spans",
    "extract_claims",
    "extract_claims_crf",
    "extract_claims_hybrid",
]


def extract_claims(doc: Document) -> tuple[DocContext, list[Claim]]:
    ctx = build_context(doc)
    claims = RuleExtractor(ctx).run()
    annotate(ctx, claims)
    return ctx, claims


def claims_to_spans(doc: Document, claims: list[Claim], backend: str) -> list:  # type: ignore[type-arg]
    out = []
    for c in claims:
        attrs = {
            "source": doc.ref(*c.source) if c.source else None,
            "speaker": c.speaker,
            "cue": doc.ref(*c.cue),
            "accusation": c.accusation,
            "evidence": c.evidence,
        }
        out.append(
            doc.span(
                c.content[0],
                c.content[1],
                c.kind,
                score=round(c.score, 3),
                backend=backend,
                attrs=attrs,
            )
        )
    return out


def extract_claims_crf(doc: Document, model_dir: str) -> tuple[DocContext, list[Claim]]:
    """Rules first; the CRF adds attributions the rules missed (claims.crf.v1)."""
    from .hybrid import crf_claims

    ctx = build_context(doc)
    claims = RuleExtractor(ctx).run()
    claims = crf_claims(ctx, claims, model_dir)
    annotate(ctx, claims)
    return ctx, claims


def extract_claims_hybrid(
    doc: Document, model_dir: str, *, prefer_crf: bool = False
) -> tuple[DocContext, list[Claim]]:
    """Rules first; a CRF that reads the rules' claims as features adds the attributions
    they missed, minus proposals that are not claims in our sense (claims.hybrid.v1)."""
    from .crf import rule_marks
    from .hybrid import crf_claims

    ctx = build_context(doc)
    claims = RuleExtractor(ctx).run()
    claims = crf_claims(
        ctx, claims, model_dir, rule_marks(ctx, claims), filters=True, prefer_crf=prefer_crf
    )
    annotate(ctx, claims)
    return ctx, claims
