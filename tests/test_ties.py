"""Tests for simulator.network.ties: exact values, brute-force oracles, errors."""

import networkx as nx
import numpy as np
import pytest

from simulator.network import Network
from simulator.network.tie_strength import (
    random_strength,
    strength_from_interactions,
    strength_from_overlap,
    strength_from_weights,
    strong_ties,
    tie_type,
)
from simulator.network.tie_trust import trust_from_ratings
from simulator.network.ties import TIE_KINDS, TieModel, apply_tie_model


def cycle(weights, attr="weight"):
    """Directed cycle 0 -> 1 -> ... -> 0 with one raw value per arc (CSR order = input)."""
    k = len(weights)
    return Network.from_edges(
        np.arange(k), (np.arange(k) + 1) % k, arc_attrs={attr: np.asarray(weights)}
    )


# ------------------------------------------------------------------ weights
def test_weights_max_log_rank_exact():
    net = cycle([1.0, 3.0, 9.0])
    assert strength_from_weights(net).strength.tolist() == pytest.approx([1 / 9, 1 / 3, 1.0])
    log = strength_from_weights(net, method="log").strength
    assert log.tolist() == pytest.approx(np.log1p([1, 3, 9]) / np.log1p(9))
    rank = strength_from_weights(net, method="rank").strength
    assert rank.tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_weights_rank_gives_equal_weights_equal_strength():
    net = cycle([5.0, 5.0, 1.0, 7.0])
    assert strength_from_weights(net, method="rank").strength.tolist() == [0.75, 0.75, 0.25, 1.0]


def test_weights_explicit_array_and_input_unchanged():
    net = Network.from_edges([0, 1], [1, 2])
    out = strength_from_weights(net, weights=[2.0, 4.0])
    assert out.strength.tolist() == [0.5, 1.0]
    assert net.strength.tolist() == [1.0, 1.0]
    assert out is not net


def test_weights_all_zero_give_zero_strength():
    net = cycle([0.0, 0.0, 0.0])
    for method in ("max", "log"):
        assert strength_from_weights(net, method=method).strength.tolist() == [0.0, 0.0, 0.0]


def test_weights_undirected_both_arcs_equal():
    net = Network.from_edges([0, 1], [1, 2], directed=False, arc_attrs={"weight": [2.0, 8.0]})
    s = strength_from_weights(net).strength
    rev = net.reverse_arc_index()
    assert np.array_equal(s, s[rev])


def test_weights_negative_points_to_trust_from_ratings():
    with pytest.raises(ValueError, match="trust_from_ratings"):
        strength_from_weights(cycle([1.0, -2.0, 3.0]))


