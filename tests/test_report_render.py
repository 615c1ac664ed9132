"""The HTML report, rendered from the JSON output alone (no browser needed)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
import zlib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from narrascope.cli.main import app
from narrascope.errors import ConfigError
from narrascope.report.graph import layout
from narrascope.report.model import EVIDENCE_TEXT, CorpusStats, document_view
from narrascope.report.render import _env, write_report

FIXTURE = Path(__file__).resolve().parent / "data" / "report"


def load_fixture_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_fixture", FIXTURE / "make_fixture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mf = load_fixture_builder()


class Page(HTMLParser):
    """Collects ids, fragment links, marks, table rows and checks tag balance."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "br",
        "input",
        "img",
        "link",
        "hr",
        "wbr",
        "circle",
        "line",
        "path",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.hrefs: list[str] = []
        self.marks: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
            if a["href"].startswith("#"):
                self.links.append(a["href"][1:])
        if tag == "mark":
            self.marks.append(a)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return mf.write_fixture(tmp_path / "out")


@pytest.fixture
def html(out_dir: Path) -> str:
    return write_report(out_dir, out_dir / "report.html").read_text("utf-8")


def test_committed_fixture_matches_its_generator(tmp_path: Path) -> None:
    fresh = mf.write_fixture(tmp_path / "fresh")
    for name in ("documents.jsonl", "errors.jsonl", "run.json"):
        assert (fresh / name).read_text("utf-8") == (FIXTURE / name).read_text("utf-8"), name


