"""A read-only view of one agent, for front ends that need one object per agent.

The state stays in the :class:`~simulator.population.core.Population`
arrays; a view holds the population and an index and reads the arrays live.
It has one float property per name of
:data:`~simulator.population.spec.NODE_ATTRIBUTES` (a test checks that the
two lists match) and ``interest``, a read-only row.

Examples
--------
>>> import numpy as np
>>> from simulator.population import Population
>>> pop = Population(trust=[0.9, 0.5], reciprocity=[0.1, 0.2], bandwidth=[0.3, 0.3],
...                  activity=[1.0, 0.5], credibility=[0.2, 0.8], interest=[0.5, 0.7],
...                  owed_to_originator=[0, 2], favours=[])
>>> AgentView(pop, 1).trust, AgentView(pop, 1).interest.tolist()
(0.5, [0.7])
"""

from __future__ import annotations

import numpy as np

from simulator.population.spec import NODE_ATTRIBUTES

__all__ = ["AgentView"]


def _scalar_property(name: str) -> property:
    def getter(self: AgentView) -> float:
        return float(getattr(self._population, name)[self.index])

    getter.__doc__ = f"The agent's {name.replace('_', ' ')} (a float)."
    return property(getter)


class AgentView:
    """Read-only view of one agent: its index and live reads of the arrays.

    Scalar attributes are returned as floats; ``interest`` as a read-only
    array row. Used by agent-based front ends (e.g. Mesa agents) that need
    one object per agent; the state stays in the
    :class:`~simulator.population.core.Population` arrays.
    """

    __slots__ = ("_population", "index")

    # one per name of NODE_ATTRIBUTES (tests/test_population.py checks they match)
    trust = _scalar_property("trust")
    reciprocity = _scalar_property("reciprocity")
    bandwidth = _scalar_property("bandwidth")
    activity = _scalar_property("activity")
    credibility = _scalar_property("credibility")
    owed_to_originator = _scalar_property("owed_to_originator")
    attention = _scalar_property("attention")
    timezone = _scalar_property("timezone")

    # population: a Population (not imported here: core imports this module)
    def __init__(self, population, index: int) -> None:
        object.__setattr__(self, "_population", population)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value):
        raise AttributeError("AgentView is read-only; change the Population arrays instead")

    def __delattr__(self, name):
        raise AttributeError("AgentView is read-only; change the Population arrays instead")

    @property
    def interest(self) -> np.ndarray:
        """Interest in each topic (a read-only row of ``Population.interest``)."""
        row = self._population.interest[self.index].view()
        row.flags.writeable = False
        return row

    def to_dict(self) -> dict:
        """Attribute values as a plain dict (interest as a list)."""
        out = {name: getattr(self, name) for name in NODE_ATTRIBUTES}
        out["interest"] = self.interest.tolist()
        return out

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={getattr(self, k):.3g}" for k in NODE_ATTRIBUTES)
        return f"<AgentView {self.index}: {parts}>"
