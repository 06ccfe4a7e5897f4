"""The `Network`: directed arcs in CSR arrays with per-arc tie attributes.

Arcs point the way a message travels: an arc ``u -> v`` means that ``v`` can
see what ``u`` posts (``v`` follows ``u``, or ``u`` and ``v`` are friends).
The out-degree of ``u`` is therefore its audience ("followers"). An
undirected input edge becomes two arcs, one each way.

Arcs are stored sorted by source in compressed sparse row (CSR) form:
the out-neighbours of node ``u`` are ``indices[indptr[u]:indptr[u + 1]]``.
Per-arc attributes (``strength``, ``layer``, ``trust``) are aligned with
``indices``. Nodes are ``0..n-1`` internally; ``labels[i]`` is the label of
node ``i`` in the original file or graph and is used in every output.

Cleaning policy (one policy, applied by every constructor): self-loops are
dropped; duplicate arcs are merged into one, keeping the **maximum** tie
strength and trust and the first layer. What was dropped or merged is
recorded in ``Network.cleaning``.

This module is long because it is one data structure: :class:`Network`, its
two constructors (``from_edges`` checks and cleans every arc attribute, layer
and label in one place, so every reader and generator gets the same checks and
the same cleaning policy), its CSR accessors and its networkx round trip.
Splitting the class over several modules would scatter the invariants of one
structure; the file readers (:mod:`simulator.network.io`) and the generators
(:mod:`simulator.network.generators`) already live elsewhere, and about half
of the lines are docstrings with runnable examples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Network", "CleaningReport"]


@dataclass(frozen=True)
class CleaningReport:
    """What the constructor dropped or merged from its input arcs."""

    arcs_in: int = 0
    self_loops_dropped: int = 0
    duplicates_merged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.arcs_in} input arcs: {self.self_loops_dropped} self-loops dropped, "
            f"{self.duplicates_merged} duplicate arcs merged"
        )


def _layer_codes(layer, m: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Layer names per edge, or ``(int codes, names)``, as int8 codes and a names tuple."""
    if isinstance(layer, tuple) and len(layer) == 2:
        codes, names = np.asarray(layer[0]), tuple(str(x) for x in layer[1])
        if codes.shape != (m,) or codes.dtype.kind not in "iu":
            raise ValueError(f"layer codes must be {m} integers")
        if codes.size and (codes.min() < 0 or codes.max() >= len(names)):
            raise ValueError(f"layer codes must index the {len(names)} layer names")
    else:
        layer_arr = np.asarray(layer).astype(str)
        if layer_arr.shape != (m,):
            raise ValueError(f"layer must have one value per edge ({m})")
        names, codes = np.unique(layer_arr, return_inverse=True)
        names = tuple(str(x) for x in names)
    if len(names) > 127:
        raise ValueError(f"at most 127 layers are supported, got {len(names)}")
    return codes.astype(np.int8), names


