"""The browser view's model and pictures, without a browser (app/ package)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba

os.environ.setdefault("SOLARA_CHECK_HOOKS", "off")  # before solara is imported
pytest.importorskip("solara", reason="solara is not installed (the .[app] extra)")

from app.cli import command  # noqa: E402
from app.contest import ContestViewModel, gamer_mix, leaderboard_html  # noqa: E402
from app.model import SPLIT, STATES, ViewModel, agent_states  # noqa: E402
from app.picture import (  # noqa: E402
    GAMER,
    draw_contest,
    draw_funnel,
    draw_network,
    layout,
    sample_nodes,
)
from simulator.analysis.metrics import split  # noqa: E402
from simulator.cascade_log import ACTION_CODE  # noqa: E402
from simulator.contest import mesa_contest  # noqa: E402
from simulator.contest.scoring import RULES  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model():
    mdl = ViewModel(n=600, appeal=0.9, trust=0.9, tie_strength=0.5, k=8, seed=5)
    for _ in range(8):
        mdl.step()
    return mdl


def test_states_follow_the_funnel(model):
    codes = agent_states(model)
    assert codes.shape == (model.network.n,)
    assert int((codes >= STATES.index("exposed")).sum()) == model.totals["reach"]
    assert int((codes == STATES.index("converted")).sum()) == model.totals["conversions"]
    assert (codes[model.seeds] >= STATES.index("exposed")).all()


def test_clicked_comes_from_the_event_buffer(model):
    log = model.events()
    clicked = np.unique(log.node[log.action == ACTION_CODE["click"]])
    assert np.array_equal(np.flatnonzero(model.clicked), clicked)
    assert model.totals["clicks"] >= clicked.size > 0


def test_tie_split_matches_the_metrics(model):
    log = model.events()
    for name in SPLIT:
        parts = split(log, name, by="tie", threshold=model.strong_threshold)
        assert model.tie_split[name]["strong"] == pytest.approx(parts["strong"][0])
        assert model.tie_split[name]["weak"] == pytest.approx(parts["weak"][0])
    total = model.tie_split["shares"]["strong"] + model.tie_split["shares"]["weak"]
    assert total == model.totals["shares"]


def test_controls_reach_the_model():
    a = ViewModel(n=300, trust=0.2, tie_strength=0.0, seeding="random", seed=2)
    b = ViewModel(n=300, trust=0.9, tie_strength=1.0, seed=2)
    assert a.population.trust.mean() < 0.4 < 0.8 < b.population.trust.mean()
    assert (a.network.strength == 0).all() and (b.network.strength == 1).all()
    assert not np.array_equal(np.sort(a.seeds), np.sort(b.seeds))
    with pytest.raises(ValueError, match="unknown network"):
        ViewModel(network="moon")


def test_sample_holds_the_seeds_and_is_cached(model):
    nodes = sample_nodes(model, limit=100)
    assert nodes.size == 100 and np.isin(model.seeds, nodes).all()
    assert np.array_equal(nodes, sample_nodes(model, limit=100))
    first = layout(model, 100)
    assert layout(model, 100) is first  # computed once per model
    assert first[1].shape == (100, 2)
    small = ViewModel(n=80, seed=1)
    assert np.array_equal(sample_nodes(small), np.arange(80))


def test_figures_draw(model):
    assert len(draw_network(model).axes) == 1
    frame = model.datacollector.get_model_vars_dataframe()
    fig = draw_funnel(frame, ("reach", "clicks"), "funnel")
    assert len(fig.axes[0].lines) == 2
    empty = draw_funnel(frame.iloc[:0], ("amount",), "amount")  # right after Reset
    assert len(empty.axes[0].lines) == 1


def test_command_binds_to_localhost():
    cmd = command([])
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--no-check-version" in cmd and "app.viz:Page" in cmd


def test_library_never_imports_the_app_or_solara():
    for path in (REPO / "simulator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in {"solara", "app"}, f"{path}: {name}"


def test_page_builds():
    import inspect

    import solara

    from app.viz import CONTEST_PARAMS, MODEL_PARAMS, MODES, Page, components, contest_components

    assert {"network", "appeal", "trust", "tie_strength", "seeding"} <= set(MODEL_PARAMS)
    assert len(components()) == 4 and callable(Page)
    assert MODES == ("campaign", "contest")
    # every contest control is a parameter of the model Mesa's Reset builds
    assert set(CONTEST_PARAMS) == set(inspect.signature(ContestViewModel).parameters)
    assert len(contest_components(solara.reactive("naive_clicks"))) == 4


@pytest.fixture(scope="module")
def contest():
    mdl = ContestViewModel(n=400, players=20, seed=3)
    for _ in range(8):
        mdl.step()
    return mdl


def test_contest_states_are_the_campaign_states(contest):
    assert mesa_contest.STATES == STATES  # one colour key for both pictures
    assert contest.states().shape == (contest.network.n,)
    assert np.array_equal(contest.seeds, contest.players)


def test_contest_controls_reach_the_model():
    none = ContestViewModel(n=200, players=10, gamers=0.0, seed=2)
    every = ContestViewModel(n=200, players=10, gamers=1.0, placement="random", seed=2)
    assert not none.gamer.any() and every.gamer.all()
    assert none.contest.settings.placement == "followers"
    assert every.contest.settings.placement == "random"
    assert sum(gamer_mix(0.35).values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="gamers must be a share"):
        gamer_mix(1.5)
    with pytest.raises(ValueError, match="unknown network"):
        ContestViewModel(network="moon")


def test_leaderboard_follows_the_rule(contest):
    tables = {rule: leaderboard_html(contest, rule) for rule in RULES}
    assert len(set(tables.values())) == len(RULES)  # each rule's own header and scores
    html = tables["naive_clicks"]
    assert html.count("<tr") == 1 + 10  # header and the top ten
    top = contest.standings("naive_clicks").head(10)
    assert html.count('class="gamer"') == int(top["gamer"].sum()) > 0
    for strategy in top["strategy"]:
        assert strategy in html


def test_contest_picture_marks_gamers(contest):
    fig = draw_contest(contest)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"gamer ({int(contest.gamer.sum())})" in labels
    edges = [c.get_edgecolor() for c in fig.axes[0].collections if len(c.get_offsets())]
    assert any(np.allclose(e, to_rgba(GAMER)) for e in edges if len(e))
