"""Platt calibration of the narrative model stays finite and sensible on hard inputs."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.train.narratives import fit_platt, sigmoid


def _check(a: float, b: float, min_slope: float = 1.0) -> None:
    assert np.isfinite(a) and np.isfinite(b)
    assert min_slope <= a <= 100.0
    assert abs(b) <= 30.0


def test_separable_scores_give_finite_parameters_and_ordered_probabilities() -> None:
    s = np.array([0.0, 0.05, 0.1, 0.15, 0.2, 0.8, 0.85, 0.9, 0.95, 1.0])
    y = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    a, b = fit_platt(s, y)
    _check(a, b)
    p = sigmoid(a * s + b)
    assert p[:5].max() < 0.5 < p[5:].min()
    # regularised targets: never fully certain on 5 + 5 examples
    assert p.min() > 0.01 and p.max() < 0.99


def test_constant_scores_give_the_smoothed_base_rate() -> None:
    s = np.full(50, 0.3)
    y = np.zeros(50)
    y[:10] = 1
    a, b = fit_platt(s, y)
    _check(a, b)
    p = float(sigmoid(np.array([a * 0.3 + b]))[0])
    # mean of Platt's targets: (10 * 11/12 + 40 * 1/42) / 50
    assert p == pytest.approx((10 * 11 / 12 + 40 / 42) / 50, abs=1e-4)


def test_all_negative_labels_give_low_probabilities() -> None:
    rng = np.random.default_rng(0)
    s = rng.normal(0.0, 0.2, size=300)
    y = np.zeros(300)
    a, b = fit_platt(s, y)
    _check(a, b)
    p = sigmoid(a * s + b)
    assert p.max() < 0.05
    assert p.mean() == pytest.approx(1 / 302, rel=0.2)


def test_all_positive_labels_give_high_probabilities() -> None:
    s = np.linspace(0.5, 1.5, 40)
    a, b = fit_platt(s, np.ones(40))
    _check(a, b)
    assert sigmoid(a * s + b).min() > 0.9


def test_anti_correlated_scores_keep_the_minimum_slope() -> None:
    s = np.array([1.0, 0.9, 0.8, 0.1, 0.0, -0.1, 0.05, 0.2])
    y = np.array([0, 0, 0, 1, 1, 1, 0, 0])
    a, b = fit_platt(s, y)
    _check(a, b)
    assert a == pytest.approx(1.0)
    # the intercept matches the mean of the targets at that slope
    t = np.where(y > 0, 4 / 5, 1 / 7)
    assert sigmoid(a * s + b).sum() == pytest.approx(t.sum(), abs=1e-6)


def test_extreme_and_non_finite_scores_do_not_diverge() -> None:
    s = np.array([-1e6, -5.0, 0.0, 3.0, 1e6, np.nan, np.inf, 2.0])
    y = np.array([0, 0, 0, 1, 1, 0, 1, 1])
    a, b = fit_platt(s, y)
    _check(a, b)


def test_matches_a_well_posed_logistic_fit() -> None:
    # noisy overlapping classes: the fitted sigmoid recovers the generating slope roughly
    rng = np.random.default_rng(1)
    s = rng.uniform(-1, 1, size=4000)
    y = (rng.uniform(size=4000) < sigmoid(4.0 * s - 1.0)).astype(float)
    a, b = fit_platt(s, y)
    assert a == pytest.approx(4.0, rel=0.15)
    assert b == pytest.approx(-1.0, abs=0.2)
