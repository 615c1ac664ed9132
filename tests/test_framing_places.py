"""Places named only as a location abstain unless cast as Innocent (round 8).

Hand-written sentences in EN, BG, PT, RU and HI; a hand-made model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.framing.model import FINE_ROLES, RoleModel
from narrascope.backends.framing.places import locative
from narrascope.document import Document
from narrascope.stages.framing import LinearFraming


def _loc(text: str, mention: str, lang: str) -> bool:
    i = text.index(mention)
    return locative(text, i, i + len(mention), lang)


LIST_EN = (
    "Aid convoys travelled between Syria and Iraq, and later across Mali, Niger and Burkina Faso."
)


@pytest.mark.parametrize("mention", ["Syria", "Iraq", "Mali", "Niger", "Burkina Faso"])
def test_members_of_a_locative_list_en(mention: str) -> None:
    assert _loc(LIST_EN, mention, "en")


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Russia attacked Ukraine in the night.", "Russia"),
        ("Russia attacked Ukraine in the night.", "Ukraine"),
        ("The president of France called for talks.", "France"),
        ("Troops entered the city. Mali and Niger protested.", "Mali"),  # another sentence
    ],
)
def test_agents_targets_and_heads_are_not_locative(text: str, mention: str) -> None:
    assert not _loc(text, mention, "en")


@pytest.mark.parametrize(
    ("text", "mention", "lang", "want"),
    [
        ("Бойците действат в Мали и Буркина Фасо.", "Буркина Фасо", "bg", True),
        ("Буркина Фасо обвини Мали.", "Буркина Фасо", "bg", False),
        ("O grupo controla zonas no Mali e na Burkina Faso.", "Burkina Faso", "pt", True),
        ("A Burkina Faso acusou o Mali.", "Burkina Faso", "pt", False),
        ("Группировка действует в Мали, Нигере и Буркина-Фасо.", "Буркина-Фасо", "ru", True),
        ("Буркина-Фасо обвинила Мали.", "Буркина-Фасо", "ru", False),
        ("समूह माली और बुर्किना फासो में सक्रिय है।", "माली", "hi", True),
        ("समूह माली और बुर्किना फासो में सक्रिय है।", "बुर्किना फासो", "hi", True),
        ("अमेरिका ने रूस पर हमला किया।", "रूस", "hi", False),
        ("Das Land liegt in Mali.", "Mali", "de", False),  # no rules: never locative
    ],
)
def test_locative_in_other_languages(text: str, mention: str, lang: str, want: bool) -> None:
    assert _loc(text, mention, lang) is want


def _constant_model(path: Path, role: int) -> Path:
    """A model that casts every mention in main role ``role`` (no stacker)."""
    bits = 12
    dim = 1 << bits
    bm = np.zeros(3, np.float32)
    bm[role] = 5.0
    RoleModel.from_dense(
        np.zeros((dim, 3), np.float32), bm, np.zeros((dim, len(FINE_ROLES)), np.float32),
        np.zeros(len(FINE_ROLES), np.float32), bits=bits, second_ratio=1.01,
    ).save(path, {"licence": "test"})  # fmt: skip
    return path


def _analyse(model: Path, text: str) -> dict[str, str | None]:
    from narrascope.stages.entities import RuleEntities
    from narrascope.stages.segment import SentencexSegmenter

    doc = RuleEntities()(SentencexSegmenter()(Document(id="t", text=text, language="en")))
    out = LinearFraming(model=str(model), framed_threshold=0.0)(doc)
    for sp in out.spans["entities"]:
        assert text[sp.start : sp.end] == sp.text
        if sp.attrs.get("entity") in {e["id"] for e in out.data["entities"]
                                      if e["main_role"] is None}:  # fmt: skip
            assert sp.attrs.get("main_role") is None
    return {e["name"]: e["main_role"] for e in out.data["entities"]}


TEXT = "Russia shelled the border town. Fighting later spread to towns in Mali and Burkina Faso."


def test_stage_lets_listed_places_abstain(tmp_path: Path) -> None:
    roles = _analyse(_constant_model(tmp_path, 1), TEXT)  # everyone Antagonist
    assert roles["Russia"] == "Antagonist"
    assert roles["Mali"] is None and roles["Burkina Faso"] is None


def test_stage_keeps_listed_places_cast_as_victims(tmp_path: Path) -> None:
    roles = _analyse(_constant_model(tmp_path, 2), TEXT)  # everyone Innocent
    assert roles["Mali"] == "Innocent" and roles["Burkina Faso"] == "Innocent"
