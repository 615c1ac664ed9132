"""claims.rules.v1 on hand-written English sentences (no corpus needed)."""

from __future__ import annotations

import pytest

from narrascope.document import Document, Span
from narrascope.stages.claims import RuleClaims
from narrascope.stages.segment import SentencexSegmenter

SEG = SentencexSegmenter()
CLAIMS = RuleClaims()


def analyse(text: str, lang: str = "en", **kw: object) -> Document:
    doc = Document(id="t", text=text, language=lang, **kw)  # type: ignore[arg-type]
    doc = CLAIMS(SEG(doc))
    doc.validate()
    return doc


def claims(text: str, lang: str = "en") -> list[Span]:
    return analyse(text, lang).spans["claims"]


def only(text: str, lang: str = "en") -> Span:
    cs = claims(text, lang)
    assert len(cs) == 1, [(c.text, c.attrs) for c in cs]
    return cs[0]


def check_offsets(doc: Document) -> None:
    for c in doc.spans["claims"]:
        assert doc.text[c.start : c.end] == c.text
        for key in ("source", "cue"):
            ref = c.attrs[key]
            if ref is not None:
                assert doc.text[ref["start"] : ref["end"]] == ref["text"], (key, ref)
        assert c.label in ("direct", "indirect", "mixed")
        assert c.attrs["evidence"] in (
            "none_stated", "claimed_without_evidence", "evidence_cited",
            "disputed_by_author", "not_applicable",
        )  # fmt: skip


def test_direct_inverted_quote() -> None:
    c = only("“The bridge will reopen in May,” said Anna Petrova.")
    assert c.label == "direct"
    assert c.text == "The bridge will reopen in May,"
    assert c.attrs["speaker"] == "Anna Petrova"
    assert c.attrs["cue"]["text"] == "said"
    assert c.attrs["source"]["text"] == "Anna Petrova"


def test_direct_after_colon() -> None:
    c = only("Mayor Anna Petrova told reporters: “The bridge will reopen in May.”")
    assert c.label == "direct"
    assert c.text == "The bridge will reopen in May."
    assert c.attrs["speaker"] == "Anna Petrova"


def test_split_quote_gives_two_claims_with_one_speaker() -> None:
    doc = analyse("“We are ready,” Anna Petrova said, “but the money is not there yet.”")
    cs = doc.spans["claims"]
    assert [c.text for c in cs] == ["We are ready,", "but the money is not there yet."]
    assert {c.attrs["speaker"] for c in cs} == {"Anna Petrova"}
    assert all(c.label == "direct" for c in cs)
    check_offsets(doc)


def test_indirect_strips_that_and_full_stop() -> None:
    c = only("Health minister Karl Berg said on Monday that the hospital would close.")
    assert c.label == "indirect"
    assert c.text == "the hospital would close"
    assert c.attrs["speaker"] == "Karl Berg"


def test_inverted_indirect_clause() -> None:
    c = only("The hospital will close next year, Karl Berg said.")
    assert c.text == "The hospital will close next year"
    assert c.attrs["speaker"] == "Karl Berg"


def test_mixed_keeps_inner_quotes() -> None:
    c = only("Karl Berg said the plan was “a total failure” and must be dropped.")
    assert c.label == "mixed"
    assert c.text == "the plan was “a total failure” and must be dropped"


def test_according_to_before_and_after() -> None:
    c = only("According to Karl Berg, the hospital will close next year.")
    assert c.text == "the hospital will close next year"
    assert c.attrs["cue"]["text"] == "According to"
    assert c.attrs["speaker"] == "Karl Berg"
    c = only("The hospital will close next year, according to Karl Berg.")
    assert c.text == "The hospital will close next year"
    assert c.attrs["speaker"] == "Karl Berg"


def test_nested_attribution_gives_two_claims() -> None:
    doc = analyse("Karl Berg said that, according to Anna Petrova, the plan had failed.")
    cs = sorted(doc.spans["claims"], key=lambda c: c.start)
    assert [c.text for c in cs] == [
        "according to Anna Petrova, the plan had failed",
        "the plan had failed",
    ]
    assert [c.attrs["speaker"] for c in cs] == ["Karl Berg", "Anna Petrova"]
    check_offsets(doc)


