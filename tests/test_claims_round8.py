"""claims round 8: a surname that looks like a pronoun ("He Yadong") and an acronym that
spells a function word ("the WHO") are speakers. Invented sentences."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import run_claims as _run


def _one(text: str) -> dict[str, Any]:
    claims = _run(text)
    assert len(claims) == 1, claims
    return claims[0]


@pytest.mark.parametrize(
    "text",
    [
        "He Yadong said the harbour fees would not change this year.",
        "Port spokesman He Yadong said the harbour fees would not change this year.",
    ],
)
def test_pronoun_like_surname_is_the_speaker(text: str) -> None:
    c = _one(text)
    assert c["text"] == "the harbour fees would not change this year"
    assert c["source"]["text"].endswith("He Yadong")
    assert c["speaker"] == "He Yadong"


def test_pronoun_still_resolves_to_the_person_named_before() -> None:
    claims = _run(
        "Mayor Ines Pardo opened the new ferry pier on Monday. He said nothing. "
        "She said the pier would carry 2,000 passengers a day."
    )
    assert [c["speaker"] for c in claims if "passengers" in c["text"]] == ["Ines Pardo"]


def test_title_case_pronoun_and_verb_is_no_name() -> None:
    # "He Promises": a title-case headline; "He" is no surname here
    claims = _run("He Promises Lower Fees\n\nThe mayor said the fees would fall.")
    assert all(c["speaker"] != "He Promises" for c in claims)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The WHO said the outbreak in the valley was under control.", "The WHO"),
        ("The WHO on Friday said the outbreak in the valley was under control.", "The WHO"),
        ("“The outbreak in the valley is under control,” the WHO said.", "the WHO"),
    ],
)
def test_acronym_spelling_a_function_word_is_the_speaker(text: str, source: str) -> None:
    c = _one(text)
    assert "outbreak in the valley" in c["text"]
    assert c["source"]["text"] == source
    assert c["speaker"] == "WHO"


def test_relative_who_is_still_no_speaker() -> None:
    c = _one("The nurse who treated the first patients said the ward was full.")
    assert c["text"] == "the ward was full"
    assert c["source"]["text"] != "who"


# -- sources with an appositive after a quote; adjuncts before a split quote --------------
@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "“The ferry will run again in spring,” Tom Reed, the harbour master, told reporters.",
            "Tom Reed, the harbour master",
        ),
        (
            "“The ferry will run again in spring,” the harbour master, Tom Reed, told "
            "reporters on Monday.",
            "the harbour master, Tom Reed",
        ),
        ("“The ferry will run again in spring,” Tom Reed, the harbour master, said.", None),
    ],
)
def test_quote_then_source_with_appositive(text: str, source: str | None) -> None:
    c = _one(text)
    assert c["text"] == "The ferry will run again in spring,"
    assert c["speaker"] == "Tom Reed"
    if source is not None:  # (the hearer is never the source: was "reporters")
        assert c["source"]["text"] == source


@pytest.mark.parametrize(
    "text",
    [
        "On the subject of fees, Reed added, “The ferry will run again in spring.”",
        "Asked whether fees would rise, Reed replied, “The ferry will run again in spring.”",
    ],
)
def test_adjunct_before_a_split_quote_is_no_content(text: str) -> None:
    c = _one(text)
    assert c["text"] == "The ferry will run again in spring."


def test_parenthetical_adjunct_clause_still_read() -> None:
    c = _one("After two quiet years, the board said, prices will rise.")
    assert c["text"] == "prices will rise"


# -- verbal cues that are nouns ---------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Trump's tweet attacked the judge on Sunday.",
        "His appeal to younger voters has faded since the spring.",
        "She has won 500 pledged delegates so far.",
        "Turnout was low in the states that vote next week.",
        "Turnout was low in states that vote next week.",
        "Clinton maintains a wide lead among older voters.",
        "Prices continued to rise in March.",
    ],
)
def test_noun_or_non_speech_use_of_a_cue_is_no_claim(text: str) -> None:
    assert _run(text) == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The report states that fees will rise next year.", "fees will rise next year"),
        ("Reed has long maintained that the ferry was safe.", "the ferry was safe"),
        ("Reed continued: “The ferry will be late again this spring.”", None),
        ("“The ferry will be late again this spring,” Reed retorted.", None),
        ("“The ferry will be late again this spring,” Reed shot back.", None),
    ],
)
def test_speech_cues(text: str, content: str | None) -> None:
    c = _one(text)
    assert c["text"].startswith(content or "The ferry will be late again this spring")
    assert c["source"]["text"] in ("Reed", "The report")


def test_quote_inside_an_inverted_clause_is_mixed() -> None:
    c = _one('The new timetable marks "the end of the ferry" for the island, said Tom Reed.')
    assert c["text"] == 'The new timetable marks "the end of the ferry" for the island'
    assert c["speaker"] == "Tom Reed"


def test_noun_reading_leaves_the_nominal_cue() -> None:
    c = _one("The engineer has debunked the claims that the new pier is unsafe.")
    assert c["text"] == "the new pier is unsafe"
    assert c["source"] is None


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Now, he says, at least seven pilots have signed on.",
            "at least seven pilots have signed on",
        ),
        ("Ultimately, experts say, the pier is safe.", "the pier is safe"),
        (
            "Britain, she said, was supplying the missiles.",
            "Britain, she said, was supplying the missiles",
        ),
    ],
)
def test_sentence_adverb_before_a_parenthetical_source(text: str, content: str) -> None:
    assert _one(text)["text"] == content


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "The party leader said the process was fair, but required candidates to make an "
            "effort.",
            "the process was fair, but required candidates to make an effort",
        ),
        (
            "The party leader said the process was fair, but critics disagree.",
            "the process was fair",
        ),
    ],
)
def test_but_without_a_subject_continues_the_clause(text: str, content: str) -> None:
    assert _one(text)["text"] == content
