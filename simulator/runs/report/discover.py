"""Finding a run's or a sweep's jobs and what state each is in.

A sweep directory holds one job directory per job (``0/``, ``1/``, ...); a
job directory has Hydra's ``.hydra/overrides.yaml`` as soon as the job is set
up and ``manifest.json`` once it is complete (written last). The expected
jobs are listed from the sweep's ``multirun.yaml``
(:func:`simulator.runs.sweep.progress.sweep_info`), so jobs that never
started are found too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.runs.sweep.jobs import MANIFEST
from simulator.runs.sweep.overrides import parse_override
from simulator.runs.sweep.progress import PROGRESS, sweep_info

__all__ = ["Job", "find_jobs", "is_parameter", "read_results", "CELL_BYTES"]

#: Bytes per cell of a job's results.parquet once read (the memory guard's estimate).
CELL_BYTES = 64


def read_results(path: Path, label: str):
    """A job's ``results.parquet`` as a DataFrame, after asking the memory guard.

    The size is read from the parquet footer first, so a huge (or crafted) file is
    refused with one line before any of it is loaded.

    >>> import tempfile, pandas as pd
    >>> path = Path(tempfile.mkdtemp()) / "results.parquet"
    >>> pd.DataFrame({"replicate": [0, 1]}).to_parquet(path)
    >>> read_results(path, "0/results.parquet")["replicate"].tolist()
    [0, 1]
    """
    import pandas as pd
    import pyarrow.parquet as pq

    from simulator.errors import check_memory

    meta = pq.ParquetFile(path).metadata
    check_memory(
        f"{label} ({meta.num_rows:,} rows)",
        meta.num_rows * max(1, meta.num_columns) * CELL_BYTES,
        "the jobs read (campaign-report on a part of the sweep)",
    )
    return pd.read_parquet(path)


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
    problem: str | None = None  # why a damaged job cannot be read (one line)
    shard: str | None = None  # "I/N" for one shard of a run (experiment.shard)
    config: dict = field(default_factory=dict, repr=False)  # the manifest's resolved config

    def override(self, key: str) -> str | None:
        """The text of this job's override of ``key`` (its ``+``/``~`` prefix ignored), or None.

        Examples
        --------
        >>> job = Job(0, None, ["campaign.p=0.05", "+network.columns=[a,b]"])
        >>> job.override("network.columns"), job.override("seed")
        ('[a,b]', None)
        """
        for item in self.overrides:
            parsed = parse_override(item)
            if parsed.name == key:
                return parsed.value
        return None


#: Override keys that say how a run is split, not what it computes.
NOT_PARAMETERS = ("experiment.shard",)


def is_parameter(key: str) -> bool:
    """Whether an override key is a parameter of the run (not Hydra's, not a group path,
    not the shard of a run split across jobs).

    >>> is_parameter("campaign.p"), is_parameter("experiment.shard"), is_parameter("hydra.job")
    (True, False, False)
    """
    return not key.startswith("hydra") and "/" not in key and key not in NOT_PARAMETERS


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


class Damaged(ValueError):
    """A job file that cannot be read; the message says which and why, in one line."""


def _read_overrides(job_dir: Path) -> list[str]:
    path = job_dir / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return []
    import yaml

    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise Damaged(f".hydra/overrides.yaml: not readable YAML ({type(err).__name__})") from None
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, str | int | float) for i in items):
        raise Damaged(".hydra/overrides.yaml: not a list of key=value overrides")
    for item in items:
        try:
            parse_override(str(item))
        except ValueError:
            raise Damaged(
                f".hydra/overrides.yaml: {str(item)[:60]!r} is not an override"
            ) from None
    return [str(item) for item in items]


def _overrides_or_problem(job_dir: Path) -> tuple[list[str], str | None]:
    try:
        return _read_overrides(job_dir), None
    except Damaged as err:
        return [], str(err)


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
    problems: dict[Path, str] = {}
    for d in dirs:
        overrides, problem = _overrides_or_problem(d)
        if problem:
            problems[d] = problem
        by_overrides.setdefault(tuple(overrides), []).append(d)
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
            overrides, _ = _overrides_or_problem(d)
            jobs.append(Job(int(d.name) if d.name.isdigit() else num, d, overrides))
    for job in jobs:
        if job.dir is None:
            continue
        if job.dir in problems:
            job.state, job.problem = "damaged", problems[job.dir]
            continue
        manifest = job.dir / MANIFEST
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                job.state = "damaged"
                job.problem = f"{MANIFEST}: not valid JSON ({type(err).__name__})"
                continue
            if not isinstance(data, dict):
                job.state = "damaged"
                job.problem = f"{MANIFEST}: not a JSON object"
                continue
            job.run_id = data.get("run_id")
            job.code_version = data.get("code_version")
            if not _config_matches(job.dir, job.run_id):
                job.state = "incomplete"  # killed after Hydra set the job up, before it ran
                continue
            job.state = "complete"
            job.wall_time_s = data.get("wall_time_s")
            job.params = _typed_params(job.overrides, data.get("config") or {})
            if not isinstance(job.run_id, str | None):
                job.state, job.problem = "damaged", f"{MANIFEST}: run_id is not a string"
            config = data.get("config") if isinstance(data.get("config"), dict) else {}
            job.config = config
            shard = data.get("shard")
            if shard is not None and not isinstance(shard, str):
                job.state, job.problem = "damaged", f"{MANIFEST}: shard is not a string"
            job.shard = shard if isinstance(shard, str) else None
            experiment = config.get("experiment") if isinstance(config, dict) else None
            level = experiment.get("ci_level") if isinstance(experiment, dict) else None
            try:
                job.ci_level = float(level) if level is not None else 0.95
            except (TypeError, ValueError):
                job.ci_level = 0.95
            if not (job.dir / "results.parquet").is_file():
                job.state, job.problem = "damaged", "results.parquet: missing"
        else:
            job.state = "failed" if str(job.num) in failed else "incomplete"
    return jobs, expected is not None, ignored


def _config_matches(job_dir: Path, key: str | None) -> bool:
    """Whether the manifest belongs to the config Hydra last composed in ``job_dir``.

    A job directory re-used by another config holds that config's
    ``.hydra/config.yaml`` as soon as Hydra sets the job up; the job then
    moves the old manifest aside first thing. Killed in between, the
    directory shows an old manifest under a new config: not complete. The
    config's run id is the job's (:func:`simulator.runs.compose.config_run_id`,
    what its study reads); a config naming no known study is not confirmed.
    """
    path = job_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        return True
    import yaml

    from simulator.runs.compose import config_run_id

    try:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\$\{\s*[\w.-]+\s*:", text):
            # a resolver call (oc.env ...): never run one from a job directory; the
            # manifest, written last, is trusted
            return True
        if "${" in text:  # interpolations of other keys: resolve them as the job did
            from omegaconf import OmegaConf

            config = OmegaConf.to_container(OmegaConf.create(text), resolve=True)
        else:
            config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return config_run_id(config) == key
    except Exception:  # noqa: BLE001 - unreadable, unresolvable or no known study: not confirmed
        return False


def _typed_params(overrides: Sequence[str], config: dict) -> dict:
    """``{"campaign.p": 0.05, "network": "erdos_renyi", ...}`` from the job's overrides.

    Values come from the resolved config where the key names a scalar (so
    they carry its type); group choices and lists keep the override's text.
    """
    out = {}
    for item in overrides:
        parsed = parse_override(item)
        key, text = parsed.name, parsed.value
        if not is_parameter(key):
            continue
        node = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, bool | int | float | str) and node is not None:
            out[key] = node
        else:
            out[key] = text
    return out
