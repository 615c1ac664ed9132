"""``narrascope semeval``: SemEval-2025 Task 10 predict, score and cross-validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError, ModelError

app = typer.Typer(
    help="SemEval-2025 Task 10: predict, score and cross-validate.", no_args_is_help=True
)

SubtaskOpt = Annotated[int, typer.Option("--subtask", min=1, max=3, help="Subtask: 1, 2 or 3.")]


def _fail(e: Exception) -> typer.Exit:
    typer.echo(f"narrascope: error: {e}", err=True)
    return typer.Exit(2)


def _subtask1():  # type: ignore[no-untyped-def]
    try:
        from ..semeval import subtask1
    except ImportError as e:
        raise ConfigError(
            "[E035] subtask 1 (entity framing) is not available in this installation: "
            f"narrascope.semeval.subtask1 cannot be imported ({e})"
        ) from e
    return subtask1


@app.command("predict")
def predict(
    subtask: SubtaskOpt,
    input: Annotated[Path, typer.Option("--input", help="Folder of SemEval .txt articles.")],
    output: Annotated[Path, typer.Option("--output", help="Prediction file to write.")],
    model: Annotated[Path | None, typer.Option(help="Model directory (default: shipped).")] = None,
    lang: Annotated[
        str | None,
        typer.Option(help="Language of all articles (default: from the id, else detected)."),
    ] = None,
    mentions: Annotated[
        Path | None, typer.Option(help="Subtask 1: the entity-mentions file.")
    ] = None,
    dominant: Annotated[
        Path | None,
        typer.Option(help="Subtask 3: file giving each article's dominant narrative to explain."),
    ] = None,
) -> None:
    """Write predictions in the official format for every .txt in --input."""
    try:
        if subtask == 1:
            if mentions is None:
                raise ConfigError(
                    "[E036] --subtask 1 needs --mentions FILE (subtask-1-entity-mentions.txt)"
                )
            n = _subtask1().predict_subtask1(input, mentions, output, model)
        elif subtask == 2:
            from ..semeval.narratives import predict_subtask2

            n = predict_subtask2(input, output, model=model, lang=lang)
        else:
            from ..semeval.narratives import predict_subtask3

            n = predict_subtask3(input, output, model=model, lang=lang, dominant=dominant)
    except (ConfigError, ModelError) as e:
        raise _fail(e) from e
    typer.echo(f"{n} rows -> {output}", err=True)


@app.command("score")
def score(
    subtask: SubtaskOpt,
    gold: Annotated[Path, typer.Argument(help="Gold annotations file.")],
    pred: Annotated[Path, typer.Argument(help="Predictions file.")],
    data: Annotated[
        Path | None, typer.Option(help="SemEval data dir (for the official class lists).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Official metrics: subtask 2 samples-F1 coarse/fine; subtask 1 EMR and main-role accuracy."""
    from ..semeval import formats, metrics

    try:
        if subtask == 1:
            s1 = metrics.score_subtask1(formats.read_subtask1(gold), formats.read_subtask1(pred))
            out = s1.to_json()
        elif subtask == 2:
            from ..semeval.data import find_data_dir
            from ..semeval.narratives import official_classes

            cc = fc = None
            try:
                cc, fc = official_classes(find_data_dir(data))
            except ConfigError:
                if data is not None:
                    raise
            s2 = metrics.score_subtask2(
                formats.read_subtask2(gold), formats.read_subtask2(pred),
                coarse_classes=cc, fine_classes=fc,
            )  # fmt: skip
            out = {**s2.to_json(), "official_class_lists": cc is not None}
        else:
            raise ConfigError(
                "[E037] subtask 3 is scored with BERTScore (needs torch); use "
                "`narrascope semeval cv` for ROUGE-L of the extractive explanations"
            )
    except ConfigError as e:
        raise _fail(e) from e
    if as_json:
        typer.echo(json.dumps(out))
    else:
        for k, v in out.items():
            typer.echo(f"{k}: {v}")


@app.command("cv")
def cv(
    subtask: SubtaskOpt = 2,
    folds: Annotated[int, typer.Option(min=2, help="Number of folds.")] = 5,
    data: Annotated[Path | None, typer.Option(help="SemEval data dir.")] = None,
    taxonomy: Annotated[
        Path | None, typer.Option(help="Taxonomy JSON (default: the data's).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Fold assignment seed.")] = 0,
    predictions: Annotated[
        Path | None, typer.Option(help="Also write the out-of-fold predictions (subtask-2 format).")
    ] = None,
    gold_out: Annotated[
        Path | None, typer.Option("--gold", help="Also write the matching gold file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    explain: Annotated[bool, typer.Option(help="Also evaluate subtask-3 explanations.")] = True,
) -> None:
    """Stratified k-fold cross-validation on train; prints per-language figures."""
    try:
        if subtask == 1:
            res = _subtask1().cv_subtask1(data, folds)
            typer.echo(json.dumps(res, indent=2))
            return
        if subtask != 2:
            raise ConfigError("[E038] cv covers subtasks 1 and 2 (subtask 3 is reported with 2)")
        from ..semeval.formats import write_subtask2
        from ..semeval.narratives import cv_subtask2

        report = cv_subtask2(
            data, folds, seed=seed, taxonomy=taxonomy, explain=explain,
            progress=lambda m: typer.echo(m, err=True),
        )  # fmt: skip
    except (ConfigError, ModelError) as e:
        raise _fail(e) from e
    if predictions is not None:
        write_subtask2(
            predictions, ((k.split("/", 1)[1], *v) for k, v in report.predictions.items())
        )
    if gold_out is not None:
        write_subtask2(gold_out, ((k.split("/", 1)[1], *v) for k, v in report.gold.items()))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    typer.echo(f"{folds}-fold CV, subtask 2 samples-F1 (official class lists):")
    typer.echo(f"{'lang':<5} {'n':>5} {'coarse':>7} {'fine':>7}")
    for lg, s in report.per_language.items():
        typer.echo(f"{lg:<5} {s['n']:>5} {s['coarse_f1']:>7.3f} {s['fine_f1']:>7.3f}")
    if report.explanation:
        typer.echo("subtask 3: dominant narrative accuracy; ROUGE-L F1 of extractive explanations")
        typer.echo(
            f"{'lang':<5} {'n':>5} {'dom.acc':>8} {'R-L(gold dom)':>14} {'R-L(pred dom)':>14}"
        )
        for lg, s in report.explanation.items():
            typer.echo(
                f"{lg:<5} {s['n']:>5} {s['dominant_narrative_accuracy']:>8.3f} "
                f"{s['rouge_l_f1_given_gold_dominant']:>14.3f} "
                f"{s['rouge_l_f1_predicted_dominant']:>14.3f}"
            )
    typer.echo(f"({report.seconds:.0f} s)", err=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="semeval")
