"""One run split into shards (``experiment.shard=I/N``) merges into the unsharded run.

Each shardable study is run whole and in three shards in-process, and the
merged files must equal the whole run's byte for byte; then the command line
runs shard sweeps through the basic, joblib and submitit-local launchers and
``campaign-report`` must give the unsharded sweep's tables (pandas equality,
column order and dtypes included). Studies that cannot run in shards refuse
``experiment.shard`` with one line and exit 2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, run_module
from omegaconf import OmegaConf

from experiments import STUDIES
from experiments.study import merge_rows
from simulator.errors import ConfigError
from simulator.runs.compose import config_from_resolved, load_config
from simulator.runs.config import parse_shard, shard_range
from simulator.runs.report import collect
from simulator.runs.report.shards import shard_problem


# ------------------------------------------------------------------ the split
def test_shards_cover_every_replicate_once_in_order():
    for replicates in (1, 7, 10, 500):
        for count in range(1, min(replicates, 17) + 1):
            spans = [shard_range(replicates, (i, count)) for i in range(1, count + 1)]
            assert [r for span in spans for r in span] == list(range(replicates))
            assert all(len(span) >= 1 for span in spans)


@pytest.mark.parametrize("text", ["3", "0/3", "4/3", "a/b", "1/0", "-1/2", "1//2"])
def test_a_malformed_shard_is_refused(text):
    with pytest.raises(ValueError, match=r"^shard must be I/N"):
        parse_shard(text)


def test_more_shards_than_replicates_is_refused():
    with pytest.raises(ConfigError) as err:
        load_config("experiment=quickstart", "experiment.shard=2/5", "experiment.replicates=4")
    text = str(err.value)
    assert text.startswith("experiment.shard 2/5: 5 shards of 4 replicates (at most one")
    assert "\n" not in text
    assert load_config("experiment=quickstart", "experiment.shard=4/4", "experiment.replicates=4")


def test_merge_rows_restores_the_whole_runs_order():
    whole = pd.DataFrame(
        {
            "k": [1] * 6 + [2] * 6,
            "replicate": [0, 0, 1, 1, 2, 2] * 2,
            "arm": ["a", "b"] * 6,
        }
    )
    shards = [whole[whole["replicate"].isin(s)] for s in ([2], [0, 1])]  # any order
    pd.testing.assert_frame_equal(merge_rows(shards, ("k",)), whole)


def test_missing_and_disagreeing_shards_are_named():
    assert shard_problem(["1/4", "4/4"], "ab") == "run ab: shards 2/4, 3/4 not complete"
    assert "disagree" in shard_problem(["1/2", "1/3"], "ab")
    assert shard_problem(["1/1"]) is None


# ------------------------------------------------------- studies, in-process
SMALL = {
    "quickstart": ["network.n=300", "experiment.replicates=11"],
    "quickstart_funnel": ["campaign=funnel", "network.n=300", "experiment.replicates=11"],
    "seeding_comparison": [
        "experiment=seeding_comparison",
        "network.n=300",
        "experiment.replicates=10",
        "experiment.ks=[2,5]",
        "seeding.strategies=[random,top_degree,pagerank]",
    ],
    "seeding_comparison_budget": [
        "experiment=seeding_comparison",
        "network.n=300",
        "experiment.replicates=10",
        "experiment.budgets=[5,20]",
        "experiment.cost_per_follower=0.05",
    ],
    "peerindex_perks": [
        "experiment=peerindex_perks",
        "experiment.replicates=10",
        "experiment.viral_coefficients=[0.5,1.5]",
        "experiment.population=20000",
        "experiment.target=5000",
    ],
    "influentials": [
        "experiment=influentials",
        "network.n=300",
        "experiment.replicates=10",
        "experiment.mean_degrees=[2,5]",
    ],
    # true influence and the reference are computed in full by every shard
    "contest": [
        "experiment=contest",
        "network=erdos_renyi",
        "network.n=400",
        "experiment.players=20",
        "experiment.replicates=7",
        "experiment.true_replicates=6",
        "experiment.steps=12",
    ],
    "referral_rewards": [
        "experiment=referral_rewards",
        "experiment.replicates=10",
        "experiment.people=200",
        "experiment.max_sybils=3",
    ],
    # the stochastic baseline (random) redraws its seeds in every replicate
    "six_factors": [
        "experiment=six_factors",
        "network.n=600",
        "experiment.replicates=10",
        "experiment.k=4",
    ],
    # both worlds (the real one: the shared CA-GrQc file, found by the data-path rule)
    "klout_vs_action": [
        "experiment=klout_vs_action",
        "network.n=400",
        "experiment.agents=30",
        "experiment.replicates=10",
        "experiment.history_posts=3",
        "experiment.conversion_rates=[0.6]",
        "experiment.tie_exponents=[0.0,2.0]",
        "experiment.real_path=ca_grqc/CA-GrQc.txt",
    ],
}


@pytest.mark.parametrize("case", sorted(SMALL))
def test_merged_shards_equal_the_whole_run_byte_for_byte(case, tmp_path, request):
    overrides = [*SMALL[case], "experiment.figures=false"]
    if any(o.startswith("experiment.real_path=") for o in overrides):
        request.getfixturevalue("shared_data")  # skips without the shared data sets
    cfg = load_config(*overrides)
    study = STUDIES[cfg.experiment.name]
    assert study.shardable
    study.run(cfg, tmp_path / "whole")
    frames = []
    for i in (3, 1, 2):  # the order shards come back in does not matter
        shard = load_config(*overrides, f"experiment.shard={i}/3")
        study.run(shard, tmp_path / f"shard{i}")
        assert [p.name for p in (tmp_path / f"shard{i}").iterdir()] == ["results.parquet"]
        frames.append(pd.read_parquet(tmp_path / f"shard{i}" / "results.parquet"))
    # the report rebuilds the typed config from the manifest's resolved config
    rebuilt = config_from_resolved(OmegaConf.to_container(OmegaConf.structured(cfg)))
    assert rebuilt == cfg
    study.merge(frames, rebuilt, tmp_path / "merged")
    whole = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert sorted(p.name for p in (tmp_path / "merged").iterdir()) == whole
    assert "summary.csv" in whole and "results.parquet" in whole
    for name in whole:
        a, b = tmp_path / "whole" / name, tmp_path / "merged" / name
        assert a.read_bytes() == b.read_bytes(), name


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_every_study_shards_or_says_why_not(name):
    study = STUDIES[name]
    if study.shardable:
        # the loops outside the replicate loop (none: the replicate is the outermost)
        assert isinstance(study.order, tuple), name
        assert all(isinstance(c, str) and c != "replicate" for c in study.order), name
        return
    with pytest.raises(ConfigError) as err:
        load_config(f"experiment={name}", "experiment.shard=1/2", "experiment.replicates=4")
    text = str(err.value)
    assert text.startswith(f"experiment.shard: experiment={name} cannot run in shards (")
    assert "\n" not in text


def test_docs_list_every_study_as_sharding_or_not():
    docs = (REPO / "docs" / "sweeps.md").read_text()
    table = docs[docs.index("| study | shards |") :].split("\n\n")[0]
    for name, study in STUDIES.items():
        row = next((line for line in table.splitlines() if f"`{name}`" in line), None)
        assert row is not None, f"docs/sweeps.md: {name} missing from the shard table"
        assert row.split("|")[2].strip().startswith("yes" if study.shardable else "no"), row


# ------------------------------------------------------------ command line
RUN = ["network.n=300", "experiment.replicates=11", "experiment.figures=false"]
SHARDS = "experiment.shard=1/3,2/3,3/3"


def campaign_sim(*args, **kwargs):
    return run_module("simulator.runs.cli", *args, **kwargs)


def campaign_report(*args, **kwargs):
    return run_module("simulator.runs.report", *args, **kwargs)


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory):
    """The sweep over two root seeds, each run whole (basic launcher), and its report."""
    out = tmp_path_factory.mktemp("whole") / "sweep"
    proc = campaign_sim("-m", "seed=1,2", *RUN, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    proc = campaign_report(out, "--no-figures")
    assert proc.returncode == 0, proc.stderr
    return out


def assert_same_report(sharded: Path, whole: Path):
    a = pd.read_parquet(sharded / "report" / "results.parquet")
    b = pd.read_parquet(whole / "report" / "results.parquet")
    assert list(a["job"].unique()) == ["0+1+2", "3+4+5"]  # the shards' directories
    pd.testing.assert_frame_equal(a.drop(columns="job"), b.drop(columns="job"))
    for name in ("summary.csv", "comparison.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(sharded / "report" / name), pd.read_csv(whole / "report" / name)
        )
    # each whole run put together again: the files its unsharded job wrote
    for job in ("0", "1"):
        run_id = json.loads((whole / job / "manifest.json").read_text())["run_id"]
        merged = sharded / "report" / "runs" / run_id
        for name in ("results.parquet", "summary.csv", "comparison.csv"):
            assert (merged / name).read_bytes() == (whole / job / name).read_bytes(), name


@pytest.mark.parametrize(
    "launcher",
    [
        [],
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
        ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"],
    ],
    ids=["basic", "joblib", "submitit_local"],
)
def test_shard_sweep_merges_into_the_unsharded_sweep(launcher, unsharded, tmp_path):
    if launcher:
        plugin = "joblib" if "joblib" in launcher[0] else "submitit"
        pytest.importorskip(f"hydra_plugins.hydra_{plugin}_launcher", reason="[sweep] extra")
    out = tmp_path / "sweep"
    proc = campaign_sim("-m", "seed=1,2", SHARDS, *RUN, *launcher, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    report = campaign_report(out, "--no-figures", "--strict")
    assert report.returncode == 0, report.stderr
    assert "merged 6 shards into 2 whole run(s)" in report.stdout
    assert_same_report(out, unsharded)
    manifests = [json.loads(p.read_text()) for p in sorted(out.glob("*/manifest.json"))]
    assert len({m["run_id"] for m in manifests}) == 2  # a shard's run id is its run's
    assert [m["shard"] for m in manifests] == ["1/3", "2/3", "3/3"] * 2
    assert [m["replicates"] for m in manifests[:3]] == [[0, 3], [3, 7], [7, 11]]
    if not launcher:  # run again: every shard is complete, none runs twice
        again = campaign_sim("-m", "seed=1,2", SHARDS, *RUN, f"hydra.sweep.dir={out}")
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("already complete, skipped") == 6


def test_shards_run_as_separate_commands_merge_too(unsharded, tmp_path):
    # (two commands only: the code version hashes the working tree, which an edit
    # between the commands would change, and shards of two versions are not merged)
    for i in (1, 2):
        proc = campaign_sim(
            "seed=1", f"experiment.shard={i}/2", *RUN, f"hydra.run.dir={tmp_path}/shard{i}"
        )
        assert proc.returncode == 0, proc.stderr
        assert f"shard {i}/2: replicates" in proc.stdout
    data = collect(tmp_path)
    assert not data.missing and len(data.merged) == 1
    whole = collect(unsharded).rows
    whole = whole[whole["seed"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(data.rows.drop(columns="job"), whole.drop(columns="job"))


def test_incomplete_or_inconsistent_shards_are_not_merged(tmp_path):
    out = tmp_path / "sweep"
    proc = campaign_sim("-m", SHARDS, *RUN, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    (out / "1" / "manifest.json").unlink()  # shard 2/3 killed before it ended
    proc = campaign_report(out, "--no-figures", "--strict")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(
        r"missing: job 0 \(partial\) \[run \w+: shard 2/3 not complete\]", proc.stdout
    )
    assert "0 rows" in proc.stdout
    # the same shard computed by another version of the code cannot be merged with it
    proc = campaign_sim("-m", SHARDS, *RUN, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    manifest = out / "2" / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "code_version": "0123456789ab"}))
    jobs = collect(out).jobs
    assert [j.state for j in jobs] == ["partial"] * 3
    assert "different code versions" in jobs[0].problem
