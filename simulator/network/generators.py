"""Synthetic network generators.

Every generator returns a :class:`~simulator.network.core.Network` built with
:meth:`Network.from_edges <simulator.network.core.Network.from_edges>` and a
descriptive ``name``. Undirected models (Erdős–Rényi, Barabási–Albert, ...)
give two arcs per edge, one each way; directed models give arcs that point the
way a message travels (from the poster to the audience).

Randomness is explicit: every stochastic generator takes a
:class:`numpy.random.Generator` and draws only from it. The compiled (numba)
loops receive the same Generator object; numba advances its bit generator in
place, so one seed fixes the whole network and the Generator's state
afterwards. No networkx generator is called.

Cost grows with the size of the output, ``O(n + m)``, for every generator
(the stochastic block model adds a vectorised ``O(B^2)`` over its ``B``
blocks). Building the CSR arrays in ``Network.from_edges`` (a sort of the
arcs) dominates at ten million arcs.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> net = barabasi_albert(1_000, 3, rng)
>>> net.n, net.m == 2 * 3 * (1_000 - 3)
(1000, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numba import njit

from simulator.network.core import Network

__all__ = [
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "ring_lattice",
    "stochastic_block_model",
    "powerlaw_configuration",
    "holme_kim",
    "follower_graph",
]

#: Node indices are stored as int32 in :class:`Network`.
_MAX_NODES = int(np.iinfo(np.int32).max)


# --------------------------------------------------------------- validation
def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng


def _check_int(value: object, name: str, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int in ``[low, high]`` or raise a ValueError naming it."""
    if low == 1 and high is None:
        what = "a positive integer"
    elif low == 0 and high is None:
        what = "a non-negative integer"
    elif high is None:
        what = f"an integer >= {low}"
    else:
        what = f"an integer in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {what}, got {value}")
    return value


def _check_real(
    value: object, name: str, low: float, high: float, low_open: bool = False
) -> float:
    """Return ``value`` as a float in ``[low, high]`` (``(low, high]``) or raise."""
    bracket = "(" if low_open else "["
    hi = "inf)" if math.isinf(high) else f"{high:g}]"
    what = f"{name} must be in {bracket}{low:g}, {hi}"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{what}, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
        raise ValueError(f"{what}, got {value:g}")
    return value


def _check_n(n: object, low: int = 1) -> int:
    n = _check_int(n, "n", low)
    if n > _MAX_NODES:
        raise ValueError(f"n must be at most {_MAX_NODES} (int32 node indices), got {n}")
    return n


