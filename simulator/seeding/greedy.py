"""Greedy influence-maximisation seeding: degree discount and CELF.

These strategies pick seeds for an independent cascade with per-arc
probability ``p`` (module default :data:`~simulator.seeding.common.DEFAULT_P`
= 0.01) or for any spread model with ``arc_probabilities`` /
``simulate`` (e.g. :class:`~simulator.engine.models.WeightedCascade`). The
registry holds the defaults; the factories :func:`degree_discount_strategy`
and :func:`celf_strategy` return strategies with other parameters, with the
same ``(network, k, rng)`` signature.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> g = Network.from_edges([0, 0, 0, 0, 1, 1, 1, 8, 8, 8],
...                        [1, 2, 3, 4, 5, 6, 7, 9, 10, 11], directed=False)
>>> degree_discount(g, 2, np.random.default_rng(0)).tolist()  # 1 is 0's neighbour
[0, 8]
>>> celf(g, 2, np.random.default_rng(0), p=1.0).tolist()  # 0 already reaches 1
[0, 8]
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numba
import numpy as np
from numba import njit, prange

from simulator import checks
from simulator.engine.buffers import max_out_degree
from simulator.engine.counter_rng import arc_hazards, arc_scratch
from simulator.engine.independent_cascade import general_arcs
from simulator.engine.models import IndependentCascade, WeightedCascade
from simulator.engine.run import run_cascades
from simulator.rng import replicate_keys
from simulator.seeding.common import DEFAULT_P, check_k, empty_seeds, in_arcs, named

__all__ = [
    "CELF_BATCH",
    "CELF_REPLICATES",
    "celf",
    "celf_strategy",
    "degree_discount",
    "degree_discount_strategy",
]

#: Monte Carlo replicates per spread estimate in :func:`celf`.
CELF_REPLICATES = 1_000
#: Cascades per kernel call when CELF scores every node in its first round.
CELF_BATCH = 1_000_000


# ------------------------------------------------------------ degree discount
def degree_discount(
    network, k: int, rng: np.random.Generator, *, p: float = DEFAULT_P
) -> np.ndarray:
    """DegreeDiscountIC: most followers first, discounted for neighbours already seeded.

    Chen, Wang & Yang's score of a non-seed ``v`` with degree ``d`` and ``t``
    seeded neighbours is ``d - 2t - (d - t) t p``. On directed arcs the two
    roles of ``t`` part: with ``a`` seeds among ``v``'s followers (arcs wasted
    on them) and ``b`` seeds among the accounts ``v`` follows (each may already
    have reached ``v``), the first-order gain ``(1 - p)^b (1 + (d - a) p)``
    gives ``d - a - b - (d - a) b p``, which is the paper's score when
    ``a = b = t``. Seeds are taken greedily, ties to the lower index. ``rng``
    is unused (deterministic) but kept for the common signature.

    References
    ----------
    W. Chen, Y. Wang, S. Yang. Efficient influence maximization in social
    networks. KDD 2009 (Algorithm 4, DegreeDiscountIC).

    Examples
    --------
    >>> from simulator.network import Network
    >>> g = Network.from_edges([0, 0, 0, 0, 1, 1, 1, 8, 8, 8],
    ...                        [1, 2, 3, 4, 5, 6, 7, 9, 10, 11], directed=False)
    >>> degree_discount(g, 3, np.random.default_rng(0)).tolist()  # 1: 4 - 2 - 3p = 1.97
    [0, 8, 1]
    >>> degree_discount(g, 3, np.random.default_rng(0), p=0.5).tolist()  # 1: 0.5 < 1
    [0, 8, 5]
    """
    k = check_k(network, k)
    if k == 0:
        return empty_seeds()
    p = checks.probability("p", p)
    in_ptr, in_src, _ = in_arcs(network)
    degree = network.out_degree().astype(np.float64)
    seeded_followers = np.zeros(network.n)  # a: seeds among the node's followers
    seeded_sources = np.zeros(network.n)  # b: seeds among the accounts it follows
    score = degree.copy()
    chosen = np.zeros(network.n, dtype=bool)
    out = np.empty(k, dtype=np.int64)
    for i in range(k):
        u = int(np.argmax(np.where(chosen, -np.inf, score)))
        out[i] = u
        chosen[u] = True
        followed_by_u = in_src[in_ptr[u] : in_ptr[u + 1]]  # u is one of their followers
        audience = network.out_neighbors(u)  # u is one of the accounts they follow
        seeded_followers[followed_by_u] += 1
        seeded_sources[audience] += 1
        touched = np.union1d(followed_by_u, audience)
        a, b, d = seeded_followers[touched], seeded_sources[touched], degree[touched]
        score[touched] = d - a - b - (d - a) * b * p
    return out


def degree_discount_strategy(p: float = DEFAULT_P) -> Callable[..., np.ndarray]:
    """A :func:`degree_discount` strategy for propagation probability ``p``.

    Examples
    --------
    >>> from simulator.network import Network
    >>> g = Network.from_edges([0, 0, 0, 0, 1, 1, 1, 8, 8, 8],
    ...                        [1, 2, 3, 4, 5, 6, 7, 9, 10, 11], directed=False)
    >>> degree_discount_strategy(0.5)(g, 3, np.random.default_rng(0)).tolist()
    [0, 8, 5]
    """
    p = checks.probability("p", p)

    def select(network, k, rng):
        return degree_discount(network, k, rng, p=p)

    return named(select, f"degree_discount(p={p:g})", degree_discount.__doc__)


# ----------------------------------------------------------------------- CELF
def _spread_totals(network, model, seed_sets: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Total reach over the replicates ``keys`` of each row of ``seed_sets``."""
    reps = keys.size
    rows = np.repeat(seed_sets, reps, axis=0)
    res = run_cascades(
        network, rows, model, rows.shape[0], 0, log=False, keys=np.tile(keys, len(seed_sets))
    )
    return res.reach.reshape(len(seed_sets), reps).sum(axis=1)


