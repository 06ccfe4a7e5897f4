"""Growable buffers and replicate blocks shared by the compiled kernels.

The activation kernels (independent cascade, threshold, SIR) run the
replicates in contiguous *blocks*, dealt round-robin to the worker threads
(:func:`replicate_blocks`); with the event log each block writes its own
activation columns (:data:`ACTIVATION_COLUMNS`: replicate, node, parent,
step, arc), and :func:`concat_blocks` joins them in block order, which is
replicate order. Replicate ``r`` reads only its own key and seeds, so
neither the blocks nor the number of threads change any result.

The memory guard (issue 14): with the event log, a thread may keep at most
``row_cap`` activation rows over its blocks (the cap of
:func:`simulator.errors.event_row_cap`, computed by the caller); a thread
whose next replicate would pass it stops, its block's size records the rows
it wanted (negative), and :func:`join_blocks` reports them instead of
joining, for the caller to raise :class:`~simulator.errors.MemoryLimitError`.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.typed import List

__all__ = [
    "ACTIVATION_COLUMNS",
    "BLOCKS_PER_WORKER",
    "append_activations",
    "block_tables",
    "concat_blocks",
    "empty_columns",
    "grow",
    "grow_rows",
    "join_blocks",
    "max_out_degree",
    "overflow",
    "prefetch",
    "replicate_blocks",
    "reserve_columns",
]

#: Columns of an activation table, in order (int32, int32, int32, int32, int64).
ACTIVATION_COLUMNS: tuple[str, ...] = ("replicate", "node", "parent", "step", "arc")
#: Blocks of replicates per worker thread: small enough to balance heavy-tailed
#: cascade sizes across threads, large enough that a block's O(n) buffers are cheap.
BLOCKS_PER_WORKER = 8


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
def max_out_degree(indptr):
    """Largest out-degree of the CSR ``indptr`` (0 without nodes)."""
    best = 0
    for u in range(indptr.size - 1):
        best = max(best, indptr[u + 1] - indptr[u])
    return best


@njit(cache=True)
def replicate_blocks(reps, workers):
    """Boundaries of the blocks: block ``b`` is replicates ``[out[b], out[b + 1])``."""
    n_blocks = max(1, min(reps, BLOCKS_PER_WORKER * max(1, workers)))
    out = np.empty(n_blocks + 1, np.int64)
    for b in range(n_blocks + 1):
        out[b] = b * reps // n_blocks
    return out


@njit(cache=True)
def empty_columns(capacity):
    """Activation columns (replicate, node, parent, step, arc) with room for ``capacity`` rows."""
    capacity = max(16, capacity)
    return (
        np.empty(capacity, np.int32),
        np.empty(capacity, np.int32),
        np.empty(capacity, np.int32),
        np.empty(capacity, np.int32),
        np.empty(capacity, np.int64),
    )


@njit(cache=True)
def reserve_columns(cols, need):
    """``cols`` with room for ``need`` rows (each column grown by doubling if short)."""
    if cols[0].size >= need:
        return cols
    return (
        grow(cols[0], need),
        grow(cols[1], need),
        grow(cols[2], need),
        grow(cols[3], need),
        grow(cols[4], need),
    )


@njit(cache=True)
def append_activations(cols, total, rep, order, parent, step, arc, size, room):
    """Append the first ``size`` activations of replicate ``rep``; returns ``(cols, total)``.

    ``room`` is how many rows ``cols`` may hold (the memory guard's
    :func:`~simulator.errors.event_row_cap`, less what the thread keeps in
    other blocks): when ``total + size`` would pass it nothing is appended
    and ``total`` comes back as ``-(total + size)``, the rows wanted.
    """
    if total + size > room:
        return cols, -(total + size)
    cols = reserve_columns(cols, total + size)
    cols[0][total : total + size] = rep
    cols[1][total : total + size] = order[:size]
    cols[2][total : total + size] = parent[:size]
    cols[3][total : total + size] = step[:size]
    cols[4][total : total + size] = arc[:size]
    return cols, total + size


@njit(cache=True)
def block_tables(n_blocks):
    """One (empty) set of activation columns per block, and their row counts (all 0)."""
    tables = List()
    for _ in range(n_blocks):
        tables.append(empty_columns(0))
    return tables, np.zeros(n_blocks, np.int64)


@njit(cache=True)
def overflow(sizes):
    """Rows wanted by the first block that stopped at its row cap (0 if none did).

    A block that stopped holds ``-rows wanted`` in ``sizes`` (see
    :func:`append_activations`).
    """
    for b in range(sizes.size):
        if sizes[b] < 0:
            return -sizes[b]
    return 0


@njit(cache=True)
def join_blocks(tables, sizes):
    """``(columns, wanted)``: the blocks joined in order (:func:`concat_blocks`), or, when a
    block stopped at its row cap, empty columns and the rows it wanted."""
    wanted = overflow(sizes)
    if wanted:
        return concat_blocks(tables, np.zeros(0, np.int64)), wanted
    return concat_blocks(tables, sizes), 0


@njit(cache=True)
def run_outputs(reps, workers, record):
    """What every parallel driver sets up: the replicate blocks, the outputs, the stride.

    Returns ``(bounds, out, stride)``: ``bounds`` from :func:`replicate_blocks`;
    ``out = (reach, depth, tables, sizes)`` with one set of activation columns
    per block when ``record`` (else none); worker ``w`` of ``stride`` runs
    blocks ``w, w + stride, ...``.
    """
    bounds = replicate_blocks(reps, workers)
    n_blocks = bounds.size - 1
    tables, sizes = block_tables(n_blocks if record else 0)
    out = (np.zeros(reps, np.int64), np.zeros(reps, np.int64), tables, sizes)
    return bounds, out, max(1, min(workers, n_blocks))


@njit(cache=True, parallel=True)
def concat_blocks(tables, sizes):
    """Join the first ``sizes[b]`` rows of each block's columns, in block order (in parallel)."""
    offsets = np.zeros(sizes.size + 1, np.int64)
    for b in range(sizes.size):
        offsets[b + 1] = offsets[b] + sizes[b]
    total = offsets[-1]
    out = (
        np.empty(total, np.int32),
        np.empty(total, np.int32),
        np.empty(total, np.int32),
        np.empty(total, np.int32),
        np.empty(total, np.int64),
    )
    for b in prange(sizes.size):
        lo, hi = offsets[b], offsets[b + 1]
        cols = tables[np.int64(b)]  # typed-list index: the prange variable is unsigned
        out[0][lo:hi] = cols[0][: hi - lo]
        out[1][lo:hi] = cols[1][: hi - lo]
        out[2][lo:hi] = cols[2][: hi - lo]
        out[3][lo:hi] = cols[3][: hi - lo]
        out[4][lo:hi] = cols[4][: hi - lo]
    return out


@intrinsic
def prefetch(typingctx, arr, i):
    """Ask the CPU to start loading row ``i`` of ``arr`` (element ``i`` of a 1-D array).

    A hint (LLVM's ``llvm.prefetch``: a read, kept in every cache level): no
    result, no effect on any value, no fault at any address. A kernel that
    will read rows at random addresses issues these some work ahead, so the
    reads overlap instead of waiting for memory one after the other (a
    loop's own reads overlap only as far as the CPU looks ahead, a few
    iterations of a long loop body). Compiled code only; ``i`` is not
    checked (the address is only a hint).

    Examples
    --------
    >>> @njit
    ... def second(a):
    ...     prefetch(a, 1)
    ...     return a[1, 0]
    >>> float(second(np.ones((2, 2))))
    1.0
    """
    if not (isinstance(arr, types.Array) and arr.ndim in (1, 2)):
        return None
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        aryty, ity = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = [context.cast(builder, args[1], ity, types.intp)]
        idx += [context.get_constant(types.intp, 0)] * (aryty.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx, wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.none(arr, i), codegen
