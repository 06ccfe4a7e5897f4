"""Engines: compiled stepping kernels that all write the same CascadeLog."""

from simulator.engine.campaign import Campaign
from simulator.engine.models import IndependentCascade, WeightedCascade
from simulator.engine.run import CascadeResult, run_cascades

__all__ = ["Campaign", "IndependentCascade", "WeightedCascade", "CascadeResult", "run_cascades"]
