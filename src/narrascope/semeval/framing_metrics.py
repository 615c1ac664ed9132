"""Official SemEval-2025 Task 10 subtask 1 metrics (entity framing).

- main-role accuracy: share of mentions whose predicted main role equals the gold one;
- exact match ratio (EMR): share of mentions whose predicted *set* of fine roles equals
  the gold set (order and duplicates do not matter).

Predictions and gold are aligned by ``(article_id, start, end)``; a gold mention with no
prediction counts as wrong for both metrics (the official scorer requires every mention).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Key = tuple[str, int, int]


def main_role_accuracy(gold: Sequence[str], pred: Sequence[str | None]) -> float:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but predictions have {len(pred)}")
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def exact_match_ratio(gold: Sequence[Iterable[str]], pred: Sequence[Iterable[str]]) -> float:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but predictions have {len(pred)}")
    if not gold:
        return 0.0
    return sum(set(g) == set(p) for g, p in zip(gold, pred, strict=True)) / len(gold)


def score_rows(
    gold: Mapping[Key, tuple[str, Sequence[str]]],
    pred: Mapping[Key, tuple[str | None, Sequence[str]]],
) -> dict[str, Any]:
    """Score keyed rows ``{(article, start, end): (main_role, fine_roles)}``."""
    keys = sorted(gold)
    g_main = [gold[k][0] for k in keys]
    g_fine = [list(gold[k][1]) for k in keys]
    p_main = [pred[k][0] if k in pred else None for k in keys]
    p_fine = [list(pred[k][1]) if k in pred else ["<missing>"] for k in keys]
    return {
        "n": len(keys),
        "missing": sum(k not in pred for k in keys),
        "main_role_accuracy": main_role_accuracy(g_main, p_main),
        "exact_match_ratio": exact_match_ratio(g_fine, p_fine),
    }
