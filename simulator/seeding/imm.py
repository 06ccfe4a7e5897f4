"""IMM seeding: reverse-influence sampling with the martingale bound of Tang, Shi & Xiao.

:func:`imm` picks seeds for an independent cascade with per-arc probability
``p`` (default :data:`~simulator.seeding.common.DEFAULT_P` = 0.01) or for any
model with ``arc_probabilities`` (e.g.
:class:`~simulator.engine.models.WeightedCascade`); :func:`imm_strategy`
returns one with other parameters and the registry signature.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> two_chains = Network.from_edges([0, 1, 2, 5, 6], [1, 2, 3, 6, 7], n=8)
>>> sorted(imm(two_chains, 2, np.random.default_rng(0), p=1.0).tolist())
[0, 5]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

from simulator import checks
from simulator.engine.counter_rng import uniform
from simulator.engine.models import IndependentCascade
from simulator.seeding.common import DEFAULT_P, check_k, empty_seeds, in_arcs, named

__all__ = ["IMM_EPSILON", "IMM_MAX_ENTRIES", "imm", "imm_strategy"]

#: Approximation slack of :func:`imm` (its guarantee is 1 - 1/e - epsilon).
IMM_EPSILON = 0.5
#: Most node entries IMM keeps over all its RR sets (int32: 4 bytes each).
IMM_MAX_ENTRIES = 50_000_000


@njit(cache=True)
def _rr_sets(in_ptr, in_src, in_arc, prob, m, root_key, arc_key, first, count, max_entries):
    """RR sets ``first .. first + count - 1``: flat nodes and their end offsets.

    Set ``j`` has root ``floor(n * uniform(root_key, j))`` and walks the
    reversed arcs; arc ``a`` is live in set ``j`` iff
    ``uniform(arc_key, j * m + a) < prob[a]``. Returns (-1 entries) when the
    sets would exceed ``max_entries`` nodes.
    """
    n = in_ptr.size - 1
    seen = np.zeros(n, np.bool_)
    queue = np.empty(n, np.int64)
    cap = max(16, 2 * count)
    nodes = np.empty(cap, np.int32)
    ends = np.empty(count, np.int64)
    total = 0
    for i in range(count):
        j = np.uint64(first + i)
        root = min(int(uniform(root_key, j) * n), n - 1)
        seen[root] = True
        queue[0] = root
        size, head = 1, 0
        while head < size:
            v = queue[head]
            head += 1
            for b in range(in_ptr[v], in_ptr[v + 1]):
                u = in_src[b]
                if not seen[u]:
                    a = in_arc[b]
                    if uniform(arc_key, j * np.uint64(m) + np.uint64(a)) < prob[a]:
                        seen[u] = True
                        queue[size] = u
                        size += 1
        if total + size > max_entries:
            return nodes[:0], ends[:0], -1
        if total + size > nodes.size:
            grown = np.empty(max(2 * nodes.size, total + size), np.int32)
            grown[:total] = nodes[:total]
            nodes = grown
        for q in range(size):
            nodes[total + q] = queue[q]
            seen[queue[q]] = False
        total += size
        ends[i] = total
    return nodes[:total], ends, total


@njit(cache=True)
def _max_coverage(nodes, ends, n, k):
    """Greedy maximum coverage of the RR sets; returns (k nodes, sets covered)."""
    sets = ends.size
    starts = np.zeros(sets, np.int64)
    starts[1:] = ends[:-1]
    count = np.zeros(n, np.int64)
    for x in nodes:
        count[x] += 1
    ptr = np.zeros(n + 1, np.int64)
    for v in range(n):
        ptr[v + 1] = ptr[v] + count[v]
    fill = ptr[:-1].copy()
    member = np.empty(nodes.size, np.int64)  # sets holding each node, grouped by node
    for s in range(sets):
        for e in range(starts[s], ends[s]):
            v = nodes[e]
            member[fill[v]] = s
            fill[v] += 1
    covered = np.zeros(sets, np.bool_)
    chosen = np.zeros(n, np.bool_)
    out = np.empty(k, np.int64)
    total = 0
    for i in range(k):
        best, best_count = -1, -1
        for v in range(n):
            if not chosen[v] and count[v] > best_count:
                best, best_count = v, count[v]
        out[i] = best
        chosen[best] = True
        total += best_count
        for e in range(ptr[best], ptr[best + 1]):
            s = member[e]
            if not covered[s]:
                covered[s] = True
                for f in range(starts[s], ends[s]):
                    count[nodes[f]] -= 1
    return out, total


class _RRSets:
    """RR sets of one phase of IMM, grown on demand; bounded to ``max_entries`` nodes."""

    def __init__(self, network, prob, rng, max_entries):
        self.args = (*in_arcs(network), np.ascontiguousarray(prob, np.float64), network.m)
        self.root_key, self.arc_key = (np.uint64(x) for x in rng.integers(2**63, size=2))
        self.max_entries = max_entries
        self.nodes, self.ends = np.empty(0, np.int32), np.empty(0, np.int64)

    def extend_to(self, count: int) -> None:
        have = self.ends.size
        if count <= have:
            return
        used = int(self.ends[-1]) if have else 0
        nodes, ends, total = _rr_sets(
            *self.args, self.root_key, self.arc_key, have, count - have, self.max_entries - used
        )
        if total < 0:
            raise ValueError(
                f"IMM needs more than max_entries = {self.max_entries:,} RR-set entries "
                f"({count:,} sets); raise epsilon or max_entries"
            )
        self.nodes = np.concatenate([self.nodes, nodes])
        self.ends = np.concatenate([self.ends, ends + used])

    def select(self, n: int, k: int) -> tuple[np.ndarray, float]:
        """Greedy seeds and the fraction of the sets they cover."""
        seeds, covered = _max_coverage(self.nodes, self.ends, n, k)
        return seeds, covered / max(self.ends.size, 1)


def imm(
    network,
    k: int,
    rng: np.random.Generator,
    *,
    p: float = DEFAULT_P,
    epsilon: float = IMM_EPSILON,
    ell: float = 1.0,
    model=None,
    max_entries: int = IMM_MAX_ENTRIES,
) -> np.ndarray:
    """IMM: reverse-influence sampling with a martingale bound on the number of RR sets.

    A random reverse-reachable (RR) set is the set of nodes that reach a
    uniformly chosen root in a random live-edge graph; the spread of ``S`` is
    ``n`` times the chance that ``S`` meets an RR set, so greedy maximum
    coverage of enough RR sets is a ``(1 - 1/e - epsilon)``-approximation with
    probability at least ``1 - n^-ell``. The number of sets follows Tang, Shi
    & Xiao (Algorithms 1-3: a lower bound on the optimum from doubling
    guesses, then ``theta = lambda* / LB``). As Chen (2018) advises, the final
    sets are drawn afresh rather than reusing those of the estimation phase.

    Arc probabilities come from ``model.arc_probabilities`` (default
    ``IndependentCascade(p)``; ``WeightedCascade()`` works too). The RR-set
    walk is compiled and its coins are counter-based uniforms keyed by two
    numbers drawn from ``rng``, so the result depends only on ``rng``. Memory
    is bounded: more than ``max_entries`` stored nodes raises ``ValueError``.

    Cost and quality: on ca-GrQc (5,242 nodes) under IC p = 0.01, k = 50
    takes 0.04 s with the default epsilon = 0.5 (about 2 x 10^5 RR sets) and
    reaches 66.5 nodes, against 73.6 for CELF with 10,000 replicates; with
    epsilon = 0.1 (4 x 10^6 sets, about 1 s) it reaches 73.1. The guarantee
    is a worst case; a small epsilon buys quality on small networks.

    References
    ----------
    Y. Tang, Y. Shi, X. Xiao. Influence maximization in near-linear time: a
    martingale approach. SIGMOD 2015.
    C. Borgs, M. Brautbar, J. Chayes, B. Lucier. Maximizing social influence
    in nearly optimal time. SODA 2014 (reverse-influence sampling).
    W. Chen. An issue in the martingale analysis of the influence maximization
    algorithm IMM. arXiv:1808.09363, 2018.

    Examples
    --------
    >>> from simulator.network import Network
    >>> chain = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4])
    >>> imm(chain, 1, np.random.default_rng(0), p=1.0).tolist()
    [0]
    """
    k = check_k(network, k)
    if not 0.0 < epsilon < 1.0:
        raise ValueError(f"epsilon must lie in (0, 1), got {epsilon}")
    ell = checks.real("ell", ell, 0.0, low_open=True)
    model = IndependentCascade(p) if model is None else model
    prob = model.arc_probabilities(network)
    phase1 = _RRSets(network, prob, rng, max_entries)
    final = _RRSets(network, prob, rng, max_entries)
    n = network.n
    if k == 0:
        return empty_seeds()
    if n <= 2 or k == n:
        final.extend_to(max(1, 64 * n))
        return final.select(n, k)[0]
    log_n = math.log(n)
    ell = ell * (1.0 + math.log(2) / log_n)
    log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    eps1 = math.sqrt(2) * epsilon
    lam1 = (2 + 2 * eps1 / 3) * (log_cnk + ell * log_n + math.log(math.log2(n))) * n / eps1**2
    lower = 1.0
    for i in range(1, int(math.log2(n))):
        x = n / 2**i
        phase1.extend_to(math.ceil(lam1 / x))
        covered = phase1.select(n, k)[1]
        if n * covered >= (1 + eps1) * x:
            lower = n * covered / (1 + eps1)
            break
    del phase1
    e1 = 1 - 1 / math.e
    alpha = math.sqrt(ell * log_n + math.log(2))
    beta = math.sqrt(e1 * (log_cnk + ell * log_n + math.log(2)))
    lam_star = 2 * n * (e1 * alpha + beta) ** 2 / epsilon**2
    final.extend_to(math.ceil(lam_star / lower))
    return final.select(n, k)[0]


def imm_strategy(
    p: float = DEFAULT_P, epsilon: float = IMM_EPSILON, *, ell: float = 1.0, model=None
) -> Callable[..., np.ndarray]:
    """An :func:`imm` strategy with IC probability ``p`` (or ``model``) and ``epsilon``.

    Examples
    --------
    >>> from simulator.network import Network
    >>> chain = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4])
    >>> imm_strategy(1.0, epsilon=0.3)(chain, 1, np.random.default_rng(0)).tolist()
    [0]
    """
    label = f"model={model!r}" if model is not None else f"p={p:g}"

    def select(network, k, rng):
        return imm(network, k, rng, p=p, epsilon=epsilon, ell=ell, model=model)

    return named(select, f"imm({label}, epsilon={epsilon:g})", imm.__doc__)
