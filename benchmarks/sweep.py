"""Sweep benchmark: ``python -m benchmarks.sweep [--quick] [--output PATH]``.

Measures what a sweep costs beyond its jobs, with the real command
(``campaign-sim -m ...`` in a subprocess, as a user runs it):

S1. **Per-job overhead**: a sweep of ``--jobs`` (1,000) tiny jobs
    (``seed=range(0,N)``, a 50-node network, 2 replicates) with Hydra's
    basic launcher (jobs one after another in one process) and with the
    joblib launcher on 2 workers; then the same sweep again, where every job
    is skipped as complete. Overhead per job = (wall time of the command -
    the jobs' own time / workers) / jobs; the jobs' own time is the sum of
    the ``wall_time_s`` of their manifests.
S2. **Speed-up of 2 workers over 1** on CPU-bound jobs (``--cpu-jobs``
    jobs of about 2.5 s each: a supercritical cascade, p = 0.2, 1,000
    replicates on a 50,000-node network), joblib launcher, one numba thread
    per job (``NUMBA_NUM_THREADS=1``) so that the workers are the only
    parallelism.

A full run prints the tables and writes ``docs/sweep-benchmarks.md``
(about 15 minutes here); ``--quick`` (100 tiny jobs, 6 CPU-bound jobs)
prints only, unless ``--output`` is given. Tests never run this.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.machine import ROOT, machine_info
from benchmarks.table import Table, num, status

GOAL_OVERHEAD_S = 0.5
GOAL_SPEEDUP = 1.7
TINY = [
    "network.n=50",
    "experiment.replicates=2",
    "seeding.k=2",
    "experiment.figures=false",
]
CPU_BOUND = [
    "network.n=50000",
    "campaign.p=0.2",
    "experiment.replicates=1000",
    "experiment.figures=false",
]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sweep(args: list[str], sweep_dir: Path, env: dict | None = None) -> dict:
    """Run ``campaign-sim -m ARGS`` once; wall time and the jobs' own times."""
    cmd = [sys.executable, "-m", "simulator.runs.cli", "-m", *args, f"hydra.sweep.dir={sweep_dir}"]
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    manifests = list(sweep_dir.glob("*/manifest.json"))
    job_s = [json.loads(p.read_text())["wall_time_s"] for p in manifests]
    skipped = proc.stdout.count("already complete")
    # the jobs' phase: from the first job's start (Hydra writes .hydra/config.yaml
    # before it calls the job) to the last manifest (written last)
    starts = [p.parent.joinpath(".hydra", "config.yaml").stat().st_mtime for p in manifests]
    ends = [p.stat().st_mtime for p in manifests]
    span = max(ends) - min(starts) if manifests else float("nan")
    return {
        "wall": wall,
        "jobs": len(manifests),
        "job_s": sum(job_s),
        "skipped": skipped,
        "span": span,
    }


def overhead(n_jobs: int, workdir: Path) -> tuple[Table, dict]:
    """S1: per-job overhead of the basic and joblib launchers, and of skipping."""
    args = [f"seed=range(0,{n_jobs})", *TINY]
    rows, results = [], {}
    runs = [
        ("basic", 1, [], "basic"),
        ("basic, all jobs complete (resume)", 1, [], "basic"),
        ("joblib, 2 workers", 2, ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], "joblib"),
    ]
    for label, workers, launcher, folder in runs:
        _say(f"S1: {n_jobs} tiny jobs, {label} ...")
        res = sweep([*args, *launcher], workdir / f"s1-{folder}")
        own = 0.0 if "resume" in label else res["job_s"] / workers
        per_job = (res["wall"] - own) / n_jobs
        results[label] = per_job
        rows.append(
            [
                label,
                f"{n_jobs:,}",
                num(res["wall"]),
                num(res["wall"] / n_jobs),
                num(res["job_s"] / n_jobs) if "resume" not in label else "0 (skipped)",
                num(per_job),
                status(per_job, GOAL_OVERHEAD_S, below=True),
            ]
        )
    notes = [
        "overhead per job = (wall - jobs' own time / workers) / jobs; it includes the "
        "command's start (about 3 s in all), Hydra's two config compositions per job (the "
        "sweeper validates every job's config before launching, then each job composes its "
        "own; about 0.085 s each here), the job directory with Hydra's .hydra/ files, the "
        "manifest and the index entry",
        "joblib: the main process composes and dispatches jobs one by one, so tiny jobs "
        "gain little from a second worker; the resume row is the cost of a skipped job",
        f"goal: < {GOAL_OVERHEAD_S} s per job",
    ]
    return Table(
        "S1. Per-job overhead of a sweep of tiny jobs",
        [
            "launcher",
            "jobs",
            "wall (s)",
            "wall per job (s)",
            "job's own (s)",
            "overhead per job (s)",
            "goal",
        ],
        rows,
        notes,
    ), results


