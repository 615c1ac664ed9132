"""Scaling: time and peak memory of ``narrascope analyze`` on 1k, 10k and 100k documents.

Writes generated JSONL corpora (synthetic news-like sentences built here from a small
vocabulary, ``--chars`` characters a document on average) to a temporary directory and
runs the default pipeline (or ``--config``) on each with ``--workers N``, each in a fresh
process. Time should grow linearly with the corpus and peak memory stay flat. Prints a
Markdown report and, with ``--md FILE``, appends it to FILE.

    python bench/scaling.py                                   # 1k, 10k, 100k, 2 workers
    python bench/scaling.py --sizes 1000,10000 --workers 1 --md docs/BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import (
    analyze_cmd,
    child_env,
    fmt,
    git_rev,
    measure,
    pipeline_stages,
    uptime,
)

SUBJECTS = [
    "The government", "The city council", "A spokesperson for the ministry", "Local farmers",
    "The opposition leader", "Independent analysts", "The central bank", "Several witnesses",
    "The energy company", "Union representatives", "The foreign minister", "Residents",
]  # fmt: skip
VERBS = [
    "said", "announced", "warned", "claimed", "denied", "confirmed", "argued", "reported",
    "suggested", "insisted",
]  # fmt: skip
CLAUSES = [
    "that fuel prices would rise again before the winter",
    "that the new bridge was years behind schedule",
    "that the harvest had been smaller than expected",
    "that talks with the neighbouring country had stalled",
    "that the flood damage was worse than first reported",
    "that the budget for schools would be cut",
    "that nobody had been told about the plan in advance",
    "that the report contained serious errors",
    "that the sanctions were hurting ordinary families",
    "that the election had been fair and transparent",
    "that emissions had fallen for the third year in a row",
    "that the strike would continue until Friday",
]


def synthetic_text(rng: random.Random, chars: int) -> str:
    paras: list[str] = []
    size = 0
    target = max(80, int(rng.gauss(chars, chars / 4)))
    while size < target:
        sents = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}."
            for _ in range(rng.randint(1, 4))
        ]
        para = " ".join(sents)
        paras.append(para)
        size += len(para) + 1
    return "\n".join(paras)


def write_corpus(path: Path, n: int, *, chars: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = synthetic_text(rng, chars)
            f.write(json.dumps({"id": f"s{i:07d}", "title": f"Synthetic report {i}",
                                "text": text}) + "\n")  # fmt: skip
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated doc counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chars", type=int, default=600, help="mean characters per document")
    ap.add_argument("--config", help="TOML config merged over the defaults")
    ap.add_argument("--md", help="append the Markdown report to this file")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stages = pipeline_stages(args.config)
    load_before = uptime()
    rows = []
    with tempfile.TemporaryDirectory(prefix="narrascope-scaling-") as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            corpus = write_corpus(tmp / f"synthetic-{n}.jsonl", n, chars=args.chars)
            out = tmp / f"out-{n}"
            m = measure(analyze_cmd([str(corpus)], out, args.workers, args.config),
                        env=child_env())  # fmt: skip
            if m["exit_code"] not in (0, 3):
                raise SystemExit(f"analyze failed ({m['exit_code']}):\n{m['stderr']}")
            run_json = json.loads((out / "run.json").read_text("utf-8"))
            rows.append((n, corpus.stat().st_size, m, run_json))
            corpus.unlink()
            for f in out.iterdir():
                f.unlink()
    shown = " ".join(sys.argv[1:]) if argv is None else " ".join(argv)
    base = rows[0]
    lines = [
        f"### Scaling ({dt.date.today().isoformat()}, narrascope {git_rev()})",
        "",
        f"- command: `{('python bench/scaling.py ' + shown).strip()}`",
        f"- corpus: generated JSONL, about {args.chars} characters a document "
        "(synthetic English sentences)",
        f"- pipeline: {', '.join(stages)}; {args.workers} worker(s)",
        f"- load before: `{load_before}`; after: `{uptime()}`",
        "",
        "| documents | input MB | wall s | docs/s | s per 1k docs | peak RSS max MB "
        "| peak RSS sum MB | time vs first (x) | size vs first (x) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, size, m, run_json in rows:
        counts = run_json["counts"]
        assert counts["inputs"] == n, counts
        lines.append(
            f"| {n:,} | {fmt(size / 1e6, 1)} | {fmt(m['seconds'], 1)} "
            f"| {fmt(n / m['seconds'])} | {fmt(1000 * m['seconds'] / n, 2)} "
            f"| {fmt(m['peak_rss_max_mb'], 0)} | {fmt(m['peak_rss_sum_mb'], 0)} "
            f"| {fmt(m['seconds'] / base[2]['seconds'], 2)} | {fmt(n / base[0], 0)} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.md:
        with open(args.md, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
