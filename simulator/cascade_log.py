"""The event log every engine writes, and what derives from it.

A :class:`CascadeLog` is a table of events, one row per thing that happened
to an agent: ``(replicate, node, parent, step, action, tie, layer, amount)``.
``parent`` is the agent whose post exposed ``node`` (-1 for seeds), ``tie``
the strength of the arc ``parent -> node`` (NaN for seeds) and ``layer`` its
layer code (-1 for seeds or networks without layers). Engines only append
events; metrics (:mod:`simulator.analysis.metrics`) are pure functions of the log, so
they never depend on which engine ran.

A log of many campaigns spreading at once (the influence contest,
:mod:`simulator.contest`) also carries ``link``: the personal link (the
campaign) each event belongs to, ``0 .. links - 1``. Single-campaign logs
have ``link = None``. :meth:`CascadeLog.by_link` makes every (replicate,
link) pair a replicate of its own, so every metric works per link without a
per-link variant: ``reach(log.by_link()).reshape(log.replicates, log.links)``.

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
    #: Per event, the link (campaign) it belongs to (int32), or None: one campaign.
    link: np.ndarray | None = None
    #: Number of links (``link`` values lie in ``[0, links)``); 0 without ``link``.
    links: int = 0

    def __post_init__(self):
        if self.link is not None:
            self.link = np.asarray(self.link, dtype=np.int32)
            if self.link.shape != self.node.shape:
                raise ValueError(f"link: one per event ({self.node.size}), got {self.link.size}")
            if self.link.size and not 0 <= self.link.min() <= self.link.max() < self.links:
                raise ValueError(f"link values must lie in [0, links = {self.links})")

    @classmethod
    def from_arcs(
        cls,
        network,
        replicate,
        node,
        parent,
        step,
        action,
        arc,
        replicates,
        amount=None,
        link=None,
        links=0,
    ) -> CascadeLog:
        """Build from kernel output, where ``arc`` is the arc index (-1 for seeds).

        ``link`` (one per event) and ``links``: the link column of a log of
        many campaigns (see :meth:`by_link`); None for one campaign.
        """
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
            link=link,
            links=int(links),
        )

    def __len__(self) -> int:
        return self.node.size

    def by_link(self) -> CascadeLog:
        """The same events with one replicate per (replicate, link) pair.

        Replicate ``r``'s events of link ``l`` become replicate
        ``r * links + l`` of a log of ``replicates * links`` replicates (and
        no link column), so any metric of the log, a per-replicate array,
        reshaped to ``(replicates, links)`` gives the metric per replicate and
        link. Cascade trees are built per link: a person reached by two links
        sits in both trees.

        Examples
        --------
        >>> import numpy as np
        >>> ev = lambda *v: np.array(v)
        >>> log = CascadeLog(ev(0, 0, 0, 0), ev(0, 1, 2, 3), ev(-1, 0, -1, 2), ev(0, 1, 0, 1),
        ...                  ev(0, 1, 0, 1), ev(*[np.nan] * 4), ev(-1, -1, -1, -1),
        ...                  np.zeros(4), replicates=1, link=ev(0, 0, 1, 1), links=3)
        >>> flat = log.by_link()
        >>> flat.replicates, flat.counts("activate").reshape(1, 3).tolist()
        (3, [[1, 1, 0]])
        """
        if self.link is None:
            raise ValueError("this log has no link column (one campaign): nothing to split")
        replicate = self.replicate.astype(np.int64) * self.links + self.link
        return CascadeLog(
            replicate=replicate,
            node=self.node,
            parent=self.parent,
            step=self.step,
            action=self.action,
            tie=self.tie,
            layer=self.layer,
            amount=self.amount,
            replicates=self.replicates * self.links,
            layer_names=self.layer_names,
        )

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
                **({} if self.link is None else {"link": self.link}),
            }
        )
