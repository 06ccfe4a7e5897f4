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

**Trusting the given parents** (``trust_parents``, the default for parent-child
tables): a parent-child table states who exposed whom, so every user's parent is
the parent of their earliest link, even when the parent's own exposure is
recorded later (a child before its parent is counted in
``children_before_parent`` and kept). A user declared a root (a row with an
empty parent) before any link into them stays a root. A cycle of given links
(A -> B -> A) is broken at the user on it seen first (ties: the smallest label),
who becomes a root.

**The attachment rule** (events, and parent-child tables with
``trust_parents=False``). Rows are put in time order (ties broken by the labels,
root rows first, so the order of the file never matters). A user is *reached*
at their first appearance in the data. If that first appearance is an exposure
(a link into the user), the user is a child of that link's parent; if the user
was first seen passing the message on (retweeted by someone, or a parent of a
link, or declared a root) the user is a **root**: an originator of a cascade of
their own. Hence

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

import pandas as pd

from simulator import checks
from simulator.analysis.cascade_attach import attach
from simulator.analysis.cascade_types import ImportedCascades, ImportReport
from simulator.errors import ConfigError, DataError, NetworkFileError

__all__ = [
    "ImportReport",
    "ImportedCascades",
    "cascades_from_parent_child",
    "cascades_from_events",
    "read_cascades",
]

FORMATS = ("events", "parent_child")
#: Column names of a parent-child table (a header line names them in any order).
PARENT_CHILD_COLUMNS = ("parent", "child", "time", "cascade")


