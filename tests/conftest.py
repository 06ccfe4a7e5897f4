"""Shared fixtures: where the real datasets are, and a tiny config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests and fuzzing draw their examples from a fixed seed, so a run is
# reproducible and CI cannot pass or fail by the luck of the draw.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.load_profile("deterministic")

REPO = Path(__file__).resolve().parents[1]


def run_module(module: str, *args, env=None, timeout=300, **kwargs):
    """``python -m MODULE ARGS`` in a subprocess, output captured; one-line errors
    (no Hydra or campaign-sim debug tracebacks) unless ``env`` asks otherwise."""
    full_env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    full_env.pop("CAMPAIGN_SIM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**full_env, **(env or {})},
        **kwargs,
    )


def shared_data_dir() -> Path:
    """The data folder of the data-path rule: $CAMPAIGN_SIM_DATA, else ../shared/data
    beside the repository (:func:`simulator.runs.build.data_dir`)."""
    from simulator.runs.build import data_dir  # here: collecting tests stays light

    return data_dir()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared datasets not found at {path} (set CAMPAIGN_SIM_DATA)")
    return path
