"""The charity scene and study: scene structure, error model, coverage of the fit."""

import dataclasses

import numpy as np
import pytest
from scipy import stats

from experiments.charity_appeal_config import CharityAppealConfig
from simulator.calibration import abc_smc
from simulator.calibration.charity import PARAMETERS, VARIANTS, CharityModel
from simulator.calibration.charity_branch import _MSG
from simulator.calibration.charity_scene import CharityScene
from simulator.calibration.charity_summaries import COMPARED_INDEX, TARGETS, observe, summaries
from simulator.rng import stream

THETA = np.array([0.3, 0.3, 0.01, 45.0, 300.0, 200.0])


@pytest.fixture(scope="module")
def model():
    return CharityModel(CharityScene.small(), seed=3)


def test_message_positions_are_the_campaigns(model):
    blog, _ = model.blog
    values = dict(share_rate=0.11, conversion_rate=0.22, tie_exponent=3.3, amount=44.0)
    msg = dataclasses.replace(blog.campaign, **values).kernel_arrays(blog.network)[2]
    for name, pos in _MSG.items():
        assert msg[pos] == values[name], name


def test_replay_equals_the_engine_event_for_event(model):
    """The state kept between calls gives what a fresh funnel_events call gives."""
    from simulator.engine.funnel import funnel_events

    blog, _ = model.blog
    net = blog.network
    for key in (3, 11, 3):  # the same key again after another: nothing left over
        got = blog.replay.run(blog.node_f, blog.arc_f, blog.msg, blog.ints, blog.seeds, key)
        want = funnel_events(
            net.indptr,
            net.indices,
            blog.node_f,
            blog.arc_f,
            blog.msg,
            blog.ints,
            blog.seeds[None, :],
            np.array([key], np.uint64),
        )
        assert np.array_equal(got[0], want[0][0])
        assert np.array_equal(got[1], want[1]) and np.array_equal(got[2], want[2])


def test_arcs_cut_by_community_size_follow_any_order_of_sizes(model):
    """The arc table after any sequence of sizes is that of the last size alone."""
    blog, (rank, need) = model.blog
    for size in (300, 50, 800, 800, 1, 600):
        th = dict(zip(PARAMETERS, THETA, strict=True))
        blog.run(th, 1, need=need, size=size)
        expected = np.where(need > size, 0.0, blog.arc_f[:, 1])
        assert np.array_equal(blog.work[:, 1], expected), size


def test_a_simulation_is_reproducible_and_adds_up(model):
    a = model.simulate(THETA, np.random.default_rng(4))
    b = model.simulate(THETA, np.random.default_rng(4))
    assert a == b
    assert a["donors"] == a["strong_donors"] + a["weak_donors"]
    assert a["amount"] == pytest.approx(a["strong_amount"] + a["weak_amount"])
    assert a["celebrity_donors"] <= a["weak_donors"]


def test_community_size_is_exactly_who_can_be_reached(model):
    """Members beyond the community size are cut off: no strong donor among them."""
    blog, (rank, need) = model.blog
    th = THETA.copy()
    th[PARAMETERS.index("community")] = 50
    th[PARAMETERS.index("conversion_rate")] = 1.0
    res = [model.simulate(th, np.random.default_rng(i))["strong_donors"] for i in range(10)]
    assert max(res) <= 50
    small = np.mean(res)
    th[PARAMETERS.index("community")] = 400
    big = np.mean(
        [model.simulate(th, np.random.default_rng(i))["strong_donors"] for i in range(10)]
    )
    assert big > 2 * small


def test_variants_move_what_they_should(model):
    rng = lambda: np.random.default_rng(8)  # noqa: E731
    base = model.simulate(THETA, rng())
    assert model.simulate(THETA, rng(), "no_celebrities")["celebrity_impressions"] == 0
    only = model.simulate(THETA, rng(), "celebrities_only")
    assert (
        only["strong_donors"] == 0
        and only["celebrity_impressions"] > base["celebrity_impressions"]
    )
    with pytest.raises(ValueError, match="variant must be one of"):
        model.simulate(THETA, rng(), "nope")
    assert set(VARIANTS) >= {"half_favours", "reminder_24h", "twice_community"}
    for variant in VARIANTS:  # every scenario runs and its donors add up
        out = model.simulate(THETA, rng(), variant)
        assert out["donors"] == out["strong_donors"] + out["weak_donors"], variant
    big = THETA.copy()
    big[PARAMETERS.index("community")] = 6000  # doubled: above max_community (10000)
    with pytest.raises(ValueError, match="exceeds scene.max_community"):
        model.simulate(big, rng(), "twice_community")


