"""Real cascades into a CascadeLog: the attachment rule, each data problem counted
exactly, known trees round-trip, the Higgs activity file, and the study end to end."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from experiments import cascades_from_data as study
from simulator.analysis.cascade_import import (
    cascades_from_events,
    cascades_from_parent_child,
    read_cascades,
)
from simulator.cascade_log import ACTION_CODE
from simulator.network.io import NetworkFileError, read_events
from simulator.rng import stream
from simulator.runs.compose import config_dir, register_configs
from simulator.runs.config import ConfigError, DataConfig, small_config, to_config

HIGGS = "higgs_twitter/higgs-activity_time.txt.gz"


def events(rows):
    return pd.DataFrame(rows, columns=["source", "target", "time", "kind"])


def links(rows, cascade=False):
    cols = ["parent", "child", "time", *(["cascade"] if cascade else [])]
    return pd.DataFrame(rows, columns=cols)


def parents(casc) -> dict:
    """(cascade, user) -> parent user (None for roots)."""
    frame = casc.to_frame()
    return {(casc.cascade[r], n): p for r, n, p in frame[["replicate", "node", "parent"]].values}


def check_forest(casc):
    """Invariants of every import: a forest of one-root trees, time flows down the tree."""
    log, report = casc.log, casc.report
    assert report.accounted()
    assert casc.sizes().sum() == len(log) == report.nodes
    assert (casc.sizes() >= 1).all() and log.replicates == report.cascades
    seeds = log.action == ACTION_CODE["seed"]
    assert ((log.parent < 0) == seeds).all() and ((casc.generation == 0) == seeds).all()
    assert (np.bincount(log.replicate[seeds], minlength=log.replicates) == 1).all()
    key = pd.MultiIndex.from_arrays([log.replicate, log.node])
    assert key.is_unique  # one event per user and cascade: exactly one parent
    child = ~seeds
    where = key.get_indexer(pd.MultiIndex.from_arrays([log.replicate[child], log.parent[child]]))
    assert (where >= 0).all()  # the parent is in the same cascade
    assert (casc.generation[where] == casc.generation[child] - 1).all()
    assert (casc.time[where] <= casc.time[child]).all()  # parent reached no later
    assert (log.step[where] <= log.step[child]).all()
    assert (np.diff(log.replicate) >= 0).all()


# ------------------------------------------------------------ data problems
def test_duplicates_self_links_kinds_and_missing_are_counted():
    casc = cascades_from_events(
        events(
            [
                (2, 1, 10, "RT"),
                (2, 1, 10, "RT"),  # duplicate line
                (2, 1, 10, "RT"),  # and again
                (3, 3, 12, "RT"),  # self-link
                (3, 1, 15, "MT"),  # another kind
                (4, 2, None, "RT"),  # no time
                (4, 2, 20, "RT"),
            ]
        )
    )
    r = casc.report
    assert (r.rows, r.duplicates, r.self_links, r.other_kinds, r.missing) == (7, 2, 1, 1, 1)
    assert (r.links_kept, r.nodes, r.cascades) == (2, 3, 1)
    assert parents(casc) == {(1, 1): None, (1, 2): 1, (1, 4): 2}
    check_forest(casc)
    assert [line.split(":")[0] for line in r.lines()] == [
        "other_kinds",
        "missing",
        "duplicates",
        "self_links",
    ]
    assert all("\n" not in line for line in r.lines())


def test_several_parents_keep_the_earliest_whatever_the_file_order():
    casc = cascades_from_events(
        events(
            [
                (4, 2, 10, "RT"),  # 4 retweets 2 at 10 ...
                (4, 3, 5, "RT"),  # ... but retweeted 3 at 5: 3 is the parent
                (4, 3, 20, "RT"),  # a repeat of the kept link
                (2, 1, 1, "RT"),
                (3, 1, 2, "RT"),
            ]
        )
    )
    r = casc.report
    assert parents(casc)[(1, 4)] == 3
    assert (r.multi_parent_nodes, r.extra_parent_links, r.repeat_links) == (1, 1, 1)
    assert (r.cycles, r.late_parents, r.links_kept) == (0, 0, 3)
    check_forest(casc)


def test_child_before_parent_makes_the_parent_a_root():
    # 2 retweets 1 at t=1, but 1 only retweets 0 at t=5: 1 posted before its exposure
    casc = cascades_from_events(events([(2, 1, 1, "RT"), (3, 1, 2, "RT"), (1, 0, 5, "RT")]))
    r = casc.report
    assert (r.children_before_parent, r.late_parents, r.late_exposure_links) == (2, 1, 1)
    assert parents(casc) == {(1, 1): None, (1, 2): 1, (1, 3): 1, (0, 0): None}
    assert casc.sizes().tolist() == [3, 1]  # 0 reached nobody new
    check_forest(casc)


def test_cycles_are_counted_and_broken():
    rows = [
        ("x", "y", 1),  # x -> y -> z -> x
        ("y", "z", 2),
        ("z", "x", 3),
        ("b", "a", 7),  # a <-> b at the same second: the labels decide, not the file order
        ("a", "b", 7),
    ]
    casc = cascades_from_parent_child(links(rows), trust_parents=False)
    r = casc.report
    assert r.cycles == 2
    assert (r.late_parents, r.late_exposure_links, r.children_before_parent) == (2, 2, 2)
    got = parents(casc)
    assert got[("x", "x")] is None and got[("x", "z")] == "y" and got[("a", "b")] == "a"
    check_forest(casc)


def test_parent_child_problems_are_counted():
    rows = [
        (None, "r", 0),  # root row
        ("r", "a", 10),
        ("r", "a", 10),  # duplicate
        ("a", "a", 11),  # self-link
        ("r", None, 12),  # no child
        ("a", "b", 20),
        ("r", "b", 30),  # second parent, later
        ("a", "b", 40),  # repeat of the kept link
    ]
    r = cascades_from_parent_child(links(rows), trust_parents=False).report
    assert (r.duplicates, r.self_links, r.missing, r.root_rows) == (1, 1, 1, 1)
    assert (r.multi_parent_nodes, r.extra_parent_links, r.repeat_links) == (1, 1, 1)
    assert (r.links_kept, r.nodes, r.cascades) == (2, 3, 1)
    assert r.accounted()


# ---------------------------------------------------------------- round trips
def test_parent_child_round_trips_into_known_trees():
    rows = [
        (None, 1, 0, "t1"),
        (1, 2, 100, "t1"),
        (1, 3, 200, "t1"),
        (2, 4, 3700, "t1"),
        (4, 5, 7300, "t1"),
        (None, 9, 50, "t2"),
        (9, 1, 60, "t2"),  # user 1 again, in another cascade
    ]
    casc = cascades_from_parent_child(links(rows, cascade=True), step_seconds=3600)
    assert casc.cascade.tolist() == ["t1", "t2"]
    assert casc.sizes().tolist() == [5, 2] and casc.depths().tolist() == [3, 1]
    assert parents(casc) == {
        ("t1", 1): None,
        ("t1", 2): 1,
        ("t1", 3): 1,
        ("t1", 4): 2,
        ("t1", 5): 4,
        ("t2", 9): None,
        ("t2", 1): 9,
    }
    frame = casc.to_frame()
    assert frame["step"].tolist() == [0, 0, 0, 1, 2, 0, 0]
    assert frame["generation"].tolist() == [0, 1, 1, 2, 3, 0, 1]
    assert casc.labels.dtype == np.int64  # a parent column with gaps keeps integer ids
    assert casc.report.nodes == 7  # (cascade, user) pairs
    check_forest(casc)


def test_datetimes_and_steps():
    t = pd.to_datetime(["2012-07-04 08:00", "2012-07-04 08:30", "2012-07-04 10:15"])
    casc = cascades_from_parent_child(
        links([("a", "b", t[0]), ("b", "c", t[1]), ("c", "d", t[2])])
    )
    assert casc.log.step.tolist() == [0, 0, 0, 2]
    assert casc.t0 == t[0].timestamp()


def reference_parents(table) -> dict:
    """The attachment rule, one row at a time: a user's first row decides."""
    parent = {}
    for p, c, _ in sorted(table, key=lambda row: (row[2], row[0], row[1])):  # labels break ties
        if c not in parent:
            parent[c] = p
        if p not in parent:
            parent[p] = None
    return parent


