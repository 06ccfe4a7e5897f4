"""The contract every registered spread model keeps (engine.registry.SPREAD_MODELS).

For each model (the funnel with and without a Population): ``simulate``
returns a named :class:`ModelResult`; the same seed gives identical reach,
depth, totals and log, another seed differs (where the model is random);
reach lies in [number of distinct seeds, n]; the event log and the summary
mode (``log=False``) agree replicate by replicate; the number of numba
threads does not change the results. A model added to the registry is
tested here without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import pytest

from simulator import run_cascades
from simulator.cascade_log import FUNNEL_TOTALS
from simulator.engine.registry import SPREAD_MODELS, make_model
from simulator.engine.result import Events, ModelResult
from simulator.engine.run import seed_matrix
from simulator.network import generators
from simulator.population import Population, PopulationSpec
from simulator.rng import replicate_keys, stream

#: Parameters under which each model spreads on the small test graph (defaults otherwise).
PARAMS = {
    "independent_cascade": {"p": 0.2},
    "complex_contagion": {"k": 2, "p": 0.6},
    "fractional_threshold": {"phi": 0.2},
    "sir": {"beta": 0.2, "gamma": 0.5},
    "funnel": {"appeal": 0.7, "steps": 16},
}
#: Models without randomness: every seed gives the same cascade.
DETERMINISTIC = {"fractional_threshold"}
SEEDS = [0, 7, 7, 42]  # a repeated seed counts once
REPLICATES = 40


@pytest.fixture(scope="module")
def net():
    return generators.barabasi_albert(300, 3, stream(5, "network"))


@pytest.fixture(scope="module")
def population(net):
    return Population.draw(PopulationSpec(), net, stream(5, "population"))


CASES = [(kind, False) for kind in SPREAD_MODELS] + [("funnel", True)]


@pytest.fixture(params=CASES, ids=[f"{k}{'+population' if p else ''}" for k, p in CASES])
def model(request, population):
    kind, with_population = request.param
    return make_model(kind, PARAMS.get(kind, {}), population if with_population else None)


def _same(a, b) -> bool:
    """Identical reach, depth, totals and (when both have one) log."""
    if not (np.array_equal(a.reach, b.reach) and np.array_equal(a.depth, b.depth)):
        return False
    if a.totals.keys() != b.totals.keys():
        return False
    if not all(np.array_equal(a.totals[k], b.totals[k]) for k in a.totals):
        return False
    if a.log is None or b.log is None:
        return a.log is None and b.log is None
    return a.log.to_frame().equals(b.log.to_frame())


def test_simulate_returns_a_named_result(model, net):
    keys = replicate_keys(1, 3)
    rows = seed_matrix(net, SEEDS, 3)
    logged = model.simulate(net, rows, keys, True)
    summary = model.simulate(net, rows, keys, False)
    assert isinstance(logged, ModelResult) and isinstance(summary, ModelResult)
    assert isinstance(logged.events, Events) and summary.events is None
    ev = logged.events
    size = ev.node.size
    for name in ("replicate", "node", "parent", "step", "action", "arc"):
        assert getattr(ev, name).shape == (size,), name
    assert ev.amount is None or ev.amount.shape == (size,)
    assert logged.reach.shape == logged.depth.shape == (3,)


def test_reproducible_per_seed_and_another_seed_differs(model, net):
    a = run_cascades(net, SEEDS, model, REPLICATES, seed=11)
    b = run_cascades(net, SEEDS, model, REPLICATES, seed=11)
    c = run_cascades(net, SEEDS, model, REPLICATES, seed=12)
    assert _same(a, b)
    if type(model) in {SPREAD_MODELS[k] for k in DETERMINISTIC}:
        assert _same(a, c)
    else:
        assert not _same(a, c)


def test_reach_is_between_the_seeds_and_the_network(model, net):
    res = run_cascades(net, SEEDS, model, REPLICATES, seed=3, log=False)
    distinct = len(set(SEEDS))
    assert ((res.reach >= distinct) & (res.reach <= net.n)).all()
    assert (res.depth >= 0).all()
    assert res.reach.max() > distinct  # the parameters let every model spread
    logged = run_cascades(net, SEEDS, model, REPLICATES, seed=3)
    assert np.array_equal(logged.log.counts("seed"), np.full(REPLICATES, distinct))


def test_log_and_summary_modes_agree_replicate_by_replicate(model, net):
    logged = run_cascades(net, SEEDS, model, REPLICATES, seed=4)
    summary = run_cascades(net, SEEDS, model, REPLICATES, seed=4, log=False)
    assert summary.log is None and logged.log is not None
    assert np.array_equal(logged.reach, summary.reach)
    assert np.array_equal(logged.depth, summary.depth)
    assert logged.totals.keys() == summary.totals.keys()
    for name in logged.totals:
        assert np.array_equal(logged.totals[name], summary.totals[name]), name
    log = logged.log
    assert ((log.replicate >= 0) & (log.replicate < REPLICATES)).all()
    for r in range(REPLICATES):
        assert log.step[log.replicate == r].max() == logged.depth[r]
    if logged.totals:  # the funnel: its totals are the FUNNEL_TOTALS, counted in the log
        assert list(logged.totals) == list(FUNNEL_TOTALS)
        for name, action in FUNNEL_TOTALS.items():
            if name != "amount":
                assert np.array_equal(log.counts(action), logged.totals[name]), name


def test_thread_count_does_not_change_results(model, net):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread")
    before = numba.get_num_threads()
    out = {}
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            out[threads] = (
                run_cascades(net, SEEDS, model, REPLICATES, seed=6, log=False),
                run_cascades(net, SEEDS, model, REPLICATES, seed=6),
            )
    finally:
        numba.set_num_threads(before)
    for one, two in zip(out[1], out[2], strict=True):
        assert _same(one, two)


def test_every_registered_model_is_covered():
    assert set(PARAMS) <= set(SPREAD_MODELS)
    assert {kind for kind, _ in CASES} == set(SPREAD_MODELS)


@dataclass(frozen=True)
class TupleModel:
    """A model that breaks the contract: it returns a positional tuple."""

    def simulate(self, network, seed_rows, keys, log):
        return np.ones(keys.size, np.int64), np.zeros(keys.size, np.int64), None


def test_a_positional_result_is_rejected(net):
    with pytest.raises(TypeError, match="TupleModel.simulate must return a ModelResult"):
        run_cascades(net, [0], TupleModel(), 2, seed=0)
