"""`CampaignModel`: the campaign funnel as a Mesa model, one engine step per ``step()``.

The model holds no behaviour of its own: ``step()`` calls the same compiled
step as the batch engine (:func:`simulator.engine.funnel.step`), so a model
run equals replicate 0 of :func:`~simulator.engine.run.run_cascades` with
the same network, seeds, campaign and root seed. Agents are views: each
:class:`CampaignAgent` holds its node index and reads the population and
state arrays, so Mesa's AgentSet queries, the DataCollector and
visualisation see the engine's state without copying it.

Everything random comes from the model's root seed through named streams
(``network``, ``population``, ``seeding.<strategy>``, ``replicates``): the
network is never built from an unseeded generator. With ``seed=None`` the
root seed is drawn from Mesa's own generator and kept in ``root_seed``.

Examples
--------
>>> model = CampaignModel(n=300, k=5, seed=1)
>>> model.run_model()
>>> model.steps == model.campaign.steps and not model.running
True
>>> frame = model.datacollector.get_model_vars_dataframe()
>>> list(frame.columns)
['reach', 'impressions', 'clicks', 'shares', 'conversions', 'amount']
>>> bool(frame["reach"].is_monotonic_increasing)
True
>>> model.totals["reach"] == int(frame["reach"].iloc[-1]) == int(model.state.seen.sum())
True
"""

from __future__ import annotations

import mesa

from simulator.cascade_log import FUNNEL_COLUMNS, FUNNEL_COUNTS, CascadeLog
from simulator.engine import funnel
from simulator.engine.campaign import Campaign
from simulator.engine.run import seed_matrix
from simulator.errors import event_overflow, event_row_cap
from simulator.network.core import Network
from simulator.population import Population
from simulator.population.world import default_world
from simulator.rng import replicate_keys, stream
from simulator.seeding.registry import select_seeds

__all__ = ["CampaignAgent", "CampaignModel"]

#: Totals the DataCollector records after each step (every funnel column but depth).
REPORTED = tuple(name for name in FUNNEL_COLUMNS if name != "depth")
_INTEGER = {"reach", "depth", *FUNNEL_COUNTS}


class CampaignAgent(mesa.Agent):
    """A read-only view of one agent: attributes and campaign state by node index."""

    def __init__(self, model: CampaignModel, node: int):
        super().__init__(model)
        self.node = int(node)

    @property
    def label(self):
        """The node's label in the original network."""
        return self.model.network.labels[self.node]

    trust = property(lambda self: float(self.model.population.trust[self.node]))
    reciprocity = property(lambda self: float(self.model.population.reciprocity[self.node]))
    bandwidth = property(lambda self: float(self.model.population.bandwidth[self.node]))
    activity = property(lambda self: float(self.model.population.activity[self.node]))
    credibility = property(lambda self: float(self.model.population.credibility[self.node]))
    seen = property(lambda self: bool(self.model.state.seen[self.node]), doc="saw the message")
    shared = property(lambda self: bool(self.model.state.shares[self.node] > 0), doc="shared it")
    converted = property(lambda self: bool(self.model.state.converted[self.node]), doc="converted")


