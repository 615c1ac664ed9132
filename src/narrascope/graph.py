"""The blame graph: who accuses whom across a corpus of analysed documents.

Nodes are canonical actors ("Nikolai Patrushev", "Ukraine"); a directed edge
accuser -> accused aggregates every claim whose ``accusation`` names that pair, with the
number of claims, the documents and publication dates they come from and how the texts
treat them (evidence statuses). Built with networkx from the records of
``documents.jsonl``; written as GraphML (list attributes as JSON strings) or as
node-link JSON.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx


def record_claims(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Claims of one record, from ``spans["claims"]`` or a top-level ``claims`` list."""
    spans = (record.get("spans") or {}).get("claims")
    if spans is not None:
        return [dict(s) for s in spans]
    out = []
    for c in record.get("claims") or []:  # flat form: {"content": {...}, "speaker": ...}
        attrs = {k: c.get(k) for k in ("source", "speaker", "cue", "accusation", "evidence")}
        content = c.get("content") or {}
        out.append({**content, "label": c.get("kind"), "attrs": attrs})
    return out


def build_blame_graph(records: Iterable[Mapping[str, Any]]) -> nx.DiGraph:
    """Aggregate accusations of all records into a directed graph."""
    g = nx.DiGraph()
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for rec in records:
        doc_id = str(rec.get("id"))
        date = rec.get("published")
        for claim in record_claims(rec):
            attrs = claim.get("attrs") or {}
            acc = attrs.get("accusation")
            if not acc or not acc.get("accuser"):
                continue
            accuser = str(acc["accuser"])
            evidence = attrs.get("evidence") or "none_stated"
            for accused in acc.get("accused") or []:
                accused = str(accused)
                if accused == accuser:
                    continue
                for node in (accuser, accused):
                    if node not in g:
                        g.add_node(node, name=node)
                if not g.has_edge(accuser, accused):
                    g.add_edge(accuser, accused, count=0, documents=[], dates=[],
                               evidence={}, examples=[])  # fmt: skip
                e = g.edges[accuser, accused]
                e["count"] += 1
                if doc_id not in e["documents"]:
                    e["documents"].append(doc_id)
                if date and date not in e["dates"]:
                    e["dates"].append(date)
                e["evidence"][evidence] = e["evidence"].get(evidence, 0) + 1
                if len(e["examples"]) < 5:
                    e["examples"].append(
                        {"document": doc_id, "about": acc.get("about"),
                         "start": claim.get("start"), "end": claim.get("end")}
                    )  # fmt: skip
                made[accuser] += 1
                received[accused] += 1
    for node in g.nodes:
        g.nodes[node]["accusations_made"] = made[node]
        g.nodes[node]["times_accused"] = received[node]
    for _, _, e in g.edges(data=True):
        e["dates"].sort()
        e["main_evidence"] = max(e["evidence"].items(), key=lambda kv: kv[1])[0]
    return g


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Records of ``OUT_DIR/documents.jsonl`` (or of a .jsonl file given directly)."""
    p = Path(path)
    if p.is_dir():
        p = p / "documents.jsonl"
    with open(p, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def graph_to_json(g: nx.DiGraph) -> dict[str, Any]:
    return nx.node_link_data(g, edges="links")


def write_graph(g: nx.DiGraph, out: str | os.PathLike[str]) -> Path:
    """Write GraphML (``.graphml``) or node-link JSON (``.json``)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        flat = nx.DiGraph()
        for n, d in g.nodes(data=True):
            flat.add_node(n, **{k: _flat(v) for k, v in d.items()})
        for u, v, d in g.edges(data=True):
            flat.add_edge(u, v, **{k: _flat(x) for k, x in d.items()})
        nx.write_graphml(flat, path, encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(graph_to_json(g), ensure_ascii=False, indent=1) + "\n", "utf-8")
    else:
        raise ValueError(f"unknown graph format {suffix!r}: use .graphml or .json")
    return path


def _flat(v: Any) -> Any:
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v
