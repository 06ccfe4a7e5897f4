"""The contest kernel: exact limits, theory, common random numbers, once-only conversions,
the attention budget, sparse state, the public record and true influence."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from simulator import IndependentCascade, run_cascades
from simulator.contest import Contest, ContestSettings, contest_keys, make_strategy, record
from simulator.contest.influence import (
    kendall_tau_b,
    reference_actions,
    reference_tau,
    true_influence,
)
from simulator.contest.kernel_layout import ACTIONS, FLAGS
from simulator.contest.record import hidden_state, public_record
from simulator.contest.sparse import find, get_or_add, new_table
from simulator.network.generators import barabasi_albert, follower_graph
from simulator.population import Population, PopulationSpec

CODE = {name: i for i, name in enumerate(ACTIONS)}
NET = follower_graph(2000, 10.0, np.random.default_rng(11), n_celebrities=5)
POP = Population.draw(PopulationSpec(), NET, np.random.default_rng(12))


def attention(value, population=POP):
    """``population`` with every person's attention budget set to ``value``."""
    return replace(population, attention=np.full(population.n, float(value)))


WIDE = attention(np.inf)  # a budget that never binds


def contest(players=30, population=POP, seed=1, **settings):
    return Contest(NET, population, ContestSettings(players=players, **settings), seed)


def others(events, link):
    """Events of every link but ``link``, sorted; fake accounts' ids (numbered in player
    order, so another player's new fakes renumber them) replaced by -1."""
    part = events[events["link"] != link].copy()
    part.loc[(part["flags"] & FLAGS["fake"]) != 0, "node"] = -1
    return part.sort_values(list(part.columns)).reset_index(drop=True)


# ------------------------------------------------------------ exact limits
def test_appeal_zero_gives_only_the_plans_own_actions():
    run = contest(appeal=0.0).run(contest_keys(1, 3), record=2)
    ev = run.events
    table = run.per_link()
    assert (table["clicks"] == table["fake_clicks"] + table["planned_clicks"]).all()
    assert table[["shares", "conversions", "genuine_actions"]].to_numpy().sum() == 0
    organic_clicks = ev[(ev["action"] == CODE["click"]) & (ev["flags"] & (8 | 16) == 0)]
    assert organic_clicks.empty
    assert not ev["action"].isin([CODE["share"], CODE["convert"]]).any()
    posters = ev.loc[ev["action"] == CODE["post"], "node"]
    assert set(posters) <= set(run.contest.players.tolist())


def test_budget_is_the_populations_attention_rounded_down():
    assert np.array_equal(contest().budget, np.floor(POP.attention))
    assert np.isposinf(Contest(NET, None, ContestSettings(players=5), 0).budget).all()


def test_no_arcs_and_no_mentions_means_no_impressions():
    from simulator.network import Network

    empty = Network.from_edges([], [], n=50)
    game = Contest(empty, None, ContestSettings(players=10, mix={"honest": 1.0}), seed=0)
    assert game.run(contest_keys(0, 2)).per_link()["impressions"].sum() == 0


def test_all_honest_neutral_contest_is_the_independent_cascade():
    """Neutral crowd, share on every click, no fatigue, no attention limit: each link is an
    independent cascade with p = appeal from its player (shares + 1 = IC reach)."""
    p, reps = 0.15, 400
    net = barabasi_albert(1000, 3, np.random.default_rng(4))
    settings = ContestSettings(
        players=4, mix={"honest": 1.0}, appeal=p, share_rate=1.0, weak_attention=1.0,
        conversion_rate=0.0, fatigue_tolerance=10**6, steps=60, attention_window=60,
    )  # fmt: skip
    game = Contest(net, None, settings, seed=3)
    shares = game.run(contest_keys(3, reps)).totals[:, :, 9]  # LINK_COLUMNS "shares"
    for link, player in enumerate(game.players):
        ic = run_cascades(net, [int(player)], IndependentCascade(p), reps, seed=9, log=False)
        a, b = shares[:, link] + 1, ic.reach
        se = np.sqrt(a.var(ddof=1) / reps + b.var(ddof=1) / reps)
        assert abs(a.mean() - b.mean()) < 4 * se + 1e-9, (link, a.mean(), b.mean())


