"""Engines: compiled stepping kernels that all write the same CascadeLog."""

from simulator.engine.campaign import Campaign
from simulator.engine.models import IndependentCascade, WeightedCascade
from simulator.engine.result import Events, ModelResult
from simulator.engine.run import CascadeResult, run_cascades
from simulator.engine.textbook import SIR, ComplexContagion, FractionalThreshold, LinearThreshold

__all__ = [
    "Campaign",
    "CascadeResult",
    "ComplexContagion",
    "Events",
    "FractionalThreshold",
    "IndependentCascade",
    "LinearThreshold",
    "ModelResult",
    "SIR",
    "WeightedCascade",
    "run_cascades",
]
