"""The inputs of a funnel step: the per-run node table, the arc columns, the draws.

One job: what the step (:mod:`simulator.engine.funnel_step`) reads and does
not keep. That is the layout of the kernel's inputs
(:meth:`~simulator.engine.campaign.Campaign.kernel_arrays`), the per-run node
table and how it is filled, the columns of the arc table, and the random draw
of each decision.

What does not change during a run is computed once per run, per node, by
:func:`prepare` (O(n), serially: a second parallel region would cost more;
not O(m): gathering per arc would cost more than the run's deliveries read)
into one table whose rows are one cache line each (:func:`node_table`): as a
receiver, a node's chance to stay offline one more step, its relevance, trust,
reciprocity and favours owed; as a sender, its bandwidth and source factor
(appeal, credibility, deception boost). A node shares after a post reached it,
so its row is usually still in the cache when it is read as a sender's.

Every decision draws its own counter-based uniform (:func:`_rand`), keyed by
the post (its step and arc) and the decision (``DELIVER``, ``TIMING``,
``CLICK``, ``SHARE``, ``CONVERT``), so arms share random numbers and the
result does not depend on the order in which impressions are visited.
:func:`_delay` turns the timing draw into the steps until the target opens
the post (the powers of the chance to stay offline, four at a time).

Examples
--------
The arc table's columns, as views:

>>> arc_f = np.array([[0.5, 0.9, 0.0, 1.0], [0.2, 0.8, 1.0, 1.0]])
>>> strength, trust, favours, fit = arc_columns(arc_f)
>>> strength.tolist(), favours.tolist(), np.shares_memory(trust, arc_f)
([0.5, 0.2], [0.0, 1.0], True)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engine.counter_rng import uniform

__all__ = ["arc_columns", "node_table", "prepare"]

# decisions drawn per (post, arc); the counter is (step * m + arc) * 8 + decision
DELIVER, TIMING, CLICK, SHARE, CONVERT = 0, 1, 2, 3, 4

# layout of the kernel's inputs (Campaign.kernel_arrays)
TIMEZONE = 6  # column of node_f: the local clock offset, whole hours
CURVE = 12  # msg[CURVE:CURVE + 24]: the daily activity curve, mean 1
START_HOUR, CURVED, FIRST_REMINDER = 6, 7, 8  # ints: hour of step 0, curve not flat, reminders

# columns of the per-run node table (prepare), one 64-byte row per node: as a receiver
# (STAY: 1 - activity, 1 when never online), then as a sender (SOURCE: appeal *
# (1 + credibility) / 2 * deception boost); the last column is padding
STAY, RELEVANCE, TRUST, RECIPROCITY, OWED, BANDWIDTH, SOURCE = range(7)
N_NODE = 8


@njit(inline="always", cache=True)
def _rand(key, step, m, arc, decision):
    return uniform(key, np.uint64((step * m + arc) * 8 + decision))


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
def arc_columns(arc_f):
    """The columns of ``arc_f`` as the kernel's ``arcs``: (strength, trust, favours, fit).

    Views, not copies; ``trust`` is then the whole initial trust of each arc
    (the node table's trust is 1).
    """
    return arc_f[:, 0], arc_f[:, 1], arc_f[:, 2], arc_f[:, 3]
