"""Social seeding strategies: friends of random people, loyalists, six factors, a Klout-like score.

The registry holds population-free versions (pure functions of the network);
:func:`loyalists_strategy` and :func:`six_factor_strategy` return versions
that read a :class:`~simulator.population.Population` drawn for the network,
and :func:`klout_strategy` one with another propagation probability. Ties
are broken by more followers (out-degree), then by the lower node index.

This module is long because the six-factor score is defined here once
(:func:`six_factor_table`, :func:`six_factor_score`), for both the seeding
strategy and the six-factors study, with the documentation of each factor.

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
from simulator.engine.campaign import Campaign
from simulator.seeding.common import (
    DEFAULT_P,
    check_k,
    check_population,
    empty_seeds,
    named,
    ranked,
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


# ----------------------------------------------------------------- six factor
#: Wu's six factors, in the order of the columns of :func:`six_factor_table`.
SIX_FACTORS = ("credibility", "bandwidth", "relevance", "timing", "channel", "confidence")


def window_online(population, start_hour: int, window: int) -> np.ndarray:
    """Each agent's chance to be online at least once in ``window`` steps from ``start_hour``.

    Examples
    --------
    >>> from simulator.population import Population
    >>> pop = Population(trust=[1.0], reciprocity=[0.5], bandwidth=[0.3], activity=[0.5],
    ...                  credibility=[0.5], interest=[0.5], owed_to_originator=[0], favours=[])
    >>> window_online(pop, 0, 2).tolist()
    [0.75]
    """
    stay = np.ones(population.n)
    for d in range(window):
        stay *= 1.0 - population.online_chance(start_hour + d)
    return 1.0 - stay


def six_factor_table(network, population=None, campaign=None, *, audience: bool = True):
    """The six factors of every node as a sender: an array (n, 6), columns :data:`SIX_FACTORS`.

    The one definition of the six-factor score, read by
    :func:`six_factor_strategy` (seeding) and by the six-factors study
    (``experiments/six_factors.py``). For a sender ``u`` and the
    ``campaign`` (a :class:`~simulator.engine.campaign.Campaign`: its topic,
    channel, start hour and attention window; None: ``Campaign()``):

    =============  ==========================================================
    credibility    ``credibility[u] * expertise[u, topic]`` (domain credibility)
    bandwidth      ``bandwidth[u] * followers(u)``: the expected audience of one
                   post (``bandwidth[u]`` alone when ``audience`` is False)
    relevance      mean ``interest[v, topic]`` over ``u``'s followers ``v``
    timing         mean over followers of the chance to be online within the
                   attention window from the start hour (their local hours)
    channel        mean channel fit of ``u``'s out-arcs (1, or ``channel_mismatch``)
    confidence     mean start trust of ``u``'s followers in ``u`` (as the funnel
                   kernel sets it: the follower's trust times the arc's trust)
    =============  ==========================================================

    Without a population only the network is known: credibility, relevance
    and timing are 1 (unknown, hence the same for everybody), bandwidth is the
    number of followers and confidence the arcs' trust (1 without it). Means
    over followers are 0 for a node without followers.

    References
    ----------
    M. Wu. The six factors of online social influence. Lithium Technologies
    community blog ("Building Community: The Science of Social"), 2010.

    Examples
    --------
    >>> from simulator.network import Network
    >>> from simulator.population import Population
    >>> net = Network.from_edges([0, 0], [1, 2])
    >>> pop = Population(trust=[1.0, 0.5, 1.0], reciprocity=[0.5] * 3, bandwidth=[0.5] * 3,
    ...                  activity=[1.0] * 3, credibility=[0.4] * 3, interest=[1.0, 0.2, 0.6],
    ...                  owed_to_originator=[0] * 3, favours=[0.0, 0.0])
    >>> six_factor_table(net, pop)[0].round(2).tolist()
    [0.4, 1.0, 0.4, 1.0, 1.0, 0.75]
    """
    campaign = Campaign() if campaign is None else campaign
    n, src, dst = network.n, network.sources(), network.indices
    degree = network.out_degree()

    def follower_mean(per_arc):
        return np.bincount(src, weights=per_arc, minlength=n) / np.maximum(degree, 1)

    trust0 = np.ones(network.m) if network.trust is None else network.trust
    fit = np.ones(network.m)
    if campaign.channel is not None:
        if campaign.channel not in network.layer_names:
            raise ValueError(
                f"campaign.channel {campaign.channel!r} is not a layer of the network "
                f"(layers: {', '.join(network.layer_names) or 'none'})"
            )
        fits = network.layer == network.layer_names.index(campaign.channel)
        fit = np.where(fits, 1.0, campaign.channel_mismatch)
    table = np.empty((n, len(SIX_FACTORS)))
    table[:, 1] = degree if audience else (degree > 0)
    table[:, 4] = follower_mean(fit)
    if population is None:
        table[:, [0, 2, 3]] = 1.0
        table[:, 5] = follower_mean(trust0)
        return table
    check_population(population, network)
    topic = checks.integer("campaign.topic", campaign.topic, 0, population.topics - 1)
    window = min(campaign.attention_window, campaign.steps)
    table[:, 0] = population.domain_credibility(topic)
    table[:, 1] *= population.bandwidth
    table[:, 2] = follower_mean(population.interest[dst, topic])
    table[:, 3] = follower_mean(window_online(population, campaign.start_hour, window)[dst])
    table[:, 5] = follower_mean(population.trust[dst] * trust0)
    return table


def six_factor_score(table: np.ndarray, drop=(), only: str | None = None) -> np.ndarray:
    """The six-factor score of each sender: the product of its factors (each necessary).

    ``drop``: factors replaced by their mean over the candidates (senders
    with a follower), i.e. left out of the ranking; ``only``: this factor
    alone. Names from :data:`SIX_FACTORS`.

    Examples
    --------
    >>> table = np.array([[0.5, 2.0, 1, 1, 1, 1], [1.0, 1.0, 1, 1, 1, 1], [1, 0, 1, 1, 1, 1]])
    >>> six_factor_score(table).tolist(), six_factor_score(table, drop=("bandwidth",)).tolist()
    ([1.0, 1.0, 0.0], [0.75, 1.5, 1.5])
    """
    for name in (*drop, *(() if only is None else (only,))):
        if name not in SIX_FACTORS:
            raise ValueError(f"unknown factor {name!r}; choose from {', '.join(SIX_FACTORS)}")
    if only is not None:
        return table[:, SIX_FACTORS.index(only)].copy()
    candidates = table[:, 1] > 0
    score = np.ones(table.shape[0])
    for i, name in enumerate(SIX_FACTORS):
        column = table[:, i]
        if name in drop:  # replaced by its mean: the same for every candidate
            column = np.full_like(column, column[candidates].mean() if candidates.any() else 1.0)
        score = score * column
    return score


def six_factor_seeds(network, table: np.ndarray, k: int, drop=(), only=None) -> np.ndarray:
    """The ``k`` candidates (senders with a follower) of best :func:`six_factor_score`.

    Ties go to more followers, then the lower index.
    """
    degree = network.out_degree()
    k = check_k(network, k, int((degree > 0).sum()))
    if k == 0:
        return empty_seeds()
    return ranked(k, six_factor_score(table, drop, only), degree, eligible=degree > 0)


def six_factor(network, k: int, rng: np.random.Generator) -> np.ndarray:
    """Population-free six-factor ranking: audience size times the audience's trust.

    :func:`six_factor_table` without a population: of Wu's six factors only
    bandwidth (followers) and the target's confidence (the arcs' ``trust``,
    when the network has it) are known, so the score is the number of
    followers times their mean trust; without arc trust this is
    ``top_degree`` over the nodes with a follower. Use
    :func:`six_factor_strategy` with a population for the full score.
    ``rng`` is unused.

    References
    ----------
    M. Wu. The six factors of online social influence. Lithium Technologies
    community blog ("Building Community: The Science of Social"), 2010.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 0, 1], [1, 2, 2], trust=[0.1, 0.2, 0.9])
    >>> six_factor(net, 1, np.random.default_rng(0)).tolist()
    [1]
    """
    return six_factor_seeds(network, six_factor_table(network), k)


def six_factor_strategy(
    population, topic: int = 0, *, audience: bool = True, campaign=None
) -> Callable[..., np.ndarray]:
    """Six factors: credible, high-bandwidth senders whose followers care, are online and trust.

    Influence needs all six of Wu's factors, so the score is their product
    (:func:`six_factor_score` of :func:`six_factor_table`: domain
    credibility; bandwidth times followers, the expected audience of a post;
    the followers' mean interest in the topic; their mean chance to be
    online in the attention window from the campaign's start hour; the mean
    channel fit of the sender's arcs; the followers' mean trust in the
    sender). ``campaign`` gives the topic, channel, start hour and window
    (a :class:`~simulator.engine.campaign.Campaign`; without it, ``topic``
    and the defaults of :func:`six_factor_table`). With ``audience=False``
    the bandwidth factor is ``bandwidth`` alone (audience size does not
    count). Deterministic; candidates are the nodes with a follower, ties by
    followers, then lower index. The six-factors study ranks with the same
    functions (``tests/test_six_factors.py`` checks the scores are equal).

    References
    ----------
    M. Wu. The six factors of online social influence. Lithium Technologies
    community blog ("Building Community: The Science of Social"), 2010.

    Examples
    --------
    >>> from simulator.network import Network
    >>> from simulator.population import Population
    >>> net = Network.from_edges([0, 0, 1, 1], [1, 2, 2, 3])
    >>> pop = Population(trust=[1.0] * 4, reciprocity=[0.5] * 4, bandwidth=[0.2, 0.2, 0.5, 0.5],
    ...                  activity=[1.0] * 4, credibility=[0.1, 0.9, 0.5, 0.5],
    ...                  interest=[1.0] * 4, owed_to_originator=[0.0] * 4, favours=[0.0] * 4)
    >>> six_factor_strategy(pop)(net, 1, np.random.default_rng(0)).tolist()  # credible 1
    [1]
    """
    if campaign is None:
        topic = checks.integer("topic", topic, 0, population.topics - 1)
        campaign = Campaign(topic=topic)
    else:
        topic = checks.integer("campaign.topic", campaign.topic, 0, population.topics - 1)

    def select(network, k, rng):
        check_population(population, network)
        table = six_factor_table(network, population, campaign, audience=audience)
        return six_factor_seeds(network, table, k)

    label = f"topic={topic}" + ("" if audience else ", audience=False")
    return named(select, f"six_factor({label})", six_factor_strategy.__doc__)


# ---------------------------------------------------------------------- klout
def klout_scores(network, p: float = DEFAULT_P) -> np.ndarray:
    """Expected direct re-shares of a post plus the new audience those re-shares open.

    With re-share probability ``q = p * strength`` per arc ``u -> v``, node
    ``u`` scores ``sum_v q_uv (1 + followers(v) other than u)``: the
    expected number of followers who pass the post on (amplification) and
    the expected number of their followers who then see it (one-hop reach).
    This is the exact first-order expectation of what a Monte Carlo history
    of one-generation cascades would estimate, at ``O(m)`` cost.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 1, 1, 1], [1, 2, 3, 4])
    >>> klout_scores(net, p=0.5).tolist()  # 0: 0.5 * (1 + 3) re-shares and new viewers
    [2.0, 1.5, 0.0, 0.0, 0.0]
    """
    p = checks.probability("p", p)
    q = p * network.strength
    back = network.reverse_arc_index() >= 0
    onward = network.out_degree()[network.indices] - back  # v's followers other than u
    return np.bincount(network.sources(), weights=q * (1 + onward), minlength=network.n)


def klout(network, k: int, rng: np.random.Generator, *, p: float = DEFAULT_P) -> np.ndarray:
    """A Klout-like social score: the ability to make content travel (not to move people to act).

    Ranks by :func:`klout_scores` (re-shares elicited and the reach they add,
    under an independent cascade with ``p * strength`` per arc). Like the
    commercial scores it imitates, it rewards amplification: it says nothing
    of credibility, trust or whether anyone donates or buys. ``rng`` is unused.

    References
    ----------
    Klout Inc. The Klout Score (2011-2014), as analysed in: A. Rao, N. Spasojevic,
    Z. Li, T. DSouza. Klout score: measuring influence across multiple social
    networks. IEEE Big Data 2015.
    M. Cha, H. Haddadi, F. Benevenuto, K. P. Gummadi. Measuring user influence
    in Twitter: the million follower fallacy. ICWSM 2010.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 1, 1, 1], [1, 2, 3, 4])
    >>> klout(net, 2, np.random.default_rng(0), p=0.5).tolist()
    [0, 1]
    """
    k = check_k(network, k)
    if k == 0:
        return empty_seeds()
    return ranked(k, klout_scores(network, p), network.out_degree())


def klout_strategy(p: float = DEFAULT_P) -> Callable[..., np.ndarray]:
    """A :func:`klout` strategy with re-share probability ``p`` per unit tie strength.

    Examples
    --------
    >>> from simulator.network import Network
    >>> net = Network.from_edges([0, 1, 1, 1], [1, 2, 3, 4])
    >>> klout_strategy(0.5)(net, 1, np.random.default_rng(0)).tolist()
    [0]
    """
    p = checks.probability("p", p)

    def select(network, k, rng):
        return klout(network, k, rng, p=p)

    return named(select, f"klout(p={p:g})", klout.__doc__)
