"""Sweep bookkeeping: job directories and keys, overrides, progress.

A sweep (``campaign-sim -m key=a,b,c``) runs one job per combination of
values, each in its own directory under ``hydra.sweep.dir``. Three concerns,
one module each:

:mod:`~simulator.runs.sweep.jobs`
    a job's key, atomic results (staging, manifest last), the sweep's index
    of completed jobs, resuming and reusing results: the sweep stays
    resumable and exact.
:mod:`~simulator.runs.sweep.overrides`
    the one ``key=value`` override parser (Hydra's grammar) and the jobs a
    sweep expands to.
:mod:`~simulator.runs.sweep.progress`
    the expected jobs from ``multirun.yaml``, which jobs ended, one progress
    line with an ETA.

The names the command line and the report use are re-exported here
(``from simulator.runs import sweep; sweep.staged(...)``).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> sweep_dir = Path(tempfile.mkdtemp())
>>> with staged(sweep_dir / "0") as tmp:
...     _ = (tmp / "results.csv").write_text("a,b\\n")
>>> sorted(p.name for p in (sweep_dir / "0").iterdir())
['results.csv']
>>> parse_override("campaign.p=0.1")
ParsedOverride(key='campaign.p', value='0.1')
>>> one_at_a_time(["campaign.p=0.1,0.2", "seed=1,2"])
[['campaign.p=0.1', 'seed=1'], ['campaign.p=0.2', 'seed=1'], ['campaign.p=0.1', 'seed=2']]
"""

from simulator.runs.sweep.jobs import (
    INDEX,
    MANIFEST,
    JobFailed,
    atomic_write_text,
    find_completed,
    job_key,
    launcher_error,
    mark_done,
    prepare_job_dir,
    reuse_results,
    staged,
)
from simulator.runs.sweep.overrides import (
    ParsedOverride,
    expand_overrides,
    one_at_a_time,
    override_value,
    parse_override,
)
from simulator.runs.sweep.progress import (
    EXIT_BROKEN_PIPE,
    PROGRESS,
    SweepInfo,
    format_eta,
    progress_line,
    quiet_broken_pipe,
    record_progress,
    sweep_info,
)

__all__ = [
    # jobs
    "JobFailed",
    "launcher_error",
    "MANIFEST",
    "INDEX",
    "atomic_write_text",
    "staged",
    "prepare_job_dir",
    "job_key",
    "find_completed",
    "mark_done",
    "reuse_results",
    # overrides
    "ParsedOverride",
    "parse_override",
    "override_value",
    "expand_overrides",
    "one_at_a_time",
    # progress
    "PROGRESS",
    "SweepInfo",
    "sweep_info",
    "record_progress",
    "format_eta",
    "progress_line",
    "quiet_broken_pipe",
    "EXIT_BROKEN_PIPE",
]
