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
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.claims.crf import DROP_CUE_LEMMAS

_REL = Path("shared") / "data" / "attribution" / "polnear"

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
            if doc.text[s2 : s2 + 5].lower() == "that ":  # narrascope drops the complementiser
                s2, e2 = trim(doc.text, s2 + 5, e2)
            if e2 - s2 < 2:
                continue
            out.append({"content": (s2, e2), "source": a.source, "cue": a.cue})
    return out


# -- CRF training -------------------------------------------------------------------------
def _doc_sequences(
    pd: PolnearDoc, hybrid: bool = False
) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(features, BIO labels) for every paragraph of one PolNeAR document (``hybrid``: with
    the rules' claims as features)."""
    from ..backends.claims.context import build_context
    from ..backends.claims.crf import cue_marks, featurize, rule_marks
    from ..backends.claims.rules import RuleExtractor
    from ..document import Document
    from ..stages.segment import SentencexSegmenter

    doc = SentencexSegmenter()(Document(id=pd.id, text=pd.text, language="en"))
    ctx = build_context(doc)
    starts = [t.start for t in ctx.toks]
    labels = ["O"] * len(ctx.toks)

    def paint(spans: list[tuple[int, int]] | None, role: str, *, force: bool) -> None:
        for s, e in spans or ():
            ks = [k for k in range(bisect_left(starts, s), len(starts)) if starts[k] < e]
            for n, k in enumerate(ks):
                if labels[k] == "O" or force:
                    labels[k] = ("B-" if n == 0 else "I-") + role

    for a in pd.attributions:
        if not keep(a):
            continue
        paint(a.source, "S", force=False)
        paint(a.cue, "Q", force=False)
        contents = [c["content"] for c in to_claims(PolnearDoc(pd.id, pd.text, [a]))]
        paint(contents, "C", force=True)  # type: ignore[arg-type]
    marks = cue_marks(ctx)
    rmarks = rule_marks(ctx, RuleExtractor(ctx).run()) if hybrid else None
    for ps, pe in ctx.paragraphs:
        a_, b_ = bisect_left(starts, ps), bisect_left(starts, pe)
        if b_ > a_:
            yield featurize(ctx, a_, b_, marks, rmarks), labels[a_:b_]


def export_crf(
    sequences: Iterable[tuple[list[list[str]], list[str]]],
    out_dir: str | os.PathLike[str],
    *,
    c1: float = 0.05,
    c2: float = 0.01,
    max_iterations: int = 80,
    min_freq: int = 1,
    prune: float = 0.02,
) -> Path:
    """Train crfsuite on ``(features, labels)`` sequences; write the weights as ``crf.json``."""
    import json
    import tempfile

    try:
        import pycrfsuite
    except ImportError as e:  # pragma: no cover - training extra
        raise ImportError("training the claims CRF needs: pip install python-crfsuite") from e
    from ..backends.claims.crf import LABELS

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    trainer = pycrfsuite.Trainer(verbose=False)
    n_seq = 0
    for feats, labels in sequences:
        trainer.append(feats, labels)
        n_seq += 1
    params = {"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.minfreq": min_freq}
    trainer.set_params({**params, "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "model.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        tagger.close()
    labels = list(LABELS)
    lab_idx = {lab: k for k, lab in enumerate(labels)}
    attrs: dict[str, int] = {}
    state = []
    for (attr, lab), w in sorted(info.state_features.items()):
        if abs(w) < prune or lab not in lab_idx:
            continue
        k = attrs.setdefault(attr, len(attrs))
        state.append([k, lab_idx[lab], round(float(w), 4)])
    pairs, weights = [], []
    for (f, t), w in sorted(info.transitions.items()):
        if f in lab_idx and t in lab_idx:
            pairs.append([lab_idx[f], lab_idx[t]])
            weights.append(round(float(w), 4))
    model = {
        "format": "narrascope-crf-1",
        "labels": labels,
        "sequences": n_seq,
        "transitions": {"pairs": pairs, "weights": weights},
        "attributes": list(attrs),
        "state": state,
    }
    (out / "crf.json").write_text(json.dumps(model, separators=(",", ":")), "utf-8")
    return out


def train_crf(
    out_dir: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    include: set[str] | None = None,
    c1: float = 0.05,
    c2: float = 0.01,
    max_iterations: int = 80,
    min_freq: int = 2,
    prune: float = 0.02,
    cv_metrics: dict[str, object] | None = None,
    hybrid: bool = False,
) -> Path:
    """Train the claims CRF on PolNeAR and write ``crf.json`` + ``meta.json`` to ``out_dir``.

    ``cv_metrics`` (the output of ``bench/claims_eval.py polnear --backend claims.crf.v1
    --cv 5``) is stored in ``meta.json``. ``hybrid``: the rules' claims are features
    (``claims.hybrid.v1``; ship to ``models/claims/hybrid``)."""
    import hashlib
    import json
    import time

    from .. import __version__
    from ..document import SCHEMA_VERSION

    digest = hashlib.sha256()
    n_docs = 0

    def sequences() -> Iterator[tuple[list[list[str]], list[str]]]:
        nonlocal n_docs
        for pd in read_polnear(root):
            if include is not None and pd.id not in include:
                continue
            digest.update(pd.id.encode())
            digest.update(hashlib.sha256(pd.text.encode()).digest())
            n_docs += 1
            yield from _doc_sequences(pd, hybrid=hybrid)

    t0 = time.time()
    out = export_crf(sequences(), out_dir, c1=c1, c2=c2, max_iterations=max_iterations,
                     min_freq=min_freq, prune=prune)  # fmt: skip
    model = json.loads((out / "crf.json").read_text("utf-8"))
    params = {"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.minfreq": min_freq}
    meta = {
        "name": "claims.hybrid.v1" if hybrid else "claims.crf.v1",
        "features": (
            "lexicon + rules' claims + word bigrams + the sentence's cue word"
            if hybrid
            else "lexicon"
        ),
        "narrascope_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "training_data": "PolNeAR v1.0.0 train split (first annotator per article)",
        "training_data_digest": digest.hexdigest(),
        "documents": n_docs,
        "sequences": model.get("sequences"),
        "params": {**params, "prune": prune},
        "attributes": len(model["attributes"]),
        "state_features": len(model["state"]),
        "train_seconds": round(time.time() - t0, 1),
        "format": "JSON weights (labels, transitions, state features); decoded with numpy "
        "Viterbi in narrascope.backends.claims.crf; no pickle, no crfsuite at run time",
        "licence": "trained on research-only SemEval/PolNeAR data; weights only, no text",
        "cv_metrics": cv_metrics,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Train the claims CRF on PolNeAR.")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--polnear", default=None, help="PolNeAR directory ($NARRASCOPE_POLNEAR_DIR)")
    ap.add_argument("--max-iterations", type=int, default=80)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--hybrid", action="store_true", help="rules' claims as features")
    ap.add_argument(
        "--cv-metrics", default=None, help="JSON from bench/claims_eval.py polnear --cv 5"
    )
    args = ap.parse_args(argv)
    cv = None
    if args.cv_metrics:
        import json

        cv = json.loads(Path(args.cv_metrics).read_text("utf-8"))
    train_crf(
        args.out,
        root=args.polnear,
        max_iterations=args.max_iterations,
        c1=args.c1,
        c2=args.c2,
        cv_metrics=cv,
        hybrid=args.hybrid,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
