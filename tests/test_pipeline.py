from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, read_jsonl
from narrascope.document import Document, Span
from narrascope.errors import ConfigError, PipelineOrderError, UnknownNameError
from narrascope.io.readers import ReadOptions
from narrascope.pipeline import Pipeline, load_config, plan_pipeline, run
from narrascope.registry import stages
from narrascope.schema import document_schema, error_schema, schema_bundle
from narrascope.stages.base import Stage


@stages.register("crash.test.v1", stage="crash", requires=("sentences",), assigns=("crash",))
class CrashOnKeyword(Stage):
    """Test stage: raises on documents that contain CRASH, marks the others."""

    name = "crash.test.v1"

    def __call__(self, doc: Document) -> Document:
        if "CRASH" in doc.text:
            raise ValueError("boom on purpose")
        doc.cats["crash"] = False
        return doc


@stages.register("badspan.test.v1", stage="badspan", assigns=("badspan",))
class BadSpan(Stage):
    """Test stage: stores a span whose text is not the text at its offsets."""

    name = "badspan.test.v1"

    def __call__(self, doc: Document) -> Document:
        if "BADSPAN" in doc.text:
            doc.add("bad", Span(0, 3, "not the text"))
        return doc


def config_with(*extra: str) -> dict:
    cfg = load_config()
    cfg["pipeline"]["stages"] = [*cfg["pipeline"]["stages"], *extra]
    for name in extra:
        cfg["stages"][name] = {"backend": f"{name}.test.v1"}
    return cfg


def test_default_pipeline_plan():
    plan = plan_pipeline(load_config())
    assert [s.stage for s in plan][:2] == ["language", "segment"]


def test_unknown_backend_lists_what_exists():
    cfg = load_config(overrides={"stages": {"segment": {"backend": "segment.nope.v9"}}})
    with pytest.raises(UnknownNameError) as e:
        plan_pipeline(cfg)
    assert "segment.nope.v9" in str(e.value) and "segment.sentencex.v1" in str(e.value)


def test_wrong_order_fails_at_build_time():
    cfg = load_config(overrides={"pipeline": {"stages": ["segment", "language"]}})
    with pytest.raises(PipelineOrderError, match="requires language") as e:
        plan_pipeline(cfg)
    assert "language" in str(e.value).split("Put one of these stages before it:")[1]


def test_stage_without_backend_and_bad_options():
    cfg = load_config(overrides={"pipeline": {"stages": ["language", "mystery"]}})
    with pytest.raises(ConfigError, match="mystery"):
        plan_pipeline(cfg)
    cfg = load_config(overrides={"stages": {"language": {"no_such_option": 1}}})
    with pytest.raises(ConfigError, match="bad options for stage 'language'"):
        Pipeline(cfg)


