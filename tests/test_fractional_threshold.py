"""Watts' fractional threshold model: exact cases, equivalences, and the cascade window.

Statistical tolerances are 4 standard errors at fixed seeds (not searched
for); each standard error is derived in a comment.
"""

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from simulator import ComplexContagion, Network, run_cascades
from simulator.analysis.cascade_window import (
    cascade_condition,
    poisson_degree_law,
    top_degree_law,
    trigger_probability,
)
from simulator.engine.textbook import FractionalThreshold
from simulator.network.generators import erdos_renyi, ring_lattice
from simulator.rng import stream

SEED = 2002  # fixed, not searched for


def star(leaves: int) -> Network:
    return Network.from_edges(np.zeros(leaves, int), np.arange(1, leaves + 1), directed=False)


def reach(net, seeds, phi, replicates=1, seed=0):
    return run_cascades(
        net, seeds, FractionalThreshold(phi), replicates, seed=seed, log=False
    ).reach


# ------------------------------------------------------------------ exact cases
def test_ring_lattice_spreads_everywhere_iff_one_neighbour_in_four_suffices():
    ring = ring_lattice(20, 4)
    res = run_cascades(ring, [0], FractionalThreshold(0.25), 1, seed=0)
    assert res.reach.tolist() == [20]
    assert res.depth.tolist() == [5]  # two nodes further each way per step; node 10 is 5 away
    assert sorted(res.log.node.tolist()) == list(range(20))
    assert reach(ring, [0], 0.2).tolist() == [20]
    assert reach(ring, [0], 0.26).tolist() == [1]  # 1/4 < 0.26: nobody moves


def test_ring_lattice_two_adjacent_seeds_spread_iff_phi_at_most_one_half():
    ring = ring_lattice(30, 4)
    assert reach(ring, [0, 1], 0.5).tolist() == [30]  # node 2 sees 0 and 1 of its 4
    assert reach(ring, [0, 1], 0.51).tolist() == [2]
    assert reach(ring, [0, 2], 0.5).tolist() == [30]  # node 1 sees both seeds


def test_star_with_phi_one_centre_needs_every_leaf():
    net = star(10)
    assert reach(net, [1], 1.0).tolist() == [1]
    assert reach(net, list(range(1, 10)), 1.0).tolist() == [9]
    # all ten: 10 x 0.1 sums to 0.9999999999999999 in floating point, yet 10/10 >= 1
    assert reach(net, list(range(1, 11)), 1.0).tolist() == [11]
    assert reach(net, [0], 1.0).tolist() == [11]  # each leaf's only neighbour is the centre


def test_threshold_is_reached_at_the_exact_fraction():
    net = star(50)  # the centre sees 50 leaves; 9/50 == 0.18
    assert reach(net, list(range(1, 10)), 0.18).tolist() == [51]
    assert reach(net, list(range(1, 9)), 0.18).tolist() == [8]
    net = star(10)  # 1/10 == 0.1 as the user reads it (0.1 is a hair above 1/10 in binary)
    assert reach(net, [1], 0.1).tolist() == [11]


def test_required_counts_are_the_smallest_fraction_at_least_phi():
    src, dst = [], []
    for k in range(1, 121):  # node k sees k accounts
        src += list(range(1000, 1000 + k))
        dst += [k] * k
    net = Network.from_edges(src, dst)
    k = net.in_degree()
    for phi in (0.01, 0.1, 0.18, 0.2, 0.25, 1 / 3, 0.3, 0.7, 0.9, 1.0):
        counts = FractionalThreshold(phi).required_counts(net)
        expected = [min(m for m in range(1, kv + 1) if m / kv >= phi) if kv else 0 for kv in k]
        assert counts.tolist() == expected, phi


def test_fraction_counts_in_neighbours_only():
    # 0, 1, 3 -> 2 -> 4: node 2 sees three accounts; its own audience does not count
    net = Network.from_edges([0, 1, 3, 2], [2, 2, 2, 4])
    assert reach(net, [0], 0.5).tolist() == [1]
    assert reach(net, [0, 1], 0.5).tolist() == [4]  # 2/3 >= 0.5, then 4 sees 1/1


def test_deterministic_whatever_the_keys():
    net = erdos_renyi(2_000, 4.0, stream(SEED, "network"))
    seeds = stream(SEED, "seeding").integers(net.n, size=(50, 1))
    a = run_cascades(net, seeds, FractionalThreshold(0.18), 50, seed=1, log=False).reach
    b = run_cascades(net, seeds, FractionalThreshold(0.18), 50, seed=2, log=False).reach
    assert (a == b).all()
    logged = run_cascades(net, seeds, FractionalThreshold(0.18), 50, seed=1)
    assert (logged.reach == a).all()
    assert (np.bincount(logged.log.replicate, minlength=50) == a).all()


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan"), "x"])
def test_phi_out_of_range_is_rejected(bad):
    with pytest.raises(ValueError, match="phi must be in"):
        FractionalThreshold(bad)


