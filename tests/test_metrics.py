"""Metrics of the event log: exact values on hand-built logs, agreement with the engines.

Structural virality has closed forms on stars and paths and a brute-force
oracle (networkx's mean shortest-path length) on random trees; generations
are checked on logs whose steps are not generations; splits must sum to the
totals, and totals must equal what ``run_cascades`` reports.
"""

import networkx as nx
import numpy as np
import pytest

from simulator import Campaign, IndependentCascade, Network, run_cascades
from simulator.analysis import metrics
from simulator.analysis.branching import galton_watson
from simulator.cascade_log import ACTION_CODE, CascadeLog
from simulator.network import generators as gen
from simulator.network.tie_strength import random_strength
from simulator.population import Population, PopulationSpec


def hand_log(rows, replicates=1, layer_names=()):
    """A log from (replicate, node, parent, step, action, tie, layer, amount) rows."""
    cols = list(zip(*rows, strict=True))
    return CascadeLog(
        replicate=np.array(cols[0], np.int32),
        node=np.array(cols[1], np.int32),
        parent=np.array(cols[2], np.int32),
        step=np.array(cols[3], np.int32),
        action=np.array([ACTION_CODE[a] for a in cols[4]], np.int8),
        tie=np.array(cols[5], np.float32),
        layer=np.array(cols[6], np.int8),
        amount=np.array(cols[7], np.float32),
        replicates=replicates,
        layer_names=tuple(layer_names),
    )


def tree_log(parent, replicate=0, replicates=1):
    """An IC-style log of one tree given by parent indices (node i, parent[i])."""
    rows = [
        (replicate, i, p, 0, "seed" if p < 0 else "activate", np.nan if p < 0 else 1.0, -1, 0.0)
        for i, p in enumerate(parent)
    ]
    return hand_log(rows, replicates)


# ------------------------------------------------------ structural virality
@pytest.mark.parametrize("n", [2, 3, 5, 10, 101])
def test_structural_virality_of_a_star_and_a_path_is_exact(n):
    star = [-1] + [0] * (n - 1)
    path = [-1] + list(range(n - 1))
    assert metrics.tree_structural_virality(star) == pytest.approx(2 * (n - 1) / n, rel=1e-12)
    assert metrics.tree_structural_virality(path) == pytest.approx((n + 1) / 3, rel=1e-12)
    # the same through a log, and a star broadcast from the engine
    assert metrics.structural_virality(tree_log(path))[0] == pytest.approx((n + 1) / 3)
    hub = Network.from_edges(np.zeros(n - 1, int), np.arange(1, n))
    log = run_cascades(hub, [0], IndependentCascade(1.0), replicates=1, seed=0).log
    assert metrics.structural_virality(log)[0] == pytest.approx(2 * (n - 1) / n)


def test_structural_virality_matches_brute_force_on_random_trees():
    rng = np.random.default_rng(5)
    for size in (2, 7, 60, 400):
        parent = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, size)])
        g = nx.Graph([(i, int(p)) for i, p in enumerate(parent) if p >= 0])
        expected = nx.average_shortest_path_length(g)
        assert metrics.tree_structural_virality(parent) == pytest.approx(expected, rel=1e-12)


def test_structural_virality_of_a_forest_is_the_size_weighted_mean_over_trees():
    # replicate 0: a star of 5 (1.6), a path of 3 (4/3) and a lone seed (no pairs)
    star = [(0, 0, -1, 0, "seed", np.nan, -1, 0)] + [
        (0, v, 0, 1, "activate", 1, -1, 0) for v in (1, 2, 3, 4)
    ]
    path = [(0, 10, -1, 0, "seed", np.nan, -1, 0), (0, 11, 10, 1, "activate", 1, -1, 0)]
    path += [(0, 12, 11, 2, "activate", 1, -1, 0), (0, 20, -1, 0, "seed", np.nan, -1, 0)]
    lone = [(1, 7, -1, 0, "seed", np.nan, -1, 0)]  # replicate 1: nothing but a seed
    log = hand_log(star + path + lone, replicates=3)  # replicate 2: no events at all
    nu = metrics.structural_virality(log)
    assert nu[0] == pytest.approx((5 * 1.6 + 3 * 4 / 3) / 8)
    assert np.isnan(nu[1]) and np.isnan(nu[2])
    assert sorted(metrics.cascade_sizes(log).tolist()) == [1, 1, 3, 5]


def test_cycles_in_parent_links_are_rejected():
    log = hand_log(
        [(0, 1, 2, 1, "activate", 1, -1, 0), (0, 2, 1, 1, "activate", 1, -1, 0)], replicates=1
    )
    with pytest.raises(ValueError, match="cycle"):
        metrics.cascade_forest(log)
    with pytest.raises(ValueError, match="exactly one root"):
        metrics.tree_structural_virality([-1, -1])


