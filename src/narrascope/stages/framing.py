"""Stage ``framing``: who is cast as protagonist, antagonist or innocent.

Backend ``framing.linear.v1``: the shipped linear role model
(``models/framing``, trained by :mod:`narrascope.train.framing` on SemEval-2025 Task 10
subtask 1) scores every entity mention; mentions of one entity share evidence. For each
mention and each entity it writes the main role (Protagonist / Antagonist / Innocent),
fine roles (22, restricted to the main role) with scores, and for each entity the
sentences that support the role as verbatim evidence.

It abstains (``main_role = None``) when the model's "framed" head says nothing in the
text frames the mention/entity (threshold ``framed_threshold``, calibrated on
out-of-fold predictions and stored in the model's ``meta.json``). SemEval gold only
annotates framed mentions, so the "framed" head is trained with the gold mentions as
positives and the other mentions found by ``entities.rules.v1`` in the same articles as
negatives. Common-noun GROUP candidates ("the victims") that end up without a role are
removed from the output; they are kept only when the model casts them as Innocent with
P(framed) >= ``group_threshold`` (lower than for names: SemEval gold rarely annotates
common nouns, so the framed head under-scores them).

Mentions are decoded with the model's stacker when it has one (the article's predicted
narratives crossed with the entity's side re-decide the main role; see
``backends/framing/model.py``), else with ``fine_mix``.

A place (GPE) whose every mention names it only as a location ("in Mali and Burkina
Faso", :func:`~narrascope.backends.framing.places.locative`) abstains unless cast as
Innocent: on the training articles such places are framed for 7.6% of them, and as
Protagonist or Antagonist for 2.4%.

Cost: the model scores at most ``max_mentions`` (default 8) mentions per entity, the
first ones in the text; further mentions take the entity's role.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backends.framing.features import entity_side
from ..backends.framing.model import MAIN_ROLES, RoleModel, featurize_for, load_cached
from ..backends.framing.places import locative
from ..document import Document
from ..registry import stages
from .base import Stage


@stages.register("framing.linear.v1", stage="framing", requires=("entities",), assigns=("roles",))
class LinearFraming(Stage):
    """Linear role model (hashed context features) for entity mentions, 5 languages."""

    name = "framing.linear.v1"

    def __init__(
        self,
        *,
        model: str | None = None,
        framed_threshold: float | None = None,
        keep_unframed_groups: bool = False,
        group_threshold: float = 0.3,
        max_mentions: int | None = 8,
        evidence: int = 2,
    ) -> None:
        self.model_path = model
        self._threshold = framed_threshold
        self.keep_unframed_groups = keep_unframed_groups
        self.group_threshold = group_threshold
        self.max_mentions = max_mentions
        self.evidence = evidence

    @property
    def model(self) -> RoleModel:
        return load_cached(self.model_path)

    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return float(self._threshold)
        return float(self.model.params.get("framed_threshold", 0.5))

    def __call__(self, doc: Document) -> Document:
        spans = doc.spans.get("entities") or []
        ents = doc.data.get("entities") or []
        if not spans or not ents:
            return doc
        model = self.model
        lang = (doc.language or "en").lower()
        sents = [(s.start, s.end) for s in doc.spans.get("sentences", ())]
        # score at most max_mentions mentions per entity (the first ones): the rest
        # take the entity's role; this bounds the cost of long articles
        limit = self.max_mentions
        sel = sorted(
            i for ent in ents for i in (ent["mentions"][:limit] if limit else ent["mentions"])
        )
        X, narr = featurize_for(
            model, doc.text, lang, sents, [(spans[i].start, spans[i].end) for i in sel]
        )
        pm, pf, fr = model.predict_all(X)
        kn = model.knn_features(X)  # None unless the stacker reads nearest neighbours
        n = len(spans)
        Pm = np.zeros((n, pm.shape[1]))
        Pf = np.zeros((n, pf.shape[1]))
        framed = np.full(n, -1.0)  # -1: not scored
        Pm[sel], Pf[sel] = pm, pf
        K = np.zeros((n, len(MAIN_ROLES)))
        if kn is not None:
            K[sel] = kn
        framed[sel] = fr if fr is not None else 1.0
        thr = self.threshold
        mix = model.entity_mix
        drop: set[str] = set()
        for ent in ents:
            all_idx = list(ent["mentions"])
            idx = [i for i in all_idx if framed[i] >= 0]
            if not idx:
                continue
            w = framed[idx] + 1e-6
            em = (Pm[idx] * w[:, None]).sum(0) / w.sum()
            ef = (Pf[idx] * w[:, None]).sum(0) / w.sum()
            e_framed = float(framed[idx].max())
            e_thr = thr
            if ent.get("type") == "GROUP":
                # victim-like common-noun groups: kept only when cast as Innocent
                if int(np.argmax(em)) != MAIN_ROLES.index("Innocent"):
                    e_framed = 0.0
                e_thr = min(thr, self.group_threshold)
            side = entity_side(str(ent.get("name", "")), lang)
            # the entity's own row, then its mentions that pass, mixed with it: one
            # batch through the model's decoding (stacker or fine_mix)
            rows = [i for i in all_idx if framed[i] >= e_thr and e_framed >= e_thr]
            decoded = model.decode_rows(
                np.vstack([em, (1 - mix) * Pm[rows] + mix * em]),
                np.vstack([ef, (1 - mix) * Pf[rows] + mix * ef]), narr, side,
                knn=np.vstack([(K[idx] * w[:, None]).sum(0) / w.sum(), K[rows]]),
            )  # fmt: skip
            e_decoded = decoded[0]
            by_row = dict(zip(rows, decoded[1:], strict=True))
            if (
                ent.get("type") == "GPE"
                and e_decoded[0] != "Innocent"
                and all(locative(doc.text, spans[i].start, spans[i].end, lang) for i in all_idx)
            ):
                # a place named only as where something happens ("towns in Mali and
                # Burkina Faso") is not cast as hero or villain by that alone
                e_framed, by_row = -1.0, {}  # below any threshold
            for i in all_idx:
                sp = spans[i]
                if framed[i] < 0 and e_framed >= e_thr:  # not scored: the entity's role
                    sp.attrs.update(
                        main_role=e_decoded[0], fine_roles=[f for f, _ in e_decoded[2]],
                        role_score=round(e_decoded[1] * e_framed, 4),
                    )  # fmt: skip
                elif i in by_row:
                    role, score, fine = by_row[i]
                    sp.attrs.update(
                        main_role=role, fine_roles=[f for f, _ in fine],
                        role_score=round(score * float(framed[i]), 4),
                    )  # fmt: skip
                else:
                    sp.attrs.update(main_role=None, fine_roles=[], role_score=None)
            if e_framed >= e_thr:
                role, score, fine = e_decoded
                ent["main_role"] = role
                ent["main_role_score"] = round(score * e_framed, 4)
                ent["fine_roles"] = [{"label": f, "score": round(s, 4)} for f, s in fine]
                ent["evidence"] = self._evidence(doc, spans, idx, framed, Pm, role)
            else:
                ent["main_role"], ent["main_role_score"] = None, 0.0
                ent["fine_roles"], ent["evidence"] = [], []
                if ent.get("type") == "GROUP" and not self.keep_unframed_groups:
                    drop.add(ent["id"])
        if drop:
            _drop_entities(doc, drop)
        return doc

    def _evidence(
        self,
        doc: Document,
        spans: list[Any],
        idx: list[int],
        framed: np.ndarray,
        Pm: np.ndarray,
        role: str,
    ) -> list[dict[str, Any]]:
        r = MAIN_ROLES.index(role)
        scored = sorted(idx, key=lambda i: -float(framed[i] * Pm[i, r]))
        out = doc.sentence_refs(((spans[i].start, spans[i].end) for i in scored), self.evidence)
        return sorted(out, key=lambda x: x["start"])

    def info(self) -> dict[str, Any]:
        meta = self.model.meta
        return {
            "backend": self.name,
            "model": self.model_path or "narrascope/models/framing",
            "model_version": meta.get("created"),
            "training_data_digest": (meta.get("training_data") or {}).get("digest"),
        }


def _drop_entities(doc: Document, drop: set[str]) -> None:
    """Remove entities (and their mention spans) and renumber mention indices."""
    spans = doc.spans.get("entities") or []
    keep = [i for i, s in enumerate(spans) if s.attrs.get("entity") not in drop]
    new_index = {old: new for new, old in enumerate(keep)}
    doc.spans["entities"] = [spans[i] for i in keep]
    ents = [e for e in doc.data.get("entities", []) if e["id"] not in drop]
    for e in ents:
        e["mentions"] = [new_index[i] for i in e["mentions"] if i in new_index]
    doc.data["entities"] = ents
