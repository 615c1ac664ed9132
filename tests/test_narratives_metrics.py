"""Official SemEval-2025 T10 metrics on hand-computed cases."""

from __future__ import annotations

import pytest

from narrascope.semeval.formats import Mention
from narrascope.semeval.metrics import (
    f1_sets,
    rouge_l_f1,
    samples_f1,
    score_subtask1,
    score_subtask2,
)


def test_f1_sets_hand_computed() -> None:
    assert f1_sets({"a", "b"}, {"a"}) == pytest.approx(2 * 1 / 3)  # tp 1, |g| 2, |p| 1
    assert f1_sets({"a"}, {"b"}) == 0.0
    assert f1_sets({"Other"}, {"Other"}) == 1.0
    assert f1_sets(set(), set()) == 0.0  # sklearn zero_division=0, as the official scorer


def test_samples_f1_averages_over_gold_articles() -> None:
    gold = {"d1": ["A", "B"], "d2": ["Other"], "d3": ["C"]}
    pred = {"d1": ["A", "C"], "d2": ["Other"]}  # d3 missing -> 0
    # d1: tp 1, 2*1/(2+2) = 0.5; d2: 1; d3: 0 -> mean 0.5
    assert samples_f1(gold, pred) == pytest.approx(0.5)


def test_labels_outside_the_class_list_are_ignored() -> None:
    gold = {"d1": ["A", "X"]}
    pred = {"d1": ["A"]}
    assert samples_f1(gold, pred) == pytest.approx(2 / 3)
    assert samples_f1(gold, pred, classes=["A", "B"]) == pytest.approx(1.0)
    # only unknown labels on both sides: empty sets -> 0
    assert samples_f1({"d": ["X"]}, {"d": ["X"]}, classes=["A"]) == 0.0


def test_score_subtask2_coarse_and_fine() -> None:
    gold = {
        "a": (["URW: N1"], ["URW: N1: S1", "URW: N1: Other"]),
        "b": (["Other"], ["Other"]),
    }
    pred = {
        "a": (["URW: N1", "URW: N2"], ["URW: N1: S1"]),
        "b": (["URW: N2"], ["URW: N2: Other"]),
    }
    s = score_subtask2(gold, pred)
    assert s.coarse == pytest.approx((2 / 3 + 0) / 2)
    assert s.fine == pytest.approx((2 / 3 + 0) / 2)
    assert s.n == 2


def test_score_subtask1_exact_match_and_main_role() -> None:
    gold = [
        Mention("d", "Putin", 0, 5, "Antagonist", ["Instigator"]),
        Mention("d", "Kyiv", 10, 14, "Innocent", ["Victim"]),
        Mention("d", "NATO", 20, 24, "Antagonist", ["Conspirator", "Instigator"]),
        Mention("d", "UN", 30, 32, "Protagonist", ["Peacemaker"]),
    ]
    pred = [
        Mention("d", "Putin", 0, 5, "Antagonist", ["Instigator"]),  # both right
        Mention("d", "Kyiv", 10, 14, "Innocent", ["Victim", "Exploited"]),  # main only
        Mention("d", "NATO", 20, 24, "Protagonist", ["Instigator", "Conspirator"]),  # set only
        # UN missing -> wrong on both
    ]
    s = score_subtask1(gold, pred)
    assert s.exact_match_ratio == pytest.approx(2 / 4)
    assert s.main_role_accuracy == pytest.approx(2 / 4)


def test_rouge_l_hand_computed() -> None:
    # reference 4 tokens, candidate 5 tokens, LCS "the cat sat" = 3
    r = rouge_l_f1("The cat sat down", "the big cat sat today")
    p, rc = 3 / 5, 3 / 4
    assert r == pytest.approx(2 * p * rc / (p + rc))
    assert rouge_l_f1("a b", "") == 0.0
