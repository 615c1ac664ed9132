"""SemEval-2023 Task 3 (subtask 3) harness: corpus reading, offset fixes, scoring.

The corpus lives outside the repository (research-only licence): by default
``../shared/data/persuasion`` relative to the repository root, or the directory in the
``NARRASCOPE_PERSUASION_DIR`` environment variable. Formats and known defects are
described in that directory's README; the fixes applied here:

- articles are read as ``utf-8`` (not ``utf-8-sig``): a byte-order mark is character 0;
- a paragraph is a line (``text.split("\\n")``), numbered from 1; blank lines get no row;
- span offsets of articles whose ``offset_basis`` is ``CRLF`` were counted on a CRLF copy
  of the text: :func:`crlf_to_lf` converts them; in every non-English span file
  :func:`fix_span_end` extends ends that stop one character before a final letter and
  ``.`` (seen with both offset bases);
- labels come from the per-article files (the merged English file has a corrupt label).

Metrics: :func:`micro_f1` over (article, line, technique) triples (the task's metric),
and :func:`span_prf` with partial-overlap credit for same-label spans (the SemEval-2020
Task 11 / CLEF-2024 CheckThat! Task 3 span measure).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# SemEval folder name -> ISO 639-1
LANGS: dict[str, str] = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
ISO_TO_SEMEVAL = {v: k for k, v in LANGS.items()}

_ARTICLE = re.compile(r"^article(\d+)\.txt$")


@dataclass
class Article:
    id: str
    lang: str  # ISO 639-1
    text: str
    # 1-based line number -> list of techniques, for every non-blank line
    labels: dict[int, list[str]] = field(default_factory=dict)
    # (technique, start, end) in LF offsets into ``text``
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    def lines(self) -> list[tuple[int, int, int]]:
        """(line_no, start, end) of every non-blank line, untrimmed line extent."""
        return line_offsets(self.text)


def line_offsets(text: str) -> list[tuple[int, int, int]]:
    """(1-based line number, start, end) of each non-blank line; a line is ``split("\\n")``."""
    out = []
    pos = 0
    for no, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            out.append((no, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- data location and reading ------------------------------------------------------------
def default_data_dir() -> Path:
    env = os.environ.get("NARRASCOPE_PERSUASION_DIR")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    # ../shared/data next to the repository (a git worktree may sit one level deeper)
    for parent in repo_root.parents:
        candidate = parent / "shared" / "data" / "persuasion"
        if candidate.is_dir():
            return candidate
    return (repo_root / ".." / "shared" / "data" / "persuasion").resolve()


def semeval_dir(data_dir: Path | None = None) -> Path:
    base = Path(data_dir) if data_dir else default_data_dir()
    return base / "semeval2023t3" if (base / "semeval2023t3").is_dir() else base


def read_text(path: Path) -> str:
    """Read an article exactly: utf-8 (a BOM stays as character 0), newlines untouched."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def crlf_to_lf(text: str, offset: int) -> int:
    """Map an offset counted on ``text.replace("\\n", "\\r\\n")`` back onto ``text``."""
    return offset - text.replace("\n", "\r\n")[:offset].count("\r")


def fix_span_end(text: str, end: int) -> int:
    """Ends one short before a final letter and '.' (a defect of the converted offsets)."""
    if 0 < end < len(text) - 1 and text[end - 1].isalnum() and text[end].isalnum():
        if text[end + 1] == ".":
            return end + 1
    return end


def convert_span(
    text: str, start: int, end: int, basis: str, *, fix_end: bool = True
) -> tuple[int, int]:
    """Gold span offsets -> LF offsets into ``text`` for the given offset basis.

    ``fix_end`` applies :func:`fix_span_end`; the short ends occur in the non-English
    span files whatever their offset basis (English spans need no fix).
    """
    if basis == "CRLF":
        start, end = crlf_to_lf(text, start), crlf_to_lf(text, end)
    if fix_end:
        end = fix_span_end(text, end)
    return start, end


def read_offset_basis(root: Path) -> dict[tuple[str, str], str]:
    path = root / "span_offset_basis.tsv"
    out: dict[tuple[str, str], str] = {}
    if not path.exists():
        return out
    for i, line in enumerate(read_text(path).splitlines()):
        parts = line.split("\t")
        if i == 0 or len(parts) < 5:
            continue
        out[(parts[0], parts[2])] = parts[4]
    return out


