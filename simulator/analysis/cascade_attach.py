"""The attachment rule of :mod:`simulator.analysis.cascade_import`, vectorised.

Rows are put in time order (ties broken by the labels, so the file's order never
matters); a user is reached at
their first appearance, as the child of their earliest exposure if that came
first, else as a root. :func:`attach` applies the rule to a cleaned table of
``parent -> child`` links and counts each data problem in the
:class:`~simulator.analysis.cascade_types.ImportReport` (the module docstring of
:mod:`~simulator.analysis.cascade_import` lists them). Every step is a whole-array
operation: pointer doubling finds roots, depths and the cycles of the naive
"earliest parent" graph.

Examples
--------
>>> import pandas as pd
>>> from simulator.analysis.cascade_types import ImportReport
>>> data = pd.DataFrame({"parent": [None, "a", "b"], "child": ["a", "b", "c"],
...                      "time": [0, 10, 20]})
>>> casc = attach(data, ImportReport(rows=3), 0, 10.0, False)
>>> casc.generation.tolist(), casc.report.links_kept, casc.report.accounted()
([0, 1, 2], 2, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.analysis.cascade_types import ImportedCascades, ImportReport
from simulator.cascade_log import ACTION_CODE, CascadeLog
from simulator.errors import DataError

__all__ = ["attach"]


def _seconds(values) -> np.ndarray:
    """Times as finite float64 seconds (datetimes: since the epoch), or a DataError naming
    the first bad value and its row (the table's index)."""
    values = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        return (values - pd.Timestamp(0, tz=values.dt.tz)).dt.total_seconds().to_numpy()
    numbers = pd.to_numeric(values, errors="coerce")
    if values.dtype == object:  # booleans and other objects are not times
        numbers[values.map(lambda v: isinstance(v, bool | np.bool_))] = np.nan
    out = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.argmax(bad))
        what = "is not finite" if np.isinf(out[i]) else "is not a number (seconds) or a datetime"
        value = values.iloc[i]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataError(f"time {value!r} in row {values.index[i]!r} {what}")
    return out


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks of labels in sorted order (by value, else by text): an order-free tie-break."""
    try:
        return pd.factorize(values, sort=True)[0]
    except TypeError:  # labels of mixed types
        return pd.factorize(np.asarray([f"{type(v).__name__}:{v}" for v in values]), sort=True)[0]


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


def _on_cycles(par: np.ndarray) -> np.ndarray:
    """Per node: the smallest node index of its cycle in ``v -> par[v]``, -1 off cycles."""
    n = par.size
    jump = np.where(par >= 0, par, np.arange(n))
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2))))) + 1):
        jump = jump[jump]
    on = np.zeros(n, bool)
    on[jump] = True
    on &= par >= 0
    low = np.where(on, np.arange(n), n)
    step = np.where(on, par, np.arange(n))
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2))))) + 1):  # min over the cycle
        low = np.minimum(low, low[step])
        step = step[step]
    return np.where(on, low, -1)


def _break_cycles(par: np.ndarray, first_seen: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Nodes to make roots: on each cycle the one seen first (ties: the smallest label)."""
    cycle = _on_cycles(par)
    nodes = np.flatnonzero(cycle >= 0)
    if not nodes.size:
        return nodes
    order = np.lexsort((rank[nodes], first_seen[nodes], cycle[nodes]))
    nodes = nodes[order]
    first_of_cycle = np.r_[True, cycle[nodes][1:] != cycle[nodes][:-1]]
    return nodes[first_of_cycle]


def attach(
    data: pd.DataFrame,
    report: ImportReport,
    missing: int,
    step_seconds: float,
    has_cascade: bool,
    trust_parents: bool = False,
) -> ImportedCascades:
    """Clean, order and attach ``data`` by the attachment rule; fill ``report``.

    ``data`` has columns ``parent, child, time`` (and ``cascade`` when
    ``has_cascade``), a missing parent declaring a root; ``missing`` rows were
    already dropped for a missing value. See :mod:`simulator.analysis.cascade_import`
    for the rule and the data problems counted. ``trust_parents``: every
    user's parent is the parent of their earliest link, whenever the parent
    was reached (a cycle of given links is broken at the user seen first).
    """
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
        raise DataError(f"no usable rows left: {'; '.join(report.lines()) or 'empty table'}")
    report.root_rows = int(is_root_row.sum())

    t = _seconds(data["time"])
    # time order; ties broken by the labels (root rows first), not by the file's order
    both = np.concatenate([data["child"].to_numpy(), data["parent"].to_numpy()[~is_root_row]])
    rank_all = _ranks(both)
    child_rank = rank_all[: len(data)]
    parent_rank = np.full(len(data), -1, np.int64)
    parent_rank[~is_root_row] = rank_all[len(data) :]
    tie = [child_rank, parent_rank]
    if has_cascade:
        tie.append(_ranks(data["cascade"].to_numpy()))
    order = np.lexsort((*tie, t))
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
    first_seen = np.minimum(first_in, first_out)
    naive = np.where(first_in < t.size, p[np.minimum(first_in, t.size - 1)], -1)
    if trust_parents:  # a child of its earliest link, unless declared a root before it
        first_root = _first(c[root_row], rows[root_row], n, t.size)
        is_child = first_in < first_root
        par = np.where(is_child, naive, -1)
        node_rank = np.zeros(n, np.int64)
        node_rank[c] = child_rank[order]
        node_rank[p[link]] = parent_rank[order][link]
        cut = _break_cycles(par, first_seen, node_rank)
        is_child[cut] = False
        par[cut] = -1
    else:
        is_child = first_in < first_out
        par = np.where(is_child, naive, -1)
    report.cycles = _count_cycles(naive)

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
    waited = (first_in[lp] < t.size) & (lr < first_in[lp])  # before the parent's exposure
    report.children_before_parent = int(
        ((kept if trust_parents else ~is_child[lp]) & waited).sum()
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
    if trust_parents:  # a child may be seen before its parent: generations first
        ev = np.lexsort((first_seen, depth, replicate))
        node_time = t[np.minimum(np.where(is_child, first_in, first_seen), t.size - 1)]
    else:
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
