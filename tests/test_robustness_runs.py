"""Issue 14, commands: the error contract of campaign-sim and campaign-report (exit 2 for a
bad setting, 1 for bad data or a failure while running, one line, no traceback, no partial
output) and the memory guard."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import run_module

from simulator.errors import ConfigError, MemoryLimitError, check_memory, memory_cap, parse_bytes
from simulator.runs.report.cli import main as report_main
from simulator.runs.sweep.overrides import count_jobs, expand_overrides, one_at_a_time

SMALL = ["network.n=300", "experiment.replicates=6", "experiment.figures=false"]


def campaign_sim(*args, env=None):
    return run_module("simulator.runs.cli", *args, env=env)


def assert_contract(proc, code, text):
    out = proc.stderr + proc.stdout
    assert proc.returncode == code, out
    assert "Traceback" not in out
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and text in lines[0], proc.stderr


# ------------------------------------------------------------------ memory guard
def test_memory_cap_is_configurable_and_divided_among_workers(monkeypatch):
    monkeypatch.setenv("CAMPAIGN_SIM_MEMORY", "8GiB")
    monkeypatch.setenv("CAMPAIGN_SIM_WORKERS", "4")
    assert memory_cap() == 2 * 2**30 and memory_cap(workers=1) == 8 * 2**30
    with pytest.raises(MemoryLimitError, match="lower experiment.replicates"):
        check_memory("the table", 3 * 2**30, "experiment.replicates")
    with pytest.raises(ConfigError, match="CAMPAIGN_SIM_MEMORY must be a size"):
        parse_bytes("lots")


def test_sweeps_and_ranges_are_counted_before_expansion():
    assert count_jobs(["seed=range(0,1000000000)", "a=1,2,3"]) == 3 * 10**9
    with pytest.raises(MemoryLimitError, match="3,000,000,000 jobs"):
        expand_overrides(["seed=range(0,1000000000)", "a=1,2,3"])
    with pytest.raises(MemoryLimitError, match="1,000,000,003 values"):
        one_at_a_time(["seed=range(0,1000000000)", "a=1,2,3"])


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["experiment.replicates=10000000000"], 2, "lower experiment.replicates"),
        (["network.n=2000000000"], 2, "lower network.n"),
        (["-m", "seed=range(0,100000000)"], 2, "lower the number of values swept"),
        (["seeding.k=5000", *SMALL], 2, "seeding.k"),
        (["network=file", "network.path=/tmp/dir(1)/é.txt"], 2, "quote the value"),
        (
            ["network=file", "network.path=/nonexistent/e.txt", *SMALL[1:]],
            1,
            "e.txt: no such file",
        ),
    ],
)
def test_campaign_sim_contract(tmp_path, args, code, text):
    run_dir = tmp_path / "run"
    proc = campaign_sim(*args, f"hydra.run.dir={run_dir}", f"hydra.sweep.dir={tmp_path / 's'}")
    assert_contract(proc, code, text)
    assert not (run_dir / "results.parquet").exists() and not (run_dir / "summary.csv").exists()


def test_run_dir_that_is_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    assert_contract(campaign_sim(f"hydra.run.dir={target}"), 2, "is a file, not a directory")


def test_failed_sweep_job_is_one_line_and_no_traceback(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_bytes(b"\xef\xbb\xbfsource,target\r\n0,1\r\n1,2\r\n2,0\r\n")
    proc = campaign_sim(
        "-m", "network=file", f"network.path={tmp_path / 'missing.csv'},{edges}", "seeding.k=1",
        "experiment.replicates=4", "experiment.figures=false", f"hydra.sweep.dir={tmp_path / 's'}",
    )  # fmt: skip
    assert_contract(proc, 1, "1 job(s) failed")
    assert "missing.csv: no such file" in proc.stdout and "job 2/2: done" in proc.stdout


# ----------------------------------------------------------------- campaign-report
@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "sweep"
    proc = campaign_sim("-m", "seed=1,2", *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    return out


def damage(sweep, tmp_path, how):
    copy = tmp_path / "copy"
    shutil.copytree(sweep, copy)
    job = copy / "0"
    if how == "corrupt parquet":
        (job / "results.parquet").write_bytes(b"PAR1 not really")
    elif how == "missing parquet":
        (job / "results.parquet").unlink()
    elif how == "manifest list":
        (job / "manifest.json").write_text("[1, 2]")
    elif how == "manifest invalid":
        (job / "manifest.json").write_text("{not json")
    elif how == "binary summary":
        (job / "summary.csv").write_bytes(bytes(range(256)) * 4)
    elif how == "bad overrides":
        (job / ".hydra" / "overrides.yaml").write_text("- [unclosed\n")
    elif how == "env interpolation":
        cfg = job / ".hydra" / "config.yaml"
        cfg.write_text(cfg.read_text() + "\nsecret: ${oc.env:HOME}\n")
    elif how == "huge range":
        text = (
            (copy / "multirun.yaml").read_text().replace("seed: 1,2", "seed: range(0,1000000000)")
        )
        (copy / "multirun.yaml").write_text(text)
    return copy


@pytest.mark.parametrize(
    "how, state",
    [
        ("corrupt parquet", "damaged"),
        ("missing parquet", "damaged"),
        ("manifest list", "damaged"),
        ("manifest invalid", "damaged"),
        ("binary summary", "damaged"),
        ("bad overrides", None),
        ("env interpolation", "complete"),
        ("huge range", None),
    ],
)
def test_report_on_damaged_sweeps_lists_the_job_and_says_why(sweep, tmp_path, capsys, how, state):
    copy = damage(sweep, tmp_path, how)
    code = report_main([str(copy), "--no-figures"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Traceback" not in out.out + out.err
    jobs = (copy / "report" / "jobs.csv").read_text()
    if state == "damaged":
        assert "damaged" in jobs and "missing: job 0 (damaged) [" in out.out


def test_report_out_pointing_at_a_file_is_one_line(sweep, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(SystemExit) as info:
        report_main([str(sweep), "--out", str(target)])
    assert info.value.code == 2 and "is a file, not a directory" in capsys.readouterr().err


def test_a_failed_report_leaves_no_partial_output(sweep, tmp_path, monkeypatch, capsys):
    import simulator.runs.report.cli as cli

    def boom(*args, **kwargs):
        raise ValueError("figures failed")

    monkeypatch.setattr(cli, "report_markdown", boom)
    out = tmp_path / "rep"
    assert report_main([str(sweep), "--out", str(out), "--no-figures"]) == 1
    assert "campaign-report: error: figures failed" in capsys.readouterr().err
    assert not (out / "results.parquet").exists() and not (out / "summary.csv").exists()


def test_manifest_is_json_object_after_a_run(sweep):
    assert isinstance(json.loads((sweep / "0" / "manifest.json").read_text()), dict)
