"""Render a run's report and save screenshots of it for the docs.

Run from the repository root:

    PYTHONPATH=src python bench/screenshot_report.py [OUT_DIR] [--png docs/img/report-example.png]

OUT_DIR defaults to the hand-made fixture in tests/data/report; the lead regenerates the
README image on the seeds with ``narrascope analyze <seeds> --out out/seeds`` and then
``python bench/screenshot_report.py out/seeds``. Two images are written: the corpus view
(``--png``) and one document's view (same name with ``-document`` appended), showing the
document with the most claims.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from narrascope.report.browser import find_chromium, screenshot
from narrascope.report.render import write_report


def busiest_document(out_dir: Path) -> int:
    """Index of the document with the most claims + techniques (the most to look at)."""
    best, best_n = -1, 0
    with open(out_dir / "documents.jsonl", encoding="utf-8") as f:
        for n, line in enumerate(f):
            spans = (json.loads(line).get("spans") or {}) if line.strip() else {}
            score = len(spans.get("claims") or []) * 2 + len(spans.get("techniques") or [])
            if score > best:
                best, best_n = score, n
    return best_n


def shoot(out_dir: Path, png: Path, *, width: int = 1400, height: int = 1900) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        html = write_report(out_dir, Path(tmp) / "report.html")
        corpus = screenshot(html, png, width=width, height=height)
        doc_png = png.with_name(png.stem + "-document" + png.suffix)
        n = busiest_document(out_dir)
        document = screenshot(
            f"{html.resolve().as_uri()}?doc={n}", doc_png, width=width, height=1300
        )
    return [corpus, document]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", nargs="?", type=Path, default=Path("tests/data/report"))
    ap.add_argument("--png", type=Path, default=Path("docs/img/report-example.png"))
    args = ap.parse_args(argv)
    if find_chromium() is None:
        print("Chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    for path in shoot(args.out_dir, args.png):
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
