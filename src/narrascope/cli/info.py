"""``narrascope info``: stages, backends, models and versions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .. import __version__
from ..document import SCHEMA_VERSION
from ..pipeline import load_config, plan_pipeline
from ..registry import stages


def collect_info() -> dict[str, Any]:
    config = load_config()
    default = {s.stage: s.info.name for s in plan_pipeline(config)}
    backends = [
        {
            "name": b.name,
            "stage": b.stage,
            "requires": list(b.requires),
            "assigns": list(b.assigns),
            "default": default.get(b.stage) == b.name,
            "description": b.description,
        }
        for b in stages.all()
    ]
    return {
        "narrascope": __version__,
        "schema_version": SCHEMA_VERSION,
        "default_pipeline": list(default.values()),
        "backends": backends,
    }


def info(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stages, backends, models and their versions."""
    data = collect_info()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"narrascope {data['narrascope']} (schema {data['schema_version']})")
    typer.echo("default pipeline: " + " -> ".join(data["default_pipeline"]))
    typer.echo("backends:")
    for b in data["backends"]:
        mark = "*" if b["default"] else " "
        typer.echo(f" {mark} {b['name']:<28} {b['description']}")
        typer.echo(
            f"     requires: {', '.join(b['requires']) or '-'}; "
            f"assigns: {', '.join(b['assigns']) or '-'}"
        )


def register(app: typer.Typer) -> None:
    app.command("info")(info)
