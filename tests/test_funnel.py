"""The campaign funnel: exact limits, IC as a special case, the mechanisms one by one.

Statistical tolerances are 4 standard errors at fixed seeds.
"""

import numpy as np
import pytest
from scipy import stats

from simulator import Campaign, IndependentCascade, Network, run_cascades
from simulator.cascade_log import ACTION_CODE
from simulator.network import generators as gen
from simulator.population import Population

NEUTRAL = dict(share_rate=1.0, weak_attention=1.0, attention_window=1, steps=1000)


def population(net, **values):
    """A population with every attribute 1 (no favours) unless given."""
    base = {
        name: np.ones(net.n)
        for name in ("trust", "reciprocity", "bandwidth", "activity", "credibility", "interest")
    }
    base.update(owed_to_originator=np.zeros(net.n), favours=np.zeros(net.m))
    base.update(
        {k: np.broadcast_to(np.asarray(v, float), base[k].shape).copy() for k, v in values.items()}
    )
    return Population(**base)


def star(leaves=10):
    return Network.from_edges(np.zeros(leaves, int), np.arange(1, leaves + 1), directed=False)


@pytest.fixture(scope="module")
def ba():
    return gen.barabasi_albert(3000, 3, np.random.default_rng(11))


def test_neutral_funnel_is_independent_cascade_in_distribution(ba):
    reps, seeds = 4000, [0, 1, 2]
    ic = run_cascades(ba, seeds, IndependentCascade(0.1), reps, seed=1, log=False).reach
    res = run_cascades(ba, seeds, Campaign(appeal=0.1, **NEUTRAL), reps, seed=2, log=False)
    sharers = res.totals["shares"] + len(seeds)  # IC's "active" = seeds and sharers
    se = np.hypot(ic.std(ddof=1), sharers.std(ddof=1)) / np.sqrt(reps)
    assert abs(ic.mean() - sharers.mean()) < 4 * se
    assert stats.ks_2samp(ic, sharers).pvalue > 1e-3


def test_no_appeal_reaches_only_seeds_and_their_audience():
    net = gen.erdos_renyi(400, 4, np.random.default_rng(3), directed=True)
    seeds = [0, 1]
    audience = set(seeds) | set(net.out_neighbors(0)) | set(net.out_neighbors(1))
    res = run_cascades(net, seeds, Campaign(appeal=0.0, **NEUTRAL), 20, seed=0)
    assert (res.reach == len(audience)).all()
    assert (res.totals["clicks"] == 0).all() and (res.totals["shares"] == 0).all()


@pytest.mark.parametrize("attribute", ["bandwidth", "activity"])
def test_no_bandwidth_or_no_activity_means_no_impressions(attribute):
    net = star()
    camp = Campaign(appeal=1.0, population=population(net, **{attribute: 0.0}))
    res = run_cascades(net, [0], camp, 10, seed=0)
    assert (res.reach == 1).all() and (res.totals["impressions"] == 0).all()


def test_impression_rate_is_bandwidth_times_chance_of_being_online_in_window():
    net, reps = star(50), 400
    camp = Campaign(
        appeal=0.0,
        attention_window=3,
        steps=10,
        population=population(star(50), bandwidth=0.6, activity=0.3),
    )
    res = run_cascades(net, [0], camp, reps, seed=4, log=False)
    p = 0.6 * (1 - 0.7**3)
    per = res.totals["impressions"] / 50
    assert abs(per.mean() - p) < 4 * np.sqrt(p * (1 - p) / (50 * reps))


def test_each_agent_shares_and_converts_at_most_once(ba):
    camp = Campaign(
        appeal=0.8,
        share_rate=0.9,
        conversion_rate=0.5,
        steps=30,
        reminders=(5, 10),
        population=population(ba),
    )
    log = run_cascades(ba, [0, 5], camp, 20, seed=5).log
    for action in ("share", "convert"):
        sel = log.action == ACTION_CODE[action]
        pairs = log.replicate[sel].astype(np.int64) * ba.n + log.node[sel]
        assert np.unique(pairs).size == pairs.size


