"""The ``campaign-report`` command: write every table, the figures and ``report.md``."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator.errors import exit_code, one_line
from simulator.runs.report.aggregate import SweepData, collect, jobs_frame
from simulator.runs.report.figures import sweep_figures
from simulator.runs.report.markdown import mixed_code_warning, report_markdown
from simulator.runs.sweep.jobs import staged
from simulator.runs.sweep.progress import quiet_broken_pipe

__all__ = ["write_report", "main"]


def write_report(data: SweepData, outdir: Path, figures: bool = True) -> dict[str, Path]:
    """Write the table, summary, comparison, jobs list, figures and ``report.md``.

    The files are written into a staging directory and moved into ``outdir``
    only when all of them are written: a failed report leaves none.
    """
    outdir = Path(outdir)
    with staged(outdir) as tmp:
        written = _write_all(data, tmp, figures)
    return {k: outdir / p.relative_to(tmp) for k, p in written.items()}


def _write_all(data: SweepData, outdir: Path, figures: bool) -> dict[str, Path]:
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
    jobs_frame(data).to_csv(outdir / "jobs.csv", index=False)
    written["jobs"] = outdir / "jobs.csv"
    paths = sweep_figures(data, outdir / "figures") if figures else []
    (outdir / "report.md").write_text(report_markdown(data, paths, outdir))  # relative links
    written["report"] = outdir / "report.md"
    for run_id, run in data.merged.items():  # the whole runs put together from shards
        shutil.copytree(run.dir, outdir / "runs" / run_id)
        written[f"run {run_id}"] = outdir / "runs" / run_id
    from simulator.runs.page import write_sweep_page  # here: page imports runs.report

    written["html"] = write_sweep_page(data, paths, outdir)  # report.html, self-contained
    for path in paths:
        written[path.stem] = path
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: ``campaign-report PATH [--out DIR] [--pool KEY] ...``.

    Exits quietly (status 141) when the reader of its output goes away
    (``campaign-report SWEEP | head``), as Unix tools do.
    """
    with quiet_broken_pipe():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
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
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            parser.error(f"--out: {folder} is a file, not a directory")
    try:
        data = collect(args.path, pool=args.pool, level=args.level, skip=out.resolve())
        if not data.jobs:
            parser.error(f"{args.path}: no campaign-sim run or sweep found")
        written = write_report(data, out, figures=not args.no_figures)
    except Exception as err:  # noqa: BLE001 - the contract: one line, never a traceback
        if os.environ.get("CAMPAIGN_SIM_DEBUG"):
            raise
        print(f"campaign-report: error: {one_line(err)}", file=sys.stderr)
        return exit_code(err)
    complete = sum(j.state in ("complete", "duplicate") for j in data.jobs)
    print(
        f"campaign-report: {complete} of {len(data.jobs)} jobs complete, "
        f"{len(data.missing)} missing; {len(data.rows)} rows; report in {written['report']}"
    )
    if data.merged:
        shards = sum(len(run.jobs) for run in data.merged.values())
        print(
            f"  merged {shards} shards into {len(data.merged)} whole run(s): "
            f"{out / 'runs'}/RUN_ID/ (the files the unsharded run writes)"
        )
    if len(data.code_versions) > 1:
        print(f"  warning: {mixed_code_warning(data)}")
    for job in data.missing[:20]:
        why = f" [{job.problem}]" if job.problem else ""
        print(f"  missing: job {job.num} ({job.state}){why}: {' '.join(job.overrides)}")
    if len(data.missing) > 20:
        print(f"  ... {len(data.missing) - 20} more in {written['jobs']}")
    return 1 if args.strict and data.missing else 0
