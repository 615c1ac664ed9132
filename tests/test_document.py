from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.document import Document, Span, find_substrings, iter_span_mappings
from narrascope.errors import OffsetError
from narrascope.stages.segment import SentencexSegmenter


def test_span_text_is_the_slice():
    doc = Document(id="d", text="Putin blamed Ukraine.")
    span = doc.span(13, 20, "GPE", score=0.9, backend="test.v1")
    assert span.text == "Ukraine"
    assert doc.text[span.start : span.end] == span.text
    assert span.to_json() == {
        "start": 13, "end": 20, "text": "Ukraine", "label": "GPE", "score": 0.9,
        "backend": "test.v1",
    }  # fmt: skip


@pytest.mark.parametrize("start,end", [(-1, 3), (3, 2), (0, 999)])
def test_span_out_of_range_raises(start, end):
    doc = Document(id="d", text="short")
    with pytest.raises(OffsetError, match="outside the text"):
        doc.span(start, end)


def test_json_round_trip_keeps_everything():
    doc = Document(id="d", text="A said B.", title="T", published="2024-01-02", language="en")
    doc.add("claims", doc.span(7, 8, "indirect", attrs={"cue": doc.ref(2, 6), "speaker": "A"}))
    doc.cats["narratives"] = {"narratives": [{"label": "Other", "score": 1.0}]}
    doc.data["entities"] = [{"id": "E1", "name": "A", "evidence": [doc.ref(0, 1)]}]
    back = Document.from_json(doc.to_json())
    assert back == doc
    back.validate()


def test_validate_finds_nested_mismatch():
    doc = Document(id="d", text="A said B.")
    doc.add("claims", Span(7, 8, "B", attrs={"cue": {"start": 2, "end": 6, "text": "SAID"}}))
    with pytest.raises(OffsetError, match=r"attrs\.cue"):
        doc.validate()
    doc.data["x"] = {"start": 0, "end": 1, "text": "Z"}
    doc.spans["claims"][0].attrs["cue"]["text"] = "said"
    with pytest.raises(OffsetError, match=r"\$\.data\.x"):
        doc.validate()


def test_iter_span_mappings_walks_lists_and_dicts():
    obj = {
        "a": [{"start": 0, "end": 1, "text": "x"}],
        "b": {"c": {"start": 1, "end": 2, "text": "y"}},
    }
    paths = [p for p, _ in iter_span_mappings(obj)]
    assert paths == ["$.a[0]", "$.b.c"]


def test_find_substrings_matches_across_whitespace():
    text = "He said:  “we will\nrespond” today, we will respond."
    assert find_substrings(text, "we will respond") == [(11, 26), (35, 50)]
    assert text[35:50] == "we will respond"
    assert find_substrings(text, "we will   respond”") == [(11, 27)]
    assert find_substrings(text, "not in the text") == []
    assert find_substrings(text, "WE WILL", case_sensitive=False, single_match=True) == [(11, 18)]


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("abc XYZ.,!?\n\r\t«»“”—éжक")), min_size=0, max_size=300),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=8),
)
def test_offset_invariant_holds_for_random_spans(text, pairs):
    doc = Document(id="h", text=text)
    for a, b in pairs:
        start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
        doc.add("random", doc.span(start, end))
    doc.validate()
    assert Document.from_json(doc.to_json()) == doc


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('ab Cd.?!\n\r «»“”"—Жщ')), max_size=400),
    st.sampled_from(["en", "ru", "bg", "pt", "hi", "xx"]),
)
def test_segmenter_spans_are_valid_on_random_text(text, lang):
    doc = Document(id="h", text=text, language=lang)
    SentencexSegmenter()(doc)
    doc.validate()
    for group in ("paragraphs", "sentences"):
        for span in doc.spans[group]:
            assert span.text == span.text.strip() and span.text
            assert "\n" not in span.text and "\r" not in span.text
    starts = [s.start for s in doc.spans["sentences"]]
    assert starts == sorted(starts)