def test_pronoun_speaker_resolves_to_last_named_speaker() -> None:
    doc = analyse(
        "Karl Berg spoke in Riga. “Nothing is decided,” Berg said. He added that talks would go on."
    )
    cs = doc.spans["claims"]
    assert [c.attrs["speaker"] for c in cs] == ["Karl Berg", "Karl Berg"]
    assert cs[1].attrs["source"]["text"] == "He"
    assert cs[1].text == "talks would go on"


def test_title_resolves_to_person_named_with_that_title() -> None:
    doc = analyse(
        "The director of the port authority, Lena Holt, visited the docks.\n\n"
        "Later the port authority director said the cranes were unsafe."
    )
    c = doc.spans["claims"][-1]
    assert c.text == "the cranes were unsafe"
    assert c.attrs["speaker"] == "Lena Holt"


def test_headline_cue() -> None:
    doc = analyse("Medvedev: the West will pay for this\n\nThe former president wrote on Telegram.")
    c = doc.spans["claims"][0]
    assert c.text == "the West will pay for this"
    assert c.attrs["speaker"] == "Dmitry Medvedev"
    assert c.attrs["cue"]["text"] == ":"


def test_quote_continues_in_next_paragraph() -> None:
    doc = analyse(
        "Lena Holt said: “The port is safe. The cranes were checked last week.\n\n"
        "“We will reopen on Friday,” she added."
    )
    texts = [c.text for c in doc.spans["claims"]]
    assert "The port is safe. The cranes were checked last week." in texts
    assert "We will reopen on Friday," in texts
    assert {c.attrs["speaker"] for c in doc.spans["claims"]} == {"Lena Holt"}


def test_block_quote_introduced_by_a_sentence() -> None:
    doc = analyse(
        "In a statement, Lena Holt said:\n\nThe port will stay closed until the inquiry ends."
    )
    c = only_in(doc)
    assert c.text == "The port will stay closed until the inquiry ends"
    assert c.attrs["speaker"] == "Lena Holt"


def only_in(doc: Document) -> Span:
    assert len(doc.spans["claims"]) == 1, [c.text for c in doc.spans["claims"]]
    return doc.spans["claims"][0]


@pytest.mark.parametrize(
    "text",
    [
        "The plan failed because the money ran out.",  # the author's own statement
        "The so-called “peace plan” was published on Monday.",  # scare quotes
        "Critics would say that the plan failed.",  # hypothetical speech
        "If he says the plan failed, nobody will listen.",
        "As we write, the talks are still going on.",  # the author speaking
    ],
)
def test_not_claims(text: str) -> None:
    assert claims(text) == []


def test_continuation_quote_after_speaker() -> None:
    doc = analyse("“The port is safe,” Lena Holt said. “We checked every crane last week.”")
    assert [c.attrs["speaker"] for c in doc.spans["claims"]] == ["Lena Holt", "Lena Holt"]


# -- accusations -----------------------------------------------------------------------
def test_accusation_with_country_aliases() -> None:
    c = only("Karl Berg accused Moscow of shelling the port.")
    acc = c.attrs["accusation"]
    assert acc is not None and acc["accuser"] == "Karl Berg" and acc["accused"] == ["Russia"]


def test_accusation_from_blame_trigger_excludes_victims() -> None:
    c = only("Lena Holt said Kyiv and Washington were behind the attack on Moscow.")
    assert c.attrs["accusation"]["accused"] == ["Ukraine", "United States"]


def test_label_is_an_accusation() -> None:
    c = only("Karl Berg said the Kiev regime are neo-Nazis.")
    assert c.attrs["accusation"]["accused"] == ["Ukraine"]


def test_no_accusation_for_impersonal_blame() -> None:
    c = only("Lena Holt said fossil fuels were responsible for the heat.")
    assert c.attrs["accusation"] is None


