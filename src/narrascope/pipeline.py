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
import dataclasses
import hashlib
import itertools
import json
import multiprocessing as mp
import os
import platform
import threading
import time
import tomllib
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .document import SCHEMA_VERSION, Document
from .errors import ConfigError, OffsetError, PipelineOrderError
from .io.readers import ErrorRecord, Item, ReadOptions, expand_inputs, read_path
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
    """Default config, merged with the TOML file at ``path`` and then ``overrides``.

    Without ``path``, the file named by the ``NARRASCOPE_CONFIG`` environment variable
    (if set) is merged instead.
    """
    config = default_config()
    if path is None and os.environ.get("NARRASCOPE_CONFIG"):
        path = os.environ["NARRASCOPE_CONFIG"]
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
        """Analyse a batch. Returns ``[(kind, json_line)]`` in input order, and timings
        (wall seconds per stage, and CPU seconds of this process under ``STAGE.cpu``).

        ``kind`` is ``"doc"`` or ``"error"``. A stage that fails on a document turns that
        document into an error record naming the stage; the rest of the batch goes on.
        """
        timings: dict[str, float] = {}
        failed: dict[int, dict[str, Any]] = {}
        docs = {i: it for i, it in enumerate(items) if isinstance(it, Document)}
        for name, stage in self.stages:
            t0, c0 = time.perf_counter(), time.process_time()
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
            timings[name + CPU_SUFFIX] = (
                timings.get(name + CPU_SUFFIX, 0.0) + time.process_time() - c0
            )
        t0, c0 = time.perf_counter(), time.process_time()
        out: list[tuple[str, str]] = []
        for i, item in enumerate(items):
            if isinstance(item, ErrorRecord):
                out.append(("error", _dumps(item.to_json())))
            elif i in failed:
                out.append(("error", _dumps(failed[i])))
            else:
                doc = docs[i]
                record = doc.to_json()
                if not _offsets_ok(record, doc.text):
                    try:
                        doc.validate()  # slow path: finds the bad span and says where
                    except OffsetError as e:
                        error = _stage_error(doc, "validate", "invalid_output", e)
                        out.append(("error", _dumps(error)))
                        continue
                out.append(("doc", _dumps(record)))
        timings["serialise"] = time.perf_counter() - t0
        timings["serialise" + CPU_SUFFIX] = time.process_time() - c0
        return out, timings


def _offsets_ok(record: dict[str, Any], text: str) -> bool:
    """Fast check of the offset invariant over a serialised record (see ``validate``).

    Walks every nested mapping (not descending into ``text`` keys, as
    :func:`~narrascope.document.iter_span_mappings` does) and returns False at the first
    span-like mapping whose ``text`` differs from ``text[start:end]``. Span groups, the
    bulk of a record, take a flat loop.
    """
    n = len(text)
    stack: list[Any] = []
    for key, value in record.items():
        if key == "spans" and isinstance(value, dict):
            for group in value.values():
                if not isinstance(group, list):
                    stack.append(group)
                    continue
                for span in group:
                    if not isinstance(span, dict):
                        stack.append(span)
                        continue
                    start, end, sub = span.get("start"), span.get("end"), span.get("text")
                    if isinstance(start, int) and isinstance(end, int) and isinstance(sub, str):
                        if not (0 <= start <= end <= n) or text[start:end] != sub:
                            return False
                    attrs = span.get("attrs")  # Span.to_json: only attrs can nest spans
                    if attrs:
                        stack.append(attrs)
        elif key != "text" and isinstance(value, dict | list):
            stack.append(value)
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            start, end, sub = obj.get("start"), obj.get("end"), obj.get("text")
            if isinstance(start, int) and isinstance(end, int) and isinstance(sub, str):
                if not (0 <= start <= end <= n) or text[start:end] != sub:
                    return False
            stack.extend(v for k, v in obj.items() if k != "text" and isinstance(v, dict | list))
        elif isinstance(obj, list):
            stack.extend(v for v in obj if isinstance(v, dict | list))
    return True


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


