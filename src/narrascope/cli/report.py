"""``narrascope report``: render the HTML report of an earlier ``analyze`` run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError


def report(
    out_dir: Annotated[
        Path, typer.Argument(help="The --out directory of a `narrascope analyze` run.")
    ],
    html: Annotated[
        Path | None,
        typer.Option("--html", help="HTML file to write (default OUT_DIR/report.html)."),
    ] = None,
    max_docs: Annotated[
        int | None,
        typer.Option(min=0, help="Show only the first N documents in full (all are counted)."),
    ] = None,
    page_size: Annotated[
        int, typer.Option(min=1, help="Documents per page of the document view.")
    ] = 25,
    lazy: Annotated[
        bool | None,
        typer.Option(
            "--lazy/--no-lazy",
            help="Store pages after the first as inert text opened on demand (default: "
            "when more than 500 documents are shown). --no-lazy keeps every page plain HTML.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing.")] = False,
) -> None:
    """Write one self-contained HTML report (no external resources) from a run's JSON output."""
    from ..report.render import write_report

    target = html if html is not None else out_dir / "report.html"
    try:
        path = write_report(out_dir, target, max_docs=max_docs, page_size=page_size, lazy=lazy)
    except ConfigError as e:
        typer.echo(f"narrascope: error: {e}", err=True)
        raise typer.Exit(2) from e
    if not quiet:
        size = path.stat().st_size
        typer.echo(f"report: {path} ({size / 1e6:.1f} MB)", err=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
