"""Metrics: pure, vectorised functions of a :class:`~simulator.cascade_log.CascadeLog`.

Every per-replicate metric returns an array of length ``log.replicates``
(replicates with no events get 0, or NaN where the metric is undefined), so
metrics never depend on which engine wrote the log.

What counts
-----------
*Reached* nodes are those with a ``seed``, ``activate`` or ``impression``
event (:data:`REACHED`): this is the ``reach`` of
:func:`~simulator.engine.run.run_cascades` for every engine (the independent
cascade logs activations, the campaign funnel impressions). *Adopters* are
those with a ``seed``, ``activate`` or ``share`` event (:data:`ADOPTED`): the
people who passed the message on, whose tree is the diffusion tree of Goel et
al. (2016).

Cascade trees
-------------
Depth, generations and structural virality are read from the cascade trees of
the log (:class:`Forest`, built by :func:`cascade_forest`), one tree per seed,
a node hanging under the parent of its first event; the rule and its
construction live in :mod:`simulator.analysis.forest`, whose public names are
importable from here too.

Examples
--------
>>> from simulator import Network, IndependentCascade, run_cascades
>>> net = Network.from_edges([0, 0, 1, 1], [1, 2, 3, 4])  # a binary tree, arcs downwards
>>> log = run_cascades(net, [0], IndependentCascade(1.0), replicates=2, seed=1).log
>>> reach(log).tolist(), depth(log).tolist()
([5, 5], [2, 2])
>>> generation_sizes(log).tolist()
[[1, 2, 2], [1, 2, 2]]
>>> round(float(structural_virality(log)[0]), 3)  # mean distance over the 10 pairs: 18 / 10
1.8

References
----------
S. Goel, A. Anderson, J. Hofman, D. J. Watts. The structural virality of
online diffusion. Management Science 62(1), 180-196, 2016.
H. Wiener. Structural determination of paraffin boiling points. Journal of the
American Chemical Society 69(1), 17-20, 1947 (the sum of distances over edges).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator import checks
from simulator.analysis.forest import (
    ADOPTED,
    REACHED,
    Forest,
    action_codes,
    cascade_forest,
    first_reached,
    tree_structural_virality,
)
from simulator.cascade_log import ACTION_CODE, FUNNEL_TOTALS, CascadeLog

__all__ = [
    "REACHED",
    "ADOPTED",
    "TOTALS",
    "Forest",
    "cascade_forest",
    "reach",
    "count",
    "amount",
    "totals",
    "split",
    "impressions_per_conversion",
    "replicate_table",
    "generation_sizes",
    "depth",
    "reach_by_step",
    "time_to_fraction",
    "structural_virality",
    "tree_structural_virality",
    "cascade_sizes",
    "ccdf",
]

#: Per-replicate totals, and the action each counts (reach counts nodes).
TOTALS: dict[str, str | None] = {"reach": None, **FUNNEL_TOTALS}


# ------------------------------------------------------------------- totals
def reach(log: CascadeLog) -> np.ndarray:
    """Distinct nodes reached per replicate (a ``seed``, ``activate`` or ``impression`` event)."""
    sel = np.flatnonzero(np.isin(log.action, action_codes(REACHED)))
    width = int(log.node.max(initial=0)) + 1
    _, key = first_reached(log, sel, width, sort=False)
    return np.bincount(key // width, minlength=log.replicates)


def count(log: CascadeLog, action: str) -> np.ndarray:
    """Events of ``action`` per replicate, e.g. ``count(log, "impression")``."""
    action_codes([action])
    return log.counts(action).astype(np.int64)


def amount(log: CascadeLog) -> np.ndarray:
    """Amount given (donated or bought) per replicate: the sum over ``convert`` events."""
    sel = log.action == ACTION_CODE["convert"]
    return np.bincount(
        log.replicate[sel], weights=log.amount[sel].astype(np.float64), minlength=log.replicates
    )


def totals(log: CascadeLog, *, forest: Forest | None = None) -> dict[str, np.ndarray]:
    """Every metric of :data:`TOTALS` per replicate (the funnel's ``run_cascades`` totals).

    ``forest``: ``cascade_forest(log)``, when already built (it holds the reach).

    Examples
    --------
    >>> from simulator import Network, Campaign, run_cascades
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 3])
    >>> res = run_cascades(net, [0], Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0),
    ...                    replicates=2, seed=0)
    >>> t = totals(res.log)
    >>> t["reach"].tolist(), t["shares"].tolist(), (t["shares"] == res.totals["shares"]).all()
    ([4, 4], [3, 3], np.True_)
    """
    out = {}
    for name, action in TOTALS.items():
        if name == "reach":
            out[name] = (
                reach(log)
                if forest is None
                else np.bincount(forest.replicate, minlength=log.replicates)
            )
        elif name == "amount":
            out[name] = amount(log)
        else:
            out[name] = count(log, action)
    return out


def _groupaction_codes(tie, layer, by, threshold, layer_names):
    """Group code per event and the group names (the last is "none")."""
    if by == "tie":
        threshold = checks.real("threshold", threshold, 0.0, 1.0)  # a tie strength
        code = np.where(np.isnan(tie), 2, np.where(tie >= threshold, 0, 1))
        return code, ("strong", "weak", "none")
    if by == "layer":
        n_layers = max(len(layer_names), int(layer.max(initial=-1)) + 1)
        names = tuple(layer_names) + tuple(str(i) for i in range(len(layer_names), n_layers))
        code = np.where(layer < 0, n_layers, layer)
        return code, (*names, "none")
    raise ValueError(f"by must be 'tie' or 'layer', got {by!r}")


def split(
    log: CascadeLog,
    metric: str,
    by: str = "tie",
    threshold: float = 0.5,
    *,
    forest: Forest | None = None,
) -> dict[str, np.ndarray]:
    """A metric of :data:`TOTALS` per replicate, split by tie type or by layer.

    ``by="tie"``: ``"strong"`` (tie strength >= ``threshold``), ``"weak"``
    and ``"none"`` (no tie: the seeds). ``by="layer"``: one entry per layer
    name, and ``"none"`` for events without a layer (seeds, or networks
    without layers). An event belongs to the tie it travelled; a reached node
    to the tie of the event that first reached it. The parts sum to the total.
    ``forest``: ``cascade_forest(log)``, when already built (for ``reach``).

    Examples
    --------
    >>> from simulator import Network, Campaign, run_cascades
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 3], weight=[0.9, 0.1, 0.9])
    >>> res = run_cascades(net, [0], Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0),
    ...                    replicates=1, seed=0)
    >>> {k: v.tolist() for k, v in split(res.log, "reach").items()}
    {'strong': [2], 'weak': [1], 'none': [1]}
    """
    if metric not in TOTALS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(TOTALS)}")
    events = _metric_events(log, metric, forest)
    return _split_events(events, log.replicates, by, threshold, log.layer_names)


def _metric_events(log: CascadeLog, metric: str, forest: Forest | None):
    """``(replicate, tie, layer, weights)`` of what ``metric`` counts: first reaches
    for ``reach`` (from ``forest`` when given), else the metric's events."""
    if metric == "reach":
        f = cascade_forest(log, REACHED) if forest is None else forest
        return f.replicate, f.tie, f.layer, None
    sel = log.action == ACTION_CODE[TOTALS[metric]]
    weights = log.amount[sel].astype(np.float64) if metric == "amount" else None
    return log.replicate[sel].astype(np.int64), log.tie[sel], log.layer[sel], weights


