"""Official SemEval-2025 Task 10 metrics, reimplemented.

Subtask 2 (narratives): samples-F1. For each article, F1 between the gold and the
predicted label sets, averaged over articles; computed on narratives (coarse) and on
subnarratives (fine). As in the official scorer, labels outside the class list are
ignored, and an article whose gold and predicted sets are both empty (after that
filtering) scores 0 (scikit-learn ``zero_division=0``). ``"Other"`` is a class of both
lists, so an article labelled ``Other`` and predicted ``Other`` scores 1. Unlike the
official script, which pairs the gold and prediction files by line order, articles
are matched by id here; missing predictions count as empty sets.

Subtask 1 (entity framing): exact match ratio (share of mentions whose predicted set
of fine roles equals the gold set) and main-role accuracy, mentions matched by
``(article_id, start, end)``; a mention without a prediction counts as wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .formats import Mention


def f1_sets(gold: Iterable[str], pred: Iterable[str], classes: set[str] | None = None) -> float:
    g, p = set(gold), set(pred)
    if classes is not None:
        g &= classes
        p &= classes
    tp = len(g & p)
    if tp == 0:
        return 0.0
    return 2 * tp / (len(g) + len(p))


def samples_f1(
    gold: Mapping[str, Sequence[str]],
    pred: Mapping[str, Sequence[str]],
    classes: Iterable[str] | None = None,
) -> float:
    """Mean per-article F1 over the articles of ``gold``."""
    if not gold:
        return 0.0
    cls = set(classes) if classes is not None else None
    return sum(f1_sets(g, pred.get(k, ()), cls) for k, g in gold.items()) / len(gold)


@dataclass
class Subtask2Scores:
    coarse: float
    fine: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return {"coarse_f1": round(self.coarse, 4), "fine_f1": round(self.fine, 4), "n": self.n}


def score_subtask2(
    gold: Mapping[str, tuple[Sequence[str], Sequence[str]]],
    pred: Mapping[str, tuple[Sequence[str], Sequence[str]]],
    *,
    coarse_classes: Iterable[str] | None = None,
    fine_classes: Iterable[str] | None = None,
) -> Subtask2Scores:
    """Samples-F1 coarse and fine over the articles of ``gold``."""
    coarse = samples_f1(
        {k: v[0] for k, v in gold.items()}, {k: v[0] for k, v in pred.items()}, coarse_classes
    )
    fine = samples_f1(
        {k: v[1] for k, v in gold.items()}, {k: v[1] for k, v in pred.items()}, fine_classes
    )
    return Subtask2Scores(coarse, fine, len(gold))


@dataclass
class Subtask1Scores:
    exact_match_ratio: float
    main_role_accuracy: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "exact_match_ratio": round(self.exact_match_ratio, 4),
            "main_role_accuracy": round(self.main_role_accuracy, 4),
            "n": self.n,
        }


def score_subtask1(gold: Sequence[Mention], pred: Sequence[Mention]) -> Subtask1Scores:
    """Exact match ratio of fine-role sets and main-role accuracy over gold mentions."""
    by_key = {m.key: m for m in pred}
    if not gold:
        return Subtask1Scores(0.0, 0.0, 0)
    emr = acc = 0
    for g in gold:
        p = by_key.get(g.key)
        if p is None:
            continue
        emr += set(p.fine_roles) == set(g.fine_roles)
        acc += p.main_role == g.main_role
    return Subtask1Scores(emr / len(gold), acc / len(gold), len(gold))


# -- subtask 3 (explanations) -----------------------------------------------------------
_WORD = re.compile(r"\w+")


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l_f1(reference: str, candidate: str) -> float:
    """ROUGE-L F1 (beta = 1) over lower-cased word tokens (``\\w+``), our own code.

    The official subtask-3 metric is BERTScore, which needs torch; ROUGE-L is reported
    instead and named as such.
    """
    r = _WORD.findall(reference.lower())
    c = _WORD.findall(candidate.lower())
    lcs = _lcs(r, c)
    if lcs == 0:
        return 0.0
    prec, rec = lcs / len(c), lcs / len(r)
    return 2 * prec * rec / (prec + rec)
