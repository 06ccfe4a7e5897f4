"""The population: agent attributes as float64 arrays indexed by node, and their draw.

One array per attribute of :mod:`simulator.population.spec` and one entry per
node of the :class:`~simulator.network.core.Network` (per arc for
``favours``); :meth:`Population.draw` draws them for a network from a
:class:`~simulator.population.spec.PopulationSpec`, and
:meth:`Population.view` gives a read-only
:class:`~simulator.population.agent.AgentView` of one agent.

Every attribute is drawn from its **own named random stream**
(``"population.<attribute>"``), derived from one number taken from the
caller's generator. Changing how trust is distributed, or adding an attribute,
therefore never changes anybody's bandwidth (common random numbers across
experiment arms).

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

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.network.core import Network
from simulator.population.agent import AgentView
from simulator.population.spec import (
    BOUNDS,
    DISTRIBUTED,
    HOURS,
    NODE_ATTRIBUTES,
    TOPIC_ATTRIBUTES,
    PopulationSpec,
    check_curve,
)
from simulator.rng import stream

__all__ = ["Population"]


@dataclass(eq=False)
class Population:
    """Agent attributes as float64 arrays indexed by node.

    Attributes
    ----------
    trust, reciprocity, bandwidth, activity, credibility : ndarray, shape (n,)
        In [0, 1]; see :class:`PopulationSpec` for their meaning.
    interest : ndarray, shape (n, topics)
        In [0, 1]; a 1-D array is taken as one topic.
    owed_to_originator : ndarray, shape (n,)
        >= 0.
    favours : ndarray, shape (m,)
        >= 0, aligned with the arcs of the network (``Network.indices``).
    attention : ndarray, shape (n,), optional
        Posts read per step, >= 1; None (the default when built by hand)
        means no limit (``inf``).
    timezone : ndarray, shape (n,), optional
        Local clock offset in hours, [0, 24]; None means 0 for everybody.
    expertise : ndarray, shape (n, topics), optional
        In [0, 1]; None means 1 (credibility carries over to every topic).
    daily_activity : ndarray, shape (24,), optional
        Relative chance of being online per local hour; None means flat.

    Examples
    --------
    >>> pop = Population(
    ...     trust=[0.9, 0.5], reciprocity=[0.1, 0.2], bandwidth=[0.3, 0.3],
    ...     activity=[1.0, 0.5], credibility=[0.2, 0.8], interest=[0.5, 0.7],
    ...     owed_to_originator=[0, 2], favours=[1.0, 0.0])
    >>> pop.n, pop.topics, pop.view(1).owed_to_originator
    (2, 1, 2.0)
    """

    trust: np.ndarray
    reciprocity: np.ndarray
    bandwidth: np.ndarray
    activity: np.ndarray
    credibility: np.ndarray
    interest: np.ndarray
    owed_to_originator: np.ndarray
    favours: np.ndarray
    attention: np.ndarray | None = None
    timezone: np.ndarray | None = None
    expertise: np.ndarray | None = None
    daily_activity: np.ndarray | None = None

    def __post_init__(self) -> None:
        n0 = np.shape(self.trust)[0]
        if self.attention is None:
            self.attention = np.full(n0, np.inf)  # no limit
        if self.timezone is None:
            self.timezone = np.zeros(n0)
        if self.daily_activity is not None:
            self.daily_activity = check_curve(self.daily_activity, "Population.daily_activity")
        for name in DISTRIBUTED:
            value = getattr(self, name)
            if name == "expertise" and value is None:
                value = np.ones_like(self.interest)  # interest is already (n, topics)
            arr = np.ascontiguousarray(value, dtype=np.float64)
            if name in TOPIC_ATTRIBUTES and arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            unlimited = name == "attention" and np.isposinf(arr)  # inf attention: no limit
            if not np.all(np.isfinite(arr) | unlimited):
                raise ValueError(f"Population.{name} contains NaN or infinite values")
            lo, hi = BOUNDS[name]
            if arr.size and (arr.min() < lo or arr.max() > hi):
                raise ValueError(
                    f"Population.{name} must lie in [{lo:g}, {hi:g}], "
                    f"got range [{arr.min():g}, {arr.max():g}]"
                )
            setattr(self, name, arr)
        n = self.trust.shape[0]
        for name in NODE_ATTRIBUTES:
            shape = getattr(self, name).shape
            if shape != (n,):
                raise ValueError(f"Population.{name} must have shape ({n},), got {shape}")
        if self.interest.ndim != 2 or self.interest.shape[0] != n or self.interest.shape[1] < 1:
            raise ValueError(
                f"Population.interest must have shape ({n}, topics), got {self.interest.shape}"
            )
        if self.expertise.shape != self.interest.shape:
            raise ValueError(
                f"Population.expertise must have the shape of interest {self.interest.shape}, "
                f"got {self.expertise.shape}"
            )
        if self.favours.ndim != 1:
            raise ValueError(
                f"Population.favours must be 1-D (one value per arc), got {self.favours.shape}"
            )

    # ------------------------------------------------------------------ draw
    @classmethod
    def draw(cls, spec: PopulationSpec, network: Network, rng: np.random.Generator) -> Population:
        """Draw a population for ``network`` from ``spec``.

        One integer is taken from ``rng``; each attribute then gets its own
        stream ``stream(base, "population.<attribute>")`` (topic ``t`` of
        interest: ``stream(base, "population.interest", t)``). So the values of
        one attribute depend only on ``rng`` and that attribute's own spec, and
        adding topics keeps the interest in the existing ones.

        Parameters
        ----------
        spec : PopulationSpec
        network : Network
            Gives ``n`` and ``m``, and the node (arc, for favours) attributes
            read by ``kind="attribute"`` distributions.
        rng : numpy.random.Generator

        Examples
        --------
        >>> from simulator.distributions import Distribution
        >>> net = Network.from_edges([0, 1], [1, 2])
        >>> a = Population.draw(PopulationSpec(), net, np.random.default_rng(1))
        >>> spec = PopulationSpec(trust=Distribution(kind="constant", value=1.0))
        >>> b = Population.draw(spec, net, np.random.default_rng(1))
        >>> b.trust.tolist(), bool((a.bandwidth == b.bandwidth).all())
        ([1.0, 1.0, 1.0], True)
        """
        if not isinstance(spec, PopulationSpec):
            raise TypeError(f"spec must be a PopulationSpec, got {type(spec).__name__}")
        if not isinstance(network, Network):
            raise TypeError(f"network must be a Network, got {type(network).__name__}")
        base = int(rng.integers(2**63))
        n, attrs = network.n, network.node_attrs
        values = {}
        for name in NODE_ATTRIBUTES:
            dist = getattr(spec, name)
            values[name] = dist.draw(
                n, stream(base, "population." + name), attrs, BOUNDS[name], name=name
            )
        for name in TOPIC_ATTRIBUTES:
            dist = getattr(spec, name)
            if dist.kind == "attribute":
                values[name] = dist.draw(
                    (n, spec.topics),
                    stream(base, "population." + name),
                    attrs,
                    BOUNDS[name],
                    name=name,
                )
            else:
                values[name] = np.column_stack(
                    [
                        dist.draw(
                            n,
                            stream(base, "population." + name, t),
                            attrs,
                            BOUNDS[name],
                            name=name,
                        )
                        for t in range(spec.topics)
                    ]
                ).reshape(n, spec.topics)
        values["favours"] = spec.favours.draw(
            network.m,
            stream(base, "population.favours"),
            network.arc_attrs,
            BOUNDS["favours"],
            name="favours",
        )
        return cls(**values, daily_activity=spec.daily_activity)

    # ------------------------------------------------------------ accessors
    @property
    def n(self) -> int:
        """Number of agents (nodes)."""
        return self.trust.shape[0]

    @property
    def topics(self) -> int:
        """Number of topics (columns of ``interest``)."""
        return self.interest.shape[1]

    @property
    def m(self) -> int:
        """Number of arcs ``favours`` is aligned with."""
        return self.favours.shape[0]

    def domain_credibility(self, topic: int) -> np.ndarray:
        """The senders' credibility on ``topic``: ``credibility * expertise[:, topic]``.

        Examples
        --------
        >>> pop = Population(trust=[1.0], reciprocity=[0.5], bandwidth=[0.3], activity=[1.0],
        ...                  credibility=[0.8], interest=[[0.5, 0.5]], owed_to_originator=[0],
        ...                  favours=[], expertise=[[1.0, 0.25]])
        >>> pop.domain_credibility(1).tolist()
        [0.2]
        """
        return self.credibility * self.expertise[:, topic]

    def online_chance(self, hour: int) -> np.ndarray:
        """Each agent's chance of being online in a step at campaign hour ``hour``.

        ``activity * curve[(hour + timezone) % 24] / mean(curve)``, capped at
        1; with no daily curve, ``activity`` at every hour.

        Examples
        --------
        >>> curve = [0.0] * 12 + [2.0] * 12  # online only in the afternoon and evening
        >>> pop = Population(trust=[1.0] * 2, reciprocity=[0.5] * 2, bandwidth=[0.3] * 2,
        ...                  activity=[0.4] * 2, credibility=[0.5] * 2, interest=[0.5] * 2,
        ...                  owed_to_originator=[0] * 2, favours=[], timezone=[0, 12],
        ...                  daily_activity=curve)
        >>> pop.online_chance(3).tolist()
        [0.0, 0.8]
        """
        if self.daily_activity is None:
            return self.activity.copy()
        curve = self.daily_activity / self.daily_activity.mean()
        local = (int(hour) + np.floor(self.timezone).astype(np.int64)) % HOURS
        return np.minimum(self.activity * curve[local], 1.0)

    def view(self, i: int) -> AgentView:
        """A read-only view of agent ``i`` (reads the arrays live).

        Examples
        --------
        >>> pop = Population.draw(PopulationSpec(), Network.from_edges([0], [1]),
        ...                       np.random.default_rng(0))
        >>> v = pop.view(1)
        >>> v.index, 0.0 <= v.trust <= 1.0
        (1, True)
        >>> v.trust = 0.5
        Traceback (most recent call last):
        ...
        AttributeError: AgentView is read-only; change the Population arrays instead
        """
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < self.n:
            raise IndexError(f"agent index must be an int in [0, {self.n}), got {i!r}")
        return AgentView(self, int(i))

    def to_frame(self, labels=None):
        """One row per agent as a pandas DataFrame, indexed by ``node``.

        Columns: the scalar attributes, then ``interest`` (one topic) or
        ``interest_0``, ``interest_1``, ... (several). Per-arc ``favours`` are
        not included.

        Parameters
        ----------
        labels : array-like, shape (n,), optional
            Index values (e.g. ``Network.labels``); defaults to ``0..n-1``.

        Examples
        --------
        >>> pop = Population.draw(PopulationSpec(topics=2), Network.from_edges([0], [1]),
        ...                       np.random.default_rng(0))
        >>> list(pop.to_frame(labels=["a", "b"]).columns)[-3:]
        ['timezone', 'interest_0', 'interest_1']
        """
        import pandas as pd

        if labels is None:
            index = pd.RangeIndex(self.n, name="node")
        else:
            labels = np.asarray(labels)
            if labels.shape != (self.n,):
                raise ValueError(
                    f"labels must have one entry per agent ({self.n}), got shape {labels.shape}"
                )
            index = pd.Index(labels, name="node")
        data = {name: getattr(self, name) for name in NODE_ATTRIBUTES}
        if self.topics == 1:
            data["interest"] = self.interest[:, 0]
        else:
            for t in range(self.topics):
                data[f"interest_{t}"] = self.interest[:, t]
        if np.any(self.expertise != 1.0):
            for t in range(self.topics):
                data["expertise" if self.topics == 1 else f"expertise_{t}"] = self.expertise[:, t]
        return pd.DataFrame(data, index=index)
