"""Graph file formats: GML, GraphML, GEXF and Pajek in, GraphML and GEXF out.

Reading goes through networkx where it works, after the safety checks of
:mod:`simulator.network.io_xml`: GraphML and GEXF are parsed first with
:mod:`defusedxml` (no entity expansion, no external entities, whatever the
expat), Pajek files are checked line by line. GraphML that networkx rejects
(for example graph-tool's ``vector_float`` attributes) is read from the
defused tree, keeping attributes of unknown types as strings.

Use :mod:`simulator.network.io`; this module is an implementation detail.
"""

from __future__ import annotations

import io
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
from simulator.network.io_xml import check_pajek, safe_xml

_READERS = {
    "gml": lambda fh: nx.read_gml(fh, label=None),
    "graphml": nx.read_graphml,
    "gexf": nx.read_gexf,
    "pajek": lambda fh: nx.parse_pajek(io.TextIOWrapper(fh, encoding="utf-8-sig")),
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
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise NetworkFileError(f"{fname}: cannot read as {format}: {exc}") from exc
    if not data.strip():
        raise NetworkFileError(f"{fname}: empty file")
    root = None
    try:
        if format in ("graphml", "gexf"):
            root = safe_xml(data, fname)  # refuses entity bombs before networkx parses
        elif format == "pajek":
            check_pajek(data.decode("utf-8-sig").splitlines(), fname)
        graph = _READERS[format](io.BytesIO(data))
    except NetworkFileError:
        raise
    except (nx.NetworkXError, ET.ParseError, ValueError, KeyError, TypeError, IndexError) as exc:
        if format != "graphml" or isinstance(exc, UnicodeDecodeError):
            raise NetworkFileError(f"{fname}: cannot read as {format}: {_first(exc)}") from None
        graph = graphml_from_tree(root, fname)
    except (OSError, EOFError, RecursionError, AttributeError, AssertionError) as exc:
        raise NetworkFileError(f"{fname}: cannot read as {format}: {_first(exc)}") from None
    return graph_to_network(
        graph,
        directed=directed,
        node_label=node_label,
        weight=weight,
        name=network_name(path) if name is None else name,
        fname=fname,
    )


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_graphml_etree(path: Path) -> nx.MultiGraph | nx.MultiDiGraph:
    """Parse GraphML with (defused) ElementTree; see :func:`graphml_from_tree`."""
    fname = display_name(path)
    try:
        with open_binary(path) as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise NetworkFileError(f"{fname}: cannot read: {exc}") from None
    return graphml_from_tree(safe_xml(data, fname), fname)


def graphml_from_tree(root, fname: str) -> nx.MultiGraph | nx.MultiDiGraph:
    """A GraphML document's graph: nodes, edges, ``edgedefault`` and ``<data>``.

    Attribute types GraphML defines are converted; others (graph-tool's
    ``vector_float`` ...) are kept as strings. Key defaults apply. Parallel
    edges are kept (the Network constructor merges them). Nested graphs and
    hyperedges are ignored.
    """

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
                except ValueError:
                    raise NetworkFileError(f"{fname}: {name} {d.text!r} is not valid") from None
        return out

    graph.graph.update(data(graph_elem, "graph"))
    for elem in graph_elem:
        if tag(elem) == "node":
            if elem.get("id") is None:
                raise NetworkFileError(f"{fname}: a <node> has no id")
            graph.add_node(elem.get("id"), **data(elem, "node"))
    for elem in graph_elem:
        if tag(elem) == "edge":
            ends = elem.get("source"), elem.get("target")
            if None in ends:
                raise NetworkFileError(f"{fname}: an <edge> lacks its source or target")
            if not all(end in graph for end in ends):
                missing = next(end for end in ends if end not in graph)
                raise NetworkFileError(f"{fname}: an <edge> names node {missing!r}, not declared")
            graph.add_edge(*ends, **data(elem, "edge"))
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
    src, dst, keep, keys = _columns(network)
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


def write_gexf(network: Network, path) -> None:
    """Write ``network`` as GEXF 1.2 (gzip-compressed when the name ends in ``.gz``).

    Node ids are the original labels; edges carry ``strength`` and the same
    attributes as :func:`write_graphml`, nodes their ``node_attrs``. Reading
    the file back with :func:`~simulator.network.io.read_network` gives the
    same ``n``, ``m``, labels, strength and directedness.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from simulator.network.io import read_network
    >>> net = Network.from_labeled_edges(["a", "b"], ["b", "c"], weight=[0.5, 1.0])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.gexf"
    >>> write_gexf(net, path)
    >>> back = read_network(path)
    >>> back.labels.tolist(), back.m, back.strength.tolist()
    (['a', 'b', 'c'], 2, [0.5, 1.0])
    """
    src, dst, keep, keys = _columns(network)
    types = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
    kind = "undirected" if network.undirected else "directed"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
        f'  <graph defaultedgetype="{kind}" mode="static">',
    ]
    ids = {}
    for domain in ("node", "edge"):
        own = [(name, v) for (dom, name), v in keys.items() if dom == domain]
        if not own:
            continue
        lines.append(f'    <attributes class="{domain}">')
        for name, values in own:
            ids[domain, name] = str(len(ids))
            kind_ = types[_graphml_type(values)]
            lines.append(
                f'      <attribute id="{ids[domain, name]}" title={quoteattr(name)} '
                f'type="{kind_}"/>'
            )
        lines.append("    </attributes>")
    labels = [quoteattr(str(lab)) for lab in network.labels.tolist()]
    node_keys = [(ids[k], v) for k, v in keys.items() if k[0] == "node"]
    lines.append("    <nodes>")
    for i, label in enumerate(labels):
        lines.append(f"      <node id={label} label={label}>{_attvalues(node_keys, i)}</node>")
    lines.append("    </nodes>")
    edge_keys = [(ids[k], v) for k, v in keys.items() if k[0] == "edge"]
    lines.append("    <edges>")
    for a, (u, v) in enumerate(zip(src[keep].tolist(), dst[keep].tolist(), strict=True)):
        lines.append(
            f"      <edge source={labels[u]} target={labels[v]}>{_attvalues(edge_keys, a)}</edge>"
        )
    lines += ["    </edges>", "  </graph>", "</gexf>", ""]
    with open_write(path) as fh:
        fh.write("\n".join(lines))


def _columns(network: Network):
    """Arc ends, which arcs to write (an undirected edge once) and the attribute columns."""
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
    return src, dst, keep, keys


def _text(value) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value.tolist() if hasattr(value, "tolist") else value)


def _attvalues(keys, i: int) -> str:
    if not keys:
        return ""
    parts = "".join(f'<attvalue for="{k}" value={quoteattr(_text(v[i]))}/>' for k, v in keys)
    return f"<attvalues>{parts}</attvalues>"


def _graphml_type(values: np.ndarray) -> str:
    kind = np.asarray(values).dtype.kind
    return {"b": "boolean", "i": "long", "u": "long", "f": "double"}.get(kind, "string")


def _data(keys, i: int) -> str:
    return "".join(f'<data key="{k}">{escape(_text(v[i]))}</data>' for k, v in keys)
