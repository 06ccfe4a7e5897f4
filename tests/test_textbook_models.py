"""Textbook models (linear threshold, complex contagion, SIR) and IC on random graphs.

Exact limits, theory and peers as oracles, reproducibility. Every statistical
tolerance is 4 standard errors at a fixed seed, with the standard error
derived in a comment; seeds are fixed and were not searched for.
"""

import array

import networkx as nx
import numpy as np
import pytest
from scipy import stats
from scipy.optimize import brentq

from simulator import IndependentCascade, Network, WeightedCascade, run_cascades
from simulator.cascade_log import ACTION_CODE
from simulator.engine.counter_rng import arc_hazards
from simulator.engine.sir import infectious_periods, sir_summary
from simulator.engine.textbook import SIR, ComplexContagion, LinearThreshold
from simulator.engine.threshold import node_thresholds, threshold_summary
from simulator.network.generators import barabasi_albert, erdos_renyi, ring_lattice
from simulator.rng import replicate_keys


def star(leaves: int) -> Network:
    return Network.from_edges(np.zeros(leaves, int), np.arange(1, leaves + 1), directed=False)


def directed_path(n: int) -> Network:
    return Network.from_edges(np.arange(n - 1), np.arange(1, n))


def mean_and_se(x) -> tuple[float, float]:
    """Sample mean and its standard error, sd / sqrt(R)."""
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def two_sample_close(a, b, n_se: float = 4.0) -> bool:
    """Means of two independent samples within ``n_se`` SE of their difference.

    SE of the difference = sqrt(se_a**2 + se_b**2).
    """
    (ma, sa), (mb, sb) = mean_and_se(a), mean_and_se(b)
    return abs(ma - mb) < n_se * np.hypot(sa, sb)


# ------------------------------------------------------------ IC on Erdős–Rényi
def giant_fraction(pk: np.ndarray, t: float) -> float:
    """Bond-percolation giant fraction of a configuration model with degree law ``pk``.

    ``u = 1 - t + t G1(u)`` is the chance that an arc does not lead to the
    giant cluster; the fraction in it is ``S = 1 - G0(u)`` (Newman 2002).
    """
    k = np.arange(pk.size)
    mean = float(k @ pk)

    def g0(x):
        return float(pk @ x**k)

    def g1(x):
        return float((k[1:] * pk[1:]) @ x ** (k[1:] - 1)) / mean

    u = brentq(lambda x: x - (1 - t + t * g1(x)), 0.0, 1.0 - 1e-12)
    return 1.0 - g0(u)


def mean_cluster_size(pk: np.ndarray, t: float) -> float:
    """Mean outbreak size from a random node, subcritical, degree law ``pk`` (Newman 2002).

    ``1 + t <k> / (1 - t (<k^2> - <k>) / <k>)``; for Poisson degrees with
    mean ``c`` it is ``1 / (1 - c t)``.
    """
    k = np.arange(pk.size)
    k1, k2 = float(k @ pk), float(k**2 @ pk)
    return float(1.0 + t * k1 / (1.0 - t * (k2 - k1) / k1))


def degree_law(net: Network) -> np.ndarray:
    """Empirical degree distribution of an undirected network."""
    return np.bincount(net.out_degree()) / net.n


def test_theory_constants():
    # S = 1 - exp(-c p S) with c p = 1.5
    s = brentq(lambda x: x - 1.0 + np.exp(-1.5 * x), 1e-9, 1.0)
    assert s == pytest.approx(0.583, abs=5e-4)
    # the configuration-model formulas give the Poisson limits back
    poisson = stats.poisson(5.0).pmf(np.arange(60))
    assert giant_fraction(poisson, 0.3) == pytest.approx(s, abs=1e-9)
    assert mean_cluster_size(poisson, 0.1) == pytest.approx(2.0, abs=1e-9)


@pytest.fixture(scope="module")
def er_graph():
    rng = np.random.default_rng(20240611)
    return erdos_renyi(10_000, 5.0, rng), rng


