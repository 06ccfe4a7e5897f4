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
kernel draws instead, from node ``u``'s stream
(:mod:`simulator.engine.counter_rng`), its infectious period ``L_u`` by
inversion of the node's own draw (output 0), and for its out-arcs the
Exp(1) levels ``E_a`` of :func:`~simulator.engine.counter_rng.fired_arcs`;
arc ``a``'s first success would come ``D_a = 1 + floor(E_a / h)`` steps
after ``u``'s infection, ``h = -log(1 - beta)``, so ``D_a`` is
Geometric(beta) and independent across arcs. Arc ``a`` transmits iff ``D_a
<= L_u``, i.e. ``E_a < L_u h``: the levels are drawn in increasing order up
to that bound (and to the horizon), so the kernel touches only the arcs
that transmit. ``v`` is infected at ``t_v = min_u (t_u + D_a)`` over its
infected in-neighbours with transmitting arcs, which a Dijkstra-like sweep
(a binary heap keyed by step, ties in order of discovery) computes.
Successes of arc ``a`` after its first are irrelevant (``v`` is no longer
susceptible), and the per-step coins of distinct arcs and nodes are
independent, so the infection times -- hence reach, depth and the events --
have exactly the law of the step-by-step process (the locally dependent
percolation of Kenah & Robins 2007); the tests check this against a literal
step-by-step simulation. The cost is about two draws per arc that
transmits and one or two per infected node, whatever ``gamma``.

Consequences of the draws chosen:

* ``D_a = 1`` iff ``E_a < h``, the independent-cascade rule for arc ``a``
  with ``p = beta``, and ``u``'s arcs are visited in the same order; with
  ``gamma = 1`` (``L = 1``) the epidemic **is** the independent cascade with
  ``p = beta``, draw for draw (same reach, depth and events for the same
  keys);
* ``D_a`` falls as ``beta`` grows and ``L_u`` grows as ``gamma`` falls, for
  the same draws, so arms that differ in ``beta`` or ``gamma`` and share
  keys are coupled monotonically: the set of nodes reached only grows with
  ``beta`` and shrinks with ``gamma``, replicate by replicate.

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
>>> from simulator.engine.counter_rng import arc_hazards
>>> indptr, indices = np.array([0, 1, 2, 3, 3]), np.array([1, 2, 3], np.int32)
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> beta = arc_hazards(indptr, [1.0])[0]  # the hazard of beta = 1
>>> reach, depth = sir_summary(indptr, indices, beta, 0.0, 2, seeds, keys, 1)
>>> reach.tolist(), depth.tolist()
([3], [2])
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.buffers import (
    append_activations,
    empty_columns,
    join_blocks,
    max_out_degree,
    run_outputs,
)
from simulator.engine.counter_rng import (
    arc_scratch,
    fired_levels,
    node_uniform,
    node_uniforms,
    none_below,
)