def test_fatigue_cuts_a_spamming_sender_deterministically():
    # tolerance 1, penalty 0.5: trust 1 -> 0.5 after the 2nd post, 0 after the 3rd (cut)
    net = star(5)
    camp = Campaign(
        appeal=0.0,
        steps=10,
        attention_window=1,
        reminders=(1, 2, 3, 4, 5),
        fatigue_tolerance=1,
        fatigue_penalty=0.5,
        cut_below=0.1,
        population=population(net),
    )
    res = run_cascades(net, [0], camp, 3, seed=0)
    assert res.totals["impressions"].tolist() == [15, 15, 15]  # 3 posts reach each leaf


def test_deception_boosts_clicks_lowers_trust_and_never_converts():
    net, reps = star(200), 300
    base = dict(
        appeal=0.2, share_rate=0.0, conversion_rate=1.0, steps=2, population=population(star(200))
    )
    honest = run_cascades(net, [0], Campaign(**base), reps, seed=6, log=False).totals
    trick = run_cascades(
        net, [0], Campaign(**base, deceptive=True, deception_boost=2.0), reps, seed=6, log=False
    ).totals
    assert (trick["conversions"] == 0).all() and honest["conversions"].sum() > 0
    p_honest, p_trick = 0.2, 0.4
    for tot, p in ((honest, p_honest), (trick, p_trick)):
        rate = tot["clicks"] / 200
        assert abs(rate.mean() - p) < 4 * np.sqrt(p * (1 - p) / (200 * reps))


def test_conversions_need_strong_ties_shares_do_not():
    # a star whose first half of leaves are strong ties (1.0) and second half weak (0.25)
    leaves, reps = 400, 200
    strength = np.where(np.arange(leaves) < leaves // 2, 1.0, 0.25)
    net = Network.from_edges(
        np.zeros(leaves, int), np.arange(1, leaves + 1), directed=False, weight=strength
    )
    camp = Campaign(
        appeal=1.0,
        share_rate=0.3,
        conversion_rate=0.4,
        tie_exponent=2.0,
        weak_attention=1.0,
        steps=1,
        population=population(net),
    )
    log = run_cascades(net, [0], camp, reps, seed=7).log
    strong = log.tie == 1.0
    for action, ratio in (("share", 1.0), ("convert", (1 / 0.25) ** 2)):
        sel = log.action == ACTION_CODE[action]
        n_strong, n_weak = np.count_nonzero(sel & strong), np.count_nonzero(sel & ~strong)
        # log ratio of two Poisson-like counts has SE sqrt(1/a + 1/b)
        se = np.sqrt(1 / n_strong + 1 / n_weak)
        assert abs(np.log(n_strong / n_weak) - np.log(ratio)) < 4 * se


def test_favours_owed_raise_conversion_and_amount_exactly():
    net = star(3)
    pop = population(net, reciprocity=0.5, owed_to_originator=[0, 2, 0, 0])
    camp = Campaign(
        appeal=1.0,
        share_rate=0.0,
        conversion_rate=1.0,
        amount=40.0,
        amount_reciprocity=1.0,
        steps=1,
        population=pop,
    )
    log = run_cascades(net, [0], camp, 1, seed=0).log.to_frame()
    gifts = log[log.action == "convert"].set_index("node")["amount"]
    assert gifts.to_dict() == {1: 80.0, 2: 40.0, 3: 40.0}


def test_channel_mismatch_scales_clicks():
    leaves, reps = 300, 200
    net = Network.from_edges(
        np.zeros(leaves, int),
        np.arange(1, leaves + 1),
        directed=True,
        layer=["broadcast"] * 150 + ["community"] * 150,
    )
    camp = Campaign(
        appeal=0.4,
        share_rate=0.0,
        steps=1,
        channel="community",
        channel_mismatch=0.25,
        population=population(net),
    )
    log = run_cascades(net, [0], camp, reps, seed=8).log.to_frame()
    clicks = log[log.action == "click"].groupby("layer").size()
    for layer, p in (("community", 0.4), ("broadcast", 0.1)):
        assert abs(clicks[layer] / (150 * reps) - p) < 4 * np.sqrt(p * (1 - p) / (150 * reps))


def test_events_mode_equals_summary_mode_and_seed_reproducibility(ba):
    from simulator.population import PopulationSpec

    pop = Population.draw(PopulationSpec(), ba, np.random.default_rng(1))
    camp = Campaign(appeal=0.9, population=pop, reminders=(12,))
    a = run_cascades(ba, [0, 1, 2], camp, 60, seed=9)
    b = run_cascades(ba, [0, 1, 2], camp, 60, seed=9, log=False)
    c = run_cascades(ba, [0, 1, 2], camp, 60, seed=10, log=False)
    assert np.array_equal(a.reach, b.reach)
    for key in a.totals:
        assert np.array_equal(a.totals[key], b.totals[key])
    assert not np.array_equal(a.totals["impressions"], c.totals["impressions"])
    assert np.array_equal(a.log.counts("impression"), a.totals["impressions"])
    assert np.array_equal(a.log.counts("convert"), a.totals["conversions"])
    assert np.allclose(
        np.bincount(a.log.replicate, weights=a.log.amount, minlength=60), a.totals["amount"]
    )
    assert (a.log.step < camp.steps).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"appeal": 1.5}, r"appeal must be a probability in \[0, 1\], got 1.5"),
        ({"steps": 0}, "steps must be a positive integer, got 0"),
        ({"reminders": (60,)}, r"reminders must be steps in 1..47, got \[60\]"),
        ({"deception_boost": 0.5}, "deception_boost must be >= 1"),
    ],
)
def test_bad_campaign_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Campaign(**kwargs)


