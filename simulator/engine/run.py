"""`run_cascades`: many replicates of a spread model from given seeds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator import checks
from simulator.cascade_log import CascadeLog
from simulator.engine.result import REPLICATES_KEY, ModelResult
from simulator.errors import check_memory
from simulator.rng import replicate_keys

__all__ = ["CascadeResult", "run_cascades", "seed_matrix"]


@dataclass(eq=False)
class CascadeResult:
    """Outcome of :func:`run_cascades`.

    Attributes
    ----------
    reach : int64 array (replicates,)
        Agents reached (activated), seeds included.
    depth : int64 array (replicates,)
        Last step at which someone was reached (0 if only the seeds).
    log : CascadeLog or None
        The events, unless ``log=False`` was asked for (summary-only mode).
    totals : dict of str -> array (replicates,)
        Further per-replicate totals a model reports (the campaign funnel:
        impressions, clicks, shares, conversions, amount).
    """

    reach: np.ndarray
    depth: np.ndarray
    log: CascadeLog | None
    totals: dict = field(default_factory=dict)


def seed_matrix(network, seeds, replicates: int) -> np.ndarray:
    """Validate seeds and return them as an int64 (replicates, k) matrix.

    ``seeds`` is one list of node indices used in every replicate, or one
    row per replicate.

    Examples
    --------
    >>> from simulator import Network
    >>> seed_matrix(Network.from_edges([0], [1]), [1], 2).tolist()
    [[1], [1]]
    """
    arr = np.asarray(seeds)
    if arr.dtype.kind not in "iu":
        if arr.size == 0:
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"seeds must be node indices (integers), got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.ndim == 1:
        arr = np.broadcast_to(arr, (replicates, arr.size))
    if arr.ndim != 2 or arr.shape[0] != replicates:
        raise ValueError(
            f"seeds must be 1-D or have one row per replicate ({replicates}), got {arr.shape}"
        )
    bad = (arr < 0) | (arr >= network.n)
    if bad.any():
        raise ValueError(
            f"seed node {int(arr[bad][0])} does not exist (network has {network.n} nodes)"
        )
    return np.require(arr, np.int64, ["C", "W"])  # writable: one compiled kernel variant


def run_cascades(
    network,
    seeds,
    model,
    replicates: int,
    seed: int,
    *,
    log: bool = True,
    keys: np.ndarray | None = None,
) -> CascadeResult:
    """Run ``replicates`` independent cascades of ``model`` from ``seeds``.

    Parameters
    ----------
    network : Network
    seeds : array-like of int
        Seed node indices (1-D, the same every replicate) or (replicates, k).
    model : spread model
        Any object with ``simulate(network, seed_rows, keys, log)`` returning
        a :class:`~simulator.engine.result.ModelResult`, e.g.
        :class:`~simulator.engine.models.IndependentCascade` or any model of
        :data:`simulator.engine.registry.SPREAD_MODELS`. ``seed_rows`` is the
        (replicates, k) matrix of :func:`seed_matrix`, ``keys`` the uint64
        replicate keys and ``log`` as below.
    replicates : int
    seed : int
        Root seed; replicate ``r`` uses key ``replicate_keys(seed, ...)[r]``, so
        two arms run with the same seed share their random numbers.
    log : bool
        Keep the event log (False: summary-only mode, bounded memory, parallel).
    keys : uint64 array, optional
        Explicit replicate keys (overrides ``seed``), e.g. to run a slice.

    Examples
    --------
    >>> from simulator import Network, IndependentCascade, run_cascades
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 3])
    >>> run_cascades(net, [0], IndependentCascade(1.0), replicates=3, seed=0).reach.tolist()
    [4, 4, 4]
    >>> run_cascades(net, [0], IndependentCascade(0.0), replicates=2, seed=0).reach.tolist()
    [1, 1]
    """
    replicates = checks.integer("replicates", replicates)
    k = int(np.size(seeds)) if np.ndim(seeds) <= 1 else int(np.shape(seeds)[1])
    # keys, the seed matrix, reach, depth and a few totals per replicate; with the log,
    # at least one event (about 40 bytes) per seed per replicate
    per_replicate = 8 * (k + 10) + (40 * max(k, 1) if log else 0)
    check_memory("the replicates' results", replicates * per_replicate, REPLICATES_KEY)
    keys = replicate_keys(seed, replicates) if keys is None else np.asarray(keys, np.uint64)
    if keys.shape != (replicates,):
        raise ValueError(f"keys must have one entry per replicate ({replicates})")
    seed_rows = seed_matrix(network, seeds, replicates)
    out = model.simulate(network, seed_rows, keys, log)
    if not isinstance(out, ModelResult):
        raise TypeError(
            f"{type(model).__name__}.simulate must return a ModelResult, got {type(out).__name__}"
        )
    cascade_log = None
    if out.events is not None:
        ev = out.events
        cascade_log = CascadeLog.from_arcs(
            network,
            replicate=ev.replicate,
            node=ev.node,
            parent=ev.parent,
            step=ev.step,
            action=ev.action,
            arc=ev.arc,
            replicates=replicates,
            amount=ev.amount,
        )
    return CascadeResult(out.reach, out.depth, cascade_log, out.totals)
