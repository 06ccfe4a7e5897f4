"""`campaign-sim` end to end, in a subprocess, at a small size."""

import json

import pandas as pd
import pytest
from conftest import run_module

SMALL = ["network.n=600", "experiment.replicates=40"]


def campaign_sim(*args, cwd=None):
    return run_module("simulator.runs.cli", *args, cwd=cwd)


@pytest.fixture(scope="module")
def quickstart_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("quick") / "run"
    proc = campaign_sim(*SMALL, f"hydra.run.dir={out}", cwd=tmp_path_factory.mktemp("cwd"))
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_quickstart_writes_every_output(quickstart_run):
    out, proc = quickstart_run
    rows = pd.read_parquet(out / "results.parquet")
    assert {"arm", "replicate", "seed", "reach"} <= set(rows.columns)
    assert len(rows) == 2 * 40 and set(rows["arm"]) == {"random", "top_degree"}
    assert (rows["reach"] >= 10).all() and (rows["seed"] == 42).all()
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["arm", "metric", "mean", "ci_low", "ci_high", "n"]
    assert (summary["ci_low"] <= summary["mean"]).all()
    assert (summary["mean"] <= summary["ci_high"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 42 and manifest["config"]["network"]["n"] == 600
    assert manifest["versions"]["numpy"] and manifest["wall_time_s"] > 0
    assert (out / "reach.png").stat().st_size > 10_000
    assert "top_degree" in proc.stdout and "95% CI" in proc.stdout


def test_influencers_beat_random_seeds_on_scale_free_network(quickstart_run):
    out, _ = quickstart_run
    comparison = pd.read_csv(out / "comparison.csv")
    row = comparison.set_index("arm").loc["top_degree"]
    assert row["ci_low"] > 0  # paired difference top_degree - random


def test_same_seed_identical_tables_other_seed_differs(quickstart_run, tmp_path):
    out, _ = quickstart_run
    again, other = tmp_path / "again", tmp_path / "other"
    assert campaign_sim(*SMALL, f"hydra.run.dir={again}").returncode == 0
    assert campaign_sim(*SMALL, "seed=43", f"hydra.run.dir={other}").returncode == 0
    first = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(first, pd.read_parquet(again / "results.parquet"))
    assert (out / "summary.csv").read_bytes() == (again / "summary.csv").read_bytes()
    assert not first["reach"].equals(pd.read_parquet(other / "results.parquet")["reach"])


@pytest.mark.parametrize(
    "override, message",
    [
        ("campaign.p=1.5", "campaign.p must be a probability in [0, 1], got 1.5"),
        ("network.n=-5", "network.n must be an integer >= 2, got -5"),
    ],
)
def test_bad_values_stop_with_one_line_naming_the_key(override, message, tmp_path):
    proc = campaign_sim(override, f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"campaign-sim: error: {message}"
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "run" / "results.parquet").exists()


def test_unknown_key_fails_naming_it(tmp_path):
    proc = campaign_sim("network.colour=red", f"hydra.run.dir={tmp_path}")
    assert proc.returncode != 0
    assert "colour" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_network_file_is_one_line(tmp_path):
    proc = campaign_sim(
        "network=file", f"network.path={tmp_path}/nope.txt", f"hydra.run.dir={tmp_path / 'run'}"
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.txt" in lines[0] and "Traceback" not in proc.stderr


def test_help_lists_groups_and_options():
    proc = campaign_sim("--help")
    assert proc.returncode == 0
    for word in ("network", "erdos_renyi", "campaign", "seeding", "experiment", "quickstart"):
        assert word in proc.stdout
    groups = proc.stdout.split("== Configuration groups ==")[1].split("== Config ==")[0]
    assert "network: barabasi_albert, erdos_renyi" in groups
    assert "_schema" not in groups  # the typed schemas are not options to pick
    assert "hydra/launcher:" in groups and "joblib" in groups


def test_funnel_campaign_adds_funnel_columns(tmp_path):
    proc = campaign_sim(*SMALL, "campaign=funnel", f"hydra.run.dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    rows = pd.read_parquet(tmp_path / "results.parquet")
    funnel = ["impressions", "clicks", "shares", "conversions", "amount"]
    assert set(funnel) <= set(rows.columns)
    assert (rows["clicks"] <= rows["impressions"]).all()
    assert (rows["conversions"] <= rows["clicks"]).all()
    assert (rows["shares"] <= rows["clicks"]).all()
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(funnel) <= set(summary["metric"])
