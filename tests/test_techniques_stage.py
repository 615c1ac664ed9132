"""The techniques stage with the shipped model: valid spans in every language, and the
paragraph view agrees with the span view. Texts are written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.document import Document
from narrascope.pipeline import build_pipeline, load_config
from narrascope.stages.techniques import DEFAULT_MODEL_DIR, LinearTechniques

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "model.json").exists(), reason="shipped model not built"
)

TEXTS = {
    "en": (
        "Dictator silences the nation\n\n"
        "The illegitimate president and his terrorist regime keep lying to everyone.\n"
        "Officials said the bridge would reopen on Monday after repairs.\n"
        "Is this really a coincidence? We must defend our country now, before it is too late!"
    ),
    "fr": (
        "Un scandale honteux\n\n"
        "Ce dictateur corrompu et ses complices mentent sans cesse aux citoyens.\n"
        "La mairie a annoncé la réouverture de la piscine lundi."
    ),
    "de": (
        "Ein Skandal\n\n"
        "Der korrupte Diktator und seine Handlanger belügen das ganze Volk.\n"
        "Die Stadt öffnet das Schwimmbad am Montag wieder."
    ),
    "it": (
        "Uno scandalo vergognoso\n\n"
        "Il dittatore corrotto e i suoi complici mentono a tutti i cittadini.\n"
        "Il comune riaprirà la piscina lunedì."
    ),
    "pl": (
        "Skandal\n\n"
        "Skorumpowany dyktator i jego poplecznicy okłamują cały naród.\n"
        "Miasto otworzy basen w poniedziałek."
    ),
    "ru": (
        "Позорный скандал\n\n"
        "Коррумпированный диктатор и его террористический режим лгут всему народу.\n"
        "Бассейн снова откроется в понедельник."
    ),
    "uk": (
        "Ганебний скандал\n\n"
        "Корумпований диктатор і його терористичний режим брешуть усьому народу.\n"
        "Басейн знову відкриється в понеділок."
    ),
    "bg": (
        "Позорен скандал\n\n"
        "Корумпираният диктатор и неговият терористичен режим лъжат целия народ.\n"
        "Басейнът ще отвори отново в понеделник."
    ),
    "pt": (
        "Um escândalo vergonhoso\n\n"
        "O ditador corrupto e os seus cúmplices mentem a todos os cidadãos.\n"
        "A piscina volta a abrir na segunda-feira."
    ),
    "hi": (
        "शर्मनाक घोटाला\n\n"
        "भ्रष्ट तानाशाह और उसके साथी पूरे देश से झूठ बोलते हैं।\n"
        "स्विमिंग पूल सोमवार को फिर से खुलेगा।"
    ),
}


def _pipeline():
    cfg = load_config()
    cfg["pipeline"]["stages"] = ["language", "segment", "techniques"]
    cfg["stages"]["techniques"] = {"backend": "techniques.linear.v1"}
    return build_pipeline(cfg)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_spans_valid_and_views_agree(lang: str):
    pipe = _pipeline()
    doc = pipe(Document(id=lang, text=TEXTS[lang], language=lang))
    doc.validate()
    cats = doc.cats["techniques"]
    paragraphs = doc.spans["paragraphs"]
    assert len(cats["paragraphs"]) == len(paragraphs)
    assert cats["supported_language"] is (lang in {"en", "fr", "de", "it", "pl", "ru"})
    assert cats["mode"] in {"trained", "transfer", "unsupported"}
    labels = set(LinearTechniques().model.labels)
    from_spans: list[set[str]] = [set() for _ in paragraphs]
    for s in doc.spans["techniques"]:
        assert doc.text[s.start : s.end] == s.text and s.end > s.start
        assert s.label in labels
        assert s.attrs["category"]
        assert 0.0 <= s.score <= 1.0
        i = s.attrs["paragraph"]
        assert paragraphs[i].start <= s.start and s.end <= paragraphs[i].end
        from_spans[i].add(s.label)
    assert [set(p) for p in cats["paragraphs"]] == from_spans
    if lang == "hi":
        assert cats["mode"] == "unsupported" and not doc.spans["techniques"]


def test_english_name_calling_cues_are_marked():
    doc = _pipeline()(Document(id="en", text=TEXTS["en"], language="en"))
    marked = {
        s.text.lower()
        for s in doc.spans["techniques"]
        if s.label in {"Loaded_Language", "Name_Calling-Labeling"}
    }
    cues = {"illegitimate", "illegitimate president", "terrorist regime", "regime", "dictator"}
    assert marked & cues, marked
    # the neutral paragraph gets nothing
    assert doc.cats["techniques"]["paragraphs"][2] == []


def test_cli_predict_and_score(tmp_path: Path):
    from narrascope.cli.main import app

    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "article901.txt").write_text(TEXTS["en"], "utf-8")
    (arts / "article902.txt").write_text(TEXTS["fr"], "utf-8")
    out = tmp_path / "pred.txt"
    runner = CliRunner()
    res = runner.invoke(app, ["techniques", "predict", "--input", str(arts), "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = [r.split("\t") for r in out.read_text("utf-8").splitlines()]
    assert [(r[0], r[1]) for r in rows] == [
        ("901", "1"), ("901", "3"), ("901", "4"), ("901", "5"),
        ("902", "1"), ("902", "3"), ("902", "4"),
    ]  # fmt: skip
    assert all(len(r) == 3 for r in rows)
    # scoring predictions against themselves gives 1.0 when anything is predicted
    res = runner.invoke(app, ["techniques", "score", str(out), str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert '"f1": 1.0' in res.output
