"""Growth by preferential attachment: Barabási–Albert, Holme–Kim and the follower graph.

The growth loops are compiled (numba) and draw from the Generator they are
given, which numba advances in place.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator import checks
from simulator.network.core import Network


@njit(cache=True)
def _ba_kernel(n, m, rng):
    """Preferential attachment with a repeated-nodes list (Batagelj & Brandes).

    Nodes ``0..m`` start as a star (hub 0). Each later node ``v`` draws ``m``
    distinct targets with probability proportional to degree, by drawing
    uniform positions in the list in which every node appears once per edge
    end, rejecting targets already drawn for ``v``. The list is extended after
    ``v`` has chosen all its targets, so all ``m`` draws see the degrees at
    the time ``v`` arrives.
    """
    n_edges = m * (n - m)
    src = np.empty(n_edges, np.int64)
    dst = np.empty(n_edges, np.int64)
    repeated = np.empty(2 * n_edges, np.int64)
    mark = np.full(n, -1, np.int64)
    for i in range(m):
        src[i] = i + 1
        dst[i] = 0
        repeated[2 * i] = 0
        repeated[2 * i + 1] = i + 1
    e = m
    length = 2 * m
    for v in range(m + 1, n):
        mark[v] = v
        for _ in range(m):
            while True:
                t = repeated[int(rng.random() * length)]
                if mark[t] != v:
                    break
            mark[t] = v
            src[e] = v
            dst[e] = t
            e += 1
        for j in range(e - m, e):
            repeated[length] = dst[j]
            repeated[length + 1] = v
            length += 2
    return src, dst


def _check_growth(n: object, m: object) -> tuple[int, int]:
    n = checks.node_count("n", n, low=2)
    m = checks.integer("m", m, 1, n - 1)
    return n, m


def barabasi_albert(n: int, m: int, rng: np.random.Generator) -> Network:
    """Barabási–Albert preferential-attachment network (undirected).

    Nodes ``0..m`` start as a star centred on node 0 (the networkx
    convention); every later node attaches to ``m`` distinct existing nodes
    chosen with probability proportional to their degree. The result has
    exactly ``m (n - m)`` edges, hence ``2 m (n - m)`` arcs, no self-loops and
    no multi-edges. Its degree distribution tends to
    ``P(k) = 2m(m+1) / (k(k+1)(k+2))`` for ``k >= m``, a power law with
    exponent 3.

    Preferential choices draw uniform positions in the "repeated nodes" list,
    where each node appears once per edge end (Batagelj & Brandes' linear-time
    method); a target already chosen by the same new node is redrawn, which
    rules out multi-edges. The loop is compiled with numba; time is
    ``O(n m)``.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 2``.
    m : int
        Edges added per new node, ``1 <= m < n``.
    rng : numpy.random.Generator

    Returns
    -------
    Network
        Undirected; ``name`` is ``"barabasi_albert(n=..., m=...)"``.

    References
    ----------
    .. [1] A.-L. Barabási and R. Albert, "Emergence of scaling in random
       networks", Science 286, 509-512 (1999).
    .. [2] V. Batagelj and U. Brandes, "Efficient generation of large random
       networks", Physical Review E 71, 036113 (2005).
    .. [3] B. Bollobás, O. Riordan, J. Spencer and G. Tusnády, "The degree
       sequence of a scale-free random graph process", Random Structures and
       Algorithms 18, 279-290 (2001).

    Examples
    --------
    >>> import numpy as np
    >>> net = barabasi_albert(10_000, 3, np.random.default_rng(0))
    >>> net.m == 2 * 3 * (10_000 - 3), int(net.out_degree().min())
    (True, 3)
    >>> net.cleaning.duplicates_merged, net.cleaning.self_loops_dropped
    (0, 0)
    """
    n, m = _check_growth(n, m)
    checks.generator("rng", rng)
    src, dst = _ba_kernel(n, m, rng)
    return Network.from_edges(src, dst, n=n, directed=False, name=f"barabasi_albert(n={n}, m={m})")


# ================================================================ Holme–Kim


@njit(cache=True)
def _arena_append(arena, top, start, cap, deg, node, x):
    """Append ``x`` to ``node``'s block of the adjacency arena; returns (arena, top).

    A full block moves to the end of the arena with twice the capacity (the
    arena itself doubles when needed), so appends cost O(1) amortised and
    every neighbour list stays contiguous for O(1) random access.
    """
    if deg[node] == cap[node]:
        new_cap = 2 * cap[node]
        if top + new_cap > arena.size:
            bigger = np.empty(2 * arena.size + new_cap, arena.dtype)
            bigger[:top] = arena[:top]
            arena = bigger
        old = start[node]
        for i in range(deg[node]):
            arena[top + i] = arena[old + i]
        start[node] = top
        cap[node] = new_cap
        top += new_cap
    arena[start[node] + deg[node]] = x
    deg[node] += 1
    return arena, top


@njit(cache=True)
def _hk_kernel(n, m, p_triad, rng):
    """Preferential attachment with triad formation (Holme & Kim 2002).

    Same start, list and order of preferential draws as ``_ba_kernel``; with
    ``p_triad == 0`` (or ``m == 1``) the output is identical to it. Each new
    node ``v``: the first edge is a preferential-attachment (PA) step to
    ``w``; each further edge is, with probability ``p_triad``, a
    triad-formation step to a uniformly chosen neighbour of the latest PA
    target ``w`` not yet linked to ``v``; if there is none, or otherwise, a
    PA step. Neighbour lists live in a growable arena (contiguous per node):
    a triad step draws random neighbours of ``w`` and rejects those already
    linked to ``v``; after 8 rejections it scans ``w``'s list and picks
    uniformly among the eligible ones (the result is uniform either way).
    """
    n_edges = m * (n - m)
    src = np.empty(n_edges, np.int64)
    dst = np.empty(n_edges, np.int64)
    repeated = np.empty(2 * n_edges, np.int64)
    mark = np.full(n, -1, np.int64)
    start = np.zeros(n, np.int64)
    cap = np.zeros(n, np.int64)
    deg = np.zeros(n, np.int64)
    arena = np.empty(3 * 2 * n_edges + 2 * m, np.int32)
    top = 0
    for node in range(m + 1):  # the star: hub 0 and leaves 1..m
        start[node] = top
        cap[node] = m
        top += m
    for i in range(m):
        src[i] = i + 1
        dst[i] = 0
        repeated[2 * i] = 0
        repeated[2 * i + 1] = i + 1
        arena, top = _arena_append(arena, top, start, cap, deg, 0, i + 1)
        arena, top = _arena_append(arena, top, start, cap, deg, i + 1, 0)
    e = m
    length = 2 * m
    for v in range(m + 1, n):
        mark[v] = v
        if top + m > arena.size:
            bigger = np.empty(2 * arena.size + m, arena.dtype)
            bigger[:top] = arena[:top]
            arena = bigger
        start[v] = top
        cap[v] = m
        top += m
        w = -1
        for c in range(m):
            t = -1
            if c > 0 and p_triad > 0.0 and rng.random() < p_triad:
                base = start[w]
                d = deg[w]
                for _ in range(8):
                    x = arena[base + int(rng.random() * d)]
                    if mark[x] != v:
                        t = x
                        break
                if t == -1:
                    eligible = 0
                    for i in range(d):
                        if mark[arena[base + i]] != v:
                            eligible += 1
                    if eligible > 0:
                        r = int(rng.random() * eligible)
                        for i in range(d):
                            x = arena[base + i]
                            if mark[x] != v:
                                if r == 0:
                                    t = x
                                    break
                                r -= 1
            if t == -1:
                while True:
                    t = repeated[int(rng.random() * length)]
                    if mark[t] != v:
                        break
                w = t
            mark[t] = v
            src[e] = v
            dst[e] = t
            arena, top = _arena_append(arena, top, start, cap, deg, v, t)
            arena, top = _arena_append(arena, top, start, cap, deg, t, v)
            e += 1
        for j in range(e - m, e):
            repeated[length] = dst[j]
            repeated[length + 1] = v
            length += 2
    return src, dst


def holme_kim(n: int, m: int, p_triad: float, rng: np.random.Generator) -> Network:
    """Holme–Kim clustered scale-free network (undirected).

    Growth as in :func:`barabasi_albert` (star start on nodes ``0..m``, ``m``
    distinct edges per new node), but after the first, preferential, edge of
    a new node ``v`` to ``w``, each further edge is with probability
    ``p_triad`` a *triad-formation* step: ``v`` links to a random neighbour of
    ``w`` (the target of ``v``'s latest preferential step), closing a
    triangle. If every neighbour of ``w`` is already linked to ``v``, or with
    probability ``1 - p_triad``, the edge is a preferential step instead. The
    degree distribution keeps the exponent 3 while the clustering
    coefficient stays high (about 0.54 for ``n = 2000``, ``m = 3``,
    ``p_triad = 0.9``) instead
    of vanishing as in the BA model. Exactly ``m (n - m)`` edges; with
    ``p_triad = 0`` the output equals ``barabasi_albert(n, m, rng)`` for the
    same Generator state.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 2``.
    m : int
        Edges per new node, ``1 <= m < n``.
    p_triad : float
        Probability of a triad-formation step, in ``[0, 1]``.
    rng : numpy.random.Generator

    Returns
    -------
    Network
        Undirected; ``name`` is ``"holme_kim(n=..., m=..., p_triad=...)"``.

    References
    ----------
    .. [1] P. Holme and B. J. Kim, "Growing scale-free networks with tunable
       clustering", Physical Review E 65, 026107 (2002).

    Examples
    --------
    >>> import numpy as np
    >>> net = holme_kim(2_000, 3, 0.9, np.random.default_rng(0))
    >>> net.m == 2 * 3 * (2_000 - 3)
    True
    >>> a = holme_kim(500, 3, 0.0, np.random.default_rng(5))
    >>> b = barabasi_albert(500, 3, np.random.default_rng(5))
    >>> bool((a.indices == b.indices).all())
    True
    """
    n, m = _check_growth(n, m)
    p_triad = checks.real("p_triad", p_triad, 0.0, 1.0)
    checks.generator("rng", rng)
    src, dst = _hk_kernel(n, m, p_triad, rng)
    return Network.from_edges(
        src, dst, n=n, directed=False, name=f"holme_kim(n={n}, m={m}, p_triad={p_triad:g})"
    )


# ============================================================ Watts–Strogatz


@njit(cache=True)
def _follow_kernel(n, n_celebrities, n_celeb_follows, n_ordinary_follows, rng):
    """Arcs ``followed -> follower``: each node's follows drawn without replacement.

    Node ``v`` follows ``n_celeb_follows[v]`` distinct celebrities (nodes
    ``0..n_celebrities-1``) and ``n_ordinary_follows[v]`` distinct ordinary
    accounts, never itself, each set a uniform subset drawn by Floyd's
    algorithm (``O(size)`` draws; ``mark`` is the membership test).
    """
    total = 0
    for v in range(n):
        total += n_celeb_follows[v] + n_ordinary_follows[v]
    src = np.empty(total, np.int64)
    dst = np.empty(total, np.int64)
    mark = np.full(n, -1, np.int64)
    e = 0
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
        pool = n - n_celebrities - (0 if is_celeb else 1)
        size = n_ordinary_follows[v]
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


@njit(cache=True)
def _weighted_follow_kernel(n, n_celebrities, n_celeb_follows, n_ordinary_follows, cum, rng):
    """As :func:`_follow_kernel`, but ordinary accounts are followed in proportion to
    their fitness: ``cum`` holds the cumulative fitness of accounts
    ``n_celebrities..n-1``; a node draws until it has ``n_ordinary_follows[v]``
    distinct accounts other than itself (rejection keeps the draws exact:
    each follow set is a weighted sample without replacement)."""
    total = 0
    for v in range(n):
        total += n_celeb_follows[v] + n_ordinary_follows[v]
    src = np.empty(total, np.int64)
    dst = np.empty(total, np.int64)
    mark = np.full(n, -1, np.int64)
    e = 0
    k = cum.size
    mass = cum[k - 1]
    for v in range(n):
        is_celeb = v < n_celebrities
        pool = n_celebrities - (1 if is_celeb else 0)
        size = n_celeb_follows[v]
        for j in range(pool - size, pool):  # celebrities: uniform, as _follow_kernel
            t = int(rng.random() * (j + 1))
            node = t + (1 if is_celeb and t >= v else 0)
            if mark[node] == v:
                node = j + (1 if is_celeb and j >= v else 0)
            mark[node] = v
            src[e] = node
            dst[e] = v
            e += 1
        got = 0
        while got < n_ordinary_follows[v]:
            i = np.searchsorted(cum, rng.random() * mass, side="right")
            node = n_celebrities + min(i, k - 1)
            if node == v or mark[node] == v:
                continue
            mark[node] = v
            src[e] = node
            dst[e] = v
            e += 1
            got += 1
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
    (a directed Chung-Lu graph): their follower counts then follow a power
    law with exponent ``gamma``, as measured on Twitter (2.276, Kwak et al.
    2010), up to saturation at the top (nobody follows an account twice).
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
    if follower_exponent is None:
        src, dst = _follow_kernel(n, n_celebrities, celeb, ordinary, rng)
    else:
        fitness = (1.0 - rng.random(n - n_celebrities)) ** (-1.0 / (follower_exponent - 1.0))
        cum = np.cumsum(fitness)
        src, dst = _weighted_follow_kernel(n, n_celebrities, celeb, ordinary, cum, rng)
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
