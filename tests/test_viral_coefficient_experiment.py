"""The viral-coefficient study and its critical-mass search.

The search must return the smallest number of seeds meeting the target for
its replicates (exact, thanks to coupled replicates and nested seed sets),
deterministically; on Erdős–Rényi graphs the result must agree with
percolation theory.
"""

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from experiments import STUDIES
from experiments.viral_coefficient import ViralCoefficientConfig, run, seed_orders
from simulator import IndependentCascade, Network, run_cascades
from simulator.analysis.critical_mass import (
    critical_mass_search,
    er_critical_mass,
    giant_fraction,
    ic_probability,
    mean_excess_degree,
)
from simulator.network import generators as gen
from simulator.rng import replicate_keys
from simulator.runs.compose import config_dir, register_configs
from simulator.runs.config import (
    Config,
    ConfigError,
    ErdosRenyiConfig,
    IndependentCascadeConfig,
    to_config,
)
from simulator.seeding.registry import top_degree

SMOKE = ["network.n=400", "experiment.replicates=8"]


def run_experiment(tmp_path, *overrides):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = to_config(compose(config_name="config", overrides=list(overrides)))
    return STUDIES[cfg.experiment.name].run(cfg, tmp_path)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("viral_coefficient")
    out = run_experiment(out_dir, "experiment=viral_coefficient", *SMOKE)
    return out, out_dir


def test_outputs(smoke):
    out, out_dir = smoke
    rows = pd.read_parquet(out_dir / "results.parquet")
    assert {"arm", "viral_coefficient", "k", "replicate", "seed", "reach"} <= set(rows.columns)
    for name in ("summary.csv", "critical_mass.csv", "viral_estimates.csv", "spread.csv"):
        assert (out_dir / name).exists(), name
    for name in ("seeds_needed", "spread", "cascade_ccdf", "generations"):
        assert (out_dir / f"{name}.png").exists(), name
    assert set(rows["arm"]) == {"random", "top_degree"}
    assert (rows.groupby(["arm", "viral_coefficient", "k"]).size() == 8).all()
    summary = pd.read_csv(out_dir / "summary.csv")
    assert set(summary["metric"]) == {"reach", "reached_target"}
    assert "seeds needed" in out["text"]


def test_search_returns_the_smallest_k_for_its_replicates(smoke):
    out, _ = smoke
    rows, critical = out["rows"], out["critical_mass"]
    target = 0.2 * 400
    for (arm, K), group in rows.groupby(["arm", "viral_coefficient"]):
        rate = group.groupby("k")["reach"].apply(lambda r: (r >= target).mean())
        need = critical.set_index(["arm", "viral_coefficient"]).loc[(arm, K), "seeds_needed"]
        if np.isnan(need):
            assert rate.max() < 0.9
            continue
        need = int(need)
        assert rate[need] >= 0.9
        assert need == 1 or rate[need - 1] < 0.9  # bisection always tries k* - 1
        assert (rate[rate.index < need] < 0.9).all() and (rate[rate.index >= need] >= 0.9).all()


def test_reach_is_monotone_in_seeds_and_in_k_replicate_by_replicate(smoke):
    rows = smoke[0]["rows"]
    for _, group in rows.groupby(["arm", "viral_coefficient", "replicate"]):
        reach = group.sort_values("k")["reach"].to_numpy()
        assert (np.diff(reach) >= 0).all()
    wide = rows.pivot_table(
        index=["arm", "k", "replicate"], columns="viral_coefficient", values="reach"
    )
    both = wide.to_numpy()
    for a, b in zip(both.T[:-1], both.T[1:], strict=True):  # consecutive K, where both tried
        ok = ~np.isnan(a) & ~np.isnan(b)
        assert (b[ok] >= a[ok]).all()


def test_same_seed_same_tables(tmp_path):
    quick = ["experiment=viral_coefficient", *SMOKE, "experiment.figures=false"]
    a = run_experiment(tmp_path / "a", *quick)
    b = run_experiment(tmp_path / "b", *quick)
    pd.testing.assert_frame_equal(a["rows"], b["rows"])
    pd.testing.assert_frame_equal(a["estimates"], b["estimates"])
    c = run_experiment(tmp_path / "c", *quick, "seed=7")
    assert not a["rows"]["reach"].equals(c["rows"]["reach"])