def _split_events(events, replicates: int, by: str, threshold: float, layer_names):
    rep, tie, layer, weights = events
    code, names = _groupaction_codes(tie, layer, by, threshold, layer_names)
    k = len(names)
    flat = np.bincount(rep * k + code, weights=weights, minlength=replicates * k)
    table = flat.reshape(replicates, k)
    if weights is None:
        table = table.astype(np.int64)
    return {name: table[:, i] for i, name in enumerate(names)}


def impressions_per_conversion(log: CascadeLog) -> np.ndarray:
    """Impressions per conversion, per replicate (NaN where nothing converted).

    For a pooled figure across replicates divide the sums instead
    (``count(log, "impression").sum() / count(log, "convert").sum()``).
    """
    conv = count(log, "convert").astype(np.float64)
    imp = count(log, "impression").astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(conv > 0, imp / conv, np.nan)


def replicate_table(
    log: CascadeLog, tie_threshold: float | None = 0.5, layers: bool = False
) -> pd.DataFrame:
    """One row per replicate: the :data:`TOTALS`, depth and, optionally, their splits.

    Split columns are named ``METRIC_GROUP``, e.g. ``conversions_strong`` or
    ``reach_none`` (seeds); ``tie_threshold=None`` leaves out the tie split.

    Examples
    --------
    >>> from simulator import Network, IndependentCascade, run_cascades
    >>> log = run_cascades(Network.from_edges([0], [1]), [0], IndependentCascade(1.0),
    ...                    replicates=2, seed=0).log
    >>> replicate_table(log)[["replicate", "reach", "depth", "reach_weak"]].values.tolist()
    [[0, 2, 1, 0], [1, 2, 1, 0]]
    """
    forest = cascade_forest(log, REACHED)  # built once: reach, depth and the reach splits
    out = {"replicate": np.arange(log.replicates), **totals(log, forest=forest)}
    out["depth"] = _depth(forest)
    out["impressions_per_conversion"] = impressions_per_conversion(log)
    splits = []
    if tie_threshold is not None:
        splits.append(("tie", tie_threshold))
    if layers:
        splits.append(("layer", 0.5))
    parts = {}
    for metric in TOTALS:  # each metric's events selected once, then split both ways
        events = _metric_events(log, metric, forest)
        for by, threshold in splits:
            parts[by, metric] = _split_events(
                events, log.replicates, by, threshold, log.layer_names
            )
    for by, _ in splits:  # columns: every tie split, then every layer split
        for metric in TOTALS:
            for group, values in parts[by, metric].items():
                out[f"{metric}_{group}"] = values
    return pd.DataFrame(out)


