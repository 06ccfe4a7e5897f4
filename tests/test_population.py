"""Tests for simulator.population: shapes, named streams, moments, views, errors."""

import dataclasses
import math

import networkx as nx
import numpy as np
import pytest

from simulator.distributions import Distribution
from simulator.network import Network
from simulator.population import (
    BOUNDS,
    NODE_ATTRIBUTES,
    AgentView,
    Population,
    PopulationSpec,
)

SEED = 987


@pytest.fixture
def net():
    g = nx.gnp_random_graph(60, 0.08, seed=1, directed=True)
    return Network.from_networkx(g)


def draw(spec, network, seed=SEED):
    return Population.draw(spec, network, np.random.default_rng(seed))


# ------------------------------------------------------------------ shapes
def test_draw_shapes_dtypes_and_bounds(net):
    pop = draw(PopulationSpec(topics=3), net)
    assert pop.n == net.n and pop.m == net.m and pop.topics == 3
    for name in NODE_ATTRIBUTES:
        arr = getattr(pop, name)
        assert arr.dtype == np.float64 and arr.shape == (net.n,)
        lo, hi = BOUNDS[name]
        assert arr.min() >= lo and arr.max() <= hi
    assert pop.interest.shape == (net.n, 3) and pop.interest.dtype == np.float64
    assert pop.favours.shape == (net.m,) and pop.favours.dtype == np.float64


def test_default_constants_are_zero(net):
    pop = draw(PopulationSpec(), net)
    assert not pop.owed_to_originator.any()
    assert not pop.favours.any()


def test_network_without_arcs():
    empty = Network.from_edges([], [], n=4)
    pop = draw(PopulationSpec(), empty)
    assert pop.n == 4 and pop.favours.shape == (0,)


# ------------------------------------------------------- reproducibility
def test_same_seed_identical_other_seed_differs(net):
    a, b, c = (
        draw(PopulationSpec(), net),
        draw(PopulationSpec(), net),
        draw(PopulationSpec(), net, SEED + 1),
    )
    for name in (*NODE_ATTRIBUTES[:5], "interest"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert not np.array_equal(getattr(a, name), getattr(c, name)), name


def test_attributes_use_distinct_streams(net):
    spec = PopulationSpec(
        **{name: Distribution(kind="uniform") for name in NODE_ATTRIBUTES[:5]},
        interest=Distribution(kind="uniform"),
    )
    pop = draw(spec, net)
    columns = [getattr(pop, name) for name in NODE_ATTRIBUTES[:5]] + [pop.interest[:, 0]]
    for i in range(len(columns)):
        for j in range(i + 1, len(columns)):
            assert not np.array_equal(columns[i], columns[j])


def test_changing_trust_spec_leaves_other_attributes_unchanged(net):
    base = draw(PopulationSpec(), net)
    changed = draw(PopulationSpec(trust=Distribution(kind="lognormal", mean=-1.0, sigma=0.3)), net)
    assert not np.array_equal(base.trust, changed.trust)
    for name in NODE_ATTRIBUTES[1:]:
        assert np.array_equal(getattr(base, name), getattr(changed, name)), name
    assert np.array_equal(base.interest, changed.interest)
    assert np.array_equal(base.favours, changed.favours)


def test_adding_topics_keeps_existing_topics_and_attributes(net):
    one = draw(PopulationSpec(topics=1), net)
    three = draw(PopulationSpec(topics=3), net)
    assert np.array_equal(one.interest[:, 0], three.interest[:, 0])
    for name in NODE_ATTRIBUTES:
        assert np.array_equal(getattr(one, name), getattr(three, name)), name


# ------------------------------------------------------------- moments
def beta_sd(a, b):
    return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))


def test_default_means_within_four_standard_errors():
    n = 20_000
    pop = draw(PopulationSpec(), Network.from_edges([], [], n=n))
    defaults = PopulationSpec()
    for name in ("trust", "reciprocity", "bandwidth", "activity", "credibility"):
        dist = getattr(defaults, name)
        a, b = dist.a, dist.b
        values = getattr(pop, name)
        assert abs(values.mean() - a / (a + b)) < 4 * beta_sd(a, b) / math.sqrt(n), name
    assert abs(pop.interest.mean() - 0.5) < 4 * (1 / math.sqrt(12)) / math.sqrt(n)


def test_unbounded_counts_are_not_clipped_at_one():
    n = 5_000
    spec = PopulationSpec(owed_to_originator=Distribution(kind="lognormal", mean=0.0, sigma=1.0))
    pop = draw(spec, Network.from_edges([], [], n=n))
    assert pop.owed_to_originator.max() > 1.0
    assert abs(np.log(pop.owed_to_originator).mean()) < 4 * 1.0 / math.sqrt(n)


