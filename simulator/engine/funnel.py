"""Compiled kernel of the campaign funnel (see :class:`simulator.engine.campaign.Campaign`).

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
Per-replicate state (:class:`FunnelState`, fixed-size arrays updated in
place) is reset through lists of what was touched, so the cost grows with the
arcs examined, not with the network size; the buffers that grow
(:class:`FunnelBuffers`) are handed back by each phase. One replicate loop
serves the event log and the summary mode (``record``, a constant of each
entry point). The Mesa model (:mod:`simulator.mesa_model`) drives the same
:func:`start` and :func:`step` one step at a time.

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
from simulator.engine.buffers import grow, grow_rows
from simulator.engine.counter_rng import uniform

__all__ = [
    "EVENT_COLUMNS",
    "FunnelBuffers",
    "FunnelState",
    "N_TOTALS",
    "funnel_events",
    "funnel_summary",
    "new_buffers",
    "new_state",
    "reset",
    "start",
    "step",
    "step_arrays",
]

_attention_delay = njit(cache=True)(behavior.attention_delay)
_online_delay = njit(cache=True)(behavior.online_delay)
_click_probability = njit(cache=True)(behavior.click_probability)
_convert_probability = njit(cache=True)(behavior.convert_probability)
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

# counters kept in one int64 array so the kernels can update them in place
N_POSTS, N_IMPS, N_TOUCHED_NODES, N_TOUCHED_ARCS, N_EVENTS = 0, 1, 2, 3, 4


class FunnelState(NamedTuple):
    """Per-replicate state of fixed size, updated in place by the kernel.

    ``seen``, ``shares``, ``converted`` are per node (reached; shares made;
    converted), ``exposures`` and ``trust_loss`` per arc; ``touched_nodes``
    and ``touched_arcs`` list what a replicate changed (for :func:`reset`);
    ``post_head`` and ``imp_head`` are the heads, per step, of the linked
    lists of posts and impressions; ``cnt`` holds the counters ``N_POSTS``,
    ``N_IMPS``, ``N_TOUCHED_NODES``, ``N_TOUCHED_ARCS``, ``N_EVENTS``;
    ``totals`` the running totals, in the order of
    :data:`~simulator.cascade_log.FUNNEL_COLUMNS`.
    """

    seen: np.ndarray
    shares: np.ndarray
    converted: np.ndarray
    exposures: np.ndarray
    trust_loss: np.ndarray
    touched_nodes: np.ndarray
    touched_arcs: np.ndarray
    post_head: np.ndarray
    imp_head: np.ndarray
    cnt: np.ndarray
    totals: np.ndarray


class FunnelBuffers(NamedTuple):
    """Buffers that grow (and are then replaced) while a replicate runs.

    ``posts`` rows (poster, next post of the same step); ``imps`` rows
    (target, sender, arc, step posted, next impression of the same step);
    ``pend`` rows (arc, trust loss) of one step; ``events`` rows
    :data:`EVENT_COLUMNS` and ``amounts`` the amount of each event.
    """

    posts: np.ndarray
    imps: np.ndarray
    pend: np.ndarray
    events: np.ndarray
    amounts: np.ndarray


@njit(cache=True)
def _push(events, amounts, cnt, rep, node, parent, step, code, arc, amount):
    i = cnt[N_EVENTS]
    if i + 1 > events.shape[0]:
        events, amounts = grow_rows(events, i + 1), grow(amounts, i + 1)
    events[i, 0], events[i, 1], events[i, 2] = rep, node, parent
    events[i, 3], events[i, 4], events[i, 5] = step, code, arc
    amounts[i] = amount
    cnt[N_EVENTS] = i + 1
    return events, amounts


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
def _rand(key, step, m, arc, decision):
    return uniform(key, np.uint64((step * m + arc) * 8 + decision))


_N_STATE = len(FunnelState._fields)


@njit(cache=True)
def new_state(n, m, steps):
    """A fresh :class:`FunnelState` for ``n`` agents, ``m`` arcs and ``steps`` steps."""
    return FunnelState(
        seen=np.zeros(n, np.bool_),
        shares=np.zeros(n, np.int64),
        converted=np.zeros(n, np.bool_),
        exposures=np.zeros(m, np.int64),
        trust_loss=np.zeros(m, np.float64),
        touched_nodes=np.empty(n, np.int64),
        touched_arcs=np.empty(m, np.int64),
        post_head=np.full(steps + 1, -1, np.int64),
        imp_head=np.full(steps + 1, -1, np.int64),
        cnt=np.zeros(5, np.int64),
        totals=np.zeros(N_TOTALS),
    )


@njit(cache=True)
def new_buffers():
    """Fresh, small :class:`FunnelBuffers` (they grow as needed)."""
    return FunnelBuffers(
        posts=np.empty((64, 2), np.int64),
        imps=np.empty((256, 5), np.int64),
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
        posts=posts, imps=buffers.imps, pend=buffers.pend, events=events, amounts=amounts
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
    ``state`` (a :class:`FunnelState`) is updated in place; events are kept
    when ``record``. Returns the (possibly regrown) :class:`FunnelBuffers`.
    """
    seen, shares, converted = state.seen, state.shares, state.converted
    exposures, trust_loss, totals, cnt = state.exposures, state.trust_loss, state.totals, state.cnt
    touched_nodes, touched_arcs = state.touched_nodes, state.touched_arcs
    post_head, imp_head = state.post_head, state.imp_head
    posts, imps, pend = buffers.posts, buffers.imps, buffers.pend
    events, amounts = buffers.events, buffers.amounts
    m = indices.size
    steps, window, max_shares, tolerance, deceptive = ints[0], ints[1], ints[2], ints[3], ints[4]
    appeal, share_rate, conv_rate, tie_exp = msg[0], msg[1], msg[2], msg[3]
    recip_w, amount0, amount_recip, weak_att = msg[4], msg[5], msg[6], msg[7]
    boost = msg[8] if deceptive else 1.0
    fatigue_pen, decept_pen, cut_below = msg[9], msg[10], msg[11]
    curved, hour = ints[CURVED] != 0, ints[START_HOUR] + t
    curve = msg[CURVE : CURVE + 24]

    # phase 1: post. Each post is offered along every arc not cut.
    i = post_head[t]
    while i >= 0:
        u = posts[i, 0]
        i = posts[i, 1]
        for a in range(indptr[u], indptr[u + 1]):
            if arc_f[a, 1] - trust_loss[a] < cut_below:
                continue  # the follower stopped listening to u
            v = indices[a]
            act = node_f[v, 1]
            if act <= 0.0 or _rand(key, t, m, a, DELIVER) >= node_f[u, 0]:
                continue
            if curved:  # the chance of being online follows v's local hour
                limit = min(window, steps - t)
                local = (hour + int(node_f[v, TIMEZONE])) % 24
                d = _online_delay(act, curve, local, _rand(key, t, m, a, TIMING), limit)
            else:
                d = 0 if act >= 1.0 else int(_attention_delay(act, _rand(key, t, m, a, TIMING)))
            if d >= window or t + d >= steps:
                continue
            j = cnt[N_IMPS]
            if j + 1 > imps.shape[0]:
                imps = grow_rows(imps, j + 1)
            imps[j, 0], imps[j, 1], imps[j, 2], imps[j, 3] = v, u, a, t
            imps[j, 4] = imp_head[t + d]
            imp_head[t + d] = j
            cnt[N_IMPS] = j + 1

    # phase 2: attend and decide, reading the trust of step t - 1
    n_pend = 0
    j = imp_head[t]
    while j >= 0:
        v, u, a, tp = imps[j, 0], imps[j, 1], imps[j, 2], imps[j, 3]
        j = imps[j, 4]
        totals[IMPRESSIONS] += 1
        totals[DEPTH] = t
        if not seen[v]:
            seen[v] = True
            touched_nodes[cnt[N_TOUCHED_NODES]] = v
            cnt[N_TOUCHED_NODES] += 1
            totals[REACH] += 1
        if exposures[a] == 0:
            touched_arcs[cnt[N_TOUCHED_ARCS]] = a
            cnt[N_TOUCHED_ARCS] += 1
        exposures[a] += 1
        strength, confidence = arc_f[a, 0], max(arc_f[a, 1] - trust_loss[a], 0.0)
        p_click = _click_probability(
            appeal, node_f[v, 3], node_f[u, 2], confidence, strength, arc_f[a, 3], weak_att, boost
        )
        clicked = _rand(key, tp, m, a, CLICK) < p_click
        loss = _trust_penalty(
            exposures[a],
            tolerance,
            fatigue_pen,
            1.0 if (clicked and deceptive) else 0.0,
            decept_pen,
        )
        if loss > 0.0:
            if n_pend + 1 > pend.shape[0]:
                pend = grow_rows(pend, n_pend + 1)
            pend[n_pend, 0], pend[n_pend, 1] = a, loss
            n_pend += 1
        if record:
            events, amounts = _push(events, amounts, cnt, rep, v, u, t, IMPRESSION, a, 0.0)
        if not clicked:
            continue
        totals[CLICKS] += 1
        if record:
            events, amounts = _push(events, amounts, cnt, rep, v, u, t, CLICKED, a, 0.0)
        if shares[v] < max_shares and _rand(key, tp, m, a, SHARE) < share_rate:
            shares[v] += 1
            totals[SHARES] += 1
            if t + 1 < steps:
                posts = _schedule(posts, post_head, cnt, v, t + 1)
            if record:
                events, amounts = _push(events, amounts, cnt, rep, v, u, t, SHARED, a, 0.0)
        if not deceptive and not converted[v]:
            owed = node_f[v, 5] + arc_f[a, 2]
            p_conv = _convert_probability(
                conv_rate, strength, tie_exp, confidence, node_f[v, 4], owed, recip_w
            )
            if _rand(key, tp, m, a, CONVERT) < p_conv:
                converted[v] = True
                gift = _conversion_amount(amount0, node_f[v, 4], owed, amount_recip)
                totals[CONVERSIONS] += 1
                totals[AMOUNT] += gift
                if record:
                    events, amounts = _push(events, amounts, cnt, rep, v, u, t, CONVERTED, a, gift)

    # phase 3: update trust, after every decision of step t (synchronous)
    for p in range(n_pend):  # these arcs were exposed, hence already touched
        trust_loss[int(pend[p, 0])] += pend[p, 1]
    return FunnelBuffers(posts=posts, imps=imps, pend=pend, events=events, amounts=amounts)


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
def reset(state):
    """Undo what a replicate touched in ``state`` (cost: what was touched, not n or m)."""
    cnt = state.cnt
    for i in range(cnt[N_TOUCHED_NODES]):
        v = state.touched_nodes[i]
        state.seen[v], state.shares[v], state.converted[v] = False, 0, False
    for i in range(cnt[N_TOUCHED_ARCS]):
        a = state.touched_arcs[i]
        state.exposures[a], state.trust_loss[a] = 0, 0.0
    state.post_head[:] = -1
    state.imp_head[:] = -1
    cnt[N_POSTS], cnt[N_IMPS], cnt[N_TOUCHED_NODES], cnt[N_TOUCHED_ARCS] = 0, 0, 0, 0
    state.totals[:] = 0.0


