"""Feature set 2 of the framing model (sentence slot, cue direction, reported speech,
mention 4-grams), language-copy weights, fine_mix decoding, and loading of models saved
before feature set 2. Sentences are written for these tests; no corpus text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.backends.entities.rules import find_mentions, merge
from narrascope.backends.framing.features import (
    article_features,
    featurize_article,
    mention_features,
)
from narrascope.backends.framing.model import FINE_ROLES, MAIN_ROLES, RoleModel, decode


def _feats(text: str, lang: str, mention: str, *, nth: int = 0, feature_set: int = 2) -> set[str]:
    """Local feature names of the ``nth`` occurrence of ``mention`` (one sentence per
    '. ' piece)."""
    sents, pos = [], 0
    for piece in text.split(". "):
        sents.append((pos, pos + len(piece) + 1))
        pos += len(piece) + 2
    art = article_features(text, lang, sents)
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    assert text[start : start + len(mention)] == mention
    return set(mention_features(art, start, start + len(mention), feature_set=feature_set).local)


@pytest.mark.parametrize(
    ("lang", "text", "agent", "target", "cat"),
    [
        ("en", "Russia attacked Ukraine.", "Russia", "Ukraine", "attack"),
        ("en", "Ukraine was attacked by Russia.", "Russia", "Ukraine", "attack"),
        ("en", "The government blamed Oxfam for the crisis.", "government", "Oxfam", "accuse"),
        ("bg", "Путин обвини Украйна за кризата.", "Путин", "Украйна", "accuse"),
        ("bg", "Украйна беше атакувана от Русия.", "Русия", "Украйна", "attack"),
        ("pt", "O Brasil ajudou Portugal.", "Brasil", "Portugal", "hero"),
        ("hi", "रूस ने यूक्रेन पर हमला किया।", "रूस", "यूक्रेन", "attack"),
    ],
)
def test_cue_direction_agent_and_target(
    lang: str, text: str, agent: str, target: str, cat: str
) -> None:
    a = _feats(text, lang, agent)
    t = _feats(text, lang, target)
    assert f"A=agent_{cat}" in a and f"A=target_{cat}" not in a
    assert f"A=target_{cat}" in t and f"A=agent_{cat}" not in t


def test_sentence_side_subject_slot_vs_after_the_verb() -> None:
    text = "Russia attacked Ukraine."
    first, after = _feats(text, "en", "Russia"), _feats(text, "en", "Ukraine")
    assert {"V=first", "V=pre"} <= first and "V=post" not in first
    assert "V=post" in after and "V=first" not in after
    bg = "Вчера Путин обвини Украйна."
    assert {"V=early", "V=pre"} <= _feats(bg, "bg", "Путин")
    assert "V=post" in _feats(bg, "bg", "Украйна")


def test_quotation_and_reporting_source() -> None:
    en = 'Peskov said that "Ukraine is to blame". Later Britain said nothing.'
    peskov = _feats(en, "en", "Peskov")
    assert {"Z=source", "Z=source_quote", "A=speaker_accuse"} <= peskov
    assert "Z=in_quote" not in peskov
    quoted = _feats(en, "en", "Ukraine")
    assert "Z=in_quote" in quoted and "Z=source" not in quoted
    assert "Z=in_quote" not in _feats(en, "en", "Britain")  # the quotation was closed
    bg = "Според Песков „Украйна е виновна“. Франция мълчи."
    assert "Z=source" in _feats(bg, "bg", "Песков")
    assert "Z=in_quote" in _feats(bg, "bg", "Украйна")
    assert "Z=in_quote" not in _feats(bg, "bg", "Франция")  # „...“ closed by “
    ru = "«Украина виновата», заявил Песков."
    assert "Z=in_quote" in _feats(ru, "ru", "Украина")
    assert "Z=source" in _feats(ru, "ru", "Песков")


def test_mention_char_4grams_only_in_feature_set_2() -> None:
    text = "Russia attacked Ukraine."
    v2 = _feats(text, "en", "Russia")
    v1 = _feats(text, "en", "Russia", feature_set=1)
    assert {"k= rus", "k=russ", "k=ssia", "k=sia "} <= v2
    assert not {f for f in v1 if f[:2] in ("k=", "V=", "A=", "Z=")}
    assert v1 < v2  # set 2 only adds features


def test_language_copies_are_weighted() -> None:
    text = "Russia attacked Ukraine."
    span = [(0, 6)]
    kw = {"bits": 18, "lang_features": True, "feature_set": 2}
    full = featurize_article(text, "en", [(0, len(text))], span, lang_weight=1.0, **kw)
    half = featurize_article(text, "en", [(0, len(text))], span, lang_weight=0.5, **kw)
    shared = featurize_article(text, "en", [(0, len(text))], span, lang_features=False,
                               bits=18, feature_set=2)  # fmt: skip
    # value = shared part + w * language copy, for every column
    np.testing.assert_allclose(
        (half - shared).toarray(), 0.5 * (full - shared).toarray(), rtol=1e-5, atol=1e-6
    )
    assert abs(full - shared).sum() > 0


def test_fine_mix_moves_the_main_role_hand_computed() -> None:
    p_main = np.array([0.45, 0.40, 0.15])
    p_fine = np.zeros(len(FINE_ROLES))
    antagonist_child = FINE_ROLES.index("Instigator")
    p_fine[antagonist_child] = 1.0
    assert decode(p_main, p_fine, second_ratio=1.01)[0] == "Protagonist"
    # 0.75 * [0.45, 0.40, 0.15] + 0.25 * [0, 1, 0] = [0.3375, 0.55, 0.1125]
    role, score, fine = decode(p_main, p_fine, second_ratio=1.01, fine_mix=0.25)
    assert role == "Antagonist" and score == pytest.approx(0.55)
    assert fine[0][0] == "Instigator"


def _tiny_model(params: dict[str, object]) -> RoleModel:
    rng = np.random.default_rng(0)
    dim = 1 << 16
    return RoleModel.from_dense(
        rng.normal(size=(dim, len(MAIN_ROLES))).astype(np.float32), np.zeros(3, np.float32),
        rng.normal(size=(dim, len(FINE_ROLES))).astype(np.float32), np.zeros(22, np.float32),
        **params,
    )  # fmt: skip


def test_models_without_feature_set_load_as_feature_set_1(tmp_path: Path) -> None:
    old_params = {"bits": 16, "C_main": 4.0, "C_fine": 4.0, "balanced": True,
                  "entity_mix": 0.0, "second_ratio": 1.01, "lang_features": True}  # fmt: skip
    _tiny_model(old_params).save(tmp_path, {"licence": "test"})
    meta = json.loads((tmp_path / "meta.json").read_text("utf-8"))
    assert "feature_set" not in meta["params"] and "fine_mix" not in meta["params"]
    old = RoleModel.load(tmp_path)
    assert (old.feature_set, old.lang_weight, old.fine_mix) == (1, 1.0, 0.0)
    text = "Russia attacked Ukraine. Peskov said so."
    sents, spans = [(0, 24), (25, len(text))], [(0, 6), (16, 23), (25, 31)]
    X_old = featurize_article(text, "en", sents, spans, **old.feature_kwargs())
    # exactly the features the old code computed: set 1, language copies at full weight
    X_ref = featurize_article(text, "en", sents, spans, bits=16, lang_features=True)
    assert (X_old != X_ref).nnz == 0
    names = mention_features(article_features(text, "en", sents), 0, 6).local
    assert not [n for n in names if n[:2] in ("k=", "V=", "A=", "Z=")]
    # a feature-set-2 model records its settings and featurises differently
    new_dir = tmp_path / "v2"
    _tiny_model({**old_params, "feature_set": 2, "lang_weight": 0.5, "fine_mix": 0.25}).save(
        new_dir, {"licence": "test"}
    )
    new = RoleModel.load(new_dir)
    assert (new.feature_set, new.lang_weight, new.fine_mix) == (2, 0.5, 0.25)
    X_new = featurize_article(text, "en", sents, spans, **new.feature_kwargs())
    assert X_new.nnz > X_old.nnz


def test_shipped_model_records_its_feature_set() -> None:
    model = RoleModel.load()
    assert model.params.get("feature_set", 1) in (1, 2)
    assert model.feature_kwargs()["feature_set"] == model.params.get("feature_set", 1)


@pytest.mark.parametrize(
    ("lang", "text", "alias"),
    [
        ("en", "Gunmen attacked a village in Burkina Faso on Sunday.", "Burkina Faso"),
        ("ru", "Боевики напали на деревню в Буркина-Фасо.", "Буркина-Фасо"),
        ("pt", "O ataque no Burkina Faso matou civis.", "Burkina Faso"),
        ("en", "Troops from Mali and Niger crossed into Nigeria.", "Nigeria"),
    ],
)
def test_missing_countries_are_gpe(lang: str, text: str, alias: str) -> None:
    ents = merge(find_mentions(text, lang, [(0, len(text))]))
    found = {text[m.start : m.end]: e.type for e in ents for m in e.mentions}
    assert found.get(alias) == "GPE"