def test_rule_matches_a_row_by_row_reference():
    rng = np.random.default_rng(20240505)
    for _ in range(50):
        n_rows, users = int(rng.integers(1, 40)), int(rng.integers(2, 15))
        table = [
            (int(p), int(c), int(t))
            for p, c, t in zip(
                rng.integers(0, users, n_rows),
                rng.integers(0, users, n_rows),
                rng.integers(0, 10, n_rows),
                strict=True,
            )
            if p != c
        ]
        if not table:
            continue
        casc = cascades_from_parent_child(links(table), trust_parents=False)
        got = {n: p for (_, n), p in parents(casc).items()}
        assert got == reference_parents(table)
        shuffled = [table[i] for i in rng.permutation(len(table))]
        again = cascades_from_parent_child(links(shuffled), trust_parents=False)
        assert parents(again) == parents(casc)  # the file's order does not matter
        check_forest(casc)


# --------------------------------------------------------------------- errors
def test_one_line_errors():
    with pytest.raises(ValueError, match="lacks column.s. kind; it has source, target, time"):
        cascades_from_events(pd.DataFrame({"source": [1], "target": [2], "time": [0]}))
    with pytest.raises(ValueError, match=r"no events of kind RT \(kinds present: MT\)"):
        cascades_from_events(events([(1, 2, 0, "MT")]))
    with pytest.raises(ValueError, match="step_seconds must be > 0"):
        cascades_from_events(events([(1, 2, 0, "RT")]), step_seconds=0)
    with pytest.raises(ValueError, match="no usable rows left: self_links: 1"):
        cascades_from_events(events([(1, 1, 0, "RT")]))
    with pytest.raises(NetworkFileError, match="no/such/file.txt: no such file"):
        read_cascades("no/such/file.txt")
    assert len(cascades_from_events(events([(1, 2, 0, "RT")]), kinds=None).log) == 2


