"""Build a pipeline from config, run it over streamed inputs, write records.

The config is TOML. The defaults ship in ``narrascope/config/default.toml``; a user file
given with ``--config`` is merged over them, table by table::

    [pipeline]
    stages = ["language", "segment", "narratives"]

    [stages.narratives]
    backend = "narratives.linear.v1"   # swap a backend: change this one line
    model = "/path/to/model_dir"       # every other key is passed to the backend

Every stage declares what it requires and assigns; :func:`build_pipeline` checks the
order before any model is loaded. :func:`run` streams inputs through the pipeline with
``workers`` processes (bounded number of chunks in flight, output in input order) and
writes ``documents.jsonl``, ``errors.jsonl`` and ``run.json``. With ``resume=True`` a
killed run continues from its checkpoint, giving the same files as an uninterrupted run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing as mp
import os
import platform
import time
import tomllib
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .document import SCHEMA_VERSION, Document
from .errors import ConfigError, OffsetError, PipelineOrderError
from .io.readers import ErrorRecord, Item, ReadOptions, read_inputs
from .registry import BackendInfo, stages

ALWAYS_AVAILABLE = ("text", "title", "published")


# -- config ----------------------------------------------------------------------------
def default_config() -> dict[str, Any]:
    text = resources.files("narrascope.config").joinpath("default.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_config(
    path: str | os.PathLike[str] | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Default config, merged with the TOML file at ``path`` and then ``overrides``."""
    config = default_config()
    if path is not None:
        try:
            with open(path, "rb") as f:
                config = _merge(config, tomllib.load(f))
        except FileNotFoundError as e:
            raise ConfigError(f"[E005] config file {str(path)!r} does not exist") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"[E006] config file {str(path)!r} is not valid TOML: {e}") from e
    if overrides:
        config = _merge(config, overrides)
    return config


@dataclass
class StageSpec:
    stage: str
    info: BackendInfo
    options: dict[str, Any]


def plan_pipeline(config: dict[str, Any]) -> list[StageSpec]:
    """Resolve backends and check requires/assigns order, without loading any model."""
    names = config.get("pipeline", {}).get("stages")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError('[E007] config needs [pipeline] stages = ["language", ...]')
    tables = config.get("stages", {})
    available = set(ALWAYS_AVAILABLE)
    plan: list[StageSpec] = []
    for name in names:
        table = dict(tables.get(name) or {})
        backend = table.pop("backend", None)
        if not backend:
            known = sorted({b.stage for b in stages.all()})
            raise ConfigError(
                f"[E008] stage {name!r} has no [stages.{name}] backend in the config. "
                f"Known stages: {', '.join(known)}"
            )
        info = stages.get(backend)
        if info.stage != name:
            raise ConfigError(
                f"[E009] backend {backend!r} fills stage {info.stage!r}, not {name!r}"
            )
        missing = [r for r in info.requires if r not in available]
        if missing:
            providers = sorted(
                {b.stage for b in stages.all() if any(m in b.assigns for m in missing)}
            )
            raise PipelineOrderError(
                f"[E003] stage {name!r} ({backend}) requires {', '.join(missing)}, which no "
                f"earlier stage assigns. Put one of these stages before it: "
                f"{', '.join(providers) or '(none registered)'}. Order now: {', '.join(names)}"
            )
        available.update(info.assigns)
        plan.append(StageSpec(name, info, table))
    return plan