@njit(cache=True)
def _walk(indptr, indices, hazard, cap, sure, key, covered, v, seen, queue, mark, scratch):
    """Nodes reached from ``v`` in one live-edge world, not counting ``covered`` ones.

    The world is that of :mod:`simulator.engine.independent_cascade`: the
    live out-arcs of ``u`` are those :func:`~simulator.engine.independent_cascade.general_arcs`
    draws from node ``u``'s stream (a function of ``key`` and ``u`` only).
    Nodes already covered (reached by the chosen seeds) are skipped: whatever
    lies beyond them is covered too. With ``mark`` the new nodes are added to
    ``covered``.
    """
    if covered[v >> 6] >> np.uint64(v & 63) & np.uint64(1):
        return 0
    out_arc = scratch[0]
    seen[v] = True
    queue[0] = v
    size, head = 1, 0
    while head < size:
        u = queue[head]
        head += 1
        lo = indptr[u]
        fired = general_arcs(key, u, lo, indptr[u + 1] - lo, hazard[0], hazard, cap, sure, scratch)
        for i in range(fired):
            w = indices[out_arc[i]]
            if seen[w] or covered[w >> 6] >> np.uint64(w & 63) & np.uint64(1):
                continue
            seen[w] = True
            queue[size] = w
            size += 1
    for i in range(size):
        w = queue[i]
        seen[w] = False
        if mark:
            covered[w >> 6] |= np.uint64(1) << np.uint64(w & 63)
    return size


@njit(cache=True, parallel=True)
def _marginal_total(indptr, indices, hazard, cap, sure, keys, covered, v, mark, n_chunks):
    """New nodes reached from ``v`` summed over the replicates (and marked, if asked)."""
    n = indptr.size - 1
    reps = keys.size
    n_chunks = max(1, min(reps, n_chunks))
    totals = np.zeros(n_chunks, np.int64)
    limit = hazard[0] if hazard.size == 1 else 0.0
    for c in prange(n_chunks):
        seen = np.zeros(n, np.bool_)
        queue = np.empty(n, np.int64)
        scratch = arc_scratch(max_out_degree(indptr), limit)
        for r in range(c, reps, n_chunks):
            totals[c] += _walk(
                indptr, indices, hazard, cap, sure, keys[r], covered[r], v, seen, queue, mark,
                scratch,
            )  # fmt: skip
    return totals.sum()


