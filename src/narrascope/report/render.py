"""Render one self-contained HTML report from a run's output directory.

The report is built from ``documents.jsonl``, ``errors.jsonl`` and ``run.json`` alone,
never from live objects, so it works on any earlier run. ``documents.jsonl`` is read
twice, one line at a time: once for the corpus counts and the document index, once to
stream the document sections into the file (Jinja2 ``generate``), so memory stays flat
whatever the corpus size.

The page is one file: CSS and JavaScript from ``report/static`` are inlined, there are no
external requests (a Content-Security-Policy forbids them and allows only the page's own
script by hash), and every text is HTML-escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from jinja2.ext import Extension

from .. import __version__
from ..errors import ConfigError
from .graph import STATUS_STYLE, layout
from .model import (
    EVIDENCE_STATUSES,
    EVIDENCE_TEXT,
    LAYERS,
    CorpusStats,
    DocView,
    Problem,
    document_view,
    iter_jsonl,
    read_run,
)

PAGE_SIZE = 25
LAZY_AFTER = 500  # documents; above this, pages after the first are parsed on demand

_ENV: Environment | None = None
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


class _Dedent(Extension):
    """Drop the templates' indentation at compile time (a few % of a large report).

    Safe because the only whitespace-sensitive content, the pre-wrapped document text,
    comes from variables, never from template source.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _INDENT.sub("", source)


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        env = Environment(
            loader=PackageLoader("narrascope.report", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[_Dedent],
        )
        env.filters["pct"] = lambda v, total: 0 if not total else round(100 * v / total, 1)
        _ENV = env
    return _ENV


@dataclass
class Page:
    """A page of document sections: views to render, or one compressed inert blob."""

    number: int
    first: int  # 1-based number of its first document
    last: int
    docs: list[DocView] = field(default_factory=list)
    blob: str | None = None  # base64 of raw-deflated HTML, for a lazy page


def _pages(
    views: Iterator[DocView], page_size: int, lazy: bool, status_text: dict[str, str]
) -> Iterator[Page]:
    """Group document views into pages; with ``lazy`` every page after the first becomes
    a blob: its HTML (rendered by the same template macro, so escaped the same way),
    compressed with raw DEFLATE and base64-encoded. The page's script decodes a blob with
    the browser's ``DecompressionStream`` when the page is first opened, so the browser
    neither parses nor stores thousands of documents up front and the file is ~6x smaller.
    Base64 cannot contain ``<``, so a blob can never end its ``<script>`` container.
    """
    macros = _env().get_template("_macros.html.j2").module
    page: Page | None = None

    def close(p: Page) -> Page:
        if lazy and p.number > 0:
            html = "".join(str(macros.document(d, status_text)) for d in p.docs)  # type: ignore[attr-defined]
            z = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = z.compress(html.encode("utf-8")) + z.flush()
            p.blob, p.docs = base64.b64encode(data).decode("ascii"), []
        return p

    for view in views:
        if page is None or len(page.docs) >= page_size:
            if page is not None:
                yield close(page)
            number = 0 if page is None else page.number + 1
            page = Page(number, view.n + 1, view.n + 1)
        page.docs.append(view)
        page.last = view.n + 1
    if page is not None:
        yield close(page)


def _static(name: str) -> str:
    return resources.files("narrascope.report").joinpath("static", name).read_text("utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _present_layers(stats: CorpusStats) -> set[str]:
    """Highlight layers that exist somewhere in the run (toggles only for those)."""
    have = stats.layers
    present = set()
    if have["techniques"]:
        present.add("tech")
    if have["claims"]:
        present.update(("claim", "src", "cue"))
    if have["entities"]:
        present.add("ent")
    if have["narratives"] or have["explanation"] or have["entities"]:
        present.add("ev")
    return present


def write_report(
    out_dir: Path,
    html_path: Path,
    *,
    max_docs: int | None = None,
    page_size: int = PAGE_SIZE,
    lazy: bool | None = None,
) -> Path:
    """Render ``out_dir``'s output into the single HTML file ``html_path``; return it.

    ``max_docs`` limits how many documents get a full section (text, highlights, side
    panel); all documents are counted in the corpus view and listed in the index.
    Documents come in pages of ``page_size``. With ``lazy`` (default: when more than
    ``LAZY_AFTER`` documents are shown) every page after the first is stored compressed
    and opened by the page's script on demand: the file is smaller and loads in
    seconds, but with JavaScript off only the first page is shown.
    """
    out_dir, html_path = Path(out_dir), Path(html_path)
    docs_path = out_dir / "documents.jsonl"
    if not docs_path.exists() and not (out_dir / "run.json").exists():
        raise ConfigError(
            f"[E012] {str(out_dir)!r} holds no documents.jsonl or run.json: pass the --out "
            "directory of a `narrascope analyze` run"
        )
    if max_docs is not None and max_docs < 0:
        raise ConfigError(f"[E013] max_docs must be >= 0, got {max_docs}")
    t0 = time.perf_counter()
    problems: list[Problem] = []
    stats = CorpusStats()
    for n, rec in enumerate(iter_jsonl(docs_path, problems)):
        stats.add(n, rec)
    errors = list(iter_jsonl(out_dir / "errors.jsonl", problems))
    run = read_run(out_dir / "run.json")
    rendered = stats.docs if max_docs is None else min(max_docs, stats.docs)

    def views() -> Iterator[DocView]:
        for n, rec in enumerate(iter_jsonl(docs_path)):
            if n >= rendered:
                break
            yield document_view(n, rec)

    script = _static("report.js")
    context: dict[str, Any] = {
        "version": __version__,
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "out_dir": str(out_dir),
        "css": _static("report.css"),
        "script": script,
        "csp": _csp(script),
        "run": run or {},
        "run_missing": run is None,
        "stats": stats,
        "errors": errors,
        "problems": problems,
        "graph": layout(stats.edge_rows()),
        "edges": stats.edge_rows(),
        "statuses": [*EVIDENCE_STATUSES, "unknown"],
        "status_text": EVIDENCE_TEXT,
        "status_dash": STATUS_STYLE,
        "layers": [layer for layer in LAYERS if layer[0] in _present_layers(stats)],
        "pages": _pages(
            views(),
            max(1, page_size),
            rendered > LAZY_AFTER if lazy is None else lazy,
            EVIDENCE_TEXT,
        ),
        "rendered": rendered,
        "page_size": max(1, page_size),
    }
    html_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = html_path.with_name(html_path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for chunk in _env().get_template("report.html.j2").generate(**context):
            f.write(chunk)
        f.write(f"<!-- rendered in {time.perf_counter() - t0:.2f} s -->\n")
    tmp.replace(html_path)
    return html_path
