"""Sweep bookkeeping: job keys, atomic results, resuming, the list of expected jobs.

A sweep (``campaign-sim -m key=a,b,c``) runs one job per combination of
values, each in its own directory under ``hydra.sweep.dir``. This module keeps
a sweep *resumable and exact*:

- A job's **key** (:func:`job_key`) is :func:`simulator.runs.provenance.run_id` of its
  resolved config (the root seed included; Hydra's own settings, such as the
  run directory, are not part of it) and the
  :func:`simulator.runs.provenance.code_version` that computed it. Same key = same
  results, whatever the launcher; after a code change every job runs again.
- A job writes its files into a staging directory ``.partial-*`` inside its
  job directory and moves them into place with :func:`os.replace` (atomic on
  one file system); ``manifest.json`` is written last, the same way. **A job is
  complete when its ``manifest.json`` exists**; a job killed at any point
  leaves no manifest, so it is re-run.
- A completed job records itself in ``SWEEP/.campaign-sim/done/KEY`` (one
  small file per job, so concurrent workers never write the same file).
  Re-running the sweep with the same ``hydra.sweep.dir`` skips every job
  whose key is already done in its own directory. When values are added to a
  sweep, jobs are renumbered: a job that finds another config's results in
  its directory moves them aside (``SWEEP/.campaign-sim/stash/``, still
  indexed), and a job whose key is done elsewhere gets those results
  hard-linked (or copied), so every job directory stays self-contained and
  nothing complete is computed twice.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> sweep_dir = Path(tempfile.mkdtemp())
>>> job = sweep_dir / "0"
>>> with staged(job) as tmp:
...     _ = (tmp / "results.csv").write_text("a,b\\n")
>>> sorted(p.name for p in job.iterdir())
['results.csv']
>>> find_completed(sweep_dir, "abc", job) is None
True
>>> _ = (job / MANIFEST).write_text('{"run_id": "abc"}')
>>> mark_done(sweep_dir, "abc", job)
>>> find_completed(sweep_dir, "abc", sweep_dir / "7") == job
True
>>> expand_overrides(["campaign.p=0.1,0.2", "seed=range(2)", "network.n=300"])
[['campaign.p=0.1', 'seed=0', 'network.n=300'], ['campaign.p=0.1', 'seed=1', 'network.n=300'], \
['campaign.p=0.2', 'seed=0', 'network.n=300'], ['campaign.p=0.2', 'seed=1', 'network.n=300']]
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = [
    "MANIFEST",
    "INDEX",
    "atomic_write_text",
    "staged",
    "prepare_job_dir",
    "job_key",
    "find_completed",
    "mark_done",
    "reuse_results",
    "expand_overrides",
    "sweep_jobs",
    "SweepInfo",
    "sweep_info",
    "one_at_a_time",
]

MANIFEST = "manifest.json"
INDEX = Path(".campaign-sim") / "done"
STASH = Path(".campaign-sim") / "stash"
PARTIAL = ".partial-"


# ------------------------------------------------------------ atomic files
def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file, then :func:`os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _movable(entry: os.DirEntry | Path) -> bool:
    """A job's result files: everything but Hydra's files, dot files and the job log."""
    return not entry.name.startswith(".") and entry.name not in (MANIFEST, "cli.log")


def prepare_job_dir(job_dir: Path, key: str | None = None, sweep_dir: Path | None = None) -> None:
    """Clear what an interrupted or different earlier job left in ``job_dir``.

    Removes staging directories and, unless it belongs to the job ``key``,
    the manifest, so the directory never shows files of one config under the
    manifest of another. The manifest goes first, before any other file
    changes: :func:`reuse_results` relies on that order. In a sweep
    (``sweep_dir`` given), the complete results of another config are not
    deleted but moved to ``SWEEP/.campaign-sim/stash/`` and stay in the
    index, so a sweep whose jobs were renumbered (values added) still finds
    them; results of the same config computed by other code are superseded
    (the job recomputes them).
    """
    job_dir = Path(job_dir)
    if not job_dir.is_dir():
        return
    manifest = job_dir / MANIFEST
    old_key = _manifest_key(manifest) if manifest.exists() else None
    if manifest.exists() and (key is None or old_key != key):
        # the same config computed by other code is superseded, not set aside
        superseded = (
            key is not None and old_key is not None and _config_of(old_key) == _config_of(key)
        )
        if sweep_dir is not None and old_key is not None and not superseded:
            _stash(job_dir, old_key, Path(sweep_dir))
        else:
            manifest.unlink()
    for entry in job_dir.iterdir():
        if entry.name.startswith(PARTIAL) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def _config_of(key: str) -> str:
    """The run id part of a job key (see :func:`job_key`)."""
    return key.split("-", 1)[0]


def _stash(job_dir: Path, key: str, sweep_dir: Path) -> None:
    """Move the complete job ``key`` out of ``job_dir`` (manifest first) and index it there."""
    stash = sweep_dir / STASH / f"{key}-{uuid.uuid4().hex[:8]}"
    stash.mkdir(parents=True)
    moving = stash / f".{MANIFEST}.tmp"
    os.replace(job_dir / MANIFEST, moving)  # job_dir stops being complete here
    for entry in list(job_dir.iterdir()):
        if _movable(entry):
            os.replace(entry, stash / entry.name)
    os.replace(moving, stash / MANIFEST)
    mark_done(sweep_dir, key, stash)


@contextlib.contextmanager
def staged(job_dir: Path) -> Iterator[Path]:
    """A staging directory whose contents move into ``job_dir`` when the block succeeds.

    Each file appears in ``job_dir`` whole (one :func:`os.replace` each); when
    the block raises, the staging directory is removed and ``job_dir`` keeps
    what it had.
    """
    job_dir = Path(job_dir)
    job_dir.mkdir(parents=True, exist_ok=True)
    tmp = job_dir / f"{PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for entry in sorted(tmp.iterdir()):
        target = job_dir / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(entry, target)
    tmp.rmdir()


# ----------------------------------------------------------------- resuming
def job_key(run_id: str, code_version: str | None = None) -> str:
    """The key of a job: its config's run id and the code version, if known.

    >>> job_key("3f2a", "9c1d")
    '3f2a-9c1d'
    """
    return f"{run_id}-{code_version}" if code_version else run_id


def _manifest_key(path: Path) -> str | None:
    try:
        manifest = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or "run_id" not in manifest:
        return None
    return job_key(manifest["run_id"], manifest.get("code_version"))


def find_completed(sweep_dir: Path, key: str, job_dir: Path) -> Path | None:
    """The directory holding the completed job ``key`` of this sweep, or None.

    Looks at ``job_dir`` itself first (a re-run of the same sweep), then the
    sweep's index (the same config under another job number). A hit is
    always confirmed by the manifest's own run id and code version.
    """
    if _manifest_key(Path(job_dir) / MANIFEST) == key:
        return Path(job_dir)
    entry = Path(sweep_dir) / INDEX / key
    try:
        where = Path(sweep_dir) / entry.read_text().strip()
    except OSError:
        return None
    if _manifest_key(where / MANIFEST) == key:
        return where
    return None


def mark_done(sweep_dir: Path, key: str, job_dir: Path) -> None:
    """Record in the sweep's index that job ``key`` is complete in ``job_dir``."""
    relative = os.path.relpath(Path(job_dir).resolve(), Path(sweep_dir).resolve())
    atomic_write_text(Path(sweep_dir) / INDEX / key, relative + "\n")


