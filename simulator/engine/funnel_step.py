"""One step of the campaign funnel (post, attend and decide, update trust), and step 0.

One job: advance a replicate of :mod:`simulator.engine.funnel`.
:func:`start` reaches the seeds and files their posts; :func:`_step` runs
one step's three phases (the phases are described in
:mod:`simulator.engine.funnel`) and is inlined in the replicate loop;
:func:`step` and :func:`step_arrays` are the same step for callers outside
that loop: :mod:`simulator.calibration.replay`, and the Mesa model
(:mod:`simulator.mesa_model`), which drives :func:`start` and :func:`step`
one step at a time (the state prepares its node table at the first step).

Data layout (the cost is memory traffic and mispredicted branches, not
arithmetic: a read at a random address of a table larger than the CPU's
cache costs as much as a hundred multiplications, and what matters is how
many such reads are under way at once). What is fixed for a run is in the
per-run node table (:mod:`simulator.engine.funnel_tables`). Phase 1 takes
the step's posts together, in passes over their arcs (the posts in list
order, each post's arcs in CSR order, so impressions are filed in the same
order as one post at a time would file them):

- (a) count the arcs offered, so every buffer is made large enough once,
  and ask the CPU (:func:`~simulator.engine.buffers.prefetch`) for the
  senders' rows and the start of their arcs;
- (b) draw the deliveries, writing every arc and keeping those delivered
  (no branch on the draw), then ask the CPU for the targets' rows and the
  delivered arcs' entries, all at once, so that the reads overlap;
- (c) gather them and compute what the decisions need (trust, and the
  products of the click and conversion factors that do not change,
  ``strength ** tie_exponent`` among them);
- (d) draw when each target opens the post
  (:func:`~simulator.engine.funnel_tables._delay`: the powers of the chance
  to stay offline, four at a time) and file the impression; a delivery lost
  (arc cut, target never online, post not opened in time) writes its rows
  too but is not counted, so no branch depends on a draw.

A delivered impression carries what its decisions need in its own row, so
deciding reads no table at random; the per-arc state (exposures, trust
lost) is in the replicate's slots (:mod:`simulator.engine.funnel_state`).
The probabilities are those of
:func:`~simulator.behavior.attention_delay`,
:func:`~simulator.behavior.click_probability` and
:func:`~simulator.behavior.convert_probability` (the delay inverted by
products instead of logarithms, the factors multiplied in another order:
equal up to rounding, which moves a decision with probability about
1e-16); the random numbers are the same, so results are too.

Examples
--------
A seed with two followers, a message everyone clicks and shares, one step
at a time:

>>> from simulator.engine.funnel_state import new_buffers, new_state
>>> indptr, indices = np.array([0, 2, 2, 2]), np.array([1, 2], np.int32)
>>> node_f, arc_f = np.ones((3, 7)), np.ones((2, 4))
>>> msg = np.r_[1.0, 1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.2, 0.5, 0.05, np.ones(24)]
>>> ints = np.array([3, 6, 1, 3, 0, 0, 0, 0])  # 3 steps, window 6, 1 share, tolerance 3
>>> state, buffers, key = new_state(3, 2, 3), new_buffers(), np.uint64(7)
>>> buffers = start(ints, np.array([0]), 0, state, buffers, True)
>>> for t in range(3):
...     buffers = step(t, indptr, indices, node_f, arc_f, msg, ints, key, 0, state, buffers, True)
>>> state.totals.tolist(), int(state.cnt[N_EVENTS])  # reach, depth, impressions, clicks, ...
([3.0, 0.0, 2.0, 2.0, 2.0, 0.0, 0.0], 7)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator import behavior
from simulator.engine.buffers import grow, grow_rows, prefetch
from simulator.engine.counter_rng import uniform
from simulator.engine.funnel_state import (
    AMOUNT,
    C_ARC,
    C_CLICK,
    C_CONVERT,
    C_SENDER,
    C_STAY,
    C_TARGET,
    C_TRUST0,
    CLICKED,
    CLICKS,
    CONVERSIONS,
    CONVERTED,
    DEPTH,
    I_BASE,
    I_CLICK,
    I_CONVERT,
    I_NEXT,
    I_SENDER,
    I_SLOT,
    I_TARGET,
    I_TRUST0,
    IMPRESSION,
    IMPRESSIONS,
    N_EVENTS,
    N_IMPS,
    N_POSTS,
    N_SLOTS,
    N_TOUCHED_NODES,
    PREPARED,
    REACH,
    ROW_CAP,
    S_ARC,
    S_EXPOSED,
    S_LOSS,
    SEED,
    SHARED,
    SHARES,
    WANTED,
    FunnelBuffers,
    FunnelState,
    _push,
    _put,
    _schedule,
)
from simulator.engine.funnel_tables import (
    BANDWIDTH,
    CLICK,
    CONVERT,
    CURVE,
    CURVED,
    DELIVER,
    FIRST_REMINDER,
    OWED,
    RECIPROCITY,
    RELEVANCE,
    SHARE,
    SOURCE,
    START_HOUR,
    STAY,
    TIMEZONE,
    TIMING,
    TRUST,
    _delay,
    _rand,
    arc_columns,
    prepare,
)

__all__ = ["start", "step", "step_arrays"]

_online_delay = njit(cache=True)(behavior.online_delay)
_conversion_amount = njit(cache=True)(behavior.conversion_amount)
_trust_penalty = njit(cache=True)(behavior.trust_penalty)

_N_STATE = len(FunnelState._fields)


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