def test_report_is_one_self_contained_file(html: str) -> None:
    assert "<link" not in html
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert (
        "@import" not in html
        and "@font-face" not in html
        and "url(" not in html.split("</style>")[0].replace("url(#", "")
    )
    page = parse(html)
    assert not page.unbalanced and page.stack == [], (page.unbalanced, page.stack)
    # the only inline script is ours, and the CSP allows exactly it
    assert len(page.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = unescape(csp.group(1))
    assert f"'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_document_text_is_escaped_never_executable(html: str) -> None:
    assert mf.INJECTION not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "dataset.pwned='err'</script>" not in html  # error detail escaped too
    page = parse(html)
    assert not any(h.lower().startswith("javascript:") for h in page.hrefs)
    # the escaped text is still shown verbatim, as text
    assert mf.INJECTION in "".join(page.text)


def test_every_fragment_link_has_a_target(html: str) -> None:
    page = parse(html)
    missing = sorted({x for x in page.links if x not in page.ids})
    assert not missing


def test_corpus_view(html: str) -> None:
    text = " ".join(parse(html).text)
    for label in (
        "URW: Blaming the war on others rather than the invader",
        "URW: Discrediting the West, Diplomacy",
        "CC: Criticism of climate movement",
        "Ukraine is the aggressor",
    ):
        assert label in text
    # languages, outlets (meta site, url host, source folder) and dates
    for outlet in ("Example Wire", "news.example.org", "forum/"):
        assert outlet in text
    assert "2026-10-04" in text and "(no date)" in text
    # most framed actors and their roles
    assert re.search(r'<a href="#d0-e0">Ukraine</a>', html)
    # techniques
    assert "Name_Calling-Labeling" in text and "Loaded_Language" in text


def test_blame_graph_edges_from_accusations(html: str) -> None:
    rows = re.findall(
        r'<tr id="edge-\d+" class="blame-edge" data-accuser="([^"]*)" '
        r'data-accused="([^"]*)"',
        html,
    )
    assert set(rows) == {
        ("Anton Belov", "Ukraine"),
        ("Anton Belov", "the West"),
        ("Anton Belov", "United States"),
        ("Olena Marchuk", "Russia"),
        ("Ray Holloway", "green lobbyists"),
        ("Ray Holloway", "Northfield Climate Institute"),
        ("forum commenter", "secret grain cartel"),
        ("Petro Danylenko", "Russia"),
    }
    svg = html[
        html.index('<svg class="blame-graph"') : html.index(
            "</svg>", html.index('<svg class="blame-graph"')
        )
    ]
    assert svg.count('class="edge st-') == len(rows)
    assert 'class="edge st-evidence_cited"' in svg  # Danylenko cites evidence
    assert 'class="edge st-claimed_without_evidence"' in svg
    assert "Petro Danylenko accuses Russia: 1 claim(s), mostly evidence cited" in svg


def test_document_view_highlights_every_layer(html: str) -> None:
    page = parse(html)
    by_id = {m["id"]: m for m in page.marks if "id" in m}
    # techniques, claim content/source/cue, entities by role, evidence sentences
    assert "l-tech" in by_id["d0-t1"]["class"]
    assert by_id["d0-t1"]["title"] == "Loaded_Language 0.91 (Manipulative Wording)"
    assert "l-claim" in by_id["d0-c0"]["class"]
    assert "evidence: claimed without evidence" in by_id["d0-c0"]["title"]
    assert "l-src" in by_id["d0-c0-src"]["class"] and "l-cue" in by_id["d0-c0-cue"]["class"]
    assert "l-ent-ant" in by_id["d0-e0"]["class"]  # Ukraine, Antagonist
    assert "l-ent-pro" in by_id["d0-e5"]["class"]  # Olena Marchuk, Protagonist
    assert "l-ent-none" in by_id["d0-e3"]["class"]  # Anton Belov, no role
    assert "l-ent-inn" in by_id["d3-e4"]["class"]  # the children, Innocent
    assert any("l-ev" in m["class"] for m in page.marks)
    assert by_id["d0-e0"]["title"] == "Antagonist 0.83: Ukraine (GPE); Saboteur, Terrorist"
    # a technique that starts inside a claim and ends after it: split into two pieces,
    # the continuation piece carries data-part instead of a second id
    assert by_id["d0-t3"]["title"].startswith("Exaggeration-Minimisation")
    assert [m for m in page.marks if m.get("data-part") == "d0-t3"]
    assert 'falls&#34;</mark></mark><mark data-part="d0-t3"' in html


def test_side_panel(html: str) -> None:
    doc0 = html[html.index('id="doc-0"') : html.index('id="doc-1"')]
    assert "Anton Belov</a>" in doc0 and "Ukraine, the West" in doc0
    assert 'class="ev-status st-claimed_without_evidence">claimed without evidence' in doc0
    assert "Explanation" in doc0 and 'href="#d0-s' in doc0
    assert "Saboteur 0.61" in doc0


def test_missing_layers_are_not_shown(tmp_path: Path, html: str) -> None:
    # the fixture's Russian weather note has no analysis layers
    doc4 = html[html.index('id="doc-4"') :]
    assert "This run produced no analysis layers for this document." in doc4
    assert "<h4>Claims" not in doc4 and "<h4>Narratives" not in doc4
    # a run with only language and segment: no blame graph, no narratives, no crash
    docs = mf.build_documents()
    for d in docs:
        for key in ("entities", "claims", "techniques"):
            d.spans.pop(key, None)
        d.cats.clear()
        d.data.clear()
    out = mf.write_fixture(tmp_path / "bare", docs)
    (out / "run.json").unlink()
    (out / "errors.jsonl").unlink()
    bare = write_report(out, out / "r.html").read_text("utf-8")
    assert "This run has no claims layer, so there is no blame graph." in bare
    assert "This run has no narratives layer." in bare
    assert "This run has no techniques layer." in bare
    assert "run.json is missing or unreadable" in bare
    assert '<svg class="blame-graph"' not in bare
    assert not re.search(r'<mark id="[^"]*" class="l-(tech|claim|ent)', bare)
    assert 'data-layer="tech"' not in bare  # no toggle for an absent layer
    assert "No error records" in bare


def test_records_with_odd_or_missing_keys_do_not_break_it(tmp_path: Path) -> None:
    out = tmp_path / "odd"
    out.mkdir()
    text = "Alpha said beta. Gamma."
    records: list[dict[str, Any]] = [
        {"id": "bare", "text": text},
        {"id": "nulls", "text": text, "spans": None, "cats": None, "data": None, "meta": None},
        {
            "id": "broken-offsets",
            "text": text,
            "spans": {
                "techniques": [{"start": 0, "end": 5, "text": "WRONG", "label": "Doubt"}],
                "claims": [
                    {
                        "start": 11,
                        "end": 15,
                        "text": "beta",
                        "label": "direct",
                        "attrs": {
                            "accusation": {"accuser": "Alpha", "accused": "Gamma"},
                            "cue": {"start": 6, "end": 99, "text": "said"},
                        },
                    }
                ],
            },
            "cats": {
                "narratives": {
                    "supported_language": False,
                    "narratives": [{"label": "Other"}],
                    "subnarratives": [{"label": "URW: Praise of Russia: Other"}],
                }
            },
        },
    ]
    lines = [json.dumps(r) for r in records] + ["{not json", "[1, 2]"]
    (out / "run.json").write_text('{"counts": [1], "timings": {"stage_seconds": 3}, "stages": 0}')
    (out / "documents.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    html = write_report(out, out / "r.html").read_text("utf-8")
    assert 'id="doc-2"' in html
    assert "2 annotation(s) point outside the text or do not match it" in html
    assert "The narratives model does not cover this document" in html
    assert 'data-accuser="Alpha" data-accused="Gamma"' in html
    assert html.count('class="problem-row"') == 2  # the two unreadable lines are listed
    assert "URW: Praise of Russia" in html  # a subnarrative whose parent is missing


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "start",
        "end",
        "text",
        "label",
        "score",
        "attrs",
        "accusation",
        "accused",
        "source",
        "cue",
        "evidence",
        "speaker",
        "entity",
        "main_role",
        "narratives",
        "subnarratives",
        "mentions",
        "name",
        "fine_roles",
        "sentences",
        "parent",
        "category",
    ]
)
SPANLIKE = st.dictionaries(KEYS, JSON | st.dictionaries(KEYS, JSON, max_size=5), max_size=8)