def _link(src: Path, dst: Path) -> None:
    """Hard-link ``src`` to ``dst`` (a copy across file systems); directories recursively."""
    if src.is_dir():
        dst.mkdir()
        for entry in src.iterdir():
            _link(entry, dst / entry.name)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def reuse_results(src: Path, dst: Path, key: str, sweep_dir: Path | None = None) -> bool:
    """Give job directory ``dst`` the completed results of job ``key`` held in ``src``.

    Files are hard-linked (copied across file systems), the manifest last;
    ``False`` (and no manifest in ``dst``) when ``src`` stopped holding job
    ``key`` meanwhile, e.g. because a concurrent job took its directory over:
    a job that takes a directory over deletes the manifest before touching any
    other file, so a manifest still naming ``key`` after the data were linked
    proves the data are that job's.
    """
    src, dst = Path(src), Path(dst)
    prepare_job_dir(dst, key, sweep_dir)
    try:
        with staged(dst) as tmp:
            for entry in src.iterdir():
                if _movable(entry):
                    _link(entry, tmp / entry.name)
        linked = dst / f".{MANIFEST}.{os.getpid()}.tmp"
        _link(src / MANIFEST, linked)
    except OSError:
        return False
    if _manifest_key(linked) != key:
        linked.unlink()
        return False
    os.replace(linked, dst / MANIFEST)
    if sweep_dir is not None and Path(sweep_dir, STASH).resolve() in src.resolve().parents:
        shutil.rmtree(src, ignore_errors=True)  # a set-aside copy: dst holds it now
    return True


