"""Throughput of the default pipeline: docs/s, seconds per stage, peak RSS, floor ratio.

Runs ``python -m narrascope analyze CORPUS --out TMP --workers N --quiet`` (the stages
``analyze`` runs by default, read from the default config, or ``--config``) for each N
in ``--workers``, and the *floor* (read, decode, detect the language and segment, with
no other stage) for the same N, each in a fresh process. Prints a Markdown report and,
with ``--md FILE``, appends it to FILE.

Default corpus: the 460 SemEval-2025 Task 10 test documents, read from
``$NARRASCOPE_SEMEVAL_DIR/test/*/subtask-2-documents`` (default ``../shared/data/
semeval2025t10`` next to the repository); they are read from that path, never copied.

    python bench/throughput.py                      # 1 and 2 workers, default corpus
    python bench/throughput.py --workers 2 --repeat 3 --md docs/BENCHMARKS.md
    python bench/throughput.py path/to/corpus --config my.toml

Figures:
- ``docs/s``: inputs / wall seconds of the whole command (interpreter start, model
  loading, reading, analysis, writing); ``in-run docs/s`` uses ``run.json``'s seconds
  (without interpreter start-up).
- stage seconds come from ``run.json`` (``timings.stage_seconds``); with more than one
  worker they are summed over the worker processes (CPU-side time, not wall time).
  ``read`` is reading and decoding in the main process, ``load`` building the pipeline
  (model loading may also happen lazily in a stage's first call), ``serialise`` the
  offset check and JSON encoding.
- peak RSS: ``max`` is the largest single process (``getrusage`` via ``wait4``,
  workers included); ``sum`` is the peak of the summed RSS of every process of the run,
  sampled every 0.1 s from /proc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FLOOR_STAGES = ("language", "segment")


def default_corpus() -> list[str]:
    env = os.environ.get("NARRASCOPE_SEMEVAL_DIR")
    # ../shared/data next to the repository (one level further up for a git worktree)
    bases = [Path(env)] if env else [
        p / "shared" / "data" / "semeval2025t10" for p in (REPO.parent, REPO.parent.parent)
    ]  # fmt: skip
    for base in bases:
        found = sorted(glob.glob(str(base / "test" / "*" / "subtask-2-documents")))
        if found:
            return found
    return []


# -- measuring one command ----------------------------------------------------------------
def _session_rss_kb(sid: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != sid:
                continue
            with open(f"/proc/{entry.name}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(cmd: list[str], *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` in its own session; wall seconds, exit code, peak RSS (max and sum)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    peak_sum = 0
    can_sample = os.path.exists("/proc/self/stat")
    status = None
    rusage = None
    while status is None:
        pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, rusage = st, ru
            break
        if can_sample:
            peak_sum = max(peak_sum, _session_rss_kb(proc.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return {
        "seconds": seconds,
        "exit_code": proc.returncode,
        "peak_rss_max_mb": rusage.ru_maxrss / 1024 if rusage else None,
        "peak_rss_sum_mb": peak_sum / 1024 if can_sample else None,
        "stderr": stderr,
    }


def analyze_cmd(corpus: list[str], out: Path, workers: int, config: str | None) -> list[str]:
    cmd = [sys.executable, "-m", "narrascope", "analyze", *corpus, "--out", str(out),
           "--workers", str(workers), "--quiet"]  # fmt: skip
    if config:
        cmd += ["--config", config]
    return cmd


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_once(corpus: list[str], workers: int, config: str | None, tmp: Path) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(dir=tmp))
    m = measure(analyze_cmd(corpus, out, workers, config), env=child_env())
    if m["exit_code"] not in (0, 3):
        raise SystemExit(f"analyze failed ({m['exit_code']}):\n{m['stderr']}")
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    m["run"] = run_json
    m["inputs"] = run_json["counts"]["inputs"]
    return m


def run_best(
    corpus: list[str], workers: int, config: str | None, tmp: Path, repeat: int
) -> dict[str, Any]:
    """Median over ``repeat`` runs (by wall seconds)."""
    runs = sorted((run_once(corpus, workers, config, tmp) for _ in range(repeat)),
                  key=lambda r: r["seconds"])  # fmt: skip
    return runs[len(runs) // 2]


# -- configs ----------------------------------------------------------------------------
def pipeline_stages(config: str | None) -> list[str]:
    sys.path.insert(0, str(REPO / "src"))
    from narrascope.pipeline import load_config

    return list(load_config(config)["pipeline"]["stages"])


def floor_config(tmp: Path, stages: list[str]) -> str:
    """A config file merged over the defaults that keeps only language + segment."""
    keep = [s for s in stages if s in FLOOR_STAGES] or list(FLOOR_STAGES)
    path = tmp / "floor.toml"
    path.write_text("[pipeline]\nstages = [" + ", ".join(f'"{s}"' for s in keep) + "]\n")
    return str(path)


# -- report -----------------------------------------------------------------------------
def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        load = os.getloadavg()
        return f"load average: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"


def git_rev() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or "?"  # fmt: skip
    except OSError:
        return "?"


def fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def report(
    results: dict[int, dict[str, Any]],
    floors: dict[int, dict[str, Any]],
    stages: list[str],
    *,
    command: str,
    corpus_desc: str,
    load_before: str,
    load_after: str,
) -> str:
    lines = [
        f"### Throughput ({dt.date.today().isoformat()}, narrascope {git_rev()})",
        "",
        f"- command: `{command}`",
        f"- corpus: {corpus_desc}",
        f"- pipeline: {', '.join(stages)}; floor: "
        f"{', '.join(s for s in stages if s in FLOOR_STAGES)}",
        f"- machine: {os.cpu_count()} CPUs; load before: `{load_before}`; after: `{load_after}`",
        "",
        "| workers | inputs | wall s | docs/s | in-run docs/s | peak RSS max MB | peak RSS sum MB "
        "| floor wall s | floor docs/s | pipeline / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w, r in results.items():
        f = floors.get(w)
        in_run = r["run"]["timings"]["seconds"]
        lines.append(
            f"| {w} | {r['inputs']} | {fmt(r['seconds'], 2)} | {fmt(r['inputs'] / r['seconds'])} "
            f"| {fmt(r['inputs'] / in_run if in_run else None)} | {fmt(r['peak_rss_max_mb'], 0)} "
            f"| {fmt(r['peak_rss_sum_mb'], 0)} | {fmt(f['seconds'] if f else None, 2)} "
            f"| {fmt(f['inputs'] / f['seconds'] if f else None)} "
            f"| {fmt(r['seconds'] / f['seconds'] if f else None, 2)}x |"
        )
    keys: list[str] = []
    for r in results.values():
        for k in r["run"]["timings"]["stage_seconds"]:
            if k not in keys:
                keys.append(k)
    order = ["load", "read", *stages, "serialise"]
    keys = [k for k in order if k in keys] + [k for k in keys if k not in order]
    head = (
        "| stage | "
        + " | ".join(
            f"{w} worker{'s' if w > 1 else ''}: wall s | CPU s | CPU ms/doc" for w in results
        )
        + " |"
    )
    lines += [
        "",
        "Seconds per stage (run.json `stage_seconds` = wall, `stage_cpu_seconds` = CPU; with "
        "more than one worker both are summed over the worker processes, and wall time "
        "includes waiting for a CPU on a busy machine, so CPU ms/doc is the per-stage cost):",
        "",
        head,
        "|---|" + "---:|---:|---:|" * len(results),
    ]
    for k in keys:
        cells = []
        for r in results.values():
            wall = r["run"]["timings"]["stage_seconds"].get(k)
            cpu = r["run"]["timings"].get("stage_cpu_seconds", {}).get(k)
            per_doc = 1000 * cpu / r["inputs"] if cpu is not None else None
            cells.append(f"{fmt(wall, 3)} | {fmt(cpu, 3)} | {fmt(per_doc, 2)}")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    totals = []
    for r in results.values():
        cpu = r["run"]["timings"].get("stage_cpu_seconds", {})
        total = sum(cpu.values())
        totals.append(f"- | {fmt(total, 3)} | {fmt(1000 * total / r['inputs'], 2)}")
    lines.append("| **all stages** | " + " | ".join(totals) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="*", help="inputs (default: the 460 SemEval test docs)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--config", help="TOML config merged over the defaults")
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting; the median is kept")
    ap.add_argument("--no-floor", action="store_true", help="skip the floor runs")
    ap.add_argument("--md", help="append the Markdown report to this file")
    ap.add_argument("--json", help="write the raw figures to this JSON file")
    args = ap.parse_args(argv)

    corpus = args.corpus or default_corpus()
    if not corpus:
        ap.error("no corpus given and the SemEval test documents were not found "
                 "(set NARRASCOPE_SEMEVAL_DIR)")  # fmt: skip
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    stages = pipeline_stages(args.config)
    load_before = uptime()
    with tempfile.TemporaryDirectory(prefix="narrascope-bench-") as tmpdir:
        tmp = Path(tmpdir)
        floor_cfg = floor_config(tmp, stages)
        results, floors = {}, {}
        for w in workers:
            results[w] = run_best(corpus, w, args.config, tmp, args.repeat)
            if not args.no_floor:
                floors[w] = run_best(corpus, w, floor_cfg, tmp, args.repeat)
    shown = " ".join(sys.argv[1:]) if argv is None else " ".join(argv)
    if args.corpus:
        corpus_desc = (
            f"{len(corpus)} path(s): {', '.join(corpus[:3])}{' ...' if len(corpus) > 3 else ''}"
        )
    else:
        corpus_desc = ("SemEval-2025 Task 10 test, subtask-2-documents of BG, EN, HI, PT, RU "
                       "(read from the shared data path)")  # fmt: skip
    text = report(
        results, floors, stages,
        command=f"python bench/throughput.py {shown}".strip(),
        corpus_desc=f"{corpus_desc}; {results[workers[0]]['inputs']} inputs",
        load_before=load_before, load_after=uptime(),
    )  # fmt: skip
    print(text)
    if args.md:
        with open(args.md, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    if args.json:

        def clean(rs: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
            return {w: {k: v for k, v in r.items() if k != "stderr"} for w, r in rs.items()}

        raw = {"workers": clean(results), "floor": clean(floors)}
        Path(args.json).write_text(json.dumps(raw, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