# -------------------------------------------------------- trees and timing
def generation_sizes(log: CascadeLog, actions: Sequence[str] = REACHED) -> np.ndarray:
    """Nodes per generation (depth from the seeds), ``(replicates, G + 1)``; column 0: seeds."""
    return cascade_forest(log, actions).generation_sizes()


def depth(log: CascadeLog, actions: Sequence[str] = REACHED) -> np.ndarray:
    """Deepest generation per replicate (0: only the seeds, or nothing)."""
    return _depth(cascade_forest(log, actions))


def _depth(f: Forest) -> np.ndarray:
    out = np.zeros(f.replicates, np.int64)
    np.maximum.at(out, f.replicate, f.generation)
    return out


def reach_by_step(log: CascadeLog, steps: int | None = None) -> np.ndarray:
    """Cumulative distinct nodes reached by the end of each step, ``(replicates, steps + 1)``.

    ``steps`` defaults to the last step in the log; later columns repeat the
    final reach.
    """
    f = cascade_forest(log, REACHED)
    last = int(f.step.max(initial=0)) if steps is None else int(steps)
    if f.step.size and f.step.max() > last:
        raise ValueError(f"steps must be >= the last step in the log ({int(f.step.max())})")
    width = last + 1
    flat = np.bincount(f.replicate * width + f.step, minlength=log.replicates * width)
    return np.cumsum(flat.reshape(log.replicates, width), axis=1)


def time_to_fraction(log: CascadeLog, fraction: float, n: int | None = None) -> np.ndarray:
    """First step at which the cumulative reach is at least ``fraction`` of a target.

    The target is ``fraction * n`` when the network size ``n`` is given
    (NaN for replicates that never get there), else ``fraction`` of each
    replicate's own final reach (always attained: a measure of speed, not of
    size).

    Examples
    --------
    >>> from simulator import Network, IndependentCascade, run_cascades
    >>> path = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 4])
    >>> log = run_cascades(path, [0], IndependentCascade(1.0), replicates=1, seed=0).log
    >>> time_to_fraction(log, 0.5).tolist(), time_to_fraction(log, 0.5, n=100).tolist()
    ([2.0], [nan])
    """
    fraction = checks.real("fraction", fraction, 0.0, 1.0, low_open=True)
    curve = reach_by_step(log)
    target = fraction * (n if n is not None else curve[:, -1:].astype(np.float64))
    hit = curve >= target
    first = np.argmax(hit, axis=1).astype(np.float64)
    return np.where(hit.any(axis=1), first, np.nan)


def structural_virality(log: CascadeLog, actions: Sequence[str] = ADOPTED) -> np.ndarray:
    """Structural virality per replicate: the size-weighted mean over its seed trees.

    Each seed's tree (by default the diffusion tree of adopters,
    :data:`ADOPTED`) gets the mean distance between its nodes (see
    :meth:`Forest.structural_virality`); a replicate with several seeds
    reports ``sum_t N_t nu_t / sum_t N_t`` over its trees of at least two
    nodes (NaN if it has none). Each tree is scored on its own rather than
    joined under a virtual root, which would count seed-to-seed paths that no
    message travelled and make k lone seeds look like a broadcast.

    References
    ----------
    S. Goel, A. Anderson, J. Hofman, D. J. Watts. The structural virality of
    online diffusion. Management Science 62(1), 180-196, 2016.
    """
    f = cascade_forest(log, actions)
    nu = f.structural_virality()
    roots = f.roots
    ok = ~np.isnan(nu)
    weight = f.subtree[roots][ok].astype(np.float64)
    rep = f.replicate[roots][ok]
    num = np.bincount(rep, weights=weight * nu[ok], minlength=log.replicates)
    den = np.bincount(rep, weights=weight, minlength=log.replicates)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def cascade_sizes(log: CascadeLog, actions: Sequence[str] = REACHED) -> np.ndarray:
    """Size of every seed's tree, over all replicates (one entry per seed)."""
    return cascade_forest(log, actions).tree_sizes()


def ccdf(values) -> tuple[np.ndarray, np.ndarray]:
    """Complementary CDF: the distinct values ``x`` and ``P(X >= x)``.

    Examples
    --------
    >>> x, p = ccdf([1, 1, 2, 4])
    >>> x.tolist(), p.tolist()
    ([1, 2, 4], [1.0, 0.5, 0.25])
    """
    values = np.sort(np.asarray(values).ravel())
    x, first = np.unique(values, return_index=True)
    return x, 1.0 - first / max(values.size, 1)
