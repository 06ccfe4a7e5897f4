"""A sweep's progress: its expected jobs (from ``multirun.yaml``), which ended, an ETA.

Hydra writes ``SWEEP/multirun.yaml`` when a sweep starts; :func:`sweep_info`
reads the jobs it will run from there (the basic sweeper's only). Each job
that ends notes it in ``SWEEP/.campaign-sim/progress/NUM.STATUS``
(:func:`record_progress`), so any worker can tell how far the sweep is:
:func:`progress_line` is the one line a job prints.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> sweep_dir = Path(tempfile.mkdtemp())
>>> record_progress(sweep_dir, 0, "done")
>>> progress_line(sweep_dir, 0, "done in 1.2 s")  # no multirun.yaml: no total, no ETA
'job 1: done in 1.2 s'
>>> SweepInfo([["a=1", "b=0"], ["a=2", "b=0"]], started=0.0).swept
['a']
>>> format_eta(3725)
'1:02:05'
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from simulator.runs.sweep.overrides import expand_overrides, parse_override

__all__ = [
    "PROGRESS",
    "SweepInfo",
    "sweep_info",
    "record_progress",
    "format_eta",
    "progress_line",
    "quiet_broken_pipe",
    "EXIT_BROKEN_PIPE",
]

PROGRESS = Path(".campaign-sim") / "progress"


class SweepInfo:
    """What ``multirun.yaml`` says about a sweep: its jobs and when it (re)started.

    ``jobs`` as :func:`~simulator.runs.sweep.overrides.expand_overrides` lists them;
    ``swept`` is the keys (as :func:`~simulator.runs.sweep.overrides.parse_override`
    reads them) that take more than one value across the jobs.
    """

    def __init__(self, jobs: list[list[str]] | None, started: float):
        self.jobs = jobs
        self.started = started
        self.swept: list[str] = []
        if jobs:
            # Hydra writes override i of every job as KEY=VALUE with the same KEY: one
            # parse per column names it, and the column's distinct strings are its values.
            values: dict[str, set[str]] = {}
            for column in zip(*jobs, strict=True):
                values.setdefault(parse_override(column[0]).key, set()).update(column)
            self.swept = [k for k, v in values.items() if len(v) > 1]

    @property
    def total(self) -> int | None:
        return None if self.jobs is None else len(self.jobs)


_INFO_CACHE: dict[tuple[str, float], SweepInfo | None] = {}


def _config_source(hydra_cfg: dict) -> str | None:
    """The YAML config directory the sweep was composed from (its ``main`` config source)."""
    for source in (hydra_cfg.get("runtime") or {}).get("config_sources") or []:
        if isinstance(source, dict) and source.get("provider") == "main":
            if source.get("schema") == "file" and source.get("path"):
                return str(source["path"])
    return None


def sweep_info(sweep_dir: Path) -> SweepInfo | None:
    """Read (and cache per process) the sweep's ``multirun.yaml``; None when absent."""
    path = Path(sweep_dir) / "multirun.yaml"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cache_key = (str(path.resolve()), mtime)
    if cache_key in _INFO_CACHE:
        return _INFO_CACHE[cache_key]
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        hydra_cfg = yaml.load(path.read_text(), Loader=loader).get("hydra", {})
    except (OSError, yaml.YAMLError, AttributeError):
        _INFO_CACHE[cache_key] = None
        return None
    sweeper = hydra_cfg.get("sweeper") or {}
    jobs = None
    if str(sweeper.get("_target_", "")).endswith("BasicSweeper"):
        params = [f"{k}={v}" for k, v in (sweeper.get("params") or {}).items()]
        task = list((hydra_cfg.get("overrides") or {}).get("task") or [])
        try:
            jobs = expand_overrides(params + task, _config_source(hydra_cfg))
        except Exception:  # an override this version of Hydra cannot expand
            jobs = None
    info = SweepInfo(jobs, mtime)
    _INFO_CACHE[cache_key] = info
    return info


def record_progress(sweep_dir: Path, num: int, status: str) -> None:
    """Note that job ``num`` ended with ``status`` (``done``, ``skipped``, ``failed``)."""
    folder = Path(sweep_dir) / PROGRESS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{num}.{status}").touch()


def _progress(sweep_dir: Path, since: float) -> tuple[int, int]:
    """Jobs that ended since ``since``, and how many of them ran (were not skipped)."""
    try:
        entries = [e for e in os.scandir(Path(sweep_dir) / PROGRESS) if e.stat().st_mtime >= since]
    except OSError:
        return 0, 0
    ended = {e.name.partition(".")[0] for e in entries}
    ran = sum(1 for e in entries if not e.name.endswith(".skipped"))
    return len(ended), ran


def format_eta(seconds: float) -> str:
    """``3725`` -> ``'1:02:05'``."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_line(sweep_dir: Path, num: int, what: str) -> str:
    """One line about job ``num``: its number out of the total, what happened, an ETA.

    The ETA assumes each job still to come needs the mean time of the jobs
    that ran (not skipped) since this invocation of the sweep started.
    """
    info = sweep_info(sweep_dir)
    total = info.total if info is not None else None
    head = f"job {num + 1}/{total}" if total else f"job {num + 1}"
    if info is None or not total:
        return f"{head}: {what}"
    ended, ran = _progress(sweep_dir, info.started)
    ended = min(ended, total)
    tail = f"{ended}/{total} ended"
    if ran and ended < total:
        elapsed = time.time() - info.started
        tail += f", ~{format_eta(elapsed / ran * (total - ended))} left"
    return f"{head}: {what} ({tail})"


#: The exit status of a command whose reader went away (128 + SIGPIPE, as a shell
#: reports a Unix tool killed by the signal).
EXIT_BROKEN_PIPE = 141


@contextlib.contextmanager
def quiet_broken_pipe() -> Iterator[None]:
    """Exit quietly (status 141) when the reader of stdout goes away, as Unix tools do.

    ``campaign-sim --help | head`` closes the pipe after ten lines: the next
    write, or the interpreter's last flush, fails with ``BrokenPipeError``.
    Inside this block such an error ends the command with no traceback and
    no "Exception ignored" message (stdout is pointed at ``/dev/null`` first).
    """
    try:
        try:
            yield
        finally:
            sys.stdout.flush()  # here, not at exit, where the error could not be caught
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
