"""Scoring rules: a registry of pure functions of the public record."""

import dataclasses
import inspect
import pickle
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.contest.record import PublicRecord, public_record
from simulator.contest.scoring import RULES, RateLimited, TrustedVoluntary, score_all, trust_rank
from simulator.network.generators import follower_graph
from simulator.population import Population, PopulationSpec

NET = follower_graph(2000, 10.0, np.random.default_rng(11), n_celebrities=5)
POP = Population.draw(PopulationSpec(), NET, np.random.default_rng(12))
GAME = Contest(NET, POP, ContestSettings(players=60, placement="followers"), seed=2)
RUN = GAME.run(contest_keys(2, 2), record=1)
RECORD = public_record(RUN, 0)
PUBLIC = {"players", "posts", "clicks", "shares", "conversions", "follows", "accounts",
          "unfollows", "reports"}  # fmt: skip
HIDDEN = {"flags", "strategy", "trust", "genuine", "deceptive", "fake", "pressure", "arc"}


def test_record_holds_only_public_tables():
    assert {f.name for f in fields(PublicRecord)} == PUBLIC
    for name in PUBLIC:
        table = getattr(RECORD, name)
        assert isinstance(table, pd.DataFrame) and not HIDDEN & set(table.columns)


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_reads_only_the_record(name):
    """A rule is called with the record alone; a detached copy (no path back to the run or
    the contest) gives the same scores, so nothing hidden was read."""
    rule = RULES[name]
    params = list(inspect.signature(rule).parameters)
    assert params == ["record"], params
    assert rule.__doc__ or type(rule).__doc__
    detached = pickle.loads(pickle.dumps(RECORD))
    scores = rule(detached)
    assert scores.shape == (60,) and np.isfinite(scores).all()
    assert np.array_equal(scores, rule(RECORD))


def test_naive_clicks_is_the_kernels_click_count():
    totals = RUN.per_link()
    assert np.array_equal(
        RULES["naive_clicks"](RECORD), totals.loc[totals.replicate == 0, "clicks"]
    )


def test_rules_are_ordered_as_their_definitions_imply():
    s = score_all(RECORD)
    assert (s["unique_clickers"] <= s["naive_clicks"]).all()
    assert (s["followers_only"] <= s["naive_clicks"]).all()
    assert (s["rate_limited"] <= s["naive_clicks"]).all()
    assert (s["decayed"] <= s["naive_clicks"] + 1e-12).all()
    assert (s["rate_limited"] <= RateLimited(k=10)(RECORD)).all()
    assert (s["trusted_voluntary"] >= 0).all()


def test_designed_rule_gives_fakes_and_rings_nothing():
    """Sybils' fake clicks and ring partners' clicks are no voluntary action by a trusted
    account: with no crowd response, only fake and planned clicks exist and score 0."""
    game = Contest(NET, POP, ContestSettings(players=20, appeal=0.0,
                   mix={"sybil": 0.5, "ring": 0.5}), seed=2)  # fmt: skip
    rec = public_record(game.run(contest_keys(2, 1), record=1))
    assert RULES["naive_clicks"](rec).sum() > 0
    assert RULES["trusted_voluntary"](rec).sum() == 0


def test_trust_rank_zero_for_fresh_accounts_nobody_follows():
    w = trust_rank(RECORD)
    fakes = RECORD.accounts["account"].to_numpy() >= NET.n
    old = RECORD.accounts["age_days"].to_numpy() >= 365
    assert fakes.any() and (w[fakes] == 0).all() and (w[old] == 1).all()


def _record(clicks, unfollows, reports=()):
    """A hand-made record: player 0 with followers 1-5 (established accounts, reshares by 1
    and 2) and a fake account 99 (one day old) that follows it."""
    ages = np.zeros(100)
    ages[:6], ages[99] = 900.0, 1.0
    return PublicRecord(
        players=pd.DataFrame({"link": [0], "account": [0]}),
        posts=pd.DataFrame({"account": [0], "step": [0], "link": [0], "mentions": [0]}),
        clicks=pd.DataFrame(clicks, columns=["clicker", "step", "link", "via"]),
        shares=pd.DataFrame({"account": [1, 2], "step": [0, 0], "link": [0, 0], "via": [0, 0]}),
        conversions=pd.DataFrame(columns=["person", "step", "link"]),
        follows=pd.DataFrame({"follower": [1, 2, 3, 4, 5, 99], "account": [0] * 6}),
        accounts=pd.DataFrame({"account": np.arange(100), "age_days": ages, "activity": 1}),
        unfollows=pd.DataFrame(unfollows, columns=["person", "account", "step"]),
        reports=pd.DataFrame(list(reports), columns=["person", "account", "step"]),
    )


