"""Calibration of the model to field data: likelihood-free posteriors (ABC-SMC) and scenes.

Layer: with analysis (imports base, engine and analysis only).
:mod:`simulator.calibration.smc` is the generic ABC-SMC sampler and
:mod:`simulator.calibration.parallel` its worker processes (the fit is the
same for any number); :mod:`simulator.calibration.replay` runs the funnel on
a state kept between simulations; :mod:`simulator.calibration.charity` is
the charity-appeal scene.
"""

from simulator.calibration.smc import Prior, SMCResult, abc_smc, weighted_quantile

__all__ = ["Prior", "SMCResult", "abc_smc", "weighted_quantile"]