def test_ic_on_erdos_renyi_major_outbreaks(er_graph):
    """IC p=0.3 on ER(n=10^4, c=5) from one random seed: giant percolation cluster.

    The oracle is the giant fraction of a configuration model with the
    realised degree sequence (ER given its degrees is uniform on graphs with
    those degrees). The textbook constant 0.583 is its limit; at n = 10^4 the
    realised mean degree has sd sqrt(2c/n) = 0.032, which moves S by
    dS/dc * 0.032 = 0.006 from graph to graph: a fixed 0.01 allowance around
    0.583 would be only ~1.6 of those sd. So the simulation is compared with
    the realised oracle (4 SE plus 0.01 for the remaining finite-size
    effects), and the realised oracle with 0.583 (4 sd of the mean-degree
    effect).

    Cut between minor and major outbreaks: 10% of n. Minor clusters have
    sizes with tail ~ exp(-s (c' - 1 - ln c')), c' = 1.5 (the percolated mean
    degree), rate 0.095, so P(minor > 1000) < 1e-40; major ones hold ~5,800.
    """
    net, rng = er_graph
    n, c, p, reps = net.n, 5.0, 0.3, 2_000
    s_real = giant_fraction(degree_law(net), p)
    s_inf = brentq(lambda x: x - 1.0 + np.exp(-c * p * x), 1e-9, 1.0)
    e = np.exp(-c * p * s_inf)
    ds_dc = p * s_inf * e / (1.0 - c * p * e)  # implicit derivative of S = 1 - exp(-cpS)
    assert abs(s_real - s_inf) < 4 * ds_dc * np.sqrt(2 * c / n)

    seeds = rng.integers(n, size=(reps, 1))
    reach = run_cascades(net, seeds, IndependentCascade(p), reps, seed=1, log=False).reach
    major = reach > n // 10
    frac, se = mean_and_se(reach[major] / n)  # SE = sd(fraction) / sqrt(#major)
    assert abs(frac - s_real) < 0.01 + 4 * se
    # the random seed lies in the giant cluster with probability S:
    # binomial SE sqrt(S (1 - S) / R)
    assert abs(major.mean() - s_real) < 4 * np.sqrt(s_real * (1 - s_real) / reps)


def test_ic_on_erdos_renyi_subcritical_mean_size(er_graph):
    """IC p=0.1 (c p = 0.5): mean outbreak size 1 / (1 - c p) = 2.0 from a random seed.

    Oracle: the same formula with the realised first two degree moments
    (2.0 in the Poisson limit, see test_theory_constants). SE = sample sd /
    sqrt(R) (the branching-process sd is sqrt(c p / (1 - c p)^3) = 2, so SE ~ 0.01).
    """
    net, rng = er_graph
    reps = 40_000
    expected = mean_cluster_size(degree_law(net), 0.1)
    seeds = rng.integers(net.n, size=(reps, 1))
    reach = run_cascades(net, seeds, IndependentCascade(0.1), reps, seed=2, log=False).reach
    mean, se = mean_and_se(reach)
    assert abs(mean - expected) < 4 * se


# --------------------------------------------------------------- star, threshold
@pytest.mark.parametrize("model", [LinearThreshold(), WeightedCascade()], ids=["LT", "WC"])
def test_star_from_a_leaf_reaches_two_on_average(model):
    """Centre (in-degree 10) adopts w.p. 1/10, then every leaf (in-degree 1) does.

    reach is 1 or 11, mean 1 + 0.1 * 10 = 2, sd = 10 * sqrt(0.1 * 0.9) = 3;
    SE = sample sd / sqrt(R).
    """
    reps = 20_000
    reach = run_cascades(star(10), [1], model, reps, seed=8, log=False).reach
    assert set(np.unique(reach).tolist()) <= {1, 11}
    mean, se = mean_and_se(reach)
    assert abs(mean - 2.0) < 4 * se