def test_weights_errors():
    net = cycle([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="method must be one of .*'median'"):
        strength_from_weights(net, method="median")
    with pytest.raises(ValueError, match="no arc attribute 'calls'.*'weight'"):
        strength_from_weights(net, attr="calls")
    with pytest.raises(ValueError, match="NaN"):
        strength_from_weights(cycle([1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match=r"one value per arc \(3\)"):
        strength_from_weights(net, weights=[1.0, 2.0])


def test_weights_empty_network():
    net = Network.from_edges([], [], n=3, arc_attrs={"weight": np.zeros(0)})
    assert strength_from_weights(net).strength.shape == (0,)


# ------------------------------------------------------------------ overlap
def overlap_brute_force(net: Network) -> np.ndarray:
    """O_ij of every arc computed with networkx on the undirected skeleton."""
    g = nx.Graph()
    g.add_nodes_from(range(net.n))
    src, dst = net.edges()
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    out = []
    for u, v in zip(src.tolist(), dst.tolist(), strict=True):
        common = len(set(g[u]) & set(g[v]))
        denom = (g.degree(u) - 1) + (g.degree(v) - 1) - common
        out.append(common / denom if denom > 0 else 0.0)
    return np.array(out)


def test_overlap_triangle_is_one():
    net = Network.from_edges([0, 1, 2], [1, 2, 0], directed=False)
    assert strength_from_overlap(net).strength.tolist() == [1.0] * 6


def test_overlap_path_is_zero():
    net = Network.from_networkx(nx.path_graph(5))
    assert strength_from_overlap(net).strength.tolist() == [0.0] * 8


def test_overlap_isolated_dyad_denominator_zero():
    net = Network.from_edges([0], [1], directed=False)
    assert strength_from_overlap(net).strength.tolist() == [0.0, 0.0]


def test_overlap_exact_small_graph():
    # Two triangles sharing edge 1-2 (a "diamond"), plus a pendant 3-4.
    net = Network.from_edges([0, 0, 1, 1, 2, 3], [1, 2, 2, 3, 3, 4], directed=False)
    s = strength_from_overlap(net).strength
    src, dst = net.edges()
    got = {(int(u), int(v)): float(x) for u, v, x in zip(src, dst, s, strict=True) if u < v}
    # k = [2, 3, 3, 3, 1]; n_12 = 2 -> 2 / (2 + 2 - 2) = 1; n_01 = 1 -> 1 / (1 + 2 - 1)
    assert got == pytest.approx(
        {(0, 1): 0.5, (0, 2): 0.5, (1, 2): 1.0, (1, 3): 1 / 3, (2, 3): 1 / 3, (3, 4): 0.0}
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_overlap_matches_networkx_brute_force_undirected(seed):
    g = nx.gnp_random_graph(40, 0.15, seed=seed)
    net = Network.from_networkx(g)
    np.testing.assert_allclose(strength_from_overlap(net).strength, overlap_brute_force(net))


def test_overlap_matches_brute_force_on_directed_skeleton():
    g = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    net = Network.from_networkx(g)
    s = strength_from_overlap(net).strength
    np.testing.assert_allclose(s, overlap_brute_force(net))
    rev = net.reverse_arc_index()
    both = rev >= 0
    assert both.any()
    np.testing.assert_array_equal(s[both], s[rev[both]])


def test_overlap_karate_club():
    net = Network.from_networkx(nx.karate_club_graph(), weight=None)
    np.testing.assert_allclose(strength_from_overlap(net).strength, overlap_brute_force(net))


# ------------------------------------------------------------- interactions
def test_interactions_exact_default_half_saturation_is_median_of_nonzero():
    net = cycle([0.0, 1.0, 3.0, 9.0])
    assert strength_from_interactions(net).strength.tolist() == [0.0, 0.25, 0.5, 0.75]


def test_interactions_given_half_saturation():
    net = cycle([0.0, 1.0, 3.0, 9.0])
    s = strength_from_interactions(net, half_saturation=1.0).strength
    assert s.tolist() == [0.0, 0.5, 0.75, 0.9]


def test_interactions_all_zero_and_errors():
    assert strength_from_interactions(cycle([0.0, 0.0])).strength.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="counts must be >= 0"):
        strength_from_interactions(cycle([1.0, -1.0]))
    with pytest.raises(ValueError, match="half_saturation must be > 0"):
        strength_from_interactions(cycle([1.0, 2.0]), half_saturation=0.0)


# ------------------------------------------------------------------- random
def big_undirected(n=3000, p=0.004, seed=0):
    return Network.from_networkx(nx.fast_gnp_random_graph(n, p, seed=seed))


def test_random_strength_symmetric_on_reciprocated_pairs():
    net = Network.from_edges([0, 1, 1, 2], [1, 0, 2, 3])  # 0<->1 reciprocated; 1->2, 2->3 not
    s = random_strength(net, 2.0, 5.0, np.random.default_rng(0)).strength
    assert s[0] == s[1]
    assert len(set(s.tolist())) == 3
    s2 = random_strength(net, 2.0, 5.0, np.random.default_rng(0), symmetric=False).strength
    assert s2[0] != s2[1]


def test_random_strength_mean_within_four_standard_errors():
    net = big_undirected()
    a, b = 2.0, 5.0
    s = random_strength(net, a, b, np.random.default_rng(12345), symmetric=False).strength
    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert abs(s.mean() - mean) < 4 * sd / np.sqrt(s.size)
    # symmetric: one independent value per undirected edge
    s = random_strength(net, a, b, np.random.default_rng(12345)).strength
    assert abs(s.mean() - mean) < 4 * sd / np.sqrt(s.size / 2)


def test_random_strength_reproducible():
    net = big_undirected(300, 0.02)
    one = random_strength(net, 2.0, 5.0, np.random.default_rng(7)).strength
    two = random_strength(net, 2.0, 5.0, np.random.default_rng(7)).strength
    other = random_strength(net, 2.0, 5.0, np.random.default_rng(8)).strength
    assert np.array_equal(one, two)
    assert not np.array_equal(one, other)


def test_random_strength_rejects_bad_shape():
    net = cycle([1.0, 1.0])
    with pytest.raises(ValueError, match="a must be > 0"):
        random_strength(net, -1.0, 5.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="b must be > 0"):
        random_strength(net, 1.0, 0.0, np.random.default_rng(0))


# ------------------------------------------------------------ strong / weak
def test_strong_ties_and_tie_type():
    net = Network.from_edges([0, 1, 2, 3], [1, 2, 3, 0], weight=[0.1, 0.5, 0.49, 1.0])
    assert strong_ties(net, 0.5).tolist() == [False, True, False, True]
    assert tie_type(net, 0.5).tolist() == ["weak", "strong", "weak", "strong"]
    assert tie_type(net, 0.0).tolist() == ["strong"] * 4
    with pytest.raises(ValueError, match=r"threshold must be a probability in \[0, 1\], got 1.5"):
        strong_ties(net, 1.5)


# ------------------------------------------------------------------- trust
def test_trust_from_ratings_exact():
    net = cycle([-10, -5, 0, 5, 10], attr="rating")
    out = trust_from_ratings(net)
    assert out.trust.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert net.trust is None
    assert np.array_equal(out.strength, net.strength)


def test_trust_from_ratings_custom_scale_and_array():
    net = Network.from_edges([0, 1], [1, 2])
    out = trust_from_ratings(net, low=1, high=5, ratings=[1, 4])
    assert out.trust.tolist() == [0.0, 0.75]


def test_trust_from_ratings_out_of_range_names_range_found():
    net = cycle([-3, 12], attr="rating")
    with pytest.raises(ValueError, match=r"\[-10, 10\], found range \[-3, 12\]"):
        trust_from_ratings(net)
    with pytest.raises(ValueError, match="low must be < high"):
        trust_from_ratings(net, low=5, high=5)


# ---------------------------------------------------------------- TieModel
def test_tie_model_unknown_kind_lists_allowed():
    with pytest.raises(ValueError, match="TieModel.kind must be one of") as err:
        TieModel(kind="votes")
    for kind in TIE_KINDS:
        assert kind in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": 1.5}, "TieModel.value"),
        ({"a": -1.0}, "TieModel.a"),
        ({"b": 0.0}, "TieModel.b"),
        ({"strong_threshold": -0.1}, "TieModel.strong_threshold"),
        ({"method": "median"}, "TieModel.method"),
        ({"half_saturation": 0.0}, "TieModel.half_saturation"),
    ],
)
def test_tie_model_validation_names_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        TieModel(**kwargs)


def test_tie_model_from_dict():
    assert TieModel.from_dict({"kind": "beta", "a": 3}).a == 3.0
    with pytest.raises(ValueError, match=r"unknown TieModel key\(s\) \['alpha'\]"):
        TieModel.from_dict({"alpha": 1})


def test_apply_tie_model_every_kind():
    net = Network.from_edges(
        [0, 1, 2, 2], [1, 2, 0, 3], directed=False, arc_attrs={"weight": [1.0, 2.0, 4.0, 0.0]}
    )
    rng = np.random.default_rng(0)
    const = apply_tie_model(net, TieModel(kind="constant", value=0.25), rng).strength
    assert const.tolist() == [0.25] * net.m
    w = apply_tie_model(net, TieModel(kind="weights"), rng).strength
    np.testing.assert_array_equal(w, strength_from_weights(net).strength)
    o = apply_tie_model(net, TieModel(kind="overlap"), rng).strength
    np.testing.assert_array_equal(o, strength_from_overlap(net).strength)
    i = apply_tie_model(net, TieModel(kind="interactions", half_saturation=2.0), rng).strength
    np.testing.assert_array_equal(i, strength_from_interactions(net, half_saturation=2.0).strength)
    b1 = apply_tie_model(net, TieModel(kind="beta"), np.random.default_rng(5)).strength
    b2 = random_strength(net, 2.0, 5.0, np.random.default_rng(5)).strength
    np.testing.assert_array_equal(b1, b2)


def test_apply_tie_model_rejects_non_spec():
    with pytest.raises(TypeError, match="TieModel"):
        apply_tie_model(cycle([1.0]), {"kind": "constant"}, np.random.default_rng(0))


def test_tie_model_is_a_structured_config_schema():
    omegaconf = pytest.importorskip("omegaconf")
    cfg = omegaconf.OmegaConf.structured(TieModel)
    cfg = omegaconf.OmegaConf.merge(cfg, {"kind": "beta", "a": 3})
    spec = omegaconf.OmegaConf.to_object(cfg)
    assert isinstance(spec, TieModel) and spec.a == 3.0
    with pytest.raises(ValueError, match="TieModel.kind"):
        omegaconf.OmegaConf.to_object(omegaconf.OmegaConf.merge(cfg, {"kind": "votes"}))
