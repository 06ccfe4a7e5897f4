"""Ring lattices and the Watts–Strogatz small world built by rewiring them."""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator import checks
from simulator.network.core import Network


def _check_lattice(n: object, k: object) -> tuple[int, int]:
    n = checks.node_count("n", n)
    k = checks.integer("k", k, 0, n - 1)
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
    p = checks.real("p", p, 0.0, 1.0)
    checks.generator("rng", rng)
    src, dst = _ws_kernel(n, k, p, rng)
    return Network.from_edges(
        src, dst, n=n, directed=False, name=f"watts_strogatz(n={n}, k={k}, p={p:g})"
    )


# ===================================================== stochastic block model