# ------------------------------------------------------------- generations
def test_generations_come_from_parents_not_steps():
    # funnel-like: the seed's post is seen at step 0 by 1 and at step 3 by 2;
    # 1 shares and 3 sees it at step 1; 2 is also reached by 3 at step 2 (first wins)
    rows = [
        (0, 0, -1, 0, "seed", np.nan, -1, 0),
        (0, 1, 0, 0, "impression", 0.9, -1, 0),
        (0, 1, 0, 0, "share", 0.9, -1, 0),
        (0, 3, 1, 1, "impression", 0.2, -1, 0),
        (0, 3, 1, 1, "share", 0.2, -1, 0),
        (0, 2, 0, 3, "impression", 0.8, -1, 0),
        (0, 2, 3, 2, "impression", 0.1, -1, 0),
        (1, 5, -1, 0, "seed", np.nan, -1, 0),
    ]
    log = hand_log(rows, replicates=3)
    f = metrics.cascade_forest(log)
    got = {
        (int(r), int(v)): int(g) for r, v, g in zip(f.replicate, f.node, f.generation, strict=True)
    }
    assert got == {(0, 0): 0, (0, 1): 1, (0, 2): 3, (0, 3): 2, (1, 5): 0}
    assert f.tie[(f.replicate == 0) & (f.node == 2)][0] == pytest.approx(0.1)  # via 3, first
    assert metrics.generation_sizes(log).tolist() == [[1, 1, 1, 1], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert metrics.depth(log).tolist() == [3, 0, 0]
    assert metrics.reach_by_step(log).tolist() == [[2, 3, 4], [1, 1, 1], [0, 0, 0]]
    # the adoption tree holds the seeds and the sharers only
    adopt = metrics.generation_sizes(log, metrics.ADOPTED)
    assert adopt.tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    per_tree = metrics.cascade_forest(log).generation_sizes(per="tree")
    assert per_tree.tolist() == [[1, 1, 1, 1], [1, 0, 0, 0]]


def test_time_to_fraction_of_the_network_or_of_the_final_reach():
    log = tree_log([-1, 0, 1, 2, 3])  # a path: one more node per step
    log.step[:] = np.arange(5)
    assert metrics.time_to_fraction(log, 0.4).tolist() == [1.0]  # 2 of 5
    assert metrics.time_to_fraction(log, 1.0).tolist() == [4.0]
    assert metrics.time_to_fraction(log, 0.3, n=10).tolist() == [2.0]  # 3 of 10
    assert np.isnan(metrics.time_to_fraction(log, 0.6, n=10)[0])
    with pytest.raises(ValueError, match="fraction"):
        metrics.time_to_fraction(log, 0.0)


def test_branching_log_generations_equal_its_steps():
    log = galton_watson(5, 1.3, np.random.default_rng(2), replicates=7, generations=6)
    f = metrics.cascade_forest(log)
    order = np.lexsort((log.node, log.replicate))
    assert np.array_equal(f.generation, log.step[order])
    assert np.array_equal(metrics.generation_sizes(log).sum(1), np.bincount(log.replicate))


# ------------------------------------------------- agreement with engines
def test_independent_cascade_metrics_equal_the_engine_totals():
    net = gen.erdos_renyi(600, 4.0, np.random.default_rng(1))
    res = run_cascades(net, [0, 1, 2], IndependentCascade(0.3), replicates=40, seed=3)
    log = res.log
    assert np.array_equal(metrics.reach(log), res.reach)
    assert np.array_equal(metrics.depth(log), res.depth)  # IC: step == generation
    f = metrics.cascade_forest(log)
    assert np.array_equal(f.generation, f.step)
    assert np.array_equal(metrics.generation_sizes(log).sum(1), res.reach)
    assert np.array_equal(metrics.reach_by_step(log)[:, -1], res.reach)
    assert metrics.cascade_sizes(log).sum() == res.reach.sum()


@pytest.fixture(scope="module")
def funnel_run():
    rng = np.random.default_rng(4)
    base = gen.barabasi_albert(800, 3, rng)
    src, dst = base.edges()
    layers = np.where(rng.random(src.size) < 0.3, "community", "broadcast")
    net = Network.from_edges(src, dst, n=base.n, layer=layers)
    net = random_strength(net, 2.0, 2.0, rng, symmetric=False)
    pop = Population.draw(PopulationSpec(), net, np.random.default_rng(5))
    campaign = Campaign(appeal=0.9, share_rate=0.6, conversion_rate=0.3, population=pop)
    return run_cascades(net, [0, 1, 2, 3, 4], campaign, replicates=30, seed=6)


def _reorder(log: CascadeLog, order: np.ndarray) -> CascadeLog:
    fields = ("replicate", "node", "parent", "step", "action", "tie", "layer", "amount")
    return CascadeLog(
        **{f: getattr(log, f)[order] for f in fields},
        replicates=log.replicates,
        layer_names=log.layer_names,
    )


def test_first_event_is_the_earliest_step_then_the_earliest_row():
    rows = [
        (0, 0, -1, 0, "seed", np.nan, -1, 0.0),
        (0, 5, -1, 0, "seed", np.nan, -1, 0.0),
        (0, 1, 0, 3, "impression", 0.2, -1, 0.0),  # logged first, seen later
        (0, 1, 5, 1, "impression", 0.9, -1, 0.0),  # the first time 1 saw it
        (0, 1, 0, 1, "impression", 0.4, -1, 0.0),  # same step, later row
    ]
    fast = metrics.cascade_forest(hand_log(rows))  # replicates in order: one pass
    assert fast.step.tolist() == [0, 1, 0] and fast.tie[1] == np.float32(0.9)
    assert fast.parent.tolist() == [-1, 2, -1]  # node 1 reached from node 5
    # replicate 1 logged before replicate 0: the sorting path, same choice
    again = [(1, *row[1:]) for row in rows]
    slow = metrics.cascade_forest(hand_log(again + rows, replicates=2))
    assert slow.replicate.tolist() == [0, 0, 0, 1, 1, 1]
    assert slow.step.tolist() == [0, 1, 0] * 2 and slow.parent.tolist() == [-1, 2, -1, -1, 5, -1]
    assert slow.tie[[1, 4]].tolist() == [np.float32(0.9)] * 2
    # sparse raw ids (a hand-built log): sorted, no node-indexed scratch of 10^9
    sparse = [(0, 10**9, -1, 0, "seed", np.nan, -1, 0.0), (0, 7, 10**9, 1, "activate", 1, -1, 0)]
    assert metrics.cascade_forest(hand_log(sparse)).parent.tolist() == [1, -1]


def test_forest_of_a_log_in_any_replicate_order_is_the_same(funnel_run):
    log = funnel_run.log
    # replicates in reverse (the sorting path), each replicate's rows kept in order
    back = _reorder(log, np.lexsort((np.arange(len(log)), -log.replicate.astype(np.int64))))
    a, b = metrics.cascade_forest(log), metrics.cascade_forest(back)
    for name in ("replicate", "node", "parent", "step", "generation", "root", "subtree", "layer"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.tie, b.tie, equal_nan=True)
    assert np.array_equal(metrics.reach(log), metrics.reach(back))


def test_funnel_metrics_equal_the_engine_totals(funnel_run):
    res = funnel_run
    t = metrics.totals(res.log)
    assert np.array_equal(t["reach"], res.reach)
    for name in ("impressions", "clicks", "shares", "conversions"):
        assert np.array_equal(t[name], res.totals[name]), name
    assert np.allclose(t["amount"], res.totals["amount"], rtol=1e-5)
    assert (res.totals["conversions"] > 0).any() and (res.totals["shares"] > 0).any()
    ipc = metrics.impressions_per_conversion(res.log)
    conv = res.totals["conversions"]
    assert np.allclose(ipc[conv > 0], res.totals["impressions"][conv > 0] / conv[conv > 0])
    assert np.isnan(ipc[conv == 0]).all()


@pytest.mark.parametrize("by", ["tie", "layer"])
def test_splits_sum_to_the_totals(funnel_run, by):
    log = funnel_run.log
    totals = metrics.totals(log)
    for metric, total in totals.items():
        parts = metrics.split(log, metric, by=by, threshold=0.5)
        assert np.allclose(sum(parts.values()), total), metric
        if by == "tie":
            assert set(parts) == {"strong", "weak", "none"}
            # only reach has tie-less members (the seeds)
            expected_none = log.counts("seed") if metric == "reach" else 0
            assert np.array_equal(parts["none"], np.broadcast_to(expected_none, total.shape))
        else:
            assert set(parts) == {"broadcast", "community", "none"}
    table = metrics.replicate_table(log, tie_threshold=0.5, layers=True)
    assert len(table) == log.replicates
    assert np.array_equal(
        table["conversions_strong"] + table["conversions_weak"], totals["conversions"]
    )


def test_tie_split_follows_the_threshold():
    rows = [
        (0, 0, -1, 0, "seed", np.nan, -1, 0),
        (0, 1, 0, 1, "impression", 0.7, 0, 0),
        (0, 1, 0, 1, "convert", 0.7, 0, 20.0),
        (0, 2, 0, 1, "impression", 0.3, 1, 0),
        (0, 2, 0, 1, "convert", 0.3, 1, 5.0),
    ]
    log = hand_log(rows, layer_names=("friends", "followers"))
    amount = metrics.split(log, "amount", by="tie", threshold=0.5)
    assert (amount["strong"][0], amount["weak"][0], amount["none"][0]) == (20.0, 5.0, 0.0)
    assert metrics.split(log, "conversions", by="tie", threshold=0.2)["strong"].tolist() == [2]
    reach = metrics.split(log, "reach", by="layer")
    assert {k: v.tolist() for k, v in reach.items()} == {
        "friends": [1],
        "followers": [1],
        "none": [1],
    }
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.split(log, "likes")
    with pytest.raises(ValueError, match="by must be"):
        metrics.split(log, "reach", by="colour")


def test_ccdf():
    x, p = metrics.ccdf([3, 1, 2, 2])
    assert x.tolist() == [1, 2, 3] and p.tolist() == [1.0, 0.75, 0.25]
    x, p = metrics.ccdf([])
    assert x.size == 0 and p.size == 0