# -- evidence --------------------------------------------------------------------------
def test_evidence_disputed_by_author() -> None:
    c = claims("Karl Berg said Britain was behind the attack. Evidence? Obviously none.")[0]
    assert c.attrs["evidence"] == "disputed_by_author"


def test_evidence_claimed_without_evidence() -> None:
    c = only("Karl Berg claimed, without evidence, that Britain was behind the attack.")
    assert c.attrs["evidence"] == "claimed_without_evidence"


def test_evidence_cited() -> None:
    c = only("A study published by the university found that the river is cleaner.")
    assert c.attrs["evidence"] == "evidence_cited"
    c = only("Karl Berg said, citing a government report, that the river is cleaner.")
    assert c.attrs["evidence"] == "evidence_cited"


@pytest.mark.parametrize(
    "text",
    [
        "Karl Berg called for an independent inquiry into the fire.",
        "Lena Holt threatened to close the border.",
        "Lena Holt promised that the port would reopen.",
        "A reporter asked Karl Berg: “Who ordered the strike?”",
    ],
)
def test_evidence_not_applicable(text: str) -> None:
    cs = claims(text)
    assert cs and all(c.attrs["evidence"] == "not_applicable" for c in cs), [
        (c.text, c.attrs) for c in cs
    ]


def test_evidence_none_stated() -> None:
    assert only("Karl Berg said the river is cleaner.").attrs["evidence"] == "none_stated"


# -- entities stage integration ----------------------------------------------------------
def test_uses_entity_canonical_names_when_present() -> None:
    text = "Bob Smith visited Kyiv. Smith said the talks had failed."
    doc = Document(id="e", text=text, language="en")
    doc = SEG(doc)
    s = text.index("Smith said")
    doc.spans["entities"] = [
        doc.span(0, 9, "PER", attrs={"entity": "E1"}),
        doc.span(s, s + 5, "PER", attrs={"entity": "E1"}),
    ]
    doc.data["entities"] = [{"id": "E1", "name": "Robert Smith", "type": "PER", "mentions": [0, 1]}]
    doc = CLAIMS(doc)
    doc.validate()
    assert [c.attrs["speaker"] for c in doc.spans["claims"]] == ["Robert Smith"]


def test_offsets_valid_on_a_longer_text() -> None:
    text = (
        "Moscow accuses the US and Britain\n\n"
        "Karl Berg, the head of the agency, said on Monday that “the drones came from the west.” "
        "He added: “We will answer.” According to Lena Holt, the claims were false. "
        "“Nobody believes that,” Holt told reporters, “not even in Moscow.”\n\n"
        "Evidence? Obviously none."
    )
    doc = analyse(text)
    assert len(doc.spans["claims"]) >= 5
    check_offsets(doc)


def test_threats_are_claims_only_when_an_agent_threatens() -> None:
    c = only("Karl Berg threatened reprisals against the smugglers.")
    assert c.text == "reprisals against the smugglers"
    assert c.attrs["evidence"] == "not_applicable"
    assert claims("Lena Holt said the warming threatened fish stocks.")[0].text == (
        "the warming threatened fish stocks"
    )
    assert len(claims("Lena Holt said the warming threatened fish stocks.")) == 1
    assert claims("The ministry threatens Karl Berg.") == []


def test_quote_after_a_full_stop_starts_the_next_sentence() -> None:
    doc = analyse(
        'Karl Berg came back. "The port is safe," he said. "We checked every crane last week.'
    )
    assert [c.text for c in doc.spans["claims"]] == [
        "The port is safe,",
        "We checked every crane last week.",
    ]
    assert {c.attrs["speaker"] for c in doc.spans["claims"]} == {"Karl Berg"}


def test_inverted_cue_with_appositive_source() -> None:
    c = only(
        "The plan is made possible by its money, said Katie Harbath, the firm’s politics director."
    )
    assert c.text == "The plan is made possible by its money"
    assert c.attrs["speaker"] == "Katie Harbath"


