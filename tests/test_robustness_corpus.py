"""Issue 14, a corpus of bad inputs: every one must end in a documented error
(:mod:`simulator.errors`) with one line naming the key, or the file and line.

Three kinds: network files, cascade files, and settings (every study's included, so a new
study's config joins the corpus by itself). The commands' exit codes and the report's damaged
directories are in ``test_robustness_runs.py``.
"""

from __future__ import annotations

import gzip

import pytest

from experiments import STUDIES
from simulator.analysis.cascade_import import read_cascades
from simulator.errors import ConfigError, DataError, exit_code
from simulator.network.io import read_network
from simulator.runs.compose import load_config

ENTITY = b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY e "x">]>'
G = b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'

#: (file name, bytes, text the one-line error must contain)
NETWORK_FILES = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"\n\n   \n", "empty file"),
    ("comments.txt", b"# only\n% comments\n", "empty file"),
    ("one_column.txt", b"1\n2\n", "expected at least 2 columns"),
    ("ragged.txt", b"1 2\n2 3 4 5\n", "line 2: expected 2 columns"),
    ("ragged_csv.csv", b"1,2,0.5\n2,3\n", "line 2"),
    ("bad_weight.txt", b"1 2 0.5\n2 3 heavy\n", "line 2: weight 'heavy' is not a number"),
    ("nan_weight.txt", b"1 2 nan\n2 3 1\n", "line 1: weight 'nan' is not a number"),
    ("inf_weight.txt", b"1 2 1\n2 3 inf\n", "line 2: weight 'inf' is not finite"),
    ("empty_field.csv", b"1,2\n,3\n", "line 2: column 1 is empty"),
    ("latin1.txt", "1 2\n\xe9 3\n".encode("latin-1"), "not UTF-8"),
    ("binary.txt", bytes(range(256)), "not UTF-8"),
    ("bad.gz", b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
    ("trunc.txt.gz", gzip.compress(b"1 2\n2 3\n" * 50)[:-20], "corrupt gzip"),
    ("quote.csv", b'1,"2\n2,3\n', "line 1: unbalanced quote"),
    ("header_only.csv", b"source,target\n", "empty file"),
    ("short_row.csv", b"source,target\n1,2\n3\n", "line 3: expected at least 2 columns"),
    ("neg_strength.tsv", b"source\ttarget\tstrength\n1\t2\t-0.5\n", "strength must lie in"),
    ("big_strength.tsv", b"source\ttarget\tstrength\n1\t2\t7\n", "strength must lie in"),
    ("loops_only.txt", b"1 1\n2 2\n", ""),
    ("pajek_short.net", b"*Vertices 3\n1 a\n", "*Vertices 3 but only 1 lines"),
    ("pajek_count.net", b"*Vertices many\n", "expected '*Vertices N'"),
    ("pajek_vertex.net", b"*Vertices 1\n1\n", "line 2: expected a vertex number and a label"),
    ("pajek_arc.net", b'*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1 9\n', "line 5: arc to vertex 9"),
    ("pajek_half.net", b'*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1\n', "line 5: expected two"),
    ("pajek_quote.net", b'*Vertices 1\n1 "a\n', "line 2"),
    ("pajek_text.net", b"hello world\n", "line 1: expected a '*Vertices'"),
    ("pajek_matrix.net", b"*Matrix\n0 1\n", "unsupported Pajek section"),
    ("gml_broken.gml", b"graph [ node [ id 1 ", "cannot read as gml"),
    ("gml_text.gml", b"hello", "cannot read as gml"),
    ("graphml_broken.graphml", b"<graphml><graph>", "invalid XML"),
    ("graphml_bomb.graphml", ENTITY + G + b'<node id="&e;"/></graph></graphml>', "entity"),
    (
        "graphml_ext.graphml",
        b'<!DOCTYPE g [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + G
        + b'<node id="&e;"/></graph></graphml>',
        "not allowed",
    ),  # fmt: skip
    ("graphml_nograph.graphml", b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"/>', ""),
    (
        "graphml_bad_data.graphml",
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        b'<key id="d0" for="edge" attr.name="weight" attr.type="double"/>'
        b'<graph edgedefault="directed"><node id="a"/><node id="b"/>'
        b'<edge source="a" target="b"><data key="d0">heavy</data></edge></graph></graphml>',
        "weight",
    ),  # fmt: skip
    ("gexf_bomb.gexf", ENTITY + b"<gexf><graph>&e;</graph></gexf>", "entity"),
    ("gexf_broken.gexf", b"<gexf><graph><nodes>", "invalid XML"),
    ("gexf_nograph.gexf", b'<gexf xmlns="http://www.gexf.net/1.2draft"/>', "cannot read as gexf"),
]


@pytest.mark.parametrize("name, data, message", NETWORK_FILES, ids=[c[0] for c in NETWORK_FILES])
def test_bad_network_files(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        net = read_network(path)
    except DataError as err:
        text = str(err)
        assert "\n" not in text and message in text and exit_code(err) == 1
        assert name in text  # names the file
        return
    assert name == "loops_only.txt" and net.m == 0  # legal: self-loops dropped and counted


CASCADE_FILES = [
    ("c_empty.csv", "", "empty file"),
    ("c_inf.csv", "parent,child,time\na,b,inf\n", "line 2: time 'inf' is not finite"),
    ("c_text_time.csv", "parent,child,time\na,b,0\nb,c,noon\n", "line 3: time 'noon'"),
    ("c_no_time.csv", "parent,child\na,b\n", "expected the columns parent child time"),
    ("c_no_child.csv", "parent,child,time\na,,3\n", "line 2: column 2 is empty"),
    ("c_self.csv", "parent,child,time\na,a,3\n", "no usable rows left"),
    ("c_events_short.txt", "1 2\n", "expected the columns source target time kind"),
    ("c_events_kind.txt", "1 2 0 MT\n", "no events of kind RT"),
    ("c_events_time.txt", "1 2 0 RT\n2 3 x RT\n", "line 2: time 'x' is not a number"),
    ("c_latin1.txt", "1 2 0 RT\n\xe9 3 1 RT\n", "not UTF-8"),
    ("c_ragged.txt", "1 2 0 RT\n2 3\n", "line 2"),
]


@pytest.mark.parametrize("name, text, message", CASCADE_FILES, ids=[c[0] for c in CASCADE_FILES])
def test_bad_cascade_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1" if "latin1" in name else "utf-8"))
    with pytest.raises(DataError) as info:
        read_cascades(path)
    assert "\n" not in str(info.value) and message in str(info.value)


SETTINGS = [
    (["campaign.p=1.5"], "campaign.p must be a probability"),
    (["campaign.p=-0.1"], "campaign.p must be a probability"),
    (["network.n=-5"], "network.n must be"),
    (["network.n=1"], "network.n must be"),
    (["network.m=0"], "network.m must be"),
    (["network.m=20000"], "network.m must be < n"),
    (["seeding.k=0"], "seeding.k must be"),
    (["seeding.strategies=[nobody]"], "unknown seeding strategy"),
    (["seeding.strategies=[random,random]"], "lists a strategy twice"),
    (["seeding.strategies=[]"], "seeding.strategies must name"),
    (["seed=-1"], "seed must be"),
    (["experiment.replicates=0"], "experiment.replicates must be"),
    (["experiment.ci_level=1.5"], "experiment.ci_level must be"),
    (["experiment.replicates=10000000000"], "lower experiment.replicates"),
    (["network.n=2000000000"], "lower network.n"),
    (["network=erdos_renyi", "network.mean_degree=-1"], "network.mean_degree"),
    (["network=watts_strogatz", "network.p=2"], "network.p must be a probability"),
    (["network=file"], "network.path"),
    (["network=file", "network.path=x.txt", "network.format=xls"], "network.format"),
    (["network=file", "network.path=x.net", "network.columns=[source,target]"], "columns"),
    (["experiment=influentials", "campaign.p=0.2"], "does not use campaign.p"),
    (["experiment=cascades_from_data", "experiment.format=json"], "experiment.format"),
    (["experiment=cascades_from_data", "experiment.step_seconds=0"], "step_seconds"),
]


@pytest.mark.parametrize("overrides, message", SETTINGS, ids=[" ".join(s[0]) for s in SETTINGS])
def test_bad_settings(overrides, message):
    with pytest.raises(ConfigError) as info:
        load_config(*overrides)
    text = str(info.value)
    assert "\n" not in text and message in text and exit_code(info.value) == 2


@pytest.mark.parametrize("study", sorted(STUDIES))
def test_every_study_refuses_zero_replicates(study):
    with pytest.raises(ConfigError) as info:
        load_config(f"experiment={study}", "experiment.replicates=0")
    assert str(info.value).startswith("experiment.replicates must be")


def test_the_corpus_is_large_enough():
    assert len(NETWORK_FILES) + len(CASCADE_FILES) + len(SETTINGS) + len(STUDIES) >= 60
