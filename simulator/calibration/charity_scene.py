"""The charity scene's settings and the builders of its networks and populations.

:class:`CharityScene` holds the sizes and fixed settings (documented there,
with the published measurements they come from); :func:`blog_branch` builds
the blog branch (the blogger, his community, weak followers and the crowd)
with each member's rank and each arc's needed community size, and
:func:`celebrity_followers` a sample of the celebrities' followers. The
scene itself is described in :mod:`simulator.calibration.charity`, which
simulates it.

Examples
--------
>>> scene = CharityScene.small()
>>> net, pop, rank, need = blog_branch(scene, np.random.default_rng(0), 50)
>>> net.n == 1 + 50 + scene.weak_followers + scene.crowd, int(rank.max())
(True, 50)
>>> celebrity_followers(scene, np.random.default_rng(0), (1000,))["strength"].size
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import checks
from simulator.network.core import Network
from simulator.population import Population

__all__ = ["TIE_EXPONENT", "CharityScene", "blog_branch", "celebrity_followers"]

#: Fixed: a costly act scales with the square of tie strength (the funnel's default).
TIE_EXPONENT = 2.0


@dataclass(frozen=True)
class CharityScene:
    """Sizes and fixed settings of the scene (documented choices, not fitted).

    Sizes follow the write-up where it gives them (two celebrities with
    more than 100,000 and 500,000 followers; a community of regulars) and
    are round numbers elsewhere: a blog of a few hundred regulars and a few
    thousand followers who do not know the blogger.

    The audience of an ordinary account (a regular reader or anyone in the
    crowd) follows published measurements of the social networks of the
    time: ``crowd_followers`` = 100, the median number of Facebook friends
    (99, Ugander, Karrer, Backstrom & Marlow 2011); ``audience_reach``, the
    Beta law of the share of them one post reaches (the funnel's bandwidth),
    mean 0.35 (a post reaches 35% of the author's friends, Bernstein, Bakshy,
    Burke & Karrer 2013); ``friend_share`` = 0.2 of them close friends,
    between the 15- and 50-person layers of a ~150-person network (Dunbar,
    Arnaboldi, Conti & Passarella 2015). A share thus puts the appeal before
    about 100 x 0.35 x 0.2 = 7 friends of the sharer who do not know the
    blogger: the weak-tie donors of the write-up. (An earlier scene, with 20
    followers and a reach of 0.2 chosen as round numbers, reached 0.8
    friends per share; held to 446 tweets and about 62 strong-tie donors,
    its fit made 8 weak-tie donors where the write-up counts about 30.)

    References
    ----------
    J. Ugander, B. Karrer, L. Backstrom, C. Marlow. The anatomy of the
    Facebook social graph. arXiv:1111.4503, 2011.
    M. S. Bernstein, E. Bakshy, M. Burke, B. Karrer. Quantifying the
    invisible audience in social networks. CHI 2013.
    R. I. M. Dunbar, V. Arnaboldi, M. Conti, A. Passarella. The structure of
    online social networks mirrors those in the offline world. Social
    Networks 43, 39-47, 2015.
    """

    max_community: int = 10000
    weak_followers: int = 3000
    crowd: int = 20000
    crowd_followers: float = 100.0
    audience_reach: tuple[float, float] = (3.5, 6.5)
    friend_share: float = 0.2
    community_follows: float = 8.0
    favour_share: float = 0.25
    favours_mean: float = 1.0
    celebrity_followers: tuple[int, ...] = (100_000, 500_000)
    celebrity_scale: float = 0.01
    celebrity_posts: int = 4
    celebrity_start: int = 6
    celebrity_gap: int = 8
    celebrity_bandwidth: float = 1.0
    appeal: float = 0.5
    community_interest: tuple[float, float] = (5.0, 2.0)
    weak_attention: float = 0.5
    blogger_bandwidth: float = 0.8
    blogger_credibility: float = 0.8
    visitor_strength: float = 0.1
    steps: int = 48
    attention_window: int = 12
    decay_median: float = 48.0
    decay_sigma: float = 0.6

    def __post_init__(self):
        for name in ("max_community", "weak_followers", "crowd", "celebrity_posts", "steps"):
            checks.integer(f"scene.{name}", getattr(self, name))
        checks.real("scene.celebrity_scale", self.celebrity_scale, 0.0, 1.0, low_open=True)
        if not self.celebrity_start + (self.celebrity_posts - 1) * self.celebrity_gap < self.steps:
            raise ValueError("scene: the celebrities' last post must fall within the steps")

    @classmethod
    def small(cls) -> CharityScene:
        """A scene a tenth of the size (tests, notebooks): same shape, faster."""
        return cls(weak_followers=600, crowd=4000, celebrity_scale=0.002)


def _audience_ties(rng, scene, size):
    """Strengths of ordinary accounts' follower arcs: friends (strong) and acquaintances."""
    friend = rng.random(size) < scene.friend_share
    return np.where(friend, rng.beta(6, 3, size), rng.beta(1, 9, size))


def _followers(rng, sources, pool_lo, pool_hi, mean):
    counts = rng.poisson(mean, size=sources.size)
    src = np.repeat(sources, counts)
    dst = rng.integers(pool_lo, pool_hi, size=src.size)
    return src, dst


def _population(rng, n, owed, reach, bandwidth0=None, credibility0=None):
    pop = dict(
        trust=rng.beta(5, 2, n),
        reciprocity=rng.beta(2, 2, n),
        bandwidth=rng.beta(*reach, n),
        activity=rng.beta(2, 5, n),
        credibility=rng.beta(2, 5, n),
        interest=rng.uniform(0, 1, n),
        owed_to_originator=owed,
    )
    if bandwidth0 is not None:
        pop["bandwidth"][0] = bandwidth0
    if credibility0 is not None:
        pop["credibility"][0] = credibility0
    return pop


def blog_branch(scene: CharityScene, rng, community: int):
    """The blog branch with ``community`` members: ``(network, population, rank, need)``.

    Node 0 is the blogger, nodes ``1 .. community`` the members (member
    ``i`` has rank ``i``; everyone else rank 0), then the weak followers and
    the crowd; ``need`` is, per arc, the community size from which it is
    used (the larger rank of its ends).
    """
    c, w, k = community, scene.weak_followers, scene.crowd
    n = 1 + c + w + k
    comm = np.arange(1, 1 + c)
    src = [np.zeros(c + w, np.int64)]
    dst = [np.arange(1, 1 + c + w)]
    strength = [np.r_[rng.beta(8, 2, c), rng.beta(1, 9, w)]]
    s, d = _followers(rng, comm, 1, 1 + c, scene.community_follows)
    src.append(s), dst.append(d), strength.append(rng.beta(6, 3, s.size))
    s, d = _followers(rng, np.arange(1, n), 1 + c + w, n, scene.crowd_followers)
    src.append(s), dst.append(d), strength.append(_audience_ties(rng, scene, s.size))
    net = Network.from_edges(
        np.concatenate(src),
        np.concatenate(dst),
        n=n,
        weight=np.concatenate(strength),
        name=f"charity blog branch (community {c}, weak {w}, crowd {k})",
    )
    owed = np.zeros(n)
    owes = comm[rng.random(c) < scene.favour_share]
    owed[owes] = 1 + rng.poisson(scene.favours_mean, owes.size)
    pop = _population(
        rng, n, owed, scene.audience_reach, scene.blogger_bandwidth, scene.blogger_credibility
    )
    pop["interest"][comm] = rng.beta(*scene.community_interest, c)  # regulars read him for it
    rank = np.zeros(n, np.int64)  # member i has rank i; others 0
    rank[comm] = comm
    need = np.maximum(rank[net.sources()], rank[net.indices])  # usable iff community >= need
    return net, Population(**pop, favours=np.zeros(net.m)), rank, need


def celebrity_followers(scene: CharityScene, rng, followers: tuple[int, ...]) -> dict:
    """A ``celebrity_scale`` sample of the celebrities' followers: their attributes and ties."""
    sizes = [max(1, round(f * scene.celebrity_scale)) for f in followers]
    total = sum(sizes)
    pop = _population(rng, total, np.zeros(total), scene.audience_reach)
    credibility = rng.beta(2, 5, len(sizes))  # the celebrities', as any account's
    return dict(
        strength=rng.beta(1, 9, total),  # followers who do not know them
        credibility=np.repeat(credibility, sizes),
        trust=pop["trust"],
        reciprocity=pop["reciprocity"],
        interest=pop["interest"],
        activity=pop["activity"],
        celebrities=len(sizes),
    )
