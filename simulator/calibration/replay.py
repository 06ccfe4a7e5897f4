"""One funnel replicate on a state kept between calls: the cost of a calibration's simulation.

:func:`simulator.engine.funnel.funnel_events` allocates a fresh
:class:`~simulator.engine.funnel_state.FunnelState` per call: arrays over every
node and every arc, zeroed. A calibration simulates the same network tens of
thousands of times, and on a scene of millions of arcs that allocation costs
more than the replicate itself (most arcs are never examined). :class:`Replay`
keeps one state per network and runs the kernel's own phases
(:func:`~simulator.engine.funnel_step.start`, :func:`~simulator.engine.funnel_step.step`,
then :func:`~simulator.engine.funnel_state.reset`, which undoes only what the
replicate touched; the per-run node tables are prepared again each call, O(n),
as node attributes differ between scenarios), so a call costs the nodes once
and the arcs examined. It also runs no parallel numba code, so it is safe in
the forked worker processes of the calibration. The result is that
of ``funnel_events`` for one replicate (``rep`` 0), event for event
(``tests/test_charity.py``).

Examples
--------
A seed with two followers, a message everyone clicks and shares:

>>> import numpy as np
>>> indptr, indices = np.array([0, 2, 2, 2]), np.array([1, 2], np.int32)
>>> node_f, arc_f = np.ones((3, 7)), np.ones((2, 4))
>>> msg = np.r_[1.0, 1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.2, 0.5, 0.05, np.ones(24)]
>>> ints = np.array([3, 6, 1, 3, 0, 0, 0, 0])
>>> replay = Replay(indptr, indices)
>>> totals, events, amounts = replay.run(node_f, arc_f, msg, ints, np.array([0]), 7)
>>> totals.tolist(), events.shape
([3.0, 0.0, 2.0, 2.0, 2.0, 0.0, 0.0], (7, 6))
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engine.funnel_state import (
    N_EVENTS,
    PREPARED,
    SHARES,
    new_buffers,
    new_state,
    reset,
)
from simulator.engine.funnel_step import start, step

__all__ = ["Replay"]


@njit(cache=True)
def _run(indptr, indices, node_f, arc_f, msg, ints, seeds, key, state, buffers, limit):
    state.cnt[N_EVENTS] = 0  # reset() keeps the event counter
    state.cnt[PREPARED] = 0  # node tables from this call's node_f and msg (O(n))
    buffers = start(ints, seeds, 0, state, buffers, True)
    for t in range(ints[0]):
        if state.post_head[t] < 0 and state.imp_head[t] < 0:
            continue  # nothing posted or seen at t
        buffers = step(t, indptr, indices, node_f, arc_f, msg, ints, key, 0, state, buffers, True)
        if state.totals[SHARES] >= limit:
            break  # the caller has seen enough shares: stop here (the totals so far)
    totals = state.totals.copy()
    n = state.cnt[N_EVENTS]
    events, amounts = buffers.events[:n].copy(), buffers.amounts[:n].copy()
    reset(state, buffers)
    return totals, events, amounts, buffers


class Replay:
    """Replicates of the funnel on one network (``indptr``, ``indices``), state kept between calls.

    Not shared between threads: each process or thread keeps its own.
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray):
        self.indptr, self.indices = indptr, indices
        self._state = None
        self._buffers = None

    def run(self, node_f, arc_f, msg, ints, seeds, key, limit=np.inf) -> tuple:
        """``(totals, events, amounts)`` of one replicate (as ``funnel_events``' row 0).

        With ``limit``, the replicate stops after the first step by whose end it
        has made at least ``limit`` shares (what it has done so far is returned).
        """
        steps = int(ints[0])
        if self._state is None or self._state.post_head.size < steps + 1:
            self._state = new_state(self.indptr.size - 1, self.indices.size, steps)
            self._buffers = new_buffers()
        totals, events, amounts, self._buffers = _run(
            self.indptr,
            self.indices,
            node_f,
            arc_f,
            msg,
            ints,
            np.asarray(seeds, np.int64),
            np.uint64(key),
            self._state,
            self._buffers,
            float(limit),
        )
        return totals, events, amounts
