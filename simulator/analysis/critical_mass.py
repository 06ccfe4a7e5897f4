"""Critical mass: the fewest seeds with which a cascade reaches a target share of a network.

``critical_mass_search`` finds the smallest number of seeds ``k`` for which
``P(reach >= target) >= probability``, given a function that returns the
reach of each replicate for ``k`` seeds: an exponential search (1, 2, 4, ...)
brackets it, then bisection narrows the bracket. The answer is the smallest
``k`` only if the estimated probability never falls as ``k`` grows. That
holds exactly when the replicates are coupled: each replicate keeps its
random numbers for every ``k`` (the independent cascade draws arc ``a``'s
coin from the replicate key and ``a`` alone, which fixes a live-arc graph per
replicate) and the seed sets are nested (the first ``k`` of one ordering).
Reach is then non-decreasing in ``k`` replicate by replicate.

On a network, the independent cascade with probability ``p`` has viral
coefficient ``K = p * d``, with ``d`` the mean excess degree
(:func:`mean_excess_degree`: the arcs onward from a node reached along a
random arc, the arc back not counted), so :func:`ic_probability` sets ``p =
K / d``. On an Erdős–Rényi graph of mean degree ``z``, ``d = z`` and the
large-``n`` theory (:func:`er_critical_mass`) gives the critical mass in
closed form.

Examples
--------
>>> import numpy as np
>>> reach_of_k = lambda k: np.array([10 * k, 10 * k + 5, 10 * k - 5])  # reach grows with k
>>> res = critical_mass_search(reach_of_k, target=100, probability=0.6, k_max=50)
>>> res.seeds, sorted(res.probes)  # P(reach >= 100) = 2/3 first at k = 10
(10, [1, 2, 4, 8, 9, 10, 12, 16])

References
----------
M. E. J. Newman. Spread of epidemic disease on networks. Physical Review E
66, 016128, 2002 (transmissibility, excess degree, outbreak size).
D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence through
a social network. KDD 2003 (live-arc graphs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator import checks
from simulator.analysis.branching import extinction_probability

__all__ = [
    "CriticalMass",
    "critical_mass_search",
    "mean_excess_degree",
    "ic_probability",
    "giant_fraction",
    "er_critical_mass",
]


@dataclass
class CriticalMass:
    """Result of :func:`critical_mass_search`.

    Attributes
    ----------
    seeds : int or None
        The smallest ``k`` that meets the target (None if ``k_max`` does not).
    probes : dict of int -> array
        The reach of every replicate at each ``k`` tried, in the order tried.
    """

    seeds: int | None
    probes: dict[int, np.ndarray] = field(default_factory=dict)

    def success(self, target: float) -> dict[int, float]:
        """Estimated ``P(reach >= target)`` at each ``k`` tried, in increasing ``k``."""
        return {k: float(np.mean(self.probes[k] >= target)) for k in sorted(self.probes)}


def critical_mass_search(
    reach_of_k: Callable[[int], np.ndarray],
    target: float,
    probability: float,
    k_max: int,
) -> CriticalMass:
    """Smallest ``k <= k_max`` with ``mean(reach_of_k(k) >= target) >= probability``.

    Exponential search over ``k = 1, 2, 4, ...`` (capped at ``k_max``), then
    bisection between the last ``k`` that fails and the first that succeeds:
    about ``2 log2(k*)`` calls. Deterministic when ``reach_of_k`` is. Exact
    (the smallest such ``k``) when the success rate is non-decreasing in
    ``k``; see the module notes for a coupling that guarantees it.
    """
    probability = checks.real("probability", probability, 0.0, 1.0, low_open=True)
    k_max = checks.integer("k_max", k_max)
    probes: dict[int, np.ndarray] = {}

    def ok(k: int) -> bool:
        if k not in probes:
            probes[k] = np.asarray(reach_of_k(k))
        return float(np.mean(probes[k] >= target)) >= probability

    lo, k = 0, 1  # invariant: lo fails (or is 0)
    while not ok(k):
        if k == k_max:
            return CriticalMass(None, probes)
        lo, k = k, min(2 * k, k_max)
    hi = k
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return CriticalMass(hi, probes)


def mean_excess_degree(network) -> float:
    """Mean number of onward arcs from a node reached along a uniformly chosen arc.

    For arc ``u -> v``: the out-degree of ``v`` minus 1 if ``v -> u`` exists
    (the message does not go back). Undirected networks: ``<k^2>/<k> - 1``;
    Erdős–Rényi: the mean degree.

    Examples
    --------
    >>> from simulator import Network
    >>> star = Network.from_edges([0, 0, 0], [1, 2, 3], directed=False)
    >>> mean_excess_degree(star)  # leaves pass to 2 others, the hub to none
    1.0
    """
    if network.m == 0:
        return 0.0
    out = network.out_degree()
    back = network.reverse_arc_index() >= 0
    return float(np.mean(out[network.indices] - back))


def ic_probability(viral_coefficient: float, network) -> float:
    """The independent-cascade probability ``p = K / d`` that gives viral coefficient ``K``.

    ``d`` is :func:`mean_excess_degree`. Raises ``ValueError`` when ``K > d``
    (no probability can reach it on this network). Random seeds bring
    ``p`` times the mean out-degree on average, which equals ``K`` on an
    Erdős–Rényi graph but exceeds it on heavy-tailed ones.
    """
    viral_coefficient = checks.real("viral coefficient", viral_coefficient, 0.0)
    d = mean_excess_degree(network)
    if viral_coefficient == 0:
        return 0.0
    if viral_coefficient > d:
        raise ValueError(
            f"viral coefficient {viral_coefficient:g} exceeds the network's mean excess "
            f"degree {d:.3g}: no cascade probability reaches it"
        )
    return float(viral_coefficient / d)


def giant_fraction(viral_coefficient: float) -> float:
    """Share of a large Erdős–Rényi network one seed reaches when it takes off.

    ``S = 1 - exp(-K S)``: the survival probability of a Poisson(K) branching
    process, ``1 - q`` (:func:`~simulator.analysis.branching.extinction_probability`).

    Examples
    --------
    >>> round(giant_fraction(2.0), 4), giant_fraction(0.9)
    (0.7968, 0.0)
    """
    return 1.0 - extinction_probability(viral_coefficient)


def er_critical_mass(viral_coefficient: float, n: int, fraction: float, probability: float) -> int:
    """Large-``n`` critical mass for the independent cascade on Erdős–Rényi graphs.

    Two regimes:

    * ``fraction <= S`` (the giant share, :func:`giant_fraction`): one seed
      that takes off reaches ``S``; each of ``k`` random seeds does so
      independently with probability ``S``, so ``k = ceil(log(1 - probability)
      / log(1 - S))``;
    * otherwise: a share ``rho`` of seeds reaches ``X`` solving ``X = 1 - (1 -
      rho) exp(-K X)`` (bond percolation with initial seeds, Poisson degrees),
      so ``k = ceil(n (1 - (1 - X) exp(K X)))``. Fluctuations, which the
      ``probability`` requirement adds to, are of lower order.

    Near ``fraction = S`` neither is accurate.

    Examples
    --------
    >>> er_critical_mass(2.0, 10_000, 0.2, 0.9), er_critical_mass(0.5, 10_000, 0.1, 0.9)
    (2, 539)
    """
    fraction = checks.real("fraction", fraction, 0.0, 1.0, low_open=True)
    if not 0 < probability < 1:
        raise ValueError(f"probability must be in (0, 1), got {probability}")
    s = giant_fraction(viral_coefficient)
    if fraction <= s:
        if s >= 1.0:
            return 1
        return max(1, math.ceil(math.log(1.0 - probability) / math.log(1.0 - s) - 1e-12))
    rho = 1.0 - (1.0 - fraction) * math.exp(viral_coefficient * fraction)
    return max(1, math.ceil(n * rho - 1e-9))
