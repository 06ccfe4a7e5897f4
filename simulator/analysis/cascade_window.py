"""Watts' cascade window: when one seed can start a global threshold cascade.

In Watts' threshold model (:class:`~simulator.engine.textbook.FractionalThreshold`)
a node of degree ``k`` is *vulnerable* when one active neighbour suffices,
``1 / k >= phi``. On a large, locally tree-like random graph with degree law
``p_k`` and mean degree ``z``, a single seed starts a global cascade exactly
when it touches the giant cluster of vulnerable nodes, which exists when

    ``sum_k k (k - 1) p_k rho_k > z``   (``rho_k = 1`` if ``k`` is vulnerable)

(Watts 2002, eq. 3): :func:`cascade_condition` returns the left side over
``z``. The chance that an edge does *not* lead into the giant vulnerable
cluster is the smallest root ``u`` of

    ``u = 1 - sum_k q_k rho_k (1 - u^(k - 1))``,   ``q_k = k p_k / z``

(site percolation with degree-dependent occupation, Callaway et al. 2000),
and a seed of degree ``k`` touches the cluster with probability
``1 - u^k``: :func:`trigger_probability` averages it over the seed's degree
law, e.g. a uniformly random node (``p_k`` itself) or an "influential" drawn
from the top of the degree distribution (:func:`top_degree_law`). These are
limits for ``n -> infinity``; near the edges of the window finite networks
cascade more often than the limit says.

References
----------
D. J. Watts. A simple model of global cascades on random networks. PNAS
99(9), 5766-5771, 2002.
D. S. Callaway, M. E. J. Newman, S. H. Strogatz, D. J. Watts. Network
robustness and fragility: percolation on random graphs. Physical Review
Letters 85, 5468, 2000.
D. J. Watts, P. S. Dodds. Influentials, networks, and public opinion
formation. Journal of Consumer Research 34(4), 441-458, 2007.

Examples
--------
Inside the window (``phi = 0.18``, mean degree 4) a top-10% seed is a bit
more likely to start a global cascade than a random one; at mean degree 12
neither can:

>>> pk = poisson_degree_law(4.0)
>>> p_random = trigger_probability(pk, 0.18)
>>> p_top = trigger_probability(pk, 0.18, top_degree_law(pk, 0.1))
>>> round(p_random, 3), round(p_top / p_random, 3)
(0.865, 1.15)
>>> trigger_probability(poisson_degree_law(12.0), 0.18)
0.0
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from simulator import checks

__all__ = [
    "cascade_condition",
    "poisson_degree_law",
    "top_degree_law",
    "trigger_probability",
    "vulnerable",
]


def poisson_degree_law(mean_degree: float, tail: float = 1e-15) -> np.ndarray:
    """``p_k`` of a Poisson(``mean_degree``) law (the large-``n`` limit of G(n, p)).

    Truncated where the upper tail falls below ``tail``.

    Examples
    --------
    >>> pk = poisson_degree_law(3.0)
    >>> round(float(pk.sum()), 12), round(float(np.arange(pk.size) @ pk), 12)
    (1.0, 3.0)
    """
    mean_degree = checks.real("mean_degree", mean_degree, 0.0)
    kmax = int(stats.poisson.isf(tail, mean_degree)) + 1
    return stats.poisson.pmf(np.arange(kmax + 1), mean_degree)


def vulnerable(k, phi: float) -> np.ndarray:
    """Whether degree ``k`` is vulnerable to one active neighbour: ``k >= 1`` and ``1/k >= phi``.

    Examples
    --------
    >>> vulnerable(np.arange(7), 0.18).tolist()
    [False, True, True, True, True, True, False]
    """
    k = np.asarray(k)
    return (k >= 1) & (1.0 / np.maximum(k, 1) >= phi)


def _check_law(pk) -> np.ndarray:
    pk = np.asarray(pk, dtype=np.float64)
    if pk.ndim != 1 or (pk < 0).any() or not np.isclose(pk.sum(), 1.0):
        raise ValueError("a degree law must be a 1-D array of probabilities summing to 1")
    return pk


def cascade_condition(pk, phi: float) -> float:
    """``sum_k k (k - 1) p_k rho_k / z``; above 1 a single seed can start a global cascade.

    Examples
    --------
    >>> cascade_condition(poisson_degree_law(4.0), 0.18) > 1 > cascade_condition(
    ...     poisson_degree_law(8.0), 0.18)
    True
    """
    pk = _check_law(pk)
    k = np.arange(pk.size)
    z = float(k @ pk)
    if z == 0:
        return 0.0
    return float((k * (k - 1) * vulnerable(k, phi)) @ pk) / z


def _edge_miss(pk, phi: float) -> float:
    """Smallest root ``u`` in [0, 1] of ``u = 1 - sum_k q_k rho_k (1 - u^(k-1))``."""
    k = np.arange(pk.size)
    z = float(k @ pk)
    if z == 0 or cascade_condition(pk, phi) <= 1.0:
        return 1.0
    qk = np.where(vulnerable(k, phi), k * pk / z, 0.0)
    km1 = np.maximum(k - 1, 0)

    def gap(u):
        return u - (1.0 - float(qk @ (1.0 - u**km1)))

    # gap(0) <= 0; gap(1) = 0 with slope 1 - condition < 0, so gap > 0 just below 1.
    top = 1.0 - 1e-3
    while gap(top) <= 0 and top < 1.0 - 1e-15:
        top = 1.0 - (1.0 - top) / 1e3
    if gap(top) <= 0:
        return 1.0
    return brentq(gap, 0.0, top, xtol=1e-15)


def trigger_probability(pk, phi: float, seed_law=None) -> float:
    """Chance that one seed starts a global cascade (large-``n`` limit).

    Parameters
    ----------
    pk : array of float
        The network's degree law, ``pk[k] = P(degree = k)``.
    phi : float
        The adoption threshold, in (0, 1].
    seed_law : array of float, optional
        The seed's degree law; default ``pk`` (a uniformly random node).

    Returns
    -------
    float
        ``sum_k seed_law[k] (1 - u^k)``, 0 outside the cascade window.
    """
    pk = _check_law(pk)
    seed_law = pk if seed_law is None else _check_law(seed_law)
    u = _edge_miss(pk, phi)
    if u >= 1.0:
        return 0.0
    k = np.arange(seed_law.size)
    return float(seed_law @ (1.0 - u**k))


def top_degree_law(pk, fraction: float) -> np.ndarray:
    """Degree law of the top ``fraction`` of nodes by degree.

    Nodes of the cut-off degree join in the share that fills ``fraction``
    (ties broken at random, or by an index unrelated to degree).

    Examples
    --------
    >>> top_degree_law([0.5, 0.3, 0.2], 0.3).round(3).tolist()
    [0.0, 0.333, 0.667]
    """
    pk = _check_law(pk)
    fraction = checks.real("fraction", fraction, 0.0, 1.0, low_open=True)
    above = np.concatenate([np.cumsum(pk[::-1])[::-1][1:], [0.0]])  # P(degree > k)
    share = np.clip(fraction - above, 0.0, pk)
    return share / share.sum()
