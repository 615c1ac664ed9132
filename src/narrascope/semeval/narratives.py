"""SemEval-2025 Task 10 subtasks 2 (narratives) and 3 (explanations): predict and CV.

Documents are analysed with the same stages as ``narrascope analyze`` (language,
sentences, narratives); the language comes from the SemEval id when it names one
(``EN_...``, ``A7_URW_BG_...``, ``RU-URW-...``), else from ``--lang``, else it is
detected.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from ..stages.narratives import LinearNarratives
from ..stages.segment import SentencexSegmenter
from ..taxonomy.narratives import OTHER, SEP, Taxonomy
from .data import LANGUAGES, Corpus, Example, find_data_dir, load_corpus
from .formats import list_documents, read_document, read_subtask3, write_subtask2, write_subtask3
from .metrics import rouge_l_f1, score_subtask2

_LANG_IN_ID = re.compile(r"(?:^|_)(BG|EN|HI|PT|RU)(?=[_-])")

Progress = Callable[[str], None]


def language_from_id(doc_id: str) -> str | None:
    m = _LANG_IN_ID.search(doc_id)
    return m.group(1).lower() if m else None


def make_document(doc_id: str, text: str, language: str | None) -> Document:
    doc = Document(id=doc_id, text=text, language=language)
    if doc.language is None:
        from ..stages.language import FastTextLanguage

        doc = FastTextLanguage()(doc)
    return SentencexSegmenter()(doc)


def analyse_folder(
    input_dir: Path, *, model: Path | None = None, lang: str | None = None
) -> list[Document]:
    stage = LinearNarratives(model=str(model) if model else None)
    out = []
    for path in list_documents(input_dir):
        doc = make_document(path.name, read_document(path), lang or language_from_id(path.name))
        out.append(stage(doc))
    return out


def doc_labels(doc: Document) -> tuple[list[str], list[str]]:
    rec = doc.cats.get("narratives") or {}
    narrs = [n["label"] for n in rec.get("narratives", [])] or [OTHER]
    subs = [s["label"] for s in rec.get("subnarratives", [])] or [OTHER]
    return narrs, subs


def predict_subtask2(
    input_dir: Path, output: Path, *, model: Path | None = None, lang: str | None = None
) -> int:
    docs = analyse_folder(input_dir, model=model, lang=lang)
    return write_subtask2(output, ((d.id, *doc_labels(d)) for d in docs))


def explanation_text(doc: Document) -> str:
    exp = doc.data.get("explanation") or {}
    return " ".join(s["text"] for s in exp.get("sentences", []))


def predict_subtask3(
    input_dir: Path,
    output: Path,
    *,
    model: Path | None = None,
    lang: str | None = None,
    dominant: Path | None = None,
) -> int:
    """Subtask-3 rows. With ``dominant`` (a subtask-3 file giving each article's dominant
    narrative, as the official task input does) those labels are explained; otherwise the
    model's own dominant narrative is."""
    stage = LinearNarratives(model=str(model) if model else None)
    given = read_subtask3(dominant) if dominant else {}
    rows = []
    for path in list_documents(input_dir):
        doc = make_document(path.name, read_document(path), lang or language_from_id(path.name))
        if path.name in given:
            narr, sub, _ = given[path.name]
            doc = explain_given(stage, doc, narr, sub)
        else:
            doc = stage(doc)
        exp = doc.data.get("explanation") or {}
        rows.append(
            (doc.id, exp.get("narrative") or OTHER, exp.get("subnarrative"), explanation_text(doc))
        )
    return write_subtask3(output, rows)


def explain_given(
    stage: LinearNarratives, doc: Document, narrative: str, subnarrative: str | None
) -> Document:
    """Explain a given dominant narrative (subtask-3 setting) with the stage's model."""
    from ..stages.narratives import segments_of

    model = stage.model
    fz = model.featurize(doc.text)
    segs = segments_of(doc)
    if narrative not in model.label_index:
        doc.data["explanation"] = None
        return doc
    score = model.contributions(fz, narrative, segs)
    if (
        subnarrative
        and subnarrative in model.label_index
        and not subnarrative.endswith(SEP + OTHER)
    ):
        score = score + model.contributions(fz, subnarrative, segs)
    doc.data["explanation"] = stage.explanation(doc, score, segs, narrative, subnarrative)
    return doc


# -- cross-validation -------------------------------------------------------------------
@dataclass
class CVReport:
    per_language: dict[str, dict[str, float]]
    predictions: dict[str, tuple[list[str], list[str]]]
    gold: dict[str, tuple[list[str], list[str]]]
    explanation: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "per_language": self.per_language,
            "explanation": self.explanation,
            "seconds": round(self.seconds, 1),
            "decisions": self.decisions,
        }


