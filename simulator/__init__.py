"""Campaign-experiment simulator.

An agent-based model spreads messages over synthetic or imported networks;
experiments compare seeding strategies, estimate viral coefficients and test
contest designs. See README.md and docs/ for a tour.
"""

# first: every compiled function defined below is cached by the source tree's digest
from simulator.numba_cache import use_source_keyed_cache

use_source_keyed_cache()

from simulator.cascade_log import CascadeLog  # noqa: E402
from simulator.engine import (  # noqa: E402
    SIR,
    Campaign,
    CascadeResult,
    ComplexContagion,
    FractionalThreshold,
    IndependentCascade,
    LinearThreshold,
    WeightedCascade,
    run_cascades,
)
from simulator.network import Network  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name):
    # Mesa and Hydra are imported only when what needs them is asked for.
    if name == "CampaignModel":
        from simulator.mesa_model import CampaignModel

        return CampaignModel
    if name == "load_config":
        from simulator.runs.compose import load_config

        return load_config
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


__all__ = [
    "Campaign",
    "CascadeLog",
    "CascadeResult",
    "CampaignModel",
    "ComplexContagion",
    "FractionalThreshold",
    "IndependentCascade",
    "LinearThreshold",
    "SIR",
    "Network",
    "WeightedCascade",
    "load_config",
    "run_cascades",
    "__version__",
]
