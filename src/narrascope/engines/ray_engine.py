"""Run the pipeline on a Ray cluster with Ray Data (``--engine ray``).

The plan, in Ray Data terms::

    from_items(expanded input paths)                      # only paths in the driver
      .map_batches(_read_paths)                           # narrascope readers, streamed
      .map_batches(_PipelineActor, concurrency=n)         # one Pipeline per actor
      .iter_batches()                                     # the driver appends the lines

Reading happens in Ray tasks, so on a cluster the input paths must be visible to every
node (a shared file system), as for any ``ray.data.read_*`` call. Each actor builds one
:class:`~narrascope.pipeline.Pipeline`, so models are loaded once per actor, not per
batch. Execution is streamed (Ray Data's backpressure bounds the blocks in flight) and,
by default, keeps the input order, so the output files equal those of the local engine;
with ``preserve_order=False`` the order may differ, and the content is the same after
sorting by id.

Connect to an existing cluster with ``address="ray://head:10001"`` (Ray Client) or
``address="auto"`` on a cluster node; without an address a local Ray instance is started
with ``num_cpus`` CPUs (default: all of this machine's).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..document import Document
from ..errors import ConfigError, MissingExtraError
from ..io.readers import ErrorRecord, ReadOptions, expand_inputs, read_path
from ..pipeline import (
    Pipeline,
    RunResult,
    _check_inputs,
    _dumps,
    _write_run_json,
    add_timings,
    load_config,
    plan_pipeline,
)

DEFAULT_BATCH_SIZE = 32
PATHS_PER_READ = 32  # input paths per read task (a JSONL file streams in many batches)


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as e:
        raise MissingExtraError("--engine ray", "ray", "ray[data]") from e
    return ray


def _read_paths(
    batch: dict[str, np.ndarray], *, options: ReadOptions, rows: int
) -> Iterator[dict[str, list[Any]]]:
    """Ray task: read the given paths with narrascope's readers, ``rows`` items a batch.

    Each row: ``seq`` (input path index, item index: the input order), ``kind`` (``doc``
    or ``error``), ``payload`` (the document or the error record as JSON), ``read_s``.
    """
    out: dict[str, list[Any]] = {"path_index": [], "item_index": [], "kind": [], "payload": []}
    t0 = time.perf_counter()
    for index, path in zip(batch["index"], batch["path"], strict=True):
        for i, item in enumerate(read_path(str(path), options)):
            out["path_index"].append(int(index))
            out["item_index"].append(i)
            if isinstance(item, Document):
                out["kind"].append("doc")
                out["payload"].append(json.dumps(item.to_json(), ensure_ascii=False))
            else:
                out["kind"].append("error")
                out["payload"].append(_dumps(item.to_json()))
            if len(out["kind"]) >= rows:
                elapsed = time.perf_counter() - t0
                yield {**out, "read_s": [elapsed / len(out["kind"])] * len(out["kind"])}
                out = {k: [] for k in out}
                t0 = time.perf_counter()
    if out["kind"]:
        elapsed = time.perf_counter() - t0
        yield {**out, "read_s": [elapsed / len(out["kind"])] * len(out["kind"])}


class _PipelineActor:
    """Ray actor: one pipeline (models loaded once) analysing batches of read items."""

    def __init__(self, config: dict[str, Any]) -> None:
        t0 = time.perf_counter()
        self.pipeline = Pipeline(config)
        self.load_seconds: float | None = time.perf_counter() - t0
        self.info_sent = False

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        items: list[Document | ErrorRecord] = []
        for kind, payload in zip(batch["kind"], batch["payload"], strict=True):
            obj = json.loads(str(payload))
            if kind == "doc":
                items.append(Document.from_json(obj))
            else:
                items.append(ErrorRecord(obj["input"], obj["stage"], obj["error"],
                                         obj["detail"], id=obj.get("id")))  # fmt: skip
        lines, timings = self.pipeline.process(items)
        timings["read"] = float(np.sum(batch["read_s"]))
        if self.load_seconds is not None:
            timings["load"] = self.load_seconds
            self.load_seconds = None
        n = len(lines)
        info = ""
        if not self.info_sent:
            info, self.info_sent = json.dumps(self.pipeline.info()), True
        return {
            "path_index": list(batch["path_index"]),
            "item_index": list(batch["item_index"]),
            "kind": [k for k, _ in lines],
            "line": [line for _, line in lines],
            # the batch's stage timings travel on its first row
            "timings": [json.dumps(timings)] + [""] * (n - 1),
            "info": [info] + [""] * (n - 1),  # model versions, once per actor
        }


def run_ray(
    inputs: list[str],
    out_dir: str | os.PathLike[str],
    *,
    config: dict[str, Any] | None = None,
    read_options: ReadOptions | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    concurrency: int | None = None,
    preserve_order: bool = True,
) -> RunResult:
    """Analyse ``inputs`` into ``out_dir`` with Ray Data; same files as :func:`run`.

    ``address``: an existing cluster (``"ray://head:10001"``, ``"auto"``); None starts a
    local instance with ``num_cpus`` CPUs (when Ray is already initialised in this
    process, that instance is used). ``concurrency``: pipeline actors (default: one per
    CPU of the cluster). ``batch_size``: items per actor call.
    """
    ray = _import_ray()
    config = config if config is not None else load_config()
    plan_pipeline(config)
    opts = read_options or ReadOptions()
    if "-" in inputs:
        raise ConfigError("[E015] --engine ray reads files and directories, not stdin (-)")
    _check_inputs(inputs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    started_here = False
    if not ray.is_initialized():
        if address:  # an existing cluster: its resources are its own
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(
                num_cpus=num_cpus,
                include_dashboard=False,
                log_to_driver=False,
                logging_level="warning",
            )
        started_here = True
    try:
        return _execute(ray, inputs, out, config, opts, batch_size, concurrency, preserve_order)
    finally:
        if started_here:
            ray.shutdown()


def _execute(
    ray: Any,
    inputs: list[str],
    out: Path,
    config: dict[str, Any],
    opts: ReadOptions,
    batch_size: int,
    concurrency: int | None,
    preserve_order: bool,
) -> RunResult:
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = preserve_order
    ctx.enable_progress_bars = False
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    if concurrency is None:
        concurrency = cpus
    readers = max(1, min(8, cpus // 4))

    start = time.perf_counter()
    paths = [{"index": i, "path": p} for i, p in enumerate(expand_inputs(inputs))]
    result = RunResult(out_dir=str(out))
    docs_path, errs_path = out / "documents.jsonl", out / "errors.jsonl"
    (out / "run.json").unlink(missing_ok=True)
    (out / ".progress.json").unlink(missing_ok=True)
    infos: dict[str, Any] = {}
    with open(docs_path, "wb") as fd, open(errs_path, "wb") as fe:
        if paths:
            ds = (
                ray.data.from_items(paths)
                .map_batches(
                    _read_paths,
                    batch_size=PATHS_PER_READ,
                    fn_kwargs={"options": opts, "rows": batch_size},
                    # reading is light next to the pipeline: a few tasks without a CPU
                    # reservation, so that every CPU can hold a pipeline actor
                    num_cpus=0,
                    compute=ray.data.TaskPoolStrategy(size=readers),
                )
                .map_batches(
                    _PipelineActor,
                    fn_constructor_kwargs={"config": config},
                    batch_size=batch_size,
                    compute=ray.data.ActorPoolStrategy(size=concurrency),
                    num_cpus=1,
                )
            )
            errors: Counter[str] = Counter()
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                for kind, line, timing, info in zip(
                    batch["kind"], batch["line"], batch["timings"], batch["info"], strict=True
                ):
                    if info and not infos:
                        infos = json.loads(str(info))
                    data = (str(line) + "\n").encode("utf-8")
                    if kind == "doc":
                        fd.write(data)
                        result.analysed += 1
                    else:
                        fe.write(data)
                        result.failed += 1
                        errors[json.loads(str(line))["error"]] += 1
                    if timing:
                        add_timings(result, json.loads(str(timing)))
            result.errors_by_code = errors
        result.inputs = result.analysed + result.failed
    result.seconds = time.perf_counter() - start
    _write_run_json(out, config, result, infos, concurrency, engine="ray")
    return result
