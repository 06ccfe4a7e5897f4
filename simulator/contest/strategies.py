"""Player strategies of the influence contest: small classes with declared traits.

A player is a person of the crowd who holds a personal link. Its strategy
turns a :class:`~simulator.contest.plans.PlanContext` (who the player is,
its followers, the contest's length and the audience's tolerance) into a
:class:`~simulator.contest.plans.Plan` (:mod:`simulator.contest.plans`: the
posts it makes and the clicks its fake accounts or ring partners make). The
compiled kernel (:mod:`simulator.contest.kernel`) executes plans; the
crowd's reactions are decided there, by :mod:`simulator.behavior`.

Every strategy declares six traits (``honest``, ``spams``, ``deceives``,
``pressures``, ``fake_accounts``, ``colludes``) and lives in the explicit registry
:data:`STRATEGIES`. Contract (tested for each): every planned step lies in
``[0, steps)``, posters are the player or its ring partners, strangers are
people the poster has no arc to, the plan is a pure function of the context
and the generator, and the traits match what the plan does.

Defaults are set from plausible behaviour, before any scoring rule is
evaluated (issue 11); each class docstring gives its reasons. They must not
be raised later to make a rule look good or bad.

References
----------
M. Wu. "The Influence Project" fiasco and the six factors of influence.
Lithium Building Community blog, 2010.
Fast Company. The Influence Project, 2010 (the contest: most clicks on a
personal link wins, "by any means").

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 0, 1], [1, 2, 2])
>>> ctx = PlanContext(player=0, link=0, network=net, steps=10, tolerance=3)
>>> plan = make_strategy("enthusiast").plan(ctx, np.random.default_rng(0))
>>> plan.step.tolist(), plan.to_strangers.tolist()
([0, 8], [0, 0])
>>> sorted(name for name, s in STRATEGIES.items() if s.honest)
['enthusiast', 'honest']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from simulator import checks
from simulator.contest.plans import Plan, PlanContext, _spaced, strangers

__all__ = [
    "STRATEGIES",
    "TRAITS",
    "Plan",
    "PlanContext",
    "Strategy",
    "make_strategy",
    "strangers",
    "Honest",
    "Enthusiast",
    "Spammer",
    "Deceiver",
    "Sybil",
    "Ring",
    "Manipulator",
]

#: The declared traits, in the order of the classifier tables.
TRAITS = ("honest", "spams", "deceives", "pressures", "fake_accounts", "colludes")


@dataclass(frozen=True)
class Strategy:
    """Base class: declared traits, checked parameters, :meth:`plan`."""

    name: ClassVar[str] = ""
    honest: ClassVar[bool] = False
    spams: ClassVar[bool] = False
    deceives: ClassVar[bool] = False
    pressures: ClassVar[bool] = False
    fake_accounts: ClassVar[bool] = False
    colludes: ClassVar[bool] = False
    #: Whether :meth:`plan` draws from its generator (others get ``rng=None``).
    draws: ClassVar[bool] = False

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            key = f"{self.name}.{f.name}"
            if f.name == "boost":
                checks.real(key, value, low=1.0)
            else:
                checks.integer(key, value, 1 if f.name == "interval" else 0)

    @property
    def n_fakes(self) -> int:
        """Fake accounts the contest must create for this player."""
        return 0

    def traits(self) -> dict[str, bool]:
        """The declared traits as a dict (the classifier table's row)."""
        return {t: getattr(self, t) for t in TRAITS}

    def plan(self, ctx: PlanContext, rng: np.random.Generator) -> Plan:
        raise NotImplementedError


@dataclass(frozen=True)
class Honest(Strategy):
    """Posts the link once to its followers, at step ``at``.

    The baseline participant of the 2010 contest: shares the link with the
    people who chose to follow it, once, and lets them decide.
    """

    name: ClassVar[str] = "honest"
    honest: ClassVar[bool] = True
    at: int = 0

    def plan(self, ctx, rng):
        return Plan.posts(_spaced(1, 1, ctx.steps, self.at), ctx.player, ctx.link)


@dataclass(frozen=True)
class Enthusiast(Strategy):
    """Reposts to its followers ``posts`` times, ``interval`` steps apart, within tolerance.

    Keen but fair: reminds its audience (as campaigns do with reminders)
    but never more often than the audience tolerates, so it is capped at the
    contest's ``fatigue_tolerance``. ``interval=8`` (a reminder every 8 hourly
    steps, i.e. two or three a day) is the cadence of a campaign reminder.
    """

    name: ClassVar[str] = "enthusiast"
    honest: ClassVar[bool] = True
    posts: int = 3
    interval: int = 8

    def plan(self, ctx, rng):
        count = min(self.posts, ctx.tolerance)
        return Plan.posts(_spaced(count, max(self.interval, 1), ctx.steps), ctx.player, ctx.link)


@dataclass(frozen=True)
class Spammer(Strategy):
    """Blasts its followers every ``interval`` steps and mentions strangers each time.

    ``interval=2`` gives 24 posts in a 48-step contest, eight times a
    tolerance of 3: the volume of a link-spammer who posts the link all day.
    ``strangers_per_post=20`` is the handful of @-mentions of people it has
    no tie to that one post can carry (a reply chain or a tag list); over
    the contest that is about 500 people it does not know.
    """

    name: ClassVar[str] = "spammer"
    spams: ClassVar[bool] = True
    interval: int = 2
    strangers_per_post: int = 20

    def plan(self, ctx, rng):
        at = _spaced(ctx.steps, max(self.interval, 1), ctx.steps)
        lists = strangers(ctx, at, self.strangers_per_post)
        return Plan.posts(at, ctx.player, ctx.link, strangers=lists)


@dataclass(frozen=True)
class Deceiver(Strategy):
    """Posts bait ("click for a free iPad") to its followers ``posts`` times.

    Stays within tolerance (three posts, eight steps apart): its gaming is the
    content. ``boost=2`` doubles the click-through, the default deception
    boost of :class:`simulator.engine.campaign.Campaign`; deceived clickers
    do not convert and lose trust in the poster (the crowd's
    ``deception_penalty``).
    """

    name: ClassVar[str] = "deceiver"
    deceives: ClassVar[bool] = True
    posts: int = 3
    interval: int = 8
    boost: float = 2.0

    def plan(self, ctx, rng):
        at = _spaced(self.posts, max(self.interval, 1), ctx.steps)
        return Plan.posts(at, ctx.player, ctx.link, deceptive=True, boost=self.boost)


@dataclass(frozen=True)
class Sybil(Strategy):
    """Posts once to its followers and has ``fakes`` fake accounts click its link.

    ``fakes=20``: a handful of sock puppets is cheap to make by hand in an
    afternoon; each fake follows the sybil and clicks ``clicks_per_fake=1``
    time at a uniformly random step (fakes that click again and again are
    the easiest to spot, so a careful sybil does not).
    """

    name: ClassVar[str] = "sybil"
    fake_accounts: ClassVar[bool] = True
    draws: ClassVar[bool] = True
    fakes: int = 20
    clicks_per_fake: int = 1

    @property
    def n_fakes(self):
        return self.fakes

    def plan(self, ctx, rng):
        plan = Plan.posts(_spaced(1, 1, ctx.steps), ctx.player, ctx.link)
        clicker = np.repeat(np.asarray(ctx.fakes, np.int64), self.clicks_per_fake)
        at = rng.integers(ctx.steps, size=clicker.size)
        return plan.with_clicks(at, clicker, ctx.link, ctx.player, True)


@dataclass(frozen=True)
class Ring(Strategy):
    """A member of a ring that clicks and reshares each other's links.

    Posts its own link once; at step ``at + round * interval`` for each of
    ``rounds=1`` rounds it clicks every partner's link and reshares it to its
    followers (a "follow-for-follow" or engagement pod: members agree to
    boost each other once). Ring size is a contest setting (``ring_size=5``:
    engagement pods are groups of a few to a few dozen accounts).
    """

    name: ClassVar[str] = "ring"
    colludes: ClassVar[bool] = True
    rounds: int = 1
    at: int = 1
    interval: int = 8

    def plan(self, ctx, rng):
        rounds = _spaced(self.rounds, max(self.interval, 1), ctx.steps, self.at)
        via, link = np.array(ctx.partners, np.int64).reshape(-1, 2).T
        when, k = np.repeat(rounds, via.size), rounds.size  # each round, every partner
        via, link = np.tile(via, k), np.tile(link, k)
        own = Plan.posts(_spaced(1, 1, ctx.steps), ctx.player, ctx.link)
        plan = own + Plan.posts(when, ctx.player, link)
        return plan.with_clicks(when, np.full(when.size, ctx.player), link, via, False)


@dataclass(frozen=True)
class Manipulator(Strategy):
    """Pressures its followers ("only 2 hours left, do it for me!"), ``posts`` times.

    Emotional pressure raises the click-through by ``boost=1.5`` (less than
    outright bait) and costs the poster some trust per click (the crowd's
    ``pressure_penalty``); clickers may still convert, but their actions are
    not voluntary, hence not genuine. Three posts, eight steps apart: within
    tolerance, like the deceiver.
    """

    name: ClassVar[str] = "manipulator"
    pressures: ClassVar[bool] = True
    posts: int = 3
    interval: int = 8
    boost: float = 1.5

    def plan(self, ctx, rng):
        at = _spaced(self.posts, max(self.interval, 1), ctx.steps)
        return Plan.posts(at, ctx.player, ctx.link, pressure=True, boost=self.boost)


#: The registry: name -> strategy class (an explicit, hand-written list).
STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (Honest, Enthusiast, Spammer, Deceiver, Sybil, Ring, Manipulator)
}


def make_strategy(name: str, **params) -> Strategy:
    """The registered strategy ``name`` with ``params``; unknown names or keys raise.

    Examples
    --------
    >>> make_strategy("spammer", interval=4).interval
    4
    >>> make_strategy("troll")
    Traceback (most recent call last):
    ...
    ValueError: unknown strategy 'troll'; choose from deceiver, enthusiast, honest, \
manipulator, ring, spammer, sybil
    """
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(sorted(STRATEGIES))}")
    cls = STRATEGIES[name]
    allowed = [f.name for f in fields(cls)]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(f"{name}: unknown parameter(s) {unknown}; allowed: {allowed}")
    return cls(**params)
