"""The `semeval` and `train` commands on hand-written data (no corpus needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.cli.main import app
from narrascope.semeval.formats import read_subtask2, read_subtask3
from test_narratives_model import DOCS, LANGS, TAX

runner = CliRunner()


def write_corpus(root: Path) -> Path:
    """A tiny corpus in the SemEval layout: train/<LANG>/raw-documents + annotations."""
    for lang in sorted(set(LANGS)):
        d = root / "train" / lang
        (d / "raw-documents").mkdir(parents=True)
        rows = []
        for i, ((text, n, s), lg) in enumerate(zip(DOCS, LANGS, strict=True)):
            if lg == lang:
                (d / "raw-documents" / f"{lang}_{i}.txt").write_text(text, "utf-8")
                rows.append(f"{lang}_{i}.txt\t{';'.join(n)}\t{';'.join(s)}\n")
        (d / "subtask-2-annotations.txt").write_text("".join(rows), "utf-8")
    (root / "tax.json").write_text(json.dumps(TAX.to_json()), "utf-8")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = write_corpus(tmp_path_factory.mktemp("corpus"))
    out = root / "model"
    res = runner.invoke(
        app,
        ["train", "narratives", "--data", str(root), "--taxonomy", str(root / "tax.json"),
         "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return root, out


def test_train_writes_a_model_with_meta(trained: tuple[Path, Path]) -> None:
    _, out = trained
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert meta["training_data_digest"].startswith("sha256:")
    assert "research-only" in meta["licence"]
    assert meta["train"]["documents"] == len(DOCS)
    assert json.loads((out / "taxonomy.json").read_text("utf-8")) == TAX.to_json()


def test_predict_and_score_subtask2(trained: tuple[Path, Path], tmp_path: Path) -> None:
    root, model = trained
    docs = root / "train" / "EN" / "raw-documents"
    pred = tmp_path / "pred.txt"
    res = runner.invoke(
        app,
        ["semeval", "predict", "--subtask", "2", "--input", str(docs), "--output", str(pred),
         "--model", str(model)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = read_subtask2(pred)
    assert set(rows) == {p.name for p in docs.iterdir()}
    for narrs, subs in rows.values():
        for s in subs:
            assert s == "Other" or TAX.parent[s] in narrs  # hierarchy consistent
    gold = root / "train" / "EN" / "subtask-2-annotations.txt"
    opts = ["--data", str(root), "--json"]  # no official class lists there: all labels count
    res = runner.invoke(app, ["semeval", "score", "--subtask", "2", str(gold), str(gold), *opts])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["coarse_f1"] == 1.0  # gold scored against itself
    res = runner.invoke(app, ["semeval", "score", "--subtask", "2", str(gold), str(pred), *opts])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["n"] == len(rows)


def test_predict_subtask3_within_80_words(trained: tuple[Path, Path], tmp_path: Path) -> None:
    root, model = trained
    docs = root / "train" / "EN" / "raw-documents"
    out = tmp_path / "st3.txt"
    res = runner.invoke(
        app,
        ["semeval", "predict", "--subtask", "3", "--input", str(docs), "--output", str(out),
         "--model", str(model)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = read_subtask3(out)
    assert len(rows) == len(list(docs.iterdir()))
    for doc_id, (_, _, expl) in rows.items():
        assert len(expl.split()) <= 80
        text = " ".join((docs / doc_id).read_text("utf-8").split())
        for piece in filter(None, expl.split("  ")):
            assert piece.split()[0] in text  # extractive: words come from the article


def test_score_subtask1_hand_computed(tmp_path: Path) -> None:
    gold = tmp_path / "g.txt"
    pred = tmp_path / "p.txt"
    gold.write_text("A.txt\tX\t0\t1\tAntagonist\tSpy\nA.txt\tY\t5\t6\tInnocent\tVictim\n", "utf-8")
    pred.write_text(
        "A.txt\tX\t0\t1\tAntagonist\tSpy\nA.txt\tY\t5\t6\tInnocent\tScapegoat\n", "utf-8"
    )
    res = runner.invoke(app, ["semeval", "score", "--subtask", "1", str(gold), str(pred), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"exact_match_ratio": 0.5, "main_role_accuracy": 1.0, "n": 2}


def test_subtask1_without_module_or_mentions_is_a_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["semeval", "predict", "--subtask", "1", "--input", str(tmp_path), "--output", "x"]
    )
    assert res.exit_code == 2
    assert "--mentions" in res.output
