"""The default world of the Mesa models: a seeded Barabási-Albert crowd and its population.

:class:`~simulator.mesa_model.CampaignModel` and
:class:`~simulator.contest.mesa_contest.ContestModel` build the same world
when they are given no network or population, from named streams of their
root seed (``network``, ``population``): for the same size and seed, the
same people.

Examples
--------
>>> net, pop = default_world(200, 3, root_seed=1)
>>> net.n, pop.n
(200, 200)
>>> again, _ = default_world(200, 3, root_seed=1)
>>> bool((again.indices == net.indices).all())
True
"""

from __future__ import annotations

from simulator.network import generators
from simulator.network.core import Network
from simulator.population.core import Population
from simulator.population.spec import PopulationSpec
from simulator.rng import stream

__all__ = ["default_world"]


def default_world(
    n: int, m: int, root_seed: int, network: Network | None = None,
    population: Population | None = None,
) -> tuple[Network, Population]:  # fmt: skip
    """``network`` (default: Barabási-Albert with ``n`` nodes and ``m`` links each, stream
    ``network``) and ``population`` (default: :class:`PopulationSpec` drawn for it, stream
    ``population``), both from ``root_seed``."""
    network = network or generators.barabasi_albert(n, m, stream(root_seed, "network"))
    population = population or Population.draw(
        PopulationSpec(), network, stream(root_seed, "population")
    )
    return network, population
