"""``campaign-report PATH``: one table, a summary, figures and a report from a run or a sweep.

A sweep (``campaign-sim -m ...``) leaves one job directory per combination of
values under ``hydra.sweep.dir``. This command reads every *complete* job (one
whose ``manifest.json`` exists; it is written last) and writes, into
``PATH/report/`` (or ``--out DIR``):

``results.parquet``
    every job's rows in one long table: ``job``, ``run_id``, one column per
    override of the job (``campaign.p``, ``network.n``, ... typed as in the
    resolved config), then the study's own columns (``arm``, ``replicate``,
    ``seed``, metrics, ...). A config that appears in two job directories
    counts once.
``summary.csv``
    mean and 95% CI of each metric per parameter combination and arm (and
    the study's own grouping columns, e.g. ``k``): each job's own
    ``summary.csv`` (with the interval its study chose, e.g. Wilson for a
    proportion) with the swept parameters as columns. ``--pool seed`` pools
    the replicates of all root seeds (any swept key can be pooled), and
    ``--level`` asks for another level; then the metrics are summarised
    again from the long table with Student-t intervals (``ci_method`` ``t``;
    ``study`` marks the study's own).
``comparison.csv``
    the jobs' paired comparisons (each arm minus the baseline), with the
    parameter columns.
``jobs.csv``
    every job of the sweep: number, directory, overrides, state
    (``complete``, ``duplicate``, ``incomplete`` (started, no manifest),
    ``failed``, ``not started``), run id, wall time.
``figures/METRIC_vs_PARAM.png``
    each metric against each swept parameter, one line and CI band per arm.
``report.md``
    a short report: what was swept, how many jobs are complete, the summary,
    the figures and the list of missing jobs.

A partial sweep (killed, still running, failed jobs) is reported as far as it
is complete; the jobs still missing are listed from the sweep's
``multirun.yaml`` and the jobs' ``.hydra/overrides.yaml``. Re-run the same
sweep command with the same ``hydra.sweep.dir`` to complete it (complete jobs
are skipped).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"campaign.p": [0.1] * 4 + [0.2] * 4, "arm": ["a", "b"] * 4,
...                      "reach": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]})
>>> summary_table(rows, ["reach"], ["campaign.p", "arm"])[["campaign.p", "arm", "mean", "n"]]
   campaign.p arm  mean  n
0         0.1   a   2.0  2
1         0.1   b   3.0  2
2         0.2   a   6.0  2
3         0.2   b   7.0  2
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from simulator.runs.provenance import run_id
from simulator.runs.sweep import MANIFEST, PROGRESS, sweep_info

__all__ = ["Job", "SweepData", "find_jobs", "collect", "summary_table", "write_report", "main"]

MAX_TABLE_ROWS = 60  # rows of the summary shown in report.md (all are in summary.csv)
MAX_PANELS = 12


@dataclass
class Job:
    """One job of a run or sweep, complete or not."""

    num: int | None
    dir: Path | None
    overrides: list[str]
    state: str = "not started"
    run_id: str | None = None
    code_version: str | None = None
    wall_time_s: float | None = None
    params: dict = field(default_factory=dict)
    ci_level: float = 0.95


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

    @property
    def missing(self) -> list[Job]:
        return [j for j in self.jobs if j.state not in ("complete", "duplicate")]

    @property
    def code_versions(self) -> list[str]:
        """The code versions that computed the complete jobs (one, normally);
        manifests written before versions were recorded count as "unknown"."""
        done = {j.code_version or "unknown" for j in self.jobs if j.state == "complete"}
        return sorted(done) if done != {"unknown"} else []


# -------------------------------------------------------------- discovery
def _is_job_dir(path: Path) -> bool:
    return (path / MANIFEST).is_file() or (path / ".hydra" / "overrides.yaml").is_file()


def _job_dirs(root: Path, skip: Path | None) -> list[Path]:
    found = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            if child.name.startswith(".") or (skip is not None and child == skip):
                continue
            if _is_job_dir(child):
                found.append(child)
            else:
                stack.append(child)
    return found


def _read_overrides(job_dir: Path) -> list[str]:
    path = job_dir / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return []
    import yaml

    return [str(item) for item in (yaml.safe_load(path.read_text()) or [])]


def _dir_order(path: Path) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.parts)


def find_jobs(path: Path, skip: Path | None = None) -> tuple[list[Job], bool, list[Path]]:
    """The jobs under ``path``: a single run directory or a sweep directory.

    Returns the jobs (the sweep's expected jobs in Hydra's order when
    ``multirun.yaml`` lists them, then any others found), whether the
    expected list was known, and job directories left from another sweep in
    the same directory (ignored).
    """
    path = Path(path).resolve()
    if _is_job_dir(path) and not (path / "multirun.yaml").is_file():
        dirs = [path]
    else:
        dirs = sorted(_job_dirs(path, skip), key=lambda p: _dir_order(p.relative_to(path)))
    info = sweep_info(path)
    expected = info.jobs if info is not None else None
    failed = set()
    if (path / PROGRESS).is_dir():
        failed = {p.stem for p in (path / PROGRESS).glob("*.failed")}
    by_overrides: dict[tuple, list[Path]] = {}
    for d in dirs:
        by_overrides.setdefault(tuple(_read_overrides(d)), []).append(d)
    jobs: list[Job] = []
    ignored: list[Path] = []
    if expected is not None:
        for num, overrides in enumerate(expected):
            candidates = by_overrides.get(tuple(overrides), [])
            # prefer the directory named after the job number
            candidates = sorted(candidates, key=lambda d: d.name != str(num))
            job_dir = candidates.pop(0) if candidates else None
            jobs.append(Job(num, job_dir, list(overrides)))
        used = {j.dir for j in jobs if j.dir is not None}
        ignored = [d for d in dirs if d not in used]
    else:
        for num, d in enumerate(dirs):
            jobs.append(Job(int(d.name) if d.name.isdigit() else num, d, _read_overrides(d)))
    for job in jobs:
        if job.dir is None:
            continue
        manifest = job.dir / MANIFEST
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text())
            except ValueError:
                job.state = "incomplete"
                continue
            job.run_id = data.get("run_id")
            job.code_version = data.get("code_version")
            if not _config_matches(job.dir, job.run_id):
                job.state = "incomplete"  # killed after Hydra set the job up, before it ran
                continue
            job.state = "complete"
            job.wall_time_s = data.get("wall_time_s")
            job.params = _typed_params(job.overrides, data.get("config") or {})
            level = ((data.get("config") or {}).get("experiment") or {}).get("ci_level")
            job.ci_level = float(level) if level is not None else 0.95
        else:
            job.state = "failed" if str(job.num) in failed else "incomplete"
    return jobs, expected is not None, ignored


def _config_matches(job_dir: Path, key: str | None) -> bool:
    """Whether the manifest belongs to the config Hydra last composed in ``job_dir``.

    A job directory re-used by another config holds that config's
    ``.hydra/config.yaml`` as soon as Hydra sets the job up; the job then
    moves the old manifest aside first thing. Killed in between, the
    directory shows an old manifest under a new config: not complete.
    """
    path = job_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        return True
    import yaml

    text = path.read_text()
    if "${" in text:  # interpolations: resolve them as the job did
        from omegaconf import OmegaConf

        config = OmegaConf.to_container(OmegaConf.create(text), resolve=True)
    else:
        config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return run_id(config) == key


def _override_key(item: str) -> tuple[str, str]:
    key, _, value = item.partition("=")
    return key.lstrip("+~"), value


def _typed_params(overrides: Sequence[str], config: dict) -> dict:
    """``{"campaign.p": 0.05, "network": "erdos_renyi", ...}`` from the job's overrides.

    Values come from the resolved config where the key names a scalar (so
    they carry its type); group choices and lists keep the override's text.
    """
    out = {}
    for item in overrides:
        key, text = _override_key(item)
        if key.startswith("hydra") or "/" in key:
            continue
        node = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, bool | int | float | str) and node is not None:
            out[key] = node
        else:
            out[key] = text
    return out


# ------------------------------------------------------------ aggregation
def summary_table(
    rows: pd.DataFrame, metrics: Sequence[str], by: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Mean and Student-t CI of each metric per group (NaNs of a metric left out).

    Columns: ``*by, metric, mean, ci_low, ci_high, n`` (as
    :func:`simulator.analysis.stats.summarize`, in one vectorised pass).
    """
    frames = []
    grouped = rows.groupby(list(by), sort=False, dropna=False)
    for metric in metrics:
        values = grouped[metric]
        n = values.count()
        mean = values.mean()
        sd = values.std(ddof=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)
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
    order = {k: i for i, k in enumerate(grouped.groups.keys())}
    keys = list(zip(*(out[c] for c in by), strict=True)) if len(by) > 1 else list(out[by[0]])
    out["_g"] = [order.get(k, len(order)) for k in keys]
    out["_m"] = out["metric"].map({m: i for i, m in enumerate(metrics)})
    out = out.sort_values(["_g", "_m"], kind="stable").drop(columns=["_g", "_m"])
    return out.reset_index(drop=True)


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
            key, _ = _override_key(item)
            if key not in params and not key.startswith("hydra") and "/" not in key:
                params.append(key)
    swept = [k for k in params if len({_override_key_value(j, k) for j in jobs}) > 1]
    seen: dict[str, int] = {}
    long_parts, frames, summaries, study_summaries, comparisons = [], [], [], [], []
    for job in jobs:
        if job.state != "complete":
            continue
        if job.run_id in seen:
            job.state = "duplicate"
            continue
        seen[job.run_id] = job.num
        rows = pd.read_parquet(job.dir / "results.parquet")
        by, from_rows, from_summary = _study_layout(job.dir, rows)
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
        if keep:
            own = pd.read_csv(job.dir / "summary.csv")
            own = own[own["metric"].astype(str).isin(keep)]
            study_summaries.append(_with_params(own, job, swept).assign(ci_method="study"))
        if (job.dir / "comparison.csv").is_file():
            own = pd.read_csv(job.dir / "comparison.csv")
            comparisons.append(_with_params(own, job, swept))
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
    )


