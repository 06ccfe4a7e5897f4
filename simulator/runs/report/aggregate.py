"""One long table and one summary from a sweep's complete jobs.

:func:`collect` reads every complete job's ``results.parquet`` with the job's
parameters as columns and, per parameter combination, the study's own
``summary.csv`` and ``comparison.csv`` (a run split into shards is merged
first and read as the whole run, :mod:`~simulator.runs.report.shards`);
:func:`summary_table` summarises the long table again (Student-t intervals)
when replicates are pooled across jobs or another CI level is asked for.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.analysis.stats import t_half_width
from simulator.errors import one_line
from simulator.runs.report.discover import Job, find_jobs, is_parameter, read_results
from simulator.runs.report.shards import MergedRun, merge_shards
from simulator.runs.sweep.overrides import parse_override

__all__ = ["SweepData", "collect", "summary_table", "jobs_frame"]


@dataclass
class SweepData:
    """What :func:`collect` read: the jobs, the long table, the summaries."""

    path: Path
    jobs: list[Job]
    rows: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame
    params: list[str]  # parameter columns (overridden keys)
    swept: list[str]  # those with more than one value
    pooled: list[str]
    level: float
    expected_known: bool
    ignored: list[Path] = field(default_factory=list)
    merged: dict[str, MergedRun] = field(default_factory=dict)  # run id -> merged shards
    workdir: object = field(default=None, repr=False)  # keeps the merged runs' files

    @property
    def missing(self) -> list[Job]:
        return [j for j in self.jobs if j.state not in ("complete", "duplicate")]

    @property
    def code_versions(self) -> list[str]:
        """The code versions that computed the complete jobs (one, normally);
        manifests written before versions were recorded count as "unknown"."""
        done = {j.code_version or "unknown" for j in self.jobs if j.state == "complete"}
        return sorted(done) if done != {"unknown"} else []


def summary_table(
    rows: pd.DataFrame, metrics: Sequence[str], by: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Mean and Student-t CI of each metric per group (NaNs of a metric left out).

    Columns: ``*by, metric, mean, ci_low, ci_high, n`` (as
    :func:`simulator.analysis.stats.summarize`, in one vectorised pass; the
    interval is :func:`simulator.analysis.stats.t_half_width`).

    Examples
    --------
    >>> rows = pd.DataFrame({"campaign.p": [0.1] * 4 + [0.2] * 4, "arm": ["a", "b"] * 4,
    ...                      "reach": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]})
    >>> table = summary_table(rows, ["reach"], ["campaign.p", "arm"])
    >>> table[["campaign.p", "arm", "mean", "n"]]
       campaign.p arm  mean  n
    0         0.1   a   2.0  2
    1         0.1   b   3.0  2
    2         0.2   a   6.0  2
    3         0.2   b   7.0  2
    >>> table["ci_high"].round(3).tolist()
    [14.706, 15.706, 18.706, 19.706]
    """
    frames = []
    # one grouping column by name: scalar group keys (a one-item list gives 1-tuples soon)
    grouped = rows.groupby(list(by) if len(by) != 1 else by[0], sort=False, dropna=False)
    for metric in metrics:
        values = grouped[metric]
        n = values.count()
        mean = values.mean()
        sd = values.std(ddof=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = t_half_width(sd, n, level)
        frame = pd.DataFrame(
            {
                "metric": metric,
                "mean": mean,
                "ci_low": mean - half,
                "ci_high": mean + half,
                "n": n,
            }
        ).reset_index()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*by, "metric", "mean", "ci_low", "ci_high", "n"])
    out = pd.concat(frames, ignore_index=True)
    # group-major order (all metrics of a group together), groups in order of appearance
    order = {_as_tuple(k): i for i, k in enumerate(grouped.groups.keys())}
    keys = list(zip(*(out[c] for c in by), strict=True))
    out["_g"] = [order.get(k, len(order)) for k in keys]
    out["_m"] = out["metric"].map({m: i for i, m in enumerate(metrics)})
    out = out.sort_values(["_g", "_m"], kind="stable").drop(columns=["_g", "_m"])
    return out.reset_index(drop=True)


def _as_tuple(key) -> tuple:
    """A group key as a tuple (pandas gives a scalar for one grouping column, or a tuple)."""
    return key if isinstance(key, tuple) else (key,)


