"""Contract tests every registered contest strategy must pass, and the settings' checks."""

import numpy as np
import pytest

from simulator.contest import STRATEGIES, TRAITS, ContestSettings, make_strategy
from simulator.contest.plans import PlanContext
from simulator.network.generators import barabasi_albert

NET = barabasi_albert(300, 3, np.random.default_rng(3))
STEPS, TOL = 48, 3


def context(name, player=7):
    partners = ((11, 1), (12, 2), (13, 3)) if STRATEGIES[name].colludes else ()
    n_fakes = make_strategy(name).n_fakes
    fakes = tuple(range(NET.n, NET.n + n_fakes))
    return PlanContext(player, 0, NET, STEPS, TOL, partners, fakes)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_traits_are_declared_booleans(name):
    cls = STRATEGIES[name]
    assert cls.name == name and cls.__doc__
    traits = make_strategy(name).traits()
    assert list(traits) == list(TRAITS)
    assert all(isinstance(v, bool) for v in traits.values())
    gaming = [t for t in TRAITS if t != "honest" and traits[t]]
    assert traits["honest"] != bool(gaming), "honest exactly when no gaming trait"


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_plan_within_bounds_and_matches_traits(name):
    strategy = make_strategy(name)
    ctx = context(name)
    plan = strategy.plan(ctx, np.random.default_rng(0))
    assert plan.step.size > 0
    assert ((plan.step >= 0) & (plan.step < STEPS)).all()
    assert ((plan.click_step >= 0) & (plan.click_step < STEPS)).all()
    assert (plan.poster == ctx.player).all()
    partner_links = {link for _, link in ctx.partners}
    assert set(plan.link.tolist()) <= {ctx.link} | partner_links
    assert (plan.boost >= 1.0).all()
    assert plan.strangers.size == plan.to_strangers.sum()
    followers = set(NET.out_neighbors(ctx.player).tolist())
    lo = 0
    for k in plan.to_strangers.tolist():
        chunk = plan.strangers[lo : lo + k].tolist()
        assert len(set(chunk)) == k and not (set(chunk) & (followers | {ctx.player}))
        lo += k
    own_posts = int((plan.link == ctx.link).sum())
    assert strategy.spams == bool(own_posts > TOL or plan.strangers.size)
    assert strategy.deceives == bool(plan.deceptive.any())
    assert strategy.pressures == bool(plan.pressure.any())
    assert strategy.fake_accounts == bool(plan.click_fake.any())
    assert set(plan.clicker[plan.click_fake].tolist()) == set(ctx.fakes)
    assert strategy.colludes == bool((~plan.click_fake).any())
    if strategy.colludes:
        assert set(plan.click_link.tolist()) == partner_links


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_plan_is_deterministic_per_seed(name):
    strategy, ctx = make_strategy(name), context(name)
    a = strategy.plan(ctx, np.random.default_rng(5))
    b = strategy.plan(ctx, np.random.default_rng(5))
    for field in vars(a):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_plan_fits_a_short_contest(name):
    ctx = PlanContext(7, 0, NET, 2, TOL, context(name).partners, context(name).fakes)
    plan = make_strategy(name).plan(ctx, np.random.default_rng(0))
    assert (plan.step < 2).all() and (plan.click_step < 2).all()


def test_honest_strategies_stay_within_tolerance():
    for name, cls in STRATEGIES.items():
        if cls.honest:
            for tol in (0, 1, 3, 10):
                ctx = PlanContext(7, 0, NET, STEPS, tol)
                plan = make_strategy(name).plan(ctx, np.random.default_rng(0))
                assert plan.step.size <= max(tol, 1), name


