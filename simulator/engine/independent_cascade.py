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
One replicate body (:func:`_cascade`) serves both modes: ``record`` (the
event log) is a constant of each driver, so numba compiles a lean variant
for the summary mode and one that also keeps parents, steps and arcs.

References
----------
D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
through a social network. KDD 2003.

Examples
--------
A path ``0 -> 1 -> 2`` with probability 1 on each arc:

>>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 2], np.int32)
>>> thresholds = arc_thresholds(np.ones(2))
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> reach, depth, table = ic_events(indptr, indices, thresholds, seeds, keys)
>>> reach.tolist(), depth.tolist(), table.tolist()  # replicate, node, parent, step, arc
([3], [2], [[0, 0, -1, 0, -1], [0, 1, 0, 1, 0], [0, 2, 1, 2, 1]])
>>> [a.tolist() for a in ic_summary(indptr, indices, thresholds, seeds, keys, 2)]
[[3], [2]]
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.buffers import append_activations, new_event_table
from simulator.engine.counter_rng import _S11, GOLDEN, mix64

__all__ = ["arc_thresholds", "ic_events", "ic_summary"]


def arc_thresholds(prob) -> np.ndarray:
    """Integer form of per-arc probabilities, as the kernel compares them.

    ``uniform(key, a) < p`` holds exactly when the 53-bit integer behind the
    uniform is below ``ceil(p * 2**53)``, so comparing integers gives the
    coins of :func:`~simulator.engine.counter_rng.uniform` without a float
    conversion per arc. Equal probabilities collapse to one threshold.

    Examples
    --------
    >>> arc_thresholds([0.5, 0.5]).tolist(), arc_thresholds([0.0, 1.0]).tolist()
    ([4503599627370496], [0, 9007199254740992])
    """
    prob = np.asarray(prob, dtype=np.float64)
    if prob.size == 0 or (prob == prob[0]).all():
        prob = prob[:1] if prob.size else np.zeros(1)
    return np.ceil(prob * 2.0**53).astype(np.uint64)


@njit(cache=True)
def _cascade(indptr, indices, thresholds, seeds, key, active, order, parent, step, arc, record):
    """One replicate. Fills ``order[:size]`` (activation order); returns ``(size, depth)``.

    With ``record`` it also fills ``parent``, ``step`` and ``arc`` (else
    they are not touched and may be empty). A single threshold (one
    probability for every arc) is read once instead of per arc; the counter
    of consecutive arcs advances by one addition. ``active`` must be all
    False on entry and is reset before returning.
    """
    constant = thresholds.size == 1
    threshold = thresholds[0]
    size = 0
    for s in seeds:
        if not active[s]:
            active[s] = True
            order[size] = s
            if record:
                parent[size], step[size], arc[size] = -1, 0, -1
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
                    if record:
                        parent[size], step[size], arc[size] = u, level + 1, a
                    size += 1
                    depth = level + 1
            z += GOLDEN
    for i in range(size):
        active[order[i]] = False
    return size, depth


@njit(cache=True)
def _replicates(indptr, indices, thresholds, seeds, keys, reps, reach, depth, record):
    """Run replicates ``reps`` into ``reach``/``depth``; returns their activation table.

    The table (empty unless ``record``) has rows (replicate, node, parent,
    step, arc), see :mod:`simulator.engine.buffers`. Buffers are O(n).
    """
    n = indptr.size - 1
    active = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, np.int32)
    kept = n if record else 0
    parent = np.empty(kept, np.int64)
    step = np.empty(kept, np.int64)
    arc = np.empty(kept, np.int64)
    table = new_event_table(reps.size * seeds.shape[1] * 4 if record else 0)
    total = 0
    for r in reps:
        size, d = _cascade(
            indptr,
            indices,
            thresholds,
            seeds[r],
            keys[r],
            active,
            order,
            parent,
            step,
            arc,
            record,
        )
        reach[r], depth[r] = size, d
        if record:
            table, total = append_activations(table, total, r, order, parent, step, arc, size)
    return table[:total]


@njit(cache=True)
def ic_events(indptr, indices, thresholds, seeds, keys):
    """All replicates, with events. ``seeds`` is (R, k); returns ``(reach, depth, table)``.

    ``thresholds`` come from :func:`arc_thresholds`; ``table`` rows are
    (replicate, node, parent, step, arc), see :mod:`simulator.engine.buffers`.
    """
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    table = _replicates(
        indptr, indices, thresholds, seeds, keys, np.arange(reps), reach, depth, True
    )
    return reach, depth, table


@njit(cache=True, parallel=True)
def ic_summary(indptr, indices, thresholds, seeds, keys, n_chunks):
    """All replicates, reach and depth only; ``n_chunks`` groups run in parallel threads.

    ``thresholds`` come from :func:`arc_thresholds`. Results equal those of
    :func:`ic_events` and do not depend on the number of threads or chunks:
    replicate ``r`` only reads ``keys[r]`` and ``seeds[r]``. Each chunk holds
    O(n) buffers.
    """
    reps = keys.size
    reach = np.empty(reps, np.int64)
    depth = np.empty(reps, np.int64)
    n_chunks = max(1, min(reps, n_chunks))
    for c in prange(n_chunks):
        chunk = np.arange(c, reps, n_chunks)
        _replicates(indptr, indices, thresholds, seeds, keys, chunk, reach, depth, False)
    return reach, depth
