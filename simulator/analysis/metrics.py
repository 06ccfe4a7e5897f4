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
A node's place in a cascade is given by its **first** event among the chosen
actions (smallest ``step``, then first in the log): its ``parent`` there is its
parent in the tree, and the tie and layer of that event are the tie and layer
it was reached through. Following parents from any node ends at a seed (a
root, ``parent == -1``), so the log is a forest with one tree per seed
(:class:`Forest`). The **generation** of a node is its depth in that tree,
computed from the parent links, not from ``step``: in the independent cascade
both agree, but in the funnel a post waits for its reader (attention delays),
so a generation can span several steps and a step hold several generations.
A parent with no event among the chosen actions (possible only in hand-built
logs) makes its child a root.

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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from simulator import checks
from simulator.cascade_log import ACTION_CODE, CascadeLog

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

#: Actions that mean a node was reached (saw the message).
REACHED: tuple[str, ...] = ("seed", "activate", "impression")
#: Actions that mean a node passed the message on (the diffusion tree).
ADOPTED: tuple[str, ...] = ("seed", "activate", "share")
#: Per-replicate totals, and the action each counts (reach counts nodes).
TOTALS: dict[str, str | None] = {
    "reach": None,
    "impressions": "impression",
    "clicks": "click",
    "shares": "share",
    "conversions": "convert",
    "amount": "convert",
}


# ------------------------------------------------------------------ forest
@dataclass(eq=False)
class Forest:
    """The cascade trees of a log: one row per (replicate, node) among the chosen actions.

    Rows are sorted by replicate, then node. ``parent`` and ``root`` index rows
    (``parent == -1`` for roots, ``root == row`` for a root itself).

    Attributes
    ----------
    replicate, node : int64 arrays
    parent : int64 array
        Row of the node's parent, -1 for roots (seeds).
    step : int64 array
        Step of the node's first event.
    generation : int64 array
        Depth in its tree (0 for roots).
    root : int64 array
        Row of the root of the node's tree.
    subtree : int64 array
        Nodes in the subtree below and including the node.
    tie, layer : arrays
        Tie strength and layer code of the arc the node was first reached through.
    replicates : int
    """

    replicate: np.ndarray
    node: np.ndarray
    parent: np.ndarray
    step: np.ndarray
    generation: np.ndarray
    root: np.ndarray
    subtree: np.ndarray
    tie: np.ndarray
    layer: np.ndarray
    replicates: int

    def __len__(self) -> int:
        return self.node.size

    @property
    def roots(self) -> np.ndarray:
        """Rows of the roots, in replicate then node order."""
        return np.flatnonzero(self.parent < 0)

    def tree_sizes(self) -> np.ndarray:
        """Size of every tree (one per root, in :attr:`roots` order)."""
        return self.subtree[self.roots]

    def generation_sizes(self, per: str = "replicate") -> np.ndarray:
        """Nodes per generation: ``(replicates, G + 1)`` or, ``per="tree"``, ``(trees, G + 1)``.

        ``G`` is the deepest generation in the whole log (columns beyond a
        cascade's own depth are 0).
        """
        width = int(self.generation.max()) + 1 if len(self) else 1
        if per == "replicate":
            group, rows = self.replicate, self.replicates
        elif per == "tree":
            roots = self.roots
            index = np.full(len(self), -1, np.int64)
            index[roots] = np.arange(roots.size)
            group, rows = index[self.root], roots.size
        else:
            raise ValueError(f"per must be 'replicate' or 'tree', got {per!r}")
        flat = np.bincount(group * width + self.generation, minlength=rows * width)
        return flat.reshape(rows, width).astype(np.int64)

    def structural_virality(self) -> np.ndarray:
        """Structural virality of every tree (one per root; NaN for a single node).

        Mean shortest-path distance over the ``N (N - 1)`` ordered pairs of a
        tree of ``N`` nodes. Removing the edge above a node whose subtree has
        ``s`` nodes separates ``s`` nodes from ``N - s``, and that edge lies on
        the path of exactly the ``s (N - s)`` unordered pairs it separates, so
        the sum of distances over unordered pairs (the Wiener index) is
        ``W = sum_edges s (N - s)`` and ``nu = 2 W / (N (N - 1))``: one pass,
        O(N) per tree.
        """
        child = self.parent >= 0
        n_tree = self.subtree[self.root].astype(np.float64)
        s = self.subtree[child].astype(np.float64)
        wiener = np.bincount(
            self.root[child], weights=s * (n_tree[child] - s), minlength=len(self)
        )
        roots = self.roots
        n = n_tree[roots]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n >= 2, 2.0 * wiener[roots] / (n * (n - 1.0)), np.nan)


