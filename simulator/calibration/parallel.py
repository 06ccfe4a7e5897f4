"""Simulating the proposals of an ABC-SMC generation in parallel, in worker processes.

A generation's proposals are simulated in chunks by processes forked from
the fitting one (so the simulator, often a closure over a large built model,
is inherited, never pickled), and read back in index order. Proposal ``i``
of generation ``g`` draws everything (its parent particle, its move, its
simulation) from its own stream ``(seed, "abc", g, i)``, whatever process
runs it, so :func:`simulator.calibration.smc.abc_smc` keeps the same first
``particles`` accepted proposals for any number of workers.

Examples
--------
>>> import numpy as np
>>> sim = lambda theta, rng: np.array([theta[0] + rng.normal()])
>>> with Pool(sim, seed=1, workers=2) as pool:
...     out = pool.run(0, 0, 3, ("prior", np.array([[0.0], [1.0], [2.0]])), None)
>>> with Pool(sim, seed=1, workers=1) as pool:
...     same = pool.run(0, 0, 3, ("prior", np.array([[0.0], [1.0], [2.0]])), None)
>>> all(np.array_equal(a[1], b[1]) for a, b in zip(out, same))
True
"""

from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np

from simulator.errors import sweep_workers
from simulator.rng import stream

__all__ = ["Pool", "available_workers"]


def available_workers() -> int:
    """Cores this process may use: its CPU affinity (all cores where that is unknown)
    shared among the sweep's parallel jobs (``CAMPAIGN_SIM_WORKERS``, as the memory
    guard shares the memory cap), at least one.

    >>> import os
    >>> os.environ["CAMPAIGN_SIM_WORKERS"] = "1000000"
    >>> available_workers()
    1
    >>> del os.environ["CAMPAIGN_SIM_WORKERS"]
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // sweep_workers())


def _proposals(simulate, seed, g, lo, hi, how):
    """Proposals ``lo .. hi - 1`` of generation ``g``: ``(theta or None, summaries)`` each."""
    out = []
    for i in range(lo, hi):
        rng = stream(seed, "abc", g, i)
        if how[0] == "prior":
            theta = how[1][i - lo]
        else:
            prior, k = how[1], how[2]
            j = rng.choice(k["w0"].size, p=k["w0"])
            z = k["z0"][j] + k["chol"][j] @ rng.standard_normal(k["z0"].shape[1])
            if not prior.inside(z):
                out.append((None, None))
                continue
            theta = prior.from_work(z)
        out.append((theta, np.asarray(simulate(theta, rng), float)))
    return out


# The simulator of the pool's worker processes: set before they are forked, so they inherit
# it (a closure over a built model is never pickled); one pool at a time per process.
_WORKER = {}


def _work(task):
    return _proposals(_WORKER["simulate"], _WORKER["seed"], *task)


class Pool:
    """Worker processes (fork) that simulate chunks of proposals; in-process with 1 worker.

    Proposal ``i`` draws from its own stream whatever process runs it, and
    :meth:`run` returns the results in index order, so the fit does not
    depend on the number of workers.
    """

    def __init__(self, simulate, seed, workers):
        self.simulate, self.seed, self.workers = simulate, seed, workers
        self.pool = None

    def __enter__(self):
        if self.workers > 1 and "fork" in mp.get_all_start_methods():
            _WORKER.update(simulate=self.simulate, seed=self.seed)
            self.pool = mp.get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _WORKER.clear()

    def run(self, g, lo, hi, how, bar):
        """Proposals ``lo .. hi - 1`` of generation ``g``, in index order."""
        if self.pool is None:
            out = _proposals(self.simulate, self.seed, g, lo, hi, how)
            if bar is not None:
                bar.update(hi - lo)
            return out
        step = max(1, -(-(hi - lo) // (4 * self.workers)))
        tasks = []
        for a in range(lo, hi, step):
            b = min(a + step, hi)
            part = ("prior", how[1][a - lo : b - lo]) if how[0] == "prior" else how
            tasks.append((g, a, b, part))
        out = []
        for chunk in self.pool.imap(_work, tasks):
            out.extend(chunk)
            if bar is not None:
                bar.update(len(chunk))
        return out
