"""Compiled kernel of the campaign funnel (see :class:`simulator.engine.campaign.Campaign`).

One replicate is a loop over steps ``t = 0 .. steps - 1``; each step runs
these phases in order:

1. **post**: every agent scheduled to post at ``t`` (the seeds at 0 and at
   each reminder step, agents who decided to share at ``t - 1``) offers the
   post to each follower ``v`` along arc ``a`` that is not cut: the post is
   delivered with probability ``bandwidth[u]``, and ``v`` opens it after
   :func:`~simulator.behavior.attention_delay` steps; a post not opened
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
Per-replicate state is reset through lists of what was touched, so the cost
grows with the arcs examined, not with the network size.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator import behavior
from simulator.engine.counter_rng import uniform

_attention_delay = njit(cache=True)(behavior.attention_delay)
_click_probability = njit(cache=True)(behavior.click_probability)
_convert_probability = njit(cache=True)(behavior.convert_probability)
_conversion_amount = njit(cache=True)(behavior.conversion_amount)
_trust_penalty = njit(cache=True)(behavior.trust_penalty)

# decisions drawn per (post, arc); the counter is (step * m + arc) * 8 + decision
DELIVER, TIMING, CLICK, SHARE, CONVERT = 0, 1, 2, 3, 4
# action codes (simulator.cascade.ACTIONS)
SEED, IMPRESSION, CLICKED, SHARED, CONVERTED = 0, 2, 3, 4, 5
# summary columns
N_TOTALS = 7  # reach, depth, impressions, clicks, shares, conversions, amount


@njit(cache=True)
def _grow(buf, need):
    out = np.empty((max(2 * buf.shape[0], need), buf.shape[1]), dtype=buf.dtype)
    out[: buf.shape[0]] = buf[:]
    return out


@njit(cache=True)
def _grow1(buf, need):
    out = np.empty(max(2 * buf.shape[0], need), dtype=buf.dtype)
    out[: buf.shape[0]] = buf[:]
    return out


@njit(cache=True)
def _push(events, amounts, n_events, rep, node, parent, step, code, arc, amount):
    if n_events + 1 > events.shape[0]:
        events, amounts = _grow(events, n_events + 1), _grow1(amounts, n_events + 1)
    events[n_events, 0], events[n_events, 1], events[n_events, 2] = rep, node, parent
    events[n_events, 3], events[n_events, 4], events[n_events, 5] = step, code, arc
    amounts[n_events] = amount
    return events, amounts, n_events + 1


@njit(cache=True)
def _schedule(posts, head, n_posts, node, step):
    if n_posts + 1 > posts.shape[0]:
        posts = _grow(posts, n_posts + 1)
    posts[n_posts, 0], posts[n_posts, 1] = node, head[step]
    head[step] = n_posts
    return posts, n_posts + 1


@njit(cache=True)
def _rand(key, step, m, arc, decision):
    return uniform(key, np.uint64((step * m + arc) * 8 + decision))


@njit(cache=True)
def _replicate(
    indptr,
    indices,
    node_f,
    arc_f,
    msg,
    ints,
    seeds,
    key,
    rep,
    seen,
    shares,
    converted,
    exposures,
    trust_loss,
    touched_nodes,
    touched_arcs,
    posts,
    imps,
    pend,
    totals,
    events,
    amounts,
    n_events,
    record,
):
    """One replicate; returns the (possibly regrown) buffers and ``n_events``.

    ``posts``, ``imps`` and ``pend`` are scratch buffers kept across replicates.

    ``node_f`` columns: bandwidth, activity, credibility, relevance,
    reciprocity, owed_to_originator. ``arc_f`` columns: strength, trust0,
    favours, channel_fit. ``msg``: appeal, share_rate, conversion_rate,
    tie_exponent, reciprocity_weight, amount, amount_reciprocity,
    weak_attention, boost, fatigue_penalty, deception_penalty, cut_below.
    ``ints``: steps, window, max_shares, tolerance, deceptive, n_reminders,
    reminder steps...
    """
    m = indices.size
    steps, window, max_shares, tolerance, deceptive = ints[0], ints[1], ints[2], ints[3], ints[4]
    n_rem = ints[5]
    appeal, share_rate, conv_rate, tie_exp = msg[0], msg[1], msg[2], msg[3]
    recip_w, amount0, amount_recip, weak_att = msg[4], msg[5], msg[6], msg[7]
    boost, fatigue_pen, decept_pen, cut_below = msg[8], msg[9], msg[10], msg[11]
    # posts: linked lists per step (node, next); impressions: per step (v, u, arc, t_post, next)
    post_head = np.full(steps + 1, -1, np.int64)
    n_posts = 0
    imp_head = np.full(steps + 1, -1, np.int64)
    n_imps = 0
    n_touched_nodes, n_touched_arcs = 0, 0
    reach, depth, n_imp, n_click, n_share, n_conv, total_amount = 0, 0, 0, 0, 0, 0, 0.0

    uniq = np.empty(seeds.size, np.int64)
    n_uniq = 0
    for s in seeds:
        if not seen[s]:
            seen[s] = True
            touched_nodes[n_touched_nodes] = s
            n_touched_nodes += 1
            uniq[n_uniq] = s
            n_uniq += 1
            reach += 1
            shares[s] = max_shares  # the seeds' own post is their share
            if record:
                events, amounts, n_events = _push(
                    events, amounts, n_events, rep, s, -1, 0, SEED, -1, 0.0
                )
    # the seeds post at step 0 and at every reminder step
    for r in range(-1, n_rem):
        when = 0 if r < 0 else ints[6 + r]
        if when < steps:
            for i in range(n_uniq):
                posts, n_posts = _schedule(posts, post_head, n_posts, uniq[i], when)

    for t in range(steps):
        # phase 1: post
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
                d = 0 if act >= 1.0 else int(_attention_delay(act, _rand(key, t, m, a, TIMING)))
                if d >= window or t + d >= steps:
                    continue
                if n_imps + 1 > imps.shape[0]:
                    imps = _grow(imps, n_imps + 1)
                imps[n_imps, 0], imps[n_imps, 1], imps[n_imps, 2] = v, u, a
                imps[n_imps, 3], imps[n_imps, 4] = t, imp_head[t + d]
                imp_head[t + d] = n_imps
                n_imps += 1
        # phase 2: attend and decide
        n_pend = 0
        j = imp_head[t]
        while j >= 0:
            v, u, a, tp = imps[j, 0], imps[j, 1], imps[j, 2], imps[j, 3]
            j = imps[j, 4]
            n_imp += 1
            depth = t
            if not seen[v]:
                seen[v] = True
                touched_nodes[n_touched_nodes] = v
                n_touched_nodes += 1
                reach += 1
            if exposures[a] == 0:
                touched_arcs[n_touched_arcs] = a
                n_touched_arcs += 1
            exposures[a] += 1
            strength, confidence = arc_f[a, 0], max(arc_f[a, 1] - trust_loss[a], 0.0)
            p_click = _click_probability(
                appeal,
                node_f[v, 3],
                node_f[u, 2],
                confidence,
                strength,
                arc_f[a, 3],
                weak_att,
                boost if deceptive else 1.0,
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
                    pend = _grow(pend, n_pend + 1)
                pend[n_pend, 0], pend[n_pend, 1] = a, loss
                n_pend += 1
            if record:
                events, amounts, n_events = _push(
                    events, amounts, n_events, rep, v, u, t, IMPRESSION, a, 0.0
                )
            if not clicked:
                continue
            n_click += 1
            if record:
                events, amounts, n_events = _push(
                    events, amounts, n_events, rep, v, u, t, CLICKED, a, 0.0
                )
            if shares[v] < max_shares and _rand(key, tp, m, a, SHARE) < share_rate:
                shares[v] += 1
                n_share += 1
                if t + 1 < steps:
                    posts, n_posts = _schedule(posts, post_head, n_posts, v, t + 1)
                if record:
                    events, amounts, n_events = _push(
                        events, amounts, n_events, rep, v, u, t, SHARED, a, 0.0
                    )
            if not deceptive and not converted[v]:
                owed = node_f[v, 5] + arc_f[a, 2]
                p_conv = _convert_probability(
                    conv_rate, strength, tie_exp, confidence, node_f[v, 4], owed, recip_w
                )
                if _rand(key, tp, m, a, CONVERT) < p_conv:
                    converted[v] = True
                    n_conv += 1
                    gift = _conversion_amount(amount0, node_f[v, 4], owed, amount_recip)
                    total_amount += gift
                    if record:
                        events, amounts, n_events = _push(
                            events, amounts, n_events, rep, v, u, t, CONVERTED, a, gift
                        )
        # phase 3: update trust (synchronously, after every decision of step t)
        for p in range(n_pend):  # these arcs were exposed, hence already touched
            trust_loss[int(pend[p, 0])] += pend[p, 1]

    totals[0], totals[1], totals[2], totals[3] = reach, depth, n_imp, n_click
    totals[4], totals[5], totals[6] = n_share, n_conv, total_amount
    for i in range(n_touched_nodes):
        v = touched_nodes[i]
        seen[v], shares[v], converted[v] = False, 0, False
    for i in range(n_touched_arcs):
        a = touched_arcs[i]
        exposures[a], trust_loss[a] = 0, 0.0
    return posts, imps, pend, events, amounts, n_events


@njit(cache=True)
def _buffers(n, m):
    return (
        np.zeros(n, np.bool_),
        np.zeros(n, np.int64),
        np.zeros(n, np.bool_),
        np.zeros(m, np.int64),
        np.zeros(m, np.float64),
        np.empty(n, np.int64),
        np.empty(m, np.int64),
    )


@njit(cache=True)
def _scratch():
    """Growable (posts, impressions, pending trust losses) buffers."""
    return np.empty((64, 2), np.int64), np.empty((256, 5), np.int64), np.empty((16, 2))


@njit(cache=True)
def funnel_events(indptr, indices, node_f, arc_f, msg, ints, seeds, keys):
    """All replicates with events: ``(totals (R, 7), events (E, 6), amounts (E,))``."""
    n, m = indptr.size - 1, indices.size
    reps = keys.size
    seen, shares, converted, exposures, trust_loss, tn, ta = _buffers(n, m)
    totals = np.zeros((reps, N_TOTALS))
    events = np.empty((max(16, 4 * reps * seeds.shape[1]), 6), np.int64)
    amounts = np.empty(events.shape[0], np.float64)
    n_events = 0
    posts, imps, pend = _scratch()
    for r in range(reps):
        posts, imps, pend, events, amounts, n_events = _replicate(
            indptr,
            indices,
            node_f,
            arc_f,
            msg,
            ints,
            seeds[r],
            keys[r],
            r,
            seen,
            shares,
            converted,
            exposures,
            trust_loss,
            tn,
            ta,
            posts,
            imps,
            pend,
            totals[r],
            events,
            amounts,
            n_events,
            True,
        )
    return totals, events[:n_events], amounts[:n_events]


@njit(cache=True, parallel=True)
def funnel_summary(indptr, indices, node_f, arc_f, msg, ints, seeds, keys, n_chunks):
    """All replicates, totals only; ``n_chunks`` groups of replicates run in parallel."""
    n, m = indptr.size - 1, indices.size
    reps = keys.size
    totals = np.zeros((reps, N_TOTALS))
    n_chunks = max(1, min(reps, n_chunks))
    for c in prange(n_chunks):
        seen, shares, converted, exposures, trust_loss, tn, ta = _buffers(n, m)
        events = np.empty((1, 6), np.int64)
        amounts = np.empty(1, np.float64)
        posts, imps, pend = _scratch()
        for r in range(c, reps, n_chunks):
            posts, imps, pend, events, amounts, _ = _replicate(
                indptr,
                indices,
                node_f,
                arc_f,
                msg,
                ints,
                seeds[r],
                keys[r],
                r,
                seen,
                shares,
                converted,
                exposures,
                trust_loss,
                tn,
                ta,
                posts,
                imps,
                pend,
                totals[r],
                events,
                amounts,
                0,
                False,
            )
    return totals