def test_fake_clickers_do_not_dilute_the_audience_verdict():
    """Four trusted clickers, one of whom unfollows after clicking: trusted_voluntary scales
    by exp(-10 * 1/4) whatever number of fake accounts (trust 0) also click."""
    clicks = [(p, 0, 0, 0) for p in (1, 2, 3, 4)]
    cut = [(4, 0, 1)]
    rule = RULES["trusted_voluntary"]
    plain = rule(_record(clicks, cut))
    faked = rule(_record(clicks + [(99, 0, 0, 0)] * 20, cut))
    assert plain[0] > 0
    assert np.isclose(plain[0], faked[0])
    uncut = rule(_record(clicks, []))
    assert np.isclose(plain[0] / uncut[0], np.exp(-10 * 0.25))


def test_reshares_of_pushes_past_the_first_seed_no_chain():
    """Follower 1 reshares the player's second push; follower 3 (who follows 1) reshares
    that: neither counts, so a spammer's later pushes cannot grow credited chains."""
    base = _record([(1, 2, 0, 0)], [])
    posts = pd.DataFrame({"account": [0, 0], "step": [0, 2], "link": [0, 0], "mentions": [0, 0]})
    shares = pd.DataFrame({"account": [1, 3], "step": [2, 3], "link": [0, 0], "via": [0, 1]})
    follows = pd.concat([base.follows, pd.DataFrame({"follower": [3], "account": [1]})])
    rec = dataclasses.replace(base, posts=posts, shares=shares, follows=follows)
    assert RULES["trusted_voluntary"](rec)[0] == 0
    assert TrustedVoluntary(k=2)(rec)[0] == 2  # both count once the second push does


def test_trusted_audience_reads_followers_not_engagement():
    """Sybil fakes follow the sybil but weigh 0, so switching a player to sybil leaves its
    trusted audience as it was; every cut (unfollow or report) takes its cutter's weight off;
    engagement (clicks, reshares) moves nothing."""
    rule = RULES["trusted_audience"]
    honest = GAME.with_strategy(0, "honest")
    sybil = GAME.with_strategy(0, "sybil")
    keys = contest_keys(2, 1)
    a = rule(public_record(honest.run(keys, record=1)))
    b = rule(public_record(sybil.run(keys, record=1)))
    assert a[0] > 0 and np.isclose(a[0], b[0])
    clicks = [(p, 0, 0, 0) for p in (1, 2, 3, 4)]
    base = rule(_record([], []))[0]
    assert np.isclose(base, 5.0)  # five established followers; the fake (99) weighs 0
    assert rule(_record(clicks, []))[0] == base
    assert np.isclose(rule(_record(clicks, [(4, 0, 1)]))[0], base - 1)
    # a follower who unfollows and reports is one follower lost; a stranger's report, none
    assert np.isclose(rule(_record([], [(4, 0, 1)], [(4, 0, 1)]))[0], base - 1)
    assert np.isclose(rule(_record([], [], [(7, 0, 1)]))[0], base)
    # a player that never posted its own link put it before no one, even when another
    # contestant (player 1, account 1, as in a ring) posted it
    rec = _record(clicks, [])
    ring = dataclasses.replace(
        rec,
        players=pd.DataFrame({"link": [0, 1], "account": [0, 1]}),
        posts=pd.DataFrame({"account": [1, 1], "step": 0, "link": [0, 1], "mentions": 0}),
    )
    assert rule(ring).tolist() == [0.0, 0.0]  # account 1 has no follower
    ring = dataclasses.replace(ring, posts=pd.concat([ring.posts, rec.posts]))
    # ... and a contestant (account 1, now player 1) is no audience: one follower fewer
    assert np.isclose(rule(ring)[0], base - 1)


def test_a_sybil_that_follows_its_fakes_gains_no_audience():
    """A contestant's follows confer no trust: a sybil that follows its own fake accounts
    (giving them edges from the honest region) leaves their trust, and its audience, at 0."""
    owner = np.asarray(GAME.fake_owner)
    assert owner.size  # the contest has sybils
    sybils = np.unique(owner)
    fakes = np.arange(NET.n, GAME.accounts)
    back = pd.DataFrame({"follower": GAME.players[owner], "account": fakes})
    laundered = dataclasses.replace(RECORD, follows=pd.concat([RECORD.follows, back]))
    assert (trust_rank(laundered)[fakes] == 0).all()
    rule = RULES["trusted_audience"]
    assert np.array_equal(rule(laundered)[sybils], rule(RECORD)[sybils])


def test_cached_trust_rank_follows_the_contestants():
    """Records of contests with other players share a follows table (record._public_graph):
    the cached trust rank must be recomputed for other contestants, whose follows it drops."""
    first = trust_rank(RECORD)
    others = RECORD.players.assign(account=(RECORD.players["account"] + 1) % NET.n)
    moved = dataclasses.replace(RECORD, players=others)
    fresh = dataclasses.replace(moved, follows=RECORD.follows.copy())  # not cached
    assert not np.array_equal(trust_rank(moved), first)
    assert np.array_equal(trust_rank(moved), trust_rank(fresh))


