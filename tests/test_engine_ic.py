"""Independent cascade kernel: exact limits, theory as oracle, reproducibility.

Tolerances are derived from standard errors at fixed seeds (4 SE), never tuned.
"""

from math import comb

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from simulator import IndependentCascade, Network, WeightedCascade, run_cascades
from simulator.cascade_log import ACTION_CODE


def reed_frost_final_size(susceptible: int, initial: int, p: float) -> np.ndarray:
    """Exact distribution of the number of extra nodes reached by IC on a complete graph.

    IC on K_n is the Reed-Frost chain binomial; its final-size law solves the
    triangular system of Ball (1986), Adv. Appl. Prob. 18:289-310, eq. (2.2).
    """
    q, big_n = 1.0 - p, susceptible
    probs = np.zeros(big_n + 1)
    for size in range(big_n + 1):
        escape = q ** (big_n - size)  # chance one infective misses all N - size others
        lower = sum(
            comb(big_n - j, size - j) * probs[j] / escape ** (j + initial) for j in range(size)
        )
        probs[size] = (comb(big_n, size) - lower) * escape ** (size + initial)
    return probs


def star(leaves: int) -> Network:
    return Network.from_edges(np.zeros(leaves, int), np.arange(1, leaves + 1), directed=False)


def test_probability_zero_reaches_only_seeds():
    net = Network.from_networkx(nx.gnm_random_graph(200, 800, seed=1))
    res = run_cascades(net, [3, 7, 7], IndependentCascade(0.0), replicates=20, seed=1)
    assert (res.reach == 2).all() and (res.depth == 0).all()


def test_probability_one_reaches_the_out_component():
    g = nx.gnm_random_graph(300, 330, seed=2, directed=True)
    net = Network.from_networkx(g)
    seeds = [0, 5]
    expected = len(set(seeds).union(*(nx.descendants(g, s) for s in seeds)))
    res = run_cascades(net, seeds, IndependentCascade(1.0), replicates=5, seed=3)
    assert (res.reach == expected).all()


def test_network_without_arcs_spreads_nowhere():
    net = Network.from_edges([], [], n=10)
    assert run_cascades(net, [1, 2], IndependentCascade(1.0), 4, seed=0).reach.tolist() == [2] * 4


def test_complete_graph_final_size_matches_reed_frost_exactly():
    n, p, reps = 10, 0.2, 20_000
    net = Network.from_networkx(nx.complete_graph(n))
    reach = run_cascades(net, [0], IndependentCascade(p), reps, seed=11, log=False).reach
    expected = reed_frost_final_size(n - 1, 1, p)
    assert float(expected @ np.arange(1, n + 1)) == pytest.approx(6.7845, abs=1e-4)
    observed = np.bincount(reach - 1, minlength=n)
    # pool the sparse middle sizes so every expected count is >= 5
    exp_counts = expected * reps
    keep = exp_counts >= 5
    obs, exp = observed[keep], exp_counts[keep]
    if (~keep).any():
        obs = np.append(obs, observed[~keep].sum())
        exp = np.append(exp, exp_counts[~keep].sum())
    pvalue = stats.chisquare(obs, exp).pvalue
    assert pvalue > 1e-3
    se = reach.std(ddof=1) / np.sqrt(reps)
    assert abs(reach.mean() - 6.7845) < 4 * se


@pytest.mark.parametrize("seed_node, expected", [(1, 1.19), (0, 2.0)])
def test_star_mean_reach(seed_node, expected):
    reps = 40_000
    reach = run_cascades(
        star(10), [seed_node], IndependentCascade(0.1), reps, seed=5, log=False
    ).reach
    se = reach.std(ddof=1) / np.sqrt(reps)
    assert abs(reach.mean() - expected) < 4 * se


def test_weighted_cascade_probabilities_are_inverse_in_degree():
    net = star(4)
    prob = WeightedCascade().arc_probabilities(net)
    src, dst = net.edges()
    assert np.allclose(prob, 1.0 / net.in_degree()[dst])
    # from the centre every leaf (in-degree 1) is reached with probability 1
    assert run_cascades(net, [0], WeightedCascade(), 10, seed=0).reach.tolist() == [5] * 10


def test_same_seed_identical_other_seed_differs_and_summary_equals_events():
    net = Network.from_networkx(nx.barabasi_albert_graph(2000, 3, seed=4))
    model = IndependentCascade(0.08)
    a = run_cascades(net, [0, 1, 2], model, 200, seed=99)
    b = run_cascades(net, [0, 1, 2], model, 200, seed=99)
    c = run_cascades(net, [0, 1, 2], model, 200, seed=100)
    s = run_cascades(net, [0, 1, 2], model, 200, seed=99, log=False)
    assert np.array_equal(a.reach, b.reach) and not np.array_equal(a.reach, c.reach)
    assert np.array_equal(a.reach, s.reach) and np.array_equal(a.depth, s.depth)
    assert a.log.to_frame().equals(b.log.to_frame())


def test_replicate_prefix_is_stable():
    net = Network.from_networkx(nx.barabasi_albert_graph(500, 2, seed=4))
    long = run_cascades(net, [0], IndependentCascade(0.2), 50, seed=1, log=False).reach
    short = run_cascades(net, [0], IndependentCascade(0.2), 10, seed=1, log=False).reach
    assert np.array_equal(long[:10], short)