class CampaignModel(mesa.Model):
    """The campaign funnel on a network, stepped by Mesa.

    Parameters
    ----------
    n, m : int
        Size of the Barabási–Albert network built when ``network`` is None.
    k : int
        Number of seeds chosen by ``seeding`` when ``seeds`` is None.
    seeding : str
        A name from :data:`simulator.seeding.registry.STRATEGIES`.
    appeal, share_rate, conversion_rate : float
        Campaign parameters used when ``campaign`` is None.
    steps : int
        Campaign duration when ``campaign`` is None.
    network : Network, optional
    population : Population, optional
        Drawn from :class:`~simulator.population.PopulationSpec` defaults if None.
    campaign : Campaign, optional
    seeds : array-like of int, optional
    seed : int, optional
        Root seed of every random stream.
    """

    def __init__(
        self,
        n: int = 1000,
        m: int = 3,
        k: int = 10,
        seeding: str = "top_degree",
        appeal: float = 0.3,
        share_rate: float = 0.5,
        conversion_rate: float = 0.05,
        steps: int = 48,
        network: Network | None = None,
        population: Population | None = None,
        campaign: Campaign | None = None,
        seeds=None,
        seed: int | None = None,
    ):
        super().__init__(seed=seed)
        self.root_seed = int(seed) if seed is not None else int(self.rng.integers(2**63))
        self.network, self.population = default_world(n, m, self.root_seed, network, population)
        campaign = campaign or Campaign(
            appeal=appeal, share_rate=share_rate, conversion_rate=conversion_rate, steps=steps
        )
        self.campaign = campaign.with_population(self.population)
        if seeds is None:
            seeds = select_seeds(
                seeding, self.network, k, stream(self.root_seed, f"seeding.{seeding}")
            )
        self.seeds = seed_matrix(self.network, seeds, 1)[0]  # checked as run_cascades does
        self._key = replicate_keys(self.root_seed, 1)[0]
        self._arrays = self.campaign.kernel_arrays(self.network)
        #: The engine's per-replicate state (:class:`~simulator.engine.funnel.FunnelState`).
        self.state = funnel.new_state(self.network.n, self.network.m, self.campaign.steps)
        # the memory guard, as in run_cascades: the log stops growing at the cap
        self.state.cnt[funnel.ROW_CAP] = event_row_cap(funnel.EVENT_ROW_BYTES)
        #: Its growing buffers, events included (:class:`~simulator.engine.funnel.FunnelBuffers`).
        self.buffers = funnel.new_buffers()
        ints = self._arrays[3]
        self.buffers = funnel.start(ints, self.seeds, 0, self.state, self.buffers, True)
        for node in range(self.network.n):
            CampaignAgent(self, node)
        column = {name: i for i, name in enumerate(FUNNEL_COLUMNS)}
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda mdl, i=column[name]: mdl.state.totals[i]) for name in REPORTED
            }
        )  # one row after each step (no initial row: batch_run reads row steps - 1)

    @property
    def totals(self) -> dict:
        """Running totals by name (:data:`~simulator.cascade_log.FUNNEL_COLUMNS`)."""
        return {
            name: int(value) if name in _INTEGER else float(value)
            for name, value in zip(FUNNEL_COLUMNS, self.state.totals, strict=True)
        }

    def step(self):
        """Advance the campaign by one engine step (post, attend and decide, update trust)."""
        t = self.steps - 1  # Mesa counts steps from 1 inside the wrapped step
        if t >= self.campaign.steps:
            self.running = False
            return
        node_f, arc_f, msg, ints = self._arrays
        net = self.network
        self.buffers = funnel.step_arrays(
            t,
            net.indptr,
            net.indices,
            node_f,
            arc_f,
            msg,
            ints,
            self._key,
            0,
            True,
            *self.state,
            *self.buffers,
        )
        wanted = int(self.state.cnt[funnel.WANTED])
        if wanted:
            self.running = False
            raise event_overflow(
                "the model's event log",
                wanted,
                funnel.EVENT_ROW_BYTES,
                "n (the network) or steps",
            )
        self.datacollector.collect(self)
        if t + 1 >= self.campaign.steps:
            self.running = False

    def events(self) -> CascadeLog:
        """The events so far as a :class:`~simulator.cascade_log.CascadeLog`."""
        n_events = self.state.cnt[funnel.N_EVENTS]
        table = self.buffers.events[:n_events]
        columns = dict(zip(funnel.EVENT_COLUMNS, table.T, strict=True))
        return CascadeLog.from_arcs(
            self.network,
            **columns,
            replicates=1,
            amount=self.buffers.amounts[:n_events],
        )
