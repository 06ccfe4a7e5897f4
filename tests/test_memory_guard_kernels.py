"""The memory guard inside the compiled kernels (issue 14): event buffers stop at a row cap.

Every kernel that keeps an event log (independent cascade, threshold, SIR,
campaign funnel) is given the rows a thread may keep under the memory cap
(:func:`simulator.errors.event_row_cap`); a run that would grow a buffer past
them stops, and ``run_cascades`` raises the one-line
:class:`~simulator.errors.MemoryLimitError`. Tested with a cap of a few
kilobytes, so nothing large is ever allocated.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from simulator import Campaign, IndependentCascade, Network, run_cascades
from simulator.engine import funnel
from simulator.engine.buffers import append_activations, empty_columns, join_blocks
from simulator.engine.registry import make_model
from simulator.errors import (
    EVENT_COPIES,
    MEMORY_ENV,
    MemoryLimitError,
    event_overflow,
    event_row_cap,
)

#: Small enough that 40 replicates of a 300-node cascade (12,000 rows) cannot fit.
SMALL_CAP = "64KB"
MESSAGE = (
    r"^the event log needs more than ~[0-9.]+ [KMG]?i?B \([0-9,]+ events on a thread\), "
    r"above the memory cap of 62\.5 KiB \(CAMPAIGN_SIM_MEMORY / CAMPAIGN_SIM_WORKERS\): "
    r"lower replicates \(experiment\.replicates\)$"
)


def ring(n=300):
    """A directed ring with chords: strongly connected, so probability 1 reaches all."""
    src = np.r_[np.arange(n), np.arange(n)]
    dst = np.r_[(np.arange(n) + 1) % n, (np.arange(n) + 7) % n]
    return Network.from_edges(src, dst, directed=True)


MODELS = {
    "independent_cascade": {"p": 1.0},
    "complex_contagion": {"k": 1, "p": 1.0},
    "fractional_threshold": {"phi": 0.5},
    "sir": {"beta": 1.0, "gamma": 1.0},
}


def test_row_cap_is_the_cap_divided_among_threads_and_copies():
    cap = 10**6
    assert event_row_cap(24, threads=1, cap=cap) == cap // (24 * EVENT_COPIES)
    assert event_row_cap(24, threads=4, cap=cap) == cap // (24 * EVENT_COPIES * 4)
    assert event_row_cap(10**9, cap=cap) == 1  # never 0: a kernel always keeps one row
    err = event_overflow("the event log", 1000, 24, "replicates", threads=2, cap=cap)
    assert isinstance(err, MemoryLimitError) and "\n" not in str(err)
    assert "1,000 events on a thread" in str(err) and str(err).endswith("lower replicates")


def test_append_activations_stops_at_its_room_and_says_how_many_rows():
    cols = empty_columns(0)
    order = np.arange(10, dtype=np.int32)
    parent, step = np.zeros(10, np.int32), np.zeros(10, np.int32)
    arc = np.zeros(10, np.int64)
    cols, total = append_activations(cols, 0, 0, order, parent, step, arc, 6, 10)
    assert total == 6
    cols, total = append_activations(cols, total, 1, order, parent, step, arc, 6, 10)
    assert total == -12  # 12 rows wanted, 10 allowed: nothing appended
    tables = numba.typed.List([cols])
    columns, wanted = join_blocks(tables, np.array([total]))
    assert wanted == 12 and columns[0].size == 0
    columns, wanted = join_blocks(tables, np.array([6]))
    assert wanted == 0 and columns[1].tolist() == list(range(6))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_activation_kernels_stop_at_the_row_cap(kind, monkeypatch):
    net, model = ring(), make_model(kind, MODELS[kind], None)
    full = run_cascades(net, [0], model, 40, seed=1)  # no cap set: 80% of the memory
    assert (full.reach == net.n).all()
    monkeypatch.setenv(MEMORY_ENV, SMALL_CAP)
    with pytest.raises(MemoryLimitError, match=MESSAGE):
        run_cascades(net, [0], model, 40, seed=1)
    summary = run_cascades(net, [0], model, 40, seed=1, log=False)  # no events: no cap
    assert np.array_equal(summary.reach, full.reach)
    few = run_cascades(net, [0], model, 2, seed=1)  # 600 rows fit under the cap
    assert np.array_equal(few.reach, full.reach[:2])


@pytest.mark.parametrize("threads", [1, 2])
def test_the_cap_is_per_thread_and_results_do_not_depend_on_it(threads, monkeypatch):
    net = ring()
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        free = run_cascades(net, [0], IndependentCascade(0.6), 30, seed=2)
        rows = free.log.node.size
        used = numba.get_num_threads()
        # a cap that holds every row on one thread, whatever the split among threads
        monkeypatch.setenv(MEMORY_ENV, str(rows * 24 * EVENT_COPIES * used + 1))
        capped = run_cascades(net, [0], IndependentCascade(0.6), 30, seed=2)
        assert capped.log.to_frame().equals(free.log.to_frame())
        # half of that: divided among the threads, each may keep rows / 2, and some thread
        # has at least half the rows (undivided, two threads would each fit them all)
        monkeypatch.setenv(MEMORY_ENV, str(rows * 24 * EVENT_COPIES * used // 2))
        with pytest.raises(MemoryLimitError, match="^the event log needs more than"):
            run_cascades(net, [0], IndependentCascade(0.6), 30, seed=2)
    finally:
        numba.set_num_threads(before)


def test_funnel_stops_at_the_row_cap(monkeypatch):
    net = ring()
    camp = Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0, steps=400)
    full = run_cascades(net, [0], camp, 20, seed=3)
    assert (full.reach == net.n).all()
    monkeypatch.setenv(MEMORY_ENV, SMALL_CAP)
    with pytest.raises(MemoryLimitError, match=MESSAGE):
        run_cascades(net, [0], camp, 20, seed=3)
    summary = run_cascades(net, [0], camp, 20, seed=3, log=False)
    assert np.array_equal(summary.totals["impressions"], full.totals["impressions"])


def test_funnel_kernel_reports_the_rows_it_wanted_and_stops_early():
    net = ring()
    camp = Campaign(appeal=1.0, share_rate=1.0, weak_attention=1.0, steps=400)
    inputs = camp.kernel_inputs(net)
    seeds, keys = np.zeros((50, 1), np.int64), np.arange(50, dtype=np.uint64)
    args = (net.indptr, net.indices, *inputs, seeds, keys)
    totals, events, amounts, wanted = funnel.run_events(*args, funnel.NO_CAP)
    assert wanted == 0 and events.shape[0] == amounts.size > 1000
    totals, events, amounts, wanted = funnel.run_events(*args, 1000)
    assert wanted > 1000 and events.shape[0] <= 1000
    assert (totals[-1] == 0).all()  # the run stopped: later replicates never ran