def test_event_log_is_a_consistent_cascade_forest():
    g = nx.gnm_random_graph(400, 1600, seed=7, directed=True)
    net = Network.from_networkx(g)
    res = run_cascades(net, [0, 1], IndependentCascade(0.3), 30, seed=2)
    log = res.log
    assert np.array_equal(np.bincount(log.replicate, minlength=30), res.reach)
    assert np.array_equal(log.counts("seed"), np.full(30, 2))
    for r in range(30):
        sel = log.replicate == r
        node, parent, step = log.node[sel], log.parent[sel], log.step[sel]
        assert len(set(node.tolist())) == node.size  # each node reached once
        when = dict(zip(node.tolist(), step.tolist(), strict=True))
        for v, u, t in zip(node, parent, step, strict=True):
            if u >= 0:
                assert g.has_edge(int(u), int(v)) and when[int(u)] == t - 1
    activated = log.action == ACTION_CODE["activate"]
    assert np.all(log.tie[activated] == 1.0) and np.all(np.isnan(log.tie[~activated]))


def test_bad_seeds_and_replicates_are_rejected():
    net = star(3)
    with pytest.raises(ValueError, match="seed node 9 does not exist"):
        run_cascades(net, [9], IndependentCascade(0.1), 2, seed=0)
    with pytest.raises(ValueError, match="replicates must be a positive integer"):
        run_cascades(net, [0], IndependentCascade(0.1), 0, seed=0)
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        IndependentCascade(1.5)


# --------------------------------------------- per-node streams (issue 16): law and coupling
def test_each_arc_fires_with_its_own_probability():
    """Thinning: a hub with 40 out-arcs of probabilities 0, 0.025, ..., 0.975 (and one of 1).

    Over R replicates arc a fires Bin(R, p_a) times: each frequency within 4 binomial SE,
    sqrt(p (1 - p) / R); p = 0 never and p = 1 always. The numbers of arcs that fire
    together have the law of a sum of independent Bernoullis: mean and variance within
    4 SE (SE of the mean sqrt(var / R)).
    """
    d, reps = 41, 20_000
    p = np.append(np.arange(40) / 40, 1.0)
    net = Network.from_edges(np.zeros(d, int), np.arange(1, d + 1))
    log = run_cascades(net, [0], IndependentCascade(1.0), 1, seed=0).log  # arc order = node order
    assert log.node[1:].tolist() == list(range(1, d + 1))
    model = _PerArc(p)
    res = run_cascades(net, [0], model, reps, seed=3)
    hits = np.bincount(res.log.node, minlength=d + 1)[1:] / reps
    se = np.sqrt(p * (1 - p) / reps)
    assert hits[0] == 0 and hits[-1] == 1
    assert (np.abs(hits - p) <= 4 * se + 1e-12).all()
    fired = res.reach - 1
    mean, var = p.sum(), (p * (1 - p)).sum()
    assert abs(fired.mean() - mean) < 4 * np.sqrt(var / reps)


class _PerArc:
    """An independent cascade with given per-arc probabilities (thinning path)."""

    def __init__(self, prob):
        self.prob = np.asarray(prob, float)

    def simulate(self, network, seed_rows, keys, log):
        from simulator.engine.models import simulate_one_trial_per_arc

        return simulate_one_trial_per_arc(network, self.prob, seed_rows, keys, log)


def test_arms_with_higher_p_reach_a_superset_replicate_by_replicate():
    """Same keys: each node's arcs are read along the same sorted levels, so an arm with a
    higher p fires a superset of the arcs and reaches a superset of the nodes."""
    net = Network.from_networkx(nx.barabasi_albert_graph(2000, 3, seed=8))
    low = run_cascades(net, [0, 1], IndependentCascade(0.05), 100, seed=5)
    high = run_cascades(net, [0, 1], IndependentCascade(0.08), 100, seed=5)
    for r in range(100):
        a = set(low.log.node[low.log.replicate == r].tolist())
        b = set(high.log.node[high.log.replicate == r].tolist())
        assert a <= b
    assert (high.reach > low.reach).any()


def test_lean_and_general_samplers_draw_the_same_arcs():
    """fired_arcs (one probability) and fired_levels (thinning, levels kept) read one stream."""
    from numba import njit

    from simulator.engine.counter_rng import arc_scratch, fired_arcs, fired_levels

    @njit
    def both(key, d, h):
        out_arc, out_level, perm, written, inverse, first = arc_scratch(d, h)
        hazard = np.full(1, h)
        k = fired_arcs(key, 3, 10, d, h, first[d], inverse, out_arc, perm, written)
        lean = out_arc[:k].copy()
        k = fired_levels(
            key, 3, 10, d, h, first[d], hazard, False, inverse, out_arc, out_level, perm, written
        )
        return lean, out_arc[:k].copy(), out_level[:k].copy(), (perm == -1).all()

    for key in range(200):
        lean, general, level, clean = both(np.uint64(key), 50, -np.log1p(-0.1))
        assert lean.tolist() == general.tolist() and clean
        assert len(set(lean.tolist())) == lean.size and ((lean >= 10) & (lean < 60)).all()
        assert (np.diff(level) >= 0).all() and (level < -np.log1p(-0.1)).all()


def test_too_many_replicates_are_refused_before_any_allocation():
    """The memory guard: 10^10 replicates stop at once with one line, not a MemoryError."""
    from simulator.errors import MemoryLimitError

    net = Network.from_edges([0, 0, 1], [1, 2, 3])
    with pytest.raises(
        MemoryLimitError,
        match=r"the replicates' results needs .*: lower replicates \(experiment\.replicates\)$",
    ):
        run_cascades(net, [0], IndependentCascade(0.1), replicates=10**10, seed=0)
