"""Social seeding strategies: friends of random people and loyalists (plus the family's index).

This module holds :func:`one_hop` (friends of random people) and
:func:`loyalists` / :func:`loyalists_strategy`; the other social strategies
have a module each and are importable from here too:
:mod:`~simulator.seeding.six_factors` (Wu's six factors: :func:`six_factor`,
:func:`six_factor_strategy` and the one six-factor score,
:func:`six_factor_table` and :func:`six_factor_score`) and
:mod:`~simulator.seeding.klout` (a Klout-like score: :func:`klout`,
:func:`klout_strategy`, :func:`klout_scores`).

The registry holds population-free versions (pure functions of the network);
:func:`loyalists_strategy` and :func:`six_factor_strategy` return versions
that read a :class:`~simulator.population.Population` drawn for the network,
and :func:`klout_strategy` one with another propagation probability. Ties
are broken by more followers (out-degree), then by the lower node index.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> star = Network.from_edges([0, 0, 0, 0], [1, 2, 3, 4], directed=False)
>>> picks = [one_hop(star, 1, np.random.default_rng(s))[0] for s in range(1000)]
>>> float(np.mean(np.equal(picks, 0)).round(1))  # the hub: 4 of 5 nominations
0.8
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator import checks
from simulator.seeding.common import check_k, check_population, empty_seeds, named, ranked
from simulator.seeding.klout import klout, klout_scores, klout_strategy
from simulator.seeding.six_factors import (
    SIX_FACTORS,
    six_factor,
    six_factor_score,
    six_factor_seeds,
    six_factor_strategy,
    six_factor_table,
    window_online,
)

__all__ = [
    "klout",
    "klout_scores",
    "klout_strategy",
    "loyalists",
    "loyalists_strategy",
    "one_hop",
    "SIX_FACTORS",
    "six_factor",
    "six_factor_score",
    "six_factor_seeds",
    "six_factor_strategy",
    "six_factor_table",
    "window_online",
]


# -------------------------------------------------------------------- one hop
def one_hop(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """Friends of random people: a random account followed by a random person, k distinct.

    Draw a person uniformly among those who follow someone, then one of the
    accounts they follow uniformly; repeat, discarding repeats, until ``k``
    distinct accounts are named. By the friendship paradox the named accounts
    have more followers than average, without anyone needing to see the whole
    network. Drawing with replacement and discarding repeats is successive
    sampling without replacement with weights ``w_u = sum over u's followers v
    of 1 / (accounts v follows)``, done here in one pass with exponential keys
    (Efraimidis & Spirakis). Eligible: nodes with at least one follower.

    References
    ----------
    R. Cohen, S. Havlin, D. ben-Avraham. Efficient immunization strategies for
    computer networks and populations. Physical Review Letters 91, 247901, 2003.
    N. A. Christakis, J. H. Fowler. Social network sensors for early detection
    of contagious outbreaks. PLoS ONE 5(9), e12948, 2010.
    P. S. Efraimidis, P. G. Spirakis. Weighted random sampling with a
    reservoir. Information Processing Letters 97(5), 2006.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 2], n=5)  # 3 and 4 are isolated
    >>> sorted(one_hop(net, 2, np.random.default_rng(1)).tolist())
    [0, 1]
    """
    n = network.n
    indeg = network.in_degree()
    weight = np.bincount(
        network.sources(), weights=1.0 / indeg[network.indices], minlength=n
    ).astype(np.float64)
    eligible = weight > 0
    k = check_k(network, k, int(eligible.sum()))
    if k == 0:
        return empty_seeds()
    key = np.full(n, np.inf)
    key[eligible] = rng.exponential(size=int(eligible.sum())) / weight[eligible]
    return np.argsort(key, kind="stable")[:k].astype(np.int64)


# ------------------------------------------------------------------ loyalists
# ------------------------------------------------------------------ loyalists
def _strength_sum(network) -> np.ndarray:
    return np.bincount(network.sources(), weights=network.strength, minlength=network.n)


def loyalists(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """Population-free loyalists: the nodes with the most tie strength toward their audience.

    Without a population nobody's debts to the originator are known, so this
    ranks by the sum of out-tie strengths (mean strength of the out-ties
    times the number of followers): people whose followers are strong ties,
    the community members a loyalty programme would invite. With every
    strength 1 this is ``top_degree``. Use :func:`loyalists_strategy` with a
    population to rank by favours owed. ``rng`` is unused.

    References
    ----------
    M. S. Granovetter. The strength of weak ties. American Journal of
    Sociology 78(6), 1973.
    E. Bakshy, I. Rosenn, C. Marlow, L. Adamic. The role of social networks in
    information diffusion. WWW 2012 (strong ties are more influential
    individually).

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 2], weight=[0.1, 0.1, 0.9])
    >>> loyalists(net, 1, np.random.default_rng(0)).tolist()  # 0.9 beats 0.1 + 0.1
    [1]
    """
    k = check_k(network, k)
    if k == 0:
        return empty_seeds()
    return ranked(k, _strength_sum(network), network.out_degree())


def loyalists_strategy(population, originator: int | None = None) -> Callable[..., np.ndarray]:
    """Loyalists: the people who owe the originator most and are most inclined to repay.

    Without ``originator`` every node is eligible and is ranked by
    ``owed_to_originator * reciprocity`` (favours owed, times the propensity
    to return one), then by the strength of its own audience ties (as in
    :func:`loyalists`), then by followers. With ``originator`` (a node index)
    only the people who see the originator's posts (its out-neighbours) are
    eligible, ranked by ``(owed_to_originator + favours on the arc
    originator -> v) * reciprocity``, then by the strength of that tie, then
    by the strength of their own audience ties. The strategy is
    deterministic; the population must have been drawn for the network.

    References
    ----------
    R. B. Cialdini. Influence: Science and Practice. 5th ed., Pearson, 2009
    (reciprocity).
    A. W. Gouldner. The norm of reciprocity: a preliminary statement.
    American Sociological Review 25(2), 1960.

    Examples
    --------
    >>> from simulator.network import Network
    >>> from simulator.population import Population
    >>> net = Network.from_edges([0, 0, 0], [1, 2, 3], weight=[0.2, 0.9, 0.5])
    >>> pop = Population(trust=[1.0] * 4, reciprocity=[1.0] * 4, bandwidth=[1.0] * 4,
    ...                  activity=[1.0] * 4, credibility=[1.0] * 4, interest=[1.0] * 4,
    ...                  owed_to_originator=[0, 0, 0, 3], favours=[0.0] * 3)
    >>> select = loyalists_strategy(pop, originator=0)
    >>> select(net, 2, np.random.default_rng(0)).tolist()  # 3 owes most, then the tie 0.9
    [3, 2]
    >>> select(net, 4, np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    ValueError: k = 4 seeds asked for but only 3 nodes are eligible
    """

    def select(network, k, rng):
        check_population(population, network)
        n = network.n
        audience_ties = _strength_sum(network)
        if originator is None:
            k = check_k(network, k)
            loyalty = population.owed_to_originator * population.reciprocity
            return ranked(k, loyalty, audience_ties, network.out_degree())
        node = checks.integer("originator", originator, 0, n - 1)
        lo, hi = network.indptr[node], network.indptr[node + 1]
        k = check_k(network, k, hi - lo)
        followers = network.indices[lo:hi]
        owed = population.owed_to_originator.copy()
        owed[followers] += population.favours[lo:hi]
        tie = np.zeros(n)
        tie[followers] = network.strength[lo:hi]
        eligible = np.zeros(n, dtype=bool)
        eligible[followers] = True
        loyalty = owed * population.reciprocity
        return ranked(k, loyalty, tie, audience_ties, eligible=eligible)

    label = "" if originator is None else f"originator={originator}"
    return named(select, f"loyalists({label})", loyalists_strategy.__doc__)
