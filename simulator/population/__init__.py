"""Agent attributes as arrays: the population that a campaign spreads through.

The population is a structure of arrays, one float64 array per attribute and
one entry per node of the :class:`~simulator.network.core.Network` (the state
is arrays; agents are views):

- :mod:`~simulator.population.spec`: the list of attributes, their bounds
  and :class:`PopulationSpec`, how each is distributed;
- :mod:`~simulator.population.core`: :class:`Population`, the arrays, and
  :meth:`Population.draw`, which draws them for a network, each attribute
  from its own named random stream;
- :mod:`~simulator.population.agent`: :class:`AgentView`, a read-only view
  of one agent.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 1, 2], [1, 2, 0], directed=False)
>>> pop = Population.draw(PopulationSpec(), net, np.random.default_rng(7))
>>> pop.n, pop.interest.shape, pop.favours.shape
(3, (3, 1), (6,))
>>> sorted(pop.view(0).to_dict())[:3]
['activity', 'attention', 'bandwidth']
"""

from simulator.population.agent import AgentView
from simulator.population.core import Population
from simulator.population.spec import (
    BOUNDS,
    HOURS,
    NODE_ATTRIBUTES,
    TOPIC_ATTRIBUTES,
    PopulationSpec,
)

__all__ = [
    "BOUNDS",
    "HOURS",
    "NODE_ATTRIBUTES",
    "TOPIC_ATTRIBUTES",
    "AgentView",
    "Population",
    "PopulationSpec",
]
