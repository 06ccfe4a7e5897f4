"""A sweep's job directories: atomic results, job keys, the index of completed jobs, reuse.

A sweep (``campaign-sim -m key=a,b,c``) runs one job per combination of
values, each in its own directory under ``hydra.sweep.dir``. This module keeps
a sweep *resumable and exact*:

- A job's **key** (:func:`job_key`) is the run id of its resolved config
  (:func:`simulator.runs.compose.config_run_id`: what its study reads, the
  root seed included; Hydra's own settings, such as the run directory, are
  not part of it), its shard (``experiment.shard``, which the run id leaves
  out so that the shards of a run share it) and the
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
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = [
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
def job_key(run_id: str, code_version: str | None = None, shard: str | None = None) -> str:
    """The key of a job: its config's run id, its shard if any, and the code version.

    The shards of one run share its run id; the key tells them apart.

    >>> job_key("3f2a", "9c1d"), job_key("3f2a", "9c1d", shard="2/3")
    ('3f2a-9c1d', '3f2a_s2of3-9c1d')
    """
    if shard:
        run_id = f"{run_id}_s{str(shard).replace('/', 'of')}"
    return f"{run_id}-{code_version}" if code_version else run_id


def _manifest_key(path: Path) -> str | None:
    try:
        manifest = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or "run_id" not in manifest:
        return None
    return job_key(manifest["run_id"], manifest.get("code_version"), manifest.get("shard"))


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


# ------------------------------------------------------------ failed jobs
class JobFailed(RuntimeError):
    """A sweep job stopped on a bad value or input (cluster launchers; the other jobs go on).

    ``args``: the job's one line (``job 2/4 [overrides]: why``) and the sweep
    directory, plain strings, so the exception pickles between nodes.
    """


def launcher_error(err: BaseException) -> str:
    """The one line for an error a launcher handed back to ``campaign-sim``.

    A failed job's own line (:class:`JobFailed`, also when it came back from
    another process as another class, or only inside the launcher's error
    text), else the error's first line.

    >>> print(launcher_error(JobFailed("job 2/4 [seed=1]: x.csv: no such file", "sw")))
    job 2/4 [seed=1]: x.csv: no such file (campaign-report sw lists every failed job)
    >>> launcher_error(RuntimeError("trace:\\nTraceback...\\nJobFailed: job 1/2 [a=1]: bad"))
    'job 1/2 [a=1]: bad'
    """
    seen: BaseException | None = err
    while seen is not None:
        if type(seen).__name__ == "JobFailed" and seen.args:
            where = seen.args[1] if len(seen.args) > 1 else None
            report = f"campaign-report {where}" if where else "campaign-report SWEEP_DIR"
            return f"{seen.args[0]} ({report} lists every failed job)"
        seen = seen.__cause__ or seen.__context__
    match = re.search(r"JobFailed: (.+)", str(err))
    if match:
        return match.group(1).strip()
    from simulator.errors import one_line

    return f"the launcher failed: {one_line(err)} (CAMPAIGN_SIM_DEBUG=1 shows the traceback)"