# -------------------------------------------------------- reproducibility
def test_same_seed_same_results_and_summary_equals_event_mode():
    game = contest(seed=4)
    keys = contest_keys(4, 4)
    a, b = game.run(keys, record=1), contest(seed=4).run(keys, record=1)
    assert np.array_equal(a.totals, b.totals)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert np.array_equal(game.run(keys).totals, a.totals)
    assert not np.array_equal(game.run(contest_keys(5, 4)).totals, a.totals)


def test_replicates_do_not_depend_on_the_batch():
    game = contest(seed=4)
    keys = contest_keys(4, 6)
    assert np.array_equal(game.run(keys).totals[2:5], game.run(keys[2:5]).totals)


# ---------------------------------------------- common random numbers
def test_switching_one_strategy_leaves_other_links_untouched_without_spread():
    """No reshares and no attention limit: other links' events are identical."""
    game = contest(share_rate=0.0, population=WIDE)
    x = int(np.flatnonzero(game.strategy_names == "honest")[0])
    keys = contest_keys(1, 3)
    base = game.run(keys, record=1).events
    for name in ("spammer", "deceiver", "manipulator", "sybil", "enthusiast"):
        switched = game.with_strategy(x, name).run(keys, record=1).events
        pd.testing.assert_frame_equal(others(base, x), others(switched, x))
        assert not base[base["link"] == x].equals(switched[switched["link"] == x])


def test_crowding_changes_only_what_the_switched_player_touched():
    """With a binding attention budget, other links change only at people who read the
    switched player's posts (its spam crowds theirs out)."""
    game = contest(share_rate=0.0, population=attention(1.0))
    x = int(np.flatnonzero(game.strategy_names == "honest")[0])
    keys = contest_keys(1, 3)
    base = game.run(keys, record=2).events
    spam = game.with_strategy(x, "spammer").run(keys, record=2).events
    touched = set(spam.loc[spam["link"] == x, "node"]) | set(base.loc[base["link"] == x, "node"])
    merged = others(base, x).merge(others(spam, x), how="outer", indicator=True)
    differ = merged[merged["_merge"] != "both"]
    assert len(differ) > 0  # the budget binds: spam does crowd out others
    assert set(differ["node"]) <= touched


def test_fake_accounts_and_an_extra_player_change_no_other_draw():
    game = contest(mix={"honest": 0.5, "sybil": 0.5})
    keys = contest_keys(1, 2)
    base = game.run(keys, record=1).events
    more = game.settings.strategy("sybil")
    x = int(np.flatnonzero(game.strategy_names == "sybil")[-1])  # the last fakes' owner
    bigger = game.with_strategy(x, make_strategy("sybil", fakes=more.fakes + 30))
    ev = bigger.run(keys, record=1).events
    real = ev[(ev["flags"] & FLAGS["fake"]) == 0]
    base_real = base[(base["flags"] & FLAGS["fake"]) == 0]
    pd.testing.assert_frame_equal(others(base_real, -1), others(real, -1))
    # one more player, no reshares: old links differ only where the new link was read
    quiet = contest(share_rate=0.0, population=WIDE)
    new_node = int(np.setdiff1d(np.arange(NET.n), quiet.players)[0])
    plus = Contest(
        NET, WIDE, quiet.settings, quiet.seed, np.append(quiet.players, new_node),
        [*quiet.strategies, make_strategy("spammer")],
    )  # fmt: skip
    old = quiet.run(keys, record=1).events
    grown = plus.run(keys, record=1).events
    pd.testing.assert_frame_equal(others(old, -1), others(grown, quiet.players.size))


# ------------------------------------------------------ crowd invariants
def test_conversion_at_most_once_per_person_and_link():
    game = contest(
        conversion_rate=1.0, tie_exponent=0.0, appeal=0.9, mix={"enthusiast": 0.5, "ring": 0.5}
    )
    ev = game.run(contest_keys(1, 3), record=1).events
    conv = ev[ev["action"] == CODE["convert"]]
    assert len(conv) > 50
    assert conv.groupby(["replicate", "node", "link"]).size().max() == 1
    shares = ev[ev["action"] == CODE["share"]]
    assert shares.groupby(["replicate", "node", "link"]).size().max() == 1


