"""Viral-coefficient estimators against branching-process theory.

The Galton–Watson simulator is the oracle: its offspring mean is the true
``K``. Tolerances are 4 standard errors at fixed seeds; where the standard
error is not that of a plain mean it is derived in the test.
"""

import numpy as np
import pytest

from simulator import Campaign, Network, run_cascades
from simulator.analysis import metrics
from simulator.analysis.branching import expected_total_size, extinction_probability, galton_watson
from simulator.analysis.viral import (
    bootstrap_ratio,
    estimate_viral_coefficient,
    finished_cascade_estimator,
    generation_ratios,
    harris_estimator,
    invitation_funnel,
    viral_coefficient,
)
from simulator.rng import stream


# ------------------------------------------------------------------ theory
@pytest.mark.parametrize("mean, q", [(1.5, 0.4172), (2.0, 0.2032), (3.0, 0.0595)])
def test_poisson_extinction_probability_solves_the_fixed_point(mean, q):
    got = extinction_probability(mean)
    assert got == pytest.approx(np.exp(mean * (got - 1)), abs=1e-12)
    assert got == pytest.approx(q, abs=5e-5)
    assert extinction_probability(1.0) == extinction_probability(0.3) == 1.0


@pytest.mark.parametrize(
    "mean, offspring", [(1.5, "poisson"), (2.0, "poisson"), (2.0, "geometric")]
)
def test_simulated_extinction_frequency_matches_theory(mean, offspring):
    # A replicate that reaches max_size = 200 counts as surviving: a supercritical
    # process of that size dies out with probability q^(generation size), and
    # the chance of a finite total of 200 or more is below 1e-8 here.
    reps = 4000
    log = galton_watson(
        1, mean, stream(11, "extinction"), replicates=reps, max_size=200, offspring=offspring
    )
    sizes = np.bincount(log.replicate, minlength=reps)
    extinct = (sizes < 200).mean()
    q = extinction_probability(mean, offspring)
    assert abs(extinct - q) < 4 * np.sqrt(q * (1 - q) / reps)


def test_subcritical_total_size_and_lone_seeds():
    # K = 0.5, one seed: E[total] = 2 (sd 2: Var = K / (1 - K)^3 = 4), P(total = 1) = e^-0.5
    reps = 20_000
    log = galton_watson(1, 0.5, stream(12, "subcritical"), replicates=reps)
    sizes = np.bincount(log.replicate, minlength=reps)
    assert abs(sizes.mean() - expected_total_size(0.5)) < 4 * sizes.std(ddof=1) / np.sqrt(reps)
    assert abs(sizes.std(ddof=1) - 2.0) < 0.2  # (loose: the 4th moment is large)
    p1 = np.exp(-0.5)
    assert abs((sizes == 1).mean() - p1) < 4 * np.sqrt(p1 * (1 - p1) / reps)

    # the finished-cascade estimator 1 - 1 / mean size; delta method: SE = SE(mean) / mean^2
    est = finished_cascade_estimator(sizes, stream(12, "boot"), n_boot=500)
    se = sizes.std(ddof=1) / np.sqrt(reps) / sizes.mean() ** 2
    assert abs(est.estimate - 0.5) < 4 * se
    assert est.ci_low < est.estimate < est.ci_high
    assert (est.ci_high - est.ci_low) == pytest.approx(2 * 1.96 * se, rel=0.25)
    # on finished cascades with every generation counted Harris's estimator is the same number
    harris = estimate_viral_coefficient(
        log, stream(12, "boot"), method="harris", finished=True, n_boot=10
    )
    assert harris.estimate == pytest.approx(est.estimate, rel=1e-12)
    finished = estimate_viral_coefficient(log, stream(12, "boot"), method="finished", n_boot=10)
    assert finished.estimate == pytest.approx(est.estimate, rel=1e-12)


# ---------------------------------------------------------------- Harris
def harris_runs(runs, seeds=60, mean=1.5, generations=8, name="harris"):
    log = galton_watson(seeds, mean, stream(13, name), replicates=runs, generations=generations)
    return metrics.generation_sizes(log).astype(float)


def test_harris_recovers_k_with_the_predicted_spread():
    # 60 seeds, K = 1.5, a fixed 8 generations (a stopping rule blind to the future,
    # and about 1,500 nodes in the last generation): per run Var(K^) is about
    # Var(offspring) / E[sum_{g<8} Z_g] = 1.5 / (60 (1.5^8 - 1) / 0.5) -> sd 0.0225
    runs = 400
    Z = harris_runs(runs)
    k_hat = Z[:, 1:].sum(1) / Z[:, :-1].sum(1)
    sd_theory = np.sqrt(1.5 / (60 * (1.5**8 - 1) / 0.5))
    assert sd_theory == pytest.approx(0.0225, abs=5e-4)
    assert abs(k_hat.mean() - 1.5) < 4 * k_hat.std(ddof=1) / np.sqrt(runs)
    # the sample sd has SE sd / sqrt(2 (runs - 1)) (normal approximation)
    assert abs(k_hat.std(ddof=1) - sd_theory) < 4 * sd_theory / np.sqrt(2 * (runs - 1))
    # per generation the pooled ratios agree too: SE of sum Z_{g+1} / sum Z_g is sqrt(K / sum Z_g)
    ratios = generation_ratios(Z, stream(13, "ratios"), n_boot=10)
    se = np.sqrt(1.5 / Z[:, :-1].sum(0))
    assert (np.abs(ratios["estimate"].to_numpy() - 1.5) < 4 * se).all()


