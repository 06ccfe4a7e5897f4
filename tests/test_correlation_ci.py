"""Intervals of correlations in simulator.analysis.stats: Fisher's z against scipy,
Spearman's rho with the Bonett-Wright variance, coverage at the nominal rate."""

import numpy as np
import pytest
from scipy import stats

from simulator.analysis.stats import fisher_z_ci, spearman_ci


@pytest.mark.parametrize("n, r", [(6, 0.3), (30, 0.6), (200, -0.2)])
def test_fisher_z_matches_scipy_pearson_interval(n, r):
    """With variance 1 / (n - 3) it is scipy's interval of Pearson's r."""
    rng = np.random.default_rng(n)
    x, y = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=n).T
    res = stats.pearsonr(x, y)
    ci = res.confidence_interval(0.9)
    assert fisher_z_ci(res.statistic, n, 0.9) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_spearman_interval_is_fisher_z_of_rank_correlation():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 40))
    y = x + y
    rho, lo, hi = spearman_ci(x, y)
    assert rho == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-15)
    # Bonett & Wright (2000): var(atanh rho) = (1 + rho^2 / 2) / (n - 3)
    assert (lo, hi) == pytest.approx(fisher_z_ci(rho, 40, 0.95, 1 + rho**2 / 2), abs=1e-15)
    z, half = np.arctanh(rho), 1.959963984540054 * np.sqrt((1 + rho**2 / 2) / 37)
    assert (lo, hi) == pytest.approx((np.tanh(z - half), np.tanh(z + half)), abs=1e-12)
    # Fieller, Hartley & Pearson (1957): 1.06 / (n - 3)
    _, flo, fhi = spearman_ci(x, y, method="fieller")
    assert (flo, fhi) == pytest.approx(fisher_z_ci(rho, 40, 0.95, 1.06), abs=1e-15)


@pytest.mark.parametrize("r", [0.5, 0.8])
def test_spearman_interval_covers_at_the_nominal_rate(r):
    """95% coverage within 4 SE over 600 binormal samples of 80 pairs (fixed seed)."""
    rng = np.random.default_rng(8)
    cov = np.array([[1.0, r], [r, 1.0]])
    true = 6 / np.pi * np.arcsin(r / 2)  # Spearman's rho of a binormal with correlation r
    draws = 600
    hits = 0
    for _ in range(draws):
        x, y = rng.multivariate_normal([0, 0], cov, size=80).T
        _, lo, hi = spearman_ci(x, y)
        hits += lo <= true <= hi
    # binomial standard error of the coverage rate at the nominal 95%; 4 SE: a correct
    # interval fails this about once in 16,000 seeds (two-sided normal tail)
    se = np.sqrt(0.95 * 0.05 / draws)
    assert abs(hits / draws - 0.95) < 4 * se


def test_spearman_degenerate_and_bad_input():
    assert np.isnan(spearman_ci([1.0, 2.0, 3.0], [1.0, 1.0, 1.0])[0])  # constant: undefined
    rho, lo, hi = spearman_ci([1.0, 2.0, 3.0], [1.0, 3.0, 2.0])  # 3 pairs: no interval
    assert rho == pytest.approx(0.5) and np.isnan(lo) and np.isnan(hi)
    with pytest.raises(ValueError, match="equal length"):
        spearman_ci([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="method must be one of"):
        spearman_ci([1.0, 2.0], [1.0, 2.0], method="kendall")
