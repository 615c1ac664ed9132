"""Narratives and subnarratives (SemEval-2025 Task 10 taxonomy) with verbatim evidence.

Backend ``narratives.linear.v1``: the shipped linear model over hashed word and
character n-grams (see :mod:`narrascope.backends.narratives_linear`), trained on the
five SemEval languages (BG, EN, HI, PT, RU). It writes

- ``cats["narratives"]``: domain, ``supported_language``, the predicted narratives and
  subnarratives with calibrated scores and their evidence sentences (the sentences that
  carry most of each label's linear score), backend and model version; an article with
  no narrative gets ``[{"label": "Other", ...}]`` at both levels, as in SemEval;
- ``data["explanation"]``: an extractive explanation of the dominant narrative, verbatim
  sentences chosen by their contribution to its score, at most ``explanation_words``
  (<= 80) words.

Languages the model was not trained on are still classified (character n-grams carry
over between related languages, but quality is unknown) and the record says
``supported_language: false``; set ``unsupported = "abstain"`` to predict nothing for them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..backends.narratives_linear import (
    Featurized,
    LinearNarrativeModel,
    Prediction,
    default_model_dir,
)
from ..document import Document
from ..errors import ConfigError
from ..registry import stages
from ..taxonomy.narratives import OTHER, SEP
from .base import Stage

MAX_EXPLANATION_WORDS = 80
_LINE = re.compile(r"[^\r\n]+")


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> LinearNarrativeModel:
    """Load a model directory once per process (``None``: the shipped model)."""
    return LinearNarrativeModel.load(Path(path) if path else default_model_dir())


def segments_of(doc: Document) -> list[tuple[int, int]]:
    """Sentence offsets; paragraphs (non-blank lines) when no sentences were assigned."""
    sents = doc.spans.get("sentences")
    if sents:
        return [(s.start, s.end) for s in sents]
    out = []
    for m in _LINE.finditer(doc.text):
        s, e = doc.char_span(m.start(), m.end())
        if e > s:
            out.append((s, e))
    return out


def _words(text: str) -> int:
    return len(text.split())


def choose_explanation(
    contrib: np.ndarray,
    segs: list[tuple[int, int]],
    text: str,
    *,
    max_words: int = MAX_EXPLANATION_WORDS,
    max_sentences: int = 3,
) -> list[tuple[int, int]]:
    """Highest-contribution sentences within the word budget, in document order."""
    chosen: list[int] = []
    words = 0
    for i in np.argsort(-contrib, kind="stable"):
        if contrib[i] <= 0 or len(chosen) >= max_sentences:
            break
        n = _words(text[segs[i][0] : segs[i][1]])
        if words + n > max_words:
            continue
        chosen.append(int(i))
        words += n
    if not chosen and segs:  # every sentence too long: cut the best one at a word boundary
        i = int(np.argmax(contrib))
        s, e = segs[i]
        toks = list(re.finditer(r"\S+", text[s:e]))[:max_words]
        if toks:
            return [(s, s + toks[-1].end())]
    return [segs[i] for i in sorted(chosen)]


@stages.register(
    "narratives.linear.v1",
    stage="narratives",
    requires=("sentences",),
    assigns=("narratives", "explanation"),
)
class LinearNarratives(Stage):
    """SemEval-2025 narratives/subnarratives from a linear hashed n-gram model (numpy)."""

    name = "narratives.linear.v1"

    def __init__(
        self,
        *,
        model: str | None = None,
        unsupported: str = "predict",
        max_evidence: int = 3,
        explanation_words: int = MAX_EXPLANATION_WORDS,
        explanation_sentences: int = 3,
    ) -> None:
        if unsupported not in ("predict", "abstain"):
            raise ConfigError(
                f"[E012] [stages.narratives] unsupported must be 'predict' or 'abstain', "
                f"got {unsupported!r}"
            )
        if not 1 <= explanation_words <= MAX_EXPLANATION_WORDS:
            raise ConfigError(
                f"[E012] [stages.narratives] explanation_words must be 1..80, got "
                f"{explanation_words}"
            )
        self.model_path = str(model) if model else None
        self._model: LinearNarrativeModel | None = None
        self.unsupported = unsupported
        self.max_evidence = max_evidence
        self.explanation_words = explanation_words
        self.explanation_sentences = explanation_sentences

    @classmethod
    def from_model(cls, model: LinearNarrativeModel, **options: Any) -> LinearNarratives:
        """A stage around an in-memory model (cross-validation, tests)."""
        stage = cls(**options)
        stage._model = model
        return stage

    @property
    def model(self) -> LinearNarrativeModel:
        if self._model is None:
            self._model = load_model(self.model_path)
        return self._model

    def annotate(self, doc: Document, pred: Prediction, fz: Featurized) -> Document:
        """Write a prediction already made for ``doc`` (evidence and explanation)."""
        record: dict[str, Any] = {
            "domain": None,
            "supported_language": (doc.language or "").lower() in self.model.languages,
            "narratives": [],
            "subnarratives": [],
            "backend": self.name,
            "model_version": self.model_version,
        }
        self._write(doc, record, pred, fz, segments_of(doc))
        return doc

    def info(self) -> dict[str, Any]:
        m = self.model
        return {
            "backend": self.name,
            "model_version": self.model_version,
            "training_data": m.meta.get("training_data_digest"),
            "languages": m.languages,
        }

    @property
    def model_version(self) -> str:
        m = self.model
        return str(m.meta.get("model_version") or m.meta.get("narrascope_version", "unknown"))

    def _evidence(
        self, doc: Document, contrib: np.ndarray, segs: list[tuple[int, int]]
    ) -> list[dict[str, Any]]:
        order = [int(i) for i in np.argsort(-contrib, kind="stable") if contrib[i] > 0]
        return [doc.ref(*segs[i]) for i in order[: self.max_evidence]]

    def __call__(self, doc: Document) -> Document:
        model = self.model
        supported = (doc.language or "").lower() in model.languages
        record: dict[str, Any] = {
            "domain": None,
            "supported_language": supported,
            "narratives": [],
            "subnarratives": [],
            "backend": self.name,
            "model_version": self.model_version,
        }
        if not supported and self.unsupported == "abstain":
            record["abstained"] = True
            doc.cats["narratives"] = record
            doc.data["explanation"] = None
            return doc
        pred, fz = model.predict(doc.text, doc.language)
        segs = segments_of(doc)
        self._write(doc, record, pred, fz, segs)
        return doc

    def _write(
        self,
        doc: Document,
        record: dict[str, Any],
        pred: Prediction,
        fz: Featurized,
        segs: list[tuple[int, int]],
    ) -> None:
        model = self.model
        if pred.narrative_labels == [OTHER]:
            p = round(pred.narratives[0][1], 4)
            record["narratives"] = [{"label": OTHER, "score": p, "evidence": []}]
            record["subnarratives"] = [{"label": OTHER, "parent": None, "score": p, "evidence": []}]
            doc.cats["narratives"] = record
            doc.data["explanation"] = {
                "narrative": OTHER, "subnarrative": None, "sentences": [], "words": 0,
                "backend": self.name,
            }  # fmt: skip
            return
        record["domain"] = pred.domain
        all_labels = [lab for lab, _ in (*pred.narratives, *pred.subnarratives)]
        table = model.segment_contributions(fz, all_labels, segs)
        contribs = {lab: table[:, k] for k, lab in enumerate(all_labels)}
        for label, score in pred.narratives:
            ev = self._evidence(doc, contribs[label], segs)
            record["narratives"].append({"label": label, "score": round(score, 4), "evidence": ev})
        for label, score in pred.subnarratives:
            ev = self._evidence(doc, contribs[label], segs)
            record["subnarratives"].append(
                {
                    "label": label,
                    "parent": model.taxonomy.parent.get(label),
                    "score": round(score, 4),
                    "evidence": ev,
                }
            )
        doc.cats["narratives"] = record
        # explanation: the dominant (highest-probability) narrative and its best child
        dom_n = pred.narratives[0][0]
        kids = [s for s, _ in pred.subnarratives if model.taxonomy.parent.get(s) == dom_n]
        dom_s = kids[0] if kids else None
        weight = contribs[dom_n].copy()
        if dom_s is not None and not dom_s.endswith(SEP + OTHER):
            weight = weight + contribs[dom_s]
        else:
            dom_s = None
        doc.data["explanation"] = self.explanation(doc, weight, segs, dom_n, dom_s)

    def explanation(
        self,
        doc: Document,
        weight: np.ndarray,
        segs: list[tuple[int, int]],
        narrative: str,
        subnarrative: str | None,
    ) -> dict[str, Any]:
        """The extractive explanation record: the sentences that carry ``weight`` most."""
        picked = choose_explanation(
            weight, segs, doc.text, max_words=self.explanation_words,
            max_sentences=self.explanation_sentences,
        )  # fmt: skip
        refs = [doc.ref(s, e) for s, e in picked]
        return {
            "narrative": narrative,
            "subnarrative": subnarrative,
            "sentences": refs,
            "words": sum(_words(r["text"]) for r in refs),
            "backend": self.name,
        }
