"""Counter-based random numbers of the compiled kernels, and the per-node arc streams.

A kernel needs random numbers for *decisions* (does arc ``a`` fire in
replicate ``r``? what is node ``v``'s threshold?), and arms of an experiment
must see the same number for the same decision (common random numbers).
Drawing them from a sequential generator would tie each number to the order
of the draws, which differs between arms. A counter-based generator makes
each number a pure function of ``(key, counter)`` instead (Salmon et al.
2011): replicate ``r``'s key comes from the run's seed through
:func:`simulator.rng.replicate_keys` (a numpy ``SeedSequence``), and the
counter names the decision.

The hash is SplitMix64 (Steele, Lea & Flood 2014), the output function of
the generator that seeds xoshiro; output ``i`` of a SplitMix64 stream seeded
with ``key`` is ``mix64(key + (i + 1) * GOLDEN)`` (:func:`uniform` takes its
top 53 bits). It passes BigCrush.

Layout of the activation kernels (independent cascade, threshold, SIR)
-----------------------------------------------------------------------
Every draw of replicate ``r`` about node ``u`` comes from **node u's
stream**: the SplitMix64 stream seeded with ``node_key(key, u) =
mix64(key + (u + 1) * GOLDEN)`` (output ``u`` of the replicate's own
stream). Its counters:

- ``0``: the node's own draw: its linear-threshold threshold
  (:mod:`simulator.engine.threshold`), its SIR infectious period
  (:mod:`simulator.engine.sir`); the independent cascade does not use it;
- ``1, 2, 3, ...``: its out-arcs, in pairs (:func:`fired_arcs`): counter
  ``2i + 1`` gives the ``i``-th smallest *level* of ``u``'s ``d`` out-arcs,
  counter ``2i + 2`` which of the arcs not yet drawn carries it.

Each out-arc ``a`` of ``u`` has a level ``E_a``; the levels are independent
Exp(1), and arc ``a`` fires at probability ``p`` exactly when
``E_a < -log(1 - p)`` (the *hazard* of ``p``), which has probability ``p``.
Instead of one draw per arc, :func:`fired_arcs` draws the levels in
increasing order (Rényi's representation of exponential order statistics:
the ``(i + 1)``-th smallest of ``d`` is the ``i``-th plus ``Exp(1) / (d -
i)``), each given to an arc chosen uniformly among those not yet drawn (a
partial Fisher-Yates shuffle), and stops at the first level above the
largest hazard of ``u``'s arcs. The arcs of ``u`` that fire, and the order
in which a kernel visits them, are therefore a function of ``(key, u)`` and
the probabilities only; the work is about two draws per arc that fires plus
one per node, not one per arc. Consequences:

- common random numbers: arms run with the same keys give node ``u`` the
  same levels in replicate ``r``, whatever else differs between the arms;
- monotone coupling: an arm with higher probabilities fires a superset of
  the arcs (it only reads further along the same sorted levels);
- the independent cascade with probability ``p``, complex contagion with
  exposure probability ``p`` and ``k = 1``, and SIR with ``beta = p`` and
  ``gamma = 1`` read the same arcs in the same order: they are the same
  cascade, replicate by replicate. SIR reads further: arc ``a``'s first
  success comes ``D_a = 1 + floor(E_a / h)`` steps after ``u``'s infection
  (``h`` the hazard of ``beta``), a geometric delay;
- results do not depend on the order in which a kernel visits nodes, nor
  on the number of threads: replicate ``r`` reads only its own key.

Arcs whose probability is 1 fire without a draw (first, in CSR order);
arcs of probability 0 never do. Distinct nodes have distinct node keys
(``mix64`` is a bijection and ``GOLDEN`` odd); two streams of one replicate
share outputs only if their keys lie within a few times the degree of each
other in steps of ``GOLDEN``, a chance of order ``n**2 d / 2**64``.

Other kernels: the campaign funnel uses ``uniform(key, (t_post * m + a) * 8 +
decision)`` for a post made at step ``t_post`` along arc ``a``
(:mod:`simulator.engine.funnel`). One model runs per replicate, so only the
counters within a model must be distinct.

References
----------
J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw. Parallel random numbers:
as easy as 1, 2, 3. SC '11, 2011.
G. L. Steele Jr., D. Lea, C. H. Flood. Fast splittable pseudorandom number
generators. OOPSLA 2014.
A. Rényi. On the theory of order statistics. Acta Math. Acad. Sci. Hung. 4,
1953.
L. Devroye. Non-Uniform Random Variate Generation, ch. V.3 (exponential
spacings). Springer, 1986.

Examples
--------
>>> import numpy as np
>>> u = uniforms(np.uint64(12345), np.arange(100_000))
>>> bool(abs(u.mean() - 0.5) < 4 * (1 / 12) ** 0.5 / 100_000**0.5)
True
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE = np.uint64(1)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# A second odd constant separates the counter spaces of different decisions.
STEP_STRIDE = np.uint64(0xD1B54A32D192ED03)

__all__ = [
    "GOLDEN",
    "arc_hazards",
    "arc_scratch",
    "fired_arcs",
    "fired_levels",
    "none_below",
    "none_below_table",
    "mix64",
    "node_key",
    "node_uniform",
    "node_uniforms",
    "uniform",
    "uniforms",
]


@njit(inline="always", cache=True)
def mix64(z):
    """SplitMix64 finaliser (a bijection on 64-bit integers)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def uniform(key, counter):
    """Uniform number in [0, 1) for decision ``counter`` under ``key`` (both uint64)."""
    return float(mix64(key + (counter + _ONE) * GOLDEN) >> _S11) * _TO_UNIT


