"""Klout vs action: the score reads only cheap actions; correlations and their intervals."""

import dataclasses

import numpy as np
import pytest

from experiments.klout_vs_action import (
    KloutVsActionConfig,
    klout_like_scores,
    run,
    single_seed_runs,
    single_seed_totals,
    split_half_reliability,
)
from simulator import Campaign
from simulator.errors import MemoryLimitError, NetworkFileError
from simulator.network import generators as gen
from simulator.network.ties import TieModel, apply_tie_model
from simulator.population import Population, PopulationSpec
from simulator.rng import replicate_keys
from simulator.runs.config import FunnelConfig, HolmeKimConfig, small_config


@pytest.fixture(scope="module")
def world():
    net = gen.holme_kim(800, 3, 0.5, np.random.default_rng(3))
    net = apply_tie_model(net, TieModel(kind="beta", a=2.0, b=3.0), np.random.default_rng(4))
    pop = Population.draw(PopulationSpec(), net, np.random.default_rng(5))
    return net, Campaign(appeal=0.4).with_population(pop)


def test_score_does_not_read_the_costly_action(world):
    """The score is the record of cheap actions: the ask's parameters do not move it."""
    net, camp = world
    agents, keys = np.arange(0, 800, 20), replicate_keys(1, 5, "history")
    a = klout_like_scores(net, camp, agents, 5, 0.3, keys)
    costly = dataclasses.replace(camp, conversion_rate=0.9, tie_exponent=5.0, amount=500.0)
    assert np.array_equal(a, klout_like_scores(net, costly, agents, 5, 0.3, keys))


def test_single_seed_totals_pair_agents_by_keys(world):
    net, camp = world
    keys = replicate_keys(2, 8)
    one = single_seed_runs(net, camp, [7], keys)
    two = single_seed_runs(net, camp, [3, 7], keys)
    assert np.array_equal(one["conversions"][0], two["conversions"][1])
    means = single_seed_totals(net, camp, [3, 7], 8, keys)
    assert np.array_equal(means["conversions"], two["conversions"].mean(axis=1))


def test_a_block_of_keys_gives_that_block_of_runs(world):
    """What a shard computes: runs lo..hi-1 with the whole run's keys lo..hi-1 are the
    whole run's columns lo..hi-1, every total, for every agent."""
    net, camp = world
    keys = replicate_keys(3, 9)
    agents = np.arange(0, 800, 53)
    whole = single_seed_runs(net, camp, agents, keys)
    block = single_seed_runs(net, camp, agents, keys[4:7])
    assert whole["clicks"].shape == (len(agents), 9) and whole["clicks"].sum() > 0
    for name, runs in whole.items():
        assert np.array_equal(runs[:, 4:7], block[name]), name


def test_costly_action_decouples_score_from_influence(tmp_path):
    cfg = small_config(
        network=HolmeKimConfig(n=1000, m=4, ties=TieModel(kind="beta", a=2.0, b=3.0)),
        campaign=FunnelConfig(appeal=0.4),
        experiment=KloutVsActionConfig(
            agents=150,
            replicates=30,
            history_posts=6,
            conversion_rates=[0.5],
            tie_exponents=[0.0, 6.0],
            real_path=None,
            figures=False,
        ),
    )
    out = run(cfg, tmp_path)
    s = out["summary"].set_index("tie_exponent")
    assert s.loc[0.0, "mean"] > s.loc[6.0, "mean"]  # cheap: rho high; costly: lower
    assert s.loc[0.0, "ci_low"] > 0.0  # the cheap ask still follows the score
    assert (tmp_path / "results.parquet").exists() and (tmp_path / "summary.csv").exists()


def _tiny(real_path, n=300):
    return small_config(
        network=HolmeKimConfig(n=n, m=3, ties=TieModel(kind="beta", a=2.0, b=3.0)),
        campaign=FunnelConfig(appeal=0.4),
        experiment=KloutVsActionConfig(
            agents=20,
            replicates=4,
            history_posts=2,
            conversion_rates=[0.5],
            tie_exponents=[0.0],
            real_path=real_path,
            figures=False,
        ),
    )