# ------------------------------------------------------ uniform pair sampling
def _sample_indices(total: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices (unsorted) of the slots kept when each of ``total`` is kept with prob. ``p``.

    The number of chosen slots is ``Binomial(total, p)``; given that number,
    the chosen set is a uniform subset, drawn without replacement by numpy's
    ``Generator.choice`` (Floyd's algorithm with a hash set when the subset is
    sparse, a partial Fisher–Yates shuffle when it holds more than 1/50 of the
    slots). Either way the cost is ``O(1 + number chosen)``.
    """
    if total <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    count = int(rng.binomial(total, min(p, 1.0)))
    if count == 0:
        return np.empty(0, dtype=np.int64)
    return rng.choice(total, size=count, replace=False, shuffle=False).astype(np.int64)


def _decode_unordered(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear index ``k`` in ``[0, s(s-1)/2)`` -> pair ``(i, j)`` with ``j < i``.

    Pairs are numbered row by row in the lower triangle:
    ``k = i(i-1)/2 + j``. The float estimate of ``i`` is corrected by one step
    either way, so the decoding is exact for every index below 2**62.
    """
    i = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(np.int64)
    i -= (i * (i - 1) // 2 > k).astype(np.int64)
    i += ((i + 1) * i // 2 <= k).astype(np.int64)
    return i, k - i * (i - 1) // 2


def _decode_ordered(k: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Linear index ``k`` in ``[0, s(s-1))`` -> ordered pair ``(u, v)``, ``u != v``."""
    u, r = np.divmod(k, s - 1)
    return u, r + (r >= u)


def _random_pairs_within(
    s: int, p: float, rng: np.random.Generator, directed: bool
) -> tuple[np.ndarray, np.ndarray]:
    """G(s, p) on nodes ``0..s-1``: every (ordered if directed) pair with prob. ``p``."""
    total = s * (s - 1) if directed else s * (s - 1) // 2
    k = _sample_indices(total, p, rng)
    return _decode_ordered(k, s) if directed else _decode_unordered(k)


# ============================================================== Erdős–Rényi
def erdos_renyi(
    n: int, mean_degree: float, rng: np.random.Generator, directed: bool = False
) -> Network:
    """Erdős–Rényi–Gilbert random graph G(n, p) with ``p = mean_degree / (n - 1)``.

    Every pair of distinct nodes (every ordered pair if ``directed``) is
    linked independently with probability ``p``.

    Method: the number of edges is drawn from ``Binomial(N, p)`` with ``N``
    the number of possible pairs; given that number, the set of edges is a
    uniform subset of the ``N`` pairs, drawn without replacement (Floyd's
    sampling algorithm, or a partial shuffle when dense) as linear pair
    indices, which are then decoded to node pairs. The result has exactly the
    G(n, p) distribution and costs ``O(n + m)`` time and memory; no ``n^2``
    loop and no duplicate edges.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 1``.
    mean_degree : float
        Expected degree (expected out-degree if ``directed``), in ``[0, n - 1]``.
    rng : numpy.random.Generator
    directed : bool, default False
        Draw ordered pairs; otherwise each edge becomes two arcs.

    Returns
    -------
    Network
        ``name`` is ``"erdos_renyi(n=..., mean_degree=...)"``.

    Raises
    ------
    ValueError
        If ``n`` or ``mean_degree`` is out of range.

    References
    ----------
    .. [1] P. Erdős and A. Rényi, "On random graphs I", Publicationes
       Mathematicae 6, 290-297 (1959).
    .. [2] E. N. Gilbert, "Random graphs", Annals of Mathematical Statistics
       30, 1141-1144 (1959).
    .. [3] J. Bentley and R. Floyd, "Programming pearls: a sample of
       brilliance", Communications of the ACM 30(9), 754-757 (1987).

    Examples
    --------
    >>> import numpy as np
    >>> net = erdos_renyi(10_000, 8.0, np.random.default_rng(1))
    >>> net.n, net.undirected
    (10000, True)
    >>> bool(abs(net.m / net.n - 8.0) < 0.2)  # mean degree, SE = 0.04
    True
    >>> erdos_renyi(100, 0.0, np.random.default_rng(1)).m
    0
    """
    n = _check_n(n)
    mean_degree = _check_real(mean_degree, "mean_degree", 0.0, float(n - 1))
    _check_rng(rng)
    p = mean_degree / (n - 1) if n > 1 else 0.0
    src, dst = _random_pairs_within(n, p, rng, directed)
    kind = ", directed" if directed else ""
    return Network.from_edges(
        src,
        dst,
        n=n,
        directed=directed,
        name=f"erdos_renyi(n={n}, mean_degree={mean_degree:g}{kind})",
    )


# ======================================================== Barabási–Albert
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
    n = _check_n(n, low=2)
    m = _check_int(m, "m", 1, n - 1)
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
    _check_rng(rng)
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
    p_triad = _check_real(p_triad, "p_triad", 0.0, 1.0)
    _check_rng(rng)
    src, dst = _hk_kernel(n, m, p_triad, rng)
    return Network.from_edges(
        src, dst, n=n, directed=False, name=f"holme_kim(n={n}, m={m}, p_triad={p_triad:g})"
    )


# ============================================================ Watts–Strogatz
def _check_lattice(n: object, k: object) -> tuple[int, int]:
    n = _check_n(n)
    k = _check_int(k, "k", 0, n - 1)
    if k % 2:
        raise ValueError(f"k must be an even integer (k/2 neighbours on each side), got {k}")
    return n, k


def _lattice_edges(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges ``(u, u + j mod n)`` for ``j = 1..k/2``, ordered by ``j`` then ``u``."""
    half = k // 2
    src = np.tile(np.arange(n, dtype=np.int64), half)
    dst = (src + np.repeat(np.arange(1, half + 1, dtype=np.int64), n)) % n
    return src, dst


def ring_lattice(n: int, k: int) -> Network:
    """Ring lattice: each node linked to its ``k/2`` nearest neighbours on each side.

    Deterministic and undirected: ``n k / 2`` edges, every degree equal to
    ``k``. Its clustering coefficient is ``3(k - 2) / (4(k - 1))`` for
    ``k < 2n/3``.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 1``.
    k : int
        Degree of every node; even, ``0 <= k < n``.

    Returns
    -------
    Network
        Undirected; ``name`` is ``"ring_lattice(n=..., k=...)"``.

    References
    ----------
    .. [1] A. Barrat and M. Weigt, "On the properties of small-world network
       models", European Physical Journal B 13, 547-560 (2000).

    Examples
    --------
    >>> net = ring_lattice(10, 4)
    >>> net.out_neighbors(0).tolist()
    [1, 2, 8, 9]
    >>> ring_lattice(10, 3)
    Traceback (most recent call last):
    ...
    ValueError: k must be an even integer (k/2 neighbours on each side), got 3
    """
    n, k = _check_lattice(n, k)
    src, dst = _lattice_edges(n, k)
    return Network.from_edges(src, dst, n=n, directed=False, name=f"ring_lattice(n={n}, k={k})")


@njit(cache=True)
def _hash_slot(table, key, shift):
    """Slot of ``key`` in an open-addressing table, or the first free slot."""
    mask = table.size - 1
    h = (np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(shift)
    i = np.int64(h)
    tomb = -1
    while True:
        val = table[i]
        if val == key:
            return i, True
        if val == -1:
            return (tomb if tomb >= 0 else i), False
        if val == -2 and tomb < 0:
            tomb = i
        i = (i + 1) & mask


@njit(cache=True)
def _ws_kernel(n, k, p, rng):
    """Rewire the ring lattice in place, in the order of Watts & Strogatz.

    Edges ``(u, u + j)`` are visited for ``j = 1..k/2`` and ``u = 0..n-1``; each
    is, with probability ``p``, replaced by ``(u, w)`` with ``w`` uniform over
    the nodes, redrawn while ``w == u`` or ``(u, w)`` already exists (a node
    linked to every other node keeps its edge). An open-addressing hash set of
    edge keys (tombstones on removal) answers "edge exists?" in O(1).
    """
    half = k // 2
    n_edges = n * half
    src = np.empty(n_edges, np.int64)
    dst = np.empty(n_edges, np.int64)
    deg = np.full(n, k, np.int64)
    bits = 1
    while (1 << bits) < 3 * n_edges:
        bits += 1
    table = np.full(1 << bits, -1, np.int64)
    shift = 64 - bits
    for j in range(1, half + 1):
        for u in range(n):
            e = (j - 1) * n + u
            v = (u + j) % n
            src[e] = u
            dst[e] = v
            key = min(u, v) * n + max(u, v)
            slot, _ = _hash_slot(table, key, shift)
            table[slot] = key
    if p <= 0.0:
        return src, dst
    for e in range(n_edges):
        if rng.random() >= p:
            continue
        u = src[e]
        if deg[u] >= n - 1:
            continue
        while True:
            w = int(rng.random() * n)
            if w == u:
                continue
            slot, found = _hash_slot(table, min(u, w) * n + max(u, w), shift)
            if not found:
                break
        table[slot] = min(u, w) * n + max(u, w)
        v = dst[e]
        old, _ = _hash_slot(table, min(u, v) * n + max(u, v), shift)
        table[old] = -2
        dst[e] = w
        deg[v] -= 1
        deg[w] += 1
    return src, dst


def watts_strogatz(n: int, k: int, p: float, rng: np.random.Generator) -> Network:
    """Watts–Strogatz small-world network (undirected).

    Start from :func:`ring_lattice` ``(n, k)``; visit the edges ``(u, u + j)``
    for ``j = 1..k/2`` and, within each ``j``, ``u = 0..n-1``; rewire each with
    probability ``p`` to ``(u, w)``, ``w`` uniform over the nodes, avoiding
    self-loops and existing edges (as in the original paper and networkx).
    The number of edges stays ``n k / 2`` and every node keeps degree
    ``>= k/2``. ``p = 0`` gives the ring lattice, ``p = 1`` a random graph.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 1``.
    k : int
        Lattice degree; even, ``0 <= k < n``.
    p : float
        Rewiring probability, in ``[0, 1]``.
    rng : numpy.random.Generator

    Returns
    -------
    Network
        Undirected; ``name`` is ``"watts_strogatz(n=..., k=..., p=...)"``.

    References
    ----------
    .. [1] D. J. Watts and S. H. Strogatz, "Collective dynamics of
       'small-world' networks", Nature 393, 440-442 (1998).

    Examples
    --------
    >>> import numpy as np
    >>> net = watts_strogatz(1_000, 6, 0.1, np.random.default_rng(3))
    >>> net.m == 1_000 * 6, int(net.out_degree().min()) >= 3
    (True, True)
    >>> lattice = watts_strogatz(20, 4, 0.0, np.random.default_rng(3))
    >>> bool((lattice.indices == ring_lattice(20, 4).indices).all())
    True
    """
    n, k = _check_lattice(n, k)
    p = _check_real(p, "p", 0.0, 1.0)
    _check_rng(rng)
    src, dst = _ws_kernel(n, k, p, rng)
    return Network.from_edges(
        src, dst, n=n, directed=False, name=f"watts_strogatz(n={n}, k={k}, p={p:g})"
    )


# ===================================================== stochastic block model
def stochastic_block_model(
    sizes: Sequence[int] | np.ndarray,
    p_in: float,
    p_out: float,
    rng: np.random.Generator,
    directed: bool = False,
) -> Network:
    """Stochastic block model with one within- and one between-block probability.

    Nodes are numbered block by block (block 0 holds nodes ``0..sizes[0]-1``).
    Two distinct nodes of the same block are linked with probability ``p_in``,
    of different blocks with probability ``p_out``, independently (ordered
    pairs if ``directed``). The block of each node is stored as the node
    attribute ``"community"``.

    Each block pair is sampled like :func:`erdos_renyi`: a binomial number of
    edges, then a uniform subset of the pairs without replacement, so the cost
    is ``O(n + m)`` plus a vectorised ``O(B^2)`` for the binomial draws of
    the ``B`` blocks.

    Parameters
    ----------
    sizes : sequence of int
        Block sizes, each ``>= 1``.
    p_in, p_out : float
        Within- and between-block link probabilities, in ``[0, 1]``.
    rng : numpy.random.Generator
    directed : bool, default False

    Returns
    -------
    Network
        ``node_attrs["community"]`` holds the block index (int64) of each node.

    References
    ----------
    .. [1] P. W. Holland, K. B. Laskey and S. Leinhardt, "Stochastic
       blockmodels: first steps", Social Networks 5, 109-137 (1983).

    Examples
    --------
    >>> import numpy as np
    >>> net = stochastic_block_model([3, 2], 1.0, 0.0, np.random.default_rng(0))
    >>> net.node_attrs["community"].tolist()
    [0, 0, 0, 1, 1]
    >>> net.m  # two cliques: 3 + 1 edges, two arcs each
    8
    """
    try:
        size_arr = np.asarray(sizes)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise ValueError(f"sizes must be a sequence of positive integers, got {sizes!r}") from exc
    if (
        size_arr.ndim != 1
        or size_arr.size == 0
        or not np.issubdtype(size_arr.dtype, np.integer)
        or size_arr.min() < 1
    ):
        raise ValueError(f"sizes must be a non-empty sequence of positive integers, got {sizes!r}")
    size_arr = size_arr.astype(np.int64)
    n = int(size_arr.sum())
    if n > _MAX_NODES:
        raise ValueError(f"sizes must add up to at most {_MAX_NODES} nodes, got {n}")
    p_in = _check_real(p_in, "p_in", 0.0, 1.0)
    p_out = _check_real(p_out, "p_out", 0.0, 1.0)
    _check_rng(rng)

    offsets = np.concatenate([[0], np.cumsum(size_arr)])
    srcs: list[np.ndarray] = []
    dsts: list[np.ndarray] = []
    for a, s in enumerate(size_arr.tolist()):
        u, v = _random_pairs_within(s, p_in, rng, directed)
        srcs.append(u + offsets[a])
        dsts.append(v + offsets[a])
    blocks = len(size_arr)
    if blocks > 1 and p_out > 0.0:
        if directed:
            a_idx, b_idx = np.nonzero(~np.eye(blocks, dtype=bool))
        else:
            a_idx, b_idx = np.triu_indices(blocks, k=1)
        totals = size_arr[a_idx] * size_arr[b_idx]
        counts = rng.binomial(totals, p_out)
        for a, b, total, count in zip(a_idx, b_idx, totals, counts, strict=True):
            if count == 0:
                continue
            k = rng.choice(int(total), size=int(count), replace=False, shuffle=False)
            u, v = np.divmod(k.astype(np.int64), size_arr[b])
            srcs.append(u + offsets[a])
            dsts.append(v + offsets[b])
    community = np.repeat(np.arange(blocks, dtype=np.int64), size_arr)
    kind = ", directed" if directed else ""
    return Network.from_edges(
        np.concatenate(srcs),
        np.concatenate(dsts),
        n=n,
        directed=directed,
        node_attrs={"community": community},
        name=(
            f"stochastic_block_model(n={n}, blocks={blocks}, p_in={p_in:g}, p_out={p_out:g}{kind})"
        ),
    )


# ==================================================== configuration model
def powerlaw_configuration(
    n: int,
    exponent: float,
    rng: np.random.Generator,
    min_degree: int = 2,
    max_degree: int | None = None,
) -> Network:
    """Erased configuration model with a power-law degree sequence (undirected).

    1. Degrees are drawn independently from the discrete power law
       ``P(k) ∝ k^(-exponent)`` on ``min_degree <= k <= max_degree``
       (inverse-CDF sampling). While the degree sum is odd, one uniformly
       chosen node redraws its degree.
    2. Stubs (half-edges) are shuffled and paired (stub matching).
    3. Self-loops and multi-edges are erased by ``Network.from_edges``;
       ``net.cleaning`` reports how many (``self_loops_dropped`` and
       ``duplicates_merged``), and ``net.node_attrs["stub_degree"]`` keeps the
       degree sequence drawn in step 1, before erasure.

    The default ``max_degree`` is ``floor(sqrt(n))``, the structural cutoff
    of the uncorrelated configuration model: below it the expected number of
    edges between any two nodes stays below one, so erasure removes a
    vanishing fraction of edges and leaves degrees uncorrelated
    (Catanzaro et al. 2005). The natural cutoff ``min_degree * n^(1/(exponent-1))``
    is larger for exponents below 3 and would make hub-to-hub multi-edges,
    hence erasure and degree correlations, common.

    Parameters
    ----------
    n : int
        Number of nodes, ``>= 2``.
    exponent : float
        Power-law exponent, ``> 1`` (typically between 2 and 3).
    rng : numpy.random.Generator
    min_degree : int, default 2
        Smallest degree, ``1 <= min_degree <= n - 1``.
    max_degree : int, optional
        Largest degree, ``min_degree <= max_degree <= n - 1``; defaults to
        ``max(min_degree, floor(sqrt(n)))``.

    Returns
    -------
    Network
        Undirected, with ``node_attrs["stub_degree"]``.

    References
    ----------
    .. [1] M. Molloy and B. Reed, "A critical point for random graphs with a
       given degree sequence", Random Structures and Algorithms 6, 161-179
       (1995).
    .. [2] T. Britton, M. Deijfen and A. Martin-Löf, "Generating simple random
       graphs with prescribed degree distribution", Journal of Statistical
       Physics 124, 1377-1397 (2006).
    .. [3] M. Catanzaro, M. Boguñá and R. Pastor-Satorras, "Generation of
       uncorrelated random scale-free networks", Physical Review E 71,
       027103 (2005).

    Examples
    --------
    >>> import numpy as np
    >>> net = powerlaw_configuration(10_000, 2.5, np.random.default_rng(0))
    >>> stubs = net.node_attrs["stub_degree"]
    >>> int(stubs.min()), int(stubs.max()) <= 100
    (2, True)
    >>> c = net.cleaning  # every stub pair is accounted for
    >>> bool(2 * c.arcs_in == stubs.sum())
    True
    >>> net.m // 2 == c.arcs_in - c.self_loops_dropped - c.duplicates_merged
    True
    """
    n = _check_n(n, low=2)
    exponent = _check_real(exponent, "exponent", 1.0, math.inf, low_open=True)
    min_degree = _check_int(min_degree, "min_degree", 1, n - 1)
    if max_degree is None:
        max_degree = max(min_degree, math.isqrt(n))
    max_degree = _check_int(max_degree, "max_degree", min_degree, n - 1)
    if min_degree == max_degree and (n * min_degree) % 2:
        raise ValueError(
            f"n * min_degree must be even when min_degree == max_degree, got {n} * {min_degree}"
        )
    _check_rng(rng)

    ks = np.arange(min_degree, max_degree + 1, dtype=np.float64)
    cdf = np.cumsum(ks**-exponent)
    cdf /= cdf[-1]
    cdf[-1] = 1.0

    def draw(size):
        return min_degree + np.searchsorted(cdf, rng.random(size), side="right")

    degree = draw(n).astype(np.int64)
    while degree.sum() % 2:
        degree[rng.integers(n)] = draw(1)[0]
    stubs = np.repeat(np.arange(n, dtype=np.int64), degree)
    rng.shuffle(stubs)
    return Network.from_edges(
        stubs[0::2],
        stubs[1::2],
        n=n,
        directed=False,
        node_attrs={"stub_degree": degree},
        name=(
            f"powerlaw_configuration(n={n}, exponent={exponent:g}, "
            f"min_degree={min_degree}, max_degree={max_degree})"
        ),
    )


# ============================================================ follower graph
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


def follower_graph(
    n: int,
    mean_following: float,
    rng: np.random.Generator,
    n_celebrities: int = 10,
    celebrity_share: float = 0.3,
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
    chosen uniformly at random, never itself. If ``C_v`` exceeds the number
    of celebrities (or ``F_v - C_v`` the number of ordinary accounts), ``v``
    follows all of them and the excess is dropped; this is rare when
    ``celebrity_share * mean_following`` is well below ``n_celebrities``
    (required to be at most that). In expectation a share
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
    """
    n = _check_n(n)
    mean_following = _check_real(mean_following, "mean_following", 0.0, math.inf, low_open=True)
    n_celebrities = _check_int(n_celebrities, "n_celebrities", 0, n)
    celebrity_share = _check_real(celebrity_share, "celebrity_share", 0.0, 1.0)
    if celebrity_share * mean_following > n_celebrities:
        raise ValueError(
            "celebrity_share * mean_following must not exceed n_celebrities (nobody follows "
            f"a celebrity twice), got {celebrity_share:g} * {mean_following:g} > {n_celebrities}"
        )
    _check_rng(rng)

    follows = np.maximum(1, rng.poisson(mean_following, size=n)).astype(np.int64)
    celeb = rng.binomial(follows, celebrity_share).astype(np.int64)
    ordinary = follows - celeb
    is_celeb = np.arange(n) < n_celebrities
    np.minimum(celeb, n_celebrities - is_celeb, out=celeb)
    np.minimum(ordinary, n - n_celebrities - ~is_celeb, out=ordinary)
    src, dst = _follow_kernel(n, n_celebrities, celeb, ordinary, rng)
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
            f"n_celebrities={n_celebrities}, celebrity_share={celebrity_share:g})"
        ),
    )
