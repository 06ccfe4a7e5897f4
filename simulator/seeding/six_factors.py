"""The six-factor score (Wu's six factors of influence) and the seeding strategies that rank by it.

The one definition of the score: :func:`six_factor_table` gives each sender's
six factors, :func:`six_factor_score` their product, :func:`six_factor_seeds`
the best ``k`` senders by it. The seeding strategies :func:`six_factor`
(network only) and :func:`six_factor_strategy` (with a population) and the
six-factors study (``experiments/six_factors.py``) all rank with these
functions. Ties are broken by more followers, then by the lower node index.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2])  # 0 has 3 followers, 1 has 1
>>> six_factor_score(six_factor_table(net))[:2].tolist()  # without a population: followers
[3.0, 1.0]
>>> six_factor(net, 1, np.random.default_rng(0)).tolist()
[0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator import checks
from simulator.engine.campaign import Campaign
from simulator.seeding.common import check_k, check_population, empty_seeds, named, ranked

__all__ = [
    "SIX_FACTORS",
    "six_factor",
    "six_factor_score",
    "six_factor_seeds",
    "six_factor_strategy",
    "six_factor_table",
    "window_online",
]


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
