"""Paragraphs (non-blank lines) and sentences (sentencex) as spans.

A paragraph is a non-blank line with its surrounding whitespace trimmed: news text
puts one paragraph per line, and SemEval corpora do too. Sentences are found with
sentencex inside each paragraph, so no sentence crosses a paragraph break. A date or
metadata stamp that starts a paragraph ("date 2024-03-25 Terrorists from ...") is split
off as a sentence of its own, so that no stage quotes it as part of the first sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..document import Document
from ..io.metadata import prose_start
from ..registry import stages
from .base import Stage

_LINE = re.compile(r"[^\r\n]+")
_SEP = "|:·•-–—"  # separators between a leading date stamp and the prose
# sentencex keeps "... there.” Not even ..." together: split after a closing quote that
# follows sentence punctuation when an upper-case letter (or an opening quote) comes next.
_AFTER_QUOTE = re.compile(r"[.!?][”\"»’]\s+(?=[“\"«„]?[^\W\d_a-zа-яё])")


def paragraph_offsets(text: str) -> Iterator[tuple[int, int]]:
    for m in _LINE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def sentence_offsets(text: str, start: int, end: int, language: str) -> Iterator[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as offsets into ``text``, whitespace trimmed."""
    from sentencex import segment

    cursor = start
    prose = prose_start(text, start, end)
    if prose > start:
        stamp_end = prose
        while stamp_end > start and (text[stamp_end - 1].isspace() or text[stamp_end - 1] in _SEP):
            stamp_end -= 1
        if stamp_end > start:
            yield start, stamp_end
        start = cursor = prose
    chunk = text[start:end]
    for sent in segment(language, chunk):
        piece = sent.strip()
        if not piece:
            continue
        pos = text.find(piece, cursor, end)
        if pos < 0:  # sentencex changed the text: fall back to the rest of the paragraph
            pos = cursor
            piece = text[cursor:end].strip()
            if not piece:
                break
            pos = text.find(piece, cursor, end)
        sub_start = pos
        for m in _AFTER_QUOTE.finditer(text, pos, pos + len(piece)):
            if text[m.end()].isupper() or text[m.end()] in '“"«„':
                yield sub_start, m.start() + 2
                sub_start = m.end()
        yield sub_start, pos + len(piece)
        cursor = pos + len(piece)
        if cursor >= end:
            break


@stages.register(
    "segment.sentencex.v1",
    stage="segment",
    requires=("language",),
    assigns=("paragraphs", "sentences"),
)
class SentencexSegmenter(Stage):
    """Paragraphs from line breaks, sentences from sentencex (about 300 languages)."""

    name = "segment.sentencex.v1"

    def __init__(self, *, fallback_language: str = "en") -> None:
        self.fallback_language = fallback_language

    def __call__(self, doc: Document) -> Document:
        lang = doc.language or self.fallback_language
        paragraphs = []
        sentences = []
        for p_start, p_end in paragraph_offsets(doc.text):
            paragraphs.append(doc.span(p_start, p_end, backend=self.name))
            for s_start, s_end in sentence_offsets(doc.text, p_start, p_end, lang):
                sentences.append(doc.span(s_start, s_end, backend=self.name))
        doc.spans["paragraphs"] = paragraphs
        doc.spans["sentences"] = sentences
        return doc

    def info(self) -> dict[str, Any]:
        from importlib.metadata import version

        return {"backend": self.name, "sentencex": version("sentencex")}
