"""Typed configs: every shipped YAML composes and validates; bad values are named."""

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf.errors import OmegaConfBaseException

from simulator.runs.cli import config_dir
from simulator.runs.config import ConfigError, register_configs, to_config

CONFIGS = Path(config_dir())


def compose_config(*overrides):
    register_configs()
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


def test_default_config_is_the_quickstart():
    cfg = to_config(compose_config())
    assert cfg.experiment.name == "quickstart"
    assert (cfg.network.kind, cfg.network.n) == ("barabasi_albert", 10_000)
    assert cfg.seeding.k == 10 and list(cfg.seeding.strategies) == ["random", "top_degree"]
    assert cfg.experiment.replicates == 500 and cfg.seed == 42


@pytest.mark.parametrize("option", sorted(p.stem for p in (CONFIGS / "network").glob("*.yaml")))
def test_every_network_option_composes(option):
    overrides = [f"network={option}"]
    if option == "file":
        overrides.append("network.path=some/file.txt")
    cfg = to_config(compose_config(*overrides))
    assert cfg.network.kind == option or option == "file"


@pytest.mark.parametrize("group", ["campaign", "population", "seeding", "experiment"])
def test_every_option_of_other_groups_composes(group):
    for path in sorted((CONFIGS / group).glob("*.yaml")):
        to_config(compose_config(f"{group}={path.stem}"))


@pytest.mark.parametrize(
    "override, message",
    [
        ("campaign.p=1.5", "campaign.p must be a probability in [0, 1], got 1.5"),
        ("network.n=-5", "network.n must be an integer >= 2, got -5"),
        ("network.m=20000", "network.m must be < n (10000), got 20000"),
        ("seed=-1", "seed must be a non-negative integer, got -1"),
        ("seeding.k=0", "seeding.k must be a positive integer, got 0"),
        ("seeding.strategies=[random,psychic]", "unknown seeding strategy 'psychic'"),
        ("experiment.replicates=0", "experiment.replicates must be a positive integer, got 0"),
        ("population.trust.value=1.5", "population.trust"),
        ("population.trust.kind=gaussian", "population.trust"),
        ("network.ties.kind=psychic", "network.ties"),
    ],
)
def test_out_of_range_values_name_the_key(override, message):
    key, _, value = override.partition("=")
    extra = ["population.trust.kind=constant"] if key == "population.trust.value" else []
    with pytest.raises(ConfigError) as err:
        to_config(compose_config(*extra, override))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("override", ["network.colour=red", "bogus=1", "campaign.p=abc"])
def test_unknown_keys_and_wrong_types_fail_while_composing(override):
    with pytest.raises((ConfigCompositionException, OmegaConfBaseException)) as err:
        compose_config(override)
    key = override.split("=")[0].split(".")[-1]
    assert key in str(err.value) or "abc" in str(err.value)


def test_missing_file_path_is_reported():
    with pytest.raises(ConfigError, match="network.path"):
        to_config(compose_config("network=file"))