@njit(inline="always", cache=True)
def node_key(key, u):
    """Key of node ``u``'s stream in the replicate with key ``key``."""
    return mix64(key + (np.uint64(u) + _ONE) * GOLDEN)


@njit(inline="always", cache=True)
def node_uniform(key, u, counter):
    """Output ``counter`` of node ``u``'s stream, uniform in [0, 1)."""
    return uniform(node_key(key, u), np.uint64(counter))


@njit(cache=True)
def _uniforms(key, counters):
    out = np.empty(counters.size)
    for i in range(counters.size):
        out[i] = uniform(key, np.uint64(counters[i]))
    return out


def uniforms(key, counters) -> np.ndarray:
    """Vectorised :func:`uniform` (for tests and inspection)."""
    return _uniforms(np.uint64(key), np.asarray(counters, dtype=np.uint64))


@njit(cache=True)
def _node_uniforms(key, nodes, counter):
    out = np.empty(nodes.size)
    for i in range(nodes.size):
        out[i] = node_uniform(key, nodes[i], counter)
    return out


def node_uniforms(key, nodes, counter: int = 0) -> np.ndarray:
    """Output ``counter`` of the streams of ``nodes`` (default 0: the node's own draw).

    Examples
    --------
    >>> a = node_uniforms(7, np.arange(3))
    >>> bool(((a >= 0) & (a < 1)).all()), bool((node_uniforms(7, [2]) == a[2]).all())
    (True, True)
    """
    return _node_uniforms(np.uint64(key), np.asarray(nodes, dtype=np.int64), np.uint64(counter))


