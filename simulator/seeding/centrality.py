"""Centrality seeding strategies: PageRank, k-shell, sampled betweenness, VoteRank.

Each is a pure function ``(network, k, rng) -> int64 node ids`` registered in
:data:`simulator.seeding.registry.STRATEGIES`. Arcs point the way a message travels
(``u -> v``: ``v`` sees ``u``'s posts), so a node is central when its posts
reach many, which decides the direction each algorithm walks. Ties are
broken by more followers (out-degree), then by the lower node index.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> path = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4], directed=False)
>>> betweenness(path, 1, np.random.default_rng(0)).tolist()
[2]
>>> k_shell(path, 2, np.random.default_rng(0)).tolist()  # all in the 1-shell: most followers
[1, 2]
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import sparse

from simulator.seeding.common import (
    check_k,
    empty_seeds,
    nx_graph,
    nx_seed,
    ranked,
    undirected_csr,
)

__all__ = [
    "BETWEENNESS_SAMPLES",
    "betweenness",
    "core_numbers",
    "k_shell",
    "pagerank",
    "pagerank_scores",
    "voterank",
]

#: Pivots sampled by :func:`betweenness` (all nodes when the network is smaller).
BETWEENNESS_SAMPLES = 500


def pagerank_scores(
    network, alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 1000
) -> np.ndarray:
    """PageRank of the **reversed** network: a node ranks high when its followers do.

    A random surfer steps from a node to one of the accounts it follows
    (``v -> u`` for every arc ``u -> v``), so rank flows from followers to the
    accounts whose posts they see. Unweighted, uniform teleport, and a node
    that follows nobody teleports uniformly (as in networkx). Scipy sparse
    power iteration on the CSR, until the L1 change is below ``tol``.

    Examples
    --------
    >>> from simulator.network import Network
    >>> star = Network.from_edges([0, 0, 0], [1, 2, 3])  # 1, 2, 3 follow 0
    >>> int(pagerank_scores(star).argmax())
    0
    """
    n = network.n
    if n == 0:
        return np.zeros(0)
    indeg = network.in_degree().astype(np.float64)
    # Row u, column v for each arc u -> v: u collects x[v] / (accounts v follows).
    step = sparse.csr_matrix(
        (1.0 / indeg[network.indices], network.indices, network.indptr), shape=(n, n)
    )
    dangling = indeg == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * (step @ x) + (alpha * x[dangling].sum() + 1.0 - alpha) / n
        done = np.abs(new - x).sum() < tol
        x = new
        if done:
            break
    return x


def pagerank(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k nodes of highest PageRank on the reversed network (influence flows along arcs).

    See :func:`pagerank_scores` (damping 0.85). ``rng`` is unused (the
    strategy is deterministic) but kept for the common signature.

    References
    ----------
    S. Brin, L. Page. The anatomy of a large-scale hypertextual web search
    engine. Computer Networks and ISDN Systems 30, 1998.
    J. Weng, E.-P. Lim, J. Jiang, Q. He. TwitterRank: finding topic-sensitive
    influential twitterers. WSDM 2010 (PageRank over followers for influence).

    Examples
    --------
    >>> from simulator.network import Network
    >>> chain = Network.from_edges([0, 1, 2], [1, 2, 3])  # 0's posts travel furthest
    >>> pagerank(chain, 2, np.random.default_rng(0)).tolist()
    [0, 1]
    """
    k = check_k(network, k)
    if k == 0:
        return empty_seeds()
    return ranked(k, pagerank_scores(network), network.out_degree())


@njit(cache=True)
def _core_numbers(indptr, indices):
    """Batagelj-Zaversnik O(m) core decomposition of a simple undirected CSR graph."""
    n = indptr.size - 1
    deg = np.empty(n, np.int64)
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
    top = 0
    for v in range(n):
        top = max(top, deg[v])
    start = np.zeros(top + 2, np.int64)
    for v in range(n):
        start[deg[v] + 1] += 1
    for d in range(1, top + 2):
        start[d] += start[d - 1]
    pos = np.empty(n, np.int64)
    vert = np.empty(n, np.int64)
    fill = start[: top + 1].copy()
    for v in range(n):
        pos[v] = fill[deg[v]]
        vert[pos[v]] = v
        fill[deg[v]] += 1
    for i in range(n):
        v = vert[i]
        for a in range(indptr[v], indptr[v + 1]):
            u = indices[a]
            if deg[u] > deg[v]:
                du = deg[u]
                pu = pos[u]
                pw = start[du]
                w = vert[pw]
                if u != w:
                    pos[u], vert[pu] = pw, w
                    pos[w], vert[pw] = pu, u
                start[du] += 1
                deg[u] -= 1
    return deg


