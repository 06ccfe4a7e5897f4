"""Issue 14, readers: no silent data loss, one-line errors naming the file and line, safe XML."""

from __future__ import annotations

import pytest

from simulator.errors import DataError, NetworkFileError
from simulator.network.core import Network
from simulator.network.io import read_network, write_gexf, write_graphml


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def one_line_error(path, message, **options):
    with pytest.raises(NetworkFileError) as info:
        read_network(path, **options)
    text = str(info.value)
    assert "\n" not in text and message in text, text
    return text


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
@pytest.mark.parametrize("header", [b"", b"source,target"])
def test_bom_and_crlf_edge_list_loses_no_edge(tmp_path, bom, newline, header):
    rows = [b"1,2", b"2,3", b"3,4"]
    lines = ([header] if header else []) + rows
    path = write(tmp_path / "e.csv", bom + newline.join(lines) + newline)
    net = read_network(path)
    assert (net.n, net.m) == (4, 3)
    assert net.labels.tolist() == [1, 2, 3, 4]


def test_bom_gzip_tsv(tmp_path):
    import gzip

    path = tmp_path / "e.tsv.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf1\t2\r\n2\t3\r\n"))
    assert read_network(path).m == 2


def test_network_file_error_is_a_data_error_and_a_value_error():
    assert issubclass(NetworkFileError, DataError) and issubclass(NetworkFileError, ValueError)


def test_one_column_file_is_told_it_has_one_column(tmp_path):
    path = write(tmp_path / "one.txt", b"1\n2\n3\n")
    one_line_error(path, "one.txt line 1: expected at least 2 columns (source, target), got 1")


def test_id_above_int64_is_kept_as_a_label(tmp_path):
    path = write(tmp_path / "big.txt", b"1 99999999999999999999999\n2 3\n")
    net = read_network(path)
    assert "99999999999999999999999" in net.labels.tolist() and net.m == 2


@pytest.mark.parametrize(
    "text, message",
    [
        (b"1 2 inf\n2 3 1\n", "line 1: weight 'inf' is not finite"),
        (b"1 2 1\n2 3 -inf\n", "line 2: weight '-inf' is not finite"),
    ],
)
def test_infinite_weights_are_refused_with_their_line(tmp_path, text, message):
    one_line_error(write(tmp_path / "w.txt", text), message)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            b"*Vertices 2\n1\n2 b\n*Arcs\n1 2\n",
            "p.net line 2: expected a vertex number and a label",
        ),
        (b'*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1 3\n', "p.net line 5: arc to vertex 3"),
        (b'*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1\n', "p.net line 5: expected two vertices"),
        (b"*Vertices x\n", "p.net line 1: expected '*Vertices N'"),
        (b'*Vertices 5\n1 "a"\n', "p.net line 1: *Vertices 5 but only 1 lines follow"),
        (b'*Vertices 1\n1 "a\n', "p.net line 2: No closing quotation"),
        (b"hello\n", "p.net line 1: expected a '*Vertices' or '*Arcs' line"),
        (b"*Matrix\n", "p.net line 1: unsupported Pajek section '*Matrix'"),
    ],
)
def test_malformed_pajek_names_the_line(tmp_path, text, message):
    one_line_error(write(tmp_path / "p.net", text), message)


def test_valid_pajek_still_reads(tmp_path):
    text = b'*Vertices 3\r\n1 "a"\r\n2 "b"\r\n3 "c"\r\n*Arcs\r\n1 2 2.0\r\n2 3 1.0\r\n'
    net = read_network(write(tmp_path / "ok.net", b"\xef\xbb\xbf" + text))
    assert (net.n, net.m) == (3, 2) and net.labels.tolist() == ["a", "b", "c"]


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)
GRAPHML = b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
GEXF = b'<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph>'


@pytest.mark.parametrize("suffix, body", [("graphml", GRAPHML), ("gexf", GEXF)])
def test_xml_entity_bombs_are_refused(tmp_path, suffix, body):
    text = BOMB + body + b'<node id="&lol2;"/></graph></' + suffix.encode() + b">"
    one_line_error(write(tmp_path / f"b.{suffix}", text), "entity declarations are not allowed")


@pytest.mark.parametrize("suffix, body", [("graphml", GRAPHML), ("gexf", GEXF)])
def test_xml_external_entities_are_refused(tmp_path, suffix, body):
    secret = tmp_path / "secret.txt"
    secret.write_text("42")
    head = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
    text = head.encode() + body + b'<node id="&s;"/></graph></' + suffix.encode() + b">"
    one_line_error(write(tmp_path / f"x.{suffix}", text), "not allowed")


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_broken_xml_names_the_line(tmp_path, suffix):
    one_line_error(write(tmp_path / f"t.{suffix}", b"<a>\n<b>\n</a>"), f"t.{suffix} line 3")


@pytest.mark.parametrize("writer, suffix", [(write_graphml, "graphml"), (write_gexf, "gexf")])
@pytest.mark.parametrize("directed", [True, False])
def test_graph_writers_round_trip(tmp_path, writer, suffix, directed):
    net = Network.from_labeled_edges(
        ["ann", "bob", "cy"], ["bob", "cy", "ann"], weight=[0.25, 1.0, 0.5], directed=directed
    )
    path = tmp_path / f"g.{suffix}.gz"
    writer(net, path)
    back = read_network(path)
    assert back.labels.tolist() == net.labels.tolist()
    assert (back.n, back.m, back.undirected) == (net.n, net.m, net.undirected)
    assert back.strength.tolist() == net.strength.tolist()