def _as_unit_interval(values, name: str, m: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (m,):
        raise ValueError(f"{name} must have one value per edge ({m}), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
        raise ValueError(
            f"{name} must lie in [0, 1], got range [{arr.min():g}, {arr.max():g}]; "
            "normalise raw weights with simulator.network.ties first"
        )
    return arr


def _node_ids(name: str, values) -> np.ndarray:
    """``values`` as int64 node indices; whole floats are accepted, others refused.

    Truncating ``0.5`` to ``0`` would silently merge nodes (``run_cascades``
    likewise refuses float seeds).

    >>> _node_ids("src", [0.0, 2.0]).tolist()
    [0, 2]
    >>> _node_ids("src", [0.5])
    Traceback (most recent call last):
    ...
    ValueError: src must hold integer node indices, got 0.5
    """
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        bad = arr[~np.isfinite(arr) | (arr != np.round(arr))]
        if bad.size:
            raise ValueError(f"{name} must hold integer node indices, got {float(bad.flat[0]):g}")
    elif arr.size and arr.dtype.kind not in "iub":
        raise ValueError(f"{name} must hold integer node indices, got dtype {arr.dtype}")
    return arr.astype(np.int64).ravel()


@dataclass(eq=False)
class Network:
    """Directed network in CSR form with tie attributes.

    Build one with :meth:`from_edges`, :meth:`from_networkx`, a generator in
    :mod:`simulator.network.generators` or a reader in
    :mod:`simulator.network.io`.

    Attributes
    ----------
    indptr : int64 array, shape (n + 1,)
    indices : int32 array, shape (m,)
        Target node of each arc, arcs sorted by source then target.
    strength : float64 array, shape (m,)
        Tie strength in [0, 1] (1 = strongest).
    layer : int8 array (m,) or None
        Index into ``layer_names`` (e.g. "community", "broadcast").
    trust : float64 array (m,) or None
        Trust rating in [0, 1] that the target places in the source.
    labels : array (n,)
        Original node labels.
    node_attrs : dict of str -> array (n,)
        Node attributes from the input (e.g. department labels).
    arc_attrs : dict of str -> array (m,)
        Raw per-arc columns from the input (e.g. ``"weight"``, ``"rating"``,
        ``"timestamp"``), aligned with ``indices``; a merged duplicate keeps the
        values of the arc with the strongest tie.
    undirected : bool
        True when the network came from undirected edges (each edge two arcs).
    cleaning : CleaningReport

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], directed=False)
    >>> net.n, net.m
    (3, 6)
    >>> net.out_neighbors(0).tolist()
    [1, 2]
    """

    indptr: np.ndarray
    indices: np.ndarray
    strength: np.ndarray
    labels: np.ndarray
    layer: np.ndarray | None = None
    layer_names: tuple[str, ...] = ()
    trust: np.ndarray | None = None
    node_attrs: dict[str, np.ndarray] = field(default_factory=dict)
    arc_attrs: dict[str, np.ndarray] = field(default_factory=dict)
    undirected: bool = False
    cleaning: CleaningReport = field(default_factory=CleaningReport)
    name: str = ""

    # ------------------------------------------------------------------ build
    @classmethod
    def from_edges(
        cls,
        src: Sequence[int] | np.ndarray,
        dst: Sequence[int] | np.ndarray,
        n: int | None = None,
        directed: bool = True,
        weight: Sequence[float] | np.ndarray | None = None,
        *,
        layer: Sequence[str] | np.ndarray | None = None,
        trust: Sequence[float] | np.ndarray | None = None,
        labels: Sequence | np.ndarray | None = None,
        node_attrs: Mapping[str, np.ndarray] | None = None,
        arc_attrs: Mapping[str, np.ndarray] | None = None,
        name: str = "",
    ) -> Network:
        """Build a network from edge endpoint arrays of node indices ``0..n-1``.

        Parameters
        ----------
        src, dst : array-like of int
            Edge endpoints. For ``directed=False`` each edge becomes two arcs.
        n : int, optional
            Number of nodes; defaults to ``max(src, dst) + 1``.
        directed : bool
        weight : array-like of float in [0, 1], optional
            Tie strength per edge; defaults to 1.0 (use
            :mod:`simulator.network.ties` to derive strengths from raw weights).
        layer : array-like of str, or (int codes, names), optional
            Layer name per edge (e.g. "community", "broadcast"); for big
            networks pass integer codes and the tuple of names instead.
        trust : array-like of float in [0, 1], optional
            Trust rating per edge.
        labels : array-like, optional
            Original label of each node ``0..n-1``; defaults to the indices.
        node_attrs : mapping of str -> array (n,), optional
        arc_attrs : mapping of str -> array (one value per edge), optional
            Raw per-edge columns kept alongside the arcs.
        name : str, optional

        Examples
        --------
        >>> net = Network.from_edges([0, 0, 1, 1], [1, 1, 1, 2], weight=[0.2, 0.9, 1.0, 0.5])
        >>> net.m, net.cleaning.self_loops_dropped, net.cleaning.duplicates_merged
        (2, 1, 1)
        >>> net.strength.tolist()  # the duplicate 0->1 keeps the stronger tie
        [0.9, 0.5]
        """
        src, dst = _node_ids("src", src), _node_ids("dst", dst)
        if src.shape != dst.shape:
            raise ValueError(f"src and dst differ in length ({src.size} vs {dst.size})")
        m_in = src.size
        if m_in and (src.min() < 0 or dst.min() < 0):
            raise ValueError("node indices must be >= 0")
        top = int(max(src.max(), dst.max())) + 1 if m_in else 0
        if n is None:
            n = top if labels is None else len(labels)
        if n < top:
            raise ValueError(f"edge refers to node {top - 1} but n = {n}")
        strength = np.ones(m_in) if weight is None else _as_unit_interval(weight, "weight", m_in)
        trust_arr = None if trust is None else _as_unit_interval(trust, "trust", m_in)
        layer_codes, layer_names = None, ()
        if layer is not None:
            layer_codes, layer_names = _layer_codes(layer, m_in)

        raw = {}
        for key, values in (arc_attrs or {}).items():
            values = np.asarray(values)
            if values.shape[:1] != (m_in,):
                raise ValueError(f"arc attribute {key!r} must have one value per edge ({m_in})")
            raw[key] = values

        if not directed:
            raw = {k: np.concatenate([v, v]) for k, v in raw.items()}
            src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
            strength = np.concatenate([strength, strength])
            trust_arr = None if trust_arr is None else np.concatenate([trust_arr, trust_arr])
            layer_codes = None if layer_codes is None else np.concatenate([layer_codes] * 2)

        keep = src != dst
        self_loops = int(m_in - np.count_nonzero(keep[:m_in]))
        src, dst, strength = src[keep], dst[keep], strength[keep]
        trust_arr = None if trust_arr is None else trust_arr[keep]
        layer_codes = None if layer_codes is None else layer_codes[keep]
        raw = {k: v[keep] for k, v in raw.items()}

        # Sort by (src, dst); for duplicates, the strongest tie comes first.
        # One int64 key sorts 2-3x faster than lexsort; lexsort only if needed.
        flat = src * max(n, 1) + dst
        order = np.argsort(flat, kind="stable")
        key = flat[order]
        if key.size > 1 and (key[1:] == key[:-1]).any():
            order = np.lexsort((-strength, dst, src))
        src, dst, strength = src[order], dst[order], strength[order]
        first = np.ones(src.size, dtype=bool)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        merged = int(src.size - np.count_nonzero(first))
        if trust_arr is not None:
            trust_arr = trust_arr[order]
            # maximum trust among duplicates
            group = np.cumsum(first) - 1
            best = np.full(int(first.sum()), -np.inf)
            np.maximum.at(best, group, trust_arr)
            trust_arr = best
        if layer_codes is not None:
            layer_codes = layer_codes[order][first]
        raw = {k: v[order][first] for k, v in raw.items()}
        src, dst, strength = src[first], dst[first], strength[first]
        if not directed:
            merged //= 2  # each undirected duplicate was counted once per direction

        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        label_arr = np.arange(n) if labels is None else np.asarray(labels)
        if label_arr.shape != (n,):
            raise ValueError(f"labels must have one entry per node ({n}), got {label_arr.shape}")
        attrs = {}
        for key, values in (node_attrs or {}).items():
            values = np.asarray(values)
            if values.shape[:1] != (n,):
                raise ValueError(f"node attribute {key!r} must have one value per node ({n})")
            attrs[key] = values
        return cls(
            indptr=indptr,
            indices=dst.astype(np.int32),
            strength=strength.astype(np.float64),
            labels=label_arr,
            layer=layer_codes,
            layer_names=layer_names,
            trust=trust_arr,
            node_attrs=attrs,
            arc_attrs=raw,
            undirected=not directed,
            cleaning=CleaningReport(m_in, self_loops, merged),
            name=name,
        )

    @classmethod
    def from_labeled_edges(
        cls, src_labels, dst_labels, directed: bool = True, nodes=None, **kwargs
    ) -> Network:
        """Build from edges given as arbitrary labels (strings, large ids...).

        ``nodes`` lists labels of nodes that may have no edges (isolated nodes);
        they come first, in the given order, then labels first seen in edges.

        Examples
        --------
        >>> net = Network.from_labeled_edges(["ann", "bob"], ["bob", "cy"])
        >>> net.labels.tolist(), net.n, net.m
        (['ann', 'bob', 'cy'], 3, 2)
        """
        src_labels, dst_labels = np.asarray(src_labels), np.asarray(dst_labels)
        parts = [] if nodes is None or len(nodes) == 0 else [np.asarray(nodes)]
        seq = np.concatenate([*parts, src_labels, dst_labels])
        # Keep first-seen order so that node indices follow the file.
        uniq, first_pos, inverse = np.unique(seq, return_index=True, return_inverse=True)
        rank = np.empty(len(uniq), dtype=np.int64)
        rank[np.argsort(first_pos, kind="stable")] = np.arange(len(uniq))
        codes = rank[inverse]
        labels = uniq[np.argsort(first_pos, kind="stable")]
        offset = len(parts[0]) if parts else 0
        m = len(src_labels)
        return cls.from_edges(
            codes[offset : offset + m],
            codes[offset + m :],
            n=len(labels),
            directed=directed,
            labels=labels,
            **kwargs,
        )

    # -------------------------------------------------------------- properties
    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def m(self) -> int:
        """Number of arcs (an undirected edge counts twice)."""
        return len(self.indices)

    def out_degree(self) -> np.ndarray:
        """Out-degree (audience size) of every node."""
        return np.diff(self.indptr)

    def in_degree(self) -> np.ndarray:
        """In-degree (number of accounts a node sees) of every node."""
        return np.bincount(self.indices, minlength=self.n)

    def out_neighbors(self, node: int) -> np.ndarray:
        """Targets of the arcs leaving ``node``."""
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def sources(self) -> np.ndarray:
        """Source node of every arc (the CSR rows expanded), int32."""
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.indptr))

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """``(src, dst)`` arrays of all arcs."""
        return self.sources(), self.indices.copy()

    def layer_of_arcs(self) -> np.ndarray:
        """Layer name of every arc (``"default"`` when no layers were given)."""
        if self.layer is None:
            return np.full(self.m, "default", dtype=object)
        return np.asarray(self.layer_names, dtype=object)[self.layer]

    def reverse_arc_index(self) -> np.ndarray:
        """For each arc ``u -> v`` the index of ``v -> u``, or -1 if absent.

        >>> Network.from_edges([0, 1, 1], [1, 0, 2], n=3).reverse_arc_index().tolist()
        [1, 0, -1]
        """
        from simulator.network._arcs import reverse_arcs

        return reverse_arcs(self.indptr, self.indices)

    # ----------------------------------------------------------------- labels
    def index_of(self, labels) -> np.ndarray:
        """Node indices of the given original labels; raises naming a missing one.

        Examples
        --------
        >>> net = Network.from_labeled_edges(["a", "b"], ["b", "c"])
        >>> net.index_of(["c", "a"]).tolist()
        [2, 0]
        """
        lookup = {_py(lab): i for i, lab in enumerate(self.labels)}
        out = []
        for lab in np.atleast_1d(np.asarray(labels, dtype=object)):
            key = _py(lab)
            if key not in lookup:
                raise KeyError(f"node {key!r} does not exist in network {self.name or ''}".strip())
            out.append(lookup[key])
        return np.asarray(out, dtype=np.int64)

    def label_of(self, nodes) -> np.ndarray:
        """Original labels of node indices."""
        return self.labels[np.asarray(nodes, dtype=np.int64)]

    # -------------------------------------------------------------- networkx
    @classmethod
    def from_networkx(
        cls,
        graph,
        weight: str | None = "weight",
        layer: str | None = "layer",
        trust: str | None = "trust",
        name: str = "",
    ) -> Network:
        """Convert a networkx (Di)Graph; edge attributes become tie attributes.

        Every numeric edge attribute that all edges carry is kept raw in
        ``arc_attrs``. The ``weight`` attribute becomes the tie strength when
        all its values lie in [0, 1]; otherwise strength stays 1.0 and a tie
        model (:mod:`simulator.network.ties`) derives it from the raw column.
        Node attributes are kept in ``node_attrs`` when every node has them.

        Examples
        --------
        >>> import networkx as nx
        >>> net = Network.from_networkx(nx.path_graph(4))
        >>> net.n, net.m, net.undirected
        (4, 6, True)
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
        return cls.from_edges(
            src,
            dst,
            n=len(nodes),
            directed=graph.is_directed(),
            weight=strength,
            layer=column(layer),
            trust=column(trust),
            labels=labels,
            node_attrs=node_attrs,
            arc_attrs=raw,
            name=name or str(graph.graph.get("name", "")),
        )

    def to_networkx(self):
        """Convert to a networkx DiGraph (or Graph if built from undirected edges).

        Nodes carry their original labels; arcs carry ``weight`` (tie strength),
        and ``layer`` and ``trust`` when present.

        Examples
        --------
        >>> net = Network.from_edges([0, 1], [1, 2], weight=[0.5, 1.0])
        >>> g = net.to_networkx()
        >>> g[0][1]["weight"]
        0.5
        """
        import networkx as nx

        graph = nx.Graph() if self.undirected else nx.DiGraph()
        labels = self.labels.tolist()
        for i, lab in enumerate(labels):
            graph.add_node(lab, **{k: _py(v[i]) for k, v in self.node_attrs.items()})
        src, dst = self.edges()
        layers = None if self.layer is None else self.layer_of_arcs()
        for a in range(self.m):
            u, v = int(src[a]), int(dst[a])
            if self.undirected and u > v:
                continue
            data = {"weight": float(self.strength[a])}
            if layers is not None:
                data["layer"] = str(layers[a])
            if self.trust is not None:
                data["trust"] = float(self.trust[a])
            graph.add_edge(labels[u], labels[v], **data)
        if self.name:
            graph.graph["name"] = self.name
        return graph

    def with_arc_attrs(self, **attrs) -> Network:
        """A copy with per-arc attributes replaced (``strength``, ``trust``, ``layer``)."""
        from dataclasses import replace

        for key in ("strength", "trust"):
            if key in attrs and attrs[key] is not None:
                attrs[key] = _as_unit_interval(attrs[key], key, self.m)
        return replace(self, **attrs)

    def __repr__(self) -> str:
        kind = "undirected" if self.undirected else "directed"
        name = f" {self.name!r}" if self.name else ""
        return f"<Network{name}: {self.n} nodes, {self.m} arcs ({kind})>"


def _py(value):
    return value.item() if hasattr(value, "item") else value
