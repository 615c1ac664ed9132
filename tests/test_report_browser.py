"""The report in a real browser: headless Chromium runs the page, we read the DOM after.

Needs Chromium (Debian: ``apt-get install -y chromium``); skipped with a reason when it
is missing. CI installs it in ``.ci/run``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from narrascope.report.browser import dump_dom, find_chromium, screenshot
from narrascope.report.render import write_report

FIXTURE = Path(__file__).resolve().parent / "data" / "report"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="Chromium not found (/usr/bin/chromium): apt-get install -y chromium",
    ),
]


def load_fixture_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_fixture_b", FIXTURE / "make_fixture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mf = load_fixture_builder()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = mf.write_fixture(tmp_path_factory.mktemp("report") / "out")
    return write_report(out, out / "report.html", page_size=2)


@pytest.fixture(scope="module")
def dom(report: Path) -> str:
    return dump_dom(report)


def test_page_script_ran_and_injected_scripts_did_not(dom: str) -> None:
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag and 'class="js' in html_tag.group(0), "the report's own script did not run"
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None
    assert "pwned" not in body.group(0), f"an injected script ran: {body.group(0)}"
    assert "data-pwned" not in dom
    # the injected markup is on the page as text, not as elements
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in dom
    assert '<img src="x"' not in dom and "<img src=x" not in dom


def test_detection_works_on_an_unescaped_page(tmp_path: Path) -> None:
    """Control: the same payload, NOT escaped, does set the marker in this browser."""
    page = tmp_path / "raw.html"
    page.write_text(f"<!DOCTYPE html><html><body><p>{mf.INJECTION_DOM}</p></body></html>", "utf-8")
    assert 'data-pwned="script"' in dump_dom(page)


def test_blame_edges_narratives_and_highlights_in_the_dom(dom: str) -> None:
    edges = re.findall(r'<tr id="edge-\d+" class="blame-edge"', dom)
    assert len(edges) == 8
    svg = dom[dom.index('<svg class="blame-graph"') :]
    svg = svg[: svg.index("</svg>")]
    assert len(re.findall(r'<path d="M[^"]+" class="edge st-', svg)) == 8
    assert "URW: Blaming the war on others rather than the invader" in dom
    assert 'class="label subnarrative">Ukraine is the aggressor' in dom
    for layer in ("l-tech", "l-claim", "l-src", "l-cue", "l-ent-ant", "l-ent-pro", "l-ev"):
        assert re.search(rf'<mark id="d\d+-[^"]*" class="{layer}\b', dom), layer


def test_pages_and_jump_to_evidence(report: Path, dom: str) -> None:
    # five documents in pages of two: only the first page is visible after load
    pages = re.findall(r'<div class="page" data-page="(\d)"( hidden="")?>', dom)
    assert [(p, bool(h)) for p, h in pages] == [("0", False), ("1", True), ("2", True)]
    # jumping a claim anchor of document 4 (page 1) shows its page and hides page 0
    url_dom = dump_dom(report.as_uri() + "#d3-c1")
    pages = re.findall(r'<div class="page" data-page="(\d)"( hidden="")?>', url_dom)
    assert [(p, bool(h)) for p, h in pages] == [("0", True), ("1", False), ("2", True)]
    # the evidence got keyboard focus (tabindex set by the jump)
    assert re.search(r'<mark id="d3-c1" class="l-claim"[^>]*tabindex="-1"', url_dom)


def test_lazy_page_is_materialized_safely(tmp_path: Path) -> None:
    out = mf.write_fixture(tmp_path / "out")
    report = write_report(out, out / "lazy.html", page_size=2, lazy=True)
    dom = dump_dom(report.as_uri() + "#d2-t1")  # a technique in the injected document
    assert re.search(r'<article class="doc" id="doc-2"', dom), "lazy page was not opened"
    assert re.search(r'<mark id="d2-t1" class="l-tech"[^>]*tabindex="-1"', dom)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in dom
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None and "pwned" not in body.group(0)
    assert "data-pwned" not in dom
    # page 2 was never opened: still compressed
    assert 'id="doc-4"' not in dom


def test_single_document_view(report: Path) -> None:
    dom = dump_dom(report.as_uri() + "?doc=1")
    assert re.search(r'<html[^>]*class="[^"]*single', dom)
    assert re.search(r'<article class="doc" id="doc-1"[^>]*>', dom)
    assert not re.search(r'<article class="doc" id="doc-1"[^>]*hidden', dom)
    assert re.search(r'<article class="doc" id="doc-0"[^>]*hidden', dom)


def test_screenshot(report: Path, tmp_path: Path) -> None:
    png = screenshot(report, tmp_path / "shot.png", width=1200, height=1400)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # a blank page compresses to a few kB; the rendered report is far larger
    assert len(data) > 40_000
