"""Lookups that keep long documents linear give the same answers as a full scan."""

from __future__ import annotations

import random

from narrascope.backends.claims.hybrid import _overlaps, _SpanIndex
from narrascope.document import Document


def _doc_with_sentences(bounds: list[tuple[int, int]]) -> Document:
    doc = Document(id="d", text="x" * 200)
    doc.spans["sentences"] = [doc.span(s, e) for s, e in bounds]
    return doc


def _scan(doc: Document, offset: int) -> tuple[int, int] | None:
    for s in doc.spans["sentences"]:
        if s.start <= offset < s.end:
            return s.start, s.end
    return None


def _at(doc: Document, offset: int) -> tuple[int, int] | None:
    s = doc.sentence_at(offset)
    return None if s is None else (s.start, s.end)


def test_sentence_at_matches_a_scan_with_gaps() -> None:
    doc = _doc_with_sentences([(0, 10), (12, 30), (30, 31), (40, 120), (150, 200)])
    for offset in range(-1, 202):
        assert _at(doc, offset) == _scan(doc, offset), offset


def test_sentence_at_unordered_sentences_fall_back_to_a_scan() -> None:
    doc = _doc_with_sentences([(40, 120), (0, 10), (5, 50)])
    for offset in range(0, 200):
        assert _at(doc, offset) == _scan(doc, offset), offset


def test_sentence_at_sees_new_sentences() -> None:
    doc = _doc_with_sentences([(0, 10)])
    assert _at(doc, 50) is None
    doc.spans["sentences"] = [doc.span(0, 10), doc.span(40, 60)]
    assert _at(doc, 50) == (40, 60)
    doc.spans["sentences"].append(doc.span(60, 90))
    assert _at(doc, 70) == (60, 90)


def test_span_index_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 12)):
            s = rng.randint(0, 100)
            spans.append((s, s + rng.randint(1, 40)))
        index = _SpanIndex(spans[:6])
        kept = list(spans[:6])
        for span in spans[6:]:
            assert index.overlaps(span) == any(_overlaps(span, k) for k in kept)
            index.add(span)
            kept.append(span)
        probe = (rng.randint(0, 120), 0)
        probe = (probe[0], probe[0] + rng.randint(1, 30))
        assert index.overlaps(probe) == any(_overlaps(probe, k) for k in kept)


def test_disjoint_overlap_check_matches_brute_force() -> None:
    import bisect

    from narrascope.backends.entities.rules import _overlaps, _overlaps_disjoint

    rng = random.Random(3)
    for _ in range(300):
        taken: list[tuple[int, int]] = []
        for _ in range(rng.randint(0, 15)):
            s = rng.randint(0, 150)
            e = s + rng.randint(1, 20)
            if not _overlaps(taken, s, e):
                bisect.insort(taken, (s, e))
        s = rng.randint(0, 170)
        e = s + rng.randint(1, 25)
        assert _overlaps_disjoint(taken, s, e) == _overlaps(taken, s, e)


def test_nearest_with_an_index_matches_the_full_scan() -> None:
    from narrascope.backends.claims.hybrid import _bounds, _nearest

    rng = random.Random(11)
    for _ in range(300):
        spans, pos = [], 0
        for _ in range(rng.randint(0, 12)):  # sorted, non-overlapping (BIO spans)
            s = pos + rng.randint(0, 30)
            e = s + rng.randint(1, 8)
            spans.append((s, e))
            pos = e
        a = rng.randint(0, 200)
        b = a + rng.randint(1, 30)
        assert _nearest(spans, a, b, index=_bounds(spans)) == _nearest(spans, a, b)
