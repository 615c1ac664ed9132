"""claims round 9: "citing X" / "pointing to X" attribute X to the clause's subject,
"notes" is a speech verb, "in a new poll," / "in X's view," are prepositional sources.
Invented sentences."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import run_claims as _run


def _by_cue(text: str, cue: str) -> list[dict[str, Any]]:
    return [c for c in _run(text) if c["cue"] and c["cue"]["text"].lower() == cue]


def test_citing_after_a_quote_is_the_speakers_claim() -> None:
    (c,) = _by_cue(
        "“We cannot keep the route open,” Tom Reed said, citing a fall in passengers.", "citing"
    )
    assert c["text"] == "a fall in passengers"
    assert c["speaker"] == "Tom Reed"


def test_citing_after_a_clause_takes_its_subject() -> None:
    (c,) = _by_cue(
        "The ferry company raised its fares on Monday, citing higher fuel costs and a "
        "shortage of crews.",
        "citing",
    )
    assert c["text"] == "higher fuel costs and a shortage of crews"
    assert c["source"]["text"] == "The ferry company"


def test_parenthetical_citing_ends_before_the_verb() -> None:
    (c,) = _by_cue(
        "The harbour board, citing complaints from fishermen, asked that the pier be closed.",
        "citing",
    )
    assert c["text"] == "complaints from fishermen"
    assert c["source"]["text"] == "The harbour board"


def test_sentence_initial_citing_ends_at_the_main_clause() -> None:
    (c,) = _by_cue("Citing safety concerns, the board closed the pier.", "citing")
    assert c["text"] == "safety concerns"
    assert c["source"]["text"] == "the board"


def test_cited_with_a_named_subject() -> None:
    (c,) = _by_cue(
        "Mayor Ines Pardo cited the new pier as the main reason for the rise in visitors.", "cited"
    )
    assert c["text"] == "the new pier as the main reason for the rise in visitors"
    assert c["speaker"] == "Ines Pardo"


@pytest.mark.parametrize(
    "text",
    [
        # evidence for a claim, not a claim of its own
        "Reed said the harbour was silting up, citing data from the port authority.",
        "Reed said the harbour was silting up, citing figures from the port authority.",
        # passive and adjectival uses
        "The report cited in the mayor's letter was never published.",
        "The paper was widely cited by other researchers.",
    ],
)
def test_no_citing_claim(text: str) -> None:
    assert _by_cue(text, "citing") == [] and _by_cue(text, "cited") == []


def test_pointing_to_needs_an_agent() -> None:
    assert _by_cue("All signs pointed to a late start of the season.", "pointed to") == []
    (c,) = _by_cue(
        "The board rejected the plan, pointing to the cost of the new pier.", "pointing to"
    )
    assert c["text"] == "the cost of the new pier"
    assert c["source"]["text"] == "The board"


def test_notes_is_a_speech_verb_but_not_a_noun() -> None:
    (c,) = _by_cue("Democrats, Reed notes, have never won the harbour ward.", "notes")
    assert c["speaker"] == "Reed"
    assert _run("She left the notes on the table.") == []
    assert _run("Please note the new timetable.") == []


def test_in_a_named_poll_is_a_source() -> None:
    (c,) = _by_cue("In a new harbour board poll, Reed leads Pardo by nine points.", "in")
    assert c["text"] == "Reed leads Pardo by nine points"
    assert c["source"]["text"] == "a new harbour board poll"
    (c,) = _by_cue("Reed leads Pardo by nine points in the latest Island Times survey.", "in")
    assert c["text"] == "Reed leads Pardo by nine points"


def test_in_someones_view_is_a_source_but_not_the_authors() -> None:
    (c,) = _by_cue("The new pier, in Professor Lund's view, would double the visitors.", "in")
    assert c["speaker"] == "Lund"
    assert _run("In my view, the pier is too small.") == []
    assert _run("She took part in a survey.") == []
    assert _by_cue("Reed wrote in a study that the pier was unsafe.", "in") == []
