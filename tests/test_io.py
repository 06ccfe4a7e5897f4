"""Readers and writers in simulator.network.io.

Dataset counts come from each dataset's PROVENANCE.md in the shared data
folder (located by CAMPAIGN_SIM_DATA, else ``shared/data`` beside the repo);
tests that need it are skipped when it is absent.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from simulator.network.core import Network
from simulator.network.io import (
    NetworkFileError,
    detect_format,
    read_events,
    read_network,
    read_node_attribute,
    write_edgelist,
    write_graphml,
)
from simulator.network.io_graph import graph_to_network, read_graphml_etree
from simulator.runs.build import data_dir

DATA = data_dir()  # the data folder of the data-path rule (simulator.runs.build)


@pytest.fixture
def data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared data folder not found at {DATA} (set CAMPAIGN_SIM_DATA)")
    return DATA


def arc_set(net: Network) -> set:
    src, dst = net.edges()
    return set(zip(net.labels[src].tolist(), net.labels[dst].tolist(), strict=True))


def ties(net: Network) -> dict:
    """Tie strength keyed by (source label, target label)."""
    src, dst = net.edges()
    pairs = zip(net.labels[src].tolist(), net.labels[dst].tolist(), strict=True)
    return dict(zip(pairs, net.strength.tolist(), strict=True))


def edge_set(net: Network) -> set:
    """Undirected edges as frozensets of labels."""
    return {frozenset(a) for a in arc_set(net)}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ------------------------------------------------------------------ datasets
def test_facebook_undirected(data):
    net = read_network(data / "facebook_ego_combined" / "facebook_combined.txt", directed=False)
    assert (net.n, net.m, net.undirected) == (4039, 2 * 88_234, True)
    assert net.name == "facebook_combined"
    assert net.cleaning.self_loops_dropped == 0 and net.cleaning.duplicates_merged == 0
    assert net.labels.dtype.kind == "i" and sorted(net.labels.tolist()) == list(range(4039))
    assert np.all(net.strength == 1.0) and net.arc_attrs == {}


def test_email_gzip_self_loops_and_departments(data):
    folder = data / "email_eu_core"
    net = read_network(folder / "email-Eu-core.txt.gz")
    assert (net.n, net.m, net.undirected) == (1005, 25_571 - 642, False)
    assert net.cleaning.arcs_in == 25_571 and net.cleaning.self_loops_dropped == 642
    graph = nx.read_edgelist(
        folder / "email-Eu-core.txt.gz", create_using=nx.DiGraph, nodetype=int
    )
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    assert arc_set(net) == set(graph.edges())

    net = read_node_attribute(folder / "email-Eu-core-department-labels.txt", net, "department")
    dept = net.node_attrs["department"]
    assert dept.shape == (1005,) and len(np.unique(dept)) == 42
    table = pd.read_csv(folder / "email-Eu-core-department-labels.txt", sep=" ", header=None)
    expected = dict(zip(table[0], table[1], strict=True))
    assert [expected[lab] for lab in net.labels.tolist()] == dept.tolist()


def test_bitcoin_signed_ratings_and_timestamps(data):
    path = data / "bitcoin_otc" / "soc-sign-bitcoinotc.csv.gz"
    net = read_network(path)
    assert (net.n, net.m, net.cleaning.self_loops_dropped) == (5881, 35_592, 0)
    rating, time = net.arc_attrs["weight"], net.arc_attrs["timestamp"]
    assert (rating.min(), rating.max()) == (-10, 10) and not np.any(rating == 0)
    assert np.all(net.strength == 1.0)  # signed weights are not strengths
    assert np.mean(rating > 0) == pytest.approx(0.8999, abs=5e-4)
    assert time.min() == pytest.approx(1289241911.7, abs=0.1)
    assert time.max() == pytest.approx(1453684323.8, abs=0.1)

    named = read_network(path, columns=("source", "target", "rating", "timestamp"))
    assert np.array_equal(named.arc_attrs["rating"], rating) and "weight" not in named.arc_attrs


def test_advogato_header_self_loops_and_weights(data):
    path = data / "advogato_trust" / "out.advogato"
    net = read_network(path)
    assert (net.n, net.cleaning.arcs_in, net.cleaning.self_loops_dropped) == (6539, 51_127, 3992)
    assert net.m == 51_127 - 3992 and net.cleaning.duplicates_merged == 0
    assert net.labels.dtype.kind == "i"  # the header line was skipped, not read as an edge
    assert set(np.round(net.strength, 6).tolist()) == {0.6, 0.8, 1.0}
    assert np.array_equal(net.strength, net.arc_attrs["weight"])  # max weight is 1.0
    rows = pd.read_csv(path, sep=" ", skiprows=1, header=None)
    assert rows[2].value_counts().to_dict() == {0.8: 22_570, 1.0: 18_003, 0.6: 10_554}
    kept = rows[rows[0] != rows[1]][2].value_counts().sort_index()
    values, counts = np.unique(net.arc_attrs["weight"], return_counts=True)
    assert values.tolist() == kept.index.tolist() and counts.tolist() == kept.tolist()


def test_ca_grqc_both_directions_undirected(data):
    path = data / "ca_grqc" / "CA-GrQc.txt"
    net = read_network(path, directed=False)
    assert (net.n, net.m) == (5242, 2 * (14_496 - 12))
    report = net.cleaning
    assert (report.arcs_in, report.self_loops_dropped, report.duplicates_merged) == (
        28_980,
        12,
        14_496 - 12,
    )
    graph = nx.read_edgelist(path, comments="#", nodetype=int)
    assert graph.number_of_edges() == 14_496 and nx.number_of_selfloops(graph) == 12
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    assert edge_set(net) == {frozenset(e) for e in graph.edges()}

    directed = read_network(path)  # default: directed, the file lists both directions
    assert directed.m == 28_980 - 12 and not directed.undirected


HIGGS = {  # nodes, nx.DiGraph edges (self-loops included), total weight: PROVENANCE.md
    "retweet": (256_491, 328_132, 354_930),
    "mention": (116_408, 150_818, 171_237),
    "reply": (38_918, 32_523, 36_902),
}


@pytest.mark.parametrize("kind", ["mention", "reply"])
def test_higgs_networks(data, kind):
    nodes, edges, total = HIGGS[kind]
    net = read_network(data / "higgs_twitter" / f"higgs-{kind}_network.edgelist.gz")
    assert net.n == nodes and net.cleaning.arcs_in == edges
    assert net.m + net.cleaning.self_loops_dropped == edges
    assert net.cleaning.duplicates_merged == 0
    weight = net.arc_attrs["weight"]
    assert np.allclose(net.strength, weight / weight.max()) and net.strength.max() == 1.0
    assert weight.sum() <= total


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["retweet", "mention", "reply"])
def test_higgs_against_networkx(data, kind):
    nodes, edges, total = HIGGS[kind]
    path = data / "higgs_twitter" / f"higgs-{kind}_network.edgelist.gz"
    net = read_network(path)
    graph = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int, data=[("weight", int)])
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    loops = list(nx.selfloop_edges(graph, data="weight"))
    assert net.cleaning.self_loops_dropped == len(loops)
    assert net.n == nodes and net.m == edges - len(loops)
    assert net.arc_attrs["weight"].sum() + sum(w for _, _, w in loops) == total


def test_higgs_retweet_reversed_columns(data):
    path = data / "higgs_twitter" / "higgs-retweet_network.edgelist.gz"
    net = read_network(path)
    flow = read_network(path, columns=("target", "source", "weight"))
    assert (flow.n, flow.m) == (256_491, 328_132)
    order = flow.index_of(net.labels)
    assert np.array_equal(flow.in_degree()[order], net.out_degree())


def test_higgs_activity_events(data):
    path = data / "higgs_twitter" / "higgs-activity_time.txt.gz"
    events = read_events(path)
    assert list(events.columns) == ["source", "target", "time", "kind"]
    assert len(events) == 563_069
    assert events["kind"].value_counts().to_dict() == {"RT": 354_930, "MT": 171_237, "RE": 36_902}
    assert pd.unique(events[["source", "target"]].to_numpy().ravel()).size == 304_691
    assert (events["time"].min(), events["time"].max()) == (1341100972, 1341705593)

    net = read_network(path, columns=("source", "target", "timestamp", "interaction"))
    assert net.cleaning.arcs_in == 563_069 and net.n == 304_691
    assert net.m + net.cleaning.self_loops_dropped + net.cleaning.duplicates_merged == 563_069


def lesmis_by_name(data: Path, suffix: str) -> Network:
    path = data / "format_samples" / f"lesmis.{suffix}"
    return read_network(path) if suffix == "net" else read_network(path, node_label="name")


def test_lesmis_three_formats(data):
    nets = {s: lesmis_by_name(data, s) for s in ("gml", "graphml", "net")}
    for net in nets.values():
        assert (net.n, net.m, net.undirected) == (77, 2 * 254, True)
        assert net.cleaning.duplicates_merged == 0
    assert edge_set(nets["gml"]) == edge_set(nets["graphml"]) == edge_set(nets["net"])
    assert "Myriel" in nets["net"].labels.tolist()
    gml, graphml = nets["gml"], nets["graphml"]
    assert np.array_equal(gml.labels, graphml.labels)
    assert np.array_equal(gml.indices, graphml.indices)
    assert np.array_equal(gml.arc_attrs["value"], graphml.arc_attrs["value"])
    assert np.allclose(gml.strength, graphml.strength) and gml.strength.max() == 1.0
    # lesmis.net carries no edge weights (PROVENANCE.md says "weighted"; the file has 2 columns)
    assert nets["net"].arc_attrs == {} and np.all(nets["net"].strength == 1.0)


def test_karate_three_writers(data):
    folder = data / "format_samples"
    igraph = read_network(folder / "karate_igraph.graphml")
    newman = read_network(folder / "karate_newman.gml")
    tool = read_network(folder / "karate_graphtool.graphml")  # networkx cannot read it
    for net in (igraph, newman, tool):
        assert (net.n, net.m, net.undirected) == (34, 2 * 78, True)

    def by_index(net, first):
        return {frozenset(int(str(x).lstrip("n")) - first for x in e) for e in edge_set(net)}

    assert by_index(igraph, 0) == by_index(newman, 1) == by_index(tool, 0)
    reference = {frozenset(e) for e in nx.karate_club_graph().edges()}
    assert by_index(newman, 1) == reference
    assert igraph.node_attrs["name"][0] == "Mr Hi" and "Faction" in igraph.node_attrs
    assert igraph.arc_attrs["weight"].max() == 7 and igraph.strength.max() == 1.0
    assert newman.node_attrs["value"].dtype.kind == "i"
    assert tool.node_attrs["pos"][0].startswith("-0x1.86")  # unknown type kept as text


def test_graphml_fallback_matches_networkx(data):
    path = data / "format_samples" / "karate_igraph.graphml"
    via_nx = read_network(path)
    via_etree = graph_to_network(read_graphml_etree(path), name=via_nx.name)
    assert np.array_equal(via_nx.labels, via_etree.labels)
    assert np.array_equal(via_nx.indices, via_etree.indices)
    assert np.array_equal(via_nx.strength, via_etree.strength)
    for key, values in via_nx.node_attrs.items():
        assert np.array_equal(values, via_etree.node_attrs[key])


def test_graph_format_directed_override(data):
    net = read_network(data / "format_samples" / "lesmis.gml", directed=True)
    assert (net.m, net.undirected) == (508, False)


# ------------------------------------------------------------------ edge-list parsing
@pytest.mark.parametrize(
    "text",
    [
        "1,2,0.5\n2,3,1.0\n",
        "1\t2\t0.5\r\n2\t3\t1.0\r\n",
        "  1   2 0.5\n2 3 1.0\n",
        "% sym weighted\n% 2 3 3\n1 2 0.5\n2 3 1.0\n",
        "# SNAP style\n# FromNodeId ToNodeId\n1 2 0.5\n\n2 3 1.0\n",
        "from to strength_value\n1 2 0.5\n2 3 1.0\n",
        "1 2 0.5\n# a comment in the middle\n2 3 1.0\n",
    ],
)
def test_edge_list_dialects(tmp_path, text):
    net = read_network(write(tmp_path / "g.txt", text))
    assert net.labels.tolist() == [1, 2, 3]
    assert net.strength.tolist() == [0.5, 1.0]
    assert net.arc_attrs["weight"].tolist() == [0.5, 1.0]


def test_string_labels_and_header_names(tmp_path):
    net = read_network(write(tmp_path / "g.csv", "target,source,w\nann,bob,2\nbob,cy,4\n"))
    assert net.labels.tolist() == ["bob", "cy", "ann"]  # arcs follow the header's names
    assert arc_set(net) == {("bob", "ann"), ("cy", "bob")}
    assert net.arc_attrs["w"].tolist() == [2, 4] and np.all(net.strength == 1.0)
    net = read_network(tmp_path / "g.csv", weight="w")
    assert sorted(net.strength.tolist()) == [0.5, 1.0]


def test_label_types_are_kept(tmp_path):
    net = read_network(write(tmp_path / "g.txt", "007 8\n8 9\n"))
    assert net.labels.tolist() == ["007", "8", "9"]  # zero-padded ids stay strings
    net = read_network(write(tmp_path / "h.txt", "-3 12345678901234\n"))
    assert net.labels.tolist() == [-3, 12345678901234] and net.labels.dtype == np.int64


def test_read_events_short_table(tmp_path):
    events = read_events(write(tmp_path / "ev.csv", "a,b,1.5\nb,c,2.5\n"))
    assert list(events.columns) == ["source", "target", "time"]
    assert events["source"].tolist() == ["a", "b"] and events["time"].tolist() == [1.5, 2.5]


def test_gzip_detected_by_content(tmp_path):
    path = tmp_path / "edges.dat"
    path.write_bytes(gzip.compress(b"1 2\n2 3\n"))
    assert read_network(path).m == 2
    plain = write(tmp_path / "plain.txt.gz", "1 2\n2 3\n")  # suffix lies, content is plain
    assert read_network(plain).m == 2


def test_detect_format():
    assert [detect_format(p) for p in ("a.gml", "a.GraphML", "a.xml.gz", "a.gexf", "a.paj")] == [
        "gml",
        "graphml",
        "graphml",
        "gexf",
        "pajek",
    ]
    assert detect_format("out.advogato") == detect_format("x.csv.gz") == "edgelist"


def test_pajek_parallel_edges_are_merged(tmp_path):
    text = '*Vertices 3\n1 "a"\n2 "b"\n3 "c"\n*Edges\n1 2 2\n1 2 5\n2 3 1\n3 3 9\n'
    net = read_network(write(tmp_path / "multi.net", text))
    assert (net.n, net.m, net.undirected) == (3, 4, True)
    assert (net.cleaning.duplicates_merged, net.cleaning.self_loops_dropped) == (1, 1)
    assert ties(net) == {("a", "b"): 1.0, ("b", "a"): 1.0, ("b", "c"): 0.2, ("c", "b"): 0.2}


def test_gexf_via_networkx(tmp_path):
    graph = nx.karate_club_graph()
    nx.write_gexf(graph, tmp_path / "karate.gexf")
    net = read_network(tmp_path / "karate.gexf")
    assert (net.n, net.m, net.undirected) == (34, 156, True)
    assert sorted(net.labels.tolist()) == list(range(34))
    assert edge_set(net) == {frozenset(e) for e in graph.edges()}
    assert net.arc_attrs["weight"].max() == 7 and net.strength.max() == 1.0


# ------------------------------------------------------------------ round trips
def sample_network(directed: bool, labels) -> Network:
    return Network.from_labeled_edges(
        [labels[0], labels[1], labels[2], labels[0]],
        [labels[1], labels[2], labels[0], labels[3]],
        directed=directed,
        nodes=[labels[4]],  # isolated
        weight=[0.125, 0.3, 1 / 3, 0.9],
        trust=[0.5, 0.25, 1.0, 0.0],
        layer=["community", "broadcast", "community", "community"],
        arc_attrs={"rating": np.array([3, -1, 7, 10])},
        node_attrs={"dept": np.arange(5)},
        name="sample",
    )


def assert_same(a: Network, b: Network, extras: bool) -> None:
    """Same nodes, arcs and strengths; with ``extras`` also the same node order and
    attributes (edge lists list isolated nodes first, so their order may differ)."""
    assert (a.n, a.m, a.undirected) == (b.n, b.m, b.undirected)
    assert sorted(map(str, a.labels.tolist())) == sorted(map(str, b.labels.tolist()))
    assert {type(x) for x in a.labels.tolist()} == {type(x) for x in b.labels.tolist()}
    assert ties(a) == ties(b)
    if extras:
        assert a.labels.tolist() == b.labels.tolist()
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.strength, b.strength)
        assert np.array_equal(a.trust, b.trust)
        assert a.layer_of_arcs().tolist() == b.layer_of_arcs().tolist()
        assert np.array_equal(a.arc_attrs["rating"], b.arc_attrs["rating"])
        assert np.array_equal(a.node_attrs["dept"], b.node_attrs["dept"])


LABELS = [[10, 20, 30, 40, 50], ["ann", "bob smith", "cy", "dee", "eve"]]


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("suffix", [".tsv", ".tsv.gz"])
def test_edgelist_round_trip(tmp_path, directed, labels, suffix):
    net = sample_network(directed, labels)
    path = tmp_path / f"sample{suffix}"
    write_edgelist(net, path)
    assert_same(net, read_network(path), extras=False)
    write_edgelist(net, path, weights=False)
    back = read_network(path)
    assert back.n == net.n and np.all(back.strength == 1.0)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("suffix", [".graphml", ".graphml.gz"])
def test_graphml_round_trip(tmp_path, directed, labels, suffix):
    net = sample_network(directed, labels)
    path = tmp_path / f"sample{suffix}"
    write_graphml(net, path)
    assert_same(net, read_network(path), extras=True)
    assert_same(net, graph_to_network(read_graphml_etree(path)), extras=True)


def test_writers_are_deterministic(tmp_path):
    net = sample_network(True, LABELS[0])
    for writer, name in ((write_edgelist, "a.tsv.gz"), (write_graphml, "a.graphml.gz")):
        writer(net, tmp_path / name)
        first = (tmp_path / name).read_bytes()
        writer(net, tmp_path / name)
        assert (tmp_path / name).read_bytes() == first


def test_dataset_round_trip(data, tmp_path):
    net = read_network(data / "advogato_trust" / "out.advogato")
    write_edgelist(net, tmp_path / "advogato.tsv.gz")
    assert_same(net, read_network(tmp_path / "advogato.tsv.gz"), extras=False)
    write_graphml(net, tmp_path / "advogato.graphml")
    back = read_network(tmp_path / "advogato.graphml")
    assert_same(net, back, extras=False)
    assert np.array_equal(back.labels, net.labels)
    assert np.array_equal(back.arc_attrs["weight"], net.arc_attrs["weight"])


def test_writer_rejects_tab_in_label(tmp_path):
    net = Network.from_labeled_edges(["a\tb"], ["c"])
    with pytest.raises(ValueError, match="tab or line break"):
        write_edgelist(net, tmp_path / "x.tsv")


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2\n2 3\n3\n", "out.edges line 3: expected at least 2 columns, got 1"),
        ("1 2 1\n2 3 heavy\n", "out.edges line 2: weight 'heavy' is not a number"),
        ("# c\n1 2 1\n2 3 nan\n", "out.edges line 3: weight 'nan' is not a number"),
        ("1 2\n2 3 4\n", "out.edges line 2: expected 2 columns (as on line 1), got 3"),
        ("1,2,3\n4,,6\n", "out.edges line 2: column 2 is empty"),
        ("", "out.edges: empty file"),
        ("# only\n% comments\n\n", "out.edges: empty file"),
    ],
)
def test_malformed_edge_lists(tmp_path, text, message):
    path = write(tmp_path / "out.edges", text)
    with pytest.raises(NetworkFileError) as info:
        read_network(path)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(NetworkFileError, match=r"nothere\.txt: no such file"):
        read_network(tmp_path / "nothere.txt")


def test_bad_gzip_and_encoding(tmp_path):
    path = tmp_path / "cut.txt.gz"
    whole = gzip.compress("".join(f"{i} {i + 1}\n" for i in range(5000)).encode())
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(NetworkFileError, match=r"cut\.txt\.gz: corrupt gzip"):
        read_network(path)
    path = tmp_path / "latin.txt"
    path.write_bytes("1 2\n\xe9 3\n".encode("latin-1"))
    with pytest.raises(NetworkFileError, match=r"latin\.txt: not UTF-8"):
        read_network(path)


def test_malformed_graph_files(tmp_path):
    text = '<?xml version="1.0"?>\n<graphml>\n<graph>\n</graphml>\n'
    path = write(tmp_path / "bad.graphml", text)
    with pytest.raises(NetworkFileError, match=r"bad\.graphml line 4: invalid XML"):
        read_network(path)
    path = write(tmp_path / "bad.gml", "graph [ node [ id 1 ] node [ id 1 ] ]")
    with pytest.raises(NetworkFileError, match=r"bad\.gml: cannot read as gml"):
        read_network(path)


def test_bad_options(tmp_path):
    path = write(tmp_path / "g.txt", "1 2\n")
    with pytest.raises(ValueError, match="unknown format 'dot'"):
        read_network(path, format="dot")
    with pytest.raises(ValueError, match="'source' and 'target'"):
        read_network(path, columns=("from", "to"))
    with pytest.raises(NetworkFileError, match="3 column names given but the line has 2"):
        read_network(path, columns=("source", "target", "weight"))
    with pytest.raises(NetworkFileError, match="no edge column or attribute 'w'"):
        read_network(path, weight="w")


def test_node_attribute_errors_and_default(tmp_path):
    net = Network.from_labeled_edges([1, 2], [2, 3])
    path = write(tmp_path / "dept.txt", "1 a\n2 b\n")
    message = r"dept\.txt: no value for 1 of 3 nodes \(e\.g\. 3\)"
    with pytest.raises(NetworkFileError, match=message):
        read_node_attribute(path, net, "dept")
    with pytest.raises(ValueError, match="column must be a positive integer"):
        read_node_attribute(path, net, "dept", column=0)
    out = read_node_attribute(path, net, "dept", default="none")
    assert out.node_attrs["dept"].tolist() == ["a", "b", "none"] and net.node_attrs == {}
    with pytest.raises(NetworkFileError, match="listed twice"):
        read_node_attribute(write(tmp_path / "dup.txt", "1 a\n1 b\n"), net, "dept")
