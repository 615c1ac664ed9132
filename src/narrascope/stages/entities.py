"""Stage ``entities``: mentions of people, organisations, countries and groups.

Backend ``entities.rules.v1`` (default, no model): gazetteer + capitalisation + titles,
alias merging ("Putin" / "Vladimir Putin" / "the Russian president" / "he";
"Washington" -> United States) and common-noun victim groups; see
:mod:`narrascope.backends.entities.rules`. Writes

- ``spans["entities"]``: one span per mention, ``label`` = ``PER``/``ORG``/``GPE``/``GROUP``,
  ``attrs = {"entity": "E1", "kind": ..., "main_role": None, "fine_roles": [],
  "role_score": None}`` (roles are filled by the ``framing`` stage);
- ``data["entities"]``: ``[{"id", "name", "type", "mentions": [indices into
  spans["entities"]], "main_role": None, "main_role_score": 0.0, "fine_roles": [],
  "evidence": []}]``.
"""

from __future__ import annotations

from typing import Any

from ..backends.entities.rules import Entity, find_mentions, merge
from ..document import Document
from ..registry import stages
from .base import Stage


def write_entities(doc: Document, entities: list[Entity], backend: str) -> Document:
    """Store merged entities in the contract shape (spans sorted by offset)."""
    flat = [(m, i) for i, ent in enumerate(entities) for m in ent.mentions]
    flat.sort(key=lambda t: (t[0].start, t[0].end))
    spans = []
    members: list[list[int]] = [[] for _ in entities]
    for idx, (m, ei) in enumerate(flat):
        spans.append(
            doc.span(
                m.start, m.end, entities[ei].type, backend=backend,
                attrs={"entity": f"E{ei + 1}", "kind": m.kind, "main_role": None,
                       "fine_roles": [], "role_score": None},
            )
        )  # fmt: skip
        members[ei].append(idx)
    doc.spans["entities"] = spans
    doc.data["entities"] = [
        {
            "id": f"E{i + 1}",
            "name": ent.name,
            "type": ent.type,
            "mentions": members[i],
            "main_role": None,
            "main_role_score": 0.0,
            "fine_roles": [],
            "evidence": [],
        }
        for i, ent in enumerate(entities)
    ]
    return doc


@stages.register(
    "entities.rules.v1", stage="entities", requires=("sentences",), assigns=("entities",)
)
class RuleEntities(Stage):
    """Gazetteer + capitalisation entity mentions, merged per document (EN BG PT RU HI)."""

    name = "entities.rules.v1"

    def __init__(self, *, groups: bool = True, pronouns: bool = True) -> None:
        self.groups = groups
        self.pronouns = pronouns

    def __call__(self, doc: Document) -> Document:
        sents = [(s.start, s.end) for s in doc.spans.get("sentences", ())]
        mentions = find_mentions(doc.text, doc.language, sents)
        if not self.groups:
            mentions = [m for m in mentions if m.kind != "group"]
        if not self.pronouns:
            mentions = [m for m in mentions if m.kind != "pronoun"]
        # merge() drops pronouns without antecedent and unexplained single words
        entities = merge(mentions)
        # order entities by first mention
        entities.sort(key=lambda e: e.mentions[0].start)
        return write_entities(doc, entities, self.name)

    def info(self) -> dict[str, Any]:
        return {"backend": self.name, "gazetteer": "taxonomy/entity_gazetteer.json"}
