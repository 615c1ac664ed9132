"""``narrascope train``: training recipes that write model directories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError

app = typer.Typer(help="Train models (needs the corpora; see docs).", no_args_is_help=True)


@app.command("narratives")
def narratives(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    data: Annotated[
        Path | None,
        typer.Option(help="Data in SemEval subtask-2 format (default: the SemEval corpus)."),
    ] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(help="Two-level taxonomy JSON (default: DATA/taxonomy/taxonomy.json)."),
    ] = None,
    cv_folds: Annotated[
        int,
        typer.Option(
            help="Also cross-validate with this many folds and store the figures (0: no)."
        ),
    ] = 0,
    cv_report: Annotated[
        Path | None,
        typer.Option(help="Store this `semeval cv --json` report as the model's CV figures."),
    ] = None,
) -> None:
    """Train the linear narrative model on every annotated article under --data."""
    from ..train.narratives import train_and_save

    try:
        model_dir = train_and_save(
            data, out, taxonomy=taxonomy, cv_folds=cv_folds, cv_report=cv_report,
            progress=lambda m: typer.echo(m, err=True),
        )  # fmt: skip
    except ConfigError as e:
        typer.echo(f"narrascope: error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"model -> {model_dir}", err=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="train")