def parse_label_rows(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """Rows of a subtask-3 label or prediction file: (article_id, line_no, techniques)."""
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 2:
            continue
        techs = [t.strip() for t in parts[2].split(",")] if len(parts) > 2 else []
        yield parts[0].strip(), int(parts[1]), [t for t in techs if t]


def read_language(lang: str, data_dir: Path | None = None) -> list[Article]:
    """All training articles of one language (SemEval code or ISO code) with gold."""
    code = ISO_TO_SEMEVAL.get(lang, lang)
    if code not in LANGS:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGS)}")
    root = semeval_dir(data_dir)
    base = root / code
    if not base.is_dir():
        raise FileNotFoundError(
            f"no SemEval-2023 Task 3 data at {base}: set NARRASCOPE_PERSUASION_DIR"
        )
    basis = read_offset_basis(root)
    arts = []
    for path in sorted((base / "train-articles-subtask-3").iterdir()):
        m = _ARTICLE.match(path.name)
        if not m:
            continue
        aid = m.group(1)
        text = read_text(path)
        art = Article(aid, LANGS[code], text)
        lab = base / "train-labels-subtask-3" / f"article{aid}-labels-subtask-3.txt"
        if lab.exists():
            for _, no, techs in parse_label_rows(read_text(lab)):
                art.labels[no] = techs
        for no, _, _ in art.lines():
            art.labels.setdefault(no, [])
        sp = base / "train-labels-subtask-3-spans" / f"article{aid}-labels-subtask-3.txt"
        if sp.exists():
            b = basis.get((code, aid), "LF")
            for line in read_text(sp).splitlines():
                parts = line.split("\t")
                if len(parts) < 4:
                    continue
                s, e = convert_span(text, int(parts[2]), int(parts[3]), b, fix_end=code != "en")
                if 0 <= s < e <= len(text):
                    art.spans.append((parts[1].strip(), s, e))
        arts.append(art)
    return arts


def read_articles_dir(path: Path, lang: str | None = None) -> list[Article]:
    """Unlabelled ``article<ID>.txt`` files of a directory (for ``techniques predict``)."""
    out = []
    for p in sorted(Path(path).iterdir()):
        m = _ARTICLE.match(p.name)
        if m:
            out.append(Article(m.group(1), lang or "", read_text(p)))
    return out


# -- metrics --------------------------------------------------------------------------------
Triple = tuple[str, int, str]


def triples(rows: Iterable[tuple[str, int, Sequence[str]]]) -> set[Triple]:
    return {(a, n, t) for a, n, ts in rows for t in ts}


def micro_f1(gold: set[Triple], pred: set[Triple]) -> dict[str, float]:
    """Micro precision, recall and F1 over (article, line, technique) triples."""
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "gold": len(gold), "pred": len(pred)}


def score_files(gold_path: Path, pred_path: Path) -> dict[str, float]:
    """Micro-F1 of a prediction file against a gold file (subtask-3 format).

    Predictions for lines that the gold file does not list are ignored (the task scores
    only gold paragraphs); a gold line missing from the predictions counts as empty.
    """
    gold_rows = list(parse_label_rows(read_text(Path(gold_path))))
    keys = {(a, n) for a, n, _ in gold_rows}
    pred_rows = [r for r in parse_label_rows(read_text(Path(pred_path))) if (r[0], r[1]) in keys]
    return micro_f1(triples(gold_rows), triples(pred_rows))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_prf(
    gold: Mapping[str, Sequence[tuple[str, int, int]]],
    pred: Mapping[str, Sequence[tuple[str, int, int]]],
) -> dict[str, float]:
    """Span P/R/F1 with partial-overlap credit between spans of the same technique.

    P = mean over predicted spans of (characters covered by same-label gold spans) /
    length; R = the same over gold spans. Per-document spans are keyed by article id.
    """
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for doc in set(gold) | set(pred):
        g_by: dict[str, list[tuple[int, int]]] = defaultdict(list)
        p_by: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for t, s, e in gold.get(doc, ()):
            g_by[t].append((s, e))
        for t, s, e in pred.get(doc, ()):
            p_by[t].append((s, e))
        for t, ps in p_by.items():
            for sp in ps:
                n_pred += 1
                if sp[1] > sp[0]:
                    p_sum += min(1.0, _covered(sp, g_by.get(t, [])) / (sp[1] - sp[0]))
        for t, gs in g_by.items():
            for g in gs:
                n_gold += 1
                if g[1] > g[0]:
                    r_sum += min(1.0, _covered(g, p_by.get(t, [])) / (g[1] - g[0]))
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "gold": n_gold, "pred": n_pred}


