"""Parameter checks shared by the generators (messages name the parameter and value)."""

from __future__ import annotations

import math

import numpy as np

#: Node indices are stored as int32 in :class:`Network`.
_MAX_NODES = int(np.iinfo(np.int32).max)


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng


def _check_int(value: object, name: str, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int in ``[low, high]`` or raise a ValueError naming it."""
    if low == 1 and high is None:
        what = "a positive integer"
    elif low == 0 and high is None:
        what = "a non-negative integer"
    elif high is None:
        what = f"an integer >= {low}"
    else:
        what = f"an integer in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {what}, got {value}")
    return value


def _check_real(
    value: object, name: str, low: float, high: float, low_open: bool = False
) -> float:
    """Return ``value`` as a float in ``[low, high]`` (``(low, high]``) or raise."""
    bracket = "(" if low_open else "["
    hi = "inf)" if math.isinf(high) else f"{high:g}]"
    what = f"{name} must be in {bracket}{low:g}, {hi}"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{what}, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
        raise ValueError(f"{what}, got {value:g}")
    return value


def _check_n(n: object, low: int = 1) -> int:
    n = _check_int(n, "n", low)
    if n > _MAX_NODES:
        raise ValueError(f"n must be at most {_MAX_NODES} (int32 node indices), got {n}")
    return n
