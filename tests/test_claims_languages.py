"""claims.rules.v1 in Russian, Ukrainian, Bulgarian and Portuguese (hand-written sentences)."""

from __future__ import annotations

import pytest

from narrascope.document import Document, Span
from narrascope.stages.claims import RuleClaims
from narrascope.stages.segment import SentencexSegmenter

SEG = SentencexSegmenter()
CLAIMS = RuleClaims()


def claims(text: str, lang: str) -> list[Span]:
    doc = CLAIMS(SEG(Document(id="t", text=text, language=lang)))
    doc.validate()
    for c in doc.spans["claims"]:
        assert doc.text[c.start : c.end] == c.text
        for key in ("source", "cue"):
            ref = c.attrs[key]
            if ref is not None:
                assert doc.text[ref["start"] : ref["end"]] == ref["text"]
    return doc.spans["claims"]


def view(cs: list[Span]) -> list[tuple[str, str, str | None]]:
    return [(c.label, c.text, c.attrs["speaker"]) for c in cs]


CASES = [
    # (lang, text, [(kind, content, speaker)])
    ("ru", "Николай Патрушев заявил, что за терактом стоит Украина.",
     [("indirect", "за терактом стоит Украина", "Nikolai Patrushev")]),
    ("ru", "«Конечно, Украина», — ответил Патрушев на вопрос журналиста.",
     [("direct", "Конечно, Украина", "Nikolai Patrushev")]),
    ("ru", "Мэр Иван Сидоров сказал: «Мост откроют в мае».",
     [("direct", "Мост откроют в мае", "Иван Сидоров")]),
    ("ru", "По словам Ивана Сидорова, мост откроют в мае.",
     # names outside actors.json keep their written (here genitive) form
     [("indirect", "мост откроют в мае", "Ивана Сидорова")]),
    ("uk", "Речник Кремля Дмитро Пєсков заявив, що Київ причетний до теракту.",
     [("indirect", "Київ причетний до теракту", "Dmitry Peskov")]),
    ("uk", "«Це абсурд», — відповів міністр Дмитро Кулеба.",
     [("direct", "Це абсурд", "Dmytro Kuleba")]),
    ("uk", "За словами Олени Коваль, міст відкриють у травні.",
     [("indirect", "міст відкриють у травні", "Олени Коваль")]),
    ("bg", "Дмитрий Песков заяви, че Украйна стои зад атаката.",
     [("indirect", "Украйна стои зад атаката", "Dmitry Peskov")]),
    ("bg", "„Това е лъжа“, каза министърът Дмитро Кулеба.",
     [("direct", "Това е лъжа", "Dmytro Kuleba")]),
    ("bg", "Според Иван Петров, мостът ще бъде открит през май.",
     [("indirect", "мостът ще бъде открит през май", "Иван Петров")]),
    ("pt", "O porta-voz do Kremlin, Dmitry Peskov, afirmou que a Ucrânia está por trás do ataque.",
     [("indirect", "a Ucrânia está por trás do ataque", "Dmitry Peskov")]),
    ("pt", "«Isso é absurdo», disse o ministro Dmytro Kuleba.",
     [("direct", "Isso é absurdo", "Dmytro Kuleba")]),
    ("pt", "Segundo Ana Silva, a ponte abrirá em maio.",
     [("indirect", "a ponte abrirá em maio", "Ana Silva")]),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_claims_per_language(lang: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert view(claims(text, lang)) == expected


@pytest.mark.parametrize(
    ("lang", "text", "accused"),
    [
        ("ru", "Николай Патрушев заявил, что к теракту причастны США и Великобритания.",
         ["United States", "United Kingdom"]),
        ("uk", "Дмитро Пєсков заявив, що Київ причетний до теракту.", ["Ukraine"]),
        ("bg", "Дмитрий Песков заяви, че Украйна стои зад атаката.", ["Ukraine"]),
        ("pt", "A Rússia acusou a Ucrânia de organizar o ataque.", ["Ukraine"]),
    ],
)  # fmt: skip
def test_accusations_use_canonical_country_names(lang: str, text: str, accused: list[str]) -> None:
    (c,) = claims(text, lang)
    assert c.attrs["accusation"]["accused"] == accused


@pytest.mark.parametrize(
    ("lang", "text", "status"),
    [
        ("ru", "Патрушев заявил, что за терактом стоит Украина. Доказательства? Никаких.",
         "disputed_by_author"),
        ("uk", "Пєсков заявив без доказів, що Київ причетний до теракту.",
         "claimed_without_evidence"),
        ("bg", "Песков заяви, че Украйна стои зад атаката, без да представи доказателства.",
         "claimed_without_evidence"),
        ("pt", "Peskov afirmou que a Ucrânia está por trás do ataque. Ele não apresentou provas.",
         "claimed_without_evidence"),
    ],
)  # fmt: skip
def test_evidence_per_language(lang: str, text: str, status: str) -> None:
    assert claims(text, lang)[0].attrs["evidence"] == status


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Мост откроют в мае."),
        ("uk", "Так званий «мирний план» опублікували в понеділок."),
        ("bg", "Ако той каже, че планът е провален, никой няма да слуша."),
        ("pt", "A ponte abrirá em maio."),
    ],
)
def test_not_claims_per_language(lang: str, text: str) -> None:
    assert claims(text, lang) == []


def test_russian_profession_before_a_name_is_no_part_of_it() -> None:
    cs = claims("Экономист Андрей Ковалев сказал, что прогноз банка слишком оптимистичен.", "ru")
    assert len(cs) == 1
    assert cs[0].attrs["speaker"] == "Андрей Ковалев"


def test_russian_no_evidence_note_after_the_claim() -> None:
    text = (
        "Министр Андрей Белоусов заявил, что Киев готовит провокацию. "
        "Министр не привел никаких доказательств."
    )
    cs = claims(text, "ru")
    assert [c.attrs["evidence"] for c in cs] == ["claimed_without_evidence"]