def core_numbers(network) -> np.ndarray:
    """k-shell (core) number of every node in the undirected graph under the arcs.

    Equal to ``networkx.core_number`` of the undirected graph (an arc either
    way makes two nodes neighbours).

    Examples
    --------
    >>> from simulator.network import Network
    >>> tri_tail = Network.from_edges([0, 1, 2, 2], [1, 2, 0, 3], directed=False)
    >>> core_numbers(tri_tail).tolist()
    [2, 2, 2, 1]
    """
    indptr, indices = undirected_csr(network)
    return _core_numbers(np.asarray(indptr, np.int64), np.asarray(indices, np.int64))


def k_shell(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k nodes in the innermost k-shells; ties by more followers, then lower index.

    Shells are those of the undirected graph under the arcs
    (:func:`core_numbers`). ``rng`` is unused but kept for the common
    signature.

    References
    ----------
    M. Kitsak, L. K. Gallos, S. Havlin, F. Liljeros, L. Muchnik, H. E. Stanley,
    H. A. Makse. Identification of influential spreaders in complex networks.
    Nature Physics 6, 888-893, 2010.
    V. Batagelj, M. Zaversnik. An O(m) algorithm for cores decomposition of
    networks. arXiv:cs/0310049, 2003.

    Examples
    --------
    >>> from simulator.network import Network
    >>> tri_tail = Network.from_edges([0, 1, 2, 2], [1, 2, 0, 3], directed=False)
    >>> k_shell(tri_tail, 3, np.random.default_rng(0)).tolist()
    [2, 0, 1]
    """
    k = check_k(network, k)
    if k == 0:
        return empty_seeds()
    return ranked(k, core_numbers(network), network.out_degree())


def betweenness(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k nodes of highest sampled betweenness (brokers on shortest message paths).

    networkx ``betweenness_centrality`` with ``min(n, 500)`` source pivots
    drawn with a seed taken from ``rng`` (exact when ``n <= 500``), on the
    directed arcs (paths follow the way messages travel). Ties by more
    followers, then lower index. Cost: one breadth-first search per pivot
    in Python, so seconds on 10^5 arcs, minutes on 10^7.

    References
    ----------
    U. Brandes. On variants of shortest-path betweenness centrality and their
    generic computation. Social Networks 30(2), 136-145, 2008.
    U. Brandes, C. Pich. Centrality estimation in large networks. International
    Journal of Bifurcation and Chaos 17(7), 2007 (pivot sampling).

    Examples
    --------
    >>> from simulator.network import Network
    >>> bowtie = Network.from_edges([0, 1, 2, 3, 4], [1, 2, 0, 2, 3], directed=False)
    >>> betweenness(bowtie, 1, np.random.default_rng(0)).tolist()
    [2]
    """
    import networkx as nx

    k = check_k(network, k)
    seed = nx_seed(rng)
    if k == 0:
        return empty_seeds()
    scores = nx.betweenness_centrality(
        nx_graph(network), k=min(network.n, BETWEENNESS_SAMPLES), seed=seed
    )
    values = np.fromiter((scores[v] for v in range(network.n)), np.float64, network.n)
    return ranked(k, values, network.out_degree())


def voterank(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """VoteRank: elect spreaders one by one; the electors' followers lose voting power.

    Each node votes for the accounts it follows (in an undirected network,
    for its neighbours) with its voting ability (initially 1); the node with
    most votes is elected, stops voting, and the ability of its followers
    drops by ``1 / mean degree``. This is networkx's ``voterank`` (same
    elections, same tie-break to the lower index) vectorised over the CSR
    arcs. When no remaining node gets a vote (networkx then stops), the
    remaining seeds are the unelected nodes with most followers. ``rng`` is
    unused but kept for the common signature.

    References
    ----------
    J.-X. Zhang, D.-B. Chen, Q. Dong, Z.-D. Zhao. Identifying a set of
    influential spreaders in complex networks. Scientific Reports 6, 27823, 2016.

    Examples
    --------
    >>> from simulator.network import Network
    >>> g = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 4], directed=False)
    >>> voterank(g, 2, np.random.default_rng(0)).tolist()  # networkx's docstring example
    [0, 1]
    """
    k = check_k(network, k)
    n = network.n
    if k == 0:
        return empty_seeds()
    src = network.sources()
    mean_degree = network.m / n
    ability = np.ones(n)
    elected = np.zeros(n, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < k:
        votes = np.bincount(src, weights=ability[network.indices], minlength=n)
        votes[elected] = 0.0
        top = int(np.argmax(votes))
        if votes[top] <= 0.0:
            break
        chosen.append(top)
        elected[top] = True
        ability[top] = 0.0
        followers = network.out_neighbors(top)
        ability[followers] = np.maximum(ability[followers] - 1.0 / mean_degree, 0.0)
    if len(chosen) < k:
        rest = ranked(k - len(chosen), network.out_degree(), eligible=~elected)
        return np.concatenate([np.asarray(chosen, np.int64), rest])
    return np.asarray(chosen, dtype=np.int64)