def _override_key_value(job: Job, key: str):
    for item in job.overrides:
        k, v = _override_key(item)
        if k == key:
            return v
    return None


def _with_params(frame: pd.DataFrame, job: Job, params: list[str]) -> pd.DataFrame:
    values = {k: job.params.get(k) for k in params if k not in frame.columns}
    front = pd.DataFrame(values, index=frame.index)
    return pd.concat([front, frame], axis=1)


# ---------------------------------------------------------------- figures
def _numeric(values) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) for v in values)


def sweep_figures(data: SweepData, outdir: Path) -> list[Path]:
    """Each metric against each swept parameter: one panel per combination of the
    other swept parameters, one line (and CI band) per arm."""
    from matplotlib.figure import Figure

    summary = data.summary
    if summary.empty:
        return []
    study_cols = [
        c
        for c in summary.columns
        if c not in data.params
        and c not in ("metric", "mean", "ci_low", "ci_high", "n", "ci_method", "metric")
    ]
    swept = [p for p in data.swept if p not in data.pooled and p in summary.columns]
    # the root seed is a replicate of the whole run, not a parameter to plot against
    axes_of = [p for p in swept if p != "seed"]
    written = []
    outdir.mkdir(parents=True, exist_ok=True)
    for x in axes_of:
        others = [p for p in swept if p != x]
        for metric in dict.fromkeys(summary["metric"]):
            part = summary[(summary["metric"] == metric) & summary[x].notna()]
            if part.empty:
                continue
            panels = (
                list(part.groupby(others, sort=False, dropna=False)) if others else [((), part)]
            )
            panels = panels[:MAX_PANELS]
            ncols = min(3, len(panels))
            nrows = math.ceil(len(panels) / ncols)
            fig = Figure(figsize=(5.2 * ncols, 3.8 * nrows), layout="constrained")
            axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
            xs_all = list(dict.fromkeys(part[x]))
            numeric = _numeric(xs_all)
            for ax, (key, panel) in zip(axes, panels, strict=False):
                lines = [c for c in study_cols if c in panel and panel[c].notna().any()]
                groups = panel.groupby(lines, sort=False, dropna=False) if lines else [((), panel)]
                for i, (name, line) in enumerate(groups):
                    name = name if isinstance(name, tuple) else (name,)
                    label = ", ".join(str(v) for v in name) or metric
                    line = line.sort_values(x) if numeric else line
                    pos = line[x] if numeric else [xs_all.index(v) for v in line[x]]
                    color = f"C{i % 10}"
                    ax.plot(pos, line["mean"], marker="o", color=color, label=label)
                    ax.fill_between(pos, line["ci_low"], line["ci_high"], color=color, alpha=0.2)
                if not numeric:
                    ax.set_xticks(range(len(xs_all)), [str(v) for v in xs_all])
                ax.set_xlabel(x)
                ax.set_ylabel(f"mean {metric} ({data.level:.0%} CI)")
                ax.grid(alpha=0.3)
                key = key if isinstance(key, tuple) else (key,)
                if others:
                    ax.set_title(", ".join(f"{k}={v}" for k, v in zip(others, key, strict=True)))
                ax.legend(frameon=False, fontsize=8)
            for ax in axes[len(panels) :]:
                ax.set_visible(False)
            path = outdir / f"{_safe(metric)}_vs_{_safe(x)}.png"
            fig.savefig(path, dpi=110)
            written.append(path)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in str(name))


