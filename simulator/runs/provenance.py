"""Provenance of a run: its id, the code and package versions, the manifest.

A run's id is a short hash of its resolved config (seed included); the
manifest (``manifest.json``, written last) records the config, the seed, the
versions, the git commit and a hash of the code, so a result can be traced
back to what computed it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = [
    "run_id",
    "package_versions",
    "code_version",
    "git_commit",
    "write_manifest",
    "shard_record",
]


def run_id(config: dict) -> str:
    """Short stable hash of a resolved config (seed included): the run's key."""
    blob = json.dumps(config, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape the results."""
    names = [
        "campaign-sim",
        "numpy",
        "scipy",
        "numba",
        "networkx",
        "pandas",
        "pyarrow",
        "mesa",
        "hydra-core",
        "omegaconf",
        "matplotlib",
    ]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@functools.cache
def code_version() -> str:
    """Short hash of the code that computes results: every ``.py`` file of
    ``simulator`` and ``experiments`` (the configs are part of the run's config).

    Unlike the git commit it also changes with uncommitted edits, so a sweep
    re-runs the jobs an edited model would compute differently.

    >>> len(code_version()) == 12 and code_version() == code_version()
    True
    """
    digest = hashlib.sha256()
    for package in ("simulator", "experiments"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        root = Path(spec.origin).parent
        for path in sorted(root.rglob("*.py")):
            if path.name.startswith(".") or not path.is_file():
                continue  # e.g. an editor's lock file (a dangling symlink)
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def git_commit(path: Path | None = None) -> str | None:
    """The git commit of the source tree holding ``path`` (None when not a checkout)."""
    path = Path(path or Path(__file__).resolve().parent)
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "-C", str(path), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    ).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")


def write_manifest(
    path: Path, config: dict, seed: int, wall_time_s: float, *, run: str, **extra
) -> dict:
    """Write ``manifest.json``: the run id ``run``, resolved config, seed, versions,
    git commit and code version, wall time."""
    manifest = {
        "run_id": run,
        "seed": seed,
        "config": config,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "code_version": code_version(),
        "command": sys.argv,
        "wall_time_s": round(wall_time_s, 3),
        **extra,
    }
    Path(path).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest


def shard_record(experiment) -> dict:
    """What the manifest of a shard records beside the run id it shares with its run:
    ``shard`` ("I/N") and its ``replicates`` ``[lo, hi)``; nothing for a whole run.

    >>> from simulator.runs.config import ExperimentConfig
    >>> shard_record(ExperimentConfig(replicates=10, shard="2/3"))
    {'shard': '2/3', 'replicates': [3, 6]}
    """
    if experiment.shard is None:
        return {}
    span = experiment.replicate_range()
    return {"shard": experiment.shard, "replicates": [span.start, span.stop]}
