"""Shared fixtures: where the real datasets are, and a tiny config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """../shared/data beside the repository (or $CAMPAIGN_SIM_DATA)."""
    env = os.environ.get("CAMPAIGN_SIM_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared datasets not found at {path} (set CAMPAIGN_SIM_DATA)")
    return path
