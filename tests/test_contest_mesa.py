"""The contest revealed step by step (simulator/contest/mesa_contest.py).

Every check is an identity against the kernel's own run: the model replays
recorded events, so no tolerance is needed.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.contest.mesa_contest import STATES, TOTALS, ContestModel
from simulator.contest.record import hidden_state, public_record
from simulator.contest.scoring import RULES
from simulator.contest.settings import ContestSettings
from simulator.network import generators
from simulator.rng import stream

#: Kernel per-link column of each running total.
KERNEL = {
    "clicks": "clicks",
    "fake_clicks": "fake_clicks",
    "reshares": "shares",
    "conversions": "conversions",
    "unfollows": "unfollows",
    "reports": "reports",
}


@pytest.fixture(scope="module")
def model():
    """A contest lively enough to have every kind of event (a follower-like
    graph with the big accounts as players and a high appeal)."""
    net = generators.follower_graph(600, 20.0, stream(1, "network"), n_celebrities=10)
    settings = ContestSettings(players=25, appeal=0.9, placement="followers")
    return ContestModel(network=net, settings=settings, seed=1)


@pytest.fixture(scope="module")
def stepped(model):
    """Per step s = 0 .. steps: (states, totals, standings under every rule)."""
    seen = [(model.states(), model.totals, None)]
    while model.running:
        model.step()
        seen.append((model.states(), model.totals, model.record_now()))
    return seen


def test_end_equals_the_kernel_run(model, stepped):
    per_link = model.run.per_link()
    for name, column in KERNEL.items():
        assert model.totals[name] == int(per_link[column].sum()), name
    assert model.totals["clicks"] > model.totals["fake_clicks"] > 0
    assert model.totals["conversions"] > 0 and model.totals["unfollows"] > 0
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.contest.settings.steps == model.steps
    assert list(frame.columns) == list(TOTALS)
    assert (frame.diff().fillna(0) >= 0).all().all()  # running totals never fall


def test_stages_follow_the_events(model, stepped):
    _, ev = hidden_state(model.run)
    n = model.network.n
    for s in (0, 1, 5, len(stepped) - 1):
        states = stepped[s][0]
        past = ev[(ev["step"] < s) & (ev["node"] < n)]
        for level, actions in enumerate(
            (("impression",), ("click",), ("post", "share"), ("convert",)), start=1
        ):
            reached = np.unique(past.loc[past["action"].isin(actions), "node"])
            assert (states[reached] >= level).all(), (s, STATES[level])
        touched = np.unique(past["node"])
        assert (states[np.setdiff1d(np.arange(n), touched)] == 0).all()
    assert stepped[0][0].max() == 0  # nothing has happened before the first step
    final = stepped[-1][0]
    assert (final[model.players] >= STATES.index("shared")).all()  # every player posted


def test_record_cut_at_the_end_is_the_record(model, stepped):
    full = public_record(model.run)
    cut = stepped[-1][2]
    for name in ("posts", "clicks", "shares", "conversions", "unfollows", "reports", "accounts"):
        assert getattr(cut, name).equals(getattr(full, name)), name
    for name, rule in RULES.items():
        np.testing.assert_array_equal(rule(cut), rule(full), err_msg=name)


def test_record_cut_matches_the_events_then(model, stepped):
    """Activity at step s counts the public actions of steps < s (the record's definition)."""
    _, ev = hidden_state(model.run)
    for s in (1, 4, 9):
        record = stepped[s][2]
        public = ev[(ev["step"] < s) & ev["action"].isin(["post", "click", "share", "convert"])]
        expected = np.bincount(public["node"], minlength=model.contest.accounts)
        np.testing.assert_array_equal(record.accounts["activity"].to_numpy(), expected)
        assert len(record.clicks) == int((public["action"] == "click").sum())
        assert stepped[s][1]["clicks"] == len(record.clicks)
        assert record.follows.equals(model.record.follows)


def test_record_cut_keeps_the_rows_of_earlier_steps(model):
    """A cut record's tables are the whole record's rows of steps < until, columns and all."""
    full, cut = model.record, public_record(model.run, until=5)
    for name in ("posts", "clicks", "shares", "conversions", "unfollows", "reports"):
        whole = getattr(full, name)
        assert getattr(cut, name).equals(whole[whole["step"] < 5]), name
    assert len(cut.clicks) < len(full.clicks)


def test_standings_rank_by_the_rule(model):
    table = model.standings("naive_clicks")
    assert list(table.columns) == ["rank", "link", "account", "strategy", "gamer", "score"]
    assert table["score"].is_monotonic_decreasing and table["rank"].iloc[0] == 1
    np.testing.assert_array_equal(
        table.sort_values("link")["score"], RULES["naive_clicks"](model.record_now())
    )
    strategies = model.contest.strategy_names.astype(str)
    assert (table["strategy"].to_numpy() == strategies[table["link"]]).all()
    honest = {s.name for s in model.contest.strategies if s.honest}
    assert (table["gamer"] == ~table["strategy"].isin(honest)).all()
    assert table["gamer"].sum() == 5  # 20% of 25 players
    assert not table["link"].equals(model.standings("trusted_voluntary")["link"])
    with pytest.raises(ValueError, match="^rule: unknown scoring rule 'loudest'"):
        model.standings("loudest")


def test_same_seed_same_contest_other_seed_another():
    a, b, c = (ContestModel(n=200, seed=s) for s in (3, 3, 4))
    for mdl in (a, b, c):
        mdl.run_model()
    assert np.array_equal(a.states(), b.states()) and a.totals == b.totals
    assert not np.array_equal(a.players, c.players)


def test_agents_are_views(model):
    agent = next(iter(model.agents))
    assert agent.state == STATES[model.states()[agent.node]]
    player = [a for a in model.agents if a.link is not None]
    assert len(player) == model.players.size
    assert {a.strategy for a in player} == set(model.contest.strategy_names.astype(str))


def test_both_models_build_the_same_default_world():
    from simulator.mesa_model import CampaignModel

    contest_model = ContestModel(n=300, m=3, seed=4)
    campaign_model = CampaignModel(n=300, m=3, k=5, seed=4)
    assert np.array_equal(contest_model.network.indices, campaign_model.network.indices)
    assert np.array_equal(contest_model.population.trust, campaign_model.population.trust)
