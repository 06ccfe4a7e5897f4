"""`Campaign`: a message, its ask and schedule, spread through the action funnel.

A campaign posts a message from its seeds at step 0 (and again at each
reminder step). Each exposure of a follower goes through the funnel of
:mod:`simulator.behavior`: delivery (the sender's bandwidth), timing (the
target's activity, within the attention window), click (appeal, relevance,
the sender's credibility, the target's trust in the sender, tie strength,
channel), share (cheap; at most ``max_shares`` per agent) and convert
(costly: donate or buy ``amount``; steep in tie strength, trust and favours
owed). Repeated posts from the same sender beyond ``fatigue_tolerance`` and
clicks on deceptive content lower the target's trust in that sender; below
``cut_below`` the target stops listening for the rest of the campaign.
The step's phases are documented in :mod:`simulator.engine.funnel`.

With a neutral population (everyone fully trusting, always online, full
bandwidth and interest), ``share_rate=1`` and ``weak_attention=1``, each
exposure is a click with probability ``appeal`` and every clicker shares:
the funnel is then exactly the independent cascade with ``p = appeal``
(a test checks this).

Examples
--------
>>> from simulator import Network, run_cascades
>>> net = Network.from_edges([0, 0, 1], [1, 2, 3])
>>> res = run_cascades(net, [0], Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0),
...                    replicates=2, seed=0)
>>> res.reach.tolist(), res.totals["shares"].tolist()
([4, 4], [3, 3])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba
import numpy as np
from numba import njit, prange

from simulator import checks
from simulator.cascade_log import FUNNEL_COLUMNS, FUNNEL_COUNTS, FUNNEL_TOTALS
from simulator.engine.funnel import run_events, run_summary
from simulator.engine.funnel_state import EVENT_COLUMNS, EVENT_ROW_BYTES
from simulator.engine.result import Events, ModelResult, check_overflow
from simulator.errors import event_row_cap
from simulator.population import Population

__all__ = ["Campaign"]


@njit(cache=True, parallel=True)
def _arc_table(indices, strength, node_trust, arc_trust, favours, fit, chunks):
    """The arc table (m, 4) of :meth:`Campaign.kernel_arrays`, in one parallel pass.

    Columns: strength, trust0 (``node_trust[indices[a]]`` times
    ``arc_trust[a]`` unless that is empty), favours (0 if empty), channel
    fit (1 if empty). Written in place of numpy's gather and
    ``column_stack``, which made four m-sized temporaries.
    """
    m = indices.size
    out = np.empty((m, 4))
    chunks = max(1, chunks)
    for c in prange(chunks):
        for a in range(c * m // chunks, (c + 1) * m // chunks):
            trust0 = node_trust[indices[a]]
            if arc_trust.size:
                trust0 = trust0 * arc_trust[a]
            out[a, 0], out[a, 1] = strength[a], trust0
            out[a, 2] = favours[a] if favours.size else 0.0
            out[a, 3] = fit[a] if fit.size else 1.0
    return out


@dataclass(frozen=True)
class Campaign:
    """A campaign message and its schedule (a spread model for :func:`run_cascades`).

    Parameters
    ----------
    appeal : float in [0, 1]
        How compelling the message is (the motivating proposition).
    topic : int
        Column of ``population.interest`` that measures relevance.
    share_rate : float in [0, 1]
        P(share | click): sharing is cheap, so it does not depend on tie strength.
    conversion_rate : float in [0, 1]
        P(convert | click) over a tie of strength 1 with full trust and no favours.
    tie_exponent : float >= 0
        Conversion scales as ``strength ** tie_exponent``: costly acts need strong ties.
    reciprocity_weight : float >= 0
        How much favours owed raise the chance to convert.
    amount : float >= 0
        Mean donation or purchase per conversion (0 for a click or share ask).
    amount_reciprocity : float >= 0
        How much favours owed raise the amount given.
    weak_attention : float in [0, 1]
        Attention a zero-strength tie still gets, relative to a strong tie.
    steps : int >= 1
        Duration in steps (e.g. 48 hourly steps).
    attention_window : int >= 1
        A post not opened within this many steps is forgotten.
    reminders : tuple of int
        Steps at which the seeds post again.
    max_shares : int >= 1
        Shares per agent (1: each agent shares at most once).
    fatigue_tolerance : int >= 0
        Posts from one sender a target tolerates before losing trust in it.
    fatigue_penalty, deception_penalty : float in [0, 1]
        Trust lost per post beyond the tolerance, and per click on deceptive content.
    cut_below : float in [0, 1]
        A target whose trust in a sender falls below this stops listening to it.
    deceptive : bool
        Deceptive content: clicks are multiplied by ``deception_boost`` but
        cannot convert, and cost the sender trust.
    deception_boost : float >= 1
    channel : str or None
        The layer the message is made for; arcs of other layers get
        ``channel_mismatch`` as a click factor. None: every layer fits.
    channel_mismatch : float in [0, 1]
    start_hour : int in [0, 23]
        Hour of the campaign's clock at step 0 (one step is one hour): when
        the seeds post. With the population's ``daily_activity`` curve, a
        follower's chance of being online at step ``t`` follows its local
        hour ``(start_hour + t + timezone) % 24``; without a curve, the hour
        changes nothing.
    population : Population or None
        The agents; None means a neutral population (all attributes 1,
        no favours owed).

    References
    ----------
    See :mod:`simulator.behavior`.
    """

    appeal: float = 0.3
    topic: int = 0
    share_rate: float = 0.5
    conversion_rate: float = 0.05
    tie_exponent: float = 2.0
    reciprocity_weight: float = 1.0
    amount: float = 50.0
    amount_reciprocity: float = 1.0
    weak_attention: float = 0.5
    steps: int = 48
    attention_window: int = 6
    reminders: tuple[int, ...] = ()
    max_shares: int = 1
    fatigue_tolerance: int = 3
    fatigue_penalty: float = 0.2
    deception_penalty: float = 0.5
    cut_below: float = 0.05
    deceptive: bool = False
    deception_boost: float = 2.0
    channel: str | None = None
    channel_mismatch: float = 0.5
    start_hour: int = 0
    population: Population | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        for name in (
            "appeal",
            "share_rate",
            "conversion_rate",
            "weak_attention",
            "fatigue_penalty",
            "deception_penalty",
            "cut_below",
            "channel_mismatch",
        ):
            checks.probability(name, getattr(self, name))
        for name in ("tie_exponent", "reciprocity_weight", "amount", "amount_reciprocity"):
            checks.real(name, getattr(self, name), low=0.0)
        checks.real("deception_boost", self.deception_boost, low=1.0)
        for name, low in (
            ("steps", 1),
            ("attention_window", 1),
            ("max_shares", 1),
            ("fatigue_tolerance", 0),
            ("topic", 0),
        ):
            checks.integer(name, getattr(self, name), low)
        checks.integer("start_hour", self.start_hour, 0, 23)
        object.__setattr__(self, "reminders", tuple(int(r) for r in self.reminders))
        bad = [r for r in self.reminders if not 0 < r < self.steps]
        if bad:
            raise ValueError(f"reminders must be steps in 1..{self.steps - 1}, got {bad}")
        if self.population is not None and self.topic >= self.population.topics:
            raise ValueError(
                f"topic must index one of the population's {self.population.topics} topics, "
                f"got {self.topic}"
            )

    def with_population(self, population: Population) -> Campaign:
        """The same campaign run on ``population``."""
        from dataclasses import replace

        return replace(self, population=population)

    # ----------------------------------------------------------- kernel input
    def kernel_inputs(self, network):
        """The kernel's inputs without an m-sized copy: ``(node_f, node_trust, arcs, msg, ints)``.

        ``node_f`` (n, 7) columns: bandwidth, activity, credibility on the
        topic, relevance, reciprocity, owed_to_originator, timezone;
        ``node_trust`` (n,) the target's confidence in what it sees;
        ``arcs`` the tuple ``(strength, trust, favours, fit)`` of
        :func:`~simulator.engine.funnel.run_events` (the network's and
        population's own arrays; empty arrays stand for 1, 0 and 1, and
        ``fit`` is built only for a campaign with a channel); ``msg`` and
        ``ints`` the message's parameters (:func:`simulator.engine.funnel_step.step`).
        """
        pop = self.population
        n, m = network.n, network.m
        curve = np.ones(24)
        none = np.empty(0)
        if pop is None:
            node_f = np.ones((n, 7))
            node_f[:, 5] = 0.0  # no favours owed
            node_f[:, 6] = 0.0  # one clock
            node_trust, favours = none, none
        else:
            if pop.n != n or pop.m != m:
                raise ValueError(
                    f"population is for {pop.n} agents / {pop.m} arcs, network has {n} / {m}"
                )
            node_f = np.column_stack(
                [
                    pop.bandwidth,
                    pop.activity,
                    pop.domain_credibility(self.topic),
                    pop.interest[:, self.topic],
                    pop.reciprocity,
                    pop.owed_to_originator,
                    np.floor(pop.timezone) % 24,
                ]
            )
            if pop.daily_activity is not None:
                curve = pop.daily_activity / pop.daily_activity.mean()
            node_trust = np.asarray(pop.trust, np.float64)
            favours = np.asarray(pop.favours, np.float64)
        fit = none
        if self.channel is not None:
            if self.channel not in network.layer_names:  # no layers: no name matches
                raise ValueError(
                    f"channel {self.channel!r} is not a layer of the network "
                    f"(layers: {', '.join(network.layer_names) or 'none'})"
                )
            fits = network.layer == network.layer_names.index(self.channel)
            fit = np.where(fits, 1.0, self.channel_mismatch)
        arc_trust = none if network.trust is None else np.asarray(network.trust, np.float64)
        arcs = (np.asarray(network.strength, np.float64), arc_trust, favours, fit)
        msg = np.array(
            [
                self.appeal,
                self.share_rate,
                self.conversion_rate,
                self.tie_exponent,
                self.reciprocity_weight,
                self.amount,
                self.amount_reciprocity,
                self.weak_attention,
                self.deception_boost,
                self.fatigue_penalty,
                self.deception_penalty,
                self.cut_below,
                *curve,
            ]
        )
        ints = np.array(
            [
                self.steps,
                self.attention_window,
                self.max_shares,
                self.fatigue_tolerance,
                int(self.deceptive),
                len(self.reminders),
                self.start_hour,
                int(np.any(curve != 1.0)),
                *self.reminders,
            ],
            dtype=np.int64,
        )
        return np.ascontiguousarray(node_f), node_trust, arcs, msg, ints

    def kernel_arrays(self, network):
        """Node and arc factor tables and parameter vectors: ``(node_f, arc_f, msg, ints)``.

        ``arc_f`` (m, 4) columns: strength, trust0 (the target's trust times
        the arc's), favours, channel fit; the other three as in
        :meth:`kernel_inputs`. For callers that change arc values between
        runs (the charity calibration) and the Mesa model.
        """
        node_f, node_trust, arcs, msg, ints = self.kernel_inputs(network)
        strength, arc_trust, favours, fit = arcs
        trust = node_trust if node_trust.size else np.ones(network.n)
        arc_f = _arc_table(
            network.indices, strength, trust, arc_trust, favours, fit, numba.get_num_threads()
        )
        return node_f, arc_f, msg, ints

    def simulate(self, network, seed_rows, keys, log) -> ModelResult:
        """Kernel run: a :class:`~simulator.engine.result.ModelResult` whose
        ``totals`` are the :data:`~simulator.cascade_log.FUNNEL_TOTALS`."""
        args = (network.indptr, network.indices, *self.kernel_inputs(network), seed_rows, keys)
        events = None
        if log:  # one thread keeps the events, at most the memory guard's rows
            cap = event_row_cap(EVENT_ROW_BYTES, 1)
            table, table_events, amounts, wanted = run_events(*args, cap)
            check_overflow(wanted, EVENT_ROW_BYTES, 1)
            columns = dict(zip(EVENT_COLUMNS, table_events.T, strict=True))
            events = Events(**columns, amount=amounts)
        else:
            table = run_summary(*args, numba.get_num_threads())
        column = dict(zip(FUNNEL_COLUMNS, table.T, strict=True))
        totals = {
            name: column[name].astype(np.int64) if name in FUNNEL_COUNTS else column[name]
            for name in FUNNEL_TOTALS
        }
        return ModelResult(
            reach=column["reach"].astype(np.int64),
            depth=column["depth"].astype(np.int64),
            events=events,
            totals=totals,
        )
