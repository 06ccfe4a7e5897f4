"""The contest's events as a CascadeLog with a link column: every click, share and
conversion is credited to its link, and every metric works per link."""

import numpy as np
import pandas as pd
import pytest

from simulator import IndependentCascade, Network, run_cascades
from simulator.analysis import metrics
from simulator.cascade_log import ACTION_CODE, CascadeLog
from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.network.generators import follower_graph
from simulator.population import Population, PopulationSpec

NET = follower_graph(2000, 10.0, np.random.default_rng(11), n_celebrities=5)
POP = Population.draw(PopulationSpec(), NET, np.random.default_rng(12))
NO_RING = {"honest": 0.4, "enthusiast": 0.2, "spammer": 0.1, "deceiver": 0.1, "sybil": 0.1,
           "manipulator": 0.1}  # fmt: skip


def run(mix=None, record=2, players=40, seed=1, reps=3):
    settings = ContestSettings(players=players, **({"mix": mix} if mix else {}))
    return Contest(NET, POP, settings, seed).run(contest_keys(seed, reps), record=record)


def test_log_counts_per_link_equal_the_kernels_totals():
    """Clicks (organic, planned and fake), shares, conversions, impressions and posts
    counted from the log per link are the kernel's per-link totals, exactly."""
    game = run()  # the default mix: rings and sybils included
    log, table = game.log, game.per_link()
    assert log.link is not None and log.links == 40 and log.replicates == 3
    flat = log.by_link()
    for action, column in [("click", "clicks"), ("share", "shares"), ("convert", "conversions"),
                           ("impression", "impressions"), ("seed", "posts")]:  # fmt: skip
        assert np.array_equal(flat.counts(action), table[column].to_numpy()), action
    assert table["clicks"].sum() > 0 and table["shares"].sum() > 0


def test_link_metrics_match_the_totals_and_each_links_own_log():
    game = run(NO_RING)
    per_link, table = game.link_metrics(), game.per_link()
    assert list(per_link[["replicate", "link", "player", "strategy"]].columns) == [
        "replicate", "link", "player", "strategy"]  # fmt: skip
    pd.testing.assert_frame_equal(
        per_link[["replicate", "link", "player"]], table[["replicate", "link", "player"]]
    )
    for column in ("impressions", "clicks", "shares", "conversions"):
        assert np.array_equal(per_link[column], table[column]), column
    # without rings each link has one poster, its player, who never reads it:
    # reach from the log = the people who read it + the player
    assert np.array_equal(per_link["reach"], table["reach"] + 1)
    # a metric the kernel does not count (depth, structural virality) per link equals
    # the metric of that link's events alone
    log = game.log
    flat_depth = metrics.depth(log.by_link()).reshape(log.replicates, log.links)
    flat_sv = metrics.structural_virality(log.by_link()).reshape(log.replicates, log.links)
    deepest = np.unravel_index(np.argmax(flat_depth), flat_depth.shape)
    assert flat_depth.max() >= 2  # some link spread beyond its player's followers
    for link in {int(deepest[1]), 0, log.links - 1}:
        own = _only(log, link)
        assert np.array_equal(flat_depth[:, link], metrics.depth(own))
        assert np.allclose(flat_sv[:, link], metrics.structural_virality(own), equal_nan=True)


def _only(log: CascadeLog, link: int) -> CascadeLog:
    keep = log.link == link
    return CascadeLog(
        log.replicate[keep], log.node[keep], log.parent[keep], log.step[keep],
        log.action[keep], log.tie[keep], log.layer[keep], log.amount[keep], log.replicates,
        log.layer_names,
    )  # fmt: skip


def test_credit_goes_to_the_link_whose_post_was_acted_on():
    """Every click, share and conversion in the log has a parent that posted or
    reshared that same link (or, for planned clicks, is its player)."""
    game = run(record=1)
    log = game.log
    frame = log.to_frame()
    spread = frame[frame["action"].isin(["seed", "share"])]
    senders = set(zip(spread["replicate"], spread["node"], spread["link"], strict=True))
    players = game.contest.players
    acts = frame[frame["action"].isin(["click", "share", "convert"])]
    for rep, parent, link in zip(acts["replicate"], acts["parent"], acts["link"], strict=True):
        assert (rep, parent, link) in senders or parent == players[link]


def test_single_campaign_logs_are_unchanged():
    log = run_cascades(Network.from_edges([0, 1], [1, 2]), [0], IndependentCascade(1.0), 2, 1).log
    assert log.link is None and log.links == 0
    assert "link" not in log.to_frame().columns
    with pytest.raises(ValueError, match="^this log has no link column"):
        log.by_link()


def test_link_column_is_checked():
    ev = np.zeros(3, np.int64)
    args = (ev, ev, ev - 1, ev, ev.astype(np.int8), np.full(3, np.nan), ev - 1, np.zeros(3))
    with pytest.raises(ValueError, match=r"^link: one per event \(3\), got 2"):
        CascadeLog(*args, replicates=1, link=[0, 1], links=2)
    with pytest.raises(ValueError, match=r"^link values must lie in \[0, links = 2\)"):
        CascadeLog(*args, replicates=1, link=[0, 1, 2], links=2)


def test_record_one_has_no_impressions_and_summary_has_no_log():
    game = run(record=1, reps=1)
    assert game.log.counts("impression").sum() == 0
    assert game.log.counts("click").sum() == game.per_link()["clicks"].sum()
    assert set(np.unique(game.log.action)) <= {ACTION_CODE[a] for a in
                                              ("seed", "click", "share", "convert")}  # fmt: skip
    summary = Contest(NET, POP, ContestSettings(players=10), 1).run(contest_keys(1, 1))
    with pytest.raises(ValueError, match="^run has no events"):
        _ = summary.log
