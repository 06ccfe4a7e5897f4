"""A Klout-like seeding score: expected re-shares of a post and the audience they open.

:func:`klout_scores` is the score (an ``O(m)`` first-order expectation under an
independent cascade), :func:`klout` the seeding strategy that ranks by it and
:func:`klout_strategy` one with another re-share probability. Ties are broken
by more followers, then by the lower node index.

Examples
--------
>>> import numpy as np
>>> from simulator.network import Network
>>> net = Network.from_edges([0, 1, 1, 1], [1, 2, 3, 4])
>>> klout(net, 1, np.random.default_rng(0)).tolist()  # 0's one re-sharer shows it to three
[0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator import checks
from simulator.seeding.common import DEFAULT_P, check_k, empty_seeds, named, ranked

__all__ = ["klout", "klout_scores", "klout_strategy"]


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
