"""Tests for simulator.distributions: exact values, moments within 4 SE, errors."""

import math

import numpy as np
import pytest

from simulator.distributions import DISTRIBUTION_KINDS, Distribution

N = 20_000
SEED = 20240601


def within_4se(values, mean, sd):
    return abs(values.mean() - mean) < 4 * sd / math.sqrt(values.size)


# ------------------------------------------------------------------- draws
def test_constant_is_exact_and_float64():
    out = Distribution(kind="constant", value=0.3).draw(4, np.random.default_rng(0))
    assert out.dtype == np.float64
    assert out.tolist() == [0.3] * 4


def test_constant_does_not_consume_rng():
    rng = np.random.default_rng(0)
    Distribution(kind="constant", value=0.3).draw(4, rng)
    assert rng.random() == np.random.default_rng(0).random()


def test_uniform_range_and_mean():
    d = Distribution(kind="uniform", low=0.2, high=0.6)
    x = d.draw(N, np.random.default_rng(SEED))
    assert x.min() >= 0.2 and x.max() <= 0.6
    assert within_4se(x, 0.4, 0.4 / math.sqrt(12))


def test_uniform_degenerate_interval():
    x = Distribution(kind="uniform", low=0.5, high=0.5).draw(3, np.random.default_rng(0))
    assert x.tolist() == [0.5, 0.5, 0.5]


@pytest.mark.parametrize(("a", "b"), [(2.0, 5.0), (5.0, 2.0), (0.5, 0.5)])
def test_beta_mean_within_four_standard_errors(a, b):
    x = Distribution(kind="beta", a=a, b=b).draw(N, np.random.default_rng(SEED))
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert within_4se(x, a / (a + b), sd)
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_lognormal_log_moments_when_unbounded():
    d = Distribution(kind="lognormal", mean=0.5, sigma=0.8)
    x = d.draw(N, np.random.default_rng(SEED), bounds=(0.0, np.inf))
    assert x.max() > 1.0  # not clipped
    assert within_4se(np.log(x), 0.5, 0.8)


def test_lognormal_clipped_to_unit_interval_by_default():
    d = Distribution(kind="lognormal", mean=0.0, sigma=1.0)
    x = d.draw(1000, np.random.default_rng(SEED))
    assert x.max() == 1.0
    # P(lognormal(0, 1) > 1) = 1/2: about half the values are clipped
    share = np.mean(x == 1.0)
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / 1000)


def test_clip_false_raises_with_count_and_range():
    d = Distribution(kind="lognormal", mean=0.0, sigma=1.0, clip=False)
    with pytest.raises(ValueError, match=r"values of bandwidth drawn from lognormal\(0, 1\)"):
        d.draw(100, np.random.default_rng(0), name="bandwidth")
    assert d.draw(100, np.random.default_rng(0), bounds=(0.0, np.inf)).min() > 0


def test_attribute_reads_node_attribute_exactly():
    attrs = {"score": np.array([0.1, 0.9, 0.4]), "count": np.array([1, 2, 3])}
    d = Distribution(kind="attribute", attribute="score")
    assert d.draw(3, np.random.default_rng(0), attrs).tolist() == [0.1, 0.9, 0.4]
    c = Distribution(kind="attribute", attribute="count")
    out = c.draw(3, np.random.default_rng(0), attrs, bounds=(0, np.inf))
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0, 3.0]
    # out of [0, 1]: clipped by default, an error with clip=False
    assert c.draw(3, np.random.default_rng(0), attrs).tolist() == [1.0, 1.0, 1.0]
    strict = Distribution(kind="attribute", attribute="count", clip=False)
    with pytest.raises(ValueError, match="outside"):
        strict.draw(3, np.random.default_rng(0), attrs)


def test_attribute_two_dimensional_shape():
    attrs = {"topic_interest": np.array([[0.1, 0.2], [0.3, 0.4]])}
    d = Distribution(kind="attribute", attribute="topic_interest")
    assert d.draw((2, 2), np.random.default_rng(0), attrs).tolist() == [[0.1, 0.2], [0.3, 0.4]]


def test_attribute_errors():
    d = Distribution(kind="attribute", attribute="score")
    with pytest.raises(ValueError, match=r"attribute 'score' not found \(available: 'dept'\)"):
        d.draw(2, np.random.default_rng(0), {"dept": np.array(["a", "b"])})
    with pytest.raises(ValueError, match="not found"):
        d.draw(2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="'score' is not numeric"):
        d.draw(2, np.random.default_rng(0), {"score": np.array(["high", "low"])})
    with pytest.raises(ValueError, match=r"has shape \(3,\), expected \(2,\)"):
        d.draw(2, np.random.default_rng(0), {"score": np.zeros(3)})
    with pytest.raises(ValueError, match="NaN"):
        d.draw(2, np.random.default_rng(0), {"score": np.array([0.1, np.nan])})


