"""Read and write networks: edge lists (SNAP, KONECT, CSV/TSV), GML, GraphML, GEXF, Pajek.

Conventions shared by every reader:

- **Directedness.** ``directed=None`` takes the file's own statement (GML,
  GraphML, GEXF, Pajek, or the header written by :func:`write_edgelist`);
  plain edge lists default to **directed**. Pass ``directed=False`` for
  undirected edge lists such as SNAP's ca-GrQc or facebook_combined.
- **Labels.** Nodes keep their labels from the file: integer ids stay ints,
  strings stay strings (graph formats: strings that spell integers, such as
  GraphML ids ``"1"``, become ints). ``Network.labels`` maps indices back.
- **Tie strength.** A non-negative raw weight becomes strength
  ``weight / max(weight)`` in [0, 1], the maximum taken over the ties that
  are not self-loops (those are dropped); without a weight, or with signed
  weights (ratings -10..+10), every tie has strength 1.0. Raw columns
  (``weight``, ``rating``, ``timestamp`` ...) are kept unchanged in
  ``Network.arc_attrs`` for :mod:`simulator.network.ties` to map later.
- **Cleaning.** Self-loops are dropped and duplicate arcs merged by the
  Network constructor; ``Network.cleaning`` reports the counts and
  ``Network.name`` is the file stem.
- **Errors.** A missing, empty or malformed file raises
  :class:`NetworkFileError` with one line naming the file and the line.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ratings.csv"
>>> rows = ["# who rates whom", "1,2,4,1289241911", "2,3,-2,1289241941", "3,3,1,1289241990"]
>>> _ = path.write_text("\\n".join(rows))
>>> net = read_network(path)
>>> net, net.cleaning.self_loops_dropped
(<Network 'ratings': 3 nodes, 2 arcs (directed)>, 1)
>>> net.arc_attrs["weight"].tolist(), net.strength.tolist()  # signed: strength stays 1
([4, -2], [1.0, 1.0])
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import checks
from simulator.network.core import Network
from simulator.network.io_common import NetworkFileError, check_file, display_name
from simulator.network.io_edgelist import read_edgelist, read_table, scan_preamble, write_edgelist
from simulator.network.io_graph import read_graph, write_gexf, write_graphml

__all__ = [
    "NetworkFileError",
    "detect_format",
    "read_events",
    "table_layout",
    "read_network",
    "read_node_attribute",
    "write_edgelist",
    "write_gexf",
    "write_graphml",
]

FORMATS = ("edgelist", "gml", "graphml", "gexf", "pajek")
_SUFFIXES = {
    ".gml": "gml",
    ".graphml": "graphml",
    ".xml": "graphml",
    ".gexf": "gexf",
    ".net": "pajek",
    ".paj": "pajek",
}
EVENT_COLUMNS = ("source", "target", "time", "kind")


def detect_format(path) -> str:
    """Format named by the file suffix (``.gz`` stripped first); else ``"edgelist"``.

    Examples
    --------
    >>> detect_format("lesmis.net"), detect_format("g.graphml.gz"), detect_format("out.advogato")
    ('pajek', 'graphml', 'edgelist')
    """
    name = Path(path).name.lower()
    name = name[:-3] if name.endswith(".gz") else name
    return _SUFFIXES.get(Path(name).suffix, "edgelist")


def read_network(path, format: str = "auto", directed: bool | None = None, **options) -> Network:
    """Read a network file into a :class:`~simulator.network.core.Network`.

    Parameters
    ----------
    path : str or Path
        The file; gzip compression is detected from its first bytes.
    format : {"auto", "edgelist", "gml", "graphml", "gexf", "pajek"}
        ``"auto"`` goes by the suffix (:func:`detect_format`).
    directed : bool, optional
        None: the file's own statement; edge lists default to directed.
        True/False override (an undirected edge becomes two arcs).
    **options
        Every format: ``name`` (default: the file stem) and ``weight``, the
        column or edge attribute giving tie strength (``"auto"``: the first
        numeric one of ``strength`` (used as is), ``weight``, ``value``; None:
        strength 1.0 for all ties).

        Edge lists: ``columns``, names of the leading columns (None skips a
        column), which must include ``"source"`` and ``"target"``; default
        ``("source", "target", "weight", "timestamp")``, or the names on a
        header line that has ``source`` and ``target``. Swap the two names to
        reverse arcs, e.g. ``("target", "source", "weight")`` for Higgs
        retweets, where A retweeted B means the message travelled B -> A.
        ``delimiter``: sniffed from the first data line (comma, tab, else
        whitespace). ``header``: ``"auto"`` skips a first line of column names
        (non-numeric where the next line is numeric, or starting with
        ``source target``); True/False force it. Lines starting with ``#`` or
        ``%`` are comments.

        GML, GraphML, GEXF, Pajek: ``node_label``, a node attribute to use as
        labels instead of the node ids (e.g. ``"name"``).

    Returns
    -------
    Network

    Raises
    ------
    NetworkFileError
        The file is missing, empty or malformed (the message names the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.trust"
    >>> _ = path.write_text("source_id target_id trust_value\\n1 2 .8\\n2 1 .6\\n1 1 1\\n")
    >>> net = read_network(path)
    >>> net.n, net.m, str(net.cleaning)
    (2, 2, '3 input arcs: 1 self-loops dropped, 0 duplicate arcs merged')
    >>> net.arc_attrs["weight"].tolist(), net.strength.round(3).tolist()  # strongest kept: 1
    ([0.8, 0.6], [1.0, 0.75])
    """
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    if fmt == "edgelist":
        return read_edgelist(path, directed, **options)
    return read_graph(path, fmt, directed, **options)


def table_layout(path, delimiter=None) -> tuple[list[str] | None, int, int]:
    """A delimited file's header names (lowercased; None without a header line), its number
    of columns and the line number of its first data row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "links.csv"
    >>> _ = path.write_text("# links\\nParent,Child,Time\\na,b,0\\n")
    >>> table_layout(path)
    (['parent', 'child', 'time'], 3, 3)
    """
    path = check_file(path)
    try:
        pre = scan_preamble(path, delimiter)
    except UnicodeDecodeError as exc:
        raise NetworkFileError(f"{display_name(path)}: not UTF-8 text ({exc.reason})") from None
    except (OSError, EOFError) as exc:
        raise NetworkFileError(f"{display_name(path)}: cannot read ({exc})") from None
    if pre is None or not pre.width:
        raise NetworkFileError(f"{display_name(path)}: empty file (no data lines)")
    return pre.header, pre.width, pre.first_line


def read_events(
    path,
    columns=EVENT_COLUMNS,
    *,
    delimiter=None,
    header="auto",
    labels=("source", "target"),
    optional=(),
) -> pd.DataFrame:
    """Read a table of timestamped interactions (one row per event), in file order.

    Parameters
    ----------
    path : str or Path
        Delimited text, optionally gzipped, as for edge lists.
    columns : sequence of str or None
        Names of the leading columns; further columns are dropped. A ``time``
        column must hold finite numbers (the first line that does not is named).
    labels : sequence of str
        The columns holding user ids (int64 when all spell integers, else strings).
    optional : sequence of str
        Columns that may be empty (or ``NA``, ``null``, ``-`` ...): None there.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target``, ``time``, ``kind`` by default (as many
        as the file has).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "activity.txt"
    >>> _ = path.write_text("7 3 1341100972 RT\\n8 3 1341100990 MT\\n")
    >>> read_events(path).to_dict("list")
    {'source': [7, 8], 'target': [3, 3], 'time': [1341100972, 1341100990], 'kind': ['RT', 'MT']}
    """
    frame, _ = read_table(
        path,
        list(columns),
        delimiter=delimiter,
        header=header,
        default=(),
        strict=False,
        numeric_columns=("time",),
        label_columns=frozenset(labels),
        optional=tuple(optional),
    )
    return frame


def read_node_attribute(path, network: Network, name: str, *, column: int = 1, default=None):
    """A copy of ``network`` with a node attribute read from a ``node value`` file.

    Parameters
    ----------
    path : str or Path
        Delimited text (optionally gzipped): node label, then value columns.
    network : Network
    name : str
        Key in ``node_attrs``.
    column : int
        Zero-based column holding the value.
    default : optional
        Value for nodes the file does not list; None makes them an error.
        Labels the network lacks are ignored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = Network.from_labeled_edges([10, 11], [11, 12])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dept.txt"
    >>> _ = path.write_text("10 1\\n11 1\\n12 4\\n")
    >>> read_node_attribute(path, net, "department").node_attrs["department"].tolist()
    [1, 1, 4]
    """
    column = checks.integer("column", column)  # column 0 holds the node labels
    path = check_file(path)
    fname = display_name(path)
    names = ["node", *[None] * (column - 1), name]
    frame, _ = read_table(path, names, default=(), strict=False)
    if name not in frame:
        raise NetworkFileError(f"{fname}: no column {column} (the file has {frame.shape[1]})")
    nodes, values = frame["node"], frame[name].to_numpy()
    if nodes.duplicated().any():
        first = nodes[nodes.duplicated()].tolist()[0]
        raise NetworkFileError(f"{fname}: node {first!r} listed twice")
    where = pd.Index(nodes).get_indexer(pd.Index(network.labels))
    missing = where < 0
    if missing.any() and default is None:
        raise NetworkFileError(
            f"{fname}: no value for {missing.sum()} of {network.n} nodes "
            f"(e.g. {network.labels[missing].tolist()[0]!r})"
        )
    attr = values[np.where(missing, 0, where)]
    if missing.any():
        attr = np.where(missing, default, attr)
    return replace(network, node_attrs={**network.node_attrs, name: attr})