def test_channel_must_be_a_layer():
    with pytest.raises(ValueError, match="channel 'tv' is not a layer"):
        run_cascades(Network.from_edges([0], [1], layer=["a"]), [0], Campaign(channel="tv"), 1, 0)


# ---------------------------------------------- timing: daily activity curve and time zones
def test_flat_curve_time_zones_and_full_expertise_change_no_number(ba):
    """The defaults of the timing and expertise mechanisms reproduce the old funnel exactly."""
    rng = np.random.default_rng(5)
    values = dict(activity=rng.uniform(0.1, 0.9, ba.n), credibility=rng.uniform(size=ba.n))
    base = population(ba, **values)
    flat = population(ba, **values)
    flat.daily_activity = np.full(24, 3.0)  # any constant curve is flat
    flat.timezone = rng.integers(0, 24, ba.n).astype(float)
    flat.expertise = np.ones((ba.n, 1))
    camp = Campaign(appeal=0.4, start_hour=7)
    a = run_cascades(ba, [0, 1], camp.with_population(base), 50, seed=3)
    b = run_cascades(ba, [0, 1], camp.with_population(flat), 50, seed=3)
    for name in a.totals:
        assert np.array_equal(a.totals[name], b.totals[name]), name
    for column in ("replicate", "node", "parent", "step", "action", "amount"):
        assert np.array_equal(getattr(a.log, column), getattr(b.log, column)), column


def test_when_the_seed_posts_decides_who_is_online():
    """Followers asleep (curve 0) through the whole campaign see nothing; awake, all do."""
    net = star(10)
    night_then_day = np.r_[np.zeros(12), np.full(12, 2.0)]  # mean 1: online for sure by day
    pop = population(net, activity=0.5)
    pop.daily_activity = night_then_day
    camp = dict(steps=6, attention_window=6, appeal=0.0)
    night = run_cascades(net, [0], Campaign(start_hour=0, **camp).with_population(pop), 5, 0)
    day = run_cascades(net, [0], Campaign(start_hour=12, **camp).with_population(pop), 5, 0)
    assert (night.totals["impressions"] == 0).all()
    assert (day.totals["impressions"] == 10).all() and (day.depth == 0).all()
    # a follower 12 hours ahead is awake when the others sleep
    pop.timezone = np.r_[0.0, np.full(5, 12.0), np.zeros(5)]
    shifted = run_cascades(net, [0], Campaign(start_hour=0, **camp).with_population(pop), 5, 0)
    assert (shifted.totals["impressions"] == 5).all()