def _covered(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> int:
    """Characters of ``span`` covered by the union of ``others``."""
    marks = sorted((max(s, span[0]), min(e, span[1])) for s, e in others if _overlap(span, (s, e)))
    total, cur = 0, span[0]
    for s, e in marks:
        s = max(s, cur)
        if e > s:
            total += e - s
            cur = e
    return total


def write_predictions(rows: Iterable[tuple[str, int, Sequence[str]]], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for a, no, techs in rows:
            f.write(f"{a}\t{no}\t{','.join(techs)}\n")
            n += 1
    return n


# -- prediction and cross-validation ----------------------------------------------------------
def _iso(lang: str | None) -> str | None:
    if not lang:
        return None
    return LANGS.get(lang, lang)


def article_document(art: Article, language: str | None) -> Any:
    """A segmented :class:`Document` whose paragraphs are the article's non-blank lines."""
    from .document import Document
    from .stages.segment import sentence_offsets

    doc = Document(id=art.id, text=art.text, language=language)
    paras, sents = [], []
    for _, s, e in art.lines():
        s, e = trimmed(art.text, s, e)
        paras.append(doc.span(s, e))
        for ss, se in sentence_offsets(art.text, s, e, language or "en"):
            sents.append(doc.span(ss, se))
    doc.spans["paragraphs"] = paras
    doc.spans["sentences"] = sents
    return doc


def detect_language(text: str) -> str | None:
    from .stages.language import FastTextLanguage

    return FastTextLanguage().detect(text)[0]


def predict_articles(
    articles: Sequence[Article], *, lang: str | None = None, model_dir: Path | None = None
) -> Iterator[tuple[str, int, list[str]]]:
    """Rows ``(article_id, line_no, techniques)`` from the techniques stage."""
    from .stages.techniques import LinearTechniques

    stage = LinearTechniques(model=str(model_dir) if model_dir else None)
    for art in articles:
        language = _iso(lang) or art.lang or detect_language(art.text)
        doc = stage(article_document(art, language))
        sets = doc.cats["techniques"]["paragraphs"]
        for (no, _, _), techs in zip(art.lines(), sets, strict=True):
            yield art.id, no, list(techs)


def predict_directory(
    input_dir: Path, output: Path, *, lang: str | None = None, model_dir: Path | None = None
) -> int:
    arts = read_articles_dir(input_dir, _iso(lang))
    return write_predictions(predict_articles(arts, lang=lang, model_dir=model_dir), output)


def run_cv(
    *,
    lang: str = "all",
    folds: int = 5,
    pooled: bool = True,
    spans: bool = True,
    data_dir: Path | None = None,
    nested: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Cross-validation by article through the full techniques stage.

    Per fold: the model is fitted on the other folds (all six languages when
    ``pooled``), thresholds are tuned on the other folds' out-of-fold probabilities and
    the span cue lexicon is mined from the other folds' gold spans; the held-out
    articles then go through :class:`~narrascope.stages.techniques.LinearTechniques`.
    With ``nested`` the fold's stacker and thresholds come from an inner CV on the other
    folds only (see ``cross_validate_stage``); without it the reported figures are
    optimistic.
    """
    from .train import techniques as tr

    wanted = list(LANGS) if lang == "all" else [ISO_TO_SEMEVAL.get(lang, lang)]
    train_langs = list(LANGS) if pooled else wanted
    return tr.cross_validate_stage(
        train_langs, [LANGS[w] for w in wanted], folds=folds, spans=spans,
        data_dir=data_dir, nested=nested, progress=progress,
    )  # fmt: skip