# ------------------------------------------------------------------ public
def cascades_from_parent_child(
    df: pd.DataFrame,
    *,
    parent: str = "parent",
    child: str = "child",
    time: str = "time",
    cascade: str | None = "cascade",
    step_seconds: float = 3600.0,
    trust_parents: bool = True,
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
    trust_parents : bool
        True (default): each user's parent is the parent of their earliest
        link, whenever that parent was reached. False: the attachment rule
        (a parent seen passing the message on before their own exposure
        becomes a root).

    Returns
    -------
    ImportedCascades

    Examples
    --------
    >>> import pandas as pd
    >>> late = pd.DataFrame({"parent": ["a", "r"], "child": ["b", "a"], "time": [5, 9]})
    >>> cascades_from_parent_child(late).sizes().tolist()  # a's link came later: still a's
    [3]
    >>> cascades_from_parent_child(late, trust_parents=False).sizes().tolist()
    [2, 1]
    >>> links = pd.DataFrame({"parent": [None, "a", "a", "b", "b"],
    ...                       "child": ["a", "b", "c", "d", "d"], "time": [0, 10, 20, 30, 30]})
    >>> casc = cascades_from_parent_child(links, step_seconds=10)
    >>> casc.sizes().tolist(), casc.depths().tolist(), casc.report.duplicates
    ([4], [2], 1)
    >>> casc.to_frame()[["node", "parent", "step"]].values.tolist()
    [['a', None, 0], ['b', 'a', 1], ['c', 'a', 2], ['d', 'b', 3]]
    """
    _step(step_seconds)
    has_cascade = cascade is not None and cascade in df.columns
    _require(df, [parent, child, time], "parent-child table")
    cols = [parent, child, time, *([cascade] if has_cascade else [])]
    report = ImportReport(format="parent_child", rows=len(df))
    data = df[cols].copy()
    data.columns = ["parent", "child", "time", *(["cascade"] if has_cascade else [])]
    bad = data["child"].isna() | data["time"].isna()
    if has_cascade:
        bad |= data["cascade"].isna()
    return attach(
        data[~bad.to_numpy()], report, int(bad.sum()), step_seconds, has_cascade, trust_parents
    )


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
    _step(step_seconds)
    if {"parent", "child"} <= set(df.columns) and "source" not in df.columns:
        raise DataError(
            "the table has parent and child columns: read it with cascades_from_parent_child "
            "(format parent_child)"
        )
    need = ["source", "target", "time", *(["kind"] if kinds is not None else [])]
    _require(df, need, "events table")
    report = ImportReport(format="events", rows=len(df))
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        use = df["kind"].isin(kinds).to_numpy()
        report.other_kinds = int((~use).sum())
        if not use.any():
            kinds_seen = sorted(map(str, df["kind"].dropna().unique()))
            # repr of odd values keeps the message on one line (a quoted field may hold "\n")
            present = ", ".join(k if k.isprintable() else repr(k) for k in kinds_seen) or "none"
            raise DataError(f"no events of kind {', '.join(kinds)} (kinds present: {present})")
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
    return attach(data[~bad], report, int(bad.sum()), step_seconds, False)


def read_cascades(
    path,
    format: str = "auto",
    kinds=("RT",),
    step_seconds: float = 3600.0,
    trust_parents: bool | None = None,
) -> ImportedCascades:
    """Read a file of events or parent-child links into cascades.

    ``format="events"``: columns ``source target time kind`` (Higgs activity
    file); ``format="parent_child"``: columns ``parent child time [cascade]``,
    named by a header line in any order or else in this order; a root is a
    row whose parent is empty (or ``NA``, ``null``, ``-``, see
    :data:`simulator.network.io_edgelist.MISSING_MARKERS`). ``"auto"``
    (default): a header line naming ``parent`` and ``child`` makes it a
    parent-child table, else events. ``trust_parents`` (None: True for
    parent-child tables) as in :func:`cascades_from_parent_child`. Delimiter
    and gzip are detected as by :func:`~simulator.network.io.read_events`.

    Raises
    ------
    simulator.errors.NetworkFileError
        The file is missing, empty or malformed (one line naming it and the line).
    simulator.errors.DataError
        The rows give no cascade (e.g. no events of the kinds asked for).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "links.csv"
    >>> _ = path.write_text("parent,child,time\\n,u1,0\\nu1,u2,0\\nu2,u3,7200\\n")
    >>> casc = read_cascades(path)
    >>> casc.report.format, casc.report.root_rows, casc.depths().tolist()
    ('parent_child', 1, [2])
    """
    from simulator.network.io import read_events, table_layout

    if format not in ("auto", *FORMATS):
        raise ConfigError(f"format must be one of auto, {', '.join(FORMATS)}; got {format!r}")
    header, width, first_line = table_layout(path)
    named = header is not None and {"parent", "child"} <= set(header)
    fmt = ("parent_child" if named else "events") if format == "auto" else format
    where = f"{getattr(path, 'name', None) or str(path).rsplit('/', 1)[-1]} line {first_line}"
    if fmt == "events":
        if named:
            raise NetworkFileError(
                f"{where}: the header names parent and child: a parent-child table "
                "(use format parent_child or auto)"
            )
        columns = header if header and {"source", "target"} <= set(header) else EVENTS
        frame = read_events(path, columns)
        need = 3 + (kinds is not None)
        if any(c not in frame for c in EVENTS[:need]):
            raise NetworkFileError(
                f"{where}: expected the columns {' '.join(EVENTS[:need])}, got {width}"
            )
        return cascades_from_events(frame, kinds, step_seconds=step_seconds)
    columns = (
        [h if h in PARENT_CHILD_COLUMNS else None for h in header]
        if named
        else list(PARENT_CHILD_COLUMNS)
    )
    frame = read_events(path, columns, labels=("parent", "child"), optional=("parent",))
    if any(c not in frame for c in PARENT_CHILD_COLUMNS[:3]):
        raise NetworkFileError(f"{where}: expected the columns parent child time, got {width}")
    trust = True if trust_parents is None else bool(trust_parents)
    return cascades_from_parent_child(frame, step_seconds=step_seconds, trust_parents=trust)


# ---------------------------------------------------------------- internals
EVENTS = ("source", "target", "time", "kind")


def _step(step_seconds) -> None:
    try:
        checks.real("step_seconds", step_seconds, 0.0, low_open=True)
    except ValueError as err:
        raise ConfigError(str(err)) from None


def _require(df, columns, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise DataError(f"{what} lacks column(s) {', '.join(missing)}; it has {have}")
