"""Compiled kernel for the discrete-time SIR epidemic on a network.

Semantics. At step 0 the seeds are infected; everyone else is susceptible.
At every step ``t = 1, 2, ...`` each node that is infectious (infected at a
step ``< t`` and not yet recovered) passes the infection along each out-arc
to a susceptible target with probability ``beta``, independently per arc and
step; a target hit by several arcs in one step is infected once. Then each
infectious node recovers with probability ``gamma``. A node is therefore
infectious for ``L ~ Geometric(gamma)`` steps (``L >= 1``, ``L = 1`` when
``gamma = 1``, never recovering when ``gamma = 0``). Reach counts the nodes
ever infected; depth is the last step with a new infection. The epidemic is
followed up to step ``max_steps``: infections after it are not simulated.

How the kernel runs it (same law, less work). Stepping through time would
look at every arc of an infectious node once per step, ``L`` times. The
kernel draws instead, once per examined arc ``a = u -> v``, the number of
steps ``D_a`` after ``u``'s infection at which arc ``a``'s first success
would come, ``D_a ~ Geometric(beta)`` by inversion of ``uniform(key, a)``,
and once per infected node its infectious period ``L_u`` by inversion of
``uniform(key, PERIOD_BASE + u)``. Arc ``a`` transmits iff ``D_a <= L_u``,
and ``v`` is infected at ``t_v = min_u (t_u + D_a)`` over its infected
in-neighbours with transmitting arcs, which a Dijkstra-like sweep (a binary
heap keyed by step, ties in order of discovery) computes. Successes of arc
``a`` after its first are irrelevant (``v`` is no longer susceptible), and the
per-step coins of distinct arcs and nodes are independent, so the infection
times -- hence reach, depth and the events -- have exactly the law of the
step-by-step process (the locally dependent percolation of Kenah & Robins
2007); the tests check this against a literal step-by-step simulation. The
cost is one or two draws per arc examined, whatever ``gamma``.

Consequences of the draws chosen:

* ``D_a = 1`` iff ``uniform(key, a) < beta``, the independent-cascade coin of
  arc ``a``; with ``gamma = 1`` (``L = 1``) the epidemic **is** the
  independent cascade with ``p = beta``, draw for draw (same reach, depth
  and events for the same keys);
* ``D_a`` falls as ``beta`` grows and ``L_u`` grows as ``gamma`` falls, for
  the same draws, so arms that differ in ``beta`` or ``gamma`` and share
  keys are coupled monotonically: the set of nodes reached only grows with
  ``beta`` and shrinks with ``gamma``, replicate by replicate;
* period counters ``[PERIOD_BASE, PERIOD_BASE + n)`` cannot meet arc
  counters ``[0, m)`` while ``m <= PERIOD_BASE`` and ``PERIOD_BASE + n < 2**64``
  (``PERIOD_BASE`` is the first 64 bits of the fractional part of sqrt(3),
  an irregular constant; see :mod:`simulator.engine.threshold` for why).

References
----------
W. O. Kermack, A. G. McKendrick. A contribution to the mathematical theory
of epidemics. Proc. R. Soc. Lond. A 115, 1927.
E. Kenah, J. M. Robins. Second look at the spread of epidemics on networks.
Physical Review E 76, 036113, 2007.
M. E. J. Newman. Spread of epidemic disease on networks. Physical Review E
66, 016128, 2002.

Examples
--------
On the path ``0 -> 1 -> 2 -> 3`` with ``beta = 1`` and no recovery the
infection moves one node per step, until the horizon ``max_steps = 2``.

>>> import numpy as np
>>> indptr, indices = np.array([0, 1, 2, 3, 3]), np.array([1, 2, 3], np.int32)
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> reach, depth = sir_summary(indptr, indices, 1.0, 0.0, 2, seeds, keys, 1)
>>> reach.tolist(), depth.tolist()
([3], [2])
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.buffers import append_activations, new_event_table
from simulator.engine.counter_rng import uniform, uniforms

__all__ = ["PERIOD_BASE", "infectious_periods", "sir_events", "sir_summary"]

#: Counter of node 0's infectious-period draw; node ``v`` uses ``PERIOD_BASE + v``.
PERIOD_BASE = np.uint64(0xBB67AE8584CAA73B)

_NEVER = np.iinfo(np.int64).max  # "not reached" time in the per-node buffer
_COLS = 5  # heap row: step, discovery number, node, parent, arc


def infectious_periods(key, n: int, gamma: float) -> np.ndarray:
    """Infectious periods ``L_v`` (in steps) of nodes ``0..n-1`` under ``key``.

    The numbers the kernel uses (``inf`` when ``gamma = 0``), for inspection
    and tests.

    Examples
    --------
    >>> infectious_periods(np.uint64(1), 3, 1.0).tolist()
    [1.0, 1.0, 1.0]
    >>> bool((infectious_periods(np.uint64(1), 1000, 0.5) >= 1).all())
    True
    """
    if gamma >= 1.0:
        return np.ones(n)
    if gamma <= 0.0:
        return np.full(n, np.inf)
    u = uniforms(key, PERIOD_BASE + np.arange(n, dtype=np.uint64))
    return 1.0 + np.floor(np.log1p(-u) / np.log1p(-gamma))


@njit(cache=True)
def _before(heap, i, j):
    return heap[i, 0] < heap[j, 0] or (heap[i, 0] == heap[j, 0] and heap[i, 1] < heap[j, 1])


@njit(cache=True)
def _swap(heap, i, j):
    for c in range(_COLS):
        heap[i, c], heap[j, c] = heap[j, c], heap[i, c]


@njit(cache=True)
def _push(heap, size, when, number, node, par, a):
    """Add a row; returns ``(heap, size)`` (the heap grows when full)."""
    if size == heap.shape[0]:
        bigger = np.empty((2 * size, _COLS), np.int64)
        bigger[:size] = heap
        heap = bigger
    heap[size, 0], heap[size, 1], heap[size, 2] = when, number, node
    heap[size, 3], heap[size, 4] = par, a
    i = size
    while i > 0:
        up = (i - 1) // 2
        if not _before(heap, i, up):
            break
        _swap(heap, i, up)
        i = up
    return heap, size + 1


@njit(cache=True)
def _pop(heap, size):
    """Move the earliest row to index ``size - 1``; returns ``size - 1``."""
    size -= 1
    _swap(heap, 0, size)
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _before(heap, child + 1, child):
            child += 1
        if not _before(heap, child, i):
            break
        _swap(heap, child, i)
        i = child
    return size


@njit(cache=True)
def _sir_cascade(
    indptr,
    indices,
    beta,
    gamma,
    max_steps,
    seeds,
    key,
    infected,
    best,
    touched_list,
    heap,
    order,
    parent,
    step,
    arc,
):
    """One replicate. Returns ``(size, depth, heap)``; fills ``order[:size]``.

    ``infected`` must be all False and ``best`` all ``_NEVER`` on entry; both
    are reset before returning. ``heap`` may be replaced by a larger one.
    """
    log_miss = np.log1p(-beta) if 0.0 < beta < 1.0 else 0.0
    log_stay = np.log1p(-gamma) if 0.0 < gamma < 1.0 else 0.0
    n_touched, hsize, number = 0, 0, 0
    for s in seeds:
        if best[s] > 0:
            if best[s] == _NEVER:
                touched_list[n_touched] = s
                n_touched += 1
            best[s] = 0
            heap, hsize = _push(heap, hsize, 0, number, s, -1, -1)
            number += 1
    size, depth = 0, 0
    while hsize > 0:
        hsize = _pop(heap, hsize)
        t, u = heap[hsize, 0], heap[hsize, 2]
        if infected[u]:
            continue
        infected[u] = True
        order[size], parent[size], step[size], arc[size] = u, heap[hsize, 3], t, heap[hsize, 4]
        size += 1
        depth = t
        if gamma >= 1.0:
            period = 1.0
        elif gamma <= 0.0:
            period = np.inf
        else:
            draw = uniform(key, PERIOD_BASE + np.uint64(u))
            period = 1.0 + np.floor(np.log1p(-draw) / log_stay)
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            if infected[v]:
                continue
            draw = uniform(key, np.uint64(a))
            if draw < beta:
                delay = 1.0
            elif beta <= 0.0 or period <= 1.0:
                continue
            else:
                delay = 1.0 + np.floor(np.log1p(-draw) / log_miss)
            if delay > period or t + delay > max_steps:
                continue
            when = t + np.int64(delay)
            if when < best[v]:
                if best[v] == _NEVER:
                    touched_list[n_touched] = v
                    n_touched += 1
                best[v] = when
                heap, hsize = _push(heap, hsize, when, number, v, u, a)
                number += 1
    for i in range(size):
        infected[order[i]] = False
    for i in range(n_touched):
        best[touched_list[i]] = _NEVER
    return size, depth, heap


@njit(cache=True)
def _replicates(indptr, indices, beta, gamma, max_steps, seeds, keys, reps, reach, depth, record):
    """Run replicates ``reps`` into ``reach``/``depth``; returns their activation table.

    The table (empty unless ``record``) has rows (replicate, node, parent,
    step, arc), see :mod:`simulator.engine.buffers`. Buffers are O(n) plus a
    heap that grows with the arcs examined.
    """
    n = indptr.size - 1
    infected = np.zeros(n, dtype=np.bool_)
    best = np.full(n, _NEVER, np.int64)
    touched_list = np.empty(n, np.int64)
    heap = np.empty((max(16, seeds.shape[1]), _COLS), np.int64)
    order = np.empty(n, np.int64)
    parent = np.empty(n, np.int64)
    step = np.empty(n, np.int64)
    arc = np.empty(n, np.int64)
    table = new_event_table(reps.size * seeds.shape[1] * 4 if record else 0)
    total = 0
    for r in reps:
        size, d, heap = _sir_cascade(
            indptr,
            indices,
            beta,
            gamma,
            max_steps,
            seeds[r],
            keys[r],
            infected,
            best,
            touched_list,
            heap,
            order,
            parent,
            step,
            arc,
        )
        reach[r], depth[r] = size, d
        if record:
            table, total = append_activations(table, total, r, order, parent, step, arc, size)
    return table[:total]


@njit(cache=True)
def sir_events(indptr, indices, beta, gamma, max_steps, seeds, keys):
    """All replicates, with events; ``seeds`` is (R, k). Returns an activation table.

    Parameters
    ----------
    indptr, indices : CSR arrays of the network.
    beta : float
        Per-step transmission probability along an arc.
    gamma : float
        Per-step recovery probability.
    max_steps : int
        Last step simulated.
    seeds : int64 array (R, k)
    keys : uint64 array (R,)

    Returns
    -------
    reach, depth : int64 arrays (R,)
    table : int64 array (E, 5)
        Rows (replicate, node, parent, step, arc), see :mod:`simulator.engine.buffers`.
    """
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    args = (indptr, indices, beta, gamma, max_steps, seeds, keys)
    table = _replicates(*args, np.arange(reps), reach, depth, True)
    return reach, depth, table


@njit(cache=True, parallel=True)
def sir_summary(indptr, indices, beta, gamma, max_steps, seeds, keys, n_chunks):
    """All replicates, reach and depth only; ``n_chunks`` groups run in parallel threads.

    Arguments as in :func:`sir_events`. Results do not depend on the number
    of threads or chunks: replicate ``r`` only reads ``keys[r]`` and
    ``seeds[r]``. Each chunk holds O(n) buffers plus a heap that grows with
    the arcs examined.
    """
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    args = (indptr, indices, beta, gamma, max_steps, seeds, keys)
    n_chunks = max(1, min(reps, n_chunks))
    for c in prange(n_chunks):
        _replicates(*args, np.arange(c, reps, n_chunks), reach, depth, False)
    return reach, depth