class _Coverage:
    """Marginal gains over fixed live-edge worlds, as bitsets of covered nodes per world.

    Used for the one-trial-per-arc models (independent and weighted cascade),
    whose replicate ``r`` is exactly the live-edge world drawn from
    ``keys[r]``. Memory: ``replicates * n / 8`` bytes.
    """

    def __init__(self, network, model, keys):
        self.args = (
            network.indptr,
            network.indices,
            *arc_hazards(network.indptr, model.arc_probabilities(network)),
            keys,
        )
        self.covered = np.zeros((keys.size, (network.n + 63) // 64), np.uint64)

    def gain(self, chosen: list[int], v: int) -> int:
        return int(_marginal_total(*self.args, self.covered, v, False, numba.get_num_threads()))

    def add(self, v: int, gain: int) -> None:
        _marginal_total(*self.args, self.covered, v, True, numba.get_num_threads())


class _Rerun:
    """Marginal gains of any model by re-running the cascades from the enlarged set."""

    def __init__(self, network, model, keys):
        self.network, self.model, self.keys, self.base = network, model, keys, 0

    def gain(self, chosen: list[int], v: int) -> int:
        seeds = np.array([[*chosen, v]])
        return int(_spread_totals(self.network, self.model, seeds, self.keys)[0]) - self.base

    def add(self, v: int, gain: int) -> None:
        self.base += gain


def celf(
    network,
    k: int,
    rng: np.random.Generator,
    *,
    p: float = DEFAULT_P,
    replicates: int = CELF_REPLICATES,
    model=None,
) -> np.ndarray:
    """Greedy hill-climbing on Monte Carlo spread, with lazy forward (CELF) evaluation.

    The spread of a seed set is its mean reach over ``replicates`` cascades
    of ``model`` (default ``IndependentCascade(p)``) run by
    :func:`~simulator.engine.run.run_cascades`. Every estimate uses the **same**
    replicate keys, drawn once from ``rng`` (common random numbers). Since an
    arc's coin in a replicate depends only on the replicate key and the arc,
    each replicate is one fixed live-edge graph, so the estimated spread is an
    average of coverage functions: exactly monotone and submodular. Lazy
    evaluation (a stale marginal gain is an upper bound) therefore returns
    exactly what plain greedy on the estimate returns; ties go to the lower
    index. The gains are kept as integer totals, so no rounding reorders them.

    Cost: the first round runs ``n * replicates`` one-seed cascades (batched,
    compiled); later rounds re-evaluate a few candidates each. For the
    independent and weighted cascades a re-evaluation walks only the nodes
    the candidate adds in each replicate's live-edge world (the chosen seeds'
    coverage is kept as one bitset per replicate, ``replicates * n / 8``
    bytes); any other model re-runs its cascades from the enlarged set.
    On ca-GrQc (5,242 nodes), k = 50 takes about 0.1 s with 200 replicates,
    0.3 s with the default 1,000 and 3 s with 10,000 under IC p = 0.01.

    Precision: greedy is only as good as its estimates. Under IC p = 0.01 on
    ca-GrQc, where candidates differ by fractions of a node, 200 replicates
    leave CELF 1.1 +- 0.04 nodes (1.5 %) below degree discount at k = 50,
    the default 1,000 leave 0.19 +- 0.03, and 10,000 match or beat it. Raise
    ``replicates`` when the spread per seed is small.

    References
    ----------
    J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen,
    N. Glance. Cost-effective outbreak detection in networks. KDD 2007 (CELF).
    D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
    through a social network. KDD 2003 (greedy, (1 - 1/e) guarantee).

    Examples
    --------
    >>> from simulator.network import Network
    >>> from simulator import WeightedCascade
    >>> chain = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4])
    >>> celf(chain, 1, np.random.default_rng(0), p=1.0).tolist()
    [0]
    >>> celf(chain, 2, np.random.default_rng(0), model=WeightedCascade()).tolist()
    [0, 1]
    """
    k = check_k(network, k)
    replicates = checks.integer("replicates", replicates)
    model = IndependentCascade(p) if model is None else model
    keys = replicate_keys(int(rng.integers(2**63)), int(replicates), name="seeding.celf")
    if k == 0:
        return empty_seeds()
    n = network.n
    batch = max(1, CELF_BATCH // int(replicates))
    first = np.concatenate(
        [
            _spread_totals(network, model, np.arange(lo, min(lo + batch, n))[:, None], keys)
            for lo in range(0, n, batch)
        ]
    )
    heap = [(-int(g), v, 0) for v, g in enumerate(first.tolist())]
    heapq.heapify(heap)
    one_trial = isinstance(model, (IndependentCascade, WeightedCascade))
    gains = (_Coverage if one_trial else _Rerun)(network, model, keys)
    chosen: list[int] = []
    while len(chosen) < k:
        neg_gain, v, round_ = heapq.heappop(heap)
        if round_ == len(chosen):
            chosen.append(v)
            gains.add(v, -neg_gain)
            continue
        heapq.heappush(heap, (-gains.gain(chosen, v), v, len(chosen)))
    return np.asarray(chosen, dtype=np.int64)


def celf_strategy(
    p: float = DEFAULT_P, replicates: int = CELF_REPLICATES, *, model=None
) -> Callable[..., np.ndarray]:
    """A :func:`celf` strategy with IC probability ``p`` (or ``model``) and ``replicates``.

    Examples
    --------
    >>> from simulator.network import Network
    >>> chain = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4])
    >>> celf_strategy(1.0, replicates=10)(chain, 1, np.random.default_rng(0)).tolist()
    [0]
    """
    label = f"model={model!r}" if model is not None else f"p={p:g}"

    def select(network, k, rng):
        return celf(network, k, rng, p=p, replicates=replicates, model=model)

    return named(select, f"celf({label}, replicates={replicates})", celf.__doc__)