# ------------------------------------------------------------ attributes
def test_attribute_kinds_read_node_and_arc_columns():
    net = Network.from_edges(
        [0, 1, 2],
        [1, 2, 0],
        node_attrs={"reputation": np.array([0.2, 0.4, 0.6]), "gifts": np.array([0, 3, 1])},
        arc_attrs={"owed": np.array([1.0, 0.0, 2.0])},
    )
    spec = PopulationSpec(
        credibility=Distribution(kind="attribute", attribute="reputation"),
        owed_to_originator=Distribution(kind="attribute", attribute="gifts"),
        favours=Distribution(kind="attribute", attribute="owed"),
    )
    pop = draw(spec, net)
    assert pop.credibility.tolist() == [0.2, 0.4, 0.6]
    assert pop.owed_to_originator.tolist() == [0.0, 3.0, 1.0]
    assert pop.favours.tolist() == [1.0, 0.0, 2.0]


def test_missing_node_attribute_names_attribute():
    spec = PopulationSpec(trust=Distribution(kind="attribute", attribute="rep"))
    with pytest.raises(ValueError, match="trust: attribute 'rep' not found"):
        draw(spec, Network.from_edges([0], [1]))


# ---------------------------------------------------------------- errors
def test_constant_trust_above_one_fails_naming_field():
    with pytest.raises(ValueError, match=r"trust\.value = 1\.5 lies outside the bounds \[0, 1\]"):
        PopulationSpec(trust=Distribution(kind="constant", value=1.5))


def test_negative_owed_fails_but_large_owed_is_fine():
    PopulationSpec(owed_to_originator=Distribution(kind="constant", value=12.0))
    with pytest.raises(ValueError, match=r"owed_to_originator\.value = -1"):
        PopulationSpec(owed_to_originator=Distribution(kind="constant", value=-1.0))


def test_spec_from_dict_coerces_and_names_bad_fields():
    spec = PopulationSpec.from_dict({"trust": {"kind": "beta", "a": 9, "b": 1}, "bandwidth": 0.1})
    assert spec.trust.describe() == "beta(9, 1)" and spec.bandwidth.describe() == "constant(0.1)"
    with pytest.raises(ValueError, match=r"Distribution\.a must be > 0, got -1"):
        PopulationSpec.from_dict({"bandwidth": {"kind": "beta", "a": -1}})
    with pytest.raises(ValueError, match=r"Distribution\.attribute must name"):
        PopulationSpec.from_dict({"credibility": {"kind": "attribute"}})
    with pytest.raises(ValueError, match=r"PopulationSpec\.trust: unknown Distribution key"):
        PopulationSpec.from_dict({"trust": {"alpha": 2}})
    with pytest.raises(ValueError, match=r"unknown PopulationSpec key\(s\) \['charisma'\]"):
        PopulationSpec.from_dict({"charisma": 0.5})
    with pytest.raises(
        ValueError, match=r"PopulationSpec\.topics must be a positive integer, got 0"
    ):
        PopulationSpec(topics=0)


def test_population_constructor_validates():
    good = {
        name: np.full(3, 0.5) for name in ("trust", "reciprocity", "bandwidth", "activity")
    } | {
        "credibility": np.full(3, 0.5),
        "interest": np.full((3, 2), 0.5),
        "owed_to_originator": np.zeros(3),
        "favours": np.zeros(4),
    }
    assert Population(**good).topics == 2
    with pytest.raises(ValueError, match=r"Population\.bandwidth must have shape \(3,\)"):
        Population(**(good | {"bandwidth": np.full(4, 0.5)}))
    with pytest.raises(ValueError, match=r"Population\.trust must lie in \[0, 1\]"):
        Population(**(good | {"trust": np.array([0.5, 1.2, 0.5])}))
    with pytest.raises(ValueError, match=r"Population\.favours must lie in \[0, inf\]"):
        Population(**(good | {"favours": np.array([-1.0, 0, 0, 0])}))
    with pytest.raises(ValueError, match=r"Population\.interest must have shape \(3, topics\)"):
        Population(**(good | {"interest": np.full((2, 2), 0.5)}))
    with pytest.raises(ValueError, match=r"Population\.activity contains NaN"):
        Population(**(good | {"activity": np.array([0.5, np.nan, 0.5])}))


def test_draw_type_errors(net):
    with pytest.raises(TypeError, match="PopulationSpec"):
        Population.draw({"trust": 0.5}, net, np.random.default_rng(0))


# ----------------------------------------------------------------- views
def test_view_reads_live_and_is_read_only(net):
    pop = draw(PopulationSpec(topics=2), net)
    v = pop.view(3)
    assert isinstance(v, AgentView) and v.index == 3
    assert v.trust == pop.trust[3] and isinstance(v.trust, float)
    assert v.interest.tolist() == pop.interest[3].tolist()
    pop.trust[3] = 0.123
    assert v.trust == 0.123
    with pytest.raises(AttributeError, match="read-only"):
        v.trust = 0.5
    with pytest.raises(ValueError):
        v.interest[0] = 0.5
    d = v.to_dict()
    assert set(d) == {*NODE_ATTRIBUTES, "interest"} and len(d["interest"]) == 2
    assert "AgentView 3" in repr(v)


