"""The six-factors study: factor table, seed scores, paired arms, verdicts (small sizes)."""

import numpy as np
import pytest

from experiments.six_factors import (
    FACTORS,
    SixFactorsConfig,
    factor_seeds,
    factor_table,
    run,
)
from simulator import Campaign
from simulator.distributions import Distribution
from simulator.network import generators as gen
from simulator.population import Population, PopulationSpec
from simulator.runs.config import FollowerConfig, FunnelConfig, small_config
from simulator.seeding.six_factors import (
    six_factor_score,
    six_factor_strategy,
    six_factor_table,
    window_online,
)


@pytest.fixture(scope="module")
def world():
    net = gen.follower_graph(600, 8.0, np.random.default_rng(1), n_celebrities=3)
    spec = PopulationSpec(
        topics=2,
        timezone=Distribution(kind="uniform", low=0.0, high=24.0),
        expertise=Distribution(kind="beta", a=1.0, b=2.0),
        daily_activity=[0.2] * 8 + [1.4] * 16,
    )
    pop = Population.draw(spec, net, np.random.default_rng(2))
    return net, pop


def test_window_online_without_curve_is_geometric(world):
    net, pop = world
    flat = Population(**{**pop.__dict__, "daily_activity": None})
    assert np.allclose(window_online(flat, 5, 3), 1 - (1 - pop.activity) ** 3)


def test_factor_table_reads_each_mechanism(world):
    net, pop = world
    camp = Campaign(topic=1, channel="community", channel_mismatch=0.25, start_hour=9)
    table = factor_table(net, pop, camp)
    assert list(table.columns) == list(FACTORS)
    assert np.allclose(table["credibility"], pop.credibility * pop.expertise[:, 1])
    assert np.allclose(table["bandwidth"], pop.bandwidth * net.out_degree())
    celeb = net.node_attrs["celebrity"]
    assert np.allclose(table["channel"][celeb], 0.25)  # broadcast arcs only
    ordinary = ~celeb & (net.out_degree() > 0)
    assert np.allclose(table["channel"][ordinary], 1.0)
    # the hour the seed posts moves the timing factor, nothing else
    night = factor_table(net, pop, Campaign(topic=1, start_hour=2))
    assert not np.allclose(night["timing"], table["timing"])
    assert np.array_equal(night["relevance"], table["relevance"])


def test_dropping_a_factor_is_replacing_it_by_its_mean(world):
    net, pop = world
    table = factor_table(net, pop, Campaign(topic=1))
    candidates = net.out_degree() > 0
    mean = table.assign(timing=table["timing"][candidates].mean())
    assert np.array_equal(
        factor_seeds(net, mean, 10), factor_seeds(net, table, 10, drop=("timing",))
    )
    assert np.allclose(
        six_factor_score(mean.to_numpy()), six_factor_score(table.to_numpy(), drop=("timing",))
    )
    only = factor_seeds(net, table, 10, only="bandwidth")
    dropped_all_but = factor_seeds(
        net, table, 10, drop=tuple(f for f in FACTORS if f != "bandwidth")
    )
    assert np.array_equal(only, dropped_all_but)
    with pytest.raises(ValueError, match="unknown factor 'reach'"):
        six_factor_score(table.to_numpy(), drop=("reach",))


@pytest.mark.parametrize("start_hour", [2, 9])
def test_the_study_scores_with_the_seeding_strategy(world, start_hour):
    """One six-factor score: the study's table and the strategy rank by the same numbers."""
    net, pop = world
    camp = Campaign(topic=1, channel="community", channel_mismatch=0.3, start_hour=start_hour)
    study = factor_table(net, pop, camp)
    assert np.array_equal(study.to_numpy(), six_factor_table(net, pop, camp))
    strategy = six_factor_strategy(pop, campaign=camp)(net, 15, np.random.default_rng(0))
    assert np.array_equal(strategy, factor_seeds(net, study, 15))
    score = six_factor_score(study.to_numpy())
    expected = np.prod(study.to_numpy(), axis=1)
    assert np.allclose(score, expected)
    # without a campaign, the strategy's topic and the Campaign defaults
    assert np.array_equal(
        six_factor_strategy(pop, 1)(net, 15, None),
        factor_seeds(net, factor_table(net, pop, Campaign(topic=1)), 15),
    )


def test_study_end_to_end_paired_and_reproducible(tmp_path):
    cfg = small_config(
        network=FollowerConfig(n=800, mean_following=10.0, n_celebrities=4),
        population=PopulationSpec(topics=2),
        campaign=FunnelConfig(topic=1, channel="community", conversion_rate=0.3),
        experiment=SixFactorsConfig(replicates=30, k=5, figures=False),
    )
    a = run(cfg, tmp_path / "a")
    b = run(cfg, tmp_path / "b")
    assert a["rows"].equals(b["rows"])
    arms = set(a["rows"]["arm"])
    assert {"six_factor", "top_degree", "pagerank", "random"} <= arms and len(arms) == 16
    # no daily curve: timing is the same for everybody's followers up to their activity,
    # and an arm with the six-factor seeds has a paired difference of exactly 0
    comp = a["comparison"].set_index(["arm", "metric"])
    same = [
        arm
        for arm in arms - {"six_factor", "random"}
        if np.array_equal(
            a["rows"].query("arm == @arm")["conversions"].to_numpy(),
            a["rows"].query("arm == 'six_factor'")["conversions"].to_numpy(),
        )
    ]
    for arm in same:
        assert comp.loc[(arm, "conversions"), "mean_diff"] == 0.0
    assert set(a["factors"]["factor"]) == set(FACTORS)
    assert (tmp_path / "a" / "factors.csv").exists()


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="baselines: unknown seeding strategy 'nope'"):
        SixFactorsConfig(baselines=["nope"])
    with pytest.raises(ValueError, match="k must be a positive integer"):
        SixFactorsConfig(k=0)