def test_error_model_adds_noise_only_where_declared():
    cfg = CharityAppealConfig()
    values = dict(cfg.targets)
    rng = np.random.default_rng(0)
    draws = np.array([summaries(values, cfg.errors, rng) for _ in range(4000)])
    exact = [TARGETS.index(k) for k in TARGETS if cfg.errors[k] == 0]
    assert np.all(draws[:, exact] == summaries(values)[exact])
    i = TARGETS.index("strong_donors")
    assert abs(draws[:, i].std() - 5.0) < 4 * 5.0 / np.sqrt(2 * 4000)


def test_published_figures_get_the_error_model_and_exact_ones_do_not():
    cfg = CharityAppealConfig()
    rng = np.random.default_rng(1)
    x = np.full(20_000, 446.0)
    noisy = observe("tweets", x, cfg.errors, rng)
    sd = np.log(noisy / 446.0).std()
    assert abs(sd - 0.05) < 4 * 0.05 / np.sqrt(2 * x.size)
    assert np.array_equal(observe("donors", x, cfg.errors, rng), x)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(targets={"tweets": 1.0}), "targets must give exactly"),
        (dict(priors={**CharityAppealConfig().priors, "amount": [5.0, 1.0]}), "priors.amount"),
        (dict(priors={**CharityAppealConfig().priors, "community": [0.0, 10.0]}), "log-uniform"),
        (dict(scene="huge"), "scene must be"),
        (dict(workers=-2), "workers must be a non-negative integer"),
    ],
)
def test_bad_targets_and_priors_are_one_line_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CharityAppealConfig(**kwargs)


@pytest.mark.slow
def test_coverage_of_the_fit_on_20_simulated_datasets(model):
    """Fitted back on 20 datasets simulated at known parameters (drawn from the prior):
    the 95% intervals cover the truth at a rate not below 95% (binomial test)."""
    cfg = CharityAppealConfig()
    prior = cfg.prior()

    def simulate(theta, rng):
        return summaries(model.simulate(theta, rng), cfg.errors, rng)[COMPARED_INDEX]

    hits, total = 0, 0
    truths = prior.sample(stream(7, "coverage.truth"), 20)
    for i, truth in enumerate(truths):
        obs = simulate(truth, stream(7, "coverage.data", i))
        fit = abc_smc(
            simulate, obs, prior, seed=1000 + i, particles=80, generations=3, progress=False
        )
        for j in range(len(PARAMETERS)):
            lo, hi = fit.interval(j)
            hits += lo <= truth[j] <= hi
            total += 1
    assert stats.binomtest(hits, total, 0.95, alternative="less").pvalue > 1e-3


