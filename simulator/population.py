"""Agent attributes as arrays: the population that a campaign spreads through.

This module is long because the spec, the arrays and the read-only agent
view are one contract (the list of attributes, their bounds, how each is
drawn and read); split, they would have to change in step.

The population is a structure of arrays, one float64 array per attribute and
one entry per node of the :class:`~simulator.network.core.Network` (the state
is arrays; agents are views). :class:`PopulationSpec` says how each attribute
is distributed (a Hydra structured-config schema made of
:class:`~simulator.distributions.Distribution` fields);
:meth:`Population.draw` draws a population for a network.

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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from simulator import checks
from simulator.distributions import Distribution
from simulator.network.core import Network
from simulator.rng import stream

__all__ = [
    "BOUNDS",
    "HOURS",
    "NODE_ATTRIBUTES",
    "TOPIC_ATTRIBUTES",
    "AgentView",
    "Population",
    "PopulationSpec",
]

#: Scalar per-node attributes, in column order.
NODE_ATTRIBUTES = (
    "trust",
    "reciprocity",
    "bandwidth",
    "activity",
    "credibility",
    "owed_to_originator",
    "attention",
    "timezone",
)
#: Per-topic attributes, shape ``(n, topics)``.
TOPIC_ATTRIBUTES = ("interest", "expertise")
_DISTRIBUTED = (*NODE_ATTRIBUTES, *TOPIC_ATTRIBUTES, "favours")
#: Hours in the daily activity curve.
HOURS = 24

#: Inclusive bounds of every attribute.
BOUNDS: dict[str, tuple[float, float]] = {
    "trust": (0.0, 1.0),
    "reciprocity": (0.0, 1.0),
    "bandwidth": (0.0, 1.0),
    "activity": (0.0, 1.0),
    "credibility": (0.0, 1.0),
    "interest": (0.0, 1.0),
    "owed_to_originator": (0.0, math.inf),
    "favours": (0.0, math.inf),
    "attention": (1.0, math.inf),
    "timezone": (0.0, 24.0),
    "expertise": (0.0, 1.0),
}


def _beta(a: float, b: float):
    return lambda: Distribution(kind="beta", a=a, b=b)


def _constant(value: float):
    return lambda: Distribution(kind="constant", value=value)


@dataclass
class PopulationSpec:
    """How each agent attribute is distributed (a Hydra structured-config schema).

    The defaults are neutral starting points, not estimates; experiments set
    their own. Probabilities and shares lie in [0, 1]; favours are counts >= 0.

    Attributes
    ----------
    trust : Distribution, default beta(5, 2) (mean 0.71)
        The target's confidence in what it sees from the accounts it follows.
        People mostly trust the accounts they chose to follow, some less so.
    reciprocity : Distribution, default beta(2, 2) (mean 0.5)
        Propensity to return a favour (act for someone who did something for
        them before). Varies widely between people, hence a broad default.
    bandwidth : Distribution, default beta(2, 8) (mean 0.2)
        Share of an agent's followers who see one of its posts. Ranked,
        crowded feeds show a post to a minority of the audience, so the
        default is low and right-skewed: most posts reach a small share,
        a few reach many.
    activity : Distribution, default beta(2, 5) (mean 0.29)
        Chance of being online (able to see and act) in a step.
    credibility : Distribution, default beta(2, 5) (mean 0.29)
        Domain credibility as a sender: how much the agent's word counts on
        the campaign's topic. Most people have little, a few have much.
    interest : Distribution, default uniform(0, 1)
        Interest in each topic (content relevance); an ``(n, topics)`` array.
    owed_to_originator : Distribution, default constant 0
        Favours each agent owes the campaign's originator (>= 0); drives
        reciprocity-based giving.
    favours : Distribution, default constant 0
        Per arc ``u -> v``: favours the arc's target ``v`` owes its source
        ``u`` (>= 0). With ``kind="attribute"`` it reads a raw arc column
        (``Network.arc_attrs``).
    attention : Distribution, default lognormal(log 10, 0.75), at least 1
        Posts an agent reads per step (its attention budget; engines round
        it down): when more arrive, the rest are crowded out, so spam
        crowds out other messages. Skewed: a median reader opens about 10
        posts an hour, a few read many more (Weng et al. 2012 model limited
        attention the same way).
    timezone : Distribution, default constant 0
        Offset of the agent's local clock from the campaign's clock, in hours
        in [0, 24] (rounded down, modulo 24): with ``daily_activity`` it
        places the agent's online hours in the day.
    expertise : Distribution, default constant 1
        Per topic, shape ``(n, topics)``: how much of the agent's
        credibility carries over to the topic. The sender's domain
        credibility on topic ``t`` is ``credibility * expertise[:, t]``;
        the default 1 gives every topic the agent's whole credibility.
    daily_activity : list of 24 floats >= 0, or None (default)
        Relative chance of being online at each local hour 0..23 (a daily
        activity curve). The chance of being online in a step at local
        hour ``h`` is ``activity * daily_activity[h] / mean(daily_activity)``
        (capped at 1), so ``activity`` stays the daily mean. None (or any
        constant curve): the same chance at every hour.
    topics : int >= 1, default 1
        Number of topics.

    References
    ----------
    M. Wu. The six factors of online social influence, 2010 (timing and
    domain credibility). S. A. Golder, M. W. Macy. Diurnal and seasonal mood
    vary with work, sleep, and daylength across diverse cultures. Science
    333(6051), 2011 (daily activity curves of Twitter users).

    Examples
    --------
    >>> PopulationSpec().bandwidth.describe()
    'beta(2, 8)'
    >>> PopulationSpec(trust=Distribution(kind="constant", value=1.5))
    Traceback (most recent call last):
    ...
    ValueError: trust.value = 1.5 lies outside the bounds [0, 1] of trust
    """

    trust: Distribution = field(default_factory=_beta(5.0, 2.0))
    reciprocity: Distribution = field(default_factory=_beta(2.0, 2.0))
    bandwidth: Distribution = field(default_factory=_beta(2.0, 8.0))
    activity: Distribution = field(default_factory=_beta(2.0, 5.0))
    credibility: Distribution = field(default_factory=_beta(2.0, 5.0))
    interest: Distribution = field(
        default_factory=lambda: Distribution(kind="uniform", low=0.0, high=1.0)
    )
    owed_to_originator: Distribution = field(default_factory=_constant(0.0))
    favours: Distribution = field(default_factory=_constant(0.0))
    attention: Distribution = field(
        default_factory=lambda: Distribution(kind="lognormal", mean=math.log(10.0), sigma=0.75)
    )
    timezone: Distribution = field(default_factory=_constant(0.0))
    expertise: Distribution = field(default_factory=_constant(1.0))
    daily_activity: list[float] | None = None
    topics: int = 1

    def __post_init__(self) -> None:
        for name in _DISTRIBUTED:
            value = getattr(self, name)
            if not isinstance(value, Distribution):
                try:
                    value = Distribution.from_dict(value)
                except ValueError as exc:
                    raise ValueError(f"PopulationSpec.{name}: {exc}") from None
                setattr(self, name, value)
            value.check_bounds(BOUNDS[name], name)
        self.topics = checks.integer("PopulationSpec.topics", self.topics)
        if self.daily_activity is not None:
            _check_curve(self.daily_activity, "daily_activity")

    @classmethod
    def from_dict(cls, values: Mapping) -> PopulationSpec:
        """Build from nested mappings; unknown keys raise naming the key.

        Examples
        --------
        >>> spec = PopulationSpec.from_dict({"trust": {"kind": "beta", "a": 9, "b": 1}})
        >>> spec.trust.describe(), spec.bandwidth.describe()
        ('beta(9, 1)', 'beta(2, 8)')
        """
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"unknown PopulationSpec key(s) {unknown}; allowed: {names}")
        return cls(**dict(values))


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
            self.daily_activity = _check_curve(self.daily_activity, "Population.daily_activity")
        for name in _DISTRIBUTED:
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


def _check_curve(curve, name: str) -> np.ndarray:
    """A daily activity curve: 24 finite values >= 0, not all 0."""
    arr = np.asarray(curve, dtype=np.float64)
    if arr.shape != (HOURS,) or not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.sum() <= 0:
        raise ValueError(
            f"{name} must be {HOURS} finite values >= 0 (one per hour), not all 0; "
            f"got {np.asarray(curve).tolist()}"
        )
    return arr


def _scalar_property(name: str) -> property:
    def getter(self: AgentView) -> float:
        return float(getattr(self._population, name)[self.index])

    getter.__doc__ = f"The agent's {name.replace('_', ' ')} (a float)."
    return property(getter)


class AgentView:
    """Read-only view of one agent: its index and live reads of the arrays.

    Scalar attributes are returned as floats; ``interest`` as a read-only
    array row. Used by agent-based front ends (e.g. Mesa agents) that need
    one object per agent; the state stays in the :class:`Population` arrays.
    """

    __slots__ = ("_population", "index")

    trust = _scalar_property("trust")
    reciprocity = _scalar_property("reciprocity")
    bandwidth = _scalar_property("bandwidth")
    activity = _scalar_property("activity")
    credibility = _scalar_property("credibility")
    owed_to_originator = _scalar_property("owed_to_originator")
    attention = _scalar_property("attention")
    timezone = _scalar_property("timezone")

    def __init__(self, population: Population, index: int) -> None:
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
