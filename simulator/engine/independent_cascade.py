"""Compiled kernel for cascades with one trial per arc (independent cascade).

Semantics (Kempe, Kleinberg & Tardos 2003): at step 0 the seeds are active.
A node that became active at step ``t`` tries once, at step ``t + 1``, to
activate each inactive out-neighbour ``v`` along arc ``a`` and succeeds with
probability ``prob[a]``. Steps are synchronous: the nodes activated at
``t + 1`` are exactly those with a successful arc from a node activated at
``t``, whatever order the kernel visits them in.

Random numbers (:mod:`simulator.engine.counter_rng`). Which out-arcs of
``u`` succeed in replicate ``r`` is drawn from node ``u``'s stream, a pure
function of ``(key, u)``: :func:`~simulator.engine.counter_rng.fired_arcs`
gives each out-arc an Exp(1) level, drawn in increasing order, and arc ``a``
succeeds iff its level is below ``-log(1 - prob[a])``, an event of
probability ``prob[a]``, independently across arcs. With one probability
for every arc the levels are drawn up to the first one above it (geometric
skipping in disguise: about ``p * d + 1`` levels for a node of out-degree
``d``, not ``d`` coins); with a probability per arc they are drawn up to
the largest of ``u``'s and each is kept iff below its own arc's (thinning).
The kernel touches only the arcs that succeed. Arcs into ``v`` that
succeed in the same step: the parent recorded is the first in visiting
order (it changes no count); ``u``'s arcs are visited in increasing level.

One replicate body (:func:`_cascade`) serves both modes; ``record`` (keep the
event log) is a constant of each entry point. Replicates run in blocks dealt
to the worker threads (:mod:`simulator.engine.buffers`), with or without the
event log; each block keeps its own events, joined in replicate order.

References
----------
D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
through a social network. KDD 2003.

Examples
--------
A path ``0 -> 1 -> 2`` with probability 1 on each arc:

>>> import numpy as np
>>> from simulator.engine.counter_rng import arc_hazards
>>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 2], np.int32)
>>> hazards = arc_hazards(indptr, np.ones(2))
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> reach, depth, cols, wanted = ic_events(indptr, indices, *hazards, seeds, keys, 1, 100)
>>> reach.tolist(), depth.tolist(), wanted
([3], [2], 0)
>>> [c.tolist() for c in cols]  # replicate, node, parent, step, arc
[[0, 0, 0], [0, 1, 2], [-1, 0, 1], [0, 1, 2], [-1, 0, 1]]
>>> [a.tolist() for a in ic_summary(indptr, indices, *hazards, seeds, keys, 2)]
[[3], [2]]
"""

from __future__ import annotations

import numpy as np
from numba import literally, njit, prange

from simulator.engine.buffers import (
    append_activations,
    empty_columns,
    join_blocks,
    max_out_degree,
    run_outputs,
)
from simulator.engine.counter_rng import arc_scratch, fired_arcs, fired_levels

__all__ = ["general_arcs", "ic_events", "ic_summary"]


@njit(cache=True)
def general_arcs(key, u, lo, d, limit, hazard, cap, sure, scratch):
    """The fired arcs of ``u`` where :func:`~simulator.engine.counter_rng.fired_arcs` cannot go.

    That is, per-arc hazards (thinning, ``limit`` ignored: ``cap[u, 0]``) or
    ``limit = inf`` (every arc fires); calls
    :func:`~simulator.engine.counter_rng.fired_levels` with the scratch of
    :func:`~simulator.engine.counter_rng.arc_scratch`. Called out of line by
    the threshold kernel and by seeding code that replays the cascade's
    live-edge worlds (CELF); :func:`_cascade` inlines the same call in its
    general variant only (numba reference-counts the arrays an inlined
    function uses, per call: inlined next to the lean sampler it slowed the
    constant-probability path by half).
    """
    out_arc, out_level, perm, written, inverse, table = scratch
    if hazard.size > 1:
        limit, first, has_sure = cap[u, 0], np.uint64(cap[u, 1]), sure[u]
    else:
        first, has_sure = table[d], False
    return fired_levels(
        key, u, lo, d, limit, first, hazard, has_sure, inverse, out_arc, out_level, perm, written
    )


