"""Shared set-up of the benchmarks: sizes, the graph, the campaign, timing helpers.

Every random draw comes from :func:`simulator.rng.stream` under the root
seed :data:`SEED`, so every run benchmarks the same graph, seeds and
population.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

import simulator
from simulator.cascade_log import ACTION_CODE
from simulator.distributions import Distribution
from simulator.network import generators
from simulator.network.tie_strength import random_strength
from simulator.population import Population, PopulationSpec
from simulator.rng import stream

#: Root seed of every benchmark.
SEED = 1
#: Barabási–Albert parameters of W1 and W2 (about 1,000,000 arcs).
N_NODES, BA_M = 100_000, 5
#: Independent-cascade probability and number of seeds (W1).
IC_P, N_SEEDS = 0.05, 10
#: Message appeal of the W2 funnel, chosen by hand (once, over 1,000 replicates)
#: so that its mean reach is close to the mean reach of the W1 independent cascade.
FUNNEL_APPEAL = 0.88
#: Tie strength ~ Beta(2, 5) (mean 0.29: mostly weak ties).
STRENGTH_AB = (2.0, 5.0)


@dataclass(frozen=True)
class Sizes:
    """Replicates, repeats and sizes of one benchmark run."""

    ic_replicates: int = 1_000
    cynetdiff_replicates: int = 1_000
    ndlib_replicates: int = 20
    funnel_replicates: int = 1_000
    repeats: int = 3
    scale_ns: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    scale_replicates: int = 5
    mesa_agents: int = 10_000
    mesa_steps: int = 48
    theory_replicates: int = 2_000


FULL = Sizes()
QUICK = Sizes(
    ic_replicates=100,
    cynetdiff_replicates=100,
    ndlib_replicates=2,
    funnel_replicates=100,
    repeats=1,
    scale_ns=(10_000, 100_000),
    scale_replicates=3,
    mesa_agents=2_000,
    mesa_steps=10,
    theory_replicates=200,
)


def ba_network(n: int = N_NODES, m: int = BA_M) -> simulator.Network:
    """The benchmark's Barabási–Albert network (stream ``"network"``)."""
    return generators.barabasi_albert(n, m, stream(SEED, "network"))


def random_seeds(net: simulator.Network, k: int = N_SEEDS) -> np.ndarray:
    """``k`` distinct seed nodes drawn uniformly (stream ``"seeding"``)."""
    return np.sort(stream(SEED, "seeding").choice(net.n, size=k, replace=False))


def population_spec() -> PopulationSpec:
    """Heterogeneous agents: default trust, reciprocity, activity, credibility.

    Two changes from :class:`PopulationSpec` defaults: ``bandwidth`` is
    Beta(8, 2) (mean 0.8; with the default mean of 0.2 a cascade dies out
    whatever the appeal, so it could not match W1's reach), and every arc
    carries favours owed, log-normal(-1, 1), so reciprocity enters the
    conversion decision.
    """
    return PopulationSpec(
        bandwidth=Distribution(kind="beta", a=8.0, b=2.0),
        favours=Distribution(kind="lognormal", mean=-1.0, sigma=1.0),
    )


def funnel_setup(net: simulator.Network, appeal: float = FUNNEL_APPEAL):
    """Tie strength, population and campaign for ``net``: ``(net, campaign)``.

    The returned network carries Beta tie strengths; the campaign (48 steps,
    share and convert) carries the population.
    """
    net = random_strength(net, *STRENGTH_AB, stream(SEED, "ties"))
    pop = Population.draw(population_spec(), net, stream(SEED, "population"))
    return net, simulator.Campaign(appeal=appeal, steps=48, population=pop)


def timed(fn, repeats: int = 1) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls of ``fn()`` and the last result."""
    times, out = [], None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def mean_se(x) -> tuple[float, float]:
    """Mean and standard error of ``x``."""
    x = np.asarray(x, dtype=float)
    se = float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("nan")
    return float(x.mean()), se


def ic_arcs_examined(log, out_degree: np.ndarray) -> np.ndarray:
    """Per replicate: arcs examined by IC = sum of the out-degrees of the activated."""
    return np.bincount(log.replicate, weights=out_degree[log.node], minlength=log.replicates)


def funnel_arcs_offered(log, out_degree: np.ndarray, steps: int) -> np.ndarray:
    """Per replicate: arcs the funnel's post phase loops over.

    Every post offers the message along every out-arc of its poster: the
    seeds post at step 0 (no reminders here), and a share at step ``t``
    posts at ``t + 1`` if that is still within the campaign.
    """
    posts = (log.action == ACTION_CODE["seed"]) | (
        (log.action == ACTION_CODE["share"]) & (log.step + 1 < steps)
    )
    return np.bincount(
        log.replicate[posts], weights=out_degree[log.node[posts]], minlength=log.replicates
    )
