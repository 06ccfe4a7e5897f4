"""Compiled kernel of the contest: every personal link spreads over one crowd at once.

One replicate is a loop over steps ``t = 0 .. steps - 1``; each step runs
these phases in order:

0. **planned clicks**: the clicks the plans schedule at ``t`` (fake accounts,
   ring partners) are recorded; they draw no random number.
1. **post**: every post scheduled at ``t`` (plans' posts; reshares decided
   at ``t - 1``) is offered to the poster's followers (its out-arcs) or to
   the strangers it mentions. A recipient whose trust in the poster fell
   below ``cut_below`` (unfollowed or blocked) gets nothing; otherwise the
   post is delivered with probability ``bandwidth[poster]`` (followers) or
   ``stranger_delivery`` (mentions), and opened after
   :func:`~simulator.behavior.attention_delay` steps (lost beyond the
   attention window or the contest's end).
2. **attend and decide**: the impressions opened at ``t`` are sorted by
   recipient and, within a recipient, by a random priority; each person reads
   at most ``budget[person]`` of them (the attention budget; the rest are
   crowded out). A read post raises the (person, poster) exposure count and
   may be clicked (:func:`~simulator.behavior.click_probability`; the
   content's boost for bait or pressure); a click may be reshared (once per
   (person, link), to the person's followers at ``t + 1``, carrying the link
   and the bait flag) and convert (not bait; at most once per (person,
   link); :func:`~simulator.behavior.convert_probability`). A (person, link)
   pair is *tainted* once the person read that link as bait, under pressure,
   from a sender past the fatigue tolerance, or in an unsolicited mention (a
   stranger tagged by an account it does not follow did not choose to hear
   from it: spam however few times); actions of untainted pairs
   are *genuine*.
3. **update trust**: the losses of step ``t``
   (:func:`~simulator.behavior.trust_penalty`: fatigue past tolerance, plus
   the deception or pressure penalty on a click) are applied after every
   decision of ``t``. A pair whose trust falls below ``cut_below`` is cut:
   a follower unfollows (a stranger blocks), and reports spam with
   probability ``report_rate``.

Every draw is a counter-based uniform keyed by ``(replicate key, link,
step posted, recipient, poster, copy, decision)``, so a decision's number
does not depend on which other posts, players or fake accounts exist.
State per (person, poster) and per (person, link) lives in sparse hash
tables (:mod:`simulator.contest.sparse`): its size grows with the pairs
touched, never with people x players.

What the tables' columns, action codes and flag bits mean is
:mod:`simulator.contest.kernel_layout`; the steps on one post, impression
or pair (the draws, event rows, scheduling, offers, phase 3's trust update)
are :mod:`simulator.contest.kernel_ops`. This module holds the loop.

Examples
--------
:meth:`Contest.run <simulator.contest.contest.Contest.run>` builds the
kernel's inputs and calls :func:`contest_events` (``record`` 1 or 2) or
:func:`contest_summary` (totals only):

>>> import numpy as np
>>> from simulator.contest import Contest, ContestSettings, contest_keys
>>> from simulator.network.generators import barabasi_albert
>>> net = barabasi_albert(200, 3, np.random.default_rng(1))
>>> run = Contest(net, None, ContestSettings(players=10), seed=2).run(contest_keys(2, 2), record=1)
>>> run.totals.shape == (2, 10, len(LINK_COLUMNS))
True
>>> bool((run.events["action"] != ACTIONS.index("impression")).all())  # record 1: none
True
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.contest.kernel_layout import (
    _PRIORITY,
    ACTIONS,
    ACTIVITY,
    ATTEND,
    BANDWIDTH,
    BUDGET,
    CLICK,
    CLICKED,
    CONVERT,
    CONVERTED,
    CREDIBILITY,
    DECEPTIVE,
    EVENT_COLUMNS,
    EVENT_ROW_BYTES,
    FAKE,
    FLAGS,
    GENUINE,
    IMPRESSION,
    LINK_COLUMNS,
    N_ROWS,
    NO_CAP,
    NODE_COLUMNS,
    OWED,
    PLANNED,
    POST,
    PRESSURE,
    RECIPROCITY,
    RELEVANCE,
    ROW_CAP,
    SHARE,
    SHARED,
    SPAMMED,
    STRANGER,
    T_CLICKS,
    T_CONV,
    T_CROWDED,
    T_DECEIVED,
    T_FAKE,
    T_GCONV,
    T_GSHARES,
    T_IMPS,
    T_PLANNED,
    T_POSTS,
    T_REACH,
    T_SHARES,
    T_SPAM,
    TRUST,
    V_CONVERTED,
    V_SHARED,
    V_TAINTED,
    WANTED,
)
from simulator.contest.kernel_ops import (
    _click_probability,
    _convert_probability,
    _offer,
    _push,
    _schedule,
    _trust_penalty,
    _update_trust,
    draw,
)
from simulator.contest.sparse import find, get_or_add, new_table
from simulator.engine.buffers import grow, grow_rows

__all__ = [
    "ACTIONS",
    "EVENT_COLUMNS",
    "EVENT_ROW_BYTES",
    "FLAGS",
    "LINK_COLUMNS",
    "NODE_COLUMNS",
    "NO_CAP",
    "contest_events",
    "contest_summary",
]


@njit(cache=True)
def run_replicate(net, node_f, arc_f, plan, owner, fl, ints, key, rep, record, ev, cnt, totals):
    """One contest replicate; per-link totals into ``totals`` (P, LINK_COLUMNS).

    ``net`` = (indptr, indices); ``plan`` = (posts (Q, 8): step, poster, link,
    copy, deceptive, pressure, strangers lo, hi; boosts (Q,); strangers;
    clicks (C, 5) sorted by step: step, clicker, link, via, fake). ``fl``:
    appeal, share_rate, conversion_rate, tie_exponent, reciprocity_weight,
    weak_attention, fatigue_penalty, deception_penalty, pressure_penalty,
    cut_below, stranger_trust, stranger_delivery, report_rate. ``ints``: steps,
    window, tolerance, accounts (people + fakes). ``record``: 0 totals only,
    1 events without impressions, 2 all events. Returns the event table.
    """
    indptr, indices = net
    posts, boosts, strangers, clicks = plan
    steps, tol, width, n_links = ints[0], ints[2], ints[3], owner.size
    appeal, share_rate, conv_rate, tie_exp, recip_w, weak = (
        fl[0],
        fl[1],
        fl[2],
        fl[3],
        fl[4],
        fl[5],
    )
    fatigue, dec_pen, pres_pen, cut = fl[6], fl[7], fl[8], fl[9]
    stranger_trust, stranger_delivery, report_rate = fl[10], fl[11], fl[12]
    post_head = np.full(steps + 1, -1, np.int64)
    imp_head = np.full(steps + 1, -1, np.int64)
    buf, n_buf = np.empty((posts.shape[0] + 64, 9), np.int64), 0
    buf_b = np.empty(buf.shape[0])
    row = np.empty(8, np.int64)
    for q in range(posts.shape[0]):
        row[:7] = posts[q, 1:8]
        row[7] = 1
        _schedule(buf, buf_b, post_head, n_buf, posts[q, 0], row, boosts[q])
        n_buf += 1
    imps, imp_b, n_imp = np.empty((1024, 9), np.int64), np.empty(1024), 0
    pk, pids = new_table(1024)
    n_pairs = 0
    p_exp, p_loss, p_t0 = np.zeros(1024, np.int64), np.zeros(1024), np.zeros(1024)
    p_arc, p_v, p_u = np.zeros(1024, np.int64), np.zeros(1024, np.int64), np.zeros(1024, np.int64)
    vk, vids = new_table(1024)
    n_vl = 0
    v_flags = np.zeros(1024, np.int64)
    has_cut = np.zeros(node_f.shape[0], np.bool_)  # people with a pair below the cut
    pend, pend_l, n_pend = np.empty((64, 2), np.int64), np.empty(64), 0
    rows, sort_key = np.empty(64, np.int64), np.empty(64, np.int64)
    ci = 0
    for t in range(steps):
        # phase 0: planned clicks (fake accounts, ring partners)
        while ci < clicks.shape[0] and clicks[ci, 0] == t:
            clicker, link, via, fake = clicks[ci, 1], clicks[ci, 2], clicks[ci, 3], clicks[ci, 4]
            totals[link, T_CLICKS] += 1
            totals[link, T_FAKE if fake else T_PLANNED] += 1
            if record:
                flags = FAKE if fake else PLANNED
                ev = _push(ev, cnt, rep, clicker, via, t, CLICK, link, -1, flags, 0)
            ci += 1
        # phase 1: post
        i = post_head[t]
        while i >= 0:
            u, link, copy, dec, pres = buf[i, 0], buf[i, 1], buf[i, 2], buf[i, 3], buf[i, 4]
            lo, hi, planned, b = buf[i, 5], buf[i, 6], buf[i, 7], buf_b[i]
            i = buf[i, 8]
            if planned:
                totals[link, T_POSTS] += 1
                if record:
                    flags = PLANNED | (DECEPTIVE if dec else 0) | (PRESSURE if pres else 0)
                    ev = _push(ev, cnt, rep, u, -1, t, POST, link, -1, flags, hi - lo)
            need = n_imp + indptr[u + 1] - indptr[u] + hi - lo  # room for every offer
            if need > imps.shape[0]:
                imps, imp_b = grow_rows(imps, need), grow(imp_b, need)
            for x in range(indptr[u], indptr[u + 1] + hi - lo):  # followers, then mentions
                if x < indptr[u + 1]:
                    a, v, p_deliver = x, indices[x], node_f[u, BANDWIDTH]
                else:
                    a, v, p_deliver = -1, strangers[lo + x - indptr[u + 1]], stranger_delivery
                if v == owner[link] or v >= node_f.shape[0]:
                    continue
                if has_cut[v]:  # else no pair of v is cut: skip the lookup
                    pid = find(pk, pids, v * width + u)
                    if pid >= 0 and p_t0[pid] - p_loss[pid] < cut:
                        continue  # unfollowed or blocked
                act = node_f[v, ACTIVITY]
                n_imp = _offer(
                    imps, imp_b, imp_head, n_imp, v, u, a, link, t, copy, dec, pres, b,
                    p_deliver, act, ints, key,
                )  # fmt: skip
        # phase 2: attend (attention budget) and decide, reading the trust of t - 1
        k = 0
        j = imp_head[t]
        while j >= 0:
            if k + 1 > rows.size:
                rows, sort_key = grow(rows, k + 1), grow(sort_key, k + 1)
            v, u, link, tp, copy = imps[j, 0], imps[j, 1], imps[j, 2], imps[j, 3], imps[j, 4]
            prio = int(draw(key, link, tp, v, u, copy, ATTEND) * _PRIORITY)
            rows[k], sort_key[k] = j, v * _PRIORITY + prio
            k += 1
            j = imps[j, 8]
        order = np.argsort(sort_key[:k], kind="mergesort")
        if n_buf + k > buf.shape[0]:  # room for a reshare of every post read at t
            buf, buf_b = grow_rows(buf, n_buf + k), grow(buf_b, n_buf + k)
        current, read = -1, 0
        for o in order:
            j = rows[o]
            v, u, link, tp, copy = imps[j, 0], imps[j, 1], imps[j, 2], imps[j, 3], imps[j, 4]
            a, dec, pres, b = imps[j, 5], imps[j, 6], imps[j, 7], imp_b[j]
            if v != current:
                current, read = v, 0
            pid, pk, pids, n_new = get_or_add(pk, pids, n_pairs, v * width + u)
            if n_new > n_pairs:
                if n_new > p_exp.size:
                    p_exp, p_loss, p_t0 = (
                        grow(p_exp, n_new),
                        grow(p_loss, n_new),
                        grow(p_t0, n_new),
                    )
                    p_arc, p_v, p_u = grow(p_arc, n_new), grow(p_v, n_new), grow(p_u, n_new)
                p_exp[pid], p_loss[pid], p_arc[pid], p_v[pid], p_u[pid] = 0, 0.0, a, v, u
                p_t0[pid] = arc_f[a, 1] if a >= 0 else node_f[v, TRUST] * stranger_trust
                has_cut[v] |= p_t0[pid] < cut
                n_pairs = n_new
            if p_t0[pid] - p_loss[pid] < cut:
                continue  # cut after the post was made: no longer shown
            if read >= node_f[v, BUDGET]:
                totals[link, T_CROWDED] += 1
                continue
            read += 1
            p_exp[pid] += 1
            spammed = p_exp[pid] > tol
            totals[link, T_IMPS] += 1
            if spammed:
                totals[link, T_SPAM] += 1
            vid, vk, vids, n_new = get_or_add(vk, vids, n_vl, v * n_links + link)
            if n_new > n_vl:
                if n_new > v_flags.size:
                    v_flags = grow(v_flags, n_new)
                v_flags[vid] = 0
                n_vl = n_new
                totals[link, T_REACH] += 1
            if dec or pres or spammed or a < 0:  # an unsolicited mention is a push
                v_flags[vid] |= V_TAINTED
            strength = arc_f[a, 0] if a >= 0 else 0.0
            confidence = max(p_t0[pid] - p_loss[pid], 0.0)
            p_click = _click_probability(
                appeal, node_f[v, RELEVANCE], node_f[u, CREDIBILITY], confidence, strength,
                1.0, weak, b,
            )  # fmt: skip
            clicked = draw(key, link, tp, v, u, copy, CLICKED) < p_click
            penalty = (dec_pen if dec else 0.0) + (pres_pen if pres else 0.0)
            loss = _trust_penalty(p_exp[pid], tol, fatigue, 1.0 if clicked else 0.0, penalty)
            if loss > 0.0:
                if n_pend + 1 > pend.shape[0]:
                    pend, pend_l = grow_rows(pend, n_pend + 1), grow(pend_l, n_pend + 1)
                pend[n_pend, 0], pend[n_pend, 1], pend_l[n_pend] = pid, link, loss
                n_pend += 1
            flags = (DECEPTIVE if dec else 0) | (PRESSURE if pres else 0)
            flags |= (STRANGER if a < 0 else 0) | (SPAMMED if spammed else 0)
            if record == 2:
                ev = _push(ev, cnt, rep, v, u, t, IMPRESSION, link, a, flags, 0)
            if not clicked:
                continue
            genuine = (v_flags[vid] & V_TAINTED) == 0
            totals[link, T_CLICKS] += 1
            if dec:
                totals[link, T_DECEIVED] += 1
            if record:
                ev = _push(ev, cnt, rep, v, u, t, CLICK, link, a, flags, 0)
            if genuine:
                flags |= GENUINE
            if (v_flags[vid] & V_SHARED) == 0 and draw(key, link, tp, v, u, copy, SHARED) < (
                share_rate
            ):
                v_flags[vid] |= V_SHARED
                totals[link, T_SHARES] += 1
                totals[link, T_GSHARES] += 1.0 if genuine else 0.0
                if t + 1 < steps:
                    row[0], row[1], row[2], row[3] = v, link, 0, dec
                    row[4], row[5], row[6], row[7] = 0, 0, 0, 0
                    _schedule(buf, buf_b, post_head, n_buf, t + 1, row, b if dec else 1.0)
                    n_buf += 1
                if record:
                    ev = _push(ev, cnt, rep, v, u, t, SHARE, link, a, flags, 0)
            if not dec and (v_flags[vid] & V_CONVERTED) == 0:
                owed = node_f[v, OWED] + (arc_f[a, 2] if a >= 0 else 0.0)
                p_conv = _convert_probability(
                    conv_rate, strength, tie_exp, confidence, node_f[v, RECIPROCITY], owed, recip_w
                )
                if draw(key, link, tp, v, u, copy, CONVERTED) < p_conv:
                    v_flags[vid] |= V_CONVERTED
                    totals[link, T_CONV] += 1
                    totals[link, T_GCONV] += 1.0 if genuine else 0.0
                    if record:
                        ev = _push(ev, cnt, rep, v, u, t, CONVERT, link, a, flags, 0)
        # phase 3: update trust after every decision of t; cut pairs unfollow and report
        ev = _update_trust(
            ev, cnt, rep, t, key, record, totals, pend, pend_l, n_pend,
            p_t0, p_loss, p_arc, p_v, p_u, has_cut, cut, report_rate,
        )  # fmt: skip
        n_pend = 0
        if cnt[WANTED]:  # the memory guard: stop the replicate, the caller raises
            break
    return ev


@njit(cache=True)
def contest_events(net, node_f, arc_f, plan, owner, fl, ints, keys, record, row_cap):
    """All replicates in order, with events: ``(totals (R, P, C), events (E, 9), wanted)``.

    The memory guard: the event table holds at most ``row_cap`` rows
    (:func:`~simulator.errors.event_row_cap` of :data:`EVENT_ROW_BYTES`); a
    run whose events would pass it stops at the end of that step, and
    ``wanted`` is the rows it wanted then (else 0; the totals are then partial).
    """
    totals = np.zeros((keys.size, owner.size, len(LINK_COLUMNS)))
    ev = np.empty((min(1024, max(1, row_cap)), len(EVENT_COLUMNS)), np.int64)
    cnt = np.zeros(3, np.int64)
    cnt[ROW_CAP] = row_cap
    for r in range(keys.size):
        ev = run_replicate(
            net, node_f, arc_f, plan, owner, fl, ints, keys[r], r, record, ev, cnt, totals[r]
        )
        if cnt[WANTED]:
            break
    return totals, ev[: cnt[N_ROWS]], cnt[WANTED]


@njit(cache=True, parallel=True)
def contest_summary(net, node_f, arc_f, plan, owner, fl, ints, keys, n_chunks):
    """All replicates, totals only; chunks of replicates run in parallel.

    Replicate ``r`` reads only ``keys[r]``, so the result does not depend on
    the number of threads or chunks.
    """
    totals = np.zeros((keys.size, owner.size, len(LINK_COLUMNS)))
    n_chunks = max(1, min(keys.size, n_chunks))
    for c in prange(n_chunks):
        ev, cnt = np.empty((1, len(EVENT_COLUMNS)), np.int64), np.zeros(3, np.int64)
        cnt[ROW_CAP] = NO_CAP  # record = 0: nothing is written
        for r in range(c, keys.size, n_chunks):
            run_replicate(
                net, node_f, arc_f, plan, owner, fl, ints, keys[r], r, 0, ev, cnt, totals[r]
            )
    return totals
