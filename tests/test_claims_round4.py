"""claims round 4: message blocks (source from the introducing sentence or the block's own
mention, accusation of the addressee blamed in the second person), CRF address events
(hybrid.address_cue) and orders as directives (hybrid.order_cue). Invented sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import write_toy_crf
from narrascope.backends.claims import hybrid
from narrascope.document import Document
from narrascope.stages.claims import HybridClaims, RuleClaims
from narrascope.stages.segment import SentencexSegmenter


def _run(text: str, stage: Any) -> list[dict[str, Any]]:
    doc = SentencexSegmenter()(Document(id="t", text=text, language="en"))
    doc = stage(doc)
    doc.validate()
    out = []
    for c in doc.spans["claims"]:
        assert text[c.start : c.end] == c.text
        src = c.attrs["source"]
        if src is not None:
            assert text[src["start"] : src["end"]] == src["text"]
        out.append({"text": c.text, **c.attrs})
    return out


# -- message blocks --------------------------------------------------------------------------
_BLOCK = """

Hear us, people of Canada!

You bombed our villages and you burned our fields.

Wait for our answer. Very soon the Northern Front will strike again.

The Northern Front will not forgive."""

_THREATS_ONLY = """

Wait for our answer.

Very soon the Northern Front will strike again, and the Northern Front will not forgive."""


def _message(text: str) -> dict[str, Any]:
    claims = [c for c in _run(text, RuleClaims()) if c["cue"]["text"] == ":"]
    assert len(claims) == 1
    return claims[0]


@pytest.mark.parametrize(
    "intro",
    [
        "Yesterday the Northern Front published a message with new threats:",
        "On Monday new threats by the Northern Front appeared on its channels:",
    ],
)
def test_message_block_source_is_the_group_named_by_the_introducing_sentence(
    intro: str,
) -> None:
    c = _message(intro + _BLOCK)
    assert c["source"]["text"] == "Northern Front"
    assert c["source"]["end"] <= len(intro)  # the mention in the introducing sentence
    assert c["speaker"] == "Northern Front"
    assert c["evidence"] == "not_applicable"  # threats


def test_message_block_target_after_a_preposition_is_not_the_source() -> None:
    intro = "New threats against the Red Cross have appeared on channels of the rebels:"
    c = _message(intro + _BLOCK + "\n\n— Northern Front")
    assert c["speaker"] != "Red Cross"
    # the block signs itself: its signature line is the source (round 5)
    assert c["speaker"] == "Northern Front"
    assert c["source"]["start"] > len(intro)


def test_message_block_without_a_named_group_uses_the_block_signature() -> None:
    intro = "As we write, new threats have appeared on jihadist channels:"
    c = _message(intro + _BLOCK + "\n\n— Northern Front")
    assert c["speaker"] == "Northern Front"
    assert c["source"]["text"] == "Northern Front"
    assert c["source"]["start"] > len(intro) + len(_BLOCK)  # the signature, not the block


def test_message_block_blaming_you_accuses_the_addressed_group() -> None:
    intro = "As we write, new threats have appeared on jihadist channels:"
    block = _BLOCK.replace("Hear us", "Including Mark Carney\n\nHear us")
    c = _message(intro + block)
    # "You bombed our villages": an act blamed on the addressee; the group, not the person
    # named in passing, and not the speaker itself
    assert c["accusation"] is not None
    assert c["accusation"]["accuser"] == "Northern Front"
    assert c["accusation"]["accused"] == ["Canada"]
    assert c["evidence"] == "not_applicable"


def test_message_block_of_threats_only_accuses_nobody() -> None:
    intro = "As we write, new threats to Canada have appeared on jihadist channels:"
    c = _message(intro + _THREATS_ONLY)
    assert c["accusation"] is None
    assert c["evidence"] == "not_applicable"


# -- CRF proposals: address events and orders ------------------------------------------------
_TAGS = {"w=zork": "B-S", "w=addressed": "B-Q", "w=ordered": "B-Q", "w=spoke": "B-Q"}
_TAGS |= {"w=blab": "B-Q", "w=glim": "B-C", "w=glam": "I-C"}
_TAIL = " It was a “test”."  # a quotation mark: the CRF reads the paragraph


def _toy_model(tmp_path: Path) -> Path:
    return write_toy_crf(tmp_path, _TAGS)


def test_address_event_proposal_is_dropped(tmp_path: Path) -> None:
    stage = HybridClaims(model=str(_toy_model(tmp_path)))
    assert _run("Zork addressed glim glam glam glam." + _TAIL, stage) == []
    kept = _run("Zork blab glim glam glam glam." + _TAIL, stage)
    assert [c["text"] for c in kept] == ["glim glam glam glam"]


def test_order_proposal_is_a_directive(tmp_path: Path) -> None:
    stage = HybridClaims(model=str(_toy_model(tmp_path)))
    claims = _run("Zork ordered glim glam glam glam." + _TAIL, stage)
    assert [(c["text"], c["evidence"]) for c in claims] == [
        ("glim glam glam glam", "not_applicable")
    ]
    claims = _run("Zork blab glim glam glam glam." + _TAIL, stage)
    assert [c["evidence"] for c in claims] == ["none_stated"]


@pytest.mark.parametrize(
    ("cue", "content", "dropped"),
    [
        ("once again addressed", "the nation and the world", True),
        ("spoke to", "reporters in the capital", True),
        ("met", "the foreign minister on Monday", True),
        ("addressed", "“we will never give up”", False),  # quoted content: a claim
        ("said", "the nation is ready", False),
        ("told", "reporters the plan had failed", False),
    ],
)
def test_address_only(cue: str, content: str, dropped: bool) -> None:
    assert hybrid.address_only(cue, content) is dropped


@pytest.mark.parametrize(
    ("cue", "content", "cls"),
    [
        ("ordered", "his aides to report daily", "directive"),
        ("instructed", "the army to withdraw", "directive"),
        ("told", "his staff to leave the building", "directive"),
        ("told", "reporters that the plan had failed", "speech"),
        ("asked", "whether the talks would resume", "speech"),
        ("said", "the order was given", "speech"),
    ],
)
def test_cue_class_orders_are_directives(cue: str, content: str, cls: str) -> None:
    assert hybrid.cue_class(cue, content, "speech") == cls


# -- Russian: an institution in the genitive between a title and a name ----------------------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Депутат Госдумы Павел Сидоров заявил, что завод закроют в мае.", "Павел Сидоров"),
        # a name with a patronymic after a title stays whole
        ("Министр Сергей Петрович Орлов заявил, что завод закроют в мае.", "Сергей Петрович Орлов"),
    ],
)
def test_ru_genitive_institution_is_not_part_of_the_name(text: str, speaker: str) -> None:
    doc = SentencexSegmenter()(Document(id="t", text=text, language="ru"))
    claims = RuleClaims()(doc).spans["claims"]
    assert [c.attrs["speaker"] for c in claims] == [speaker]


def _evidence(text: str, lang: str) -> list[tuple[str | None, str]]:
    doc = SentencexSegmenter()(Document(id="t", text=text, language=lang))
    claims = RuleClaims()(doc).spans["claims"]
    return [(c.attrs["speaker"], c.attrs["evidence"]) for c in claims]


def test_ru_in_response_is_not_the_source() -> None:
    text = "Министр обороны Павел Сидоров в ответ заявил, что завод закроют в мае."
    doc = SentencexSegmenter()(Document(id="t", text=text, language="ru"))
    claims = RuleClaims()(doc).spans["claims"]
    assert [c.attrs["speaker"] for c in claims] == ["Павел Сидоров"]


def test_ru_no_evidence_note_naming_its_subject_covers_that_speaker() -> None:
    text = (
        "Мэр Анна Котова заявила, что завод отравляет реку. "
        "«Завод работает ночью», — сказала она.\n\n"
        "Директор завода Павел Сидоров назвал эти слова ложью.\n\n"
        "Доказательств Котова не привела."
    )
    got = _evidence(text, "ru")
    assert ("Анна Котова", "claimed_without_evidence") in got
    assert ("Анна Котова", "none_stated") not in got
    assert ("Павел Сидоров", "none_stated") in got  # spoke last, but not the one named


def test_en_no_evidence_note_by_title_covers_that_speaker() -> None:
    text = (
        "The mayor, Anna Kott, said the plant was poisoning the river. "
        "The plant's director, Paul Sider, said the claim was absurd. "
        "The mayor offered no evidence."
    )
    got = _evidence(text, "en")
    assert ("Anna Kott", "claimed_without_evidence") in got
    assert ("Paul Sider", "none_stated") in got


def test_ru_no_evidence_given_is_not_an_author_dispute() -> None:
    text = (
        "Мэр Анна Котова заявила, что завод отравляет реку. Мэр не привела никаких доказательств."
    )
    assert _evidence(text, "ru") == [("Анна Котова", "claimed_without_evidence")]


def test_one_word_wildcard_in_lexicon_phrases() -> None:
    from narrascope.backends.claims.lexicon import PhraseMatcher

    m = PhraseMatcher()
    m.add("доказательств _ не привела", "x")
    assert m.match_at(["доказательств", "котова", "не", "привела"], 0) == (4, "x")
    assert m.match_at(["доказательств", ",", "не", "привела"], 0) is None
