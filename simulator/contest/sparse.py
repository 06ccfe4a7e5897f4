"""Sparse per-pair state for the contest kernel: an open-addressing hash table.

The contest keeps state per (person, poster) pair (exposures, trust lost)
and per (person, link) pair (reached, shared, converted, tainted). A dense
people x players table does not fit at scale (10^6 people x 3 x 10^4
players), and strangers have no arc to hang state on, so the kernel keys
both by one int64 (``person * width + other``) in a hash table that maps
each key to a dense id ``0, 1, 2, ...`` in order of first use; the state
lives in arrays indexed by that id. Memory grows with the pairs the
contest touches, not with people x players.

The table is linear probing over a power-of-two array of keys (``-1`` =
empty), kept at most half full; slots are found with the SplitMix64
finaliser of :mod:`simulator.engine.counter_rng`.

Examples
--------
>>> keys, ids = new_table(4)
>>> i, keys, ids, n = get_or_add(keys, ids, 0, 12345)
>>> j, keys, ids, n = get_or_add(keys, ids, n, 777)
>>> k, keys, ids, n = get_or_add(keys, ids, n, 12345)
>>> (i, j, k, n, find(keys, ids, 777), find(keys, ids, 5))
(0, 1, 0, 2, 1, -1)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.engine.counter_rng import mix64

__all__ = ["new_table", "find", "get_or_add"]


@njit(cache=True)
def new_table(capacity):
    """Empty ``(keys, ids)`` with room for ``capacity`` keys (rounded up to a power of 2)."""
    size = 16
    while size < 2 * capacity:
        size *= 2
    return np.full(size, -1, np.int64), np.empty(size, np.int64)


@njit(cache=True)
def _slot(keys, key):
    mask = np.int64(keys.size - 1)
    h = np.int64(mix64(np.uint64(key)) >> np.uint64(1)) & mask
    while keys[h] != -1 and keys[h] != key:
        h = (h + 1) & mask
    return h


@njit(cache=True)
def find(keys, ids, key):
    """The id of ``key``, or -1 when absent."""
    h = _slot(keys, key)
    return ids[h] if keys[h] == key else -1


@njit(cache=True)
def get_or_add(keys, ids, count, key):
    """``(id, keys, ids, count)``: the id of ``key``, added as ``count`` when new.

    The table doubles (and is rehashed) when it would pass half full, so the
    returned arrays may be new ones.
    """
    h = _slot(keys, key)
    if keys[h] == key:
        return ids[h], keys, ids, count
    if 2 * (count + 1) > keys.size:
        old_keys, old_ids = keys, ids
        keys = np.full(2 * old_keys.size, -1, np.int64)
        ids = np.empty(2 * old_keys.size, np.int64)
        for s in range(old_keys.size):
            if old_keys[s] != -1:
                t = _slot(keys, old_keys[s])
                keys[t], ids[t] = old_keys[s], old_ids[s]
        h = _slot(keys, key)
    keys[h], ids[h] = key, count
    return count, keys, ids, count + 1