def speedup(n_jobs: int, workdir: Path) -> tuple[Table, float]:
    """S2: 2 workers against 1 on CPU-bound jobs, one numba thread per job."""
    args = [f"seed=range(0,{n_jobs})", *CPU_BOUND]
    env = {"NUMBA_NUM_THREADS": "1"}
    res = {}
    for workers in (1, 2):
        _say(f"S2: {n_jobs} CPU-bound jobs, joblib, {workers} worker(s) ...")
        launcher = ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={workers}"]
        res[workers] = sweep([*args, *launcher], workdir / f"s2-{workers}", env)
    ratio = res[1]["wall"] / res[2]["wall"]
    phase = res[1]["span"] / res[2]["span"]
    rows = [
        [
            f"{w}",
            f"{n_jobs}",
            num(res[w]["job_s"] / n_jobs),
            num(res[w]["wall"]),
            "1" if w == 1 else num(ratio),
            num(res[w]["span"]),
            "1" if w == 1 else num(phase),
            "" if w == 1 else status(phase, GOAL_SPEEDUP, below=False),
        ]
        for w in (1, 2)
    ]
    notes = [
        "jobs: " + " ".join(CPU_BOUND) + "; NUMBA_NUM_THREADS=1 in every job",
        "wall: the whole command, including its start (about 3 s) and each worker's own "
        "start (a fresh Python process importing numba, in parallel); jobs' phase: from the "
        "first job's start to the last job's manifest; the goal is read on the jobs' phase",
        f"goal: >= {GOAL_SPEEDUP}x",
    ]
    return Table(
        "S2. Speed-up of 2 workers over 1 on CPU-bound jobs (joblib launcher)",
        [
            "workers",
            "jobs",
            "mean job (s)",
            "wall (s)",
            "speed-up (wall)",
            "jobs' phase (s)",
            "speed-up (jobs' phase)",
            "goal",
        ],
        rows,
        notes,
    ), phase


def _versions() -> str:
    from importlib import metadata

    names = ("campaign-sim", "hydra-core", "hydra-joblib-launcher", "joblib", "numba", "numpy")
    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} not installed")
    return ", ".join(out)


def markdown(tables: list[Table], info: dict[str, str], quick: bool) -> str:
    lines = [
        "# Sweep benchmarks",
        "",
        "What a sweep (`campaign-sim -m ...`) costs beyond its jobs, and what a second",
        "worker gains. Written by `python -m benchmarks.sweep`; do not edit by hand.",
        "",
        "```",
        "python -m benchmarks.sweep          # full run (about 15 minutes), rewrites this page",
        "python -m benchmarks.sweep --quick  # 100 tiny jobs, 6 CPU-bound ones; prints only",
        "```",
        "",
        "Method: the real command in a subprocess, wall-clock time (`time.perf_counter`) of",
        "the whole command; the jobs' own time from their manifests. One run each (a sweep",
        "of 1,000 jobs averages itself). Tests never assert these times.",
        "",
    ]
    if quick:
        lines += ["**Quick run (`--quick`): reduced sizes, not the reference numbers.**", ""]
    lines += ["## Machine", ""] + [f"- {k}: {v}" for k, v in info.items()] + [""]
    lines += ["## Results", ""]
    for table in tables:
        lines += [table.markdown(), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 tiny jobs, 6 CPU-bound jobs")
    parser.add_argument("--jobs", type=int, help="tiny jobs in S1 (default 1,000)")
    parser.add_argument("--cpu-jobs", type=int, help="CPU-bound jobs in S2 (default 12)")
    parser.add_argument("--output", type=Path, help="markdown page to write")
    args = parser.parse_args(argv)
    n_tiny = args.jobs or (100 if args.quick else 1000)
    n_cpu = args.cpu_jobs or (6 if args.quick else 12)
    command = "python -m benchmarks.sweep" + (" " + shlex.join(argv) if argv else "")
    info = machine_info(command, threads=1)
    info["cores"] = f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable"
    info["packages"] = _versions()
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        s1, _ = overhead(n_tiny, Path(tmp))
        s2, _ = speedup(n_cpu, Path(tmp))
    tables = [s1, s2]
    for table in tables:
        print(table.text(), end="\n\n")
    output = args.output
    if output is None and not args.quick and args.jobs is None and args.cpu_jobs is None:
        output = ROOT / "docs" / "sweep-benchmarks.md"
    if output is not None:
        output.write_text(markdown(tables, info, args.quick) + "\n")
        _say(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