# ---------------------------------------------------------------------- Higgs
@pytest.fixture(scope="module")
def higgs(shared_data):
    return cascades_from_events(read_events(shared_data / HIGGS), kinds=("RT",))


def test_higgs_retweets_form_a_forest(higgs):
    r = higgs.report
    assert r.rows - r.other_kinds == 354_930  # RT events (PROVENANCE.md)
    assert r.nodes == 256_491  # every retweeting or retweeted user: the retweet network's nodes
    check_forest(higgs)
    sizes = higgs.sizes()
    assert sizes.sum() == r.nodes and r.cascades == sizes.size
    # what the file holds (printed with -s): counts of each problem, forest shape
    print(f"\nHiggs RT: {r}; largest cascade {sizes.max()}, deepest {higgs.depths().max()}")
    print("\n".join(r.lines()))


def test_higgs_k_estimates(higgs):
    table = study.tree_table(higgs)
    summary, gens = study.estimates(higgs, table, stream(1, "bootstrap"), 200, 0.95)
    est = summary.set_index("metric")
    assert gens["users"].sum() == higgs.report.nodes
    for name in study.K_METRICS:
        assert est.loc[name, "ci_low"] <= est.loc[name, "mean"] <= est.loc[name, "ci_high"]
    assert est.loc["K_harris_gen1", "mean"] < 1  # whether a retweeter is retweeted: subcritical
    print(f"\n{summary.round(3).to_string(index=False)}\n{gens.round(3).to_string(index=False)}")


# ------------------------------------------------------------ estimators vs theory
def galton_watson_links(k: float, roots: int, rng) -> pd.DataFrame:
    """Poisson(k) branching trees as a parent-child table with root rows and cascade ids."""
    rows, next_id = [], 0
    for tree in range(roots):
        rows.append((None, next_id, 0.0, tree))
        frontier, next_id = [(next_id, 0.0)], next_id + 1
        while frontier:
            grown = []
            for user, t in frontier:
                for _ in range(rng.poisson(k)):
                    child_t = t + rng.exponential(3600.0)
                    rows.append((user, next_id, child_t, tree))
                    grown.append((next_id, child_t))
                    next_id += 1
            frontier = grown
    return links(rows, cascade=True)


def test_k_estimators_recover_the_offspring_mean():
    k = 0.6
    casc = cascades_from_parent_child(galton_watson_links(k, 2000, np.random.default_rng(7)))
    check_forest(casc)
    table = study.tree_table(casc)
    summary, _ = study.estimates(casc, table, np.random.default_rng(8), 100, 0.95)
    est = summary.set_index("metric")["mean"]
    z = np.bincount(casc.generation).astype(float)
    for name, parents_seen in (
        ("K_finished", z.sum()),
        ("K_harris", z[:-1].sum()),
        ("K_harris_gen1", z[1:-1].sum()),
    ):
        se = np.sqrt(k / parents_seen)  # Poisson offspring: Var(K hat) = K / parents
        assert abs(est[name] - k) < 4 * se, name
    assert est["reach"] == pytest.approx(z.sum() / 2000)