def test_numeric_strings_in_object_attribute_are_accepted():
    d = Distribution(kind="attribute", attribute="score")
    out = d.draw(2, np.random.default_rng(0), {"score": np.array(["0.25", "0.5"], dtype=object)})
    assert out.tolist() == [0.25, 0.5]


def test_shape_argument_and_empty():
    d = Distribution(kind="beta", a=2.0, b=2.0)
    assert d.draw((5, 3), np.random.default_rng(0)).shape == (5, 3)
    assert d.draw(0, np.random.default_rng(0)).shape == (0,)
    with pytest.raises(ValueError, match="n must be a non-negative int"):
        d.draw(-1, np.random.default_rng(0))


def test_reproducible_same_seed_differs_other_seed():
    d = Distribution(kind="beta", a=2.0, b=5.0)
    one = d.draw(100, np.random.default_rng(1))
    assert np.array_equal(one, d.draw(100, np.random.default_rng(1)))
    assert not np.array_equal(one, d.draw(100, np.random.default_rng(2)))


# -------------------------------------------------------------- validation
def test_unknown_kind_lists_kinds():
    with pytest.raises(ValueError, match="Distribution.kind must be one of") as err:
        Distribution(kind="normal")
    assert all(kind in str(err.value) for kind in DISTRIBUTION_KINDS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "beta", "a": -1.0}, r"Distribution\.a must be > 0, got -1"),
        ({"kind": "beta", "b": 0.0}, r"Distribution\.b must be > 0"),
        ({"kind": "lognormal", "sigma": 0.0}, r"Distribution\.sigma must be > 0"),
        ({"kind": "uniform", "low": 0.8, "high": 0.2}, r"Distribution\.low must be <="),
        ({"kind": "attribute"}, r"Distribution\.attribute must name a node attribute"),
        ({"kind": "attribute", "attribute": ""}, r"Distribution\.attribute"),
        ({"value": "high"}, r"Distribution\.value must be a number"),
        ({"value": float("nan")}, r"Distribution\.value must be finite"),
        ({"clip": "yes"}, r"Distribution\.clip"),
    ],
)
def test_validation_names_the_field(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Distribution(**kwargs)


def test_constant_outside_bounds_fails_naming_field():
    d = Distribution(kind="constant", value=1.5)  # fine on its own: no bounds known yet
    with pytest.raises(ValueError, match=r"trust\.value = 1\.5 lies outside the bounds \[0, 1\]"):
        d.check_bounds((0.0, 1.0), "trust")
    with pytest.raises(ValueError, match=r"trust\.value = 1\.5"):
        d.draw(3, np.random.default_rng(0), name="trust")
    assert d.draw(2, np.random.default_rng(0), bounds=(0.0, np.inf)).tolist() == [1.5, 1.5]


def test_uniform_outside_bounds_fails_even_with_clip():
    d = Distribution(kind="uniform", low=0.5, high=2.0)
    with pytest.raises(ValueError, match=r"activity\.high = 2"):
        d.check_bounds((0.0, 1.0), "activity")


def test_bad_bounds():
    with pytest.raises(ValueError, match="bounds must satisfy low <= high"):
        Distribution().draw(2, np.random.default_rng(0), bounds=(1.0, 0.0))


# ---------------------------------------------------------------- building
def test_from_dict_number_and_passthrough():
    d = Distribution.from_dict({"kind": "beta", "a": 5, "b": 2})
    assert (d.kind, d.a, d.b) == ("beta", 5.0, 2.0)
    assert isinstance(d.a, float)
    assert Distribution.from_dict(0.4) == Distribution(kind="constant", value=0.4)
    assert Distribution.from_dict(d) is d
    with pytest.raises(ValueError, match=r"unknown Distribution key\(s\) \['alpha'\]"):
        Distribution.from_dict({"kind": "beta", "alpha": 2})
    with pytest.raises(ValueError, match="mapping of fields or a number"):
        Distribution.from_dict("beta")


def test_describe():
    assert Distribution(kind="beta", a=2.0, b=8.0).describe() == "beta(2, 8)"
    assert Distribution(kind="lognormal", mean=-1.0, sigma=0.5).describe() == "lognormal(-1, 0.5)"
    assert Distribution(kind="attribute", attribute="x").describe() == "attribute(x)"


def test_structured_config_schema():
    omegaconf = pytest.importorskip("omegaconf")
    cfg = omegaconf.OmegaConf.structured(Distribution)
    cfg = omegaconf.OmegaConf.merge(cfg, {"kind": "attribute", "attribute": "reputation"})
    d = omegaconf.OmegaConf.to_object(cfg)
    assert isinstance(d, Distribution) and d.attribute == "reputation"
    with pytest.raises(ValueError, match=r"Distribution\.a must be > 0"):
        omegaconf.OmegaConf.to_object(omegaconf.OmegaConf.merge(cfg, {"kind": "beta", "a": -1}))