def arc_hazards(indptr, prob) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hazards ``-log(1 - p)`` of the arcs, and per node the bound :func:`fired_arcs` needs.

    Returns ``(hazard, cap, sure)``. When every arc has the same
    probability (or there are no arcs), ``hazard`` has size 1 (the one
    hazard) and ``cap``, ``sure`` are unused placeholders. Otherwise
    ``hazard`` has one entry per arc (``inf`` for ``p = 1``); ``cap[u, 0]``
    is the largest finite hazard of ``u``'s out-arcs (0 if none), ``cap[u,
    1]`` the matching :func:`none_below` threshold (as a float, exact below
    ``2**53``; one cache line per node), and ``sure[u]`` whether one of
    ``u``'s arcs has ``p = 1``. Computed once per run, O(m).

    Examples
    --------
    >>> hazard, cap, sure = arc_hazards([0, 2], [0.5, 0.5])  # one probability
    >>> round(float(hazard[0]), 6), cap.shape, sure.size
    (0.693147, (1, 2), 1)
    >>> hazard, cap, sure = arc_hazards([0, 2, 3, 3], [0.0, 1.0, 0.5])
    >>> hazard.tolist()[:2], cap[:, 0].round(6).tolist(), sure.tolist()
    ([0.0, inf], [0.0, 0.693147, 0.0], [True, False, False])
    >>> float(cap[1, 1] / 2.0**53)  # one arc of p = 0.5: none fires with probability 1/2
    0.5
    """
    prob = np.asarray(prob, dtype=np.float64)
    if prob.size == 0 or (prob == prob[0]).all():
        p = prob[:1] if prob.size else np.zeros(1)
        with np.errstate(divide="ignore"):
            return -np.log1p(-p), np.zeros((1, 2)), np.zeros(1, np.bool_)
    with np.errstate(divide="ignore"):
        hazard = -np.log1p(-prob)
    indptr = np.asarray(indptr, dtype=np.int64)
    n = indptr.size - 1
    infinite = np.isinf(hazard)
    has = np.diff(indptr) > 0
    starts = indptr[:-1][has]
    cap = np.zeros((n, 2))
    sure = np.zeros(n, np.bool_)
    cap[has, 0] = np.maximum.reduceat(np.where(infinite, 0.0, hazard), starts)
    cap[:, 1] = np.ceil(np.exp(-np.diff(indptr) * cap[:, 0]) * 2.0**53)
    sure[has] = np.logical_or.reduceat(infinite, starts)
    return hazard, cap, sure


@njit(inline="always", cache=True)
def none_below(d, limit):
    """The integer ``x`` from which the first of ``d`` levels lies below ``limit``.

    No level of ``d`` lies below ``limit`` with probability
    ``exp(-d * limit)`` (``(1 - p)^d`` for the hazard of ``p``), so the first
    level draw, a 53-bit integer ``x``, gives a level below ``limit`` iff
    ``x >= ceil(2**53 * exp(-d * limit))``: one comparison, no logarithm,
    for the nodes none of whose arcs fires.
    """
    return np.uint64(np.ceil(np.exp(-d * limit) * 9007199254740992.0))


@njit(cache=True)
def none_below_table(limit, max_degree):
    """:func:`none_below` for ``d = 0 .. max_degree`` (one limit for every node)."""
    out = np.empty(max_degree + 1, np.uint64)
    for d in range(max_degree + 1):
        out[d] = none_below(d, limit)
    return out


@njit(cache=True)
def arc_scratch(max_degree, limit):
    """Scratch of :func:`fired_arcs` for nodes of out-degree up to ``max_degree``.

    Returns ``(out_arc, out_level, perm, written, inverse, first)``: the
    fired arcs and their levels, the partial shuffle (all -1;
    :func:`fired_arcs` leaves it so) and the positions it wrote,
    ``inverse[k] = 1 / k``, and ``first[d] = none_below(d, limit)`` for the
    limit most nodes use.
    """
    size = max(1, max_degree)
    inverse = np.zeros(size + 1)
    for k in range(1, size + 1):
        inverse[k] = 1.0 / k
    return (
        np.empty(size, np.int64),
        np.empty(size),
        np.full(size, -1, np.int64),
        np.empty(size, np.int64),
        inverse,
        none_below_table(limit, size),
    )


@njit(inline="always", cache=True)
def fired_arcs(key, u, lo, d, limit, first, inverse, out_arc, perm, written):
    """The out-arcs of node ``u`` whose level lies below ``limit``; returns their number.

    One probability for every arc: its hazard is ``limit``. The arcs are
    written to ``out_arc[:count]`` in increasing level. :func:`fired_levels`
    draws the same numbers and also handles per-arc hazards and keeps the
    levels; this lean twin exists because every array an inlined numba
    function uses costs reference counting per call (per node here).

    Parameters
    ----------
    key : uint64
        The replicate's key; node ``u``'s stream is seeded with
        ``node_key(key, u)`` (layout in the module docstring).
    u, lo, d : int
        The node, its first arc ``indptr[u]`` and its out-degree.
    limit : float
        Stop at the first level ``>= limit``; finite (``inf`` is
        :func:`fired_levels`' case: every arc fires, in CSR order, without a
        draw).
    first : uint64
        ``none_below(d, limit)`` (``first[d]`` of :func:`arc_scratch`).
    inverse, out_arc, perm, written : arrays of :func:`arc_scratch`
    """
    if d == 0:
        return 0
    z = node_key(key, u) + (GOLDEN + GOLDEN)  # counter 1: the smallest level
    bits = mix64(z) >> _S11
    if bits < first:
        return 0
    level = min(
        -np.log((float(bits) + 1.0) * _TO_UNIT) * inverse[d],
        limit * (1.0 - 2.0**-52),  # below the limit, as the comparison with first said
    )
    n_written = 0
    i = 0
    while True:
        z += GOLDEN  # counter 2i + 2: which remaining arc carries level i
        j = i + np.int64(float(mix64(z) >> _S11) * _TO_UNIT * (d - i))
        if j >= d:
            j = d - 1
        x = perm[j]
        if x < 0:
            x = j
        y = perm[i]
        if y < 0:
            y = i
        perm[j] = y
        written[n_written] = j
        n_written += 1
        out_arc[i] = lo + x
        i += 1
        if i == d:
            break
        z += GOLDEN  # counter 2i + 1: level i
        level -= np.log((float(mix64(z) >> _S11) + 1.0) * _TO_UNIT) * inverse[d - i]
        if level >= limit:
            break
    for k in range(n_written):
        perm[written[k]] = -1
    return i


@njit(inline="always", cache=True)
def fired_levels(
    key, u, lo, d, limit, first, hazard, sure, inverse, out_arc, out_level, perm, written
):
    """:func:`fired_arcs` with per-arc hazards (thinning) and the levels kept.

    Same draws as :func:`fired_arcs`; the fired arcs go to
    ``out_arc[:count]`` and their levels to ``out_level[:count]``.

    Parameters
    ----------
    key, u, lo, d, first, inverse, perm, written
        As in :func:`fired_arcs`.
    limit : float
        Stop at the first level ``>= limit`` (the largest finite hazard of
        ``u``'s arcs; SIR: ``L * h``). ``inf``: every arc fires, in CSR
        order, at level 0, without a draw.
    hazard : float64 array
        Size 1: every level below ``limit`` fires. Else per arc: the arc at
        level ``E`` fires iff ``E < hazard[a]`` (thinning); arcs with
        ``hazard = inf`` fire at level 0 without a draw, before the others,
        in CSR order.
    sure : bool
        Whether ``u`` has arcs with ``hazard = inf`` (per-arc hazards only).
    out_arc, out_level : arrays of :func:`arc_scratch`
    """
    if d == 0:
        return 0
    if limit == np.inf:
        for i in range(d):
            out_arc[i], out_level[i] = lo + i, 0.0
        return d
    n_out = 0
    if sure:
        for a in range(lo, lo + d):
            if hazard[a] == np.inf:
                out_arc[n_out], out_level[n_out] = a, 0.0
                n_out += 1
    z = node_key(key, u) + (GOLDEN + GOLDEN)  # counter 1: the smallest level
    bits = mix64(z) >> _S11
    if bits < first:
        return n_out
    level = min(
        -np.log((float(bits) + 1.0) * _TO_UNIT) * inverse[d],
        limit * (1.0 - 2.0**-52),  # below the limit, as the comparison with first said
    )
    per_arc = hazard.size > 1
    n_written = 0
    i = 0
    while True:
        z += GOLDEN  # counter 2i + 2: which remaining arc carries level i
        j = i + np.int64(float(mix64(z) >> _S11) * _TO_UNIT * (d - i))
        if j >= d:
            j = d - 1
        x = perm[j]
        if x < 0:
            x = j
        y = perm[i]
        if y < 0:
            y = i
        perm[j] = y
        written[n_written] = j
        n_written += 1
        a = lo + x
        if not per_arc or level < hazard[a] < np.inf:
            out_arc[n_out], out_level[n_out] = a, level
            n_out += 1
        i += 1
        if i == d:
            break
        z += GOLDEN  # counter 2i + 1: level i
        level -= np.log((float(mix64(z) >> _S11) + 1.0) * _TO_UNIT) * inverse[d - i]
        if level >= limit:
            break
    for k in range(n_written):
        perm[written[k]] = -1
    return n_out
