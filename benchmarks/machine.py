"""What ran a benchmark: CPU, cores, package versions, commit, date, command and load.

Examples
--------
>>> info = machine_info("python -m benchmarks.run", threads=2)
>>> info["command"], "numba threads 2" in info["cores"]
('`python -m benchmarks.run`', True)
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

__all__ = ["PACKAGES", "ROOT", "machine_info"]

#: The repository root (where ``git`` reads the commit, and docs/ is written).
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("campaign-sim", "numpy", "numba", "networkx", "mesa", "pandas", "cynetdiff", "ndlib")


# ------------------------------------------------------------------ machine
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info(command: str, threads: int) -> dict[str, str]:
    """What ran the benchmark: CPU, cores, versions, date, command, load."""
    load = os.getloadavg()
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "command": f"`{command}`",
        "commit": _git(),
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable; "
        f"numba threads {threads}",
        "Python": platform.python_version(),
        "packages": ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
        "load average (1 min) at start": f"{load[0]:.2f}",
    }
