"""Calibration of the model to field data: likelihood-free posteriors (ABC-SMC) and scenes.

Layer: with analysis (imports base, engine and analysis only).
:mod:`simulator.calibration.smc` is the generic ABC-SMC sampler;
:mod:`simulator.calibration.charity` the charity-appeal scene, its targets
and error model.
"""

from simulator.calibration.smc import Prior, SMCResult, abc_smc, weighted_quantile

__all__ = ["Prior", "SMCResult", "abc_smc", "weighted_quantile"]