def _codes(actions: Sequence[str]) -> np.ndarray:
    unknown = [a for a in actions if a not in ACTION_CODE]
    if unknown:
        raise ValueError(f"unknown action {unknown[0]!r}; choose from {', '.join(ACTION_CODE)}")
    return np.array([ACTION_CODE[a] for a in actions], dtype=np.int8)


def _depth_and_root(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Depth and root of every node of a forest given by parent rows (-1 for roots).

    Pointer jumping: after ``j`` rounds every node knows its ``2**j``-th
    ancestor (or its root) and the distance to it, so ``log2(depth)`` rounds
    of whole-array operations suffice. Raises ``ValueError`` on a cycle.
    """
    n = parent.size
    up = np.where(parent >= 0, parent, np.arange(n))
    dist = (parent >= 0).astype(np.int64)
    for _ in range(max(1, math.ceil(math.log2(max(n, 2)))) + 2):
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        dist, up = dist + dist[up], nxt
    if n and (parent[up] >= 0).any():  # a jump that ends off a root went round a cycle
        raise ValueError("the parent links of the log form a cycle")
    return dist, up


def _subtree_sizes(parent: np.ndarray, generation: np.ndarray) -> np.ndarray:
    """Nodes in each node's subtree (itself included), summed level by level, deepest first."""
    size = np.ones(parent.size, np.int64)
    if parent.size == 0:
        return size
    order = np.argsort(generation, kind="stable")
    bounds = np.searchsorted(generation[order], np.arange(int(generation.max()) + 2))
    for g in range(int(generation.max()), 0, -1):
        rows = order[bounds[g] : bounds[g + 1]]
        np.add.at(size, parent[rows], size[rows])
    return size


@njit(cache=True)
def _first_events(rep: np.ndarray, node: np.ndarray, step: np.ndarray, width: int) -> np.ndarray:
    """Position of each (replicate, node)'s first event: lowest step, then earliest.

    ``rep`` must be non-decreasing (replicates contiguous, as every engine
    writes them); one pass with a node-indexed scratch array instead of a sort.
    """
    best = np.empty(width, np.int64)
    mark = np.full(width, -1, np.int64)  # replicate for which best[v] holds
    out = np.empty(rep.size, np.int64)
    k, i = 0, 0
    while i < rep.size:
        r, first = rep[i], k
        while i < rep.size and rep[i] == r:
            v = node[i]
            if mark[v] != r:
                mark[v], best[v], out[k] = r, i, v
                k += 1
            elif step[i] < step[best[v]]:
                best[v] = i
            i += 1
        for q in range(first, k):
            out[q] = best[out[q]]
    return out[:k]


def _first_reached(
    log: CascadeLog, sel: np.ndarray, width: int, sort: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Log rows of the first event per (replicate, node) among ``sel``, and their
    keys ``replicate * width + node``, sorted by key (unless ``sort`` is false)."""
    rep = log.replicate[sel].astype(np.int64)
    node = log.node[sel].astype(np.int64)
    # one pass when replicates are contiguous and the node-indexed scratch is
    # not much larger than the events (sparse raw ids fall back to sorting)
    if rep.size and width <= 4 * rep.size + 65_536 and (rep[1:] >= rep[:-1]).all():
        pick = sel[_first_events(rep, node, log.step[sel], width)]
        key = log.replicate[pick].astype(np.int64) * width + log.node[pick]
        if not sort:
            return pick, key
        order = np.argsort(key)  # keys are distinct
        return pick[order], key[order]
    key = rep * width + node  # any order (e.g. an imported log): sort
    order = np.lexsort((sel, log.step[sel], key))  # by key, then step, then log position
    key = key[order]
    first = np.ones(key.size, bool)
    first[1:] = key[1:] != key[:-1]
    return sel[order[first]], key[first]


def cascade_forest(log: CascadeLog, actions: Sequence[str] = REACHED) -> Forest:
    """The cascade trees of ``log`` among the events of ``actions`` (see the module notes).

    Parameters
    ----------
    log : CascadeLog
    actions : sequence of str
        :data:`REACHED` (default: everyone who saw the message) or
        :data:`ADOPTED` (everyone who passed it on).

    Examples
    --------
    >>> import numpy as np
    >>> from simulator.cascade_log import CascadeLog
    >>> ev = lambda *a: np.array(a)
    >>> log = CascadeLog(ev(0, 0, 0, 0), ev(5, 6, 7, 8), ev(-1, 5, 6, 6), ev(0, 1, 1, 2),
    ...                  ev(0, 1, 1, 1), np.full(4, np.nan), np.full(4, -1), np.zeros(4), 1)
    >>> f = cascade_forest(log)  # 5 -> 6 -> {7, 8}; step 1 holds generations 1 and 2
    >>> f.generation.tolist(), f.subtree.tolist()
    ([0, 1, 2, 2], [4, 3, 1, 1])
    """
    sel = np.flatnonzero(np.isin(log.action, _codes(actions)))
    width = int(max(log.node[sel].max(initial=0), log.parent.max(initial=0))) + 1
    pick, key = _first_reached(log, sel, width)
    parent_node = log.parent[pick].astype(np.int64)
    parent = np.full(pick.size, -1, np.int64)
    has = np.flatnonzero(parent_node >= 0)
    if has.size:
        pkey = log.replicate[pick[has]].astype(np.int64) * width + parent_node[has]
        pos = np.minimum(np.searchsorted(key, pkey), max(key.size - 1, 0))
        found = key[pos] == pkey
        parent[has[found]] = pos[found]
    generation, root = _depth_and_root(parent)
    return Forest(
        replicate=log.replicate[pick].astype(np.int64),
        node=log.node[pick].astype(np.int64),
        parent=parent,
        step=log.step[pick].astype(np.int64),
        generation=generation,
        root=root,
        subtree=_subtree_sizes(parent, generation),
        tie=log.tie[pick],
        layer=log.layer[pick].astype(np.int64),
        replicates=log.replicates,
    )


# ------------------------------------------------------------------- totals
def reach(log: CascadeLog) -> np.ndarray:
    """Distinct nodes reached per replicate (a ``seed``, ``activate`` or ``impression`` event)."""
    sel = np.flatnonzero(np.isin(log.action, _codes(REACHED)))
    width = int(log.node.max(initial=0)) + 1
    _, key = _first_reached(log, sel, width, sort=False)
    return np.bincount(key // width, minlength=log.replicates)


def count(log: CascadeLog, action: str) -> np.ndarray:
    """Events of ``action`` per replicate, e.g. ``count(log, "impression")``."""
    _codes([action])
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


def _group_codes(tie, layer, by, threshold, layer_names):
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
    code, names = _group_codes(tie, layer, by, threshold, layer_names)
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


def tree_structural_virality(parent) -> float:
    """Structural virality of one tree given as parent indices (-1 for the root).

    Examples
    --------
    >>> tree_structural_virality([-1, 0, 0, 0, 0])  # a star of 5: 2 (n - 1) / n
    1.6
    >>> tree_structural_virality([-1, 0, 1, 2, 3])  # a path of 5: (n + 1) / 3
    2.0
    """
    parent = np.asarray(parent, dtype=np.int64)
    if (parent < 0).sum() != 1:
        raise ValueError("a tree has exactly one root (parent -1)")
    generation, root = _depth_and_root(parent)
    n = float(parent.size)
    if n < 2:
        return float("nan")
    s = _subtree_sizes(parent, generation)[parent >= 0].astype(np.float64)
    return float(2.0 * (s * (n - s)).sum() / (n * (n - 1.0)))


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
