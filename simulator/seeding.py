"""Seeding strategies: pure functions ``(network, k, rng) -> node ids``.

Every strategy lives in the one registry :data:`STRATEGIES`, keyed by name,
with a flag saying whether it is stochastic (draws from ``rng``) and the
source it comes from. Experiments look strategies up by name; a config that
names an unknown strategy is rejected with the list of known ones.

Examples
--------
>>> import numpy as np
>>> from simulator import Network
>>> star = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], directed=False)
>>> select_seeds("top_degree", star, 2, np.random.default_rng(0)).tolist()
[0, 1]
>>> sorted(select_seeds("random", star, 4, np.random.default_rng(0)).tolist())
[0, 1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["SeedingStrategy", "STRATEGIES", "select_seeds", "random_seeds", "top_degree"]


@dataclass(frozen=True)
class SeedingStrategy:
    """A registered strategy: the function, whether it is random, where it comes from."""

    name: str
    select: Callable[..., np.ndarray]
    stochastic: bool
    source: str


def _check_k(network, k: int, eligible: int | None = None) -> int:
    eligible = network.n if eligible is None else eligible
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    if k > eligible:
        raise ValueError(f"k = {k} seeds asked for but only {eligible} nodes are eligible")
    return int(k)


def random_seeds(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """k distinct nodes drawn uniformly at random (the "ordinary people" arm).

    References
    ----------
    D. J. Watts, P. S. Dodds. Influentials, networks, and public opinion
    formation. Journal of Consumer Research 34(4), 2007.
    """
    k = _check_k(network, k)
    return np.sort(rng.choice(network.n, size=k, replace=False)).astype(np.int64)


def top_degree(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k nodes with the most followers (out-degree); ties broken by lower index.

    ``rng`` is unused (the strategy is deterministic) but kept for the common
    signature.

    References
    ----------
    D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
    through a social network. KDD 2003 (the "high-degree" heuristic).
    """
    k = _check_k(network, k)
    order = np.lexsort((np.arange(network.n), -network.out_degree()))
    return order[:k].astype(np.int64)


STRATEGIES: dict[str, SeedingStrategy] = {
    s.name: s
    for s in (
        SeedingStrategy("random", random_seeds, True, "uniform random users"),
        SeedingStrategy("top_degree", top_degree, False, "highest out-degree (followers)"),
    )
}


def select_seeds(name: str, network, k: int, rng: np.random.Generator) -> np.ndarray:
    """Run the registered strategy ``name``; unknown names get a clear error."""
    try:
        strategy = STRATEGIES[name]
    except KeyError:
        raise ValueError(
            f"unknown seeding strategy {name!r}; choose from {', '.join(sorted(STRATEGIES))}"
        ) from None
    return strategy.select(network, k, rng)
