"""Read PolNeAR (brat standoff) and map its attributions to narrascope claims.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) is research-only: it is read from a
path (``NARRASCOPE_POLNEAR_DIR``, default ``../shared/data/attribution/polnear``
relative to the repository root) and never copied into the project.

The mapping to narrascope's conventions lives here and only here (:func:`to_claims`):

- PolNeAR content spans of direct quotes keep the quotation marks and the comma before
  the cue; narrascope's direct content is the text between the marks, so each content
  fragment is trimmed of surrounding quotation marks, spaces and final ``,``/``.``
  (matching in the evaluation also trims these).
- A discontinuous content (a quote split around its cue: ``Content 10 20;25 40``) becomes
  one claim per fragment, each with the attribution's source and cue.
- PolNeAR also annotates thoughts, beliefs and intentions. Beliefs and knowledge
  ("believes", "thinks", "knows") are kept as claims: they attribute a proposition to
  someone. Pure intentions, wishes, plans and perceptions ("wants to", "plans",
  "hopes", "tries", "sees") are dropped (:data:`DROP_CUE_LEMMAS`): they state no
  proposition a fact-checker could examine.
- Attributions without a source are kept (speaker null), as in narrascope.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_REL = Path("shared") / "data" / "attribution" / "polnear"

# cue words whose attributions are intentions/wishes/plans/perceptions, not claims
DROP_CUE_LEMMAS = frozenset(
    """want wants wanted wanting plan plans planned planning hope hopes hoped hoping try tries
    tried trying intend intends intended intending seek seeks sought seeking wish wishes wished
    aim aims aimed aiming decide decides decided deciding like likes liked love loves loved hate
    hates hated prefer prefers preferred see sees saw seen watch watched hear heard feel feels
    felt need needs needed expect expects expected look looks looked""".split()
)

QUOTES = "“”\"«»„‘’'"
TRIM = " \t\r\n,.;:" + QUOTES


def polnear_dir() -> Path:
    """``$NARRASCOPE_POLNEAR_DIR``, else ``../shared/data/attribution/polnear`` seen from
    the repository root (or from any parent, for git worktrees)."""
    env = os.environ.get("NARRASCOPE_POLNEAR_DIR")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[3]
    for base in [root, *root.parents]:
        cand = base.parent / _REL if base == root else base / _REL
        if cand.exists():
            return cand
    return root.parent / _REL


@dataclass
class Attribution:
    source: list[tuple[int, int]] | None
    cue: list[tuple[int, int]]
    contents: list[tuple[int, int]]
    cue_text: str = ""


@dataclass
class PolnearDoc:
    id: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


_ENTRY = re.compile(r"^(?=[TEA#]\d*\t|#)", re.M)


def _spans(spec: str) -> list[tuple[int, int]]:
    out = []
    for frag in spec.split(";"):
        a, b = frag.split()
        out.append((int(a), int(b)))
    return out


def read_ann(text: str) -> list[Attribution]:
    tspans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    events: list[list[tuple[str, str]]] = []
    for entry in re.split(r"\n(?=[TEA]\d+\t|#)", text):
        if not entry.strip():
            continue
        parts = entry.split("\t")
        key = parts[0]
        if key.startswith("T") and len(parts) >= 2:
            label, _, spec = parts[1].partition(" ")
            tspans[key] = (label, _spans(spec), parts[2] if len(parts) > 2 else "")
        elif key.startswith("E") and len(parts) >= 2:
            events.append([tuple(a.split(":", 1)) for a in parts[1].split()])  # type: ignore[misc]
    out = []
    for args in events:
        src: list[tuple[int, int]] | None = None
        cue: list[tuple[int, int]] = []
        cue_text = ""
        contents: list[tuple[int, int]] = []
        for role, tid in args:
            if tid not in tspans:
                continue
            label, spans, ttext = tspans[tid]
            if role.startswith("Source"):
                src = (src or []) + spans
            elif role.startswith("Cue"):
                cue += spans
                cue_text = (cue_text + " " + ttext).strip()
            elif role.startswith("Content"):
                contents += spans
        if contents and cue:
            out.append(Attribution(src, cue, contents, cue_text))
    return out


def read_polnear(root: str | os.PathLike[str] | None = None) -> Iterator[PolnearDoc]:
    """Documents of the train split with the first annotator's attributions."""
    base = Path(root) if root is not None else polnear_dir()
    meta = base / "metadata.tsv"
    first: dict[str, str] = {}
    if meta.exists():
        with open(meta, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                ann = (row.get("annotators") or "").split(",")[0].strip()
                if ann:
                    first[row["filename"]] = ann
    for txt in sorted((base / "text").glob("*.txt")):
        stem = txt.stem
        ann_name = first.get(stem)
        cands = sorted((base / "attributions").glob(f"{stem}_*.ann"))
        if not cands:
            continue
        path = next((c for c in cands if ann_name and c.stem.endswith("_" + ann_name)), cands[0])
        with open(txt, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(path, encoding="utf-8", newline="") as f:
            attrs = read_ann(f.read())
        yield PolnearDoc(stem, text, attrs)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in TRIM:
        s += 1
    while e > s and text[e - 1] in TRIM:
        e -= 1
    return s, e


def keep(attr: Attribution) -> bool:
    words = attr.cue_text.lower().split()
    return not any(w in DROP_CUE_LEMMAS for w in words[:3])


def to_claims(doc: PolnearDoc) -> list[dict[str, object]]:
    """Gold claims in narrascope's convention: one per content fragment."""
    out: list[dict[str, object]] = []
    for a in doc.attributions:
        if not keep(a):
            continue
        for s, e in a.contents:
            s2, e2 = trim(doc.text, s, e)
            if e2 - s2 < 2:
                continue
            out.append({"content": (s2, e2), "source": a.source, "cue": a.cue})
    return out