def test_online_delay_follows_the_curve_law():
    """The delay's distribution is the product law of the hourly chances (4 SE per step)."""
    from simulator.behavior import online_delay

    curve = np.r_[np.full(8, 0.2), np.full(16, 1.4)]
    curve = curve / curve.mean()
    act, hour, limit, reps = 0.3, 4, 12, 20_000
    u = np.random.default_rng(9).random(reps)
    d = np.array([online_delay(act, curve, hour, x, limit) for x in u])
    p = np.minimum(act * curve[(hour + np.arange(limit)) % 24], 1.0)
    stay = np.r_[1.0, np.cumprod(1 - p)]
    pmf = stay[:-1] * p
    observed = np.bincount(d, minlength=limit + 1)[:limit] / reps
    se = np.sqrt(pmf * (1 - pmf) / reps)
    assert np.all(np.abs(observed - pmf) <= 4 * se + 1e-12)
    assert abs((d == limit).mean() - stay[-1]) <= 4 * np.sqrt(stay[-1] * (1 - stay[-1]) / reps)


def test_expertise_scales_the_senders_credibility_on_the_topic():
    """Click rate of direct impressions = appeal * (1 + credibility * expertise) / 2 (4 SE)."""
    net = star(400)
    pop = population(net, credibility=0.8)
    pop.interest = np.ones((net.n, 2))
    pop.expertise = np.column_stack([np.ones(net.n), np.full(net.n, 0.25)])
    for topic, cred in ((0, 0.8), (1, 0.2)):
        camp = Campaign(appeal=0.5, topic=topic, steps=1, share_rate=0.0, weak_attention=1.0)
        res = run_cascades(net, [0], camp.with_population(pop), 200, seed=1, log=False)
        p = 0.5 * (1 + cred) / 2
        clicks, imps = res.totals["clicks"].sum(), res.totals["impressions"].sum()
        assert abs(clicks / imps - p) < 4 * np.sqrt(p * (1 - p) / imps)


def test_delay_counts_the_powers_as_the_one_at_a_time_loop_does():
    """The kernel's attention delay (four products at a time) equals the plain loop, exactly."""
    from numba import njit

    from simulator.engine.funnel_tables import _delay

    delay = njit(lambda stay, q, limit: _delay(stay, q, limit))
    rng = np.random.default_rng(12)
    stays = np.r_[0.0, 1.0, 0.5, rng.random(400), 1.0 - rng.random(100) * 1e-3]
    for stay in stays:
        for q in np.r_[1.0, 1.0 - rng.random(5)]:  # q = 1 - u, u uniform in [0, 1)
            for limit in (1, 2, 3, 4, 5, 6, 8, 9, 13, 48):
                d, p = 0, stay
                while p >= q and d < limit:
                    d += 1
                    p *= stay
                assert delay(stay, q, limit) == d, (stay, q, limit)


def test_delay_is_the_attention_delay_of_behavior():
    """The kernel's delay by products is behavior.attention_delay (by logarithms), capped at
    the window: the engine's law is the one documented in simulator.behavior."""
    from numba import njit

    from simulator import behavior
    from simulator.engine.funnel_tables import _delay

    delay = njit(lambda stay, q, limit: _delay(stay, q, limit))
    rng = np.random.default_rng(13)
    activity, u = rng.random(20_000), rng.random(20_000)
    want = np.minimum(behavior.attention_delay(activity, u), 48)
    got = np.array([delay(1.0 - a, 1.0 - x, 48) for a, x in zip(activity, u, strict=True)])
    assert np.array_equal(got, want)


def test_node_table_rows_are_cache_lines():
    """Each row of the per-run node table starts on a 64-byte boundary (one line per read)."""
    from simulator.engine.funnel_tables import N_NODE, node_table

    for n in (1, 7, 1000):
        table = node_table(n)
        assert table.shape == (n, N_NODE) and table.flags.c_contiguous
        assert table.ctypes.data % 64 == 0 and table.strides[0] == 64
