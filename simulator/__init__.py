"""Campaign-experiment simulator.

An agent-based model spreads messages over synthetic or imported networks;
experiments compare seeding strategies, estimate viral coefficients and test
contest designs. See README.md and docs/ for a tour.
"""

from simulator.cascade import CascadeLog
from simulator.engine import (
    Campaign,
    CascadeResult,
    IndependentCascade,
    WeightedCascade,
    run_cascades,
)
from simulator.network import Network

__version__ = "0.1.0"
__all__ = [
    "Campaign",
    "CascadeLog",
    "CascadeResult",
    "IndependentCascade",
    "Network",
    "WeightedCascade",
    "run_cascades",
    "__version__",
]