@njit(cache=True)
def _replicates(indptr, indices, node_f, arc_f, msg, ints, seeds, keys, reps, out, record):
    """Run replicates ``reps`` (indices into seeds/keys), totals into ``out``.

    Returns the events ``(E, 6)`` and their amounts (empty unless ``record``).
    """
    steps = ints[0]
    state = new_state(indptr.size - 1, indices.size, steps)
    buffers = new_buffers()
    for r in reps:
        buffers = start(ints, seeds[r], r, state, buffers, record)
        for t in range(steps):
            if state.post_head[t] < 0 and state.imp_head[t] < 0:
                continue  # nothing posted or seen at t
            buffers = step(
                t, indptr, indices, node_f, arc_f, msg, ints, keys[r], r, state, buffers, record
            )
        out[r, :] = state.totals
        reset(state)
    n_events = state.cnt[N_EVENTS]
    return buffers.events[:n_events], buffers.amounts[:n_events]


@njit(cache=True)
def funnel_events(indptr, indices, node_f, arc_f, msg, ints, seeds, keys):
    """All replicates with events: ``(totals, events, amounts)``.

    ``totals`` (R, :data:`N_TOTALS`) has the columns of
    :data:`~simulator.cascade_log.FUNNEL_COLUMNS`, ``events`` (E, 6) those of
    :data:`EVENT_COLUMNS`; ``amounts`` (E,) is the amount of each event.
    """
    out = np.zeros((keys.size, N_TOTALS))
    reps = np.arange(keys.size)
    events, amounts = _replicates(
        indptr, indices, node_f, arc_f, msg, ints, seeds, keys, reps, out, True
    )
    return out, events, amounts


@njit(cache=True, parallel=True)
def funnel_summary(indptr, indices, node_f, arc_f, msg, ints, seeds, keys, n_chunks):
    """All replicates, totals only; ``n_chunks`` groups of replicates run in parallel.

    Replicate ``r`` only reads ``keys[r]`` and ``seeds[r]``, so the result does
    not depend on the number of threads or chunks.
    """
    out = np.zeros((keys.size, N_TOTALS))
    n_chunks = max(1, min(keys.size, n_chunks))
    for c in prange(n_chunks):
        reps = np.arange(c, keys.size, n_chunks)
        _replicates(indptr, indices, node_f, arc_f, msg, ints, seeds, keys, reps, out, False)
    return out