@pytest.mark.parametrize("model", [LinearThreshold(), WeightedCascade()], ids=["LT", "WC"])
def test_star_from_the_centre_reaches_everyone(model):
    res = run_cascades(star(10), [0], model, 500, seed=8, log=False)
    assert (res.reach == 11).all() and (res.depth == 1).all()


def test_lt_star_centre_adopts_exactly_when_its_threshold_allows():
    """Per replicate: the centre adopts iff theta_centre <= 1/10 (its drawn threshold)."""
    keys = replicate_keys(3, 2_000)
    reach = run_cascades(star(10), [1], LinearThreshold(), 2_000, seed=3).reach
    theta = np.array([node_thresholds(k, 11)[0] for k in keys])
    assert np.array_equal(reach == 11, theta <= 0.1)


# ------------------------------------------------------------ LT exact limits
def test_lt_on_a_directed_path_with_weight_one_reaches_every_node():
    net = directed_path(50)
    for model in (LinearThreshold(), LinearThreshold("strength")):
        res = run_cascades(net, [0], model, 20, seed=0)
        assert (res.reach == 50).all() and (res.depth == 49).all()


def test_lt_without_arcs_or_weights_spreads_nowhere():
    empty = Network.from_edges([], [], n=5)
    assert (run_cascades(empty, [0, 3], LinearThreshold(), 3, seed=0).reach == 2).all()
    # strength 0 gives weight 0: a tally of 0 stays below every threshold > 0
    net = Network.from_edges([0, 1], [1, 2], weight=[0.0, 0.0])
    assert (run_cascades(net, [0], LinearThreshold("strength"), 50, seed=0).reach == 1).all()


def test_lt_weights_sum_to_at_most_one():
    rng = np.random.default_rng(3)
    net = barabasi_albert(500, 3, rng)
    net = net.with_arc_attrs(strength=rng.uniform(0, 1, net.m))
    for kind in ("in_degree", "strength"):
        b = LinearThreshold(kind).arc_weights(net)
        into = np.bincount(net.indices, weights=b, minlength=net.n)
        assert (b >= 0).all() and (into <= 1 + 1e-12).all()
    # all strengths 1: "strength" is "in_degree"
    ones = net.with_arc_attrs(strength=np.ones(net.m))
    by_strength = LinearThreshold("strength").arc_weights(ones)
    assert np.allclose(by_strength, LinearThreshold().arc_weights(ones))


def test_lt_thresholds_distinct_per_node_and_common_across_arms():
    """Pairs u_i -> v_i with weight w: v_i adopts iff w >= theta_{v_i}, the drawn threshold.

    Two arms (w = 0.5 and w = 0.7) with the same keys see the same
    thresholds, so the second arm's adopters contain the first's.
    """
    pairs = 400
    theta = node_thresholds(np.uint64(99), 10_000)
    assert np.unique(theta).size == theta.size
    assert np.array_equal(theta, node_thresholds(np.uint64(99), 10_000))
    assert not np.array_equal(theta, node_thresholds(np.uint64(100), 10_000))
    u, v = np.arange(pairs), np.arange(pairs, 2 * pairs)
    keys = replicate_keys(4, 5)
    adopted = {}
    for w in (0.5, 0.7):
        net = Network.from_edges(u, v, weight=np.full(pairs, w))
        log = run_cascades(net, u, LinearThreshold("strength"), 5, seed=0, keys=keys).log
        for r, key in enumerate(keys):
            got = np.zeros(2 * pairs, bool)
            got[log.node[log.replicate == r]] = True
            assert np.array_equal(got[v], w >= node_thresholds(key, 2 * pairs)[v])
            adopted[w, r] = got
    for r in range(5):
        assert (adopted[0.7, r] | ~adopted[0.5, r]).all()
        assert adopted[0.7, r].sum() > adopted[0.5, r].sum()


