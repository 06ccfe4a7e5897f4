"""Merging the shards of a run split across jobs (``experiment.shard=I/N``).

A shard runs a contiguous block of its run's replicates with the run's own
replicate keys and random streams, and writes only its rows; its manifest
carries the run's id (the shard is not part of it), ``shard`` ("I/N") and
its ``replicates`` ``[lo, hi)``. :func:`merge_shards` finds every run whose
shards are complete, checks that they belong together (one shard count, each
shard once, one code version, each shard's rows exactly its replicates),
puts the rows back in the whole run's order and lets the study write what
the whole run writes (:meth:`experiments.study.Study.merge`: the study's own
``finish``, the function its whole run ends with), so the merged
``results.parquet``, ``summary.csv`` and the rest equal the unsharded
run's. A run with shards missing is not merged: its shards are reported as
``partial``, with the shards still missing named.

Examples
--------
>>> shard_problem(["1/3", "3/3"], run_id="3f2a")
'run 3f2a: shard 2/3 not complete'
>>> shard_problem(["1/2", "2/3"], run_id="3f2a")
'run 3f2a: its shards disagree on the number of shards (1/2, 2/3)'
>>> shard_problem(["2/2", "1/2"], run_id="3f2a") is None
True
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.errors import MemoryLimitError, one_line
from simulator.runs.config import parse_shard, shard_range
from simulator.runs.report.discover import Job, read_results

__all__ = ["MergedRun", "merge_shards", "shard_problem", "MERGED"]

#: The record of a merge in a merged run's directory (not ``manifest.json``, so a
#: report directory is never taken for a run of the sweep).
MERGED = "merged.json"


@dataclass
class MergedRun:
    """A run put together from its shards: its id, where its outputs are, its shards."""

    run_id: str
    dir: Path
    jobs: list[Job]  # the shard jobs, in shard order
    label: str  # the shards' directories, e.g. "0+1+2"


class ShardProblem(ValueError):
    """The shards of a run cannot be merged (yet); the message says why in one line."""


def shard_problem(shards: Sequence[str], run_id: str = "") -> str | None:
    """Why shards ``["I/N", ...]`` (each once) are not a whole run, or None when they are."""
    parsed = [parse_shard(s) for s in shards]
    counts = sorted({n for _, n in parsed})
    name = f"run {run_id}" if run_id else "run"
    if len(counts) > 1:
        return f"{name}: its shards disagree on the number of shards ({', '.join(shards)})"
    count = counts[0]
    missing = sorted(set(range(1, count + 1)) - {i for i, _ in parsed})
    if missing:
        listed = ", ".join(f"{i}/{count}" for i in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        return f"{name}: shard{'s' if len(missing) > 1 else ''} {listed}{more} not complete"
    return None


def merge_shards(jobs: Sequence[Job], root: Path, workdir: Path) -> dict[str, MergedRun]:
    """Merge every run whose shards are all complete, into ``workdir/RUN_ID/``.

    Shard jobs of a run that cannot be merged get the state ``partial`` (shards missing
    or disagreeing; ``duplicate`` for a second copy of a shard) or ``damaged`` (a shard's
    table unreadable, or the study's ``finish`` failing on the rows) and a one-line
    ``problem``; the memory guard's error stops the report.
    """
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        if job.state == "complete" and job.shard is not None:
            groups.setdefault(str(job.run_id), []).append(job)
    merged = {}
    for run_id, group in groups.items():
        try:
            merged[run_id] = _merge(run_id, group, Path(root), Path(workdir))
        except MemoryLimitError:
            raise  # the guard stops the report at once
        except Exception as err:  # noqa: BLE001 - the shards are listed with the reason
            # shards missing or disagreeing: partial; anything else (a damaged table, a
            # study's finish failing on them) is damage, not a missing shard
            state = "partial" if isinstance(err, ShardProblem) else "damaged"
            text = one_line(err)
            for job in group:
                if job.state == "complete":
                    job.state, job.problem = state, text[:200]
    return merged


def _label(job: Job, root: Path) -> str:
    return str(job.dir.relative_to(root)) if job.dir != root else "."


def _merge(run_id: str, group: list[Job], root: Path, workdir: Path) -> MergedRun:
    by_index: dict[int, Job] = {}
    for job in group:
        try:
            index, _ = parse_shard(job.shard)
        except ValueError as err:
            raise ShardProblem(f"{_label(job, root)}/manifest.json: {err}") from None
        if index in by_index:  # the same shard twice (e.g. two directories): read once
            job.state = "duplicate"
            continue
        by_index[index] = job
    shards = [by_index[i] for i in sorted(by_index)]
    problem = shard_problem([j.shard for j in shards], run_id[:8])
    if problem:
        raise ShardProblem(problem)
    versions = sorted({j.code_version or "unknown" for j in shards})
    if len(versions) > 1:
        raise ShardProblem(
            f"run {run_id[:8]}: its shards were computed by different code versions "
            f"({', '.join(versions)}); run them again with one"
        )
    from simulator.runs.compose import config_from_resolved, study_of

    config = copy.deepcopy(shards[0].config)
    if isinstance(config.get("experiment"), dict):
        config["experiment"]["shard"] = None
    cfg = config_from_resolved(config)
    study = study_of(cfg.experiment.name)
    frames = [_shard_rows(job, cfg.experiment.replicates, root) for job in shards]
    outdir = workdir / run_id
    study.merge(frames, cfg, outdir)
    label = "+".join(_label(j, root) for j in shards)
    record = {
        "run_id": run_id,
        "merged_from": [_label(j, root) for j in shards],
        "shards": [j.shard for j in shards],
        "code_version": versions[0],
        "wall_time_s": round(sum(j.wall_time_s or 0.0 for j in shards), 3),
        "config": config,
    }
    (outdir / MERGED).write_text(json.dumps(record, indent=2, default=str) + "\n")
    return MergedRun(run_id, outdir, shards, label)


def _shard_rows(job: Job, replicates: int, root: Path) -> pd.DataFrame:
    """A shard's rows, checked to hold exactly its block of the replicates."""
    rows = read_results(job.dir / "results.parquet", f"{_label(job, root)}/results.parquet")
    span = shard_range(replicates, parse_shard(job.shard))
    if "replicate" not in rows or set(rows["replicate"].unique()) != set(span):
        raise ShardProblem(
            f"{_label(job, root)}/results.parquet: its replicates are not shard "
            f"{job.shard}'s ({span.start}-{span.stop - 1})"
        )
    return rows
