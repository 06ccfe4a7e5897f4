"""The event log every engine writes, and what derives from it.

A :class:`CascadeLog` is a table of events, one row per thing that happened
to an agent: ``(replicate, node, parent, step, action, tie, layer, amount)``.
``parent`` is the agent whose post exposed ``node`` (-1 for seeds), ``tie``
the strength of the arc ``parent -> node`` (NaN for seeds) and ``layer`` its
layer code (-1 for seeds or networks without layers). Engines only append
events; metrics (:mod:`simulator.analysis.metrics`) are pure functions of the log, so
they never depend on which engine ran.

Examples
--------
>>> import numpy as np
>>> from simulator import Network, IndependentCascade, run_cascades
>>> net = Network.from_edges([0, 1], [1, 2])
>>> log = run_cascades(net, [0], IndependentCascade(1.0), replicates=1, seed=1).log
>>> log.to_frame()[["replicate", "node", "parent", "step", "action"]].values.tolist()
[[0, 0, -1, 0, 'seed'], [0, 1, 0, 1, 'activate'], [0, 2, 1, 2, 'activate']]
>>> FUNNEL_COLUMNS
('reach', 'depth', 'impressions', 'clicks', 'shares', 'conversions', 'amount')
>>> FUNNEL_COUNTS
('impressions', 'clicks', 'shares', 'conversions')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ACTIONS",
    "ACTION_CODE",
    "FUNNEL_TOTALS",
    "FUNNEL_COUNTS",
    "FUNNEL_COLUMNS",
    "CascadeLog",
]

#: Action names; the log stores their index (int8). "seed" and "activate" are
#: what the textbook models record; the campaign funnel adds the others.
ACTIONS: tuple[str, ...] = ("seed", "activate", "impression", "click", "share", "convert")
ACTION_CODE: dict[str, int] = {name: i for i, name in enumerate(ACTIONS)}

#: The campaign funnel's per-replicate totals besides reach and depth (the keys
#: of ``run_cascades(...).totals``), each with the action whose events it
#: counts; ``amount`` sums the amounts of the "convert" events instead.
#: The one list of these names: the funnel kernel, the campaign, the Mesa
#: model and the metrics derive theirs from it.
FUNNEL_TOTALS: dict[str, str] = {
    "impressions": "impression",
    "clicks": "click",
    "shares": "share",
    "conversions": "convert",
    "amount": "convert",
}
#: The funnel totals that count events (integers); the others sum amounts.
FUNNEL_COUNTS: tuple[str, ...] = tuple(name for name in FUNNEL_TOTALS if name != "amount")
#: Columns of the funnel kernel's per-replicate totals: reach, depth, then the totals.
FUNNEL_COLUMNS: tuple[str, ...] = ("reach", "depth", *FUNNEL_TOTALS)


@dataclass(eq=False)
class CascadeLog:
    """Events of one or more replicates of one arm, as parallel arrays."""

    replicate: np.ndarray
    node: np.ndarray
    parent: np.ndarray
    step: np.ndarray
    action: np.ndarray
    tie: np.ndarray
    layer: np.ndarray
    amount: np.ndarray
    replicates: int
    layer_names: tuple[str, ...] = field(default=())

    @classmethod
    def from_arcs(
        cls, network, replicate, node, parent, step, action, arc, replicates, amount=None
    ) -> CascadeLog:
        """Build from kernel output, where ``arc`` is the arc index (-1 for seeds)."""
        arc = np.asarray(arc, dtype=np.int64)
        via = arc >= 0
        tie = np.full(arc.size, np.nan, dtype=np.float32)
        tie[via] = network.strength[arc[via]]
        layer = np.full(arc.size, -1, dtype=np.int8)
        if network.layer is not None:
            layer[via] = network.layer[arc[via]]
        return cls(
            replicate=np.asarray(replicate, dtype=np.int32),
            node=np.asarray(node, dtype=np.int32),
            parent=np.asarray(parent, dtype=np.int32),
            step=np.asarray(step, dtype=np.int32),
            action=np.asarray(action, dtype=np.int8),
            tie=tie,
            layer=layer,
            amount=np.zeros(arc.size, np.float32)
            if amount is None
            else np.asarray(amount, np.float32),
            replicates=int(replicates),
            layer_names=network.layer_names,
        )

    def __len__(self) -> int:
        return self.node.size

    def counts(self, action: str) -> np.ndarray:
        """Number of events of ``action`` per replicate (length ``replicates``)."""
        mask = self.action == ACTION_CODE[action]
        return np.bincount(self.replicate[mask], minlength=self.replicates)

    def to_frame(self, network=None):
        """A pandas DataFrame of the events; node labels mapped back when given a network."""
        import pandas as pd

        node, parent = self.node, self.parent
        if network is not None:
            node = network.labels[node]
            parent_lab = np.empty(parent.size, dtype=object)
            has = parent >= 0
            parent_lab[has] = network.labels[parent[has]]
            parent_lab[~has] = None
            parent = parent_lab
        layer_names = np.asarray((*self.layer_names, ""), dtype=object)
        return pd.DataFrame(
            {
                "replicate": self.replicate,
                "node": node,
                "parent": parent,
                "step": self.step,
                "action": np.asarray(ACTIONS, dtype=object)[self.action],
                "tie": self.tie,
                "layer": layer_names[self.layer],  # -1 (no layer) maps to ""
                "amount": self.amount,
            }
        )