# ----------------------------------------------------------------- report
def _markdown_table(frame: pd.DataFrame) -> str:
    def fmt(value) -> str:
        if isinstance(value, float | np.floating):
            return "" if np.isnan(value) else f"{value:.4g}"
        return str(value).replace("|", "\\|")

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(fmt(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *body])


def _jobs_frame(data: SweepData) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "job": [j.num for j in data.jobs],
            "dir": ["" if j.dir is None else str(j.dir.relative_to(data.path)) for j in data.jobs],
            "state": [j.state for j in data.jobs],
            "overrides": [" ".join(j.overrides) for j in data.jobs],
            "run_id": [j.run_id for j in data.jobs],
            "code_version": [j.code_version for j in data.jobs],
            "wall_time_s": [j.wall_time_s for j in data.jobs],
        }
    )


def _mixed_code(data: SweepData) -> str:
    versions = ", ".join(data.code_versions)
    return (
        f"the jobs were computed by {len(data.code_versions)} code versions ({versions}); "
        "run the sweep again to recompute the older ones (see jobs.csv)"
    )


def report_markdown(data: SweepData, figures: Sequence[Path], outdir: Path) -> str:
    """The text of ``report.md``."""
    jobs = data.jobs
    complete = sum(j.state in ("complete", "duplicate") for j in jobs)
    pct = f"{data.level:.0%}"
    lines = [f"# Report: `{data.path}`", ""]
    total = f"{len(jobs)} jobs" if data.expected_known else f"{len(jobs)} job directories"
    lines.append(f"- **{complete} of {total} complete**; {len(jobs) - complete} missing.")
    if len(data.code_versions) > 1:
        lines.append(f"- **Warning:** {_mixed_code(data)}")
    experiments = sorted(set(data.rows["experiment"])) if "experiment" in data.rows else []
    if experiments:
        lines.append(f"- Experiment: {', '.join(map(str, experiments))}.")
    for key in data.swept:
        values = list(dict.fromkeys(j.params.get(key, _override_key_value(j, key)) for j in jobs))
        shown = ", ".join(map(str, values[:12])) + (", ..." if len(values) > 12 else "")
        pooled = " (pooled in the summary)" if key in data.pooled else ""
        lines.append(f"- Swept `{key}`: {shown}{pooled}.")
    fixed = [p for p in data.params if p not in data.swept]
    if fixed and jobs:
        values = [f"`{p}={jobs[0].params.get(p, _override_key_value(jobs[0], p))}`" for p in fixed]
        lines.append(f"- Fixed: {', '.join(values)}.")
    wall = [j.wall_time_s for j in jobs if j.wall_time_s is not None]
    if wall:
        lines.append(f"- Job wall time: {sum(wall):.1f} s in all, {max(wall):.1f} s at most.")
    if data.ignored:
        lines.append(
            f"- {len(data.ignored)} job directories from an earlier, different sweep in this "
            "directory were ignored."
        )
    lines.append(
        f"- Long table: `results.parquet` ({len(data.rows)} rows); every job: `jobs.csv`."
    )
    lines += ["", f"## Summary (mean, {pct} CI)", ""]
    if data.summary.empty:
        lines.append("No complete job yet.")
    else:
        shown = data.summary.head(MAX_TABLE_ROWS)
        lines.append(_markdown_table(shown))
        if len(data.summary) > MAX_TABLE_ROWS:
            lines.append(f"\n({len(data.summary) - MAX_TABLE_ROWS} more rows in `summary.csv`.)")
    if figures:
        lines += ["", "## Figures", ""]
        for path in figures:
            rel = path.relative_to(outdir)
            lines += [f"![{path.stem}]({rel.as_posix()})", ""]
    missing = data.missing
    lines += ["", "## Missing jobs", ""]
    if not missing:
        lines.append("None: the sweep is complete.")
    else:
        lines.append(
            "Re-run the same sweep command with the same `hydra.sweep.dir` to complete it "
            "(complete jobs are skipped)."
        )
        lines.append("")
        table = _jobs_frame(data)
        table = table[table["state"].isin({j.state for j in missing})]
        table = table[["job", "dir", "state", "overrides"]]
        lines.append(_markdown_table(table.head(200)))
        if len(table) > 200:
            lines.append(f"\n({len(table) - 200} more in `jobs.csv`.)")
    return "\n".join(lines) + "\n"


