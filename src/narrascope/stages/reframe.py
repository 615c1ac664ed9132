"""Stage ``reframe``: an actor blamed only in claims the author rejects is a scapegoat.

Backend ``reframe.claims.v1`` runs after ``framing`` and ``claims``. The role model reads
each mention in its sentence, so an actor accused in a quotation ("Ukraine is obviously
behind the attack") comes out Antagonist even when the author rejects the accusation
("Evidence? Obviously none."). In SemEval-2025's taxonomy such an actor is cast by the
article as Innocent / Scapegoat ("blamed for things it is not responsible for").

An entity the role model casts as Antagonist is recast as Innocent / Scapegoat when
all of these hold:

- at least one claim accuses it (its canonical name is in ``accusation.accused``);
- every claim that accuses it has evidence ``disputed_by_author`` (claims marked
  ``not_applicable``, such as questions or threats, are ignored);
- most mentions the role model casts as Antagonist (share ``min_share``, default 0.5)
  lie in sentences that hold a claim: the antagonist reading comes from what others
  say. (The model mixes each mention with its entity's role, so a few mentions in the
  author's prose, "the war in Ukraine", inherit Antagonist; a strict "all" misses them.)

The same rule applies to every actor and every side. The entity keeps the model's
decision under ``reframed`` (``from_role``, ``from_fine_roles``, ``from_score``,
``reason``, ``backend``); its evidence becomes the sentences of the disputed accusing
claims. Mention-level roles are left as the model gave them: inside a quotation the
speaker does cast the actor as antagonist.
"""

from __future__ import annotations

from typing import Any

from ..document import Document
from ..errors import ConfigError
from ..registry import stages
from .base import Stage

DISPUTED = "disputed_by_author"
IGNORED = frozenset({"not_applicable"})


@stages.register(
    "reframe.claims.v1", stage="reframe", requires=("roles", "claims"), assigns=("reframed",)
)
class ClaimsReframe(Stage):
    """Recast actors accused only in claims the author disputes as Innocent / Scapegoat."""

    name = "reframe.claims.v1"

    def __init__(self, *, max_evidence: int = 3, min_share: float = 0.5) -> None:
        if not 0.0 <= min_share <= 1.0:
            raise ConfigError(f"reframe: min_share must be in [0, 1], got {min_share}")
        self.max_evidence = max_evidence
        self.min_share = min_share

    def __call__(self, doc: Document) -> Document:
        ents = doc.data.get("entities") or []
        claims = doc.spans.get("claims") or []
        if not ents or not claims:
            return doc
        accusing: dict[str, list[Any]] = {}
        for c in claims:
            acc = c.attrs.get("accusation") or {}
            for name in acc.get("accused") or ():
                accusing.setdefault(str(name), []).append(c)
        # sentences that hold (part of) a claim: its content, cue or source
        claim_sents: set[tuple[int, int]] = set()
        for c in claims:
            starts = [c.start] + [
                (c.attrs.get(key) or {}).get("start") for key in ("cue", "source")
            ]
            for start in starts:
                if start is None:
                    continue
                sent = doc.sentence_at(int(start))
                if sent is not None:
                    claim_sents.add((sent.start, sent.end))
        mentions = doc.spans.get("entities") or []
        for ent in ents:
            if ent.get("main_role") != "Antagonist":
                continue
            against = [
                c for c in accusing.get(str(ent.get("name")), ()) if _status(c) not in IGNORED
            ]
            if not against or any(_status(c) != DISPUTED for c in against):
                continue
            if self._share_in_claims(doc, ent, mentions, claim_sents) < self.min_share:
                continue
            ent["reframed"] = {
                "from_role": ent["main_role"],
                "from_fine_roles": ent.get("fine_roles", []),
                "from_score": ent.get("main_role_score"),
                "reason": "accused only in claims the author disputes",
                "backend": self.name,
            }
            ent["main_role"] = "Innocent"
            score = max(float(c.score or 0.0) for c in against)
            ent["main_role_score"] = round(score, 4)
            ent["fine_roles"] = [{"label": "Scapegoat", "score": round(score, 4)}]
            ent["evidence"] = self._evidence(doc, against)
        return doc

    @staticmethod
    def _share_in_claims(
        doc: Document, ent: dict[str, Any], mentions: list[Any], claim_sents: set[tuple[int, int]]
    ) -> float:
        """Share of the entity's Antagonist mentions that lie in a claim's sentence."""
        total = inside = 0
        for i in ent.get("mentions", ()):
            if i >= len(mentions) or mentions[i].attrs.get("main_role") != "Antagonist":
                continue
            total += 1
            sent = doc.sentence_at(mentions[i].start)
            inside += sent is not None and (sent.start, sent.end) in claim_sents
        return inside / total if total else 1.0

    def _evidence(self, doc: Document, against: list[Any]) -> list[dict[str, Any]]:
        claims = sorted(against, key=lambda c: c.start)
        return doc.sentence_refs(((c.start, c.end) for c in claims), self.max_evidence)

    def info(self) -> dict[str, Any]:
        return {"backend": self.name}


def _status(claim: Any) -> str:
    return str(claim.attrs.get("evidence") or "none_stated")
