"""Two-level narrative taxonomies (SemEval-2025 Task 10 shape) and their label names.

A taxonomy file is JSON of the shape ``{domain: {narrative: [subnarrative, ...]}}``, e.g.
``{"URW": {"Discrediting Ukraine": ["Ukraine is associated with nazism", ...]}}``.
Labels follow the SemEval conventions:

- a narrative label is ``"<domain>: <narrative>"``;
- a subnarrative label is ``"<domain>: <narrative>: <subnarrative>"``;
- every narrative also has the subnarrative ``"<domain>: <narrative>: Other"`` (the
  narrative is present but none of its listed subnarratives is);
- an article with no narrative at all is labelled ``"Other"`` at both levels.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError

OTHER = "Other"
SEP = ": "


@dataclass(frozen=True)
class Taxonomy:
    """Label lists and the parent relation of a two-level taxonomy."""

    tree: dict[str, dict[str, list[str]]]
    narratives: list[str] = field(init=False)
    subnarratives: list[str] = field(init=False)
    parent: dict[str, str] = field(init=False)
    domain_of: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        narratives: list[str] = []
        subs: list[str] = []
        parent: dict[str, str] = {}
        domain_of: dict[str, str] = {}
        for domain, narrs in self.tree.items():
            for narr, children in narrs.items():
                n_label = f"{domain}{SEP}{narr}"
                narratives.append(n_label)
                domain_of[n_label] = domain
                names = [c for c in children if c != OTHER] + [OTHER]
                for child in names:
                    s_label = f"{n_label}{SEP}{child}"
                    subs.append(s_label)
                    parent[s_label] = n_label
                    domain_of[s_label] = domain
        object.__setattr__(self, "narratives", narratives)
        object.__setattr__(self, "subnarratives", subs)
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "domain_of", domain_of)

    @property
    def domains(self) -> list[str]:
        return list(self.tree)

    def children(self, narrative: str) -> list[str]:
        return [s for s in self.subnarratives if self.parent[s] == narrative]

    def other_child(self, narrative: str) -> str:
        return f"{narrative}{SEP}{OTHER}"

    def to_json(self) -> dict[str, dict[str, list[str]]]:
        return self.tree

    @classmethod
    def from_json(cls, obj: Any, *, source: str = "<taxonomy>") -> Taxonomy:
        if not isinstance(obj, Mapping) or not obj:
            raise ConfigError(
                f"[E020] taxonomy {source} must be a JSON object "
                '{"DOMAIN": {"narrative": ["subnarrative", ...]}}, got '
                f"{type(obj).__name__}"
            )
        tree: dict[str, dict[str, list[str]]] = {}
        for domain, narrs in obj.items():
            if not isinstance(narrs, Mapping):
                raise ConfigError(
                    f"[E020] taxonomy {source}: domain {domain!r} must map narrative names "
                    f"to lists of subnarratives, got {type(narrs).__name__}"
                )
            tree[str(domain)] = {}
            for narr, children in narrs.items():
                if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
                    raise ConfigError(
                        f"[E020] taxonomy {source}: {domain}: {narr} must have a list of "
                        "subnarrative names"
                    )
                tree[str(domain)][str(narr)] = [str(c) for c in children]
        return cls(tree)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Taxonomy:
        try:
            with open(path, encoding="utf-8-sig") as f:
                obj = json.load(f)
        except FileNotFoundError as e:
            raise ConfigError(f"[E021] taxonomy file {str(path)!r} does not exist") from e
        except json.JSONDecodeError as e:
            raise ConfigError(f"[E022] taxonomy file {str(path)!r} is not valid JSON: {e}") from e
        return cls.from_json(obj, source=str(path))

    def normalise_labels(
        self, narratives: list[str], subnarratives: list[str]
    ) -> tuple[list[str], list[str]]:
        """Make a gold or predicted pair of label lists hierarchy-consistent.

        Subnarratives imply their narrative; a narrative without any subnarrative gets
        ``"<narrative>: Other"``; no narrative at all gives ``["Other"], ["Other"]``.
        Labels unknown to the taxonomy are kept at their level (they count in scoring).
        """
        narrs = [n for n in dict.fromkeys(narratives) if n != OTHER]
        subs = [s for s in dict.fromkeys(subnarratives) if s != OTHER]
        for s in subs:
            p = self.parent.get(s)
            if p is not None and p not in narrs:
                narrs.append(p)
        for n in narrs:
            if n in self.domain_of and not any(self.parent.get(s) == n for s in subs):
                subs.append(self.other_child(n))
        if not narrs:
            return [OTHER], [OTHER]
        return narrs, subs
