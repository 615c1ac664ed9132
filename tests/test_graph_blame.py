"""The blame graph from hand-made records, and the ``narrascope graph`` command."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from narrascope.cli.main import app
from narrascope.graph import build_blame_graph, write_graph

BORT = "Alexander Bortnikov"
UK, US = "United Kingdom", "United States"


def claim(accuser: str | None, accused: list[str], evidence: str = "none_stated") -> dict:
    acc = {"accuser": accuser, "accused": accused, "about": "x"} if accused else None
    return {"start": 0, "end": 1, "text": "x", "label": "indirect",
            "attrs": {"speaker": accuser, "accusation": acc, "evidence": evidence}}  # fmt: skip


RECORDS = [
    {"id": "d1", "published": "2024-03-25", "text": "x", "spans": {"claims": [
        claim("Nikolai Patrushev", ["Ukraine"], "disputed_by_author"),
        claim(BORT, ["Ukraine", US, UK], "disputed_by_author"),
        claim("Alexander Bortnikov", ["Ukraine"], "none_stated"),
        claim(None, ["Russia"]),  # no accuser: no edge
        claim("Dmitry Peskov", []),  # no accusation
    ]}},
    {"id": "d2", "published": "2024-03-26", "text": "x", "claims": [  # flat form
        {"content": {"start": 0, "end": 1, "text": "x"}, "kind": "direct",
         "speaker": "Vladimir Putin",
         "accusation": {"accuser": "Vladimir Putin", "accused": ["Ukraine"], "about": "x"},
         "evidence": "disputed_by_author"},
        {"content": {"start": 0, "end": 1, "text": "x"}, "kind": "direct",
         "speaker": "Nikolai Patrushev",
         "accusation": {"accuser": "Nikolai Patrushev", "accused": ["Ukraine"], "about": "x"},
         "evidence": "claimed_without_evidence"},
    ]},
]  # fmt: skip


def test_edges_counts_documents_dates_and_evidence() -> None:
    g = build_blame_graph(RECORDS)
    assert set(g.edges) == {
        ("Nikolai Patrushev", "Ukraine"),
        ("Alexander Bortnikov", "Ukraine"),
        ("Alexander Bortnikov", "United States"),
        ("Alexander Bortnikov", "United Kingdom"),
        ("Vladimir Putin", "Ukraine"),
    }
    e = g.edges["Nikolai Patrushev", "Ukraine"]
    assert e["count"] == 2
    assert e["documents"] == ["d1", "d2"]
    assert e["dates"] == ["2024-03-25", "2024-03-26"]
    assert e["evidence"] == {"disputed_by_author": 1, "claimed_without_evidence": 1}
    b = g.edges["Alexander Bortnikov", "Ukraine"]
    assert b["count"] == 2 and b["main_evidence"] in ("disputed_by_author", "none_stated")
    assert g.nodes["Ukraine"]["times_accused"] == 5
    assert g.nodes["Alexander Bortnikov"]["accusations_made"] == 4
    assert "Dmitry Peskov" not in g and "Russia" not in g


def test_graphml_and_json_round_trip(tmp_path: Path) -> None:
    g = build_blame_graph(RECORDS)
    write_graph(g, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.edges["Vladimir Putin", "Ukraine"]["count"] == 1
    assert json.loads(back.edges["Nikolai Patrushev", "Ukraine"]["documents"]) == ["d1", "d2"]
    write_graph(g, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text("utf-8"))
    links = {(lk["source"], lk["target"]): lk for lk in data["links"]}
    assert links["Alexander Bortnikov", "United Kingdom"]["evidence"] == {"disputed_by_author": 1}


def test_cli_graph(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
        for r in RECORDS:
            f.write(json.dumps(r) + "\n")
    res = CliRunner().invoke(app, ["graph", str(out), "--out", str(tmp_path / "b.json")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "b.json").read_text("utf-8"))
    assert len(data["links"]) == 5
    res = CliRunner().invoke(app, ["graph", str(out), "--out", str(tmp_path / "b.txt")])
    assert res.exit_code == 2