def test_unknown_parameters_and_bad_values_are_one_line_errors():
    with pytest.raises(ValueError, match=r"^spammer: unknown parameter\(s\) \['volume'\]"):
        make_strategy("spammer", volume=3)
    with pytest.raises(ValueError, match=r"^spammer.interval must be a positive integer, got 0"):
        make_strategy("spammer", interval=0)
    with pytest.raises(ValueError, match=r"^deceiver.boost must be >= 1, got 0.5"):
        make_strategy("deceiver", boost=0.5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mix": {"honest": 0.7}}, "mix must sum to 1, got 0.7"),
        ({"mix": {"honest": 0.5, "troll": 0.5}}, "mix: unknown strategy 'troll'"),
        ({"mix": {"honest": 1.5, "spammer": -0.5}}, "mix.honest must be a probability"),
        ({"players": 0}, "players must be a positive integer"),
        ({"placement": "centre"}, "placement must be one of random, followers"),
        ({"params": {"sybil": {"fakes": -1}}}, "params.sybil.fakes must be a non-negative"),
        ({"params": {"troll": {}}}, "params: unknown strategy 'troll'"),
        ({"appeal": 1.2}, "appeal must be a probability"),
        ({"ring_size": 1}, "ring_size must be an integer >= 2"),
    ],
)
def test_settings_errors_name_the_key(kwargs, message):
    with pytest.raises(ValueError) as err:
        ContestSettings(**kwargs)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_more_players_than_people_is_an_error():
    from simulator.contest import Contest

    with pytest.raises(ValueError, match=r"^players = 301 exceeds the 300 people"):
        Contest(NET, None, ContestSettings(players=301), seed=0)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_draws_is_declared_truly(name):
    """A plan that does not draw needs no generator; one that draws depends on it."""
    strategy, ctx = make_strategy(name), context(name)
    if strategy.draws:
        a, b = (strategy.plan(ctx, np.random.default_rng(seed)) for seed in (1, 2))
        assert any(not np.array_equal(getattr(a, f), getattr(b, f)) for f in vars(a))
        return
    a, b = strategy.plan(ctx, None), strategy.plan(ctx, np.random.default_rng(1))
    for field in vars(a):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field


def test_strangers_are_keyed_per_post():
    """A post's strangers depend only on (key, player, link, step, copy): posting more
    often, or naming more strangers, leaves the others' mentions as they were."""
    ctx = PlanContext(7, 0, NET, STEPS, TOL, key=99)
    every2 = make_strategy("spammer", interval=2).plan(ctx, None)
    every4 = make_strategy("spammer", interval=4).plan(ctx, None)
    more = make_strategy("spammer", interval=4, strangers_per_post=21).plan(ctx, None)
    per2, per4, per21 = (
        dict(zip(p.step.tolist(), np.split(p.strangers, p.step.size), strict=True))
        for p in (every2, every4, more)
    )
    for step, ids in per4.items():
        assert np.array_equal(ids, per2[step])
        assert set(ids.tolist()) < set(per21[step].tolist())
    other_key = make_strategy("spammer", interval=4).plan(
        PlanContext(7, 0, NET, STEPS, TOL, key=100), None
    )
    assert not np.array_equal(other_key.strangers, every4.strangers)


def test_strangers_are_uniform_over_non_followers():
    """Each eligible person is mentioned with probability k / eligible: the share of
    mentions landing on the lower half of the eligible ids is 1/2 within 4 SE."""
    from simulator.contest.plans import strangers

    ctx = PlanContext(0, 0, NET, 4000, TOL, key=3)  # node 0: a hub of the BA graph
    eligible = np.setdiff1d(np.arange(NET.n), np.append(NET.out_neighbors(0), 0))
    k, posts = 10, 4000
    ids = np.concatenate(strangers(ctx, np.arange(posts), k))
    assert np.isin(ids, eligible).all()
    low = np.isin(ids, eligible[: eligible.size // 2]).mean()
    p = (eligible.size // 2) / eligible.size
    se = np.sqrt(p * (1 - p) / ids.size)  # draws within a post are without replacement:
    assert abs(low - p) < 4 * se  # their covariance is negative, so this SE is conservative
    everyone = strangers(ctx, [0], NET.n)[0]  # asking for more than exist gives all of them
    assert np.array_equal(everyone, eligible)
