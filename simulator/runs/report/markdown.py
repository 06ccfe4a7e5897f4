"""``report.md``: what was swept, how far the sweep is, the summary, figures, missing jobs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.runs.report.aggregate import SweepData, jobs_frame

__all__ = ["report_markdown", "markdown_table", "mixed_code_warning"]

MAX_TABLE_ROWS = 60  # rows of the summary shown in report.md (all are in summary.csv)


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub markdown table (floats to 4 significant digits, NaN as blank).

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"arm": ["a|b"], "mean": [0.123456]})))
    | arm | mean |
    |---|---|
    | a\\|b | 0.1235 |
    """

    def fmt(value) -> str:
        if isinstance(value, float | np.floating):
            return "" if np.isnan(value) else f"{value:.4g}"
        return str(value).replace("|", "\\|")

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(fmt(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *body])


def mixed_code_warning(data: SweepData) -> str:
    """The warning when the complete jobs were computed by more than one code version."""
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
        lines.append(f"- **Warning:** {mixed_code_warning(data)}")
    experiments = sorted(set(data.rows["experiment"])) if "experiment" in data.rows else []
    if experiments:
        lines.append(f"- Experiment: {', '.join(map(str, experiments))}.")
    for key in data.swept:
        values = list(dict.fromkeys(j.params.get(key, j.override(key)) for j in jobs))
        shown = ", ".join(map(str, values[:12])) + (", ..." if len(values) > 12 else "")
        pooled = " (pooled in the summary)" if key in data.pooled else ""
        lines.append(f"- Swept `{key}`: {shown}{pooled}.")
    fixed = [p for p in data.params if p not in data.swept]
    if fixed and jobs:
        values = [f"`{p}={jobs[0].params.get(p, jobs[0].override(p))}`" for p in fixed]
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
        lines.append(markdown_table(shown))
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
        table = jobs_frame(data)
        table = table[table["state"].isin({j.state for j in missing})]
        table = table[["job", "dir", "state", "overrides"]]
        lines.append(markdown_table(table.head(200)))
        if len(table) > 200:
            lines.append(f"\n({len(table) - 200} more in `jobs.csv`.)")
    return "\n".join(lines) + "\n"
