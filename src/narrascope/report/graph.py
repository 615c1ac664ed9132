"""Geometry of the blame graph (accuser -> accused), drawn server-side as inline SVG.

A two-column layout: accusers on the left, the accused on the right, one curve per
(accuser, accused) pair, its width growing with the number of accusing claims and its
colour and dash pattern naming the dominant evidence status. An actor that both accuses
and is accused appears in both columns, which keeps mutual blame readable without a
force layout. Only geometry is computed here; the template writes the SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Edge

# evidence status -> (css class suffix, dash pattern); colours live in the CSS
STATUS_STYLE = {
    "none_stated": "6 4",
    "claimed_without_evidence": "2 3",
    "evidence_cited": "",
    "disputed_by_author": "10 3 2 3",
    "not_applicable": "1 5",
    "unknown": "1 5",
}


@dataclass
class Node:
    name: str
    label: str
    x: float
    y: float
    weight: int


@dataclass
class Curve:
    edge: Edge
    path: str
    width: float
    dash: str
    status: str
    anchor: str  # id of the edge's row in the table
    lx: float  # label position (count)
    ly: float


@dataclass
class BlameGraph:
    width: int
    height: int
    left: list[Node]
    right: list[Node]
    curves: list[Curve]
    shown: int
    total: int


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def layout(edges: list[Edge], *, max_edges: int = 30, width: int = 760) -> BlameGraph | None:
    """Lay out the ``max_edges`` heaviest edges (``edges`` sorted heaviest first)."""
    if not edges:
        return None
    shown = edges[:max_edges]
    lw: dict[str, int] = {}
    rw: dict[str, int] = {}
    for e in shown:
        lw[e.accuser] = lw.get(e.accuser, 0) + e.count
        rw[e.accused] = rw.get(e.accused, 0) + e.count
    row_h, top = 34, 30
    rows = max(len(lw), len(rw))
    height = top + rows * row_h + 10
    xl, xr = 200.0, width - 200.0

    def column(weights: dict[str, int], x: float) -> dict[str, Node]:
        names = sorted(weights, key=lambda k: (-weights[k], k))
        off = top + (rows - len(names)) * row_h / 2
        return {
            k: Node(k, _short(k), x, off + i * row_h + row_h / 2, weights[k])
            for i, k in enumerate(names)
        }

    left, right = column(lw, xl), column(rw, xr)
    heaviest = max(e.count for e in shown)
    curves = []
    for i, e in enumerate(shown):
        a, b = left[e.accuser], right[e.accused]
        x1, x2 = a.x + 6, b.x - 10
        mid = (x1 + x2) / 2
        path = f"M{x1:.1f},{a.y:.1f} C{mid:.1f},{a.y:.1f} {mid:.1f},{b.y:.1f} {x2:.1f},{b.y:.1f}"
        w = 1.5 + 4.5 * math.log1p(e.count) / math.log1p(heaviest)
        status = e.status
        curves.append(
            Curve(
                e,
                path,
                round(w, 2),
                STATUS_STYLE.get(status, "1 5"),
                status,
                f"edge-{i}",
                mid,
                (a.y + b.y) / 2 - 4,
            )
        )
    return BlameGraph(
        width, height, list(left.values()), list(right.values()), curves, len(shown), len(edges)
    )