class Pipeline:
    """Stages built from a config; ``process`` turns a batch of items into output lines."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.plan = plan_pipeline(config)
        self.stages: list[tuple[str, Any]] = []
        for spec in self.plan:
            try:
                instance = spec.info.factory(**spec.options)
            except TypeError as e:
                raise ConfigError(f"[E010] bad options for stage {spec.stage!r}: {e}") from e
            self.stages.append((spec.stage, instance))
        self.batch_size = int(config.get("pipeline", {}).get("batch_size", 16))

    def info(self) -> dict[str, Any]:
        return {name: stage.info() for name, stage in self.stages}

    def __call__(self, doc: Document) -> Document:
        """Run every stage on one document (errors propagate)."""
        for _, stage in self.stages:
            doc = stage(doc)
        return doc

    def process(self, items: list[Item]) -> tuple[list[tuple[str, str]], dict[str, float]]:
        """Analyse a batch. Returns ``[(kind, json_line)]`` in input order, and timings.

        ``kind`` is ``"doc"`` or ``"error"``. A stage that fails on a document turns that
        document into an error record naming the stage; the rest of the batch goes on.
        """
        timings: dict[str, float] = {}
        failed: dict[int, dict[str, Any]] = {}
        docs = {i: it for i, it in enumerate(items) if isinstance(it, Document)}
        for name, stage in self.stages:
            t0 = time.perf_counter()
            live = [i for i in docs if i not in failed]
            try:
                outs = list(stage.pipe([docs[i] for i in live], batch_size=self.batch_size))
                if len(outs) != len(live):
                    raise RuntimeError(f"pipe returned {len(outs)} docs for {len(live)}")
                docs.update(zip(live, outs, strict=True))
            except Exception:  # noqa: BLE001 - isolate the failing document(s)
                for i in live:
                    try:
                        docs[i] = stage(docs[i])
                    except Exception as e:  # noqa: BLE001
                        failed[i] = _stage_error(docs[i], name, "stage_failed", e)
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        out: list[tuple[str, str]] = []
        for i, item in enumerate(items):
            if isinstance(item, ErrorRecord):
                out.append(("error", _dumps(item.to_json())))
            elif i in failed:
                out.append(("error", _dumps(failed[i])))
            else:
                doc = docs[i]
                try:
                    doc.validate()
                except OffsetError as e:
                    out.append(
                        ("error", _dumps(_stage_error(doc, "validate", "invalid_output", e)))
                    )
                    continue
                out.append(("doc", _dumps(doc.to_json())))
        return out, timings


def _stage_error(doc: Document, stage: str, code: str, e: BaseException) -> dict[str, Any]:
    where = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    loc = f" ({Path(where[0].filename).name}:{where[0].lineno})" if where else ""
    return {
        "input": doc.source or doc.id,
        "stage": stage,
        "error": code,
        "detail": f"{type(e).__name__}: {e}{loc}",
        "id": doc.id,
    }


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def build_pipeline(
    config: dict[str, Any] | None = None, *, config_path: str | None = None
) -> Pipeline:
    return Pipeline(config if config is not None else load_config(config_path))


# -- running -----------------------------------------------------------------------------
@dataclass
class RunResult:
    inputs: int = 0
    analysed: int = 0
    failed: int = 0
    errors_by_code: Counter[str] = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    out_dir: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.failed == 0 else 3


_WORKER: Pipeline | None = None


def _init_worker(config: dict[str, Any]) -> None:
    global _WORKER
    _WORKER = Pipeline(config)


def _work(items: list[Item]) -> tuple[list[tuple[str, str]], dict[str, float]]:
    if _WORKER is None:  # pragma: no cover - initializer always runs first
        raise RuntimeError("worker pipeline not initialised")
    return _WORKER.process(items)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def config_digest(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]


class _Checkpoint:
    """Atomic record of how many inputs are fully written, and the output sizes then."""

    def __init__(self, out: Path, key: dict[str, Any]) -> None:
        self.path = out / ".progress.json"
        self.key = key

    def load(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self.path.read_text("utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return state if state.get("key") == self.key else None

    def save(self, state: dict[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": self.key, **state}), "utf-8")
        os.replace(tmp, self.path)


def run(
    inputs: list[str],
    out_dir: str | os.PathLike[str],
    *,
    config: dict[str, Any] | None = None,
    read_options: ReadOptions | None = None,
    workers: int = 1,
    chunk_size: int = 16,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Analyse ``inputs`` into ``out_dir``. ``progress(done, failed)`` is called per chunk."""
    config = config if config is not None else load_config()
    plan_pipeline(config)  # fail fast on a bad config before touching the output
    opts = read_options or ReadOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs_path, errs_path = out / "documents.jsonl", out / "errors.jsonl"
    key = {
        "inputs": [os.path.abspath(p) if p != "-" else p for p in inputs],
        "config": config_digest(config),
        "read_options": config_digest(opts.__dict__),
    }
    checkpoint = _Checkpoint(out, key)
    state = checkpoint.load() if resume else None
    result = RunResult(out_dir=str(out))
    skip = 0
    if state:
        skip = int(state["inputs_done"])
        result.inputs, result.analysed, result.failed = skip, state["analysed"], state["failed"]
        result.errors_by_code.update(state.get("errors_by_code", {}))
        result.stage_seconds = dict(state.get("stage_seconds", {}))
        for path, size in (
            (docs_path, state["documents_bytes"]),
            (errs_path, state["errors_bytes"]),
        ):
            with open(path, "ab") as f:
                f.truncate(size)
    else:
        docs_path.write_bytes(b"")
        errs_path.write_bytes(b"")
    start = time.perf_counter()
    items: Iterator[Item] = read_inputs(inputs, opts)
    if skip:
        items = (it for i, it in enumerate(items) if i >= skip)

    with open(docs_path, "ab") as fd, open(errs_path, "ab") as fe:

        def write(chunk_len: int, lines: list[tuple[str, str]], timings: dict[str, float]) -> None:
            for kind, line in lines:
                data = (line + "\n").encode("utf-8")
                if kind == "doc":
                    fd.write(data)
                    result.analysed += 1
                else:
                    fe.write(data)
                    result.failed += 1
                    result.errors_by_code[json.loads(line)["error"]] += 1
            result.inputs += chunk_len
            for k, v in timings.items():
                result.stage_seconds[k] = result.stage_seconds.get(k, 0.0) + v
            fd.flush()
            fe.flush()
            checkpoint.save(
                {
                    "inputs_done": result.inputs,
                    "analysed": result.analysed,
                    "failed": result.failed,
                    "errors_by_code": dict(result.errors_by_code),
                    "stage_seconds": result.stage_seconds,
                    "documents_bytes": fd.tell(),
                    "errors_bytes": fe.tell(),
                }
            )
            if progress is not None:
                progress(result.inputs, result.failed)

        if workers <= 1:
            pipeline = Pipeline(config)
            t_read = time.perf_counter()
            for chunk in _chunks(items, chunk_size):
                t_chunk = time.perf_counter()
                result.stage_seconds["read"] = (
                    result.stage_seconds.get("read", 0.0) + t_chunk - t_read
                )
                lines, timings = pipeline.process(chunk)
                write(len(chunk), lines, timings)
                t_read = time.perf_counter()
            infos = pipeline.info()
        else:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(config,)
            ) as pool:
                pending: deque[tuple[int, Future[Any]]] = deque()
                for chunk in _chunks(items, chunk_size):
                    pending.append((len(chunk), pool.submit(_work, chunk)))
                    while len(pending) >= workers * 3:
                        n, fut = pending.popleft()
                        write(n, *fut.result())
                while pending:
                    n, fut = pending.popleft()
                    write(n, *fut.result())
                infos = pool.submit(_worker_info).result()
    result.seconds = time.perf_counter() - start
    _write_run_json(out, config, result, infos, workers, resumed_from=skip)
    return result


def _worker_info() -> dict[str, Any]:
    return _WORKER.info() if _WORKER is not None else {}


def _write_run_json(
    out: Path,
    config: dict[str, Any],
    result: RunResult,
    infos: dict[str, Any],
    workers: int,
    *,
    resumed_from: int,
) -> None:
    run_info = {
        "schema_version": SCHEMA_VERSION,
        "narrascope_version": __version__,
        "python": platform.python_version(),
        "counts": {
            "inputs": result.inputs,
            "analysed": result.analysed,
            "failed": result.failed,
            "errors_by_code": dict(sorted(result.errors_by_code.items())),
            "accounted_for": result.analysed + result.failed == result.inputs,
        },
        "stages": infos,
        "config": config,
        "workers": workers,
        "resumed_from_input": resumed_from,
        "timings": {
            "seconds": round(result.seconds, 3),
            "docs_per_second": round(result.inputs / result.seconds, 2) if result.seconds else None,
            "stage_seconds": {k: round(v, 3) for k, v in result.stage_seconds.items()},
        },
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    tmp = out / "run.json.tmp"
    tmp.write_text(json.dumps(run_info, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, out / "run.json")