def test_critical_mass_on_erdos_renyi_agrees_with_percolation():
    # K = 2 on G(2000, 5): a random seed takes off with probability S = 0.797
    # (S = 1 - exp(-2 S)), reaching about 0.8 n > 0.3 n; P(success with k seeds)
    # = 1 - (1 - S)^k, so 1 seed gives 0.80 < 0.9 and 2 give 0.96: k* = 2.
    n, reps, K = 2000, 400, 2.0
    net = gen.erdos_renyi(n, 5.0, np.random.default_rng(21))
    model = IndependentCascade(ic_probability(K, net))
    orders = seed_orders(net, "random", reps, 50, seed=22)
    keys = replicate_keys(23, reps)

    def reach_of_k(k):
        return run_cascades(net, orders[:, :k], model, reps, 0, log=False, keys=keys).reach

    found = critical_mass_search(reach_of_k, 0.3 * n, 0.9, 50)
    s = giant_fraction(K)
    p1 = found.success(0.3 * n)[1]
    assert abs(p1 - s) < 4 * np.sqrt(s * (1 - s) / reps)
    assert found.seeds == 2 == er_critical_mass(K, n, 0.3, 0.9)


def test_search_edge_cases():
    def never(k):
        return np.zeros(5)

    res = critical_mass_search(never, 1, 0.9, 10)
    assert res.seeds is None and sorted(res.probes) == [1, 2, 4, 8, 10]
    res = critical_mass_search(lambda k: np.full(4, k), 1, 0.5, 1)
    assert res.seeds == 1 and list(res.probes) == [1]
    # every threshold of a monotone step function is found, in O(log k) probes
    for k_star in range(1, 65):
        res = critical_mass_search(lambda k, s=k_star: np.array([k >= s]), 1, 1.0, 64)
        assert res.seeds == k_star and len(res.probes) <= 2 * 6 + 1
    with pytest.raises(ValueError, match="probability"):
        critical_mass_search(never, 1, 0.0, 10)


def test_excess_degree_and_probability():
    net = gen.erdos_renyi(3000, 6.0, np.random.default_rng(2))
    k = net.out_degree().astype(float)
    assert mean_excess_degree(net) == pytest.approx((k * (k - 1)).sum() / k.sum())
    # directed without reciprocal arcs: the mean out-degree of arc targets
    chain = Network.from_edges([0, 1, 1, 2], [1, 2, 3, 3])
    assert mean_excess_degree(chain) == pytest.approx((2 + 1 + 0 + 0) / 4)
    assert ic_probability(3.0, net) == pytest.approx(3.0 / mean_excess_degree(net))
    with pytest.raises(ValueError, match="exceeds the network's mean excess degree"):
        ic_probability(50.0, net)


def test_seed_orders_are_nested_strategies():
    net = gen.barabasi_albert(300, 2, np.random.default_rng(3))
    orders = seed_orders(net, "top_degree", 3, 40, seed=1)
    for k in (1, 7, 40):
        assert np.array_equal(orders[0, :k], top_degree(net, k, np.random.default_rng(0)))
    rand = seed_orders(net, "random", 5, 40, seed=1)
    assert np.array_equal(rand, seed_orders(net, "random", 5, 40, seed=1))
    assert np.array_equal(rand[:3], seed_orders(net, "random", 3, 40, seed=1))
    assert all(len(set(row)) == 40 for row in rand.tolist())
    assert not np.array_equal(rand[0], rand[1])


def test_bad_settings_are_named(tmp_path):
    with pytest.raises(ValueError, match="arms must list some of"):
        ViralCoefficientConfig(arms=["pagerank"])
    with pytest.raises(ValueError, match="probability must be in"):
        ViralCoefficientConfig(probability=1.0)
    with pytest.raises(ValueError, match="viral_coefficients must be numbers >= 0"):
        ViralCoefficientConfig(viral_coefficients=[-1.0])
    with pytest.raises(ConfigError, match="experiment.target_fraction"):
        run_experiment(tmp_path, "experiment=viral_coefficient", "experiment.target_fraction=0")
    cfg = Config(
        network=ErdosRenyiConfig(n=200, mean_degree=2.0),
        campaign=IndependentCascadeConfig(),
        experiment=ViralCoefficientConfig(replicates=2, viral_coefficients=[5.0], figures=False),
    )
    with pytest.raises(ValueError, match="viral coefficient 5 exceeds"):
        run(cfg, tmp_path)
