"""`Contest`: players with personal links on one crowd; runs of the compiled kernel.

A contest is set up once from a network, a population, its settings and a
root seed; every random choice of the set-up has its own named stream, so
changing one does not move the others:

- ``contest.players``: which people are players (``placement``);
- ``contest.assignment``: which player gets which strategy (``mix``);
- ``contest.plans``, player ``i``: player ``i``'s own plan (so switching one
  player's strategy leaves every other plan as it was), made only for
  strategies that draw (``Strategy.draws``);
- ``contest.strangers``: the counter key of the strangers a post mentions
  (:func:`~simulator.contest.plans.strangers`: keyed by post, so adding
  a post or a player changes no other post's strangers).

Each person's attention budget (posts read per step) is
``floor(population.attention)`` (:class:`~simulator.population.Population`
draws it from its own stream ``population.attention``); a neutral crowd
(``population=None``) or a hand-built population without it has no limit.

Runs draw per replicate keys from ``contest.<purpose>`` streams
(:func:`contest_keys`): the scored runs, the all-honest runs behind true
influence and the reference run never share random numbers.

Examples
--------
>>> import numpy as np
>>> from simulator.network.generators import barabasi_albert
>>> net = barabasi_albert(300, 3, np.random.default_rng(1))
>>> contest = Contest(net, None, ContestSettings(players=20), seed=5)
>>> run = contest.run(contest_keys(5, 3), record=1)
>>> run.totals.shape
(3, 20, 16)
>>> table = run.per_link()
>>> bool((table["clicks"] >= table["fake_clicks"]).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numba
import numpy as np
import pandas as pd

from simulator.analysis.metrics import replicate_table
from simulator.cascade_log import ACTION_CODE, CascadeLog
from simulator.contest.kernel import contest_events, contest_summary
from simulator.contest.kernel_layout import ACTIONS, EVENT_COLUMNS, EVENT_ROW_BYTES, LINK_COLUMNS
from simulator.contest.plans import Plan, PlanContext
from simulator.contest.settings import ContestSettings
from simulator.contest.strategies import Strategy, make_strategy
from simulator.errors import event_overflow, event_row_cap
from simulator.population import Population
from simulator.rng import replicate_keys, stream

__all__ = [
    "Contest",
    "ContestRun",
    "LOG_ACTIONS",
    "attention_budget",
    "cascade_log",
    "contest_keys",
]


def contest_keys(seed: int, replicates: int, purpose: str = "scored") -> np.ndarray:
    """Replicate keys of stream ``contest.<purpose>`` (disjoint between purposes).

    Examples
    --------
    >>> bool((contest_keys(1, 4) == contest_keys(1, 4, "true_influence")).any())
    False
    """
    return replicate_keys(seed, replicates, name=f"contest.{purpose}")


def attention_budget(population, n: int) -> np.ndarray:
    """Posts each of ``n`` people reads per step: ``floor(population.attention)``.

    ``population`` None (a neutral crowd) means no limit (``inf``).

    Examples
    --------
    >>> from simulator.population import Population, PopulationSpec
    >>> from simulator.network import Network
    >>> pop = Population.draw(PopulationSpec(), Network.from_edges([0], [1]),
    ...                       np.random.default_rng(0))
    >>> b = attention_budget(pop, 2)
    >>> bool((b >= 1).all() and (b == np.floor(b)).all()), attention_budget(None, 2).tolist()
    (True, [inf, inf])
    """
    if population is None:
        return np.full(n, np.inf)
    return np.floor(np.asarray(population.attention, np.float64))


def _place(network, settings: ContestSettings, rng: np.random.Generator) -> np.ndarray:
    if settings.placement == "random":
        return np.sort(rng.choice(network.n, settings.players, replace=False))
    weight = 1.0 + network.out_degree()
    return np.sort(rng.choice(network.n, settings.players, replace=False, p=weight / weight.sum()))


def _assign(settings: ContestSettings, rng: np.random.Generator) -> list[str]:
    """Strategy names per player: counts by largest remainder, in random order."""
    names = sorted(settings.mix)
    exact = np.array([settings.mix[k] for k in names]) * settings.players
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: settings.players - counts.sum()]] += 1
    labels = np.repeat(names, counts)
    return [str(x) for x in labels[rng.permutation(settings.players)]]


#: Contest actions that are cascade events, and their :class:`CascadeLog` action: a
#: player's (or ring partner's) post starts the link's cascade, so it is a seed.
#: Unfollows and reports are trust events, not cascade events: they stay in
#: ``ContestRun.events`` and the public record.
LOG_ACTIONS = {
    "post": "seed",
    "impression": "impression",
    "click": "click",
    "share": "share",
    "convert": "convert",
}


def cascade_log(events: pd.DataFrame, network, replicates: int, links: int) -> CascadeLog:
    """The cascade events of a contest's event table as a :class:`CascadeLog` with links.

    Posts become ``seed`` events (parent -1), the crowd's reads, clicks,
    reshares and conversions keep their names; ``parent`` is the account
    whose post was read or clicked, ``tie`` and ``layer`` those of the arc it
    travelled (NaN / -1 for posts, mentions of strangers and planned clicks).
    Fake accounts keep their ids ``>= network.n``.
    """
    code = np.full(len(ACTIONS), -1, np.int8)
    for name, action in LOG_ACTIONS.items():
        code[ACTIONS.index(name)] = ACTION_CODE[action]
    action = code[events["action"].to_numpy()]
    keep = action >= 0
    col = {c: events[c].to_numpy()[keep] for c in ("replicate", "node", "parent", "step", "arc")}
    return CascadeLog.from_arcs(
        network, col["replicate"], col["node"], col["parent"], col["step"], action[keep],
        col["arc"], replicates, link=events["link"].to_numpy()[keep], links=links,
    )  # fmt: skip


def _copies(plan: Plan) -> np.ndarray:
    """Per post, 1 + the number of earlier posts (in plan order) with the same
    (poster, link, step): the post's copy number (0 is a crowd reshare)."""
    order = np.lexsort((np.arange(plan.step.size), plan.step, plan.link, plan.poster))
    keys = np.column_stack([plan.poster, plan.link, plan.step])[order]
    new = np.ones(order.size, bool)
    new[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    start = np.maximum.accumulate(np.where(new, np.arange(order.size), 0))
    copy = np.empty(order.size, np.int64)
    copy[order] = np.arange(order.size) - start + 1
    return copy


@dataclass(eq=False)
class ContestRun:
    """Kernel output: per-link totals ``(R, P, LINK_COLUMNS)`` and the events.

    ``events`` (``record >= 1``) is the contest's own table, hidden flags
    included; :attr:`log` holds its cascade events as a
    :class:`~simulator.cascade_log.CascadeLog` with a ``link`` column, which
    every metric of :mod:`simulator.analysis.metrics` reads, per link through
    :meth:`~simulator.cascade_log.CascadeLog.by_link` (see :meth:`link_metrics`).
    """

    contest: Contest
    keys: np.ndarray
    totals: np.ndarray
    events: pd.DataFrame | None

    @cached_property
    def log(self) -> CascadeLog:
        """The cascade events as a :class:`CascadeLog` with links (needs ``record >= 1``).

        Impressions are in it only with ``record=2``; with ``record=1`` the
        reach it implies counts only the posters.
        """
        if self.events is None:
            raise ValueError("run has no events: run the contest with record=1 or 2")
        return cascade_log(
            self.events, self.contest.network, self.keys.size, self.contest.players.size
        )

    def link_metrics(self, tie_threshold: float | None = None) -> pd.DataFrame:
        """One row per replicate x link: the log's metrics per link, credited to its player.

        The columns of :func:`~simulator.analysis.metrics.replicate_table`
        (reach, impressions, clicks, shares, conversions, depth, ...) computed
        on ``log.by_link()``, with ``replicate``, ``link``, ``player`` and
        ``strategy``. Reach counts the link's posters (seeds) and every
        person who read it (``record=2``).
        """
        table = replicate_table(self.log.by_link(), tie_threshold=tie_threshold)
        r, p = self.keys.size, self.contest.players.size
        flat = table.pop("replicate").to_numpy()
        table.insert(0, "replicate", flat // p)
        table.insert(1, "link", flat % p)
        table.insert(2, "player", np.tile(self.contest.players, r))
        table.insert(3, "strategy", np.tile(self.contest.strategy_names, r))
        return table

    def per_link(self) -> pd.DataFrame:
        """One row per replicate x player: its node, link, strategy and totals."""
        r, p, _ = self.totals.shape
        frame = pd.DataFrame(self.totals.reshape(r * p, -1), columns=list(LINK_COLUMNS))
        frame.insert(0, "replicate", np.repeat(np.arange(r), p))
        frame.insert(1, "link", np.tile(np.arange(p), r))
        frame.insert(2, "player", np.tile(self.contest.players, r))
        frame.insert(3, "strategy", np.tile(self.contest.strategy_names, r))
        frame["genuine_actions"] = frame["genuine_shares"] + frame["genuine_conversions"]
        return frame

    def genuine_actions(self) -> np.ndarray:
        """Genuine actions (reshares and conversions) per replicate and link, (R, P)."""
        cols = [LINK_COLUMNS.index("genuine_shares"), LINK_COLUMNS.index("genuine_conversions")]
        return self.totals[:, :, cols].sum(axis=2)


class Contest:
    """Players with strategies on one crowd, set up once; :meth:`run` runs it.

    Parameters
    ----------
    network : Network
        The crowd's follower graph (arc ``u -> v``: ``v`` follows ``u``).
    population : Population or None
        The people; None is a neutral crowd (every attribute 1, no favours).
    settings : ContestSettings
    seed : int
        Root seed of the set-up streams.
    players, strategies : optional
        Fix the player nodes and their strategy objects (one per player)
        instead of drawing them; :meth:`with_strategy` uses this.
    rings : list of lists of player indices, optional
        The engagement rings (each a group of colluding players). By default
        colluding players are grouped in index order, ``ring_size`` at a time.

    References
    ----------
    Fast Company. The Influence Project, 2010. M. Wu. "The Influence Project"
    fiasco and the six factors of influence, 2010.
    """

    def __init__(
        self, network, population, settings, seed, players=None, strategies=None, rings=None,
        *, _plans: dict | None = None,
    ):  # fmt: skip
        if not isinstance(settings, ContestSettings):
            raise TypeError(f"settings must be ContestSettings, got {type(settings).__name__}")
        if settings.players > network.n:
            raise ValueError(
                f"players = {settings.players} exceeds the {network.n} people of the network"
            )
        self.network, self.population, self.settings, self.seed = (
            network,
            population,
            settings,
            seed,
        )
        if players is None:
            players = _place(network, settings, stream(seed, "contest.players"))
        self.players = np.asarray(players, np.int64)
        if strategies is None:
            names = _assign(settings, stream(seed, "contest.assignment"))
            made = {name: settings.strategy(name) for name in set(names)}  # frozen: shared
            strategies = [made[name] for name in names]
        if len(strategies) != self.players.size:
            raise ValueError(f"strategies: one per player ({self.players.size})")
        self.strategies: list[Strategy] = list(strategies)
        colluders = [i for i, st in enumerate(self.strategies) if st.colludes]
        if rings is None:
            size = settings.ring_size
            rings = [colluders[lo : lo + size] for lo in range(0, len(colluders), size)]
        self.rings = [list(map(int, group)) for group in rings if len(group)]
        if sorted(i for g in self.rings for i in g) != colluders:
            raise ValueError("rings must group exactly the colluding players, each once")
        self.budget = attention_budget(population, network.n)
        self._inputs = [None]  # kernel_inputs(), made on the first run; copies share it
        # each player's plan by what it depends on; copies (with_strategies, all_honest)
        # share the dict and replan only the players whose strategy or partners changed
        self._plans = {} if _plans is None else _plans
        self._build_plans()

    # ------------------------------------------------------------- set-up
    @property
    def strategy_names(self) -> np.ndarray:
        return np.array([s.name for s in self.strategies], dtype=object)

    def with_strategy(self, index: int, strategy: Strategy | str) -> Contest:
        """The same contest with player ``index`` playing ``strategy``."""
        return self.with_strategies({index: strategy})

    def with_strategies(self, changes: dict, ring=None) -> Contest:
        """The same contest with players ``i`` playing ``changes[i]`` (a strategy or a name).

        Existing rings keep their other members; players newly switched to a
        colluding strategy form rings of their own (``ring``: one group, in
        that order; default: ``ring_size`` at a time in index order), so no
        other player's partners change.
        """
        strategies = list(self.strategies)
        for i, strategy in changes.items():
            if isinstance(strategy, str):
                strategy = self.settings.strategy(strategy)
            strategies[int(i)] = strategy
        moved = {int(i) for i in changes}
        rings = [[i for i in g if i not in moved] for g in self.rings]
        new = [i for i in sorted(moved) if strategies[i].colludes]
        if ring is not None:
            rings.append([int(i) for i in ring])
        else:
            size = self.settings.ring_size
            rings += [new[lo : lo + size] for lo in range(0, len(new), size)]
        return self._sharing_inputs(Contest(
            self.network, self.population, self.settings, self.seed, self.players, strategies,
            [g for g in rings if g], _plans=self._plans,
        ))  # fmt: skip

    def all_honest(self) -> Contest:
        """The same players, every one playing ``honest`` (for true influence)."""
        honest = [make_strategy("honest")] * self.players.size
        return self._sharing_inputs(Contest(
            self.network, self.population, self.settings, self.seed, self.players, honest,
            _plans=self._plans,
        ))  # fmt: skip

    def _sharing_inputs(self, other: Contest) -> Contest:
        """``other`` (same crowd and settings) sharing this contest's kernel inputs."""
        other._inputs = self._inputs
        return other

    def _rings(self) -> dict[int, tuple[tuple[int, int], ...]]:
        partners = {}
        for group in self.rings:
            for i in group:
                partners[i] = tuple((int(self.players[j]), j) for j in group if j != i)
        return partners

    def _build_plans(self):
        n, s = self.network.n, self.settings
        rings = self._rings()
        key = int(contest_keys(self.seed, 1, "strangers")[0])
        n_fakes = np.array([st.n_fakes for st in self.strategies], np.int64)
        fake_base = n + np.concatenate([[0], np.cumsum(n_fakes)])
        self.fake_owner = np.repeat(np.arange(n_fakes.size), n_fakes).tolist()
        plans: list[Plan] = []
        for i, strategy in enumerate(self.strategies):
            ctx = PlanContext(
                int(self.players[i]), i, self.network, s.steps, s.fatigue_tolerance,
                rings.get(i, ()), tuple(range(fake_base[i], fake_base[i + 1])), key,
            )  # fmt: skip
            # a plan is a pure function of its strategy, context and stream (the
            # strategies' contract), so a copy of this contest reuses an unchanged one
            known = (strategy, id(self.network), self.seed, ctx.player, i, ctx.steps,
                     ctx.tolerance, ctx.partners, ctx.fakes)  # fmt: skip
            plan = self._plans.get(known)
            if plan is None:
                rng = stream(self.seed, "contest.plans", i) if strategy.draws else None
                plan = self._plans[known] = strategy.plan(ctx, rng)
            plans.append(plan)
        self.accounts = int(fake_base[-1])
        self.plan = plan = Plan.concat(plans)
        hi = np.cumsum(plan.to_strangers)
        self._posts = np.column_stack(
            [plan.step, plan.poster, plan.link, _copies(plan), plan.deceptive, plan.pressure,
             hi - plan.to_strangers, hi]
        ).astype(np.int64)  # fmt: skip
        order = np.argsort(plan.click_step, kind="stable")
        self._clicks = np.column_stack(
            [plan.click_step, plan.clicker, plan.click_link, plan.click_via, plan.click_fake]
        ).astype(np.int64)[order]

    def kernel_inputs(self):
        """Node and arc factor tables, in :data:`~simulator.contest.kernel_layout.NODE_COLUMNS`."""
        net, pop, n = self.network, self.population, self.network.n
        if pop is None:
            node_f = np.ones((n, 8))
            node_f[:, 5] = 0.0
            trust0, favours = np.ones(net.m), np.zeros(net.m)
        else:
            if not isinstance(pop, Population) or pop.n != n or pop.m != net.m:
                raise ValueError(f"population must be a Population of {n} people / {net.m} arcs")
            relevance = pop.interest[:, self.settings.topic]
            node_f = np.column_stack(
                [pop.bandwidth, pop.activity, pop.credibility, relevance,
                 pop.reciprocity, pop.owed_to_originator, pop.trust, np.zeros(n)]
            )  # fmt: skip
            trust0, favours = pop.trust[net.indices], pop.favours
        if net.trust is not None:
            trust0 = trust0 * net.trust
        node_f[:, 7] = self.budget
        arc_f = np.column_stack([net.strength, trust0, favours])
        return np.ascontiguousarray(node_f), np.ascontiguousarray(arc_f)

    # ---------------------------------------------------------------- run
    def run(self, keys, record: int = 0, key: str | None = None) -> ContestRun:
        """Run one replicate per key. ``record``: 0 totals only (parallel over
        replicates), 1 events without impressions, 2 all events.

        With events, the memory guard (:func:`~simulator.errors.event_row_cap`)
        stops a run whose event table would pass the memory cap and raises the
        one-line :class:`~simulator.errors.MemoryLimitError` naming ``key``
        (default ``experiment.replicates`` for several keys, else
        ``experiment.players or experiment.steps``).
        """
        keys = np.asarray(keys, np.uint64)
        s = self.settings
        if self._inputs[0] is None:  # the crowd's tables: once for a contest and its copies
            self._inputs[0] = self.kernel_inputs()
        node_f, arc_f = self._inputs[0]
        net = (self.network.indptr, self.network.indices)
        plan = (self._posts, self.plan.boost.astype(np.float64), self.plan.strangers, self._clicks)
        fl = np.array(s.crowd_floats())
        ints = np.array([s.steps, s.attention_window, s.fatigue_tolerance, self.network.n])
        owner = self.players
        if record:
            cap = event_row_cap(EVENT_ROW_BYTES, 1)  # one thread writes the events
            totals, ev, wanted = contest_events(
                net, node_f, arc_f, plan, owner, fl, ints, keys, record, cap
            )
            if wanted:
                if key is None:
                    several = keys.size > 1
                    key = (
                        "experiment.replicates"
                        if several
                        else "experiment.players or experiment.steps"
                    )
                raise event_overflow("the contest's event log", wanted, EVENT_ROW_BYTES, key, 1)
            events = pd.DataFrame(ev, columns=list(EVENT_COLUMNS))
        else:
            n_chunks = numba.get_num_threads()
            totals = contest_summary(net, node_f, arc_f, plan, owner, fl, ints, keys, n_chunks)
            events = None
        return ContestRun(self, keys, totals, events)

    def describe(self) -> dict:
        """Counts of players per strategy (for reports)."""
        names, counts = np.unique(self.strategy_names.astype(str), return_counts=True)
        return dict(zip(names.tolist(), counts.tolist(), strict=True))
