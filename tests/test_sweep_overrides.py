"""The one ``key=value`` override parser, the sweep's expected jobs, the report's interval.

Fast unit tests of :mod:`simulator.runs.sweep` and :mod:`simulator.runs.report`
(no campaign-sim subprocess); the end-to-end sweeps are in test_sweeps and
test_report.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.analysis.stats import mean_ci
from simulator.runs import sweep
from simulator.runs.report import Job, summary_table
from simulator.runs.sweep.overrides import expand_overrides, one_at_a_time, parse_override
from simulator.runs.sweep.progress import SweepInfo, sweep_info

REPO = Path(__file__).resolve().parents[1]
CONFIGS = str(REPO / "configs")


@pytest.mark.parametrize(
    ("text", "key", "value", "name"),
    [
        ("campaign.p=0.05", "campaign.p", "0.05", "campaign.p"),
        ("+network.columns=[target, source]", "+network.columns", "[target, source]",
         "network.columns"),
        ("++experiment.label='a=b'", "++experiment.label", "'a=b'", "experiment.label"),
        ("~network.ties", "~network.ties", "", "network.ties"),
        ("~network.ties=", "~network.ties", "", "network.ties"),
        ("network=erdos_renyi", "network", "erdos_renyi", "network"),
        ("hydra/launcher=joblib", "hydra/launcher", "joblib", "hydra/launcher"),
        ("db@backup=mysql", "db@backup", "mysql", "db@backup"),
        ("seed=range(3)", "seed", "range(3)", "seed"),
        ("experiment.label='a b'", "experiment.label", "'a b'", "experiment.label"),
    ],
)  # fmt: skip
def test_parse_override(text, key, value, name):
    parsed = parse_override(text)
    assert tuple(parsed) == (key, value)
    assert parsed.name == name
    assert parsed.key_or_group == _hydra_parse(text).key_or_group


def _hydra_parse(text):
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create().parse_override(text)


@pytest.mark.parametrize("text", ["campaign.p", "a b=1", "a.b/c=1", ""])
def test_parse_override_rejects_what_hydra_rejects(text):
    with pytest.raises(ValueError, match="not a key=value override"):
        parse_override(text)


def test_override_value_is_typed_as_hydra_types_it():
    assert sweep.override_value("campaign.p=1e-2") == 0.01
    assert sweep.override_value("network.columns=[target,source]") == ["target", "source"]
    assert sweep.override_value("experiment.figures=false") is False
    assert sweep.override_value("network.path=null") is None


def test_the_cli_names_are_reexported():
    for name in ["sweep_info", "record_progress", "progress_line", "job_key", "find_completed",
                 "reuse_results", "mark_done", "prepare_job_dir", "staged", "MANIFEST",
                 "one_at_a_time", "parse_override", "override_value"]:  # fmt: skip
        assert hasattr(sweep, name), name
    assert not hasattr(sweep, "sweep_jobs")  # dead code, removed


def test_glob_sweeps_need_the_config_directory():
    with pytest.raises(ValueError, match="config directory"):
        expand_overrides(["network=glob([erdos_renyi,watts_strogatz])"])
    jobs = expand_overrides(["network=glob([erdos_renyi,watts_strogatz])", "seed=1,2"], CONFIGS)
    assert jobs == [
        ["network=erdos_renyi", "seed=1"],
        ["network=erdos_renyi", "seed=2"],
        ["network=watts_strogatz", "seed=1"],
        ["network=watts_strogatz", "seed=2"],
    ]
    assert one_at_a_time(["network=glob([erdos_renyi,watts_strogatz])", "seed=1,2"], CONFIGS) == [
        jobs[0],
        jobs[2],
        jobs[1],
    ]


def test_sweeps_that_cannot_be_listed_raise_value_error():
    with pytest.raises(ValueError):
        expand_overrides(["campaign.p=interval(0,1)"])
    with pytest.raises(ValueError, match="not a list of values"):
        one_at_a_time(["campaign.p=interval(0,1)"])


def test_swept_keys_are_the_keys_with_several_values():
    jobs = expand_overrides(["+extra=1", "campaign.p=0.1,0.2", "seed=3,3", "network.n=300"])
    assert SweepInfo(jobs, 0.0).swept == ["campaign.p"]
    assert SweepInfo(jobs, 0.0).total == 4 and SweepInfo(None, 0.0).total is None


def _multirun_yaml(sweep_dir: Path, task: list[str], config_dir: str | None) -> None:
    hydra = {
        "sweeper": {"_target_": "hydra._internal.core_plugins.basic_sweeper.BasicSweeper",
                    "params": {"seed": "1,2"}},
        "overrides": {"task": task},
        "runtime": {"config_sources": [
            {"path": "hydra.conf", "schema": "pkg", "provider": "hydra"},
            *([{"path": config_dir, "schema": "file", "provider": "main"}] if config_dir else []),
        ]},
    }  # fmt: skip
    (sweep_dir / "multirun.yaml").write_text(yaml.safe_dump({"hydra": hydra}))


def test_sweep_info_lists_glob_sweeps_with_the_sweeps_own_configs(tmp_path):
    _multirun_yaml(
        tmp_path, ["network=glob([erdos_renyi,watts_strogatz])", "network.n=300"], CONFIGS
    )
    info = sweep_info(tmp_path)
    assert info.total == 4 and info.swept == ["seed", "network"]
    assert info.jobs[1] == ["seed=1", "network=watts_strogatz", "network.n=300"]
    other = tmp_path / "other"
    other.mkdir()
    _multirun_yaml(
        other, ["network=glob([erdos_renyi,watts_strogatz])"], None
    )  # not recorded: not listed
    assert sweep_info(other).jobs is None


def test_progress_line_counts_jobs_and_shows_an_eta(tmp_path):
    _multirun_yaml(tmp_path, ["campaign.p=0.1,0.2"], CONFIGS)
    assert sweep.progress_line(tmp_path, 0, "starting") == "job 1/4: starting (0/4 ended)"
    sweep.record_progress(tmp_path, 0, "done")
    sweep.record_progress(tmp_path, 1, "skipped")
    line = sweep.progress_line(tmp_path, 1, "skipped")
    assert line.startswith("job 2/4: skipped (2/4 ended, ~") and line.endswith(" left)")


def test_a_report_job_reads_its_overrides_with_the_parser():
    job = Job(0, None, ["campaign.p=0.05", "+network.columns=[a,b]", "~network.ties"])
    assert job.override("campaign.p") == "0.05"
    assert job.override("network.columns") == "[a,b]"
    assert job.override("network.ties") == "" and job.override("seed") is None


def test_summary_table_interval_is_the_student_t_interval():
    rng = np.random.default_rng(1)
    rows = pd.DataFrame({"g": ["a"] * 7 + ["b"] * 5 + ["c"], "x": rng.normal(size=13)})
    rows.loc[2, "x"] = np.nan  # left out of its group
    table = summary_table(rows, ["x"], ["g"], level=0.9).set_index("g")
    for group, values in rows.groupby("g")["x"]:
        values = values.dropna().to_numpy()
        mean, low, high = mean_ci(values, 0.9)
        got = table.loc[group]
        assert got["n"] == len(values) and math.isclose(got["mean"], mean)
        if len(values) > 1:
            assert math.isclose(got["ci_low"], low) and math.isclose(got["ci_high"], high)
        else:
            assert np.isnan(got["ci_low"]) and np.isnan(got["ci_high"])


def test_sweep_and_report_do_not_import_the_command_line():
    from test_architecture import import_graph

    graph = import_graph()
    mine = [m for m in graph if m.startswith(("simulator.runs.sweep", "simulator.runs.report"))]
    assert "simulator.runs.sweep.overrides" in mine and "simulator.runs.report.cli" in mine
    for module in mine:
        assert "simulator.runs.cli" not in graph[module], module
