"""Seeding strategies: pure functions ``(network, k, rng) -> node ids``.

Every strategy lives in the one registry :data:`STRATEGIES`, keyed by name,
with a flag saying whether it is stochastic (draws from ``rng``), one saying
whether it is expensive (runs many cascades or samples), and the source it
comes from. Experiments look strategies up by name; a config that names an
unknown strategy is rejected with the list of known ones.

Contract (tested for every registered strategy): the result is an int64
array of ``k`` distinct node indices; the same ``rng`` seed gives the same
seeds; ``k = 0`` gives an empty array; ``k`` above the number of eligible
nodes raises ``ValueError("k = 50 seeds asked for but only 34 nodes are
eligible")``; no global random state is touched. Arcs point the way a
message travels (``u -> v``: ``v`` sees ``u``'s posts), so "followers" means
out-neighbours; ties are broken by more followers, then the lower index.

The strategies live in small sibling modules:
:mod:`simulator.seeding.centrality` (pagerank, k_shell, betweenness, voterank),
:mod:`simulator.seeding.greedy` (degree_discount, celf),
:mod:`simulator.seeding.imm` (imm), :mod:`simulator.seeding.social` (one_hop,
loyalists), :mod:`simulator.seeding.six_factors` (six_factor) and
:mod:`simulator.seeding.klout` (klout). Strategies with parameters or a population
come from factories with the same call signature:
:func:`~simulator.seeding.greedy.degree_discount_strategy`,
:func:`~simulator.seeding.greedy.celf_strategy`,
:func:`~simulator.seeding.imm.imm_strategy`,
:func:`~simulator.seeding.social.loyalists_strategy`,
:func:`~simulator.seeding.six_factors.six_factor_strategy`,
:func:`~simulator.seeding.klout.klout_strategy`.

Examples
--------
>>> import numpy as np
>>> from simulator import Network
>>> star = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], directed=False)
>>> select_seeds("top_degree", star, 2, np.random.default_rng(0)).tolist()
[0, 1]
>>> sorted(select_seeds("random", star, 4, np.random.default_rng(0)).tolist())
[0, 1, 2, 3]
>>> select_seeds("k_shell", star, 5, np.random.default_rng(0))
Traceback (most recent call last):
...
ValueError: k = 5 seeds asked for but only 4 nodes are eligible
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.seeding.centrality import betweenness, k_shell, pagerank, voterank
from simulator.seeding.common import check_k
from simulator.seeding.greedy import celf, celf_strategy, degree_discount, degree_discount_strategy
from simulator.seeding.imm import imm, imm_strategy
from simulator.seeding.klout import klout, klout_strategy
from simulator.seeding.six_factors import six_factor, six_factor_strategy
from simulator.seeding.social import loyalists, loyalists_strategy, one_hop

__all__ = [
    "SeedingStrategy",
    "STRATEGIES",
    "select_seeds",
    "random_seeds",
    "top_degree",
    "pagerank",
    "k_shell",
    "betweenness",
    "voterank",
    "degree_discount",
    "degree_discount_strategy",
    "celf",
    "celf_strategy",
    "imm",
    "imm_strategy",
    "one_hop",
    "loyalists",
    "loyalists_strategy",
    "six_factor",
    "six_factor_strategy",
    "klout",
    "klout_strategy",
]


@dataclass(frozen=True)
class SeedingStrategy:
    """A registered strategy: the function, whether it is random, where it comes from.

    ``expensive`` marks strategies whose one call runs many cascades or draws
    a large sample (CELF, IMM): pick their seeds once per experiment rather
    than once per replicate. ``with_population`` is a factory
    ``population -> strategy`` for strategies that read agent attributes
    (loyalists, six-factor); :func:`select_seeds` uses it when given a
    population, and the population-free ``select`` otherwise.
    """

    name: str
    select: Callable[..., np.ndarray]
    stochastic: bool
    source: str
    expensive: bool = False
    with_population: Callable[..., Callable[..., np.ndarray]] | None = None


def random_seeds(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """k distinct nodes drawn uniformly at random (the "ordinary people" arm).

    References
    ----------
    D. J. Watts, P. S. Dodds. Influentials, networks, and public opinion
    formation. Journal of Consumer Research 34(4), 2007.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 1], [1, 2])
    >>> random_seeds(net, 3, np.random.default_rng(0)).tolist()
    [0, 1, 2]
    """
    k = check_k(network, k)
    return np.sort(rng.choice(network.n, size=k, replace=False)).astype(np.int64)


def top_degree(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k nodes with the most followers (out-degree); ties broken by lower index.

    ``rng`` is unused (the strategy is deterministic) but kept for the common
    signature.

    References
    ----------
    D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
    through a social network. KDD 2003 (the "high-degree" heuristic).

    Examples
    --------
    >>> from simulator.network import Network
    >>> top_degree(Network.from_edges([0, 1, 1], [1, 0, 2]), 1, np.random.default_rng(0)).tolist()
    [1]
    """
    k = check_k(network, k)
    order = np.lexsort((np.arange(network.n), -network.out_degree()))
    return order[:k].astype(np.int64)


STRATEGIES: dict[str, SeedingStrategy] = {
    s.name: s
    for s in (
        SeedingStrategy("random", random_seeds, True, "uniform random users"),
        SeedingStrategy("top_degree", top_degree, False, "highest out-degree (followers)"),
        SeedingStrategy("pagerank", pagerank, False, "PageRank of the reversed network"),
        SeedingStrategy("k_shell", k_shell, False, "Kitsak et al. 2010"),
        SeedingStrategy("betweenness", betweenness, True, "sampled betweenness (Brandes 2008)"),
        SeedingStrategy("voterank", voterank, False, "Zhang et al. 2016"),
        SeedingStrategy(
            "degree_discount", degree_discount, False, "Chen, Wang & Yang 2009 (p = 0.01)"
        ),
        SeedingStrategy(
            "celf", celf, True, "Leskovec et al. 2007 (IC p = 0.01, 1,000 replicates)", True
        ),
        SeedingStrategy("imm", imm, True, "Tang, Shi & Xiao 2015 (IC p = 0.01)", True),
        SeedingStrategy("one_hop", one_hop, True, "friendship paradox (Cohen et al. 2003)"),
        SeedingStrategy(
            "loyalists",
            loyalists,
            False,
            "favours owed, strongest ties",
            with_population=loyalists_strategy,
        ),
        SeedingStrategy(
            "six_factor", six_factor, False, "Wu 2010", with_population=six_factor_strategy
        ),
        SeedingStrategy("klout", klout, False, "Klout-like amplification score"),
    )
}


def select_seeds(
    name: str, network, k: int, rng: np.random.Generator, population=None
) -> np.ndarray:
    """Run the registered strategy ``name``; unknown names get a clear error.

    Strategies that read agent attributes use ``population`` when given.
    """
    try:
        strategy = STRATEGIES[name]
    except KeyError:
        raise ValueError(
            f"unknown seeding strategy {name!r}; choose from {', '.join(sorted(STRATEGIES))}"
        ) from None
    if population is not None and strategy.with_population is not None:
        return strategy.with_population(population)(network, k, rng)
    return strategy.select(network, k, rng)