# -- fixes of the second round (issue 5): hand-written sentences -----------------------------
def test_message_block_introduced_by_a_sentence_without_cue() -> None:
    text = (
        "Bombing in the capital\n\n"
        "As we write, a new message has appeared on militant channels:\n\n"
        "Brothers, the Northern Legion is coming.\n\n"
        "Wait for us. The Northern Legion never forgets.\n\n"
        + "The group has carried out attacks in the region for a decade, and officials " * 8
        + "expect more."
    )
    doc = analyse(text)
    check_offsets(doc)
    block = [c for c in doc.spans["claims"] if c.text.startswith("Brothers")]
    assert len(block) == 1, [(c.text, c.attrs) for c in doc.spans["claims"]]
    c = block[0]
    assert c.text.endswith("never forgets")
    assert c.attrs["speaker"] == "Northern Legion"
    assert c.attrs["cue"]["text"] == ":"


def test_unclosed_quote_stops_at_the_commentators_clause() -> None:
    text = (
        'The spokesman began to explain, saying: "We will handle this ourselves. '
        "But there is a foreign threat, a terrible danger, notes Maria Lind."
    )
    doc = analyse(text)
    check_offsets(doc)
    by_text = {c.text: c for c in doc.spans["claims"]}
    assert "We will handle this ourselves." in by_text, list(by_text)
    tail = by_text["But there is a foreign threat, a terrible danger"]
    assert tail.attrs["speaker"] == "Maria Lind"
    assert tail.attrs["cue"]["text"] == "notes"


def test_dispute_covers_the_accusation_not_the_accusers_earlier_words() -> None:
    text = (
        "Minister Ivan Petrov said that the fire had started in the kitchen. "
        "Petrov then said that Ukraine was behind the fire. Evidence? Obviously none."
    )
    cs = claims(text)
    ev = {c.text: c.attrs["evidence"] for c in cs}
    assert ev["the fire had started in the kitchen"] == "none_stated"
    assert ev["Ukraine was behind the fire"] == "disputed_by_author"


@pytest.mark.parametrize(
    ("text", "speaker", "accused"),
    [
        ("China said on Thursday that American hackers had broken into its weather service.",
         "China", ["United States"]),
        ("Calin Georgescu claimed that the vote had been stolen on orders from Brussels.",
         "Calin Georgescu", ["European Union"]),
        ("Peskov said Kyiv was using civilians as human shields.", "Dmitry Peskov", ["Ukraine"]),
    ],
)  # fmt: skip
def test_accusations_without_blame_words(text: str, speaker: str, accused: list[str]) -> None:
    c = only(text)
    assert c.attrs["speaker"] == speaker
    assert c.attrs["accusation"]["accused"] == accused


def test_accuse_cue_with_an_organisation_described_by_its_noun() -> None:
    text = (
        "Rates were kept unchanged by the Nordic Investment Bank on Thursday. "
        "Finance minister Christian Lindner criticised the bank for cutting rates too slowly."
    )
    c = only(text)
    assert c.attrs["speaker"] == "Christian Lindner"
    assert c.attrs["accusation"]["accused"] == ["Nordic Investment Bank"]


def test_accuse_cue_with_an_unnamed_group() -> None:
    c = only("The farmers' union accused supermarkets of squeezing small producers.")
    assert c.attrs["accusation"]["accused"] == ["supermarkets"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The British Soft Drinks Association said the tax had hurt small shops.",
         "British Soft Drinks Association"),
        ("The Russian Defence Ministry said its forces had hit a weapons depot.", "Russia"),
        ("Turkish Interior Minister Ali Yerlikaya said that two suspects had been arrested.",
         "Ali Yerlikaya"),
    ],
)  # fmt: skip
def test_speakers_with_demonyms_and_portfolios(text: str, speaker: str) -> None:
    assert only(text).attrs["speaker"] == speaker


def test_accusing_frame_before_the_cue_names_every_agent_after_it() -> None:
    # two frames before the cue ("cast suspicion on", "blamed"): the agents after the
    # first include those after the second, each named once, in text order
    c = only(
        "Karl Berg cast suspicion on Kiev and London, blamed Washington too, and stated "
        "that the investigation would find the culprits."
    )
    acc = c.attrs["accusation"]
    assert acc is not None
    assert acc["accuser"] == "Karl Berg"
    assert acc["accused"] == ["Ukraine", "United Kingdom", "United States"]