# ---------------------------------------------------------- complex contagion
def test_complex_contagion_with_k1_is_independent_cascade_draw_for_draw():
    """k = 1 uses the IC coin of each arc, so identical reach, depth and events."""
    net = barabasi_albert(2_000, 3, np.random.default_rng(5))
    a = run_cascades(net, [0, 10, 20], IndependentCascade(0.15), 300, seed=6)
    b = run_cascades(net, [0, 10, 20], ComplexContagion(k=1, p=0.15), 300, seed=6)
    assert np.array_equal(a.reach, b.reach) and np.array_equal(a.depth, b.depth)
    assert a.log.to_frame().equals(b.log.to_frame())


def test_complex_contagion_on_a_ring_lattice():
    """k = 2, p = 1 on a ring with 4 neighbours each (Centola & Macy's lattice).

    Two adjacent seeds: each side advances one node per step (the next node
    sees the two nodes before it), so all n adopt by step (n - 2) / 2. Two
    seeds far apart: every other node sees at most one of them.
    """
    n = 200
    net = ring_lattice(n, 4)
    res = run_cascades(net, [0, 1], ComplexContagion(k=2, p=1.0), 5, seed=0)
    assert (res.reach == n).all() and (res.depth == (n - 2) // 2).all()
    res = run_cascades(net, [0, n // 2], ComplexContagion(k=2, p=1.0), 5, seed=0)
    assert (res.reach == 2).all() and (res.depth == 0).all()


def test_complex_contagion_needs_k_exposures():
    """Three seeds all pointing at node 3, k = 2, p = 0.4.

    P(node 3 adopts) = P(Bin(3, 0.4) >= 2) = 3 p^2 (1 - p) + p^3 = 0.352;
    binomial SE sqrt(0.352 * 0.648 / R).
    """
    net = Network.from_edges([0, 1, 2], [3, 3, 3])
    reps, p = 20_000, 0.4
    expected = 3 * p**2 * (1 - p) + p**3
    res = run_cascades(net, [0, 1, 2], ComplexContagion(2, p), reps, seed=9, log=False)
    adopted = res.reach - 3
    assert abs(adopted.mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / reps)
    # a node with a single in-neighbour never gets two exposures
    res = run_cascades(directed_path(5), [0], ComplexContagion(2, 1.0), 3, seed=0)
    assert (res.reach == 1).all()


# ------------------------------------------------------------------------ SIR
def stepwise_sir(net, seeds, beta, gamma, max_steps, rng):
    """Literal step-by-step SIR (reference for the event-driven kernel): (reach, depth)."""
    src, dst = net.edges()
    state = np.zeros(net.n, np.int8)  # 0 susceptible, 1 infectious, 2 recovered
    state[seeds] = 1
    t = depth = 0
    while (state == 1).any() and t < max_steps:
        t += 1
        tries = np.flatnonzero((state[src] == 1) & (state[dst] == 0))
        new = np.unique(dst[tries[rng.random(tries.size) < beta]])
        infectious = np.flatnonzero(state == 1)
        state[infectious[rng.random(infectious.size) < gamma]] = 2
        state[new] = 1
        if new.size:
            depth = t
    return int(np.count_nonzero(state)), depth


@pytest.mark.parametrize("beta, gamma", [(0.15, 0.4), (0.25, 1.0)])
def test_sir_matches_a_literal_step_by_step_simulation(beta, gamma):
    """Final size and depth of the kernel and a stepwise reference agree in law.

    Two independent samples: two-sample KS test on reach and depth (p > 1e-3)
    and means within 4 SE of their difference.
    """
    net = barabasi_albert(300, 2, np.random.default_rng(12))
    reps, seeds = 2_000, [0, 7]
    rng = np.random.default_rng(13)
    ref = np.array([stepwise_sir(net, seeds, beta, gamma, 10_000, rng) for _ in range(reps)])
    res = run_cascades(net, seeds, SIR(beta, gamma), reps, seed=14, log=False)
    for ours, theirs in ((res.reach, ref[:, 0]), (res.depth, ref[:, 1])):
        assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
        assert two_sample_close(ours, theirs)


def test_sir_with_gamma_one_is_independent_cascade():
    """gamma = 1: infectious for one step, one trial per arc, i.e. IC with p = beta.

    The kernel uses IC's arc coin for the first trial, so for the same keys
    the runs are identical; for independent keys the laws agree (KS p > 1e-3,
    means within 4 SE of the difference).
    """
    net = barabasi_albert(3_000, 3, np.random.default_rng(15))
    seeds, reps = [0, 50, 100], 3_000
    ic = run_cascades(net, seeds, IndependentCascade(0.1), reps, seed=16)
    sir = run_cascades(net, seeds, SIR(0.1, 1.0), reps, seed=16)
    assert np.array_equal(ic.reach, sir.reach) and np.array_equal(ic.depth, sir.depth)
    assert ic.log.to_frame().equals(sir.log.to_frame())
    other = run_cascades(net, seeds, SIR(0.1, 1.0), reps, seed=17, log=False).reach
    assert stats.ks_2samp(ic.reach, other).pvalue > 1e-3
    assert two_sample_close(ic.reach, other)


@pytest.mark.parametrize("seed_node", [0, 1])
def test_sir_on_a_star_matches_the_transmissibility(seed_node):
    """Star with 10 leaves, beta = 0.3, gamma = 0.5 (geometric infectious period).

    An infected node passes the infection along an arc with probability
    T = sum_l gamma (1-gamma)^(l-1) (1 - (1-beta)^l) = beta / (1 - (1-beta)(1-gamma)).
    On a star, by linearity, E[reach] = 1 + 10 T from the centre and
    1 + T (1 + 9 T) from a leaf, exactly (transmissions from one node are
    correlated through its infectious period, but means only need marginals).
    SE = sample sd / sqrt(R).
    """
    beta, gamma, reps = 0.3, 0.5, 40_000
    t = beta / (1 - (1 - beta) * (1 - gamma))
    expected = 1 + 10 * t if seed_node == 0 else 1 + t * (1 + 9 * t)
    reach = run_cascades(star(10), [seed_node], SIR(beta, gamma), reps, seed=18, log=False).reach
    mean, se = mean_and_se(reach)
    assert abs(mean - expected) < 4 * se


def test_sir_infectious_periods_are_geometric():
    """P(L = 1) = gamma, mean 1 / gamma; binomial SE and SE = sd / sqrt(n)."""
    gamma, n = 0.25, 200_000
    periods = infectious_periods(np.uint64(5), n, gamma)
    assert abs((periods == 1).mean() - gamma) < 4 * np.sqrt(gamma * (1 - gamma) / n)
    mean, se = mean_and_se(periods)
    assert abs(mean - 1 / gamma) < 4 * se
    assert np.all(infectious_periods(np.uint64(5), 10, 0.0) == np.inf)


def test_sir_exact_limits():
    g = nx.gnm_random_graph(300, 450, seed=19, directed=True)
    net = Network.from_networkx(g)
    seeds = [0, 5]
    assert (run_cascades(net, seeds, SIR(0.0, 0.3), 5, seed=0).reach == 2).all()
    # beta = 1: every arc out of an infected node fires at the next step
    dist = nx.multi_source_dijkstra_path_length(g, seeds)
    for gamma in (0.0, 0.5, 1.0):
        res = run_cascades(net, seeds, SIR(1.0, gamma), 3, seed=0)
        assert (res.reach == len(dist)).all() and (res.depth == max(dist.values())).all()
        sel = res.log.replicate == 0
        steps = dict(zip(res.log.node[sel].tolist(), res.log.step[sel].tolist(), strict=True))
        assert steps == dist
    empty = Network.from_edges([], [], n=4)
    assert (run_cascades(empty, [1], SIR(1.0, 0.0), 2, seed=0).reach == 1).all()


def test_sir_respects_max_steps():
    net = directed_path(50)
    res = run_cascades(net, [0], SIR(1.0, 0.0, max_steps=10), 4, seed=0)
    assert (res.reach == 11).all() and (res.depth == 10).all() and res.log.step.max() == 10
    res = run_cascades(net, [0], SIR(1.0, 0.0), 4, seed=0)
    assert (res.reach == 50).all() and (res.depth == 49).all()
    ba = barabasi_albert(2_000, 3, np.random.default_rng(20))
    res = run_cascades(ba, [0], SIR(0.05, 0.05, max_steps=3), 200, seed=1)
    assert res.depth.max() <= 3 and res.log.step.max() <= 3


def test_sir_arms_are_coupled_monotonically():
    """Same keys: more transmission or slower recovery never reaches fewer nodes."""
    net = barabasi_albert(2_000, 2, np.random.default_rng(21))

    def run(beta, gamma):
        return run_cascades(net, [0, 1], SIR(beta, gamma), 300, seed=22, log=False).reach

    assert (run(0.1, 0.3) >= run(0.05, 0.3)).all()
    assert (run(0.1, 0.3) >= run(0.1, 0.6)).all()
    assert (run(0.1, 0.3) > run(0.1, 0.6)).any()


# --------------------------------------------------------------- cynetdiff peer
def _cynetdiff_arrays(net):
    return array.array("I", net.indptr[:-1].astype(np.uint32)), array.array(
        "I", net.indices.astype(np.uint32)
    )


def _cynetdiff_sizes(model, seeds, reps):
    model.set_seeds(seeds)
    sizes = np.empty(reps, np.int64)
    for r in range(reps):
        model.reset_model()
        model.advance_until_completion()
        sizes[r] = model.get_num_activated_nodes()
    return sizes


@pytest.fixture(scope="module")
def ba_peer_graph():
    rng = np.random.default_rng(23)
    net = barabasi_albert(3_000, 3, rng)
    seeds = sorted(rng.choice(net.n, size=5, replace=False).tolist())
    return net, seeds


def test_independent_cascade_agrees_with_cynetdiff(ba_peer_graph):
    """Final-size laws of our IC and cynetdiff's, p = 0.1: two-sample KS p > 1e-3.

    cynetdiff compares a float32 copy of p (0.1 + 1.5e-9) with ``<=``: a
    difference far below what 3,000 replicates can see.
    """
    models = pytest.importorskip("cynetdiff.models")
    net, seeds = ba_peer_graph
    reps = 3_000
    starts, edges = _cynetdiff_arrays(net)
    peer = models.IndependentCascadeModel(
        starts, edges, activation_prob=0.1, rng=np.random.default_rng(24)
    )
    theirs = _cynetdiff_sizes(peer, seeds, reps)
    ours = run_cascades(net, seeds, IndependentCascade(0.1), reps, seed=25, log=False).reach
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
    assert two_sample_close(ours, theirs)


def test_linear_threshold_agrees_with_cynetdiff(ba_peer_graph):
    """cynetdiff's LT uses weights 1 / in-degree by default, as LinearThreshold() does."""
    models = pytest.importorskip("cynetdiff.models")
    net, seeds = ba_peer_graph
    reps = 3_000
    starts, edges = _cynetdiff_arrays(net)
    peer = models.LinearThresholdModel(starts, edges, rng=np.random.default_rng(26))
    theirs = _cynetdiff_sizes(peer, seeds, reps)
    ours = run_cascades(net, seeds, LinearThreshold(), reps, seed=27, log=False).reach
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
    assert two_sample_close(ours, theirs)


# ------------------------------------------------ contract for every new model
MODELS = {
    "LT": LinearThreshold(),
    "LT-strength": LinearThreshold("strength"),
    "CC": ComplexContagion(k=2, p=0.5),
    "SIR": SIR(0.05, 0.2),
}


@pytest.fixture(scope="module")
def weighted_ba():
    rng = np.random.default_rng(28)
    net = barabasi_albert(2_000, 3, rng)
    return net.with_arc_attrs(strength=rng.uniform(0.2, 1.0, net.m))


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_same_seed_identical_other_seed_differs_and_summary_equals_events(model, weighted_ba):
    net, seeds = weighted_ba, [0, 1, 2]
    a = run_cascades(net, seeds, model, 200, seed=99)
    b = run_cascades(net, seeds, model, 200, seed=99)
    c = run_cascades(net, seeds, model, 200, seed=100)
    s = run_cascades(net, seeds, model, 200, seed=99, log=False)
    assert np.array_equal(a.reach, b.reach) and not np.array_equal(a.reach, c.reach)
    assert np.array_equal(a.reach, s.reach) and np.array_equal(a.depth, s.depth)
    assert a.log.to_frame().equals(b.log.to_frame())


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_summary_does_not_depend_on_the_number_of_chunks(model, weighted_ba):
    net = weighted_ba
    seeds = np.tile([0, 1, 2], (60, 1))
    keys = replicate_keys(3, 60)
    if isinstance(model, SIR):
        beta = arc_hazards(net.indptr, [model.beta])[0]
        args = (beta, model.gamma, model.max_steps, seeds, keys)
        kernel = sir_summary
    elif isinstance(model, LinearThreshold):
        always = arc_hazards(net.indptr, np.ones(net.m))
        args = (model.arc_weights(net), *always, True, 0.0, seeds, keys)
        kernel = threshold_summary
    else:
        exposure = arc_hazards(net.indptr, np.full(net.m, model.p))
        args = (np.ones(net.m), *exposure, False, float(model.k), seeds, keys)
        kernel = threshold_summary
    one = kernel(net.indptr, net.indices, *args, 1)
    three = kernel(net.indptr, net.indices, *args, 3)
    assert np.array_equal(one[0], three[0]) and np.array_equal(one[1], three[1])


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_event_log_is_a_consistent_cascade_forest(model, weighted_ba):
    """Each node once per replicate; the parent reached it along the recorded arc, earlier.

    Threshold models: the parent's step is exactly one less (it pushed the
    tally over); SIR: the parent was infected at an earlier step.
    """
    net, reps = weighted_ba, 30
    src = net.sources()
    res = run_cascades(net, [0, 1, 1], model, reps, seed=2)
    log = res.log
    assert np.array_equal(np.bincount(log.replicate, minlength=reps), res.reach)
    assert np.array_equal(log.counts("seed"), np.full(reps, 2))
    for r in range(reps):
        sel = log.replicate == r
        node, parent, step = log.node[sel], log.parent[sel], log.step[sel]
        assert np.unique(node).size == node.size
        when = dict(zip(node.tolist(), step.tolist(), strict=True))
        for u, t in zip(parent.tolist(), step.tolist(), strict=True):
            if u < 0:
                assert t == 0
                continue
            if isinstance(model, SIR):
                assert when[u] < t
            else:
                assert when[u] == t - 1
        assert res.depth[r] == step.max()
    via = log.action == ACTION_CODE["activate"]
    # the recorded tie is the strength of an arc parent -> node
    node, parent, tie = log.node[via], log.parent[via], log.tie[via]
    for v, u, strength in zip(node[:300], parent[:300], tie[:300], strict=True):
        a = net.indptr[u] + np.searchsorted(net.out_neighbors(u), v)
        assert src[a] == u and net.indices[a] == v
        assert np.float32(net.strength[a]) == strength


def test_bad_parameters_are_rejected():
    with pytest.raises(ValueError, match="weights must be one of"):
        LinearThreshold("uniform")
    with pytest.raises(ValueError, match="k must be a positive integer, got 0"):
        ComplexContagion(k=0)
    with pytest.raises(ValueError, match="k must be a positive integer, got 1.5"):
        ComplexContagion(k=1.5)
    with pytest.raises(ValueError, match="k must be a positive integer, got True"):
        ComplexContagion(k=True)
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        ComplexContagion(p=1.2)
    with pytest.raises(ValueError, match=r"beta must be a probability in \[0, 1\]"):
        SIR(-0.1, 0.5)
    with pytest.raises(ValueError, match=r"gamma must be a probability in \[0, 1\]"):
        SIR(0.1, 2.0)
    with pytest.raises(ValueError, match="max_steps must be a positive integer, got 0"):
        SIR(0.1, 0.5, max_steps=0)
