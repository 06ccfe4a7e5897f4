"""Issue 14, cascade import: trusted parent links, order-free ties, root rows, inferred format,
and one-line errors naming the bad value and its line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.cascade_import import cascades_from_parent_child, read_cascades
from simulator.errors import ConfigError, DataError, NetworkFileError


def links(rows):
    return pd.DataFrame(rows, columns=["parent", "child", "time"])


def parent_map(casc) -> dict:
    frame = casc.to_frame()
    return dict(zip(frame["node"], frame["parent"], strict=True))


def random_tree(rng, n):
    """A random tree on 0..n-1 (parent < child), as links with random times."""
    parents = [int(rng.integers(0, c)) for c in range(1, n)]
    times = rng.integers(0, 5, n - 1)  # many ties; a child often before its parent
    return [(p, c, int(t)) for p, c, t in zip(parents, range(1, n), times, strict=True)]


def test_trusted_links_recover_the_given_trees_whatever_the_times_and_order():
    rng = np.random.default_rng(14)
    for _ in range(40):
        n = int(rng.integers(2, 30))
        rows = random_tree(rng, n)
        casc = cascades_from_parent_child(links(rows))
        assert casc.replicates == 1 and casc.sizes().tolist() == [n]
        want = {c: p for p, c, _ in rows} | {0: None}
        assert parent_map(casc) == want
        assert casc.report.accounted()
        shuffled = [rows[i] for i in rng.permutation(len(rows))]
        again = cascades_from_parent_child(links(shuffled))
        assert parent_map(again) == want
        assert again.log.step.tolist() == casc.log.step.tolist()


def test_trusted_links_keep_the_earliest_parent_and_break_cycles():
    rows = [("x", "y", 1), ("y", "z", 2), ("z", "x", 3), ("q", "y", 5)]
    casc = cascades_from_parent_child(links(rows))
    assert casc.report.cycles == 1 and casc.replicates == 2
    got = parent_map(casc)
    assert got["x"] is None and got["y"] == "x" and got["z"] == "y"
    assert casc.report.extra_parent_links == 1 and casc.report.accounted()


def test_equal_times_do_not_depend_on_file_order():
    rows = [("a", "c", 0), ("b", "c", 0), ("c", "d", 0)]
    for trust in (True, False):
        first = parent_map(cascades_from_parent_child(links(rows), trust_parents=trust))
        second = parent_map(cascades_from_parent_child(links(rows[::-1]), trust_parents=trust))
        assert first == second and first["c"] == "a"


@pytest.mark.parametrize("marker", ["", "NA", "null", "-", "None"])
def test_a_file_can_declare_roots(tmp_path, marker):
    path = tmp_path / "links.csv"
    path.write_text(f"parent,child,time\n{marker},1,0\n1,2,5\n{marker},7,9\n")
    casc = read_cascades(path)
    assert casc.report.root_rows == 2 and casc.replicates == 2
    assert casc.labels.dtype == np.int64 and sorted(casc.labels.tolist()) == [1, 2, 7]


def test_the_format_is_inferred_from_the_header(tmp_path):
    path = tmp_path / "links.tsv"
    path.write_text("time\tchild\tparent\n0\tb\ta\n10\tc\tb\n")
    casc = read_cascades(path)  # no format given, columns in another order
    assert casc.report.format == "parent_child" and casc.depths().tolist() == [2]
    with pytest.raises(NetworkFileError, match="a parent-child table"):
        read_cascades(path, "events")


def test_events_still_default_without_a_header(tmp_path):
    path = tmp_path / "activity.txt"
    path.write_text("2 1 0 RT\n3 2 5 RT\n")
    assert read_cascades(path).report.format == "events"


@pytest.mark.parametrize(
    "text, message",
    [
        ("parent,child,time\na,b,0\nb,c,inf\n", "links.csv line 3: time 'inf' is not finite"),
        ("parent,child,time\na,b,0\nb,c,soon\n", "links.csv line 3: time 'soon' is not a number"),
        ("parent,child,time\na,b,0\nb,,4\n", "links.csv line 3: column 2 is empty"),
        ("parent,child\na,b\n", "links.csv line 2: expected the columns parent child time"),
        ("2 1\n3 2\n", "links.csv line 1: expected the columns source target time kind, got 2"),
        ("2 1 0 MT\n", "no events of kind RT (kinds present: MT)"),
        ("", "links.csv: empty file"),
    ],
)
def test_bad_cascade_files_fail_with_one_line(tmp_path, text, message):
    path = tmp_path / "links.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        read_cascades(path)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "time, message",
    [
        ([0, np.inf], "time inf in row 1 is not finite"),
        ([0, "later"], "time 'later' in row 1 is not a number"),
        ([0, True], "time True in row 1 is not a number"),
    ],
)
def test_bad_times_in_a_table_name_the_value_and_row(time, message):
    frame = pd.DataFrame({"parent": ["a", "b"], "child": ["b", "c"], "time": time})
    with pytest.raises(DataError, match=message):
        cascades_from_parent_child(frame)


def test_bad_settings_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="step_seconds"):
        cascades_from_parent_child(links([("a", "b", 0)]), step_seconds=-1)
    with pytest.raises(ConfigError, match="format must be one of auto"):
        read_cascades(tmp_path, "xml")
