"""``narrascope framing`` commands (typer CliRunner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.cli.main import app

runner = CliRunner()


def test_cv_without_data_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["framing", "cv", "--data", str(tmp_path)])
    assert res.exit_code == 2
    assert "no SemEval-2025 Task 10 data" in res.output


def test_predict_writes_rows(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from narrascope.backends.framing.model import RoleModel
    from narrascope.train import framing as recipe
    from test_framing_model import articles
    from test_framing_subtask1 import write_inputs

    mat = recipe.build_matrix(articles(), bits=16, lang_features=True)
    Wm, bm, Wf, bf = recipe.fit_model(mat.X, mat.main, mat.fine, C_main=10.0, C_fine=10.0, min_df=1)
    model_dir = tmp_path / "model"
    RoleModel.from_dense(Wm, bm, Wf, bf, **{**recipe.DEFAULTS, "bits": 16}).save(
        model_dir, {"licence": "test"}
    )
    docs, mentions = write_inputs(tmp_path)
    out = tmp_path / "out.txt"
    res = runner.invoke(
        app,
        ["framing", "predict", "--input", str(docs), "--mentions", str(mentions),
         "--output", str(out), "--model", str(model_dir)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert len(out.read_text("utf-8").splitlines()) == 3
