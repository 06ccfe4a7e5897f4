"""Real cascades into a :class:`~simulator.cascade_log.CascadeLog`: parent-child tables and
timestamped retweet events.

Two kinds of data are read:

- **parent -> child links** (:func:`cascades_from_parent_child`): one row per
  exposure, ``parent, child, time`` and an optional cascade id (e.g. one id per
  original tweet). A row with a missing parent declares a root (an original post).
- **timestamped events** (:func:`cascades_from_events`), e.g. the Higgs
  ``higgs-activity_time.txt.gz`` as read by
  :func:`~simulator.network.io.read_events`: ``source, target, time, kind``,
  where ``A B t RT`` means A retweeted B at ``t``, so B is A's parent (the
  message flowed B -> A). Tweet ids are missing, so one user's retweets of
  different tweets cannot be told apart: every user is one node.

**The attachment rule** (both formats). Rows are put in time order (file order
breaks ties). A user is *reached* at their first appearance in the data. If
that first appearance is an exposure (a link into the user), the user is a
child of that link's parent; if the user was first seen passing the message
on (retweeted by someone, or a parent of a link, or declared a root) the user
is a **root**: an originator of a cascade of their own. Hence

- every non-root has exactly one parent, its earliest exposure;
- a parent is reached no later than its child (the parent appears in the
  child's link, so it was seen no later);
- the forest has no cycles (along a chain of parents first appearances strictly
  decrease, except the last step onto a root).

A **cascade** is one tree: its root and everyone under it. The log holds
**one replicate per cascade** (``replicates`` = number of trees, replicate
``r`` has exactly one ``"seed"`` event, its root, then one ``"activate"`` event
per user reached), so every per-replicate metric is a per-cascade metric.
Time becomes ``step = floor((t - t0) / step_seconds)`` with ``t0`` the first
kept event; a root's step is the step at which it was first seen (the
original post itself is not in the event data). Ties have no strength in such
data: ``tie`` is NaN and ``layer`` -1 for every event.

**Data problems**, each counted in the :class:`ImportReport`:

====================== ===========================================================
duplicates             identical rows: kept once
self_links             a user linked to itself (A retweets A): dropped
missing                a row without child, time (or parent, for events): dropped
other_kinds            events of kinds not asked for: ignored
repeat_links           the same parent -> child again later: dropped
multi_parent_nodes     users exposed by several parents: the earliest kept, the
                       ``extra_parent_links`` dropped
children_before_parent links whose child acted before the parent's own first
                       exposure; such a parent (``late_parents``) is treated as an
                       originator (a root), its children stay with it and its
                       ``late_exposure_links`` are dropped
cycles                 cycles of the naive "earliest parent" graph (A retweets B,
                       later B retweets A); always broken by the rule above
====================== ===========================================================

Every row read ends in exactly one of ``other_kinds, missing, duplicates,
self_links, root_rows, links_kept, repeat_links, extra_parent_links,
late_exposure_links`` (:meth:`ImportReport.accounted`).

Roots in retweet data were retweeted at least once (unshared posts are not in
the data), so generation 0 is selected for having children: estimate the
viral coefficient from generation 1 on.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({"source": [2, 3, 4, 4, 5], "target": [1, 1, 2, 3, 5],
...                        "time": [0, 600, 4000, 5000, 7000], "kind": ["RT"] * 5})
>>> casc = cascades_from_events(events, step_seconds=3600)
>>> casc.to_frame()[["node", "parent", "step", "action", "generation"]].values.tolist()
[[1, None, 0, 'seed', 0], [2, 1, 0, 'activate', 1], [3, 1, 0, 'activate', 1], \
[4, 2, 1, 'activate', 2]]
>>> casc.sizes().tolist(), casc.report.multi_parent_nodes, casc.report.self_links
([4], 1, 1)

References
----------
M. De Domenico, A. Lima, P. Mougel, M. Musolesi. The anatomy of a scientific
rumor. Scientific Reports 3, 2980, 2013 (the Higgs data).
S. Goel, A. Anderson, J. Hofman, D. J. Watts. The structural virality of
online diffusion. Management Science 62(1), 180-196, 2016 (cascades as trees
of first exposures).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from simulator import checks
from simulator.cascade_log import ACTION_CODE, CascadeLog

__all__ = [
    "ImportReport",
    "ImportedCascades",
    "cascades_from_parent_child",
    "cascades_from_events",
    "read_cascades",
]

FORMATS = ("events", "parent_child")

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


# ------------------------------------------------------------------ public
def cascades_from_parent_child(
    df: pd.DataFrame,
    *,
    parent: str = "parent",
    child: str = "child",
    time: str = "time",
    cascade: str | None = "cascade",
    step_seconds: float = 3600.0,
) -> ImportedCascades:
    """Build cascades from explicit ``parent -> child`` links with times.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per exposure. A missing parent (None/NaN) declares a root.
    parent, child, time : str
        Column names. Times are seconds (numbers) or datetimes.
    cascade : str or None
        Column of cascade ids, used when present: users are then separate nodes
        in each cascade (one user may take part in several). None ignores it.
    step_seconds : float
        Width of a step.

    Returns
    -------
    ImportedCascades

    Examples
    --------
    >>> import pandas as pd
    >>> links = pd.DataFrame({"parent": [None, "a", "a", "b", "b"],
    ...                       "child": ["a", "b", "c", "d", "d"], "time": [0, 10, 20, 30, 30]})
    >>> casc = cascades_from_parent_child(links, step_seconds=10)
    >>> casc.sizes().tolist(), casc.depths().tolist(), casc.report.duplicates
    ([4], [2], 1)
    >>> casc.to_frame()[["node", "parent", "step"]].values.tolist()
    [['a', None, 0], ['b', 'a', 1], ['c', 'a', 2], ['d', 'b', 3]]
    """
    _check_step(step_seconds)
    has_cascade = cascade is not None and cascade in df.columns
    _require(df, [parent, child, time], "parent-child table")
    cols = [parent, child, time, *([cascade] if has_cascade else [])]
    report = ImportReport(format="parent_child", rows=len(df))
    data = df[cols].copy()
    data.columns = ["parent", "child", "time", *(["cascade"] if has_cascade else [])]
    bad = data["child"].isna() | data["time"].isna()
    if has_cascade:
        bad |= data["cascade"].isna()
    return _build(data[~bad.to_numpy()], report, int(bad.sum()), step_seconds, has_cascade)


def cascades_from_events(
    df: pd.DataFrame, kinds=("RT",), *, step_seconds: float = 3600.0
) -> ImportedCascades:
    """Build cascades from timestamped events ``source target time kind``.

    ``A B t RT`` means A retweeted B at ``t``: B is the parent, A the child.
    Each user is one node (tweet ids are missing); see the module docstring
    for the attachment rule and the data problems counted.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``source, target, time`` and ``kind`` (as
        :func:`~simulator.network.io.read_events` returns).
    kinds : sequence of str or None
        Interaction kinds to use (e.g. ``("RT",)`` or ``("RT", "MT")``); None
        uses every row (and needs no ``kind`` column).
    step_seconds : float
        Width of a step (default one hour).

    Returns
    -------
    ImportedCascades

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"source": [2, 1], "target": [1, 2], "time": [5, 9],
    ...                    "kind": ["RT", "RT"]})
    >>> casc = cascades_from_events(ev)  # 1 was retweeted (at 5) before it retweeted 2
    >>> casc.labels[casc.root].tolist(), casc.report.cycles, casc.report.late_exposure_links
    ([1], 1, 1)
    """
    _check_step(step_seconds)
    need = ["source", "target", "time", *(["kind"] if kinds is not None else [])]
    _require(df, need, "events table")
    report = ImportReport(format="events", rows=len(df))
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        use = df["kind"].isin(kinds).to_numpy()
        report.other_kinds = int((~use).sum())
        if not use.any():
            present = ", ".join(sorted(map(str, df["kind"].dropna().unique()))) or "none"
            raise ValueError(f"no events of kind {', '.join(kinds)} (kinds present: {present})")
        df = df[use]
    data = pd.DataFrame(
        {
            "parent": df["target"].to_numpy(),
            "child": df["source"].to_numpy(),
            "time": df["time"].to_numpy(),
            **({"kind": df["kind"].to_numpy()} if "kind" in df else {}),
        }
    )
    bad = data[["parent", "child", "time"]].isna().any(axis=1).to_numpy()
    return _build(data[~bad], report, int(bad.sum()), step_seconds, False)


def read_cascades(
    path, format: str = "events", kinds=("RT",), step_seconds: float = 3600.0
) -> ImportedCascades:
    """Read a file of events or parent-child links into cascades.

    ``format="events"``: columns ``source target time kind`` (Higgs activity
    file); ``format="parent_child"``: columns ``parent child time [cascade]``
    (a header line is skipped; every row is a link). Delimiter and gzip are
    detected as by :func:`~simulator.network.io.read_events`.

    Raises
    ------
    simulator.network.io.NetworkFileError
        The file is missing, empty or malformed (one line naming it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "links.csv"
    >>> _ = path.write_text("parent,child,time\\nu1,u2,0\\nu2,u3,7200\\n")
    >>> read_cascades(path, "parent_child").depths().tolist()
    [2]
    """
    from simulator.network.io import read_events

    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
    if format == "events":
        return cascades_from_events(read_events(path), kinds, step_seconds=step_seconds)
    frame = read_events(path, columns=("source", "target", "time", "cascade"))
    frame = frame.rename(columns={"source": "parent", "target": "child"})
    return cascades_from_parent_child(frame, step_seconds=step_seconds)


# ---------------------------------------------------------------- internals
def _check_step(step_seconds) -> None:
    checks.real("step_seconds", step_seconds, 0.0, low_open=True)


def _require(df, columns, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}; it has {have}")


def _seconds(values) -> np.ndarray:
    """Times as float64 seconds (datetimes: since the epoch)."""
    values = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        return (values - pd.Timestamp(0, tz=values.dt.tz)).dt.total_seconds().to_numpy()
    try:
        return values.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"time must be numbers (seconds) or datetimes, got {values.iloc[0]!r}"
        ) from None


def _tidy_labels(labels: np.ndarray) -> np.ndarray:
    """Whole-number labels as int64 (a parent column with gaps arrives as floats or objects)."""
    if labels.dtype.kind != "f" and labels.dtype != object:
        return labels
    whole = all(
        isinstance(x, (int, np.integer))
        or (isinstance(x, (float, np.floating)) and float(x).is_integer())
        for x in labels
    )
    return labels.astype(np.int64) if whole and labels.size else labels


def _first(keys: np.ndarray, rows: np.ndarray, n: int, none: int) -> np.ndarray:
    """Per key in ``0..n-1``: the smallest row in ``rows`` (``none`` where absent)."""
    out = np.full(n, none, np.int64)
    np.minimum.at(out, keys, rows)
    return out


def _count_cycles(par: np.ndarray) -> int:
    """Cycles of the functional graph ``v -> par[v]`` (-1: no arc), by pointer doubling."""
    n = par.size
    jump = np.where(par >= 0, par, np.arange(n))
    low = np.minimum(np.arange(n), jump)  # min over a window of 2^k nodes from v
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2))))) + 1):
        low = np.minimum(low, low[jump])
        jump = jump[jump]
    on_cycle = np.zeros(n, bool)
    on_cycle[jump] = True  # after >= n steps every walk sits on a cycle or a root
    on_cycle &= par >= 0
    return int(np.unique(low[on_cycle]).size)


def _roots_and_depths(par: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Root and depth of every node of a forest given as parent pointers."""
    n = par.size
    jump = np.where(par >= 0, par, np.arange(n))
    depth = (par >= 0).astype(np.int64)
    for _ in range(64):
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            return jump, depth
        depth = depth + depth[jump]
        jump = nxt
    raise RuntimeError("parent pointers do not form a forest")  # cannot happen


def _build(data, report, missing, step_seconds, has_cascade) -> ImportedCascades:
    """Clean, order and attach (the rule of the module docstring); fill ``report``."""
    report.missing = missing
    dup = data.duplicated().to_numpy()
    report.duplicates = int(dup.sum())
    data = data[~dup]
    is_root_row = data["parent"].isna().to_numpy()
    self_link = ~is_root_row & (data["parent"].to_numpy() == data["child"].to_numpy())
    report.self_links = int(self_link.sum())
    data = data[~self_link]
    is_root_row = is_root_row[~self_link]
    if len(data) == 0:
        raise ValueError(f"no usable rows left: {'; '.join(report.lines()) or 'empty table'}")
    report.root_rows = int(is_root_row.sum())

    t = _seconds(data["time"])
    order = np.argsort(t, kind="stable")  # time order, file order breaks ties
    t = t[order]
    root_row = is_root_row[order]
    child_lab = data["child"].to_numpy()[order]
    parent_lab = data["parent"].to_numpy()[order]
    codes, labels = pd.factorize(np.concatenate([child_lab, parent_lab[~root_row]]), sort=False)
    labels = _tidy_labels(np.asarray(labels))
    cu = codes[: t.size]
    pu = np.full(t.size, -1, np.int64)
    pu[~root_row] = codes[t.size :]
    if has_cascade:  # a node is (cascade, user)
        cid, cascades = pd.factorize(data["cascade"].to_numpy()[order], sort=False)
        key_of, keys = pd.factorize(
            np.concatenate([cid * labels.size + cu, cid[~root_row] * labels.size + pu[~root_row]])
        )
        user_of_key = np.asarray(keys) % labels.size
        cascade_of_key = np.asarray(keys) // labels.size
        c = key_of[: t.size]
        p = np.full(t.size, -1, np.int64)
        p[~root_row] = key_of[t.size :]
    else:
        c, p, user_of_key = cu, pu, np.arange(labels.size)
        cascade_of_key = None
    n, rows = user_of_key.size, np.arange(t.size)
    link = ~root_row

    # first appearance as a child (exposure) and as a poster (parent or root row)
    first_in = _first(c[link], rows[link], n, t.size)
    poster = np.concatenate([p[link], c[root_row]])
    first_out = _first(poster, np.concatenate([rows[link], rows[root_row]]), n, t.size)
    is_child = first_in < first_out
    par = np.where(is_child, p[np.minimum(first_in, t.size - 1)], -1)
    first_seen = np.minimum(first_in, first_out)
    report.cycles = _count_cycles(
        np.where(first_in < t.size, p[np.minimum(first_in, t.size - 1)], -1)
    )

    # account for every link row
    lc, lp, lr = c[link], p[link], rows[link]
    kept = is_child[lc] & (lr == first_in[lc])
    to_child = is_child[lc] & ~kept
    report.links_kept = int(kept.sum())
    report.repeat_links = int((to_child & (lp == par[lc])).sum())
    report.extra_parent_links = int((to_child & (lp != par[lc])).sum())
    late = ~is_child[lc]
    report.late_exposure_links = int(late.sum())
    report.late_parents = int(np.unique(lc[late]).size)
    report.children_before_parent = int(
        ((~is_child[lp]) & (first_in[lp] < t.size) & (lr < first_in[lp])).sum()
    )
    pairs = np.unique(lc[is_child[lc]] * n + lp[is_child[lc]])  # distinct (child, parent)
    report.multi_parent_nodes = int((np.bincount(pairs // n, minlength=n) >= 2).sum())

    # trees: ordered by their root's first appearance; events by (tree, appearance)
    root, depth = _roots_and_depths(par)
    is_root = par < 0
    tree_of = np.full(n, -1, np.int64)
    root_ids = np.flatnonzero(is_root)
    root_ids = root_ids[np.argsort(first_seen[root_ids], kind="stable")]
    tree_of[root_ids] = np.arange(root_ids.size)
    replicate = tree_of[root]
    ev = np.lexsort((depth, first_seen, replicate))  # a root before its child
    node_time = t[np.minimum(first_seen, t.size - 1)]
    t0 = float(t[0])
    step = np.floor((node_time - t0) / step_seconds).astype(np.int64)
    report.nodes, report.cascades = int(n), int(root_ids.size)
    log = CascadeLog(
        replicate=replicate[ev].astype(np.int32),
        node=user_of_key[ev].astype(np.int32),
        parent=np.where(par[ev] >= 0, user_of_key[np.maximum(par[ev], 0)], -1).astype(np.int32),
        step=step[ev].astype(np.int32),
        action=np.where(is_root[ev], ACTION_CODE["seed"], ACTION_CODE["activate"]).astype(np.int8),
        tie=np.full(n, np.nan, np.float32),
        layer=np.full(n, -1, np.int8),
        amount=np.zeros(n, np.float32),
        replicates=int(root_ids.size),
    )
    if cascade_of_key is not None:
        tree_cascade = np.asarray(cascades)[cascade_of_key[root_ids]]
    else:
        tree_cascade = labels[user_of_key[root_ids]]
    return ImportedCascades(
        log=log,
        labels=labels,
        time=node_time[ev],
        generation=depth[ev],
        cascade=tree_cascade,
        root=user_of_key[root_ids],
        t0=t0,
        step_seconds=float(step_seconds),
        report=report,
    )
