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
>>> from simulator.population import Population, PopulationSpec, AgentView
>>> Population.__module__, AgentView.__module__
('simulator.population.core', 'simulator.population.agent')

(:mod:`~simulator.population.core` shows a population drawn for a network.)
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
