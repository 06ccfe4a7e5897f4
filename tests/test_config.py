"""Typed configs: every shipped YAML composes and validates; bad values are named."""

import re
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf.errors import OmegaConfBaseException

from simulator.engine.registry import SPREAD_MODELS
from simulator.runs.build import build_model
from simulator.runs.compose import config_dir, load_config, register_configs
from simulator.runs.config import CAMPAIGN_SCHEMAS, ConfigError, to_config

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
    # a sized preset (follower_100k) is its kind with other values
    assert option == "file" or option.startswith(cfg.network.kind)


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


def test_network_columns_reach_the_reader(tmp_path):
    """network.columns=[target,source] reverses the arcs (it was once validated and dropped)."""
    from simulator.runs.build import build_network

    path = tmp_path / "edges.txt"
    path.write_text("0 1\n1 2\n")
    forward = load_config("network=file", f"network.path={path}")
    reverse = load_config(
        "network=file", f"network.path={path}", "network.columns=[target,source]"
    )

    def arcs(cfg):
        net = build_network(cfg.network, cfg.seed)
        src = net.labels[np.repeat(np.arange(net.n), np.diff(net.indptr))]
        return sorted(zip(src.tolist(), net.labels[net.indices].tolist(), strict=True))

    assert arcs(forward) == [(0, 1), (1, 2)]
    assert arcs(reverse) == [(1, 0), (2, 1)]


def test_network_columns_only_for_edge_lists(tmp_path):
    path = tmp_path / "g.gml"
    path.write_text("graph [ node [ id 0 ] ]\n")
    with pytest.raises(ConfigError, match="network.columns names the columns of an edge list"):
        load_config("network=file", f"network.path={path}", "network.columns=[target,source]")


@pytest.mark.parametrize("kind", sorted(CAMPAIGN_SCHEMAS))
def test_every_spread_model_is_a_campaign_option(kind):
    """campaign=NAME for every registered model; its schema survives pickling (sweep workers)."""
    import pickle

    from omegaconf import OmegaConf

    option = "ic" if kind == "independent_cascade" else kind
    cfg = load_config(f"campaign={option}")
    assert cfg.campaign.kind == kind
    node = OmegaConf.structured(cfg.campaign)
    assert OmegaConf.to_object(pickle.loads(pickle.dumps(node))) == cfg.campaign
    assert isinstance(build_model(cfg.campaign), SPREAD_MODELS[kind])


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            ["experiment=influentials", "campaign.p=0.2"],
            "experiment=influentials does not use campaign.p (it reads network.n)",
        ),
        (
            ["experiment=influentials", "network=follower"],
            "experiment=influentials does not use network=follower (it reads network.n)",
        ),
        (
            ["experiment=peerindex_perks", "seeding.k=3"],
            "experiment=peerindex_perks does not use seeding.k "
            "(it reads only its experiment settings)",
        ),
        (["experiment=cascades_from_data", "network.n=10"], "does not use network.n"),
        (["data.path=x.csv"], "experiment=quickstart does not use data.path"),
    ],
)
def test_overrides_of_what_a_study_does_not_read_are_refused(overrides, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(*overrides)


def test_run_id_hashes_only_what_the_study_reads():
    from omegaconf import OmegaConf

    from simulator.runs.compose import config_run_id

    def resolved(*overrides):
        return OmegaConf.to_container(OmegaConf.structured(load_config(*overrides)))

    base = resolved("experiment=influentials")
    assert config_run_id(base) == config_run_id({**base, "campaign": {"p": 0.9}})
    assert config_run_id(base) != config_run_id(resolved("experiment=influentials", "seed=1"))
    assert config_run_id(base) != config_run_id(
        resolved("experiment=influentials", "network.n=99")
    )
    quick = resolved()
    assert config_run_id(quick) != config_run_id(resolved("campaign.p=0.2"))


def _study_overlays():
    from experiments import STUDIES

    return sorted(name for name, study in STUDIES.items() if study.uses("network.kind"))


def test_study_overlays_set_only_keys_every_network_has():
    """An overlay's own ``network:`` block may hold only the base keys (kind-specific sizes
    belong in a network option such as ``follower_100k``): otherwise choosing another
    network (``network=file``) fails inside Hydra's composition."""
    import yaml

    from simulator.runs.config import NetworkConfig

    base = set(NetworkConfig.__dataclass_fields__)
    for path in sorted(Path(config_dir(), "experiment").glob("*.yaml")):
        block = yaml.safe_load(path.read_text()).get("network") or {}
        assert set(block) <= base, f"{path.name} sets network keys {sorted(set(block) - base)}"


@pytest.mark.parametrize("study", _study_overlays())
def test_every_study_that_reads_the_network_runs_on_a_file_network(study):
    cfg = load_config(f"experiment={study}", "network=file", "network.path=edges.csv")
    assert cfg.network.kind == "file" and cfg.network.path == "edges.csv"
