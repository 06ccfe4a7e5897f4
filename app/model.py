"""The model behind the browser view: :class:`simulator.CampaignModel` with the view's controls.

:class:`ViewModel` builds the network, the population and the seeds from the
controls the view shows (network kind, size, appeal, mean trust, mean tie
strength, seeding strategy, number of seeds, root seed) and hands them to
:class:`~simulator.mesa_model.CampaignModel`, whose ``step()`` runs the
engine. What the view needs beyond the model's state it derives from the
engine's event buffer (``model.buffers.events``, the events the funnel
kernel records) after each step, reading only the rows added since the last
one: which agents clicked, and the shares, conversions and amount that
travelled strong or weak ties.

Examples
--------
>>> model = ViewModel(n=200, k=5, appeal=0.9, seed=3)
>>> for _ in range(3):
...     model.step()
>>> codes = agent_states(model)
>>> int((codes >= STATES.index("exposed")).sum()) == model.totals["reach"]
True
>>> bool(model.clicked.sum() >= (codes == STATES.index("clicked")).sum())
True
>>> split = model.tie_split
>>> split["shares"]["strong"] + split["shares"]["weak"] == model.totals["shares"]
True
"""

from __future__ import annotations

import numpy as np

from simulator.cascade_log import ACTION_CODE
from simulator.distributions import Distribution
from simulator.engine import funnel
from simulator.mesa_model import CampaignModel
from simulator.network.ties import TieModel
from simulator.population import PopulationSpec
from simulator.rng import stream
from simulator.runs import config as c
from simulator.runs.build import build_network, build_population
from simulator.seeding.registry import select_seeds

__all__ = ["NETWORKS", "SEEDING", "SPLIT", "STATES", "ViewModel", "agent_states", "build_world"]

#: Networks the view offers, by name: their config schema (defaults but ``n``).
NETWORKS = {
    "barabasi_albert": c.BarabasiAlbertConfig,
    "holme_kim": c.HolmeKimConfig,
    "watts_strogatz": c.WattsStrogatzConfig,
    "erdos_renyi": c.ErdosRenyiConfig,
    "follower": c.FollowerConfig,
}
#: Seeding strategies the view offers (the registry's quick ones; greedy CELF is slow).
SEEDING = (
    "top_degree",
    "random",
    "pagerank",
    "k_shell",
    "degree_discount",
    "voterank",
    "one_hop",
    "imm",
    "loyalists",
    "klout",
)
#: Agent states, lowest funnel stage first; an agent shows the furthest it got.
STATES = ("unaware", "exposed", "clicked", "shared", "converted")
#: What the strong-vs-weak panel splits, each with the action whose events it reads.
SPLIT = {"clicks": "click", "shares": "share", "conversions": "convert", "amount": "convert"}
#: Concentration ``a + b`` of the Beta laws behind the trust and tie-strength controls
#: (7, as the population's default trust, beta(5, 2)).
CONCENTRATION = 7.0
_ACTION, _NODE, _ARC = (funnel.EVENT_COLUMNS.index(n) for n in ("action", "node", "arc"))


def _beta_around(mean: float) -> tuple[float, float] | None:
    """Beta shapes with the given mean and :data:`CONCENTRATION`; None at 0 or 1."""
    if mean <= 0.0 or mean >= 1.0:
        return None
    return CONCENTRATION * mean, CONCENTRATION * (1.0 - mean)


def tie_model(strength: float) -> TieModel:
    """Tie strengths around ``strength``: Beta with that mean, constant at 0 or 1.

    Examples
    --------
    >>> tie_model(0.5).kind, tie_model(1.0).kind, tie_model(1.0).value
    ('beta', 'constant', 1.0)
    """
    shapes = _beta_around(strength)
    if shapes is None:
        return TieModel(kind="constant", value=float(strength))
    return TieModel(kind="beta", a=shapes[0], b=shapes[1])


def build_world(network: str, n: int, trust: float, seed: int, ties: TieModel | None = None):
    """The network and population a view runs on: ``(Network, Population)``.

    ``network`` is a key of :data:`NETWORKS`; both are drawn from ``seed``'s
    streams, as the command line would.

    >>> net, pop = build_world("erdos_renyi", 50, 0.7, seed=1)
    >>> net.n, pop.n
    (50, 50)
    """
    try:
        schema = NETWORKS[network]
    except KeyError:
        choices = ", ".join(NETWORKS)
        raise ValueError(f"unknown network {network!r}; choose from {choices}") from None
    extra = {} if ties is None else {"ties": ties}
    net = build_network(schema(n=int(n), **extra), int(seed))
    return net, build_population(population_spec(float(trust)), net, int(seed))


