"""The influence contest: players with personal links, strategies, true influence.

See docs/contest.md. The registry of strategies is
:data:`simulator.contest.strategies.STRATEGIES`.
"""

from simulator.contest.contest import Contest, ContestRun, attention_budget, contest_keys
from simulator.contest.settings import ContestSettings
from simulator.contest.strategies import STRATEGIES, TRAITS, Strategy, make_strategy

__all__ = [
    "STRATEGIES",
    "TRAITS",
    "Contest",
    "ContestRun",
    "ContestSettings",
    "Strategy",
    "attention_budget",
    "contest_keys",
    "make_strategy",
]
