from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import ROOT, read_jsonl
from narrascope.cli.main import app

runner = CliRunner()


def test_analyze_example_corpus(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(ROOT / "examples" / "corpus"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    assert run_json["counts"]["failed"] == 0
    docs = read_jsonl(out / "documents.jsonl")
    assert len(docs) == run_json["counts"]["inputs"] >= 15
    assert {d["language"] for d in docs} >= {"en", "ru", "bg", "pt", "uk", "hi"}
    assert {d["meta"]["format"] for d in docs} == {"txt", "jsonl", "html", "feed"}
    assert all(d["published"] for d in docs)


def test_analyze_bad_inputs_exit_3(bad_inputs_dir, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(bad_inputs_dir), "--out", str(out), "--quiet"])
    assert result.exit_code == 3
    assert len(read_jsonl(out / "errors.jsonl")) == 4


def test_usage_errors_exit_2(tmp_path):
    missing = runner.invoke(app, ["analyze", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    bad_opt = runner.invoke(app, ["analyze", str(tmp_path), "--out", str(tmp_path), "--bogus"])
    assert bad_opt.exit_code == 2
    no_out = runner.invoke(app, ["analyze", str(tmp_path)])
    assert no_out.exit_code == 2
    bad_engine = runner.invoke(
        app, ["analyze", str(tmp_path), "--out", str(tmp_path / "o"), "--engine", "spark"]
    )
    assert bad_engine.exit_code == 2 and "unknown engine" in bad_engine.output
    ray_resume = runner.invoke(
        app,
        ["analyze", str(tmp_path), "-o", str(tmp_path / "o"), "--engine", "ray", "--resume"],
    )
    assert ray_resume.exit_code == 2 and "--resume works with --engine local" in ray_resume.output


def test_lang_option_forces_language(tmp_path, en_article):
    (tmp_path / "a.txt").write_text(en_article, "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "a.txt"), "-o", str(out), "--lang", "pt"]
    )
    assert result.exit_code == 0, result.output
    assert read_jsonl(out / "documents.jsonl")[0]["language"] == "pt"


def test_info_lists_backends():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert "language.fasttext.v1" in result.output and "segment.sentencex.v1" in result.output
    data = json.loads(runner.invoke(app, ["info", "--json"]).output)
    assert data["default_pipeline"][:2] == ["language.fasttext.v1", "segment.sentencex.v1"]
