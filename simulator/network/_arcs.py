"""Compiled helpers over CSR arcs (rows sorted by target, as :class:`Network` keeps them).

>>> import numpy as np
>>> indptr = np.array([0, 2, 3, 4])  # 0 -> 1, 0 -> 2, 1 -> 0, 2 -> 1
>>> indices = np.array([1, 2, 0, 1])
>>> reverse_arcs(indptr, indices).tolist()
[2, -1, 0, -1]
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["reverse_arcs"]


@numba.njit(parallel=True, cache=True)
def reverse_arcs(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """For each arc ``u -> v`` the index of ``v -> u``, or -1 if absent.

    A binary search of ``u`` in ``v``'s own (sorted) row: O(m log d) and each
    search stays inside one short row, unlike a search over all m arcs.
    """
    out = np.full(indices.size, -1, np.int64)
    for u in numba.prange(indptr.size - 1):
        for arc in range(indptr[u], indptr[u + 1]):
            v = indices[arc]
            lo, end = indptr[v], indptr[v + 1]
            hi = end
            while lo < hi:
                mid = (lo + hi) >> 1
                if indices[mid] < u:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < end and indices[lo] == u:
                out[arc] = lo
    return out
