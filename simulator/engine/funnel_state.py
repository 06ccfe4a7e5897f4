"""The memory of a funnel replicate: its state, its buffers and the layout of their rows.

One job: what a replicate of :mod:`simulator.engine.funnel` keeps. That is
the columns of its totals, of its events and of its buffers' rows, its
counters, the named tuples :class:`FunnelState` and :class:`FunnelBuffers`,
how they are made (:func:`new_state`, :func:`new_buffers`), appended to
(:func:`_push`, :func:`_put`, :func:`_schedule`) and reset (:func:`reset`).

Per-replicate state (:class:`FunnelState`, fixed-size arrays updated in
place) is reset through lists of what was touched, so the cost grows with the
arcs examined, not with the network size; the buffers that grow
(:class:`FunnelBuffers`) are made large enough before each loop that
writes them (no buffer is replaced inside a loop: numba would count
references on every pass) and handed back by each phase. The per-arc state
of a replicate (exposures, trust lost) lives in a small table of *slots*,
one per arc that delivered something, found through ``slot_of``: its size
follows what the replicate touched, not ``m``.

Examples
--------
A fresh state for 3 agents, 2 arcs and 4 steps; an event appended, then the
replicate undone:

>>> state, buffers = new_state(3, 2, 4), new_buffers()
>>> state.slot_of.tolist(), state.post_head.tolist()
([-1, -1], [-1, -1, -1, -1, -1])
>>> events, amounts = _push(buffers.events, buffers.amounts, state.cnt, 0, 2, -1, 0, SEED, -1, 0.0)
>>> dict(zip(EVENT_COLUMNS, events[0].tolist()))  # doctest: +NORMALIZE_WHITESPACE
{'replicate': 0, 'node': 2, 'parent': -1, 'step': 0, 'action': 0, 'arc': -1}
>>> state.seen[2], state.cnt[N_TOUCHED_NODES] = True, 1
>>> state.touched_nodes[0] = 2
>>> reset(state, buffers)
>>> state.seen.tolist(), int(state.cnt[N_EVENTS])  # reset() keeps the event counter
([False, False, False], 1)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulator.cascade_log import ACTION_CODE, FUNNEL_COLUMNS
from simulator.engine.buffers import grow, grow_rows
from simulator.engine.funnel_tables import node_table

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_ROW_BYTES",
    "FunnelBuffers",
    "FunnelState",
    "N_TOTALS",
    "NO_CAP",
    "new_buffers",
    "new_state",
    "reset",
]

# action codes of the events (simulator.cascade_log.ACTIONS)
SEED, IMPRESSION = ACTION_CODE["seed"], ACTION_CODE["impression"]
CLICKED, SHARED, CONVERTED = ACTION_CODE["click"], ACTION_CODE["share"], ACTION_CODE["convert"]
# columns of the per-replicate totals (simulator.cascade_log.FUNNEL_COLUMNS)
N_TOTALS = len(FUNNEL_COLUMNS)
_COLUMN = {name: i for i, name in enumerate(FUNNEL_COLUMNS)}
REACH, DEPTH, IMPRESSIONS = _COLUMN["reach"], _COLUMN["depth"], _COLUMN["impressions"]
CLICKS, SHARES, CONVERSIONS = _COLUMN["clicks"], _COLUMN["shares"], _COLUMN["conversions"]
AMOUNT = _COLUMN["amount"]
#: Columns of the event table (the amounts are a separate float array).
EVENT_COLUMNS = ("replicate", "node", "parent", "step", "action", "arc")

# columns of a delivery's row (phase 1): arc, sender, target, 1 - activity, trust0, the
# click and conversion weights; the eighth is padding (one 64-byte row)
C_ARC, C_SENDER, C_TARGET, C_STAY, C_TRUST0, C_CLICK, C_CONVERT = range(7)
N_CAND = 8
# columns of an impression row (64 bits each: the first five are integers, read and
# written through an int64 view of the float64 buffer): target, sender, decision counter
# base, next impression of the same step, slot; then trust0, click and conversion weights
I_TARGET, I_SENDER, I_BASE, I_NEXT, I_SLOT, I_TRUST0, I_CLICK, I_CONVERT = range(8)
# columns of a slot (the state of one arc in a replicate): arc, exposures, trust lost
S_ARC, S_EXPOSED, S_LOSS = 0, 1, 2

# counters kept in one int64 array so the kernels can update them in place
N_POSTS, N_IMPS, N_TOUCHED_NODES, N_SLOTS, N_EVENTS, PREPARED = 0, 1, 2, 3, 4, 5
# the memory guard: the event rows the buffers may hold, and the rows wanted when a
# replicate would need more (0: it did not)
ROW_CAP, WANTED = 6, 7
N_COUNTERS = 8
#: Bytes of one event row in the buffers (six int64 columns and the float amount).
EVENT_ROW_BYTES = 56
NO_CAP = 2**62


class FunnelState(NamedTuple):
    """Per-replicate state of fixed size, updated in place by the kernel.

    ``seen``, ``shares``, ``converted`` are per node (reached; shares made;
    converted); ``slot_of`` is per arc, the arc's row in the buffer
    ``slots`` (-1: none yet in this replicate); ``touched_nodes`` lists the
    nodes a replicate changed (for :func:`reset`); ``post_head`` and
    ``imp_head`` are the heads, per step, of the linked lists of posts and
    impressions, ``imp_count`` the impressions filed per step; ``cnt`` holds
    the counters ``N_POSTS``, ``N_IMPS``, ``N_TOUCHED_NODES``, ``N_SLOTS``,
    ``N_EVENTS``, ``PREPARED`` (1 once ``nodes`` holds
    this run's :func:`prepare`), ``ROW_CAP`` (the events the buffers may
    hold, the memory guard's; :data:`NO_CAP` in a fresh state) and
    ``WANTED`` (the events a step wanted when it stopped at ``ROW_CAP``, else
    0: the caller stops and raises); ``totals`` the running totals, in the order
    of :data:`~simulator.cascade_log.FUNNEL_COLUMNS`. ``nodes`` (n, 8) is the
    per-run node table of :func:`prepare`, shared (not copied) by the states
    of one run's worker threads.
    """

    seen: np.ndarray
    shares: np.ndarray
    converted: np.ndarray
    slot_of: np.ndarray
    touched_nodes: np.ndarray
    post_head: np.ndarray
    imp_head: np.ndarray
    imp_count: np.ndarray
    cnt: np.ndarray
    totals: np.ndarray
    nodes: np.ndarray


class FunnelBuffers(NamedTuple):
    """Buffers that grow (and are then replaced) while a replicate runs.

    ``posts`` rows (poster, next post of the same step); ``cand`` rows
    (arc, sender, target, 1 - activity, trust0, click and conversion
    weights, slot) of the arcs a step's posts are delivered along, float64;
    ``imps`` rows (target, sender, decision counter base, next impression of
    the same step, slot: int64 bits; trust0, click and conversion weights),
    float64;
    ``slots`` rows (arc, exposures, trust lost); ``pend`` rows (slot, trust
    loss) of one step; ``events`` rows :data:`EVENT_COLUMNS` and ``amounts``
    the amount of each event.
    """

    posts: np.ndarray
    cand: np.ndarray
    imps: np.ndarray
    slots: np.ndarray
    pend: np.ndarray
    events: np.ndarray
    amounts: np.ndarray


@njit(cache=True)
def _push(events, amounts, cnt, rep, node, parent, step, code, arc, amount):
    """Append an event, growing the buffers (or, past the memory cap, keep nothing and
    say how many rows were wanted)."""
    i = cnt[N_EVENTS]
    if i + 1 > cnt[ROW_CAP]:  # over the memory guard's cap: say so, keep nothing
        cnt[WANTED] = i + 1
        return events, amounts
    if i + 1 > events.shape[0]:
        events, amounts = grow_rows(events, i + 1), grow(amounts, i + 1)
    _put(events, amounts, cnt, rep, node, parent, step, code, arc, amount)
    return events, amounts


@njit(inline="always", cache=True)
def _put(events, amounts, cnt, rep, node, parent, step, code, arc, amount):
    """Append an event to buffers with room for it (made before the loop)."""
    i = cnt[N_EVENTS]
    events[i, 0], events[i, 1], events[i, 2] = rep, node, parent
    events[i, 3], events[i, 4], events[i, 5] = step, code, arc
    amounts[i] = amount
    cnt[N_EVENTS] = i + 1


@njit(cache=True)
def _schedule(posts, post_head, cnt, node, step):
    i = cnt[N_POSTS]
    if i + 1 > posts.shape[0]:
        posts = grow_rows(posts, i + 1)
    posts[i, 0], posts[i, 1] = node, post_head[step]
    post_head[step] = i
    cnt[N_POSTS] = i + 1
    return posts


@njit(cache=True)
def _state(n, m, steps, nodes, prepared, row_cap):
    cnt = np.zeros(N_COUNTERS, np.int64)
    cnt[PREPARED], cnt[ROW_CAP] = prepared, row_cap
    return FunnelState(
        seen=np.zeros(n, np.bool_),
        shares=np.zeros(n, np.int32),
        converted=np.zeros(n, np.bool_),
        slot_of=np.full(m, -1, np.int32),
        touched_nodes=np.empty(n, np.int64),
        post_head=np.full(steps + 1, -1, np.int64),
        imp_head=np.full(steps + 1, -1, np.int64),
        imp_count=np.zeros(steps + 1, np.int64),
        cnt=cnt,
        totals=np.zeros(N_TOTALS),
        nodes=nodes,
    )


@njit(cache=True)
def new_state(n, m, steps):
    """A fresh :class:`FunnelState` for ``n`` agents, ``m`` arcs and ``steps`` steps.

    Its per-run node table is filled by :func:`prepare` at the first :func:`step`.
    """
    return _state(n, m, steps, node_table(n), 0, NO_CAP)


@njit(cache=True)
def new_buffers():
    """Fresh, small :class:`FunnelBuffers` (they grow as needed)."""
    return FunnelBuffers(
        posts=np.empty((64, 2), np.int64),
        cand=np.empty((64, N_CAND)),
        imps=np.empty((256, 8)),
        slots=np.empty((256, 3)),
        pend=np.empty((16, 2)),
        events=np.empty((64, len(EVENT_COLUMNS)), np.int64),
        amounts=np.empty(64),
    )


@njit(cache=True)
def reset(state, buffers):
    """Undo what a replicate touched in ``state`` (cost: what was touched, not n or m).

    ``buffers.slots`` lists the arcs whose ``slot_of`` was set.
    """
    cnt = state.cnt
    for i in range(cnt[N_TOUCHED_NODES]):
        v = state.touched_nodes[i]
        state.seen[v], state.shares[v], state.converted[v] = False, 0, False
    for i in range(cnt[N_SLOTS]):
        state.slot_of[int(buffers.slots[i, S_ARC])] = -1
    state.post_head[:] = -1
    state.imp_head[:] = -1
    state.imp_count[:] = 0
    cnt[N_POSTS], cnt[N_IMPS], cnt[N_TOUCHED_NODES], cnt[N_SLOTS] = 0, 0, 0, 0
    state.totals[:] = 0.0
