"""Run the arms of a seeding experiment with paired replicates.

All arms share replicate ``r``'s key, so they see the same random numbers
(common random numbers): the per-arc coin of arc ``a`` in replicate ``r`` is
the same in every arm. Stochastic strategies (e.g. "random") draw their
seeds from the stream ``("seeding.<name>", r)``, so adding or removing an
arm changes no other arm's numbers.

Examples
--------
>>> from simulator import Network, IndependentCascade
>>> net = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], directed=False)
>>> rows = run_seeding_arms(net, IndependentCascade(1.0), ["random", "top_degree"], k=1,
...                         replicates=3, seed=7, progress=False)
>>> rows.groupby("arm")["reach"].mean().to_dict()
{'random': 4.0, 'top_degree': 4.0}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from simulator.engine.run import run_cascades
from simulator.rng import replicate_keys, stream
from simulator.seeding import STRATEGIES, select_seeds

__all__ = ["seeds_for_arm", "run_seeding_arms"]

BATCH = 250  # replicates per kernel call: small enough for a live progress bar


def seeds_for_arm(
    network, name: str, k: int, replicates: int, seed: int, redraw: bool = True
) -> np.ndarray:
    """The (replicates, k) seed matrix of strategy ``name``.

    Deterministic strategies, expensive ones (CELF, IMM: an optimisation, not
    a draw of ordinary people) and stochastic ones with ``redraw=False`` pick
    once and use the same seeds in every replicate.
    """
    strategy = STRATEGIES[name]
    if strategy.stochastic and redraw and not strategy.expensive:
        if not replicates:
            return np.empty((0, k), np.int64)
        return np.stack(
            [
                select_seeds(name, network, k, stream(seed, f"seeding.{name}", r))
                for r in range(replicates)
            ]
        )
    chosen = select_seeds(name, network, k, stream(seed, f"seeding.{name}"))
    return np.broadcast_to(chosen, (replicates, len(chosen)))


def run_seeding_arms(
    network,
    model,
    strategies: Sequence[str],
    k: int,
    replicates: int,
    seed: int,
    redraw: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Reach of each strategy over paired replicates: one row per arm x replicate.

    Columns: ``arm, replicate, seed, replicate_key, k, reach, depth`` and the
    model's further totals (the funnel: ``impressions, clicks, shares,
    conversions, amount``). ``progress=None`` shows a bar only on a terminal.
    """
    keys = replicate_keys(seed, replicates)
    frames = []
    bar = tqdm(
        total=len(strategies) * replicates,
        desc="replicates",
        unit="rep",
        disable=(not progress) if progress is not None else None,
        leave=False,
    )
    with bar:
        for name in strategies:
            seeds = seeds_for_arm(network, name, k, replicates, seed, redraw)
            parts = []
            for lo in range(0, replicates, BATCH):
                hi = min(lo + BATCH, replicates)
                res = run_cascades(
                    network, seeds[lo:hi], model, hi - lo, seed, log=False, keys=keys[lo:hi]
                )
                parts.append({"reach": res.reach, "depth": res.depth, **res.totals})
                bar.update(hi - lo)
            columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
            head = {
                "arm": name,
                "replicate": np.arange(replicates),
                "seed": seed,
                "replicate_key": keys,
                "k": k,
            }
            frames.append(pd.DataFrame({**head, **columns}))
    return pd.concat(frames, ignore_index=True)
