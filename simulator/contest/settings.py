"""Typed, range-checked settings of a contest (a dataclass usable as a config schema).

Examples
--------
>>> ContestSettings(players=10).players
10
>>> ContestSettings(mix={"honest": 0.5, "spammer": 0.4})
Traceback (most recent call last):
...
ValueError: mix must sum to 1, got 0.9
>>> ContestSettings(mix={"honest": 0.5, "troll": 0.5})
Traceback (most recent call last):
...
ValueError: mix: unknown strategy 'troll'; choose from deceiver, enthusiast, honest, \
manipulator, ring, spammer, sybil
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from simulator import checks
from simulator.contest.strategies import STRATEGIES, make_strategy

__all__ = ["ContestSettings", "PLACEMENTS", "DEFAULT_MIX"]

#: Where players sit: uniformly among people, or with probability proportional
#: to 1 + their followers (people with an audience are the ones who enter).
PLACEMENTS = ("random", "followers")

#: 80% honest players (half of them keen reposters), 20% gamers split evenly,
#: the share of gamers part 2 evaluates at.
DEFAULT_MIX = {
    "honest": 0.5,
    "enthusiast": 0.3,
    "spammer": 0.04,
    "deceiver": 0.04,
    "sybil": 0.04,
    "ring": 0.04,
    "manipulator": 0.04,
}


@dataclass
class ContestSettings:
    """The contest: players, their strategies, the crowd's response.

    Attributes
    ----------
    players : int >= 1, default 100
        Number of players (personal links); at most the number of people.
    mix : dict strategy -> share, default :data:`DEFAULT_MIX`
        Shares of the registered strategies; they sum to 1. Counts are rounded
        by largest remainder and assigned to players in a random order.
    placement : {"random", "followers"}, default "random"
        ``"random"`` is neutral; ``"followers"`` makes the big accounts players
        (on a follower graph, nearly every celebrity).
    params : dict strategy -> dict of parameters, default {}
        Overrides of the strategies' documented defaults (part 2's attackers).
    ring_size : int >= 2, default 5
        Players of the ``ring`` strategy collude in groups of this size.
    steps, attention_window : int >= 1, default 48, 6
        Contest length (hourly steps) and how long an unopened post stays.
    fatigue_tolerance : int >= 0, default 3
        Posts from one sender a person tolerates before losing trust in it.
    appeal, share_rate, conversion_rate, weak_attention : float in [0, 1]
        As in :class:`simulator.engine.campaign.Campaign` (same defaults).
    tie_exponent, reciprocity_weight : float >= 0
    fatigue_penalty, deception_penalty, pressure_penalty : float in [0, 1]
        Trust lost per post past tolerance, per click on bait, per click under
        pressure (0.2: "some trust lost", less than bait's 0.5).
    cut_below : float in [0, 1], default 0.05
        Trust below which a follower unfollows (a stranger blocks).
    stranger_trust : float in [0, 1], default 0.3
        Trust in an account one does not follow, relative to one's trust in
        accounts one follows: unsolicited mentions start at a discount.
    stranger_delivery : float in [0, 1], default 0.5
        Share of mentions of strangers that reach them (platforms filter some
        unsolicited mentions as spam).
    report_rate : float in [0, 1], default 0.1
        P(report spam | a person cuts a sender): most people just leave.
    topic : int >= 0, default 0
        Column of ``population.interest`` used as relevance.
    """

    players: int = 100
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    placement: str = "random"
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    ring_size: int = 5
    steps: int = 48
    attention_window: int = 6
    fatigue_tolerance: int = 3
    appeal: float = 0.3
    share_rate: float = 0.5
    conversion_rate: float = 0.05
    tie_exponent: float = 2.0
    reciprocity_weight: float = 1.0
    weak_attention: float = 0.5
    fatigue_penalty: float = 0.2
    deception_penalty: float = 0.5
    pressure_penalty: float = 0.2
    cut_below: float = 0.05
    stranger_trust: float = 0.3
    stranger_delivery: float = 0.5
    report_rate: float = 0.1
    topic: int = 0

    def __post_init__(self):
        checks.integer("players", self.players)
        checks.integer("ring_size", self.ring_size, 2)
        checks.integer("steps", self.steps)
        checks.integer("attention_window", self.attention_window)
        checks.integer("fatigue_tolerance", self.fatigue_tolerance, 0)
        checks.integer("topic", self.topic, 0)
        for name in (
            "appeal",
            "share_rate",
            "conversion_rate",
            "weak_attention",
            "fatigue_penalty",
            "deception_penalty",
            "pressure_penalty",
            "cut_below",
            "stranger_trust",
            "stranger_delivery",
            "report_rate",
        ):
            checks.probability(name, getattr(self, name))
        for name in ("tie_exponent", "reciprocity_weight"):
            checks.real(name, getattr(self, name), low=0.0)
        if self.placement not in PLACEMENTS:
            raise ValueError(
                f"placement must be one of {', '.join(PLACEMENTS)}, got {self.placement!r}"
            )
        if not self.mix:
            raise ValueError("mix must give at least one strategy a share")
        for name, share in self.mix.items():
            if name not in STRATEGIES:
                raise ValueError(
                    f"mix: unknown strategy {name!r}; choose from {', '.join(sorted(STRATEGIES))}"
                )
            checks.probability(f"mix.{name}", share)
        total = sum(float(s) for s in self.mix.values())
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(f"mix must sum to 1, got {total:g}")
        for name, values in self.params.items():
            if name not in STRATEGIES:
                raise ValueError(
                    f"params: unknown strategy {name!r}; "
                    f"choose from {', '.join(sorted(STRATEGIES))}"
                )
            try:
                make_strategy(name, **dict(values))
            except ValueError as err:
                raise ValueError(f"params.{err}") from None

    def strategy(self, name: str):
        """The strategy ``name`` with this contest's parameter overrides."""
        return make_strategy(name, **dict(self.params.get(name, {})))

    def crowd_floats(self):
        """The kernel's float parameters, in its order."""
        names = (
            "appeal share_rate conversion_rate tie_exponent reciprocity_weight weak_attention "
            "fatigue_penalty deception_penalty pressure_penalty cut_below stranger_trust "
            "stranger_delivery report_rate"
        ).split()
        return [float(getattr(self, n)) for n in names]

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the settings (for schemas that embed them)."""
        return [f.name for f in fields(cls)]