@pytest.mark.parametrize(
    ("text", "accused"),
    [
        # a possessor's name without the "'s"
        (
            "The opposition accused Prime Minister Pedro Sánchez's government of lying.",
            ["Pedro Sánchez"],
        ),
        # an unknown capitalised name as the object of "accused ... of"
        ("Jürgen Resch accused Nordwagen of lying to its customers.", ["Nordwagen"]),
        # a title that names a person mentioned before
        (
            "The mayor of Lindau, Claudia Alfons, spoke on Monday. "
            "The charity accused the mayor of stirring up hatred.",
            ["Claudia Alfons"],
        ),
    ],
)
def test_accused_by_name_possessor_and_title(text: str, accused: list[str]) -> None:
    acc = [c.attrs["accusation"] for c in claims(text) if c.attrs["accusation"]]
    assert acc and acc[-1]["accused"] == accused


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Britain's Foreign Office dismissed the allegation as “nonsense”.", "United Kingdom"),
        ("The US State Department said the vote was fair.", "United States"),
        (
            "Senator Dale Hollister spoke first. "
            "Hollister’s office said that the figures were wrong.",
            "Dale Hollister",
        ),
        ("Senator Dale Hollister spoke first. Hollister’s widow said that he was right.", None),
    ],
)
def test_state_bodies_and_offices_speak_for_their_owner(text: str, speaker: str | None) -> None:
    assert claims(text)[-1].attrs["speaker"] == speaker


def test_a_note_on_missing_evidence_goes_to_its_subject() -> None:
    doc = analyse(
        "The SVR said that British instructors trained the crews. Britain's Foreign Office "
        "dismissed the allegation as “nonsense”. The SVR did not provide any evidence."
    )
    ev = {c.attrs["speaker"]: c.attrs["evidence"] for c in doc.spans["claims"]}
    assert ev == {"SVR": "claimed_without_evidence", "United Kingdom": "none_stated"}


def test_an_inline_note_stays_with_its_own_claim() -> None:
    doc = analyse(
        "President Volodymyr Zelensky blamed Russia for the attack. Channel One claimed that "
        "a Ukrainian missile had fallen on the market, without offering proof."
    )
    ev = [c.attrs["evidence"] for c in doc.spans["claims"]]
    assert ev == ["none_stated", "claimed_without_evidence"]


def test_a_note_starting_with_a_pronoun_is_about_the_last_speaker() -> None:
    doc = analyse(
        "Kristen Michal said the talks were useful. Sergei Lavrov claimed that British "
        "officers commanded the drone units. He did not say how he knew it."
    )
    ev = {c.attrs["speaker"]: c.attrs["evidence"] for c in doc.spans["claims"]}
    assert ev["Sergei Lavrov"] == "claimed_without_evidence"
    assert ev["Kristen Michal"] == "none_stated"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("President Maia Sandu on Sunday accused Moscow of buying votes.", "Maia Sandu"),
        ("Vladimir Putin last week said the war would end.", "Vladimir Putin"),
        (
            "Dmitry Peskov earlier this month told reporters that talks had stalled.",
            "Dmitry Peskov",
        ),
        ("Russia's intelligence service, the SVR, on Monday said the plot was foiled.", "SVR"),
    ],
)
def test_time_adjuncts_and_appositive_names_before_the_cue(text: str, speaker: str) -> None:
    assert only(text).attrs["speaker"] == speaker


@pytest.mark.parametrize(
    ("text", "accused"),
    [
        (
            "Salome Zourabichvili said Irakli Kobakhidze had declared war on his own people.",
            ["Irakli Kobakhidze"],
        ),
        ("Karl Berg said the Kremlin was spreading disinformation about the vote.", ["Russia"]),
        ("Karl Berg said the report was dangerous propaganda.", None),  # a label, no agent
    ],
)
def test_blame_words_need_an_agent(text: str, accused: list[str] | None) -> None:
    acc = only(text).attrs["accusation"]
    assert (acc["accused"] if acc else None) == accused
