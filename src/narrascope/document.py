"""The document model: the text never changes, annotations point into it.

A :class:`Document` holds the original ``text`` exactly as decoded plus metadata.
Annotations are :class:`Span` objects with end-exclusive character offsets, kept in
named groups (``doc.spans["sentences"]``); document-level labels live in ``doc.cats``
and structured per-stage results (entities, explanations, ...) in ``doc.data``.

The invariant ``doc.text[s.start:s.end] == s.text`` holds for every span, including
spans nested in span attributes or in ``doc.data`` (any mapping with integer ``start``
and ``end`` and a string ``text``). :meth:`Document.validate` checks it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import OffsetError

SCHEMA_VERSION = "1.0"


@dataclass
class Span:
    """A labelled, end-exclusive character span into a document's text."""

    start: int
    end: int
    text: str
    label: str | None = None
    score: float | None = None
    backend: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.label is not None:
            out["label"] = self.label
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        if self.backend is not None:
            out["backend"] = self.backend
        if self.attrs:
            out["attrs"] = self.attrs
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Span:
        return cls(
            start=int(obj["start"]),
            end=int(obj["end"]),
            text=str(obj["text"]),
            label=obj.get("label"),
            score=obj.get("score"),
            backend=obj.get("backend"),
            attrs=dict(obj.get("attrs") or {}),
        )


@dataclass
class Document:
    """One article: original text, metadata and annotations."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    language_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    cats: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    # -- building spans -------------------------------------------------------------
    def span(
        self,
        start: int,
        end: int,
        label: str | None = None,
        *,
        score: float | None = None,
        backend: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> Span:
        """Make a span over ``text[start:end]``; raises OffsetError when out of range."""
        if not (0 <= start <= end <= len(self.text)):
            raise OffsetError(
                f"span ({start}, {end}) is outside the text of {self.id!r} "
                f"(length {len(self.text)})"
            )
        return Span(start, end, self.text[start:end], label, score, backend, dict(attrs or {}))

    def ref(self, start: int, end: int) -> dict[str, Any]:
        """A plain ``{start, end, text}`` mapping, for spans nested in attributes."""
        return self.span(start, end).to_json()

    def add(self, group: str, span: Span) -> Span:
        self.spans.setdefault(group, []).append(span)
        return span

    def char_span(self, start: int, end: int, *, strip: bool = True) -> tuple[int, int]:
        """Return ``(start, end)`` with surrounding whitespace trimmed when ``strip``."""
        if strip:
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
        return start, end

    def sentence_at(self, offset: int) -> Span | None:
        """The sentence span that contains ``offset``, if sentences were assigned."""
        sents = self.spans.get("sentences") or []
        cached = self.__dict__.get("_sentence_index")
        # the index belongs to this very list at this length (sentences replaced or added:
        # rebuilt)
        if cached is None or cached[0] is not sents or cached[1] != len(sents):
            # sentences are sorted and do not overlap (segment stage); else scan
            ordered = all(a.end <= b.start for a, b in itertools.pairwise(sents))
            cached = (sents, len(sents), [s.start for s in sents] if ordered else None)
            self.__dict__["_sentence_index"] = cached
        starts = cached[2]
        if starts is None:
            return next((s for s in sents if s.start <= offset < s.end), None)
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and sents[i].start <= offset < sents[i].end:
            return sents[i]
        return None

    def sentence_refs(self, spans: Iterable[tuple[int, int]], limit: int) -> list[dict[str, Any]]:
        """Evidence refs: the sentence around each ``(start, end)`` in turn (the span
        itself when no sentence holds its start), each sentence once, at most ``limit``."""
        out: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for start, end in spans:
            sent = self.sentence_at(start)
            s, e = (sent.start, sent.end) if sent is not None else (start, end)
            if (s, e) in seen:
                continue
            seen.add((s, e))
            out.append(self.ref(s, e))
            if len(out) >= limit:
                break
        return out

    # -- invariant ------------------------------------------------------------------
    def validate(self) -> None:
        """Raise OffsetError if any span anywhere in the record does not match the text."""
        for path, obj in iter_span_mappings(self.to_json(include_text=False)):
            start, end, text = obj["start"], obj["end"], obj["text"]
            if not (0 <= start <= end <= len(self.text)) or self.text[start:end] != text:
                raise OffsetError(
                    f"{self.id}: span at {path} ({start}, {end}) holds {text!r} but the "
                    f"text there is {self.text[max(0, start) : max(0, end)]!r}"
                )

    # -- JSON -------------------------------------------------------------------------
    def to_json(self, *, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "language": self.language,
            "language_score": (
                None if self.language_score is None else round(float(self.language_score), 4)
            ),
        }
        if include_text:
            out["text"] = self.text
        out["meta"] = self.meta
        out["spans"] = {g: [s.to_json() for s in ss] for g, ss in self.spans.items()}
        out["cats"] = self.cats
        out["data"] = self.data
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Document:
        return cls(
            id=str(obj["id"]),
            text=str(obj["text"]),
            title=obj.get("title"),
            source=obj.get("source"),
            url=obj.get("url"),
            published=obj.get("published"),
            language=obj.get("language"),
            language_score=obj.get("language_score"),
            meta=dict(obj.get("meta") or {}),
            spans={
                g: [Span.from_json(s) for s in ss] for g, ss in (obj.get("spans") or {}).items()
            },
            cats=dict(obj.get("cats") or {}),
            data=dict(obj.get("data") or {}),
        )


def iter_span_mappings(obj: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(json_path, mapping)`` for every nested mapping that looks like a span."""
    if isinstance(obj, dict):
        if (
            isinstance(obj.get("start"), int)
            and isinstance(obj.get("end"), int)
            and isinstance(obj.get("text"), str)
        ):
            yield path, obj
        for k, v in obj.items():
            if k != "text":
                yield from iter_span_mappings(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from iter_span_mappings(v, f"{path}[{i}]")


def validate_record(record: Mapping[str, Any]) -> None:
    """Check the offset invariant on a serialised record (as read from documents.jsonl)."""
    Document.from_json(record).validate()


_WS = re.compile(r"\s+")


def find_substrings(
    text: str, substring: str, *, case_sensitive: bool = True, single_match: bool = False
) -> list[tuple[int, int]]:
    """Find all occurrences of ``substring`` in ``text`` as end-exclusive offsets.

    Used to map quotes returned by a model back onto the text: whitespace in the
    substring matches any run of whitespace in the text. A quote that is not in the text
    yields ``[]`` and must be dropped, never stored.
    """
    substring = substring.strip()
    if not substring:
        return []
    pattern = r"\s+".join(re.escape(part) for part in _WS.split(substring))
    flags = 0 if case_sensitive else re.IGNORECASE
    out = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]
    return out[:1] if single_match else out
