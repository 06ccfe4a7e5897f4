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

Random numbers are counter-based (:mod:`simulator.engine.counter_rng`), so
each is a pure function of the replicate key and the decision it names:

* arc ``a``'s exposure coin is ``uniform(key, a)``, the very draw the
  independent-cascade kernel uses for arc ``a``; complex contagion with
  ``k = 1`` is therefore independent cascade draw for draw (same reach,
  depth and events for the same keys);
* node ``v``'s threshold is ``uniform(key, THRESHOLD_BASE + v)``. Under one
  key, distinct counters give distinct hash inputs (``GOLDEN`` is odd and
  ``mix64`` is a bijection), and the threshold counters
  ``[THRESHOLD_BASE, THRESHOLD_BASE + n)`` cannot meet the arc counters
  ``[0, m)`` as long as ``m <= THRESHOLD_BASE`` (about ``7.6e18`` arcs) and
  ``THRESHOLD_BASE + n < 2**64``. The base is an irregular constant (the
  first 64 bits of the fractional part of sqrt(2)) rather than a power of
  two, so a threshold's hash input differs from the input of the arc coin
  with the same index in many bits, not one. Thresholds are drawn when a
  node is first reached and depend on ``(key, v)`` only, so arms run with
  the same keys see the same thresholds (common random numbers).

Per-replicate buffers are reset through the lists of nodes activated and
nodes touched, so a replicate costs time proportional to the arcs it
examines, not to ``n``. One replicate body and one driver serve both modes;
``record`` (keep the activation table) is a constant of each entry point.

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
>>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 2], np.int32)
>>> ones = np.ones(2)
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> reach, depth = threshold_summary(indptr, indices, ones, ones, True, 0.0, seeds, keys, 1)
>>> reach.tolist(), depth.tolist()
([3], [2])
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.buffers import append_activations, new_event_table
from simulator.engine.counter_rng import uniform, uniforms

__all__ = ["THRESHOLD_BASE", "node_thresholds", "threshold_events", "threshold_summary"]

#: Counter of node 0's threshold; node ``v`` uses ``THRESHOLD_BASE + v``.
THRESHOLD_BASE = np.uint64(0x6A09E667F3BCC908)


def node_thresholds(key, n: int) -> np.ndarray:
    """The linear-threshold thresholds of nodes ``0..n-1`` under replicate ``key``.

    These are the numbers the kernel draws (for inspection and tests).

    Examples
    --------
    >>> theta = node_thresholds(np.uint64(3), 5)
    >>> bool(((theta >= 0) & (theta < 1)).all()), bool((node_thresholds(3, 5) == theta).all())
    (True, True)
    """
    return uniforms(key, THRESHOLD_BASE + np.arange(n, dtype=np.uint64))


@njit(cache=True)
def _buffers(n):
    """Per-replicate scratch of :func:`_threshold_cascade`: active, touched, tally,
    theta, touched_list, then order, parent, step, arc (the activation record)."""
    return (
        np.zeros(n, dtype=np.bool_),
        np.zeros(n, dtype=np.bool_),
        np.empty(n),
        np.empty(n),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
    )


@njit(cache=True)
def _threshold_cascade(
    indptr,
    indices,
    weight,
    prob,
    random_threshold,
    fixed_threshold,
    seeds,
    key,
    active,
    touched,
    tally,
    theta,
    touched_list,
    order,
    parent,
    step,
    arc,
):
    """One replicate. Fills ``order[:size]`` (activation order); returns ``(size, depth)``.

    ``active`` and ``touched`` must be all False on entry and are reset
    before returning (through ``order`` and ``touched_list``).
    """
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
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            if active[v]:
                continue
            if prob[a] < 1.0 and not uniform(key, np.uint64(a)) < prob[a]:
                continue
            if not touched[v]:
                touched[v] = True
                touched_list[n_touched] = v
                n_touched += 1
                tally[v] = 0.0
                if random_threshold:
                    theta[v] = uniform(key, THRESHOLD_BASE + np.uint64(v))
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
def _replicates(
    indptr,
    indices,
    weight,
    prob,
    random_threshold,
    fixed_threshold,
    seeds,
    keys,
    reps,
    reach,
    depth,
    record,
):
    """Run replicates ``reps`` into ``reach``/``depth``; returns their activation table.

    The table (empty unless ``record``) has rows (replicate, node, parent,
    step, arc), see :mod:`simulator.engine.buffers`. Buffers are O(n).
    """
    buf = _buffers(indptr.size - 1)
    table = new_event_table(reps.size * seeds.shape[1] * 4 if record else 0)
    total = 0
    for r in reps:
        size, d = _threshold_cascade(
            indptr,
            indices,
            weight,
            prob,
            random_threshold,
            fixed_threshold,
            seeds[r],
            keys[r],
            *buf,
        )
        reach[r], depth[r] = size, d
        if record:
            table, total = append_activations(table, total, r, *buf[5:], size)
    return table[:total]


@njit(cache=True)
def threshold_events(
    indptr, indices, weight, prob, random_threshold, fixed_threshold, seeds, keys
):
    """All replicates, with events; ``seeds`` is (R, k). Returns an activation table.

    Parameters
    ----------
    indptr, indices : CSR arrays of the network.
    weight : float64 array (m,)
        What arc ``a`` adds to its target's tally when it fires.
    prob : float64 array (m,)
        Probability that arc ``a`` fires (one coin, ``uniform(key, a)``;
        no draw when ``prob[a] >= 1``).
    random_threshold : bool
        True: node ``v``'s threshold is ``uniform(key, THRESHOLD_BASE + v)``
        (linear threshold); False: every threshold is ``fixed_threshold``.
    fixed_threshold : float
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
    args = (indptr, indices, weight, prob, random_threshold, fixed_threshold, seeds, keys)
    table = _replicates(*args, np.arange(reps), reach, depth, True)
    return reach, depth, table


@njit(cache=True, parallel=True)
def threshold_summary(
    indptr, indices, weight, prob, random_threshold, fixed_threshold, seeds, keys, n_chunks
):
    """All replicates, reach and depth only; ``n_chunks`` groups run in parallel threads.

    Arguments as in :func:`threshold_events`. Results do not depend on the
    number of threads or chunks: replicate ``r`` only reads ``keys[r]`` and
    ``seeds[r]``. Each chunk holds O(n) buffers.
    """
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    args = (indptr, indices, weight, prob, random_threshold, fixed_threshold, seeds, keys)
    n_chunks = max(1, min(reps, n_chunks))
    for c in prange(n_chunks):
        _replicates(*args, np.arange(c, reps, n_chunks), reach, depth, False)
    return reach, depth