def test_attention_budget_is_respected_and_binds():
    pop = replace(POP, attention=1.0 + 3.0 * np.random.default_rng(5).random(POP.n))
    game = contest(population=pop, mix={"spammer": 1.0})
    assert np.array_equal(game.budget, np.floor(pop.attention))
    run = game.run(contest_keys(1, 2), record=2)
    read = run.events[run.events["action"] == CODE["impression"]]
    per_step = read.groupby(["replicate", "node", "step"]).size()
    budget = game.budget[per_step.index.get_level_values("node")]
    assert (per_step.to_numpy() <= budget).all()
    assert (per_step.to_numpy() == budget).any()
    assert run.per_link()["crowded_out"].sum() > 0


def test_spam_and_bait_cost_their_owner_trust_and_followers():
    table = contest(players=60).run(contest_keys(1, 10)).per_link()
    by = table.groupby("strategy")[["trust_lost", "unfollows", "impressions"]].sum()
    rate = by["trust_lost"] / by["impressions"]
    assert rate["spammer"] > rate["honest"] and rate["deceiver"] > rate["honest"]
    assert by.loc["honest", "unfollows"] == 0
    assert table.loc[table["strategy"] == "deceiver", "conversions"].sum() == 0


def test_genuine_actions_exclude_bait_pressure_spammed_and_mentioned_people():
    run = contest(players=60).run(contest_keys(1, 4), record=1)
    _, ev = hidden_state(run)
    acts = ev[ev["action"].isin(["share", "convert"])]
    pushed = acts["deceptive"] | acts["pressure"] | acts["spammed"] | acts["stranger"]
    assert not (acts["genuine"] & pushed).any()
    spam_run = contest(mix={"spammer": 0.5, "honest": 0.5}, appeal=0.9).run(
        contest_keys(1, 2), record=1
    )
    _, ev = hidden_state(spam_run)
    mentioned = ev[ev["action"].isin(["click", "share", "convert"]) & ev["stranger"]]
    assert len(mentioned) > 0 and not mentioned["genuine"].any()  # a mention is a push
    table = run.per_link()
    assert (table["genuine_actions"] <= table["shares"] + table["conversions"]).all()
    assert table.loc[table["strategy"] == "deceiver", "genuine_actions"].sum() == 0


def test_sparse_table_agrees_with_a_dict():
    rng = np.random.default_rng(0)
    keys, ids = new_table(2)
    count, truth = 0, {}
    for key in rng.integers(0, 10**12, size=5000).tolist() * 2:
        i, keys, ids, count = get_or_add(keys, ids, count, key)
        assert truth.setdefault(key, i) == i
    assert count == len(truth) and keys.size <= 4 * len(truth)
    assert all(find(keys, ids, k) == i for k, i in list(truth.items())[:100])
    assert find(keys, ids, -5) == -1


# ------------------------------------------------ record and influence
def test_public_record_hides_state_and_agrees_with_totals():
    run = contest(players=40).run(contest_keys(1, 1), record=1)
    rec = public_record(run)
    hidden_words = {"flags", "strategy", "trust", "genuine", "deceptive", "fake", "arc"}
    for table in vars(rec).values():
        assert not hidden_words & set(table.columns)
    totals = run.per_link().set_index("link")
    assert (rec.clicks.groupby("link").size().reindex(totals.index, fill_value=0)
            == totals["clicks"]).all()  # fmt: skip
    fakes = rec.accounts[rec.accounts["account"] >= NET.n]
    assert len(fakes) == run.contest.accounts - NET.n and (fakes["age_days"] < 7).all()
    assert len(rec.follows) == NET.m + len(fakes)


def test_true_influence_uses_disjoint_keys_and_all_honest_players():
    game = contest(players=20)
    table = true_influence(game, 30)
    assert (table["se"] >= 0).all() and (table["true_influence"] >= 0).all()
    honest_run = game.all_honest().run(contest_keys(1, 30, "true_influence"))
    assert np.allclose(honest_run.genuine_actions().mean(axis=0), table["true_influence"])
    assert set(game.all_honest().strategy_names) == {"honest"}
    assert -1 <= reference_tau(game, table["true_influence"]) <= 1


