"""claims round 5: embedded questions are not_applicable, a message block's own mention is
its source only as a signature, Russian genitive organisation names and trigger-less
accusations, a study is no speaker, reported clauses end where a subordinate clause or the
author's addition ends, and the hybrid filters report their reasons (ablations).
Invented sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import run_claims as _run
from conftest import write_toy_crf
from narrascope.backends.claims import hybrid
from narrascope.document import Document
from narrascope.stages.claims import HybridClaims
from narrascope.stages.segment import SentencexSegmenter


def _one(text: str, lang: str = "en") -> dict[str, Any]:
    claims = _run(text, lang=lang)
    assert len(claims) == 1, claims
    return claims[0]


# -- a question put in a noun phrase is a question -------------------------------------------
def test_embedded_question_is_not_applicable() -> None:
    c = _one(
        "The minister underlined the need to answer the question «why the convoy turned "
        "back and who was waiting for it there»."
    )
    assert c["text"].startswith("the need to answer the question")
    assert c["evidence"] == "not_applicable"


def test_question_noun_without_a_wh_word_is_a_statement() -> None:
    c = _one("The minister said the question of funding was settled last year.")
    assert c["text"] == "the question of funding was settled last year"
    assert c["evidence"] == "none_stated"


def test_embedded_question_in_russian() -> None:
    c = _one(
        "Министр Павел Сидоров заявил, что важно ответить на вопрос, почему колонна "
        "повернула назад.",
        "ru",
    )
    assert c["evidence"] == "not_applicable"


# -- message blocks: the block's own mention is the source only as a signature --------------
_INTRO = "As we write, new threats have appeared on jihadist channels:"
_BLOCK = """

Hear us, people of Canada!

Stop torturing Northern Front prisoners.