def test_config_file_merges_over_defaults(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[stages.language]\nforce = "de"\n', "utf-8")
    cfg = load_config(p)
    assert cfg["stages"]["language"] == {"backend": "language.fasttext.v1", "force": "de"}
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\n", "utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_crash_in_one_document_becomes_an_error_record(tmp_path, en_article):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(en_article, "utf-8")
    (tmp_path / "in" / "b.txt").write_text("This one says CRASH loudly.\n", "utf-8")
    (tmp_path / "in" / "c.txt").write_text("BADSPAN in this one.\n", "utf-8")
    (tmp_path / "in" / "d.txt").write_text("A calm last document.\n", "utf-8")
    result = run([str(tmp_path / "in")], tmp_path / "out", config=config_with("crash", "badspan"))
    assert (result.inputs, result.analysed, result.failed, result.exit_code) == (4, 2, 2, 3)
    docs = read_jsonl(tmp_path / "out" / "documents.jsonl")
    errs = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert [d["id"] for d in docs] == ["a", "d"]
    assert all(d["cats"]["crash"] is False for d in docs)
    crash, bad = errs
    assert crash["stage"] == "crash" and crash["error"] == "stage_failed"
    assert crash["input"].endswith("b.txt") and "boom on purpose" in crash["detail"]
    assert bad["stage"] == "validate" and bad["error"] == "invalid_output"


def test_bad_inputs_batch(bad_inputs_dir, tmp_path):
    out = tmp_path / "out"
    result = run([str(bad_inputs_dir)], out)
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    docs = read_jsonl(out / "documents.jsonl")
    errs = read_jsonl(out / "errors.jsonl")
    assert result.exit_code == 3
    assert len(docs) + len(errs) == run_json["counts"]["inputs"] == 7
    assert run_json["counts"]["accounted_for"] is True
    assert {d["id"] for d in docs} == {"a-good", "d-russian-cp1251", "j1"}
    ru = next(d for d in docs if d["id"] == "d-russian-cp1251")
    assert ru["language"] == "ru" and "Министр обороны" in ru["text"]
    codes = {Path(e["input"]).name: e["error"] for e in errs}
    assert codes == {
        "b-empty.txt": "empty_input",
        "c-random.bin": "binary_input",
        "e-records.jsonl:2": "invalid_json",
        "e-records.jsonl:3": "missing_text",
    }
    assert run_json["counts"]["errors_by_code"]["empty_input"] == 1


def test_records_follow_the_published_schema(bad_inputs_dir, tmp_path):
    run([str(bad_inputs_dir)], tmp_path / "out")
    for rec in read_jsonl(tmp_path / "out" / "documents.jsonl"):
        jsonschema.validate(rec, document_schema())
        Document.from_json(rec).validate()
        for s in rec["spans"]["sentences"]:
            assert rec["text"][s["start"] : s["end"]] == s["text"]
    for rec in read_jsonl(tmp_path / "out" / "errors.jsonl"):
        jsonschema.validate(rec, error_schema())


def test_published_schema_file_is_current():
    published = json.loads((ROOT / "docs" / "schema" / "document.schema.json").read_text("utf-8"))
    assert published == schema_bundle(), "regenerate: python -m narrascope.schema > docs/schema/..."


def test_language_can_be_forced(tmp_path, en_article):
    (tmp_path / "a.txt").write_text(en_article, "utf-8")
    cfg = load_config(overrides={"stages": {"language": {"force": "uk"}}})
    run([str(tmp_path / "a.txt")], tmp_path / "out", config=cfg)
    [doc] = read_jsonl(tmp_path / "out" / "documents.jsonl")
    assert doc["language"] == "uk" and doc["meta"]["language_forced"] is True


def test_workers_give_identical_bytes(bad_inputs_dir, tmp_path, en_article):
    for i in range(40):
        (bad_inputs_dir / f"z{i:02d}.txt").write_text(f"Story {i}.\n\n{en_article}", "utf-8")
    r1 = run([str(bad_inputs_dir)], tmp_path / "w1", workers=1, chunk_size=4)
    r2 = run([str(bad_inputs_dir)], tmp_path / "w2", workers=2, chunk_size=4)
    assert (r1.inputs, r1.failed) == (r2.inputs, r2.failed) == (47, 4)
    for name in ("documents.jsonl", "errors.jsonl"):
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / "w2" / name).read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and byte file names")
def test_fifo_non_utf8_name_and_lone_surrogates_do_not_stop_a_batch(tmp_path, en_article):
    src = tmp_path / "in"
    src.mkdir()
    os.mkfifo(src / "a-fifo.txt")  # nobody writes to it: reading must not wait forever
    bad_name = os.fsencode(src) + b"/b-caf\xe9.txt"  # Latin-1 byte in a file name
    with open(bad_name, "wb") as f:
        f.write(en_article.encode("utf-8"))
    (src / "c.jsonl").write_text(
        '{"id": "s", "text": "The minister said \\udcff prices rose.", "title": "T \\ud800"}\n',
        "utf-8",
    )
    out = tmp_path / "out"
    result = run([str(src)], out, read_options=ReadOptions(fifo_wait=0.2))
    docs = read_jsonl(out / "documents.jsonl")  # strict UTF-8 read: would fail otherwise
    errs = read_jsonl(out / "errors.jsonl")
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    assert run_json["counts"]["inputs"] == 3 and run_json["counts"]["accounted_for"] is True
    assert result.exit_code == 3
    assert [(Path(e["input"]).name, e["error"]) for e in errs] == [("a-fifo.txt", "unreadable")]
    assert "nobody writes" in errs[0]["detail"]
    by_id = {d["id"]: d for d in docs}
    assert set(by_id) == {"b-caf\\xe9", "s"}
    assert by_id["b-caf\\xe9"]["source"].endswith("b-caf\\xe9.txt")
    assert by_id["b-caf\\xe9"]["text"] == en_article
    s = by_id["s"]
    assert s["text"] == "The minister said \ufffd prices rose." and s["title"] == "T \ufffd"
    assert s["meta"]["replaced_surrogates"] == 1
    for rec in docs:
        for sent in rec["spans"]["sentences"]:
            assert rec["text"][sent["start"] : sent["end"]] == sent["text"]