# ------------------------------------------------------------------ equivalences
@pytest.mark.parametrize("phi, k", [(2 / 6, 2), (0.34, 3), (0.5, 3), (0.51, 4)])
def test_equals_complex_contagion_on_a_regular_lattice(phi, k):
    """On a 6-regular lattice, fraction phi is the count ceil(6 phi) (Centola & Macy 2007)."""
    ring = ring_lattice(60, 6)
    start = stream(SEED, "seeding", k).integers(60, size=40)
    seeds = np.stack([start, (start + 1) % 60, (start + 2) % 60], axis=1)  # 3 in a row
    a = run_cascades(ring, seeds, FractionalThreshold(phi), 40, seed=0)
    b = run_cascades(ring, seeds, ComplexContagion(k=k), 40, seed=0)
    assert (a.reach == b.reach).all() and (a.depth == b.depth).all()
    assert (a.log.node == b.log.node).all() and (a.log.parent == b.log.parent).all()


def test_phi_below_every_inverse_degree_fills_the_seed_component():
    net = erdos_renyi(3_000, 1.5, stream(SEED, "network", 1))
    phi = 1.0 / net.in_degree().max()
    adj = csr_matrix((np.ones(net.m), net.indices, net.indptr), shape=(net.n, net.n))
    _, label = connected_components(adj, directed=False)
    size = np.bincount(label)
    seeds = stream(SEED, "seeding", 1).integers(net.n, size=(200, 1))
    assert (reach(net, seeds, phi, 200) == size[label[seeds[:, 0]]]).all()


# ------------------------------------------------------------- the cascade window
N = 10_000
R = 1_000
#: Network-to-network sd of P(global | random seed) for G(10^4, z/n), phi = 0.18,
#: z = 3 and 4, measured once exactly (every node seeded) on 10 networks: 0.007.
NETWORK_SD = 0.007


def global_frequency(z: float) -> float:
    net = erdos_renyi(N, z, stream(SEED, "network", int(z * 1000)))
    seeds = stream(SEED, "seeding.random", int(z * 1000)).integers(N, size=(R, 1))
    return float((reach(net, seeds, 0.18, R) >= 0.1 * N).mean())


def test_theory_cascade_window_at_phi_018():
    """Watts (2002): vulnerable nodes (degree <= 5) percolate for z between about 1 and 5.75."""
    assert cascade_condition(poisson_degree_law(1.0), 0.18) < 1
    assert cascade_condition(poisson_degree_law(1.1), 0.18) > 1
    assert cascade_condition(poisson_degree_law(5.7), 0.18) > 1
    assert cascade_condition(poisson_degree_law(5.8), 0.18) < 1


@pytest.mark.parametrize("z", [1.0, 12.0])
def test_no_global_cascades_outside_the_window(z):
    # Were P(global) 0.05, R = 1000 trials would show 0.05 +- 0.0069 (binomial SE);
    # the frequency must lie more than 4 such SE below it.
    p = 0.05
    assert global_frequency(z) < p - 4 * np.sqrt(p * (1 - p) / R)


@pytest.mark.parametrize("z", [2.0, 3.0, 4.0])
def test_global_cascade_frequency_inside_the_window_matches_theory(z):
    """P(global) from a random seed = P(it touches the giant vulnerable cluster) (n -> inf)."""
    theory = trigger_probability(poisson_degree_law(z), 0.18)
    freq = global_frequency(z)
    # SE: binomial sqrt(p (1 - p) / R) ~ 0.011, and NETWORK_SD for the one network drawn.
    se = np.hypot(np.sqrt(theory * (1 - theory) / R), NETWORK_SD)
    assert abs(freq - theory) < 4 * se, (z, freq, theory)


def test_global_cascades_near_the_upper_edge_are_still_common():
    # z = 5: theory 0.69 (n -> inf); a frequency 4 binomial SE above 0.5 is clearly positive.
    freq = global_frequency(5.0)
    assert freq > 0.5 + 4 * np.sqrt(0.25 / R)


def test_theory_top_degree_law_and_multiplier_in_the_window():
    pk = poisson_degree_law(4.0)
    top = top_degree_law(pk, 0.1)
    assert np.isclose(top.sum(), 1.0) and top[:7].sum() == 0.0  # P(k >= 8) < 0.1 < P(k >= 7)
    ratio = trigger_probability(pk, 0.18, top) / trigger_probability(pk, 0.18)
    assert 1.1 < ratio < 1.2