__all__ = ["infectious_periods", "sir_events", "sir_summary"]

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
    u = node_uniforms(key, np.arange(n), 0)
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
    indptr, indices, beta, gamma, max_steps, seeds, key, infected, best, touched_list, heap,
    order, parent, step, arc, scratch,
):  # fmt: skip
    """One replicate. Returns ``(size, depth, heap)``; fills ``order[:size]``.

    ``beta`` is the size-1 hazard array of the transmission probability.
    ``infected`` must be all False and ``best`` all ``_NEVER`` on entry; both
    are reset before returning. ``heap`` may be replaced by a larger one.
    """
    out_arc, out_level, perm, written, inverse, table = scratch
    h = beta[0]
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
            period = 1.0 + np.floor(np.log1p(-node_uniform(key, u, 0)) / log_stay)
        period = min(period, float(max_steps - t))  # later transmissions are not simulated
        if period < 1.0:
            continue
        lo = indptr[u]
        d = indptr[u + 1] - lo
        if period == 1.0:
            limit, first = h, table[d]
        else:
            limit = period * h
            first = none_below(d, limit)
        fired = fired_levels(
            key, u, lo, d, limit, first, beta, False, inverse, out_arc, out_level, perm, written
        )
        for i in range(fired):
            a = out_arc[i]
            v = indices[a]
            if infected[v]:
                continue
            level = out_level[i]
            if level < h:
                delay = 1
            else:
                delay = max(2, 1 + np.int64(np.floor(level / h)))
                if delay > period:
                    continue
            when = t + delay
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
def _worker(args, seeds, keys, bounds, first, stride, out, record, row_cap):
    """Run blocks ``first, first + stride, ...`` of ``bounds``; results into ``out``.

    ``args`` are the kernel's arguments before the seeds (see
    :func:`sir_events`); ``out`` is ``(reach, depth, tables, sizes)``.
    With ``record``, at most ``row_cap`` rows over the worker's blocks
    (:func:`~simulator.engine.buffers.append_activations`), else it stops.
    Buffers are O(n), once per worker, plus a heap that grows with the arcs
    that transmit.
    """
    reach, depth, tables, sizes = out
    indptr = args[0]
    n = indptr.size - 1
    infected = np.zeros(n, dtype=np.bool_)
    best = np.full(n, _NEVER, np.int64)
    touched_list = np.empty(n, np.int64)
    heap = np.empty((max(16, seeds.shape[1]), _COLS), np.int64)
    order = np.empty(n, np.int32)
    parent = np.empty(n, np.int32)
    step = np.empty(n, np.int32)
    arc = np.empty(n, np.int64)
    scratch = arc_scratch(max_out_degree(indptr), args[2][0])
    kept = 0  # rows kept in this worker's earlier blocks
    for b in range(first, bounds.size - 1, stride):
        lo, hi = bounds[b], bounds[b + 1]
        cols = empty_columns((hi - lo) * seeds.shape[1] * 4 if record else 0)
        total = 0
        for r in range(lo, hi):
            size, d, heap = _sir_cascade(
                *args, seeds[r], keys[r], infected, best, touched_list, heap, order, parent,
                step, arc, scratch,
            )  # fmt: skip
            reach[r], depth[r] = size, d
            if record:
                room = row_cap - kept
                cols, total = append_activations(
                    cols, total, r, order, parent, step, arc, size, room
                )
                if total < 0:  # over the memory guard's row cap: stop
                    break
        if record:
            tables[b], sizes[b] = cols, total
            if total < 0:
                return
            kept += total


@njit(cache=True, parallel=True)
def _run(args, seeds, keys, workers, record, row_cap):
    bounds, out, stride = run_outputs(keys.size, workers, record)
    for w in prange(stride):
        _worker(args, seeds, keys, bounds, np.int64(w), stride, out, record, row_cap)
    return out


@njit(cache=True)
def sir_events(indptr, indices, beta, gamma, max_steps, seeds, keys, workers, row_cap):
    """All replicates with events; ``seeds`` (R, k). Returns ``(reach, depth, columns, wanted)``.

    Parameters
    ----------
    indptr, indices : CSR arrays of the network.
    beta : float64 array (1,)
        Hazard ``-log(1 - beta)`` of the per-step transmission probability
        ``beta`` along an arc, as :func:`~simulator.engine.counter_rng.arc_hazards`
        gives it (the very number the independent cascade compares with).
    gamma : float
        Per-step recovery probability.
    max_steps : int
        Last step simulated.
    seeds : int64 array (R, k)
    keys : uint64 array (R,)
    workers : int
        Threads that run blocks of replicates (the result does not depend on it).
    row_cap : int
        Activation rows a thread may keep (the memory guard's
        :func:`~simulator.errors.event_row_cap`).

    Returns
    -------
    reach, depth : int64 arrays (R,)
    columns : tuple of arrays
        Activation columns (replicate, node, parent, step, arc) of
        :mod:`simulator.engine.buffers`, in replicate order (empty if the
        run stopped at ``row_cap``).
    wanted : int
        0, or the rows a thread wanted when the run stopped at ``row_cap``.
    """
    args = (indptr, indices, beta, gamma, max_steps)
    reach, depth, tables, sizes = _run(args, seeds, keys, workers, True, row_cap)
    columns, wanted = join_blocks(tables, sizes)
    return reach, depth, columns, wanted


@njit(cache=True)
def sir_summary(indptr, indices, beta, gamma, max_steps, seeds, keys, workers):
    """All replicates, reach and depth only; ``workers`` threads run blocks of replicates.

    Arguments as in :func:`sir_events`. Results do not depend on the number
    of threads: replicate ``r`` only reads ``keys[r]`` and ``seeds[r]``.
    Each worker holds O(n) buffers plus a heap that grows with the arcs
    that transmit.
    """
    args = (indptr, indices, beta, gamma, max_steps)
    reach, depth, _, _ = _run(args, seeds, keys, workers, False, 0)
    return reach, depth
