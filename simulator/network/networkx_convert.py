"""The networkx round trip of a `Network`: a graph's edges and attributes in, a graph out.

:meth:`Network.from_networkx <simulator.network.core.Network.from_networkx>` and
:meth:`Network.to_networkx <simulator.network.core.Network.to_networkx>` are the
public entry points; this module holds their work. It never imports the
``Network`` class (the class imports it): :func:`from_edges_arguments` returns the
arguments of ``Network.from_edges`` and :func:`to_networkx` reads a network's
public attributes.

>>> import networkx as nx
>>> args = from_edges_arguments(nx.path_graph(3))
>>> args["src"].tolist(), args["dst"].tolist(), args["directed"]
([0, 1], [1, 2], False)
"""

from __future__ import annotations

import numpy as np

from simulator.network.edge_checks import py_scalar

__all__ = ["from_edges_arguments", "to_networkx"]


def from_edges_arguments(
    graph,
    weight: str | None = "weight",
    layer: str | None = "layer",
    trust: str | None = "trust",
    name: str = "",
) -> dict:
    """The keyword arguments of ``Network.from_edges`` that rebuild a networkx graph.

    The rules (which attributes become tie attributes, raw arc columns and
    node attributes) are documented at
    :meth:`Network.from_networkx <simulator.network.core.Network.from_networkx>`.
    """
    nodes = list(graph.nodes())
    index = {v: i for i, v in enumerate(nodes)}
    edges = list(graph.edges(data=True))
    src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))

    def column(key):
        if key is None or not edges or not all(key in d for _, _, d in edges):
            return None
        return [d[key] for _, _, d in edges]

    raw = {}
    if edges:
        for key in sorted(set.intersection(*(set(d) for _, _, d in edges))):
            values = np.asarray([d[key] for _, _, d in edges])
            if values.dtype.kind in "biuf":
                raw[key] = values
    strength = column(weight)
    if strength is not None:
        values = np.asarray(strength, dtype=np.float64)
        if values.size and (values.min() < 0 or values.max() > 1):
            strength = None
    node_attrs = {}
    if nodes:
        keys = set.intersection(*(set(d) for _, d in graph.nodes(data=True)))
        for key in sorted(keys):
            node_attrs[key] = np.asarray([graph.nodes[v][key] for v in nodes])
    labels = np.empty(len(nodes), dtype=object)
    labels[:] = nodes
    if all(isinstance(v, (int, np.integer)) for v in nodes):
        labels = labels.astype(np.int64)
    return {
        "src": src,
        "dst": dst,
        "n": len(nodes),
        "directed": graph.is_directed(),
        "weight": strength,
        "layer": column(layer),
        "trust": column(trust),
        "labels": labels,
        "node_attrs": node_attrs,
        "arc_attrs": raw,
        "name": name or str(graph.graph.get("name", "")),
    }


def to_networkx(net):
    """``net`` (a ``Network``) as a networkx DiGraph, or Graph if built from undirected edges.

    Nodes carry their original labels; arcs carry ``weight`` (tie strength),
    and ``layer`` and ``trust`` when present.
    """
    import networkx as nx

    graph = nx.Graph() if net.undirected else nx.DiGraph()
    labels = net.labels.tolist()
    for i, lab in enumerate(labels):
        graph.add_node(lab, **{k: py_scalar(v[i]) for k, v in net.node_attrs.items()})
    src, dst = net.edges()
    layers = None if net.layer is None else net.layer_of_arcs()
    for a in range(net.m):
        u, v = int(src[a]), int(dst[a])
        if net.undirected and u > v:
            continue
        data = {"weight": float(net.strength[a])}
        if layers is not None:
            data["layer"] = str(layers[a])
        if net.trust is not None:
            data["trust"] = float(net.trust[a])
        graph.add_edge(labels[u], labels[v], **data)
    if net.name:
        graph.graph["name"] = net.name
    return graph
