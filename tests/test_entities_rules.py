"""entities.rules.v1: offsets, alias merging (EN, RU, BG, PT), coreference, groups.

All texts are written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.document import Document
from narrascope.stages.entities import RuleEntities
from narrascope.stages.segment import SentencexSegmenter

EN = (
    "Vladimir Putin said on Friday that Ukraine was behind the attack. The Russian "
    "president gave no evidence. He also blamed the US and Britain.\n"
    "Washington rejected the claim, and London called it absurd. Officials in Kyiv said "
    "the Ukrainian government had nothing to do with it. Kremlin spokesman Dmitry Peskov "
    "repeated the accusation, while Peskov's deputy stayed silent.\n"
    "The victims included 40 people who were at the concert. Islamic State claimed "
    "responsibility; ISIS had threatened Russia before.\n"
    "Local blogger Anna Kowalczyk wrote that Kowalczyk had warned about it."
)

RU = (
    "Владимир Путин заявил, что за нападением стоит Украина. Президент России не привёл "
    "доказательств. Он также обвинил США и Великобританию.\n"
    "В Вашингтоне отвергли обвинения. Путина поддержал секретарь Совбеза Николай Патрушев, "
    "а Патрушева процитировали украинские СМИ. Киев назвал это ложью, а украинские власти "
    "потребовали расследования. Жертвы теракта погибли на концерте."
)


def analyse(text: str, lang: str) -> Document:
    doc = Document(id="t", text=text, language=lang)
    doc = SentencexSegmenter()(doc)
    return RuleEntities()(doc)


def entity(doc: Document, name: str) -> dict:
    for e in doc.data["entities"]:
        if e["name"] == name:
            return e
    raise AssertionError(f"no entity {name!r} in {[e['name'] for e in doc.data['entities']]}")


def surfaces(doc: Document, name: str) -> set[str]:
    return {doc.spans["entities"][i].text for i in entity(doc, name)["mentions"]}


def test_offsets_and_contract_shape() -> None:
    doc = analyse(EN, "en")
    doc.validate()
    spans = doc.spans["entities"]
    assert spans
    for s in spans:
        assert doc.text[s.start : s.end] == s.text
        assert s.label in {"PER", "ORG", "GPE", "GROUP"}
        assert set(s.attrs) >= {"entity", "main_role", "fine_roles", "role_score"}
    seen = sorted(i for e in doc.data["entities"] for i in e["mentions"])
    assert seen == list(range(len(spans)))  # every mention belongs to exactly one entity
    for e in doc.data["entities"]:
        assert all(spans[i].attrs["entity"] == e["id"] for i in e["mentions"])


def test_english_alias_merging_and_coreference() -> None:
    doc = analyse(EN, "en")
    assert {"Vladimir Putin", "Russian president", "He"} <= surfaces(doc, "Vladimir Putin")
    assert {"US", "Washington"} <= surfaces(doc, "United States")
    assert {"Britain", "London"} <= surfaces(doc, "United Kingdom")
    assert {"Ukraine", "Kyiv", "Ukrainian government"} <= surfaces(doc, "Ukraine")
    assert {"Dmitry Peskov", "Peskov"} <= surfaces(doc, "Dmitry Peskov")
    assert {"Islamic State", "ISIS"} <= surfaces(doc, "Islamic State")
    assert entity(doc, "Vladimir Putin")["type"] == "PER"
    assert entity(doc, "Ukraine")["type"] == "GPE"
    # a name the gazetteer does not know, merged with its later surname
    assert surfaces(doc, "Anna Kowalczyk") == {"Anna Kowalczyk", "Kowalczyk"}
    # victims as a common-noun group
    groups = [e for e in doc.data["entities"] if e["type"] == "GROUP"]
    texts = {doc.spans["entities"][i].text for g in groups for i in g["mentions"]}
    assert "victims" in {t.lower() for t in texts} and "40 people" in texts


def test_russian_alias_merging_with_inflection() -> None:
    doc = analyse(RU, "ru")
    doc.validate()
    assert {"Владимир Путин", "Путина", "Президент России", "Он"} <= surfaces(doc, "Vladimir Putin")
    assert {"Украина", "Киев", "украинские власти"} <= surfaces(doc, "Ukraine")
    assert {"США", "Вашингтоне"} <= surfaces(doc, "United States")
    assert "Великобританию" in surfaces(doc, "United Kingdom")
    assert {"Николай Патрушев", "Патрушева"} <= surfaces(doc, "Nikolai Patrushev")
    assert any(e["type"] == "GROUP" for e in doc.data["entities"])


def test_bulgarian_and_portuguese_aliases() -> None:
    bg = analyse("Русия нападна Украйна. Москва обвини Киев и САЩ.", "bg")
    assert {"Русия", "Москва"} <= surfaces(bg, "Russia")
    assert {"Украйна", "Киев"} <= surfaces(bg, "Ukraine")
    pt = analyse("O governo russo acusou a Ucrânia. Moscou culpou os Estados Unidos.", "pt")
    assert {"governo russo", "Moscou"} <= surfaces(pt, "Russia")
    assert "Estados Unidos" in surfaces(pt, "United States")


def test_pronoun_without_person_is_not_a_mention() -> None:
    doc = analyse("He said it would rain. Ukraine agreed.", "en")
    assert all(s.text != "He" for s in doc.spans["entities"])


def test_unknown_language_degrades_to_english_rules() -> None:
    doc = analyse("NATO and Ukraine met in Washington.", "nl")
    names = {e["name"] for e in doc.data["entities"]}
    assert {"NATO", "Ukraine", "United States"} <= names


def test_empty_document() -> None:
    doc = analyse("", "en")
    assert doc.spans["entities"] == [] and doc.data["entities"] == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Putin",
                "Russia",
                "he",
                "The",
                "victims",
                "Путина",
                "Киев",
                " ",
                "\r\n",
                ".",
                "Anna",
                "Kowalczyk",
                "said",
                "США",
                "12 people",
                "Mr",
                "of",
                "the",
                "Ukrainian",
                "government",
                "É",
                "ї",
                "—",
            ]
        ),
        max_size=40,
    ),
    st.sampled_from(["en", "ru", "bg", "pt", "hi", None]),
)
def test_offsets_valid_on_random_text(words: list[str], lang: str | None) -> None:
    doc = analyse(" ".join(words), lang or "en")
    doc.language = lang
    doc.validate()
    for s in doc.spans["entities"]:
        assert doc.text[s.start : s.end] == s.text and s.end > s.start


@pytest.mark.parametrize("lang", ["en", "ru", "bg", "pt", "hi"])
def test_every_language_finds_the_gazetteer(lang: str) -> None:
    text = {
        "en": "Russia and Ukraine",
        "ru": "Россия и Украина",
        "bg": "Русия и Украйна",
        "pt": "Rússia e Ucrânia",
        "hi": "रूस और यूक्रेन",
    }[lang]
    doc = analyse(text, lang)
    assert {e["name"] for e in doc.data["entities"]} == {"Russia", "Ukraine"}
