"""``campaign-report``: one long table, summaries, figures and a report from a sweep."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import run_module

from simulator.analysis.stats import mean_ci
from simulator.runs.report import collect

REPO = Path(__file__).resolve().parents[1]
SMALL = ["network.n=300", "experiment.replicates=10", "experiment.figures=false"]


run = run_module


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "sweep"
    proc = run("simulator.runs.cli", "-m", "campaign.p=0.02,0.1", "seed=1,2", *SMALL,
               f"hydra.sweep.dir={out}")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def test_complete_sweep_report(sweep_dir, tmp_path):
    out = tmp_path / "report"
    proc = run("simulator.runs.report", sweep_dir, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "4 of 4 jobs complete, 0 missing" in proc.stdout
    rows = pd.read_parquet(out / "results.parquet")
    assert list(rows.columns[:3]) == ["job", "run_id", "campaign.p"]
    assert rows["campaign.p"].dtype == np.float64 and set(rows["campaign.p"]) == {0.02, 0.1}
    assert rows["network.n"].eq(300).all() and len(rows) == 4 * 2 * 10
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:3]) == ["campaign.p", "seed", "arm"]
    assert "network.n" not in summary  # fixed values are not columns of the summary
    assert len(summary) == 2 * 2 * 2 and (summary["n"] == 10).all()
    assert (summary["ci_low"] <= summary["mean"]).all()
    assert (summary["mean"] <= summary["ci_high"]).all()
    jobs = pd.read_csv(out / "jobs.csv")
    assert list(jobs["state"]) == ["complete"] * 4 and jobs["run_id"].nunique() == 4
    assert (out / "comparison.csv").is_file()
    figure = out / "figures" / "reach_vs_campaign.p.png"
    assert figure.stat().st_size > 10_000
    text = (out / "report.md").read_text()
    assert "**4 of 4 jobs complete**" in text and "Swept `campaign.p`: 0.02, 0.1." in text
    assert "![reach_vs_campaign.p](figures/reach_vs_campaign.p.png)" in text
    assert "None: the sweep is complete." in text


def test_summary_is_each_jobs_own_summary(sweep_dir):
    data = collect(sweep_dir)
    for job in data.jobs:
        own = pd.read_csv(job.dir / "summary.csv")
        mine = data.summary[
            (data.summary["campaign.p"] == job.params["campaign.p"])
            & (data.summary["seed"] == job.params["seed"])
        ]
        assert (mine["ci_method"] == "study").all()
        for column in ["arm", "metric", "mean", "ci_low", "ci_high", "n"]:
            assert list(mine[column]) == list(own[column])


def test_pooling_seeds_summarises_the_pooled_rows(sweep_dir):
    data = collect(sweep_dir, pool=["seed"])
    assert list(data.summary.columns[:2]) == ["campaign.p", "arm"]
    assert len(data.summary) == 2 * 2 and (data.summary["n"] == 20).all()
    for row in data.summary.itertuples():
        values = data.rows.loc[
            (data.rows["campaign.p"] == row[1]) & (data.rows["arm"] == row.arm), "reach"
        ]
        mean, lo, hi = mean_ci(values.to_numpy())
        assert np.isclose(row.mean, mean) and np.isclose(row.ci_low, lo)
        assert np.isclose(row.ci_high, hi)


def test_partial_sweep_reports_what_is_complete_and_lists_the_rest(sweep_dir, tmp_path):
    partial = tmp_path / "sweep"
    shutil.copytree(sweep_dir, partial)
    (partial / "1" / "manifest.json").unlink()  # killed before its manifest
    shutil.rmtree(partial / "3")  # never started
    proc = run("simulator.runs.report", partial)
    assert proc.returncode == 0, proc.stderr
    assert "2 of 4 jobs complete, 2 missing" in proc.stdout
    assert "missing: job 1 (incomplete): campaign.p=0.02 seed=2" in proc.stdout
    assert "missing: job 3 (not started): campaign.p=0.1 seed=2" in proc.stdout
    rows = pd.read_parquet(partial / "report" / "results.parquet")
    assert sorted(rows["job"].unique()) == ["0", "2"] and len(rows) == 2 * 2 * 10
    text = (partial / "report" / "report.md").read_text()
    assert "**2 of 4 jobs complete**; 2 missing." in text
    assert "| 1 | 1 | incomplete | campaign.p=0.02 seed=2" in text
    assert "| 3 |  | not started | campaign.p=0.1 seed=2" in text
    assert run("simulator.runs.report", partial, "--strict").returncode == 1


def test_jobs_from_two_code_versions_are_flagged(sweep_dir, tmp_path):
    mixed = tmp_path / "sweep"
    shutil.copytree(sweep_dir, mixed)
    manifest = mixed / "1" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"code_version": "', '"code_version": "0ld'))
    proc = run("simulator.runs.report", mixed)
    assert proc.returncode == 0, proc.stderr
    assert "warning: the jobs were computed by 2 code versions" in proc.stdout
    assert "**Warning:** the jobs were computed by 2 code versions" in (
        (mixed / "report" / "report.md").read_text()
    )
    assert "warning" not in run("simulator.runs.report", sweep_dir, "--out", tmp_path / "r").stdout
    manifest.write_text(re.sub(r'"code_version": "[^"]*",?', "", manifest.read_text()))
    assert len(collect(mixed).code_versions) == 2  # a manifest from before versions: "unknown"


def test_an_old_manifest_under_a_new_config_is_not_complete(sweep_dir, tmp_path):
    stale = tmp_path / "sweep"
    shutil.copytree(sweep_dir, stale)
    # job 0's directory set up by Hydra for job 2's config, killed before it ran
    shutil.copy(stale / "2" / ".hydra" / "config.yaml", stale / "0" / ".hydra" / "config.yaml")
    data = collect(stale)
    assert [j.state for j in data.jobs] == ["incomplete", "complete", "complete", "complete"]


def test_single_run_directory(tmp_path):
    out = tmp_path / "run"
    proc = run("simulator.runs.cli", *SMALL, "campaign.p=0.07", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    data = collect(out)
    assert [j.state for j in data.jobs] == ["complete"]
    assert set(data.rows["campaign.p"]) == {0.07} and len(data.rows) == 2 * 10


def test_a_config_listed_twice_counts_once(tmp_path):
    out = tmp_path / "sweep"
    proc = run("simulator.runs.cli", "-m", "seed=5,5", *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert "results linked" in proc.stdout  # the second job reuses the first's results
    data = collect(out)
    assert [j.state for j in data.jobs] == ["complete", "duplicate"]
    assert len(data.rows) == 2 * 10 and data.rows["run_id"].nunique() == 1


def test_console_script_is_declared():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["campaign-report"] == "simulator.runs.report.cli:main"