# ----------------------------------------------------------- expected jobs
def _parser():
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:  # a config loader lets glob() sweeps list a group's options
        from hydra._internal.config_loader_impl import ConfigLoaderImpl
        from hydra._internal.utils import create_config_search_path

        from simulator.runs.cli import config_dir

        loader = ConfigLoaderImpl(config_search_path=create_config_search_path(config_dir()))
    except Exception:  # pragma: no cover - Hydra internals moved
        loader = None
    return OverridesParser.create(config_loader=loader)


def expand_overrides(overrides: Sequence[str]) -> list[list[str]]:
    """The jobs of a sweep, in Hydra's order: one list of ``key=value`` strings per job.

    Same expansion as Hydra's basic sweeper (cartesian product, the last key
    varying fastest), so item ``i`` is job number ``i``. Raises ``ValueError``
    for sweeps that cannot be listed (``interval(...)``, used by optimising
    sweepers).
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.errors import HydraException

    parsed = _parser().parse_overrides(list(overrides))
    try:
        (jobs,) = BasicSweeper.split_arguments(parsed, None)
    except HydraException as err:
        raise ValueError(str(err)) from None
    return jobs


def one_at_a_time(overrides: Sequence[str]) -> list[list[str]]:
    """A few jobs that together use every value of every swept key once.

    The first job takes each key's first value; each further job changes one
    key to another value. Validating these catches a bad value anywhere in a
    sweep with ``sum(values)`` configs instead of ``prod(values)``.

    Examples
    --------
    >>> one_at_a_time(["a=1,2,3", "b=x,y", "c=0"])
    [['a=1', 'b=x', 'c=0'], ['a=2', 'b=x', 'c=0'], ['a=3', 'b=x', 'c=0'], ['a=1', 'b=y', 'c=0']]
    """
    parsed = _parser().parse_overrides(list(overrides))
    columns = []
    for override in parsed:
        key = override.get_key_element()
        if override.is_sweep_override():
            if not override.is_discrete_sweep():
                raise ValueError(f"{key}: not a list of values")
            values = [f"{key}={v}" for v in override.sweep_string_iterator()]
            columns.append(list(dict.fromkeys(values)))  # a value listed twice: checked once
        else:
            columns.append([f"{key}={override.get_value_element_as_str()}"])
    base = [values[0] for values in columns]
    jobs = [base]
    for i, values in enumerate(columns):
        for value in values[1:]:
            jobs.append(base[:i] + [value] + base[i + 1 :])
    return jobs


def sweep_jobs(sweep_dir: Path) -> list[list[str]] | None:
    """The job overrides of the sweep recorded in ``SWEEP/multirun.yaml`` (None if unknown).

    Hydra writes ``multirun.yaml`` when a sweep starts; it holds the
    command-line overrides and the sweeper's ``params``. Only the basic
    sweeper's jobs can be listed in advance.
    """
    info = sweep_info(sweep_dir)
    return None if info is None else info.jobs


class SweepInfo:
    """What ``multirun.yaml`` says about a sweep: its jobs and when it (re)started."""

    def __init__(self, jobs: list[list[str]] | None, started: float):
        self.jobs = jobs
        self.started = started
        self.swept: list[str] = []
        if jobs:
            values: dict[str, set[str]] = {}
            for job in jobs:
                for item in job:
                    key, _, value = item.partition("=")
                    values.setdefault(key, set()).add(value)
            self.swept = [k for k, v in values.items() if len(v) > 1]

    @property
    def total(self) -> int | None:
        return None if self.jobs is None else len(self.jobs)


_INFO_CACHE: dict[tuple[str, float], SweepInfo | None] = {}


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
            jobs = expand_overrides(params + task)
        except Exception:  # an override this version of Hydra cannot expand
            jobs = None
    info = SweepInfo(jobs, mtime)
    _INFO_CACHE[cache_key] = info
    return info


PROGRESS = Path(".campaign-sim") / "progress"


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
