"""The contest kernel's compiled steps on one post, impression or pair.

:func:`draw` is the counter-based uniform of one decision; ``_push`` writes
an event row under the memory guard, ``_schedule`` files a post at the step
it is made, ``_offer`` files an impression at the step it is opened and
``_update_trust`` applies a step's trust losses (phase 3 of
:func:`simulator.contest.kernel.run_replicate`, whose docstring describes
the phases). The crowd's responses are :mod:`simulator.behavior`'s
functions, compiled here.

Examples
--------
>>> import numpy as np
>>> from simulator.contest.kernel_layout import CLICKED, SHARED
>>> key = np.uint64(7)
>>> u = draw(key, 0, 3, 12, 5, 0, CLICKED)
>>> bool(0.0 <= u < 1.0), u == draw(key, 0, 3, 12, 5, 0, CLICKED)
(True, True)
>>> bool(u != draw(key, 0, 3, 12, 5, 0, SHARED))  # another decision, another number
True
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator import behavior
from simulator.contest.kernel_layout import (
    DELIVER,
    N_ROWS,
    REPORT,
    REPORTED,
    ROW_CAP,
    T_REPORTS,
    T_TRUST,
    T_UNFOLLOWS,
    TIMING,
    UNFOLLOW,
    WANTED,
)
from simulator.engine.buffers import grow_rows
from simulator.engine.counter_rng import GOLDEN, STEP_STRIDE, mix64, uniform

__all__ = ["draw"]

_attention_delay = njit(cache=True)(behavior.attention_delay)
_click_probability = njit(cache=True)(behavior.click_probability)
_convert_probability = njit(cache=True)(behavior.convert_probability)
_trust_penalty = njit(cache=True)(behavior.trust_penalty)


@njit(cache=True)
def draw(key, link, step, recipient, poster, copy, kind):
    """The uniform of decision ``kind`` on post ``(link, step, poster, copy)`` to ``recipient``."""
    c = mix64(np.uint64(link) * GOLDEN + np.uint64(step))
    c = mix64(c ^ (np.uint64(recipient) * STEP_STRIDE))
    c = mix64(c + np.uint64(poster) * GOLDEN + np.uint64(copy))
    return uniform(key, c * np.uint64(16) + np.uint64(kind))


@njit(cache=True)
def _push(ev, cnt, rep, node, parent, step, action, link, arc, flags, mentions):
    i = cnt[N_ROWS]
    if i + 1 > cnt[ROW_CAP]:  # over the memory guard's cap: say so, keep nothing
        cnt[WANTED] = max(cnt[WANTED], i) + 1  # the rows the step wanted so far
        return ev
    if i + 1 > ev.shape[0]:
        ev = grow_rows(ev, i + 1)
    ev[i, 0], ev[i, 1], ev[i, 2], ev[i, 3], ev[i, 4] = rep, node, parent, step, action
    ev[i, 5], ev[i, 6], ev[i, 7], ev[i, 8] = link, arc, flags, mentions
    cnt[N_ROWS] = i + 1
    return ev


@njit(cache=True)
def _schedule(buf, boost, head, n, when, row, b):
    """Append post ``row`` (poster, link, copy, dec, pres, lo, hi, planned) at ``when``.

    ``buf`` must have room for row ``n`` (reserved by the caller).
    """
    buf[n, :8] = row
    buf[n, 8] = head[when]
    boost[n] = b
    head[when] = n


@njit(cache=True)
def _offer(imps, imp_b, head, n, v, u, a, link, t, copy, dec, pres, b, p_deliver, act, ints, key):
    """File the impression of post ``(link, t, u, copy)`` on ``v`` at the step it is opened.

    ``imps`` must have room for row ``n`` (the caller reserves a post's rows
    before its loop, so no buffer is handed back and forth on every offer).
    """
    if act <= 0.0 or draw(key, link, t, v, u, copy, DELIVER) >= p_deliver:
        return n
    d = 0 if act >= 1.0 else int(_attention_delay(act, draw(key, link, t, v, u, copy, TIMING)))
    if d >= ints[1] or t + d >= ints[0]:
        return n
    imps[n, 0], imps[n, 1], imps[n, 2], imps[n, 3], imps[n, 4] = v, u, link, t, copy
    imps[n, 5], imps[n, 6], imps[n, 7], imps[n, 8] = a, dec, pres, head[t + d]
    imp_b[n] = b
    head[t + d] = n
    return n + 1


@njit(inline="always", cache=True)
def _update_trust(
    ev, cnt, rep, t, key, record, totals, pend, pend_l, n_pend,
    p_t0, p_loss, p_arc, p_v, p_u, has_cut, cut, report_rate,
):  # fmt: skip
    """Phase 3: apply the ``n_pend`` trust losses of step ``t``; returns the event table.

    ``pend`` rows are (pair id, link) with the loss in ``pend_l``; the pair
    tables ``p_*`` are indexed by pair id. A pair whose trust falls below
    ``cut`` is cut: the person unfollows (a follower; a stranger blocks) and
    reports spam with probability ``report_rate``.
    """
    for p in range(n_pend):
        pid, link, loss = pend[p, 0], pend[p, 1], pend_l[p]
        before = p_t0[pid] - p_loss[pid]
        p_loss[pid] += loss
        totals[link, T_TRUST] += min(loss, max(before, 0.0))
        if before >= cut > before - loss:
            v, u = p_v[pid], p_u[pid]
            has_cut[v] = True
            if p_arc[pid] >= 0:
                totals[link, T_UNFOLLOWS] += 1
                if record:
                    ev = _push(ev, cnt, rep, v, u, t, UNFOLLOW, link, p_arc[pid], 0, 0)
            if draw(key, link, t, v, u, 0, REPORTED) < report_rate:
                totals[link, T_REPORTS] += 1
                if record:
                    ev = _push(ev, cnt, rep, v, u, t, REPORT, link, p_arc[pid], 0, 0)
    return ev