def test_harris_bootstrap_over_cascades_covers_k():
    # one run = 60 seeds' trees, resampled as units; over 200 runs the 95%
    # (studentized) interval should cover K = 1.5 in 95% of runs (binomial SE 0.015)
    runs, covered = 200, 0
    for r in range(runs):
        log = galton_watson(60, 1.5, stream(14, "coverage", r), generations=8)
        est = estimate_viral_coefficient(
            log, stream(14, "boot", r), per="tree", n_boot=400, level=0.95
        )
        assert est.units == 60
        covered += est.ci_low <= 1.5 <= est.ci_high
    assert abs(covered / runs - 0.95) < 4 * np.sqrt(0.95 * 0.05 / runs)


def test_harris_generations_and_stop_at():
    Z = np.array([[2, 4, 8, 16], [2, 2, 2, 2]])
    rng = np.random.default_rng(0)
    assert harris_estimator(Z, rng, generations=1).estimate == pytest.approx(6 / 4)
    assert harris_estimator(Z, rng, generations=5).estimate == pytest.approx(34 / 38)
    assert harris_estimator(Z, rng, finished=True).estimate == pytest.approx(34 / 38)
    # stop each unit after 5 nodes: unit 0 uses 2->4 only, unit 1 uses 2->2, 2->2
    assert harris_estimator(Z, rng, stop_at=5).estimate == pytest.approx((4 + 2 + 2) / 6)
    with pytest.raises(ValueError, match="2-D"):
        harris_estimator([1, 2, 3], rng)


# --------------------------------------------------------------- bootstrap
def test_bootstrap_is_reproducible_and_degenerate_cases_are_nan():
    num, den = np.arange(1.0, 21.0), np.full(20, 10.0)
    a = bootstrap_ratio(num, den, np.random.default_rng(5), n_boot=300)
    b = bootstrap_ratio(num, den, np.random.default_rng(5), n_boot=300)
    assert a == b
    assert bootstrap_ratio(num, den, np.random.default_rng(6), n_boot=300)[1] != a[1]
    est, lo, hi = bootstrap_ratio([3.0], [2.0], np.random.default_rng(0))
    assert est == 1.5 and np.isnan(lo) and np.isnan(hi)
    est, lo, hi = bootstrap_ratio([0.0, 0.0], [0.0, 0.0], np.random.default_rng(0))
    assert np.isnan(est) and np.isnan(lo)
    # for the mean of normal data both intervals are close to the normal interval
    x = np.random.default_rng(7).normal(10, 2, 400)
    for method in ("studentized", "percentile"):
        est, lo, hi = bootstrap_ratio(
            x, np.ones_like(x), np.random.default_rng(8), n_boot=4000, method=method
        )
        assert hi - lo == pytest.approx(2 * 1.96 * x.std(ddof=1) / 20, rel=0.1)
        assert est - lo == pytest.approx(hi - est, rel=0.2)
    with pytest.raises(ValueError, match="level"):
        bootstrap_ratio(x, x, np.random.default_rng(0), level=95)


# ------------------------------------------------------ invitation funnel
def test_invitations_times_conversion_is_k():
    assert viral_coefficient(2, 0.25) == 0.5
    with pytest.raises(ValueError):
        viral_coefficient(2, 1.5)
    # a binary tree of depth 3, every exposure shares: 15 participants, 14 invitations
    src = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    net = Network.from_edges(src, list(range(1, 15)))
    campaign = Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0, conversion_rate=0.0)
    res = run_cascades(net, [0], campaign, replicates=2, seed=0)
    table = invitation_funnel(res.log)
    assert table["participants"].tolist() == [15, 15]
    assert table["invitations"].tolist() == [14, 14]
    assert np.allclose(table["K"], table["invitations_per_participant"] * table["conversion_rate"])
    assert np.allclose(table["K"], 1 - 1 / 15)
    # the textbook models log no invitations
    log = galton_watson(3, 0.5, np.random.default_rng(1), replicates=4)
    assert invitation_funnel(log)["invitations"].isna().all()


def test_bad_arguments_are_named():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="mean >= 1 needs generations or max_size"):
        galton_watson(1, 1.5, rng)
    with pytest.raises(ValueError, match="offspring must be one of"):
        galton_watson(1, 0.5, rng, offspring="binomial")
    with pytest.raises(TypeError, match="Generator"):
        galton_watson(1, 0.5, 42)
    with pytest.raises(ValueError, match="method must be one of"):
        estimate_viral_coefficient(galton_watson(1, 0.5, rng), rng, method="magic")
