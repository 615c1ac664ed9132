"""Subtask-1 metrics on hand-computed cases."""

from __future__ import annotations

import pytest

from narrascope.semeval.framing_metrics import exact_match_ratio, main_role_accuracy, score_rows


def test_main_role_accuracy_hand_computed() -> None:
    gold = ["Antagonist", "Protagonist", "Innocent", "Antagonist"]
    pred = ["Antagonist", "Antagonist", "Innocent", None]
    assert main_role_accuracy(gold, pred) == pytest.approx(2 / 4)


def test_exact_match_ratio_is_set_equality() -> None:
    gold = [["Deceiver", "Corrupt"], ["Victim"], ["Guardian"], ["Tyrant"], ["Spy", "Traitor"]]
    pred = [["Corrupt", "Deceiver"], ["Victim"], ["Guardian", "Virtuous"], ["Spy"], ["Spy"]]
    # 1: same set in another order -> match; 2: match; 3: extra role -> no;
    # 4: wrong role -> no; 5: missing role -> no
    assert exact_match_ratio(gold, pred) == pytest.approx(2 / 5)
    assert exact_match_ratio([["Victim", "Victim"]], [["Victim"]]) == 1.0


def test_length_mismatch_raises() -> None:
    with pytest.raises(ValueError):
        main_role_accuracy(["Antagonist"], [])
    with pytest.raises(ValueError):
        exact_match_ratio([["Spy"]], [])


def test_score_rows_counts_missing_predictions_as_wrong() -> None:
    gold = {
        ("a.txt", 0, 5): ("Antagonist", ["Tyrant"]),
        ("a.txt", 10, 15): ("Innocent", ["Victim"]),
        ("b.txt", 3, 7): ("Protagonist", ["Guardian", "Virtuous"]),
    }
    pred = {
        ("a.txt", 0, 5): ("Antagonist", ["Tyrant"]),
        ("b.txt", 3, 7): ("Protagonist", ["Virtuous"]),
    }
    res = score_rows(gold, pred)
    assert res["n"] == 3 and res["missing"] == 1
    assert res["main_role_accuracy"] == pytest.approx(2 / 3)
    assert res["exact_match_ratio"] == pytest.approx(1 / 3)


def test_empty_inputs() -> None:
    assert main_role_accuracy([], []) == 0.0
    assert exact_match_ratio([], []) == 0.0