def test_structural_virality_of_known_trees():
    star = [("c", f"l{i}", i) for i in range(1, 5)]  # 5 nodes: mean distance 8/5
    chain = [("a", "b", 1), ("b", "c", 2), ("c", "d", 3)]  # path of 4: mean distance 5/3
    casc = cascades_from_parent_child(
        links([(*row, "star") for row in star] + [(*row, "chain") for row in chain], cascade=True)
    )
    table = study.tree_table(casc).set_index("cascade")
    assert table.loc["star", "structural_virality"] == pytest.approx(1.6)
    assert table.loc["chain", "structural_virality"] == pytest.approx(5 / 3)
    assert table.loc["star", "children"] == 4 and table.loc["chain", "children"] == 1


# ----------------------------------------------------------------- the study
def write_links(path):
    path.write_text(
        "parent,child,time,cascade\n"
        + "".join(f"r{c},u{c}_{i},{60 * i},{c}\n" for c in range(12) for i in range(1 + c % 3))
        + "u0_0,u0_0,5,0\nu0_0,w,4000,0\nu0_0,w,4000,0\n"
    )
    return path


def test_study_runs_end_to_end(tmp_path):
    data = write_links(tmp_path / "links.csv")
    exp = study.CascadesFromDataConfig(format="parent_child", replicates=30, step_seconds=60.0)
    cfg = small_config(experiment=exp, seed=5, data=DataConfig(path=str(data)))
    out = study.run(cfg, tmp_path)
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert {"arm", "replicate", "seed", "reach", "size", "depth", "structural_virality"} <= set(
        rows.columns
    )
    assert len(rows) == 12 and (rows["seed"] == 5).all() and (rows["reach"] == rows["size"]).all()
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert list(summary.columns) == ["arm", "metric", "mean", "ci_low", "ci_high", "n"]
    assert set(summary["metric"]) == {"reach", "depth", "structural_virality", *study.K_METRICS}
    report = json.loads((tmp_path / "data_report.json").read_text())
    assert (report["duplicates"], report["self_links"], report["nodes"]) == (1, 1, 37)
    assert pd.read_csv(tmp_path / "data_report.csv").set_index("item").loc["duplicates", "count"]
    for name in ("cascade_sizes", "generations", "reach_over_time"):
        assert (tmp_path / f"{name}.png").exists()
    assert "duplicates: 1" in out["text"] and out["network"] is None
    again = study.run(cfg, tmp_path / "again")
    pd.testing.assert_frame_equal(out["summary"], again["summary"])  # same seed, same CIs


def test_study_smoke_overrides_on_higgs(shared_data, tmp_path):
    """The smoke run of tests/test_experiments.py: the default Higgs file, 8 resamples."""
    register_configs()
    overrides = [
        "experiment=cascades_from_data",
        "experiment.replicates=8",
        f"data.path={shared_data / HIGGS}",
    ]
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = to_config(compose(config_name="config", overrides=overrides))
    out = study.run(cfg, tmp_path)
    assert out["summary"].set_index("metric").loc["reach", "n"] == out["report"].cascades
    assert (tmp_path / "generations.csv").exists() and out["text"]


def test_study_settings_are_checked():
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        for bad, message in (
            (
                "experiment.format=json",
                "experiment.format must be one of auto, events, parent_child",
            ),
            ("experiment.step_seconds=0", "experiment.step_seconds must be > 0"),
            ("experiment.kinds=[]", "experiment.kinds must list interaction kinds"),
        ):
            cfg = compose(config_name="config", overrides=["experiment=cascades_from_data", bad])
            with pytest.raises(ConfigError, match=message):
                to_config(cfg)


def test_missing_data_file_is_one_line_naming_it(tmp_path):
    exp = study.CascadesFromDataConfig(replicates=2)
    cfg = small_config(experiment=exp, data=DataConfig(path="no/such/activity.txt.gz"))
    with pytest.raises(NetworkFileError) as err:
        study.run(cfg, tmp_path)
    assert str(err.value).startswith(
        "data.path: no/such/activity.txt.gz: no such file (looked in: "
    )
    assert "\n" not in str(err.value)


def test_missing_kind_message_stays_on_one_line():
    """Found by the fuzzer: a kind holding a newline (a quoted field) broke the one-line error."""
    from simulator.errors import DataError

    table = pd.DataFrame({"source": ["a"], "target": ["b"], "time": [1.0], "kind": ["x\ny"]})
    with pytest.raises(DataError) as err:
        cascades_from_events(table, kinds=("RT",))
    assert "\n" not in str(err.value) and "'x\\ny'" in str(err.value)
