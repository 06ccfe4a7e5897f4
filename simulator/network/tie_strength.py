"""Tie-strength models: from raw arc data or structure to ``Network.strength`` in [0, 1].

Each model returns a **new** network with ``strength`` replaced; the input is
never modified.

- :func:`strength_from_weights`: a raw weight scaled to [0, 1] (max, log or rank);
- :func:`strength_from_overlap`: neighbourhood overlap of the endpoints (Onnela et al.);
- :func:`strength_from_interactions`: a saturating count ``c / (c + h)``;
- :func:`random_strength`: Beta(a, b), equal on both arcs of a reciprocated pair.

:func:`strong_ties` and :func:`tie_type` classify arcs as strong or weak. The
configuration that chooses between the models is
:class:`~simulator.network.ties.TieModel`; every name here is also importable
from :mod:`simulator.network.ties`.

>>> net = Network.from_edges([0, 1, 2], [1, 2, 0], arc_attrs={"weight": [1, 2, 4]})
>>> tie_type(strength_from_weights(net), 0.5).tolist()
['weak', 'strong', 'strong']

References
----------
M. S. Granovetter, "The strength of weak ties", American Journal of Sociology
78(6):1360-1380, 1973.

J.-P. Onnela, J. Saramaki, J. Hyvonen, G. Szabo, D. Lazer, K. Kaski, J. Kertesz,
A.-L. Barabasi, "Structure and tie strengths in mobile communication networks",
PNAS 104(18):7332-7336, 2007.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from simulator import checks
from simulator.network.core import Network
from simulator.network.raw_arc_columns import arc_column

__all__ = [
    "WEIGHT_METHODS",
    "random_strength",
    "strength_from_interactions",
    "strength_from_overlap",
    "strength_from_weights",
    "strong_ties",
    "tie_type",
]

#: Normalisations accepted by :func:`strength_from_weights`.
WEIGHT_METHODS = ("max", "log", "rank")


def strength_from_weights(
    net: Network, weights=None, attr: str = "weight", method: str = "max"
) -> Network:
    """Tie strength from non-negative raw weights, scaled to [0, 1].

    Parameters
    ----------
    net : Network
    weights : array-like of float, shape (m,), optional
        Raw weight per arc (aligned with ``net.indices``); defaults to the raw
        column ``net.arc_attrs[attr]``.
    attr : str, default "weight"
        Name of the raw arc column used when ``weights`` is not given.
    method : {"max", "log", "rank"}, default "max"
        ``"max"``: ``w / max(w)``. ``"log"``: ``log1p(w) / log1p(max(w))``, which
        compresses heavy-tailed counts. ``"rank"``: the empirical CDF
        ``#{w' <= w} / m``, so the strongest tie gets 1, equal weights get equal
        strengths and even the weakest tie gets a positive strength. When every
        weight is 0, ``"max"`` and ``"log"`` give 0 everywhere.

    Returns
    -------
    Network
        A copy with ``strength`` replaced.

    Raises
    ------
    ValueError
        If a weight is negative (signed data are ratings: use
        :func:`trust_from_ratings`), NaN or infinite, or ``method`` is unknown.

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], arc_attrs={"weight": [1, 3, 9]})
    >>> strength_from_weights(net).strength.round(3).tolist()
    [0.111, 0.333, 1.0]
    >>> strength_from_weights(net, method="log").strength.round(3).tolist()
    [0.301, 0.602, 1.0]
    >>> strength_from_weights(net, method="rank").strength.round(3).tolist()
    [0.333, 0.667, 1.0]
    """
    if method not in WEIGHT_METHODS:
        raise ValueError(f"method must be one of {WEIGHT_METHODS}, got {method!r}")
    w = arc_column(net, weights, attr, "weights")
    if w.size and w.min() < 0:
        raise ValueError(
            f"weights must be >= 0, got minimum {w.min():g}; signed values are ratings: "
            "use simulator.network.ties.trust_from_ratings to map them to trust"
        )
    if w.size == 0:
        return net.with_arc_attrs(strength=w)
    top = w.max()
    if method == "rank":
        strength = np.searchsorted(np.sort(w), w, side="right") / w.size
    elif top == 0:
        strength = np.zeros_like(w)
    elif method == "max":
        strength = w / top
    else:
        strength = np.log1p(w) / np.log1p(top)
    return net.with_arc_attrs(strength=np.clip(strength, 0.0, 1.0))


def strength_from_overlap(net: Network) -> Network:
    """Tie strength as the neighbourhood overlap of its endpoints (Onnela et al.).

    For the tie between ``i`` and ``j`` the overlap is

    .. math:: O_{ij} = \\frac{n_{ij}}{(k_i - 1) + (k_j - 1) - n_{ij}},

    where ``n_ij`` is the number of common neighbours and ``k_i`` the degree,
    both on the undirected skeleton of the network (``i ~ j`` if ``i -> j`` or
    ``j -> i``). ``O = 0`` when the denominator is 0 (both endpoints have
    degree 1). Both arcs of a reciprocated pair get the same value. Onnela et
    al. [1]_ found overlap increases with tie strength, in line with
    Granovetter's weak-ties hypothesis [2]_, so it serves as a structural proxy
    for strength when no interaction data exist.

    Common neighbours are counted with one sparse product ``(A @ A)`` masked by
    ``A``; its cost grows with the sum of squared degrees.

    Parameters
    ----------
    net : Network

    Returns
    -------
    Network
        A copy with ``strength`` replaced by the overlap in [0, 1].

    References
    ----------
    .. [1] J.-P. Onnela et al., "Structure and tie strengths in mobile
       communication networks", PNAS 104(18):7332-7336, 2007, eq. (1).
    .. [2] M. S. Granovetter, "The strength of weak ties", American Journal of
       Sociology 78(6):1360-1380, 1973.

    Examples
    --------
    A triangle with a pendant node 3 attached to node 2:

    >>> net = Network.from_edges([0, 1, 2, 2], [1, 2, 0, 3], directed=False)
    >>> src, dst = net.edges()
    >>> [(int(u), int(v), round(float(o), 3)) for u, v, o in
    ...  zip(src, dst, strength_from_overlap(net).strength) if u < v]
    [(0, 1, 1.0), (0, 2, 0.5), (1, 2, 0.5), (2, 3, 0.0)]
    """
    n, m = net.n, net.m
    if m == 0:
        return net.with_arc_attrs(strength=np.zeros(0))
    src, dst = net.edges()
    adj = sp.csr_array((np.ones(m, dtype=np.int64), (src, dst)), shape=(n, n))
    sym = (adj + adj.T).tocsr()
    sym.data[:] = 1  # undirected skeleton, 0/1 entries
    degree = np.diff(sym.indptr).astype(np.float64)
    common = sp.csr_array((sym @ sym).multiply(sym))
    shared = np.asarray(common[src, dst], dtype=np.float64).ravel()
    denom = (degree[src] - 1.0) + (degree[dst] - 1.0) - shared
    overlap = np.divide(shared, denom, out=np.zeros(m), where=denom > 0)
    return net.with_arc_attrs(strength=np.clip(overlap, 0.0, 1.0))


def strength_from_interactions(
    net: Network, counts=None, attr: str = "weight", half_saturation: float | None = None
) -> Network:
    """Tie strength from interaction counts with a saturating curve ``c / (c + h)``.

    Each further interaction (message, call, favour) adds less strength than
    the previous one, and no count reaches 1. ``h`` is the count at which a tie
    is half as strong as possible. A tie with zero interactions gets strength 0.

    Parameters
    ----------
    net : Network
    counts : array-like of float >= 0, shape (m,), optional
        Interactions per arc; defaults to ``net.arc_attrs[attr]``. Non-integer
        values (e.g. minutes of calls) are allowed.
    attr : str, default "weight"
    half_saturation : float > 0, optional
        ``h``. Defaults to the median of the **non-zero** counts, so the typical
        interacting tie gets strength 0.5 (the plain median would be 0, hence
        useless, whenever most arcs have no interactions). When every count is
        0 every strength is 0.

    Returns
    -------
    Network
        A copy with ``strength`` replaced.

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 0], arc_attrs={"weight": [0, 1, 3, 9]})
    >>> strength_from_interactions(net).strength.tolist()  # h = median(1, 3, 9) = 3
    [0.0, 0.25, 0.5, 0.75]
    >>> strength_from_interactions(net, half_saturation=1).strength.tolist()
    [0.0, 0.5, 0.75, 0.9]
    """
    c = arc_column(net, counts, attr, "counts")
    if c.size and c.min() < 0:
        raise ValueError(f"counts must be >= 0, got minimum {c.min():g}")
    if half_saturation is None:
        positive = c[c > 0]
        h = float(np.median(positive)) if positive.size else 1.0
    else:
        h = checks.real("half_saturation", half_saturation, 0.0, low_open=True)
    return net.with_arc_attrs(strength=c / (c + h))


def random_strength(
    net: Network, a: float, b: float, rng: np.random.Generator, symmetric: bool = True
) -> Network:
    """Tie strength drawn from a Beta(a, b) distribution, one value per tie.

    Parameters
    ----------
    net : Network
    a, b : float > 0
        Beta shape parameters; the mean strength is ``a / (a + b)``.
    rng : numpy.random.Generator
    symmetric : bool, default True
        If True both arcs of a reciprocated pair ``u -> v``, ``v -> u`` get the
        same value (a friendship is equally strong both ways); otherwise every
        arc gets its own draw.

    Returns
    -------
    Network
        A copy with ``strength`` replaced.

    Examples
    --------
    >>> net = Network.from_edges([0, 1], [1, 2], directed=False)
    >>> s = random_strength(net, 2.0, 5.0, np.random.default_rng(1)).strength
    >>> src, dst = net.edges()
    >>> bool(s[(src == 0) & (dst == 1)][0] == s[(src == 1) & (dst == 0)][0])
    True
    """
    a = checks.real("a", a, 0.0, low_open=True)
    b = checks.real("b", b, 0.0, low_open=True)
    draws = rng.beta(a, b, size=net.m)
    if symmetric and net.m:
        idx = np.arange(net.m)
        rev = net.reverse_arc_index()
        canonical = np.where(rev >= 0, np.minimum(idx, rev), idx)
        draws = draws[canonical]
    return net.with_arc_attrs(strength=draws)


def strong_ties(net: Network, threshold: float) -> np.ndarray:
    """Boolean mask of arcs whose strength is at least ``threshold``.

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], weight=[0.2, 0.5, 0.9])
    >>> strong_ties(net, 0.5).tolist()
    [False, True, True]
    """
    threshold = checks.probability("threshold", threshold)
    return net.strength >= threshold


def tie_type(net: Network, threshold: float) -> np.ndarray:
    """``"strong"`` or ``"weak"`` for every arc (strong when strength >= threshold).

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], weight=[0.2, 0.5, 0.9])
    >>> tie_type(net, 0.5).tolist()
    ['weak', 'strong', 'strong']
    """
    return np.where(strong_ties(net, threshold), "strong", "weak")