def test_reference_ranks_only_the_players_asked_for():
    game = contest(players=20, appeal=0.6)
    truth = true_influence(game, 30)["true_influence"].to_numpy()
    realised = reference_actions(game, replicate=2)
    among = np.arange(20) % 3 != 0
    expected = kendall_tau_b(truth[among], realised[among])
    assert np.isfinite(expected)  # the run has actions among them: a tau, not NaN
    assert expected != kendall_tau_b(truth, realised)
    assert reference_tau(game, truth, replicate=2, among=among) == expected
    assert reference_tau(game, truth, among=among, realised=realised) == expected
    assert reference_tau(game, truth, replicate=2) == kendall_tau_b(truth, realised)


@pytest.mark.parametrize("purpose", ["true_influence", "reference"])
def test_key_streams_are_disjoint(purpose):
    assert not set(contest_keys(1, 200).tolist()) & set(contest_keys(1, 200, purpose).tolist())


def test_copies_share_the_crowds_tables_and_run_as_fresh_contests():
    game = contest(players=20, seed=6)
    honest, switched = game.all_honest(), game.with_strategy(0, "spammer")
    keys = contest_keys(6, 2)
    game.run(keys)  # builds the kernel inputs once, for the copies too
    assert honest._inputs is game._inputs and switched._inputs[0] is not None
    fresh = Contest(NET, POP, game.settings, 6, game.players, switched.strategies)
    assert np.array_equal(switched.run(keys).totals, fresh.run(keys).totals)


def test_copies_reuse_unchanged_plans_and_equal_fresh_contests():
    mix = {"honest": 0.4, "sybil": 0.2, "ring": 0.2, "spammer": 0.2}
    game = contest(players=30, seed=8, mix=mix)
    names = list(game.strategy_names)
    honest, sybil = names.index("honest"), names.index("sybil")
    ring_member = names.index("ring")
    for copy in (
        game.with_strategies({honest: "sybil", sybil: "ring"}),  # fakes renumbered, rings grow
        game.with_strategies({ring_member: "honest"}),  # a ring loses a member
        game.all_honest(),
    ):
        assert copy._plans is game._plans
        fresh = Contest(NET, POP, game.settings, 8, game.players, copy.strategies, copy.rings)
        assert fresh._plans is not game._plans
        for name in ("_posts", "_clicks"):
            assert np.array_equal(getattr(copy, name), getattr(fresh, name))
        assert copy.plan.strangers.tolist() == fresh.plan.strangers.tolist()
        assert copy.accounts == fresh.accounts and copy.fake_owner == fresh.fake_owner


def test_variants_with_the_same_fake_accounts_share_one_public_graph():
    game = contest(players=20, seed=7, mix={"honest": 0.5, "sybil": 0.5})
    keys = contest_keys(7, 1)
    first = public_record(game.run(keys, record=1)).follows
    honest_player = list(game.strategy_names).index("honest")
    same_fakes = game.with_strategy(honest_player, "deceiver")
    assert public_record(same_fakes.run(keys, record=1)).follows is first  # built once
    more_fakes = game.with_strategy(honest_player, "sybil")
    follows = public_record(more_fakes.run(keys, record=1)).follows
    assert (
        follows is not first
        and len(follows) == len(first) + more_fakes.settings.strategy("sybil").n_fakes
    )
    fakes_of_switched = follows["follower"][follows["account"] == game.players[honest_player]]
    assert (fakes_of_switched >= NET.n).sum() == more_fakes.settings.strategy("sybil").n_fakes
    # the same number of fakes, other owners: a graph of its own, equal to a fresh build
    sybil_player = list(game.strategy_names).index("sybil")
    swapped = game.with_strategies({honest_player: "sybil", sybil_player: "honest"})
    follows = public_record(swapped.run(keys, record=1)).follows
    assert follows is not first and len(follows) == len(first)
    fresh = Contest(NET, POP, game.settings, 7, game.players, swapped.strategies, swapped.rings)
    record._GRAPHS.clear()  # build it anew
    assert public_record(fresh.run(keys, record=1)).follows.equals(follows)
