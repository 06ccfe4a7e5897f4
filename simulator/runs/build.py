"""Build a run's network and population from typed configs.

Each component draws from its own named stream of the root seed
(:func:`simulator.rng.stream`), so changing, say, the population spec never
changes the network.

Examples
--------
>>> from simulator.runs.config import BarabasiAlbertConfig
>>> build_network(BarabasiAlbertConfig(n=50, m=2), seed=1)
<Network 'barabasi_albert(n=50, m=2)': 50 nodes, 192 arcs (undirected)>
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.engine.registry import make_model
from simulator.network import generators as gen
from simulator.network.core import Network
from simulator.network.io import read_network
from simulator.network.ties import apply_tie_model
from simulator.population import Population, PopulationSpec
from simulator.rng import stream
from simulator.runs import config as c

__all__ = ["build_network", "build_population", "build_model", "NETWORK_BUILDERS"]

#: How each network config becomes a Network; one entry per schema in config.py.
NETWORK_BUILDERS: dict[type, Callable[..., Network]] = {
    c.ErdosRenyiConfig: lambda cfg, rng: gen.erdos_renyi(
        cfg.n, cfg.mean_degree, rng, directed=cfg.directed
    ),
    c.BarabasiAlbertConfig: lambda cfg, rng: gen.barabasi_albert(cfg.n, cfg.m, rng),
    c.WattsStrogatzConfig: lambda cfg, rng: gen.watts_strogatz(cfg.n, cfg.k, cfg.p, rng),
    c.RingLatticeConfig: lambda cfg, rng: gen.ring_lattice(cfg.n, cfg.k),
    c.StochasticBlockConfig: lambda cfg, rng: gen.stochastic_block_model(
        list(cfg.sizes), cfg.p_in, cfg.p_out, rng, directed=cfg.directed
    ),
    c.PowerLawConfig: lambda cfg, rng: gen.powerlaw_configuration(
        cfg.n, cfg.exponent, rng, min_degree=cfg.min_degree, max_degree=cfg.max_degree
    ),
    c.HolmeKimConfig: lambda cfg, rng: gen.holme_kim(cfg.n, cfg.m, cfg.p_triad, rng),
    c.FollowerConfig: lambda cfg, rng: gen.follower_graph(
        cfg.n,
        cfg.mean_following,
        rng,
        n_celebrities=cfg.n_celebrities,
        celebrity_share=cfg.celebrity_share,
    ),
    c.FileNetworkConfig: lambda cfg, rng: read_network(
        cfg.path,
        format=cfg.format,
        directed=cfg.directed,
        **({} if cfg.columns is None else {"columns": list(cfg.columns)}),
    ),
}


def build_network(cfg: c.NetworkConfig, seed: int) -> Network:
    """The network described by ``cfg``, with its tie model applied."""
    try:
        builder = NETWORK_BUILDERS[type(cfg)]
    except KeyError:
        raise ValueError(f"no builder for network config {type(cfg).__name__}") from None
    network = builder(cfg, stream(seed, "network"))
    return apply_tie_model(network, cfg.ties, stream(seed, "ties"))


def build_population(spec: PopulationSpec, network: Network, seed: int) -> Population:
    """Agent attributes for ``network`` drawn from ``spec``."""
    return Population.draw(spec, network, stream(seed, "population"))


def build_model(cfg: c.CampaignConfig, population: Population | None = None):
    """The spread model a ``campaign`` config selects (a model that reads agents gets
    ``population``).

    Examples
    --------
    >>> build_model(c.CAMPAIGN_SCHEMAS["independent_cascade"](p=0.2))
    IndependentCascade(p=0.2, scale_by_strength=False)
    """
    return make_model(cfg.kind, cfg.model_parameters(), population)
