"""Cost-aware seeding: what a seed costs, and which seeds a budget buys.

Influencers charge more ("pay per post", growing with followers). Comparing
strategies at equal *budget* rather than equal number of seeds asks which
one buys the most reach or conversions per unit cost (Bakshy et al. 2011
found ordinary influencers, not the biggest ones, the most cost-effective).

A strategy buys seeds in its own order of preference, skipping any it can
no longer afford, until nothing more fits.

References
----------
E. Bakshy, J. M. Hofman, W. A. Mason, D. J. Watts. Everyone's an influencer:
quantifying influence on Twitter. WSDM 2011.

Examples
--------
>>> import numpy as np
>>> from simulator import Network
>>> star = Network.from_edges([0, 0, 0], [1, 2, 3])
>>> cost = seed_costs(star, per_seed=1.0, per_follower=1.0)
>>> cost.tolist()
[4.0, 1.0, 1.0, 1.0]
>>> buy(np.array([0, 1, 2, 3]), cost, budget=3.0).tolist()  # the hub does not fit
[1, 2, 3]
"""

from __future__ import annotations

import numpy as np

from simulator import checks

__all__ = ["seed_costs", "buy", "max_affordable"]


def seed_costs(network, per_seed: float = 1.0, per_follower: float = 0.0) -> np.ndarray:
    """Cost of recruiting each node: ``per_seed + per_follower * followers``."""
    per_seed = checks.real("per_seed", per_seed, 0.0)
    per_follower = checks.real("per_follower", per_follower, 0.0)
    if per_seed + per_follower == 0:
        raise ValueError(
            f"costs must be >= 0 and not both 0, got per_seed={per_seed}, "
            f"per_follower={per_follower}"
        )
    return per_seed + per_follower * network.out_degree().astype(np.float64)


def buy(preference: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """The nodes of ``preference`` bought in order while the budget lasts (skipping misfits)."""
    chosen, left = [], float(budget)
    for node in preference:
        if cost[node] <= left:
            chosen.append(node)
            left -= cost[node]
    return np.asarray(chosen, dtype=np.int64)


def max_affordable(cost: np.ndarray, budget: float) -> int:
    """How many nodes the budget could buy at most (the cheapest first)."""
    return int(np.searchsorted(np.cumsum(np.sort(cost)), budget, side="right"))