def test_pressure_is_observationally_credibility():
    """Why no rule that credits engagement can make pressure unprofitable (issue 12): a
    manipulator's post (click-through x boost, trust lost per click) leaves the same public
    record, on common random numbers, as an honest post by the same player with credibility
    raised so that (1 + credibility) / 2 grows by the boost; only cuts could tell them apart,
    and here there are none. The honest twin's true influence is higher, so any rule that
    ranks credible players above others must reward the pressure too."""
    boost = 1.5
    players = np.argsort(-np.diff(NET.indptr), kind="stable")[:10]  # large audiences
    player = int(players[0])
    low = POP.credibility.copy()
    low[player] = 0.2  # (1 + 0.2) / 2 * 1.5 = 0.9 = (1 + 0.8) / 2
    high = low.copy()
    high[player] = boost * (1 + 0.2) - 1
    settings = ContestSettings(players=10)
    honest = [GAME.settings.strategy("honest")] * 10
    pressured = [GAME.settings.strategy("manipulator").__class__(posts=1, boost=boost)]
    keys = contest_keys(3, 2)

    def run(pop, strategies):
        return Contest(NET, pop, settings, 3, players, strategies).run(keys, record=1)

    gamed_run = run(dataclasses.replace(POP, credibility=low), pressured + honest[1:])
    twin_run = run(dataclasses.replace(POP, credibility=high), honest)
    for r in range(2):
        gamed, twin = public_record(gamed_run, r), public_record(twin_run, r)
        assert (gamed.clicks["link"] == 0).sum() >= 10  # the pressured link has an audience
        assert gamed.unfollows.empty and twin.unfollows.empty
        for table in ("posts", "clicks", "shares", "conversions", "accounts", "reports"):
            pd.testing.assert_frame_equal(getattr(gamed, table), getattr(twin, table))
        assert score_all(gamed).equals(score_all(twin))
    # ... while what the record hides differs: the pressured clicks are not genuine
    gamed_genuine, twin_genuine = gamed_run.genuine_actions(), twin_run.genuine_actions()
    assert (gamed_genuine[:, 0] < twin_genuine[:, 0]).all()
    assert np.array_equal(gamed_genuine[:, 1:], twin_genuine[:, 1:])


def test_cached_graph_queries_agree_and_never_serve_an_edited_table():
    """follows(), trust_rank and trusted_audience cache what they derive from a contest's
    read-only follows table; a writable copy is computed afresh and scores the same, and a
    writable table edited in place is read as edited."""
    from simulator.contest.record_queries import follows, frozen_fingerprint

    assert frozen_fingerprint(RECORD.follows) is not None  # the contest's graph is read-only
    with pytest.raises(ValueError, match="read-only"):
        RECORD.follows.loc[0, "account"] = 0
    detached = pickle.loads(pickle.dumps(RECORD))
    assert frozen_fingerprint(detached.follows) is None
    first, again = score_all(RECORD), score_all(RECORD)  # the second from the caches
    assert first.equals(again) and first.equals(score_all(detached))
    follower, account = (int(v) for v in detached.follows.iloc[0])
    assert follows(detached, [follower], [account]).tolist() == [True]
    detached.follows.loc[0, "account"] = follower  # now a follow of oneself, not of account
    assert follows(detached, [follower], [account]).tolist() == [False]


def test_only_tables_that_cannot_change_are_cached():
    """A table built on read-only views of a writable frame, an arrow-backed one and a
    frozen one whose columns are renamed are never served from the cache."""
    from simulator.contest.record_queries import follows, frozen_fingerprint

    source = pd.DataFrame({"follower": [0, 1], "account": [5, 5]})
    views = pd.DataFrame({c: source[c].to_numpy() for c in source.columns}, copy=False)
    arrow = source.astype("int64[pyarrow]")
    assert frozen_fingerprint(views) is None and frozen_fingerprint(arrow) is None
    follower, account = np.array([0, 1]), np.array([5, 5])
    follower.flags.writeable = account.flags.writeable = False
    frozen = pd.DataFrame({"follower": follower, "account": account}, copy=False)
    record = dataclasses.replace(RECORD, follows=frozen)
    assert frozen_fingerprint(frozen) is not None
    assert follows(record, [0, 5], [5, 0]).tolist() == [True, False]
    frozen.columns = ["account", "follower"]  # the same buffers, read the other way round
    assert follows(record, [0, 5], [5, 0]).tolist() == [False, True]


def test_cuts_after_clicks_is_the_merge_of_cuts_with_earlier_clicks():
    from simulator.contest.record_queries import cuts_after_clicks

    mix = {"spammer": 0.5, "deceiver": 0.5}
    game = Contest(NET, POP, ContestSettings(players=200, mix=mix), 4)
    record = public_record(game.run(contest_keys(4, 1), record=1))
    clicks = record.clicks.rename(columns={"clicker": "person", "via": "account"})
    cuts = pd.concat([record.unfollows, record.reports], ignore_index=True)
    merged = cuts.merge(clicks, on=["person", "account"], suffixes=("", "_click"))
    expected = merged.loc[merged["step_click"] <= merged["step"], ["person", "account", "step",
                                                                   "link"]]  # fmt: skip
    got = cuts_after_clicks(record, cuts)
    assert len(got) > 40  # spam and bait cut clickers
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )
