"""claims round 6: inverted sources that are generic nouns, but not prepositions, object
pronouns or a participle cue's object; a parenthetical source after an adjunct; time
adverbials and years between a cue and its clause; "according to" with long sources and
in mid-sentence; a quote closing on a comma ends a mixed content before the author's
addition; the CRF reads every paragraph, finds a missing source before its cue and drops
evidentials. Invented sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import run_claims as _run
from conftest import write_toy_crf
from narrascope.backends.claims import hybrid
from narrascope.stages.claims import HybridClaims


def _one(text: str) -> dict[str, Any]:
    claims = _run(text)
    assert len(claims) == 1, claims
    return claims[0]


# -- inverted sources ------------------------------------------------------------------------
def test_inverted_generic_source() -> None:
    c = _one("The harbour will need a second pier within a decade, said several analysts.")
    assert c["text"] == "The harbour will need a second pier within a decade"
    assert c["source"]["text"] == "several analysts"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a time adverbial after the cue is no source (was: a claim "the harbour
        # spokesman, Tom Reed" said by "on Thursday"); since round 8 the quote is read
        # as said by the source with its appositive
        (
            "“The ferry will run again in spring,” the harbour spokesman, Tom Reed, said on "
            "Thursday.",
            ["The ferry will run again in spring,"],
        ),
        # "adding" continues the clause before it (was: a claim "Ms. Holt said")
        (
            "“The ferry timetable is ready,” Ms. Holt said, adding of the new captain, “He "
            "knows these waters.”",
            ["The ferry timetable is ready,"],
        ),
        # "told her supporters": an object pronoun, not an inverted source (was: a claim
        # "Ms. Holt, who called ..." by "her supporters")
        (
            "Ms. Holt, who met the governor after the count, told her supporters, “We are not "
            "done yet.”",
            ["We are not done yet."],
        ),
    ],
)
def test_no_inverted_claim_on_the_source_side(text: str, expected: list[str]) -> None:
    assert [c["text"] for c in _run(text)] == expected


# -- parenthetical sources -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "After two quiet years, the water board said, prices will rise sharply after 2027.",
            "prices will rise sharply after 2027",
            "the water board",
        ),
        (
            "The ferry runs twice a week, but after the storm season, several engineers think, "
            "the pier will need repairs.",
            "the pier will need repairs",
            "several engineers",
        ),
        # a short subject before the source: the whole sentence (unchanged)
        (
            "Britain, she said, was supplying the missiles.",
            "Britain, she said, was supplying the missiles",
            "she",
        ),
        # a full clause before the source is the reported clause (unchanged)
        (
            "The port is losing money, the mayor said, and the council must act.",
            "The port is losing money",
            "the mayor",
        ),
    ],
)
def test_parenthetical_source(text: str, content: str, source: str) -> None:
    c = _one(text)
    assert (c["text"], c["source"]["text"]) == (content, source)


# -- where the reported clause starts and ends -----------------------------------------------
@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Ms. Holt said on Wednesday she will ask for a new audit.",
            "she will ask for a new audit",
        ),
        ("Ms. Holt said last week the talks had failed.", "the talks had failed"),
        ("Ms. Holt said in 2019 that the talks had failed.", "the talks had failed"),
        ("Ms. Holt said in a 2019 interview that the talks had failed.", "the talks had failed"),
        (
            "The mayor said the bridge would reopen in May, and he raised the issue again.",
            "the bridge would reopen in May",
        ),
        (
            "Ms. Holt said the cuts would leave “half the ferry crews idle,” while the council "
            "debated the budget.",
            "the cuts would leave “half the ferry crews idle,”",
        ),
        (
            "Ms. Holt said the plan was “a disaster,” according to two people at the meeting.",
            "the plan was “a disaster,”",
        ),
        # ", but" after a quote closing on a comma goes on (one noun phrase)
        (
            "Mr. Lund said the port still runs a “slow,” but “safe,” ferry to the island.",
            "the port still runs a “slow,” but “safe,” ferry to the island",
        ),
    ],
)
def test_reported_clause_bounds(text: str, content: str) -> None:
    assert content in [c["text"] for c in _run(text)]


def test_time_word_alone_is_not_skipped() -> None:
    # "said Monday" with nothing after it: no clause to read
    assert _run("Ms. Holt said on Monday.") == []


def test_quote_closing_on_a_comma_before_which_is_kept() -> None:
    # ", which" often continues the claim: not a cut point after a quote either
    c = _one("Ms. Holt later said the offer was “generous,” which surprised the crews.")
    assert c["text"] == "the offer was “generous,” which surprised the crews"


# -- according to ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "According to a count made by volunteers of the harbour club for the town council "
            "over three weekends, most residents want the ferry back.",
            "most residents want the ferry back",
            "a count made by volunteers of the harbour club for the town council over three "
            "weekends",
        ),
        (
            "The ferry is too slow, according to Mr. Lund, because the engine is old.",
            "The ferry is too slow",
            "Mr. Lund",
        ),
        ("The ferry is too slow, according to J. K. Lund.", "The ferry is too slow", "J. K. Lund"),
        (
            "According to Dr. Lena Ortiz, the head of the survey team, most residents want the "
            "ferry back.",
            "most residents want the ferry back",
            "Dr. Lena Ortiz, the head of the survey team",
        ),
        # no person before the comma: what follows is the reported clause
        (
            "According to the survey, the ferry is popular, and the mayor agrees.",
            "the ferry is popular, and the mayor agrees",
            "the survey",
        ),
        (
            "Behind the delay, according to a former harbour official, lay a quarrel over the "
            "pier.",
            "lay a quarrel over the pier",
            "a former harbour official",
        ),
    ],
)
def test_according_to(text: str, content: str, source: str) -> None:
    c = _one(text)
    assert (c["text"], c["source"]["text"]) == (content, source)


# -- the hybrid's CRF proposals --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "cue", "reasons"),
    [
        ("to be losing support in the north", "seems", ["evidential_cue", "not_a_claim"]),
        ("the mayor was losing support", "reportedly said", ["evidential_cue"]),
        ("the mayor was losing support", "said", []),
    ],
)
def test_evidential_cues(text: str, cue: str, reasons: list[str]) -> None:
    assert hybrid.proposal_reasons(text, cue, "speech") == reasons


_TAGS = {"w=blab": "B-Q", "w=glim": "B-C", "w=glam": "I-C"}


def test_crf_reads_paragraphs_without_cues_and_finds_the_source(tmp_path: Path) -> None:
    stage = HybridClaims(model=str(write_toy_crf(tmp_path, _TAGS)))
    # no lexicon cue, no quotation mark; the CRF marks no source: the actor before the
    # cue becomes the source
    claims = _run("Mayor John Griffith blab glim glam glam.", stage)
    assert [c["text"] for c in claims] == ["glim glam glam"]
    assert "John Griffith" in claims[0]["source"]["text"]
    # no actor before the cue: still dropped as the author's words
    assert _run("Blab glim glam glam.", stage) == []
