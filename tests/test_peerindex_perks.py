"""PeerIndex perks: the published arithmetic, and branching theory as the oracle."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from experiments.peerindex_perks import (
    PerksConfig,
    branching,
    generation_sizes,
    generations_to_pass,
    run,
)
from simulator.rng import stream
from simulator.runs.config import small_config


def test_arithmetic_of_the_write_up():
    # 60 x 2 per generation: 245,700 after generation 11, 491,460 after 12
    assert np.cumsum(generation_sizes(60, 2, 2, 12))[[11, 12]].tolist() == [245_700, 491_460]
    assert generations_to_pass(60, 2, 2, 250_000) == 12
    # 60 reaching 20 each, then x 2: 152,460 after generation 7, 306,060 after 8
    assert np.cumsum(generation_sizes(60, 20, 2, 8))[[7, 8]].tolist() == [152_460, 306_060]
    assert generations_to_pass(60, 20, 2, 250_000) == 8
    assert generations_to_pass(60, 0.5, 0.5, 250_000) is None


@pytest.mark.parametrize("first, mean", [(0.5, 0.5), (5.0, 0.5), (0.8, 0.8)])
def test_subcritical_total_matches_branching_theory(first, mean):
    # E[total] = s + s * first / (1 - mean) for a subcritical Galton-Watson process;
    # a market of 10^9 makes depletion negligible
    reps, seeds = 4000, 60
    totals = np.array(
        [
            branching(seeds, first, mean, 10**9, 200, stream(1, "test", r)).sum()
            for r in range(reps)
        ]
    )
    expected = seeds + seeds * first / (1 - mean)
    assert abs(totals.mean() - expected) < 4 * totals.std(ddof=1) / np.sqrt(reps)


def test_supercritical_final_share_solves_reed_frost():
    # K = 2 in a market of 10^6: the share reached solves S = 1 - exp(-2 S)
    s_theory = brentq(lambda x: x - 1 + np.exp(-2 * x), 0.1, 1.0)  # 0.79681
    share = np.array(
        [
            branching(60, 2.0, 2.0, 10**6, 60, stream(2, "test", r)).sum() / 10**6
            for r in range(200)
        ]
    )
    assert abs(share.mean() - s_theory) < 4 * share.std(ddof=1) / np.sqrt(200)


def test_study_outputs_and_the_seeding_effect_shrinks_above_one(tmp_path):
    cfg = small_config(experiment=PerksConfig(replicates=200, viral_coefficients=[0.5, 2.0]))
    out = run(cfg, tmp_path)
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert {"arm", "replicate", "seed", "reach", "viral_coefficient"} <= set(rows.columns)
    assert (tmp_path / "arithmetic.csv").exists() and (tmp_path / "perks.png").exists()
    mean = rows.groupby(["viral_coefficient", "arm"])["reach"].mean()
    # below 1 influencers multiply reach (660 vs 120); at K = 2 both fill the market
    assert mean[(0.5, "influencers")] / mean[(0.5, "random")] > 4
    assert mean[(2.0, "influencers")] / mean[(2.0, "random")] < 1.01
    assert "generation 12" in out["text"] and "generation 8" in out["text"]


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="invitations must be an integer >= 1"):
        PerksConfig(invitations=0)
    with pytest.raises(ValueError, match="viral_coefficients must list values >= 0"):
        PerksConfig(viral_coefficients=[-1.0])
