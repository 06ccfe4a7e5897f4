"""Our engine's workloads: W1 (IC), W2 (campaign funnel), W4 (the Mesa model's step).

Each function returns a plain dict of measurements; :mod:`benchmarks.report`
turns them into tables. Every timed call is preceded by an untimed warm-up
call of the same kernel (numba compiles, or loads its disk cache, on the
first call).
"""

from __future__ import annotations

import logging

import numba
import numpy as np

import simulator
from benchmarks.common import (
    IC_P,
    N_SEEDS,
    SEED,
    Sizes,
    funnel_arcs_offered,
    funnel_setup,
    ic_arcs_examined,
    mean_se,
    timed,
)
from simulator.network import generators
from simulator.network.tie_strength import random_strength
from simulator.rng import stream
from simulator.seeding.registry import select_seeds


def _run(
    net, seeds, model, replicates: int, repeats: int, threads: int, log: bool = False
) -> dict:
    """Time ``replicates`` replicates on ``threads`` numba threads (summary unless ``log``)."""
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        simulator.run_cascades(net, seeds, model, min(replicates, 20), SEED, log=log)
        secs, res = timed(
            lambda: simulator.run_cascades(net, seeds, model, replicates, SEED, log=log),
            repeats,
        )
    finally:
        numba.set_num_threads(before)
    reach, se = mean_se(res.reach)
    return {
        "threads": threads,
        "replicates": replicates,
        "seconds": secs,
        "rate": replicates / secs,
        "reach": reach,
        "reach_se": se,
        "result": res,
    }


#: Row names of W1: our summary mode (``log=False``) and the default call (with the log).
IC_SUMMARY, IC_LOGGED = "simulator (numba)", "simulator (numba), event log"
#: Row name of W1 with a probability per arc (thinning): ``2 p * strength``, strength U(0, 1).
IC_PER_ARC = "simulator (numba), p per arc"


def ic_ours(net, seeds, sizes: Sizes) -> list[dict]:
    """W1, ours: IC(p) replicates per second, all threads and one thread.

    Summary mode (``log=False``) first, then the default ``run_cascades``
    call, which keeps the event log (a ``CascadeLog`` of every activation).
    Arcs examined (sum of the out-degrees of the activated nodes) are counted
    exactly, from an untimed re-run with the event log on the same replicate
    keys; the re-run is checked to reproduce the timed reach replicate by
    replicate.
    """
    model = simulator.IndependentCascade(IC_P)
    rows = []
    for name, log in ((IC_SUMMARY, False), (IC_LOGGED, True)):
        for threads in dict.fromkeys((numba.get_num_threads(), 1)):
            row = _run(net, seeds, model, sizes.ic_replicates, sizes.repeats, threads, log)
            row["name"] = name
            rows.append(row)
    logged = simulator.run_cascades(net, seeds, model, sizes.ic_replicates, SEED, log=True)
    arcs = ic_arcs_examined(logged.log, net.out_degree())
    for row in rows:
        row["exact"] = bool(np.array_equal(logged.reach, row.pop("result").reach))
        row["arcs"] = float(arcs.mean())
    return rows + ic_per_arc(net, seeds, sizes)


def ic_per_arc(net, seeds, sizes: Sizes) -> list[dict]:
    """W1 with a probability per arc, ``2 p * strength`` with strength U(0, 1) (mean ``p``).

    Summary mode, all threads and one thread; the engine draws these by
    thinning (:mod:`simulator.engine.counter_rng`). Arcs examined as in
    :func:`ic_ours`, from a logged re-run.
    """
    strong = random_strength(net, 1.0, 1.0, stream(SEED, "ties.per_arc"))
    model = simulator.IndependentCascade(2 * IC_P, scale_by_strength=True)
    rows = []
    for threads in dict.fromkeys((numba.get_num_threads(), 1)):
        row = _run(strong, seeds, model, sizes.ic_replicates, sizes.repeats, threads)
        row["name"] = IC_PER_ARC
        rows.append(row)
    logged = simulator.run_cascades(strong, seeds, model, sizes.ic_replicates, SEED)
    arcs = ic_arcs_examined(logged.log, strong.out_degree())
    for row in rows:
        row["exact"] = bool(np.array_equal(logged.reach, row.pop("result").reach))
        row["arcs"] = float(arcs.mean())
    return rows


def funnel_ours(net, seeds, sizes: Sizes) -> dict:
    """W2: the full funnel on ``net`` (all threads), with arcs offered and impressions.

    The population, tie strengths and campaign come from
    :func:`benchmarks.common.funnel_setup`. Arcs offered by posts are counted
    exactly from a logged re-run of the same replicates.
    """
    fnet, campaign = funnel_setup(net)
    row = _run(
        fnet, seeds, campaign, sizes.funnel_replicates, sizes.repeats, numba.get_num_threads()
    )
    res = row.pop("result")
    logged = simulator.run_cascades(fnet, seeds, campaign, sizes.funnel_replicates, SEED)
    arcs = funnel_arcs_offered(logged.log, fnet.out_degree(), campaign.steps)
    row.update(
        name="simulator funnel",
        exact=bool(np.array_equal(logged.reach, res.reach)),
        arcs=float(arcs.mean()),
        impressions=float(res.totals["impressions"].mean()),
        shares=float(res.totals["shares"].mean()),
        conversions=float(res.totals["conversions"].mean()),
        appeal=campaign.appeal,
    )
    return row


def campaign_model_step(n: int, steps: int) -> dict:
    """W4, ours: mean wall time of ``CampaignModel.step`` over a whole campaign.

    The network is BA with ``m = 3`` (mean degree 6, as the Mesa example's
    ``avg_node_degree=6``); population and campaign as in W2, seeded from the
    10 highest-degree nodes so that the campaign takes off (from random seeds
    most campaigns stay small and the steps would have little to do). A
    small model is run to the end first, so the compiled step is loaded.
    """
    from simulator.mesa_model import CampaignModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    CampaignModel(n=300, k=5, seed=SEED).run_model()  # warm-up
    net = generators.barabasi_albert(n, 3, stream(SEED, "network"))
    fnet, campaign = funnel_setup(net)
    model = CampaignModel(
        network=fnet,
        population=campaign.population,
        campaign=campaign,
        seeds=select_seeds("top_degree", fnet, N_SEEDS, stream(SEED, "seeding")),
        seed=SEED,
    )
    steps = min(steps, campaign.steps)

    def run():
        for _ in range(steps):
            model.step()

    secs, _ = timed(run)
    return {
        "name": "simulator CampaignModel",
        "agents": n,
        "mean_degree": fnet.m / fnet.n,
        "steps": steps,
        "seconds_per_step": secs / steps,
        "state": f"reach {model.totals['reach']:,}, {model.totals['impressions']:,} impressions",
    }
