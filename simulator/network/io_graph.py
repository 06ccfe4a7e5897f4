"""Graph file formats: GML, GraphML, GEXF and Pajek in, GraphML out.

Reading goes through networkx where it works. GraphML that networkx rejects
(for example graph-tool's ``vector_float`` attributes) is parsed again with
:mod:`xml.etree.ElementTree`, keeping attributes of unknown types as strings.

Use :mod:`simulator.network.io`; this module is an implementation detail.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import numpy as np

from simulator.network.core import Network
from simulator.network.io_common import (
    NetworkFileError,
    as_column,
    as_labels,
    check_file,
    display_name,
    network_name,
    open_binary,
    open_write,
    tie_columns,
)

_READERS = {
    "gml": lambda fh: nx.read_gml(fh, label=None),
    "graphml": nx.read_graphml,
    "gexf": nx.read_gexf,
    "pajek": nx.read_pajek,
}
_GRAPHML_TYPES = {
    "boolean": lambda s: s.strip().lower() in ("true", "1"),
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "string": str,
}


def read_graph(
    path,
    format: str,
    directed: bool | None = None,
    *,
    node_label: str | None = None,
    weight: str | None = "auto",
    name: str | None = None,
) -> Network:
    """Read a GML, GraphML, GEXF or Pajek file; see :func:`~simulator.network.io.read_network`."""
    path = check_file(path)
    fname = display_name(path)
    try:
        with open_binary(path) as fh:
            graph = _READERS[format](fh)
    except (nx.NetworkXError, ET.ParseError, ValueError, KeyError, TypeError, IndexError) as exc:
        if format != "graphml":
            raise NetworkFileError(f"{fname}: cannot read as {format}: {exc}") from exc
        graph = read_graphml_etree(path)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise NetworkFileError(f"{fname}: cannot read as {format}: {exc}") from exc
    return graph_to_network(
        graph,
        directed=directed,
        node_label=node_label,
        weight=weight,
        name=network_name(path) if name is None else name,
        fname=fname,
    )


def read_graphml_etree(path: Path) -> nx.MultiGraph | nx.MultiDiGraph:
    """Parse GraphML with ElementTree: nodes, edges, ``edgedefault`` and ``<data>``.

    Attribute types GraphML defines are converted; others (graph-tool's
    ``vector_float`` ...) are kept as strings. Key defaults apply. Parallel
    edges are kept (the Network constructor merges them). Nested graphs and
    hyperedges are ignored.
    """
    fname = display_name(path)
    try:
        with open_binary(path) as fh:
            root = ET.parse(fh).getroot()
    except ET.ParseError as exc:
        raise NetworkFileError(f"{fname} line {exc.position[0]}: invalid XML ({exc})") from exc

    def tag(elem) -> str:
        return elem.tag.rsplit("}", 1)[-1]

    keys = {}  # id -> (domain, name, cast, default)
    for key in root:
        if tag(key) == "key":
            cast = _GRAPHML_TYPES.get(key.get("attr.type", "string"), str)
            default = next((d.text for d in key if tag(d) == "default"), None)
            name = key.get("attr.name", key.get("id"))
            keys[key.get("id")] = (key.get("for", "all"), name, cast, default)
    graph_elem = next((g for g in root if tag(g) == "graph"), None)
    if graph_elem is None:
        raise NetworkFileError(f"{fname}: no <graph> element")
    directed = graph_elem.get("edgedefault", "directed") == "directed"
    graph = nx.MultiDiGraph() if directed else nx.MultiGraph()

    def data(elem, domain: str) -> dict:
        out = {
            name: cast(default)
            for dom, name, cast, default in keys.values()
            if dom in (domain, "all") and default is not None
        }
        for d in elem:
            if tag(d) == "data" and d.get("key") in keys:
                _, name, cast, _ = keys[d.get("key")]
                try:
                    out[name] = cast(d.text or "")
                except ValueError as exc:
                    raise NetworkFileError(f"{fname}: {name} {d.text!r} is not valid") from exc
        return out

    graph.graph.update(data(graph_elem, "graph"))
    for elem in graph_elem:
        if tag(elem) == "node":
            graph.add_node(elem.get("id"), **data(elem, "node"))
    for elem in graph_elem:
        if tag(elem) == "edge":
            graph.add_edge(elem.get("source"), elem.get("target"), **data(elem, "edge"))
    return graph


def graph_to_network(
    graph,
    *,
    directed: bool | None = None,
    node_label: str | None = None,
    weight: str | None = "auto",
    name: str = "",
    fname: str = "graph",
) -> Network:
    """Convert a networkx graph keeping labels and raw edge attributes.

    Node and edge attributes present on every node (edge) become
    ``node_attrs`` (``arc_attrs``); tie strength follows
    :func:`~simulator.network.io_common.tie_columns`. Parallel edges of a
    multigraph are merged by the Network cleaning policy.
    """
    if directed is not None and directed != graph.is_directed():
        graph = graph.to_directed() if directed else graph.to_undirected()
    nodes = list(graph.nodes)
    node_attrs = _common_columns([graph.nodes[v] for v in nodes])
    if node_label is None:
        labels = as_labels(nodes)
    else:
        if node_label not in node_attrs:
            raise NetworkFileError(f"{fname}: node attribute {node_label!r} missing on some nodes")
        labels = as_labels(node_attrs.pop(node_label))
        if len(set(labels.tolist())) != len(labels):
            raise NetworkFileError(f"{fname}: node attribute {node_label!r} is not unique")
    index = {v: i for i, v in enumerate(nodes)}
    edges = list(graph.edges(data=True))
    src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
    arc = _common_columns([d for _, _, d in edges])
    strength, trust, layer = tie_columns(arc, weight, fname, loops=src == dst)
    try:
        return Network.from_edges(
            src,
            dst,
            n=len(nodes),
            directed=graph.is_directed(),
            weight=strength,
            trust=trust,
            layer=layer,
            labels=labels,
            node_attrs=node_attrs,
            arc_attrs=arc,
            name=name,
        )
    except ValueError as exc:
        raise NetworkFileError(f"{fname}: {exc}") from exc


def _common_columns(records: list[dict]) -> dict[str, np.ndarray]:
    """Columns for the keys every record has, in the first record's key order."""
    if not records:
        return {}
    common = set.intersection(*(set(r) for r in records))
    return {k: as_column(r[k] for r in records) for k in records[0] if k in common}


