"""The error contract at the edges of the commands (issue 14).

A sweep job that fails under a cluster launcher (submitit here; the Ray
launcher in ``test_sweeps.py``) still raises in its worker, so the cluster
records it as failed, but the user sees one line naming the job and the
reason and exit status 1, no traceback. A reader that goes away
(``campaign-sim --help | head``) ends both commands quietly, as Unix tools do.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import run_module

from simulator.runs import sweep
from simulator.runs.report import collect


def campaign_sim(*args, **kwargs):
    return run_module("simulator.runs.cli", *args, **kwargs)


def failing_sweep(tmp_path, *launcher):
    """Two jobs: the first names a file that does not exist (found when it runs)."""
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n0,1\n1,2\n2,3\n3,0\n0,2\n")
    out = tmp_path / "sweep"
    proc = campaign_sim(
        "-m", "network=file", f"network.path={tmp_path / 'missing.csv'},{edges}", "seeding.k=1",
        "experiment.replicates=4", "experiment.figures=false", *launcher,
        f"hydra.sweep.dir={out}",
    )  # fmt: skip
    return proc, out


def test_failed_job_under_submitit_is_one_line(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="[sweep] extra")
    launcher = ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"]
    proc, out = failing_sweep(tmp_path, *launcher)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    missing = tmp_path / "missing.csv"
    assert lines[0] == (
        f"campaign-sim: error: job 1/2 [network.path={missing}]: network.path: {missing}: "
        f"no such file (campaign-report {out} lists every failed job)"
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    assert [j.state for j in collect(out).jobs] == ["failed", "complete"]  # the other ran
    # the job's own line is in its log; the worker raised JobFailed, which Hydra's job
    # runner hands back to the driver (submitit itself sees the job end normally)
    logs = "".join(p.read_text() for p in (out / ".submitit").rglob("*_log.out"))
    assert "campaign-sim: job 1/2: failed: network.path: " in logs


def test_debug_variable_shows_the_launchers_traceback(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="[sweep] extra")
    launcher = ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"]
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n0,1\n")
    proc = campaign_sim(
        "-m", "network=file", f"network.path={tmp_path / 'missing.csv'}", "seeding.k=1",
        "experiment.replicates=4", "experiment.figures=false", *launcher,
        f"hydra.sweep.dir={tmp_path / 'sweep'}", env={"CAMPAIGN_SIM_DEBUG": "1"},
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" in proc.stderr
    assert proc.stderr.rstrip().endswith("missing.csv: no such file")


def test_an_error_the_launcher_raises_itself_is_one_line():
    err = RuntimeError("Job 12_0 has not produced any output (state: TIMEOUT)\nmore detail")
    assert sweep.launcher_error(err) == (
        "the launcher failed: Job 12_0 has not produced any output (state: TIMEOUT) "
        "(CAMPAIGN_SIM_DEBUG=1 shows the traceback)"
    )
    # a failed job's exception that crossed processes as text (submitit's error message)
    text = "trace:\nTraceback ...\nsimulator.runs.sweep.jobs.JobFailed: job 3/4 [a=1]: bad"
    assert sweep.launcher_error(RuntimeError(text)) == "job 3/4 [a=1]: bad"


@pytest.mark.parametrize(
    "command",
    [
        ["simulator.runs.cli", "--help"],
        ["simulator.runs.report", "--help"],
        ["simulator.runs.cli", "network.n=200", "experiment.replicates=3", "HYDRA_RUN_DIR"],
    ],
    ids=["campaign-sim --help", "campaign-report --help", "campaign-sim run"],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(command, tmp_path):
    # the reader has gone before the first write: every write meets a broken pipe
    command = [f"hydra.run.dir={tmp_path / 'run'}" if c == "HYDRA_RUN_DIR" else c for c in command]
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("CAMPAIGN_SIM_DEBUG", None)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", *command],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        os.close(write)
    assert proc.stderr == ""
    assert proc.returncode in (0, sweep.EXIT_BROKEN_PIPE)  # argparse drops help it cannot write


def test_report_into_a_closed_pipe_exits_141(tmp_path):
    proc = campaign_sim(
        "-m", "seed=1,2", "network.n=200", "experiment.replicates=3", "experiment.figures=false",
        f"hydra.sweep.dir={tmp_path / 's'}",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "simulator.runs.report", str(tmp_path / "s"), "--no-figures"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (sweep.EXIT_BROKEN_PIPE, "")
