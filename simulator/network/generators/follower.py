"""Directed follower graphs: a celebrity tier over ordinary accounts, uniform or power-law.

The follow loops are compiled (numba) and draw from the Generator they are
given, which numba advances in place. See :func:`follower_graph`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator import checks
from simulator.network.core import Network


@njit(cache=True)
def _follow_kernel(n, n_celebrities, n_celeb_follows, n_ordinary_follows, cum, rng):
    """Arcs ``followed -> follower``: each node's follows drawn without replacement.

    Node ``v`` follows ``n_celeb_follows[v]`` distinct celebrities (nodes
    ``0..n_celebrities-1``, a uniform subset drawn by Floyd's algorithm:
    ``O(size)`` draws, ``mark`` is the membership test) and
    ``n_ordinary_follows[v]`` distinct ordinary accounts, never itself. With
    an empty ``cum`` the ordinary accounts are a uniform subset too (Floyd);
    otherwise ``cum`` holds the cumulative fitness of accounts
    ``n_celebrities..n-1`` and ``v`` draws in proportion to it until it has
    enough distinct accounts (rejecting repeats and itself keeps each follow
    set an exact weighted sample without replacement).
    """
    total = 0
    for v in range(n):
        total += n_celeb_follows[v] + n_ordinary_follows[v]
    src = np.empty(total, np.int64)
    dst = np.empty(total, np.int64)
    mark = np.full(n, -1, np.int64)
    e = 0
    k = cum.size
    for v in range(n):
        is_celeb = v < n_celebrities
        # Pool of celebrities (index -> node: skip v itself).
        pool = n_celebrities - (1 if is_celeb else 0)
        size = n_celeb_follows[v]
        for j in range(pool - size, pool):
            t = int(rng.random() * (j + 1))
            node = t + (1 if is_celeb and t >= v else 0)
            if mark[node] == v:
                node = j + (1 if is_celeb and j >= v else 0)
            mark[node] = v
            src[e] = node
            dst[e] = v
            e += 1
        # Pool of ordinary accounts.
        size = n_ordinary_follows[v]
        if k > 0:
            got = 0
            while got < size:
                i = np.searchsorted(cum, rng.random() * cum[k - 1], side="right")
                node = n_celebrities + min(i, k - 1)
                if node == v or mark[node] == v:
                    continue
                mark[node] = v
                src[e] = node
                dst[e] = v
                e += 1
                got += 1
            continue
        pool = n - n_celebrities - (0 if is_celeb else 1)
        for j in range(pool - size, pool):
            t = n_celebrities + int(rng.random() * (j + 1))
            node = t + (1 if (not is_celeb) and t >= v else 0)
            if mark[node] == v:
                t = n_celebrities + j
                node = t + (1 if (not is_celeb) and t >= v else 0)
            mark[node] = v
            src[e] = node
            dst[e] = v
            e += 1
    return src, dst


def follower_graph(
    n: int,
    mean_following: float,
    rng: np.random.Generator,
    n_celebrities: int = 10,
    celebrity_share: float = 0.3,
    follower_exponent: float | None = None,
) -> Network:
    """Directed follower network with a few celebrity accounts.

    Arcs point from the followed account to the follower (a post travels
    from the poster to the audience), so a node's out-degree is its number
    of followers and its in-degree the number of accounts it follows.

    Model: the celebrities are nodes ``0..n_celebrities-1`` (fixed positions,
    so they are easy to find; node attribute ``"celebrity"`` marks them).
    Each node ``v`` follows ``F_v = max(1, Poisson(mean_following))``
    accounts. Each of those follow relations goes to a celebrity with
    probability ``celebrity_share`` (so ``C_v ~ Binomial(F_v,
    celebrity_share)``), the rest to ordinary accounts. ``v`` follows ``C_v``
    distinct celebrities and ``F_v - C_v`` distinct ordinary accounts, each
    chosen uniformly at random, never itself (so ordinary accounts have
    about Poisson-many followers: no heavy tail). With ``follower_exponent``
    ``gamma``, ordinary accounts are chosen instead in proportion to a
    fitness ``w ~ Pareto`` with ``P(w > x) = x ** -(gamma - 1)``, ``x >= 1``
    (as in a Chung-Lu graph, but with each person's number of follows fixed
    and its follows drawn one by one without replacement): their follower
    counts then follow a power law with exponent ``gamma``, as measured on
    Twitter (2.276, Kwak et al. 2010), up to saturation at the top (nobody
    follows an account twice). The draws reject repeats, so a person who
    follows most of the crowd is slow to draw: the option is for sparse
    follow graphs such as these.
    If ``C_v`` exceeds the number of celebrities (or ``F_v - C_v`` the
    number of ordinary accounts), ``v`` follows all of them and the excess
    is dropped; this is rare when ``celebrity_share * mean_following`` is
    well below ``n_celebrities`` (required to be at most that). In
    expectation a share
    ``celebrity_share`` of all arcs leaves a celebrity, and each celebrity
    has about ``celebrity_share * mean_following * n / n_celebrities``
    followers.

    Arcs from celebrities are in layer ``"broadcast"``, all others in layer
    ``"community"``.

    Parameters
    ----------
    n : int
        Number of accounts, ``>= 1``.
    mean_following : float
        Mean number of accounts each node follows (before the minimum of 1),
        ``> 0``.
    rng : numpy.random.Generator
    n_celebrities : int, default 10
        Number of celebrity accounts, ``0 <= n_celebrities <= n``.
    celebrity_share : float, default 0.3
        Expected share of follow relations that go to celebrities, in
        ``[0, 1]``; needs ``celebrity_share * mean_following <= n_celebrities``.
    follower_exponent : float > 2, optional
        Power-law exponent of the ordinary accounts' follower counts (None:
        uniform choice, Poisson follower counts). Above 2 so the mean is finite.

    Returns
    -------
    Network
        Directed, with ``node_attrs["celebrity"]`` (bool) and layers
        ``"broadcast"`` / ``"community"``.

    References
    ----------
    .. [1] H. Kwak, C. Lee, H. Park and S. Moon, "What is Twitter, a social
       network or a news media?", Proceedings of WWW 2010, 591-600 (2010).
    .. [2] M. Cha, H. Haddadi, F. Benevenuto and K. Gummadi, "Measuring user
       influence in Twitter: the million follower fallacy", Proceedings of
       ICWSM 2010 (2010).

    Examples
    --------
    >>> import numpy as np
    >>> net = follower_graph(10_000, 10.0, np.random.default_rng(0), n_celebrities=5)
    >>> int(net.in_degree().min())  # everybody follows someone
    1
    >>> followers = net.out_degree()
    >>> bool(followers[:5].min() > 10 * followers[5:].max())  # celebrities: ~6,000 each
    True
    >>> sorted(set(net.layer_of_arcs()))
    ['broadcast', 'community']

    Heavy-tailed ordinary accounts (no celebrity tier):

    >>> net = follower_graph(20_000, 20.0, np.random.default_rng(0), n_celebrities=0,
    ...                      celebrity_share=0.0, follower_exponent=2.276)
    >>> followers = net.out_degree()
    >>> bool(followers.max() > 100 * np.median(followers))
    True
    """
    n = checks.node_count("n", n)
    mean_following = checks.real("mean_following", mean_following, 0.0, low_open=True)
    n_celebrities = checks.integer("n_celebrities", n_celebrities, 0, n)
    celebrity_share = checks.real("celebrity_share", celebrity_share, 0.0, 1.0)
    if celebrity_share * mean_following > n_celebrities:
        raise ValueError(
            "celebrity_share * mean_following must not exceed n_celebrities (nobody follows "
            f"a celebrity twice), got {celebrity_share:g} * {mean_following:g} > {n_celebrities}"
        )
    if follower_exponent is not None:
        follower_exponent = checks.real("follower_exponent", follower_exponent, 2.0, low_open=True)
    checks.generator("rng", rng)

    follows = np.maximum(1, rng.poisson(mean_following, size=n)).astype(np.int64)
    celeb = rng.binomial(follows, celebrity_share).astype(np.int64)
    ordinary = follows - celeb
    is_celeb = np.arange(n) < n_celebrities
    np.minimum(celeb, n_celebrities - is_celeb, out=celeb)
    np.minimum(ordinary, n - n_celebrities - ~is_celeb, out=ordinary)
    cum = np.empty(0)  # uniform choice of ordinary accounts
    if follower_exponent is not None:
        fitness = (1.0 - rng.random(n - n_celebrities)) ** (-1.0 / (follower_exponent - 1.0))
        cum = np.cumsum(fitness)
    src, dst = _follow_kernel(n, n_celebrities, celeb, ordinary, cum, rng)
    # integer codes into ("broadcast", "community"): no 10^7 string array
    layer = ((src >= n_celebrities).astype(np.int8), ("broadcast", "community"))
    return Network.from_edges(
        src,
        dst,
        n=n,
        directed=True,
        layer=layer,
        node_attrs={"celebrity": is_celeb},
        name=(
            f"follower_graph(n={n}, mean_following={mean_following:g}, "
            f"n_celebrities={n_celebrities}, celebrity_share={celebrity_share:g}"
            + ("" if follower_exponent is None else f", follower_exponent={follower_exponent:g}")
            + ")"
        ),
    )
