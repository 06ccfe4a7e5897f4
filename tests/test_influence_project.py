"""The influence-project study end to end at a small size, and its evaluation pieces."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.influence_project import InfluenceProjectConfig, mix_with_share, run
from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.contest.evaluation import (
    adaptive_premiums,
    gaming_premiums,
    joint_premiums,
    premium_summary,
    ranks,
    score_runs,
)
from simulator.contest.influence import reference_actions, reference_tau, true_influence
from simulator.contest.scoring import RULES
from simulator.network.generators import follower_graph
from simulator.population import Population, PopulationSpec
from simulator.runs.config import FollowerConfig, small_config

NET = follower_graph(1500, 10.0, np.random.default_rng(21), n_celebrities=3)
POP = Population.draw(PopulationSpec(), NET, np.random.default_rng(22))


def small(**changes):
    exp = dict(players=40, replicates=2, true_replicates=10, premium_players=2,
               premium_replicates=2, premium_max_replicates=2, attack_trials=3,
               attack_replicates=1, attack_players=2, shares=[0.0, 0.2], figures=True)  # fmt: skip
    exp.update(changes)
    return small_config(
        network=FollowerConfig(n=800, mean_following=10.0, n_celebrities=3),
        experiment=InfluenceProjectConfig(**exp),
    )


def test_study_writes_every_table_and_figure(tmp_path):
    out = run(small(), tmp_path)
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["arm"]) == set(RULES) | {"all"}
    # the reference is the same for every rule: one row per metric, arm "all"
    for metric in ("reference_tau", "reference_zero_share"):
        assert summary.loc[summary["metric"] == metric, "arm"].tolist() == ["all"]
    metrics = set(summary["metric"])
    need = {
        "kendall_tau_honest",
        "reference_tau",
        "reference_zero_share",
        "gamers_in_top10",
        "true_top10_gamers",
        "precision_at_10",
        "attacker_best_rank",
        "crowd_trust_lost",
        "spam_impressions",
    }
    assert need <= metrics
    assert {f"gaming_premium_{s}" for s in ("spammer", "deceiver", "sybil", "ring",
                                            "manipulator")} <= metrics  # fmt: skip
    assert {"mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    board = pd.read_csv(tmp_path / "leaderboard.csv")
    assert list(board.columns) == ["rule", "replicate", "rank", "player", "strategy", "score",
                                   "true_influence"]  # fmt: skip
    assert len(pd.read_csv(tmp_path / "attacks.csv")) == 3
    for name in ("top20.png", "tau_vs_share.png", "premiums.png"):
        assert (tmp_path / name).exists()
    assert out["text"]


def test_study_is_reproducible(tmp_path):
    a = run(small(figures=False), tmp_path / "a")["summary"]
    b = run(small(figures=False), tmp_path / "b")["summary"]
    pd.testing.assert_frame_equal(a, b)


def test_attackers_are_honest_players_outside_the_true_top_10(tmp_path):
    exp = dict(attack_players=25, attack_trials=6)  # 25 of the ~32 honest players
    out = run(small(figures=False, **exp), tmp_path)
    contest = out["contest"]
    truth = true_influence(contest, 10)["true_influence"].to_numpy()  # the study's keys
    top = set(np.argsort(-truth, kind="stable")[:10].tolist())
    attackers = set(out["attacks"]["attacker"].tolist())
    names = contest.strategy_names
    assert attackers and not attackers & top
    assert all(names[a] in ("honest", "enthusiast") for a in attackers)


def test_reference_ranks_the_same_honest_players_as_the_rules(tmp_path):
    out = run(small(figures=False, replicates=3), tmp_path)
    contest, rows = out["contest"], pd.read_parquet(tmp_path / "results.parquet")
    truth = true_influence(contest, 10)["true_influence"].to_numpy()  # the study's keys
    honest = np.isin(contest.strategy_names, ["honest", "enthusiast"])
    assert 0 < honest.sum() < honest.size  # gamers to leave out
    differs = False  # from the reference over every player, in some replicate
    for r in range(3):
        acts = reference_actions(contest, replicate=r)
        row = rows[rows["replicate"] == r].iloc[0]
        expected = reference_tau(contest, truth, replicate=r, among=honest)
        assert np.isfinite(expected) and row["reference_tau"] == expected  # the same sum
        assert row["reference_zero_share"] == (acts[honest] == 0).mean()
        differs |= expected != reference_tau(contest, truth, replicate=r)
    assert differs


def test_the_overlay_composes_to_the_documented_defaults():
    from simulator.runs.compose import load_config

    cfg = load_config("experiment=influence_project")
    exp, schema = cfg.experiment, InfluenceProjectConfig()
    for key in ("placement", "players", "premium_players", "premium_max_replicates",
                "premium_rules", "attack_players", "premium_design"):  # fmt: skip
        assert getattr(exp, key) == getattr(schema, key), key
    assert exp.placement == "random" and exp.premium_rules == list(RULES)
    net = cfg.network
    assert (net.kind, net.n, net.n_celebrities, net.follower_exponent) == (
        "follower", 100_000, 0, 2.276)  # fmt: skip


def test_mix_with_share_sums_to_one_and_keeps_the_honest_ratio():
    for share in (0.0, 0.2, 1.0):
        mix = mix_with_share(share)
        assert np.isclose(sum(mix.values()), 1.0)
        ContestSettings(mix=mix)
    assert np.isclose(mix_with_share(0.2)["spammer"], 0.04)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="premium_players must be a positive integer"):
        InfluenceProjectConfig(premium_players=0)
    with pytest.raises(ValueError, match="shares must lie in"):
        InfluenceProjectConfig(shares=[1.5])


def test_ranks_put_the_best_first_and_share_ties():
    assert ranks(np.array([0.0, 3.0, 3.0])).tolist() == [3.0, 1.0, 1.0]


def test_premium_of_an_identical_switch_is_zero():
    """Switching a player to the strategy it already plays changes nothing (CRN)."""
    game = Contest(NET, POP, ContestSettings(players=30, placement="followers"), seed=4)
    honest = [i for i, s in enumerate(game.strategies) if s.name == "honest"][:2]
    keys = contest_keys(4, 2)
    prem = gaming_premiums(game, honest, keys, gaming=["honest"])
    best_is_honest = prem["honest_strategy"] == "honest"
    assert (prem.loc[best_is_honest, "premium"] == 0).all()
    assert (prem["premium"] <= 0).all()  # the best honest strategy is never beaten by itself


def test_ring_premium_keeps_other_rings():
    game = Contest(NET, POP, ContestSettings(players=30, mix={"honest": 0.5, "ring": 0.5}), 4)
    honest = [i for i, s in enumerate(game.strategies) if s.name == "honest"][:5]
    switched = game.with_strategies({i: "ring" for i in honest}, ring=honest)
    assert switched.rings[:-1] == game.rings and switched.rings[-1] == honest
    scored = score_runs(switched, contest_keys(4, 1))
    assert scored.scores[0].shape == (30, len(RULES))


def test_competition_ranks_count_the_players_strictly_above():
    s = np.array([0.0, 0.0, 2.0, 1.0, 0.0])
    assert ranks(s).tolist() == [3.0, 3.0, 1.0, 2.0, 3.0]
    # leaving the block tied at 0 by a hair overtakes nobody who was above
    lifted = s.copy()
    lifted[0] = 1e-9
    assert ranks(lifted)[0] == ranks(s)[0]


GAME = Contest(NET, POP, ContestSettings(players=30, placement="followers"), seed=4)
SAMPLE = [i for i, s in enumerate(GAME.strategies) if s.name == "honest"][:5]


def test_joint_premium_of_an_identical_switch_is_zero():
    keys = contest_keys(4, 2)
    prem = joint_premiums(GAME, SAMPLE, keys, gaming=["honest"])
    assert len(prem) == len(SAMPLE) * 2 * len(RULES)
    best_is_honest = prem["honest_strategy"] == "honest"
    assert best_is_honest.any()
    assert (prem.loc[best_is_honest, "premium"] == 0).all()
    assert (prem["premium"] <= 0).all()


def test_joint_premiums_agree_with_one_switch_at_a_time():
    """Switching the sample together changes each premium only through the crowd the
    switched players share: the mean paired difference from one switch at a time is within
    4 standard errors of 0 (naive clicks, spammers, 5 players x 6 keys)."""
    keys = contest_keys(4, 6, "premium")
    rules = {"naive_clicks": RULES["naive_clicks"]}
    one = gaming_premiums(GAME, SAMPLE, keys, ["spammer"], rules)
    joint = joint_premiums(GAME, SAMPLE, keys, ["spammer"], rules)
    both = one.merge(joint, on=["strategy", "link", "replicate", "arm"])
    assert len(both) == 30 and (one["premium"] > 0).mean() > 0.5  # spam pays under clicks
    # the unit is the key: the players of one key share its contest
    diff = (both["premium_x"] - both["premium_y"]).groupby(both["replicate"]).mean()
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert abs(diff.mean()) <= 4 * se, (diff.mean(), se)


def test_field_rank_leaves_the_other_switched_players_out():
    from simulator.contest.evaluation import _field_ranks

    scores = np.array([5.0, 9.0, 7.0, 1.0, 7.0])
    # players 1, 2, 3 switched: each against players 0 and 4 (5.0 and 7.0) and itself;
    # 9.0 and 7.0 have nobody strictly above, 1.0 has both
    assert _field_ranks(scores, np.array([1, 2, 3])).tolist() == [1.0, 1.0, 3.0]


def test_adaptive_premiums_stop_when_precise_enough_or_at_the_cap():
    keys = contest_keys(4, 6, "premium")
    rules = {"naive_clicks": RULES["naive_clicks"]}
    args = dict(gaming=["spammer"], rules=rules, estimator=joint_premiums)
    loose = adaptive_premiums(GAME, SAMPLE, None, keys, 2, half_width=1e9, **args)
    assert loose["replicate"].nunique() == 2
    strict = adaptive_premiums(GAME, SAMPLE, None, keys, 2, half_width=1e-9, **args)
    assert strict["replicate"].nunique() == 6
    table = premium_summary(strict)
    assert table.loc[0, "n"] == 6 and table.loc[0, "players"] == 5
    # the CI is Student's t over the 6 per-key means of the 5 players
    per_key = strict.groupby("replicate")["premium"].mean()
    half = stats.t.ppf(0.975, 5) * per_key.std(ddof=1) / np.sqrt(6)
    assert np.isclose(table.loc[0, "mean"], per_key.mean())
    assert np.isclose(table.loc[0, "half_width"], half)


def test_summary_reports_half_width_and_n_per_premium(tmp_path):
    # naive_clicks as the stopping rule: its premiums are never all 0 (a constant
    # premium has half-width 0 and would stop the batches at once)
    out = run(small(figures=False, premium_players=5, premium_replicates=2,
                    premium_max_replicates=4, premium_half_width=1e-9,
                    premium_rules=["naive_clicks"]), tmp_path)  # fmt: skip
    prem = out["summary"][out["summary"]["metric"].str.startswith("gaming_premium_")]
    assert (prem["n"] == 4).all()
    premiums = pd.read_csv(tmp_path / "premiums.csv")
    assert premiums["replicate"].nunique() == 4  # the keys behind n
    assert (prem["half_width"] > 0).any() and np.isfinite(prem["half_width"]).all()


def test_premium_settings_are_checked():
    with pytest.raises(ValueError, match="premium_design must be"):
        InfluenceProjectConfig(premium_design="both")
    with pytest.raises(ValueError, match="premium_rules: unknown rule 'klout'"):
        InfluenceProjectConfig(premium_rules=["klout"])
    with pytest.raises(ValueError, match="premium_half_width must be positive"):
        InfluenceProjectConfig(premium_half_width=0.0)
