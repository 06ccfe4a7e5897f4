"""The one data-path rule (simulator.runs.build.resolve_data_path): absolute as given;
relative tried in the launch directory, the repository, then $CAMPAIGN_SIM_DATA; a miss
is one line naming the key and every place looked."""

from pathlib import Path

import pytest
from conftest import REPO, run_module

from simulator.errors import ConfigError, NetworkFileError
from simulator.network.ties import TieModel
from simulator.runs import build
from simulator.runs.build import build_network, resolve_data_path
from simulator.runs.config import FileNetworkConfig

EDGES = "0 1\n1 2\n2 0\n2 3\n"


@pytest.fixture
def places(tmp_path, monkeypatch):
    """An empty launch directory and an empty data folder ($CAMPAIGN_SIM_DATA)."""
    here, data = tmp_path / "here", tmp_path / "data"
    here.mkdir()
    data.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("CAMPAIGN_SIM_DATA", str(data))
    return here, data


def test_absolute_path_is_used_as_given(places, tmp_path):
    target = tmp_path / "abs.txt"
    target.write_text(EDGES)
    assert resolve_data_path("network.path", str(target)) == target
    with pytest.raises(NetworkFileError, match=r"^network\.path: .*gone\.txt: no such file$"):
        resolve_data_path("network.path", str(tmp_path / "gone.txt"))


def test_relative_path_order_launch_dir_repository_data_folder(places):
    here, data = places
    (data / "sub").mkdir()
    (data / "sub" / "g.txt").write_text(EDGES)
    assert resolve_data_path("data.path", "sub/g.txt") == data / "sub" / "g.txt"
    (here / "sub").mkdir()
    (here / "sub" / "g.txt").write_text(EDGES)  # the launch directory comes first
    assert resolve_data_path("data.path", "sub/g.txt") == here / "sub" / "g.txt"
    # a file of the repository, absent from the launch directory and the data folder
    assert resolve_data_path("data.path", "configs/network/file.yaml") == (
        REPO / "configs" / "network" / "file.yaml"
    )


def test_data_folder_defaults_to_shared_data_beside_the_repository(monkeypatch):
    monkeypatch.delenv("CAMPAIGN_SIM_DATA", raising=False)
    assert build.data_dir() == REPO.parent / "shared" / "data"


def test_missing_file_names_the_key_and_every_place(places):
    here, data = places
    with pytest.raises(NetworkFileError) as info:
        resolve_data_path("experiment.real_path", "nets/none.txt")
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith("experiment.real_path: nets/none.txt: no such file (looked in: ")
    for folder in (here, REPO, data):
        assert str(Path(folder) / "nets" / "none.txt") in text
    assert "$CAMPAIGN_SIM_DATA" in text


def test_a_folder_or_an_empty_value_is_refused(places):
    here, _ = places
    (here / "d").mkdir()
    with pytest.raises(NetworkFileError, match=r"^network\.path: .*d is not a file$"):
        resolve_data_path("network.path", "d")
    with pytest.raises(ConfigError, match=r"^data\.path must name a file"):
        resolve_data_path("data.path", "")


def test_build_network_reads_network_path_by_the_rule(places):
    _, data = places
    (data / "toy.txt").write_text(EDGES)
    net = build_network(FileNetworkConfig(path="toy.txt", ties=TieModel(kind="constant")), 1)
    assert (net.n, net.m, net.name) == (4, 4, "toy")


def test_cli_resolves_against_the_launch_directory_even_after_hydra_chdir(tmp_path):
    """hydra.job.chdir=true moves the working directory into the run directory; a
    relative network.path still means the directory the command was launched from."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "edges.txt").write_text("".join(f"{i} {(i + 1) % 30}\n" for i in range(30)))
    run_dir = tmp_path / "run"
    common = [
        "network=file",
        "network.path=edges.txt",
        "network.directed=false",
        "seeding.k=2",
        "experiment.replicates=4",
        "experiment.figures=false",
        f"hydra.run.dir={run_dir}",
    ]
    # PYTHONPATH: this checkout, whatever the launch directory
    env = {"CAMPAIGN_SIM_DATA": str(tmp_path / "nodata"), "PYTHONPATH": str(REPO)}
    proc = run_module("simulator.runs.cli", *common, "hydra.job.chdir=true", cwd=here, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (run_dir / "results.parquet").is_file()
    missing = run_module(
        "simulator.runs.cli", *common[:1], "network.path=none.txt", *common[2:], cwd=here, env=env
    )
    assert missing.returncode == 1
    lines = missing.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].count("none.txt") == 4, missing.stderr
    assert "network.path: none.txt: no such file (looked in: launch directory" in lines[0]