def test_real_network_found_by_the_data_path_rule(tmp_path, monkeypatch):
    """A relative experiment.real_path is found in $CAMPAIGN_SIM_DATA (the rule of
    simulator.runs.build), whatever the working directory."""
    data = tmp_path / "data"
    (data / "toy").mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines = {tuple(sorted(p)) for p in rng.integers(0, 120, size=(500, 2)) if p[0] != p[1]}
    (data / "toy" / "edges.txt").write_text("".join(f"{a} {b}\n" for a, b in lines))
    monkeypatch.setenv("CAMPAIGN_SIM_DATA", str(data))
    monkeypatch.chdir(tmp_path)
    out = run(_tiny("toy/edges.txt"), tmp_path / "run")
    assert out["summary"]["network"].tolist() == ["synthetic", "real"]
    assert set(out["rows"].loc[out["rows"]["arm"] == "real", "network_name"]) == {"edges"}


def test_missing_real_network_fails_before_the_synthetic_world(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMPAIGN_SIM_DATA", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    # n=10**6 would take minutes to build: the path is checked first
    with pytest.raises(NetworkFileError, match=r"^experiment\.real_path: nope\.txt: no such file"):
        run(_tiny("nope.txt", n=10**6), tmp_path / "run")
    assert not (tmp_path / "run" / "results.parquet").exists()


def test_shard_rows_beyond_the_memory_cap_stop_before_the_world_is_built(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMPAIGN_SIM_MEMORY", "100MB")
    cfg = _tiny(None, n=10**6)  # minutes to build: the guard comes first
    cfg.experiment.agents, cfg.experiment.replicates = 2000, 1000
    cfg.experiment.shard = "1/2"  # 500 runs x 2000 agents: 1M rows, ~0.25 GB
    message = r"lower experiment\.replicates or experiment\.agents$"
    with pytest.raises(MemoryLimitError, match=message):
        run(cfg, tmp_path / "run")


def test_the_whole_run_keeps_no_campaign_run_rows(tmp_path, monkeypatch):
    """The whole run averages each setting's runs at once: the rows a shard of all its
    runs would keep (8,000, ~2 MB) do not count against the cap; one setting's runs do."""
    monkeypatch.setenv("CAMPAIGN_SIM_MEMORY", "1MB")
    cfg = _tiny(None)
    cfg.experiment.replicates = 400  # 20 agents x 400 runs: ~0.7 MB of kernel results
    out = run(cfg, tmp_path / "whole")
    assert len(out["rows"]) == 20 and (tmp_path / "whole" / "summary.csv").exists()
    cfg.experiment.shard = "1/1"
    with pytest.raises(MemoryLimitError, match=r"campaign-run rows \(8,000: "):
        run(cfg, tmp_path / "shard")


def test_a_setting_listed_twice_is_refused():
    with pytest.raises(
        ValueError, match=r"^conversion_rates lists a value twice: \[0\.2, 0\.2\]$"
    ):
        KloutVsActionConfig(conversion_rates=[0.2, 0.2])
    with pytest.raises(ValueError, match=r"^tie_exponents lists a value twice"):
        KloutVsActionConfig(tie_exponents=[0.0, 1.0, 0.0])


def test_split_half_reliability():
    """Spearman-Brown of odd vs even runs; NaN (no warning) when a half is constant."""
    rng = np.random.default_rng(2)
    signal = rng.normal(size=(200, 1))
    runs = signal + rng.normal(size=(200, 40))  # each run: signal + unit noise
    # each half's mean: signal variance 1, noise 1/20 -> Pearson r = 20/21 between halves;
    # binormal Spearman 6/pi asin(r/2); Spearman-Brown 2 rho / (1 + rho). SE of rho at
    # 200 agents (Bonett-Wright) ~0.0085, times d(SB)/d(rho) = 2 / (1 + rho)^2 ~0.53.
    rho = 6 / np.pi * np.arcsin(20 / 21 / 2)
    se = np.sqrt((1 + rho**2 / 2) * (1 - rho**2) ** 2 / 197) * 2 / (1 + rho) ** 2
    assert split_half_reliability(runs) == pytest.approx(2 * rho / (1 + rho), abs=4 * se)
    assert np.isnan(split_half_reliability(np.zeros((5, 4))))


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="tie_exponents must be >= 0"):
        KloutVsActionConfig(tie_exponents=[-1.0])
    with pytest.raises(ValueError, match="agents must be an integer >= 2"):
        KloutVsActionConfig(agents=1)
    with pytest.raises(ValueError, match="real_path must name a network file"):
        KloutVsActionConfig(real_path=" ")