def test_celebrity_chances_match_the_funnel_on_a_star(model):
    """The closed-form impressions, retweets and gifts of a celebrity's followers equal the
    funnel kernel's averages over replicates on the same star (within 4 standard errors)."""
    from simulator.engine.funnel import funnel_summary
    from simulator.network.core import Network
    from simulator.population import Population

    f = model.branch("celebrity_1m")
    s = model.scene
    n = f["strength"].size
    th = dict(zip(PARAMETERS, [0.5, 0.6, 0.3, 45.0, 300.0, 200.0], strict=True))
    expected = model._celebrity_chances(th, f)
    net = Network.from_edges(
        np.zeros(n, np.int64),
        np.arange(1, n + 1),
        n=n + 1,
        weight=f["strength"],
        layer=(np.zeros(n, np.int8), ("broadcast", "community")),
    )
    one = lambda x, first: np.r_[first, x]  # noqa: E731
    pop = Population(
        trust=one(f["trust"], 1.0),
        reciprocity=one(f["reciprocity"], 0.0),
        bandwidth=one(np.zeros(n), s.celebrity_bandwidth),
        activity=one(f["activity"], 1.0),
        credibility=one(f["credibility"], f["credibility"][0]),
        interest=one(f["interest"], 1.0),
        owed_to_originator=np.zeros(n + 1),
        favours=np.zeros(n),
    )
    rem = tuple(s.celebrity_gap * i for i in range(1, s.celebrity_posts))
    camp = model._campaign(
        reminders=rem,
        channel="community",
        channel_mismatch=th["channel_mismatch"],
        share_rate=th["share_rate"],
        conversion_rate=th["conversion_rate"],
        tie_exponent=2.0,
    )
    # the posts start at hour celebrity_start: shift the campaign's clock by it
    camp = dataclasses.replace(camp, steps=s.steps - s.celebrity_start)
    node_f, arc_f, msg, ints = camp.with_population(pop).kernel_arrays(net)
    reps = 300
    keys = np.arange(1, reps + 1, dtype=np.uint64) * np.uint64(7919)
    totals = funnel_summary(
        net.indptr, net.indices, node_f, arc_f, msg, ints, np.zeros((reps, 1), np.int64), keys, 1
    )
    cols = {"impressions": 2, "shares": 4, "conversions": 5}
    for got_col, want in zip(cols.values(), expected, strict=True):
        x = totals[:, got_col]
        assert abs(x.mean() - want) < 4 * x.std(ddof=1) / np.sqrt(reps) + 1e-9, (got_col, want)


def test_charity_fit_is_the_same_with_one_or_two_workers(model):
    cfg = CharityAppealConfig()
    observed = summaries(cfg.targets)[COMPARED_INDEX]

    def simulate(theta, rng):
        return summaries(model.simulate(theta, rng), cfg.errors, rng)[COMPARED_INDEX]

    kw = dict(seed=5, particles=24, generations=2, progress=False)
    one = abc_smc(simulate, observed, cfg.prior(), workers=1, **kw)
    two = abc_smc(simulate, observed, cfg.prior(), workers=2, **kw)
    assert np.array_equal(one.theta, two.theta) and np.array_equal(one.weights, two.weights)
    assert np.array_equal(one.summaries, two.summaries)


def test_an_interrupted_cli_run_resumes_from_beside_its_staging_directory(tmp_path, monkeypatch):
    """The run layer stages a run in RUNDIR/.partial-*, removed when the run starts again;
    the default checkpoint lives in RUNDIR/checkpoint, so the rerun continues the fit."""
    from experiments.charity_appeal import run
    from simulator.runs.config import small_config

    def cfg(generations):
        return small_config(
            experiment=CharityAppealConfig(
                scene="small",
                particles=16,
                generations=generations,
                predictive_draws=4,
                counterfactual_draws=2,
                figures=False,
                workers=1,
            )
        )

    calls = []
    simulate = CharityModel.simulate
    monkeypatch.setattr(
        CharityModel, "simulate", lambda self, *a, **k: calls.append(1) or simulate(self, *a, **k)
    )

    def counted(config, outdir):
        calls.clear()
        return run(config, outdir), len(calls)

    (first, n_first) = counted(cfg(2), tmp_path / "run" / ".partial-1-aa")  # 2 generations
    assert len(list((tmp_path / "run" / "checkpoint").glob("abc-*.npz"))) == 1
    (resumed, n_resumed) = counted(cfg(3), tmp_path / "run" / ".partial-2-bb")
    (whole, n_whole) = counted(cfg(3), tmp_path / "fresh")
    assert len(first["fit"].epsilons) == 2 and len(resumed["fit"].epsilons) == 3
    assert np.array_equal(resumed["fit"].theta, whole["fit"].theta)
    # the rerun simulated generation 3 only: what the first run simulated in generations
    # 1-2 (its calls minus those after the fit, which every run makes alike) is not redone
    after_fit = n_first + n_resumed - n_whole
    assert 0 <= after_fit < n_first and n_resumed < n_whole
