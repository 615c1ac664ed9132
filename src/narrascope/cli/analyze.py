"""``narrascope analyze``: run the pipeline over inputs into an output directory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ConfigError, MissingExtraError, ModelError
from ..io.readers import ReadOptions
from ..pipeline import load_config, run


def analyze(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    config: Annotated[
        Path | None, typer.Option(help="TOML config merged over the defaults.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="Force the language (ISO 639-1) instead of detecting it.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted run in the same --out directory.")
    ] = False,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Inputs longer than this become error records.")
    ] = 5_000_000,
    text_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the id.")] = "id",
    title_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the title.")] = "title",
    date_field: Annotated[
        str, typer.Option(help="JSONL/CSV field holding the publication date.")
    ] = "published",
    url_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the URL.")] = "url",
    encoding: Annotated[
        str | None, typer.Option(help="Force an input encoding instead of detecting it.")
    ] = None,
    engine: Annotated[str, typer.Option(help="local, or ray for a Ray cluster.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (with --engine ray).")
    ] = None,
    report: Annotated[bool, typer.Option(help="Also write OUT/report.html.")] = False,
) -> None:
    """Analyse news articles: writes OUT/documents.jsonl, OUT/errors.jsonl and OUT/run.json.

    Exit code 0 when every input was analysed, 3 when some became error records, 2 for
    usage errors.
    """
    overrides: dict[str, Any] = {}
    if lang:
        overrides = {"stages": {"language": {"force": lang}}}
    opts = ReadOptions(
        text_field=text_field, id_field=id_field, title_field=title_field,
        date_field=date_field, url_field=url_field, max_chars=max_chars, encoding=encoding,
    )  # fmt: skip
    try:
        cfg = load_config(config, overrides)
        if engine == "ray":
            from ..engines.ray_engine import run_ray

            if resume:
                raise ConfigError("[E015] --resume works with --engine local only")
            result = run_ray(
                inputs, out, config=cfg, read_options=opts, address=address,
                concurrency=workers if workers > 1 else None,
            )  # fmt: skip
        elif engine == "local":
            result = _run_local(inputs, out, cfg, opts, workers, resume, quiet)
        else:
            raise ConfigError(f"[E011] unknown engine {engine!r}: use local or ray")
    except (ConfigError, MissingExtraError, ModelError) as e:
        typer.echo(f"narrascope: error: {e}", err=True)
        raise typer.Exit(2) from e
    if report:
        from ..report.render import write_report

        write_report(out, out / "report.html")
    if not quiet:
        typer.echo(
            f"{result.inputs} inputs: {result.analysed} analysed, {result.failed} errors "
            f"({result.seconds:.1f} s) -> {out}",
            err=True,
        )
    raise typer.Exit(result.exit_code)


def _run_local(inputs, out, cfg, opts, workers, resume, quiet):  # type: ignore[no-untyped-def]
    if quiet or not sys.stderr.isatty():
        return run(inputs, out, config=cfg, read_options=opts, workers=workers, resume=resume)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} inputs"),
        TextColumn("[red]{task.fields[failed]} errors"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("analysing", total=None, failed=0)

        def progress(done: int, failed: int) -> None:
            bar.update(task, completed=done, failed=failed)

        return run(
            inputs, out, config=cfg, read_options=opts, workers=workers, resume=resume,
            progress=progress,
        )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
