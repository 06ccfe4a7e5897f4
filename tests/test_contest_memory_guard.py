"""The memory guard in the contest kernel (issue 14): the event log stops at a row cap.

:meth:`Contest.run` with events gives the compiled kernel the rows one
thread may keep under the memory cap (:func:`simulator.errors.event_row_cap`
of :data:`~simulator.contest.kernel_layout.EVENT_ROW_BYTES`); a run whose event log
would pass them stops and raises the one-line
:class:`~simulator.errors.MemoryLimitError`. Tested with a cap of a few
kilobytes, so nothing large is ever allocated.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.contest.kernel import contest_events
from simulator.contest.kernel_layout import EVENT_ROW_BYTES, NO_CAP
from simulator.errors import EVENT_COPIES, MEMORY_ENV, MemoryLimitError
from simulator.network import Network

SMALL_CAP = "16KB"  # 16,000 // (72 * 4) = 55 event rows


def message(key):
    return (
        r"^the contest's event log needs more than ~[0-9.]+ [KMG]?i?B \([0-9,]+ events on a "
        r"thread\), above the memory cap of 15\.6 KiB \(CAMPAIGN_SIM_MEMORY / "
        rf"CAMPAIGN_SIM_WORKERS\): lower {key}$"
    )


@pytest.fixture(scope="module")
def contest():
    rng = np.random.default_rng(4)
    n = 300
    src = np.repeat(np.arange(n), 6)
    dst = (src + rng.integers(1, n, src.size)) % n
    net = Network.from_edges(src, dst, directed=True)
    return Contest(net, None, ContestSettings(players=12, steps=20), seed=4)


def test_event_row_is_nine_int64_columns():
    assert EVENT_ROW_BYTES == 72


def test_the_contest_stops_at_the_row_cap(contest, monkeypatch):
    keys = contest_keys(4, 5)
    full = contest.run(keys, record=2)
    assert len(full.events) > 1000  # far more rows than the small cap holds
    monkeypatch.setenv(MEMORY_ENV, SMALL_CAP)
    with pytest.raises(MemoryLimitError, match=message("experiment.replicates")):
        contest.run(keys, record=2)
    with pytest.raises(MemoryLimitError, match=message("experiment.players or experiment.steps")):
        contest.run(keys[:1], record=1)
    with pytest.raises(MemoryLimitError, match=message("experiment.players")):
        contest.run(keys, record=1, key="experiment.players")
    totals = contest.run(keys)  # no events: no cap
    assert np.array_equal(totals.totals, full.totals)


def test_results_are_the_same_under_a_cap_that_fits(contest, monkeypatch):
    keys = contest_keys(4, 5)
    free = contest.run(keys, record=2)
    rows = len(free.events)
    monkeypatch.setenv(MEMORY_ENV, str(rows * EVENT_ROW_BYTES * EVENT_COPIES))  # exactly fits
    capped = contest.run(keys, record=2)
    assert capped.events.equals(free.events)
    assert np.array_equal(capped.totals, free.totals)
    monkeypatch.setenv(MEMORY_ENV, str(rows * EVENT_ROW_BYTES * EVENT_COPIES - 1))  # one short
    with pytest.raises(MemoryLimitError):
        contest.run(keys, record=2)


def test_kernel_reports_the_rows_it_wanted_and_stops_early(contest):
    keys = contest_keys(4, 5)
    contest.run(keys[:1])  # builds the kernel inputs
    node_f, arc_f = contest._inputs[0]
    s = contest.settings
    net = (contest.network.indptr, contest.network.indices)
    plan = (contest._posts, contest.plan.boost.astype(np.float64), contest.plan.strangers,
            contest._clicks)  # fmt: skip
    fl = np.array(s.crowd_floats())
    ints = np.array([s.steps, s.attention_window, s.fatigue_tolerance, contest.network.n])
    args = (net, node_f, arc_f, plan, contest.players, fl, ints, keys, 2)
    totals, events, wanted = contest_events(*args, NO_CAP)
    assert wanted == 0 and events.shape[0] > 1000
    first = int((events[:, 0] == 0).sum())  # rows of the first replicate
    totals_cap, events_cap, wanted = contest_events(*args, 100)
    assert wanted > 100 and events_cap.shape[0] == 100
    assert np.array_equal(events_cap, events[:100])  # the rows it kept are the run's
    assert first > 100 and (totals_cap[1:] == 0).all()  # later replicates never ran
    # the first replicate stopped at the end of the step that passed the cap
    stop = events[100, 3]
    assert totals_cap[0].sum() < totals[0].sum()
    assert wanted == int(((events[:, 0] == 0) & (events[:, 3] <= stop)).sum())
