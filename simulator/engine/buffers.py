"""Growable buffers shared by the compiled kernels.

The activation kernels (independent cascade, threshold, SIR) collect each
replicate's activations in per-replicate arrays and append them to one
event table with rows ``(replicate, node, parent, step, arc)``
(:data:`ACTIVATION_COLUMNS`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["ACTIVATION_COLUMNS", "grow_rows", "grow", "new_event_table", "append_activations"]

#: Columns of an activation table, in order.
ACTIVATION_COLUMNS: tuple[str, ...] = ("replicate", "node", "parent", "step", "arc")


@njit(cache=True)
def grow_rows(buf, need):
    """A copy of the 2-D ``buf`` with at least ``need`` rows (doubling)."""
    out = np.empty((max(2 * buf.shape[0], need), buf.shape[1]), dtype=buf.dtype)
    out[: buf.shape[0]] = buf[:]
    return out


@njit(cache=True)
def grow(buf, need):
    """A copy of the 1-D ``buf`` with at least ``need`` entries (doubling)."""
    out = np.empty(max(2 * buf.shape[0], need), dtype=buf.dtype)
    out[: buf.shape[0]] = buf[:]
    return out


@njit(cache=True)
def new_event_table(capacity):
    """An empty activation table of ``capacity`` rows (replicate, node, parent, step, arc)."""
    return np.empty((max(16, capacity), 5), np.int64)


@njit(cache=True)
def append_activations(table, total, rep, order, parent, step, arc, size):
    """Append the first ``size`` activations of replicate ``rep``; returns ``(table, total)``."""
    if total + size > table.shape[0]:
        table = grow_rows(table, total + size)
    for i in range(size):
        row = total + i
        table[row, 0], table[row, 1], table[row, 2] = rep, order[i], parent[i]
        table[row, 3], table[row, 4] = step[i], arc[i]
    return table, total + size
