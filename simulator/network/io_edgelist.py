"""Edge lists and other delimited tables: SNAP, KONECT, CSV/TSV, gzip.

The fast path hands the file to ``pandas.read_csv`` (C engine). Only when that
fails or the result has gaps does a line-by-line pass run, which either finds
the first bad line and raises :class:`NetworkFileError` naming it, or (for
files with comment lines in the middle) returns the cleaned table.

Use :mod:`simulator.network.io`; this module is an implementation detail.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import ConfigError
from simulator.network.core import Network
from simulator.network.io_common import (
    NetworkFileError,
    as_labels,
    check_file,
    display_name,
    is_gzip,
    network_name,
    open_text,
    open_write,
    tie_columns,
)

EDGE_COLUMNS = ("source", "target", "weight", "timestamp")
NUMERIC_COLUMNS = frozenset({"weight", "strength", "rating", "trust"})
LABEL_COLUMNS = frozenset({"source", "target", "node"})
CANONICAL_INT = r"-?(?:0|[1-9][0-9]*)"
MARKER = "# campaign-sim edgelist:"
NODE_PREFIX = "# node: "


@dataclass
class Preamble:
    """What the lines before the data say about a table file."""

    skip: int  # raw lines before the first data row
    sep: str | None  # "," or "\t" etc.; None means runs of whitespace
    width: int  # columns in the first data row
    first_line: int  # line number of the first data row
    header: list[str] | None = None  # column names from a header line
    directed: bool | None = None  # statement written by write_edgelist
    isolated: list[str] = field(default_factory=list)  # "# node: <label>" lines


def split_line(line: str, sep: str | None) -> list[str]:
    """Fields of one line: runs of whitespace, or ``sep`` with CSV quoting."""
    if sep is None:
        return line.split()
    return next(csv.reader([line.rstrip("\r\n")], delimiter=sep))


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _is_comment(line: str) -> bool:
    text = line.lstrip()
    return not text or text[0] in "#%"


def scan_preamble(path: Path, delimiter: str | None = None, header="auto") -> Preamble | None:
    """Read up to the second data row; None when the file has no data rows."""
    directed, isolated, rows = None, [], []
    with open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if _is_comment(line):
                if rows:
                    continue
                if line.startswith(MARKER):
                    directed = line[len(MARKER) :].split(",")[0].strip() == "directed"
                elif line.startswith(NODE_PREFIX):
                    isolated.append(line[len(NODE_PREFIX) :].rstrip("\r\n"))
                continue
            rows.append((lineno, line))
            if len(rows) == 2:
                break
    if not rows:
        return Preamble(0, None, 0, 0, directed=directed, isolated=isolated) if isolated else None
    lineno, line = rows[0]
    if delimiter is None:
        sep = "," if "," in line else "\t" if "\t" in line else None
    else:
        sep = None if delimiter.isspace() or delimiter == "whitespace" else delimiter
    first = split_line(line, sep)
    second = split_line(rows[1][1], sep) if len(rows) > 1 else None
    if header == "auto":
        names = [t.strip().lower() for t in first]
        header = (
            names[:2] == ["source", "target"]
            or {"parent", "child"} <= set(names)
            or (
                second is not None
                and any(
                    not _is_number(a) and _is_number(b)
                    for a, b in zip(first, second, strict=False)
                )
            )
        )
    pre = Preamble(lineno - 1, sep, len(first), lineno, directed=directed, isolated=isolated)
    if header:
        if second is None:
            return None
        pre.header = [t.strip().lower() for t in first]
        pre.skip, pre.width, pre.first_line = lineno, len(second), rows[1][0]
    return pre


def column_names(pre: Preamble, columns, default: tuple[str, ...], fname: str, strict=True):
    """Name of each of the ``pre.width`` columns (None = drop the column).

    Explicit ``columns`` naming more columns than the file has are an error
    when ``strict``, else cut to the file's width.
    """
    if columns is None:
        if pre.header and {"source", "target"} <= set(pre.header):
            columns = pre.header
        else:
            extra = [f"column{i + 1}" for i in range(len(default), pre.width)]
            columns = [*default[: pre.width], *extra]
    columns = list(columns) if strict else list(columns)[: pre.width]
    if len(columns) > pre.width:
        raise NetworkFileError(
            f"{fname} line {pre.first_line}: {len(columns)} column names given "
            f"but the line has {pre.width} columns"
        )
    return columns + [None] * (pre.width - len(columns))


def read_table(
    path,
    names=None,
    *,
    delimiter=None,
    header="auto",
    default=EDGE_COLUMNS,
    strict=True,
    numeric_columns=(),
    label_columns=LABEL_COLUMNS,
    optional=(),
):
    """Read a delimited table into a DataFrame with named columns.

    Returns ``(frame, preamble)``; raises NetworkFileError for a missing,
    empty or malformed file. ``names`` lists the name of each leading column
    (None drops a column); by default a header line with ``source`` and
    ``target`` names the columns, else ``default`` does. Columns named
    ``source``, ``target`` or ``node`` hold labels: int64 when every one of
    them spells an integer (``"007"`` does not), else strings.
    """
    path = check_file(path)
    fname = display_name(path)
    try:
        pre = scan_preamble(path, delimiter, header)
        if pre is None:
            raise NetworkFileError(f"{fname}: empty file (no data lines)")
        if not pre.width:  # only "# node:" lines
            return pd.DataFrame({"source": [], "target": []}), pre
        names = column_names(pre, names, default, fname, strict)
        wanted = NUMERIC_COLUMNS | set(numeric_columns)
        numeric = [i for i, n in enumerate(names) if n in wanted]
        labels = [i for i, n in enumerate(names) if n in label_columns]
        gaps = [i for i, n in enumerate(names) if n in optional]
        frame = _fast_read(path, pre, labels, gaps)
        if frame is None or not _clean(frame, numeric, gaps):
            frame = _careful_read(path, pre, names, numeric, labels, fname, gaps)
    except UnicodeDecodeError as exc:
        raise NetworkFileError(f"{fname}: not UTF-8 text ({exc.reason})") from exc
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise NetworkFileError(f"{fname}: corrupt gzip data ({exc})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NetworkFileError(f"{fname}: cannot parse as a table ({text})") from None
    if frame.shape[1] != len(names):
        raise NetworkFileError(
            f"{fname}: rows of {frame.shape[1]} columns, expected {len(names)} "
            f"(as on line {pre.first_line}); check the quoting"
        )
    present = {i: frame[i].dropna() for i in labels}
    as_int = all(v.str.fullmatch(CANONICAL_INT).all() for v in present.values())
    # ids beyond int64 stay strings (labels, not numbers): nothing is lost
    as_int = as_int and all(_fits_int64(v) for v in present.values())
    for i in labels:
        if i in gaps and frame[i].isna().any():
            values = frame[i].to_numpy(dtype=object)
            values[pd.isna(values)] = None
            if as_int:
                values = np.array([None if v is None else int(v) for v in values], dtype=object)
            frame[i] = pd.Series(values, index=frame.index, dtype=object)
        else:
            frame[i] = frame[i].astype(np.int64) if as_int else frame[i].to_numpy(dtype=object)
    frame.columns = names
    return frame[[n for n in names if n is not None]], pre


def _fits_int64(column: pd.Series) -> bool:
    """Whether every canonical integer string of ``column`` fits int64."""
    limit = np.iinfo(np.int64)
    long = column[column.str.len() >= 19]  # shorter ones always fit
    return all(limit.min <= int(v) <= limit.max for v in long)


#: Fields that mean "missing" in an optional column (e.g. the parent of a root).
MISSING_MARKERS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "-")


def _read_csv(source, pre: Preamble, skip: int, labels, compression=None, gaps=()) -> pd.DataFrame:
    na_values = {i: list(MISSING_MARKERS) if i in gaps else [""] for i in range(pre.width)}
    return pd.read_csv(
        source,
        sep=pre.sep or r"\s+",
        header=None,
        skiprows=skip,
        compression=compression,
        keep_default_na=False,
        na_values=na_values,
        dtype={i: str for i in labels},
        encoding="utf-8-sig",
        engine="c",
    )


def _fast_read(path: Path, pre: Preamble, labels, gaps=()) -> pd.DataFrame | None:
    try:
        compression = "gzip" if is_gzip(path) else None
        frame = _read_csv(path, pre, pre.skip, labels, compression, gaps)
    except pd.errors.ParserError:
        return None
    return frame if frame.shape[1] == pre.width else None


def _clean(frame: pd.DataFrame, numeric: list[int], gaps=()) -> bool:
    required = [i for i in range(frame.shape[1]) if i not in gaps]
    if frame.iloc[:, required].isna().to_numpy().any():
        return False
    for i in numeric:
        col = frame.iloc[:, i]
        if col.dtype.kind not in "iuf" or not np.all(np.isfinite(col.to_numpy())):
            return False
    return True


def _careful_read(
    path: Path, pre: Preamble, names, numeric, labels, fname, gaps=()
) -> pd.DataFrame:
    """Check every line; raise naming the first bad one, else parse the clean lines."""
    kept = []
    with open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if lineno <= pre.skip or _is_comment(line):
                continue
            tokens = split_line(line, pre.sep)
            where = f"{fname} line {lineno}"
            if pre.sep is not None and line.count('"') % 2:
                raise NetworkFileError(f"{where}: unbalanced quote")
            if len(tokens) < 2:
                raise NetworkFileError(f"{where}: expected at least 2 columns, got {len(tokens)}")
            if len(tokens) != pre.width:
                raise NetworkFileError(
                    f"{where}: expected {pre.width} columns (as on line {pre.first_line}), "
                    f"got {len(tokens)}"
                )
            empty = [i for i, t in enumerate(tokens) if t == "" and i not in gaps]
            if empty:
                raise NetworkFileError(f"{where}: column {empty[0] + 1} is empty")
            for i in numeric:
                if not _is_number(tokens[i]) or np.isnan(float(tokens[i])):
                    raise NetworkFileError(f"{where}: {names[i]} {tokens[i]!r} is not a number")
                if not np.isfinite(float(tokens[i])):
                    raise NetworkFileError(f"{where}: {names[i]} {tokens[i]!r} is not finite")
            kept.append(line if line.endswith("\n") else line + "\n")
    return _read_csv(io.StringIO("".join(kept)), pre, 0, labels, None, gaps)


def read_edgelist(
    path,
    directed: bool | None = None,
    *,
    columns=None,
    delimiter: str | None = None,
    header="auto",
    weight: str | None = "auto",
    name: str | None = None,
) -> Network:
    """Read an edge list; see :func:`simulator.network.io.read_network` for the options."""
    path = check_file(path)
    fname = display_name(path)
    if columns is not None and (
        list(columns).count("source") != 1 or list(columns).count("target") != 1
    ):
        raise ConfigError(f"columns must name 'source' and 'target' once each, got {columns}")
    frame, pre = read_table(path, columns, delimiter=delimiter, header=header)
    if directed is None:
        directed = True if pre.directed is None else pre.directed
    if "source" not in frame or "target" not in frame:
        if pre.width < 2:
            raise NetworkFileError(
                f"{fname} line {pre.first_line}: expected at least 2 columns "
                f"(source, target), got {pre.width}"
            )
        raise NetworkFileError(f"{fname}: header line does not name 'source' and 'target'")
    src, dst = frame["source"].to_numpy(), frame["target"].to_numpy()
    arc = {k: frame[k].to_numpy() for k in frame.columns if k not in ("source", "target")}
    strength, trust, layer = tie_columns(arc, weight, fname, loops=src == dst)
    nodes = None
    if pre.isolated:
        nodes = as_labels(pre.isolated)
        if src.size and src.dtype.kind in "iu" and nodes.dtype.kind not in "iu":
            raise NetworkFileError(f"{fname}: '# node:' labels are not integers like the edges")
        if src.size and src.dtype.kind not in "iu":
            nodes = nodes.astype(str).astype(object)
        if not src.size:
            src = dst = nodes[:0]
    try:
        return Network.from_labeled_edges(
            src,
            dst,
            directed=directed,
            nodes=nodes,
            weight=strength,
            trust=trust,
            layer=layer,
            arc_attrs=arc,
            name=network_name(path) if name is None else name,
        )
    except ValueError as exc:
        raise NetworkFileError(f"{fname}: {exc}") from exc


def write_edgelist(network: Network, path, weights: bool = True) -> None:
    """Write ``network`` as a tab-separated edge list of original labels.

    Parameters
    ----------
    network : Network
    path : str or Path
        Gzip-compressed when the name ends in ``.gz``.
    weights : bool
        Add a ``strength`` column with the tie strengths.

    Notes
    -----
    The file starts with a ``#`` line stating directedness and counts, then
    one ``# node: <label>`` line per isolated node, then a ``source target
    [strength]`` header line. An undirected network writes each edge once.
    :func:`~simulator.network.io.read_network` reads all of this back, so
    ``n``, ``m``, labels, strength and directedness survive a round trip
    (string labels that spell integers come back as ints). Labels must not
    contain tabs or line breaks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from simulator.network.io import read_network
    >>> net = Network.from_labeled_edges(["ann", "bob"], ["bob", "cy"], weight=[0.5, 1.0])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ties.tsv.gz"
    >>> write_edgelist(net, path)
    >>> back = read_network(path)
    >>> back.labels.tolist(), back.m, back.strength.tolist()
    (['ann', 'bob', 'cy'], 2, [0.5, 1.0])
    """
    src, dst = network.edges()
    strength = network.strength
    if network.undirected:
        keep = src < dst
        src, dst, strength = src[keep], dst[keep], strength[keep]
    labels = network.labels
    if labels.dtype.kind not in "iub":
        for label in labels:
            text = str(label)
            if not text or any(c in text for c in "\t\r\n"):
                raise ValueError(
                    f"label {label!r} is empty or contains a tab or line break; "
                    "write GraphML instead"
                )
    table = pd.DataFrame({"source": labels[src], "target": labels[dst]})
    if weights:
        table["strength"] = strength
    isolated = np.flatnonzero((network.out_degree() == 0) & (network.in_degree() == 0))
    kind, unit = ("undirected", "edges") if network.undirected else ("directed", "arcs")
    with open_write(path) as fh:
        fh.write(f"{MARKER} {kind}, {network.n} nodes, {len(src)} {unit}\n")
        fh.writelines(f"{NODE_PREFIX}{labels[i]}\n" for i in isolated)
        table.to_csv(fh, sep="\t", index=False)
