"""Posting plans of the contest: what a player will post and click, and to whom.

A strategy (:mod:`simulator.contest.strategies`) turns a :class:`PlanContext`
(who the player is, its followers, the contest's length and the audience's
tolerance) into a :class:`Plan`: the posts it makes (when, with which link,
to its followers or to strangers, with which content flags) and the clicks
its fake accounts or ring partners make. The compiled kernel
(:mod:`simulator.contest.kernel`) executes plans. :func:`strangers` chooses
the people a post mentions, keyed by post.

Examples
--------
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 0, 1], [1, 2, 2], n=6)
>>> ctx = PlanContext(player=0, link=0, network=net, steps=10, tolerance=3)
>>> plan = Plan.posts([0, 4], ctx.player, ctx.link, strangers=strangers(ctx, [0, 4], 2))
>>> plan.step.tolist(), plan.to_strangers.tolist(), plan.strangers.size
([0, 4], [2, 2], 4)
>>> plan.with_clicks([5], [3], 0, 0, True).click_fake.tolist()
[True]
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numba import njit

from simulator import checks
from simulator.engine.counter_rng import GOLDEN, STEP_STRIDE, mix64, uniform

__all__ = ["Plan", "PlanContext", "strangers"]


@dataclass(frozen=True)
class PlanContext:
    """What a strategy may know when it plans: itself, its audience, the contest.

    ``partners`` are the ``(node, link)`` pairs of the other members of the
    player's ring (empty unless it colludes); ``fakes`` the node ids of the
    fake accounts the contest created for it (``Strategy.n_fakes`` of them);
    ``key`` the contest's counter key for choosing strangers
    (:func:`strangers`; stream ``contest.strangers`` of the root seed).
    """

    player: int
    link: int
    network: object
    steps: int
    tolerance: int
    partners: tuple[tuple[int, int], ...] = ()
    fakes: tuple[int, ...] = ()
    key: int = 0


@dataclass
class Plan:
    """A posting plan: posts (one row each) and planned clicks.

    Posts: ``step``, ``poster``, ``link``, ``deceptive``, ``pressure``,
    ``boost`` (click multiplier of the content, >= 1), ``to_strangers``
    (number of strangers the post mentions besides reaching the poster's
    followers) and ``strangers`` (their ids, concatenated in post order).
    Clicks: ``click_step``, ``clicker``, ``click_link``, ``click_via`` (the
    account whose post the click is credited to) and ``click_fake``.
    """

    step: np.ndarray
    poster: np.ndarray
    link: np.ndarray
    deceptive: np.ndarray
    pressure: np.ndarray
    boost: np.ndarray
    to_strangers: np.ndarray
    strangers: np.ndarray
    click_step: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    clicker: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    click_link: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    click_via: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    click_fake: np.ndarray = field(default_factory=lambda: np.empty(0, np.bool_))

    @classmethod
    def posts(
        cls, steps, poster, link, *, deceptive=False, pressure=False, boost=1.0, strangers=()
    ) -> Plan:
        """Posts at ``steps``; ``strangers``: one id array per post (empty: followers)."""
        steps = np.asarray(steps, np.int64).ravel()
        k = steps.size
        lists = [np.asarray(s, np.int64) for s in strangers]
        return cls(
            step=steps,
            poster=np.full(k, poster, np.int64),
            link=np.full(k, link, np.int64),
            deceptive=np.full(k, bool(deceptive)),
            pressure=np.full(k, bool(pressure)),
            boost=np.full(k, float(boost)),
            to_strangers=np.array([s.size for s in lists] or np.zeros(k), np.int64),
            strangers=np.concatenate([np.empty(0, np.int64), *lists]),
        )

    def __add__(self, other: Plan) -> Plan:
        return Plan.concat([self, other])

    @classmethod
    def concat(cls, plans) -> Plan:
        """The plans one after the other (one copy per column, however many plans)."""
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in plans]) for f in fields(cls)}
        )

    def with_clicks(self, step, clicker, link, via, fake) -> Plan:
        """This plan plus planned clicks (arrays of equal length)."""
        k = np.asarray(step).size
        return self + Plan(
            **{f: np.empty(0, np.int64) for f in ("step", "poster", "link", "to_strangers")},
            deceptive=np.empty(0, np.bool_),
            pressure=np.empty(0, np.bool_),
            boost=np.empty(0),
            strangers=np.empty(0, np.int64),
            click_step=np.asarray(step, np.int64).ravel(),
            clicker=np.asarray(clicker, np.int64).ravel(),
            click_link=np.broadcast_to(np.asarray(link, np.int64), k).copy(),
            click_via=np.broadcast_to(np.asarray(via, np.int64), k).copy(),
            click_fake=np.full(k, bool(fake)),
        )


def _spaced(count: int, interval: int, steps: int, start: int = 0) -> np.ndarray:
    """``count`` steps from ``start`` every ``interval``, those before ``steps``."""
    at = start + interval * np.arange(count, dtype=np.int64)
    return at[at < steps]


def strangers(ctx: PlanContext, step, k: int, link=None) -> list[np.ndarray]:
    """For each post at ``step`` (by ``ctx.player``): ``k`` distinct people it has no arc to.

    Uniform over the people who are neither the player nor its followers (all
    of them when fewer than ``k``), sorted. Draw ``a`` of the post
    ``(player, link, step, copy)`` (``copy``: its rank among this call's posts
    at the same step) is the counter-based uniform number
    ``(ctx.key, post, a)``, so a post's strangers depend on nothing else:
    adding a post, a player or a stranger to another post changes none of
    them, and asking for ``k + 1`` keeps the first ``k`` draws.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 0], [1, 2], n=10)
    >>> ctx = PlanContext(player=0, link=0, network=net, steps=4, tolerance=3, key=7)
    >>> a, b = strangers(ctx, [0, 2], 3)
    >>> bool(set(a.tolist()) & {0, 1, 2}), b.size, strangers(ctx, [2], 3)[0].tolist() == b.tolist()
    (False, 3, True)
    """
    step = np.asarray(step, np.int64).ravel()
    link = np.full(step.size, ctx.link if link is None else link, np.int64)
    order = np.lexsort((np.arange(step.size), step))
    copy = np.empty(step.size, np.int64)
    ranks = np.arange(step.size) - np.searchsorted(step[order], step[order])
    copy[order] = ranks
    net = ctx.network
    ids = _choose_strangers(
        net.indptr, net.indices, net.n, np.uint64(ctx.key), int(ctx.player), link, step, copy,
        int(checks.integer("strangers", k, 0)),
    )  # fmt: skip
    return list(ids)


@njit(cache=True)
def _choose_strangers(indptr, indices, n, key, u, link, step, copy, k):
    """``k`` strangers of ``u`` per post (rows of the output), by rejection."""
    row = np.unique(indices[indptr[u] : indptr[u + 1]])  # sorted, distinct
    k = min(k, n - 1 - np.sum(row != u))
    out = np.empty((step.size, k), np.int64)
    for q in range(step.size):
        c = mix64(np.uint64(u) * GOLDEN + np.uint64(link[q]))
        c = mix64(mix64(c ^ (np.uint64(step[q]) * STEP_STRIDE)) + np.uint64(copy[q]) * GOLDEN)
        got, attempt = 0, 0
        while got < k:  # rejection: followers are a small share of the crowd
            v = min(int(uniform(key, c + np.uint64(attempt)) * n), n - 1)
            attempt += 1
            if v == u:
                continue
            h = np.searchsorted(row, v)
            if h < row.size and row[h] == v:
                continue
            if not (out[q, :got] == v).any():
                out[q, got] = v
                got += 1
        out[q] = np.sort(out[q])
    return out
