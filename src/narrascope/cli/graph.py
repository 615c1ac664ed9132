"""``narrascope graph``: the corpus-level blame graph (accuser -> accused)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def graph(
    out_dir: Annotated[
        Path, typer.Argument(help="An analyse output directory (or its documents.jsonl).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="FILE.graphml or FILE.json (node-link).")
    ],
) -> None:
    """Build the blame graph from analysed records: nodes are actors, edges accuser ->
    accused with counts, documents, dates and evidence statuses."""
    from ..graph import build_blame_graph, read_records, write_graph

    if out.suffix.lower() not in (".graphml", ".json"):
        typer.echo(
            f"narrascope: error: --out must end in .graphml or .json, got {out.name!r}", err=True
        )
        raise typer.Exit(2)
    src = out_dir / "documents.jsonl" if out_dir.is_dir() else out_dir
    if not src.exists():
        typer.echo(
            f"narrascope: error: {str(src)!r} does not exist (run narrascope analyze first)",
            err=True,
        )
        raise typer.Exit(2)
    g = build_blame_graph(read_records(out_dir))
    write_graph(g, out)
    typer.echo(
        f"{g.number_of_nodes()} actors, {g.number_of_edges()} blame edges -> {out}", err=True
    )


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)
