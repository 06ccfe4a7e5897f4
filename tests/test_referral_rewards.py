"""Referral rewards: the balloon scheme's arithmetic, its sybil attack, and the
sybil-proofness of the almost-uniform scheme on simulated referral trees."""

import numpy as np
import pandas as pd
import pytest

from experiments.referral_rewards import ReferralRewardsConfig, run
from simulator.contest.referral import (
    almost_uniform_rewards,
    chain_to_root,
    finder_take,
    random_referral_tree,
    recursive_rewards,
    sybil_gain,
)
from simulator.runs.config import small_config


def test_balloon_arithmetic():
    assert recursive_rewards(5).tolist() == [2000, 1000, 500, 250, 125]
    assert recursive_rewards(20).sum() < 4000 <= recursive_rewards(2000).sum() + 1e-9


@pytest.mark.parametrize("s", range(0, 12))
def test_sybil_attack_collects_2000_times_2_minus_2_to_minus_s(s):
    assert sybil_gain(s) == pytest.approx(2000 * (2 - 2.0**-s))
    assert finder_take(recursive_rewards, 7, s) == pytest.approx(2000 * (2 - 2.0**-s))
    # paid by the real inviters: each now gets 2^-s of its due
    assert np.allclose(recursive_rewards(7 + s)[s + 1 :], recursive_rewards(7)[1:] * 2.0**-s)


def test_almost_uniform_is_sybil_proof_for_the_finder_on_random_trees():
    rng = np.random.default_rng(3)
    for _ in range(30):
        parent = random_referral_tree(300, rng)
        n = len(chain_to_root(parent, int(rng.integers(300))))
        alone = almost_uniform_rewards(n, beta=0.25, height=20)[0] if n <= 20 else 0.0
        for s in range(0, 25):
            take = finder_take(almost_uniform_rewards, n, s, beta=0.25, height=20)
            assert take <= alone + 1e-9
        assert almost_uniform_rewards(n, beta=0.25, height=20).sum() <= 2000 * (1 + 20 * 0.25)


def test_random_tree_is_a_tree():
    parent = random_referral_tree(200, np.random.default_rng(0))
    assert parent[0] == -1 and (parent[1:] < np.arange(1, 200)).all()
    assert chain_to_root(parent, 199)[-1] == 0


def test_study_end_to_end(tmp_path):
    cfg = small_config(experiment=ReferralRewardsConfig(replicates=10, people=100))
    out = run(cfg, tmp_path)
    summary = pd.read_csv(tmp_path / "summary.csv")
    rec = summary[(summary.arm == "recursive") & (summary.metric == "finder_take_s3")]
    assert rec["mean"].iloc[0] == pytest.approx(2000 * (2 - 2**-3))
    assert (out["rows"].query("arm == 'almost_uniform'")["finder_gain"] <= 1e-9).all()
    assert (tmp_path / "referral.png").exists()
