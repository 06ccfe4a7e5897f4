"""Checks of user-given values: one function per kind, one argument order.

Every check takes ``(name, value, ...)``, returns the value converted to the
plain Python type it checked (so callers store what was checked) and raises
:class:`ValueError` (:class:`TypeError` for a wrong kind of object where a
number would make no sense, such as the random generator) with one line
naming the parameter and the bad value. Config schemas, spread models,
generators, tie models and estimators all call these, so the same mistake
reads the same wherever it is made.

Examples
--------
>>> probability("campaign.p", 0.25)
0.25
>>> probability("p", 1.5)
Traceback (most recent call last):
...
ValueError: p must be a probability in [0, 1], got 1.5
>>> integer("k", 3), integer("n", 10, low=2)
(3, 10)
>>> integer("k", 0)
Traceback (most recent call last):
...
ValueError: k must be a positive integer, got 0
>>> real("phi", 0.0, 0.0, 1.0, low_open=True)
Traceback (most recent call last):
...
ValueError: phi must be in (0, 1], got 0
>>> real("amount", -1.0, low=0.0)
Traceback (most recent call last):
...
ValueError: amount must be >= 0, got -1
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MAX_NODES", "probability", "integer", "real", "generator", "node_count"]

#: Node indices are stored as int32 in :class:`simulator.network.Network`.
MAX_NODES = int(np.iinfo(np.int32).max)


def integer(name: str, value: object, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]`` (``high=None``: no upper bound)."""
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


def real(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
) -> float:
    """``value`` as a finite float in ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if math.isinf(high):
        what = f"{'>' if low_open else '>='} {low:g}"
    else:
        what = f"in {'(' if low_open else '['}{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
        raise ValueError(f"{name} must be {what}, got {value:g}")
    return value


def probability(name: str, value: object) -> float:
    """``value`` as a float in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be a probability in [0, 1], got {value:g}")
    return value


def node_count(name: str, value: object, low: int = 1) -> int:
    """A number of nodes: an integer in ``[low, MAX_NODES]`` (int32 node indices)."""
    value = integer(name, value, low)
    if value > MAX_NODES:
        raise ValueError(f"{name} must be at most {MAX_NODES} (int32 node indices), got {value}")
    return value


def generator(name: str, value: object) -> np.random.Generator:
    """``value`` itself if it is a :class:`numpy.random.Generator`, else TypeError."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(seed)), "
            f"got {type(value).__name__}"
        )
    return value
