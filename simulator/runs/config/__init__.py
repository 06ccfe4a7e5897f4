"""Typed configuration: one dataclass schema per config group and option.

YAML files under ``configs/`` only give values; the types and the allowed
ranges live here (:mod:`simulator.runs.compose` stores the schemas in
Hydra's ConfigStore and composes the YAML files over them; this package
needs OmegaConf only). Each schema checks its ranges in ``__post_init__`` and
:func:`to_config` turns a composed ``DictConfig`` into these dataclasses,
reporting the first bad value with its full key, e.g.
``network.n must be an integer >= 2, got -5``. Unknown keys and wrong
types are rejected by OmegaConf while the config is composed.

Config groups (one per axis of variation): ``network``, ``population``,
``campaign``, ``seeding``, ``experiment``. This module holds the root
schema :class:`Config`, the ``campaign`` group (one schema per registered
spread model, made from the model's own parameters) and
:func:`small_config`; the other groups have a module each, and every name is
importable from here:

- :mod:`~simulator.runs.config.network`: the ``network`` group
  (:data:`NETWORK_SCHEMAS`);
- :mod:`~simulator.runs.config.experiment`: the ``seeding``, ``experiment``
  and ``data`` groups, and the replicate shards of ``experiment.shard``;
- :mod:`~simulator.runs.config.validation`: :func:`to_config` and its
  error messages;
- ``population``: :class:`~simulator.population.PopulationSpec`.

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

from omegaconf import MISSING

from simulator.engine.registry import SPREAD_MODELS, make_model, model_parameters
from simulator.population import PopulationSpec
from simulator.runs.config.experiment import (
    DataConfig,
    ExperimentConfig,
    SeedingConfig,
    parse_shard,
    shard_range,
)
from simulator.runs.config.network import (
    NETWORK_SCHEMAS,
    BarabasiAlbertConfig,
    ErdosRenyiConfig,
    FileNetworkConfig,
    FollowerConfig,
    HolmeKimConfig,
    NetworkConfig,
    PowerLawConfig,
    RingLatticeConfig,
    StochasticBlockConfig,
    WattsStrogatzConfig,
)
from simulator.runs.config.validation import ConfigError, to_config

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
    "NETWORK_SCHEMAS",
    "CAMPAIGN_SCHEMAS",
    "DataConfig",
    # the network kinds' schemas (simulator.runs.config.network)
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
