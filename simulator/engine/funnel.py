"""Compiled kernel of the campaign funnel (see :class:`simulator.engine.campaign.Campaign`).

One job: run a campaign's replicates (:func:`run_events` with the event
log, :func:`run_summary` with totals only, in parallel; :func:`funnel_events`
and :func:`funnel_summary` take the arcs as one table). The kernel's parts
are in modules of their own, and their public names are re-exported from
here:

- :mod:`simulator.engine.funnel_tables`: the layout of the inputs, the
  per-run node table (:func:`prepare`), the arc columns and the random draws;
- :mod:`simulator.engine.funnel_state`: the per-replicate state and buffers
  (:class:`FunnelState`, :class:`FunnelBuffers`), their layout and
  :func:`reset`;
- :mod:`simulator.engine.funnel_step`: step 0 (:func:`start`) and one step
  (:func:`step`), with the data layout of its passes.

One replicate is a loop over steps ``t = 0 .. steps - 1``; each step runs
these phases in order:

1. **post**: every agent scheduled to post at ``t`` (the seeds at 0 and at
   each reminder step, agents who decided to share at ``t - 1``) offers the
   post to each follower ``v`` along arc ``a`` that is not cut: the post is
   delivered with probability ``bandwidth[u]``, and ``v`` opens it after
   :func:`~simulator.behavior.attention_delay` steps (or
   :func:`~simulator.behavior.online_delay` under a daily activity curve:
   ``v``'s local hour at ``t`` is ``start_hour + t + timezone[v]``); a post not opened
   within the attention window (or before the campaign ends) is lost. The
   impression is filed under the step it will be seen.
2. **attend and decide**: every impression seen at ``t`` is counted, then
   the target clicks, shares (posting at ``t + 1``; at most ``max_shares``
   times per agent) and converts (at most once) by the behaviour functions.
3. **update trust**: trust losses from fatigue and deception collected in
   phase 2 are applied at the end of the step, so every decision at ``t``
   reads the trust of ``t - 1`` (synchronous update). An arc whose trust
   falls below ``cut_below`` carries no more posts.

Every decision draws its own counter-based uniform keyed by the post
(its step and arc) and the decision, so arms share random numbers and the
result does not depend on the order in which impressions are visited.

One replicate loop (:func:`_replicates`) serves the event log and the
summary mode (``record``, a constant of each entry point); the step is
inlined in it (a call would pass ~20 reference-counted arrays per step).

Examples
--------
A seed with two followers, a message everyone clicks and shares:

>>> from simulator.cascade_log import FUNNEL_COLUMNS
>>> indptr, indices = np.array([0, 2, 2, 2]), np.array([1, 2], np.int32)
>>> node_f, arc_f = np.ones((3, 7)), np.ones((2, 4))
>>> msg = np.r_[1.0, 1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.2, 0.5, 0.05, np.ones(24)]
>>> ints = np.array([3, 6, 1, 3, 0, 0, 0, 0])  # 3 steps, window 6, 1 share, tolerance 3
>>> seeds, keys = np.array([[0]]), np.array([7], np.uint64)
>>> totals, events, amounts = funnel_events(indptr, indices, node_f, arc_f, msg, ints, seeds, keys)
>>> dict(zip(FUNNEL_COLUMNS, totals[0].tolist()))  # doctest: +NORMALIZE_WHITESPACE
{'reach': 3.0, 'depth': 0.0, 'impressions': 2.0, 'clicks': 2.0, 'shares': 2.0,
 'conversions': 0.0, 'amount': 0.0}
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.engine.funnel_state import (
    EVENT_COLUMNS,
    EVENT_ROW_BYTES,
    N_EVENTS,
    N_TOTALS,
    NO_CAP,
    ROW_CAP,
    WANTED,
    FunnelBuffers,
    FunnelState,
    _state,
    new_buffers,
    new_state,
    reset,
)
from simulator.engine.funnel_step import _step, start, step, step_arrays
from simulator.engine.funnel_tables import arc_columns, node_table, prepare

__all__ = [
    "EVENT_COLUMNS",
    "FunnelBuffers",
    "FunnelState",
    "N_TOTALS",
    "EVENT_ROW_BYTES",
    "NO_CAP",
    "N_EVENTS",
    "ROW_CAP",
    "WANTED",
    "arc_columns",
    "funnel_events",
    "funnel_summary",
    "new_buffers",
    "new_state",
    "node_table",
    "prepare",
    "reset",
    "run_events",
    "run_summary",
    "start",
    "step",
    "step_arrays",
]


@njit(cache=True)
def _replicates(
    indptr, indices, node_f, arcs, msg, ints, nodes, seeds, keys, reps, out, record, row_cap
):  # fmt: skip
    """Run replicates ``reps`` (indices into seeds/keys), totals into ``out``.

    ``nodes`` is the run's prepared node table. Returns the
    events ``(E, 6)``, their amounts (empty unless ``record``) and the rows
    wanted if the events would have passed ``row_cap`` rows (the run then
    stops there; else 0).
    """
    steps = ints[0]
    state = _state(indptr.size - 1, indices.size, steps, nodes, 1, row_cap)
    buffers = new_buffers()
    for r in reps:
        buffers = start(ints, seeds[r], r, state, buffers, record)
        for t in range(steps):
            if state.post_head[t] < 0 and state.imp_head[t] < 0:
                continue  # nothing posted or seen at t
            buffers = _step(
                t, indptr, indices, node_f, arcs, msg, ints, keys[r], r, state, buffers, record
            )
            if state.cnt[WANTED]:
                break
        if state.cnt[WANTED]:  # the memory guard: stop the run, the caller raises
            break
        out[r, :] = state.totals
        reset(state, buffers)
    n_events = state.cnt[N_EVENTS]
    return buffers.events[:n_events], buffers.amounts[:n_events], state.cnt[WANTED]


@njit(cache=True)
def run_events(indptr, indices, node_f, node_trust, arcs, msg, ints, seeds, keys, row_cap):
    """All replicates with events: ``(totals, events, amounts, wanted)``.

    ``node_trust`` (n,) is each target's trust (empty: 1), ``arcs`` the
    tuple ``(strength, trust, favours, fit)`` of :func:`_step` (an arc's
    initial trust is its target's times its own). ``totals`` (R,
    :data:`N_TOTALS`) has the columns of
    :data:`~simulator.cascade_log.FUNNEL_COLUMNS`, ``events`` (E, 6) those of
    :data:`EVENT_COLUMNS`; ``amounts`` (E,) is the amount of each event.
    The memory guard: the buffers hold at most ``row_cap`` events
    (:func:`~simulator.errors.event_row_cap`); a run that would need more
    (counting, before a step's decisions, four events per impression seen,
    the most one makes) stops, and ``wanted`` is the rows it wanted (else 0).
    """
    out = np.zeros((keys.size, N_TOTALS))
    reps = np.arange(keys.size)
    nodes = node_table(node_f.shape[0])
    prepare(node_f, node_trust, msg, ints, nodes)
    events, amounts, wanted = _replicates(
        indptr, indices, node_f, arcs, msg, ints, nodes, seeds, keys, reps, out, True, row_cap
    )
    return out, events, amounts, wanted


@njit(cache=True, parallel=True)
def run_summary(indptr, indices, node_f, node_trust, arcs, msg, ints, seeds, keys, n_chunks):
    """All replicates, totals only; ``n_chunks`` groups of replicates run in parallel.

    Arguments as in :func:`run_events`. Replicate ``r`` only reads
    ``keys[r]`` and ``seeds[r]``, so the result does not depend on the
    number of threads or chunks.
    """
    out = np.zeros((keys.size, N_TOTALS))
    n_chunks = max(1, min(keys.size, n_chunks))
    # serial: 1e5 nodes take ~0.15 ms, less than a second parallel region costs (and on a
    # loaded machine, where a worker waits for a core, far less)
    nodes = node_table(node_f.shape[0])
    prepare(node_f, node_trust, msg, ints, nodes)
    for c in prange(n_chunks):
        reps = np.arange(c, keys.size, n_chunks)
        _replicates(
            indptr, indices, node_f, arcs, msg, ints, nodes, seeds, keys, reps, out, False, 0
        )
    return out


@njit(cache=True)
def funnel_events(indptr, indices, node_f, arc_f, msg, ints, seeds, keys):
    """:func:`run_events` with the arcs as one table ``arc_f`` (strength, trust0,
    favours, channel_fit), as :meth:`~simulator.engine.campaign.Campaign.kernel_arrays`
    gives them: ``(totals, events, amounts)``."""
    arcs = arc_columns(arc_f)
    out, events, amounts, _ = run_events(
        indptr, indices, node_f, np.empty(0), arcs, msg, ints, seeds, keys, NO_CAP
    )
    return out, events, amounts


@njit(cache=True)
def funnel_summary(indptr, indices, node_f, arc_f, msg, ints, seeds, keys, n_chunks):
    """:func:`run_summary` with the arcs as one table ``arc_f`` (see :func:`funnel_events`)."""
    arcs = arc_columns(arc_f)
    return run_summary(
        indptr, indices, node_f, np.empty(0), arcs, msg, ints, seeds, keys, n_chunks
    )
