"""No persuasion technique on a date/metadata line ("date 2024-03-25")."""

from __future__ import annotations

import pytest

from narrascope.io.metadata import is_metadata_line, prose_start


@pytest.mark.parametrize(
    "line",
    [
        "date 2024-03-25",
        " date 2024-03-25 ",
        "Published: 12 March 2024, 14:35",
        "Updated 2024-03-25 10:00 UTC",
        "25.03.2024",
        "March 25, 2024",
        "Publié le 25/03/2024 à 14h35",
        "Veröffentlicht am 25.03.2024",
        "Pubblicato il 25/03/2024 alle 14:35",
        "Opublikowano: 25.03.2024",
        "Дата: 25.03.2024",
    ],
)
def test_metadata_lines(line: str):
    assert is_metadata_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "2024",
        "Date night was fun",
        "The president spoke on 25 March 2024.",
        "March 25, 2024 was the darkest day of the war.",
        "Flood in the river town. Who gains from it?",
    ],
)
def test_prose_is_not_metadata(line: str):
    assert not is_metadata_line(line)


def test_prose_start_skips_a_leading_stamp_only():
    text = "xx date 2024-03-25 Terrorists threatened the dictator."
    start = prose_start(text, 2, len(text))
    assert text[start:].startswith("Terrorists")
    # nothing to skip: the start is kept
    assert prose_start(text, start, len(text)) == start
    # a stamp with nothing after it is left alone (the caller drops the whole line)
    assert prose_start("date 2024-03-25", 0, 15) == 0
    # a date that is part of the sentence is not a stamp
    s = "March 25, 2024 was the darkest day."
    assert prose_start(s, 0, len(s)) == 0


def test_stage_puts_no_technique_on_a_metadata_line():
    from narrascope.backends.techniques.model import TechniqueModel
    from narrascope.document import Document
    from narrascope.pipeline import build_pipeline, load_config
    from narrascope.stages.techniques import DEFAULT_MODEL_DIR

    if not (DEFAULT_MODEL_DIR / "model.json").exists():
        pytest.skip("shipped model not built")
    cfg = load_config()
    cfg["pipeline"]["stages"] = ["language", "segment", "techniques"]
    cfg["stages"]["techniques"] = {"backend": "techniques.linear.v1"}
    pipe = build_pipeline(cfg)
    stage = dict(pipe.stages)["techniques"]
    model = TechniqueModel.load(DEFAULT_MODEL_DIR)  # a private copy: every label fires
    model.thresholds = {k: [0.0] * len(model.labels) for k in model.thresholds}
    stage._model = model
    text = (
        "date 2024-03-25\n\n"
        "Published: 25 March 2024 The dictator lied again. His regime is a disgrace.\n\n"
        "The corrupt regime and its terrorist thugs lie to the whole nation."
    )
    doc = pipe(Document(id="meta", text=text, language="en"))
    doc.validate()
    paragraphs = doc.spans["paragraphs"]
    assert paragraphs[0].text == "date 2024-03-25"
    sets = doc.cats["techniques"]["paragraphs"]
    assert sets[0] == []
    assert len(sets[1]) == len(sets[2]) == len(model.labels)  # prose: everything fires
    prose = text.index("The dictator")
    for s in doc.spans["techniques"]:
        assert s.attrs["paragraph"] != 0
        assert s.start >= prose or s.start >= paragraphs[2].start  # the stamp is cut off
        assert "2024" not in s.text
