"""Paragraph and sentence offsets from the segment stage."""

from __future__ import annotations

import pytest

from narrascope.document import Document
from narrascope.stages.segment import SentencexSegmenter, paragraph_offsets, sentence_offsets


def _sentences(text: str, language: str = "en") -> list[str]:
    out = []
    for p_start, p_end in paragraph_offsets(text):
        out.extend(text[s:e] for s, e in sentence_offsets(text, p_start, p_end, language))
    return out


def test_paragraphs_are_trimmed_lines() -> None:
    text = "  First line.  \n\n\tSecond line.\r\n"
    assert [text[s:e] for s, e in paragraph_offsets(text)] == ["First line.", "Second line."]


@pytest.mark.parametrize(
    ("text", "stamp", "first"),
    [
        (
            " date 2024-03-25 Terrorists struck. Police came.",
            "date 2024-03-25",
            "Terrorists struck.",
        ),
        (
            "Published: 12 March 2024, 14:35 | The mayor quit.",
            "Published: 12 March 2024, 14:35",
            "The mayor quit.",
        ),
        ("25.03.2024 Министр ушёл в отставку.", "25.03.2024", "Министр ушёл в отставку."),
    ],
)
def test_leading_date_stamp_is_its_own_sentence(text: str, stamp: str, first: str) -> None:
    sents = _sentences(text, "ru" if "Министр" in text else "en")
    assert sents[0] == stamp
    assert sents[1] == first


def test_prose_starting_with_a_year_is_not_split() -> None:
    text = "In 2024 the council met twice. It voted once."
    assert _sentences(text) == ["In 2024 the council met twice.", "It voted once."]


def test_a_stamp_alone_stays_one_sentence() -> None:
    assert _sentences("date 2024-03-25\nThe text.") == ["date 2024-03-25", "The text."]


def test_stage_spans_match_text() -> None:
    text = "date 2024-03-25 Putin spoke. “We will win.” He left.\nNext line here."
    doc = Document(id="d", text=text)
    doc.language = "en"
    SentencexSegmenter()(doc)
    sents = doc.spans["sentences"]
    assert [s.text for s in sents] == [
        "date 2024-03-25",
        "Putin spoke.",
        "“We will win.”",
        "He left.",
        "Next line here.",
    ]
    for s in sents:
        assert doc.text[s.start : s.end] == s.text