Wait for our answer. Very soon the Northern Front will strike again."""


def test_message_block_mention_inside_a_sentence_is_not_the_source() -> None:
    claims = [c for c in _run(_INTRO + _BLOCK) if c["cue"]["text"] == ":"]
    assert len(claims) == 1
    assert claims[0]["speaker"] == "Northern Front"  # the group the block names most
    assert claims[0]["source"] is None  # nobody is written as its author


def test_message_block_signature_line_is_the_source() -> None:
    text = _INTRO + _BLOCK + "\n\nThe Northern Front"
    claims = [c for c in _run(text) if c["cue"]["text"] == ":"]
    assert len(claims) == 1
    assert claims[0]["source"]["start"] > len(_INTRO + _BLOCK)
    assert claims[0]["speaker"] == "Northern Front"


# -- Russian speakers and accusations --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("По данным Росстата, в октябре цены выросли на 0,7 процента.", "Росстат"),
        ("По информации Минфина, дефицит бюджета вырос до трех процентов.", "Минфин"),
        ("По данным Госдумы, закон примут в мае.", "Госдума"),
        ("Полиция Молдовы заявила, что группу финансировали из Москвы.", "Moldova"),
        ("Исследование Арктического института показало, что лед тает быстрее.", None),
    ],
)
def test_russian_speakers_in_the_nominative(text: str, speaker: str | None) -> None:
    assert _one(text, "ru")["speaker"] == speaker


@pytest.mark.parametrize(
    ("text", "accused"),
    [
        (
            "Министр Павел Сидоров заявил, что Лондон снова пытается втянуть Европу в войну.",
            ["United Kingdom"],
        ),
        ("Министр Павел Сидоров заявил, что Москва готовит новое наступление.", ["Russia"]),
        (
            "Министр Павел Сидоров заявил, что российские войска стягивают силы под Харьковом.",
            ["Russia"],
        ),
        ("Министр Павел Сидоров заявил, что Киев распространяет фейки.", ["Ukraine"]),
    ],
)
def test_russian_accusations_without_a_blame_verb(text: str, accused: list[str]) -> None:
    c = _one(text, "ru")
    assert c["accusation"] is not None
    assert c["accusation"]["accused"] == accused


def test_russian_statement_without_an_act_accuses_nobody() -> None:
    c = _one("Министр Павел Сидоров заявил, что Москва ждет ответа.", "ru")
    assert c["accusation"] is None


# -- where a reported clause ends ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # a cue in a subordinate or relative clause: its clause ends at the comma
        ("While the party says the plan is fair, critics disagree strongly.", "the plan is fair"),
        (
            "Since June, when he asked supporters to run for office, thousands have signed up.",
            "supporters to run for office",
        ),
        (
            "After the minister said the vote was rigged, protesters gathered downtown.",
            "the vote was rigged",
        ),
        # the author's addition after the clause: a participle adjunct, an appositive
        (
            "Sanders told reporters that he would not seek a recount, conceding the race.",
            "he would not seek a recount",
        ),
        (
            "She said the bill would repeal the Hyde Amendment, a longstanding federal rule.",
            "the bill would repeal the Hyde Amendment",
        ),
        # "which is why" continues the claim; "according to" keeps its own rule
        (
            "The analyst notes that the army was exhausted, which is why it retreated.",
            "the army was exhausted, which is why it retreated",
        ),
        # "As X said <adverbial>, CLAUSE": the clause after the comma
        (
            "As David Byler said in December, the delegates will be chosen in July.",
            "the delegates will be chosen in July",
        ),
        # a main-clause cue keeps its clause whole
        (
            "The minister said the plan is fair, and the vote will take place in May.",
            "the plan is fair, and the vote will take place in May",
        ),
    ],
)
def test_reported_clause_end(text: str, content: str) -> None:
    claims = _run(text)
    assert content in [c["text"] for c in claims]


# -- hybrid filters: reasons and ablations ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "cue", "cls", "reasons"),
    [
        ("the economy is growing", "said", "speech", []),
        ("to comment on the case", "declined", "speech", ["not_a_claim"]),
        ("to leave the country now", "urged", "directive", []),
        ("no evidence", "offered", "speech", ["short", "not_a_claim"]),
        ("a report by the ministry", "citing", "speech", ["reference_cue"]),
        ("to win the election easily", "wants", "speech", ["intention_cue", "not_a_claim"]),
        ("it", "said", "speech", ["short"]),
    ],
)
def test_proposal_reasons(text: str, cue: str, cls: str, reasons: list[str]) -> None:
    assert hybrid.proposal_reasons(text, cue, cls) == reasons
    assert hybrid.keep_proposal(text, cue, cls) is (not reasons)


_TAGS = {"w=zork": "B-S", "w=blab": "B-Q", "w=addressed": "B-Q"}
_TAGS |= {"w=glim": "B-C", "w=glam": "I-C"}
_TAIL = " It was a “test”."  # a quotation mark: the CRF reads the paragraph


def test_crf_proposals_report_failed_filters(tmp_path: Path) -> None:
    from narrascope.backends.claims import build_context

    model = str(write_toy_crf(tmp_path, _TAGS))
    text = "Zork addressed glim glam glam glam." + _TAIL + "\n\nBlab glim glam glam." + _TAIL
    doc = SentencexSegmenter()(Document(id="t", text=text, language="en"))
    ctx = build_context(doc)
    props = hybrid.crf_proposals(ctx, model, filters=True)
    got = {text[c.content[0] : c.content[1]]: reasons for c, reasons in props}
    assert got == {"glim glam glam glam": ["address_cue"], "glim glam glam": ["no_source"]}
    # without filters nothing is evaluated
    assert all(r == [] for _, r in hybrid.crf_proposals(ctx, model, filters=False))


def test_disabled_filters_keep_the_proposals_they_would_drop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = HybridClaims(model=str(write_toy_crf(tmp_path, _TAGS)))
    text = "Zork addressed glim glam glam glam." + _TAIL
    assert _run(text, stage) == []
    monkeypatch.setattr(hybrid, "DISABLED_FILTERS", frozenset(["address_cue"]))
    assert [c["text"] for c in _run(text, stage)] == ["glim glam glam glam"]


# -- two apostrophes as quotation marks (''like this'') --------------------------------------
def test_normalize_quotes_keeps_offsets_and_apostrophes() -> None:
    from narrascope.backends.claims.text import normalize_quotes

    text = "He said, ''It's Clinton's plan,'' and left. ''No.'' O'Neil's ''''"
    out = normalize_quotes(text)
    assert len(out) == len(text)
    assert out.startswith("He said,  “It's Clinton's plan,”  and left.  “No.”  O'Neil's")
    assert out.endswith("''''")  # a run of four apostrophes is no quotation mark
    assert normalize_quotes("no quotes here") == "no quotes here"


def test_two_apostrophe_quotes_are_direct_claims() -> None:
    text = (
        "''Everyone wants someone to blame,'' said Mayor John Griffith. ''The rest is "
        "noise, and we will rebuild the bridge.''\n\nHe said ''the bridge will open in May'' "
        "at a news conference."
    )
    claims = _run(text)
    got = [(c["text"], c["speaker"]) for c in claims]
    assert ("Everyone wants someone to blame,", "John Griffith") in got
    # the quote after the attribution sentence continues the speaker's words
    assert ("The rest is noise, and we will rebuild the bridge.", "John Griffith") in got
    assert ("the bridge will open in May", "John Griffith") in got
    for c in claims:  # contents never hold the apostrophes of the marks
        assert "''" not in c["text"]
