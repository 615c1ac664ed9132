"""Paragraphs (non-blank lines) and sentences (sentencex) as spans.

A paragraph is a non-blank line with its surrounding whitespace trimmed: news text
puts one paragraph per line, and SemEval corpora do too. Sentences are found with
sentencex inside each paragraph, so no sentence crosses a paragraph break. A date or
metadata stamp that starts a paragraph ("date 2024-03-25 Terrorists from ...") is split
off as a sentence of its own, so that no stage quotes it as part of the first sentence.

Text without line breaks (a whole article, or a megabyte, on one line) would make one
huge paragraph, and stages that work per paragraph would slow down with its length. A
line longer than ``max_paragraph_chars`` (default 10,000; the longest line in the
SemEval corpora has about 7,500) is cut into paragraphs of whole sentences, each at most
that long, and marked ``{"split": true}``; a sentence longer than ``max_sentence_chars``
is cut at the last space before the limit (or at the limit when there is none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..document import Document, Span
from ..errors import ConfigError
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


def _cut(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, cut after a space."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = start + limit if cut < 0 else cut
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _group(sentences: list[tuple[int, int]], limit: int) -> Iterator[tuple[int, int]]:
    """Consecutive sentences joined into runs of at most ``limit`` characters."""
    run_start = run_end = -1
    for s, e in sentences:
        if run_start >= 0 and e - run_start > limit:
            yield run_start, run_end
            run_start = -1
        if run_start < 0:
            run_start = s
        run_end = e
    if run_start >= 0:
        yield run_start, run_end


@stages.register(
    "segment.sentencex.v1",
    stage="segment",
    requires=("language",),
    assigns=("paragraphs", "sentences"),
)
class SentencexSegmenter(Stage):
    """Paragraphs from line breaks, sentences from sentencex (about 300 languages)."""

    name = "segment.sentencex.v1"

    def __init__(
        self,
        *,
        fallback_language: str = "en",
        max_paragraph_chars: int = 10_000,
        max_sentence_chars: int = 5_000,
    ) -> None:
        if max_sentence_chars < 2 or max_paragraph_chars < max_sentence_chars:
            raise ConfigError(
                "segment: expected 2 <= max_sentence_chars <= max_paragraph_chars, got "
                f"{max_sentence_chars} and {max_paragraph_chars}"
            )
        self.fallback_language = fallback_language
        self.max_paragraph_chars = max_paragraph_chars
        self.max_sentence_chars = max_sentence_chars

    def __call__(self, doc: Document) -> Document:
        lang = doc.language or self.fallback_language
        text = doc.text
        paragraphs: list[Span] = []
        sentences: list[Span] = []
        for p_start, p_end in paragraph_offsets(text):
            bounds = [
                piece
                for s, e in sentence_offsets(text, p_start, p_end, lang)
                for piece in _cut(text, s, e, self.max_sentence_chars)
            ]
            if p_end - p_start <= self.max_paragraph_chars:
                paragraphs.append(doc.span(p_start, p_end, backend=self.name))
            else:
                for c_start, c_end in _group(bounds, self.max_paragraph_chars):
                    paragraphs.append(
                        doc.span(c_start, c_end, backend=self.name, attrs={"split": True})
                    )
            sentences.extend(doc.span(s, e, backend=self.name) for s, e in bounds)
        doc.spans["paragraphs"] = paragraphs
        doc.spans["sentences"] = sentences
        return doc

    def info(self) -> dict[str, Any]:
        from importlib.metadata import version

        return {
            "backend": self.name,
            "sentencex": version("sentencex"),
            "max_paragraph_chars": self.max_paragraph_chars,
            "max_sentence_chars": self.max_sentence_chars,
        }
