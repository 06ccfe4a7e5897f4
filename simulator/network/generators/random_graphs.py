"""Random graphs: Erdős–Rényi, the stochastic block model and the power-law configuration model.

Each samples its edges in ``O(n + m)`` (a binomial edge count, then distinct
pair indices) from the Generator it is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from simulator import checks
from simulator.network.core import Network


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
    n = checks.node_count("n", n)
    mean_degree = checks.real("mean_degree", mean_degree, 0.0, float(n - 1))
    checks.generator("rng", rng)
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
    if n > checks.MAX_NODES:
        raise ValueError(f"sizes must add up to at most {checks.MAX_NODES} nodes, got {n}")
    p_in = checks.real("p_in", p_in, 0.0, 1.0)
    p_out = checks.real("p_out", p_out, 0.0, 1.0)
    checks.generator("rng", rng)

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
    n = checks.node_count("n", n, low=2)
    exponent = checks.real("exponent", exponent, 1.0, low_open=True)
    min_degree = checks.integer("min_degree", min_degree, 1, n - 1)
    if max_degree is None:
        max_degree = max(min_degree, math.isqrt(n))
    max_degree = checks.integer("max_degree", max_degree, min_degree, n - 1)
    if min_degree == max_degree and (n * min_degree) % 2:
        raise ValueError(
            f"n * min_degree must be even when min_degree == max_degree, got {n} * {min_degree}"
        )
    checks.generator("rng", rng)

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
