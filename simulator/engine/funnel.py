"""Compiled kernel of the campaign funnel (see :class:`simulator.engine.campaign.Campaign`).

This module is long because the funnel is one kernel: its state, its buffers,
the per-run tables and the three phases of a step share layouts and
counters that only make sense together (and numba needs them in one place to
inline the step into the replicate loop).

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

Data layout (the cost is memory traffic and mispredicted branches, not
arithmetic: a read at a random address of a table larger than the CPU's
cache costs as much as a hundred multiplications, and what matters is how
many such reads are under way at once). What does not change during a run
is computed once per run, per node, by :func:`prepare` (O(n), serially: a
second parallel region would cost more; not O(m): gathering per arc would
cost more than the run's deliveries read) into one table whose rows are one
cache line each (:func:`node_table`): as a receiver, a node's chance to stay
offline one more step, its relevance, trust, reciprocity and favours owed;
as a sender, its bandwidth and source factor (appeal, credibility,
deception boost). A node shares after a post reached it, so its row is
usually still in the cache when it is read as a sender's. Phase 1 takes the
step's posts together, in passes over their arcs (the posts in list order,
each post's arcs in CSR order, so impressions are filed in the same order
as one post at a time would file them):

- (a) count the arcs offered, so every buffer is made large enough once,
  and ask the CPU (:func:`~simulator.engine.buffers.prefetch`) for the
  senders' rows and the start of their arcs;
- (b) draw the deliveries, writing every arc and keeping those delivered
  (no branch on the draw), then ask the CPU for the targets' rows and the
  delivered arcs' entries, all at once, so that the reads overlap;
- (c) gather them and compute what the decisions need (trust, and the
  products of the click and conversion factors that do not change,
  ``strength ** tie_exponent`` among them);
- (d) draw when each target opens the post (:func:`_delay`: the powers of
  the chance to stay offline, four at a time) and file the impression; a
  delivery lost (arc cut, target never online, post not opened in time)
  writes its rows too but is not counted, so no branch depends on a draw.

A delivered impression carries what its decisions need in its own row, so
deciding reads no table at random. The per-arc state of a replicate
(exposures, trust lost) lives in a small table of *slots*, one per arc that
delivered something, found through ``slot_of``: its size follows what the
replicate touched, not ``m``. The probabilities are those of
:func:`~simulator.behavior.attention_delay`,
:func:`~simulator.behavior.click_probability` and
:func:`~simulator.behavior.convert_probability` (the delay inverted by
products instead of logarithms, the factors multiplied in another order:
equal up to rounding, which moves a decision with probability about
1e-16); the random numbers are the same, so results are too.

Per-replicate state (:class:`FunnelState`, fixed-size arrays updated in
place) is reset through lists of what was touched, so the cost grows with the
arcs examined, not with the network size; the buffers that grow
(:class:`FunnelBuffers`) are made large enough before each loop that
writes them (no buffer is replaced inside a loop: numba would count
references on every pass) and handed back by each phase. One replicate
loop serves the event log and the summary mode (``record``, a constant of
each entry point). The Mesa model (:mod:`simulator.mesa_model`) drives the
same :func:`start` and :func:`step` one step at a time (the state prepares
its node table at the first step).

Examples
--------
A seed with two followers, a message everyone clicks and shares:

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

from typing import NamedTuple

import numpy as np
from numba import njit, prange

from simulator import behavior
from simulator.cascade_log import ACTION_CODE, FUNNEL_COLUMNS
from simulator.engine.buffers import grow, grow_rows, prefetch
from simulator.engine.counter_rng import uniform

__all__ = [
    "EVENT_COLUMNS",
    "FunnelBuffers",
    "FunnelState",
    "N_TOTALS",
    "EVENT_ROW_BYTES",
    "arc_columns",
    "funnel_events",
    "funnel_summary",
    "new_buffers",
    "new_state",
    "prepare",
    "reset",
    "run_events",
    "run_summary",
    "start",
    "step",
    "step_arrays",
]

_online_delay = njit(cache=True)(behavior.online_delay)
_conversion_amount = njit(cache=True)(behavior.conversion_amount)
_trust_penalty = njit(cache=True)(behavior.trust_penalty)

# decisions drawn per (post, arc); the counter is (step * m + arc) * 8 + decision
DELIVER, TIMING, CLICK, SHARE, CONVERT = 0, 1, 2, 3, 4
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

# layout of the kernel's inputs (Campaign.kernel_arrays)
TIMEZONE = 6  # column of node_f: the local clock offset, whole hours
CURVE = 12  # msg[CURVE:CURVE + 24]: the daily activity curve, mean 1
START_HOUR, CURVED, FIRST_REMINDER = 6, 7, 8  # ints: hour of step 0, curve not flat, reminders

# columns of the per-run node table (prepare), one 64-byte row per node: as a receiver
# (STAY: 1 - activity, 1 when never online), then as a sender (SOURCE: appeal *
# (1 + credibility) / 2 * deception boost); the last column is padding
STAY, RELEVANCE, TRUST, RECIPROCITY, OWED, BANDWIDTH, SOURCE = range(7)
N_NODE = 8
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


@njit(inline="always", cache=True)
def _rand(key, step, m, arc, decision):
    return uniform(key, np.uint64((step * m + arc) * 8 + decision))


_N_STATE = len(FunnelState._fields)


@njit(inline="always", cache=True)
def _delay(stay, q, limit):
    """:func:`~simulator.behavior.attention_delay` by products, at most ``limit``.

    The number of ``k >= 1`` with ``stay**k >= q`` (``q = 1 - u``; the powers
    are products, so they only decrease and a count past the first power
    below ``q`` adds nothing), counted four powers at a time without a
    branch: a loop that stops at the first power below ``q`` mispredicts its
    exit almost every time. The first two blocks (eight powers, the window
    of most campaigns) always run; later ones only while every power so far
    is at least ``q``.
    """
    d, p, block = 0, stay, 0
    while d < limit:
        p1 = p * stay
        p2 = p1 * stay
        p3 = p2 * stay
        more = np.int64(p >= q) + np.int64(p1 >= q) + np.int64(p2 >= q) + np.int64(p3 >= q)
        d += more
        if block > 0 and more < 4:
            break
        p = p3 * stay
        block += 1
    return min(d, limit)


@njit(cache=True)
def prepare(node_f, node_trust, msg, ints, nodes):
    """Fill the per-run node table ``nodes`` (n, 8) (:func:`node_table`); O(n).

    ``nodes[v]`` holds, as a receiver: ``1 - activity`` (the chance to stay
    offline one more step, 1 when never online), the relevance of the topic
    to ``v``, its trust in what it sees (``node_trust[v]``, 1 when
    ``node_trust`` is empty), its reciprocity and the favours it owes the
    originator; as a sender: its bandwidth, and the factors of
    :func:`~simulator.behavior.click_probability` that belong to the sender
    and the message (appeal, ``(1 + credibility) / 2``, the deception boost);
    then a padding column (0). Everything here is fixed for a run, so the
    kernel reads it instead of recomputing it per delivery, and one row is one
    cache line: a node's row, read when a post reaches it, is at hand when it
    shares.

    Examples
    --------
    >>> node_f = np.array([[0.8, 0.5, 0.6, 0.9, 0.0, 0.0, 0.0]])
    >>> msg = np.r_[0.5, 1.0, 0.2, 2.0, 1.0, 0.0, 1.0, 0.0, 2.0, 0.2, 0.5, 0.05, np.ones(24)]
    >>> nodes = node_table(1)
    >>> prepare(node_f, np.array([0.7]), msg, np.zeros(8, np.int64), nodes)
    >>> nodes.round(4).tolist()
    [[0.5, 0.9, 0.7, 0.0, 0.0, 0.8, 0.4, 0.0]]
    """
    appeal = msg[0]
    boost = msg[8] if ints[4] != 0 else 1.0
    for u in range(node_f.shape[0]):
        act = node_f[u, 1]
        # attention_delay's chance to stay offline one more step (1: never online)
        nodes[u, STAY] = 1.0 - min(max(act, 0.0), 1.0)
        nodes[u, RELEVANCE] = node_f[u, 3]
        nodes[u, TRUST] = node_trust[u] if node_trust.size else 1.0
        nodes[u, RECIPROCITY], nodes[u, OWED] = node_f[u, 4], node_f[u, 5]
        nodes[u, BANDWIDTH] = node_f[u, 0]
        nodes[u, SOURCE] = appeal * (0.5 * (1.0 + node_f[u, 2])) * boost
        nodes[u, N_NODE - 1] = 0.0


@njit(cache=True)
def node_table(n):
    """An uninitialised node table (n, 8) whose rows start on 64-byte boundaries.

    A row is then exactly one cache line (numba aligns fresh arrays to fewer
    bytes, and a row across two lines costs two reads at random addresses).
    """
    buf = np.empty(n * N_NODE + N_NODE)
    skip = (-(buf.ctypes.data // 8)) % N_NODE  # whole float64s to the next boundary
    return buf[skip : skip + n * N_NODE].reshape((n, N_NODE))


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
def start(ints, seeds, rep, state, buffers, record):
    """Step-0 set-up: the seeds are reached and post at 0 and at every reminder.

    ``state`` (a :class:`FunnelState`) is updated in place; returns the
    (possibly regrown) :class:`FunnelBuffers`.
    """
    seen, shares, touched_nodes, cnt = state.seen, state.shares, state.touched_nodes, state.cnt
    posts, events, amounts = buffers.posts, buffers.events, buffers.amounts
    steps, max_shares, n_rem = ints[0], ints[2], ints[5]
    first = cnt[N_TOUCHED_NODES]
    for s in seeds:
        if not seen[s]:
            seen[s] = True
            touched_nodes[cnt[N_TOUCHED_NODES]] = s
            cnt[N_TOUCHED_NODES] += 1
            state.totals[REACH] += 1
            shares[s] = max_shares  # the seeds' own post is their share
            if record:
                events, amounts = _push(events, amounts, cnt, rep, s, -1, 0, SEED, -1, 0.0)
    for r in range(-1, n_rem):
        when = 0 if r < 0 else ints[FIRST_REMINDER + r]
        if when < steps:
            for i in range(first, cnt[N_TOUCHED_NODES]):
                posts = _schedule(posts, state.post_head, cnt, touched_nodes[i], when)
    return FunnelBuffers(
        posts=posts,
        cand=buffers.cand,
        imps=buffers.imps,
        slots=buffers.slots,
        pend=buffers.pend,
        events=events,
        amounts=amounts,
    )


@njit(cache=True)
def step(t, indptr, indices, node_f, arc_f, msg, ints, key, rep, state, buffers, record):
    """Run step ``t`` (post, attend and decide, update trust) of replicate ``rep``.

    ``node_f`` columns: bandwidth, activity, credibility (on the topic),
    relevance, reciprocity, owed_to_originator, timezone. ``arc_f`` columns:
    strength, trust0, favours, channel_fit. ``msg``: appeal, share_rate,
    conversion_rate, tie_exponent, reciprocity_weight, amount,
    amount_reciprocity, weak_attention, boost, fatigue_penalty,
    deception_penalty, cut_below, then the 24 values of the daily activity
    curve. ``ints``: steps, window, max_shares, tolerance, deceptive,
    n_reminders, start_hour, curved (0: flat curve), reminder steps...
    ``state`` (a :class:`FunnelState`) is updated in place (its node table
    is prepared from these inputs if it is not yet); events are kept
    when ``record``. Returns the (possibly regrown) :class:`FunnelBuffers`.
    """
    arcs = arc_columns(arc_f)
    return _step(t, indptr, indices, node_f, arcs, msg, ints, key, rep, state, buffers, record)


@njit(cache=True)
def arc_columns(arc_f):
    """The columns of ``arc_f`` as the kernel's ``arcs``: (strength, trust, favours, fit).

    Views, not copies; ``trust`` is then the whole initial trust of each arc
    (the node table's trust is 1).
    """
    return arc_f[:, 0], arc_f[:, 1], arc_f[:, 2], arc_f[:, 3]


@njit(inline="always", cache=True)
def _step(t, indptr, indices, node_f, arcs, msg, ints, key, rep, state, buffers, record):
    """:func:`step`, inlined where replicates loop over steps (a call passes ~20 arrays,
    each reference-counted, and a replicate makes up to ``steps`` of them).

    ``arcs`` is ``(strength, trust, favours, fit)``, 1-D arrays of the arcs;
    an empty ``trust``, ``favours`` or ``fit`` means 1, 0 and 1 for every arc.
    An arc's initial trust is its target's (the node table) times ``trust``.
    """
    strength_of, arc_trust, favours, fit = arcs
    seen, shares, converted = state.seen, state.shares, state.converted
    slot_of, totals, cnt = state.slot_of, state.totals, state.cnt
    touched_nodes = state.touched_nodes
    post_head, imp_head, imp_count = state.post_head, state.imp_head, state.imp_count
    nodes = state.nodes
    if cnt[PREPARED] == 0:  # a step called from Python (the Mesa model): trust is in arcs
        prepare(node_f, np.empty(0), msg, ints, nodes)
        cnt[PREPARED] = 1
    posts, cand, imps = buffers.posts, buffers.cand, buffers.imps
    slots, pend = buffers.slots, buffers.pend
    events, amounts = buffers.events, buffers.amounts
    m = indices.size
    steps, window, max_shares, tolerance, deceptive = ints[0], ints[1], ints[2], ints[3], ints[4]
    share_rate, conv_rate, tie_exp, recip_w = msg[1], msg[2], msg[3], msg[4]
    amount0, amount_recip, weak_att = msg[5], msg[6], msg[7]
    fatigue_pen, decept_pen, cut_below = msg[9], msg[10], msg[11]
    curved, hour = ints[CURVED] != 0, ints[START_HOUR] + t
    curve = msg[CURVE : CURVE + 24]
    limit = min(window, steps - t)  # a post opened this many steps later or more is lost

    # phase 1: post. Each post is offered along every arc not cut, in four passes over the
    # step's posts so that the reads at random addresses (rows of senders, of targets, of
    # arcs) are issued from short loops without branches, many at a time.
    # (a) the arcs the step's posts offer, to make room for all of them before any loop
    n_offered = 0
    i = post_head[t]
    while i >= 0:
        u = posts[i, 0]
        i = posts[i, 1]
        lo = indptr[u]
        n_offered += indptr[u + 1] - lo
        prefetch(nodes, u)  # the sender's row, and the start of its arcs
        prefetch(indices, lo)
    if n_offered > cand.shape[0]:
        cand = grow_rows(cand, n_offered)
    if cnt[N_IMPS] + n_offered > imps.shape[0]:
        imps = grow_rows(imps, cnt[N_IMPS] + n_offered)
    # the integer columns of an impression, as int64 bits: phase 2 follows I_NEXT from row
    # to row, and a float would add a conversion to every link of that chain
    imps_int = imps.view(np.int64)
    if cnt[N_SLOTS] + n_offered > slots.shape[0]:
        slots = grow_rows(slots, cnt[N_SLOTS] + n_offered)
    # (b) which arcs carry a post (the feed shows it with probability bandwidth[u]): every
    # arc is written, and the row is kept (k advances) only when the post is delivered
    k = 0
    i = post_head[t]
    while i >= 0:
        u = posts[i, 0]
        i = posts[i, 1]
        bandwidth = nodes[u, BANDWIDTH]
        for a in range(indptr[u], indptr[u + 1]):
            cand[k, C_ARC], cand[k, C_SENDER], cand[k, C_TARGET] = a, u, indices[a]
            k += _rand(key, t, m, a, DELIVER) < bandwidth
    # the rows (c) reads at random addresses, asked for all at once
    for c in range(k):
        a = int(cand[c, C_ARC])
        prefetch(nodes, int(cand[c, C_TARGET]))
        prefetch(slot_of, a)
        prefetch(strength_of, a)
        if favours.size:
            prefetch(favours, a)
        if arc_trust.size:
            prefetch(arc_trust, a)
    # (c) gather what each delivery needs about its target and its arc, and the factors
    # of its decisions that do not change (strength ** tie_exponent among them)
    for c in range(k):
        a, u, v = int(cand[c, C_ARC]), int(cand[c, C_SENDER]), int(cand[c, C_TARGET])
        trust0 = nodes[v, TRUST]
        if arc_trust.size:
            trust0 *= arc_trust[a]
        strength = strength_of[a]
        tie = weak_att + (1.0 - weak_att) * strength
        click_w = nodes[u, SOURCE] * nodes[v, RELEVANCE] * tie
        if fit.size:
            click_w *= fit[a]
        convert_w = 0.0  # deceptive content never converts
        if not deceptive:  # convert_probability's factors that do not change
            owed = nodes[v, OWED]
            if favours.size:
                owed += favours[a]
            steep = strength * strength if tie_exp == 2.0 else strength**tie_exp
            convert_w = conv_rate * steep * (1.0 + recip_w * nodes[v, RECIPROCITY] * owed)
        cand[c, C_STAY], cand[c, C_TRUST0] = nodes[v, STAY], trust0
        cand[c, C_CLICK], cand[c, C_CONVERT] = click_w, convert_w
    # (d) in the same order: is the arc cut, when does its target open the post. Written
    # without branches on the draws (they would be mispredicted often): every delivery
    # writes an impression row and a slot row, counted only when the impression is kept.
    j, n_slots = cnt[N_IMPS], cnt[N_SLOTS]
    for c in range(k):
        a = int(cand[c, C_ARC])
        s = slot_of[a]  # read again: an earlier post of this step may have given it a slot
        trust0, stay = cand[c, C_TRUST0], cand[c, C_STAY]
        loss = slots[s, S_LOSS] if s >= 0 else 0.0
        # kept: the follower still listens to u (the arc is not cut), v is ever online,
        # and opens the post within the window
        keep = not (trust0 - loss < cut_below) and stay != 1.0
        if curved:  # the chance of being online follows v's local hour
            d = limit
            if keep:
                v = int(cand[c, C_TARGET])
                local = (hour + int(node_f[v, TIMEZONE])) % 24
                u_time = _rand(key, t, m, a, TIMING)
                d = _online_delay(node_f[v, 1], curve, local, u_time, limit)
        else:
            d = _delay(stay, 1.0 - _rand(key, t, m, a, TIMING), limit)
        keep = keep and d < limit
        fresh = keep and s < 0  # the arc's first impression in this replicate: a new slot
        slots[n_slots, S_ARC], slots[n_slots, S_EXPOSED], slots[n_slots, S_LOSS] = a, 0.0, 0.0
        s = n_slots if fresh else s
        slot_of[a] = s
        n_slots += fresh
        when = t + d
        imps_int[j, I_TARGET] = int(cand[c, C_TARGET])
        imps_int[j, I_SENDER] = int(cand[c, C_SENDER])
        imps_int[j, I_BASE], imps_int[j, I_NEXT] = (t * m + a) * 8, imp_head[when]
        imps_int[j, I_SLOT] = s
        imps[j, I_TRUST0], imps[j, I_CLICK] = trust0, cand[c, C_CLICK]
        imps[j, I_CONVERT] = cand[c, C_CONVERT]
        imp_head[when] = j if keep else imp_head[when]
        imp_count[when] += keep
        j += keep
    cnt[N_IMPS], cnt[N_SLOTS] = j, n_slots

    # phase 2: attend and decide, reading the trust of step t - 1. Room for what the
    # impressions seen at t can add is made first: no buffer is replaced inside the loop.
    n_seen = imp_count[t]
    if n_seen > pend.shape[0]:
        pend = grow_rows(pend, n_seen)
    if cnt[N_POSTS] + n_seen > posts.shape[0]:
        posts = grow_rows(posts, cnt[N_POSTS] + n_seen)
    if record and cnt[N_EVENTS] + 4 * n_seen > events.shape[0]:  # at most 4 per impression
        need = cnt[N_EVENTS] + 4 * n_seen
        if need > cnt[ROW_CAP]:  # the memory guard: stop before the buffer grows past it
            cnt[WANTED] = need
            return FunnelBuffers(
                posts=posts, cand=cand, imps=imps, slots=slots, pend=pend, events=events,
                amounts=amounts,
            )  # fmt: skip
        events, amounts = grow_rows(events, need), grow(amounts, need)
    n_pend = 0
    j = imp_head[t]
    while j >= 0:
        v, u, s = imps_int[j, I_TARGET], imps_int[j, I_SENDER], imps_int[j, I_SLOT]
        base = np.uint64(imps_int[j, I_BASE])  # (step posted * m + arc) * 8
        trust0, click_w, convert_w = imps[j, I_TRUST0], imps[j, I_CLICK], imps[j, I_CONVERT]
        j = imps_int[j, I_NEXT]
        totals[IMPRESSIONS] += 1
        totals[DEPTH] = t
        if not seen[v]:
            seen[v] = True
            touched_nodes[cnt[N_TOUCHED_NODES]] = v
            cnt[N_TOUCHED_NODES] += 1
            totals[REACH] += 1
        exposed = slots[s, S_EXPOSED] + 1.0
        slots[s, S_EXPOSED] = exposed
        confidence = max(trust0 - slots[s, S_LOSS], 0.0)
        clicked = uniform(key, base + np.uint64(CLICK)) < min(click_w * confidence, 1.0)
        if exposed > tolerance or (clicked and deceptive):
            loss = _trust_penalty(
                exposed,
                tolerance,
                fatigue_pen,
                1.0 if (clicked and deceptive) else 0.0,
                decept_pen,
            )
            if loss > 0.0:
                pend[n_pend, 0], pend[n_pend, 1] = s, loss
                n_pend += 1
        a = (int(base) >> 3) % m if record else 0  # the arc, for the events
        if record:
            _put(events, amounts, cnt, rep, v, u, t, IMPRESSION, a, 0.0)
        if not clicked:
            continue
        totals[CLICKS] += 1
        if record:
            _put(events, amounts, cnt, rep, v, u, t, CLICKED, a, 0.0)
        if shares[v] < max_shares and uniform(key, base + np.uint64(SHARE)) < share_rate:
            shares[v] += 1
            totals[SHARES] += 1
            if t + 1 < steps:
                k = cnt[N_POSTS]
                posts[k, 0], posts[k, 1] = v, post_head[t + 1]
                post_head[t + 1] = k
                cnt[N_POSTS] = k + 1
            if record:
                _put(events, amounts, cnt, rep, v, u, t, SHARED, a, 0.0)
        if not deceptive and not converted[v]:
            if uniform(key, base + np.uint64(CONVERT)) < min(convert_w * confidence, 1.0):
                converted[v] = True
                a = (int(base) >> 3) % m
                owed = node_f[v, 5] + (favours[a] if favours.size else 0.0)
                gift = _conversion_amount(amount0, node_f[v, 4], owed, amount_recip)
                totals[CONVERSIONS] += 1
                totals[AMOUNT] += gift
                if record:
                    _put(events, amounts, cnt, rep, v, u, t, CONVERTED, a, gift)

    # phase 3: update trust, after every decision of step t (synchronous)
    for p in range(n_pend):
        slots[int(pend[p, 0]), S_LOSS] += pend[p, 1]
    return FunnelBuffers(
        posts=posts, cand=cand, imps=imps, slots=slots, pend=pend, events=events, amounts=amounts
    )


@njit(cache=True)
def step_arrays(t, indptr, indices, node_f, arc_f, msg, ints, key, rep, record, *arrays):
    """:func:`step`, with ``state`` and ``buffers`` passed as their arrays: ``*state, *buffers``.

    For callers in Python (the Mesa model): numba types plain array
    arguments in compiled code but a named tuple in Python, which costs a
    few microseconds per call, a sixth of a small model's step. The arrays
    are regrouped here, in the tuples' own field order. Returns the
    (possibly regrown) :class:`FunnelBuffers`.
    """
    state = FunnelState(*arrays[:_N_STATE])
    buffers = FunnelBuffers(*arrays[_N_STATE:])
    return step(t, indptr, indices, node_f, arc_f, msg, ints, key, rep, state, buffers, record)


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
