"""``narrascope techniques``: predict, score, cross-validate and train (SemEval-2023 Task 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Persuasion techniques: SemEval-2023 Task 3 (subtask 3) harness.",
    no_args_is_help=True,
)


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


@app.command("predict")
def predict(
    input: Annotated[Path, typer.Option("--input", "-i", help="Directory of article<ID>.txt.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Prediction file to write.")],
    lang: Annotated[
        str | None,
        typer.Option(help="Language (ISO 639-1 or SemEval code); detected when omitted."),
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Model directory.")] = None,
) -> None:
    """Write `article_id<TAB>line_no<TAB>tech,...` for every non-blank line."""
    from ..techniques_harness import predict_directory

    if not input.is_dir():
        _err(f"narrascope: error: --input {str(input)!r} is not a directory")
        raise typer.Exit(2)
    n = predict_directory(input, output, lang=lang, model_dir=model)
    _err(f"{n} paragraphs -> {output}")


@app.command("score")
def score(
    gold: Annotated[Path, typer.Argument(help="Gold file (subtask-3 format).")],
    pred: Annotated[Path, typer.Argument(help="Prediction file (same format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Micro-F1 over (article, line, technique) triples."""
    from ..techniques_harness import score_files

    res = score_files(gold, pred)
    if as_json:
        typer.echo(json.dumps(res))
    else:
        typer.echo(
            f"micro-F1 {res['f1']:.4f}  precision {res['precision']:.4f}  "
            f"recall {res['recall']:.4f}  (gold {res['gold']}, pred {res['pred']}, tp {res['tp']})"
        )


@app.command("cv")
def cv(
    lang: Annotated[
        str, typer.Option(help="Language to report (en fr ge/de it po/pl ru) or 'all'.")
    ] = "all",
    folds: Annotated[int, typer.Option(min=2, help="Folds (by article).")] = 5,
    pooled: Annotated[
        bool, typer.Option(help="Train on all six languages (the shipped recipe).")
    ] = True,
    spans: Annotated[bool, typer.Option(help="Also report span-level F1.")] = True,
    nested: Annotated[
        bool,
        typer.Option(
            help="Fit each fold's stacker and thresholds by an inner CV on the other folds "
            "only (honest; ~2x slower). --no-nested reuses the shared out-of-fold scores "
            "(optimistic: those were computed by models that saw the held-out fold)."
        ),
    ] = True,
    data_dir: Annotated[
        Path | None, typer.Option(help="Persuasion data directory (else env/default).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Cross-validate by article; paragraph micro-F1 (and span F1) per language."""
    from ..techniques_harness import run_cv

    res = run_cv(lang=lang, folds=folds, pooled=pooled, spans=spans, data_dir=data_dir,
                 nested=nested, progress=_err)  # fmt: skip
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    for code, r in res["languages"].items():
        line = (
            f"{code}: paragraph micro-F1 {r['f1']:.4f} "
            f"(P {r['precision']:.3f} R {r['recall']:.3f}); "
            f"Loaded_Language-everywhere baseline {r['baseline_loaded_language']:.4f}"
        )
        if "span_f1" in r:
            line += f"; span F1 {r['span_f1']:.4f}"
        typer.echo(line)


@app.command("train")
def train(
    out: Annotated[Path | None, typer.Option(help="Model directory to write.")] = None,
    folds: Annotated[int, typer.Option(min=2, help="CV folds for thresholds/metrics.")] = 5,
    data_dir: Annotated[
        Path | None, typer.Option(help="Persuasion data directory (else env/default).")
    ] = None,
    nested: Annotated[
        bool,
        typer.Option(
            help="Also run the nested stage CV (the figure to quote) and store it in "
            "meta.json as cv_metrics.stage_nested (~9 min more).",
        ),
    ] = True,
) -> None:
    """Train the default model (needs scikit-learn: pip install 'narrascope[train]')."""
    from ..train.techniques import MODEL_DIR, run_training

    metrics = run_training(out_dir=out or MODEL_DIR, n_folds=folds, data_dir=data_dir,
                           nested=nested, progress=_err)  # fmt: skip
    typer.echo(json.dumps(metrics, indent=2))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="techniques")
