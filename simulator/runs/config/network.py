"""The ``network`` config group: one typed schema per network kind, with its range checks.

:class:`NetworkConfig` is the group's base (the kind and its tie model); each
subclass is one generator's parameters (or :class:`FileNetworkConfig`, a file
to read) and checks their ranges in ``__post_init__``.
:data:`NETWORK_SCHEMAS` maps ``network.kind`` to its schema.
(:mod:`simulator.runs.build` builds the network a schema describes.)

Examples
--------
>>> NETWORK_SCHEMAS["barabasi_albert"](n=100, m=2).m
2
>>> BarabasiAlbertConfig(n=100, m=200)
Traceback (most recent call last):
...
ValueError: m must be < n (100), got 200
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from simulator import checks
from simulator.network.io import detect_format
from simulator.network.ties import TieModel

__all__ = [
    "NETWORK_SCHEMAS",
    "NetworkConfig",
    "ErdosRenyiConfig",
    "BarabasiAlbertConfig",
    "WattsStrogatzConfig",
    "RingLatticeConfig",
    "StochasticBlockConfig",
    "PowerLawConfig",
    "HolmeKimConfig",
    "FollowerConfig",
    "FileNetworkConfig",
]


@dataclass
class NetworkConfig:
    """Base of the ``network`` group: which network to build, and its tie model."""

    kind: str = MISSING
    ties: TieModel = field(default_factory=TieModel)


@dataclass
class ErdosRenyiConfig(NetworkConfig):
    """G(n, p) random graph with p = mean_degree / (n - 1)."""

    kind: str = "erdos_renyi"
    n: int = 10_000
    mean_degree: float = 5.0
    directed: bool = False

    def __post_init__(self):
        checks.node_count("n", self.n)
        if not 0 <= self.mean_degree <= max(self.n - 1, 0):
            raise ValueError(f"mean_degree must be in [0, n - 1], got {self.mean_degree}")


@dataclass
class BarabasiAlbertConfig(NetworkConfig):
    """Preferential attachment, each new node bringing m edges."""

    kind: str = "barabasi_albert"
    n: int = 10_000
    m: int = 3

    def __post_init__(self):
        checks.node_count("n", self.n, 2)
        checks.integer("m", self.m)
        if self.m >= self.n:
            raise ValueError(f"m must be < n ({self.n}), got {self.m}")


@dataclass
class WattsStrogatzConfig(NetworkConfig):
    """Small world: ring lattice of degree k, each edge rewired with probability p."""

    kind: str = "watts_strogatz"
    n: int = 10_000
    k: int = 6
    p: float = 0.1

    def __post_init__(self):
        checks.node_count("n", self.n, 3)
        checks.integer("k", self.k, 2)
        checks.probability("p", self.p)


@dataclass
class RingLatticeConfig(NetworkConfig):
    """Each node tied to its k nearest neighbours on a ring."""

    kind: str = "ring_lattice"
    n: int = 10_000
    k: int = 4

    def __post_init__(self):
        checks.node_count("n", self.n, 3)
        checks.integer("k", self.k, 2)


@dataclass
class StochasticBlockConfig(NetworkConfig):
    """Communities: edge probability p_in inside a block, p_out between blocks."""

    kind: str = "stochastic_block"
    sizes: list[int] = field(default_factory=lambda: [2500, 2500, 2500, 2500])
    p_in: float = 0.004
    p_out: float = 0.0002
    directed: bool = False

    def __post_init__(self):
        if not self.sizes:
            raise ValueError("sizes must list at least one block size")
        for size in self.sizes:
            checks.integer("sizes[]", size)
        checks.probability("p_in", self.p_in)
        checks.probability("p_out", self.p_out)


@dataclass
class PowerLawConfig(NetworkConfig):
    """Configuration model with power-law degrees P(k) ~ k^-exponent."""

    kind: str = "powerlaw_configuration"
    n: int = 10_000
    exponent: float = 2.5
    min_degree: int = 2
    max_degree: int | None = None

    def __post_init__(self):
        checks.node_count("n", self.n, 2)
        if not self.exponent > 1:
            raise ValueError(f"exponent must be > 1, got {self.exponent}")
        checks.integer("min_degree", self.min_degree)
        if self.max_degree is not None and self.max_degree < self.min_degree:
            raise ValueError(
                f"max_degree must be >= min_degree ({self.min_degree}), got {self.max_degree}"
            )


@dataclass
class HolmeKimConfig(NetworkConfig):
    """Clustered scale-free network (preferential attachment plus triad formation)."""

    kind: str = "holme_kim"
    n: int = 10_000
    m: int = 3
    p_triad: float = 0.5

    def __post_init__(self):
        checks.node_count("n", self.n, 2)
        checks.integer("m", self.m)
        checks.probability("p_triad", self.p_triad)


@dataclass
class FollowerConfig(NetworkConfig):
    """Directed follower graph where a few celebrities hold a large share of followers."""

    kind: str = "follower"
    n: int = 10_000
    mean_following: float = 20.0
    n_celebrities: int = 10
    celebrity_share: float = 0.3
    # power-law exponent of ordinary accounts' follower counts; None: uniform choice
    follower_exponent: float | None = None

    def __post_init__(self):
        checks.node_count("n", self.n, 2)
        checks.real("mean_following", self.mean_following, 0.0, low_open=True)
        checks.integer("n_celebrities", self.n_celebrities, 0)
        if self.n_celebrities >= self.n:
            raise ValueError(f"n_celebrities must be < n ({self.n}), got {self.n_celebrities}")
        checks.probability("celebrity_share", self.celebrity_share)
        if self.follower_exponent is not None:
            checks.real("follower_exponent", self.follower_exponent, 2.0, low_open=True)


@dataclass
class FileNetworkConfig(NetworkConfig):
    """A network read from a file (edge list, GML, GraphML, GEXF, Pajek; gzip ok)."""

    kind: str = "file"
    path: str = MISSING
    format: str = "auto"
    directed: bool | None = None
    # Edge lists: names of the leading columns, e.g. [source, target, rating, timestamp];
    # [target, source, weight] reverses arcs. None: the reader's default.
    columns: list[str] | None = None

    def __post_init__(self):
        if not self.path:
            raise ValueError("path must name a network file")
        formats = ("auto", "edgelist", "gml", "graphml", "gexf", "pajek")
        if self.format not in formats:
            raise ValueError(f"format must be one of {', '.join(formats)}; got {self.format!r}")
        if self.columns is not None:
            if not {"source", "target"} <= set(self.columns):
                raise ValueError(
                    f"columns must include source and target, got {list(self.columns)}"
                )
            fmt = detect_format(self.path) if self.format == "auto" else self.format
            if fmt != "edgelist":
                raise ValueError(
                    f"columns names the columns of an edge list, but {self.path} is read "
                    f"as {fmt} (set network.format=edgelist, or drop network.columns)"
                )


NETWORK_SCHEMAS: dict[str, type[NetworkConfig]] = {
    cls().kind if cls is not FileNetworkConfig else "file": cls
    for cls in (
        ErdosRenyiConfig,
        BarabasiAlbertConfig,
        WattsStrogatzConfig,
        RingLatticeConfig,
        StochasticBlockConfig,
        PowerLawConfig,
        HolmeKimConfig,
        FollowerConfig,
    )
} | {"file": FileNetworkConfig}