@njit(cache=True)
def _cascade(
    indptr, indices, hazard, cap, sure, seeds, key, active, order, parent, step, arc, scratch,
    general, record,
):  # fmt: skip
    """One replicate. Fills ``order[:size]`` (activation order); returns ``(size, depth)``.

    With ``record`` it also fills ``parent``, ``step`` and ``arc`` (else
    they are not touched and may be empty). ``general`` (per-arc hazards, or
    every arc fires) is a compile-time constant: numba compiles a variant
    with only the sampler it needs inlined. ``active`` must be all False on
    entry and is reset before returning.
    """
    literally(general)
    out_arc, out_level, perm, written, inverse, table = scratch
    limit = hazard[0]
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
        lo = indptr[u]
        d = indptr[u + 1] - lo
        if general:
            if hazard.size > 1:
                limit, first, has_sure = cap[u, 0], np.uint64(cap[u, 1]), sure[u]
            else:
                first, has_sure = table[d], False
            fired = fired_levels(
                key, u, lo, d, limit, first, hazard, has_sure, inverse, out_arc, out_level, perm,
                written,
            )  # fmt: skip
        else:
            fired = fired_arcs(key, u, lo, d, limit, table[d], inverse, out_arc, perm, written)
        for i in range(fired):
            a = out_arc[i]
            v = indices[a]
            if not active[v]:
                active[v] = True
                order[size] = v
                if record:
                    parent[size], step[size], arc[size] = u, level + 1, a
                size += 1
                depth = level + 1
    for i in range(size):
        active[order[i]] = False
    return size, depth


@njit(cache=True)
def _worker(
    indptr, indices, hazard, cap, sure, seeds, keys, bounds, first, stride, out, record, row_cap
):  # fmt: skip
    """Run blocks ``first, first + stride, ...`` of ``bounds``; results into ``out``.

    ``out`` is ``(reach, depth, tables, sizes)``: per replicate, and per
    block its activation columns and row count (kept only with ``record``;
    at most ``row_cap`` rows over the worker's blocks, else the worker
    stops: :func:`~simulator.engine.buffers.append_activations`). Buffers
    are O(n), once per worker.
    """
    reach, depth, tables, sizes = out
    n = indptr.size - 1
    active = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, np.int32)
    kept = n if record else 0
    parent = np.empty(kept, np.int32)
    step = np.empty(kept, np.int32)
    arc = np.empty(kept, np.int64)
    scratch = arc_scratch(max_out_degree(indptr), 0.0 if hazard.size > 1 else hazard[0])
    general = hazard.size > 1 or hazard[0] == np.inf  # per-arc hazards, or every arc fires
    kept = 0  # rows kept in this worker's earlier blocks
    for b in range(first, bounds.size - 1, stride):
        lo, hi = bounds[b], bounds[b + 1]
        cols = empty_columns((hi - lo) * seeds.shape[1] * 4 if record else 0)
        total = 0
        for r in range(lo, hi):
            if general:
                size, d = _cascade(
                    indptr, indices, hazard, cap, sure, seeds[r], keys[r], active, order, parent,
                    step, arc, scratch, True, record,
                )  # fmt: skip
            else:
                size, d = _cascade(
                    indptr, indices, hazard, cap, sure, seeds[r], keys[r], active, order, parent,
                    step, arc, scratch, False, record,
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
def _run(indptr, indices, hazard, cap, sure, seeds, keys, workers, record, row_cap):
    bounds, out, stride = run_outputs(keys.size, workers, record)
    for w in prange(stride):
        args = (indptr, indices, hazard, cap, sure, seeds, keys, bounds)
        _worker(*args, np.int64(w), stride, out, record, row_cap)
    return out


@njit(cache=True)
def ic_events(indptr, indices, hazard, cap, sure, seeds, keys, workers, row_cap):
    """All replicates with events; ``seeds`` (R, k). Returns ``(reach, depth, columns, wanted)``.

    ``hazard, cap, sure`` come from
    :func:`~simulator.engine.counter_rng.arc_hazards`; ``columns`` are the
    activation columns (replicate, node, parent, step, arc) of
    :mod:`simulator.engine.buffers`, in replicate order. ``workers`` threads
    run blocks of replicates; the result does not depend on it. A thread
    keeps at most ``row_cap`` rows (the memory guard's
    :func:`~simulator.errors.event_row_cap`); if one would keep more, the
    run stops, ``columns`` are empty and ``wanted`` > 0 is the rows it
    wanted (else 0).
    """
    reach, depth, tables, sizes = _run(
        indptr, indices, hazard, cap, sure, seeds, keys, workers, True, row_cap
    )
    columns, wanted = join_blocks(tables, sizes)
    return reach, depth, columns, wanted


@njit(cache=True)
def ic_summary(indptr, indices, hazard, cap, sure, seeds, keys, workers):
    """All replicates, reach and depth only; ``workers`` threads run blocks of replicates.

    Arguments as in :func:`ic_events`; results equal its reach and depth and
    do not depend on the number of threads: replicate ``r`` only reads
    ``keys[r]`` and ``seeds[r]``. Each worker holds O(n) buffers.
    """
    args = (indptr, indices, hazard, cap, sure, seeds, keys)
    reach, depth, _, _ = _run(*args, workers, False, 0)
    return reach, depth
