"""ABC-SMC: priors, a posterior known in closed form, resumption, and coverage.

Tolerances: 4 standard errors at fixed seeds; coverage checked with a
binomial test (ABC with a finite tolerance widens intervals, so coverage
at or above the nominal rate is expected; below it is a failure).
"""

import numpy as np
import pytest
from scipy import stats

from simulator.calibration import Prior, abc_smc, weighted_quantile


def normal_mean(theta, rng):
    return np.array([rng.normal(theta[0], 1.0, 25).mean()])


def test_prior_draws_stay_in_the_box_and_log_priors_are_log_uniform():
    prior = Prior(("a", "b"), (0.0, 1.0), (2.0, 1000.0), log=(False, True))
    draws = prior.sample(np.random.default_rng(0), 20_000)
    assert draws[:, 0].min() >= 0 and draws[:, 0].max() <= 2
    logs = np.log10(draws[:, 1])
    assert abs(np.mean(logs < 1.5) - 0.5) < 4 * np.sqrt(0.25 / 20_000)
    assert np.allclose(prior.width(1.0), [2.0, 999.0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(names=("a",), low=(1.0,), high=(0.0,)), "prior of a: low"),
        (dict(names=("a",), low=(0.0,), high=(1.0,), log=(True,)), "log-uniform prior needs"),
        (dict(names=("a", "b"), low=(0.0,), high=(1.0,)), "one entry per parameter"),
    ],
)
def test_bad_priors_are_one_line_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Prior(**kwargs)


def test_weighted_quantile_matches_repeated_values():
    v, w = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 1.0])
    assert weighted_quantile(v, w, 0.5) == pytest.approx(2.0)


def test_posterior_of_a_normal_mean_matches_the_closed_form():
    """Flat prior, known variance: posterior N(xbar, 1/25); mean and sd within tolerance."""
    xbar = 1.3
    fit = abc_smc(
        normal_mean,
        np.array([xbar]),
        Prior(("mu",), (-4.0,), (4.0,)),
        seed=5,
        particles=600,
        generations=7,
        progress=False,
    )
    sd = 0.2
    mean = fit.mean()[0]
    ess = 1.0 / np.sum(fit.weights**2)
    post_sd = np.sqrt(fit.weights @ (fit.theta[:, 0] - mean) ** 2)
    # the acceptance window is symmetric about xbar (the prior's edges are 20 sd away), so the
    # ABC posterior is centred on xbar: 4 standard errors of a mean of `ess` draws
    assert abs(mean - xbar) < 4 * post_sd / np.sqrt(ess)
    # ABC widens by the tolerance: sd between the exact one and sqrt(sd^2 + (eps * 0.2)^2),
    # each up to 4 standard errors of an sd estimated from `ess` draws (relative se 1/sqrt(2 ess))
    rel = 4 / np.sqrt(2 * ess)
    assert (1 - rel) * sd < post_sd < (1 + rel) * np.hypot(sd, fit.epsilons[-1] * 0.2)


def test_resumed_fit_equals_an_uninterrupted_one(tmp_path):
    prior = Prior(("mu",), (-4.0,), (4.0,))
    obs = np.array([0.5])
    kw = dict(seed=2, particles=100, generations=4, progress=False)
    whole = abc_smc(normal_mean, obs, prior, **kw)
    ck = tmp_path / "ck.npz"
    # an interrupted run: stopped after generation 1
    abc_smc(normal_mean, obs, prior, checkpoint=ck, **{**kw, "generations": 2})
    resumed = abc_smc(normal_mean, obs, prior, checkpoint=ck, **kw)
    assert np.array_equal(whole.theta, resumed.theta)
    assert np.array_equal(whole.weights, resumed.weights)
    with pytest.raises(ValueError, match="belongs to another fit"):
        abc_smc(normal_mean, np.array([9.0]), prior, checkpoint=ck, **kw)


def test_coverage_of_the_normal_mean_over_40_datasets():
    prior = Prior(("mu",), (-4.0,), (4.0,))
    rng = np.random.default_rng(11)
    hits = 0
    for i in range(40):
        mu = rng.uniform(-2, 2)
        obs = normal_mean([mu], rng)
        fit = abc_smc(
            normal_mean, obs, prior, seed=100 + i, particles=200, generations=5, progress=False
        )
        lo, hi = fit.interval(0)
        hits += lo <= mu <= hi
    assert stats.binomtest(hits, 40, 0.95, alternative="less").pvalue > 1e-3


def test_fit_is_the_same_for_any_number_of_workers(tmp_path):
    """Proposals are simulated by worker processes; the fit does not depend on how many."""
    prior = Prior(("mu", "log_sd"), (-4.0, 0.1), (4.0, 10.0), log=(False, True))

    def two(theta, rng):
        x = rng.normal(theta[0], theta[1], 25)
        return np.array([x.mean(), x.std()])

    obs = np.array([0.7, 1.5])
    kw = dict(seed=4, particles=60, generations=4, progress=False)
    one = abc_smc(two, obs, prior, workers=1, **kw)
    many = abc_smc(two, obs, prior, workers=3, **kw)
    for key in ("theta", "weights", "summaries", "distances"):
        assert np.array_equal(getattr(one, key), getattr(many, key)), key
    assert one.epsilons == many.epsilons and one.simulations == many.simulations
    # an interrupted fit with one worker resumed with two equals both
    ck = tmp_path / "ck.npz"
    abc_smc(two, obs, prior, workers=1, checkpoint=ck, **{**kw, "generations": 2})
    resumed = abc_smc(two, obs, prior, workers=2, checkpoint=ck, **kw)
    assert np.array_equal(resumed.theta, one.theta)
    assert np.array_equal(resumed.weights, one.weights)
    with pytest.raises(ValueError, match="workers must be"):
        abc_smc(two, obs, prior, workers=-1, **kw)


def test_local_kernels_keep_the_weights_finite_and_positive():
    """Filippi et al.'s local covariances: each proposal's weight is a finite positive number."""
    prior = Prior(("mu",), (-4.0,), (4.0,))
    fit = abc_smc(
        normal_mean, np.array([0.3]), prior, seed=8, particles=200, generations=4, progress=False
    )
    assert np.all(np.isfinite(fit.weights)) and np.all(fit.weights > 0)
    ess = 1.0 / np.sum(fit.weights**2)
    assert ess > 0.3 * fit.weights.size  # weights not degenerate
