"""Sobol and Morris sensitivity at a tiny size: exact zeros for a factor without effect."""

import numpy as np
import pytest

pytest.importorskip("SALib", reason="pip install -e '.[sensitivity]'")

from simulator.runs.config import small_config  # noqa: E402
from simulator.runs.sensitivity import Factor, design, sensitivity, values  # noqa: E402

# experiment.ci_level changes no number of the model: its indices must be exactly 0
FACTORS = [
    Factor("campaign.p", 0.01, 0.3),
    Factor("seeding.k", 1, 20, integer=True),
    Factor("experiment.ci_level", 0.8, 0.99),
]


def test_sobol_indices_at_a_tiny_size():
    res = sensitivity(small_config(), FACTORS, method="sobol", n=8, replicates=10)
    assert len(res.samples) == 8 * (len(FACTORS) + 2)
    si = res.indices.set_index("factor")
    assert si.loc["experiment.ci_level", "S1"] == 0 and si.loc["experiment.ci_level", "ST"] == 0
    assert si.loc["campaign.p", "ST"] > 0 and si.loc["seeding.k", "ST"] > 0


def test_morris_screening_at_a_tiny_size():
    res = sensitivity(small_config(), FACTORS, method="morris", n=3, replicates=10)
    assert len(res.samples) == 3 * (len(FACTORS) + 1)
    si = res.indices.set_index("factor")
    assert si.loc["experiment.ci_level", "mu_star"] == 0
    assert si.loc["campaign.p", "mu_star"] > 0


def test_same_seed_same_indices():
    a = sensitivity(small_config(), FACTORS[:2], method="morris", n=2, replicates=5)
    b = sensitivity(small_config(), FACTORS[:2], method="morris", n=2, replicates=5)
    assert a.indices.equals(b.indices) and a.samples.equals(b.samples)


def test_integer_factors_stay_in_range_and_cover_it():
    x = values(FACTORS, design(FACTORS, "sobol", 64, seed=1))
    k = x[:, 1]
    assert np.array_equal(k, np.floor(k)) and k.min() == 1 and k.max() == 20


def test_bad_values_are_rejected_naming_the_key():
    with pytest.raises(ValueError, match="campaign.p must be a probability"):
        sensitivity(small_config(), [Factor("campaign.p", 0.5, 1.5)], "morris", 2, replicates=2)
    with pytest.raises(ValueError, match="power of 2"):
        design(FACTORS, "sobol", 10, seed=1)
    with pytest.raises(ValueError, match="KEY=LOW:HIGH"):
        Factor.parse("campaign.p=0.1")


def test_docs_python_example_runs():
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "sensitivity.md"
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)
    namespace = {}
    for block in blocks:
        exec(compile(block, str(doc), "exec"), namespace)
    assert list(namespace["res"].indices["factor"]) == ["campaign.p", "seeding.k"]