def _utf8(text: str) -> bytes:
    """UTF-8 bytes of JSON text. A lone surrogate that got past the readers (in a title
    or metadata field of JSON input, say) can only sit inside a JSON string, where its
    ``\\udcff`` escape is the JSON spelling of the same character."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


def build_pipeline(
    config: dict[str, Any] | None = None, *, config_path: str | None = None
) -> Pipeline:
    return Pipeline(config if config is not None else load_config(config_path))


# -- running -----------------------------------------------------------------------------
#: Chunks queued per worker process. The reader runs at most this many chunks ahead of
#: the writer, so memory is bounded by ``workers * IN_FLIGHT_PER_WORKER * chunk_size``
#: documents whatever the corpus size.
IN_FLIGHT_PER_WORKER = 2
CHECKPOINT_FILE = ".progress.json"
CHECKPOINT_VERSION = 2
CPU_SUFFIX = ".cpu"  # timing keys with this suffix are CPU seconds (time.process_time)


def add_timings(result: RunResult, timings: dict[str, float]) -> None:
    """Add a batch's timings to the run's wall and CPU seconds per stage."""
    for k, v in timings.items():
        if k.endswith(CPU_SUFFIX):
            k = k[: -len(CPU_SUFFIX)]
            result.stage_cpu_seconds[k] = result.stage_cpu_seconds.get(k, 0.0) + v
        else:
            result.stage_seconds[k] = result.stage_seconds.get(k, 0.0) + v


@dataclass
class RunResult:
    inputs: int = 0
    analysed: int = 0
    failed: int = 0
    errors_by_code: Counter[str] = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall seconds
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds
    seconds: float = 0.0
    out_dir: str = ""
    resumed_from: int = 0  # inputs already done by an earlier, interrupted run

    @property
    def exit_code(self) -> int:
        return 0 if self.failed == 0 else 3


_WORKER: Pipeline | None = None
_WORKER_LOAD_SECONDS = 0.0


def _init_worker(config: dict[str, Any], parent_pid: int | None = None) -> None:
    global _WORKER, _WORKER_LOAD_SECONDS
    if parent_pid is not None:
        threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    t0 = time.perf_counter()
    _WORKER = Pipeline(config)
    _WORKER_LOAD_SECONDS = time.perf_counter() - t0


def _exit_with_parent(pid: int, interval: float = 0.5) -> None:
    """End this worker when the run's main process is gone (e.g. killed with SIGKILL),
    instead of leaving an orphan that waits for work forever."""
    while True:
        time.sleep(interval)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - the pid was reused by another user
            os._exit(1)


def _work(items: list[Item]) -> tuple[list[tuple[str, str]], dict[str, float]]:
    global _WORKER_LOAD_SECONDS
    if _WORKER is None:  # pragma: no cover - initializer always runs first
        raise RuntimeError("worker pipeline not initialised")
    lines, timings = _WORKER.process(items)
    if _WORKER_LOAD_SECONDS:  # reported once, with the worker's first chunk
        timings["load"] = _WORKER_LOAD_SECONDS
        _WORKER_LOAD_SECONDS = 0.0
    return lines, timings


def _worker_info() -> dict[str, Any]:
    return _WORKER.info() if _WORKER is not None else {}


def config_digest(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]


# An input position: (index of the expanded path, the path, the item within that path).
_Pos = tuple[int, str]


def _read_positioned(
    inputs: list[str],
    opts: ReadOptions,
    *,
    start_path: int = 0,
    start_name: str | None = None,
    skip_items: int = 0,
) -> Iterator[tuple[_Pos, Item]]:
    """Stream items with their path position; skip what a checkpoint says is done.

    Paths before ``start_path`` are not opened at all, and the first ``skip_items`` items
    of path ``start_path`` are read but dropped, so resuming a run over a large corpus
    does not decode it again. Raises ConfigError when path ``start_path`` is no longer
    ``start_name`` (the inputs changed since the checkpoint).
    """
    reached = False
    for index, path in enumerate(expand_inputs(inputs)):
        if index < start_path:
            continue
        if index == start_path and start_name is not None and path != start_name:
            raise ConfigError(
                f"[E014] the inputs changed since the checkpoint: input #{index} was "
                f"{start_name!r} and is now {path!r}. Run without --resume to start over"
            )
        items: Iterator[Item] = read_path(path, opts)
        if index == start_path and skip_items:
            items = itertools.islice(items, skip_items, None)
        for item in items:
            yield (index, path), item
        reached = True
    if start_name is not None and not reached:
        raise ConfigError(
            f"[E014] the inputs changed since the checkpoint: input #{start_path} "
            f"({start_name!r}) is gone. Run without --resume to start over"
        )


def _chunks(
    source: Iterator[tuple[_Pos, Item]], size: int, timings: dict[str, float]
) -> Iterator[tuple[list[Item], list[_Pos]]]:
    """Group items into chunks, adding the time spent reading to ``timings["read"]``."""
    while True:
        t0, c0 = time.perf_counter(), time.process_time()
        batch = list(itertools.islice(source, size))
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - t0
        timings["read" + CPU_SUFFIX] = (
            timings.get("read" + CPU_SUFFIX, 0.0) + time.process_time() - c0
        )
        if not batch:
            return
        yield [item for _, item in batch], [pos for pos, _ in batch]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class _Checkpoint:
    """What is safely on disk: inputs done, output sizes then, counts and position.

    Protocol (one writer): output lines are appended to ``documents.jsonl`` and
    ``errors.jsonl``; the two files are flushed and fsynced; only then is the checkpoint
    replaced atomically (temporary file, fsync, rename, fsync of the directory). A run
    killed at any moment therefore finds on disk a checkpoint whose byte sizes are at
    most the sizes of the files; resuming truncates the files to those sizes (dropping a
    half-written chunk) and reads on from the recorded input position.
    """

    def __init__(self, out: Path, key: dict[str, Any]) -> None:
        self.path = out / CHECKPOINT_FILE
        self.key = key

    def load(self) -> dict[str, Any] | None:
        """The saved state; None when there is none (or it cannot be parsed).

        Raises ConfigError when the checkpoint was made by a different command.
        """
        try:
            state = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # unreadable: start over (the outputs are rewritten from scratch)
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            return None
        if state.get("key") != self.key:
            changed = [k for k in self.key if state.get("key", {}).get(k) != self.key[k]]
            raise ConfigError(
                f"[E012] {self.path} belongs to a run with different "
                f"{', '.join(changed) or 'settings'}; resume with the same inputs, config "
                "and options, or run without --resume to start over"
            )
        return state

    def save(self, state: dict[str, Any]) -> None:
        doc = {"version": CHECKPOINT_VERSION, "key": self.key, **state}
        _atomic_write(self.path, _utf8(json.dumps(doc, ensure_ascii=False)))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        _fsync_dir(self.path.parent)


class _Writer:
    """Appends output lines in input order and checkpoints what is on disk."""

    def __init__(
        self,
        out: Path,
        result: RunResult,
        checkpoint: _Checkpoint,
        *,
        position: tuple[int, str | None, int],
        every: float,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.result = result
        self.checkpoint = checkpoint
        self.every = every
        self.progress = progress
        self.path_index, self.path_name, self.path_items = position
        self.fd = open(out / "documents.jsonl", "ab")
        self.fe = open(out / "errors.jsonl", "ab")
        self.last_commit = time.monotonic()

    def write(
        self, lines: list[tuple[str, str]], positions: list[_Pos], timings: dict[str, float]
    ) -> None:
        result = self.result
        docs: list[str] = []
        errs: list[str] = []
        for kind, line in lines:
            if kind == "doc":
                docs.append(line)
            else:
                errs.append(line)
                result.errors_by_code[json.loads(line)["error"]] += 1
        if docs:
            self.fd.write(_utf8("\n".join(docs) + "\n"))
        if errs:
            self.fe.write(_utf8("\n".join(errs) + "\n"))
        result.analysed += len(docs)
        result.failed += len(errs)
        result.inputs += len(positions)
        for index, path in positions:
            if index == self.path_index:
                self.path_items += 1
            else:
                self.path_index, self.path_name, self.path_items = index, path, 1
        add_timings(result, timings)
        if time.monotonic() - self.last_commit >= self.every:
            self.commit()
        if self.progress is not None:
            self.progress(result.inputs, result.failed)

    def commit(self, *, complete: bool = False) -> None:
        for f in (self.fd, self.fe):
            f.flush()
            os.fsync(f.fileno())
        r = self.result
        self.checkpoint.save(
            {
                "complete": complete,
                "inputs_done": r.inputs,
                "analysed": r.analysed,
                "failed": r.failed,
                "errors_by_code": dict(r.errors_by_code),
                "stage_seconds": r.stage_seconds,
                "stage_cpu_seconds": r.stage_cpu_seconds,
                "documents_bytes": self.fd.tell(),
                "errors_bytes": self.fe.tell(),
                "path_index": self.path_index,
                "path": self.path_name,
                "path_items": self.path_items,
            }
        )
        self.last_commit = time.monotonic()

    def close(self) -> None:
        self.fd.close()
        self.fe.close()


def _check_inputs(inputs: list[str]) -> None:
    """Raise ConfigError (a usage error) for a missing path before any output is touched."""
    for raw in inputs:
        next(iter(expand_inputs([raw])), None)


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
    checkpoint_every: float | None = None,
) -> RunResult:
    """Analyse ``inputs`` into ``out_dir`` (``documents.jsonl``, ``errors.jsonl``, ``run.json``).

    Inputs are streamed: the reader runs at most ``workers * IN_FLIGHT_PER_WORKER``
    chunks of ``chunk_size`` items ahead of the writer. With ``workers > 1`` the chunks
    are analysed by that many processes (one pipeline, so one copy of each model, per
    process) and written in input order, so the output files are byte-identical to those
    of ``workers=1``.

    The run checkpoints what is on disk at most every ``checkpoint_every`` seconds (and
    at the end; default 1 s, or the ``NARRASCOPE_CHECKPOINT_SECONDS`` environment
    variable; 0 checkpoints after every chunk). With ``resume=True`` a run killed at any
    moment continues from its checkpoint and ends with the same files as an uninterrupted
    run; without it, the output directory is started afresh. ``progress(done, failed)``
    is called per chunk.
    """
    config = config if config is not None else load_config()
    plan_pipeline(config)  # fail fast on a bad config before touching the output
    opts = read_options or ReadOptions()
    _check_inputs(inputs)
    if checkpoint_every is None:
        checkpoint_every = float(os.environ.get("NARRASCOPE_CHECKPOINT_SECONDS", "1.0"))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs_path, errs_path = out / "documents.jsonl", out / "errors.jsonl"
    key = {
        "inputs": [os.path.abspath(p) if p != "-" else p for p in inputs],
        "config": config_digest(config),
        "read_options": config_digest(dataclasses.asdict(opts)),
        "narrascope": __version__,
    }
    checkpoint = _Checkpoint(out, key)
    state = checkpoint.load() if resume else None
    result = RunResult(out_dir=str(out))
    position: tuple[int, str | None, int] = (0, None, 0)
    if state is not None:
        sizes = {docs_path: int(state["documents_bytes"]), errs_path: int(state["errors_bytes"])}
        for path, size in sizes.items():
            actual = path.stat().st_size if path.exists() else -1
            if actual < size:
                raise ConfigError(
                    f"[E013] {path} has {max(actual, 0)} bytes but the checkpoint recorded "
                    f"{size}: the output was changed after the run stopped. Run without "
                    "--resume to start over"
                )
        for path, size in sizes.items():
            with open(path, "r+b") as f:
                f.truncate(size)
                f.flush()
                os.fsync(f.fileno())
        result.inputs = result.resumed_from = int(state["inputs_done"])
        result.analysed, result.failed = int(state["analysed"]), int(state["failed"])
        result.errors_by_code.update(state.get("errors_by_code", {}))
        result.stage_seconds = dict(state.get("stage_seconds", {}))
        result.stage_cpu_seconds = dict(state.get("stage_cpu_seconds", {}))
        position = (int(state["path_index"]), state["path"], int(state["path_items"]))
    else:
        # Drop the old checkpoint before the outputs: a crash in between leaves no
        # checkpoint, so a later --resume starts over instead of trusting stale sizes.
        checkpoint.clear()
        (out / "run.json").unlink(missing_ok=True)
        docs_path.write_bytes(b"")
        errs_path.write_bytes(b"")
    start = time.perf_counter()
    source = _read_positioned(
        inputs, opts, start_path=position[0], start_name=position[1], skip_items=position[2]
    )
    timings: dict[str, float] = {}
    chunks = _chunks(source, max(1, chunk_size), timings)
    writer = _Writer(
        out, result, checkpoint, position=position, every=checkpoint_every, progress=progress
    )
    try:
        if state is not None and state.get("complete"):
            infos = Pipeline(config).info()
        elif workers <= 1:
            t0 = time.perf_counter()
            pipeline = Pipeline(config)
            timings["load"] = time.perf_counter() - t0
            for items, positions in chunks:
                lines, stage_times = pipeline.process(items)
                writer.write(lines, positions, stage_times)
            infos = pipeline.info()
        else:
            infos = _run_pool(config, chunks, writer, workers)
        add_timings(result, timings)
        writer.commit(complete=True)
    finally:
        writer.close()
    result.seconds = time.perf_counter() - start
    _write_run_json(out, config, result, infos, workers)
    return result


def _run_pool(
    config: dict[str, Any],
    chunks: Iterator[tuple[list[Item], list[_Pos]]],
    writer: _Writer,
    workers: int,
) -> dict[str, Any]:
    """Analyse chunks in ``workers`` processes; write results in input order."""
    methods = mp.get_all_start_methods()
    # forkserver: workers start from a clean single-threaded server process that has
    # imported narrascope and every stage module once (engines/preload.py), safe even
    # when the parent runs threads (a progress bar, Ray); spawn where forkserver is
    # missing (Windows).
    method = "forkserver" if "forkserver" in methods else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["narrascope.pipeline", "narrascope.engines.preload"])
    limit = workers * IN_FLIGHT_PER_WORKER
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(config, os.getpid()),
    )
    try:
        pending: deque[tuple[list[_Pos], Future[Any]]] = deque()
        for items, positions in chunks:
            pending.append((positions, pool.submit(_work, items)))
            while len(pending) >= limit:
                positions_done, fut = pending.popleft()
                writer.write(*_with_positions(fut.result(), positions_done))
        while pending:
            positions_done, fut = pending.popleft()
            writer.write(*_with_positions(fut.result(), positions_done))
        infos: dict[str, Any] = pool.submit(_worker_info).result()
    except BaseException:
        # Ctrl-C, a dead worker, a write error: stop at once; the checkpoint on disk
        # lets --resume continue from the last committed chunk.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return infos


def _with_positions(
    result: tuple[list[tuple[str, str]], dict[str, float]], positions: list[_Pos]
) -> tuple[list[tuple[str, str]], list[_Pos], dict[str, float]]:
    return result[0], positions, result[1]


def _write_run_json(
    out: Path,
    config: dict[str, Any],
    result: RunResult,
    infos: dict[str, Any],
    workers: int,
    *,
    engine: str = "local",
) -> None:
    done_now = result.inputs - result.resumed_from
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
        "engine": engine,
        "workers": workers,
        "resumed_from_input": result.resumed_from,
        "timings": {
            "seconds": round(result.seconds, 3),
            "docs_per_second": round(done_now / result.seconds, 2) if result.seconds else None,
            "stage_seconds": {k: round(v, 3) for k, v in result.stage_seconds.items()},
            "stage_cpu_seconds": {k: round(v, 3) for k, v in result.stage_cpu_seconds.items()},
            "stage_seconds_note": (
                "stage_seconds: wall time per stage, summed over all worker processes "
                "(inflated when the machine is busy); stage_cpu_seconds: CPU time of "
                "those processes in each stage"
                if workers > 1
                else "stage_seconds: wall time per stage in the one process; "
                "stage_cpu_seconds: its CPU time in each stage"
            ),
        },
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    text = json.dumps(run_info, indent=2, ensure_ascii=False) + "\n"
    _atomic_write(out / "run.json", _utf8(text))