@settings(max_examples=40, deadline=None)
@given(
    spans=st.dictionaries(
        st.sampled_from(["entities", "claims", "techniques"]),
        st.lists(SPANLIKE, max_size=4),
        max_size=3,
    ),
    cats=st.dictionaries(st.sampled_from(["narratives", "techniques"]), SPANLIKE, max_size=2),
    data=st.dictionaries(
        st.sampled_from(["entities", "explanation"]),
        SPANLIKE | st.lists(SPANLIKE, max_size=3),
        max_size=2,
    ),
    meta=JSON,
    url=JSON,
)
def test_any_json_shapes_render(spans: Any, cats: Any, data: Any, meta: Any, url: Any) -> None:
    """Whatever shape a record's layers have, the views build and the section is well-formed."""
    rec = {
        "id": "x",
        "text": "Alpha said beta <b>gamma</b>. Delta.",
        "spans": spans,
        "cats": cats,
        "data": data,
        "meta": meta,
        "url": url,
        "published": url,
    }
    stats = CorpusStats()
    stats.add(0, rec)
    stats.narrative_rows(), stats.actor_rows(), stats.edge_rows(), stats.date_rows()
    layout(stats.edge_rows())
    macros = _env().get_template("_macros.html.j2").module
    html = str(macros.document(document_view(0, rec), EVIDENCE_TEXT))  # type: ignore[attr-defined]
    page = parse(html)
    assert not page.unbalanced and page.stack == []
    assert "<b>gamma" not in html


def test_error_table_lists_every_record(out_dir: Path, html: str) -> None:
    assert html.count('class="error-row"') == 2
    assert "<code>empty_input</code>" in html and "<code>stage_failed</code>" in html
    many = [
        {"input": f"in/{i}.txt", "stage": "read", "error": "empty_input", "detail": "x"}
        for i in range(300)
    ]
    (out_dir / "errors.jsonl").write_text("".join(json.dumps(e) + "\n" for e in many))
    html2 = write_report(out_dir, out_dir / "r2.html").read_text("utf-8")
    assert html2.count('class="error-row"') == 300


def test_max_docs_and_pages(out_dir: Path) -> None:
    html = write_report(out_dir, out_dir / "r.html", max_docs=2, page_size=1).read_text("utf-8")
    assert html.count('<article class="doc"') == 2
    assert html.count('class="page"') == 2
    assert "Only the first 2 of 5 documents are shown in full" in html
    assert html.count("(not rendered)") == 3
    page = parse(html)
    assert not [x for x in page.links if x not in page.ids]


def test_lazy_pages_are_compressed_escaped_html(out_dir: Path) -> None:
    html = write_report(out_dir, out_dir / "r.html", page_size=2, lazy=True).read_text("utf-8")
    blobs = re.findall(
        r'<script type="text/x-narrascope-page" data-encoding="deflate-raw;base64">([^<]*)'
        r"</script>",
        html,
    )
    assert len(blobs) == 2  # pages 1 and 2; page 0 is plain HTML
    assert 'id="doc-0"' in html.split("text/x-narrascope-page")[0]
    pages = [zlib.decompress(base64.b64decode(b), -15).decode("utf-8") for b in blobs]
    assert 'id="doc-2"' in pages[0] and 'id="doc-4"' in pages[1]
    assert mf.INJECTION not in html and mf.INJECTION not in pages[0]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in pages[0]  # doc 2, page 1
    # every fragment link lands in the plain page or in a lazy page
    page = parse(html)
    ids = set(page.ids)
    for p in pages:
        ids |= parse(p).ids
    assert not [x for x in page.links if x not in ids]
    assert html.count("only shown with JavaScript on") == 2
    # small reports are fully static by default
    default = write_report(out_dir, out_dir / "d.html", page_size=2).read_text("utf-8")
    assert 'data-encoding="deflate-raw;base64"' not in default
    assert "<noscript><style>#documents .page[hidden] { display: block; }" in default


def test_not_an_output_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="E012"):
        write_report(tmp_path, tmp_path / "r.html")


def test_cli_report(out_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "sub" / "rep.html"
    result = CliRunner().invoke(app, ["report", str(out_dir), "--html", str(target), "-q"])
    assert result.exit_code == 0, result.output
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    lazy = tmp_path / "lazy.html"
    args = ["report", str(out_dir), "--html", str(lazy), "--lazy", "--page-size", "2", "-q"]
    result = CliRunner().invoke(app, [*args, "--max-docs", "3"])
    assert result.exit_code == 0, result.output
    text = lazy.read_text("utf-8")
    assert text.count('data-encoding="deflate-raw;base64"') == 1  # page 2 of 2
    assert text.count('<article class="doc"') == 2  # page 1 is plain HTML
    result = CliRunner().invoke(app, ["report", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "E012" in result.output


def test_analyze_report_writes_the_report(tmp_path: Path) -> None:
    """`analyze --report` renders from the run's own output files."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "note.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday <script>x()</script>, officials said.\n",
        "utf-8",
    )
    (src / "empty.txt").write_text("   \n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(src), "--out", str(out), "--report", "-q"])
    assert result.exit_code == 3, result.output  # one input became an error record
    html = (out / "report.html").read_text("utf-8")
    assert html.count('<article class="doc"') == 1
    assert html.count('class="error-row"') == 1 and "empty_input" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
