"""Evaluate the claims stage: content-span F1, speakers, blame edges, evidence status.

Usage (from the repository root)::

    PYTHONPATH=src python bench/claims_eval.py dev                      # hand-written dev set
    PYTHONPATH=src python bench/claims_eval.py dev --baseline           # quote marks only
    PYTHONPATH=src python bench/claims_eval.py polnear                  # PolNeAR train, rules
    PYTHONPATH=src python bench/claims_eval.py polnear --backend claims.crf.v1 --cv 5
    PYTHONPATH=src python bench/claims_eval.py polnear --backend claims.hybrid.v1 --cv 5
    PYTHONPATH=src python bench/claims_eval.py ru                       # Russian dev set
    PYTHONPATH=src python bench/claims_eval.py speed                    # CPU ms per document

Matching: predicted and gold claims of a document are matched one-to-one by content-span
overlap (greedy, highest IoU first). Content F1 counts a matched pair as correct at IoU >=
0.5 ("overlap") or when both contents are equal after trimming quotation marks, spaces and
final punctuation ("exact"); "any overlap" (for information, citron's lenient setting)
counts every matched pair that shares a character. Speaker accuracy and evidence accuracy
are computed over pairs matched at IoU >= 0.5 (a null speaker equals a null speaker). Edge
F1 compares the per-document sets of accuser -> accused pairs (micro-averaged over
documents). On PolNeAR, "source found" is the share of matched claims with a gold source
whose predicted source overlaps it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from narrascope.document import Document
from narrascope.registry import stages
from narrascope.stages.segment import SentencexSegmenter

HERE = Path(__file__).resolve().parent
TRIM = " \t\r\n.,;:!?…\"“”«»„‘’'"
Gold = dict[str, Any]


# -- matching and scores --------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(text.strip(TRIM).split())


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def match(gold: Sequence[Gold], pred: Sequence[Gold]) -> list[tuple[int, int, float]]:
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            v = iou(g["content"], p["content"])
            if v > 0:
                pairs.append((v, i, j))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for v, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, v))
    return out


def _f1(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {
        "p": round(p, 3),
        "r": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
    }


def score(docs: Sequence[tuple[str, Sequence[Gold], Sequence[Gold]]]) -> dict[str, Any]:
    """``docs`` = [(text, gold claims, predicted claims)]."""
    n_gold = n_pred = tp_overlap = tp_exact = tp_any = 0
    spk_ok = spk_n = ev_ok = ev_n = src_ok = src_n = 0
    e_tp = e_fp = e_fn = 0
    for text, gold, pred in docs:
        n_gold += len(gold)
        n_pred += len(pred)
        for i, j, v in match(gold, pred):
            g, p = gold[i], pred[j]
            gs, ps = text[slice(*g["content"])], text[slice(*p["content"])]
            tp_any += 1
            if _norm(gs) == _norm(ps):
                tp_exact += 1
            if v < 0.5:
                continue
            tp_overlap += 1
            if "speaker" in g:
                spk_n += 1
                spk_ok += (
                    _norm(str(g["speaker"] or "")).lower()
                    == _norm(str(p.get("speaker") or "")).lower()
                )
            if "evidence" in g:
                ev_n += 1
                ev_ok += g["evidence"] == p.get("evidence")
            if g.get("source"):
                src_n += 1
                ps_ = p.get("source")
                src_ok += bool(ps_) and any(iou(s, ps_) > 0 for s in g["source"])
        if gold and "accused" in gold[0]:
            ge = {
                (g["speaker"], a) for g in gold for a in g.get("accused") or () if g.get("speaker")
            }
            pe = {
                (p.get("speaker"), a)
                for p in pred
                for a in p.get("accused") or ()
                if p.get("speaker")
            }
            e_tp += len(ge & pe)
            e_fp += len(pe - ge)
            e_fn += len(ge - pe)
    out: dict[str, Any] = {
        "documents": len(docs), "gold_claims": n_gold, "predicted_claims": n_pred,
        "content_overlap": _f1(tp_overlap, n_pred, n_gold),
        "content_exact": _f1(tp_exact, n_pred, n_gold),
        "content_any_overlap": _f1(tp_any, n_pred, n_gold),
    }  # fmt: skip
    if spk_n:
        out["speaker_accuracy"] = round(spk_ok / spk_n, 3)
    if ev_n:
        out["evidence_accuracy"] = round(ev_ok / ev_n, 3)
    if src_n:
        out["source_found"] = round(src_ok / src_n, 3)
    if e_tp + e_fp + e_fn:
        out["edges"] = _f1(e_tp, e_tp + e_fp, e_tp + e_fn)
    return out


# -- predictions ------------------------------------------------------------------------------
def claims_of(doc: Document) -> list[Gold]:
    out = []
    for c in doc.spans.get("claims", []):
        a = c.attrs
        acc = a.get("accusation") or {}
        src = a.get("source")
        out.append({
            "content": (c.start, c.end), "kind": c.label, "speaker": a.get("speaker"),
            "accused": list(acc.get("accused") or []), "evidence": a.get("evidence"),
            "source": (src["start"], src["end"]) if src else None,
        })  # fmt: skip
    return out


def make_predictor(backend: str, **options: Any) -> Callable[[Document], Document]:
    seg = SentencexSegmenter()
    stage = stages.get(backend).factory(**options)

    def run(doc: Document) -> Document:
        return stage(seg(doc))

    return run


def quote_baseline(doc: Document) -> list[Gold]:
    """Every top-level quotation is a direct claim with no speaker."""
    from narrascope.backends.claims.context import build_context

    ctx = build_context(SentencexSegmenter()(doc))
    out = []
    for q in ctx.quotes:
        s, e = q.start, q.end
        if e - s > 1:
            out.append({"content": (s, e), "speaker": None, "accused": [],
                        "evidence": "none_stated", "source": None})  # fmt: skip
    return out


# -- data sets --------------------------------------------------------------------------------
def load_dev(path: Path) -> list[tuple[Document, list[Gold]]]:
    data = json.loads(path.read_text("utf-8"))
    out = []
    for d in data["documents"]:
        text = d["text"]
        gold = []
        for c in d["claims"]:
            pos = -1
            for _ in range(int(c.get("occurrence", 1))):
                pos = text.find(c["content"], pos + 1)
            if pos < 0:
                raise ValueError(f"{d['id']}: gold content not in text: {c['content']!r}")
            gold.append({**c, "content": (pos, pos + len(c["content"]))})
        lang = d.get("language", data.get("language", "en"))
        doc = Document(id=d["id"], text=text, language=lang, published=d.get("published"))
        out.append((doc, gold))
    return out


def eval_dev(path: Path, backend: str, baseline: bool, model: str | None = None) -> dict[str, Any]:
    items = load_dev(path)
    predict = make_predictor(backend, **({"model": model} if model else {}))
    rows = []
    t0 = time.perf_counter()
    for doc, gold in items:
        pred = quote_baseline(doc) if baseline else claims_of(predict(doc))
        rows.append((doc.text, gold, pred))
    res = score(rows)
    res["seconds"] = round(time.perf_counter() - t0, 3)
    return res


def polnear_items(limit: int | None = None) -> list[tuple[Document, list[Gold]]]:
    from narrascope.train.claims import read_polnear, to_claims

    out = []
    for pd in read_polnear():
        gold = [{"content": c["content"], "source": c["source"]} for c in to_claims(pd)]
        out.append((Document(id=pd.id, text=pd.text, language="en"), gold))
        if limit and len(out) >= limit:
            break
    return out


def eval_polnear(
    backend: str, baseline: bool, cv: int, limit: int | None, seed: int, max_iterations: int = 40
) -> dict[str, Any]:
    items = polnear_items(limit)
    if backend == "claims.rules.v1" or baseline or cv <= 1:
        predict = make_predictor(backend) if not baseline else None
        rows = [(d.text, g, quote_baseline(d) if baseline else claims_of(predict(d)))  # type: ignore[misc]
                for d, g in items]  # fmt: skip
        return score(rows)
    from narrascope.train.claims import _doc_sequences, export_crf, read_polnear

    hybrid = backend == "claims.hybrid.v1"
    feats = {pd.id: list(_doc_sequences(pd, hybrid)) for pd in read_polnear()}  # featurise once
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    folds = [order[k::cv] for k in range(cv)]
    rows = []
    per_fold = []
    for k, test_idx in enumerate(folds):
        test = set(test_idx)
        train_ids = [items[i][0].id for i in order if i not in test]
        model_dir = Path(f"/tmp/narrascope_claims_cv{k}")
        seqs = (seq for doc_id in train_ids for seq in feats[doc_id])
        export_crf(seqs, model_dir, max_iterations=max_iterations, min_freq=2)
        predict = make_predictor(backend, model=str(model_dir))
        fold_rows = [
            (items[i][0].text, items[i][1], claims_of(predict(items[i][0]))) for i in test_idx
        ]
        per_fold.append(score(fold_rows))
        rows += fold_rows
    res = score(rows)
    res["max_iterations"] = max_iterations
    keys = ("content_overlap", "content_exact", "source_found")
    res["folds"] = [{k: f[k] for k in keys} for f in per_fold]
    return res


def eval_speed(backend: str, pattern: str, model: str | None = None) -> dict[str, Any]:
    """CPU time of the claims stage alone (language and sentences computed beforehand)."""
    import glob

    lang_of = {"EN": "en", "RU": "ru", "BG": "bg", "PT": "pt", "HI": "hi"}
    seg = SentencexSegmenter()
    docs = []
    for f in sorted(glob.glob(pattern)):
        lang = lang_of.get(Path(f).parts[-3], "en")
        with open(f, encoding="utf-8", newline="") as fh:
            docs.append(seg(Document(id=f, text=fh.read(), language=lang)))
    if not docs:
        raise SystemExit(f"no documents match {pattern!r}")
    stage = stages.get(backend).factory(**({"model": model} if model else {}))
    stage(docs[0])  # load lexicons/model once
    chars = sum(len(d.text) for d in docs)
    t0 = time.process_time()
    n = 0
    for d in docs:
        n += len(stage(d).spans["claims"])
    cpu = time.process_time() - t0
    return {
        "documents": len(docs), "chars_per_doc": round(chars / len(docs)), "claims": n,
        "cpu_ms_per_doc": round(1000 * cpu / len(docs), 1),
        "cpu_ms_per_4000_chars": round(1000 * cpu / chars * 4000, 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", choices=["dev", "polnear", "ru", "uk", "bg", "pt", "speed"])
    ap.add_argument("--backend", default="claims.rules.v1")
    ap.add_argument("--baseline", action="store_true", help="quote marks only")
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-iterations", type=int, default=40, help="CRF training (CV)")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--model", default=None, help="model directory (CRF backends)")
    ap.add_argument(
        "--docs",
        default="../shared/data/semeval2025t10/test/*/subtask-2-documents/*.txt",
        help="glob of documents for `speed`",
    )
    args = ap.parse_args(argv)
    if args.set == "speed":
        res = eval_speed(args.backend, args.docs, args.model)
    elif args.set == "polnear":
        res = eval_polnear(
            args.backend, args.baseline, args.cv, args.limit, args.seed, args.max_iterations
        )
    else:
        name = "en_dev.json" if args.set == "dev" else f"{args.set}_dev.json"
        data = args.data or HERE / "data" / "claims" / name
        res = eval_dev(data, args.backend, args.baseline, args.model)
    res = {"set": args.set, "backend": "quote-baseline" if args.baseline else args.backend, **res}
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
