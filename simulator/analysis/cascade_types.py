"""What a cascade import returns: the cascades and the report of what was read and dropped.

:class:`ImportedCascades` holds the :class:`~simulator.cascade_log.CascadeLog`
(one replicate per tree) with what maps it back to the data; :class:`ImportReport`
counts every data problem. Both are built by :mod:`simulator.analysis.cascade_import`
(which re-exports them) and :mod:`simulator.analysis.cascade_attach`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from simulator.cascade_log import CascadeLog

__all__ = ["ImportReport", "ImportedCascades"]

# what each counted problem means and what the importer did about it
_ACTIONS = {
    "rows": "rows read",
    "other_kinds": "events of other kinds: ignored",
    "missing": "rows with a missing user or time: dropped",
    "duplicates": "identical rows: kept once",
    "self_links": "rows linking a user to itself: dropped",
    "root_rows": "rows declaring a root (no parent): used as the root's first appearance",
    "repeat_links": "same parent -> child again later: dropped",
    "multi_parent_nodes": "users exposed by several parents: the earliest kept",
    "extra_parent_links": "later links from other parents: dropped",
    "children_before_parent": "links whose child acted before the parent's own first "
    "exposure: kept, the parent made a root",
    "late_parents": "users passing the message on (or declared roots) before their first "
    "exposure: made roots",
    "late_exposure_links": "exposures of those users: dropped",
    "cycles": "cycles of the earliest-parent graph: broken (a user on each made a root)",
    "links_kept": "parent -> child links in the forest",
    "nodes": "users reached",
    "cascades": "trees (one root each)",
}


@dataclass
class ImportReport:
    """What the importer read, dropped and kept; one count per data problem.

    Examples
    --------
    >>> r = ImportReport(format="events", rows=3, duplicates=1, links_kept=2, nodes=3,
    ...                  cascades=1)
    >>> r.lines()[0], r.accounted()
    ('duplicates: 1 identical rows: kept once', True)
    """

    format: str = ""
    rows: int = 0
    other_kinds: int = 0
    missing: int = 0
    duplicates: int = 0
    self_links: int = 0
    root_rows: int = 0
    repeat_links: int = 0
    multi_parent_nodes: int = 0
    extra_parent_links: int = 0
    children_before_parent: int = 0
    late_parents: int = 0
    late_exposure_links: int = 0
    cycles: int = 0
    links_kept: int = 0
    nodes: int = 0
    cascades: int = 0

    def accounted(self) -> bool:
        """True when every row read is counted exactly once."""
        parts = (
            self.other_kinds,
            self.missing,
            self.duplicates,
            self.self_links,
            self.root_rows,
            self.links_kept,
            self.repeat_links,
            self.extra_parent_links,
            self.late_exposure_links,
        )
        return sum(parts) == self.rows and self.nodes - self.cascades == self.links_kept

    def lines(self) -> list[str]:
        """One line per problem found (counts of zero left out)."""
        skip = {"format", "rows", "root_rows", "links_kept", "nodes", "cascades"}
        return [
            f"{f.name}: {getattr(self, f.name)} {_ACTIONS[f.name]}"
            for f in fields(self)
            if f.name not in skip and getattr(self, f.name)
        ]

    def to_frame(self) -> pd.DataFrame:
        """Every count as a row: ``item, count, action``."""
        items = [f.name for f in fields(self) if f.name != "format"]
        return pd.DataFrame(
            {
                "item": items,
                "count": [getattr(self, k) for k in items],
                "action": [_ACTIONS[k] for k in items],
            }
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.rows} rows -> {self.nodes} users in {self.cascades} cascades"
            f" ({self.links_kept} links)"
        )


@dataclass(eq=False)
class ImportedCascades:
    """A forest of real cascades: the log and what maps it back to the data.

    ``log`` has one replicate per tree and one event per user reached, in
    order of replicate and first appearance. ``log.node`` and ``log.parent``
    index ``labels`` (the original user ids). ``time`` and ``generation`` are
    parallel to the log's events; ``cascade`` and ``root`` have one entry per
    replicate.
    """

    log: CascadeLog
    labels: np.ndarray  # node index -> original user id
    time: np.ndarray  # per event: the original timestamp (seconds)
    generation: np.ndarray  # per event: depth in its tree, 0 for the root
    cascade: np.ndarray  # per replicate: the data's cascade id (or the root's label)
    root: np.ndarray  # per replicate: node index of the root
    t0: float  # time of step 0
    step_seconds: float
    report: ImportReport

    @property
    def replicates(self) -> int:
        return self.log.replicates

    def sizes(self) -> np.ndarray:
        """Users reached per cascade (root included)."""
        return np.bincount(self.log.replicate, minlength=self.replicates)

    def depths(self) -> np.ndarray:
        """Deepest generation per cascade (0 for a root alone)."""
        out = np.zeros(self.replicates, np.int64)
        np.maximum.at(out, self.log.replicate, self.generation)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Events with original user ids, plus ``time`` and ``generation``."""
        frame = self.log.to_frame()
        frame["node"] = pd.Series(self.labels[self.log.node], dtype=self.labels.dtype)
        parent = np.full(len(self.log), None, dtype=object)
        has = self.log.parent >= 0
        parent[has] = self.labels[self.log.parent[has]]
        frame["parent"] = pd.Series(parent, dtype=object)
        frame["time"] = self.time
        frame["generation"] = self.generation
        return frame