def write_graphml(network: Network, path) -> None:
    """Write ``network`` as GraphML (gzip-compressed when the name ends in ``.gz``).

    Node ids are the original labels. Edges carry ``strength`` and, when
    present, ``trust``, ``layer`` and every raw arc attribute; nodes carry
    ``node_attrs``. An undirected network is written with
    ``edgedefault="undirected"``, each edge once. Reading the file back with
    :func:`~simulator.network.io.read_network` gives the same ``n``, ``m``,
    labels, strength and directedness (string labels that spell integers come
    back as ints).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from simulator.network.io import read_network
    >>> net = Network.from_edges([0, 1], [1, 2], directed=False, weight=[0.25, 1.0])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "path.graphml"
    >>> write_graphml(net, path)
    >>> back = read_network(path)
    >>> back.undirected, back.m, back.strength.tolist()
    (True, 4, [0.25, 0.25, 1.0, 1.0])
    """
    src, dst = network.edges()
    keep = src < dst if network.undirected else np.ones(network.m, dtype=bool)
    edge_cols = {"strength": network.strength}
    if network.trust is not None:
        edge_cols["trust"] = network.trust
    if network.layer is not None:
        edge_cols["layer"] = network.layer_of_arcs().astype(str)
    edge_cols.update(network.arc_attrs)
    edge_cols = {k: np.asarray(v)[keep] for k, v in edge_cols.items()}
    keys = {("node", k): v for k, v in network.node_attrs.items()}
    keys.update({("edge", k): v for k, v in edge_cols.items()})
    ids = {dk: f"{dk[0][0]}{i}" for i, dk in enumerate(keys)}

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    for (domain, name), values in keys.items():
        lines.append(
            f'  <key id="{ids[domain, name]}" for="{domain}" attr.name={quoteattr(name)} '
            f'attr.type="{_graphml_type(values)}"/>'
        )
    kind = "undirected" if network.undirected else "directed"
    lines.append(f'  <graph id={quoteattr(network.name or "G")} edgedefault="{kind}">')
    node_keys = [(ids[k], v) for k, v in keys.items() if k[0] == "node"]
    labels = [quoteattr(str(lab)) for lab in network.labels.tolist()]
    for i, label in enumerate(labels):
        lines.append(f"    <node id={label}>{_data(node_keys, i)}</node>")
    edge_keys = [(ids[k], v) for k, v in keys.items() if k[0] == "edge"]
    for a, (u, v) in enumerate(zip(src[keep].tolist(), dst[keep].tolist(), strict=True)):
        lines.append(
            f"    <edge source={labels[u]} target={labels[v]}>{_data(edge_keys, a)}</edge>"
        )
    lines += ["  </graph>", "</graphml>", ""]
    with open_write(path) as fh:
        fh.write("\n".join(lines))


def _graphml_type(values: np.ndarray) -> str:
    kind = np.asarray(values).dtype.kind
    return {"b": "boolean", "i": "long", "u": "long", "f": "double"}.get(kind, "string")


def _data(keys, i: int) -> str:
    parts = []
    for key_id, values in keys:
        value = values[i]
        if isinstance(value, bool | np.bool_):
            text = "true" if value else "false"
        elif isinstance(value, float | np.floating):
            text = repr(float(value))
        else:
            text = escape(str(value.tolist() if hasattr(value, "tolist") else value))
        parts.append(f'<data key="{key_id}">{text}</data>')
    return "".join(parts)