def population_spec(trust: float) -> PopulationSpec:
    """The default population with trust distributed around ``trust``.

    Examples
    --------
    >>> population_spec(0.5).trust.describe()
    'beta(3.5, 3.5)'
    """
    shapes = _beta_around(trust)
    if shapes is None:
        return PopulationSpec(trust=Distribution(kind="constant", value=float(trust)))
    return PopulationSpec(trust=Distribution(kind="beta", a=shapes[0], b=shapes[1]))


class ViewModel(CampaignModel):
    """A :class:`~simulator.mesa_model.CampaignModel` built from the view's controls.

    Parameters
    ----------
    network : str
        A key of :data:`NETWORKS`; built with that schema's defaults and ``n`` nodes.
    n : int
        Number of agents.
    appeal : float
        The campaign's appeal (other campaign parameters keep their defaults).
    trust : float in [0, 1]
        Mean trust of the population (Beta with :data:`CONCENTRATION`; constant at 0 or 1).
    tie_strength : float in [0, 1]
        Mean tie strength (Beta with :data:`CONCENTRATION`; constant at 0 or 1); a tie
        is strong when its strength is at least the tie model's ``strong_threshold``.
    seeding : str
        A seeding strategy (strategies that read agent attributes read this population).
    k : int
        Number of seeds.
    steps : int
        Campaign duration.
    seed : int
        Root seed of every random stream.
    """

    def __init__(
        self,
        network: str = "barabasi_albert",
        n: int = 500,
        appeal: float = 0.5,
        trust: float = 0.7,
        tie_strength: float = 0.5,
        seeding: str = "top_degree",
        k: int = 10,
        steps: int = 48,
        seed: int = 1,
    ):
        seed = int(seed)
        ties = tie_model(float(tie_strength))
        net, population = build_world(network, n, trust, seed, ties)
        # the stream CampaignModel would use, but with the population for the
        # strategies that read agent attributes
        seeds = select_seeds(
            seeding, net, int(k), stream(seed, f"seeding.{seeding}"), population=population
        )
        super().__init__(
            network=net,
            population=population,
            appeal=float(appeal),
            steps=int(steps),
            seeds=seeds,
            seed=seed,
        )
        self.network_kind = network
        self.seeding = seeding
        self.strong_threshold = ties.strong_threshold
        #: Per agent: clicked at least once (from the event buffer).
        self.clicked = np.zeros(self.network.n, dtype=bool)
        #: Per quantity of :data:`SPLIT`: its total over strong and over weak ties.
        self.tie_split = {name: {"strong": 0.0, "weak": 0.0} for name in SPLIT}
        self._read = 0  # events of the buffer already read
        self._read_events()

    def step(self):
        """One engine step (:meth:`CampaignModel.step`), then read the new events."""
        super().step()
        self._read_events()

    def _read_events(self) -> None:
        end = int(self.state.cnt[funnel.N_EVENTS])
        rows = self.buffers.events[self._read : end]
        amounts = self.buffers.amounts[self._read : end]
        self._read = end
        action = rows[:, _ACTION]
        self.clicked[rows[action == ACTION_CODE["click"], _NODE]] = True
        for name, act in SPLIT.items():
            sel = action == ACTION_CODE[act]
            strong = self.network.strength[rows[sel, _ARC]] >= self.strong_threshold
            weights = amounts[sel] if name == "amount" else np.ones(int(sel.sum()))
            self.tie_split[name]["strong"] += float(weights[strong].sum())
            self.tie_split[name]["weak"] += float(weights[~strong].sum())
        for name in SPLIT:  # counts stay integers
            if name != "amount":
                self.tie_split[name] = {k: int(v) for k, v in self.tie_split[name].items()}


def agent_states(model: ViewModel) -> np.ndarray:
    """Each agent's furthest funnel stage, as an index into :data:`STATES`.

    Exposed agents saw the message (``state.seen``; seeds included), clicked
    ones clicked it (the event buffer), shared ones posted it
    (``state.shares``; seeds post it) and converted ones converted.
    """
    state = model.state
    codes = np.zeros(model.network.n, dtype=np.int8)
    for level, mask in enumerate(
        (state.seen, model.clicked, state.shares > 0, state.converted), start=1
    ):
        codes[mask] = level
    return codes
