"""Issue 14, property-based tests (hypothesis): round trips of every format the project
writes, reads with BOMs, CRLF and unicode labels, and bounded fuzzing of the readers and the
cascade importer (only the documented one-line errors may come out)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis.cascade_import import cascades_from_parent_child, read_cascades
from simulator.errors import CampaignSimError
from simulator.network.core import Network
from simulator.network.io import read_network, write_edgelist, write_gexf, write_graphml

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
TMP = Path(tempfile.mkdtemp(prefix="campaign-sim-hyp-"))

label_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=8,
).filter(lambda s: s.strip() == s and not s.lstrip("-").isdigit() and s[0] not in "#%")


@st.composite
def networks(draw):
    n = draw(st.integers(2, 12))
    labels = draw(st.lists(label_text, min_size=n, max_size=n, unique=True))
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=30)
    )
    pairs = [(a, b) for a, b in pairs if a != b] or [(0, 1)]
    weights = draw(st.lists(st.floats(0.01, 1.0), min_size=len(pairs), max_size=len(pairs)))
    directed = draw(st.booleans())
    src = [labels[a] for a, _ in pairs]
    dst = [labels[b] for _, b in pairs]
    return Network.from_labeled_edges(src, dst, weight=weights, directed=directed)


@FAST
@given(net=networks(), fmt=st.sampled_from(["tsv", "tsv.gz", "graphml", "gexf", "graphml.gz"]))
def test_every_written_format_round_trips(net, fmt):
    writer = {"tsv": write_edgelist, "graphml": write_graphml, "gexf": write_gexf}
    path = TMP / f"net.{fmt}"
    writer[fmt.split(".")[0]](net, path)
    back = read_network(path)
    order = np.argsort(back.labels.astype(str))
    assert sorted(back.labels.tolist()) == sorted(net.labels.tolist())
    assert (back.n, back.m, back.undirected) == (net.n, net.m, net.undirected)
    mine = dict(zip(zip(*[net.labels[e] for e in net.edges()]), net.strength, strict=True))  # noqa: B905
    theirs = dict(zip(zip(*[back.labels[e] for e in back.edges()]), back.strength, strict=True))  # noqa: B905
    assert mine.keys() == theirs.keys() and order.size == net.n
    assert all(abs(mine[k] - theirs[k]) < 1e-12 for k in mine)


@FAST
@given(
    rows=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=40),
    bom=st.booleans(),
    crlf=st.booleans(),
    sep=st.sampled_from([",", "\t", " "]),
    header=st.booleans(),
)
def test_edge_lists_read_the_same_with_bom_crlf_and_headers(rows, bom, crlf, sep, header):
    newline = "\r\n" if crlf else "\n"
    lines = ([f"source{sep}target"] if header else []) + [f"{a}{sep}{b}" for a, b in rows]
    path = TMP / "edges.txt"
    path.write_bytes(("\ufeff" if bom else "").encode() + newline.join(lines).encode())
    net = read_network(path)
    kept = {(a, b) for a, b in rows if a != b}
    assert net.m == len(kept)
    assert set(net.labels.tolist()) == {x for pair in rows for x in pair}


@FAST
@given(rows=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 5))))
def test_cascade_import_invariants_and_order_independence(rows):
    rows = [r for r in rows if r[0] != r[1]]
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["parent", "child", "time"])
    for trust in (True, False):
        casc = cascades_from_parent_child(frame, trust_parents=trust)
        again = cascades_from_parent_child(frame.iloc[::-1], trust_parents=trust)
        assert casc.report.accounted()
        assert casc.sizes().sum() == casc.report.nodes
        assert casc.to_frame().equals(again.to_frame())  # the same whatever the file order
        assert (casc.generation >= 0).all() and casc.replicates >= 1


def _only_documented_errors(call):
    try:
        call()
    except CampaignSimError as err:
        assert "\n" not in str(err) and str(err)


@FUZZ
@given(data=st.binary(max_size=300), fmt=st.sampled_from(["txt", "csv", "net", "gml"]))
def test_fuzz_text_readers(data, fmt):
    path = TMP / f"fuzz.{fmt}"
    path.write_bytes(data)
    _only_documented_errors(lambda: read_network(path))


XML_BITS = st.sampled_from(
    ['<graphml xmlns="http://graphml.graphdrawing.org/xmlns">', "<graph>", '<node id="a"/>',
     '<edge source="a" target="b"/>', "</graph>", "</graphml>", '<!DOCTYPE x [<!ENTITY e "x">]>',
     "&e;", '<key id="d0" for="edge" attr.name="weight" attr.type="double"/>',
     '<data key="d0">x</data>', '<gexf xmlns="http://www.gexf.net/1.2draft">', "<nodes>",
     "</nodes>", "<edges>", "</edges>", "</gexf>", "<", ">", '"'],
)  # fmt: skip


@FUZZ
@given(parts=st.lists(XML_BITS, max_size=12), fmt=st.sampled_from(["graphml", "gexf"]))
def test_fuzz_xml_readers(parts, fmt):
    path = TMP / f"fuzz.{fmt}"
    path.write_text("".join(parts))
    _only_documented_errors(lambda: read_network(path))


CELLS = st.sampled_from(["a", "b", "1", "2", "", "NA", "inf", "-1", "1e400", "x y", '"', "0.5"])


@FUZZ
@given(
    table=st.lists(st.lists(CELLS, min_size=1, max_size=5), max_size=8),
    header=st.sampled_from(["", "parent,child,time\n", "source,target,time,kind\n"]),
    fmt=st.sampled_from(["auto", "events", "parent_child"]),
)
def test_fuzz_cascade_importer(table, header, fmt):
    path = TMP / "cascades.csv"
    path.write_text(header + "\n".join(",".join(row) for row in table))
    _only_documented_errors(lambda: read_cascades(path, fmt))
