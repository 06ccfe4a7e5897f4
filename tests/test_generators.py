"""Tests for simulator.network.generators.

Exact limits, reproducibility, parameter validation, and statistical checks
against theory. Every statistical tolerance is 4 standard errors computed from
the model at a fixed seed (never tuned to a seed); where a known systematic
bias exists it is computed and shown to be small next to that tolerance.
"""

from __future__ import annotations

import hashlib
import math
import random

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from simulator.network import Network
from simulator.network import generators as gen
from simulator.network.generators import (
    barabasi_albert,
    erdos_renyi,
    follower_graph,
    holme_kim,
    powerlaw_configuration,
    ring_lattice,
    stochastic_block_model,
    watts_strogatz,
)

Z = 4.0  # tolerance in standard errors


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def undirected_edges(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected edge once, as (u, v) with u < v."""
    src, dst = net.edges()
    keep = src < dst
    return src[keep].astype(np.int64), dst[keep].astype(np.int64)


# ------------------------------------------------------------ all generators
GENERATORS = {
    "erdos_renyi": lambda r: erdos_renyi(500, 6.0, r),
    "erdos_renyi_directed": lambda r: erdos_renyi(500, 6.0, r, directed=True),
    "barabasi_albert": lambda r: barabasi_albert(500, 3, r),
    "holme_kim": lambda r: holme_kim(500, 3, 0.7, r),
    "watts_strogatz": lambda r: watts_strogatz(500, 6, 0.2, r),
    "stochastic_block_model": lambda r: stochastic_block_model([200, 300], 0.05, 0.01, r),
    "sbm_directed": lambda r: stochastic_block_model([200, 300], 0.05, 0.01, r, directed=True),
    "powerlaw_configuration": lambda r: powerlaw_configuration(500, 2.5, r),
    "follower_graph": lambda r: follower_graph(500, 8.0, r, n_celebrities=5),
}


def assert_same_network(a: Network, b: Network) -> None:
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.strength, b.strength)
    assert (a.layer is None) == (b.layer is None)
    if a.layer is not None:
        np.testing.assert_array_equal(a.layer, b.layer)
    assert a.layer_names == b.layer_names
    assert a.node_attrs.keys() == b.node_attrs.keys()
    for key in a.node_attrs:
        np.testing.assert_array_equal(a.node_attrs[key], b.node_attrs[key])
    assert a.name == b.name


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_same_seed_gives_identical_network(make):
    assert_same_network(make(rng(11)), make(rng(11)))


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_other_seed_gives_other_network(make):
    a, b = make(rng(11)), make(rng(12))
    assert a.m != b.m or not np.array_equal(a.indices, b.indices)


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_no_global_random_state_used(make):
    # Snapshot (never seed) the legacy global streams, then check them untouched.
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002
    py_state = random.getstate()
    r = rng(5)
    before = r.bit_generator.state
    make(r)
    assert r.bit_generator.state != before  # the given Generator was used...
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    assert random.getstate() == py_state


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_generated_network_is_well_formed(make):
    net = make(rng(3))
    assert net.name and net.name.split("(")[0] in {
        "erdos_renyi",
        "barabasi_albert",
        "holme_kim",
        "watts_strogatz",
        "stochastic_block_model",
        "powerlaw_configuration",
        "follower_graph",
    }
    assert net.n == 500
    assert net.indptr[-1] == net.m
    assert not np.any(net.sources() == net.indices)  # no self-loops survive
    if net.undirected:
        assert np.all(net.reverse_arc_index() >= 0)  # every arc has its twin


@pytest.mark.parametrize(
    "call",
    [
        lambda: erdos_renyi(10, 2.0, 42),
        lambda: barabasi_albert(10, 2, None),
        lambda: holme_kim(10, 2, 0.5, np.random.RandomState(0)),
        lambda: watts_strogatz(10, 2, 0.5, 1),
        lambda: stochastic_block_model([5, 5], 0.5, 0.1, "seed"),
        lambda: powerlaw_configuration(10, 2.5, 0),
        lambda: follower_graph(10, 2.0, None),
    ],
)
def test_rng_must_be_a_generator(call):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        call()


# --------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: erdos_renyi(-5, 2.0, r), "n must be a positive integer, got -5"),
        (lambda r: erdos_renyi(0, 0.0, r), "n must be a positive integer, got 0"),
        (lambda r: erdos_renyi(2.5, 1.0, r), "n must be a positive integer, got 2.5"),
        (lambda r: erdos_renyi(True, 0.0, r), "n must be a positive integer, got True"),
        (lambda r: erdos_renyi(10, 9.5, r), r"mean_degree must be in \[0, 9\], got 9.5"),
        (lambda r: erdos_renyi(10, -1, r), r"mean_degree must be in \[0, 9\], got -1"),
        (lambda r: erdos_renyi(10, float("nan"), r), r"mean_degree must be in \[0, 9\], got nan"),
        (lambda r: erdos_renyi(2**31, 1.0, r), "n must be at most 2147483647"),
        (lambda r: barabasi_albert(1, 1, r), "n must be an integer >= 2, got 1"),
        (lambda r: barabasi_albert(10, 0, r), r"m must be an integer in \[1, 9\], got 0"),
        (lambda r: barabasi_albert(10, 10, r), r"m must be an integer in \[1, 9\], got 10"),
        (lambda r: holme_kim(10, 3, 1.5, r), r"p_triad must be in \[0, 1\], got 1.5"),
        (lambda r: holme_kim(10, 11, 0.5, r), r"m must be an integer in \[1, 9\], got 11"),
        (lambda r: watts_strogatz(10, 4, 1.5, r), r"p must be in \[0, 1\], got 1.5"),
        (lambda r: watts_strogatz(10, 4, -0.1, r), r"p must be in \[0, 1\], got -0.1"),
        (lambda r: watts_strogatz(10, 3, 0.1, r), "k must be an even integer .*got 3"),
        (lambda r: watts_strogatz(10, 10, 0.1, r), r"k must be an integer in \[0, 9\], got 10"),
        (lambda r: ring_lattice(-5, 2), "n must be a positive integer, got -5"),
        (lambda r: ring_lattice(10, -2), r"k must be an integer in \[0, 9\], got -2"),
        (lambda r: ring_lattice(10, 5), "k must be an even integer .*got 5"),
        (lambda r: stochastic_block_model([], 0.5, 0.1, r), "sizes must be a non-empty"),
        (lambda r: stochastic_block_model([3, 0], 0.5, 0.1, r), "sizes must be .*got \\[3, 0\\]"),
        (lambda r: stochastic_block_model([3, 2.5], 0.5, 0.1, r), "sizes must be"),
        (lambda r: stochastic_block_model([[3, 2]], 0.5, 0.1, r), "sizes must be"),
        (lambda r: stochastic_block_model([3], 1.2, 0.1, r), r"p_in must be in \[0, 1\], got 1.2"),
        (lambda r: stochastic_block_model([3], 0.2, -1, r), r"p_out must be in \[0, 1\], got -1"),
        (lambda r: powerlaw_configuration(1, 2.5, r), "n must be an integer >= 2, got 1"),
        (lambda r: powerlaw_configuration(100, 1.0, r), "exponent must be > 1, got 1"),
        (
            lambda r: powerlaw_configuration(100, 2.5, r, min_degree=0),
            r"min_degree must be an integer in \[1, 99\], got 0",
        ),
        (
            lambda r: powerlaw_configuration(100, 2.5, r, min_degree=5, max_degree=4),
            r"max_degree must be an integer in \[5, 99\], got 4",
        ),
        (
            lambda r: powerlaw_configuration(100, 2.5, r, max_degree=100),
            r"max_degree must be an integer in \[2, 99\], got 100",
        ),
        (
            lambda r: powerlaw_configuration(11, 2.5, r, min_degree=3, max_degree=3),
            "n \\* min_degree must be even",
        ),
        (lambda r: follower_graph(0, 5.0, r), "n must be a positive integer, got 0"),
        (lambda r: follower_graph(100, 0.0, r), "mean_following must be > 0, got 0"),
        (
            lambda r: follower_graph(100, 5.0, r, n_celebrities=101),
            r"n_celebrities must be an integer in \[0, 100\], got 101",
        ),
        (
            lambda r: follower_graph(100, 5.0, r, celebrity_share=1.1),
            r"celebrity_share must be in \[0, 1\], got 1.1",
        ),
        (
            lambda r: follower_graph(100, 50.0, r, n_celebrities=10, celebrity_share=0.3),
            "celebrity_share \\* mean_following must not exceed n_celebrities",
        ),
        (
            lambda r: follower_graph(100, 5.0, r, n_celebrities=0, celebrity_share=0.1),
            "must not exceed n_celebrities",
        ),
        (
            lambda r: follower_graph(100, 5.0, r, follower_exponent=1.5),
            "follower_exponent must be > 2, got 1.5",
        ),
    ],
)
def test_invalid_parameters_raise_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call(rng(0))


# ---------------------------------------------------------------- Erdős–Rényi
def test_er_probability_zero_has_no_arcs():
    net = erdos_renyi(1000, 0.0, rng(1))
    assert net.n == 1000 and net.m == 0
    assert erdos_renyi(1000, 0.0, rng(1), directed=True).m == 0
    assert erdos_renyi(1, 0.0, rng(1)).m == 0


@pytest.mark.parametrize("directed", [False, True])
def test_er_probability_one_is_complete(directed):
    # p = 1 draws every pair index in [0, N): the decoding is a bijection.
    n = 60
    net = erdos_renyi(n, n - 1, rng(1), directed=directed)
    assert net.m == n * (n - 1)
    assert net.cleaning.arcs_in == (n * (n - 1) if directed else n * (n - 1) // 2)
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0


def test_pair_decoding_is_exact_for_large_indices():
    r = rng(2)
    i = r.integers(1, 2**31, size=100_000)
    j = (r.random(i.size) * i).astype(np.int64)
    k = i * (i - 1) // 2 + j
    di, dj = gen._decode_unordered(np.concatenate([k, [0, 1, 2]]))
    np.testing.assert_array_equal(di, np.concatenate([i, [1, 2, 2]]))
    np.testing.assert_array_equal(dj, np.concatenate([j, [0, 0, 1]]))


def test_er_edge_count_and_uniform_pairs():
    n, mean_degree = 10_000, 8.0
    p = mean_degree / (n - 1)
    net = erdos_renyi(n, mean_degree, rng(2024))
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    u, v = undirected_edges(net)
    # Edge count ~ Binomial(N, p): mean degree 2E/n within 4 SE of mean_degree.
    pairs = n * (n - 1) // 2
    se_edges = math.sqrt(pairs * p * (1 - p))
    assert abs(u.size - pairs * p) < Z * se_edges
    assert abs(net.m / n - mean_degree) < Z * 2 * se_edges / n
    # Pairs are uniform: edges within the first half, within the second half and
    # across are independent binomials over their pair counts.
    h = n // 2
    first, second = (u < h) & (v < h), (u >= h) & (v >= h)
    for observed, count in [
        (first.sum(), h * (h - 1) // 2),
        (second.sum(), (n - h) * (n - h - 1) // 2),
        ((~first & ~second).sum(), h * (n - h)),
    ]:
        assert abs(observed - count * p) < Z * math.sqrt(count * p * (1 - p))


def test_er_degree_distribution_is_binomial():
    n, mean_degree = 20_000, 5.0
    degree = erdos_renyi(n, mean_degree, rng(7)).out_degree()
    # Fraction of isolated nodes: (1 - p)^(n-1); node indicators are nearly
    # independent (covariance O(p)), so the binomial SE applies.
    q = (1 - mean_degree / (n - 1)) ** (n - 1)
    assert abs(np.mean(degree == 0) - q) < Z * math.sqrt(q * (1 - q) / n)
    q5 = stats.binom.pmf(5, n - 1, mean_degree / (n - 1))
    assert abs(np.mean(degree == 5) - q5) < Z * math.sqrt(q5 * (1 - q5) / n)


def test_er_directed_counts_and_reciprocity():
    n, mean_degree = 10_000, 8.0
    p = mean_degree / (n - 1)
    net = erdos_renyi(n, mean_degree, rng(99), directed=True)
    assert not net.undirected
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    ordered = n * (n - 1)
    assert abs(net.m - ordered * p) < Z * math.sqrt(ordered * p * (1 - p))
    # Both directions of a pair are independent: reciprocated pairs ~ Bin(N, p^2).
    mutual = np.count_nonzero(net.reverse_arc_index() >= 0) // 2
    expected = ordered // 2 * p * p
    assert abs(mutual - expected) < Z * math.sqrt(expected)


# ------------------------------------------------------------ Barabási–Albert
@pytest.mark.parametrize(("n", "m"), [(2, 1), (5, 4), (1000, 1), (1000, 5)])
def test_ba_exact_edge_count_no_multi_edges(n, m):
    net = barabasi_albert(n, m, rng(1))
    assert net.undirected
    assert net.m == 2 * m * (n - m)  # star of m edges + m per later node
    assert net.cleaning.arcs_in == m * (n - m)
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    degree = net.out_degree()
    assert np.all(degree[m + 1 :] >= m) and np.all(degree[1 : m + 1] >= 1)


def test_ba_mean_degree_is_exact():
    n, m = 50_000, 4
    net = barabasi_albert(n, m, rng(8))
    assert net.m / n == pytest.approx(2 * m * (n - m) / n, abs=0, rel=1e-15)


def test_ba_degree_distribution_matches_theory():
    # Exact asymptotic law (Bollobás et al. 2001; Dorogovtsev et al. 2000):
    # P(K >= k) = m(m+1) / (k(k+1)) for k >= m. Binomial SE over nodes; the
    # degree counts of BA are less variable than independent draws, so the
    # binomial SE is conservative.
    n, m = 100_000, 3
    degree = barabasi_albert(n, m, rng(2005)).out_degree()
    for k in (4, 6, 10, 20, 40):
        q = m * (m + 1) / (k * (k + 1))
        assert abs(np.mean(degree >= k) - q) < Z * math.sqrt(q * (1 - q) / n), k


def test_ba_tail_exponent_near_three():
    # Discrete power-law MLE (Clauset, Shalizi & Newman 2009, eq. 3.7) on
    # k >= kmin, SE = (gamma - 1) / sqrt(n_tail). Under the exact law
    # P(k) ∝ 1/(k(k+1)(k+2)) the estimator's limit gamma_star is computed
    # below (about 2.96 for kmin = 30, i.e. within 0.05 of 3); the finite-size
    # cutoff near m sqrt(n) lowers it by about 0.03 more, under 1 SE.
    n, m, kmin = 100_000, 3, 30
    degree = barabasi_albert(n, m, rng(1999)).out_degree()
    tail = degree[degree >= kmin].astype(float)
    gamma = 1 + tail.size / np.log(tail / (kmin - 0.5)).sum()
    se = (gamma - 1) / math.sqrt(tail.size)
    k = np.arange(kmin, 10**7, dtype=float)
    pk = 1 / (k * (k + 1) * (k + 2))
    gamma_star = 1 + pk.sum() / (pk * np.log(k / (kmin - 0.5))).sum()
    assert abs(gamma_star - 3) < 0.05
    assert abs(gamma - gamma_star) < Z * se


def test_ba_max_degree_grows_like_sqrt_n():
    # k_max ~ m sqrt(n) (Móri 2005: k_max / sqrt(n) has a non-degenerate limit);
    # from n = 1,000 to 100,000 the expected ratio is 10. The limit law is
    # broad (log k_max has SD about 0.25), so a ratio above 2 is 4.7 SD away
    # from failure (SD of the log-ratio about 0.35).
    m = 3
    small = barabasi_albert(1_000, m, rng(4)).out_degree().max()
    large = barabasi_albert(100_000, m, rng(4)).out_degree().max()
    assert large > 2 * small


# ---------------------------------------------------------------- Holme–Kim
def test_hk_without_triads_is_ba():
    for seed in (0, 1):
        assert_same_network_arcs(
            holme_kim(3000, 4, 0.0, rng(seed)), barabasi_albert(3000, 4, rng(seed))
        )
    # m = 1 leaves no room for a triad step, whatever p_triad.
    assert_same_network_arcs(holme_kim(3000, 1, 0.9, rng(2)), barabasi_albert(3000, 1, rng(2)))


def assert_same_network_arcs(a: Network, b: Network) -> None:
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)


@pytest.mark.parametrize("p_triad", [0.5, 1.0])
def test_hk_exact_edge_count_no_multi_edges(p_triad):
    n, m = 3000, 4
    net = holme_kim(n, m, p_triad, rng(3))
    assert net.m == 2 * m * (n - m)
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    assert net.out_degree()[m + 1 :].min() >= m


def test_hk_clustering_higher_than_ba():
    # Average clustering over 3 seeds each; the margin is 4 standard errors of
    # the difference of the means, estimated from the seed-to-seed spread.
    n, m, seeds = 2000, 3, (0, 1, 2)
    hk = [nx.average_clustering(holme_kim(n, m, 0.9, rng(s)).to_networkx()) for s in seeds]
    ba = [nx.average_clustering(barabasi_albert(n, m, rng(s)).to_networkx()) for s in seeds]
    se = math.sqrt(np.var(hk, ddof=1) / len(hk) + np.var(ba, ddof=1) / len(ba))
    assert np.mean(hk) - np.mean(ba) > Z * se
    # Holme & Kim (2002, Fig. 2): C of order 0.5 at m = 3, m_t = (m-1)p = 1.8,
    # against C = O((ln n)^2 / n), about 0.02 here, for BA.
    assert min(hk) > 0.3 and max(ba) < 0.05


# ---------------------------------------------------- ring lattice and WS
def test_ring_lattice_structure():
    net = ring_lattice(10, 4)
    assert net.undirected and net.m == 40
    assert net.out_neighbors(0).tolist() == [1, 2, 8, 9]
    assert net.out_neighbors(5).tolist() == [3, 4, 6, 7]
    assert np.all(net.out_degree() == 4)
    assert ring_lattice(7, 0).m == 0
    assert ring_lattice(1, 0).n == 1


@pytest.mark.parametrize(("n", "k"), [(30, 2), (40, 4), (100, 6), (100, 10), (61, 40)])
def test_ring_lattice_clustering_is_exact(n, k):
    # Barrat & Weigt (2000): C = 3(k-2) / (4(k-1)) for k < 2n/3.
    g = ring_lattice(n, k).to_networkx()
    assert math.isclose(nx.average_clustering(g), 3 * (k - 2) / (4 * (k - 1)), abs_tol=1e-12)


@pytest.mark.parametrize(("n", "k"), [(20, 4), (1000, 10), (9, 8)])
def test_ws_without_rewiring_is_the_ring_lattice(n, k):
    assert_same_network_arcs(watts_strogatz(n, k, 0.0, rng(1)), ring_lattice(n, k))


def ring_distance(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    d = np.abs(u - v)
    return np.minimum(d, n - d)


@pytest.mark.parametrize("p", [0.2, 1.0])
def test_ws_rewiring_keeps_edges_and_rewires_a_share_p(p):
    n, k = 10_000, 10
    net = watts_strogatz(n, k, p, rng(1998))
    edges = n * k // 2
    assert net.m == 2 * edges
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    assert net.out_degree().min() >= k // 2  # a node keeps the edges it rewires
    u, v = undirected_edges(net)
    off_lattice = np.count_nonzero(ring_distance(u, v, n) > k // 2)
    # Each edge is rewired with probability p; a rewired edge lands back on a
    # (removed) lattice pair with probability below k/n: bias at most edges*p*k/n.
    se = math.sqrt(edges * p * (1 - p))
    assert abs(off_lattice - edges * p) < Z * se + edges * p * k / n


def test_ws_surviving_triangles_match_theory():
    # A lattice triangle survives iff none of its 3 edges is rewired, each
    # independently with probability p: E = T (1-p)^3. Triangles that share
    # an edge are correlated; with t_e triangles on edge e,
    # Var = T[(1-p)^3 - (1-p)^6] + sum_e t_e (t_e - 1) [(1-p)^5 - (1-p)^6].
    # Only triangles of lattice pairs are counted (rewired edges re-landing on
    # a removed lattice pair: about edges*p*k/n < 1 edge here, negligible).
    n, k, p = 2000, 6, 0.2
    lattice = ring_lattice(n, k).to_networkx()
    triangles = sum(nx.triangles(lattice).values()) // 3
    t_edge = np.array([len(set(lattice[a]) & set(lattice[b])) for a, b in lattice.edges()])
    q = 1 - p
    var = triangles * (q**3 - q**6) + np.sum(t_edge * (t_edge - 1)) * (q**5 - q**6)
    u, v = undirected_edges(watts_strogatz(n, k, p, rng(440)))
    keep = ring_distance(u, v, n) <= k // 2
    survived = nx.Graph(zip(u[keep].tolist(), v[keep].tolist(), strict=True))
    observed = sum(nx.triangles(survived).values()) // 3
    assert abs(observed - triangles * q**3) < Z * math.sqrt(var)


# ----------------------------------------------------- stochastic block model
def test_sbm_exact_limits():
    sizes = [3, 2, 4]
    cliques = stochastic_block_model(sizes, 1.0, 0.0, rng(0))
    assert cliques.m == sum(s * (s - 1) for s in sizes)
    assert cliques.node_attrs["community"].tolist() == [0, 0, 0, 1, 1, 2, 2, 2, 2]
    multipartite = stochastic_block_model(sizes, 0.0, 1.0, rng(0))
    assert multipartite.m == 2 * (3 * 2 + 3 * 4 + 2 * 4)
    directed = stochastic_block_model(sizes, 1.0, 1.0, rng(0), directed=True)
    assert directed.m == 9 * 8 and not directed.undirected
    assert stochastic_block_model(sizes, 0.0, 0.0, rng(0)).m == 0
    single = stochastic_block_model([5], 1.0, 1.0, rng(0))
    assert single.m == 20 and single.cleaning.duplicates_merged == 0


@pytest.mark.parametrize("directed", [False, True])
def test_sbm_block_edge_counts(directed):
    sizes = np.array([300, 500, 700, 1500])
    p_in, p_out = 0.05, 0.004
    net = stochastic_block_model(sizes, p_in, p_out, rng(1983), directed=directed)
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    block = net.node_attrs["community"]
    np.testing.assert_array_equal(block, np.repeat(np.arange(4), sizes))
    if directed:
        src, dst = net.edges()
        within_pairs = int(np.sum(sizes * (sizes - 1)))
        between_pairs = int(sizes.sum() ** 2 - np.sum(sizes**2))
    else:
        src, dst = undirected_edges(net)
        within_pairs = int(np.sum(sizes * (sizes - 1) // 2))
        between_pairs = int((sizes.sum() ** 2 - np.sum(sizes**2)) // 2)
    same = block[src] == block[dst]
    for observed, pairs, p in [
        (same.sum(), within_pairs, p_in),
        ((~same).sum(), between_pairs, p_out),
    ]:
        assert abs(observed - pairs * p) < Z * math.sqrt(pairs * p * (1 - p))
    # Each between-block pair of blocks separately (uniform pair sampling).
    for a in range(4):
        for b in range(4):
            if a == b or (not directed and a > b):
                continue
            count = np.count_nonzero((block[src] == a) & (block[dst] == b))
            if not directed:
                count += np.count_nonzero((block[src] == b) & (block[dst] == a))
            pairs = int(sizes[a] * sizes[b])
            assert abs(count - pairs * p_out) < Z * math.sqrt(pairs * p_out * (1 - p_out))


# ------------------------------------------------------- configuration model
def powerlaw_pmf(exponent: float, kmin: int, kmax: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(kmin, kmax + 1)
    w = k.astype(float) ** -exponent
    return k, w / w.sum()


def test_configuration_degree_sequence_before_erasure():
    n, exponent = 100_000, 2.5
    net = powerlaw_configuration(n, exponent, rng(2006))
    stub = net.node_attrs["stub_degree"]
    kmax = math.isqrt(n)  # the documented default cutoff
    assert stub.min() >= 2 and stub.max() <= kmax
    k, pk = powerlaw_pmf(exponent, 2, kmax)
    mean = np.sum(k * pk)
    sd = math.sqrt(np.sum(k**2 * pk) - mean**2)
    assert abs(stub.mean() - mean) < Z * sd / math.sqrt(n)
    for value in (2, 3, 10):
        q = pk[value - 2]
        assert abs(np.mean(stub == value) - q) < Z * math.sqrt(q * (1 - q) / n), value


def test_configuration_erasure_is_accounted_for_and_small():
    n = 100_000
    net = powerlaw_configuration(n, 2.5, rng(1995))
    stub = net.node_attrs["stub_degree"].astype(float)
    c = net.cleaning
    # Exact bookkeeping of the erased configuration model.
    assert 2 * c.arcs_in == stub.sum()
    assert net.m // 2 == c.arcs_in - c.self_loops_dropped - c.duplicates_merged
    assert np.all(net.out_degree() <= stub)
    # Expected self-loops: sum_i C(k_i, 2) / (S - 1). Expected pairs of
    # parallel edges: sum_{i<j} 2 C(k_i,2) C(k_j,2) / ((S-1)(S-3)); a merge
    # removes one edge per extra parallel edge (equal to the pair count when
    # no triple edges, which are O(1/n) rarer). Both counts are close to
    # Poisson (rare, weakly dependent events): SE = sqrt(expectation).
    s = stub.sum()
    a = stub * (stub - 1) / 2
    e_self = a.sum() / (s - 1)
    e_multi = (a.sum() ** 2 - np.sum(a**2)) / ((s - 1) * (s - 3))
    assert abs(c.self_loops_dropped - e_self) < Z * math.sqrt(e_self)
    assert abs(c.duplicates_merged - e_multi) < Z * math.sqrt(e_multi)
    # With the sqrt(n) cutoff the erased share is small: about 130 of 2.3e5 edges.
    assert (c.self_loops_dropped + c.duplicates_merged) / c.arcs_in < 1e-3


def test_configuration_regular_and_explicit_cutoff():
    net = powerlaw_configuration(1000, 2.0, rng(5), min_degree=4, max_degree=4)
    assert np.all(net.node_attrs["stub_degree"] == 4)
    assert net.out_degree().max() <= 4
    wide = powerlaw_configuration(1000, 2.2, rng(5), min_degree=1, max_degree=999)
    assert wide.node_attrs["stub_degree"].min() >= 1
    assert wide.node_attrs["stub_degree"].sum() % 2 == 0


# -------------------------------------------------------------- follower graph
def test_follower_structure_and_layers():
    n, nc = 5_000, 8
    net = follower_graph(n, 6.0, rng(10), n_celebrities=nc, celebrity_share=0.4)
    assert not net.undirected
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    np.testing.assert_array_equal(net.node_attrs["celebrity"], np.arange(n) < nc)
    src = net.sources()
    np.testing.assert_array_equal(net.layer_of_arcs() == "broadcast", src < nc)
    assert set(net.layer_of_arcs()) == {"broadcast", "community"}
    assert net.in_degree().min() >= 1  # everybody follows at least one account


def test_follower_exact_limits():
    none = follower_graph(2_000, 5.0, rng(1), celebrity_share=0.0)
    assert np.all(none.sources() >= 10)
    assert set(none.layer_of_arcs()) == {"community"}
    only = follower_graph(2_000, 5.0, rng(1), n_celebrities=10, celebrity_share=1.0)
    assert np.all(only.sources() < 10)
    assert set(only.layer_of_arcs()) == {"broadcast"}
    plain = follower_graph(2_000, 5.0, rng(1), n_celebrities=0, celebrity_share=0.0)
    assert not plain.node_attrs["celebrity"].any()


def test_follower_celebrity_share_and_following():
    n, lam, nc, share = 20_000, 10.0, 10, 0.3
    net = follower_graph(n, lam, rng(2010), n_celebrities=nc, celebrity_share=share)
    total = net.m
    celeb_arcs = np.count_nonzero(net.sources() < nc)
    se = math.sqrt(share * (1 - share) / total)
    # Known bias: celebrity follows C ~ Poisson(lam * share) (thinned Poisson)
    # above nc are dropped; the expected excess per node over the mean number
    # of follows bounds the shift of the share. Show it is negligible.
    c = np.arange(nc + 1, 200)
    excess = np.sum((c - nc) * stats.poisson.pmf(c, lam * share))
    assert excess / lam < 0.05 * se
    assert abs(celeb_arcs / total - share) < Z * se
    # Accounts followed per node: max(1, Poisson(lam)).
    x = np.arange(0, 200)
    y = np.maximum(1, x)
    pmf = stats.poisson.pmf(x, lam)
    mean, sd = np.sum(y * pmf), math.sqrt(np.sum(y**2 * pmf) - np.sum(y * pmf) ** 2)
    assert abs(net.in_degree().mean() - mean) < Z * sd / math.sqrt(n) + excess


def test_follower_exponent_gives_the_power_law_tail():
    # Chung-Lu fitness with P(w > x) = x^-(gamma - 1): follower counts have a power-law
    # tail of exponent gamma. Continuous MLE above x_min (Clauset, Shalizi and Newman
    # 2009, with the discrete correction x_min - 1/2); its standard error is
    # (alpha - 1) / sqrt(n_tail). Top accounts saturate (no follow twice), which only
    # trims the last few points.
    gamma, x_min = 2.276, 100
    net = follower_graph(50_000, 20.0, rng(0), n_celebrities=0, celebrity_share=0.0,
                         follower_exponent=gamma)  # fmt: skip
    assert net.cleaning.duplicates_merged == 0 and net.cleaning.self_loops_dropped == 0
    followers = net.out_degree().astype(float)
    tail = followers[followers >= x_min]
    alpha = 1 + tail.size / np.log(tail / (x_min - 0.5)).sum()
    assert abs(alpha - gamma) < Z * (alpha - 1) / math.sqrt(tail.size)
    # following counts are unchanged: max(1, Poisson(20)) per person
    assert abs(net.in_degree().mean() - 20.0) < Z * math.sqrt(20.0 / 50_000)
    # without the option the draws are those of the uniform model before the option
    # existed (commit ff218c0): a pinned digest of the arcs
    a = follower_graph(3_000, 6.0, rng(4), n_celebrities=5)
    arcs = a.sources().astype(np.int64).tobytes() + a.indices.astype(np.int64).tobytes()
    digest = "a4c40880cc9ecd6a809cf07b7b7d5b21d1de4b1942ea28bfbc82d0a2a19278c3"
    assert hashlib.sha256(arcs).hexdigest() == digest


def test_weighted_follows_are_sampled_without_replacement_exactly():
    # three accounts of fitness 2, 3 and 10; everyone else (fitness 0) follows two of them:
    # P(pair {a, b}) = w_a / W * w_b / (W - w_a) + w_b / W * w_a / (W - w_b)
    from simulator.network.generators.follower import _follow_kernel

    n = 200_000
    w = np.zeros(n)
    w[1:4] = [2.0, 3.0, 10.0]
    k = np.zeros(n, np.int64)
    k[4:] = 2
    src, _ = _follow_kernel(n, 0, np.zeros(n, np.int64), k, np.cumsum(w), rng(1))
    pairs = np.sort(src.reshape(-1, 2), axis=1)
    wt = {1: 2.0, 2: 3.0, 3: 10.0}
    for a, b in [(1, 2), (1, 3), (2, 3)]:
        p = wt[a] / 15 * wt[b] / (15 - wt[a]) + wt[b] / 15 * wt[a] / (15 - wt[b])
        f = np.mean((pairs[:, 0] == a) & (pairs[:, 1] == b))
        assert abs(f - p) < Z * math.sqrt(p * (1 - p) / len(pairs))


def test_follower_exponent_keeps_the_celebrity_tier():
    n, nc = 20_000, 10
    net = follower_graph(n, 10.0, rng(5), n_celebrities=nc, celebrity_share=0.3,
                         follower_exponent=2.5)  # fmt: skip
    share = np.count_nonzero(net.sources() < nc) / net.m
    assert abs(share - 0.3) < Z * math.sqrt(0.3 * 0.7 / net.m)
    np.testing.assert_array_equal(net.layer_of_arcs() == "broadcast", net.sources() < nc)
    assert "follower_exponent=2.5" in net.name


def test_follower_celebrities_chosen_uniformly():
    # Given how many celebrities each ordinary account follows (C_v), each
    # celebrity is one of them with probability C_v / nc: its number of
    # ordinary followers has mean sum C_v / nc and variance
    # sum (C_v / nc)(1 - C_v / nc).
    n, nc = 20_000, 10
    net = follower_graph(n, 10.0, rng(77), n_celebrities=nc, celebrity_share=0.3)
    src, dst = net.edges()
    ordinary_follower = dst >= nc
    c_v = np.bincount(dst[ordinary_follower & (src < nc)], minlength=n)[nc:]
    q = c_v / nc
    mean, sd = q.sum(), math.sqrt(np.sum(q * (1 - q)))
    followers = np.bincount(src[ordinary_follower & (src < nc)], minlength=nc)
    assert np.all(np.abs(followers - mean) < Z * sd)