def _study_layout(job_dir: Path, rows: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """The study's grouping columns and its metrics (from rows or only from its summary)."""
    path = job_dir / "summary.csv"
    if not path.is_file():
        by = ["arm"] if "arm" in rows else []
        skip = {"replicate", "seed", "replicate_key", "k", *by}
        metrics = [
            c for c in rows.columns if c not in skip and pd.api.types.is_numeric_dtype(rows[c])
        ]
        return by, metrics, []
    summary = pd.read_csv(path, nrows=0)
    columns = list(summary.columns)
    by = columns[: columns.index("metric")] if "metric" in columns else ["arm"]
    names = list(dict.fromkeys(pd.read_csv(path, usecols=["metric"])["metric"].astype(str)))
    from_rows = [
        m
        for m in names
        if m in rows
        and (pd.api.types.is_numeric_dtype(rows[m]) or pd.api.types.is_bool_dtype(rows[m]))
    ]
    if not set(by) <= set(rows.columns):
        from_rows = []
    return by, from_rows, [m for m in names if m not in from_rows]


def collect(
    path: Path, pool: Sequence[str] = (), level: float = 0.95, skip: Path | None = None
) -> SweepData:
    """Read every complete job under ``path`` into one long table and summarise it."""
    path = Path(path).resolve()
    jobs, expected_known, ignored = find_jobs(path, skip)
    params: list[str] = []
    for job in jobs:
        for item in job.overrides:
            key = parse_override(item).name
            if key not in params and is_parameter(key):
                params.append(key)
    swept = [k for k in params if len({j.override(k) for j in jobs}) > 1]
    # Runs split into shards (experiment.shard): merged first, each read once as a whole
    # run, in the place of its first shard.
    workdir = tempfile.TemporaryDirectory(prefix="campaign-report-merged-")
    merged = merge_shards(jobs, path, Path(workdir.name))
    seen: dict[str, int] = {}
    long_parts, frames, summaries, study_summaries, comparisons = [], [], [], [], []
    for job in jobs:
        if job.state != "complete":
            continue
        run = merged.get(str(job.run_id)) if job.shard is not None else None
        if job.shard is not None and (run is None or job is not run.jobs[0]):
            continue  # read with its run's first shard
        if job.run_id in seen:
            for other in run.jobs if run is not None else [job]:
                other.state = "duplicate"
            if run is not None:
                merged.pop(run.run_id)
            continue
        job_dir = run.dir if run is not None else job.dir
        try:
            rows, layout, own_summary, own_comparison = _read_job(job_dir)
        except Exception as err:  # noqa: BLE001 - a damaged file: the job is listed, not read
            job.state, job.problem = "damaged", _problem(err)
            continue
        seen[job.run_id] = job.num
        by, from_rows, from_summary = layout
        if run is not None:
            label = run.label
        else:
            label = str(job.dir.relative_to(path)) if job.dir != path else "."
        values = {k: job.params.get(k) for k in params if k not in rows.columns}
        front = pd.DataFrame({"job": label, "run_id": job.run_id, **values}, index=rows.index)
        rows = pd.concat([front, rows], axis=1)
        for metric in from_rows:
            if pd.api.types.is_bool_dtype(rows[metric]):
                rows[metric] = rows[metric].astype(float)
        rows.attrs = {}
        long_parts.append(rows)
        # The study's own summary is the summary of this parameter combination (with
        # the interval the study chose, e.g. Wilson for a proportion), unless replicates
        # are pooled across jobs or another CI level is asked for.
        recompute = bool(pool) or not math.isclose(job.ci_level, level)
        if recompute and from_rows:
            frames.append((rows, tuple(by), tuple(from_rows)))
        keep = from_summary if recompute else from_rows + from_summary
        if keep and own_summary is not None:
            own = own_summary[own_summary["metric"].astype(str).isin(keep)]
            study_summaries.append(_with_params(own, job, swept).assign(ci_method="study"))
        if own_comparison is not None:
            comparisons.append(_with_params(own_comparison, job, swept))
    group_params = [p for p in swept if p not in pool]  # fixed values do not split groups
    long = pd.concat(long_parts, ignore_index=True) if long_parts else pd.DataFrame()
    layouts = dict.fromkeys((by, metrics) for _, by, metrics in frames)
    for by, metrics in layouts:
        part = pd.concat([f for f, b, m in frames if (b, m) == (by, metrics)], ignore_index=True)
        keys = [p for p in group_params if p in part.columns] + [b for b in by if b in part]
        keys = list(dict.fromkeys(keys))
        table = summary_table(part, list(metrics), keys, level).assign(ci_method="t")
        summaries.append(table)
    summaries += study_summaries
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame()
    if not summary.empty:
        summary = summary[[c for c in summary.columns if c not in params or c in swept]]
    comparison = pd.concat(comparisons, ignore_index=True) if comparisons else pd.DataFrame()
    return SweepData(
        path=path,
        jobs=jobs,
        rows=long,
        summary=summary,
        comparison=comparison,
        params=params,
        swept=swept,
        pooled=[p for p in pool if p in params],
        level=level,
        expected_known=expected_known,
        ignored=ignored,
        merged=merged,
        workdir=workdir,
    )


def _read_job(job_dir: Path):
    """A complete job's tables: ``(rows, layout, summary or None, comparison or None)``."""
    rows = read_results(job_dir / "results.parquet", f"{job_dir.name}/results.parquet")
    layout = _study_layout(job_dir, rows)
    summary = None
    if (job_dir / "summary.csv").is_file():
        summary = pd.read_csv(job_dir / "summary.csv")
        if "metric" not in summary:
            raise ValueError("summary.csv: no metric column")
    comparison = None
    if (job_dir / "comparison.csv").is_file():
        comparison = pd.read_csv(job_dir / "comparison.csv")
    return rows, layout, summary, comparison


def _problem(err: BaseException) -> str:
    text = one_line(err)
    return text if len(text) < 160 else text[:157] + "..."


def _with_params(frame: pd.DataFrame, job: Job, params: list[str]) -> pd.DataFrame:
    values = {k: job.params.get(k) for k in params if k not in frame.columns}
    front = pd.DataFrame(values, index=frame.index)
    return pd.concat([front, frame], axis=1)


def jobs_frame(data: SweepData) -> pd.DataFrame:
    """Every job: number, directory, state, overrides, run id, code version, wall time."""
    return pd.DataFrame(
        {
            "job": [j.num for j in data.jobs],
            "dir": ["" if j.dir is None else str(j.dir.relative_to(data.path)) for j in data.jobs],
            "state": [j.state for j in data.jobs],
            "problem": [j.problem or "" for j in data.jobs],
            "overrides": [" ".join(j.overrides) for j in data.jobs],
            "run_id": [j.run_id for j in data.jobs],
            "code_version": [j.code_version for j in data.jobs],
            "wall_time_s": [j.wall_time_s for j in data.jobs],
            "shard": [j.shard or "" for j in data.jobs],
        }
    )
