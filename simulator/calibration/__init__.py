"""Calibration of the model to field data: likelihood-free posteriors (ABC-SMC) and scenes.

Layer: with analysis (imports base, engine and analysis only).
:mod:`simulator.calibration.smc` is the generic ABC-SMC sampler and
:mod:`simulator.calibration.parallel` its worker processes (the fit is the
same for any number); :mod:`simulator.calibration.replay` runs the funnel on
a state kept between simulations. The charity-appeal scene:
:mod:`simulator.calibration.charity` (the model, simulated at any
parameters and scenario), :mod:`~simulator.calibration.charity_scene` (its
settings and builders), :mod:`~simulator.calibration.charity_branch` (a
branch replayed at new parameters) and
:mod:`~simulator.calibration.charity_summaries` (the published figures it
is fitted to, their scale and error model).
"""

from simulator.calibration.smc import Prior, SMCResult, abc_smc, weighted_quantile

__all__ = ["Prior", "SMCResult", "abc_smc", "weighted_quantile"]
