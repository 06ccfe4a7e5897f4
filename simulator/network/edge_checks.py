"""Checks on the edge input of the `Network` constructor: node ids, [0, 1] columns, layers.

Each check takes one raw input column, refuses it with a message that names
the column and what is wrong, and otherwise returns it in the dtype the CSR
arrays store. :meth:`Network.from_edges <simulator.network.core.Network.from_edges>`
and :meth:`Network.with_arc_attrs <simulator.network.core.Network.with_arc_attrs>`
run every column through here, so every reader and generator gets the same checks.
:func:`py_scalar` (a numpy scalar as a Python one) serves the label lookup and the
networkx round trip.

>>> node_ids("src", [0.0, 2.0]).tolist()
[0, 2]
>>> unit_interval([0.25, 1.0], "trust", 2).tolist()
[0.25, 1.0]
>>> codes, names = layer_codes(["b", "a", "b"], 3)
>>> codes.tolist(), names
([1, 0, 1], ('a', 'b'))
"""

from __future__ import annotations

import numpy as np

__all__ = ["layer_codes", "node_ids", "py_scalar", "unit_interval"]


def layer_codes(layer, m: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Layer names per edge, or ``(int codes, names)``, as int8 codes and a names tuple.

    >>> codes, names = layer_codes((np.array([0, 1]), ["x", "y"]), 2)
    >>> codes.dtype.name, names
    ('int8', ('x', 'y'))
    """
    if isinstance(layer, tuple) and len(layer) == 2:
        codes, names = np.asarray(layer[0]), tuple(str(x) for x in layer[1])
        if codes.shape != (m,) or codes.dtype.kind not in "iu":
            raise ValueError(f"layer codes must be {m} integers")
        if codes.size and (codes.min() < 0 or codes.max() >= len(names)):
            raise ValueError(f"layer codes must index the {len(names)} layer names")
    else:
        layer_arr = np.asarray(layer).astype(str)
        if layer_arr.shape != (m,):
            raise ValueError(f"layer must have one value per edge ({m})")
        names, codes = np.unique(layer_arr, return_inverse=True)
        names = tuple(str(x) for x in names)
    if len(names) > 127:
        raise ValueError(f"at most 127 layers are supported, got {len(names)}")
    return codes.astype(np.int8), names


def unit_interval(values, name: str, m: int) -> np.ndarray:
    """``values`` as ``m`` finite float64 values in [0, 1]; raises naming ``name``.

    >>> unit_interval([2.0], "weight", 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: weight must lie in [0, 1], got range [2, 2]; normalise raw weights ...
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (m,):
        raise ValueError(f"{name} must have one value per edge ({m}), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
        raise ValueError(
            f"{name} must lie in [0, 1], got range [{arr.min():g}, {arr.max():g}]; "
            "normalise raw weights with simulator.network.ties first"
        )
    return arr


def node_ids(name: str, values) -> np.ndarray:
    """``values`` as int64 node indices; whole floats are accepted, others refused.

    Truncating ``0.5`` to ``0`` would silently merge nodes (``run_cascades``
    likewise refuses float seeds).

    >>> node_ids("src", [0.0, 2.0]).tolist()
    [0, 2]
    >>> node_ids("src", [0.5])
    Traceback (most recent call last):
    ...
    ValueError: src must hold integer node indices, got 0.5
    """
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        bad = arr[~np.isfinite(arr) | (arr != np.round(arr))]
        if bad.size:
            raise ValueError(f"{name} must hold integer node indices, got {float(bad.flat[0]):g}")
    elif arr.size and arr.dtype.kind not in "iub":
        raise ValueError(f"{name} must hold integer node indices, got dtype {arr.dtype}")
    return arr.astype(np.int64).ravel()


def py_scalar(value):
    """A numpy scalar as the Python scalar it holds; anything else unchanged.

    >>> type(py_scalar(np.int64(3))).__name__, py_scalar("a")
    ('int', 'a')
    """
    return value.item() if hasattr(value, "item") else value