def write_report(data: SweepData, outdir: Path, figures: bool = True) -> dict[str, Path]:
    """Write the table, summary, comparison, jobs list, figures and ``report.md``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = {}
    rows = data.rows.copy()
    for column in rows.columns:  # one type per column (Parquet); lists as text
        if rows[column].dtype == object:
            kinds = {type(v) for v in rows[column] if v is not None}
            if len(kinds) > 1 or kinds & {list, dict, tuple}:
                rows[column] = rows[column].map(
                    lambda v: v if v is None or isinstance(v, str) else json.dumps(v)
                )
    rows.to_parquet(outdir / "results.parquet", index=False)
    written["results"] = outdir / "results.parquet"
    data.summary.to_csv(outdir / "summary.csv", index=False)
    written["summary"] = outdir / "summary.csv"
    if not data.comparison.empty:
        data.comparison.to_csv(outdir / "comparison.csv", index=False)
        written["comparison"] = outdir / "comparison.csv"
    _jobs_frame(data).to_csv(outdir / "jobs.csv", index=False)
    written["jobs"] = outdir / "jobs.csv"
    paths = sweep_figures(data, outdir / "figures") if figures else []
    (outdir / "report.md").write_text(report_markdown(data, paths, outdir))
    written["report"] = outdir / "report.md"
    for path in paths:
        written[path.stem] = path
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: ``campaign-report PATH [--out DIR] [--pool KEY] ...``."""
    parser = argparse.ArgumentParser(
        prog="campaign-report",
        description="Aggregate a campaign-sim run or sweep directory: one long table "
        "(Parquet) with the job's parameters as columns, a summary with CIs per "
        "parameter combination and arm, figures and a markdown report. Works on a "
        "partial sweep and lists the jobs still missing.",
    )
    parser.add_argument("path", type=Path, help="a run directory or a sweep directory")
    parser.add_argument("-o", "--out", type=Path, help="output directory (default PATH/report)")
    parser.add_argument(
        "--pool",
        action="append",
        default=[],
        metavar="KEY",
        help="pool the replicates over this swept key in the summary (e.g. --pool seed)",
    )
    parser.add_argument("--level", type=float, default=0.95, help="CI level (default 0.95)")
    parser.add_argument("--no-figures", action="store_true", help="skip the figures")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when any job is missing"
    )
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        parser.error(f"{args.path}: no such directory")
    if not 0.5 <= args.level < 1:
        parser.error(f"--level must be in [0.5, 1), got {args.level}")
    out = args.out or args.path / "report"
    data = collect(args.path, pool=args.pool, level=args.level, skip=out.resolve())
    if not data.jobs:
        parser.error(f"{args.path}: no campaign-sim run or sweep found")
    written = write_report(data, out, figures=not args.no_figures)
    complete = sum(j.state in ("complete", "duplicate") for j in data.jobs)
    print(
        f"campaign-report: {complete} of {len(data.jobs)} jobs complete, "
        f"{len(data.missing)} missing; {len(data.rows)} rows; report in {written['report']}"
    )
    if len(data.code_versions) > 1:
        print(f"  warning: {_mixed_code(data)}")
    for job in data.missing[:20]:
        print(f"  missing: job {job.num} ({job.state}): {' '.join(job.overrides)}")
    if len(data.missing) > 20:
        print(f"  ... {len(data.missing) - 20} more in {written['jobs']}")
    return 1 if args.strict and data.missing else 0


if __name__ == "__main__":
    sys.exit(main())
