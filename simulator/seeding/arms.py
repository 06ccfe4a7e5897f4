"""Run the arms of a seeding experiment with paired replicates.

All arms share replicate ``r``'s key, so they see the same random numbers
(common random numbers): the random numbers about node ``u`` in replicate ``r``
(its own stream) are the same in every arm. Stochastic strategies (e.g. "random") draw their
seeds from the stream ``("seeding.<name>", r)``, so adding or removing an
arm changes no other arm's numbers.

An arm gets either ``k`` seeds or a ``budget``: with a budget and a cost per
node (:mod:`simulator.seeding.budgets`), the strategy buys seeds in its order of
preference while the budget lasts.

Examples
--------
>>> from simulator import Network, IndependentCascade
>>> net = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], directed=False)
>>> rows = run_seeding_arms(net, IndependentCascade(1.0), ["random", "top_degree"], k=1,
...                         replicates=3, seed=7, progress=False)
>>> rows.groupby("arm")["reach"].mean().to_dict()
{'random': 4.0, 'top_degree': 4.0}

``replicate_range`` runs a block of the replicates only (one shard of a run
split across machines): the same rows as the whole run's for those replicates.

>>> net = Network.from_edges(list(range(30)), list(range(1, 31)), directed=False)
>>> whole = run_seeding_arms(net, IndependentCascade(0.5), ["random"], k=2, replicates=6,
...                          seed=3, progress=False)
>>> part = run_seeding_arms(net, IndependentCascade(0.5), ["random"], k=2, replicates=6,
...                         seed=3, progress=False, replicate_range=range(2, 5))
>>> part.equals(whole.iloc[2:5].reset_index(drop=True))
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.engine.run import run_cascades
from simulator.progress import progress_bar
from simulator.rng import replicate_key_block, stream
from simulator.seeding.budgets import buy, max_affordable
from simulator.seeding.registry import STRATEGIES, select_seeds

__all__ = ["seeds_for_arm", "run_seeding_arms"]

BATCH = 250  # replicates per kernel call: small enough for a live progress bar


def _pick(network, name, k, rng, budget, cost, population=None):
    """One draw of strategy ``name``: ``k`` seeds, or what ``budget`` buys."""
    if budget is None:
        return select_seeds(name, network, k, rng, population)
    wanted = min(max_affordable(cost, budget), network.n)
    while True:  # strategies may have fewer eligible nodes than n
        try:
            preference = select_seeds(name, network, wanted, rng, population)
            break
        except ValueError:
            if wanted == 0:
                raise
            wanted -= 1
    if STRATEGIES[name].stochastic:
        preference = rng.permutation(preference)  # a random set, bought in random order
    return buy(preference, cost, budget)


def seeds_for_arm(
    network,
    name: str,
    k: int | None,
    replicates: int,
    seed: int,
    redraw: bool = True,
    budget: float | None = None,
    cost: np.ndarray | None = None,
    population=None,
    replicate_range: range | None = None,
) -> list[np.ndarray]:
    """The seeds of strategy ``name`` in each replicate (a list of arrays).

    Deterministic strategies, expensive ones (CELF, IMM: an optimisation, not
    a draw of ordinary people) and stochastic ones with ``redraw=False`` pick
    once and use the same seeds in every replicate. ``replicate_range``: only
    those replicates (each from its own stream, as in the whole run).
    """
    span = range(replicates) if replicate_range is None else replicate_range
    strategy = STRATEGIES[name]
    if strategy.stochastic and redraw and not strategy.expensive:
        return [
            _pick(network, name, k, stream(seed, f"seeding.{name}", r), budget, cost, population)
            for r in span
        ]
    chosen = _pick(network, name, k, stream(seed, f"seeding.{name}"), budget, cost, population)
    return [chosen] * len(span)


def _seed_matrix(rows: list[np.ndarray]) -> np.ndarray:
    """Rows padded to one width by repeating their first seed (a repeat changes nothing)."""
    width = max((len(r) for r in rows), default=0)
    out = np.empty((len(rows), width), np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
        out[i, len(row) :] = row[0] if len(row) else 0
    return out


def run_seeding_arms(
    network,
    model,
    strategies: Sequence[str],
    k: int | None,
    replicates: int,
    seed: int,
    redraw: bool = True,
    progress: bool | None = None,
    budget: float | None = None,
    cost: np.ndarray | None = None,
    population=None,
    replicate_range: range | None = None,
) -> pd.DataFrame:
    """Reach of each strategy over paired replicates: one row per arm x replicate.

    Columns: ``arm, replicate, seed, replicate_key, k`` (seeds used),
    ``reach, depth`` and the model's further totals (the funnel:
    ``impressions, clicks, shares, conversions, amount``); with a budget also
    ``budget`` and ``spent``. Strategies that read agent attributes
    (loyalists, six-factor) use ``population`` when given. ``progress=None``
    shows a bar only on a terminal. ``replicate_range`` (a block of
    ``range(replicates)``) runs those replicates only, with the whole run's keys
    and seeds: the rows equal the whole run's rows of those replicates.
    """
    if (budget is None) == (k is None):
        raise ValueError("give either k (seeds per arm) or a budget with costs")
    if budget is not None and cost is None:
        raise ValueError("a budget needs a cost per node (simulator.seeding.budgets.seed_costs)")
    span = range(replicates) if replicate_range is None else replicate_range
    keys = replicate_key_block(seed, replicates, span)  # refuses a span that is not a block
    count = len(span)
    frames = []
    bar = progress_bar(
        progress=progress,
        total=len(strategies) * count,
        desc="replicates",
        unit="rep",
        leave=False,
    )
    with bar:
        for name in strategies:
            rows = seeds_for_arm(
                network, name, k, replicates, seed, redraw, budget, cost, population, span
            )
            if any(len(r) == 0 for r in rows):
                raise ValueError(f"budget {budget} buys no seed for strategy {name!r}")
            seeds = _seed_matrix(rows)
            parts = []
            for lo in range(0, count, BATCH):
                hi = min(lo + BATCH, count)
                res = run_cascades(
                    network, seeds[lo:hi], model, hi - lo, seed, log=False, keys=keys[lo:hi]
                )
                parts.append({"reach": res.reach, "depth": res.depth, **res.totals})
                bar.update(hi - lo)
            head = {
                "arm": name,
                "replicate": np.arange(span.start, span.stop),
                "seed": seed,
                "replicate_key": keys,
                "k": np.array([len(r) for r in rows]),
            }
            if budget is not None:
                head["budget"] = float(budget)
                head["spent"] = np.array([cost[r].sum() for r in rows])
            columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
            frames.append(pd.DataFrame({**head, **columns}))
    return pd.concat(frames, ignore_index=True)
