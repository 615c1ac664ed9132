"""Paragraph and sentence offsets from the segment stage."""

from __future__ import annotations

import pytest

from narrascope.document import Document
from narrascope.errors import ConfigError
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


def _segment(text: str, **kwargs: int) -> Document:
    doc = Document(id="d", text=text, language="en")
    return SentencexSegmenter(**kwargs)(doc)


def test_a_huge_line_becomes_paragraphs_of_whole_sentences() -> None:
    sentence = "The minister said that prices rose again this week. "
    text = "Short first line.\n" + sentence * 200 + "\nShort last line."
    doc = _segment(text, max_paragraph_chars=1_000, max_sentence_chars=500)
    paras = doc.spans["paragraphs"]
    sentences = [(s.start, s.end) for s in doc.spans["sentences"]]
    assert paras[0].text == "Short first line." and "split" not in paras[0].attrs
    assert paras[-1].text == "Short last line." and "split" not in paras[-1].attrs
    middle = paras[1:-1]
    assert len(middle) == 11  # 200 sentences of 52 characters, 19 per 1,000
    for p in middle:
        assert p.attrs == {"split": True}
        assert len(p.text) <= 1_000 and doc.text[p.start : p.end] == p.text
        # a split paragraph starts and ends on sentence boundaries
        assert any(s == p.start for s, _ in sentences) and any(e == p.end for _, e in sentences)
    # the pieces cover the line: only the spaces between sentences are left out
    assert " ".join(p.text for p in middle) == (sentence * 200).strip()


def test_a_sentence_without_stops_is_cut_at_spaces() -> None:
    words = " ".join(f"word{i}" for i in range(3_000))  # about 25,000 characters, no stop
    doc = _segment(words, max_paragraph_chars=2_000, max_sentence_chars=1_000)
    sentences = doc.spans["sentences"]
    assert all(len(s.text) <= 1_000 for s in sentences)
    assert all(doc.text[s.start : s.end] == s.text for s in sentences)
    assert " ".join(s.text for s in sentences) == words  # cut only at spaces
    assert all(len(p.text) <= 2_000 for p in doc.spans["paragraphs"])


def test_a_run_without_spaces_is_cut_at_the_limit() -> None:
    doc = _segment("x" * 2_500, max_paragraph_chars=1_000, max_sentence_chars=1_000)
    assert [len(s.text) for s in doc.spans["sentences"]] == [1_000, 1_000, 500]
    assert [len(p.text) for p in doc.spans["paragraphs"]] == [1_000, 1_000, 500]


def test_lines_under_the_limit_are_untouched() -> None:
    text = "One. Two.\nThree."
    assert [p.text for p in _segment(text).spans["paragraphs"]] == ["One. Two.", "Three."]


def test_limits_are_checked() -> None:
    with pytest.raises(ConfigError, match="max_sentence_chars"):
        SentencexSegmenter(max_paragraph_chars=100, max_sentence_chars=200)
