"""Compiled kernel for threshold cascades (linear threshold, complex contagion).

Both models share one rule: an inactive node ``v`` keeps a tally of what
its active in-neighbours sent it and activates once the tally reaches its
threshold.

* **Linear threshold** (Granovetter 1978; Kempe, Kleinberg & Tardos 2003):
  arc ``a = u -> v`` sends its weight ``b(u, v)`` (with the in-weights of
  every node summing to at most 1); ``v``'s threshold ``theta_v`` is uniform
  on [0, 1).
* **Complex contagion** (Centola & Macy 2007): arc ``a`` sends one exposure
  with probability ``prob[a]``; the threshold is a fixed count ``k``, so
  ``v`` needs ``k`` distinct exposing in-neighbours (the network has no
  parallel arcs, so distinct arcs are distinct neighbours).

Steps are synchronous: at step 0 the seeds are active, and ``v`` activates at
step ``t + 1`` when the tally from in-neighbours active at step ``<= t``
reaches its threshold. The kernel visits active nodes in activation order
(breadth first), so every node active at ``t`` has sent its arcs before any
node active at ``t + 1`` does; a node that crosses its threshold while the
kernel visits a step-``t`` node is therefore active at ``t + 1`` whatever
the visiting order inside step ``t``. The parent recorded is the in-neighbour
whose arc pushed the tally over the threshold, the last sender before the
crossing when senders of one step are taken in visiting order; the arc
recorded is that arc.

Random numbers come from the per-node streams of
:mod:`simulator.engine.counter_rng`, so each is a pure function of the
replicate key and the node it belongs to:

* which out-arcs of ``u`` expose their targets is drawn by
  :func:`~simulator.engine.counter_rng.fired_arcs` from ``u``'s stream, the
  very draws the independent-cascade kernel makes for ``u``, visited in the
  same order; complex contagion with ``k = 1`` is therefore independent
  cascade draw for draw (same reach, depth and events for the same keys).
  Arcs that always fire (linear and fractional threshold) take no draw;
* node ``v``'s threshold is output 0 of ``v``'s stream (the node's own
  draw), drawn when ``v`` is first reached; it depends on ``(key, v)`` only,
  so arms run with the same keys see the same thresholds (common random
  numbers).

Per-replicate buffers are reset through the lists of nodes activated and
nodes touched, so a replicate costs time proportional to the arcs it
examines, not to ``n``. One replicate body and one driver serve both modes;
``record`` (keep the event log) is a constant of each entry point; both
modes run blocks of replicates on the worker threads
(:mod:`simulator.engine.buffers`).

References
----------
M. Granovetter. Threshold models of collective behavior. American Journal
of Sociology 83(6), 1978.
D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
through a social network. KDD 2003.
D. Centola, M. Macy. Complex contagions and the weakness of long ties.
American Journal of Sociology 113(3), 2007.

Examples
--------
A path ``0 -> 1 -> 2`` with weight 1 on each arc: every threshold (< 1) is
reached, so the whole path activates, one step per arc.

>>> import numpy as np
>>> from simulator.engine.counter_rng import arc_hazards
>>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 2], np.int32)
>>> ones, seeds, keys = np.ones(2), np.array([[0]]), np.array([7], np.uint64)
>>> always = arc_hazards(indptr, ones)  # every arc fires
>>> reach, depth = threshold_summary(indptr, indices, ones, *always, True, 0.0, seeds, keys, 1)
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
from simulator.engine.counter_rng import arc_scratch, fired_arcs, node_uniform, node_uniforms
from simulator.engine.independent_cascade import general_arcs

__all__ = ["node_thresholds", "threshold_events", "threshold_summary"]


def node_thresholds(key, n: int) -> np.ndarray:
    """The linear-threshold thresholds of nodes ``0..n-1`` under replicate ``key``.

    These are the numbers the kernel draws (for inspection and tests).

    Examples
    --------
    >>> theta = node_thresholds(np.uint64(3), 5)
    >>> bool(((theta >= 0) & (theta < 1)).all()), bool((node_thresholds(3, 5) == theta).all())
    (True, True)
    """
    return node_uniforms(key, np.arange(n), 0)


@njit(cache=True)
def _threshold_cascade(
    indptr, indices, weight, hazard, cap, sure, random_threshold, fixed_threshold, seeds, key,
    active, touched, tally, theta, touched_list, order, parent, step, arc, scratch,
):  # fmt: skip
    """One replicate. Fills ``order[:size]`` (activation order); returns ``(size, depth)``.

    ``active`` and ``touched`` must be all False on entry and are reset
    before returning (through ``order`` and ``touched_list``).
    """
    out_arc, out_level, perm, written, inverse, table = scratch
    limit = hazard[0]
    general = hazard.size > 1 or limit == np.inf  # per-arc hazards, or every arc fires
    size = 0
    for s in seeds:
        if not active[s]:
            active[s] = True
            order[size], parent[size], step[size], arc[size] = s, -1, 0, -1
            size += 1
    n_touched = 0
    head, depth = 0, 0
    while head < size:
        u = order[head]
        t = step[head] + 1
        head += 1
        lo = indptr[u]
        d = indptr[u + 1] - lo
        if general:
            fired = general_arcs(key, u, lo, d, limit, hazard, cap, sure, scratch)
        else:
            fired = fired_arcs(key, u, lo, d, limit, table[d], inverse, out_arc, perm, written)
        for i in range(fired):
            a = out_arc[i]
            v = indices[a]
            if active[v]:
                continue
            if not touched[v]:
                touched[v] = True
                touched_list[n_touched] = v
                n_touched += 1
                tally[v] = 0.0
                if random_threshold:
                    theta[v] = node_uniform(key, v, 0)
                else:
                    theta[v] = fixed_threshold
            tally[v] += weight[a]
            if tally[v] >= theta[v]:
                active[v] = True
                order[size], parent[size], step[size], arc[size] = v, u, t, a
                size += 1
                depth = t
    for i in range(size):
        active[order[i]] = False
    for i in range(n_touched):
        touched[touched_list[i]] = False
    return size, depth


@njit(cache=True)
def _worker(args, seeds, keys, bounds, first, stride, out, record, row_cap):
    """Run blocks ``first, first + stride, ...`` of ``bounds``; results into ``out``.

    ``args`` are the kernel's arguments before the seeds (see
    :func:`threshold_events`); ``out`` is ``(reach, depth, tables, sizes)``.
    With ``record``, at most ``row_cap`` rows over the worker's blocks
    (:func:`~simulator.engine.buffers.append_activations`), else it stops.
    Buffers are O(n), once per worker.
    """
    reach, depth, tables, sizes = out
    indptr = args[0]
    n = indptr.size - 1
    active = np.zeros(n, dtype=np.bool_)
    touched = np.zeros(n, dtype=np.bool_)
    tally = np.empty(n)
    theta = np.empty(n)
    touched_list = np.empty(n, np.int64)
    order = np.empty(n, np.int32)
    parent = np.empty(n, np.int32)
    step = np.empty(n, np.int32)
    arc = np.empty(n, np.int64)
    hazard = args[3]
    scratch = arc_scratch(max_out_degree(indptr), 0.0 if hazard.size > 1 else hazard[0])
    kept = 0  # rows kept in this worker's earlier blocks
    for b in range(first, bounds.size - 1, stride):
        lo, hi = bounds[b], bounds[b + 1]
        cols = empty_columns((hi - lo) * seeds.shape[1] * 4 if record else 0)
        total = 0
        for r in range(lo, hi):
            size, d = _threshold_cascade(
                *args, seeds[r], keys[r], active, touched, tally, theta, touched_list, order,
                parent, step, arc, scratch,
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
def threshold_events(
    indptr, indices, weight, hazard, cap, sure, random_threshold, fixed_threshold, seeds, keys,
    workers, row_cap,
):  # fmt: skip
    """All replicates with events; ``seeds`` (R, k). Returns ``(reach, depth, columns, wanted)``.

    Parameters
    ----------
    indptr, indices : CSR arrays of the network.
    weight : float64 array (m,)
        What arc ``a`` adds to its target's tally when it fires.
    hazard, cap, sure : arrays
        The arcs' firing probabilities as
        :func:`~simulator.engine.counter_rng.arc_hazards` gives them (one
        hazard of ``inf``: every arc fires, no draw).
    random_threshold : bool
        True: node ``v``'s threshold is output 0 of ``v``'s stream (linear
        threshold); False: every threshold is ``fixed_threshold``.
    fixed_threshold : float
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
    args = (indptr, indices, weight, hazard, cap, sure, random_threshold, fixed_threshold)
    reach, depth, tables, sizes = _run(args, seeds, keys, workers, True, row_cap)
    columns, wanted = join_blocks(tables, sizes)
    return reach, depth, columns, wanted


@njit(cache=True)
def threshold_summary(
    indptr, indices, weight, hazard, cap, sure, random_threshold, fixed_threshold, seeds, keys,
    workers,
):  # fmt: skip
    """All replicates, reach and depth only; ``workers`` threads run blocks of replicates.

    Arguments as in :func:`threshold_events`. Results do not depend on the
    number of threads: replicate ``r`` only reads ``keys[r]`` and
    ``seeds[r]``. Each worker holds O(n) buffers.
    """
    args = (indptr, indices, weight, hazard, cap, sure, random_threshold, fixed_threshold)
    reach, depth, _, _ = _run(args, seeds, keys, workers, False, 0)
    return reach, depth
