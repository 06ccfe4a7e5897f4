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

Constructors check and clean their input in one place
(:mod:`simulator.network.csr_from_edges`: self-loops dropped, duplicate arcs
merged, reported in ``Network.cleaning``); the networkx round trip lives in
:mod:`simulator.network.networkx_convert`, the file readers in
:mod:`simulator.network.io` and the generators in
:mod:`simulator.network.generators`.

>>> net = Network.from_edges([0, 1, 1], [1, 2, 2], weight=[0.5, 0.25, 1.0])
>>> net.n, net.m, net.out_degree().tolist(), net.strength.tolist()
(3, 2, [1, 1, 0], [0.5, 1.0])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.network import networkx_convert
from simulator.network.csr_from_edges import CleaningReport, csr_from_edges
from simulator.network.edge_checks import py_scalar, unit_interval

__all__ = ["Network", "CleaningReport"]


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

        Every column is checked, self-loops are dropped and duplicate arcs
        merged keeping the strongest tie and trust
        (:func:`~simulator.network.csr_from_edges.csr_from_edges`); what was
        dropped or merged is in ``Network.cleaning``.

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
        fields = csr_from_edges(
            src,
            dst,
            n,
            directed,
            weight,
            layer=layer,
            trust=trust,
            labels=labels,
            node_attrs=node_attrs,
            arc_attrs=arc_attrs,
        )
        return cls(**fields, name=name)

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
        lookup = {py_scalar(lab): i for i, lab in enumerate(self.labels)}
        out = []
        for lab in np.atleast_1d(np.asarray(labels, dtype=object)):
            key = py_scalar(lab)
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
        return cls.from_edges(
            **networkx_convert.from_edges_arguments(graph, weight, layer, trust, name)
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
        return networkx_convert.to_networkx(self)

    def with_arc_attrs(self, **attrs) -> Network:
        """A copy with per-arc attributes replaced (``strength``, ``trust``, ``layer``)."""
        from dataclasses import replace

        for key in ("strength", "trust"):
            if key in attrs and attrs[key] is not None:
                attrs[key] = unit_interval(attrs[key], key, self.m)
        return replace(self, **attrs)

    def __repr__(self) -> str:
        kind = "undirected" if self.undirected else "directed"
        name = f" {self.name!r}" if self.name else ""
        return f"<Network{name}: {self.n} nodes, {self.m} arcs ({kind})>"
