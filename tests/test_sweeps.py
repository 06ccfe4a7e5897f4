"""Sweeps: launchers give identical tables, killed sweeps resume exactly, one line per job.

Each test runs ``campaign-sim -m ...`` in a subprocess at a tiny size and
compares the tables aggregated by :mod:`simulator.runs.report`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_module

from simulator.runs import sweep
from simulator.runs.report import collect

SMALL = ["network.n=300", "experiment.replicates=12", "experiment.figures=false"]
SWEEP = ["campaign.p=0.02,0.1", "seed=1,2"]


def campaign_sim(*args, **kwargs):
    return run_module("simulator.runs.cli", *args, **kwargs)


def table(sweep_dir: Path) -> pd.DataFrame:
    """The aggregated long table, in a canonical order."""
    data = collect(sweep_dir)
    assert not data.missing, [(j.num, j.state) for j in data.missing]
    return data.rows.sort_values(["job", "arm", "replicate"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sweep run by Hydra's basic launcher (jobs one after another, in-process)."""
    out = tmp_path_factory.mktemp("basic") / "sweep"
    proc = campaign_sim("-m", *SWEEP, *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    return out, proc


# ----------------------------------------------------------------- launchers
def test_basic_sweep_runs_every_job_once(reference):
    out, _ = reference
    rows = table(out)
    assert len(rows) == 4 * 2 * 12
    assert rows["run_id"].nunique() == 4
    assert set(rows["campaign.p"]) == {0.02, 0.1} and set(rows["seed"]) == {1, 2}
    assert rows.groupby(["campaign.p", "seed"]).size().eq(2 * 12).all()


def test_joblib_two_workers_give_the_same_table(reference, tmp_path):
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher", reason="pip install '.[sweep]'")
    out = tmp_path / "sweep"
    launcher = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    proc = campaign_sim("-m", *SWEEP, *SMALL, *launcher, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(table(reference[0]), table(out))


def test_submitit_local_gives_the_same_table(reference, tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="pip install '.[sweep]'")
    out = tmp_path / "sweep"
    launcher = ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"]
    proc = campaign_sim("-m", *SWEEP, *SMALL, *launcher, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(table(reference[0]), table(out))


# ------------------------------------------------------------------ logging
def test_one_quiet_line_per_job(reference):
    _, proc = reference
    hydra, *lines = proc.stdout.strip().splitlines()
    assert hydra.endswith("[HYDRA] Launching 4 jobs locally")
    assert len(lines) == 4 and all(line.startswith("campaign-sim: job ") for line in lines)
    assert lines[0].startswith("campaign-sim: job 1/4: done in")
    assert "[campaign.p=0.02 seed=1]" in lines[0]  # only what varies
    assert lines[-1].startswith("campaign-sim: job 4/4: done") and "4/4 ended" in lines[-1]
    log = proc.stdout + proc.stderr
    assert "#0 :" not in log and "MESA" not in log and "Traceback" not in log
    assert proc.stderr == ""


def test_terminal_shows_a_progress_bar(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks = []

    def read():
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    with subprocess.Popen(
        [sys.executable, "-m", "simulator.runs.cli", "-m", "seed=1,2", *SMALL]
        + [f"hydra.sweep.dir={tmp_path}"],
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
        env=env,
    ) as proc:
        stdout, _ = proc.communicate(timeout=300)
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    screen = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "jobs:" in screen and "2/2" in screen and "100%" in screen
    assert "campaign-sim: job" not in stdout  # the bar replaces the lines


# ----------------------------------------------------------------- resuming
def test_rerun_skips_complete_jobs(reference, tmp_path):
    out, _ = reference
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/manifest.json")}
    proc = campaign_sim("-m", *SWEEP, *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("already complete, skipped") == 4
    assert before == {p: p.stat().st_mtime_ns for p in out.glob("*/manifest.json")}


def test_results_of_other_code_are_recomputed(reference, tmp_path):
    out = tmp_path / "sweep"
    shutil.copytree(reference[0], out)
    manifest = out / "0" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["code_version"] = "0ld0ld0ld0ld"  # job 0 computed by another version of the code
    manifest.write_text(json.dumps(data))
    proc = campaign_sim("-m", *SWEEP, *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("already complete, skipped") == 3
    assert proc.stdout.count("job 1/4: done in") == 1
    assert json.loads(manifest.read_text())["code_version"] != "0ld0ld0ld0ld"
    pd.testing.assert_frame_equal(table(reference[0]), table(out))
    assert not (out / ".campaign-sim" / "stash").exists()  # superseded, not set aside


def test_values_added_to_a_sweep_reuse_complete_jobs(tmp_path):
    out = tmp_path / "sweep"
    first = campaign_sim("-m", "campaign.p=0.02,0.1", *SMALL, f"hydra.sweep.dir={out}")
    assert first.returncode == 0, first.stderr
    old = table(out)
    # a value in front renumbers every job: job 0 moves the results of p=0.02 aside
    proc = campaign_sim("-m", "campaign.p=0.01,0.02,0.1", *SMALL, f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("done in") == 1
    assert proc.stdout.count("results linked") == 2
    new = table(out)
    assert len(new) == 3 * 2 * 12 and new["run_id"].nunique() == 3
    kept = new[new["campaign.p"] != 0.01].drop(columns="job").reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, old.drop(columns="job"))


def test_killed_sweep_resumes_with_every_job_once(tmp_path):
    args = ["-m", "seed=range(0,8)", "network.n=4000", "experiment.replicates=300"]
    args += ["experiment.figures=false"]
    out = tmp_path / "sweep"
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator.runs.cli", *args, f"hydra.sweep.dir={out}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 120
    try:
        while len(list(out.glob("*/manifest.json"))) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    partial = collect(out)
    complete = [j for j in partial.jobs if j.state == "complete"]
    assert 2 <= len(complete) < 8, "kill the sweep while it runs"
    assert len(partial.jobs) == 8 and len(partial.missing) == 8 - len(complete)
    assert {j.state for j in partial.missing} <= {"incomplete", "not started"}
    kept = {j.dir: (j.dir / "manifest.json").stat().st_mtime_ns for j in complete}

    again = campaign_sim(*args, f"hydra.sweep.dir={out}")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("skipped") == len(complete)
    assert again.stdout.count("done in") == 8 - len(complete)
    assert kept == {d: (d / "manifest.json").stat().st_mtime_ns for d in kept}
    assert not list(out.glob("*/.partial-*")) and not list(out.glob("*/.*.tmp"))
    resumed = table(out)
    assert resumed["run_id"].nunique() == 8 and len(resumed) == 8 * 2 * 300
    assert sorted(resumed["seed"].unique()) == list(range(8))

    # exact: the same tables as an uninterrupted sweep (two workers)
    clean = tmp_path / "clean"
    launcher = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    if not _has("hydra_plugins.hydra_joblib_launcher"):
        launcher = []
    proc = campaign_sim(*args, *launcher, f"hydra.sweep.dir={clean}")
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(resumed, table(clean))


def _has(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# ------------------------------------------------------------------- errors
def test_bad_value_anywhere_in_a_sweep_stops_before_any_job(tmp_path):
    proc = campaign_sim(
        "-m", "campaign.p=0.1,1.5", "seed=1,2", *SMALL, f"hydra.sweep.dir={tmp_path / 's'}"
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "campaign-sim: error: campaign.p must be a probability in [0, 1], got 1.5"
    )
    assert not (tmp_path / "s").exists()


def test_a_failing_job_does_not_stop_the_others(tmp_path):
    # A missing input file is found when the job runs (the sweep's check of every
    # value composes configs, it does not read inputs).
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n0,1\n1,2\n2,3\n3,0\n0,2\n")
    out = tmp_path / "sweep"
    proc = campaign_sim(
        "-m",
        "network=file",
        f"network.path={tmp_path / 'missing.csv'},{edges}",
        "seeding.k=1",
        "experiment.replicates=4",
        "experiment.figures=false",
        f"hydra.sweep.dir={out}",
    )
    assert proc.returncode != 0
    assert "job 1/2: failed: " in proc.stdout and "missing.csv: no such file" in proc.stdout
    assert "job 2/2: done" in proc.stdout
    data = collect(out)
    assert [j.state for j in data.jobs] == ["failed", "complete"]


# ----------------------------------------------------------------- the index
def test_staged_files_appear_whole_or_not_at_all(tmp_path):
    with pytest.raises(RuntimeError):
        with sweep.staged(tmp_path) as staging:
            (staging / "results.parquet").write_text("half")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    with sweep.staged(tmp_path) as staging:
        (staging / "results.parquet").write_text("whole")
    assert (tmp_path / "results.parquet").read_text() == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["results.parquet"]


def test_reuse_refuses_results_taken_over_meanwhile(tmp_path):
    src, dst = tmp_path / "0", tmp_path / "1"
    src.mkdir()
    (src / "results.parquet").write_text("A")
    (src / "manifest.json").write_text(json.dumps({"run_id": "A"}))
    assert sweep.reuse_results(src, dst, "A")
    assert (dst / "results.parquet").read_text() == "A"
    (src / "manifest.json").write_text(json.dumps({"run_id": "B"}))  # taken over
    other = tmp_path / "2"
    assert not sweep.reuse_results(src, other, "A")
    assert not (other / "manifest.json").exists()


def test_other_configs_results_are_set_aside_not_lost(tmp_path):
    job = tmp_path / "0"
    job.mkdir()
    (job / "results.parquet").write_text("A")
    (job / "manifest.json").write_text(json.dumps({"run_id": "A"}))
    sweep.mark_done(tmp_path, "A", job)
    sweep.prepare_job_dir(job, "B", tmp_path)
    assert not (job / "manifest.json").exists() and not (job / "results.parquet").exists()
    where = sweep.find_completed(tmp_path, "A", tmp_path / "5")
    assert where is not None and (where / "results.parquet").read_text() == "A"


# ---------------------------------------------------------------------- Ray
# Ray's dashboard asks the cloud metadata address (169.254.169.254) and
# metadata.google.internal which cloud it runs on, and even with usage stats
# disabled it reports "disabled" to usage-stats.ray.io. Both are switched off
# here: the cloud is read from a cluster config file in a private HOME, and the
# report goes to a closed loopback port. strace (when installed) then records
# every address the head and the driver connect or send to.
_TRACED = "trace=connect,sendto,sendmsg,sendmmsg"
_TRACED_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"')


def _ray_processes(root_pid: int):
    import psutil

    try:
        root = psutil.Process(root_pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _loopback(ip: str) -> bool:
    """127.0.0.0/8 or ::1 (also v4-mapped); 0.0.0.0 and :: as connect targets mean this host."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _strace() -> str | None:
    """strace, if installed and allowed to trace here (ptrace can be blocked)."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    probe = subprocess.run([strace, "-f", "-o", os.devnull, "true"], capture_output=True)
    return strace if probe.returncode == 0 else None


def _traced(command: list[str], log: Path, strace: str | None) -> list[str]:
    """``command`` under ``strace -f`` writing to ``log``, or as is without strace."""
    return [strace, "-f", "-qq", "-e", _TRACED, "-o", str(log), *command] if strace else command


def _traced_destinations(log: Path) -> set[str]:
    """Every IP address a traced process tree connected or sent to."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return {a or b for a, b in _TRACED_ADDRESS.findall(text)}


def _stop(head: subprocess.Popen, traced: bool) -> None:
    """SIGTERM the ``ray start --block`` process (under strace: strace's child)."""
    import psutil

    try:
        target = psutil.Process(head.pid)
        children = target.children() if traced else []
        target = children[0] if children else target
        target.send_signal(signal.SIGTERM)  # ray start --block stops its own processes
    except psutil.Error:
        pass
    try:
        head.wait(timeout=30)
    except subprocess.TimeoutExpired:
        head.kill()


@pytest.mark.slow
def test_ray_cluster_on_loopback_gives_the_same_table(reference, tmp_path):
    pytest.importorskip("ray", reason="ray is not installed (pip install -e '.[ray]')")
    pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="pip install -e '.[ray]'")
    psutil = pytest.importorskip("psutil")
    ray_tmp = Path(tempfile.mkdtemp(prefix="cs-ray-", dir="/tmp"))  # Unix socket paths are short
    home = ray_tmp / "home"
    home.mkdir()
    (home / "ray_bootstrap_config.yaml").write_text("{}\n")  # no cloud metadata queries
    env = {
        **{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
        "HOME": str(home),
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # node IP 127.0.0.1, no UDP probe of 8.8.8.8
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_USAGE_STATS_REPORT_URL": "http://127.0.0.1:9/",  # the "disabled" report stays local
        "DASHBOARD_METRIC_PORT": str(_free_port()),
        "HYDRA_FULL_ERROR": "0",
    }
    port = _free_port()
    ray_cli = [sys.executable, "-m", "ray.scripts.scripts"]
    head_trace, driver_trace = tmp_path / "head.strace", tmp_path / "driver.strace"
    strace = _strace()
    head = subprocess.Popen(
        _traced(
            [
                *ray_cli,
                "start",
                "--head",
                "--block",
                "--node-ip-address=127.0.0.1",
                f"--port={port}",
                "--include-dashboard=false",
                "--dashboard-host=127.0.0.1",
                f"--dashboard-port={_free_port()}",
                f"--dashboard-agent-listen-port={_free_port()}",
                f"--ray-client-server-port={_free_port()}",
                f"--metrics-export-port={_free_port()}",
                "--num-cpus=2",
                "--disable-usage-stats",
                f"--temp-dir={ray_tmp}",
            ],
            head_trace,
            strace,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    seen, stop = [], threading.Event()

    def watch(procs_of):
        while not stop.is_set():
            names = {}
            for p in procs_of():
                try:
                    names[p.pid] = " ".join(p.cmdline())[:160]
                except psutil.Error:
                    pass
            try:
                seen.extend(
                    (c, names[c.pid]) for c in psutil.net_connections("inet") if c.pid in names
                )
            except psutil.Error:
                pass
            time.sleep(0.2)

    driver = {"proc": None}

    def ours():
        procs = _ray_processes(head.pid)
        if driver["proc"] is not None:
            procs += _ray_processes(driver["proc"].pid)
        return procs

    watcher = threading.Thread(target=watch, args=(ours,), daemon=True)
    watcher.start()
    try:
        out = tmp_path / "sweep"
        launcher = [
            "hydra/launcher=ray_cluster",  # configs/hydra/launcher/ray_cluster.yaml
            f"hydra.launcher.ray.init.address=127.0.0.1:{port}",
            "+hydra.launcher.ray.init._node_ip_address=127.0.0.1",
        ]
        deadline = time.monotonic() + 90
        while True:  # wait for the head to accept a driver
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert head.poll() is None, head.stdout.read()
            assert time.monotonic() < deadline, "ray head did not start"
            time.sleep(0.2)
        driver["proc"] = subprocess.Popen(
            _traced(
                [sys.executable, "-m", "simulator.runs.cli", "-m", *SWEEP, *SMALL, *launcher]
                + [f"hydra.sweep.dir={out}"],
                driver_trace,
                strace,
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        stdout, stderr = driver["proc"].communicate(timeout=240)
        assert driver["proc"].returncode == 0, stderr
        # one run split into shards on the cluster, and a sweep with a failing job
        sharded, failing = tmp_path / "sharded", tmp_path / "failing"
        edges = tmp_path / "edges.csv"
        edges.write_text("source,target\n0,1\n1,2\n2,3\n3,0\n0,2\n")
        commands = {
            sharded: ["experiment.shard=1/3,2/3,3/3", *SMALL],
            failing: [
                "network=file",
                f"network.path={tmp_path / 'missing.csv'},{edges}",
                "seeding.k=1",
                "experiment.replicates=4",
                "experiment.figures=false",
            ],
        }
        ended = {}
        for where, args in commands.items():
            driver["proc"] = subprocess.Popen(
                [sys.executable, "-m", "simulator.runs.cli", "-m", *args, *launcher]
                + [f"hydra.sweep.dir={where}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            _, err = driver["proc"].communicate(timeout=240)
            ended[where] = (driver["proc"].returncode, err)
        time.sleep(0.5)
    finally:
        stop.set()
        watcher.join()
        procs = _ray_processes(head.pid)
        if driver["proc"] is not None and driver["proc"].poll() is None:  # timed out
            procs += _ray_processes(driver["proc"].pid)
        _stop(head, strace is not None)
        for p in procs:  # by pid: only what this test started
            try:
                p.kill()
            except psutil.Error:
                pass
        shutil.rmtree(ray_tmp, ignore_errors=True)
    pd.testing.assert_frame_equal(table(reference[0]), table(out))
    # the shards merge into the run made in one piece (basic launcher)
    assert ended[sharded][0] == 0, ended[sharded][1]
    whole = tmp_path / "whole"
    proc = campaign_sim("-m", *SMALL, f"hydra.sweep.dir={whole}")
    assert proc.returncode == 0, proc.stderr
    merged = collect(sharded)
    assert len(merged.merged) == 1 and not merged.missing
    pd.testing.assert_frame_equal(
        merged.rows.drop(columns="job"), collect(whole).rows.drop(columns="job")
    )
    # a failed job under Ray: one line naming it, exit 1, no traceback
    # (Ray's own "Connecting to existing Ray cluster" log lines come first, as in every run)
    code, err = ended[failing]
    ours = [line for line in err.splitlines() if line.startswith("campaign-sim:")]
    assert code == 1 and "Traceback" not in err and ours == err.strip().splitlines()[-1:], err
    assert ours[0].startswith("campaign-sim: error: job 1/2 [network.path=")
    assert "missing.csv: no such file" in ours[0]
    assert seen, "no Ray socket was seen"
    listening = [(c, who) for c, who in seen if c.status == psutil.CONN_LISTEN]
    assert listening
    assert all(_loopback(c.laddr.ip) for c, _ in listening), listening
    off_loopback = {
        (c.type, c.laddr, c.raddr, who) for c, who in seen if c.raddr and not _loopback(c.raddr.ip)
    }
    assert not off_loopback, off_loopback
    if strace:  # every connect/send of both process trees, not a sample
        destinations = _traced_destinations(head_trace) | _traced_destinations(driver_trace)
        assert destinations, "strace recorded no address"
        off = sorted(ip for ip in destinations if not _loopback(ip))
        assert not off, f"Ray connected or sent to addresses off the loopback: {off}"
