"""`ContestModel`: one influence contest revealed step by step, as a Mesa model.

The contest kernel runs a whole contest at once (:meth:`Contest.run
<simulator.contest.contest.Contest.run>`): every personal link spreads over
one crowd and the events are recorded. This model runs one replicate with
every event recorded (impressions included) when it is built, then reveals
it one contest step per ``step()``: once ``model.steps == s``, the events of
contest steps ``0 .. s - 1`` have happened and nothing after. It holds no
behaviour of its own (the kernel decided everything), so a model stepped to
the end shows exactly the kernel's run: its totals equal the kernel's
per-link totals, and its public record the one :func:`public_record
<simulator.contest.record.public_record>` builds.

What a step reveals, each from the run's events (:func:`hidden_state
<simulator.contest.record.hidden_state>`, which holds the hidden flags too):

- each person's furthest stage (:data:`STATES`): an impression makes a
  person *exposed*, a click *clicked*, a post or a reshare *shared*, a
  conversion *converted* (fake accounts are no people of the crowd);
- running totals (:data:`TOTALS`), which the DataCollector records after
  each step: clicks, of which by fake accounts, reshares, conversions,
  unfollows and spam reports;
- the public record so far (:meth:`ContestModel.record_now`:
  :func:`public_record <simulator.contest.record.public_record>` with
  ``until``, so the cut follows the record's own rule) and the standings a scoring rule gives on it
  (:meth:`ContestModel.standings`): a scoring rule sees only the record, so
  a leaderboard at step ``s`` is the rule applied to the record cut at ``s``.

A *gamer* is a player whose strategy is not declared honest
(:attr:`Strategy.honest <simulator.contest.strategies.Strategy.honest>`):
spammers, deceivers, sybils, rings and manipulators.

Everything random comes from the root seed through named streams
(``network``, ``population``, then the contest's own ``contest.*`` streams
and replicate key 0 of ``contest.scored``), as in
:class:`~simulator.mesa_model.CampaignModel`.

References
----------
Fast Company. The Influence Project, 2010. M. Wu. "The Influence Project"
fiasco and the six factors of influence. Lithium Building Community blog, 2010.

Examples
--------
>>> model = ContestModel(n=300, seed=4)
>>> int(model.states().max()), model.totals["clicks"]
(0, 0)
>>> model.run_model()
>>> model.steps == model.contest.settings.steps and not model.running
True
>>> frame = model.datacollector.get_model_vars_dataframe()
>>> list(frame.columns) == list(TOTALS)
True
>>> per_link = model.run.per_link()
>>> model.totals["clicks"] == int(per_link["clicks"].sum())
True
>>> table = model.standings("naive_clicks")
>>> list(table.columns[:5])
['rank', 'link', 'account', 'strategy', 'gamer']
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from simulator.contest.contest import Contest, contest_keys
from simulator.contest.evaluation import ranks
from simulator.contest.record import PublicRecord, hidden_state, public_record
from simulator.contest.scoring import RULES
from simulator.contest.settings import ContestSettings
from simulator.network.core import Network
from simulator.population import Population
from simulator.population.world import default_world

__all__ = ["STATES", "TOTALS", "ContestAgent", "ContestModel"]

#: A person's stages, lowest first; a person shows the furthest it got.
STATES = ("unaware", "exposed", "clicked", "shared", "converted")
#: The contest action that moves a person to each stage (a post shares too).
_STAGE = {"impression": 1, "click": 2, "post": 3, "share": 3, "convert": 4}
#: Running totals: name -> (action, extra condition on the event's flags).
TOTALS = {
    "clicks": ("click", None),
    "fake_clicks": ("click", "fake"),
    "reshares": ("share", None),
    "conversions": ("convert", None),
    "unfollows": ("unfollow", None),
    "reports": ("report", None),
}


class ContestAgent(mesa.Agent):
    """A read-only view of one person: stage, and the link and strategy if a player."""

    def __init__(self, model: ContestModel, node: int):
        super().__init__(model)
        self.node = int(node)

    @property
    def state(self) -> str:
        """The furthest stage so far, a name of :data:`STATES`."""
        return STATES[int(self.model._stage[self.node])]

    @property
    def link(self) -> int | None:
        """The player's link index, None for a person who is no player."""
        link = int(self.model._link_of[self.node])
        return None if link < 0 else link

    @property
    def strategy(self) -> str | None:
        link = self.link
        return None if link is None else self.model.contest.strategies[link].name