@pytest.mark.parametrize("bad", [-1, 60, 1.0, True])
def test_view_index_checked(net, bad):
    pop = draw(PopulationSpec(), net)
    with pytest.raises(IndexError, match=r"agent index must be an int in \[0, 60\)"):
        pop.view(bad)


# ----------------------------------------------------------------- frame
def test_to_frame(net):
    pd = pytest.importorskip("pandas")
    pop = draw(PopulationSpec(), net)
    frame = pop.to_frame()
    assert list(frame.columns) == [*NODE_ATTRIBUTES, "interest"]
    assert frame.index.name == "node" and len(frame) == net.n
    assert np.array_equal(frame["bandwidth"].to_numpy(), pop.bandwidth)
    labelled = pop.to_frame(labels=[f"u{i}" for i in range(net.n)])
    assert labelled.index[0] == "u0" and isinstance(labelled, pd.DataFrame)
    multi = draw(PopulationSpec(topics=2), net).to_frame()
    assert list(multi.columns)[-2:] == ["interest_0", "interest_1"]
    with pytest.raises(ValueError, match="labels must have one entry per agent"):
        pop.to_frame(labels=["a"])


def test_spec_is_a_structured_config_schema():
    omegaconf = pytest.importorskip("omegaconf")
    cfg = omegaconf.OmegaConf.structured(PopulationSpec)
    cfg = omegaconf.OmegaConf.merge(cfg, {"trust": {"a": 9.0}, "topics": 2})
    spec = omegaconf.OmegaConf.to_object(cfg)
    assert isinstance(spec, PopulationSpec) and isinstance(spec.trust, Distribution)
    assert spec.trust.a == 9.0 and spec.topics == 2
    assert dataclasses.asdict(spec)["bandwidth"]["b"] == 8.0
    with pytest.raises(ValueError, match=r"trust\.value = 1\.5"):
        omegaconf.OmegaConf.to_object(
            omegaconf.OmegaConf.merge(cfg, {"trust": {"kind": "constant", "value": 1.5}})
        )


# ------------------------------------------------- timing and topic expertise
def test_timezone_and_expertise_have_own_streams_and_defaults(net):
    base = draw(PopulationSpec(topics=2), net)
    assert not base.timezone.any() and (base.expertise == 1.0).all()
    assert base.daily_activity is None and np.array_equal(base.online_chance(5), base.activity)
    spec = PopulationSpec(
        topics=2,
        timezone=Distribution(kind="uniform", low=0.0, high=24.0),
        expertise=Distribution(kind="beta", a=2.0, b=2.0),
        daily_activity=[0.5] * 12 + [1.5] * 12,
    )
    varied = draw(spec, net)
    assert varied.expertise.shape == (net.n, 2)
    assert not np.array_equal(varied.expertise[:, 0], varied.expertise[:, 1])
    for name in (*NODE_ATTRIBUTES[:-1], "interest", "favours"):  # nobody else moved
        assert np.array_equal(getattr(base, name), getattr(varied, name)), name
    assert np.allclose(varied.domain_credibility(1), varied.credibility * varied.expertise[:, 1])
    local = (3 + np.floor(varied.timezone).astype(int)) % 24
    assert np.allclose(
        varied.online_chance(3), np.minimum(varied.activity * np.where(local < 12, 0.5, 1.5), 1)
    )


@pytest.mark.parametrize("curve", [[1.0] * 23, [0.0] * 24, [-1.0] + [1.0] * 23])
def test_bad_daily_activity_is_a_one_line_error(curve):
    with pytest.raises(ValueError, match="daily_activity must be 24 finite values >= 0"):
        PopulationSpec(daily_activity=curve)


def test_the_attribute_lists_agree():
    """One list of attributes (population.spec); bounds, spec, arrays and view follow it."""
    from simulator.population.spec import DISTRIBUTED

    assert set(BOUNDS) == set(DISTRIBUTED)
    spec_fields = {f.name for f in dataclasses.fields(PopulationSpec)}
    array_fields = {f.name for f in dataclasses.fields(Population)}
    assert set(DISTRIBUTED) <= spec_fields and set(DISTRIBUTED) <= array_fields
    view_properties = {k for k, v in vars(AgentView).items() if isinstance(v, property)}
    assert view_properties == {*NODE_ATTRIBUTES, "interest"}


def test_public_names_import_from_the_package():
    """The split into spec / core / agent keeps ``from simulator.population import ...``."""
    import simulator.population as package
    from simulator.population import HOURS, TOPIC_ATTRIBUTES

    assert HOURS == 24 and TOPIC_ATTRIBUTES == ("interest", "expertise")
    assert all(hasattr(package, name) for name in package.__all__)
    homes = {cls.__module__ for cls in (Population, PopulationSpec, AgentView)}
    assert homes == {f"simulator.population.{m}" for m in ("core", "spec", "agent")}
