"""Bounded memory: the reader streams, the pool bounds the chunks in flight, and peak RSS
does not grow with the corpus (50,000 generated documents, ``slow``)."""

from __future__ import annotations

import inspect
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from narrascope import pipeline as pl
from narrascope.io.readers import read_inputs
from narrascope.pipeline import run

pytestmark = pytest.mark.usefixtures("light_pipeline")

WORDS = (
    "the council said on monday that new roads and a bridge would be built before winter "
    "while farmers warned that prices for grain had fallen again and the minister denied "
    "every claim made by the opposition about the budget"
).split()


def _doc_line(rng: random.Random, i: int) -> str:
    sents = []
    for _ in range(rng.randint(2, 5)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        sents.append(" ".join(words).capitalize() + ".")
    return json.dumps({"id": f"d{i:06d}", "text": " ".join(sents)})


def write_jsonl(path: Path, n: int, *, seed: int = 3) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(_doc_line(rng, i) + "\n")
    return path


def test_reader_is_lazy(tmp_path: Path) -> None:
    """The reader is a generator that reads a file as it goes: lines appended after the
    first document was taken still come out."""
    path = write_jsonl(tmp_path / "docs.jsonl", 2000)
    items = read_inputs([str(path)])
    assert inspect.isgenerator(items)
    assert next(items).id == "d000000"
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "late", "text": "Written after reading began."}) + "\n")
    rest = [item.id for item in items]
    assert len(rest) == 2000 and rest[-1] == "late"


def test_run_streams_from_a_pipe_that_is_still_open(tmp_path: Path) -> None:
    """Documents are analysed and written while the input is still being produced: a
    run that read its whole input first would never report progress before EOF."""
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    rng = random.Random(5)
    done_while_open: list[int] = []
    seen = threading.Event()
    progressed = [0]

    def progress(done: int, failed: int) -> None:
        progressed[0] = done
        if done >= 40:
            seen.set()

    def produce() -> None:
        with open(fifo, "w", encoding="utf-8") as f:
            for i in range(60):
                f.write(_doc_line(rng, i) + "\n")
            f.flush()
            seen.wait(timeout=60)
            done_while_open.append(progressed[0])
            for i in range(60, 100):
                f.write(_doc_line(rng, i) + "\n")

    writer = threading.Thread(target=produce)
    writer.start()
    result = run([str(fifo)], tmp_path / "out", chunk_size=4, progress=progress)
    writer.join(timeout=60)
    assert done_while_open and done_while_open[0] >= 40
    assert result.inputs == result.analysed == 100


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_in_flight_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The reader never runs more than ``workers * IN_FLIGHT_PER_WORKER`` chunks ahead
    of the writer, whatever the corpus size."""
    path = write_jsonl(tmp_path / "docs.jsonl", 600)
    produced = [0]
    ahead: list[int] = []
    real_read_path = pl.read_path

    def counting_read_path(p: str, opts: object):  # type: ignore[no-untyped-def]
        for item in real_read_path(p, opts):  # type: ignore[arg-type]
            produced[0] += 1
            yield item

    def progress(done: int, failed: int) -> None:
        ahead.append(produced[0] - done)

    monkeypatch.setattr(pl, "read_path", counting_read_path)
    chunk = 4
    result = run(
        [str(path)], tmp_path / "out", workers=workers, chunk_size=chunk, progress=progress
    )
    assert result.inputs == 600 and produced[0] == 600
    bound = (workers * pl.IN_FLIGHT_PER_WORKER if workers > 1 else 1) * chunk
    assert max(ahead) <= bound, (max(ahead), bound)


def _peak_rss_kb(cmd: list[str]) -> tuple[int, float]:
    """Run ``cmd`` in a wrapper process; return the peak RSS (KB) of its largest
    descendant (resource.getrusage RUSAGE_CHILDREN, workers included) and the seconds."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "time.perf_counter() - t, code)\n"
    )
    env = dict(os.environ)
    src = str(Path(pl.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env,
        timeout=1800,
    )  # fmt: skip
    rss, seconds, code = proc.stdout.split()
    assert code == "0", proc.stderr
    return int(rss), float(seconds)


@pytest.mark.slow
def test_peak_rss_is_bounded_on_50k_documents(tmp_path: Path) -> None:
    small = write_jsonl(tmp_path / "small.jsonl", 2_000)
    big = write_jsonl(tmp_path / "big.jsonl", 50_000)
    assert big.stat().st_size > 10_000_000

    def cmd(path: Path, out: str) -> list[str]:
        return [sys.executable, "-m", "narrascope", "analyze", str(path), "--out",
                str(tmp_path / out), "--quiet", "--workers", "2"]  # fmt: skip

    rss_small, _ = _peak_rss_kb(cmd(small, "small"))
    rss_big, _ = _peak_rss_kb(cmd(big, "big"))
    lines = (tmp_path / "big" / "documents.jsonl").read_bytes().count(b"\n")
    assert lines == 50_000
    # 25 times the input, yet (almost) the same peak: nothing grows with the corpus
    assert rss_big < rss_small + 30_000, (rss_small, rss_big)
    assert rss_big < 400_000, rss_big
