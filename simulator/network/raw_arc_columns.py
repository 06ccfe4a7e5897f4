"""Reading a raw per-arc column (counts, weights, ratings) for a tie model, checked.

The tie models of :mod:`simulator.network.tie_strength` and
:mod:`simulator.network.tie_trust` take either explicit values or the name of a
raw column in ``Network.arc_attrs``; :func:`arc_column` resolves the two and
refuses a missing column, a non-numeric one, a wrong length or a non-finite value
with a message that names the column.

>>> from simulator.network.core import Network
>>> net = Network.from_edges([0, 1], [1, 0], arc_attrs={"weight": [3, 5]})
>>> arc_column(net, None, "weight", "weights").tolist()
[3.0, 5.0]
>>> arc_column(net, None, "calls", "counts")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: network has no arc attribute 'calls' to read counts from (available: 'weight'); ...
"""

from __future__ import annotations

import numpy as np

from simulator.network.core import Network

__all__ = ["arc_column"]


def arc_column(net: Network, values, attr: str, what: str) -> np.ndarray:
    """Per-arc float64 column: ``values`` if given, else ``net.arc_attrs[attr]``."""
    if values is None:
        if attr not in net.arc_attrs:
            available = ", ".join(repr(k) for k in sorted(net.arc_attrs)) or "none"
            raise ValueError(
                f"network has no arc attribute {attr!r} to read {what} from "
                f"(available: {available}); pass {what}= explicitly"
            )
        values, name = net.arc_attrs[attr], f"arc attribute {attr!r}"
    else:
        name = what
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if arr.shape != (net.m,):
        raise ValueError(f"{name} must have one value per arc ({net.m}), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr
