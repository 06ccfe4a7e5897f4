"""Results of a given config and seed stay identical across refactors.

The checksums below were recorded before the package was reorganised
(issue 10). A change that alters numbers on purpose (a faster kernel, an
importer default) updates them in the same commit and says why (CHANGELOG.md).
Updated for issue 16 (per-node random streams of the activation kernels):
``quickstart`` and ``seeding_comparison`` changed replicate by replicate, the
funnel and ``influentials`` (deterministic Watts thresholds) did not.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from experiments import STUDIES
from simulator.runs.compose import load_config


def frame_checksum(frame: pd.DataFrame) -> str:
    """SHA-256 over every column: its name, dtype and values, in order."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype}".encode())
        if pd.api.types.is_numeric_dtype(column.dtype) or column.dtype == bool:
            digest.update(column.to_numpy().tobytes())
        else:  # strings (object or pandas' str dtype): their text, not their pointers
            digest.update("\x1f".join(map(str, column.tolist())).encode())
    return digest.hexdigest()


#: case -> (overrides, checksum of results.parquet)
CASES = {
    "quickstart": (
        [],
        "87ca32f91b17ee929e1ef8db75c280b7fd72aa8e4bd3306374af122a95c17c7a",
    ),
    "quickstart_funnel": (
        ["campaign=funnel", "experiment.replicates=100"],
        "90ace3ef6b36e4a434f804f79ab9116194a965303918ca9a3723ae2599be36c6",
    ),
    "seeding_comparison": (
        [
            "experiment=seeding_comparison",
            "network.n=2000",
            "experiment.replicates=40",
            "experiment.ks=[2,8]",
        ],
        "4bd87751ca0c440afad36f7a5cbfa638c48994c742fc3d2531e3fd0f4d91e6d3",
    ),
    "influentials": (
        [
            "experiment=influentials",
            "network.n=2000",
            "experiment.replicates=50",
            "experiment.mean_degrees=[2,5]",
        ],
        "450d8b735a6f829a7a7f0794eee350ddc5b68100ac7ab3fa401362a6cb63fb71",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_parquet_checksum(case, tmp_path):
    overrides, expected = CASES[case]
    cfg = load_config(*overrides, "experiment.figures=false")
    STUDIES[cfg.experiment.name].run(cfg, tmp_path)
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert frame_checksum(rows) == expected, f"{case}: results changed"