def official_classes(data_dir: Path) -> tuple[list[str] | None, list[str] | None]:
    """The scorer's class lists (taxonomy/subtask2_{narratives,subnarratives}.txt)."""
    out: list[list[str] | None] = []
    for name in ("subtask2_narratives.txt", "subtask2_subnarratives.txt"):
        p = data_dir / "taxonomy" / name
        out.append(p.read_text("utf-8").split("\n") if p.is_file() else None)
    return out[0], out[1]


def default_taxonomy(data_dir: Path) -> Taxonomy:
    p = data_dir / "taxonomy" / "taxonomy.json"
    if p.is_file():
        return Taxonomy.load(p)
    from ..backends.narratives_linear import default_model_dir

    return Taxonomy.load(default_model_dir() / "taxonomy.json")


def cv_subtask2(
    data_dir: Path | None = None,
    folds: int = 5,
    *,
    seed: int = 0,
    taxonomy: Path | None = None,
    progress: Progress | None = None,
    explain: bool = True,
) -> CVReport:
    """Stratified k-fold CV on the training data; per-language samples-F1 and subtask 3."""
    from ..train.narratives import cross_validate

    t0 = time.perf_counter()
    d = find_data_dir(data_dir)
    tax = Taxonomy.load(taxonomy) if taxonomy else default_taxonomy(d)
    corpus = load_corpus(d)
    cc, fc = official_classes(d)
    explainer = _cv_explainer if explain else None
    res = cross_validate(corpus, tax, folds=folds, seed=seed, progress=progress, explain=explainer)
    gold = {f"{e.language}/{e.id}": (e.narratives, e.subnarratives) for e in corpus.examples}
    per_lang: dict[str, dict[str, float]] = {}
    langs = [lg for lg in LANGUAGES if any(e.language == lg for e in corpus.examples)]
    langs += sorted({e.language for e in corpus.examples} - set(langs))
    for lg in [*langs, "ALL"]:
        g = {k: v for k, v in gold.items() if lg == "ALL" or k.split("/", 1)[0] == lg}
        s = score_subtask2(g, res.predictions, coarse_classes=cc, fine_classes=fc)
        per_lang[lg] = s.to_json()
    report = CVReport(per_lang, res.predictions, gold, decisions=res.models_decisions)
    if explain:
        report.explanation = _explanation_scores(corpus, res.dominant, res.explanations, langs)
    report.seconds = time.perf_counter() - t0
    return report


def _cv_explainer(model: Any, ex: Example, pred: Any) -> tuple[str, str | None, str]:
    """Explain the gold dominant narrative (subtask-3 setting) and report the predicted one.

    Returns ``(predicted dominant narrative, predicted dominant subnarrative,
    "explanation-of-gold-dominant \\x00 explanation-of-predicted-dominant")``.
    """
    stage = LinearNarratives.from_model(model)
    doc = make_document(ex.id, ex.text, ex.language.lower())
    fz = model.featurize(ex.text)
    pred_doc = stage.annotate(doc, pred, fz)
    exp = pred_doc.data.get("explanation") or {}
    pred_text = explanation_text(pred_doc)
    gold_text = ""
    if ex.dominant is not None:
        gdoc = make_document(ex.id, ex.text, ex.language.lower())
        gold_text = explanation_text(explain_given(stage, gdoc, ex.dominant[0], ex.dominant[1]))
    return exp.get("narrative") or OTHER, exp.get("subnarrative"), gold_text + "\x00" + pred_text


def _explanation_scores(
    corpus: Corpus,
    dominant: dict[str, tuple[str, str | None]],
    texts: dict[str, str],
    langs: list[str],
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for lg in [*langs, "ALL"]:
        n = acc = acc_sub = 0
        r_gold = r_pred = 0.0
        words = 0
        for e in corpus.examples:
            if e.dominant is None or (lg != "ALL" and e.language != lg):
                continue
            key = f"{e.language}/{e.id}"
            if key not in dominant:
                continue
            n += 1
            g_narr, g_sub, g_expl = e.dominant
            p_narr, p_sub = dominant[key]
            acc += p_narr == g_narr
            acc_sub += (p_sub or None) == (g_sub or None)
            t_gold, _, t_pred = texts[key].partition("\x00")
            r_gold += rouge_l_f1(g_expl, t_gold)
            r_pred += rouge_l_f1(g_expl, t_pred)
            words += len(t_gold.split())
        if n:
            out[lg] = {
                "n": n,
                "dominant_narrative_accuracy": round(acc / n, 4),
                "dominant_subnarrative_accuracy": round(acc_sub / n, 4),
                "rouge_l_f1_given_gold_dominant": round(r_gold / n, 4),
                "rouge_l_f1_predicted_dominant": round(r_pred / n, 4),
                "mean_words": round(words / n, 1),
            }
    return out


def load_training_corpus(data_dir: Path | None) -> tuple[Path, Corpus]:
    d = find_data_dir(data_dir)
    return d, load_corpus(d)