class ContestModel(mesa.Model):
    """One contest, run at build time, revealed one contest step per ``step()``.

    Parameters
    ----------
    n, m : int
        Size of the Barabási–Albert network built when ``network`` is None.
    settings : ContestSettings, optional
        Default: ``ContestSettings(players=min(20, n))`` (the default mix:
        80% honest players, 20% gamers).
    network : Network, optional
    population : Population, optional
        Drawn from :class:`~simulator.population.PopulationSpec` defaults if None.
    seed : int, optional
        Root seed of every random stream.
    """

    def __init__(
        self,
        n: int = 500,
        m: int = 3,
        settings: ContestSettings | None = None,
        network: Network | None = None,
        population: Population | None = None,
        seed: int | None = None,
    ):
        super().__init__(seed=seed)
        self.root_seed = int(seed) if seed is not None else int(self.rng.integers(2**63))
        self.network, self.population = default_world(n, m, self.root_seed, network, population)
        settings = settings or ContestSettings(players=min(20, self.network.n))
        #: The contest (players, strategies, plans).
        self.contest = Contest(self.network, self.population, settings, self.root_seed)
        #: Its one run, every event recorded (``record=2``: impressions too).
        self.run = self.contest.run(contest_keys(self.root_seed, 1), record=2)
        #: The public record of the whole run (:meth:`record_now` is the record so far).
        self.record = public_record(self.run)
        n_people = self.network.n
        players = self.contest.players
        #: Per player (link): whether its strategy is not declared honest.
        self.gamer = np.array([not s.honest for s in self.contest.strategies], bool)
        self._link_of = np.full(n_people, -1, np.int64)
        self._link_of[players] = np.arange(players.size)
        self._events = self._event_table()
        self._bounds = np.searchsorted(
            self._events["step"], np.arange(settings.steps + 1), side="left"
        )
        self._stage = np.zeros(n_people, np.int8)
        self._totals = dict.fromkeys(TOTALS, 0)
        for node in range(n_people):
            ContestAgent(self, node)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda mdl, k=name: mdl._totals[k]) for name in TOTALS}
        )  # one row after each step, as CampaignModel's

    def _event_table(self) -> dict[str, np.ndarray]:
        """The run's events, in step order, as the arrays a step reads."""
        _, ev = hidden_state(self.run)
        order = np.argsort(ev["step"].to_numpy(), kind="stable")
        action = ev["action"].to_numpy().astype(str)[order]
        node = ev["node"].to_numpy(np.int64)[order]
        person = node < self.network.n  # fake accounts are no people of the crowd
        level = np.zeros(node.size, np.int8)
        for name, stage in _STAGE.items():
            level[action == name] = stage
        table = {
            "step": ev["step"].to_numpy(np.int64)[order],
            # a fake account's event moves no one: person 0 to stage 0
            "node": np.where(person, node, 0),
            "level": np.where(person, level, 0).astype(np.int8),
        }
        for name, (act, flag) in TOTALS.items():
            hit = action == act
            if flag is not None:
                hit &= ev[flag].to_numpy(bool)[order]
            table[name] = hit
        return table

    @property
    def players(self) -> np.ndarray:
        """The players' nodes, by link."""
        return self.contest.players

    @property
    def totals(self) -> dict[str, int]:
        """Running totals by name (:data:`TOTALS`)."""
        return dict(self._totals)

    def states(self) -> np.ndarray:
        """Each person's furthest stage so far, as an index into :data:`STATES`."""
        return self._stage.copy()

    def step(self):
        """Reveal one contest step: its events update the stages and totals."""
        t = self.steps - 1  # Mesa counts steps from 1 inside the wrapped step
        if t >= self.contest.settings.steps:
            self.running = False
            return
        lo, hi = self._bounds[t], self._bounds[t + 1]
        np.maximum.at(self._stage, self._events["node"][lo:hi], self._events["level"][lo:hi])
        for name in TOTALS:
            self._totals[name] += int(self._events[name][lo:hi].sum())
        self.datacollector.collect(self)
        if t + 1 >= self.contest.settings.steps:
            self.running = False

    def record_now(self) -> PublicRecord:
        """The public record of the steps revealed so far (events of steps ``< model.steps``)."""
        return public_record(self.run, until=self.steps)

    def standings(self, rule="trusted_voluntary") -> pd.DataFrame:
        """Players ranked by ``rule`` on the record so far, best first.

        ``rule`` is a name of :data:`~simulator.contest.scoring.RULES` or a
        rule (a function of the record). Columns: ``rank`` (1 is best; ties
        share the best rank), ``link``, ``account``, ``strategy`` (hidden
        from the rule, shown to the viewer), ``gamer``, ``score``; ties in
        score are listed by link.
        """
        if isinstance(rule, str):
            if rule not in RULES:
                choices = ", ".join(RULES)
                raise ValueError(f"rule: unknown scoring rule {rule!r}; choose from {choices}")
            rule = RULES[rule]
        score = np.asarray(rule(self.record_now()), np.float64)
        table = pd.DataFrame(
            {
                "link": np.arange(self.players.size),
                "account": self.players,
                "strategy": self.contest.strategy_names.astype(str),
                "gamer": self.gamer,
                "score": score,
            }
        )
        table = table.sort_values(["score", "link"], ascending=[False, True], kind="stable")
        table.insert(0, "rank", ranks(table["score"].to_numpy()).astype(int))
        return table.reset_index(drop=True)
