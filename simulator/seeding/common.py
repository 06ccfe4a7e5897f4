"""Helpers shared by the seeding strategies (:mod:`simulator.seeding.registry` and its siblings).

Every strategy checks ``k`` the same way, breaks ties the same way (higher
score first, then more followers, then the lower node index) and, when it
needs networkx, converts the network the same way (nodes ``0..n-1`` in index
order, arcs in CSR order, no weights).

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 1, 1], [1, 2, 0])
>>> ranked(2, np.array([1.0, 3.0, 3.0])).tolist()  # ties broken by lower index
[1, 2]
>>> indptr, src, arc = in_arcs(net)
>>> src[indptr[0]:indptr[1]].tolist(), arc[indptr[0]:indptr[1]].tolist()  # 1 -> 0 is arc 1
([1], [1])
"""

from __future__ import annotations

import numpy as np

from simulator import checks

__all__ = [
    "DEFAULT_P",
    "check_k",
    "check_population",
    "empty_seeds",
    "in_arcs",
    "named",
    "nx_graph",
    "nx_seed",
    "ranked",
    "undirected_csr",
]

#: Default propagation probability of the strategies that assume an
#: independent cascade (degree discount, CELF, IMM, klout): the p = 0.01 of
#: Kempe et al. (2003) and Chen et al. (2009).
DEFAULT_P = 0.01


def check_k(network, k: int, eligible: int | None = None) -> int:
    """Return ``k`` as an int, or raise if it is not a count or exceeds the eligible nodes.

    Examples
    --------
    >>> from simulator.network import Network
    >>> check_k(Network.from_edges([0], [1]), 3)
    Traceback (most recent call last):
    ...
    ValueError: k = 3 seeds asked for but only 2 nodes are eligible
    """
    eligible = network.n if eligible is None else int(eligible)
    k = checks.integer("k", k, 0)
    if k > eligible:
        raise ValueError(f"k = {k} seeds asked for but only {eligible} nodes are eligible")
    return k


def named(func, name: str, doc: str | None):
    """Give a strategy made by a factory a readable name and its docstring."""
    func.__name__ = func.__qualname__ = name
    func.__doc__ = doc
    return func


def empty_seeds() -> np.ndarray:
    """The answer to ``k = 0``: an empty int64 array."""
    return np.empty(0, dtype=np.int64)


def ranked(k: int, *scores: np.ndarray, eligible: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` best nodes by ``scores`` (most significant first, higher is better).

    Remaining ties go to the lower node index. ``eligible`` (bool mask)
    restricts the candidates.
    """
    n = scores[0].shape[0]
    keys = [np.arange(n)] + [-np.asarray(s, dtype=np.float64) for s in reversed(scores)]
    order = np.lexsort(keys)
    if eligible is not None:
        order = order[eligible[order]]
    return order[:k].astype(np.int64)


def in_arcs(network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs grouped by target: ``(indptr, source, arc id)``.

    The arcs into ``v`` are ``arc[indptr[v]:indptr[v + 1]]`` (indices into the
    network's CSR arrays), coming from ``source[indptr[v]:indptr[v + 1]]``; so
    this is the CSR of the reversed network, which is what reverse-influence
    sampling and PageRank on followers walk.
    """
    arc = np.argsort(network.indices, kind="stable").astype(np.int64)
    indptr = np.zeros(network.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(network.indices, minlength=network.n), out=indptr[1:])
    return indptr, network.sources()[arc].astype(np.int64), arc


def undirected_csr(network) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` of the simple undirected graph under the arcs.

    Two nodes are neighbours when an arc joins them either way; a reciprocal
    pair of arcs is one edge.
    """
    if network.undirected:
        return network.indptr, network.indices.astype(np.int64)
    src, dst = network.edges()
    n = network.n
    key = np.unique(
        np.concatenate([src.astype(np.int64) * n + dst, dst.astype(np.int64) * n + src])
    )
    rows, cols = np.divmod(key, max(n, 1))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols.astype(np.int64)


def nx_graph(network):
    """networkx view: nodes ``0..n-1`` in index order, arcs in CSR order, unweighted.

    A network built from undirected edges becomes a ``Graph`` (each edge
    added once, from its lower end), any other a ``DiGraph``.
    """
    import networkx as nx

    graph = nx.Graph() if network.undirected else nx.DiGraph()
    graph.add_nodes_from(range(network.n))
    src, dst = network.edges()
    if network.undirected:
        keep = src < dst
        src, dst = src[keep], dst[keep]
    graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    return graph


def nx_seed(rng: np.random.Generator) -> int:
    """An int seed for a networkx call, drawn from ``rng`` (never ``seed=None``)."""
    return int(rng.integers(2**31 - 1))


def check_population(population, network) -> None:
    """Raise unless ``population`` was drawn for ``network`` (same nodes and arcs)."""
    if population.n != network.n or population.m != network.m:
        raise ValueError(
            f"population has {population.n} agents and {population.m} arcs but the network "
            f"has {network.n} nodes and {network.m} arcs; draw the population for this network"
        )
