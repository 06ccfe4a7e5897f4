"""The CSR Network: construction, cleaning policy, labels, networkx round trips."""

import networkx as nx
import numpy as np
import pytest

from simulator import Network


def test_csr_layout_sorted_by_source_then_target():
    net = Network.from_edges([2, 0, 0, 1], [0, 2, 1, 2])
    assert net.indptr.tolist() == [0, 2, 3, 4]
    assert net.indices.tolist() == [1, 2, 2, 0]
    assert net.out_degree().tolist() == [2, 1, 1]
    assert net.in_degree().tolist() == [1, 1, 2]


def test_undirected_edge_becomes_two_arcs():
    net = Network.from_edges([0], [1], directed=False, weight=[0.3])
    assert net.m == 2 and net.undirected
    assert net.edges()[0].tolist() == [0, 1]
    assert net.strength.tolist() == [0.3, 0.3]


def test_cleaning_policy_drops_self_loops_and_merges_duplicates_keeping_strongest():
    net = Network.from_edges(
        [0, 0, 0, 1, 1],
        [0, 1, 1, 2, 2],
        weight=[1.0, 0.2, 0.7, 0.4, 0.1],
        trust=[0.5, 0.9, 0.1, 0.3, 0.6],
        arc_attrs={"count": [9, 2, 7, 4, 1]},
    )
    assert (net.m, net.cleaning.self_loops_dropped, net.cleaning.duplicates_merged) == (2, 1, 2)
    assert net.strength.tolist() == [0.7, 0.4]
    assert net.trust.tolist() == [0.9, 0.6]  # maximum trust among duplicates
    assert net.arc_attrs["count"].tolist() == [7, 4]  # raw columns follow the kept arc
    assert "1 self-loops dropped, 2 duplicate arcs merged" in str(net.cleaning)


def test_undirected_duplicates_counted_once():
    net = Network.from_edges([0, 1], [1, 0], directed=False)
    assert net.m == 2 and net.cleaning.duplicates_merged == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weight": [1.5]}, "weight must lie in [0, 1]"),
        ({"weight": [np.nan]}, "NaN"),
        ({"n": 1}, "edge refers to node 1 but n = 1"),
        ({"weight": [0.1, 0.2]}, "one value per edge"),
    ],
)
def test_bad_input_names_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Network.from_edges([0], [1], **kwargs)


def test_labels_round_trip_and_missing_label_error():
    net = Network.from_labeled_edges(["x", "y", "z"], ["y", "z", "x"], nodes=["lonely"])
    assert net.labels.tolist() == ["lonely", "x", "y", "z"]
    assert net.label_of(net.index_of(["z", "lonely"])).tolist() == ["z", "lonely"]
    with pytest.raises(KeyError, match="'nobody' does not exist"):
        net.index_of(["nobody"])


def test_layers_are_coded_and_named():
    net = Network.from_edges([0, 1], [1, 2], layer=["community", "broadcast"])
    assert net.layer_names == ("broadcast", "community")
    assert net.layer_of_arcs().tolist() == ["community", "broadcast"]


def test_networkx_round_trip_keeps_labels_and_attributes():
    g = nx.karate_club_graph()
    for u, v in g.edges():
        g[u][v]["weight"] = (u + v) / 100
        g[u][v]["trust"] = 0.5
    net = Network.from_networkx(g)
    assert (net.n, net.m) == (34, 2 * 78)
    assert "club" in net.node_attrs
    back = net.to_networkx()
    assert sorted(back.edges()) == sorted(tuple(sorted(e)) for e in g.edges())
    assert back[0][1]["weight"] == pytest.approx(0.01)
    assert back.nodes[0]["club"] == g.nodes[0]["club"]


def test_directed_networkx_round_trip_with_string_labels():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("a", "c")])
    net = Network.from_networkx(g)
    assert not net.undirected and net.m == 4
    back = net.to_networkx()
    assert set(back.edges()) == set(g.edges())


def test_reverse_arc_index():
    net = Network.from_edges([0, 1, 1], [1, 0, 2])
    assert net.reverse_arc_index().tolist() == [1, 0, -1]


def test_float_node_ids_are_refused_not_truncated():
    with pytest.raises(ValueError, match="src must hold integer node indices, got 0.5"):
        Network.from_edges([0.5], [1.7])
    with pytest.raises(ValueError, match="dst must hold integer node indices, got inf"):
        Network.from_edges([0.0], [np.inf])
    assert Network.from_edges([0.0, 1.0], [1.0, 2.0]).m == 2  # whole floats are fine
