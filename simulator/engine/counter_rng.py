"""Counter-based uniform draws for the compiled kernels.

A kernel needs one uniform number per *decision* (arc ``a`` tried at step
``t`` in replicate ``r``), and arms of an experiment must see the same number
for the same decision (common random numbers). Drawing them from a sequential
generator would tie each number to the order of the draws, which differs
between arms. A counter-based generator makes each number a pure function
of ``(key, counter)`` instead (Salmon et al. 2011): replicate ``r``'s key
comes from the run's seed through :func:`simulator.rng.replicate_keys` (a
numpy ``SeedSequence``), and the counter names the decision. The cost is one
hash per arc examined, so a cascade still touches only the arcs it examines.

The hash is SplitMix64 (Steele, Lea & Flood 2014), the output function of
the generator that seeds xoshiro; output ``i`` of a SplitMix64 stream seeded
with ``key`` is ``mix64(key + (i + 1) * GOLDEN)``. It passes BigCrush.

Counter layout (one model runs per replicate, so only counters within a
model must be distinct):

- independent cascade, threshold and SIR arc coins: the arc index ``a``;
- linear-threshold node thresholds: ``THRESHOLD_BASE + v`` (base from the
  fractional bits of sqrt(2), :mod:`simulator.engine.threshold`);
- SIR infectious periods: ``PERIOD_BASE + v`` (sqrt(3), :mod:`simulator.engine.sir`);
- campaign funnel: ``(t_post * m + a) * 8 + decision`` for a post made at
  step ``t_post`` along arc ``a`` (:mod:`simulator.engine.funnel`).

References
----------
J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw. Parallel random numbers:
as easy as 1, 2, 3. SC '11, 2011.
G. L. Steele Jr., D. Lea, C. H. Flood. Fast splittable pseudorandom number
generators. OOPSLA 2014.

Examples
--------
>>> import numpy as np
>>> u = uniforms(np.uint64(12345), np.arange(100_000))
>>> bool(abs(u.mean() - 0.5) < 4 * (1 / 12) ** 0.5 / 100_000**0.5)
True
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE = np.uint64(1)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# A second odd constant separates the counter spaces of different decisions.
STEP_STRIDE = np.uint64(0xD1B54A32D192ED03)


@njit(inline="always", cache=True)
def mix64(z):
    """SplitMix64 finaliser (a bijection on 64-bit integers)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def uniform(key, counter):
    """Uniform number in [0, 1) for decision ``counter`` under ``key`` (both uint64)."""
    return float(mix64(key + (counter + _ONE) * GOLDEN) >> _S11) * _TO_UNIT


@njit(cache=True)
def _uniforms(key, counters):
    out = np.empty(counters.size)
    for i in range(counters.size):
        out[i] = uniform(key, np.uint64(counters[i]))
    return out


def uniforms(key, counters) -> np.ndarray:
    """Vectorised :func:`uniform` (for tests and inspection)."""
    return _uniforms(np.uint64(key), np.asarray(counters, dtype=np.uint64))
