"""CampaignModel: Mesa stepping of the same engine, agent views, DataCollector, batch_run."""

import mesa
import numpy as np
import pytest

from simulator import Campaign, run_cascades
from simulator.cascade_log import FUNNEL_COLUMNS, FUNNEL_TOTALS
from simulator.engine import funnel
from simulator.engine.funnel_state import FunnelState
from simulator.mesa_model import CampaignAgent, CampaignModel


@pytest.fixture(scope="module")
def model():
    mdl = CampaignModel(n=2000, m=3, k=10, appeal=0.7, seed=7)
    mdl.run_model()
    return mdl


def test_model_run_equals_replicate_zero_of_the_batch_engine(model):
    res = run_cascades(model.network, model.seeds, model.campaign, 1, seed=model.root_seed)
    assert list(model.totals) == list(FUNNEL_COLUMNS)
    assert model.totals["reach"] == res.reach[0] and model.totals["depth"] == res.depth[0]
    for name in FUNNEL_TOTALS:
        assert model.totals[name] == res.totals[name][0], name
    assert model.events().to_frame().equals(res.log.to_frame())


def test_state_is_named(model):
    assert isinstance(model.state, FunnelState)
    assert int(model.state.seen.sum()) == model.totals["reach"]
    assert int(model.state.converted.sum()) == model.totals["conversions"]
    assert int((model.state.shares > 0).sum()) >= model.seeds.size


def test_agents_are_views_of_the_arrays(model):
    agents = model.agents_by_type[CampaignAgent]
    assert len(agents) == model.network.n
    first = next(a for a in agents if a.node == 5)
    assert first.trust == model.population.trust[5]
    seen = np.array([a.seen for a in sorted(agents, key=lambda a: a.node)])
    assert seen.sum() == model.totals["reach"]
    converted = agents.select(lambda a: a.converted)
    assert len(converted) == model.totals["conversions"]


def test_datacollector_records_every_step(model):
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.campaign.steps  # one row after each step
    assert list(frame.columns) == [name for name in FUNNEL_COLUMNS if name != "depth"]
    assert frame["reach"].iloc[-1] == model.totals["reach"]
    assert frame["reach"].is_monotonic_increasing
    assert frame["conversions"].is_monotonic_increasing


def test_network_comes_from_the_model_seed():
    a, b, c = (CampaignModel(n=300, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.network.indices, b.network.indices)
    assert not np.array_equal(a.network.indices, c.network.indices)
    free = CampaignModel(n=300)  # no seed: one is drawn and recorded
    again = CampaignModel(n=300, seed=free.root_seed)
    assert np.array_equal(free.network.indices, again.network.indices)


def test_batch_run_works():
    results = mesa.batch_run(
        CampaignModel,
        parameters={"n": 400, "appeal": [0.2, 0.8], "seed": [1, 2], "steps": 24},
        iterations=1,
        max_steps=30,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 4
    assert all(row["Step"] == 23 for row in results)  # Mesa counts rows from 0
    by_appeal = {}
    for row in results:
        by_appeal.setdefault(row["appeal"], []).append(row["clicks"])
    assert np.mean(by_appeal[0.8]) > np.mean(by_appeal[0.2])
    direct = CampaignModel(n=400, appeal=0.8, seed=2, steps=24)
    direct.run_model()
    row = next(r for r in results if r["appeal"] == 0.8 and r["seed"] == 2)
    assert row["reach"] == direct.totals["reach"] and row["clicks"] == direct.totals["clicks"]


def test_bad_seed_node_is_reported():
    with pytest.raises(ValueError, match="seed node 500 does not exist"):
        CampaignModel(n=100, seeds=[1, 500], seed=1)


def test_custom_campaign_is_used():
    mdl = CampaignModel(n=200, seed=2, campaign=Campaign(appeal=0.0, steps=5))
    mdl.run_model()
    assert mdl.steps == 5 and mdl.totals["clicks"] == 0  # no appeal, no clicks


def test_event_log_stops_at_the_memory_cap(monkeypatch):
    """The memory guard holds in a stepped model too: one line, no growth past the cap."""
    from simulator.errors import MEMORY_ENV, MemoryLimitError

    monkeypatch.setenv(MEMORY_ENV, "16KB")  # room for ~70 events
    mdl = CampaignModel(n=2000, m=3, k=10, appeal=0.9, seed=7)
    with pytest.raises(
        MemoryLimitError,
        match=r"^the model's event log needs more than .*"
        r"lower n \(the network\) or steps$",
    ):
        for _ in range(mdl.campaign.steps):
            mdl.step()
    assert not mdl.running
    monkeypatch.setenv(MEMORY_ENV, "1GB")  # the same run under a cap that fits: no error
    free = CampaignModel(n=2000, m=3, k=10, appeal=0.9, seed=7)
    for _ in range(free.campaign.steps):
        free.step()
    assert int(free.state.cnt[funnel.N_EVENTS]) > 70
