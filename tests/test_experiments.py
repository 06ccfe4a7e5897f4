"""Every experiment config runs end to end at a smoke size; studies' own checks."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import STUDIES
from simulator.runs.compose import config_dir, load_config
from simulator.runs.config import ConfigError
from simulator.seeding.budgets import buy, max_affordable, seed_costs

EXPERIMENTS = sorted(p.stem for p in (Path(config_dir()) / "experiment").glob("*.yaml"))
SMOKE = ["network.n=400", "experiment.replicates=8"]


def run_experiment(tmp_path, *overrides):
    cfg = load_config(*overrides)
    return STUDIES[cfg.experiment.name].run(cfg, tmp_path)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_runs_at_smoke_size(name, tmp_path):
    study = STUDIES[name]
    smoke = [o for o in SMOKE if study.uses(o.partition("=")[0])]  # what it reads
    out = run_experiment(tmp_path, f"experiment={name}", *smoke, *study.smoke)
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert {"arm", "replicate", "seed"} <= set(rows.columns)
    assert (tmp_path / "summary.csv").exists() and list(tmp_path.glob("*.png"))
    assert out["text"]


def test_every_study_has_a_config():
    assert set(STUDIES) == set(EXPERIMENTS)


def test_seeding_comparison_sizes_and_pairing(tmp_path):
    run_experiment(
        tmp_path,
        "experiment=seeding_comparison",
        *SMOKE,
        "experiment.ks=[1,4]",
        "seeding.strategies=[random,top_degree]",
    )
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert sorted(rows["k_target"].unique()) == [1, 4]
    assert (rows["k"] == rows["k_target"]).all()
    # both strategies saw the same replicate keys (common random numbers)
    keys = rows.pivot_table(
        index=["k_target", "replicate"], columns="arm", values="replicate_key", aggfunc="first"
    )
    assert (keys["random"] == keys["top_degree"]).all()
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert set(comparison["k"]) == {1, 4} and set(comparison["arm"]) == {"top_degree"}


def test_equal_budget_arms_never_overspend(tmp_path):
    run_experiment(
        tmp_path,
        "experiment=seeding_comparison",
        *SMOKE,
        "experiment.budgets=[10,30]",
        "experiment.cost_per_follower=0.2",
    )
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert (rows["spent"] <= rows["budget"] + 1e-9).all()
    assert np.allclose(rows["reach_per_cost"], rows["reach"] / rows["spent"])


def test_ks_and_budgets_together_are_rejected(tmp_path):
    with pytest.raises(ConfigError, match="experiment: give ks"):
        run_experiment(
            tmp_path,
            "experiment=seeding_comparison",
            "experiment.ks=[1]",
            "experiment.budgets=[5]",
        )


def test_study_settings_need_their_overlay(tmp_path):
    with pytest.raises(ConfigError, match="select it with experiment=seeding_comparison"):
        run_experiment(tmp_path, "experiment.name=seeding_comparison")


def test_budget_buys_in_order_of_preference_skipping_misfits():
    from simulator import Network

    net = Network.from_edges([0, 0, 0, 1, 1], [1, 2, 3, 2, 3])
    cost = seed_costs(net, per_seed=1.0, per_follower=1.0)  # [4, 3, 1, 1]
    assert buy(np.array([0, 1, 2, 3]), cost, 5.0).tolist() == [0, 2]
    assert max_affordable(cost, 5.0) == 3  # 1 + 1 + 3
    with pytest.raises(ValueError, match="costs must be"):
        seed_costs(net, per_seed=0.0, per_follower=0.0)


DATASETS = [
    ("facebook_ego_combined/facebook_combined.txt", False),
    ("email_eu_core/email-Eu-core.txt.gz", None),
    ("bitcoin_otc/soc-sign-bitcoinotc.csv.gz", None),
    ("advogato_trust/out.advogato", None),
    ("ca_grqc/CA-GrQc.txt", False),
    ("higgs_twitter/higgs-retweet_network.edgelist.gz", None),
    ("higgs_twitter/higgs-mention_network.edgelist.gz", None),
    ("higgs_twitter/higgs-reply_network.edgelist.gz", None),
    ("format_samples/lesmis.gml", None),
    ("format_samples/lesmis.graphml", None),
    ("format_samples/lesmis.net", None),
    ("format_samples/karate_igraph.graphml", None),
    ("format_samples/karate_newman.gml", None),
    ("format_samples/karate_graphtool.graphml", None),
]


@pytest.mark.slow
@pytest.mark.parametrize("path, directed", DATASETS, ids=[d[0].split("/")[-1] for d in DATASETS])
def test_seeding_comparison_on_every_shared_dataset(path, directed, shared_data, tmp_path):
    k = 10 if "karate" in path or "lesmis" in path else 50
    overrides = [
        "experiment=seeding_comparison",
        "network=file",
        f"network.path={shared_data / path}",
        f"seeding.k={k}",
        "experiment.replicates=20",
    ]
    if directed is not None:
        overrides.append(f"network.directed={str(directed).lower()}")
    out = run_experiment(tmp_path, *overrides)
    summary = out["summary"]
    reach = summary[summary["metric"] == "reach"].set_index("arm")["mean"]
    assert (reach >= k).all()  # seeds are reached by definition
