"""Typed configuration: one dataclass schema per config group and option.

YAML files under ``configs/`` only give values; the types and the allowed
ranges live here (:mod:`simulator.runs.compose` stores the schemas in
Hydra's ConfigStore and composes the YAML files over them; this module
needs OmegaConf only). Each schema checks its ranges in ``__post_init__`` and
:func:`to_config` turns a composed ``DictConfig`` into these dataclasses,
reporting the first bad value with its full key, e.g.
``network.n must be an integer >= 2, got -5``. Unknown keys and wrong
types are rejected by OmegaConf while the config is composed.

Config groups (one per axis of variation): ``network``, ``population``,
``campaign``, ``seeding``, ``experiment``.

This module is long because it is the one place of every group's schema and
range checks (and of the replicate shards of ``experiment.shard``), so a
key's type, default and allowed values are read in one file.

Examples
--------
>>> from omegaconf import OmegaConf
>>> cfg = OmegaConf.structured(Config(network=BarabasiAlbertConfig(n=100, m=2),
...                                   campaign=IndependentCascadeConfig(p=0.1)))
>>> to_config(cfg).network.n
100
>>> cfg.campaign.p = 1.5
>>> try:
...     to_config(cfg)
... except ConfigError as err:
...     print(err)
campaign.p must be a probability in [0, 1], got 1.5
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any

from omegaconf import MISSING, DictConfig, OmegaConf

from simulator import checks
from simulator.engine.registry import SPREAD_MODELS, make_model, model_parameters
from simulator.errors import ConfigError
from simulator.network.io import detect_format
from simulator.network.ties import TieModel
from simulator.population import PopulationSpec

__all__ = [
    "ConfigError",
    "Config",
    "NetworkConfig",
    "CampaignConfig",
    "SeedingConfig",
    "ExperimentConfig",
    "to_config",
    "small_config",
    "parse_shard",
    "shard_range",
]


# ----------------------------------------------------------------- network
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


# ---------------------------------------------------------------- campaign
@dataclass
class CampaignConfig:
    """Base of the ``campaign`` group: the spread model and its parameters."""

    kind: str = MISSING

    def model_parameters(self) -> dict:
        """The fields as keyword arguments of the model (lists back to tuples)."""
        params = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}
        return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def _check_campaign(self) -> None:
    make_model(self.kind, self.model_parameters())  # one set of checks: the model's own


def _campaign_schema(kind: str) -> type[CampaignConfig]:
    """A config schema with the fields of spread model ``kind`` (so the two cannot drift)."""
    specs: list[tuple] = [("kind", str, field(default=kind))]
    for name, hint, default in model_parameters(kind):
        if typing.get_origin(hint) is tuple:  # OmegaConf has lists, not tuples
            specs.append((name, list[int], field(default_factory=lambda d=default: list(d))))
        else:
            specs.append((name, hint, field(default=default)))
    model = SPREAD_MODELS[kind]
    name = "".join(part.title() for part in kind.split("_")) + "Config"
    schema = make_dataclass(
        name,
        specs,
        bases=(CampaignConfig,),
        namespace={
            "__post_init__": _check_campaign,
            "__doc__": f"``campaign.kind={kind}``: the fields of {model.__module__}."
            f"{model.__name__} (see its docstring).",
            "__module__": __name__,  # pickle finds it here (sweeps ship configs to workers)
        },
    )
    globals()[name] = schema
    return schema


#: kind -> typed schema of the ``campaign`` group, one per registered spread model
#: (each also a module attribute: ``IndependentCascadeConfig``, ``FunnelConfig``, ...).
CAMPAIGN_SCHEMAS: dict[str, type[CampaignConfig]] = {
    kind: _campaign_schema(kind) for kind in SPREAD_MODELS
}
IndependentCascadeConfig = CAMPAIGN_SCHEMAS["independent_cascade"]
FunnelConfig = CAMPAIGN_SCHEMAS["funnel"]


# ----------------------------------------------------------------- seeding
@dataclass
class SeedingConfig:
    """Which seeding strategies form the arms, and how many seeds each gets."""

    k: int = 10
    strategies: list[str] = field(default_factory=lambda: ["random", "top_degree"])
    redraw: bool = True  # stochastic strategies draw new seeds in every replicate

    def __post_init__(self):
        from simulator.seeding.registry import STRATEGIES

        checks.integer("k", self.k)
        if not self.strategies:
            raise ValueError("strategies must name at least one seeding strategy")
        for name in self.strategies:
            if name not in STRATEGIES:
                raise ValueError(
                    f"strategies: unknown seeding strategy {name!r}; "
                    f"choose from {', '.join(sorted(STRATEGIES))}"
                )
        if len(set(self.strategies)) != len(self.strategies):
            raise ValueError(f"strategies lists a strategy twice: {list(self.strategies)}")


# -------------------------------------------------------------- experiment
@dataclass
class ExperimentConfig:
    """What to run and report: which study, how many replicates, CI level."""

    name: str = "quickstart"
    replicates: int = 500
    ci_level: float = 0.95
    save_events: bool = False  # also write events.parquet (can be large)
    figures: bool = True
    # "I/N": run only shard I of N of the replicates (one job of a run split across
    # machines; campaign-report merges the shards). Not part of the run id.
    shard: str | None = None

    def __post_init__(self):
        # Whether ``name`` is a study and these are its settings is checked by the
        # run layer, which knows the studies (simulator.runs.compose.check_study).
        checks.integer("replicates", self.replicates)
        if not 0.5 <= self.ci_level < 1.0:
            raise ValueError(f"ci_level must be in [0.5, 1), got {self.ci_level}")
        if self.shard is not None:
            # whether the study runs in shards: the run layer (compose.check_study)
            count = parse_shard(self.shard)[1]
            if count > self.replicates:
                raise ValueError(
                    f"shard {self.shard}: {count} shards of {self.replicates} replicates (at "
                    "most one shard per replicate: lower N or raise experiment.replicates)"
                )

    def shard_of(self) -> tuple[int, int] | None:
        """``(I, N)`` of ``shard = "I/N"``, or None for a whole run."""
        return None if self.shard is None else parse_shard(self.shard)

    def replicate_range(self) -> range:
        """The replicates this run computes: all of them, or its shard's contiguous block.

        >>> ExperimentConfig(replicates=10, shard="2/3").replicate_range()
        range(3, 6)
        """
        return shard_range(self.replicates, self.shard_of())


def parse_shard(text) -> tuple[int, int]:
    """``"3/16"`` -> ``(3, 16)``: shard 3 of 16 (1 <= I <= N), or a ValueError naming ``shard``.

    >>> parse_shard("3/16")
    (3, 16)
    """
    index, sep, count = str(text).strip().partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"shard must be I/N with 1 <= I <= N (shard I of N), got {text!r}")
    return int(index), int(count)


def shard_range(replicates: int, shard: tuple[int, int] | None) -> range:
    """Replicates ``[floor((I-1) R / N), floor(I R / N))`` of shard ``(I, N)`` (all without one).

    The blocks of shards 1..N are contiguous and cover ``range(R)`` once, in order.

    >>> [shard_range(10, (i, 3)) for i in (1, 2, 3)]
    [range(0, 3), range(3, 6), range(6, 10)]
    """
    if shard is None:
        return range(replicates)
    index, count = shard
    return range((index - 1) * replicates // count, index * replicates // count)


# -------------------------------------------------------------------- data
@dataclass
class DataConfig:
    """Real data read by studies that import it (``cascades_from_data``)."""

    path: str | None = None


# ------------------------------------------------------------------- root
@dataclass
class Config:
    """The whole run: one root seed and one node per config group."""

    seed: int = 42
    network: NetworkConfig = MISSING
    population: PopulationSpec = field(default_factory=PopulationSpec)
    campaign: CampaignConfig = MISSING
    seeding: SeedingConfig = field(default_factory=SeedingConfig)
    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    data: DataConfig = field(default_factory=DataConfig)

    def __post_init__(self):
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")


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


def _first_invalid(node: Any, path: str) -> tuple[str, Exception, set] | None:
    """Depth-first: the deepest config node whose dataclass rejects its values.

    Returns its path, the error and the node's keys.
    """
    if isinstance(node, DictConfig):
        for key in node:
            found = _first_invalid(node._get_node(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        if OmegaConf.get_type(node) not in (dict, None):
            try:
                OmegaConf.to_object(node)
            except (ValueError, TypeError) as err:
                return path, err, set(node.keys())
    return None


def _with_key(path: str, message: str, keys: set) -> str:
    """``"campaign", "p must be ..."`` -> ``"campaign.p must be ..."`` when ``p`` is a key."""
    first = message.split(" ", 1)[0].rstrip(":").split(".")[0]
    if path and first in keys:
        return f"{path}.{message}"
    return f"{path}: {message}" if path else message


def to_config(cfg: DictConfig) -> Config:
    """Turn a composed DictConfig into typed dataclasses, or raise ConfigError.

    The error names the key that holds the bad value.
    """
    missing = sorted(OmegaConf.missing_keys(cfg))
    if missing:
        raise ConfigError(f"{missing[0]}: a value is required (set {missing[0]}=...)")
    try:
        obj = OmegaConf.to_object(cfg)
    except (ValueError, TypeError) as err:
        path, err, keys = _first_invalid(cfg, "") or ("", err, set())
        raise ConfigError(_with_key(path, str(err), keys)) from None
    except Exception as err:  # omegaconf's own errors carry the key already
        raise ConfigError(str(err).splitlines()[0]) from None
    return obj


__all__ += ["NETWORK_SCHEMAS", "CAMPAIGN_SCHEMAS", "DataConfig"]


def small_config(**overrides) -> Config:
    """A tiny, fast config (500-node network, 20 replicates) for examples and tests.

    Examples
    --------
    >>> small_config(seed=3).experiment.replicates
    20
    """
    cfg = Config(
        network=BarabasiAlbertConfig(n=500, m=3),
        campaign=IndependentCascadeConfig(p=0.05),
        seeding=SeedingConfig(k=5),
        experiment=ExperimentConfig(replicates=20),
    )
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return cfg
