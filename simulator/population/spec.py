"""The agent attributes: their names, bounds and how each is distributed.

The one list of attributes (:data:`NODE_ATTRIBUTES`, :data:`TOPIC_ATTRIBUTES`,
per-arc ``favours``) and their inclusive :data:`BOUNDS`, read by
:class:`~simulator.population.core.Population` (the arrays),
:class:`~simulator.population.agent.AgentView` (one agent) and
:class:`PopulationSpec` (a Hydra structured-config schema of
:class:`~simulator.distributions.Distribution` fields). Adding an attribute
means a name here, its bound, its spec field, its array field in
``Population`` and (a scalar one) its property in ``AgentView``; the tests
check that these lists agree.

Examples
--------
>>> NODE_ATTRIBUTES[:3], BOUNDS["attention"]
(('trust', 'reciprocity', 'bandwidth'), (1.0, inf))
>>> PopulationSpec(topics=2).interest.describe()
'uniform(0, 1)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from simulator import checks
from simulator.distributions import Distribution

__all__ = [
    "BOUNDS",
    "HOURS",
    "NODE_ATTRIBUTES",
    "TOPIC_ATTRIBUTES",
    "DISTRIBUTED",
    "PopulationSpec",
    "check_curve",
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
#: Every attribute drawn from a Distribution of the spec.
DISTRIBUTED = (*NODE_ATTRIBUTES, *TOPIC_ATTRIBUTES, "favours")
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
        for name in DISTRIBUTED:
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
            check_curve(self.daily_activity, "daily_activity")

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


def check_curve(curve, name: str) -> np.ndarray:
    """A daily activity curve: 24 finite values >= 0, not all 0."""
    arr = np.asarray(curve, dtype=np.float64)
    if arr.shape != (HOURS,) or not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.sum() <= 0:
        raise ValueError(
            f"{name} must be {HOURS} finite values >= 0 (one per hour), not all 0; "
            f"got {np.asarray(curve).tolist()}"
        )
    return arr
