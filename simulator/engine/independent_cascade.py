"""Compiled kernel for cascades with one trial per arc (independent cascade).

Semantics (Kempe, Kleinberg & Tardos 2003): at step 0 the seeds are active.
A node that became active at step ``t`` tries once, at step ``t + 1``, to
activate each inactive out-neighbour ``v`` along arc ``a`` and succeeds with
probability ``prob[a]``. Steps are synchronous: the nodes activated at
``t + 1`` are exactly those with a successful arc from a node activated at
``t``, whatever order the kernel visits them in, because arc ``a``'s coin is
the counter-based draw ``uniform(key, a)`` (see
:mod:`simulator.engine.counter_rng`), not the next number of a stream.
When several arcs into ``v`` succeed in the same step, the parent recorded
is the first in visiting order (it changes no count).

The kernel examines each arc out of an activated node exactly once, so its
cost grows with the arcs examined, not with ``n`` times the number of steps.

References
----------
D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
through a social network. KDD 2003.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.buffers import append_activations, new_event_table
from simulator.engine.counter_rng import _S11, GOLDEN, mix64, uniform


@njit(cache=True)
def _cascade(indptr, indices, prob, seeds, key, active, order, parent, step, arc):
    """One replicate. Fills ``order[:size]`` (activation order) and returns ``(size, depth)``.

    ``active`` must be all False on entry and is reset before returning.
    """
    size = 0
    for s in seeds:
        if not active[s]:
            active[s] = True
            order[size], parent[size], step[size], arc[size] = s, -1, 0, -1
            size += 1
    head, depth = 0, 0
    while head < size:
        u = order[head]
        t = step[head] + 1
        head += 1
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            if not active[v] and uniform(key, np.uint64(a)) < prob[a]:
                active[v] = True
                order[size], parent[size], step[size], arc[size] = v, u, t, a
                size += 1
                depth = t
    for i in range(size):
        active[order[i]] = False
    return size, depth


@njit(cache=True)
def ic_events(indptr, indices, prob, seeds, keys):
    """All replicates, with events. ``seeds`` is (R, k); returns ``(reach, depth, table)``."""
    n = indptr.size - 1
    reps = keys.size
    active = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, np.int64)
    parent = np.empty(n, np.int64)
    step = np.empty(n, np.int64)
    arc = np.empty(n, np.int64)
    table = new_event_table(reps * seeds.shape[1] * 4)
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    total = 0
    for r in range(reps):
        size, d = _cascade(
            indptr, indices, prob, seeds[r], keys[r], active, order, parent, step, arc
        )
        reach[r], depth[r] = size, d
        table, total = append_activations(table, total, r, order, parent, step, arc, size)
    return reach, depth, table[:total]


def arc_thresholds(prob) -> np.ndarray:
    """Integer form of per-arc probabilities for the summary kernel.

    ``uniform(key, a) < p`` holds exactly when the 53-bit integer behind the
    uniform is below ``ceil(p * 2**53)``, so comparing integers gives the same
    coins as the events kernel without a float conversion per arc. Equal
    probabilities collapse to one threshold.
    """
    prob = np.asarray(prob, dtype=np.float64)
    if prob.size == 0 or (prob == prob[0]).all():
        prob = prob[:1] if prob.size else np.zeros(1)
    return np.ceil(prob * 2.0**53).astype(np.uint64)


@njit(cache=True)
def _reach(indptr, indices, thresholds, seeds, key, active, order):
    """One replicate, reach and depth only (the lean loop of the summary kernel).

    A single threshold (one probability for every arc) is read once instead
    of per arc; the counter of consecutive arcs advances by one addition.
    """
    constant = thresholds.size == 1
    threshold = thresholds[0]
    size = 0
    for s in seeds:
        if not active[s]:
            active[s] = True
            order[size] = s
            size += 1
    head, level, level_end, depth = 0, 0, size, 0
    while head < size:
        if head == level_end:  # the next generation starts
            level += 1
            level_end = size
        u = order[head]
        head += 1
        lo, hi = indptr[u], indptr[u + 1]
        z = key + np.uint64(lo + 1) * GOLDEN  # uniform(key, a) is mix64(z) for arc a
        for a in range(lo, hi):
            v = indices[a]
            if not active[v]:
                if not constant:
                    threshold = thresholds[a]
                if (mix64(z) >> _S11) < threshold:
                    active[v] = True
                    order[size] = v
                    size += 1
                    depth = level + 1
            z += GOLDEN
    for i in range(size):
        active[order[i]] = False
    return size, depth


@njit(cache=True, parallel=True)
def ic_summary(indptr, indices, thresholds, seeds, keys, n_chunks):
    """All replicates, reach and depth only; ``n_chunks`` groups run in parallel threads.

    ``thresholds`` come from :func:`arc_thresholds`. Results equal those of
    :func:`ic_events` and do not depend on the number of threads or chunks:
    replicate ``r`` only reads ``keys[r]`` and ``seeds[r]``. Each chunk holds
    O(n) buffers.
    """
    n = indptr.size - 1
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    n_chunks = max(1, min(reps, n_chunks))
    for c in prange(n_chunks):
        active = np.zeros(n, dtype=np.bool_)
        order = np.empty(n, np.int32)
        for r in range(c, reps, n_chunks):
            reach[r], depth[r] = _reach(
                indptr, indices, thresholds, seeds[r], keys[r], active, order
            )
    return reach, depth
