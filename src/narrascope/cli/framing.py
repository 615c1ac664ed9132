"""``narrascope framing train|cv|predict``: the entity-role model (SemEval subtask 1).

Thin wrappers over :mod:`narrascope.train.framing` and
:mod:`narrascope.semeval.subtask1`; training and CV need ``pip install
'narrascope[train]'`` (scikit-learn) and the SemEval data (``--data`` or
``NARRASCOPE_SEMEVAL_DIR``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import MissingExtraError

framing_app = typer.Typer(help="Entity framing (roles) model: train, cross-validate, predict.")


def _data(data: Path | None) -> Path:
    from ..semeval.subtask1 import default_data_dir

    path = data or default_data_dir()
    if not (path / "train").is_dir():
        typer.echo(
            f"narrascope: error: no SemEval-2025 Task 10 data at {path} (expected "
            "train/<LANG>/subtask-1-annotations.txt). Pass --data or set "
            "NARRASCOPE_SEMEVAL_DIR.",
            err=True,
        )
        raise typer.Exit(2)
    return path


@framing_app.command("cv")
def cv(
    data: Annotated[Path | None, typer.Option(help="SemEval-2025 Task 10 data dir.")] = None,
    folds: Annotated[int, typer.Option(min=2)] = 5,
) -> None:
    """Per-language main-role accuracy and exact match ratio (GroupKFold by article)."""
    from ..train.framing import cross_validate

    try:
        res = cross_validate(_data(data), folds=folds, tune=True)
    except MissingExtraError as e:
        typer.echo(f"narrascope: error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(json.dumps(res, indent=2))


@framing_app.command("train")
def train(
    data: Annotated[Path | None, typer.Option(help="SemEval-2025 Task 10 data dir.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Model directory (default: the shipped one).")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, help="CV folds for tuning and meta.json.")] = 5,
) -> None:
    """Tune thresholds in CV, train on all data, write weights.npz + meta.json."""
    from ..train.framing import cross_validate
    from ..train.framing import train as train_model

    try:
        path = _data(data)
        res = cross_validate(path, folds=folds, tune=True)
        model_dir = train_model(path, out, params=res["params"], cv_metrics=res)
    except MissingExtraError as e:
        typer.echo(f"narrascope: error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(json.dumps(res["per_language"], indent=2))
    typer.echo(f"wrote {model_dir}", err=True)


@framing_app.command("predict")
def predict(
    input: Annotated[Path, typer.Option("--input", help="Folder with the articles.")],
    mentions: Annotated[Path, typer.Option(help="Official subtask-1 entity-mentions file.")],
    output: Annotated[Path, typer.Option(help="Where to write the predictions.")],
    model: Annotated[Path | None, typer.Option(help="Model directory.")] = None,
) -> None:
    """Predict roles for given mentions in the official subtask-1 format."""
    from ..semeval.subtask1 import predict_subtask1

    n = predict_subtask1(input, mentions, output, model)
    typer.echo(f"wrote {n} rows to {output}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(framing_app, name="framing")
