"""Queries on a public record that several scoring rules share.

Pure functions of a :class:`~simulator.contest.record.PublicRecord` (and of
arrays of its rows): per-link sums, who owns a link, who follows whom, and
which push of a link an action answered.

Examples
--------
>>> import pandas as pd
>>> from simulator.contest.record import PublicRecord
>>> rec = PublicRecord(
...     players=pd.DataFrame({"link": [0, 1], "account": [5, 6]}),
...     posts=pd.DataFrame({"account": [5, 5], "step": [0, 8], "link": [0, 0], "mentions": 0}),
...     clicks=pd.DataFrame(), shares=pd.DataFrame(), conversions=pd.DataFrame(),
...     follows=pd.DataFrame({"follower": [7], "account": [5]}),
...     accounts=pd.DataFrame({"account": [5, 6, 7], "age_days": 900, "activity": 1}),
...     unfollows=pd.DataFrame(), reports=pd.DataFrame())
>>> per_link(rec, [0, 0, 1]).tolist(), link_owner(rec, [1]).tolist()
([2.0, 1.0], [6])
>>> follows(rec, [7, 7], [5, 6]).tolist()
[True, False]
>>> acts = pd.DataFrame({"account": [5, 5], "link": [0, 0], "step": [3, 9]})
>>> push_index(rec, acts, "account").tolist()  # after the first post, after the second
[1, 2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.contest.record import PublicRecord

__all__ = [
    "per_link",
    "link_owner",
    "follows",
    "push_index",
    "cuts_after_clicks",
    "frozen_fingerprint",
    "once_per_graph",
]


def per_link(record: PublicRecord, links, weights=None) -> np.ndarray:
    """Sum of ``weights`` (1 each by default) per link, one entry per player."""
    n = len(record.players)
    links = np.asarray(links, np.int64)
    return np.bincount(links, weights=weights, minlength=n).astype(np.float64)[:n]


def link_owner(record: PublicRecord, links) -> np.ndarray:
    """The player account of each link in ``links``."""
    return record.players["account"].to_numpy()[np.asarray(links, np.int64)]


def _owned_read_only(array) -> bool:
    """Whether ``array`` and every array it is a view of are read-only, down to one that
    owns its data (a read-only view of a writable array can still change under it)."""
    while isinstance(array, np.ndarray):
        if array.flags.writeable:
            return False
        if array.base is None:
            return True
        array = array.base
    return False  # a view of a foreign buffer (e.g. arrow): not ours to trust


def frozen_fingerprint(table: pd.DataFrame) -> tuple | None:
    """What identifies a frozen table between calls: the object, its column names and
    the addresses of its columns' data; None unless every column is backed by a read-only
    numpy array that owns its data (the contest's public graph is:
    :func:`~simulator.contest.record._public_graph`). Editing such a table in place
    raises, and replacing or renaming a column changes the fingerprint, so a cache keyed by
    it never serves an edited table; other tables are not cached."""
    arrays = [np.asarray(table[c].array) for c in table.columns]
    if not all(_owned_read_only(a) for a in arrays):
        return None
    addresses = tuple(a.__array_interface__["data"][0] for a in arrays)
    return (id(table), len(table), tuple(table.columns), addresses)


#: name -> [fingerprint, table, extra, value]: the last result of each kind
_ON_GRAPH: dict[str, list] = {}


def _same(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is b or (np.shape(a) == np.shape(b) and bool(np.array_equal(a, b)))
    return a == b


def once_per_graph(name: str, table: pd.DataFrame, extra: tuple, compute):
    """``compute()``, reused while ``table`` (a follows table) is the same read-only table
    (:func:`frozen_fingerprint`) and ``extra`` (the other inputs, arrays compared by
    value) is unchanged; one entry per ``name``. The records of a contest, and of its
    variants with the same fake accounts, share one read-only follows table
    (record._public_graph), so what the rules derive from it is computed once, not once per
    rule and record. A result array is made read-only (its callers share it)."""
    fingerprint, last = frozen_fingerprint(table), _ON_GRAPH.get(name)
    if fingerprint is not None and last and last[1] is table and last[0] == fingerprint:
        if _same(last[2], extra):
            return last[3]
    value = compute()
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    if fingerprint is not None:  # the table is held, so its id and buffers stay its own
        _ON_GRAPH[name] = [fingerprint, table, extra, value]
    return value


def follows(record: PublicRecord, follower, account) -> np.ndarray:
    """Whether ``follower[i]`` follows ``account[i]`` in the public graph."""
    width = np.int64(int(record.accounts["account"].max()) + 1)
    table = record.follows
    graph = once_per_graph(
        "follow keys", table, (width,),
        lambda: np.sort(
            table["follower"].to_numpy(np.int64) * width + table["account"].to_numpy(np.int64)
        ),
    )  # fmt: skip
    key = np.asarray(follower, np.int64) * width + np.asarray(account, np.int64)
    if graph.size == 0 or key.size == 0:
        return np.zeros(key.size, bool)
    pos = np.minimum(np.searchsorted(graph, key), graph.size - 1)
    return graph[pos] == key


def push_index(record: PublicRecord, table: pd.DataFrame, account_col: str) -> np.ndarray:
    """For each row (an action at ``step`` on ``link`` via ``account``): how many
    posts of that link the account had made by then (at least 1). A crowd
    reshare is one push."""
    posts = record.posts
    account_p, link_p = posts["account"].to_numpy(np.int64), posts["link"].to_numpy(np.int64)
    step_p = posts["step"].to_numpy(np.int64)
    account, link = table[account_col].to_numpy(np.int64), table["link"].to_numpy(np.int64)
    step = table["step"].to_numpy(np.int64)
    # (account, link, step) packed into one sortable integer, widths from the data
    links = int(max(link_p.max(initial=-1), link.max(initial=-1))) + 1
    steps = int(max(step_p.max(initial=-1), step.max(initial=-1))) + 1
    accounts = int(max(account_p.max(initial=-1), account.max(initial=-1))) + 1
    if accounts * links * steps >= 2**62:
        raise ValueError(
            f"push_index: {accounts} accounts x {links} links x {steps} steps do not pack "
            "into 64 bits"
        )
    key_p = account_p * links + link_p
    order = np.lexsort((step_p, key_p))
    key_p, step_p = key_p[order], step_p[order]
    key = account * links + link
    lo = np.searchsorted(key_p, key, "left")
    # posts of (account, link) with step <= the action's step
    upto = np.searchsorted(key_p * steps + step_p, key * steps + step, "right")
    return np.maximum(upto - lo, 1)


def cuts_after_clicks(record: PublicRecord, cuts: pd.DataFrame) -> pd.DataFrame:
    """The ``cuts`` (rows of person, account, step: unfollows or reports) of an account by a
    person who had clicked a link on that account's post at or before the cut: one row per
    (cut, click) pair with the cut's ``person``, ``account``, ``step`` and the clicked
    ``link`` (the public join the rules' audience verdicts are made of), in the order of an
    inner merge of the cuts with the clicks on (person, account) (sorted searches, not a
    pandas merge: the rules join every record two or three times)."""
    columns = ["person", "account", "step", "link"]
    clicks = record.clicks
    if cuts.empty or clicks.empty:
        return pd.DataFrame({c: np.zeros(0, np.int64) for c in columns})
    clicker, via = clicks["clicker"].to_numpy(np.int64), clicks["via"].to_numpy(np.int64)
    person, account = cuts["person"].to_numpy(np.int64), cuts["account"].to_numpy(np.int64)
    width = int(max(via.max(), account.max(), 0)) + 1
    click_key = clicker * width + via
    order = np.argsort(click_key, kind="stable")  # each cut's clicks in their own order
    sorted_key = click_key[order]
    cut_key = person * width + account
    lo = np.searchsorted(sorted_key, cut_key, "left")
    count = np.searchsorted(sorted_key, cut_key, "right") - lo
    cut = np.repeat(np.arange(cut_key.size), count)
    nth = np.arange(cut.size) - np.repeat(np.cumsum(count) - count, count)
    click = order[np.repeat(lo, count) + nth]
    step = cuts["step"].to_numpy(np.int64)[cut]
    keep = clicks["step"].to_numpy(np.int64)[click] <= step
    return pd.DataFrame(
        {
            "person": person[cut][keep],
            "account": account[cut][keep],
            "step": step[keep],
            "link": clicks["link"].to_numpy(np.int64)[click][keep],
        }
    )
