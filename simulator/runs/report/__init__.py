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

The package, one module per concern: :mod:`~simulator.runs.report.discover`
(the jobs and their states), :mod:`~simulator.runs.report.aggregate` (the long
table and summaries), :mod:`~simulator.runs.report.figures`,
:mod:`~simulator.runs.report.markdown` (``report.md``) and
:mod:`~simulator.runs.report.cli` (the files, the command).

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

from simulator.runs.report.aggregate import SweepData, collect, jobs_frame, summary_table
from simulator.runs.report.cli import main, write_report
from simulator.runs.report.discover import Job, find_jobs
from simulator.runs.report.figures import sweep_figures
from simulator.runs.report.markdown import report_markdown

__all__ = [
    "Job",
    "SweepData",
    "find_jobs",
    "collect",
    "summary_table",
    "jobs_frame",
    "sweep_figures",
    "report_markdown",
    "write_report",
    "main",
]
