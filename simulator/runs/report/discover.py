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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.runs.sweep.jobs import MANIFEST
from simulator.runs.sweep.overrides import parse_override
from simulator.runs.sweep.progress import PROGRESS, sweep_info

__all__ = ["Job", "find_jobs", "is_parameter"]


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


def is_parameter(key: str) -> bool:
    """Whether an override key is a parameter of the run (not Hydra's, not a group path)."""
    return not key.startswith("hydra") and "/" not in key


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
    directory shows an old manifest under a new config: not complete. The
    config's run id is the job's (:func:`simulator.runs.compose.config_run_id`,
    what its study reads); a config naming no known study is not confirmed.
    """
    path = job_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        return True
    import yaml

    from simulator.runs.compose import config_run_id
    from simulator.runs.config import ConfigError

    text = path.read_text()
    if "${" in text:  # interpolations: resolve them as the job did
        from omegaconf import OmegaConf

        config = OmegaConf.to_container(OmegaConf.create(text), resolve=True)
    else:
        config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        return config_run_id(config) == key
    except (ConfigError, KeyError, TypeError):  # no experiment.name, or an unknown study
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
