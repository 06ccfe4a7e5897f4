"""Cascade trees: the forest of a :class:`~simulator.cascade_log.CascadeLog`.

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

*Reached* nodes are those with a ``seed``, ``activate`` or ``impression``
event (:data:`REACHED`); *adopters* those with a ``seed``, ``activate`` or
``share`` event (:data:`ADOPTED`), whose tree is the diffusion tree of Goel et
al. (2016). The metrics of :mod:`simulator.analysis.metrics` are built on this
module; that module re-exports :data:`REACHED`, :data:`ADOPTED`, :class:`Forest`,
:func:`cascade_forest` and :func:`tree_structural_virality`.

Examples
--------
>>> from simulator import Network, IndependentCascade, run_cascades
>>> net = Network.from_edges([0, 0, 1, 1], [1, 2, 3, 4])  # a binary tree, arcs downwards
>>> log = run_cascades(net, [0], IndependentCascade(1.0), replicates=1, seed=1).log
>>> f = cascade_forest(log)
>>> f.generation.tolist(), f.subtree.tolist(), f.tree_sizes().tolist()
([0, 1, 1, 2, 2], [5, 3, 1, 1, 1], [5])

References
----------
S. Goel, A. Anderson, J. Hofman, D. J. Watts. The structural virality of
online diffusion. Management Science 62(1), 180-196, 2016.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from simulator.cascade_log import ACTION_CODE, CascadeLog

__all__ = [
    "REACHED",
    "ADOPTED",
    "Forest",
    "action_codes",
    "cascade_forest",
    "first_reached",
    "tree_structural_virality",
]

#: Actions that mean a node was reached (saw the message).
REACHED: tuple[str, ...] = ("seed", "activate", "impression")
#: Actions that mean a node passed the message on (the diffusion tree).
ADOPTED: tuple[str, ...] = ("seed", "activate", "share")


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


def action_codes(actions: Sequence[str]) -> np.ndarray:
    """The log's int8 codes of ``actions``; raises naming an unknown action.

    Examples
    --------
    >>> action_codes(REACHED).tolist()
    [0, 1, 2]
    """
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


def first_reached(
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
    sel = np.flatnonzero(np.isin(log.action, action_codes(actions)))
    width = int(max(log.node[sel].max(initial=0), log.parent.max(initial=0))) + 1
    pick, key = first_reached(log, sel, width)
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
